"""Inline Markdown: escaping, line joining, the line builder."""

from __future__ import annotations

import pytest

from pipeline.ingest.inline import (
    Inline,
    code_span,
    escape_block_start,
    escape_text,
    is_search_link,
    join_lines,
    unwrap_redirect,
)


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("中文第一行\n中文第二行", "中文第一行中文第二行"),
        ("English line\nnext line", "English line next line"),
        ("中文\nEnglish", "中文 English"),
        ("无换行", "无换行"),
    ],
)
def test_join_lines_is_cjk_aware(text: str, joined: str) -> None:
    assert join_lines(text) == joined


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("普通文字", "普通文字"),
        ("a*b*c", "a\\*b\\*c"),
        ("3 * 4", "3 * 4"),
        ("snake_case", "snake_case"),
        ("_前缀", "\\_前缀"),
        ("`代码`", "\\`代码\\`"),
        ("[注](见下)", "[注\\](见下)"),
        ("[1] 注释", "[1] 注释"),
        ("<b>不是标签", "\\<b>不是标签"),
        ("1 < 2", "1 < 2"),
        ("&amp; 实体", "\\&amp; 实体"),
        ("A & B", "A & B"),
        ("~~删除~~", "\\~\\~删除\\~\\~"),
        ("约$5", "约$5"),
        ("$5 到 $6", "\\$5 到 \\$6"),
        ("C:\\Users", "C:\\Users"),
        ("反斜杠\\*", "反斜杠\\\\\\*"),
    ],
)
def test_escape_text_only_where_markdown_would_act(text: str, escaped: str) -> None:
    assert escape_text(text) == escaped


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# 不是标题", "\\# 不是标题"),
        ("- 不是列表", "\\- 不是列表"),
        ("1. 不是列表", "1\\. 不是列表"),
        ("> 不是引用", "\\> 不是引用"),
        ("#话题#", "#话题#"),
        ("2024年", "2024年"),
    ],
)
def test_escape_block_start(text: str, escaped: str) -> None:
    assert escape_block_start(text) == escaped


def test_code_span_fence_outgrows_backticks_inside() -> None:
    assert code_span("x") == "`x`"
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x") == "`` `x ``"


@pytest.mark.parametrize(
    ("href", "target"),
    [
        ("https://link.zhihu.com/?target=https%3A//github.com/a/b", "https://github.com/a/b"),
        ("https://t.example/r?url=https://x.org/y&z=1", "https://x.org/y"),
        ("https://example.org/page?id=3", "https://example.org/page?id=3"),
    ],
)
def test_unwrap_redirect(href: str, target: str) -> None:
    assert unwrap_redirect(href) == target


def test_search_links_repeat_their_own_text() -> None:
    assert is_search_link(
        "国务院", "https://www.zhihu.com/search?q=%E5%9B%BD%E5%8A%A1%E9%99%A2&a=1"
    )
    assert not is_search_link("报告", "https://example.org/search?q=other")
    assert not is_search_link("报告", "https://example.org/report")


def test_inline_builder_moves_spaces_out_of_markers_and_drops_empty_ones() -> None:
    line = Inline()
    line.text("前")
    line.open("strong")
    line.text(" 重点 ")
    line.close("strong")
    line.open("em")
    line.text("  ")
    line.close("em")
    line.text("后")
    assert line.finish(html=True) == ("前 **重点** 后", "前 重点 后")


def test_inline_builder_links_images_code_and_maths() -> None:
    line = Inline()
    line.open("link", "https://a.b/c d")
    line.text("链接")
    line.close("link")
    line.code("x_1")
    line.math("a_{1}")
    line.image("图", "p.png", "说明")
    text, plain = line.finish()
    assert text == '[链接](<https://a.b/c d>)`x_1`$a_{1}$![图](p.png "说明")'
    assert plain == "链接x_1a_{1}"
    assert (line.links, line.link_chars, line.images) == (1, 2, 1)


def test_nested_emphasis_of_one_kind_is_not_doubled() -> None:
    line = Inline()
    line.open("strong")
    line.open("strong")
    line.text("粗")
    line.close("strong")
    line.close("strong")
    assert line.finish()[0] == "**粗**"

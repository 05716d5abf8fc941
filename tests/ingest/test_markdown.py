"""Markdown / Omnivore parsing: emphasis residue, links, images, captions, front matter."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.ingest.markdown import (
    inline_link,
    looks_like_omnivore,
    markdown_signals,
    parse_markdown,
    split_front_matter,
)
from pipeline.ingest.read import parse_bytes
from pipeline.settings import IngestSettings


def texts(markdown: str) -> list[tuple[str, str]]:
    _meta, cands = parse_markdown(markdown)
    return [(c.kind, c.text) for c in cands if c.text]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("**粗体**和*斜体*", "粗体和斜体"),
        # CommonMark cannot pair these next to CJK punctuation: the markers must still go.
        (
            "符合**美国利益**的**“双边导弹发射通报机制”**现存",
            "符合美国利益的“双边导弹发射通报机制”现存",
        ),
        (
            "其实，除了以上美国的两个协议机制，外**，**世界上",
            "其实，除了以上美国的两个协议机制，外，世界上",
        ),
        (
            "**2，防止技术扩散的底层逻辑；**HCOC的一个核心",
            "2，防止技术扩散的底层逻辑；HCOC的一个核心",
        ),
        ("这是*“重点”*内容", "这是“重点”内容"),
        ("脚注*", "脚注*"),
        ("3 * 4 = 12", "3 * 4 = 12"),
        ("2 * 3 * 4 = 24", "2 * 3 * 4 = 24"),
        ("__下划线粗体__", "下划线粗体"),
        ("snake_case_name", "snake_case_name"),
        (r"转义的 \*\* 星号", "转义的 ** 星号"),
        ("MOU(谅解备忘录）", "MOU(谅解备忘录）"),
        ("`code*star`", "code*star"),
        ("~~删除线~~保留", "删除线保留"),
    ],
)
def test_emphasis_markers_vanish_text_stays(markdown: str, expected: str) -> None:
    assert texts(markdown) == [("paragraph", expected)]


@pytest.mark.parametrize(
    ("markdown", "text", "link_only", "image_only"),
    [
        (
            "通过[新削减战略武器条约](https://www.zhihu.com/search?q=x&y=1)下的协议",
            "通过新削减战略武器条约下的协议",
            False,
            False,
        ),
        ("**[法律约束力](https://z.com/s?q=1)**（国会）", "法律约束力（国会）", False, False),
        ("[观察者网](https://www.zhihu.com/org/x)", "观察者网", True, False),
        ("[![头像](https://img/a.jpg)](https://www.zhihu.com/people/x)", "", False, True),
        ("![](https://img/b.jpg)", "", False, True),
        (
            "[编辑于 2023-12-12 14:16](https://z.com/a)・IP 属地美国",
            "编辑于 2023-12-12 14:16・IP 属地美国",
            False,
            False,
        ),
        ("中文第一行\n中文第二行", "中文第一行中文第二行", False, False),
        ("English line\nnext line", "English line next line", False, False),
    ],
)
def test_inline_rendering(markdown: str, text: str, link_only: bool, image_only: bool) -> None:
    _meta, cands = parse_markdown(markdown)
    assert len(cands) == 1
    assert (cands[0].text, cands[0].link_only, cands[0].image_only) == (text, link_only, image_only)


def test_block_kinds_and_levels() -> None:
    md = (
        "# 一级\n\n段落\n\n二级标题\n---\n\n- 列表项\n\n"
        "> 引用\n> > 嵌套引用\n\n| 表头 |\n|---|\n| 单元格 |\n"
    )
    _meta, cands = parse_markdown(md)
    assert [(c.kind, c.level, c.text) for c in cands] == [
        ("heading", 1, "一级"),
        ("paragraph", 0, "段落"),
        ("heading", 2, "二级标题"),
        ("list_item", 0, "列表项"),
        ("quote", 0, "引用"),
        ("quote", 0, "嵌套引用"),
        ("paragraph", 0, "表头"),
        ("paragraph", 0, "单元格"),
    ]


@pytest.mark.parametrize(
    ("markdown", "kind"),
    [
        ("![](a.jpg)\n\n俄罗斯拥有1.1万枚核弹头，其中2427枚处已部署状态", "caption"),
        ("![](a.jpg)\n\n这是一个完整的句子。", "paragraph"),
        ("普通段落\n\n紧接的段落", "paragraph"),
    ],
)
def test_caption_follows_an_image(markdown: str, kind: str) -> None:
    assert texts(markdown)[-1][0] == kind


def test_fenced_code_is_skipped_and_html_blocks_are_read() -> None:
    md = "正文。\n\n```python\nprint('代码')\n```\n\n<div>\n<p>块内HTML段落。</p>\n</div>\n"
    assert texts(md) == [("paragraph", "正文。"), ("paragraph", "块内HTML段落。")]


@pytest.mark.parametrize(
    ("text", "front", "body_start"),
    [
        ("---\ntitle: 标题\nauthor: 李四\n---\n正文", {"title": "标题", "author": "李四"}, "正文"),
        ("---\n正文里的一句话\n---\n后文", {}, "---"),
        ("---\ntitle: [unclosed\n---\n正文", {}, "正文"),
        ("没有前言\n---\n", {}, "没有前言"),
        ("---\ntitle: 未闭合\n正文", {}, "---"),
    ],
)
def test_split_front_matter(text: str, front: dict[str, str], body_start: str) -> None:
    got, body = split_front_matter(text)
    assert got == front
    assert body.startswith(body_start)


def test_front_matter_metadata_variants() -> None:
    md = (
        "---\ntitle: |\n  多行\n  标题\nauthors: [甲, 乙]\ndate: 2024-03-01\n"
        "url: https://example.org/a\n---\n正文。\n"
    )
    meta, _ = parse_markdown(md)
    assert (meta.title, meta.author, meta.published, meta.url) == (
        "多行 标题",
        "甲, 乙",
        dt.date(2024, 3, 1).isoformat(),
        "https://example.org/a",
    )


@pytest.mark.parametrize("author", ["unknown", "Unknown", "null", "''"])
def test_unknown_author_is_none(author: str) -> None:
    meta, _ = parse_markdown(f"---\ntitle: t\nauthor: {author}\n---\n正文。")
    assert meta.author is None


def test_read_original_link_gives_the_url_unless_front_matter_has_one() -> None:
    body = "[Read Original](https://a.example/orig)\n\n正文。"
    assert parse_markdown(body)[0].url == "https://a.example/orig"
    assert parse_markdown("---\nurl: https://b.example\n---\n" + body)[0].url == "https://b.example"


@pytest.mark.parametrize(
    ("text", "omnivore"),
    [
        ("---\nid: 1\ndate_saved: 2023-12-12 09:16:43\n---\n# t", True),
        ("# t\n#Omnivore\n\n正文", True),
        ("[Read on Omnivore](https://omnivore.app/x)\n", True),
        ("---\ntitle: t\n---\n# t", False),
        ("普通文本", False),
        ("<p>见 <a href='#Omnivore'>#Omnivore</a></p>", False),
    ],
)
def test_looks_like_omnivore(text: str, omnivore: bool) -> None:
    assert looks_like_omnivore(text) is omnivore


@pytest.mark.parametrize(
    ("line", "title", "url"),
    [
        ("[标题](https://a.b/c?d=%E4)", "标题", "https://a.b/c?d=%E4"),
        ("[带[方括号]的标题](https://a.b)", "带[方括号]的标题", "https://a.b"),
        ("不是链接", None, None),
    ],
)
def test_inline_link(line: str, title: str | None, url: str | None) -> None:
    assert inline_link(line) == (title, url)


@pytest.mark.parametrize(
    ("text", "signals"),
    [
        ("# 标题\n\n[链接](http://a)\n\n- 项目", 3),
        ("普通中文文本。\n第二行。", 0),
        ("> 引用\n```\ncode\n```", 2),
    ],
)
def test_markdown_signals(text: str, signals: int) -> None:
    assert markdown_signals(text) == signals


def test_omnivore_chrome_vanishes_end_to_end() -> None:
    md = (
        "---\ntitle: 问题 - 知乎\ndate_saved: 2024-01-02 10:00:00\n---\n\n"
        "# 问题 - 知乎\n#Omnivore\n\n"
        "[Read on Omnivore](https://omnivore.app/me/x)\n\n[Read Original](https://z.com/q/1)\n\n"
        "date_saved: 2024-01-02 10:00:00\n\n--- \n\n# Full Content: \n\n## 问题\n\n"
        "[![作者](https://img/a.jpg)](https://z.com/people/a)\n\n[作者](https://z.com/people/a)\n\n"
        " 关注\n\n3 人赞同了该回答\n\n答案正文。\n\n[发布于 2024-01-01 08:00](https://z.com/q/1)\n\n"
        "赞同 3 添加评论\n\n展开阅读全文\n\n---\n"
    )
    doc = parse_bytes(md.encode(), "q.md", IngestSettings())
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("title", "问题"),
        ("heading", "问题"),
        ("paragraph", "答案正文。"),
    ]
    assert (doc.meta.url, doc.meta.saved) == ("https://z.com/q/1", "2024-01-02T10:00:00")

"""Markdown paragraphs: failed CJK emphasis, images, and paragraphs cut at embeds and maths."""

from __future__ import annotations

import pytest

from pipeline.ingest.mdinline import inline_link, md, needs_line_split, render_inline, split_lines


def render(markdown: str) -> list[tuple[str, str]]:
    tokens = md().parseInline(markdown)
    return [(c.kind, c.text) for c in render_inline(tokens[0].children or [])]


def test_failed_cjk_bold_keeps_the_authors_markers_and_a_lone_star_is_literal() -> None:
    assert render("符合**美国利益**的**“双边机制”**现存") == [
        ("paragraph", "符合**美国利益**的**“双边机制”**现存")
    ]
    assert render("脚注*") == [("paragraph", "脚注\\*")]


def test_a_paragraph_of_images_is_image_blocks_keeping_their_link() -> None:
    assert render("![a](1.png) ![b](2.png)") == [("image", "![a](1.png)"), ("image", "![b](2.png)")]
    linked = render_inline(
        md().parseInline("[![头像](a.jpg)](https://z.com/p/x)")[0].children or []
    )
    assert [(c.kind, c.text, c.href) for c in linked] == [
        ("image", "[![头像](a.jpg)](https://z.com/p/x)", "https://z.com/p/x")
    ]


def test_inline_html_becomes_markdown() -> None:
    assert render("A<br>B<sup>1</sup>") == [("paragraph", "A B1")]
    assert render('<a href="https://x.y/z">链接</a>与<strong>粗</strong>') == [
        ("paragraph", "[链接](https://x.y/z)与**粗**")
    ]


@pytest.mark.parametrize(
    ("content", "split"),
    [
        ("普通的一段话。", False),
        ("前文\n![[图.png]]\n后文", True),
        ("含有 \\Bigg| 的说明文字，不是公式", False),
        ("\\frac{a}{b} + \\sqrt{c}", True),
        ("\n".join("abcdefgh"), True),
        ("第一行\n第二行", False),
    ],
)
def test_needs_line_split(content: str, split: bool) -> None:
    assert needs_line_split(content) is split


def test_split_lines_cuts_at_embeds_latex_and_glyph_runs() -> None:
    content = "说明文字\n![[示意图.png]]\n" + "\n".join("∫0r|πx") + "\n\\int_0^r \\pi x dx\n结尾。"
    cands = split_lines(content)
    assert [(c.kind, c.info, c.chrome, c.text or c.plain) for c in cands] == [
        ("paragraph", "", "", "说明文字"),
        ("image", "", "", "![[示意图.png]]"),
        ("paragraph", "", "flattened-math", "∫ 0 r | π x"),
        ("code", "math", "", "\\int_0^r \\pi x dx"),
        ("paragraph", "", "", "结尾。"),
    ]


def test_inline_link_reads_a_title_line() -> None:
    assert inline_link("[标题](https://a.b/c?x=1)") == ("标题", "https://a.b/c?x=1")
    assert inline_link("no link") == (None, None)

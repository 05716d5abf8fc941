"""HTML extraction: element rules, snippets that must vanish or stay, whitespace."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest.inline import collapse_ws
from pipeline.ingest.read import explain_bytes, parse_bytes
from pipeline.settings import IngestSettings


def blocks(html: str, name: str = "page.html") -> list[tuple[str, str]]:
    doc = parse_bytes(html.encode(), name, IngestSettings())
    return [(b.kind, b.text) for b in doc.blocks]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<p>正文。</p><div data-selfpromo-newsletter>订阅</div>"
            "<div data-selfpromo-app>下载</div>",
            ["正文。"],
        ),
        (
            "<p>正文。</p><div><div>分享 :</div><div><a href='https://fb.com/share'><span></span></a></div></div>",
            ["正文。"],
        ),
        ("<p>正文。</p><span data-root-share><share-button>分享</share-button></span>", ["正文。"]),
        (
            '<p>正文。</p><div><asidedata-org-name=""data-org-type="">'
            "<div role='heading'><span>同一主题</span></div><div><divdata-article-list>"
            "<a href='/a' data-article-item-link><h2>旧闻</h2></a></div></div></aside></div>",
            ["正文。"],
        ),
        (
            "<p>正文。</p><section><h3>相关阅读</h3>"
            "<ul><li><a href='/a'>旧闻甲</a></li></ul></section>",
            ["正文。"],
        ),
        (
            "<p>正文。</p><br><hr><div>获取更多RSS：<br><a href='https://feedx.net'>https://feedx.net</a></div>",
            ["正文。"],
        ),
        ("<div>11/12/2023 - 14:21</div><img src='a.jpg'><p>正文。</p>", ["![](a.jpg)", "正文。"]),
        (
            "<p>正文。</p><script>var a = '脚本';</script><style>p{}</style>"
            "<noscript>请启用</noscript>",
            ["正文。"],
        ),
        ("<p>正文。</p><form><label>邮箱</label><button>订阅</button></form>", ["正文。"]),
        ("<p>正文。</p><p style='display:none'>隐藏</p><p hidden>也隐藏</p>", ["正文。"]),
        ("<p><a href='/people/x'>作者名</a></p><p>正文。</p>", ["正文。"]),
        ("<p>美国<a href='/search?q=国务院'>国务院</a>表示。</p>", ["美国国务院表示。"]),
        ("<p>第一行<br>第二行</p>", ["第一行", "第二行"]),
        ("<p>中文\n  换行</p><p>English\nwrap</p>", ["中文换行", "English wrap"]),
        ("<p>  <strong>导语。   </strong>  </p>", ["**导语。**"]),
        ("<p>A&nbsp;B&amp;C</p>", ["A B&C"]),
        ("<p>漢<ruby>字<rp>(</rp><rt>zì</rt><rp>)</rp></ruby>。</p>", ["漢字。"]),
        ("<p>前文<script>ad()</script>后文。</p>", ["前文后文。"]),
        (
            "<div><p>正文<a href='/x'>链接</a>。</p><h3>相关阅读</h3>"
            "<ul><li><a href='/a'>旧闻</a></li></ul><p>后记。</p></div>",
            ["正文[链接](/x)。", "后记。"],
        ),
        (
            "<div><p>正文。</p><h3>相关阅读</h3><p>无链接的说明。</p></div>",
            ["正文。", "无链接的说明。"],
        ),
        (
            "<div>直接写在div里的正文。<p>段落。</p>尾巴文字。</div>",
            ["直接写在div里的正文。", "段落。", "尾巴文字。"],
        ),
    ],
)
def test_html_snippets_keep_only_article_text(html: str, expected: list[str]) -> None:
    assert [text for kind, text in blocks(html) if kind != "title"] == expected


def test_wrapper_with_chrome_class_is_kept_when_it_holds_the_article() -> None:
    html = "<div class='post has-share-bar'><p>" + "很长的正文。" * 20 + "</p></div><p>短。</p>"
    assert blocks(html)[0] == ("paragraph", "很长的正文。" * 20)


def test_page_chrome_outside_article_is_dropped_and_header_headline_kept() -> None:
    html = (
        "<html><head><title>标题 - 网站</title></head><body>"
        "<header><h1>网站名</h1><nav><a href='/'>首页</a></nav></header>"
        "<article><header><h1>标题</h1><p>记者 报道</p></header><p>正文。</p>"
        "<figure><img src='x.jpg'><figcaption>图片说明</figcaption></figure></article>"
        "<aside><p>热门</p></aside><footer>版权</footer></body></html>"
    )
    assert blocks(html) == [
        ("title", "标题"),
        ("paragraph", "正文。"),
        ("image", "![](x.jpg)"),
        ("caption", "图片说明"),
    ]


def test_longest_article_wins_and_main_is_used_without_article() -> None:
    two = "<article><p>短卡片。</p></article><article><p>这才是正文，篇幅更长。</p></article>"
    assert blocks(two) == [("paragraph", "这才是正文，篇幅更长。")]
    main = "<div><p>侧栏。</p></div><main><p>主体正文。</p></main>"
    assert blocks(main) == [("paragraph", "主体正文。")]


def test_role_heading_levels_and_lists() -> None:
    html = "<div role='heading' aria-level='3'>小标题</div><ol><li>甲<ul><li>乙</li></ul></li></ol>"
    doc = parse_bytes(html.encode(), "p.html", IngestSettings())
    assert [(b.kind, b.level, b.marker, b.text) for b in doc.blocks] == [
        ("heading", 3, "", "小标题"),
        ("list_item", 0, "1.", "甲"),
        ("list_item", 1, "-", "乙"),
    ]


@pytest.mark.parametrize(
    ("raw", "collapsed"),
    [
        ("  a \n b  ", "a b"),
        ("中\n文", "中文"),
        ("中 文", "中 文"),
        ("中\u200b文", "中文"),
        ("x\u00a0\u00a0y", "x y"),
        ("，\n“引号”", "，“引号”"),
    ],
)
def test_collapse_ws(raw: str, collapsed: str) -> None:
    assert collapse_ws(raw) == collapsed


def test_site_name_suffix_is_stripped_from_the_title() -> None:
    html = (
        "<html><head><title>军控会谈 | 示例网</title>"
        "<meta property='og:site_name' content='示例网'></head><body><p>正文。</p></body></html>"
    )
    doc = parse_bytes(html.encode(), "p.html", IngestSettings())
    assert doc.meta.title == "军控会谈"
    assert doc.blocks[0].text == "军控会谈"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<p>用<code>zhen --help</code>查看，<b>粗体</b>、<em>斜体</em>和"
            "<a href='https://a.b/c'>链接</a>。</p>",
            [("paragraph", "用`zhen --help`查看，**粗体**、*斜体*和[链接](https://a.b/c)。")],
        ),
        (
            "<div><i>  记者甲 （综合报道）<br>2020-10-11T09:33:25.855Z</i></div><p>正文。</p>",
            [("paragraph", "*记者甲 （综合报道）*"), ("paragraph", "正文。")],
        ),
        (
            "<pre><code class='language-python'>def f():\n    return 1\n</code></pre>",
            [("code", "def f():\n    return 1")],
        ),
        (
            "<p>正文。</p><img src='data:image/gif;base64,R0l' data-src='real.jpg' alt='图'>"
            "<img src='pixel.gif' width='1' height='1'>",
            [("paragraph", "正文。"), ("image", "![图](real.jpg)")],
        ),
        (
            "<img src='a.jpg'><div><small>周六在平壤举行的阅兵式。</small></div><p>正文。</p>",
            [
                ("image", "![](a.jpg)"),
                ("caption", "周六在平壤举行的阅兵式。"),
                ("paragraph", "正文。"),
            ],
        ),
        (
            "<p>段落中的图 <img src='i.png' alt='示意'> 说明。</p>",
            [("paragraph", "段落中的图 ![示意](i.png) 说明。")],
        ),
        (
            "<p>字面的 *星号* 与 [括号](不是链接)</p>",
            [("paragraph", "字面的 \\*星号\\* 与 [括号\\](不是链接)")],
        ),
    ],
)
def test_inline_markup_and_block_structure_come_through(
    html: str, expected: list[tuple[str, str]]
) -> None:
    assert [kt for kt in blocks(html) if kt[0] != "title"] == expected


def test_a_data_table_gives_one_block_per_cell_and_a_layout_table_its_text() -> None:
    html = (
        "<table><thead><tr><th>国家</th><th>数量</th></tr></thead>"
        "<tbody><tr><td>美国</td><td><b>3</b></td></tr></tbody></table>"
        "<table><tr><td><p>布局表格里的正文。</p><table><tr><td>嵌套</td></tr></table></td></tr></table>"
    )
    doc = parse_bytes(html.encode(), "t.html", IngestSettings())
    assert [(b.kind, b.table, b.row, b.col, b.text) for b in doc.blocks] == [
        ("table_cell", 0, 0, 0, "国家"),
        ("table_cell", 0, 0, 1, "数量"),
        ("table_cell", 0, 1, 0, "美国"),
        ("table_cell", 0, 1, 1, "**3**"),
        ("paragraph", -1, -1, -1, "布局表格里的正文。"),
        ("paragraph", -1, -1, -1, "嵌套"),
    ]


def test_ordered_list_markers_follow_start_and_nesting() -> None:
    html = (
        "<ol start='3'><li>三</li><li>四<ol><li>四之一</li></ol></li></ol>"
        "<blockquote><blockquote>深</blockquote></blockquote>"
    )
    doc = parse_bytes(html.encode(), "l.html", IngestSettings())
    assert [(b.kind, b.level, b.marker, b.text) for b in doc.blocks] == [
        ("list_item", 0, "3.", "三"),
        ("list_item", 0, "4.", "四"),
        ("list_item", 1, "1.", "四之一"),
        ("quote", 1, "", "深"),
    ]


def test_a_div_page_loses_its_chrome_and_keeps_the_title_before_the_site_suffix() -> None:
    path = Path(__file__).resolve().parents[1] / "data" / "ingest" / "unseen" / "divsoup.html"
    doc = parse_bytes(path.read_bytes(), "divsoup.html", IngestSettings())
    assert doc.meta.title == "海军新型驱逐舰完成首次远海训练"
    assert doc.meta.published == "2024-03-01T10:00:00"
    assert [b.kind for b in doc.blocks] == ["title", "paragraph", "paragraph", "paragraph"]


def test_skipped_elements_and_text_outside_the_article_are_listed_as_dropped() -> None:
    data = (Path(__file__).resolve().parents[1] / "data" / "ingest" / "page.html").read_bytes()
    doc, dropped = explain_bytes(data, "page.html", IngestSettings())
    assert ("outside-article", "热门文章") in dropped
    assert ("related-list", "旧闻一") in dropped
    assert ("chrome-signature", "分享到推特") in dropped
    assert ("hidden", "隐藏的文字") in dropped
    assert all("不应出现的脚本文字" not in text for _, text in dropped)  # scripts are not text
    assert "热门文章" not in "".join(b.text for b in doc.blocks)


# --- nesting depth --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><article>"
        + "<div>" * 600
        + "<p>深层的段落。</p>"
        + "</div>" * 600
        + "<p>结尾段落。</p></article></body></html>",
        "<html><body>" + "<div>" * 600 + "<p>深层的段落。</p><p>结尾段落。</p></body></html>",
        "<html><body>" + "<span><b>" * 2000 + "深层的段落。<div>结尾段落。</div></body></html>",
    ],
    ids=["nested-600", "unclosed-600", "unclosed-inline-2000"],
)
def test_deep_html_keeps_its_text(html: str) -> None:
    texts = [text.replace("*", "") for _, text in blocks(html)]  # before: RecursionError
    assert texts == ["深层的段落。", "结尾段落。"]


def test_cap_depth_flattens_only_beyond_the_limit() -> None:
    from pipeline.ingest.html import cap_depth

    page = (
        "<!-- <div><div><div> --><script>var s = '<div><div><div>';</script>"
        "<div><p>甲<p>乙<ul><li>一<li>二</ul><br><img src=x.png></div>"
    )
    assert cap_depth(page, limit=3) == page  # comments, scripts, optional end tags don't count
    deep = "<div><section><div><div>深</div>处</div></section></div>尾"
    assert cap_depth(deep, limit=2) == "<div><section><br><br>深<br>处<br></section></div>尾"
    inline = "<i><b><em>深</em></b></i>尾"
    assert cap_depth(inline, limit=1) == "<i>深</i>尾"
    many = "<div>" * 5000 + "文" + "</div>" * 5000
    capped = cap_depth(many, limit=100)
    assert capped.count("<div>") == 100 and "文" in capped


@pytest.mark.parametrize("container", ["<article></article>", "<main> </main>", "<article><"])
def test_an_empty_container_does_not_hide_the_page_text(container: str) -> None:
    # found by the fuzz test: the empty <article> was chosen and the prose dropped as outside it
    prose = "美俄两国代表周四在日内瓦举行会谈，讨论战略稳定问题。"
    assert blocks(f"<html><body><div><p>{prose}</p></div>{container}") == [("paragraph", prose)]

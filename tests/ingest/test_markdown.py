"""Markdown / Omnivore parsing: emphasis residue, links, images, captions, front matter."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from pipeline.ingest.markdown import (
    looks_like_omnivore,
    markdown_signals,
    parse_markdown,
    split_front_matter,
)
from pipeline.ingest.mdinline import inline_link
from pipeline.ingest.read import parse_bytes
from pipeline.settings import IngestSettings


def texts(markdown: str) -> list[tuple[str, str]]:
    _meta, cands = parse_markdown(markdown)
    return [(c.kind, c.text) for c in cands if c.text]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("**粗体**和*斜体*", "**粗体**和*斜体*"),
        # CommonMark cannot pair these next to CJK punctuation: the author's markers stay.
        (
            "符合**美国利益**的**“双边导弹发射通报机制”**现存",
            "符合**美国利益**的**“双边导弹发射通报机制”**现存",
        ),
        (
            "其实，除了以上美国的两个协议机制，外**，**世界上",
            "其实，除了以上美国的两个协议机制，外**，**世界上",
        ),
        ("这是*“重点”*内容", "这是*“重点”*内容"),
        # Literal stars stay literal: escaped only where a renderer would read emphasis.
        ("脚注*", "脚注\\*"),
        ("3 * 4 = 12", "3 * 4 = 12"),
        ("2 * 3 * 4 = 24", "2 * 3 * 4 = 24"),
        ("__下划线粗体__", "**下划线粗体**"),
        ("snake_case_name", "snake_case_name"),
        (r"转义的 \*\* 星号", r"转义的 \*\* 星号"),
        ("MOU(谅解备忘录）", "MOU(谅解备忘录）"),
        ("`code*star`", "`code*star`"),
        ("``a`b``", "``a`b``"),
        ("~~删除线~~保留", "~~删除线~~保留"),
        ("公式 $a_{1}+b_{2}$ 成立", "公式 $a_{1}+b_{2}$ 成立"),
        ("价格$5和$6", "价格\\$5和\\$6"),
        ("<b>粗</b>与<i>斜</i>", "**粗**与*斜*"),
        ("见<a href='https://a.b/c'>链接</a>", "见[链接](https://a.b/c)"),
    ],
)
def test_inline_markdown_is_kept(markdown: str, expected: str) -> None:
    assert texts(markdown) == [("paragraph", expected)]


@pytest.mark.parametrize(
    ("markdown", "kind", "text", "plain", "link_only"),
    [
        # A site's automatic search link marks a word, not a reference: its text stays.
        (
            "通过[新削减战略武器条约](https://www.zhihu.com/search?q=%E6%96%B0%E5%89%8A%E5%87%8F"
            "%E6%88%98%E7%95%A5%E6%AD%A6%E5%99%A8%E6%9D%A1%E7%BA%A6&y=1)下的协议",
            "paragraph",
            "通过新削减战略武器条约下的协议",
            "通过新削减战略武器条约下的协议",
            False,
        ),
        (
            "**[法律约束力](https://z.com/s?q=1)**（国会）",
            "paragraph",
            "**[法律约束力](https://z.com/s?q=1)**（国会）",
            "法律约束力（国会）",
            False,
        ),
        # A redirect hop is unwrapped to the address a reader reaches.
        (
            "见[文档](https://link.zhihu.com/?target=https%3A//platform.example.com/docs)",
            "paragraph",
            "见[文档](https://platform.example.com/docs)",
            "见文档",
            False,
        ),
        (
            "[观察者网](https://www.zhihu.com/org/x)",
            "paragraph",
            "[观察者网](https://www.zhihu.com/org/x)",
            "观察者网",
            True,
        ),
        (
            "[![头像](https://img/a.jpg)](https://www.zhihu.com/people/x)",
            "image",
            "[![头像](https://img/a.jpg)](https://www.zhihu.com/people/x)",
            "",
            False,
        ),
        ("![](https://img/b.jpg)", "image", "![](https://img/b.jpg)", "", False),
        ("![[Pasted image 2024.png]]", "image", "![[Pasted image 2024.png]]", "", False),
        (
            "[编辑于 2023-12-12 14:16](https://z.com/a)・IP 属地美国",
            "paragraph",
            "[编辑于 2023-12-12 14:16](https://z.com/a)・IP 属地美国",
            "编辑于 2023-12-12 14:16・IP 属地美国",
            False,
        ),
        (
            "中文第一行\n中文第二行",
            "paragraph",
            "中文第一行中文第二行",
            "中文第一行中文第二行",
            False,
        ),
        (
            "English line\nnext line",
            "paragraph",
            "English line next line",
            "English line next line",
            False,
        ),
        ("看图 ![示意](a.png) 说明", "paragraph", "看图 ![示意](a.png) 说明", "看图  说明", False),
    ],
)
def test_inline_rendering(markdown: str, kind: str, text: str, plain: str, link_only: bool) -> None:
    _meta, cands = parse_markdown(markdown)
    assert len(cands) == 1
    assert (cands[0].kind, cands[0].text, cands[0].plain, cands[0].link_only) == (
        kind,
        text,
        plain,
        link_only,
    )


def test_block_kinds_and_levels() -> None:
    md = (
        "# 一级\n\n段落\n\n二级标题\n---\n\n- 列表项\n  - 嵌套项\n\n3. 三\n4. 四\n\n"
        "> 引用\n> > 嵌套引用\n\n| 表头 | 二 |\n|---|---|\n| 单元格 | `x` |\n"
    )
    _meta, cands = parse_markdown(md)
    assert [(c.kind, c.level, c.marker, c.text) for c in cands] == [
        ("heading", 1, "", "一级"),
        ("paragraph", 0, "", "段落"),
        ("heading", 2, "", "二级标题"),
        ("list_item", 0, "-", "列表项"),
        ("list_item", 1, "-", "嵌套项"),
        ("list_item", 0, "3.", "三"),
        ("list_item", 0, "4.", "四"),
        ("quote", 0, "", "引用"),
        ("quote", 1, "", "嵌套引用"),
        ("table_cell", 0, "", "表头"),
        ("table_cell", 0, "", "二"),
        ("table_cell", 0, "", "单元格"),
        ("table_cell", 0, "", "`x`"),
    ]
    cells = [(c.table, c.row, c.col) for c in cands if c.kind == "table_cell"]
    assert cells == [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1)]


def test_a_paragraph_continuing_a_list_item_has_no_marker() -> None:
    _meta, cands = parse_markdown("1. 第一段\n\n   第二段\n2. 下一项\n")
    assert [(c.kind, c.marker, c.text) for c in cands] == [
        ("list_item", "1.", "第一段"),
        ("list_item", "", "第二段"),
        ("list_item", "2.", "下一项"),
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


def test_code_blocks_are_verbatim_and_html_blocks_are_read() -> None:
    md = (
        "正文。\n\n```python\nprint('代码')\n  x = 1\n```\n\n"
        "<div>\n<p>块内HTML段落。</p>\n</div>\n\n"
        "    indented()\n\n$$\na_{1} + b\n$$\n"
    )
    _meta, cands = parse_markdown(md)
    assert [(c.kind, c.info, c.text) for c in cands] == [
        ("paragraph", "", "正文。"),
        ("code", "python", "print('代码')\n  x = 1"),
        ("paragraph", "", "块内HTML段落。"),
        ("code", "", "indented()"),
        ("code", "math", "a_{1} + b"),
    ]


def test_indented_chinese_prose_stays_paragraphs() -> None:
    _meta, cands = parse_markdown("    这是被编辑缩进的一段正文，不是代码。\n")
    assert [(c.kind, c.text) for c in cands] == [
        ("paragraph", "这是被编辑缩进的一段正文，不是代码。")
    ]


def test_flattened_maths_is_dropped_and_latex_lines_are_maths_blocks() -> None:
    glyphs = "\n".join(f"> {g}" for g in "J[y]=∫0r|πx[ρgh]")
    latex = "J[y]= \\int_0^r\\underbrace{x}_{F(y)}dx"
    md = f"> 当然也会遇到这种状况\n{glyphs}\n> {latex}\n> 后面的说明。\n"
    _meta, cands = parse_markdown(md)
    assert [(c.kind, c.info, c.text) for c in cands if not c.chrome] == [
        ("quote", "", "当然也会遇到这种状况"),
        ("code", "math", "J[y]= \\int_0^r\\underbrace{x}_{F(y)}dx"),
        ("quote", "", "后面的说明。"),
    ]
    assert {c.chrome for c in cands if c.chrome} == {"flattened-math"}


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
        ("paragraph", "答案正文。"),
    ]
    assert (doc.meta.url, doc.meta.saved) == ("https://z.com/q/1", "2024-01-02T10:00:00")


def test_an_obsidian_omnivore_note_keeps_embeds_as_images_and_loses_its_template() -> None:
    path = Path(__file__).resolve().parents[1] / "data" / "ingest" / "unseen" / "obsidian_zhihu.md"
    doc = parse_bytes(path.read_bytes(), "note.md", IngestSettings())
    assert doc.meta.title == "新型反舰导弹的射程为什么能提高这么多？"
    assert doc.meta.url == "https://www.zhihu.com/question/100000001"
    assert [(b.kind, b.text[:12]) for b in doc.blocks] == [
        ("title", "新型反舰导弹的射程为什么"),
        ("image", "![[Pasted im"),
        ("paragraph", "射程的提升主要来自两方面"),
        ("paragraph", "另外，中段改用高空巡航弹"),
        ("image", "![[导弹笔记#^a1b"),
    ]
    assert doc.blocks[3].text.endswith("末段再俯冲攻击。")  # the block id is gone


# --- nesting depth --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markdown",
    [
        "\n".join("  " * i + f"- 第{i}层。" for i in range(12)),
        "\n".join("  " * i + f"- 第{i}层。" for i in range(400)),
        "\n".join(">" * i + f" 第{i}层。" for i in range(1, 25)),
        "\n".join(">" * i + f" 第{i}层。" for i in range(1, 700)),
        "> - " * 300 + "第一层。",
        "\n".join("   " * i + f"1. 第{i}层。" for i in range(40)),
    ],
    ids=["list-12", "list-400", "quote-24", "quote-700", "quote-list-600", "ordered-40"],
)
def test_deep_nesting_loses_no_text(markdown: str) -> None:
    found = [text for _, text in texts(markdown + "\n\n之后的段落。\n")]
    # before the fix: everything from the line past markdown-it's limit on was dropped
    assert found[-1] == "之后的段落。"
    expected = "".join(re.sub(r"^[\s>\-\d.]*", "", line) for line in markdown.split("\n"))
    assert "".join(found[:-1]) == expected


def test_nesting_within_the_limit_is_unchanged() -> None:
    from pipeline.ingest.markdown import flatten_nesting

    text = "\n".join("  " * i + f"- 第{i}层" for i in range(8)) + "\n\n> > 引用\n\n1. 甲\n   - 乙"
    assert flatten_nesting(text) == text
    cands = parse_markdown("\n".join("  " * i + f"- 第{i}层" for i in range(30)))[1]
    assert [c.level for c in cands][:16] == list(range(16))  # deeper items stay at the limit
    assert max(c.level for c in cands) < 16


def test_fenced_code_keeps_its_indentation_however_deep() -> None:
    code = "```yaml\n" + "  " * 40 + "- key: 值\n```"
    cands = parse_markdown(code + "\n\n正文。")[1]
    assert [(c.kind, c.text) for c in cands] == [
        ("code", "  " * 40 + "- key: 值"),
        ("paragraph", "正文。"),
    ]

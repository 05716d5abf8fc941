"""The Markdown outputs render the document's structure: tables, code, lists, quotes, images."""

from __future__ import annotations

from markdown_it import MarkdownIt

from pipeline.document import Block, Document, Metadata, Segment
from pipeline.export.markdown import render_bilingual, render_english
from pipeline.ingest import parse_bytes
from pipeline.settings import IngestSettings


def translated(doc: Document, english: dict[str, str]) -> Document:
    """``doc`` with one segment per translatable block, translated from ``english``."""
    for block in doc.blocks:
        if block.kind in ("code", "image") or not block.text:
            continue
        en = english.get(block.text, f"EN({block.text})")
        doc.segments.append(
            Segment(
                id=f"{doc.id}:{block.index}:0",
                doc_id=doc.id,
                block=block.index,
                index=0,
                start=0,
                end=len(block.text),
                source=block.text,
                normalized=block.text,
                en=en,
                status="translated",
            )
        )
    return doc


SOURCE = """# 标题

导语**重点**，见[报告](https://example.org/r)。

- 第一项
    - 嵌套项
3. 第三
4. 第四

> 引用
> > 嵌套引用

| 国家 | 年份 |
|---|---|
| 美国 | 1988 |

```python
print("不翻译")
```

![示意图](https://example.org/a.png)

图一：示意

$$
a_{1} + b
$$

![[Pasted image.png]]
"""


def rendered() -> str:
    doc = parse_bytes(SOURCE.encode(), "s.md", IngestSettings())
    english = {
        "标题": "Title",
        "导语**重点**，见[报告](https://example.org/r)。": (
            "Lede **key**, see [report](https://example.org/r)."
        ),
        "第一项": "First",
        "嵌套项": "Nested",
        "第三": "Third",
        "第四": "Fourth",
        "引用": "Quote",
        "嵌套引用": "Nested quote",
        "国家": "Country",
        "年份": "Year",
        "美国": "US",
        "1988": "1988",
        "图一：示意": "Figure 1: sketch",
    }
    return render_english(translated(doc, english))


def test_english_keeps_the_structure() -> None:
    out = rendered()
    assert "# Title\n" in out
    assert "Lede **key**, see [report](https://example.org/r)." in out
    assert "- First\n    - Nested\n3. Third\n4. Fourth" in out
    assert "> Quote\n\n> > Nested quote" in out
    assert "| Country | Year |\n|---|---|\n| US | 1988 |" in out
    assert '```python\nprint("不翻译")\n```' in out
    assert "![示意图](https://example.org/a.png)\n\n*Figure 1: sketch*" in out
    assert "$$\na_{1} + b\n$$" in out
    assert "![[Pasted image.png]]" in out


def test_english_markdown_parses_back_to_the_same_structure() -> None:
    tokens = [t.type for t in MarkdownIt("commonmark").enable("table").parse(rendered())]
    assert tokens.count("table_open") == 1
    assert tokens.count("th_open") == 2 and tokens.count("td_open") == 2
    assert tokens.count("fence") == 1
    assert tokens.count("bullet_list_open") == 2
    assert tokens.count("ordered_list_open") == 1
    assert tokens.count("blockquote_open") == 3


def test_bilingual_puts_each_block_beside_its_english_and_code_once() -> None:
    doc = parse_bytes(SOURCE.encode(), "s.md", IngestSettings())
    out = render_bilingual(translated(doc, {"美国": "US"}))
    assert "| 国家 | 年份 |\n|---|---|\n| 美国 | 1988 |" in out
    assert "| EN(国家) | EN(年份) |\n|---|---|\n| US | EN(1988) |" in out
    assert "- 第一项\n- EN(第一项)\n    - 嵌套项\n    - EN(嵌套项)" in out
    assert out.count('print("不翻译")') == 1
    assert out.count("![示意图](https://example.org/a.png)") == 1


def test_table_cells_escape_pipes_and_missing_cells_stay_empty() -> None:
    blocks = [
        Block(0, "table_cell", "a|b", table=0, row=0, col=0),
        Block(1, "table_cell", "c", table=0, row=0, col=1),
        Block(2, "table_cell", "d", table=0, row=1, col=0),
    ]
    doc = Document("t", "t.md", "markdown", "utf-8", Metadata(), blocks)
    out = render_english(translated(doc, {"a|b": "x|y", "c": "z", "d": "w"}))
    assert "| x\\|y | z |\n|---|---|\n| w |  |" in out


def test_code_with_backtick_fences_gets_a_longer_fence() -> None:
    doc = Document(
        "c", "c.md", "markdown", "utf-8", Metadata(), [Block(0, "code", "```\nx\n```", info="md")]
    )
    assert "````md\n```\nx\n```\n````" in render_english(doc)


def test_outputs_render_hostile_text_and_metadata_as_text() -> None:
    import markdown as python_markdown
    from export.helpers import live_markup

    source = (
        "---\ntitle: 标题<script>alert(0)</script>\nauthor: <img src=x onerror=alert(1)>\n"
        'url: "javascript:alert(2)"\n---\n\n这是 &lt;script&gt;alert(3)&lt;/script&gt; 的例子。\n\n'
        "$$\n\n<script>alert(4)</script>\n$$\n"
    )
    doc = parse_bytes(source.encode(), "x.md", IngestSettings())
    english = {
        b.text: "This is <script>alert(5)</script> [a](javascript:alert(6))" for b in doc.blocks
    }
    doc = translated(doc, english)
    # Python-Markdown as MkDocs runs it: without fenced_code it has no fenced code blocks at all
    for text in (render_english(doc), render_bilingual(doc)):
        assert "alert(4)" in text and "alert(5)" in text  # kept, as text
        for html in (
            MarkdownIt("commonmark", {"html": True}).render(text),
            python_markdown.markdown(text, extensions=["fenced_code", "tables"]),
        ):
            assert live_markup(html) == [], html  # before the fix: <script>, <img onerror>

"""Per-document Markdown outputs: the English article and the bilingual reading version.

The document's structure comes back as Markdown: headings at their level, nested and ordered
lists with their markers, nested quotes, tables rebuilt from their cells, code and maths blocks
fenced with their info string, images as written (Obsidian ``![[…]]`` embeds too), captions in
italics. Block text is inline Markdown already (see :class:`pipeline.document.Block`), so only the
block-level markup is added here. Renderers are pure (Document → str) so they are easy to test;
``write_*`` functions are the only ones touching files and always write atomically.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from itertools import groupby
from pathlib import Path

from pipeline.document import VERBATIM_KINDS, Block, Document, Segment
from pipeline.export.safemd import escape_plain, info_string, math_is_safe, safe_inline, safe_url
from pipeline.store.atomic import atomic_write_text
from pipeline.store.rundir import RunDir

MODEL_CREDIT = (
    "Machine translation by zhen with the Argos Translate zh→en package, derived from OPUS-MT "
    "(Tiedemann & Thottingal, EAMT 2020), licensed CC BY 4.0."
)
INDENT = "    "
"""Indentation per list nesting level: enough under ``-`` and ``10.`` alike."""

Text = Callable[[Block], str]


def segments_by_block(doc: Document) -> dict[int, list[Segment]]:
    """The document's segments grouped by block index, in one pass: looking them up block by
    block with :meth:`Document.segments_of` made rendering quadratic in the paragraphs."""
    grouped: dict[int, list[Segment]] = {}
    for seg in doc.segments:
        grouped.setdefault(seg.block, []).append(seg)
    return grouped


def block_english(
    doc: Document, block: Block, by_block: Mapping[int, list[Segment]] | None = None
) -> str:
    """The English of one block: its sentences' translations joined by single spaces; a code
    block or image is carried over as it is. Safe to render (:mod:`.safemd`): the model copies
    whatever markup the source held. ``by_block`` (from :func:`segments_by_block`) saves
    scanning the document per block."""
    if block.kind in VERBATIM_KINDS:
        return block_source(block)
    segs = by_block.get(block.index, []) if by_block is not None else doc.segments_of(block.index)
    parts = [" ".join(s.en.split()) for s in segs if s.en.strip()]
    return safe_inline(" ".join(parts))


def block_source(block: Block) -> str:
    """A block's text as the source said it, safe to render; code as it is (it is fenced)."""
    if block.kind == "code":
        return block.text
    return safe_inline(block.text.strip())


def _markdown_line(block: Block, text: str) -> str:
    """Render one block of text with the Markdown markup for its kind."""
    kind, level = block.kind, block.level
    if kind == "title":
        return f"# {text}"
    if kind == "heading":
        return f"{'#' * min(max(level, 2), 6)} {text}"
    if kind == "list_item":
        if not block.marker:  # a further paragraph of the item above
            return f"{INDENT * level}  {text}"
        return f"{INDENT * level}{block.marker} {text}"
    if kind == "quote":
        return f"{'> ' * (level + 1)}{text}"
    if kind == "caption":
        return f"*{text}*"
    if kind == "code":
        return _fenced(info_string(block.info), text)
    return text


def _fenced(info: str, code: str) -> str:
    """A fenced code block (``$$`` for maths), the fence longer than any backtick run inside.
    Maths that a renderer without maths support would turn into live HTML is fenced as a
    ``math`` code block instead (see :func:`~pipeline.export.safemd.math_is_safe`)."""
    if info == "math" and math_is_safe(code):
        return f"$$\n{code}\n$$"
    longest = max((len(m) for m in re.findall(r"`{3,}", code)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{info}\n{code}\n{fence}"


def _table(cells: list[Block], text: Text) -> str:
    """A Markdown table from one table's cells: row 0 is the header row."""
    rows: dict[int, dict[int, str]] = {}
    for cell in cells:
        rows.setdefault(cell.row, {})[cell.col] = _cell(text(cell))
    width = max((max(r) + 1 for r in rows.values() if r), default=1)
    lines = []
    for n, row in enumerate(sorted(rows)):
        values = [rows[row].get(c, "") for c in range(width)]
        lines.append("| " + " | ".join(values) + " |")
        if n == 0:
            lines.append("|" + "|".join(["---"] * width) + "|")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return re.sub(r"(?<!\\)\|", r"\\|", " ".join(text.split()))


def _chunks(doc: Document, text: Text, both: Text | None = None) -> list[str]:
    """The body as Markdown chunks: one per block, a table per run of cells, and consecutive
    list items joined into one list. ``both`` gives a second rendering (the English beside the
    source) placed after each block or table."""
    out: list[str] = []
    for key, run in groupby(doc.blocks, key=lambda b: (b.kind, b.table)):
        blocks = list(run)
        if key[0] == "table_cell":
            renderings = [_table(blocks, text)]
            if both is not None and any(both(b) for b in blocks):
                renderings.append(_table(blocks, both))
            out.extend(renderings)
            continue
        lines: list[str] = []
        for block in blocks:
            for render in (text, both) if both is not None else (text,):
                value = render(block)
                if value and not (render is both and block.kind in VERBATIM_KINDS):
                    lines.append(_markdown_line(block, value))
        if key[0] == "list_item":
            out.append("\n".join(lines))
        else:
            out.extend(lines)
    return [c for c in out if c.strip()]


def _front_lines(doc: Document) -> list[str]:
    """Source metadata a reader of the translation needs to find the original."""
    lines = []
    if doc.meta.url:
        url = safe_url(doc.meta.url)
        lines.append(f"Source: <{url}>" if url else f"Source: {escape_plain(doc.meta.url)}")
    if doc.meta.published:
        lines.append(f"Published: {escape_plain(doc.meta.published)}")
    if doc.meta.author:
        lines.append(f"Author: {escape_plain(doc.meta.author)}")
    return lines


def render_english(doc: Document) -> str:
    """The translated article as Markdown, keeping the document's structure."""
    by_block = segments_by_block(doc)
    out = _chunks(doc, lambda b: block_english(doc, b, by_block))
    front = _front_lines(doc)
    if front:
        out.insert(1 if doc.blocks and doc.blocks[0].kind == "title" else 0, "  \n".join(front))
    out.append(f"---\n\n*{MODEL_CREDIT}*")
    return "\n\n".join(out) + "\n"


def render_bilingual(doc: Document) -> str:
    """Every block as the source said it, followed by its translation, for side-by-side reading."""
    out: list[str] = []
    front = _front_lines(doc)
    if front:
        out.append("  \n".join(front))
    by_block = segments_by_block(doc)
    out.extend(_chunks(doc, block_source, lambda b: block_english(doc, b, by_block)))
    out.append(f"---\n\n*{MODEL_CREDIT}*")
    return "\n\n".join(out) + "\n"


def write_document_outputs(doc: Document, run_dir: RunDir) -> list[Path]:
    """Write ``<id>.en.md`` and ``<id>.bilingual.md`` for one document; return the paths."""
    english = run_dir.english(doc.id)
    bilingual = run_dir.bilingual(doc.id)
    atomic_write_text(english, render_english(doc))
    atomic_write_text(bilingual, render_bilingual(doc))
    return [english, bilingual]

"""Per-document Markdown outputs: the English article and the bilingual reading version.

Renderers are pure (Document → str) so they are easy to test; ``write_*`` functions are the only
ones touching files and always write atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pipeline.document import Block, Document, Segment
from pipeline.store.atomic import atomic_write_text
from pipeline.store.rundir import RunDir

MODEL_CREDIT = (
    "Machine translation by zhen with the Argos Translate zh→en package, derived from OPUS-MT "
    "(Tiedemann & Thottingal, EAMT 2020), licensed CC BY 4.0."
)


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
    """The English of one block: its sentences' translations joined by single spaces
    (``by_block``, from :func:`segments_by_block`, saves scanning the document per block)."""
    segs = by_block.get(block.index, []) if by_block is not None else doc.segments_of(block.index)
    parts = [s.en.strip() for s in segs if s.en.strip()]
    return " ".join(parts)


def _markdown_line(kind: str, level: int, text: str) -> str:
    """Render one block of text with the Markdown markup for its kind."""
    if kind == "title":
        return f"# {text}"
    if kind == "heading":
        return f"{'#' * min(max(level, 2), 6)} {text}"
    if kind == "list_item":
        return f"- {text}"
    if kind == "quote":
        return f"> {text}"
    if kind == "caption":
        return f"*{text}*"
    return text


def _front_lines(doc: Document) -> list[str]:
    """Source metadata a reader of the translation needs to find the original."""
    lines = []
    if doc.meta.url:
        lines.append(f"Source: <{doc.meta.url}>")
    if doc.meta.published:
        lines.append(f"Published: {doc.meta.published}")
    if doc.meta.author:
        lines.append(f"Author: {doc.meta.author}")
    return lines


def render_english(doc: Document) -> str:
    """The translated article as Markdown, keeping title, headings and paragraph structure."""
    out: list[str] = []
    by_block = segments_by_block(doc)
    for block in doc.blocks:
        text = block_english(doc, block, by_block)
        if text:
            out.append(_markdown_line(block.kind, block.level, text))
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
    for block in doc.blocks:
        source = block.text.strip()
        if not source:
            continue
        out.append(_markdown_line(block.kind, block.level, source))
        english = block_english(doc, block, by_block)
        if english:
            out.append(_markdown_line(block.kind, block.level, english))
    out.append(f"---\n\n*{MODEL_CREDIT}*")
    return "\n\n".join(out) + "\n"


def write_document_outputs(doc: Document, run_dir: RunDir) -> list[Path]:
    """Write ``<id>.en.md`` and ``<id>.bilingual.md`` for one document; return the paths."""
    english = run_dir.english(doc.id)
    bilingual = run_dir.bilingual(doc.id)
    atomic_write_text(english, render_english(doc))
    atomic_write_text(bilingual, render_bilingual(doc))
    return [english, bilingual]

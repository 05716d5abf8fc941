"""Per-document translation outputs: English Markdown, bilingual Markdown, segments.jsonl, run.json.

Renderers are pure (Document → str) so they are easy to test; ``write_*`` functions are the only
ones touching files and always write atomically.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline.document import Block, Document, Metadata, Segment
from pipeline.store.atomic import atomic_open, atomic_write_text

MODEL_CREDIT = (
    "Machine translation by zhen with the Argos Translate zh→en package, derived from OPUS-MT "
    "(Tiedemann & Thottingal, EAMT 2020), licensed CC BY 4.0."
)


def block_english(doc: Document, block: Block) -> str:
    """The English of one block: its sentences' translations joined by single spaces."""
    parts = [s.en.strip() for s in doc.segments_of(block.index) if s.en.strip()]
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
    for block in doc.blocks:
        text = block_english(doc, block)
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
    for block in doc.blocks:
        source = block.text.strip()
        if not source:
            continue
        out.append(_markdown_line(block.kind, block.level, source))
        english = block_english(doc, block)
        if english:
            out.append(_markdown_line(block.kind, block.level, english))
    out.append(f"---\n\n*{MODEL_CREDIT}*")
    return "\n\n".join(out) + "\n"


def segment_record(seg: Segment) -> dict[str, Any]:
    """One aligned pair as written to segments.jsonl."""
    return {
        "id": seg.id,
        "source": seg.source,
        "normalized": seg.normalized,
        "en": seg.en,
        "status": seg.status,
        "start": seg.start,
        "end": seg.end,
        "terms_applied": seg.terms_applied,
        "terms_missed": seg.terms_missed,
        "flags": seg.flags,
    }


def write_segments_jsonl(docs: Iterable[Document], dest: Path) -> None:
    """All segments of a run, one JSON object per line, in document order."""
    with atomic_open(dest) as fh:
        for doc in docs:
            for seg in doc.segments:
                fh.write(json.dumps(segment_record(seg), ensure_ascii=False) + "\n")


def write_document_outputs(doc: Document, outdir: Path) -> list[Path]:
    """Write ``<id>.en.md`` and ``<id>.bilingual.md`` for one document; return the paths."""
    english = outdir / f"{doc.id}.en.md"
    bilingual = outdir / f"{doc.id}.bilingual.md"
    atomic_write_text(english, render_english(doc))
    atomic_write_text(bilingual, render_bilingual(doc))
    return [english, bilingual]


def write_json(data: dict[str, Any], dest: Path) -> None:
    """Pretty JSON (for run.json), atomically."""
    atomic_write_text(dest, json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def write_documents(docs: Iterable[Document], dest: Path) -> None:
    """Whole documents (metadata, blocks, segments) as JSON lines, so ``zhen export RUN_DIR``
    and ``zhen review`` can rebuild a run without re-translating it."""
    with atomic_open(dest) as fh:
        for doc in docs:
            fh.write(json.dumps(asdict(doc), ensure_ascii=False) + "\n")


def read_documents(path: Path) -> list[Document]:
    """Documents written by :func:`write_documents`."""
    docs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            raw = json.loads(line)
            raw["meta"] = Metadata(**raw["meta"])
            raw["blocks"] = [Block(**b) for b in raw["blocks"]]
            raw["segments"] = [Segment(**s) for s in raw["segments"]]
            docs.append(Document(**raw))
    return docs

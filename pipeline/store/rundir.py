"""The run folder's machine-readable files: ``segments.jsonl``, ``documents.jsonl``, ``run.json``.

``documents.jsonl`` holds whole documents so ``zhen export`` and ``zhen review`` can rebuild a run
without translating it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline.document import Block, Document, Metadata, Segment
from pipeline.store.atomic import atomic_open, atomic_write_text


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

"""The run folder: the one place that knows its file names and reads and writes its data files.

A ``zhen translate -o OUT`` folder holds per-document Markdown (``<doc>.en.md``,
``<doc>.bilingual.md``), the aligned pairs (``segments.jsonl``), whole documents
(``documents.jsonl``, so ``zhen export`` and ``zhen review`` can rebuild a run without
translating it again), the run signature (``run.json``), the review exports, and the
translation memory ``zhen review import`` writes (``memory.sqlite3``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

from pipeline.document import Block, Document, DocumentTerm, MemoryMatch, Metadata, Segment
from pipeline.settings import ExportFormat
from pipeline.store.atomic import atomic_open, atomic_write_text


def segment_record(seg: Segment) -> dict[str, Any]:
    """One aligned pair as written to ``segments.jsonl``; ``plain`` is the model's own sentence
    where glossary enforcement changed it (empty otherwise), for comparing both."""
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
        "plain": seg.plain,
    }


def document_from_json(raw: dict[str, Any]) -> Document:
    """A document from one line of ``documents.jsonl``."""
    raw["meta"] = Metadata(**raw["meta"])
    raw["blocks"] = [Block(**b) for b in raw["blocks"]]
    raw["segments"] = [
        Segment(**(s | {"matches": [MemoryMatch(**m) for m in s.get("matches", [])]}))
        for s in raw["segments"]
    ]
    raw["terms"] = [DocumentTerm(**term) for term in raw.get("terms", [])]
    return Document(**raw)


@dataclass(frozen=True)
class RunDir:
    """A run folder at ``path`` (it need not exist yet)."""

    path: Path

    SEGMENTS: ClassVar[str] = "segments.jsonl"
    DOCUMENTS: ClassVar[str] = "documents.jsonl"
    SIGNATURE: ClassVar[str] = "run.json"
    MEMORY: ClassVar[str] = "memory.sqlite3"
    EXPORTS: ClassVar[dict[ExportFormat, str]] = {
        "tmx": "bilingual.tmx",
        "xliff": "xliff",
        "xliff12": "xliff12",
        "omegat": "omegat",
        "tsv": "segments.tsv",
        "csv": "segments.csv",
        "parquet": "segments.parquet",
        "html": "review.html",
    }
    """Each export's file (or, for the XLIFF formats, folder of per-document files)."""

    @property
    def segments(self) -> Path:
        return self.path / self.SEGMENTS

    @property
    def documents(self) -> Path:
        return self.path / self.DOCUMENTS

    @property
    def signature(self) -> Path:
        return self.path / self.SIGNATURE

    @property
    def memory(self) -> Path:
        return self.path / self.MEMORY

    def english(self, doc_id: str) -> Path:
        """The English article of one document."""
        return self.path / f"{doc_id}.en.md"

    def bilingual(self, doc_id: str) -> Path:
        """The bilingual reading version of one document."""
        return self.path / f"{doc_id}.bilingual.md"

    def export(self, fmt: ExportFormat) -> Path:
        """Where an export format writes."""
        return self.path / self.EXPORTS[fmt]

    def is_run(self) -> bool:
        """Whether a finished run is here (its documents can be read back)."""
        return self.documents.is_file()

    def write_segments(self, docs: Iterable[Document]) -> Path:
        """All segments of a run, one JSON object per line, in document order."""
        with atomic_open(self.segments) as fh:
            for doc in docs:
                for seg in doc.segments:
                    fh.write(json.dumps(segment_record(seg), ensure_ascii=False) + "\n")
        return self.segments

    def write_documents(self, docs: Iterable[Document]) -> Path:
        """Whole documents (metadata, blocks, segments) as JSON lines."""
        with atomic_open(self.documents) as fh:
            for doc in docs:
                fh.write(json.dumps(asdict(doc), ensure_ascii=False) + "\n")
        return self.documents

    def read_documents(self) -> list[Document]:
        """The documents :meth:`write_documents` wrote."""
        with open(self.documents, encoding="utf-8") as fh:
            return [document_from_json(json.loads(line)) for line in fh]

    def write_signature(self, data: dict[str, Any]) -> Path:
        """``run.json``: pretty JSON, atomically."""
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
        atomic_write_text(self.signature, text)
        return self.signature

    def read_signature(self) -> dict[str, Any]:
        """``run.json`` as written, or an empty mapping for a run without one."""
        if not self.signature.is_file():
            return {}
        data: dict[str, Any] = json.loads(self.signature.read_text(encoding="utf-8"))
        return data

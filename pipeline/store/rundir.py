"""The run folder: the one place that knows its file names and reads and writes its data files.

A ``zhen translate -o OUT`` folder holds per-document Markdown (``<doc>.en.md``,
``<doc>.bilingual.md``), the aligned pairs (``segments.jsonl``), whole documents
(``documents.jsonl``, so ``zhen export`` and ``zhen review`` can rebuild a run without
translating it again), which documents are complete (``manifest.jsonl``, see
:mod:`pipeline.store.runfolder`), the run signature (``run.json``, written last), the review
exports, and the translation memory ``zhen review import`` writes (``memory.sqlite3``).

Documents are read back one line at a time (:meth:`RunDir.iter_documents`), so exporting or
reviewing a run of any size holds one document in memory, not the run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, ClassVar

from pipeline.document import Block, Document, DocumentTerm, MemoryMatch, Metadata, Segment
from pipeline.settings import ExportFormat
from pipeline.store.atomic import atomic_open, atomic_write_text, temporaries_in


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


def segment_lines(doc: Document) -> str:
    """A document's lines of ``segments.jsonl``."""
    return "".join(json.dumps(segment_record(s), ensure_ascii=False) + "\n" for s in doc.segments)


def document_line(doc: Document) -> str:
    """A document's line of ``documents.jsonl``: what ``asdict`` gives, but the JSON encoder
    walks the dataclasses itself (``asdict`` deep-copies every value first, which took most of
    the time of writing a long document)."""
    return json.dumps(doc, ensure_ascii=False, default=_fields) + "\n"


def _fields(value: object) -> dict[str, Any]:
    """A dataclass instance's fields, in declaration order, for the JSON encoder."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


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
    MANIFEST: ClassVar[str] = "manifest.jsonl"
    LOCK: ClassVar[str] = ".zhen.lock"
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
    def manifest(self) -> Path:
        return self.path / self.MANIFEST

    @property
    def lock(self) -> Path:
        return self.path / self.LOCK

    @property
    def memory(self) -> Path:
        return self.path / self.MEMORY

    def run_files(self) -> list[Path]:
        """The run-level files a run writes (whether or not they exist): records, manifest,
        signature and single-file exports; per-document files are listed in the manifest."""
        names = [self.SEGMENTS, self.DOCUMENTS, self.MANIFEST, self.SIGNATURE]
        names += [name for fmt, name in self.EXPORTS.items() if fmt not in PER_DOCUMENT]
        return [self.path / name for name in names]

    def leftover_temporaries(self) -> list[Path]:
        """Temporary files of atomic writes that a killed run left here or in its export
        folders."""
        folders = [self.path, *(self.path / self.EXPORTS[fmt] for fmt in sorted(PER_DOCUMENT))]
        return [path for folder in folders for path in temporaries_in(folder)]

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
                fh.write(segment_lines(doc))
        return self.segments

    def write_documents(self, docs: Iterable[Document]) -> Path:
        """Whole documents (metadata, blocks, segments) as JSON lines."""
        with atomic_open(self.documents) as fh:
            for doc in docs:
                fh.write(document_line(doc))
        return self.documents

    def iter_documents(self) -> Iterator[Document]:
        """The documents of ``documents.jsonl``, one at a time, in run order."""
        with open(self.documents, encoding="utf-8") as fh:
            for line in fh:
                yield document_from_json(json.loads(line))

    def read_documents(self) -> list[Document]:
        """All documents of ``documents.jsonl`` (see :meth:`iter_documents` for large runs)."""
        return list(self.iter_documents())

    def stored_documents(self) -> StoredDocuments:
        """The run's documents as an iterable that reads the file anew on each pass."""
        return StoredDocuments(self)

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


PER_DOCUMENT: frozenset[ExportFormat] = frozenset({"xliff", "xliff12", "omegat"})
"""Exports written as one file per document (into :attr:`RunDir.EXPORTS` folders)."""


@dataclass(frozen=True)
class StoredDocuments:
    """A run's documents on disk, iterable any number of times (exports take two passes: one
    for the header's totals, one for the body), one document in memory at a time."""

    run: RunDir

    def __iter__(self) -> Iterator[Document]:
        return self.run.iter_documents()

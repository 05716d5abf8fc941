"""The steps every executor runs, as plain functions over one input or one group of documents.

Per input: :func:`prepare_work` (ingest → normalize → segment). Per group of documents, in
order: :func:`memory_step` (reviewed translations reused), :func:`translate_step` (the model,
with the glossary enforced), :func:`qa_step` (flags). The local executor and the Ray executor
call the same functions, so a run gives the same output on either. Each returns a frozen count
record; :func:`add_counts` sums them across groups for ``run.json``.

Document ids are made unique in run order by the driver (:class:`DocumentIds`), which sees
documents in that order whichever executor prepared them; until then each document carries a
provisional id that is unique within the run (:func:`provisional_id`), because enforcement
counts "first mentions" per document id.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from pipeline.document import Document, Segment
from pipeline.enforce import enforce_and_translate
from pipeline.errors import PipelineError
from pipeline.glossary import Glossary
from pipeline.ingest import read_document
from pipeline.normalize import normalize_document
from pipeline.qa import qa_segments
from pipeline.segment import segment_document
from pipeline.settings import EnforceSettings, Settings
from pipeline.stats import QAStats, ReuseStats, TermStats, TranslateStats
from pipeline.store import TranslationCache
from pipeline.store.memory import ReviewedMemory, apply_memory
from pipeline.store.runfolder import file_fingerprint
from pipeline.translate import Progress, TextEngine, translate_segments

C = TypeVar("C")


@dataclass
class Work:
    """One input on its way through a run, in run order (``order``).

    ``kept`` inputs were finished by an earlier, interrupted run and pass through untouched;
    the others come back with their translated ``docs`` (provisional ids; ``bases`` are the ids
    ingest gave them) or a ``failure``. ``size`` is the input's size in bytes, for progress.
    """

    source: str
    order: int
    size: int = 0
    fingerprint: str = ""
    kept: bool = False
    docs: list[Document] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)
    failure: PipelineError | None = None

    @property
    def segments(self) -> int:
        return sum(len(d.segments) for d in self.docs)


def prepare_one(source: str, settings: Settings, stdin: bytes | None = None) -> Document:
    """Ingest → normalize → segment for one input."""
    doc = read_document(source, settings.ingest, stdin=stdin)
    doc = normalize_document(doc, settings.normalize)
    return segment_document(doc, settings.segment)


def prepare_work(work: Work, settings: Settings, stdin: bytes | None = None) -> Work:
    """Prepare one input's documents, fingerprint its bytes, and give each document its
    provisional id; a bad input becomes ``work.failure``, never an exception."""
    try:
        data = stdin if work.source == "-" else None
        work.fingerprint = work.fingerprint or file_fingerprint(work.source, data)
        work.docs = [prepare_one(work.source, settings, stdin=stdin)]
    except PipelineError as exc:
        work.failure, work.docs = exc, []
    work.bases = [doc.id for doc in work.docs]
    for part, doc in enumerate(work.docs):
        rename(doc, provisional_id(doc.id, work.order, part))
    return work


def provisional_id(base: str, order: int, part: int) -> str:
    """An id no other document of the run has, until :class:`DocumentIds` gives the final one."""
    return f"{base}~{order}.{part}"


def rename(doc: Document, new_id: str) -> None:
    """Give ``doc`` the id ``new_id`` everywhere it is written: the document, its segments'
    ``doc_id`` and ids, and the segment its own glossed terms point at."""
    old = doc.id
    doc.id = new_id
    for seg in doc.segments:
        seg.doc_id = new_id
        seg.id = f"{new_id}:{seg.block}:{seg.index}"
    for term in doc.terms:
        if term.segment.startswith(f"{old}:"):
            term.segment = new_id + term.segment[len(old) :]


class DocumentIds:
    """Unique document ids in run order: the first ``index`` keeps its id, later ones become
    ``index-2``, ``index-3``… (never an id already given, whatever its origin)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def assign(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self._used:
            n += 1
            candidate = f"{base}-{n}"
        self._used.add(candidate)
        return candidate

    def release(self, ids: Iterable[str]) -> None:
        """Give ``ids`` back (they are about to be assigned again, in order)."""
        self._used.difference_update(ids)


def all_segments(docs: Iterable[Document]) -> list[Segment]:
    """Every segment of the documents, in document order."""
    return [seg for doc in docs for seg in doc.segments]


def memory_step(segments: list[Segment], memory: ReviewedMemory | None) -> ReuseStats:
    """Reuse reviewed translations (exact matches) from a memory; offer close ones."""
    if memory is None:
        return ReuseStats()
    return apply_memory(segments, memory)


def translate_step(
    segments: list[Segment],
    engine: TextEngine,
    glossary: Glossary | None,
    enforce: EnforceSettings,
    cache: TranslationCache | None,
    progress: Progress | None,
) -> tuple[TranslateStats, TermStats | None]:
    """Translate, enforcing the glossary when one is loaded."""
    if glossary is not None and len(glossary):
        return enforce_and_translate(
            segments, engine, glossary, enforce, cache=cache, progress=progress
        )
    return translate_segments(segments, engine, cache=cache, progress=progress), None


def qa_step(segments: list[Segment]) -> QAStats:
    """QA flags on every segment."""
    return qa_segments(segments)


@dataclass(frozen=True)
class GroupStats:
    """What the steps counted for one group of documents (or, summed, for a run)."""

    memory: ReuseStats = field(default_factory=ReuseStats)
    translate: TranslateStats | None = None
    terms: TermStats | None = None
    qa: QAStats | None = None

    def __add__(self, other: GroupStats) -> GroupStats:
        return GroupStats(
            memory=add_counts(self.memory, other.memory),
            translate=_add_optional(self.translate, other.translate),
            terms=_add_optional(self.terms, other.terms),
            qa=_add_optional(self.qa, other.qa),
        )


@dataclass
class Translation:
    """What translating a group needs besides the engine: the glossary and how to enforce it,
    the cache and memory (opened once per run), and the per-segment progress callback."""

    glossary: Glossary | None = None
    enforce: EnforceSettings = field(default_factory=EnforceSettings)
    cache: TranslationCache | None = None
    memory: ReviewedMemory | None = None
    progress: Progress | None = None


def translate_group(docs: Sequence[Document], engine: TextEngine, how: Translation) -> GroupStats:
    """Memory → translate (with enforcement) → QA for one group of documents."""
    segments = all_segments(docs)
    if not segments:
        return GroupStats()
    memory = memory_step(segments, how.memory)
    pending = [s for s in segments if s.status != "memory"]
    translated, terms = None, None
    if pending:
        translated, terms = translate_step(
            pending, engine, how.glossary, how.enforce, how.cache, how.progress
        )
    return GroupStats(memory=memory, translate=translated, terms=terms, qa=qa_step(segments))


def add_counts(a: C, b: C) -> C:
    """Field-wise sum of two count records of one type: numbers add, mappings add key by key,
    flags (``enforced``) are true if either is; seconds stay rounded."""
    if a is None or b is None:
        return a if b is None else b
    changes: dict[str, Any] = {}
    for f in fields(a):  # type: ignore[arg-type]
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, bool):
            changes[f.name] = x or y
        elif isinstance(x, numbers.Number):
            total = x + y
            changes[f.name] = round(total, 3) if isinstance(total, float) else total
        elif isinstance(x, Mapping):
            changes[f.name] = {k: x.get(k, 0) + y.get(k, 0) for k in dict.fromkeys([*x, *y])}
    return replace(a, **changes)  # type: ignore[type-var]


def _add_optional(a: C | None, b: C | None) -> C | None:
    if a is None:
        return b
    if b is None:
        return a
    return add_counts(a, b)


def input_size(source: str) -> int:
    """An input's size in bytes (0 for standard input or what cannot be read)."""
    try:
        return Path(source).stat().st_size if source != "-" else 0
    except OSError:
        return 0

"""The steps every executor runs, as plain functions over a window of inputs or a group of
documents.

Per window of :data:`WINDOW_INPUTS` consecutive inputs (:func:`prepare_window`): ingest (a feed
gives several documents), drop boilerplate repeated across the window's documents, then for each
document normalize → segment → find the terms it glosses itself. Per group of documents, in
order (:func:`translate_group`): :func:`memory_step` (reviewed translations reused),
:func:`translate_step` (the model, with the glossary and each document's own terms enforced),
:func:`spans_step` (protected spans checked, split sentences re-joined), :func:`qa_step`
(flags). The local executor and the Ray executor call the same functions on the same windows,
so a run gives the same output on either. Each step returns a frozen count record;
:func:`add_counts` sums them across groups for ``run.json``.

Windows are fixed by run order, so they are the same whichever executor runs and however an
interrupted run is resumed: boilerplate evidence comes from the same documents every time, and
cost stays linear (comparing documents pairwise within a window, never across the whole run).

Document ids are made unique in run order by the driver (:class:`DocumentIds`), which sees
documents in that order whichever executor prepared them; until then each document carries a
provisional id that is unique within the run (:func:`provisional_id`), because enforcement
counts "first mentions" per document id.
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from pipeline.document import Document, Segment
from pipeline.enforce import enforce_and_translate
from pipeline.errors import PipelineError
from pipeline.glossary import Glossary, match_terms
from pipeline.glossary.document import document_terms, gloss_spans, terms_glossary
from pipeline.ingest import Parsed, drop_repeated, read_documents
from pipeline.normalize import normalize_document
from pipeline.qa import qa_segments
from pipeline.segment import join_split_sentences, segment_document
from pipeline.settings import EnforceSettings, Settings
from pipeline.spans import check_segment
from pipeline.stats import QAStats, ReuseStats, SpanStats, TermStats, TranslateStats
from pipeline.store import TranslationCache
from pipeline.store.memory import ReviewedMemory, apply_memory
from pipeline.store.runfolder import file_fingerprint
from pipeline.translate import Progress, TextEngine, translate_segments

C = TypeVar("C")
Dropped = list[tuple[str, str]]
"""``(rule, text)`` of each line ingest dropped from a document."""

WINDOW_INPUTS = 50
"""Consecutive inputs whose documents are compared for boilerplate repeated across a run (a
site's footer in every article): enough to see a site's own lines three times over, few enough
that comparing them pairwise costs nothing."""


@dataclass
class Work:
    """One input on its way through a run, in run order (``order``), in its ``window``.

    ``kept`` inputs were finished by an earlier, interrupted run and pass through untouched;
    the others come back with their translated ``docs`` (provisional ids; ``bases`` are the ids
    ingest gave them; ``dropped`` the lines ingest dropped from each) and, where an input or
    one of its documents could not be read, a ``failure``. ``size`` is the input's size in
    bytes, for progress.
    """

    source: str
    order: int
    size: int = 0
    fingerprint: str = ""
    window: str = ""
    kept: bool = False
    docs: list[Document] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    failure: PipelineError | None = None

    @property
    def segments(self) -> int:
        return sum(len(d.segments) for d in self.docs)


def windows(sources: Iterable[str], stdin: bytes | None = None) -> Iterable[list[Work]]:
    """The run's inputs in windows of :data:`WINDOW_INPUTS`, in order, each input fingerprinted
    (sha256 of its bytes) and each window keyed by its inputs and their fingerprints."""
    window: list[Work] = []
    for order, source in enumerate(sources):
        fingerprint = file_fingerprint(source, stdin if source == "-" else None)
        window.append(Work(source, order, size=input_size(source), fingerprint=fingerprint))
        if len(window) == WINDOW_INPUTS:
            yield _keyed(window)
            window = []
    if window:
        yield _keyed(window)


def _keyed(window: list[Work]) -> list[Work]:
    digest = hashlib.sha256()
    for work in window:
        digest.update(f"{work.source}\0{work.fingerprint}\n".encode("utf-8", "surrogateescape"))
    for work in window:
        work.window = digest.hexdigest()
    return window


def prepare_one(doc: Document, settings: Settings) -> Document:
    """Normalize → segment for one ingested document."""
    doc = normalize_document(doc, settings.normalize)
    return segment_document(doc, settings.segment)


def prepare_window(
    window: Sequence[Work],
    settings: Settings,
    glossary: Glossary | None = None,
    stdin: bytes | None = None,
) -> None:
    """Prepare a window's inputs to do: ingest every input of the window (kept ones too, as
    evidence), drop what repeats across the window's documents, then normalize, segment and
    find the terms each document glosses itself (approved glossary entries win); each document
    gets its provisional id. A bad input or document becomes ``work.failure``, never an
    exception."""
    parsed: list[list[Parsed]] = []
    for work in window:
        try:
            data = stdin if work.source == "-" else None
            parsed.append(read_documents(work.source, settings.ingest, stdin=data))
        except PipelineError as exc:
            parsed.append([])
            if not work.kept:
                work.failure = exc
    flat = [item for items in parsed for item in items]
    repeated = drop_repeated([item.doc for item in flat])
    position = 0
    for work, items in zip(window, parsed, strict=True):
        for item in items:
            index, position = position, position + 1
            if work.kept:
                continue
            try:
                doc = prepare_one(item.doc, settings)
            except PipelineError as exc:
                work.failure = exc
                continue
            doc.terms = document_terms(doc, glossary)
            rename(doc, provisional_id(doc.id, work.order, len(work.docs)))
            work.bases.append(item.doc.id)
            work.docs.append(doc)
            work.dropped.append(item.dropped + repeated.get(index, []))


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


def title_segments(docs: Iterable[Document]) -> frozenset[str]:
    """Ids of the segments in document titles and headings, where a term's first mention does
    not count: the body spells it out."""
    kinds = ("title", "heading")
    return frozenset(
        seg.id for doc in docs for seg in doc.segments if doc.blocks[seg.block].kind in kinds
    )


def own_terms(docs: Iterable[Document]) -> dict[str, Glossary]:
    """The terms each document glosses itself, as glossaries by document id, for enforcement
    (which applies them in their own document only)."""
    return {doc.id: terms_glossary(doc.terms) for doc in docs if doc.terms}


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
    own: dict[str, Glossary],
    titles: frozenset[str] = frozenset(),
) -> tuple[TranslateStats, TermStats | None]:
    """Translate, enforcing the glossary and each document's own terms."""
    if (glossary is not None and len(glossary)) or own:
        return enforce_and_translate(
            segments,
            engine,
            glossary if glossary is not None else Glossary(()),
            enforce,
            cache=cache,
            progress=progress,
            document_terms=own,
            titles=titles,
        )
    return translate_segments(segments, engine, cache=cache, progress=progress), None


def spans_step(
    docs: Iterable[Document], glossary: Glossary | None, own: dict[str, Glossary]
) -> SpanStats:
    """Every protected span back in its original form, and checked. Spans inside a glossary
    term or a glossed name are the glossary's to write, so they are not checked; a missing one
    flags its segment ``span-lost``. Then halves of sentences split for length are re-joined
    (:func:`pipeline.segment.join_split_sentences`)."""
    spans = lost = segments = flagged = joined = 0
    approved = glossary.approved() if glossary is not None else None
    for doc in docs:
        blocks = {b.index: b for b in doc.blocks}
        terms = own.get(doc.id)
        for seg in doc.segments:
            if seg.status == "memory" or not seg.en:
                continue
            skip = [(g.start, g.end) for g in gloss_spans(seg.normalized)]
            for found in (approved, terms):
                if found is not None and len(found):
                    skip += [(m.start, m.consumed_end) for m in match_terms(seg.normalized, found)]
            check = check_segment(seg, blocks.get(seg.block), skip)
            spans += check.spans
            lost += len(check.lost)
            segments += bool(check.spans)
            flagged += bool(check.lost)
        joined += join_split_sentences(doc)
    return SpanStats(segments, spans, spans - lost, lost, flagged, joined)


def qa_step(segments: list[Segment]) -> QAStats:
    """QA flags on every segment."""
    return qa_segments(segments)


@dataclass(frozen=True)
class GroupStats:
    """What the steps counted for one group of documents (or, summed, for a run)."""

    memory: ReuseStats = field(default_factory=ReuseStats)
    translate: TranslateStats | None = None
    terms: TermStats | None = None
    spans: SpanStats | None = None
    qa: QAStats | None = None

    def __add__(self, other: GroupStats) -> GroupStats:
        return GroupStats(
            memory=add_counts(self.memory, other.memory),
            translate=_add_optional(self.translate, other.translate),
            terms=_add_optional(self.terms, other.terms),
            spans=_add_optional(self.spans, other.spans),
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
    """Memory → translate (glossary and own terms enforced) → spans → QA for a group."""
    segments = all_segments(docs)
    if not segments:
        return GroupStats()
    memory = memory_step(segments, how.memory)
    pending = [s for s in segments if s.status != "memory"]
    translated, terms, spans = None, None, None
    if pending:
        own = own_terms(docs)
        translated, terms = translate_step(
            pending, engine, how.glossary, how.enforce, how.cache, how.progress, own,
            title_segments(docs),
        )  # fmt: skip
        spans = spans_step(docs, how.glossary, own)
    return GroupStats(memory, translated, terms, spans, qa_step(segments))


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

"""The orchestrator: numbered steps from input paths to written outputs.

Each step is a plain function over data; this module only sequences them, collects per-file
errors (one bad input never stops the others) and records a run signature for ``run.json``.
"""

from __future__ import annotations

import platform
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.document import Document, Segment
from pipeline.enforce import enforce_and_translate
from pipeline.errors import ExportError, PipelineError
from pipeline.export import RunInfo, export_run, term_lookup_from, write_document_outputs
from pipeline.glossary import Glossary, load_glossaries, match_terms
from pipeline.glossary.document import (
    document_terms,
    document_terms_report,
    gloss_spans,
    terms_glossary,
)
from pipeline.glossary.formats import describe_glossary_files, recorded_glossary_files
from pipeline.ingest import Parsed, discover, drop_repeated, read_documents
from pipeline.normalize import normalize_document
from pipeline.packages import ensure_model
from pipeline.qa import qa_segments
from pipeline.segment import join_split_sentences, segment_document
from pipeline.settings import (
    EnforceSettings,
    ExportFormat,
    NormalizeSettings,
    RunOptions,
    Settings,
)
from pipeline.spans import check_segment
from pipeline.stats import ReuseStats, RunStats, SpanStats, TermStats, TranslateStats
from pipeline.store import TranslationCache
from pipeline.store.memory import apply_memory, open_reviewed
from pipeline.store.rundir import RunDir
from pipeline.translate import Progress, TextEngine, load_engine, translate_segments

ModelSignature = dict[str, object]
"""What decides the translations (package, version, sha256, decoding options), for run.json."""
DownloadProgress = Callable[[int, int | None], None]

SIGNATURE_PACKAGES = (
    "ctranslate2",
    "sentencepiece",
    "opencc-python-reimplemented",
    "polars",
    "typer",
    "selectolax",
    "markdown-it-py",
    "charset-normalizer",
)


@dataclass
class Prepared:
    """Documents ready to translate, and the inputs that failed on the way; ``dropped`` holds,
    by document id, the ``(rule, text)`` lines ingest removed as page chrome."""

    docs: list[Document] = field(default_factory=list)
    failures: list[PipelineError] = field(default_factory=list)
    dropped: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def prepare_one(doc: Document, settings: Settings) -> Document:
    """Steps 3–4 for one ingested document: normalize → segment."""
    doc = normalize_document(doc, settings.normalize)
    return segment_document(doc, settings.segment)


def _unique_ids(docs: list[Document]) -> None:
    """Make document ids unique within a run (two ``index.html`` in different folders)."""
    seen: dict[str, int] = {}
    for doc in docs:
        base = doc.id
        n = seen.get(base, 0)
        seen[base] = n + 1
        if n:
            doc.id = f"{base}-{n + 1}"
            for seg in doc.segments:
                seg.doc_id = doc.id
                seg.id = f"{doc.id}:{seg.block}:{seg.index}"


def prepare(inputs: list[str], settings: Settings, stdin: bytes | None = None) -> Prepared:
    """Step 1 (discover inputs), step 2 (ingest each; a feed gives one document per item; then
    drop boilerplate repeated across the run's documents), steps 3–4 for each document;
    failures are collected, not raised."""
    result = Prepared()
    parsed: list[Parsed] = []
    for source in discover(inputs, result.failures):
        try:
            parsed.extend(read_documents(source, settings.ingest, stdin=stdin))
        except PipelineError as exc:
            result.failures.append(exc)
    repeated = drop_repeated([p.doc for p in parsed])
    dropped = []
    for i, item in enumerate(parsed):
        try:
            result.docs.append(prepare_one(item.doc, settings))
        except PipelineError as exc:
            result.failures.append(exc)
            continue
        dropped.append(item.dropped + repeated.get(i, []))
    _unique_ids(result.docs)
    result.dropped = {doc.id: lines for doc, lines in zip(result.docs, dropped, strict=True)}
    return result


def package_versions() -> dict[str, str]:
    """Versions of the packages whose behaviour shapes the output."""
    versions = {}
    for name in SIGNATURE_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def signature(
    settings: Settings,
    model: ModelSignature | None,
    timings: dict[str, float],
    prepared: Prepared,
    stats: RunStats,
) -> dict[str, Any]:
    """The run signature written as ``run.json``: enough to reproduce or compare a run."""
    return {
        "tool": "zhen",
        "version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "model": model,
        "settings": asdict(settings),
        "packages": package_versions(),
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "documents": [
            {
                "id": d.id,
                "path": d.path,
                "format": d.format,
                "encoding": d.encoding,
                "title": d.meta.title,
                "url": d.meta.url,
                "blocks": len(d.blocks),
                "segments": len(d.segments),
            }
            for d in prepared.docs
        ],
        "failures": [
            {"file": e.file, "stage": e.stage, "message": e.message} for e in prepared.failures
        ],
        "stats": stats.to_json(),
    }


class Timer:
    """Accumulates wall-clock seconds per named step for the run signature."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def step(self, name: str) -> _Step:
        """Context manager timing one step."""
        return _Step(self, name)


class _Step:
    def __init__(self, timer: Timer, name: str) -> None:
        self.timer, self.name = timer, name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        elapsed = time.perf_counter() - self.start
        self.timer.timings[self.name] = self.timer.timings.get(self.name, 0.0) + elapsed


def title_segments(docs: list[Document]) -> frozenset[str]:
    """Ids of the segments in document titles and headings, where a term's first mention does
    not count: the body spells it out."""
    kinds = ("title", "heading")
    return frozenset(
        seg.id for doc in docs for seg in doc.segments if doc.blocks[seg.block].kind in kinds
    )


def all_segments(docs: list[Document]) -> list[Segment]:
    """Every segment of a run, in document order."""
    return [seg for doc in docs for seg in doc.segments]


@dataclass
class RunResult:
    """What a translate run produced: documents, failures, files written, counts and the
    signature written as ``run.json``."""

    prepared: Prepared
    written: list[Path]
    stats: RunStats
    signature: dict[str, Any]


def _translate_step(
    segments: list[Segment],
    engine: TextEngine,
    glossary: Glossary | None,
    enforce: EnforceSettings,
    cache: TranslationCache | None,
    progress: Progress | None,
    own_terms: dict[str, Glossary],
    titles: frozenset[str] = frozenset(),
) -> tuple[TranslateStats, TermStats | None]:
    """Step 6: translate, enforcing the glossary and each document's own terms."""
    if (glossary is not None and len(glossary)) or own_terms:
        return enforce_and_translate(
            segments,
            engine,
            glossary if glossary is not None else Glossary(()),
            enforce,
            cache=cache,
            progress=progress,
            document_terms=own_terms,
            titles=titles,
        )
    return translate_segments(segments, engine, cache=cache, progress=progress), None


def _document_terms_step(docs: list[Document], glossary: Glossary | None) -> dict[str, Glossary]:
    """Step 4a: the terms each document glosses itself (艾克顿（James Acton）), into
    ``Document.terms``; approved glossary entries win. Returns them per document id as
    glossaries for enforcement, which applies them in their own document only."""
    out: dict[str, Glossary] = {}
    for doc in docs:
        doc.terms = document_terms(doc, glossary)
        if doc.terms:
            out[doc.id] = terms_glossary(doc.terms)
    return out


def _spans_step(
    docs: list[Document], glossary: Glossary | None, own_terms: dict[str, Glossary]
) -> SpanStats:
    """Step 6b: every protected span back in its original form, and checked. Spans inside a
    glossary term or a glossed name are the glossary's to write, so they are not checked; a
    missing one flags its segment ``span-lost``. Then halves of sentences split for length are
    re-joined (:func:`pipeline.segment.join_split_sentences`)."""
    spans = lost = segments = flagged = joined = 0
    approved = glossary.approved() if glossary is not None else None
    for doc in docs:
        blocks = {b.index: b for b in doc.blocks}
        own = own_terms.get(doc.id)
        for seg in doc.segments:
            if seg.status == "memory" or not seg.en:
                continue
            skip = [(g.start, g.end) for g in gloss_spans(seg.normalized)]
            for terms in (approved, own):
                if terms is not None and len(terms):
                    skip += [(m.start, m.consumed_end) for m in match_terms(seg.normalized, terms)]
            check = check_segment(seg, blocks.get(seg.block), skip)
            spans += check.spans
            lost += len(check.lost)
            segments += bool(check.spans)
            flagged += bool(check.lost)
        joined += join_split_sentences(doc)
    return SpanStats(segments, spans, spans - lost, lost, flagged, joined)


def _memory_step(segments: list[Segment], memory: Path | None) -> ReuseStats:
    """Step 6a: reuse reviewed translations (exact matches) from a memory; offer close ones."""
    if memory is None:
        return ReuseStats()
    with open_reviewed(memory) as tm:
        return apply_memory(segments, tm)


def _model_step(
    pending: list[Segment],
    settings: Settings,
    options: RunOptions,
    glossary: Glossary | None,
    own_terms: dict[str, Glossary],
    timer: Timer,
    on_download: DownloadProgress | None,
    on_start: Callable[[int], Progress] | None,
    titles: frozenset[str] = frozenset(),
) -> tuple[ModelSignature, TranslateStats, TermStats | None]:
    """Steps 5–6: resolve and load the model, then translate what memory did not cover;
    ``titles`` are the segments of document titles (a first mention there does not count)."""
    with timer.step("load_model"):
        package = ensure_model(settings.translate.model, options.dirs, progress=on_download)
        engine = load_engine(package, settings.translate)
    progress = on_start(len(pending)) if on_start else None
    cache_dir = settings.translate.cache_dir
    with (
        timer.step("translate"),
        TranslationCache.in_dir(cache_dir)
        if options.use_cache and cache_dir is not None
        else nullcontext() as cache,
    ):
        translated, terms = _translate_step(
            pending, engine, glossary, options.enforce, cache, progress, own_terms, titles
        )
    model = {**engine.signature(), "path": str(package.path), "threads": engine.threads}
    return model, translated, terms


def translate_run(
    inputs: list[str],
    settings: Settings,
    options: RunOptions,
    *,
    glossary: Glossary | None = None,
    glossary_files: Sequence[Path] = (),
    stdin: bytes | None = None,
    on_download: DownloadProgress | None = None,
    on_start: Callable[[int], Progress] | None = None,
) -> RunResult:
    """Steps 1–9 of ``zhen translate``.

    1 discover, 2 ingest, 3 normalize, 4 segment (:func:`prepare`), 5 resolve and load the
    model (fetching it when none is installed), 6 translate with ``glossary`` enforced as
    ``options.enforce`` says, 7 QA flags, 8 write per-document outputs and exports, 9 write
    ``run.json``. ``on_start(total)`` returns the per-segment progress callback (a progress bar).
    ``glossary_files`` are the files ``glossary`` was loaded from, recorded in ``run.json`` (path,
    sha256, terms) so that ``zhen export`` later marks the same terms.
    """
    timer = Timer()
    run_id = uuid.uuid4().hex[:16]
    with timer.step("prepare"):
        prepared = prepare(inputs, settings, stdin=stdin)
        own_terms = _document_terms_step(prepared.docs, glossary)
    segments = all_segments(prepared.docs)
    model: ModelSignature | None = None
    stats = RunStats()
    pending: list[Segment] = []
    if segments:
        with timer.step("memory"):
            stats = replace(stats, memory=_memory_step(segments, options.memory))
        pending = [s for s in segments if s.status != "memory"]
        if pending:
            model, translated, terms = _model_step(
                pending, settings, options, glossary, own_terms, timer, on_download, on_start,
                title_segments(prepared.docs),
            )  # fmt: skip
            stats = replace(stats, translate=translated, terms=terms)
            with timer.step("spans"):
                stats = replace(stats, spans=_spans_step(prepared.docs, glossary, own_terms))
        with timer.step("qa"):
            stats = replace(stats, qa=qa_segments(segments))
    run_dir = RunDir(options.outdir)
    written: list[Path] = []
    if prepared.docs:
        with timer.step("write"):
            written = _write_outputs(prepared, run_dir, options, settings, model, glossary, run_id)
    timer.timings["total"] = sum(timer.timings.values())
    chars = sum(len(s.normalized) for s in pending if s.status == "translated")
    if chars and timer.timings.get("translate"):
        speed = round(chars / timer.timings["translate"], 1)
        stats = replace(stats, chars=chars, chars_per_second=speed)
    run_json = {"id": run_id} | signature(settings, model, timer.timings, prepared, stats)
    run_json["glossary"] = {
        "files": [asdict(f) for f in describe_glossary_files(glossary_files)],
        "terms": len(glossary) if glossary is not None else 0,
        "approved": len(glossary.approved()) if glossary is not None else 0,
        "enforce": asdict(options.enforce),
    }
    run_json["document_terms"] = document_terms_report(prepared.docs)
    if prepared.docs:
        written.append(run_dir.write_signature(run_json))
    return RunResult(prepared, written, stats, run_json)


def _write_outputs(
    prepared: Prepared,
    run_dir: RunDir,
    options: RunOptions,
    settings: Settings,
    model: ModelSignature | None,
    glossary: Glossary | None,
    run_id: str,
) -> list[Path]:
    """Step 8: per-document Markdown, segments.jsonl, documents.jsonl and requested exports."""
    written: list[Path] = []
    for doc in prepared.docs:
        written += write_document_outputs(doc, run_dir)
    written.append(run_dir.write_segments(prepared.docs))
    written.append(run_dir.write_documents(prepared.docs))
    if options.exports:
        run = run_info(model, asdict(settings), run_id, run_dir.path)
        written += export_documents(prepared.docs, run_dir.path, options.exports, glossary, run)
    return written


def run_info(
    model: ModelSignature | None, settings: dict[str, Any], run_id: str, run_dir: Path
) -> RunInfo:
    """What the exports say about the run that made them."""
    return RunInfo(
        tool_version=__version__,
        model_name=f"{model['model']} {model['version']}" if model else "unknown",
        created=datetime.now(UTC),
        settings=settings,
        run_id=run_id,
        run_dir=str(Path(run_dir).resolve()),
    )


def export_documents(
    docs: list[Document],
    dest: Path,
    formats: tuple[ExportFormat, ...],
    glossary: Glossary | None,
    run: RunInfo,
) -> list[Path]:
    """Write review exports (TMX, XLIFF, TSV/CSV/Parquet, HTML) for translated documents; each
    document's own glossed terms are marked beside the glossary's."""
    lookup = term_lookup_from(glossary.terms) if glossary is not None else None
    files = export_run(docs, run, dest, formats, lookup)
    return [path for paths in files.values() for path in paths]


def corpus_texts(
    inputs: list[str], settings: Settings
) -> tuple[list[tuple[str, str]], list[PipelineError]]:
    """``(doc id, normalized text)`` per readable input, for glossary statistics and mining."""
    prepared = prepare(inputs, settings)
    texts = [(d.id, "\n".join(b.normalized for b in d.blocks)) for d in prepared.docs]
    return texts, prepared.failures


@dataclass(frozen=True)
class Exported:
    """What ``zhen export`` wrote, and what it has to warn about (a changed or missing glossary)."""

    written: list[Path]
    warnings: list[str]


def export_existing_run(
    run_dir: Path,
    dest: Path,
    formats: tuple[ExportFormat, ...],
    glossary_files: list[Path] | None = None,
) -> Exported:
    """``zhen export``: rebuild a finished run from ``documents.jsonl`` and write exports.

    ``glossary_files`` ``None`` uses the glossaries the run recorded in ``run.json`` (wherever
    ``zhen export`` is run from), with a warning for each that changed or is gone since.
    """
    run = RunDir(run_dir)
    if not run.is_run():
        raise ExportError(
            "not a zhen run directory (no documents.jsonl); pass the -o folder of zhen translate",
            file=str(run_dir),
        )
    meta = run.read_signature()
    warnings: list[str] = []
    if glossary_files is None:
        glossary_files, warnings = recorded_glossary_files(meta.get("glossary") or {})
    glossary = load_glossaries(glossary_files, NormalizeSettings()) if glossary_files else None
    info = run_info(meta.get("model"), meta.get("settings") or {}, meta.get("id", ""), run_dir)
    written = export_documents(run.read_documents(), dest, formats, glossary, info)
    return Exported(written, warnings)

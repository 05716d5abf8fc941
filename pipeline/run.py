"""The orchestrator: numbered steps from input paths to written outputs.

Each step is a plain function over data; this module only sequences them, collects per-file
errors (one bad input never stops the others) and records a run signature for ``run.json``.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
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
from pipeline.glossary import Glossary, load_glossaries
from pipeline.ingest import discover, read_document
from pipeline.normalize import normalize_document
from pipeline.packages import ensure_model
from pipeline.qa import qa_segments
from pipeline.segment import segment_document
from pipeline.settings import (
    EnforceSettings,
    ExportFormat,
    NormalizeSettings,
    RunOptions,
    Settings,
)
from pipeline.stats import ReuseStats, RunStats, TermStats, TranslateStats
from pipeline.store import TranslationCache
from pipeline.store.memory import apply_memory, open_memory
from pipeline.store.rundir import RunDir
from pipeline.translate import Progress, TextEngine, load_engine, translate_segments

ModelSignature = dict[str, object]
"""What decides the translations (package, version, sha256, decoding options), for run.json."""
DownloadProgress = Callable[[int, int | None], None]

SIGNATURE_PACKAGES = (
    "ctranslate2",
    "sentencepiece",
    "argostranslate",
    "opencc-python-reimplemented",
    "polars",
    "typer",
    "selectolax",
    "markdown-it-py",
    "charset-normalizer",
)


@dataclass
class Prepared:
    """Documents ready to translate, and the inputs that failed on the way."""

    docs: list[Document] = field(default_factory=list)
    failures: list[PipelineError] = field(default_factory=list)


def prepare_one(source: str, settings: Settings, stdin: bytes | None = None) -> Document:
    """Steps 2–4 for one input: ingest → normalize → segment."""
    doc = read_document(source, settings.ingest, stdin=stdin)
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
    """Step 1 (discover inputs) then steps 2–4 for each; failures are collected, not raised."""
    result = Prepared()
    sources = discover(inputs, result.failures)
    for source in sources:
        try:
            result.docs.append(prepare_one(source, settings, stdin=stdin))
        except PipelineError as exc:
            result.failures.append(exc)
    _unique_ids(result.docs)
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
    titles: frozenset[str] = frozenset(),
) -> tuple[TranslateStats, TermStats | None]:
    """Step 6: translate, enforcing the glossary when one is loaded."""
    if glossary is not None and len(glossary):
        return enforce_and_translate(
            segments, engine, glossary, enforce, cache=cache, progress=progress, titles=titles
        )
    return translate_segments(segments, engine, cache=cache, progress=progress), None


def _memory_step(segments: list[Segment], memory: Path | None) -> ReuseStats:
    """Step 6a: reuse reviewed translations (exact matches) from a translation memory."""
    if memory is None:
        return ReuseStats()
    with open_memory(memory) as tm:
        return apply_memory(segments, tm)


def _model_step(
    pending: list[Segment],
    settings: Settings,
    options: RunOptions,
    glossary: Glossary | None,
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
            pending, engine, glossary, options.enforce, cache, progress, titles
        )
    model = {**engine.signature(), "path": str(package.path), "threads": engine.threads}
    return model, translated, terms


def translate_run(
    inputs: list[str],
    settings: Settings,
    options: RunOptions,
    *,
    glossary: Glossary | None = None,
    stdin: bytes | None = None,
    on_download: DownloadProgress | None = None,
    on_start: Callable[[int], Progress] | None = None,
) -> RunResult:
    """Steps 1–9 of ``zhen translate``.

    1 discover, 2 ingest, 3 normalize, 4 segment (:func:`prepare`), 5 resolve and load the
    model (fetching it when none is installed), 6 translate with ``glossary`` enforced as
    ``options.enforce`` says, 7 QA flags, 8 write per-document outputs and exports, 9 write
    ``run.json``. ``on_start(total)`` returns the per-segment progress callback (a progress bar).
    """
    timer = Timer()
    with timer.step("prepare"):
        prepared = prepare(inputs, settings, stdin=stdin)
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
                pending, settings, options, glossary, timer, on_download, on_start,
                title_segments(prepared.docs),
            )  # fmt: skip
            stats = replace(stats, translate=translated, terms=terms)
        with timer.step("qa"):
            stats = replace(stats, qa=qa_segments(segments))
    run_dir = RunDir(options.outdir)
    written: list[Path] = []
    if prepared.docs:
        with timer.step("write"):
            written = _write_outputs(prepared, run_dir, options, settings, model, glossary)
    timer.timings["total"] = sum(timer.timings.values())
    chars = sum(len(s.normalized) for s in pending if s.status == "translated")
    if chars and timer.timings.get("translate"):
        speed = round(chars / timer.timings["translate"], 1)
        stats = replace(stats, chars=chars, chars_per_second=speed)
    run_json = signature(settings, model, timer.timings, prepared, stats)
    if glossary is not None:
        run_json["glossary"] = {
            "terms": len(glossary),
            "approved": len(glossary.approved()),
            "enforce": asdict(options.enforce),
        }
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
) -> list[Path]:
    """Step 8: per-document Markdown, segments.jsonl, documents.jsonl and requested exports."""
    written: list[Path] = []
    for doc in prepared.docs:
        written += write_document_outputs(doc, run_dir)
    written.append(run_dir.write_segments(prepared.docs))
    written.append(run_dir.write_documents(prepared.docs))
    if options.exports:
        written += export_documents(
            prepared.docs, run_dir.path, options.exports, glossary, asdict(settings), model
        )
    return written


def export_documents(
    docs: list[Document],
    dest: Path,
    formats: tuple[ExportFormat, ...],
    glossary: Glossary | None,
    settings: dict[str, Any],
    model: ModelSignature | None,
) -> list[Path]:
    """Write review exports (TMX, XLIFF, TSV/CSV/Parquet, HTML) for translated documents."""
    run = RunInfo(
        tool_version=__version__,
        model_name=f"{model['model']} {model['version']}" if model else "unknown",
        created=datetime.now(UTC),
        settings=settings,
    )
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


def export_existing_run(
    run_dir: Path, dest: Path, formats: tuple[ExportFormat, ...], glossary_files: list[Path]
) -> list[Path]:
    """``zhen export``: rebuild a finished run from ``documents.jsonl`` and write exports."""
    run = RunDir(run_dir)
    if not run.is_run():
        raise ExportError(
            "not a zhen run directory (no documents.jsonl); pass the -o folder of zhen translate",
            file=str(run_dir),
        )
    meta = run.read_signature()
    glossary = load_glossaries(glossary_files, NormalizeSettings()) if glossary_files else None
    return export_documents(
        run.read_documents(),
        dest,
        formats,
        glossary,
        meta.get("settings") or {},
        meta.get("model"),
    )

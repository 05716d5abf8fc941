"""The orchestrator: numbered steps from input paths to written outputs.

Each step is a plain function over data; this module only sequences them, collects per-file
errors (one bad input never stops the others) and records a run signature for ``run.json``.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import __version__
from pipeline.document import Document
from pipeline.enforce import EnforceSettings, enforce_and_translate
from pipeline.errors import ExportError, PipelineError
from pipeline.export import RunInfo, export_run, term_lookup_from, write_document_outputs
from pipeline.glossary import load_glossaries
from pipeline.ingest import discover, read_document
from pipeline.normalize import normalize_document
from pipeline.packages import ensure_model
from pipeline.qa import qa_segments
from pipeline.segment import segment_document
from pipeline.settings import NormalizeSettings, Settings
from pipeline.store import TranslationCache
from pipeline.store.memory import apply_memory, open_memory
from pipeline.store.rundir import read_documents, write_documents, write_json, write_segments_jsonl
from pipeline.translate import load_engine, translate_segments

if TYPE_CHECKING:
    from pipeline.document import Segment
    from pipeline.glossary import Glossary
    from pipeline.packages import ModelDirs
    from pipeline.translate import TextEngine

Progress = Callable[[int], None]

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
    model: dict[str, Any] | None,
    timings: dict[str, float],
    prepared: Prepared,
    stats: dict[str, Any],
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
        "stats": stats,
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


def all_segments(docs: list[Document]) -> list[Segment]:
    """Every segment of a run, in document order."""
    return [seg for doc in docs for seg in doc.segments]


@dataclass
class RunResult:
    """What a translate run produced: documents, failures, files written and the signature."""

    prepared: Prepared
    written: list[Path]
    signature: dict[str, Any]


@dataclass(frozen=True)
class RunOptions:
    """The parts of a translate run that are not stage settings: where things are and go."""

    outdir: Path
    dirs: ModelDirs
    glossary: Glossary | None = None
    enforce: EnforceSettings | None = None
    exports: tuple[str, ...] = ()
    use_cache: bool = True
    memory: Path | None = None


def _translate_step(
    segments: list[Segment],
    engine: TextEngine,
    options: RunOptions,
    cache: TranslationCache | None,
    progress: Progress | None,
) -> dict[str, Any]:
    """Step 6: translate, enforcing the glossary when one is loaded."""
    if options.glossary is not None and len(options.glossary):
        return enforce_and_translate(
            segments,
            engine,
            options.glossary,
            options.enforce or EnforceSettings(),
            cache=cache,
            progress=progress,
        )

    return translate_segments(segments, engine, cache=cache, progress=progress)


def _memory_step(segments: list[Segment], memory: Path | None) -> int:
    """Step 6a: reuse reviewed translations (exact matches) from a translation memory."""
    if memory is None:
        return 0

    with open_memory(memory) as tm:
        return apply_memory(segments, tm)


def _model_step(
    pending: list[Segment],
    settings: Settings,
    options: RunOptions,
    timer: Timer,
    on_download: Callable[[int, int | None], None] | None,
    on_start: Callable[[int], Progress] | None,
    stats: dict[str, Any],
) -> dict[str, Any]:
    """Steps 5–6: resolve and load the model, then translate what memory did not cover."""
    with timer.step("load_model"):
        package = ensure_model(settings.translate.model, options.dirs, progress=on_download)
        engine = load_engine(package, settings.translate)
    progress = on_start(len(pending)) if on_start else None
    cache_dir = settings.translate.cache_dir
    use_cache = options.use_cache and cache_dir is not None
    with (
        timer.step("translate"),
        TranslationCache.in_dir(cache_dir) if use_cache else nullcontext() as cache,
    ):
        stats["translate"] |= _translate_step(pending, engine, options, cache, progress)
    return {**engine.signature(), "path": str(package.path), "threads": engine.threads}


def translate_run(
    inputs: list[str],
    settings: Settings,
    options: RunOptions,
    *,
    stdin: bytes | None = None,
    on_download: Callable[[int, int | None], None] | None = None,
    on_start: Callable[[int], Progress] | None = None,
) -> RunResult:
    """Steps 1–9 of ``zhen translate``.

    1 discover, 2 ingest, 3 normalize, 4 segment (:func:`prepare`), 5 resolve and load the
    model (fetching it when none is installed), 6 translate with glossary enforcement,
    7 QA flags, 8 write per-document outputs and exports, 9 write ``run.json``.
    ``on_start(total)`` returns the per-segment progress callback (a progress bar).
    """
    timer = Timer()
    with timer.step("prepare"):
        prepared = prepare(inputs, settings, stdin=stdin)
    segments = all_segments(prepared.docs)
    model: dict[str, Any] | None = None
    stats: dict[str, Any] = {}
    pending: list[Segment] = []
    if segments:
        with timer.step("memory"):
            reused = _memory_step(segments, options.memory)
        pending = [s for s in segments if s.status != "memory"]
        stats["translate"] = {"memory": reused}
        if pending:
            model = _model_step(pending, settings, options, timer, on_download, on_start, stats)
        with timer.step("qa"):
            stats["qa"] = qa_segments(segments)
    written: list[Path] = []
    if prepared.docs:
        with timer.step("write"):
            written = _write_outputs(prepared, options, settings, model)
    timer.timings["total"] = sum(timer.timings.values())
    chars = sum(len(s.normalized) for s in pending if s.status == "translated")
    if chars and timer.timings.get("translate"):
        stats["chars"] = chars
        stats["chars_per_second"] = round(chars / timer.timings["translate"], 1)
    run_json = signature(settings, model, timer.timings, prepared, stats)
    if options.glossary is not None:
        run_json["glossary"] = {
            "terms": len(options.glossary),
            "approved": len(options.glossary.approved()),
            "enforce": asdict(options.enforce) if options.enforce is not None else None,
        }
    if prepared.docs:
        write_json(run_json, options.outdir / "run.json")
        written.append(options.outdir / "run.json")
    return RunResult(prepared, written, run_json)


def _write_outputs(
    prepared: Prepared, options: RunOptions, settings: Settings, model: dict[str, Any] | None
) -> list[Path]:
    """Step 8: per-document Markdown, segments.jsonl, documents.jsonl and requested exports."""
    outdir = options.outdir
    written: list[Path] = []
    for doc in prepared.docs:
        written += write_document_outputs(doc, outdir)
    write_segments_jsonl(prepared.docs, outdir / "segments.jsonl")
    write_documents(prepared.docs, outdir / "documents.jsonl")
    written += [outdir / "segments.jsonl", outdir / "documents.jsonl"]
    if options.exports:
        written += export_documents(
            prepared.docs, outdir, options.exports, options.glossary, settings, model
        )
    return written


def export_documents(
    docs: list[Document],
    dest: Path,
    formats: tuple[str, ...] | list[str],
    glossary: Glossary | None,
    settings: Settings | dict[str, Any] | None,
    model: dict[str, Any] | None,
) -> list[Path]:
    """Write review exports (TMX, XLIFF, TSV/CSV/Parquet, HTML) for translated documents."""
    run = RunInfo(
        tool_version=__version__,
        model_name=f"{model['model']} {model['version']}" if model else "unknown",
        created=datetime.now(UTC),
        settings=asdict(settings) if isinstance(settings, Settings) else dict(settings or {}),
    )
    lookup = term_lookup_from(glossary.terms) if glossary is not None else None
    files = export_run(docs, run, dest, list(formats), lookup)
    return [path for paths in files.values() for path in paths]


def corpus_texts(
    inputs: list[str], settings: Settings
) -> tuple[list[tuple[str, str]], list[PipelineError]]:
    """``(doc id, normalized text)`` per readable input, for glossary statistics and mining."""
    prepared = prepare(inputs, settings)
    texts = [(d.id, "\n".join(b.normalized for b in d.blocks)) for d in prepared.docs]
    return texts, prepared.failures


def export_existing_run(
    run_dir: Path, dest: Path, formats: list[str], glossary_files: list[Path]
) -> list[Path]:
    """``zhen export``: rebuild a finished run from ``documents.jsonl`` and write exports."""
    documents = run_dir / "documents.jsonl"
    if not documents.is_file():
        raise ExportError(
            "not a zhen run directory (no documents.jsonl); pass the -o folder of zhen translate",
            file=str(run_dir),
        )
    run_json = run_dir / "run.json"
    meta = json.loads(run_json.read_text(encoding="utf-8")) if run_json.is_file() else {}
    glossary = load_glossaries(glossary_files, NormalizeSettings()) if glossary_files else None
    return export_documents(
        read_documents(documents), dest, formats, glossary, meta.get("settings"), meta.get("model")
    )

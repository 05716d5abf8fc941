"""The run: inputs in, a run folder out, streamed a group of documents at a time.

:func:`translate_run` checks and locks the output folder before any work, resolves the model,
then walks the inputs lazily in run order, in windows of inputs (see
:func:`pipeline.executors.steps.windows`). An executor (:mod:`pipeline.executors`) prepares and
translates them by groups; each document is written as soon as its group is done — its
Markdown and per-document exports, then its records appended to ``segments.jsonl`` and
``documents.jsonl``, then its line in ``manifest.jsonl`` (:mod:`pipeline.store.runfolder`) —
and dropped. Run-level exports are assembled at the end from ``documents.jsonl``, one document
at a time, and ``run.json`` (settings and counters) comes last. Memory holds a window and a group
or two of documents, and a few integers per document, whatever the size of the run.

Re-running the same command into the same folder resumes it: inputs whose documents are
complete and unchanged are kept, the rest are done, and the folder ends as an uninterrupted
run would have left it.
"""

from __future__ import annotations

import contextlib
import platform
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from pipeline import __version__
from pipeline.document import Document
from pipeline.errors import ExportError, PipelineError
from pipeline.executors import Executor, Job, Timer
from pipeline.executors.local import LocalExecutor
from pipeline.executors.output import DocumentWriter, Totals, chars, recorded_run_info, run_info
from pipeline.executors.steps import (
    DocumentIds,
    Dropped,
    Work,
    input_size,
    prepare_window,
    rename,
    windows,
)
from pipeline.export import export_run, term_lookup_from
from pipeline.glossary import Glossary, load_glossaries
from pipeline.glossary.formats import describe_glossary_files, recorded_glossary_files
from pipeline.ingest import iter_discover
from pipeline.packages import PackageInfo, ensure_model, fingerprint
from pipeline.settings import ExportFormat, NormalizeSettings, RunOptions, Settings
from pipeline.stats import QA_FLAGS, QAStats, RunStats
from pipeline.store.recorder import Recorder, write_error
from pipeline.store.rundir import PER_DOCUMENT, RunDir
from pipeline.store.runfolder import RunLock, check_output, make_output

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
    dropped: dict[str, Dropped] = field(default_factory=dict)


def prepare(
    inputs: list[str],
    settings: Settings,
    stdin: bytes | None = None,
    glossary: Glossary | None = None,
) -> Prepared:
    """Discover, ingest, normalize and segment every input, with unique ids, all in memory (for
    ``zhen segment`` and corpus statistics; translating streams instead), window by window as a
    translation run does (boilerplate repeated across a window's documents dropped); failures
    are collected, not raised."""
    result = Prepared()
    ids = DocumentIds()
    for window in windows(iter_discover(inputs, result.failures), stdin):
        prepare_window(window, settings, glossary, stdin)
        for work in window:
            if work.failure is not None:
                result.failures.append(work.failure)
            for doc, base, dropped in zip(work.docs, work.bases, work.dropped, strict=True):
                rename(doc, ids.assign(base))
                result.docs.append(doc)
                result.dropped[doc.id] = dropped
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


class RunProgress(Protocol):
    """What a progress display hears from a run: the plan (inputs and their bytes), then inputs
    prepared, segments translated and documents written; bytes of input measure how far the
    run is (known before anything is read), characters what the documents held."""

    def planned(self, inputs: int, size: int) -> None: ...

    def prepared(self, inputs: int, size: int, chars: int) -> None: ...

    def translated(self, segments: int) -> None: ...

    def written(self, documents: int, size: int, chars: int) -> None: ...


@dataclass
class RunResult:
    """What a translate run did: counts, failures, and the signature written as ``run.json``.
    The documents themselves are on disk (:meth:`documents`), never all in memory."""

    run_dir: Path
    documents: int
    segments: int
    kept: int
    removed: int
    files: int
    failures: list[PipelineError]
    stats: RunStats
    signature: dict[str, Any]

    def iter_documents(self) -> Iterator[Document]:
        """The run's documents, read back one at a time in run order."""
        run = RunDir(self.run_dir)
        return run.iter_documents() if run.documents.is_file() else iter(())

    def english_files(self) -> list[Path]:
        """Each document's English article, in run order."""
        return [RunDir(self.run_dir).english(doc.id) for doc in self.iter_documents()]


def folder_settings(
    settings: Settings, options: RunOptions, package: PackageInfo, glossary_files: Sequence[Path]
) -> dict[str, Any]:
    """What decides a run's outputs, recorded in the manifest: a folder is resumed only under
    the same. Where files are and how many threads decode are left out (they change no
    output); the model and glossaries count by content."""
    translate = asdict(settings.translate)
    for key in ("model", "cache_dir", "threads", "workers"):
        translate.pop(key, None)
    memory = options.memory
    return {
        "ingest": asdict(settings.ingest),
        "normalize": asdict(settings.normalize),
        "segment": asdict(settings.segment),
        "translate": translate,
        "model": {"name": package.name, "version": package.version, "id": fingerprint(package)},
        "enforce": asdict(options.enforce),
        "glossaries": sorted(f.sha256 for f in describe_glossary_files(glossary_files)),
        "exports": sorted(set(options.exports)),
        "memory": _file_state(memory) if memory is not None else None,
    }


def _file_state(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return str(path)
    return f"{path.resolve()}:{info.st_size}:{info.st_mtime_ns}"


def translate_run(
    inputs: list[str],
    settings: Settings,
    options: RunOptions,
    *,
    glossary: Glossary | None = None,
    glossary_files: Sequence[Path] = (),
    stdin: bytes | None = None,
    on_download: DownloadProgress | None = None,
    progress: RunProgress | None = None,
    executor: Executor | None = None,
) -> RunResult:
    """``zhen translate``: inputs → the run folder ``options.outdir``.

    The folder is checked and locked first, the model resolved (fetched when none is installed),
    then the inputs stream through ``executor`` (default: :class:`LocalExecutor`) and each
    document is written as its group finishes. ``glossary`` is enforced as ``options.enforce``
    says; ``glossary_files`` are recorded in ``run.json`` so ``zhen export`` marks the same
    terms. ``progress`` hears how far the run is.
    """
    started = time.perf_counter()
    check_output(options.outdir, inputs)
    job = Job(
        settings=settings,
        package=None,
        enforce=options.enforce,
        glossary=glossary,
        glossary_files=tuple(glossary_files),
        use_cache=options.use_cache,
        memory=options.memory,
        stdin=stdin,
    )
    with job.timer.step("load_model"):
        job.package = ensure_model(settings.translate.model, options.dirs, progress=on_download)
    executor = executor or LocalExecutor()
    executor.start()
    try:
        return _stream(inputs, options, job, executor, progress, started)
    finally:
        executor.stop()


def _stream(
    inputs: list[str],
    options: RunOptions,
    job: Job,
    executor: Executor,
    progress: RunProgress | None,
    started: float,
) -> RunResult:
    """:func:`translate_run` once the model is resolved and the executor started: lock the
    folder, stream the inputs through the executor writing each group, then the run-level
    files."""
    run_dir, timer = RunDir(options.outdir), job.timer
    make_output(options.outdir)
    failures: list[PipelineError] = []
    with RunLock(run_dir), _writes(run_dir):
        recorded = folder_settings(job.settings, options, job.model_package, job.glossary_files)
        with Recorder(run_dir, recorded, uuid.uuid4().hex[:16], force=options.force) as recorder:
            writer = DocumentWriter(run_dir, recorder, options, job)
            works = _windows(inputs, options.outdir, recorder, failures, job.stdin)
            if progress is not None:
                _plan(inputs, options.outdir, progress)
                job.on_prepared = lambda w: progress.prepared(1, w.size, chars(w.docs))
                job.on_segments = progress.translated
            for group in executor.run(works, job):
                with timer.step("write"):
                    _write_group(group, writer, failures, progress)
                    recorder.sync()
            with timer.step("write"):
                writer.own_terms.close(recorder.load)
                recorder.finish()
        totals = writer.totals
        files = totals.files
        if totals.documents and options.exports:
            with timer.step("export"):
                files += len(_export_run_level(run_dir, options, recorder, job))
        timer.timings["total"] = time.perf_counter() - started
        stats = _run_stats(job, totals, timer)
        run_json = _signature(recorder.run_id, job, options, totals, failures, stats)
        run_json["document_terms"] = writer.own_terms.to_json()
        if totals.documents:
            run_dir.write_signature(run_json)
            files += 1
    return RunResult(
        run_dir=options.outdir,
        documents=totals.documents,
        segments=totals.segments,
        kept=totals.kept,
        removed=recorder.removed,
        files=files,
        failures=failures,
        stats=stats,
        signature=run_json,
    )


def _write_group(
    group: list[Work],
    writer: DocumentWriter,
    failures: list[PipelineError],
    progress: RunProgress | None,
) -> None:
    """Write a group's documents in order, then drop them."""
    for work in group:
        writer.write(work)
        if work.failure is not None:
            failures.append(work.failure)
        if progress is not None:
            progress.written(len(work.docs) or 1, work.size, chars(work.docs))
        work.docs = []


@contextlib.contextmanager
def _writes(run_dir: RunDir) -> Iterator[None]:
    """A write into the run folder that fails (a full disk, a folder made read-only) ends the
    run with one line; what is complete stays complete (see :mod:`pipeline.store.runfolder`)."""
    try:
        yield
    except OSError as exc:
        raise write_error(exc, Path(exc.filename or run_dir.path)) from None


def _plan(inputs: list[str], outdir: Path, progress: RunProgress) -> None:
    """Count the inputs and their bytes (one walk, nothing read), for the progress display."""
    count = size = 0
    for source in iter_discover(inputs, [], exclude=[outdir]):
        count += 1
        size += input_size(source)
    progress.planned(count, size)


def _windows(
    inputs: list[str],
    outdir: Path,
    recorder: Recorder,
    failures: list[PipelineError],
    stdin: bytes | None,
) -> Iterator[list[Work]]:
    """The run's inputs in order and in windows, discovered lazily (the output folder skipped);
    those a resumed run finished already, unchanged and in an unchanged window, are kept."""
    for window in windows(iter_discover(inputs, failures, exclude=[outdir]), stdin):
        if recorder.resuming:
            for work in window:
                found = recorder.kept(work.source, work.fingerprint, work.window)
                work.kept = work.source != "-" and found is not None
        yield window


def _export_run_level(
    run_dir: RunDir, options: RunOptions, recorder: Recorder, job: Job
) -> list[Path]:
    """Run-level exports (TMX, tables, review page) from ``documents.jsonl``, streamed."""
    formats = [f for f in options.exports if f not in PER_DOCUMENT]
    if not formats:
        return []
    run = recorded_run_info(job.model, asdict(job.settings), recorder, run_dir.path)
    glossary = job.glossary
    lookup = term_lookup_from(glossary.terms) if glossary is not None else None
    files = export_run(run_dir.stored_documents(), run, run_dir.path, formats, lookup)
    return [path for paths in files.values() for path in paths]


def _run_stats(job: Job, totals: Totals, timer: Timer) -> RunStats:
    """This run's step counts; QA totals cover every document of the run, kept ones too."""
    stats = job.stats
    qa = QAStats({flag: totals.flags.get(flag, 0) for flag in QA_FLAGS})
    chars = stats.translate.chars if stats.translate is not None else 0
    seconds = timer.timings.get("translate", 0.0)
    speed = round(chars / seconds, 1) if chars and seconds else 0.0
    return RunStats(
        memory=stats.memory,
        translate=stats.translate,
        terms=stats.terms,
        spans=stats.spans,
        qa=qa if totals.segments else None,
        chars=chars if speed else 0,
        chars_per_second=speed,
    )


def _signature(
    run_id: str,
    job: Job,
    options: RunOptions,
    totals: Totals,
    failures: list[PipelineError],
    stats: RunStats,
) -> dict[str, Any]:
    """The run signature written as ``run.json``: enough to reproduce or compare a run, and
    counters only — each document's record is in ``manifest.jsonl``."""
    glossary = job.glossary
    return {
        "id": run_id,
        "tool": "zhen",
        "version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "model": job.model,
        "settings": asdict(job.settings),
        "packages": package_versions(),
        "timings": {k: round(v, 3) for k, v in job.timer.timings.items()},
        "documents": {
            "total": totals.documents,
            "kept": totals.kept,
            "segments": totals.segments,
            "characters": totals.chars,
            "statuses": dict(sorted(totals.statuses.items())),
            "failed": len(failures),
        },
        "failures": [{"file": e.file, "stage": e.stage, "message": e.message} for e in failures],
        "stats": stats.to_json()
        | ({"cache_writes_skipped": job.cache_skipped} if job.cache_skipped else {}),
        "glossary": {
            "files": [asdict(f) for f in describe_glossary_files(job.glossary_files)],
            "terms": len(glossary) if glossary is not None else 0,
            "approved": len(glossary.approved()) if glossary is not None else 0,
            "enforce": asdict(options.enforce),
        },
    }


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
    lookup = term_lookup_from(glossary.terms) if glossary is not None else None
    files = export_run(run.stored_documents(), info, dest, formats, lookup)
    return Exported([path for paths in files.values() for path in paths], warnings)

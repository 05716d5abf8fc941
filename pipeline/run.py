"""The orchestrator: numbered steps from input paths to written outputs.

Each step is a plain function over data; this module only sequences them, collects per-file
errors (one bad input never stops the others) and records a run signature for ``run.json``.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.errors import PipelineError
from pipeline.model import Document
from pipeline.settings import Settings

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
    from pipeline.ingest import read_document
    from pipeline.normalize import normalize_document
    from pipeline.segment import segment_document

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
    from pipeline.ingest import discover

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


def all_segments(docs: list[Document]) -> list:
    """Every segment of a run, in document order."""
    return [seg for doc in docs for seg in doc.segments]


def write_translation_outputs(
    prepared: Prepared, outdir: Path, run_json: dict[str, Any]
) -> list[Path]:
    """Step 8: per-document Markdown, the run's segments.jsonl, and run.json."""
    from pipeline.output import write_document_outputs, write_json, write_segments_jsonl

    written: list[Path] = []
    for doc in prepared.docs:
        written += write_document_outputs(doc, outdir)
    write_segments_jsonl(prepared.docs, outdir / "segments.jsonl")
    write_json(run_json, outdir / "run.json")
    return [*written, outdir / "segments.jsonl", outdir / "run.json"]

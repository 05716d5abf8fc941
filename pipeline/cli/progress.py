"""Progress bars and the end-of-run summary for ``zhen translate`` (CLI presentation only)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.run import RunResult
    from pipeline.stats import TermStats


def _progress(bytes_done: bool = False) -> Any:
    """A rich progress display on standard error (it degrades to nothing when not a terminal);
    ``bytes_done`` shows amounts as sizes (MB of input) rather than counts."""
    # Lazy: ~110 ms to import; only progress output needs it.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    class Amount(DownloadColumn):
        """Sizes where the task has a total; nothing where it only counts (translating)."""

        def render(self, task: Any) -> Any:
            return super().render(task) if task.total is not None else ""

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        Amount() if bytes_done else MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )


class RunBars:
    """The run's progress: inputs read, segments translated, documents written. Reading and
    writing are measured in bytes of input, known before anything is read, so the time left on
    the writing line is an estimate by the size of what is left, not by segment counts."""

    def __init__(self) -> None:
        self.progress: Any = None
        self.inputs = self.read = self.written_docs = self.chars = self.segments = 0
        self.tasks: dict[str, Any] = {}

    def planned(self, inputs: int, size: int) -> None:
        """Start drawing (only now, so a run refused before any work prints nothing)."""
        self.inputs = inputs
        self.progress = _progress(bytes_done=True)
        self.progress.start()
        add = self.progress.add_task
        self.tasks["read"] = add(self._read_text(), total=size or None)
        self.tasks["translate"] = add("translating: 0 segments", total=None)
        self.tasks["write"] = add(self._write_text(), total=size or None)

    def prepared(self, inputs: int, size: int, chars: int) -> None:
        self.read += inputs
        self.progress.update(self.tasks["read"], advance=size, description=self._read_text())

    def translated(self, segments: int) -> None:
        self.segments += segments
        description = f"translating: {self.segments:,} segments"
        self.progress.update(self.tasks["translate"], description=description)

    def written(self, documents: int, size: int, chars: int) -> None:
        self.written_docs += documents
        self.chars += chars
        self.progress.update(self.tasks["write"], advance=size, description=self._write_text())

    def _read_text(self) -> str:
        return f"reading: {self.read:,}/{self.inputs:,} inputs"

    def _write_text(self) -> str:
        return f"written: {self.written_docs:,} documents, {self.chars:,} characters"


@contextlib.contextmanager
def run_bars(enabled: bool = True) -> Iterator[RunBars | None]:
    """Yield the run's progress display (``None`` when not ``enabled``: ``--quiet``)."""
    if not enabled:
        yield None
        return
    bars = RunBars()
    try:
        yield bars
    finally:
        if bars.progress is not None:
            bars.progress.stop()


@contextlib.contextmanager
def download_bar(enabled: bool = True) -> Iterator[Callable[[int, int | None], None] | None]:
    """Yield a ``(done, total)`` byte-progress callback for a model download (``None`` when not
    ``enabled``)."""
    if not enabled:
        yield None
        return
    with _progress() as progress:
        task: list[Any] = []

        def on_download(done: int, total: int | None) -> None:
            if not task:
                task.append(progress.add_task("downloading model", total=total))
            progress.update(task[0], completed=done, total=total)

        yield on_download


def term_line(terms: TermStats) -> str:
    """The glossary line of the summary: applied cleanly, by a fallback (worth a look), unsafe
    (kept out because the sentence would have been worse) and missed, in term mentions."""
    if not terms.enforced:
        return f"glossary terms (not enforced): {terms.applied}/{terms.found} rendered"
    parts = [f"{terms.clean} applied", f"{terms.fallback} by a fallback"]
    parts += [f"{terms.unsafe} unsafe (plain kept)", f"{terms.missed} missed"]
    return f"glossary terms: {terms.found} found; " + ", ".join(parts)


def summary(result: RunResult) -> str:
    """A few lines a user reads after a run: what was done, how fast, what needs review."""
    stats = result.stats
    lines = [f"{result.documents} document(s), {result.segments} segment(s)"]
    if result.kept:
        lines.append(
            f"resumed: {result.kept} document(s) finished by the earlier run were kept as they were"
        )
    if stats.qa is not None:
        tr = stats.translate
        counts = {
            "translated": tr.translated if tr else 0,
            "cached": tr.cached if tr else 0,
            "memory": stats.memory.reused,
            "skipped": tr.skipped if tr else 0,
        }
        done = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
        if done:
            lines.append("segments: " + done)
        terms = stats.terms
        if terms is not None and terms.found:
            lines.append(term_line(terms))
    if stats.chars_per_second:
        seconds = result.signature["timings"]["translate"]
        lines.append(
            f"translated {stats.chars:,} characters in {seconds:.1f} s "
            f"({stats.chars_per_second:,.0f} chars/s)"
        )
    flags = {k: v for k, v in stats.qa.to_json().items() if v} if stats.qa else {}
    if flags:
        lines.append("QA flags: " + ", ".join(f"{k} {v}" for k, v in flags.items()))
    if result.files:
        lines.append(f"wrote {result.files} file(s) to {result.run_dir}")
    if result.removed:
        lines.append(
            f"removed the files of {result.removed} document(s) of the earlier run "
            "that are no longer inputs"
        )
    if result.failures:
        lines.append(f"{len(result.failures)} input(s) failed (see below)")
    return "\n".join(lines)


def glossary_line(result: RunResult, disabled: bool) -> str:
    """Which glossaries the run enforced, or that it had none, so a missing ``glossaries/``
    folder never goes unnoticed."""
    files = result.signature.get("glossary", {}).get("files", [])
    if files:
        names = ", ".join(f"{f['path']} ({f['terms']} terms)" for f in files)
        return f"glossaries: {names}"
    if disabled:
        return "glossaries: none (--no-glossary)"
    return (
        "glossaries: none found (no --glossary and no ./glossaries/*.tsv here); "
        "no terms were enforced"
    )


def details(result: RunResult) -> str:
    """``--verbose``: seconds per step, how terms were enforced, memory reuse, each input."""
    sig = result.signature
    lines = ["timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in sig.get("timings", {}).items())]
    terms = result.stats.terms
    if terms is not None and terms.outcomes:
        done = ", ".join(f"{k} {v}" for k, v in terms.outcomes.items() if v)
        lines.append(f"term strategies (segments): {done or 'none needed'}")
    memory = result.stats.memory
    if memory.looked_up:
        lines.append(
            f"memory: {memory.reused} of {memory.looked_up} segment(s) reused, "
            f"{memory.suggested} with a close match suggested"
        )
    for doc in result.iter_documents():
        lines.append(
            f"{doc.path}: {doc.format}, {doc.encoding}, {len(doc.blocks)} block(s), "
            f"{len(doc.segments)} segment(s)"
        )
    return "\n".join(lines)

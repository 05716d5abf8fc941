"""Progress bars and the end-of-run summary for ``zhen translate`` (CLI presentation only)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.run import RunResult
    from pipeline.stats import TermStats


def _progress() -> Any:
    """A rich progress display on standard error (it degrades to nothing when not a terminal)."""
    # Lazy: ~110 ms to import; only progress output needs it.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )


@contextlib.contextmanager
def segment_bar() -> Iterator[Callable[[int], Callable[[int], None]]]:
    """Yield ``on_start(total)`` → per-segment ``advance(n)`` callback, drawing a bar."""
    with _progress() as progress:

        def on_start(total: int) -> Callable[[int], None]:
            task = progress.add_task("translating segments", total=total)
            return lambda n: progress.advance(task, n)

        yield on_start


@contextlib.contextmanager
def download_bar() -> Iterator[Callable[[int, int | None], None]]:
    """Yield a ``(done, total)`` byte-progress callback for a model download."""
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
    docs = len(result.prepared.docs)
    segs = sum(len(d.segments) for d in result.prepared.docs)
    lines = [f"{docs} document(s), {segs} segment(s)"]
    if stats.qa is not None:
        tr = stats.translate
        counts = {
            "translated": tr.translated if tr else 0,
            "cached": tr.cached if tr else 0,
            "memory": stats.memory.reused,
            "skipped": tr.skipped if tr else 0,
        }
        lines.append("segments: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
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
    if result.written:
        lines.append(f"wrote {len(result.written)} file(s) to {result.written[-1].parent}")
    if result.prepared.failures:
        lines.append(f"{len(result.prepared.failures)} input(s) failed (see below)")
    return "\n".join(lines)

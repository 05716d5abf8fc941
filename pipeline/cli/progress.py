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
def segment_bar(enabled: bool = True) -> Iterator[Callable[[int], Callable[[int], None]] | None]:
    """Yield ``on_start(total)`` → per-segment ``advance(n)`` callback, drawing a bar (``None``
    when not ``enabled``: ``--quiet``)."""
    if not enabled:
        yield None
        return
    with _progress() as progress:

        def on_start(total: int) -> Callable[[int], None]:
            task = progress.add_task("translating segments", total=total)
            return lambda n: progress.advance(task, n)

        yield on_start


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
    for doc in result.prepared.docs:
        lines.append(
            f"{doc.path}: {doc.format}, {doc.encoding}, {len(doc.blocks)} block(s), "
            f"{len(doc.segments)} segment(s)"
        )
    return "\n".join(lines)

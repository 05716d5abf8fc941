"""The local executor: a run streamed through this process in groups, every core busy.

Inputs are prepared a window at a time (:func:`~pipeline.executors.steps.prepare_window`) in a
background thread and gathered into groups of whole documents; each group is then translated as
one (memory, model with the glossary enforced, spans, QA) and handed back while the next group
is being prepared — CTranslate2 releases the GIL while it decodes, so preparing overlaps with
translating. Several model replicas decode a group's batches at once (``--workers``, see
:func:`pipeline.translate.engine.replicas`). At most one prepared group waits, so memory holds a
window and two groups whatever the size of the run.

Groups start small, so the first outputs appear within seconds, and grow to
:data:`GROUP_SEGMENTS`' last size: groups of fewer than about 300 segments batched worse and
cost 7–16 % more CPU (issue #12). A document is never split: one very long document is a group
of its own.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from pipeline.executors import Job
from pipeline.executors.steps import Translation, Work, prepare_window, translate_group
from pipeline.store import TranslationCache
from pipeline.store.memory import ReviewedMemory, open_reviewed
from pipeline.translate import Engine, load_engine

GROUP_SEGMENTS = (100, 300, 1000)
"""Segments per group: the first groups, then every later one."""
_DONE = object()


@dataclass
class LocalExecutor:
    """Runs the steps in this process; ``group_segments`` and ``ahead`` (prepared groups that
    may wait) are tunable for benchmarks and tests."""

    group_segments: tuple[int, ...] = GROUP_SEGMENTS
    ahead: int = 1

    def start(self) -> None:
        """Nothing to connect to."""

    def stop(self) -> None:
        """Nothing to release."""

    def run(self, windows: Iterable[list[Work]], job: Job) -> Iterator[list[Work]]:
        """Prepare ``windows`` ahead in a thread, translate each group here, yield it in order."""
        with contextlib.ExitStack() as stack:
            translation = Translation(
                glossary=job.glossary,
                enforce=job.enforce,
                cache=_open_cache(job, stack),
                memory=stack.enter_context(PairsOnce(open_reviewed(job.memory)))
                if job.memory is not None
                else None,
                progress=job.on_segments,
            )
            loading = stack.enter_context(ThreadPoolExecutor(1, thread_name_prefix="zhen-load"))
            engine = loading.submit(_load, job)  # while the first group is being prepared
            for group in self._groups(windows, job):
                docs = [doc for work in group for doc in work.docs]
                if any(doc.segments for doc in docs):
                    loaded = engine.result()
                    with job.timer.step("translate"):
                        job.add(translate_group(docs, loaded, translation))
                yield group
            if translation.cache is not None:
                job.cache_skipped += translation.cache.skipped_writes

    def _groups(self, windows: Iterable[list[Work]], job: Job) -> Iterator[list[Work]]:
        """Groups of prepared works, in order, from a producer thread one group ahead."""
        handoff: queue.Queue[object] = queue.Queue(maxsize=max(1, self.ahead))
        stop = threading.Event()

        def put(item: object) -> bool:
            while not stop.is_set():
                try:
                    handoff.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def produce() -> None:
            try:
                group: list[Work] = []
                segments = made = 0
                sizes = self.group_segments
                for window in windows:
                    if not all(work.kept for work in window):
                        with job.timer.step("prepare"):
                            prepare_window(window, job.settings, job.glossary, job.stdin)
                    for work in window:
                        if not work.kept:
                            job.prepared(work)
                        group.append(work)
                        segments += work.segments
                        if segments == 0 or segments >= sizes[min(made, len(sizes) - 1)]:
                            if not put(group):
                                return
                            group, segments, made = [], 0, made + 1
                if group and not put(group):
                    return
                put(_DONE)
            except BaseException as exc:  # handed to the consumer, raised there
                put(exc)

        thread = threading.Thread(target=produce, name="zhen-prepare", daemon=True)
        thread.start()
        try:
            while True:
                item = handoff.get()
                if item is _DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                assert isinstance(item, list)
                yield item
        finally:
            stop.set()
            thread.join(timeout=5)


def _open_cache(job: Job, stack: contextlib.ExitStack) -> TranslationCache | None:
    cache_dir = job.settings.translate.cache_dir
    if not job.use_cache or cache_dir is None:
        return None
    return stack.enter_context(TranslationCache.in_dir(cache_dir))


def _load(job: Job) -> Engine:
    """Load the engine, in the background from the start of the run, so that the first group
    finds it ready (a load error surfaces when a group needs the engine)."""
    with job.timer.step("load_model"):
        engine = load_engine(job.model_package, job.settings.translate)
    job.model = model_signature(engine)
    return engine


def model_signature(engine: Engine) -> dict[str, object]:
    """The engine's signature for ``run.json``, with where and how it ran."""
    return {
        **engine.signature(),
        "path": str(engine.package.path),
        "threads": engine.threads,
        "workers": engine.workers,
    }


class PairsOnce:
    """A reviewed memory whose pairs (for close matches) are read once per run, not per group."""

    def __init__(self, memory: ReviewedMemory) -> None:
        self._memory = memory
        self.path: Path = memory.path
        self._pairs: list[tuple[str, str]] | None = None

    def lookup_many(self, sources: Iterable[str]) -> dict[str, str]:
        return self._memory.lookup_many(sources)

    def pairs(self) -> list[tuple[str, str]]:
        if self._pairs is None:
            self._pairs = self._memory.pairs()
        return self._pairs

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._memory.__exit__(exc_type, exc, tb)

"""Executors: where a run's inputs are prepared and translated — in this process, or on Ray.

The run (:mod:`pipeline.run`) owns the folder and writes every output; an executor takes the
run's inputs in order (:class:`~pipeline.executors.steps.Work`) and gives them back in the same
order, a group at a time, prepared and translated by the steps in
:mod:`~pipeline.executors.steps`. :class:`~pipeline.executors.local.LocalExecutor` streams
groups through one process with every core decoding;
:class:`~pipeline.executors.ray.RayExecutor` runs the same steps on a Ray cluster (Ray is an
optional extra, imported only when asked for).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pipeline.executors.steps import GroupStats, Work
from pipeline.glossary import Glossary
from pipeline.packages import PackageInfo
from pipeline.settings import EnforceSettings, Settings

ModelSignature = dict[str, object]
"""What decides the translations (package, version, sha256, decoding options), for run.json."""


class Timer:
    """Seconds per named step for the run signature (steps may run in several threads)."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._lock = threading.Lock()

    def step(self, name: str) -> _Step:
        """Context manager timing one step."""
        return _Step(self, name)

    def add(self, name: str, seconds: float) -> None:
        with self._lock:
            self.timings[name] = self.timings.get(name, 0.0) + seconds


class _Step:
    def __init__(self, timer: Timer, name: str) -> None:
        self.timer, self.name = timer, name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timer.add(self.name, time.perf_counter() - self.start)


@dataclass
class Job:
    """Everything an executor needs to prepare and translate a run's inputs, and what it
    reports back (``stats`` summed over groups, ``model`` once an engine is loaded).

    ``package`` is resolved by the run before any work; ``glossary_files`` and ``memory`` are
    paths so that remote workers can load them; the callbacks are for progress.
    """

    settings: Settings
    package: PackageInfo | None
    enforce: EnforceSettings = field(default_factory=EnforceSettings)
    glossary: Glossary | None = None
    glossary_files: tuple[Path, ...] = ()
    use_cache: bool = True
    memory: Path | None = None
    stdin: bytes | None = None
    timer: Timer = field(default_factory=Timer)
    on_prepared: Callable[[Work], None] | None = None
    on_segments: Callable[[int], None] | None = None
    stats: GroupStats = field(default_factory=GroupStats)
    model: ModelSignature | None = None
    cache_skipped: int = 0
    """Cache writes given up because other writers held the file (see the cache module)."""

    @property
    def model_package(self) -> PackageInfo:
        """The resolved package (the run resolves it before any executor starts)."""
        if self.package is None:
            raise AssertionError("the run resolves the model before starting an executor")
        return self.package

    def prepared(self, work: Work) -> None:
        if self.on_prepared is not None:
            self.on_prepared(work)

    def add(self, stats: GroupStats) -> None:
        self.stats = self.stats + stats


class Executor(Protocol):
    """Prepares and translates a run's inputs, given in windows (see
    :func:`~pipeline.executors.steps.windows`), yielding them back in run order by groups.

    :meth:`start` is called before the run touches its folder (connect to a cluster, so that a
    cluster that cannot be reached leaves nothing behind), :meth:`stop` when the run ends,
    however it ends.
    """

    def start(self) -> None: ...

    def run(self, windows: Iterable[list[Work]], job: Job) -> Iterator[list[Work]]: ...

    def stop(self) -> None: ...


__all__ = ["Executor", "Job", "ModelSignature", "Timer"]

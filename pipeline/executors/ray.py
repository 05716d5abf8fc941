"""The Ray executor: the same steps on a Ray cluster, with Ray Data.

The run's inputs become a Ray Dataset (paths, in run order); Ray tasks prepare them
(:func:`~pipeline.executors.steps.prepare_work`: ingest → normalize → segment), then an actor
pool translates them: each actor loads the model once and runs memory → translate (glossary
enforced) → QA on a batch of inputs (:func:`~pipeline.executors.steps.translate_group`). The
results stream back to this process in run order, where the run writes them exactly as a local
run does: the same folder layout, the same ``manifest.jsonl`` and ``run.json``.

What has to be where: every worker needs zhen installed (the same version) and the inputs at
the same paths (shared storage), and the model at the path this process resolved (shared
storage, or installed at the same place on each node). Outputs are written by this process
only. Each machine's actors share that machine's translation cache (the cache directory, at the
same path there); the cache is never shared between machines, so a cluster run only reuses
translations made on the same machine, while duplicate sentences within a batch are always
translated once.

Ray is an optional extra (``uv run --extra ray zhen …``, ``pip install 'zhen[ray]'``); without
an address a local Ray is started with this machine's cores and a small object store.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import warnings
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.errors import ModelError, PipelineError, SettingsError
from pipeline.executors import Job
from pipeline.executors.local import PairsOnce, model_signature
from pipeline.executors.steps import GroupStats, Translation, Work, prepare_window, translate_group
from pipeline.packages import resolve_model
from pipeline.settings import ModelDirs, RayOptions, Settings
from pipeline.store import TranslationCache
from pipeline.store.memory import open_reviewed
from pipeline.translate import load_engine
from pipeline.translate.engine import physical_cores

INSTALL_HINT = (
    "--executor ray needs Ray, an optional extra: run uv run --extra ray zhen … "
    "(or pip install 'zhen[ray]')"
)
LOCAL_OBJECT_STORE = 256 * 1024 * 1024
"""Object store of a local Ray: documents pass through it a batch at a time."""


def _ray(local: bool = False) -> Any:
    """The ``ray`` module, or a one-line error saying how to install it.

    For a ``local`` Ray, Ray's ``uv run`` hook is turned off before Ray is first imported (it
    reads the switch then): the hook starts each worker with ``uv run``, packaging the working
    directory, to copy the driver's environment to other machines; a local Ray's workers can run
    this very interpreter, and ``uv run`` without the ``ray`` extra would not find Ray at all.
    """
    if local:
        os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
    try:
        # Lazy: Ray is an optional extra, and large; only --executor ray needs it.
        import ray
        import ray.data
    except ImportError:
        raise SettingsError(INSTALL_HINT, file="--executor") from None
    return ray


@dataclass
class RayExecutor:
    """Runs the steps on Ray, a window of inputs per row of the dataset."""

    options: RayOptions
    windows_per_call: int = 1
    """Windows (of :data:`~pipeline.executors.steps.WINDOW_INPUTS` inputs) an actor translates
    at once."""
    started: bool = False
    """Whether this executor started (and so shuts down) the Ray it uses."""

    def __post_init__(self) -> None:
        _ray(local=not self.options.address)

    def start(self) -> None:
        """Connect to the cluster, or start a local Ray, before the run opens its folder."""
        ray = _ray()
        if not ray.is_initialized():
            self.started = self._start(ray)

    def run(self, windows: Iterable[list[Work]], job: Job) -> Iterator[list[Work]]:
        """Send the windows with inputs to do through Ray and merge them back, in order, with
        the windows an earlier run finished (kept)."""
        ray = _ray()
        ordered = list(windows)
        todo = [w for w in ordered if not all(work.kept for work in w)]
        if not todo:
            yield from ordered
            return
        if not ray.is_initialized():
            self.started = self._start(ray)
        results = self._results(ray, todo, job)
        try:
            for window in ordered:
                if not all(work.kept for work in window):
                    with job.timer.step("translate"):  # waiting for the cluster
                        window = next(results)
                    for work in window:
                        if not work.kept:
                            job.prepared(work)
                            if job.on_segments is not None:
                                job.on_segments(work.segments)
                yield window
        finally:
            results.close()  # Ray Data's iterator reports to the cluster as it closes

    def stop(self) -> None:
        """Shut down the local Ray this executor started (a cluster is left running)."""
        if self.started:
            _ray().shutdown()
            self.started = False

    def _start(self, ray: Any) -> bool:
        """Connect to the cluster (or start a local Ray); ``True`` once connected."""
        quiet = {"log_to_driver": False, "logging_level": logging.ERROR}
        try:
            if self.options.address:
                ray.init(address=self.options.address, **quiet)
            else:
                ray.init(
                    num_cpus=physical_cores(),
                    object_store_memory=LOCAL_OBJECT_STORE,
                    include_dashboard=False,
                    **quiet,
                )
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = self.options.address or "a local Ray"
            raise SettingsError(
                f"cannot start or reach {where} ({exc}); check --ray-address", file="--executor"
            ) from None
        return True

    def _results(self, ray: Any, todo: list[list[Work]], job: Job) -> Generator[list[Work]]:
        """Each window of ``todo`` prepared and translated, in order; step counts and the model
        signature are added to ``job`` as windows come back."""
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.ERROR)
        rows = [{"window": pickle.dumps(window)} for window in todo]
        dataset = ray.data.from_items(rows).map_batches(
            _prepare_batch,
            batch_size=1,
            fn_kwargs={"settings": job.settings, "glossary": job.glossary, "stdin": job.stdin},
        )
        with warnings.catch_warnings():  # max_restarts has no named parameter (yet)
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset = self._translate(ray, dataset, job)
        try:
            for row in dataset.iter_rows():
                if row["stats"]:
                    job.add(pickle.loads(row["stats"]))
                if row["model"] and job.model is None:
                    job.model = pickle.loads(row["model"])
                yield pickle.loads(row["window"])
        except Exception as exc:  # a worker's failure arrives wrapped by Ray
            raise _unwrap(exc) from None

    def _translate(self, ray: Any, dataset: Any, job: Job) -> Any:
        """The actor pool stage: one model per actor, never restarted (an actor that cannot
        load the model fails the run, in one line)."""
        cpus = ray.cluster_resources().get("CPU", 1)
        actors = self.options.actors or max(1, int(cpus / self.options.actor_cpus) - 1)
        return dataset.map_batches(
            Translator,
            batch_size=self.windows_per_call,
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=self.options.actor_cpus,
            num_gpus=self.options.actor_gpus or None,
            # In a list, so Ray hands the reference over as it is and the actor fetches the
            # job itself: constructor arguments stay small.
            fn_constructor_kwargs={"job": [ray.put(_remote_job(job, self.options))]},
            ray_remote_args_fn=_no_restarts,
        )


def _no_restarts() -> dict[str, Any]:
    return {"max_restarts": 0}


@dataclass(frozen=True)
class RemoteJob:
    """What an actor needs, sent to it once: settings, the model's path, the glossary and how
    to enforce it, where the cache and memory are."""

    settings: Settings
    package_path: Path
    glossary: Any
    enforce: Any
    use_cache: bool
    memory: Path | None
    threads: int


def _remote_job(job: Job, options: RayOptions) -> RemoteJob:
    return RemoteJob(
        settings=job.settings,
        package_path=job.model_package.path,
        glossary=job.glossary,
        enforce=job.enforce,
        use_cache=job.use_cache,
        memory=job.memory,
        threads=max(1, round(options.actor_cpus)),
    )


def _prepare_batch(
    batch: dict[str, Any], settings: Settings, glossary: Any, stdin: bytes | None
) -> dict[str, list[Any]]:
    """Ray task: prepare the inputs to do of each window of the batch."""
    windows = []
    for raw in batch["window"]:
        window: list[Work] = pickle.loads(raw)
        prepare_window(window, settings, glossary, stdin)
        windows.append(pickle.dumps(window))
    return {"window": windows}


class Translator:
    """Ray actor: one loaded model; translates batches of prepared inputs."""

    def __init__(self, job: list[Any]) -> None:
        self.setup(_ray().get(job[0]))

    def setup(self, job: RemoteJob) -> None:
        """Load the model and open the cache and memory on this worker."""
        dirs = ModelDirs(install_dir=job.package_path.parent, cache_dir=job.package_path.parent)
        try:
            package = resolve_model(job.package_path, dirs)
        except PipelineError as exc:
            raise ModelError(
                f"{exc.message} (on a Ray worker: install the model at the same path on every "
                "node or put it on shared storage)",
                file=exc.file,
            ) from None
        settings = job.settings
        if settings.translate.device == "cpu":
            settings = replace(
                settings, translate=replace(settings.translate, threads=job.threads, workers=1)
            )
        self.engine = load_engine(package, settings.translate)
        self.model = model_signature(self.engine)
        self.stack = contextlib.ExitStack()
        cache_dir = settings.translate.cache_dir
        cache = None
        if job.use_cache and cache_dir is not None:
            cache = self.stack.enter_context(TranslationCache.in_dir(cache_dir))
        memory = None
        if job.memory is not None:
            memory = self.stack.enter_context(PairsOnce(open_reviewed(job.memory)))
        self.translation = Translation(job.glossary, job.enforce, cache, memory)
        self.first = True

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        windows: list[list[Work]] = [pickle.loads(raw) for raw in batch["window"]]
        docs = [doc for window in windows for work in window for doc in work.docs]
        stats = translate_group(docs, self.engine, self.translation) if docs else GroupStats()
        extra = [b""] * len(windows)
        model = list(extra)
        if windows:
            extra[0] = pickle.dumps(stats)
            if self.first:
                model[0] = pickle.dumps(self.model)
                self.first = False
        return {"window": [pickle.dumps(w) for w in windows], "stats": extra, "model": model}


def _unwrap(exc: Exception) -> Exception:
    """The :class:`PipelineError` a worker raised, out of Ray's wrappers, or one line saying
    what went wrong on the cluster."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, PipelineError):
            return seen
        cause = getattr(seen, "cause", None)
        seen = cause if isinstance(cause, BaseException) else seen.__cause__
    return SettingsError(f"the Ray run failed: {str(exc).splitlines()[0]}", file="--executor")

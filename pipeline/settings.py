"""Layered settings: plain dataclasses built by the CLI and passed down explicitly.

The library never reads environment variables or globals; defaults live here and the CLI
overrides them from options (which may come from env vars through Typer's ``envvar=``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from pipeline.errors import SettingsError

Script = Literal["auto", "t2s", "tw2sp", "hk2s", "none"]
SCRIPTS: tuple[Script, ...] = get_args(Script)
Device = Literal["cpu", "cuda", "auto"]
DEVICES: tuple[Device, ...] = get_args(Device)
TermStyle = Literal["first", "full", "abbr"]
"""How a glossary term reads: spelled out with its abbreviation at the first mention, then the
abbreviation (``first``); always the full rendering (``full``); always the abbreviation."""
TERM_STYLES: tuple[TermStyle, ...] = get_args(TermStyle)
EnforceStrategy = Literal["plain", "placeholder", "placeholder-alt", "inline", "prefix", "insert"]
"""Enforcement passes, in their order (see :mod:`pipeline.enforce.passes`)."""
STRATEGIES: tuple[EnforceStrategy, ...] = get_args(EnforceStrategy)
DEFAULT_STRATEGIES: tuple[EnforceStrategy, ...] = tuple(s for s in STRATEGIES if s != "prefix")
"""``prefix`` is left out by default: once ``insert`` existed it completed none of the 358
bench_terms lines, and its sentences were the worst on the devcorpus ("Beijing can missile be
launched"); it stays available."""
ExportFormat = Literal["tmx", "xliff", "xliff12", "omegat", "tsv", "csv", "parquet", "html"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
ExecutorName = Literal["local", "ray"]
"""Where a run's documents are prepared and translated: this process, or a Ray cluster."""
EXECUTORS: tuple[ExecutorName, ...] = get_args(ExecutorName)
SegmentsFormat = Literal["jsonl", "tsv"]
"""How ``zhen segment`` prints segments."""

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"


MAX_INPUT_BYTES = 100 * 1024 * 1024
"""The largest input zhen reads (100 MiB): far above any article, book or PDF with images."""


@dataclass(frozen=True)
class IngestSettings:
    """``encoding`` forces a codec instead of detection; ``max_bytes`` bounds what one input may
    be (a document larger than this is refused, so ``/dev/zero`` or a mistaken disk image
    cannot exhaust memory)."""

    encoding: str | None = None
    max_bytes: int = MAX_INPUT_BYTES


@dataclass(frozen=True)
class NormalizeSettings:
    """``script`` picks the OpenCC conversion; ``auto`` detects Traditional and its region."""

    script: Script = "auto"


@dataclass(frozen=True)
class SegmentSettings:
    """``max_chars``: sentences longer than this are split at ；or ，near the limit.

    100 was measured best on the real model: on WMT19 lines of 100+ characters, chrF was 42.9
    unsplit, 43.2 at 160, 44.1 at 100 and 43.8 at 80, with the fewest truncated outputs at 100
    (see ``pipeline/segment.py``).
    """

    max_chars: int = 100


@dataclass(frozen=True)
class TranslateSettings:
    """How the CTranslate2 engine runs; ``model`` is a package path or ``None`` for installed.

    Defaults measured on 300 WMT19 zh→en lines (int8, CPU): beam 2 keeps most of beam 4's
    quality (chrF 54.2 vs 54.6; beam 1: 53.4) for ~60% of its CPU time. ``threads`` 0 means
    one per physical core. ``batch_tokens`` ≥1024 costs the same CPU (256 costs 40% more);
    1024 keeps batches (cache commits, progress steps) short on a laptop — raise it on a GPU.
    ``length_penalty`` and ``no_repeat_ngram_size`` are CTranslate2's decoding options: 1.2 and
    4 raised chrF from 53.63 to 54.21 on those WMT19 lines (FLORES: 54.18 → 54.21) at the same
    CPU time, and stop "US-US-US-…" loops (beam 4 with length penalty 1.2 gains 0.2 more for
    1.8× the CPU); ``redecode`` re-decodes the segments QA finds suspicious (a loop, an odd
    length, a lost number) with :data:`REPAIR` and keeps the result where it is less suspicious.
    Measured through zhen with bench/bench_decode.py (bench/RESULTS.md, issue 10).
    ``workers`` is the number of model replicas decoding batches at once (CTranslate2's
    ``inter_threads``), sharing ``threads`` between them; 0 means one per physical core with one
    thread each, which measured fastest on CPU (``bench/bench_scale.py``). It never changes a
    translation, so it is not part of the cache namespace.
    """

    model: Path | None = None
    beam: int = 2
    device: Device = "cpu"
    compute_type: str = "int8"
    threads: int = 0
    workers: int = 0
    batch_tokens: int = 1024
    cache_dir: Path | None = None
    max_decoding_length: int = 256
    length_penalty: float = 1.2
    no_repeat_ngram_size: int = 4
    redecode: bool = True


@dataclass(frozen=True)
class RepairSettings:
    """How suspicious segments are decoded again (``TranslateSettings.redecode``)."""

    beam: int = 4
    length_penalty: float = 1.5
    no_repeat_ngram_size: int = 3


REPAIR = RepairSettings()


@dataclass(frozen=True)
class EnforceSettings:
    """How glossary terms are enforced.

    ``term_style``: see :data:`TermStyle`. ``strategies`` are the passes, in order (see
    :mod:`pipeline.enforce.passes`); ``enabled=False`` translates plainly but still records which
    terms came out right. ``score_margin`` is how much less likely (mean log-probability per
    piece, outside the terms) an enforced sentence may be than the plain one
    (:mod:`pipeline.enforce.accept`); ``None`` turns the model-score check off.
    ``prefix_rounds`` bounds the forced insertions per segment, ``prefix_tries`` the positions
    tried for each (re-decoded, the most likely result kept).
    """

    enabled: bool = True
    term_style: TermStyle = "first"
    strategies: tuple[EnforceStrategy, ...] = DEFAULT_STRATEGIES
    prefix_rounds: int = 2
    prefix_tries: int = 3
    score_margin: float | None = 0.3

    def __post_init__(self) -> None:
        if self.term_style not in TERM_STYLES:
            raise SettingsError(
                f"unknown term style {self.term_style!r}: use {', '.join(TERM_STYLES)}",
                file="--term-style",
            )
        unknown = [s for s in self.strategies if s not in STRATEGIES]
        if unknown:
            raise SettingsError(
                f"unknown enforcement strategy {unknown[0]!r}: use {', '.join(STRATEGIES)}",
                file="strategies",
            )
        decoding = [s for s in self.strategies if s not in ("prefix", "insert")]
        placeholders = {"placeholder", "placeholder-alt"}
        if (
            not decoding
            or ("prefix" in self.strategies and not set(decoding) & placeholders)
            or ("insert" in self.strategies and "plain" not in decoding)
        ):
            raise SettingsError(
                "enforcement strategies need plain or placeholder first, prefix needs a "
                "placeholder strategy and insert the plain one: e.g. plain,placeholder,prefix",
                file="strategies",
            )


@dataclass(frozen=True)
class ModelDirs:
    """Where translation packages live and come from; the CLI builds it with
    :func:`pipeline.packages.default_dirs`.

    ``install_dir`` is zhen's own (``models install`` writes there); ``argos_dir`` is where
    Argos Translate and LibreTranslate install, searched so their packages are reused;
    ``cache_dir`` holds archives given with ``--model`` (extracted once, keyed by sha256)
    and downloads in progress.
    """

    install_dir: Path
    cache_dir: Path
    argos_dir: Path | None = None
    index_url: str = DEFAULT_INDEX_URL

    @property
    def search(self) -> tuple[Path, ...]:
        """Directories searched for installed packages, zhen's own first."""
        return (self.install_dir,) + ((self.argos_dir,) if self.argos_dir else ())


@dataclass(frozen=True)
class Settings:
    """Everything one run needs, stage by stage."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    normalize: NormalizeSettings = field(default_factory=NormalizeSettings)
    segment: SegmentSettings = field(default_factory=SegmentSettings)
    translate: TranslateSettings = field(default_factory=TranslateSettings)


@dataclass(frozen=True)
class RunOptions:
    """The parts of a translate run that are not stage settings: where things are and go.

    ``memory`` is a translation memory of reviewed edits to reuse before the model runs.
    ``force`` replaces a run with other settings in ``outdir`` instead of refusing it.
    """

    outdir: Path
    dirs: ModelDirs
    enforce: EnforceSettings = field(default_factory=EnforceSettings)
    exports: tuple[ExportFormat, ...] = ()
    use_cache: bool = True
    memory: Path | None = None
    force: bool = False


@dataclass(frozen=True)
class RayOptions:
    """How ``--executor ray`` uses a cluster: ``address`` of a running one (``None`` starts a
    local Ray), ``actors`` translating at once (0: as many as the cluster's CPUs fit), and the
    CPUs and GPUs each actor (one loaded model) asks for."""

    address: str | None = None
    actors: int = 0
    actor_cpus: float = 1.0
    actor_gpus: float = 0.0

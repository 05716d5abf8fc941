"""Layered settings: plain dataclasses built by the CLI and passed down explicitly.

The library never reads environment variables or globals; defaults live here and the CLI
overrides them from options (which may come from env vars through Typer's ``envvar=``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Script = Literal["auto", "t2s", "tw2sp", "hk2s", "none"]


@dataclass(frozen=True)
class IngestSettings:
    """``encoding`` forces a codec instead of detection."""

    encoding: str | None = None


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
    """

    model: Path | None = None
    beam: int = 2
    device: Literal["cpu", "cuda", "auto"] = "cpu"
    compute_type: str = "int8"
    threads: int = 0
    batch_tokens: int = 1024
    cache_dir: Path | None = None
    max_decoding_length: int = 256


@dataclass(frozen=True)
class Settings:
    """Everything one run needs, stage by stage."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    normalize: NormalizeSettings = field(default_factory=NormalizeSettings)
    segment: SegmentSettings = field(default_factory=SegmentSettings)
    translate: TranslateSettings = field(default_factory=TranslateSettings)

"""What each step of a run did, in counts: the typed contract between the steps and ``run.json``.

The translate, memory, enforce and QA steps each return one frozen record; the orchestrator
collects them in :class:`RunStats`, whose :meth:`RunStats.to_json` is the ``stats`` block of
``run.json`` and what the CLI summary reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from pipeline.settings import EnforceStrategy

QAFlag = Literal[
    "empty-output", "number-missing", "cjk-in-output", "length-ratio", "repeated-ngram",
    "term-missed",
]  # fmt: skip
"""Codes QA sets on a segment, in the order they are listed (see :mod:`pipeline.qa`)."""
QA_FLAGS: tuple[QAFlag, ...] = get_args(QAFlag)
TermOutcome = EnforceStrategy | Literal["missed"]
"""How a segment's terms came out: the strategy that got them all, or ``missed``."""


@dataclass(frozen=True)
class ReuseStats:
    """The memory step: segments looked up in a translation memory, those it filled, and those
    it could only offer a close match for (``suggested``)."""

    looked_up: int = 0
    reused: int = 0
    suggested: int = 0


@dataclass(frozen=True)
class TranslateStats:
    """The translate step: segments by outcome, model batches, characters sent, seconds."""

    segments: int = 0
    translated: int = 0
    cached: int = 0
    skipped: int = 0
    batches: int = 0
    chars: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "segments": self.segments,
            "translated": self.translated,
            "cached": self.cached,
            "skipped": self.skipped,
            "batches": self.batches,
            "chars": self.chars,
            "seconds": self.seconds,
        }


@dataclass(frozen=True)
class TermStats:
    """Glossary enforcement: term mentions found, applied and missed, segments per outcome."""

    enforced: bool
    segments_with_terms: int
    found: int
    applied: int
    missed: int
    outcomes: Mapping[TermOutcome, int]
    extra_decodes: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "enforced": self.enforced,
            "segments_with_terms": self.segments_with_terms,
            "found": self.found,
            "applied": self.applied,
            "missed": self.missed,
            "strategies": dict(self.outcomes),
            "extra_decodes": self.extra_decodes,
            "seconds": self.seconds,
        }


@dataclass(frozen=True)
class SpanStats:
    """Protected spans after translation: segments that have any, spans, spans kept verbatim and
    lost, segments flagged ``span-lost``, and sentences split for length whose halves were
    re-joined."""

    segments: int = 0
    spans: int = 0
    kept: int = 0
    lost: int = 0
    flagged: int = 0
    joined: int = 0

    def to_json(self) -> dict[str, int]:
        return {
            "segments": self.segments,
            "spans": self.spans,
            "kept": self.kept,
            "lost": self.lost,
            "flagged": self.flagged,
            "joined": self.joined,
        }


@dataclass(frozen=True)
class QAStats:
    """Segments per QA flag, every flag present (zeros included) so reports have stable keys."""

    counts: Mapping[QAFlag, int] = field(default_factory=lambda: dict.fromkeys(QA_FLAGS, 0))

    def to_json(self) -> dict[str, int]:
        return {flag: self.counts.get(flag, 0) for flag in QA_FLAGS}


@dataclass(frozen=True)
class RunStats:
    """Everything a run counted. ``chars`` is the characters the model translated, at
    ``chars_per_second``; ``terms`` is set when a glossary took part."""

    memory: ReuseStats = field(default_factory=ReuseStats)
    translate: TranslateStats | None = None
    terms: TermStats | None = None
    spans: SpanStats | None = None
    qa: QAStats | None = None
    chars: int = 0
    chars_per_second: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The ``stats`` block of ``run.json`` (empty for a run without segments)."""
        out: dict[str, Any] = {}
        if self.qa is None:
            return out
        block: dict[str, Any] = {"memory": self.memory.reused}
        if self.translate is not None:
            block |= self.translate.to_json()
        if self.terms is not None:
            block["terms"] = self.terms.to_json()
        if self.spans is not None:
            block["spans"] = self.spans.to_json()
        out["translate"] = block
        out["qa"] = self.qa.to_json()
        if self.chars:
            out["chars"] = self.chars
            out["chars_per_second"] = self.chars_per_second
        return out

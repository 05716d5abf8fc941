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
    "term-missed", "term-unsafe",
]  # fmt: skip
"""Codes QA sets on a segment, in the order they are listed (see :mod:`pipeline.qa`);
``term-unsafe`` comes from enforcement, and QA keeps and counts it."""
QA_FLAGS: tuple[QAFlag, ...] = get_args(QAFlag)
TermOutcome = EnforceStrategy | Literal["unsafe", "missed"]
"""How a segment's terms came out: the strategy whose sentence was kept, ``unsafe`` (every
enforced sentence was rejected as worse than the plain one, which is kept) or ``missed``."""
TERM_OUTCOMES: tuple[TermOutcome, ...] = (*get_args(EnforceStrategy), "unsafe", "missed")


@dataclass(frozen=True)
class ReuseStats:
    """The memory step: segments looked up in a translation memory, those it filled, and those
    it could only offer a close match for (``suggested``)."""

    looked_up: int = 0
    reused: int = 0
    suggested: int = 0


@dataclass(frozen=True)
class TranslateStats:
    """The translate step: segments by outcome, model batches, characters sent, seconds, and
    suspicious segments decoded again (``redecoded``) and improved by it (``repaired``)."""

    segments: int = 0
    translated: int = 0
    cached: int = 0
    skipped: int = 0
    batches: int = 0
    chars: int = 0
    seconds: float = 0.0
    redecoded: int = 0
    repaired: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "segments": self.segments,
            "translated": self.translated,
            "cached": self.cached,
            "skipped": self.skipped,
            "batches": self.batches,
            "chars": self.chars,
            "seconds": self.seconds,
            "redecoded": self.redecoded,
            "repaired": self.repaired,
        }


@dataclass(frozen=True)
class TermStats:
    """Glossary enforcement, in term mentions: found; applied (``clean``: in the plain or the
    placeholder sentence; ``fallback``: by a later pass, worth a look); ``unsafe``: not applied
    because every enforced sentence was worse than the plain one (kept); ``missed``. Also
    segments per outcome and why candidate sentences were rejected."""

    enforced: bool
    segments_with_terms: int
    found: int
    applied: int
    missed: int
    outcomes: Mapping[TermOutcome, int]
    extra_decodes: int = 0
    seconds: float = 0.0
    clean: int = 0
    fallback: int = 0
    unsafe: int = 0
    rejections: Mapping[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "enforced": self.enforced,
            "segments_with_terms": self.segments_with_terms,
            "found": self.found,
            "applied": self.applied,
            "clean": self.clean,
            "fallback": self.fallback,
            "unsafe": self.unsafe,
            "missed": self.missed,
            "strategies": dict(self.outcomes),
            "rejections": dict(self.rejections),
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

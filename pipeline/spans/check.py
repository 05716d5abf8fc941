"""Checking the final English against the source's protected spans.

After translation and glossary enforcement each segment's English must hold every protected span
of its source verbatim, as the *original* text wrote it: normalization turns full-width letters
into ASCII, Traditional characters into Simplified and collapses spaces, which code, maths, URLs
and paths must not undergo (a Latin name keeps its normalized, ASCII form). :func:`check_segment`
puts those original forms back and counts what is still missing, so a lost span is flagged
(``span-lost``), never silently dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.document import Block, Segment
from pipeline.spans.find import Span, find_spans
from pipeline.spans.mask import SPAN_LOST

_NORMALIZED_KINDS = frozenset({"latin", "symbol", "gloss"})
"""Spans written back as normalized (ASCII names); every other kind as the original wrote it."""


@dataclass(frozen=True)
class SpanCheck:
    """One segment's protected spans: how many there were, and those not in the English."""

    spans: int = 0
    lost: tuple[str, ...] = ()


def _block_start(block: Block, seg: Segment) -> int | None:
    """Where ``seg.normalized`` starts in ``block.normalized`` (``None`` if it cannot be found)."""
    if len(block.offsets) != len(block.normalized) + 1:
        return None
    n = bisect_left(block.offsets, seg.start)
    rest = block.normalized[n:]
    n += len(rest) - len(rest.lstrip())
    return n if block.normalized.startswith(seg.normalized, n) else None


def _original(block: Block | None, n0: int | None, span: Span, a: int, b: int, text: str) -> str:
    if block is None or n0 is None or span.kind in _NORMALIZED_KINDS:
        return text[a:b]
    return block.text[block.offsets[n0 + a] : block.offsets[n0 + b]].rstrip()


def find_written(original: str, english: str) -> tuple[int, int] | None:
    """Where ``english`` writes the span ``original``: verbatim or capitalized where it opens the
    sentence (the Pentagon → The Pentagon), a short span as a whole word (``B`` is not in
    ``BV``; a plural ``s`` allowed: ICBMs); ``None`` if nowhere."""
    short = len(original) <= 4
    left = r"(?<![A-Za-z0-9])" if short and original[:1].isalnum() else ""
    right = r"(?:e?s)?(?![A-Za-z0-9])" if short and original[-1:].isalnum() else ""
    for form in dict.fromkeys((original, original[:1].upper() + original[1:])):
        if m := re.search(left + re.escape(form) + right, english):
            return m.start(), m.start() + len(form)
    return None


def check_segment(
    seg: Segment, block: Block | None = None, skip: Sequence[tuple[int, int]] = ()
) -> SpanCheck:
    """Put the original form of each span of ``seg.normalized`` into ``seg.en`` and return what
    is not there verbatim; a paired span needs both delimiters. Spans overlapping ``skip``
    (glossary terms and glossed names: enforcement writes those) are not checked."""
    text = seg.normalized
    n0 = _block_start(block, seg) if block is not None else None
    wanted: list[list[tuple[str, str]]] = []
    for span in find_spans(text):
        if any(span.start < e and s < span.end for s, e in skip):
            continue
        parts = [(span.start, span.end)] if span.inner is None else [
            (span.start, span.inner[0]), (span.inner[1], span.end)
        ]  # fmt: skip
        wanted.append([(text[a:b], _original(block, n0, span, a, b, text)) for a, b in parts])
    for pieces in wanted:
        for normalized, original in pieces:
            if original != normalized and original not in seg.en and normalized in seg.en:
                seg.en = seg.en.replace(normalized, original, 1)
    lost: list[str] = []
    rest = seg.en  # what longer spans have not used up
    for pieces in sorted(wanted, key=lambda ps: -sum(len(o) for _, o in ps)):
        found = [find_written(original, rest) for _, original in pieces]
        if all(found):
            for a, b in filter(None, found):
                rest = rest[:a] + "\x00" * (b - a) + rest[b:]
        else:
            lost.append("…".join(original for _, original in pieces))
    if lost and SPAN_LOST not in seg.flags:
        seg.flags.append(SPAN_LOST)
    return SpanCheck(len(wanted), tuple(lost))

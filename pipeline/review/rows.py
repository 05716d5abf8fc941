"""What every review-file reader produces and the matcher consumes: rows and reviewed pairs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.document import Segment

Verdict = Literal["reviewed", "if-edited", "not-reviewed"]
"""``reviewed``: the file marks the row done, store it even when the English is the MT's;
``if-edited``: store it only when the English differs from the run's; ``not-reviewed``: ignore."""


@dataclass(frozen=True)
class ReviewRow:
    """One segment as a review file shows it.

    ``source`` is the source text the file shows (the original, or in older exports and CAT
    tools' files the normalized text: either matches), ``normalized`` the normalized text a
    table shows (``None`` when the file has no such text); ``doc_id`` is a table's document id,
    checked against the run; ``doc_path`` is an XLIFF file's ``original``, used only to tell
    apart ids XLIFF 2 wrote through :func:`pipeline.export.xml.nmtoken` (a CAT tool may well
    rewrite it). ``fingerprint`` and ``run_id`` come from the review page's download and must
    match the run. ``by_source`` rows (a CAT tool's TMX without zhen's ids) are matched on
    their source text alone. ``marked_tail``/``marker_text`` are an XLIFF 2 target's text from
    its first zhen term marker on, and that marker's text, for telling a garbled edit (new text
    in front of the previous target's markers) from a real one; ``problem`` is what the reader
    found wrong with the row itself (an unbalanced marker): such rows are reported, not stored.
    """

    where: str
    segment_id: str
    en: str
    verdict: Verdict
    source: str | None = None
    normalized: str | None = None
    doc_id: str | None = None
    doc_path: str | None = None
    nmtoken_id: bool = False
    fingerprint: str | None = None
    run_id: str | None = None
    by_source: bool = False
    marked_tail: str | None = None
    marker_text: str = ""
    problem: str | None = None


@dataclass(frozen=True)
class ReviewedPair:
    """A reviewed segment matched to the run: what the memory stores for it."""

    segment: Segment
    en: str
    edited: bool
    origin: Path

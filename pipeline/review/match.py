"""Pair a reviewer's rows with the segments of the run they came from, and refuse mismatches.

Every row is checked first (unknown ids, a source that differs from the run's, a source
fingerprint that differs, one id with two Englishes); any mismatch is one error naming the first
few, so nothing half-matched is stored. A row whose English is damaged — the previous target's
markup still in it, an unbalanced marker — is *rejected*: reported, not stored, while the other
rows are. Rows of a CAT tool's TMX without zhen's ids are matched by their source text, and
those matching no sentence of the run are counted, not refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from pipeline.document import Document, Segment
from pipeline.errors import ReviewError
from pipeline.export.common import source_fingerprint
from pipeline.export.xml import nmtoken, xml_safe
from pipeline.review.files import _HINT
from pipeline.review.rows import ReviewedPair, ReviewRow
from pipeline.store.cache import normalize_source
from pipeline.store.rundir import RunDir

SHOWN_MISMATCHES = 5
"""Mismatches named in an error message; the rest are counted."""


def find_run_dir(path: Path) -> Path:
    """The nearest folder at or above ``path`` holding ``documents.jsonl`` (a zhen run)."""
    start = Path(path).resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        if RunDir(folder).is_run():
            return folder
    raise ReviewError(
        "cannot tell which run this review file belongs to (no documents.jsonl above it); "
        "pass --run RUN_DIR",
        file=str(path),
    )


def load_run(run_dir: Path) -> list[Document]:
    """The documents of a finished run, for checking review files against."""
    run = RunDir(Path(run_dir))
    if not run.is_run():
        raise ReviewError(
            "not a zhen run directory (no documents.jsonl); pass the -o folder of zhen translate",
            file=str(run_dir),
        )
    try:
        return run.read_documents()
    except (ValueError, TypeError, KeyError) as exc:
        raise ReviewError(
            f"documents.jsonl is unreadable ({exc}); re-run zhen translate into this folder",
            file=str(run.documents),
        ) from None


def same_text(a: str, b: str) -> bool:
    """Texts equal as the memory keys them; characters XML cannot carry count as U+FFFD."""
    return normalize_source(xml_safe(a)) == normalize_source(xml_safe(b))


def _short(text: str, width: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class _RunIndex:
    """The run's segments by id, by id as XLIFF 2 wrote it (NMTOKEN), and by source text."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.by_id: dict[str, Segment] = {}
        self.by_token: dict[str, list[tuple[Segment, str]]] = {}
        self.by_text: dict[str, Segment] = {}
        for doc in docs:
            for seg in doc.segments:
                self.by_id[seg.id] = seg
                self.by_token.setdefault(nmtoken(seg.id), []).append((seg, doc.path))
                for text in (seg.normalized, seg.source):
                    self.by_text.setdefault(normalize_source(xml_safe(text)), seg)

    def find(self, row: ReviewRow) -> Segment | None:
        if row.by_source:
            texts = (row.normalized, row.source)
            keys = [normalize_source(xml_safe(t)) for t in texts if t]
            return next((self.by_text[k] for k in keys if k in self.by_text), None)
        if not row.nmtoken_id:
            return self.by_id.get(row.segment_id)
        found = self.by_token.get(row.segment_id, [])
        if len(found) > 1:
            found = [(seg, p) for seg, p in found if p == row.doc_path]
        return found[0][0] if len(found) == 1 else None


def _mismatch(row: ReviewRow, seg: Segment | None) -> str | None:
    """Why ``row`` does not belong to the run (``None`` when it does)."""
    label = f"{row.segment_id or '(no id)'} ({row.where})"
    if seg is None:
        return f"{label}: unknown segment id"
    if row.doc_id is not None and row.doc_id != seg.doc_id and not row.by_source:
        return f"{label}: document {row.doc_id!r} but the run has {seg.doc_id!r}"
    if row.source is not None and not (
        same_text(row.source, seg.source) or same_text(row.source, seg.normalized)
    ):
        return f"{label}: source {_short(row.source)!r} but the run has {_short(seg.source)!r}"
    if row.normalized is not None and not same_text(row.normalized, seg.normalized):
        return (
            f"{label}: source {_short(row.normalized)!r} but the run has {_short(seg.normalized)!r}"
        )
    if row.fingerprint is not None and row.fingerprint != source_fingerprint(seg):
        return f"{label}: edited against another source sentence (fingerprint differs)"
    return None


_TAG_TEXT = re.compile(r"</?(?:mrk|sm|em|pc|ph|g|x|bx|ex|bpt|ept|it|cp)\b[^>]*>")
_SENTENCE_END = (".", "!", "?", "。", "！", "？", '"', "”", "’")


def damaged(row: ReviewRow, seg: Segment) -> str | None:
    """Why the reviewer's English cannot be stored as it is (``None`` when it can).

    - an unbalanced marker the reader found;
    - XLIFF markup written out as text (``<mrk id="t1">``) that the run's English did not have;
    - new text in front of the previous target's term markers: the target keeps every character
      from its first zhen marker on, the text before it changed, and that text already holds
      the term, ends a sentence, or grew by more than half the kept tail — what a tool that
      sets a target's text but keeps its child elements leaves (translate-toolkit does);
    - ``**`` or backticks (inline Markdown) left unbalanced where the run's English had them
      balanced.
    """
    if row.problem:
        return row.problem
    english = row.en.strip()
    if _TAG_TEXT.search(english) and not _TAG_TEXT.search(seg.en):
        return "the English holds XLIFF markup as text; remove the tags"
    tail = row.marked_tail
    if tail and english != seg.en.strip() and row.en.endswith(tail) and seg.en.endswith(tail):
        lead, old = row.en[: -len(tail)], seg.en[: -len(tail)]
        grew = len(tail) >= 10 and len(lead) - len(old) > len(tail) / 2
        term = row.marker_text.casefold()
        if lead != old and (
            (term and term in lead.casefold()) or lead.rstrip().endswith(_SENTENCE_END) or grew
        ):
            return (
                "the target still holds the previous target's term markers after the new "
                "text (the tool replaced only the text before them); correct it in the "
                "review page or the TSV"
            )
    for mark in ("**", "`"):
        if seg.en.count(mark) % 2 == 0 and english.count(mark) % 2:
            return f"unbalanced {mark} (inline Markdown) in the English; close it or remove it"
    return None


class Matched(NamedTuple):
    """:func:`match_run`'s result: pairs to store; rows not marked reviewed; reviewed rows with
    empty English; rejected rows (``"id (where): why"``); rows of a CAT tool's TMX matching no
    sentence of the run."""

    pairs: list[ReviewedPair]
    not_reviewed: int
    blank: int
    rejected: list[str]
    unmatched: int


def match_run(
    rows_by_file: Sequence[tuple[Path, Sequence[ReviewRow]]], docs: Sequence[Document]
) -> Matched:
    """Pair every row with its run segment and pick the reviewed ones (see :class:`Matched`).

    Every row is checked first; any row that does not belong to the run raises one
    :class:`~pipeline.errors.ReviewError` naming the first :data:`SHOWN_MISMATCHES` problems and
    counting the rest.
    """
    index = _RunIndex(docs)
    problems: list[str] = []
    rejected: list[str] = []
    seen: dict[str, tuple[str, str]] = {}
    pairs: list[ReviewedPair] = []
    not_reviewed = blank = unmatched = 0
    for path, rows in rows_by_file:
        for row in rows:
            seg = index.find(row)
            if seg is None and row.by_source:
                unmatched += 1
                continue
            english = row.en.strip()
            problem = _mismatch(row, seg)
            if problem is None and seg is not None and seg.id in seen:
                if seen[seg.id][0] == english:
                    continue
                problem = f"{seg.id} ({row.where}): English differs from {seen[seg.id][1]}"
            if problem is not None or seg is None:
                problems.append(problem or "")
                continue
            seen[seg.id] = (english, row.where)
            edited = english != seg.en.strip()
            if row.verdict == "not-reviewed" or (row.verdict == "if-edited" and not edited):
                not_reviewed += 1
            elif not english:
                blank += 1
            elif why := damaged(row, seg):
                rejected.append(f"{seg.id} ({path.name}, {row.where}): {why}")
            else:
                pairs.append(ReviewedPair(seg, english, edited, path))
    if problems:
        shown = "; ".join(problems[:SHOWN_MISMATCHES])
        more = (
            f" and {len(problems) - SHOWN_MISMATCHES} more"
            if len(problems) > SHOWN_MISMATCHES
            else ""
        )
        where = ", ".join(str(p) for p, _ in rows_by_file)
        raise ReviewError(
            f"{len(problems)} segment(s) do not match the run: {shown}{more}; {_HINT}",
            file=where,
        )
    return Matched(pairs, not_reviewed, blank, rejected, unmatched)

"""Pair a reviewer's rows with the segments of the run they came from, and refuse mismatches.

Every row is checked first (unknown ids, a source that differs from the run's, one id with two
Englishes); any mismatch is one error naming the first few, so nothing half-matched is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.document import Document, Segment
from pipeline.errors import ReviewError
from pipeline.export.xml import nmtoken, xml_safe
from pipeline.review.files import _HINT, ReviewedPair, ReviewRow
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
    """The run's segments by id, and by id as XLIFF 2 wrote it (NMTOKEN)."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.by_id: dict[str, Segment] = {}
        self.by_token: dict[str, list[tuple[Segment, str]]] = {}
        for doc in docs:
            for seg in doc.segments:
                self.by_id[seg.id] = seg
                self.by_token.setdefault(nmtoken(seg.id), []).append((seg, doc.path))

    def find(self, row: ReviewRow) -> Segment | None:
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
    if row.doc_id is not None and row.doc_id != seg.doc_id:
        return f"{label}: document {row.doc_id!r} but the run has {seg.doc_id!r}"
    for shown, actual in ((row.source, seg.source), (row.normalized, seg.normalized)):
        if shown is not None and not same_text(shown, actual):
            return f"{label}: source {_short(shown)!r} but the run has {_short(actual)!r}"
    return None


def match_run(
    rows_by_file: Sequence[tuple[Path, Sequence[ReviewRow]]], docs: Sequence[Document]
) -> tuple[list[ReviewedPair], int, int]:
    """Pair every row with its run segment and pick the reviewed ones.

    Returns ``(pairs, not_reviewed, blank)``: rows the file does not mark as reviewed, and rows
    marked reviewed (or edited) whose English is empty. Every row is checked first; any row that
    does not belong to the run raises one :class:`~pipeline.errors.ReviewError` naming the first
    :data:`SHOWN_MISMATCHES` problems and counting the rest.
    """
    index = _RunIndex(docs)
    problems: list[str] = []
    seen: dict[str, tuple[str, str]] = {}
    pairs: list[ReviewedPair] = []
    not_reviewed = blank = 0
    for path, rows in rows_by_file:
        for row in rows:
            seg = index.find(row)
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
    return pairs, not_reviewed, blank

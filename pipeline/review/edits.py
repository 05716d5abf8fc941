"""Read the edits a reviewer downloaded from the review page (``review.html``).

The page keeps each edit and status in the browser and saves them as one JSON file (format
:data:`pipeline.export.common.EDITS_FORMAT`) naming the run (its id and folder) and, per
segment, its id and source fingerprint, so an edit can never land on another run's sentence or
on a sentence whose source changed. Status ``reviewed`` stores the English even when unchanged;
``needs-work`` stores nothing (the reviewer says it is not done); no status stores an edit only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ReviewError
from pipeline.export.common import EDITS_FORMAT, EDITS_VERSION
from pipeline.review.rows import ReviewRow, Verdict

_VERDICTS: dict[str, Verdict] = {"reviewed": "reviewed", "needs-work": "not-reviewed"}


@dataclass(frozen=True)
class EditsHeader:
    """Which run a downloaded edits file belongs to (``run_dir`` as the page knew it)."""

    run_id: str
    run_dir: str


def is_edits(data: bytes) -> bool:
    """Whether ``data`` looks like the review page's download (a JSON object naming its format)."""
    head = data[:512].lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"{") and EDITS_FORMAT.encode() in data[:512]


def _load(data: bytes, path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReviewError(
            f"not valid JSON ({exc}); download the edits from the review page again",
            file=str(path),
        ) from None
    if not isinstance(raw, dict) or raw.get("format") != EDITS_FORMAT:
        raise ReviewError(
            "not a review page download (no zhen-review-edits format); import the file the "
            "page's Download edits button saved",
            file=str(path),
        )
    if raw.get("version") != EDITS_VERSION:
        raise ReviewError(
            f"edits format version {raw.get('version')!r} is not {EDITS_VERSION}; "
            "export the review page again with this zhen and redo the edits there",
            file=str(path),
        )
    if not isinstance(raw.get("segments"), list):
        raise ReviewError("the file lists no segments; download the edits again", file=str(path))
    return raw


def edits_header(data: bytes, path: Path) -> EditsHeader:
    """The run a downloaded edits file names."""
    raw = _load(data, path)
    return EditsHeader(str(raw.get("run") or ""), str(raw.get("run_dir") or ""))


def read_edits(data: bytes, path: Path) -> list[ReviewRow]:
    """One row per segment the reviewer touched (edited, or gave a status)."""
    raw = _load(data, path)
    rows = []
    for n, item in enumerate(raw["segments"], start=1):
        if not isinstance(item, dict):
            raise ReviewError(
                f"segment {n} is not an object; download the edits again", file=str(path)
            )
        en = str(item.get("en", ""))
        status = str(item.get("status") or "")
        rows.append(
            ReviewRow(
                where=f"segment {n}",
                segment_id=str(item.get("id", "")).strip(),
                en=en,
                verdict=_VERDICTS.get(status, "if-edited"),
                fingerprint=str(item.get("fingerprint", "")),
                run_id=str(raw.get("run") or ""),
            )
        )
    return rows

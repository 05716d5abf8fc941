"""Dates as pages print them: recognising a line that is only a date, and reading it as ISO 8601.

A date alone on a line is page metadata (the publication stamp), not a sentence to translate; the
first one before the article text becomes ``Metadata.published``. The forms are the ones feeds and
news pages print: numeric (``2024-05-01``, ``11/12/2023 - 14:21``), ISO 8601 timestamps with
``T``, fractions and zones (``2020-10-11T09:33:25.855Z``), RFC 822 (``Wed, 07 Oct 2020 17:30:18
GMT``) and Chinese (``2024年5月1日 09:30``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

_TIME = r"(?:\s*[-–,T]?\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
NUMERIC_DATE = (
    rf"\d{{1,4}}[/.\-]\d{{1,2}}[/.\-]\d{{1,4}}{_TIME}"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*[上下]午)?(?:\s*\d{1,2}[:：]\d{2}(?::\d{2})?)?"
)
RFC822_DATE = (
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s+)?\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{4}"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s*(?:GMT|UTC|UT|[A-Z]{2,4}|[+-]\d{4}))?"
)
ENGLISH_DATE = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
    r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?)?"
)
ANY_DATE = f"(?:{NUMERIC_DATE}|{RFC822_DATE}|{ENGLISH_DATE})"
ANY_DATE_RE = re.compile(ANY_DATE)
BYLINE_NAME = re.compile(r"(?:記者|记者|作者|撰文|(?i:by))\s*[:：／/|]?\s*([^\s／/|,，:：]{2,20})")
"""The name after a byline marker (``记者 王明``, ``作者：王明``, ``By Jane Doe``'s first word)."""
_LOOSE_DATE = re.compile(
    r"(?P<a>\d{1,4})\s*[/.\-年]\s*(?P<b>\d{1,2})\s*[/.\-月]\s*(?P<c>\d{1,4})\s*日?"
    r"(?:\s*[上下]午)?(?:\s*[-–,T]?\s*(?P<h>\d{1,2})[:：](?P<m>\d{2})(?::(?P<s>\d{2}))?)?"
)


def parse_loose_date(text: str) -> str | None:
    """ISO date(time) from a stray date line; ``11/12/2023`` reads day-first (European sites)."""
    text = text.strip()
    iso = _iso(text)
    if iso is not None:
        return iso
    match = _LOOSE_DATE.match(text)
    if not match:
        return _rfc822(text)
    a, b, c = (int(match[k]) for k in "abc")
    if len(match["a"]) == 4:
        year, month, day = a, b, c
    elif b > 12 >= a:
        year, month, day = c, a, b
    else:
        year, month, day = c, b, a
    try:
        when = datetime(
            year, month, day, int(match["h"] or 0), int(match["m"] or 0), int(match["s"] or 0)
        )
    except ValueError:
        return None
    return when.isoformat() if match["h"] else when.date().isoformat()


def _iso(text: str) -> str | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.,]+(?:Z|[+-]\d{2}:?\d{2})?", text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


def _rfc822(text: str) -> str | None:
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def iso_date(value: object) -> str | None:
    """ISO 8601 for front-matter/meta-tag dates; unparseable text is kept as given, not guessed."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return _rfc822(text) or text or None

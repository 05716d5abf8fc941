"""Read a reviewer's edits back: the review page's download, TSV/CSV tables, XLIFF 2.1 / 1.2
files (OmegaT's translated copy included) and TMX files from CAT tools.

This module turns any of them into :class:`ReviewRow` s (segment id, the source the file shows,
the reviewer's English and how far the file says the row is reviewed);
:func:`pipeline.review.match.match_run` pairs them with the run's segments, and
:mod:`pipeline.store.memory` stores them only once everything has matched.

Which rows count as reviewed is decided by :func:`verdict_*`; see :mod:`pipeline.store.memory`
for the rule as a whole.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Any

from lxml import etree

from pipeline.errors import ReviewError
from pipeline.export.xliff12 import OMEGAT_CATEGORY
from pipeline.export.xml import XLIFF2_NS, XLIFF12_NS
from pipeline.review.edits import is_edits, read_edits
from pipeline.review.rows import ReviewedPair, ReviewRow, Verdict
from pipeline.store.tmx import TmxUnit, read_tmx

REVIEWED_STATUSES = frozenset({"final", "reviewed", "approved", "signed-off"})
"""Values of a table's ``status`` column (any case) that mark a row as reviewed."""


XLIFF2_REVIEWED = frozenset({"reviewed", "final"})
XLIFF12_REVIEWED = frozenset({"final", "signed-off"})
XLIFF12_NOT_DONE = frozenset(
    {"new", "needs-translation", "needs-l10n", "needs-adaptation", "needs-review-translation",
     "needs-review-l10n", "needs-review-adaptation"}
)  # fmt: skip
"""XLIFF 1.2 target states that say work remains, so the target is no reviewed edit."""


XLIFF_SUFFIXES = (".xlf", ".xliff")
_HINT = "re-export the review file from this run (zhen export RUN_DIR --to tsv) or pass --run"


def verdict_table(status: str) -> Verdict:
    """TSV/CSV: a ``status`` of final/reviewed/approved/signed-off marks the row reviewed; any
    other row still counts when its ``en`` differs from the run's, because editing the cell in
    a spreadsheet is all a reviewer can be expected to do."""
    return "reviewed" if status.strip().casefold() in REVIEWED_STATUSES else "if-edited"


def verdict_xliff2(state: str | None) -> Verdict:
    """XLIFF 2: ``reviewed``/``final`` are reviewed. ``translated`` counts only when the target was
    changed, because zhen itself exports every machine translation as ``translated``. ``initial``
    (also the spec's default when ``state`` is absent) means nobody has finished the target."""
    state = (state or "initial").strip()
    if state in XLIFF2_REVIEWED:
        return "reviewed"
    return "if-edited" if state == "translated" else "not-reviewed"


def verdict_xliff12(state: str | None, approved: str | None) -> Verdict:
    """XLIFF 1.2: ``approved="yes"`` or state ``final``/``signed-off`` are reviewed; ``new`` and
    the ``needs-*`` states say work remains; ``translated`` (zhen's own export state) or no state
    counts only when the target was changed."""
    if (approved or "").strip() == "yes":
        return "reviewed"
    state = (state or "").strip()
    if state in XLIFF12_REVIEWED:
        return "reviewed"
    return "not-reviewed" if state in XLIFF12_NOT_DONE else "if-edited"


def verdict_tmx(unit: TmxUnit) -> Verdict:
    """TMX: a unit without English is no review; one zhen exported as machine translation and
    nobody changed since counts only when edited; any other (a CAT tool's confirmed unit, with
    its ``changedate``) is reviewed."""
    if not unit.target.strip():
        return "not-reviewed"
    return "if-edited" if unit.machine_translated else "reviewed"


def review_files(path: Path) -> list[Path]:
    """``path`` itself, or for a folder (``xliff/`` as exported) the XLIFF files in it."""
    path = Path(path)
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.suffix.lower() in XLIFF_SUFFIXES)
        if not found:
            raise ReviewError(
                "folder holds no .xlf/.xliff files; pass the TSV/CSV/XLIFF file a reviewer edited",
                file=str(path),
            )
        return found
    if not path.is_file():
        raise ReviewError("no such file; check the path", file=str(path))
    return [path]


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16, which Excel's "Unicode text" writes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ReviewError(
            "not UTF-8 text; save the review file as UTF-8 (Excel: CSV UTF-8) and import it again",
            file=str(path),
        ) from None


def read_review_file(path: Path) -> list[ReviewRow]:
    """Rows of one review file, whichever supported format it is (decided by content, not name).

    Raises :class:`~pipeline.errors.ReviewError` for an empty file, an unsupported format or a
    malformed one.
    """
    data = Path(path).read_bytes()
    if is_edits(data):
        return _nonempty(read_edits(data, path), path)
    if data.startswith(b"PAR1"):
        raise ReviewError(
            "Parquet cannot be imported; edit and import the TSV, CSV or XLIFF export",
            file=str(path),
        )
    text = _decode(data, path)
    if not text.strip():
        raise ReviewError(
            "file is empty; pass the TSV/CSV/XLIFF file a reviewer edited",
            file=str(path),
        )
    rows = _read_xml(data, path) if text.lstrip().startswith("<") else _read_table(text, path)
    return _nonempty(rows, path)


def _nonempty(rows: list[ReviewRow], path: Path) -> list[ReviewRow]:
    if not rows:
        raise ReviewError("file holds no segments; pass the file a reviewer edited", file=str(path))
    return rows


def _delimiter(header: str, path: Path) -> str:
    """The delimiter that makes the header hold ``segment_id`` and ``en`` (tab, comma or the
    semicolon spreadsheets use where the comma is the decimal mark)."""
    for delimiter in ("\t", ",", ";"):
        names = {n.strip().strip('"').casefold() for n in header.split(delimiter)}
        if {"segment_id", "en"} <= names:
            return delimiter
    raise ReviewError(
        "not a zhen review table (no segment_id and en columns); "
        "import the TSV/CSV written by zhen export --to tsv",
        file=str(path),
    )


def _read_table(text: str, path: Path) -> list[ReviewRow]:
    """Rows of a TSV/CSV table as :func:`pipeline.export.table.export_tsv` writes it."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n")[0], path)
    )
    header = [name.strip().casefold() for name in next(reader)]
    if not {"source", "normalized"} & set(header):
        raise ReviewError(
            "table has no source or normalized column to check against the run; "
            "keep the columns zhen export wrote",
            file=str(path),
        )
    rows = []
    for record in reader:
        if not any(field.strip() for field in record):
            continue
        values = dict(zip(header, record, strict=False))
        rows.append(
            ReviewRow(
                where=f"line {reader.line_num}",
                segment_id=values.get("segment_id", "").strip(),
                en=values.get("en", ""),
                verdict=verdict_table(values.get("status", "")),
                source=values.get("source", "") if "source" in header else None,
                normalized=values.get("normalized", "") if "normalized" in header else None,
                doc_id=values.get("doc_id", "").strip() or None,
            )
        )
    return rows


def _read_xml(data: bytes, path: Path) -> list[ReviewRow]:
    """Rows of an XLIFF 2.x or 1.2 file; other XML (TMX, HTML) is refused by name. The parser
    gets the bytes so that it honours the file's own encoding declaration."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ReviewError(
            f"not well-formed XML ({exc}); import the TSV/CSV/XLIFF file as zhen exported it",
            file=str(path),
        ) from None
    name = etree.QName(root)
    if name.localname == "xliff" and name.namespace == XLIFF2_NS:
        return _read_xliff2(root, path)
    if name.localname == "xliff" and (name.namespace == XLIFF12_NS or root.get("version") == "1.2"):
        return _read_xliff12(root, path)
    if name.localname == "tmx":
        return [_tmx_row(unit) for unit in read_tmx(data, path)]
    raise ReviewError(
        f"unknown XML (root <{name.localname}>), not a review file; import the review page's "
        "download, the TSV/CSV, XLIFF or TMX",
        file=str(path),
    )


def _tmx_row(unit: TmxUnit) -> ReviewRow:
    """A TMX unit: by zhen's segment id when it has one, else by its source text alone."""
    normalized = unit.props.get("x-normalized") or None
    return ReviewRow(
        where=unit.where,
        segment_id=unit.tuid,
        en=unit.target,
        verdict=verdict_tmx(unit),
        source=unit.source,
        normalized=normalized,
        doc_id=unit.props.get("x-document") or None,
        by_source=not unit.tuid,
    )


_NO_TEXT = frozenset({"ph", "sc", "ec", "sm", "em", "x", "bx", "ex", "bpt", "ept", "it"})
"""Inline elements standing for markup, not text (XLIFF 2 and 1.2 names)."""


def inline_text(element: Any, path: Path) -> str:
    """The text of a ``<source>``/``<target>``: marker elements unwrapped, ``<cp hex>`` decoded,
    placeholders for markup dropped."""
    if element is None:
        return ""
    parts = [element.text or ""]
    for child in element:
        local = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if local == "cp":
            try:
                parts.append(chr(int(child.get("hex", ""), 16)))
            except ValueError:
                raise ReviewError(
                    f"bad <cp hex={child.get('hex')!r}> on line {child.sourceline}; fix the file",
                    file=str(path),
                ) from None
        elif local and local not in _NO_TEXT:
            parts.append(inline_text(child, path))
        parts.append(child.tail or "")
    return "".join(parts)


def _local(element: Any) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _unbalanced(target: Any) -> str | None:
    """An XLIFF start marker without its end (``<sm>``/``<em>``, ``<bpt>``/``<ept>``)."""
    if target is None:
        return None
    opened: set[str] = set()
    for el in target.iter():
        name = _local(el)
        if name in ("sm", "bpt"):
            opened.add(el.get("id") or el.get("i") or el.get("rid") or "")
        elif name in ("em", "ept"):
            key = el.get("startRef") or el.get("i") or el.get("rid") or ""
            if key not in opened:
                return f"<{name}> without its start marker"
            opened.discard(key)
    return f"a start marker ({', '.join(sorted(opened))}) is never closed" if opened else None


def _marked_tail(target: Any, path: Path) -> tuple[str | None, str]:
    """The target's text from its first zhen term marker (``<mrk type="term" id="t…">``) on,
    and that marker's text; ``(None, "")`` without such a marker."""
    if target is None:
        return None, ""
    children = list(target)
    for k, child in enumerate(children):
        if (
            _local(child) == "mrk"
            and child.get("type") == "term"
            and child.get("id", "")[:1] == "t"
        ):
            rest = [inline_text(child, path) + (child.tail or "")]
            rest += [inline_text(c, path) + (c.tail or "") for c in children[k + 1 :]]
            return "".join(rest), inline_text(child, path)
    return None, ""


def _read_xliff2(root: Any, path: Path) -> list[ReviewRow]:
    x = {"x": XLIFF2_NS}
    rows = []
    for file_el in root.iterfind("x:file", x):
        for segment in file_el.iterfind(".//x:segment", x):
            target = segment.find("x:target", x)
            tail, marker = _marked_tail(target, path)
            rows.append(
                ReviewRow(
                    where=f"line {segment.sourceline}",
                    segment_id=segment.get("id", "").strip(),
                    en=inline_text(target, path),
                    verdict=verdict_xliff2(segment.get("state")),
                    source=inline_text(segment.find("x:source", x), path),
                    doc_path=file_el.get("original"),
                    nmtoken_id=True,
                    marked_tail=tail,
                    marker_text=marker,
                    problem=_unbalanced(target),
                )
            )
    return rows


def _read_xliff12(root: Any, path: Path) -> list[ReviewRow]:
    ns = root.nsmap.get(None)
    x = {"x": ns} if ns else {}
    prefix = "x:" if ns else ""
    rows = []
    for file_el in root.iterfind(f"{prefix}file", x):
        omegat = file_el.get("category") == OMEGAT_CATEGORY
        for unit in file_el.iterfind(f".//{prefix}trans-unit", x):
            target = unit.find(f"{prefix}target", x)
            source = inline_text(unit.find(f"{prefix}source", x), path)
            en = inline_text(target, path)
            if omegat:
                # OmegaT's layout: the target held the source until a translator replaced it.
                verdict: Verdict = "not-reviewed" if en.strip() == source.strip() else "reviewed"
            else:
                state = target.get("state") if target is not None else "new"
                verdict = verdict_xliff12(state, unit.get("approved"))
            rows.append(
                ReviewRow(
                    where=f"line {unit.sourceline}",
                    segment_id=unit.get("id", "").strip(),
                    en=en,
                    verdict=verdict,
                    source=source,
                    doc_path=file_el.get("original"),
                    problem=_unbalanced(target),
                )
            )
    return rows


__all__ = [
    "ReviewRow",
    "ReviewedPair",
    "Verdict",
    "inline_text",
    "read_review_file",
    "review_files",
    "verdict_table",
    "verdict_tmx",
    "verdict_xliff2",
    "verdict_xliff12",
]

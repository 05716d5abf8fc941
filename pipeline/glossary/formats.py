"""Glossary files: TSV writing, atomic add/remove, and import/export for other tools.

Formats:

- ``tsv``: the native format (see :mod:`pipeline.glossary.tsv`).
- ``csv``: the same columns as comma-separated values with a header, UTF-8 with a BOM so that
  spreadsheet programs detect the encoding.
- ``tbx``: TBX-Basic (ISO 30042:2019); ``tbx2``: TBX v2 ``martif`` for OmegaT and
  translate-toolkit (see :mod:`pipeline.glossary.tbx`). A ``proposed`` status and a context
  rule travel as notes (``status: proposed``, ``context: …``).
- ``deepl``: DeepL's glossary CSV: two columns ``source,target``, no header, one row per source
  form (abbreviations are left out so DeepL does not expand every acronym).

Edits keep the file's order and append new terms at the end, so every edit is a one-line diff.
A run records the glossary files it used (:func:`describe_glossary_files`), so a later export of
that run can use the same files and say when one changed (:func:`recorded_glossary_files`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.errors import GlossaryError
from pipeline.glossary.collection import Glossary
from pipeline.glossary.tbx import BUILDERS, TBX_NS, slug, tbx_rows
from pipeline.glossary.terms import COLUMNS, QUIET, SEP, STATUSES, Term
from pipeline.glossary.tsv import parse_glossary, raise_for_errors, read_bytes, read_text
from pipeline.store.atomic import atomic_open, atomic_write_bytes, atomic_write_text

FORMATS: tuple[str, ...] = ("tsv", "csv", "tbx", "tbx2", "deepl")


def _fail(message: str, path: str | Path) -> GlossaryError:
    return GlossaryError(message, file=str(path))


def format_tsv(terms: Iterable[Term], file: str = "<glossary>") -> str:
    """Glossary TSV text: the header, then one line per term; ``file`` names it in errors.
    Quiet optional columns (``context``) are written only when some term uses them."""
    terms = list(terms)
    used = {name for t in terms for name, cell in zip(COLUMNS, t.row(), strict=True) if cell}
    header = [c for c in COLUMNS if c not in QUIET or c in used]
    return "\t".join(header) + "\n" + "".join(_tsv_line(header, t, file) for t in terms)


def _tsv_line(header: list[str], term: Term, file: str) -> str:
    """One row in the order of ``header``; cells may not hold tabs or line breaks."""
    cells = dict(zip(COLUMNS, term.row(), strict=True))
    for name, value in cells.items():
        if any(c in value for c in "\t\r\n"):
            raise _fail(f"term {term.id!r}: {name} contains a tab or line break", file)
        if value and name not in header and (name, value) != ("status", "approved"):
            raise _fail(f"term {term.id!r} has a {name} but the file has no {name} column", file)
    return "\t".join(cells.get(name, "") for name in header) + "\n"


def save_glossary(terms: Iterable[Term], path: str | Path) -> None:
    """Write terms as a native TSV glossary, atomically."""
    atomic_write_text(Path(path), format_tsv(terms, str(path)))


def _raw(path: Path) -> tuple[str, bool]:
    """File text and whether it starts with a BOM (kept on rewrite)."""
    return read_text(path), read_bytes(path).startswith(codecs.BOM_UTF8)


def _write_raw(path: Path, text: str, bom: bool) -> None:
    """Write bytes exactly (no newline translation), keeping a BOM the file had."""
    atomic_write_bytes(path, (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))


def add_term(path: str | Path, term: Term) -> Term:
    """Append ``term`` to a glossary file (created with a header if missing).

    Refuses a file that already has errors, an id that exists, and a term that would make the
    file invalid (a source form mapped elsewhere, a bad status…): the file is then unchanged.
    """
    path = Path(path)
    text, bom = _raw(path) if path.exists() else (format_tsv([]), False)
    terms, issues = parse_glossary(text, str(path))
    raise_for_errors(issues, str(path))
    clash = next((t for t in terms if t.id == term.id), None)
    if clash is not None:
        raise _fail(f"id {term.id!r} exists on line {clash.line}: remove it or pick another", path)
    newline = "\r\n" if "\r\n" in text else "\n"
    header = text.split("\n", 1)[0].rstrip("\r").split("\t")
    body = text if text.endswith("\n") else text + newline
    row = _tsv_line([h.strip() for h in header], term, str(path))
    new_text = body + row.replace("\n", newline)
    line = new_text.count("\n")
    terms, issues = parse_glossary(new_text, str(path))
    mine = [i for i in issues if i.line == line and i.severity == "error"]
    if mine or not any(t.line == line for t in terms):
        shown = "; ".join(i.message for i in mine) or "the row does not parse"
        raise _fail(f"cannot add {term.id!r}: {shown}", path)
    _write_raw(path, new_text, bom)
    return next(t for t in terms if t.line == line)


def remove_term(path: str | Path, term_id: str) -> Term:
    """Delete the row(s) with id ``term_id``; the rest of the file is kept byte for byte."""
    path = Path(path)
    text, bom = _raw(path)
    lines = text.split("\n")
    header = [h.strip() for h in lines[0].rstrip("\r").split("\t")]
    if "id" not in header:
        raise _fail("the header has no id column: fix the file first", path)
    col = header.index("id")
    hits = [
        i
        for i, ln in enumerate(lines[1:], start=1)
        if len(cells := ln.rstrip("\r").split("\t")) > col and cells[col].strip() == term_id
    ]
    if not hits:
        raise _fail(f"no term with id {term_id!r}: see zhen glossary list for the ids", path)
    terms, _ = parse_glossary("\n".join([lines[0], *(lines[i] for i in hits)]), str(path))
    removed = terms[0] if terms else Term(term_id, (), "", line=hits[0] + 1, file=str(path))
    _write_raw(path, "\n".join(ln for i, ln in enumerate(lines) if i not in hits), bom)
    return replace(removed, line=hits[0] + 1)


def detect_format(path: str | Path) -> str:
    """The format a file name implies: .tsv, .tbx, .csv (DeepL when the header is not ours)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ("tsv", "tab", "txt"):
        return "tsv"
    if suffix in ("tbx", "xml"):
        return "tbx"
    if suffix == "csv":
        head = read_text(path).split("\n", 1)[0].lower().replace(" ", "")
        return "csv" if head.startswith("id,") and ",zh," in head + "," else "deepl"
    raise _fail(f"cannot tell the format of {Path(path).name!r}: pass one of {FORMATS}", path)


def import_glossary(
    src: str | Path, fmt: str | None = None, *, status: str | None = None
) -> Glossary:
    """Read a glossary in any supported format; ``status`` overrides every term's status.

    Formats without a status (DeepL, foreign TBX) import as ``approved`` unless ``status`` says
    otherwise. The result is fully validated like a TSV file.
    """
    fmt = fmt or detect_format(src)
    if fmt not in FORMATS:
        raise _fail(f"unknown glossary format {fmt!r}: use one of {', '.join(FORMATS)}", src)
    if status is not None and status not in STATUSES:
        raise _fail(f"status {status!r}: use approved or proposed", src)
    text = read_text(src) if fmt not in ("tbx", "tbx2") else ""
    if fmt == "tsv":
        tsv = text
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        tsv = _rows_tsv(rows[0] if rows else [], rows[1:])
    elif fmt == "deepl":
        tsv = _rows_tsv(list(COLUMNS), _deepl_rows(text, src))
    else:
        tsv = _rows_tsv(list(COLUMNS), tbx_rows(read_bytes(src), src))
    terms, issues = parse_glossary(tsv, str(src))
    raise_for_errors(issues, str(src))
    if status is not None:
        terms = [replace(t, status=status) for t in terms]
    return Glossary(tuple(terms), str(src))


def _rows_tsv(header: list[str], rows: Iterable[list[str]]) -> str:
    """Cells to TSV text (whitespace inside cells collapsed) so one parser validates all."""
    lines = ["\t".join(" ".join(c.split()) for c in r) for r in [header, *rows]]
    return "\n".join(lines) + "\n"


def _deepl_rows(text: str, src: str | Path) -> list[list[str]]:
    """DeepL rows grouped by target: one term per English target, its sources as ``zh``."""
    groups: dict[str, list[str]] = {}
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(c.strip() for c in row):
            continue
        if len(row) not in (2, 4):
            raise _fail(f"row {n}: {len(row)} columns; DeepL CSV rows are source,target", src)
        groups.setdefault(row[1].strip(), []).append(row[0].strip())
    taken: set[str] = set()
    return [
        [slug(en, taken), SEP.join(zh), en, "", "", "", "approved"] for en, zh in groups.items()
    ]


def export_glossary(glossary: Glossary, dest: str | Path, fmt: str | None = None) -> None:
    """Write ``glossary`` to ``dest`` in ``fmt`` (default: from the file name), atomically."""
    fmt = fmt or _format_from_name(dest)
    dest = Path(dest)
    if fmt == "tsv":
        save_glossary(glossary.terms, dest)
    elif fmt in ("csv", "deepl"):
        # utf-8-sig lets spreadsheets detect UTF-8; DeepL reads the BOM as part of the first term.
        with atomic_open(dest, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            if fmt == "csv":
                writer.writerow(COLUMNS)
                writer.writerows(t.row() for t in glossary)
            else:
                writer.writerows((form, t.en) for t in glossary for form in t.zh)
    elif fmt in ("tbx", "tbx2"):
        atomic_write_bytes(dest, BUILDERS["tbx2" if fmt == "tbx2" else "tbx"](glossary))
    else:
        raise _fail(f"unknown glossary format {fmt!r}: use one of {', '.join(FORMATS)}", dest)


def _format_from_name(dest: str | Path) -> str:
    suffix = Path(dest).suffix.lower().lstrip(".")
    if suffix in ("tsv", "csv", "tbx"):
        return suffix
    raise _fail(f"cannot tell the format from {Path(dest).name!r}: pass one of {FORMATS}", dest)


@dataclass(frozen=True)
class GlossaryFile:
    """One glossary file a run used, as ``run.json`` records it: absolute path, sha256 of its
    bytes, and how many valid terms it held."""

    path: str
    sha256: str
    terms: int


def describe_glossary_files(paths: Sequence[str | Path]) -> list[GlossaryFile]:
    """The record of each glossary file (read once more, after loading succeeded)."""
    records = []
    for path in paths:
        data = read_bytes(path)
        terms, _ = parse_glossary(data.decode("utf-8-sig", errors="replace"), str(path))
        digest = hashlib.sha256(data).hexdigest()
        records.append(GlossaryFile(str(Path(path).resolve()), digest, len(terms)))
    return records


def recorded_glossary_files(block: Mapping[str, Any]) -> tuple[list[Path], list[str]]:
    """The files a run's ``run.json`` glossary block names that still exist, and one warning
    for each that changed since (its terms are marked as the file now says) or is gone."""
    paths: list[Path] = []
    warnings: list[str] = []
    for record in block.get("files") or []:
        path = Path(str(record.get("path", "")))
        if not path.is_file():
            warnings.append(f"{path}: glossary the run used is gone; its terms are not marked")
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() != record.get("sha256"):
            warnings.append(
                f"{path}: glossary changed since the run; its terms are marked as it is now"
            )
        paths.append(path)
    return paths, warnings


__all__ = [
    "FORMATS",
    "TBX_NS",
    "GlossaryFile",
    "add_term",
    "describe_glossary_files",
    "detect_format",
    "export_glossary",
    "format_tsv",
    "import_glossary",
    "recorded_glossary_files",
    "remove_term",
    "save_glossary",
    "slug",
]

"""Glossary files: TSV writing, atomic add/remove, and import/export for other tools.

Formats:

- ``tsv``: the native format (see :mod:`pipeline.glossary.tsv`).
- ``csv``: the same columns as comma-separated values with a header, UTF-8 with a BOM so that
  spreadsheet programs detect the encoding.
- ``tbx``: TBX-Basic (ISO 30042:2019, DCA style): one ``conceptEntry`` per term with a ``zh``
  and an ``en`` language section. The ``en`` preferred term is ``en``, the term typed
  ``acronym``/``shortForm`` is ``abbr``, other admitted terms are ``accept``; ``note`` is a
  concept-level ``<note>``, a ``proposed`` status travels as a ``<note>status: proposed</note>``
  and a context rule as ``<note>context: …</note>``
  (TBX-Basic has no workflow status of its own). Older TBX (``martif``/``termEntry``/``tig``) is
  read too.
- ``deepl``: DeepL's glossary CSV: two columns ``source,target``, no header, one row per source
  form (abbreviations are left out so DeepL does not expand every acronym).

Edits keep the file's order and append new terms at the end, so every edit is a one-line diff.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from pipeline.errors import GlossaryError
from pipeline.glossary.collection import Glossary
from pipeline.glossary.terms import COLUMNS, ID_RE, QUIET, SEP, STATUSES, Term
from pipeline.glossary.tsv import parse_glossary, raise_for_errors, read_bytes, read_text
from pipeline.store.atomic import atomic_open, atomic_write_bytes, atomic_write_text

FORMATS: tuple[str, ...] = ("tsv", "csv", "tbx", "deepl")
TBX_NS = "urn:iso:std:iso:30042:ed-2"
_ABBR_TYPES = ("acronym", "abbreviation", "shortForm", "initialism")
_SKIP_STATUSES = ("deprecatedTerm-admn-sts", "supersededTerm-admn-sts")
_STATUS_NOTE = re.compile(r"status:\s*(\w+)\Z")
_CONTEXT_NOTE = re.compile(r"context:\s*(.+)\Z")


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
    text = read_text(src) if fmt != "tbx" else ""
    if fmt == "tsv":
        tsv = text
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        tsv = _rows_tsv(rows[0] if rows else [], rows[1:])
    elif fmt == "deepl":
        tsv = _rows_tsv(list(COLUMNS), _deepl_rows(text, src))
    else:
        tsv = _rows_tsv(list(COLUMNS), _tbx_rows(read_bytes(src), src))
    terms, issues = parse_glossary(tsv, str(src))
    raise_for_errors(issues, str(src))
    if status is not None:
        terms = [replace(t, status=status) for t in terms]
    return Glossary(tuple(terms), str(src))


def _rows_tsv(header: list[str], rows: Iterable[list[str]]) -> str:
    """Cells to TSV text (whitespace inside cells collapsed) so one parser validates all."""
    lines = ["\t".join(" ".join(c.split()) for c in r) for r in [header, *rows]]
    return "\n".join(lines) + "\n"


def slug(text: str, taken: set[str]) -> str:
    """A new valid term id made from ``text`` (usually the English), unique within ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-") or "term"
    base = base if ID_RE.match(base) else f"t-{base}"
    out, n = base, 2
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    taken.add(out)
    return out


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


def _text(element: etree._Element) -> str:
    """All text inside ``element``, whitespace collapsed."""
    return " ".join("".join(str(t) for t in element.itertext()).split())


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _tbx_rows(data: bytes, src: str | Path) -> list[list[str]]:
    """Rows from TBX-Basic (v3) or older TBX (v2); entries without zh and en are skipped."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _fail(f"not well-formed TBX XML: {exc}", src) from None
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    rows: list[list[str]] = []
    taken: set[str] = set()
    for entry in root.iter():
        if _local(entry.tag) not in ("conceptEntry", "termEntry"):
            continue
        notes, status, zh, en_terms, context = [], "approved", [], [], ""
        for child in entry:
            name, text = _local(child.tag), _text(child)
            if text and (name == "note" or child.get("type") == "definition"):
                found = _STATUS_NOTE.match(text)
                rule = _CONTEXT_NOTE.match(text)
                if found and found.group(1) in STATUSES:
                    status = found.group(1)
                elif rule:
                    context = rule.group(1)
                else:
                    notes.append(text)
            elif name in ("langSec", "langSet"):
                lang = (child.get(xml_lang) or child.get("lang") or "").lower()
                terms = _tbx_terms(child)
                if lang.startswith("zh"):
                    zh += [t for t, _, _ in terms]
                elif lang.startswith("en"):
                    en_terms += [t for t in terms if t[1] not in _SKIP_STATUSES]
        if not zh or not en_terms:
            continue
        abbr = next((t for t, _, kind in en_terms if kind in _ABBR_TYPES), "")
        full = [(t, s) for t, s, kind in en_terms if t != abbr]
        en = next((t for t, s in full if s == "preferredTerm-admn-sts"), full[0][0] if full else "")
        accept = [t for t, _ in full if t != en]
        eid = entry.get("id") or ""
        term_id = eid if ID_RE.match(eid) and eid not in taken else slug(en or abbr, taken)
        taken.add(term_id)
        note = "; ".join(notes)
        rows.append([term_id, SEP.join(zh), en, abbr, SEP.join(accept), note, status, context])
    if not rows:
        raise _fail("no entry has both zh and en terms: is this a Chinese–English termbase?", src)
    return rows


def _tbx_terms(lang_sec: object) -> list[tuple[str, str, str]]:
    """(term, administrativeStatus, termType) for each term section of a language section."""
    out = []
    for sec in lang_sec.iter():  # type: ignore[attr-defined]
        if _local(sec.tag) not in ("termSec", "tig", "ntig"):
            continue
        term, notes = "", {}
        for el in sec.iter():
            name = _local(el.tag)
            if name == "term" and not term:
                term = " ".join("".join(el.itertext()).split())
            elif name == "termNote":
                notes[el.get("type", "")] = (el.text or "").strip()
        if term:
            out.append((term, notes.get("administrativeStatus", ""), notes.get("termType", "")))
    return out


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
    elif fmt == "tbx":
        atomic_write_text(dest, format_tbx(glossary))
    else:
        raise _fail(f"unknown glossary format {fmt!r}: use one of {', '.join(FORMATS)}", dest)


def _format_from_name(dest: str | Path) -> str:
    suffix = Path(dest).suffix.lower().lstrip(".")
    if suffix in ("tsv", "csv", "tbx"):
        return suffix
    raise _fail(f"cannot tell the format from {Path(dest).name!r}: pass one of {FORMATS}", dest)


def _term_sec(text: str, status: str, term_type: str = "") -> str:
    notes = f'<termNote type="administrativeStatus">{status}-admn-sts</termNote>'
    if term_type:
        notes = f'<termNote type="termType">{term_type}</termNote>' + notes
    return f"          <termSec><term>{escape(text)}</term>{notes}</termSec>\n"


def format_tbx(glossary: Glossary) -> str:
    """TBX-Basic (ISO 30042:2019, DCA style) text for ``glossary``."""
    source = escape(f"zhen glossary {Path(glossary.path).name if glossary.path else ''}".strip())
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="{TBX_NS}">\n',
        f"  <tbxHeader>\n    <fileDesc>\n      <sourceDesc>\n        <p>{source}</p>\n"
        "      </sourceDesc>\n    </fileDesc>\n  </tbxHeader>\n",
        "  <text>\n    <body>\n",
    ]
    for t in glossary:
        out.append(f"      <conceptEntry id={quoteattr(t.id)}>\n")
        if t.note:
            out.append(f"        <note>{escape(t.note)}</note>\n")
        if t.status != "approved":
            out.append(f"        <note>status: {t.status}</note>\n")
        if t.context:
            out.append(f"        <note>context: {escape(t.context)}</note>\n")
        out.append('        <langSec xml:lang="zh">\n')
        out += [
            _term_sec(f, "preferredTerm" if i == 0 else "admittedTerm") for i, f in enumerate(t.zh)
        ]
        out.append('        </langSec>\n        <langSec xml:lang="en">\n')
        out.append(_term_sec(t.en, "preferredTerm", "fullForm"))
        if t.abbr:
            kind = "acronym" if re.fullmatch(r"[A-Z0-9&-]+", t.abbr) else "shortForm"
            out.append(_term_sec(t.abbr, "admittedTerm", kind))
        out += [_term_sec(a, "admittedTerm") for a in t.accept]
        out.append("        </langSec>\n      </conceptEntry>\n")
    out.append("    </body>\n  </text>\n</tbx>\n")
    return "".join(out)

"""The glossary TSV format: parsing, validation, loading and layering of glossary files.

A glossary is a UTF-8 TSV file with a header (``id zh en abbr accept note status``) so that it is
reviewable in diffs and opens in a spreadsheet or CAT tool. ``zh`` and ``accept`` hold several
values separated by ``|``. Matching runs over *normalized* source text, so source forms are put
through the same normalizer as documents (through every script conversion when the document
script is ``auto``): that is what lets 洲際彈道飛彈 in a Taiwan article hit the 洲际弹道导弹 entry.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.errors import GlossaryError
from pipeline.glossary.collection import Glossary
from pipeline.glossary.context import parse_context
from pipeline.glossary.terms import (
    COLUMNS,
    ID_RE,
    QUIET,
    REQUIRED,
    SEP,
    STATUSES,
    Issue,
    Term,
    _clean,
    fold,
    source_keys,
)
from pipeline.settings import NormalizeSettings

FIELD_LIMITS = {"id": 100, "zh": 100, "en": 300, "abbr": 50, "accept": 300, "note": 2000}
"""Characters a field may hold (each ``|``-separated value of ``zh`` and ``accept``): a term is
a word or phrase, so a longer value is a mistake — a pasted paragraph, a shifted column — and
would cost matching and enforcement dearly. ``validate`` and loading share the check."""
MAX_VALUES = 100
"""Values a ``zh`` or ``accept`` cell may list."""
MAX_GLOSSARY_BYTES = 64 * 2**20
"""The largest glossary file read (100,000 terms take about 10 MB)."""


class _Issues(list[Issue]):
    """Issue collector for one file."""

    def __init__(self, file: str | None) -> None:
        super().__init__()
        self.file = file

    def add(self, line: int, code: str, message: str, warning: bool = False) -> None:
        self.append(Issue(line, code, message, "warning" if warning else "error", self.file))


def parse_glossary(text: str, file: str | None = None) -> tuple[list[Term], list[Issue]]:
    """Terms and issues from glossary TSV text; rows with errors are left out of the terms."""
    issues = _Issues(file)
    lines = [ln.removesuffix("\r") for ln in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or not lines[0].strip():
        issues.add(
            1, "missing-header", f"no header: start with {' '.join(COLUMNS)} (tab-separated)"
        )
        return [], issues
    header = [h.strip() for h in lines[0].split("\t")]
    where: dict[str, int] = {}
    for i, name in enumerate(header):
        if name not in COLUMNS:
            issues.add(1, "unknown-column", f"unknown column {name!r}: use {', '.join(COLUMNS)}")
        elif name in where:
            issues.add(1, "duplicate-column", f"column {name!r} appears twice in the header")
        else:
            where[name] = i
    missing = [c for c in REQUIRED if c not in where]
    if missing:
        issues.add(1, "missing-column", f"header lacks required column(s) {', '.join(missing)}")
        return [], issues
    for name in COLUMNS:
        if name not in where and name not in QUIET:
            issues.add(1, "missing-column", f"header lacks column {name!r}; defaults used", True)
    optional_tail = len(header) - len(_quiet_tail(header))
    terms: list[Term] = []
    for lineno, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        cells = raw.split("\t")
        if optional_tail <= len(cells) < len(header):
            cells += [""] * (len(header) - len(cells))  # spreadsheets drop empty last cells
        if len(cells) != len(header):
            issues.add(
                lineno,
                "column-count",
                f"{len(cells)} columns, header has {len(header)}: a tab is missing or extra",
            )
            continue
        term = _row_term({name: cells[i] for name, i in where.items()}, lineno, issues)
        if term is not None:
            terms.append(term)
    return _check_across(terms, issues), issues


def _quiet_tail(header: list[str]) -> list[str]:
    """The header's last columns that are quiet optional ones (``context``): a row may omit
    them when they are empty."""
    tail: list[str] = []
    for name in reversed(header):
        if name not in QUIET:
            break
        tail.append(name)
    return tail


def _split(value: str, name: str, line: int, issues: _Issues) -> tuple[str, ...]:
    parts = value.split(SEP)
    if value.strip() and any(not p.strip() for p in parts):
        issues.add(line, "empty-part", f"{name}: empty value between '|' separators", True)
    return tuple(dict.fromkeys(_clean(p) for p in parts if p.strip()))


def _too_long(row: dict[str, str], line: int, issues: _Issues) -> bool:
    """Report cells over :data:`FIELD_LIMITS` (without echoing them); ``True`` if any is."""
    bad = False
    for name, value in row.items():
        parts = value.split(SEP) if name in ("zh", "accept") else [value]
        longest = max(len(p.strip()) for p in parts)
        limit = FIELD_LIMITS.get(name, FIELD_LIMITS["note"])
        if longest > limit:
            issues.add(
                line,
                "too-long",
                f"{name}: {longest:,} characters, more than the {limit:,} a glossary field may "
                "hold (a term is a word or phrase; check for a missing tab or a pasted text)",
            )
            bad = True
        elif len(parts) > MAX_VALUES:
            issues.add(line, "too-many", f"{name}: {len(parts):,} values, more than {MAX_VALUES}")
            bad = True
    return bad


def _row_term(row: dict[str, str], line: int, issues: _Issues) -> Term | None:
    """Check one row's cells and build its term (``None`` when the row has an error)."""
    if _too_long(row, line, issues):
        return None
    for name, value in row.items():
        parts = value.split(SEP) if name in ("zh", "accept") else [value]
        if any(p != _clean(p) for p in parts if p.strip()):
            issues.add(line, "whitespace", f"{name}: stray whitespace in {value!r}", True)
    before = len(issues)
    status = _clean(row.get("status", "approved"))
    for name in REQUIRED:
        if name == "en" and status == "blocked":
            continue  # a blocker is not a term: it needs no rendering
        if not row[name].replace(SEP, "").strip():
            issues.add(line, "empty-field", f"required field {name!r} is empty")
    term_id, en, abbr = _clean(row["id"]), _clean(row["en"]), _clean(row.get("abbr", ""))
    if term_id and not ID_RE.match(term_id):
        issues.add(line, "bad-id", f"id {term_id!r}: use a letter, then letters, digits . _ -")
    for name, value in (("en", en), ("abbr", abbr)):
        if SEP in value:
            issues.add(line, "multiple-values", f"{name} takes one value; list others in accept")
    if status not in STATUSES:
        issues.add(line, "bad-status", f"status {status!r}: write {', '.join(STATUSES)}")
    zh = _split(row["zh"], "zh", line, issues)
    accept = _split(row.get("accept", ""), "accept", line, issues)
    context = _clean(row.get("context", ""))
    for message in parse_context(context)[1]:
        issues.add(line, "bad-context", message)
    if any(i.severity == "error" for i in issues[before:]):
        return None
    note = _clean(row.get("note", ""))
    return Term(term_id, zh, en, abbr, accept, note, status, context, line, issues.file)


def _check_across(terms: list[Term], issues: _Issues) -> list[Term]:
    """Duplicate ids and source forms claimed by two terms; returns the terms that survive."""
    ids: dict[str, Term] = {}
    owners: dict[str, Term] = {}
    kept: list[Term] = []
    for term in terms:
        if term.id in ids:
            issues.add(
                term.line, "duplicate-id", f"id {term.id!r} is used on line {ids[term.id].line}"
            )
            continue
        ids[term.id] = term
        ok = True
        for form in (*term.zh, *((term.abbr,) if term.abbr else ())):
            other = owners.setdefault(fold(form), term)
            if other is term:
                continue
            if fold(other.en) != fold(term.en):
                message = f"{form!r} maps to {term.en!r} here, to {other.en!r} on line {other.line}"
                issues.add(term.line, "conflict", message)
                ok = False
            else:
                issues.add(term.line, "duplicate-form", f"{form!r} is also under {other.id}", True)
        if ok:
            kept.append(term)
    return kept


def check_normalized(terms: Iterable[Term], settings: NormalizeSettings) -> list[Issue]:
    """Conflicts that appear only after normalization (國務院 and 国务院 in different terms)."""
    owners: dict[str, Term] = {}
    issues: list[Issue] = []
    for term in terms:
        for form in (*term.zh, *((term.abbr,) if term.abbr else ())):
            for key in source_keys(form, settings):
                other = owners.setdefault(key, term)
                if other.id != term.id and fold(other.en) != fold(term.en):
                    message = (
                        f"{form!r} normalizes to {key!r}, which line {other.line} ({other.id}) "
                        f"maps to {other.en!r}"
                    )
                    issues.append(Issue(term.line, "conflict", message, "error", term.file))
    return issues


def read_bytes(path: str | Path) -> bytes:
    """A glossary file's bytes; a missing or unreadable file — or a named pipe, a device, a file
    over :data:`MAX_GLOSSARY_BYTES` — raises GlossaryError."""
    try:
        info = Path(path).stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(info.st_mode):
            message = "not a regular file (a pipe or a device): give a glossary file"
        elif info.st_size > MAX_GLOSSARY_BYTES:
            message = f"larger than {MAX_GLOSSARY_BYTES // 2**20} MiB: not a glossary, or split it"
        else:
            return Path(path).read_bytes()
    except FileNotFoundError:
        message = "glossary not found: check the path"
    except IsADirectoryError:
        message = "is a directory: give a glossary file"
    except OSError as exc:
        message = f"cannot read the glossary ({exc.strerror}): check its permissions"
    raise GlossaryError(message, file=str(path))


def read_text(path: str | Path) -> str:
    """A glossary file's text (UTF-8, optional BOM); unreadable input raises GlossaryError."""
    data = read_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 (byte {exc.start}): save the glossary as UTF-8"
        raise GlossaryError(message, file=str(path)) from None


def validate(path: str | Path, settings: NormalizeSettings | None = None) -> list[Issue]:
    """Every issue in a glossary file by line; ``settings`` adds normalization conflicts."""
    try:
        text = read_text(path)
    except GlossaryError as exc:
        return [Issue(0, "unreadable", exc.message, "error", str(path))]
    terms, issues = parse_glossary(text, str(path))
    if settings is not None:
        issues += check_normalized(terms, settings)
    return sorted(issues, key=lambda i: i.line)


def raise_for_errors(issues: Sequence[Issue], file: str) -> None:
    """Raise one GlossaryError naming the first errors, if there are any."""
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        shown = "; ".join(f"line {i.line}: {i.message}" for i in errors[:3])
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        message = f"{len(errors)} error(s): {shown}{more} — fix them (zhen glossary validate)"
        raise GlossaryError(message, file=file)


def load_glossary(path: str | Path, settings: NormalizeSettings | None = None) -> Glossary:
    """Load one TSV glossary: errors raise, warnings (stray whitespace…) are cleaned silently.

    Pass the documents' :class:`NormalizeSettings` so source forms are matched the way document
    text is normalized; ``None`` matches forms exactly as written.
    """
    terms, issues = parse_glossary(read_text(path), str(path))
    if settings is not None:
        issues += check_normalized(terms, settings)
    raise_for_errors(issues, str(path))
    return Glossary(tuple(terms), str(path), settings)


def merge_glossaries(
    glossaries: Sequence[Glossary], settings: NormalizeSettings | None = None
) -> Glossary:
    """Layer glossaries so that later ones override earlier ones.

    A later term with the same id replaces the earlier term (in the earlier position); a source
    form or abbreviation claimed by a later term is taken away from earlier terms, and an earlier
    term left without source forms is dropped. A project glossary can thus adjust a shared domain
    glossary without editing it.
    """
    merged: dict[str, Term] = {}
    for glossary in glossaries:
        claimed = {fold(f) for t in glossary for f in (*t.zh, t.abbr) if f}
        replaced = {t.id for t in glossary}
        for tid, old in list(merged.items()):
            if tid in replaced:
                continue
            zh = tuple(f for f in old.zh if fold(f) not in claimed)
            abbr = "" if fold(old.abbr) in claimed else old.abbr
            if not zh:
                del merged[tid]
            elif (zh, abbr) != (old.zh, old.abbr):
                merged[tid] = replace(old, zh=zh, abbr=abbr)
        for term in glossary:
            merged[term.id] = term
    path = ", ".join(g.path for g in glossaries if g.path) or None
    return Glossary(tuple(merged.values()), path, settings)


def load_glossaries(
    paths: Iterable[str | Path], settings: NormalizeSettings | None = None
) -> Glossary:
    """Load and layer several glossaries, later files winning (see :func:`merge_glossaries`)."""
    return merge_glossaries([load_glossary(p, settings) for p in paths], settings)

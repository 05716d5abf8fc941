"""The glossary's data model: terms, matches, validation issues, and the folding that matching uses.

A term's source forms are matched in *normalized* text, so :func:`source_keys` puts each form
through the same normalizer as documents (through every script conversion when the document
script is ``auto``): that is what lets 洲際彈道飛彈 in a Taiwan article hit the 洲际弹道导弹 entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal, get_args

from pipeline.normalize import normalize_text
from pipeline.settings import NormalizeSettings, Script

COLUMNS: tuple[str, ...] = ("id", "zh", "en", "abbr", "accept", "note", "status", "context")


REQUIRED: tuple[str, ...] = ("id", "zh", "en")
QUIET: tuple[str, ...] = ("context",)
"""Optional columns whose absence is not worth a warning (most glossaries need no context)."""


Status = Literal["approved", "proposed", "blocked"]
"""``approved`` terms are enforced; ``proposed`` ones are matched and reported only; ``blocked``
entries are not terms at all: they are matched only so that, by longest match, they stop a
shorter term inside them (外交部长 "foreign minister" listed to block 外交部)."""
STATUSES: tuple[Status, ...] = get_args(Status)


SEP = "|"
ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9._-]*\Z")
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SCRIPTS_FOR_AUTO: tuple[Script, ...] = ("t2s", "tw2sp", "hk2s")


def fold(text: str) -> str:
    """Lower-case ASCII letters only, so offsets stay put (``str.lower`` can change lengths)."""
    return text.translate(_LOWER)


@dataclass(frozen=True)
class Term:
    """One glossary entry: the source forms and the English they must become.

    ``context`` is the entry's raw context rule, saying where it applies (parsed and checked by
    :mod:`pipeline.glossary.context`); ``line`` and ``file`` say where the entry came from, for
    messages and reviews.
    """

    id: str
    zh: tuple[str, ...]
    en: str
    abbr: str = ""
    accept: tuple[str, ...] = ()
    note: str = ""
    status: str = "approved"
    context: str = ""
    line: int = 0
    file: str | None = None

    @property
    def renderings(self) -> tuple[str, ...]:
        """English strings that count as correct: ``en``, then ``accept``, then ``abbr``."""
        return tuple(dict.fromkeys(x for x in (self.en, *self.accept, self.abbr) if x))

    def row(self) -> list[str]:
        """The term's cells in :data:`COLUMNS` order."""
        zh, accept = SEP.join(self.zh), SEP.join(self.accept)
        return [self.id, zh, self.en, self.abbr, accept, self.note, self.status, self.context]


@dataclass(frozen=True)
class Issue:
    """One problem in a glossary file; ``line`` is 1-based (the header is line 1)."""

    line: int
    code: str
    message: str
    severity: Literal["error", "warning"] = "error"
    file: str | None = None

    def __str__(self) -> str:
        where = f"{self.file or '<glossary>'}:{self.line}"
        return f"{where}: {self.severity}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class Match:
    """One glossary term found in normalized text.

    ``[start, end)`` is the term itself; ``form`` is the glossary form (or abbreviation, ``via``
    says which) that matched. When the source already glosses the term, as in 洲际弹道导弹（ICBM）
    or “…协议”（Ballistic …）, ``[gloss_start, gloss_end)`` is the parenthesized part (parens
    included; a closing quote in between stays outside), ``gloss`` its inner text and
    ``gloss_kind`` how it relates to the term: ``abbr``, ``en`` (en or an accepted rendering),
    ``partial`` (contains or is contained in one), ``form`` (a source form of the same term, as in
    MOU（谅解备忘录）) or ``other``. Enforcement can consume the gloss instead of duplicating it.
    ``qualifier`` is the place name right before the term (台湾 in 台湾国防部, 美 in 美国防部),
    which says whose institution it is; ``note`` says why the match stands for ``term`` when that is
    not plain (the document named it in full earlier: coreference).
    """

    start: int
    end: int
    term: Term
    form: str
    via: Literal["zh", "abbr"]
    gloss_start: int | None = None
    gloss_end: int | None = None
    gloss: str | None = None
    gloss_kind: str | None = None
    qualifier: str = ""
    note: str = ""

    @property
    def consumed_end(self) -> int:
        """End of the term and its gloss: where the next match may begin."""
        return self.gloss_end if self.gloss_end is not None else self.end


@dataclass(frozen=True)
class Skip:
    """A glossary form found in the text that does not stand for its term here, and why
    (it cuts a word, its context rule fails, it is a blocker entry…): shown by
    ``zhen glossary explain`` so a user sees why a term was not enforced."""

    start: int
    end: int
    term: Term
    form: str
    reason: str


def source_keys(form: str, settings: NormalizeSettings | None) -> set[str]:
    """The strings ``form`` can look like in normalized text, ASCII-folded for matching.

    With ``script="auto"`` a document may have gone through any conversion, so the form is put
    through each; pure-ASCII forms are left alone (no conversion touches them).
    """
    keys = {form}
    if settings is not None and not form.isascii():
        scripts = _SCRIPTS_FOR_AUTO if settings.script == "auto" else (settings.script,)
        keys.update(_normalized(form, replace(settings, script=script)) for script in scripts)
    return {fold(k) for k in keys if k}


@lru_cache(maxsize=1 << 16)
def _normalized(form: str, settings: NormalizeSettings) -> str:
    """Cached, because loading validates normalized forms and then the matcher needs them too."""
    return normalize_text(form, settings).text.strip()


def make_term(
    term_id: str,
    zh: str,
    en: str,
    abbr: str = "",
    accept: str = "",
    note: str = "",
    status: str = "approved",
    context: str = "",
) -> Term:
    """A term from the cells a user types (``|``-separated lists, stray spaces tolerated)."""

    def parts(value: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_clean(p) for p in value.split(SEP) if p.strip()))

    return Term(
        _clean(term_id),
        parts(zh),
        _clean(en),
        _clean(abbr),
        parts(accept),
        _clean(note),
        status,
        _clean(context),
    )


def _clean(value: str) -> str:
    return " ".join(value.split())

"""The glossary matcher: every term at once, longest-leftmost, glosses attached.

Python's ``re`` alternation is leftmost-*first* and tries alternatives one by one, so its cost
grows with the number of terms. Instead every key (each source form and abbreviation, after
normalization and ASCII case folding) and all of its prefixes go into one dict. Scanning jumps
to the next character that can start a key (one C-level regex search over a character class),
then extends the candidate while it is still a known prefix, remembering the longest complete key
whose word boundaries fit. The work per position is the length of the longest partial match
(usually one to three lookups), whatever the size of the glossary.

Use it through :meth:`pipeline.glossary.tsv.Glossary.matcher` (built once, cached) or
:func:`pipeline.glossary.collection.match_terms`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from pipeline.chars import has_han
from pipeline.glossary.terms import Match, Term, fold, source_keys
from pipeline.settings import NormalizeSettings

_OPEN_PARENS = "(（"
_CLOSE_PARENS = ")）"
# “ is included because real pages close quotes with it (“美苏弹道导弹发射通知协议“).
_CLOSE_QUOTES = "”\"’'」』》〉“"
_GLOSS_MAX = 160
_PREFIX = object()
PREFIX_CAP = 64
"""Keys are indexed by their prefixes up to this length; a longer key (never a real term, but
nothing stops one reaching the matcher) is compared whole past it, so the index grows with the
glossary, not with the square of its longest key (a 100,000-character term took 10 GB)."""


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True, slots=True)
class _Entry:
    """What a key stands for, and whether its Latin edges need word boundaries (``free``: no
    boundary to check, the common CJK case)."""

    term: Term
    form: str
    via: Literal["zh", "abbr"]
    left: bool
    right: bool
    plural: bool
    free: bool

    def fit(self, low: str, i: int, j: int) -> int:
        """End of a match of ``low[i:j]`` after boundary checks (0 when it does not fit)."""
        if self.left and i > 0 and _is_word(low[i - 1]):
            return 0
        if not self.right or j == len(low) or not _is_word(low[j]):
            return j
        if self.plural and low[j] == "s" and (j + 1 == len(low) or not _is_word(low[j + 1])):
            return j + 1
        return 0


class Matcher:
    """All terms of a glossary compiled for scanning; build once and reuse.

    Keys are source forms and abbreviations after normalization and ASCII folding; should two
    terms end up with the same key (only possible when validation was skipped), the later wins.
    """

    def __init__(self, terms: Iterable[Term], settings: NormalizeSettings | None) -> None:
        self.entries: dict[str, _Entry] = {}
        for term in terms:
            forms: list[tuple[str, Literal["zh", "abbr"]]] = [(f, "zh") for f in term.zh]
            if term.abbr:
                forms.append((term.abbr, "abbr"))
            for form, via in forms:
                plural = not has_han(form) and form[-1].isascii() and form[-1].isupper()
                for key in source_keys(form, settings):
                    left, right = _is_word(key[0]), _is_word(key[-1])
                    free = not (left or right)
                    self.entries[key] = _Entry(term, form, via, left, right, plural, free)
        self.prefixes: dict[str, object] = {}
        self.long: dict[str, list[tuple[str, _Entry]]] = {}
        for key, entry in self.entries.items():
            for k in range(1, min(len(key), PREFIX_CAP + 1)):
                self.prefixes.setdefault(key[:k], _PREFIX)
            if len(key) <= PREFIX_CAP:
                self.prefixes[key] = entry
            else:
                self.long.setdefault(key[:PREFIX_CAP], []).append((key, entry))
        firsts = "".join(re.escape(c) for c in sorted({k[0] for k in self.entries}))
        self.first = re.compile(f"[{firsts}]" if firsts else r"(?!)")

    def scan(self, text: str) -> list[Match]:
        """All non-overlapping matches in ``text``, the longest one at each leftmost position."""
        low = fold(text)
        n = len(low)
        get = self.prefixes.get
        search = self.first.search
        out: list[Match] = []
        pos = 0
        while (found := search(low, pos)) is not None:
            i = found.start()
            best: _Entry | None = None
            best_end = j = i + 1
            entry = get(low[i:j])
            while entry is not None:
                if entry is not _PREFIX:
                    end = j if entry.free else entry.fit(low, i, j)  # type: ignore[attr-defined]
                    if end:
                        best, best_end = entry, end  # type: ignore[assignment]
                if j == n:
                    break
                j += 1
                entry = get(low[i:j])
            if self.long and j - i >= PREFIX_CAP:
                best, best_end = self._long_key(low, i, best, best_end)
            if best is None:
                pos = i + 1
                continue
            match = self._with_gloss(text, Match(i, best_end, best.term, best.form, best.via))
            out.append(match)
            pos = match.consumed_end
        return out

    def _long_key(
        self, low: str, i: int, best: _Entry | None, best_end: int
    ) -> tuple[_Entry | None, int]:
        """The longest key over :data:`PREFIX_CAP` characters starting at ``i``, if one beats
        ``best``."""
        for key, entry in self.long.get(low[i : i + PREFIX_CAP], ()):
            if low.startswith(key, i):
                end = i + len(key) if entry.free else entry.fit(low, i, i + len(key))
                if end > best_end or (end and best is None):
                    best, best_end = entry, end
        return best, best_end

    def _with_gloss(self, text: str, match: Match) -> Match:
        """Attach the parenthesized gloss right after ``match`` (past a closing quote), if any."""
        k = match.end
        if k < len(text) and text[k] in _CLOSE_QUOTES:
            k += 1
        if k < len(text) and text[k] in " \u3000":
            k += 1
        if k >= len(text) or text[k] not in _OPEN_PARENS:
            return match
        close = k + 1
        limit = min(len(text), k + 1 + _GLOSS_MAX)
        while close < limit and text[close] not in _CLOSE_PARENS:
            if text[close] in _OPEN_PARENS or text[close] == "\n":
                return match
            close += 1
        if close >= limit:
            return match
        inner = text[k + 1 : close].strip()
        kind = self.gloss_kind(inner, match.term)
        if kind is None:
            return match
        return replace(match, gloss_start=k, gloss_end=close + 1, gloss=inner, gloss_kind=kind)

    def gloss_kind(self, inner: str, term: Term) -> str | None:
        """How a parenthesized text relates to ``term``; ``None`` when it is not a gloss."""
        if not inner:
            return None
        key = fold(inner)
        if has_han(inner):
            entry = self.entries.get(key)
            return "form" if entry is not None and entry.term.id == term.id else None
        if not any(c.isalpha() for c in inner):
            return None
        if term.abbr and key in (fold(term.abbr), fold(term.abbr) + "s"):
            return "abbr"
        renderings = [fold(r) for r in (term.en, *term.accept)]
        if key in renderings:
            return "en"
        padded = f" {key} "
        if any(f" {r} " in padded or padded in f" {r} " for r in renderings):
            return "partial"
        return "other"

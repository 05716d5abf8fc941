"""The glossary matcher: every term at once, longest-leftmost, glosses attached.

Python's ``re`` alternation is leftmost-*first* and tries alternatives one by one, so its cost
grows with the number of terms. Instead every key (each source form and abbreviation, after
normalization and ASCII case folding) and all of its prefixes go into one dict. Scanning jumps
to the next character that can start a key (one C-level regex search over a character class),
then extends the candidate while it is still a known prefix, remembering the longest complete key
whose word boundaries fit. The work per position is the length of the longest partial match
(usually one to three lookups), whatever the size of the glossary.

Chinese has no spaces, so a form can occur where it is not a word: 外交部 inside 外交部长 (foreign
minister), 北约 (NATO) in 以北约15英里 ("about 15 miles north"). Each Chinese edge of a match is
checked against jieba's words (:mod:`pipeline.words`); see :class:`_Words` for the rules. A match
that fails is recorded as a :class:`~pipeline.glossary.terms.Skip` with its reason, and shorter
forms starting at the same place are tried instead.

Use it through :meth:`pipeline.glossary.tsv.Glossary.matcher` (built once, cached) or
:func:`pipeline.glossary.collection.match_terms`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from pipeline.chars import has_han
from pipeline.glossary.terms import Match, Skip, Term, fold, source_keys
from pipeline.normalize import convert
from pipeline.settings import NormalizeSettings
from pipeline.words import is_name, is_place, is_word, word_spans

_OPEN_PARENS = "(（"
_CLOSE_PARENS = ")）"
# “ is included because real pages close quotes with it (“美苏弹道导弹发射通知协议“).
_CLOSE_QUOTES = "”\"’'」』》〉“"
_GLOSS_MAX = 160
_PREFIX = object()
_NUMBER_LEADS = frozenset("约近逾超达共仅足")
"""Characters that also read as "about", "nearly", "over"… before a number: 以北|约15英里."""
_FUNCTION_CHARS = frozenset(
    "的了在是和与及或对把被从向给为以由于将而并也都又就还只再已曾要会能可这那其该此各每一不没很"
    "最更让使令等说称但若如因即且之所着过地得吗呢吧啊上下中内外前后里间有自应据经同跟随请受当先"
)
"""Characters that stand alone as grammar, not as the stray half of a word."""
_LEADING_CHARS = frozenset("自应对和与及同跟向从被把给据经由以为在将令让使请受当按")
"""Prepositions and conjunctions jieba sometimes glues to the name after them (自蔡|英文 for
自 + 蔡英文, 应李 for 应 + 李克强): a word that is one of them plus the match's start is not a
word the match cuts."""
_NUMERALS = frozenset("0123456789０１２３４５６７８９一二三四五六七八九十百千万两数几半")
PREFIX_CAP = 64
"""Keys are indexed by their prefixes up to this length; a longer key (never a real term, but
nothing stops one reaching the matcher) is compared whole past it, so the index grows with the
glossary, not with the square of its longest key (a 100,000-character term took 10 GB)."""


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _all_caps(form: str) -> bool:
    """An all-capitals Latin form (ICBM, MAC): it matches only written in capitals, so the Mac
    in mac版本 is not the Mainland Affairs Council."""
    letters = [c for c in form if c.isalpha()]
    return len(letters) >= 2 and all(c.isascii() and c.isupper() for c in letters)


def _has_lower(text: str) -> bool:
    return any(c.islower() for c in text)


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
    han_left: bool
    han_right: bool
    caps: bool

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
    ``word_checks=False`` matches Chinese forms without asking the word segmenter: for names a
    document glosses itself, which it thereby declares to be words (韩儒伯说 is one jieba word).
    """

    def __init__(
        self, terms: Iterable[Term], settings: NormalizeSettings | None, word_checks: bool = True
    ) -> None:
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
                    han = (
                        word_checks and has_han(key[0]),
                        word_checks and has_han(key[-1]),
                        _all_caps(form),
                    )
                    old = self.entries.get(key)
                    if old is not None and old.term is term and fold(old.form) == key:
                        continue  # keep the form as written (国防部, not 國防部, for 国防部)
                    self.entries[key] = _Entry(term, form, via, left, right, plural, free, *han)
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
        self._bare: dict[str, str] | None = None

    def head_key(self, key: str) -> str | None:
        """The longest other key that ``key`` starts with (国务院 for 国务院台湾事务办公室): the
        institution a qualified longer name belongs to."""
        return next((key[:k] for k in range(len(key) - 1, 1, -1) if key[:k] in self.entries), None)

    def bare_key(self, key: str) -> str | None:
        """For a key that is a place name plus another key (美国国务院 = 美国 + 国务院), that
        other key: the bare form a later mention refers back with (see
        :mod:`pipeline.glossary.context`). Worked out on first use: it needs jieba."""
        if self._bare is None:
            self._bare = {}
            for whole in self.entries:
                for k in range(1, len(whole)):
                    rest = whole[k:]
                    if rest in self.entries and has_han(whole[:k]) and is_place(whole[:k]):
                        self._bare[whole] = rest
                        break
        return self._bare.get(key)

    def scan(self, text: str) -> list[Match]:
        """All non-overlapping matches in ``text``, the longest one at each leftmost position."""
        return self.explain(text)[0]

    def explain(self, text: str) -> tuple[list[Match], list[Skip]]:
        """:meth:`scan`'s matches, and the forms it passed over because they cut a word."""
        low = fold(text)
        n = len(low)
        get = self.prefixes.get
        search = self.first.search
        out: list[Match] = []
        skipped: list[Skip] = []
        words: _Words | None = None
        pos = 0
        while (found := search(low, pos)) is not None:
            i = found.start()
            fits: list[tuple[_Entry, int]] = []
            j = i + 1
            entry = get(low[i:j])
            while entry is not None:
                if entry is not _PREFIX:
                    end = j if entry.free else entry.fit(low, i, j)  # type: ignore[attr-defined]
                    if end and not (entry.caps and _has_lower(text[i:j])):  # type: ignore[attr-defined]
                        fits.append((entry, end))  # type: ignore[arg-type]
                if j == n:
                    break
                j += 1
                entry = get(low[i:j])
            if self.long and j - i >= PREFIX_CAP:
                fits += self._long_fits(low, i)
            chosen: Match | None = None
            for entry, end in reversed(fits):
                qualifier = ""
                if (entry.left or entry.right) and _in_english(text, i, end):
                    reason = "part of the source's own English text"
                    skipped.append(Skip(i, end, entry.term, entry.form, reason))
                    continue
                if entry.han_left or entry.han_right:
                    words = words if words is not None else _Words(text)
                    reason, qualifier = words.check(i, end, entry.han_left, entry.han_right)
                    if reason:
                        skipped.append(Skip(i, end, entry.term, entry.form, reason))
                        continue
                chosen = Match(i, end, entry.term, entry.form, entry.via, qualifier=qualifier)
                break
            if chosen is None:
                pos = i + 1
                continue
            match = self._with_gloss(text, chosen)
            out.append(match)
            pos = match.consumed_end
        return out, skipped

    def _long_fits(self, low: str, i: int) -> list[tuple[_Entry, int]]:
        """Keys over :data:`PREFIX_CAP` characters that match at ``i``, shortest first, with
        where each match ends."""
        out: list[tuple[_Entry, int]] = []
        candidates = sorted(self.long.get(low[i : i + PREFIX_CAP], ()), key=lambda k: len(k[0]))
        for key, entry in candidates:
            if low.startswith(key, i):
                end = i + len(key) if entry.free else entry.fit(low, i, i + len(key))
                if end:
                    out.append((entry, end))
        return out

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


_ENGLISH_BEFORE = re.compile(r"(?<![A-Za-z])[a-z]{2,}[,;:]? +\Z")
_ENGLISH_AFTER = re.compile(r"(?:['’]s)? +[a-z]{2,}")


def _in_english(text: str, start: int, end: int) -> bool:
    """Whether a Latin match sits in English prose (the author's own English: "despite the
    PLA's progress"): a lower-case English word right before or after it. A capitalized
    neighbour is a name (PLNS MOU) and does not count."""
    head = text[max(0, start - 40) : start]
    return bool(_ENGLISH_BEFORE.search(head) or _ENGLISH_AFTER.match(text, end))


class _Words:
    """jieba's words of one text, and the rules a Chinese-edged match must pass.

    * It may not end inside a word (外交部|长, 国防部|门, 解放军|报: the word is another noun),
      unless that word starts with the match and its rest is a word of two or more characters
      of its own, which only adds to the term (北约|组织, 中国人民解放军|海军; not 巨浪二|十米).
    * It may not start inside a word, unless the start of the word is a place name, which
      qualifies the term (中国|国防部 as jieba's one word 中国国防部, 美|国防部), or a preposition
      jieba glued to a name (自|蔡英文 read as 自蔡|英文).
    * It may not end in a character that also reads "about", "nearly"… before a number when
      the text before it joins the rest of the match into a word: 以北|约15 is "about 15 …
      north", although jieba itself reads 以|北约|15.
    * Its edge character may not form a proper name with a neighbour that jieba left standing
      alone and that is not a function character: 北约克 is York (约克), although jieba reads
      北约|克.

    A place name right before the match (or starting its word) is its ``qualifier``.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        simple, offsets = convert(text, "t2s")
        self.plain = simple if offsets is None else text  # jieba's dictionary is Simplified
        self.spans = word_spans(self.plain)
        self.starts = [start for start, _ in self.spans]

    def _word(self, pos: int) -> tuple[int, int]:
        """The word that contains offset ``pos``."""
        return self.spans[max(0, bisect_right(self.starts, pos) - 1)]

    def check(self, i: int, j: int, han_left: bool, han_right: bool) -> tuple[str, str]:
        """``(reason, qualifier)`` for a match of ``text[i:j]``: an empty reason means it fits.
        Words are looked up in the Simplified form of the text (the same length), shown as
        written."""
        text, shown = self.plain, self.text
        qualifier = ""
        if han_right and j < len(text):
            start, end = self._word(j - 1)
            rest = text[j:end]
            if end > j and not (start <= i and len(rest) >= 2 and is_word(rest)):
                return f"ends inside the word {shown[start:end]}", ""
            lead = text[j - 1]
            if lead in _NUMBER_LEADS and text[j:].lstrip(" ")[:1] in _NUMERALS:
                for k in (1, 2):
                    if i - k >= 0 and is_word(text[i - k : j - 1]):
                        number = re.match(r" *[^\s，。、,]{1,4}", text[j:])
                        reading = f"{shown[i - k : j - 1]}|{lead}{number.group() if number else ''}"
                        return f"{lead} reads with the number after it ({reading})", ""
            if self._stray(j) and is_name(text[j - 1 : j + 1]):
                return f"{lead} reads with the {text[j]} after it ({shown[j - 1 : j + 1]})", ""
        if han_left:
            start, end = self._word(i)
            if start < i:
                head = text[start:i]
                if head not in _LEADING_CHARS and not is_place(head):
                    return f"starts inside the word {shown[start:end]}", ""
                qualifier = shown[start:i] if head not in _LEADING_CHARS else ""
            elif i > 0:
                stray = self._stray(i - 1) and not is_place(text[i - 1])
                if stray and is_name(text[i - 1 : i + 1]):
                    return f"{text[i]} reads with the {text[i - 1]} before it", ""
                before = self._word(i - 1)
                word = text[before[0] : before[1]]
                qualifier = shown[before[0] : before[1]] if has_han(word) and is_place(word) else ""
        return "", qualifier

    def _stray(self, pos: int) -> bool:
        """Whether jieba left the character at ``pos`` as a word of its own that is not a
        function word: a sign it cut a name apart (北约|克 for 北约克, York)."""
        start, end = self._word(pos)
        char = self.plain[pos]
        return end - start == 1 and has_han(char) and char not in _FUNCTION_CHARS

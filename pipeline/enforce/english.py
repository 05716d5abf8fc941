"""Text side of glossary enforcement: placeholder tokens, finding renderings, and the forms a
rendering takes.

The model copies short Latin tokens faithfully but garbles long English phrases, so enforcement
hides each term behind a token such as ``XT1X``, lets the model translate the sentence around it,
and puts the glossary rendering back afterwards, pluralized where the model wrote ``XT1Xs``. The
same forms rewrite the model's own renderings when the run's term style asks for another one
(first mention spelled out with the abbreviation in parentheses, later mentions abbreviated).
The grammar around a rewritten mention is :mod:`pipeline.enforce.grammar`'s.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pipeline.glossary import Term

Shape = Literal["XT", "ZX"]
"""Placeholder token shapes: ``XT1X`` (best measured copy rate) and ``ZX1`` (the retry shape)."""
Form = Literal["full", "abbr", "full+abbr"]
FoundKind = Literal["placeholder", "en", "accept", "abbr", "en+abbr"]

_WORD = r"A-Za-z0-9"


def words(text: str) -> frozenset[str]:
    """A word list written as one string."""
    return frozenset(text.split())


PREPOSITIONS = words("of on against for between to in with from")
_UNCOUNTABLE = words(
    "control disarmament nonproliferation non-proliferation deterrence stability destruction "
    "use verification testing defense defence security"
)
_COUNTABLE_TITLES = words(
    "Agreement Treaty Code Convention Regime Review Vehicle Agency Council Commission Ministry "
    "Department Organization Initiative Force Mechanism Program Conference Memorandum Missile "
    "Submarine Army Endowment"
)
_THE_HEADS = words(
    "Treaty Convention Agreement Code Regime Organization Agency Ministry Department Council "
    "Commission Conference Force Forces Army Navy Initiative Review Talks Endowment Nations "
    "Strait Sea Ocean Pacific Mechanism Program Office Committee Institute Party Yuan Command "
    "Foundation Association Administration Act Law Assurances Consensus Congress Politburo "
    "Daily Times Police Guard Bureau"
)
_IRREGULAR = {"memorandum": "memoranda", "Memorandum": "Memoranda"}


def placeholder(shape: Shape, n: int) -> str:
    """The token standing for the ``n``-th (1-based) placeholder unit of a segment."""
    return f"XT{n}X" if shape == "XT" else f"ZX{n}"


@dataclass(frozen=True)
class Found:
    """Where one term mention sits in a decoded sentence.

    ``[start, end)`` is the text to rewrite (a placeholder, or the model's own rendering);
    ``plural`` says the model made it plural (``XT1Xs``, ``missiles``).
    """

    slot: int
    start: int
    end: int
    plural: bool
    kind: FoundKind


_CORE = {
    "XT": re.compile(r"T(\d+)X(?:(e?s)(?![a-z]))?"),
    "ZX": re.compile(r"ZX(\d+)(?!\d)(?:(e?s)(?![a-z]))?"),
}


def find_placeholders(text: str, shape: Shape, slots: int) -> list[Found]:
    """Every occurrence of the segment's placeholders in decoded ``text``, in text order.

    Tolerant of what the decoder does to ``XT1X``: glued to neighbours (``XT1XPompeo``,
    ``2019XT4X``), a letter prepended or swapped (``EXT1X``, ``MT1X``), a plural ``s``. Numbers
    outside ``1..slots`` are not ours and are left alone.
    """
    out: list[Found] = []
    for m in _CORE[shape].finditer(text):
        n = int(m.group(1))
        if not 1 <= n <= slots:
            continue
        start = m.start()
        if shape == "XT":
            if start and text[start - 1] == "X":
                start -= 1
            left_alone = start < 2 or not text[start - 2].isalpha()
            if start and text[start - 1] in "EMX" and left_alone:
                start -= 1
        out.append(Found(n - 1, start, m.end(), bool(m.group(2)), "placeholder"))
    return out


def head_index(words: Sequence[str]) -> int:
    """Index of the head noun: the word before the first preposition, else the last word."""
    for i, word in enumerate(words[1:], start=1):
        if word in PREPOSITIONS:
            return i - 1
    return len(words) - 1


def pluralize(phrase: str) -> str:
    """Plural of an English term: the head noun takes the plural, proper names stay as they are.

    The head is the word before the first preposition (``Codes of Conduct against …``) or else
    the last word. Acronyms and designators take ``s`` (``ICBMs``, ``DF-41s``); a capitalized head
    is pluralized only when it is a common institutional noun (``Agreements``), so ``Hao Ren`` or
    ``the Pentagon`` never become plurals; mass nouns (``arms control``) are left alone.
    """
    words = phrase.split(" ")
    head = head_index(words)
    words[head] = _plural_word(words[head])
    return " ".join(words)


def _plural_word(word: str) -> str:
    core = word.rstrip(".,")
    if not core or "." in core or core.lower() in _UNCOUNTABLE:
        return word
    if any(c.isdigit() for c in core) or (core.isupper() and len(core) > 1):
        return core + "s"
    if core in _IRREGULAR:
        return _IRREGULAR[core]
    if core[0].isupper() and core not in _COUNTABLE_TITLES:
        return word
    if core.endswith("s") and not core.endswith(("ss", "us", "is")):
        return word
    if core.endswith("y") and len(core) > 1 and core[-2].lower() not in "aeiou":
        return core[:-1] + "ies"
    if core.endswith(("s", "x", "z", "ch", "sh")):
        return core + "es"
    return core + "s"


def takes_article(term: Term, form: Form) -> bool:
    """Whether the rendering reads as a name that needs ``the`` before it: titled institutions,
    treaties and seas (``the Chemical Weapons Convention``, ``the Taiwan Strait``), and their
    letter-by-letter abbreviations (``the IAEA``, ``the INF Treaty``) — but not acronyms read
    as words (``NATO``) or renderings that bring their own article (``the Pentagon``)."""
    words = term.en.split(" ")
    if words[0].lower() == "the" or words[head_index(words)].rstrip(".,") not in _THE_HEADS:
        return False
    if form != "abbr" or not term.abbr:
        return True
    if " " in term.abbr:
        return term.abbr.split(" ")[-1] in _THE_HEADS
    letters = re.sub(r"[^A-Za-z]", "", term.abbr)
    return letters.isupper() and not pronounced_as_word(letters)


def styled(term: Term, form: Form, plural: bool) -> tuple[str, str | None]:
    """The rendering for one mention: main text and the parenthesized abbreviation, if any.

    ``full+abbr`` without an abbreviation, or with one the full form already contains (``New
    START Treaty`` / ``New START``), is just the full form. A lower-case plural rendering gets a
    plural abbreviation (``confidence-building measures (CBMs)``).
    """
    full = pluralize(term.en) if plural else term.en
    abbr = (pluralize(term.abbr) if plural else term.abbr) if term.abbr else ""
    if abbr and not plural and term.en[0].islower() and full.endswith("s") and abbr.isupper():
        abbr += "s"
    if form == "abbr" and abbr:
        return abbr, None
    if form == "full+abbr" and abbr and term.abbr.lower() not in term.en.lower():
        return full, abbr
    return full, None


def pronounced_as_word(letters: str) -> bool:
    """NATO, START, MIRV, THAAD are read as words; ICBM, SLBM, IAEA as letters."""
    if letters[0] in "AEIOU" or len(letters) < 4:
        return False  # three letters are spelled out: the PLA, the MND, the CCP
    return any(c in "AEIOU" for c in letters[1:]) and not re.search("[^AEIOU]{3}", letters[:3])


@lru_cache(maxsize=4096)
def rendering_pattern(term: Term) -> re.Pattern[str]:
    """Regex for every correct rendering of ``term``: ``en (abbr)``, ``en``, accepted ones, the
    abbreviation — each in singular or plural — case-insensitive, on word boundaries.

    Groups ``both``, ``en``, ``accept``, ``abbr`` say which kind matched.
    """

    def forms(values: Iterable[str]) -> str:
        alts: set[str] = set()
        for value in values:
            alts.update({value, value + "s", value + "es", pluralize(value)})
        return "|".join(re.escape(a) for a in sorted(alts, key=len, reverse=True))

    parts = []
    if term.abbr:
        parts.append(rf"(?P<both>(?:{forms([term.en])})\s*\((?:{forms([term.abbr])})\))")
    parts.append(rf"(?P<en>{forms([term.en])})")
    accepted = [a for a in term.accept if a.lower() != term.en.lower()]
    if accepted:
        parts.append(rf"(?P<accept>{forms(accepted)})")
    if term.abbr:
        parts.append(rf"(?P<abbr>{forms([term.abbr])})")
    return re.compile(rf"(?<![{_WORD}])(?:{'|'.join(parts)})(?![{_WORD}])", re.I)


def _is_plural(found: str, term: Term) -> bool:
    low = found.lower()
    bases = [x.lower() for x in (term.en, *term.accept, term.abbr) if x]
    if any(low == b for b in bases):
        return False
    return low.endswith("s") or any(low.startswith(pluralize(b).lower()) for b in bases)


def find_renderings(
    text: str, terms: Sequence[Term]
) -> list[tuple[Term, int, int, FoundKind, bool]]:
    """Non-overlapping renderings of ``terms`` in ``text``, longest first, in text order.

    Longest-first keeps ``missile`` from counting inside ``ballistic missile`` when both terms
    are in play. Each hit is ``(term, start, end, kind, plural)``.
    """
    hits: list[tuple[Term, int, int, FoundKind, bool]] = []
    group_kinds: tuple[tuple[str, FoundKind], ...] = (
        ("both", "en+abbr"), ("en", "en"), ("accept", "accept"), ("abbr", "abbr"),
    )  # fmt: skip
    for term in dict.fromkeys(terms):
        for m in rendering_pattern(term).finditer(text):
            groups = m.groupdict()
            kind = next(kind for group, kind in group_kinds if groups.get(group))
            if term.abbr and m.group(0).lower() in (term.abbr.lower(), term.abbr.lower() + "s"):
                kind = "abbr"  # HCOC is listed in accept as HCoC too; it is still the abbreviation
            hits.append((term, m.start(), m.end(), kind, _is_plural(m.group(0), term)))
    hits.sort(key=lambda h: (h[1] - h[2], h[1]))
    taken: list[tuple[int, int]] = []
    kept = []
    for hit in hits:
        if all(hit[2] <= s or hit[1] >= e for s, e in taken):
            taken.append((hit[1], hit[2]))
            kept.append(hit)
    return sorted(kept, key=lambda h: h[1])


def term_success(text: str, terms: Sequence[Term]) -> tuple[int, int]:
    """``(found, required)`` for one output: each mention of a term in the source (one entry in
    ``terms`` per mention) needs one correct rendering in ``text`` (the WMT 2023 terminology
    success measure: case-insensitive, plural allowed, accepted renderings and the abbreviation
    count)."""
    need = Counter(t.id for t in terms)
    have = Counter(h[0].id for h in find_renderings(text, terms))
    return sum(min(n, have[tid]) for tid, n in need.items()), sum(need.values())

"""Drafts of a segment's English and how their term mentions are written out.

A *slot* is one term mention in the source; a *draft* is one decoded English for the segment
plus where each slot ended up in it (a placeholder the model copied, or the model's own
rendering). :func:`render` turns the chosen draft into the final English in the run's term
style; the grammar around each rewritten mention is :mod:`pipeline.enforce.english`'s.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.enforce.english import (
    Form,
    Found,
    FoundKind,
    Shape,
    find_placeholders,
    find_renderings,
    placeholder,
    pluralize,
    styled,
    takes_article,
)
from pipeline.enforce.grammar import (
    Edit,
    apply_edits,
    bare_plural,
    is_headline,
    is_name,
    plural_context,
    title_case,
)
from pipeline.glossary import Glossary, Match, Term, fold
from pipeline.settings import EnforceStrategy, TermStyle

_LEADERS = frozenset(
    ["the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"]
)
"""Words that lead into a noun phrase: never part of the model's own wording of a term."""
_CONSUMED_GLOSSES = ("abbr", "en", "form")
_STRAY = {"XT": re.compile(r"\s*\b[A-Z]?XT\d+X\b"), "ZX": re.compile(r"\s*\bZX\d+\b")}
"""Placeholder-like tokens the decoder invented (numbers beyond the segment's own)."""
_CURRENCY_GAP = re.compile(r"(?<=[A-Z]\$) (?=\d)")
"""A currency rendering such as NT$ is written against its amount: NT$240 billion."""


@dataclass(frozen=True)
class Slot:
    """One term mention in a segment's normalized text: ``[start, end)`` is the term, ``gloss``
    the span of a parenthesized gloss that the rendering replaces too (``None`` if none)."""

    term: Term
    start: int
    end: int
    gloss: tuple[int, int] | None = None


Unit = tuple[int, ...]
"""Indices of slots that one placeholder stands for (adjacent terms such as 东风-31导弹)."""


@dataclass
class Draft:
    """A candidate English for a segment and where each term mention sits in it.

    ``Found.slot`` indexes ``units``: one slot each for the model's own renderings, one
    placeholder's worth of adjacent slots for placeholder outputs.
    """

    text: str
    found: list[Found]
    strategy: EnforceStrategy
    units: Sequence[Unit]
    shape: Shape | None = None

    @property
    def covered(self) -> set[int]:
        """Slots that have at least one rendering or placeholder in the text."""
        return {i for f in self.found for i in self.units[f.slot]}


def plan_slots(text: str, glossary: Glossary) -> list[Slot]:
    """The term mentions to enforce in normalized ``text``, taken as a document of its own."""
    return plan_document([text], glossary)[0]


def plan_document(texts: Sequence[str], glossary: Glossary) -> list[list[Slot]]:
    """The term mentions to enforce in each normalized text of one document, in reading order.

    The whole glossary is matched (proposed terms and blocker entries take part in longest
    match) with word checks, context rules and coreference (:meth:`Glossary.scan`); only
    approved terms become slots. A gloss the source already gives for the term (its
    abbreviation, its English, a source form, or part of its English) is folded into the
    mention, so 洲际弹道导弹（ICBM） yields one rendering, not "intercontinental ballistic missile
    (ICBM) (ICBM)". Other parentheses stay.
    """
    return [
        [_slot(m) for m in scan.matches if m.term.status == "approved"]
        for scan in glossary.scan(texts)
    ]


def _slot(m: Match) -> Slot:
    """The slot for a match; a ``partial`` gloss is consumed only when it is part of a correct
    rendering ("Hague Code of Conduct"), not when it adds to it ("… Agreement of 1988")."""
    if m.gloss_start is None or m.gloss_end is None:
        return Slot(m.term, m.start, m.end)
    kind = m.gloss_kind
    if kind == "partial":
        inner = f" {fold(m.gloss or '')} "
        kind = "en" if any(inner in f" {fold(r)} " for r in m.term.renderings) else None
    if kind not in _CONSUMED_GLOSSES:
        return Slot(m.term, m.start, m.end)
    return Slot(m.term, m.start, m.end, (m.gloss_start, m.gloss_end))


def units(slots: Sequence[Slot]) -> list[Unit]:
    """Slots grouped so that terms written back to back share one placeholder: 东风-31导弹 as
    ``XT1X XT2X`` comes back glued (``XT1XXXT2X``) or with the plural on the wrong token, as
    ``XT1X`` it becomes "DF-31 missiles"."""
    out: list[list[int]] = []
    for i, slot in enumerate(slots):
        prev = slots[i - 1] if i else None
        if prev is not None and prev.gloss is None and prev.end == slot.start:
            out[-1].append(i)
        else:
            out.append([i])
    return [tuple(u) for u in out]


def masked_source(text: str, slots: Sequence[Slot], shape: Shape) -> str:
    """``text`` with each unit of slots replaced by its placeholder, spaced off Latin letters,
    digits and other placeholders (glued tokens like ``XT1XXT2X`` or ``XT1X蓬佩奥`` →
    ``XT1XPompeo`` are the main way the decoder loses them)."""
    grouped = units(slots)
    return _substitute(
        text, slots, grouped, [placeholder(shape, n + 1) for n in range(len(grouped))]
    )


def inline_source(text: str, slots: Sequence[Slot]) -> str:
    """``text`` with each term written as its English rendering, which the model keeps when it
    is short (国务卿蓬佩奥 → "Secretary of State蓬佩奥" → "Secretary of State Pompeo")."""
    return _substitute(text, slots, [(i,) for i in range(len(slots))], [s.term.en for s in slots])


def _substitute(
    text: str, slots: Sequence[Slot], grouped: Sequence[Unit], tokens: list[str]
) -> str:
    """``text`` with each unit's span (and consumed gloss) replaced by its token; the text
    between a term and its gloss (a closing quote) stays, so quotes remain balanced."""
    out: list[str] = []
    pos = 0
    for unit, token in zip(grouped, tokens, strict=True):
        first, slot = slots[unit[0]], slots[unit[-1]]
        before = text[pos : first.start]
        touching = before[-1:] if before else (out[-1][-1:] if out else "")
        left = " " if touching.isascii() and touching.isalnum() else ""
        out.append(before + left + token)
        pos = slot.end
        if slot.gloss is not None:
            between = text[slot.end : slot.gloss[0]]
            out.append("" if between.isspace() else between)
            pos = slot.gloss[1]
        after = text[pos : pos + 1]
        if after.isascii() and after.isalnum():
            out.append(" ")
    out.append(text[pos:])
    return "".join(out)


def plain_draft(english: str, slots: Sequence[Slot], strategy: EnforceStrategy = "plain") -> Draft:
    """Where the model's own output already renders each slot's term (first free hit per term,
    in order)."""
    hits: dict[str, list[tuple[int, int, FoundKind, bool]]] = {}
    for term, start, end, kind, plural in find_renderings(english, [s.term for s in slots]):
        hits.setdefault(term.id, []).append((start, end, kind, plural))
    wanted = Counter(s.term.id for s in slots)
    found = []
    for i, slot in enumerate(slots):
        if slot.gloss is not None and len(hits.get(slot.term.id, [])) > wanted[slot.term.id]:
            continue  # translated the term *and* copied its gloss: the placeholder fixes that
        if hits.get(slot.term.id):
            start, end, kind, plural = hits[slot.term.id].pop(0)
            found.append(Found(i, start, end, plural, kind))
    singles = [(i,) for i in range(len(slots))]
    return Draft(english, sorted(found, key=lambda f: f.start), strategy, singles)


def placeholder_draft(
    english: str, slots: Sequence[Slot], shape: Shape, strategy: EnforceStrategy
) -> Draft:
    """The units whose placeholders came back in ``english``."""
    grouped = units(slots)
    return Draft(english, find_placeholders(english, shape, len(grouped)), strategy, grouped, shape)


def render(
    source: str, slots: Sequence[Slot], draft: Draft, style: TermStyle, introduced: set[str]
) -> str:
    """The draft with every mention written in ``style``; ``introduced`` holds the ids of terms
    the document has already spelled out (updated here).

    A term whose English the source itself already spells out (Latin text in a Chinese
    article) counts as introduced from there on.
    """
    low_source = fold(source)
    edits: list[Edit] = []
    last_end: dict[int, int] = {}
    headline = is_headline(_without(draft.text, draft.found))
    for f in sorted(draft.found, key=lambda f: f.start):
        members = [slots[i] for i in draft.units[f.slot]]
        echo = _echo(draft.text, f, last_end.get(f.slot))
        last_end[f.slot] = f.end
        if echo is not None:
            edits.append(echo)
            continue
        for slot in members:
            if fold(slot.term.en) in low_source[: slot.start]:
                introduced.add(slot.term.id)
        forms = [_form(slot.term, style, introduced) for slot in members]
        before, after = draft.text[: f.start], draft.text[f.end :]
        plural = f.plural or (
            f.kind == "placeholder"
            and (plural_context(before, after) or bare_plural(before, after, members[-1].term))
        )
        if f.kind == "placeholder":
            unit = _unit_edit(f, [s.term for s in members], forms, plural)
            edits.append(replace(unit, text=title_case(unit.text)) if headline else unit)
        elif f.kind != "abbr" and fold(draft.text[f.start : f.end]) in low_source:
            continue  # the source's own English, copied: leave it as the author wrote it
        elif f.kind == "abbr" and _in_parens(draft.text, f):
            if (edit := _own_wording(draft.text, f, members[0].term, forms[0])) is not None:
                edits.append(edit)
        elif (
            f.kind in ("en", "en+abbr")
            and not headline
            and not _cased_as_glossary(draft.text[f.start : f.end], members[0].term)
        ):
            main, gloss = styled(members[0].term, forms[0], f.plural)
            edits.append(
                Edit(f.start, f.end, main, gloss, takes_article(members[0].term, forms[0]))
            )
        elif (edit := _rewrite(f, members[0].term, forms[0])) is not None:
            edits.append(edit)
    text = apply_edits(draft.text, [_with_aliases(e, draft, slots) for e in edits])
    if draft.shape is not None:
        text = _STRAY[draft.shape].sub("", text)
    return _CURRENCY_GAP.sub("", " ".join(text.split()))


def _with_aliases(edit: Edit, draft: Draft, slots: Sequence[Slot]) -> Edit:
    """``edit`` knowing the other renderings of the term it writes (see :class:`Edit`)."""
    hit = next((f for f in draft.found if f.start <= edit.start <= f.end), None)
    if hit is None or not edit.gloss:
        return edit
    term = slots[draft.units[hit.slot][-1]].term
    return replace(edit, aliases=(*term.accept, term.abbr))


def _without(text: str, found: Sequence[Found]) -> str:
    """``text`` without the term mentions in it (to judge the case of the words around)."""
    out, pos = [], 0
    for f in sorted(found, key=lambda f: f.start):
        out.append(text[pos : f.start])
        pos = max(pos, f.end)
    return " ".join([*out, text[pos:]])


def _cased_as_glossary(written: str, term: Term) -> bool:
    """Whether the model wrote the rendering in the glossary's own letter case (a capital
    at the start aside): "Intercontinental Ballistic Missile" is not "intercontinental …"."""
    wanted = {term.en, pluralize(term.en)}
    head = written.split(" (")[0]
    return head in wanted or head[:1].lower() + head[1:] in {w[:1].lower() + w[1:] for w in wanted}


def _own_wording(text: str, f: Found, term: Term, form: Form) -> Edit | None:
    """Replace the model's own wording that it glossed with the abbreviation, "Submarine
    Ballistic Missile (SLBM)", by the glossary's: a reviewer must see the required rendering,
    not just the acronym.

    The wording is taken back from the parenthesis over at most as many words as the rendering
    has, each either a word of the rendering (or an accepted one) or capitalized; ``None`` when
    no such word precedes or the words before already are a correct rendering.
    """
    open_at = text.rindex("(", 0, f.start)
    close_at = text.index(")", f.end) + 1
    before = text[:open_at].rstrip()
    if any(hit[2] == len(before) for hit in find_renderings(before, [term])):
        return None
    allowed = {fold(w).rstrip("s") for r in (term.en, *term.accept) for w in re.split(r"[\s-]", r)}
    start = None
    for m in list(re.finditer(r"[A-Za-z][\w'’-]*", before))[::-1][: len(term.en.split())]:
        if before[m.end() : start if start is not None else len(before)].strip():
            break
        word = m.group(0)
        parts = {fold(p).rstrip("s") for p in word.split("-")}
        if not (word[0].isupper() or parts <= allowed) or fold(word) in _LEADERS - allowed:
            break
        start = m.start()
    if start is None:
        return None
    plural = f.plural or (before.endswith("s") and not term.en.endswith("s"))
    main, gloss = styled(term, form, plural)
    return Edit(start, close_at, main, gloss, takes_article(term, form))


def _echo(text: str, f: Found, previous_end: int | None) -> Edit | None:
    """An edit deleting ``f`` when it only repeats the previous occurrence of the same
    placeholder in parentheses (``"XT1X" (XT1X)``: the model copied the gloss it was given)."""
    if previous_end is None or f.kind != "placeholder" or not _in_parens(text, f):
        return None
    open_at = text.rindex("(", 0, f.start)
    if text[previous_end:open_at].strip(" \"”’'") != "":
        return None
    start = len(text[:open_at].rstrip())
    return Edit(start, text.index(")", f.end) + 1, "")


def _in_parens(text: str, f: Found) -> bool:
    """Whether ``f`` is the whole content of a parenthesis."""
    return text[: f.start].rstrip().endswith("(") and text[f.end :].lstrip().startswith(")")


def _form(term: Term, style: TermStyle, introduced: set[str]) -> Form:
    """The form this mention takes: ``first`` spells a term out once per document."""
    if style == "full" or not term.abbr:
        return "full"
    if style == "abbr" or term.id in introduced:
        return "abbr"
    introduced.add(term.id)
    return "full+abbr"


def _unit_edit(f: Found, terms: Sequence[Term], forms: Sequence[Form], plural: bool) -> Edit:
    """A placeholder becomes its terms' renderings, the plural on the last one (DF-31 missiles)."""
    parts = [
        styled(t, form, plural and i == len(terms) - 1)
        for i, (t, form) in enumerate(zip(terms, forms, strict=True))
    ]
    inner = [f"{main} ({gloss})" if gloss else main for main, gloss in parts[:-1]]
    main, gloss = parts[-1]
    text = " ".join([*inner, main])
    last = terms[-1]
    plural_noun = last.en[:1].islower() and (plural or pluralize(last.en) == last.en)
    article = takes_article(terms[0], forms[0])
    name = len(terms) == 1 and is_name(terms[0])
    return Edit(f.start, f.end, text, gloss, article, name, plural_noun and main.endswith("s"))


def _rewrite(f: Found, term: Term, form: Form) -> Edit | None:
    """How to bring the model's own rendering into ``form`` (``None``: leave it as written).

    An accepted variant is left as the model wrote it, glossed or not: "medium-range ballistic
    missile (IRBM)" would contradict itself, and "Department of Defense" may sit inside "the
    United States Department of Defense".
    """
    main, gloss = styled(term, form, f.plural)
    if f.kind == "en":
        if form == "full+abbr" and gloss:
            return Edit(f.end, f.end, "", gloss)
        return Edit(f.start, f.end, main) if form == "abbr" and term.abbr else None
    if f.kind == "accept":
        return Edit(f.start, f.end, main) if form == "abbr" and term.abbr else None
    kept = "abbr" if f.kind == "abbr" else "full+abbr"
    if form == kept or (form == "full+abbr" and not gloss and f.kind == "en+abbr"):
        return None
    return Edit(f.start, f.end, main, gloss, takes_article(term, form))

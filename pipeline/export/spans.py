"""Where glossary terms sit in a segment's source and English, for highlighting in exports.

The glossary stage already decided which terms a segment holds; exports only need to find those
strings again (English ignoring case and respecting word edges) and cut the text around them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.document import Document, Segment

TermLookup = Mapping[str, tuple[Sequence[str], str] | tuple[Sequence[str], str, Sequence[str]]]
"""Glossary term id → (source forms, English rendering[, English forms that count as correct]),
used to mark terms in exports; :func:`term_lookup_from` builds it from glossary terms."""


@dataclass(frozen=True)
class TermSpan:
    """Where one glossary term occurs in a text; ``missed`` marks a source term not rendered."""

    start: int
    end: int
    term_id: str
    en: str
    missed: bool = False


def _at_word_edges(text: str, start: int, end: int) -> bool:
    """True unless the match continues a word ("EU" inside "neutral")."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (
        (text[start].isalnum() and before.isalnum())
        or (text[end - 1].isalnum() and after.isalnum())
    )


def find_terms(
    text: str, needles: Sequence[tuple[str, str, str, bool]], english: bool
) -> list[TermSpan]:
    """Non-overlapping occurrences of ``(needle, term_id, en, missed)`` in ``text``.

    English matching ignores case and respects word edges; Chinese has no word edges to respect.
    Longer matches win over shorter ones starting at the same place, then earlier matches win,
    so 欧盟委员会 is one term rather than 欧盟 plus leftovers.
    """
    # Lower-casing must keep offsets valid; for the rare text where it does not (İ), match exactly.
    fold = english and len(text.lower()) == len(text)
    haystack = text.lower() if fold else text
    found: list[TermSpan] = []
    for needle, term_id, en, missed in needles:
        probe = needle.lower() if fold else needle
        if not probe:
            continue
        pos = haystack.find(probe)
        while pos != -1:
            if not english or _at_word_edges(text, pos, pos + len(probe)):
                found.append(TermSpan(pos, pos + len(probe), term_id, en, missed))
            pos = haystack.find(probe, pos + len(probe))
    found.sort(key=lambda s: (s.start, -(s.end - s.start), s.term_id))
    spans: list[TermSpan] = []
    for span in found:
        if not spans or span.start >= spans[-1].end:
            spans.append(span)
    return spans


def segment_terms(
    seg: Segment, term_lookup: TermLookup | None
) -> tuple[list[TermSpan], list[TermSpan]]:
    """Term spans in ``seg.normalized`` and in ``seg.en``.

    Applied terms are marked on both sides; missed terms only in the source (flagged ``missed``)
    because by definition their rendering is not in the English. A simple substring search is
    enough here: the glossary stage already decided which terms the segment holds.
    """
    if not term_lookup:
        return [], []
    source_needles: list[tuple[str, str, str, bool]] = []
    target_needles: list[tuple[str, str, str, bool]] = []
    for ids, missed in ((seg.terms_applied, False), (seg.terms_missed, True)):
        for term_id in ids:
            if term_id not in term_lookup:
                continue
            entry = term_lookup[term_id]
            zh_forms, en = entry[0], entry[1]
            renderings = entry[2] if len(entry) > 2 else (en,)
            source_needles.extend((form, term_id, en, missed) for form in zh_forms)
            if not missed:
                target_needles.extend((form, term_id, en, False) for form in renderings)
    return (
        find_terms(seg.normalized, source_needles, english=False),
        find_terms(seg.en, target_needles, english=True),
    )


def term_lookup_from(
    terms: Iterable[Any],
) -> dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]]:
    """A :data:`TermLookup` from glossary terms (objects with ``id``, ``zh``, ``en`` and, when the
    glossary has them, ``abbr`` and ``renderings``), so exports mark abbreviations and accepted
    variants too."""
    lookup = {}
    for term in terms:
        abbr = getattr(term, "abbr", "")
        sources = (*term.zh, abbr) if abbr else tuple(term.zh)
        renderings = tuple(getattr(term, "renderings", ())) or (term.en,)
        lookup[term.id] = (sources, term.en, renderings)
    return lookup


def split_by_spans(text: str, spans: Sequence[TermSpan]) -> Iterator[tuple[str, TermSpan | None]]:
    """Cut ``text`` into plain pieces and term pieces, in order; empty pieces are skipped."""
    pos = 0
    for span in spans:
        if span.start > pos:
            yield text[pos : span.start], None
        yield text[span.start : span.end], span
        pos = span.end
    if pos < len(text):
        yield text[pos:], None


def with_document_terms(term_lookup: TermLookup | None, doc: Document) -> TermLookup | None:
    """``term_lookup`` plus the terms the document glosses itself (``doc:…`` ids, see
    :attr:`Document.terms`), so exports mark both; the later mentions of a person (the short
    form) count as renderings too."""
    if not doc.terms:
        return term_lookup
    own = {
        term.id: (
            tuple(term.zh),
            term.en,
            tuple(dict.fromkeys(x for x in (term.en, term.short) if x)),
        )
        for term in doc.terms
    }
    return {**(term_lookup or {}), **own}


def original_spans(
    seg: Segment, spans: Sequence[TermSpan], term_lookup: TermLookup | None
) -> list[TermSpan]:
    """Source term spans moved from ``seg.normalized`` to the original ``seg.source``.

    Script conversion and cleaning almost always keep the length (國防部 → 国防部, 二〇二六 →
    2026), and then the spans carry over as they are; otherwise the terms' forms are searched in
    the original itself (a glossary may list the Traditional form)."""
    if seg.source == seg.normalized or len(seg.source) == len(seg.normalized):
        return list(spans)
    needles: list[tuple[str, str, str, bool]] = []
    for span in spans:
        entry = (term_lookup or {}).get(span.term_id)
        forms = entry[0] if entry else (seg.normalized[span.start : span.end],)
        needles.extend((form, span.term_id, span.en, span.missed) for form in forms)
    return find_terms(seg.source, needles, english=False)

"""A loaded glossary: ordered terms with their compiled matcher, lookup and matching.

The matcher (:mod:`pipeline.glossary.match`) is built once per :class:`Glossary` and cached on it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pipeline.glossary.context import Scan, scan_document
from pipeline.glossary.match import Matcher
from pipeline.glossary.terms import Match, Term, fold
from pipeline.settings import NormalizeSettings


@dataclass
class Glossary:
    """Ordered terms; ``settings`` is the document normalization that the matcher mirrors.

    Treat it as immutable: the compiled matcher is cached on first use. ``word_checks=False``
    is for a document's own names (see :class:`~pipeline.glossary.match.Matcher`).
    """

    terms: tuple[Term, ...]
    path: str | None = None
    settings: NormalizeSettings | None = None
    word_checks: bool = True
    _matcher: Matcher | None = field(default=None, init=False, repr=False, compare=False)
    _ids: dict[str, Term] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.terms = tuple(self.terms)
        for term in reversed(self.terms):
            self._ids[term.id] = term

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def get(self, term_id: str) -> Term | None:
        """The term with this id (the first, should ids repeat), or ``None``."""
        return self._ids.get(term_id)

    def approved(self) -> Glossary:
        """Only the approved terms: what enforcement should insist on."""
        kept = tuple(t for t in self.terms if t.status == "approved")
        return Glossary(kept, self.path, self.settings, self.word_checks)

    def matcher(self) -> Matcher:
        """The compiled matcher, built on first use and cached."""
        if self._matcher is None:
            self._matcher = Matcher(self.terms, self.settings, self.word_checks)
        return self._matcher

    def scan(self, texts: Sequence[str]) -> list[Scan]:
        """The terms in each text of one document, in reading order: word checks, context
        rules, coreference and blocker entries applied (:mod:`pipeline.glossary.context`).

        Match on the whole glossary, not :meth:`approved`: proposed terms and blockers must take
        part in longest match (外交部长 stops 外交部) even though only approved ones are enforced.
        """
        return scan_document(texts, self.matcher(), self.settings)


def lookup(glossary: Glossary, query: str) -> list[Term]:
    """Terms for ``zhen glossary show``: by id, else by any form or rendering, else by the
    terms that match inside ``query`` (so a Chinese phrase shows the terms it contains)."""
    if (term := glossary.get(query)) is not None:
        return [term]
    key = fold(query.strip())
    exact = [t for t in glossary if key in {fold(x) for x in (*t.zh, *t.renderings)}]
    return exact or list(dict.fromkeys(m.term for m in glossary.matcher().scan(query)))


def match_terms(text: str, glossary: Glossary) -> list[Match]:
    """Glossary terms in normalized ``text``: longest-leftmost, non-overlapping, glosses attached.

    CJK forms match exactly where they do not cut a word; a Latin edge (ICBM, New START,
    东风-41) needs a word boundary and matches case-insensitively, except an all-caps form,
    which must be written in capitals (MAC is not the Mac of mac版本); an all-caps abbreviation
    also matches with a plural ``s`` (ICBMs). Latin forms inside English prose are the
    author's own English and are not matched. ``text`` is taken as a whole document for context
    rules; blocker entries are left out.
    """
    return glossary.scan([text])[0].matches


def explain_lines(segments: Sequence[tuple[str, str]], glossary: Glossary) -> list[str]:
    """``zhen glossary explain``: for one document's ``(id, text)`` segments, a TSV line per
    match (``id, span, form, →, term, status, why``) and per form passed over (``✗`` and the
    reason), in text order."""
    lines: list[str] = []
    scans = glossary.scan([text for _, text in segments])
    for (seg_id, text), scan in zip(segments, scans, strict=True):
        rows = [(m.start, m.end, "→", m.term.id, m.term.status, _why(m)) for m in scan.matches]
        rows += [(s.start, s.end, "✗", s.term.id, s.term.status, s.reason) for s in scan.skipped]
        for start, end, mark, term_id, status, why in sorted(rows):
            cells = [seg_id, f"{start}-{end}", text[start:end], mark, term_id, status, why]
            lines.append("\t".join(cells))
    return lines


def _why(match: Match) -> str:
    parts = [match.note] if match.note else []
    if match.qualifier:
        parts.append(f"qualified by {match.qualifier}")
    if match.term.status == "proposed":
        parts.append("proposed: reported, not enforced")
    return "; ".join(parts)

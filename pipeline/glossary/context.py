"""Where a glossary entry applies: context rules, and document coreference.

A Chinese form is not always its term. 国务院 is China's State Council, but in a story about
Washington that has already named 美国国务院 it is the State Department; 国防部 is the Ministry of
National Defense in Beijing or Taipei, not in 美国防部 (the Pentagon). Two mechanisms decide:

**Context rules** (the glossary's ``context`` column): conditions separated by ``;``, all of which
must hold; each is ``SCOPE:FORM|FORM…``, negated with a leading ``!``:

* ``doc:`` — one of the forms occurs somewhere in the document;
* ``sentence:`` — one of the forms occurs in the same segment;
* ``place:`` — when a place name qualifies the match (台湾 in 台湾国防部, 美 in 美国防部: the
  matcher's ``qualifier``), it is one of the forms; a match without one passes.

``国防部 … place:中国|台湾|中华民国`` keeps the Ministry of National Defense to Chinese and
Taiwanese ministries; ``两岸 … doc:台湾|大陆|海峡`` says "cross-strait" only in a document about
Taiwan. Forms are written like ``zh`` forms and normalized the same way (Traditional works).

**Coreference** needs no rule: when a form is a place name plus another entry's form (美国国务院 =
美国 + 国务院), a later bare mention of that other form in the same document (国务院) takes the
longer entry's term — the document has said which one it means. The latest qualified mention
wins: after 台湾国防部, a bare 国防部 is Taiwan's again, and after a qualified mention no entry
stands for (日本国防部, with a ``place:`` rule that excludes it), a bare one is left to the model.
A qualified longer name counts for the entry it starts with: after 中国国务院台湾事务办公室 a bare
国务院 is China's State Council again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal, get_args

from pipeline.glossary.match import Matcher
from pipeline.glossary.terms import SEP, Match, Skip, Term, fold, source_keys
from pipeline.settings import NormalizeSettings

Scope = Literal["doc", "sentence", "place"]
SCOPES: tuple[Scope, ...] = get_args(Scope)


@dataclass(frozen=True)
class Condition:
    """One condition of a context rule: ``forms`` must (``negate``: must not) occur in ``scope``."""

    scope: Scope
    forms: tuple[str, ...]
    negate: bool = False

    def __str__(self) -> str:
        return f"{'!' if self.negate else ''}{self.scope}:{SEP.join(self.forms)}"


def parse_context(cell: str) -> tuple[tuple[Condition, ...], list[str]]:
    """The conditions of a ``context`` cell, and a message for each malformed part."""
    conditions: list[Condition] = []
    errors: list[str] = []
    for raw in cell.split(";"):
        part = raw.strip()
        if not part:
            continue
        negate = part.startswith("!")
        scope, colon, forms = part.removeprefix("!").partition(":")
        values = tuple(dict.fromkeys(f.strip() for f in forms.split(SEP) if f.strip()))
        if not colon or scope.strip() not in SCOPES:
            errors.append(f"context {part!r}: write SCOPE:FORM|FORM with SCOPE {', '.join(SCOPES)}")
        elif not values:
            errors.append(f"context {part!r}: list at least one form after the colon")
        else:
            conditions.append(Condition(scope.strip(), values, negate))  # type: ignore[arg-type]
    return tuple(conditions), errors


@lru_cache(maxsize=4096)
def conditions(term: Term) -> tuple[Condition, ...]:
    """A term's parsed context rule (malformed parts, rejected when loading, are ignored)."""
    return parse_context(term.context)[0]


@dataclass(frozen=True)
class Scan:
    """What the glossary found in one text of a document: the matches that stand for their term
    here (any status but ``blocked``) and the forms passed over, with the reason."""

    matches: list[Match]
    skipped: list[Skip]


def _keys(forms: Sequence[str], settings: NormalizeSettings | None) -> set[str]:
    return {key for form in forms for key in source_keys(form, settings)}


def _holds(
    condition: Condition, match: Match, text: str, doc: str, settings: NormalizeSettings | None
) -> bool:
    keys = _keys(condition.forms, settings)
    if condition.scope == "place":
        if not match.qualifier:
            return True
        found = bool(source_keys(match.qualifier, settings) & keys)
    else:
        where = fold(doc if condition.scope == "doc" else text)
        found = any(key in where for key in keys)
    return found != condition.negate


def failed_condition(
    match: Match, text: str, doc: str, settings: NormalizeSettings | None
) -> Condition | None:
    """The first condition of ``match.term``'s context rule that does not hold, if any."""
    for condition in conditions(match.term):
        if not _holds(condition, match, text, doc, settings):
            return condition
    return None


def scan_document(
    texts: Sequence[str], matcher: Matcher, settings: NormalizeSettings | None = None
) -> list[Scan]:
    """Glossary matches in each of a document's texts (in reading order), after the matcher's
    word checks, coreference, context rules and blocker entries."""
    doc = "\n".join(texts)
    referent: dict[str, Term | None] = {}
    out: list[Scan] = []
    for text in texts:
        found, skipped = matcher.explain(text)
        kept: list[Match] = []
        for match in found:
            key = fold(text[match.start : match.end])
            bare = matcher.bare_key(key)
            if bare is not None:
                referent[bare] = match.term
            elif not match.qualifier and key in referent:
                term = referent[key]
                if term is None:
                    why = f"refers back to an earlier {key} of a place no entry stands for"
                    skipped.append(Skip(match.start, match.end, match.term, match.form, why))
                    continue
                if term.id != match.term.id:
                    note = f"refers back to {term.id}, named in full earlier in the document"
                    match = replace(match, term=term, note=note)
            failed = failed_condition(match, text, doc, settings)
            if match.qualifier and bare is None:
                referent[key] = None if failed is not None else match.term
                if (head := matcher.head_key(key)) is not None:
                    owner = matcher.entries[head].term
                    owned = failed_condition(replace(match, term=owner), text, doc, settings)
                    referent[head] = owner if owned is None else None
            if failed is not None or match.term.status == "blocked":
                why = f"context {failed} does not hold" if failed else "a blocker entry"
                skipped.append(Skip(match.start, match.end, match.term, match.form, why))
                continue
            kept.append(match)
        out.append(Scan(kept, sorted(skipped, key=lambda s: s.start)))
    return out

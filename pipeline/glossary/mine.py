"""Glossary statistics and candidate mining over a corpus of normalized texts.

Both take ``(doc_id, text)`` pairs of *normalized* text, so they need no ingest of their own:
the CLI ingests and normalizes documents and passes the block text.

Mining looks for what Chinese writers do when they introduce a term: they gloss it in
parentheses right after the term (洲际弹道导弹（ICBM）, 艾克顿（James Acton）, “…”（Ballistic …）)
or after the acronym (MOU（谅解备忘录）). Where the Chinese term starts is decided by the same
extractor the translator uses for a document's own terms
(:func:`pipeline.glossary.document.find_glosses`, jieba's words and parts of speech), so a
mined candidate starts where an applied document term does; a candidate that is a longer
version of another for the same gloss (发射洲际弹道导弹 vs 洲际弹道导弹) gives way to the recurring
shorter stem. Candidates come out ranked by frequency as ``status=proposed`` rows for a reviewer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.glossary.collection import Glossary, match_terms
from pipeline.glossary.document import find_glosses
from pipeline.glossary.formats import save_glossary, slug
from pipeline.glossary.terms import COLUMNS, Term, fold

if TYPE_CHECKING:
    import polars as pl

_PAREN = re.compile(r"[（(]([^（）()\n]{1,160})[）)]")
_ACRONYM = r"[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*"
_ACRONYM_TOKEN = re.compile(rf"(?<![%A-Za-z0-9])({_ACRONYM}(?: {_ACRONYM})*)s?(?![A-Za-z0-9])")
_IS_ACRONYM = re.compile(rf"{_ACRONYM}(?: {_ACRONYM})*s?")
_EXPANSION = re.compile(
    r"((?:[A-Z][A-Za-z'’.-]*)(?:[ -](?:[A-Z][A-Za-z'’.-]*|of|the|and|against|for|on|in|to|at))+)"
    r"[\W_]{0,4}\Z"
)
_NOISE = {"LOL", "OK", "RSS", "HTTP", "HTTPS", "WWW", "URL", "HTML", "PDF", "IP", "ID", "TV"}


def _docs(texts: Iterable[str | tuple[str, str]]) -> list[tuple[str, str]]:
    return [t if isinstance(t, tuple) else (f"#{i}", t) for i, t in enumerate(texts, start=1)]


def terms_frame(glossary: Glossary) -> pl.DataFrame:
    """The glossary as a table (for ``zhen glossary list``): one row per term."""
    # Lazy: polars takes ~0.4 s to import; only tables need it.
    import polars as pl

    rows = [dict(zip(COLUMNS, t.row(), strict=True)) | {"line": t.line} for t in glossary]
    return pl.DataFrame(rows, schema={c: pl.String for c in COLUMNS} | {"line": pl.Int64})


def term_stats(docs: Iterable[str | tuple[str, str]], glossary: Glossary) -> pl.DataFrame:
    """How often each term occurs: ``id, en, status, occurrences, documents, glossed, forms``.

    Every term gets a row (unused ones with zeros, so reviewers see dead entries); ``glossed``
    counts occurrences that the source already glosses, ``forms`` lists the surface forms seen.
    """
    # Lazy: polars takes ~0.4 s to import; only tables need it.
    import polars as pl

    occurrences: Counter[str] = Counter()
    glossed: Counter[str] = Counter()
    documents: dict[str, set[str]] = {}
    forms: dict[str, Counter[str]] = {}
    for doc_id, text in _docs(docs):
        for m in match_terms(text, glossary):
            occurrences[m.term.id] += 1
            glossed[m.term.id] += m.gloss is not None
            documents.setdefault(m.term.id, set()).add(doc_id)
            forms.setdefault(m.term.id, Counter())[text[m.start : m.end]] += 1
    rows = [
        {
            "id": t.id,
            "en": t.en,
            "status": t.status,
            "occurrences": occurrences[t.id],
            "documents": len(documents.get(t.id, ())),
            "glossed": glossed[t.id],
            "forms": "|".join(f for f, _ in forms.get(t.id, Counter()).most_common()),
        }
        for t in glossary
    ]
    schema = {"id": pl.String, "en": pl.String, "status": pl.String, "occurrences": pl.Int64}
    schema |= {"documents": pl.Int64, "glossed": pl.Int64, "forms": pl.String}
    return pl.DataFrame(rows, schema=schema).sort(["occurrences", "id"], descending=[True, False])


@dataclass
class _Candidate:
    """Source forms and glosses that belong together, with one example context."""

    forms: Counter[str] = field(default_factory=Counter)
    glosses: Counter[str] = field(default_factory=Counter)
    context: str = ""


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 12) : end + 12].split())


def _singular(acronym: str) -> str:
    """ICBMs → ICBM: the plural s is not part of the acronym."""
    return acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym


def _is_acronym(text: str) -> bool:
    return _IS_ACRONYM.fullmatch(text) is not None


def _pairs(
    docs: list[tuple[str, str]],
) -> tuple[list[tuple[str, str, str]], Counter[tuple[str, str]]]:
    """(zh, gloss, context) for every glossed term, and acronym expansions seen (ACR → English).

    The pairs are :func:`pipeline.glossary.document.find_glosses`'s, the same the translator
    applies as document terms; an acronym given with the English is a second pair."""
    pairs: list[tuple[str, str, str]] = []
    expansions: Counter[tuple[str, str]] = Counter()
    for _, text in docs:
        sites = set()
        for gloss in find_glosses(text):
            context = _context(text, *gloss.site)
            pairs.append((gloss.zh, gloss.en, context))
            if gloss.abbr:
                pairs.append((gloss.zh, gloss.abbr, context))
            sites.add(gloss.site[1])
        for m in _PAREN.finditer(text):
            inner, p = " ".join(m.group(1).split()), m.start()
            if m.end() in sites or not _is_acronym(inner):
                continue
            if exp := _EXPANSION.search(text, max(0, p - 160), p):
                expansions[(_singular(inner), exp.group(1))] += 1
    return pairs, expansions


def _common_suffix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return a[len(a) - n :]


def _stem(zh: str, others: Iterable[str]) -> str:
    """The recurring stem of ``zh``: the longest substantial suffix it shares with a run glossed
    the same way (发射洲际弹道导弹, 涵盖洲际弹道导弹 → 洲际弹道导弹). Short shared tails such as
    条约 in 中导条约/中程导弹条约 are left alone: those are variants, not stems."""
    best = zh
    for other in others:
        common = _common_suffix(zh, other)
        if common != zh and len(common) >= max(3, min(len(zh), len(other)) / 2):
            best = common if best == zh or len(common) > len(best) else best
    return best


def _group(pairs: list[tuple[str, str, str]]) -> list[_Candidate]:
    """Candidates: stems and glosses joined whenever a pair links them (union-find)."""
    by_gloss: dict[str, set[str]] = {}
    for zh, gloss, _ in pairs:
        by_gloss.setdefault(fold(gloss), set()).add(zh)
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    stemmed = [(_stem(zh, by_gloss[fold(g)] - {zh}), g, c) for zh, g, c in pairs]
    for zh, gloss, _ in stemmed:
        parent[root("zh:" + zh)] = root("en:" + fold(gloss))
    groups: dict[str, _Candidate] = {}
    for zh, gloss, context in stemmed:
        cand = groups.setdefault(root("zh:" + zh), _Candidate(context=context))
        cand.forms[zh] += 1
        cand.glosses[gloss] += 1
    return list(groups.values())


def _known(zh: str, glossary: Glossary | None) -> bool:
    if glossary is None or not zh:
        return False
    return any(m.start == 0 and m.end == len(zh) for m in match_terms(zh, glossary))


def _owner(gloss: str, glossary: Glossary | None) -> Term | None:
    """The existing term whose abbreviation or rendering ``gloss`` is."""
    if glossary is None:
        return None
    key = fold(gloss)
    return next((t for t in glossary if key in {fold(r) for r in t.renderings}), None)


def extract_candidates(
    texts: Iterable[str | tuple[str, str]],
    existing_glossary: Glossary | None = None,
    *,
    min_count: int = 1,
    min_acronym_count: int = 2,
) -> pl.DataFrame:
    """Candidate glossary entries mined from ``texts`` (normalized), most frequent first.

    Columns are the glossary columns plus ``count`` (occurrences in the corpus) and
    ``documents``; every row has ``status=proposed`` and a note with the evidence. Terms the
    existing glossary already covers are skipped; a new Chinese form whose gloss is an existing
    term's rendering is kept, with a note naming that term. Bare acronyms seen at least
    ``min_acronym_count`` times get a row too (``zh`` left for the reviewer to fill in).
    """
    # Lazy: polars takes ~0.4 s to import; only tables need it.
    import polars as pl

    docs = _docs(texts)
    pairs, expansions = _pairs(docs)
    taken = {t.id for t in existing_glossary} if existing_glossary is not None else set()
    rows: list[dict[str, object]] = []
    abbrs: set[str] = set()
    for cand in _group(pairs):
        forms = [f for f, _ in cand.forms.most_common() if not _known(f, existing_glossary)]
        if not forms:
            continue
        acronyms = [_singular(g) for g, _ in cand.glosses.most_common() if _is_acronym(g)]
        names = [g for g, _ in cand.glosses.most_common() if not _is_acronym(g)]
        abbr = acronyms[0] if acronyms else ""
        abbrs.add(abbr)
        en = names[0] if names else _expansion(abbr, expansions)
        owner = _owner(abbr or en, existing_glossary)
        count = sum(text.count(f) for _, text in docs for f in forms)
        ndocs = sum(any(f in text for f in forms) for _, text in docs)
        note = f"seen {count}× in {ndocs} doc(s); e.g. {cand.context}"
        if owner is not None:
            note = f"new source form for existing term {owner.id}? " + note
        term_id = slug(en or abbr, taken)
        rows.append(_row(term_id, "|".join(forms), en, abbr, names[1:], note, count, ndocs))
    for acr, count, ndocs, context in _acronyms(docs):
        if count < min_acronym_count or len(acr) < 3 or acr in abbrs or acr in _NOISE:
            continue
        if _known(acr, existing_glossary) or _owner(acr, existing_glossary) is not None:
            continue
        en = _expansion(acr, expansions)
        note = f"acronym seen {count}× in {ndocs} doc(s), fill in zh; e.g. {context}"
        rows.append(_row(slug(acr, taken), "", en, acr, [], note, count, ndocs))
    schema = {c: pl.String for c in COLUMNS} | {"count": pl.Int64, "documents": pl.Int64}
    frame = pl.DataFrame(rows, schema=schema)
    return frame.filter(pl.col("count") >= min_count).sort(
        ["count", "documents", "id"], descending=[True, True, False]
    )


def _row(
    term_id: str, zh: str, en: str, abbr: str, accept: list[str], note: str, count: int, ndocs: int
) -> dict[str, object]:
    return {
        "id": term_id,
        "zh": zh,
        "en": en,
        "abbr": abbr,
        "accept": "|".join(accept),
        "note": note,
        "status": "proposed",
        "count": count,
        "documents": ndocs,
    }


def _expansion(acronym: str, expansions: Counter[tuple[str, str]]) -> str:
    found = [(n, exp) for (acr, exp), n in expansions.items() if acr == acronym]
    return max(found)[1] if found else ""


def _acronyms(docs: list[tuple[str, str]]) -> list[tuple[str, int, int, str]]:
    """(acronym, occurrences, documents, first context) for every all-caps token."""
    counts: Counter[str] = Counter()
    where: dict[str, set[str]] = {}
    contexts: dict[str, str] = {}
    for doc_id, text in docs:
        for m in _ACRONYM_TOKEN.finditer(text):
            acr = m.group(1)
            counts[acr] += 1
            where.setdefault(acr, set()).add(doc_id)
            contexts.setdefault(acr, _context(text, m.start(), m.end()))
    return [(a, n, len(where[a]), contexts[a]) for a, n in counts.most_common()]


def write_candidates(frame: pl.DataFrame, path: str | Path) -> None:
    """Write candidate rows as a glossary TSV for review (atomically).

    Rows may lack ``zh`` or ``en`` (that is for the reviewer to fill in), so the file is
    written as is; ``zhen glossary validate`` tells what still needs doing.
    """
    terms = [
        Term(r["id"], tuple(filter(None, r["zh"].split("|"))), r["en"], r["abbr"],
             tuple(filter(None, r["accept"].split("|"))), r["note"], r["status"])
        for r in frame.select(COLUMNS).iter_rows(named=True)
    ]  # fmt: skip
    save_glossary(terms, path)

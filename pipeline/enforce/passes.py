"""Glossary enforcement: translate a run's segments so every approved term comes out the way the
glossary says — where that does not make the sentence worse — and record for the reviewer what
happened to each term.

CTranslate2 has no lexically constrained decoding, so enforcement works around the decoder, in
passes over the segments that still lack a term (numbers from bench/bench_terms.py):

1. ``plain`` — the ordinary translation, shared with segments without terms and with the cache
   of runs without enforcement. Where it already renders every term (70% of segments) it is
   kept: it is the most fluent output.
2. ``placeholder`` — each term (with a gloss the source already gives, as in 洲际弹道导弹（ICBM）)
   becomes one token, ``XT1X``, ``XT2X``…, that the model copies (97.4% of tokens come back, more
   than ``ZX1``: 96.7% or ``TERM1``: 94.4%); the rendering replaces the token afterwards.
3. ``placeholder-alt`` — the same with ``ZX1``, ``ZX2``…: the decoder drops different tokens.
4. ``inline`` — the English rendering itself in the source; short ones are kept
   (安理会 → "UN Security Council涉朝决议" → "UN Security Council resolutions").
5. ``prefix`` — the token is forced into the best output where the model finds it most likely,
   and the sentence re-decoded from there (:mod:`pipeline.enforce.prefix`).
6. ``insert`` — the plain sentence with only the model's own wording of the term replaced
   (:mod:`pipeline.enforce.insert`).

Every sentence passes 2–6 produce is judged against the plain one (:mod:`pipeline.enforce.accept`:
numbers, Latin text, length, the model's own score) and only a sentence that is no worse is
kept; the next pass gets its chance otherwise. A segment whose every candidate was rejected
keeps its plain sentence and is flagged ``term-unsafe``; one that no pass completed is flagged
``term-missed``; one completed by a fallback (3–6) is flagged ``term-fallback:<strategy>``.
``Segment.plain`` keeps the plain sentence wherever the English differs from it. Finally every
mention is written in the run's term style, in document order, so "first mention" means first
in the body of the document — titles and headings do not count (:mod:`pipeline.enforce.draft`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from pipeline.document import Segment
from pipeline.enforce.accept import WordScorer, engine_word_scorer
from pipeline.enforce.draft import (
    Draft,
    Slot,
    inline_source,
    masked_source,
    placeholder_draft,
    plain_draft,
    plan_document,
    plan_slots,
)
from pipeline.enforce.english import Shape, placeholder
from pipeline.enforce.plan import Judge, Plan, finish, insert_pass
from pipeline.enforce.prefix import (
    Scorer,
    best_points,
    engine_scorer,
    insert_at,
    insertion_points,
    prefix_for,
    worth_scoring,
)
from pipeline.glossary import Glossary
from pipeline.settings import EnforceSettings, EnforceStrategy
from pipeline.stats import TermStats, TranslateStats
from pipeline.store.cache import TranslationCache, normalize_source
from pipeline.translate import (
    Progress,
    TextEngine,
    needs_translation,
    translate_segments,
    translate_texts,
)

_SHAPES: dict[EnforceStrategy, Shape] = {"placeholder": "XT", "placeholder-alt": "ZX"}
_PREFIX_KEY = "\x1fprefix:"


def enforce_and_translate(
    segments: Sequence[Segment],
    engine: TextEngine,
    glossary: Glossary,
    settings: EnforceSettings,
    cache: TranslationCache | None = None,
    progress: Progress | None = None,
    scorer: Scorer | None = None,
    document_terms: Mapping[str, Glossary] | None = None,
    *,
    word_scorer: WordScorer | None = None,
    titles: Collection[str] = (),
) -> tuple[TranslateStats, TermStats]:
    """Translate ``segments`` (in document order) with the approved terms of ``glossary``
    enforced where that is safe; fill ``en``, ``plain``, ``status``, ``terms_applied``,
    ``terms_missed`` and the term flags.

    ``document_terms`` maps a document id to the terms that document glosses itself
    (:mod:`pipeline.glossary.document`); they are enforced in that document only, where no
    approved glossary term is (the glossary wins). All passes go through
    :func:`pipeline.translate.translate_texts`, so batching, dedup and the cache apply to the
    masked texts too; segments without terms are translated once, unchanged. ``scorer`` ranks
    insertion points for the prefix pass and ``word_scorer`` scores candidates for the
    acceptance rule (defaults: from the engine). ``titles`` are the ids of segments in a
    document's title and headings: their mentions do not count as the first. Returns the
    translation counts and the term counts.
    """
    started = time.perf_counter()
    plans = [Plan(s, s.normalized or s.source, []) for s in segments]
    by_doc: dict[str, list[Plan]] = {}
    for plan in plans:
        if needs_translation(plan.text):
            by_doc.setdefault(plan.seg.doc_id, []).append(plan)
    for doc_id, doc_plans in by_doc.items():
        own = document_terms.get(doc_id) if document_terms else None
        planned = plan_document([p.text for p in doc_plans], glossary)
        for plan, slots in zip(doc_plans, planned, strict=True):
            plan.slots = _with_own_terms(plan.text, slots, own)
    strategies = settings.strategies if settings.enabled else ("plain",)
    with_terms = [p for p in plans if p.slots]
    if "plain" in strategies:
        stats = translate_segments(segments, engine, cache, progress)
        for plan in with_terms:
            plan.plain = plan.seg.en
            plan.offer(plain_draft(plan.seg.en, plan.slots))
    else:
        stats = translate_segments([p.seg for p in plans if not p.slots], engine, cache)
        for plan in with_terms:
            plan.seg.status = "translated"
        if progress is not None and with_terms:
            progress(len(with_terms))
    judge = Judge(
        word_scorer if word_scorer is not None else engine_word_scorer(engine),
        settings.score_margin,
    )
    judge(with_terms)
    decodes = 0
    for strategy in strategies:
        if strategy in _SHAPES:
            decodes += _placeholder_pass(with_terms, engine, cache, _SHAPES[strategy], strategy)
        elif strategy == "inline":
            decodes += _inline_pass(with_terms, engine, cache)
        elif strategy == "prefix":
            score = scorer if scorer is not None else engine_scorer(engine)
            for _ in range(settings.prefix_rounds):
                decodes += _prefix_pass(with_terms, engine, cache, score, settings.prefix_tries)
                judge(with_terms)
        elif strategy == "insert":
            insert_pass(with_terms)
        judge(with_terms)
    terms = finish(plans, settings.term_style, settings.enabled, frozenset(titles))
    seconds = round(time.perf_counter() - started, 3)
    return stats, replace(terms, extra_decodes=decodes, seconds=seconds)


def _with_own_terms(text: str, slots: list[Slot], own: Glossary | None) -> list[Slot]:
    """The glossary's ``slots``, then the document's own terms where no glossary term is, or
    where a longer document term holds glossary terms its English already spells.

    Where the document states a bare acronym (直接商售(DCS)) or puts the Chinese in parentheses
    after its English (MOU（谅解备忘录）), that site is left to the model: it translates the
    Chinese next to the protected acronym, so the reader gets both; later mentions are the
    document term's."""
    if own is None or not len(own):
        return slots
    for slot in plan_slots(text, own):
        end = slot.gloss[1] if slot.gloss else slot.end
        acronym = slot.gloss is not None and slot.term.en.isupper() and " " not in slot.term.en
        glossing = text[: slot.start].rstrip(" （(").endswith(slot.term.en)
        if acronym or glossing:
            continue
        inside = [s for s in slots if slot.start <= s.start and _end(s) <= end]
        clash = [s for s in slots if s not in inside and _end(s) > slot.start and s.start < end]
        longer = all(_end(s) - s.start < end - slot.start for s in inside)
        if not clash and (not inside or (longer and all(_spells(slot.term.en, s) for s in inside))):
            slots = [s for s in slots if s not in inside] + [slot]
    return sorted(slots, key=lambda s: s.start)


def _end(slot: Slot) -> int:
    return slot.gloss[1] if slot.gloss else slot.end


def _spells(english: str, slot: Slot) -> bool:
    """Whether a longer document term's English already says what the glossary term inside it
    must (陆基巡航导弹 "ground-launched cruise missile" holds 巡航导弹 "cruise missile"): then the
    more specific name wins; otherwise the glossary does."""
    low = f" {english.lower()} "
    return any(f" {r.lower()} " in low or f" {r.lower()}s " in low for r in slot.term.renderings)


def _placeholder_pass(
    plans: Sequence[Plan],
    engine: TextEngine,
    cache: TranslationCache | None,
    shape: Shape,
    strategy: EnforceStrategy,
) -> int:
    todo = [p for p in plans if not p.complete()]
    sources = [masked_source(p.text, p.slots, shape) for p in todo]
    for plan, english in zip(todo, translate_texts(sources, engine, cache), strict=True):
        plan.offer(placeholder_draft(english, plan.slots, shape, strategy))
    return len(todo)


@dataclass
class _PrefixJob:
    """One forced insertion: ``token`` into ``base.text`` for the source ``masked``; ``ratio`` is
    where the missing term sits in the source (0…1), the fallback when nothing can score."""

    plan: Plan
    base: Draft
    shape: Shape
    token: str
    masked: str
    ratio: float
    points: list[int]


def _inline_pass(plans: Sequence[Plan], engine: TextEngine, cache: TranslationCache | None) -> int:
    todo = [p for p in plans if not p.complete()]
    sources = [inline_source(p.text, p.slots) for p in todo]
    for plan, english in zip(todo, translate_texts(sources, engine, cache), strict=True):
        plan.offer(plain_draft(english, plan.slots, "inline"))
    return len(todo)


def _prefix_job(plan: Plan) -> _PrefixJob | None:
    """The next forced insertion for an incomplete segment (from its best placeholder draft)."""
    if plan.complete() or not plan.drafts:
        return None
    base = max(plan.drafts.values(), key=lambda d: len(d.covered))
    if len(base.covered) == len(plan.slots):
        return None  # complete but rejected: forcing tokens in cannot help
    shape = base.shape or "XT"
    missing = min(set(range(len(plan.slots))) - base.covered)
    unit = next(n for n, u in enumerate(base.units) if missing in u)
    points = insertion_points(base.text, [(f.start, f.end) for f in base.found])
    return _PrefixJob(
        plan,
        base,
        shape,
        placeholder(shape, unit + 1),
        masked_source(plan.text, plan.slots, shape),
        plan.slots[missing].start / max(1, len(plan.text)),
        points,
    )


def _prefix_pass(
    plans: Sequence[Plan],
    engine: TextEngine,
    cache: TranslationCache | None,
    scorer: Scorer | None,
    tries: int,
) -> int:
    """One round: for each incomplete segment, force its first missing placeholder into the
    best placeholder output at the ``tries`` most likely points, re-decode from each, and keep
    the most likely result."""
    jobs = [job for plan in plans if (job := _prefix_job(plan)) is not None]
    if not jobs:
        return 0
    scored = [j for j in jobs if worth_scoring(j.base.text)] if scorer is not None else []
    pairs = [(j.masked, insert_at(j.base.text, p, j.token)) for j in scored for p in j.points]
    scores = scorer([s for s, _ in pairs], [t for _, t in pairs]) if scorer and pairs else []
    by_job: dict[int, list[float]] = {}
    offset = 0
    for job in scored:
        by_job[id(job)] = scores[offset : offset + len(job.points)]
        offset += len(job.points)
    todo: list[tuple[_PrefixJob, str]] = []
    for job in jobs:
        own = by_job.get(id(job))
        for point in best_points(job.points, own, job.base.text, job.ratio, tries):
            prefix = prefix_for(job.base.text, point, job.token)
            if prefix not in job.plan.tried:
                job.plan.tried.add(prefix)
                todo.append((job, prefix))
    if not todo:
        return 0
    english = _translate_prefixed([j.masked for j, _ in todo], [p for _, p in todo], engine, cache)
    likely = [0.0] * len(todo)
    rivals = Counter(id(j.plan) for j, _ in todo)
    contested = [i for i, (j, _) in enumerate(todo) if rivals[id(j.plan)] > 1]
    if scorer is not None and contested:
        for i, score in zip(
            contested,
            scorer([todo[i][0].masked for i in contested], [english[i] for i in contested]),
            strict=True,
        ):
            likely[i] = score
    best: dict[int, tuple[tuple[int, float], Draft]] = {}
    for (job, _), text, score in zip(todo, english, likely, strict=True):
        draft = placeholder_draft(text, job.plan.slots, job.shape, "prefix")
        key = (len(draft.covered), score)
        if id(job.plan) not in best or key > best[id(job.plan)][0]:
            best[id(job.plan)] = (key, draft)
    for job in jobs:
        if id(job.plan) in best:
            job.plan.offer(best[id(job.plan)][1])
    return len(todo)


def _translate_prefixed(
    sources: list[str],
    prefixes: list[str],
    engine: TextEngine,
    cache: TranslationCache | None,
) -> list[str]:
    """Prefix-forced decodes in one engine call, through the cache (keyed on source + prefix)."""
    if not sources:
        return []
    keys = [normalize_source(s) + _PREFIX_KEY + p for s, p in zip(sources, prefixes, strict=True)]
    namespace = engine.cache_namespace if cache is not None else ""
    hits = cache.get_many(namespace, keys) if cache is not None else {}
    todo = [i for i, k in enumerate(keys) if k not in hits]
    if todo:
        out = engine.translate([sources[i] for i in todo], [prefixes[i] for i in todo])
        fresh = {keys[i]: english for i, english in zip(todo, out, strict=True)}
        if cache is not None:
            cache.put_many(namespace, fresh.items())
        hits.update(fresh)
    return [hits[k] for k in keys]

"""Glossary enforcement: translate a run's segments so every approved term comes out the way the
glossary says, and record for the reviewer which terms were applied and which were not.

CTranslate2 has no lexically constrained decoding, so enforcement works around the decoder, in
passes over the segments that still miss a term (numbers from bench/bench_terms.py, 366
sentences, 490 term mentions, int8, beam 2):

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

What is still missing is listed in ``Segment.terms_missed`` and flagged ``term-missed``; a
segment completed by a fallback (3–5) is flagged ``term-fallback:<strategy>`` so a reviewer can
check its fluency. Finally every mention is written in the run's term style, in document order,
so "first mention" means first in the document (:mod:`pipeline.enforce.draft`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from pipeline.document import Segment
from pipeline.enforce.draft import (
    Draft,
    Slot,
    inline_source,
    masked_source,
    placeholder_draft,
    plain_draft,
    plan_slots,
    render,
)
from pipeline.enforce.english import Shape, placeholder
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
from pipeline.settings import STRATEGIES, EnforceSettings, EnforceStrategy, TermStyle
from pipeline.stats import TermOutcome, TermStats, TranslateStats
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


@dataclass
class _Plan:
    """One segment's working state: its slots, the best draft so far, the best draft per
    placeholder shape (the prefix pass builds on those), and the forced prefixes tried."""

    seg: Segment
    text: str
    slots: list[Slot]
    draft: Draft | None = None
    drafts: dict[Shape, Draft] = field(default_factory=dict)
    tried: set[str] = field(default_factory=set)

    def complete(self) -> bool:
        return self.draft is not None and len(self.draft.covered) == len(self.slots)

    def offer(self, draft: Draft) -> None:
        """Keep ``draft`` if it covers more slots than the best so far (ties keep the earlier,
        more fluent one)."""
        if draft.shape is not None:
            old = self.drafts.get(draft.shape)
            if old is None or len(draft.covered) > len(old.covered):
                self.drafts[draft.shape] = draft
        if self.draft is None or len(draft.covered) > len(self.draft.covered):
            self.draft = draft


def enforce_and_translate(
    segments: Sequence[Segment],
    engine: TextEngine,
    glossary: Glossary,
    settings: EnforceSettings,
    cache: TranslationCache | None = None,
    progress: Progress | None = None,
    scorer: Scorer | None = None,
    document_terms: Mapping[str, Glossary] | None = None,
) -> tuple[TranslateStats, TermStats]:
    """Translate ``segments`` (in document order) with the approved terms of ``glossary``
    enforced; fill ``en``, ``status``, ``terms_applied``, ``terms_missed`` and fallback flags.

    ``document_terms`` maps a document id to the terms that document glosses itself
    (:mod:`pipeline.glossary.document`); they are enforced in that document only, where no
    approved glossary term is (the glossary wins). All passes go through
    :func:`pipeline.translate.translate_texts`, so batching, dedup and the cache apply to the
    masked texts too; segments without terms are translated once, unchanged. ``scorer`` ranks
    insertion points for the prefix pass (default: from the engine). Returns the translation
    counts and the term counts.
    """
    started = time.perf_counter()
    approved = glossary.approved()
    plans = [_Plan(s, s.normalized or s.source, []) for s in segments]
    for plan in plans:
        own = document_terms.get(plan.seg.doc_id) if document_terms else None
        if (len(approved) or own is not None) and needs_translation(plan.text):
            plan.slots = _slots(plan.text, approved, own)
    strategies = settings.strategies if settings.enabled else ("plain",)
    with_terms = [p for p in plans if p.slots]
    if "plain" in strategies:
        stats = translate_segments(segments, engine, cache, progress)
        for plan in with_terms:
            plan.offer(plain_draft(plan.seg.en, plan.slots))
    else:
        stats = translate_segments([p.seg for p in plans if not p.slots], engine, cache)
        for plan in with_terms:
            plan.seg.status = "translated"
        if progress is not None and with_terms:
            progress(len(with_terms))
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
    terms = _finish(plans, settings.term_style, enforced=settings.enabled)
    seconds = round(time.perf_counter() - started, 3)
    return stats, replace(terms, extra_decodes=decodes, seconds=seconds)


def _slots(text: str, approved: Glossary, own: Glossary | None) -> list[Slot]:
    """The glossary's slots, then the document's own terms where no glossary term is.

    Where the document states a bare acronym (直接商售(DCS)) or puts the Chinese in parentheses
    after its English (MOU（谅解备忘录）), that site is left to the model: it translates the
    Chinese next to the protected acronym, so the reader gets both; later mentions are the
    document term's."""
    slots = plan_slots(text, approved) if len(approved) else []
    if own is None or not len(own):
        return slots
    taken = [(s.start, s.gloss[1] if s.gloss else s.end) for s in slots]
    for slot in plan_slots(text, own):
        end = slot.gloss[1] if slot.gloss else slot.end
        acronym = slot.gloss is not None and slot.term.en.isupper() and " " not in slot.term.en
        glossing = text[: slot.start].rstrip(" （(").endswith(slot.term.en)
        if not (acronym or glossing) and all(end <= a or slot.start >= b for a, b in taken):
            slots.append(slot)
    return sorted(slots, key=lambda s: s.start)


def _placeholder_pass(
    plans: Sequence[_Plan],
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

    plan: _Plan
    base: Draft
    shape: Shape
    token: str
    masked: str
    ratio: float
    points: list[int]


def _inline_pass(plans: Sequence[_Plan], engine: TextEngine, cache: TranslationCache | None) -> int:
    todo = [p for p in plans if not p.complete()]
    sources = [inline_source(p.text, p.slots) for p in todo]
    for plan, english in zip(todo, translate_texts(sources, engine, cache), strict=True):
        plan.offer(plain_draft(english, plan.slots, "inline"))
    return len(todo)


def _prefix_job(plan: _Plan) -> _PrefixJob | None:
    """The next forced insertion for an incomplete segment (from its best placeholder draft)."""
    if plan.complete() or not plan.drafts:
        return None
    base = max(plan.drafts.values(), key=lambda d: len(d.covered))
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
    plans: Sequence[_Plan],
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


def _finish(plans: Sequence[_Plan], style: TermStyle, enforced: bool) -> TermStats:
    """Write every segment's final English in document order and count what happened."""
    introduced: dict[str, set[str]] = {}
    by_strategy: Counter[TermOutcome] = Counter()
    found = applied = missed = 0
    for plan in plans:
        if not plan.slots or plan.draft is None:
            continue
        seen = introduced.setdefault(plan.seg.doc_id, set())
        draft = plan.draft
        plan.seg.en = render(plan.text, plan.slots, draft, style, seen) if enforced else draft.text
        covered = draft.covered
        plan.seg.terms_applied = list(
            dict.fromkeys(s.term.id for i, s in enumerate(plan.slots) if i in covered)
        )
        plan.seg.terms_missed = list(
            dict.fromkeys(s.term.id for i, s in enumerate(plan.slots) if i not in covered)
        )
        found += len(plan.slots)
        applied += len(covered)
        missed += len(plan.slots) - len(covered)
        strategy = draft.strategy if len(covered) == len(plan.slots) else "missed"
        by_strategy[strategy] += 1
        if enforced and strategy in ("placeholder-alt", "inline", "prefix"):
            plan.seg.flags.append(f"term-fallback:{strategy}")
        if plan.seg.terms_missed and "term-missed" not in plan.seg.flags:
            plan.seg.flags.append("term-missed")
    outcomes: tuple[TermOutcome, ...] = (*STRATEGIES, "missed")
    return TermStats(
        enforced=enforced,
        segments_with_terms=sum(by_strategy.values()),
        found=found,
        applied=applied,
        missed=missed,
        outcomes={s: by_strategy[s] for s in outcomes},
    )

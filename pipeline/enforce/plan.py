"""What happens to each segment's terms: its plan, the judging of candidate sentences, and the
final English with its counts.

A :class:`Plan` follows one segment through the passes of :mod:`pipeline.enforce.passes`;
:class:`Judge` applies the acceptance rule (:mod:`pipeline.enforce.accept`) to the complete
drafts each pass offers; :func:`finish` writes the chosen draft in the run's term style, in
document order, keeps the plain sentence beside a changed one and counts the outcomes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.document import Segment
from pipeline.enforce.accept import (
    REDECODE_FACTOR,
    SCORE_MIN_PIECES,
    Candidate,
    Rejection,
    WordScorer,
    cheap_rejection,
    context_score,
    plain_skip,
)
from pipeline.enforce.draft import Draft, Slot, plain_draft, render
from pipeline.enforce.english import Shape
from pipeline.enforce.insert import insert_draft
from pipeline.glossary import Term
from pipeline.settings import TermStyle
from pipeline.stats import TERM_OUTCOMES, TermOutcome, TermStats


@dataclass
class Plan:
    """One segment's working state: its slots, the plain sentence, the best draft so far (by
    coverage), the best draft per placeholder shape (the prefix pass builds on those), the
    forced prefixes tried, the accepted draft and why other complete drafts were rejected."""

    seg: Segment
    text: str
    slots: list[Slot]
    plain: str = ""
    draft: Draft | None = None
    drafts: dict[Shape, Draft] = field(default_factory=dict)
    tried: set[str] = field(default_factory=set)
    accepted: Draft | None = None
    pending: list[Draft] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    plain_words: list[tuple[float, int]] | None = None

    def complete(self) -> bool:
        """Whether a draft has been accepted: the passes leave the segment alone from then."""
        return self.accepted is not None

    def offer(self, draft: Draft) -> None:
        """Keep ``draft`` if it covers more slots than the best so far (ties keep the earlier,
        more fluent one); a draft covering every slot waits to be judged."""
        if draft.shape is not None:
            old = self.drafts.get(draft.shape)
            if old is None or len(draft.covered) > len(old.covered):
                self.drafts[draft.shape] = draft
        if self.draft is None or len(draft.covered) > len(self.draft.covered):
            self.draft = draft
        if len(draft.covered) == len(self.slots) and not self.complete():
            self.pending.append(draft)


@dataclass
class Judge:
    """Applies the acceptance rule (:mod:`pipeline.enforce.accept`) to the drafts waiting on
    each plan: the first that passes becomes the plan's accepted draft."""

    scorer: WordScorer | None
    margin: float | None

    def __call__(self, plans: Sequence[Plan]) -> None:
        waiting: list[tuple[Plan, Draft, str]] = []
        for plan in plans:
            drafts, plan.pending = plan.pending, []
            for draft in drafts:
                if draft.strategy == "plain" or not plan.plain:
                    plan.accepted = draft
                    break
                text = render(plan.text, plan.slots, draft, "first", set())
                reason = cheap_rejection(Candidate(plan.text, plan.plain, text, plan_terms(plan)))
                if reason is None:
                    waiting.append((plan, draft, text))
                    break
                plan.rejected.append(reason)
        if self.scorer is None or self.margin is None:
            for plan, draft, _ in waiting:
                plan.accepted = draft
            return
        unscored = list({id(p): p for p, _, _ in waiting if p.plain_words is None}.values())
        sources = [p.text for p in unscored] + [p.text for p, _, _ in waiting]
        targets = [p.plain for p in unscored] + [text for _, _, text in waiting]
        scores = self.scorer(sources, targets)
        for plan, words in zip(unscored, scores, strict=False):
            plan.plain_words = words
        for (plan, draft, text), words in zip(waiting, scores[len(unscored) :], strict=True):
            assert plan.plain_words is not None
            terms = plan_terms(plan)
            skip = plain_skip(plan.plain, text, terms)
            plain, _ = context_score(plan.plain, plan.plain_words, terms, skip)
            score, pieces = context_score(text, words, terms)
            redecoded = draft.strategy in ("placeholder-alt", "inline", "prefix")
            margin = self.margin * (REDECODE_FACTOR if redecoded else 1.0)
            if pieces < SCORE_MIN_PIECES or score >= plain - margin:
                plan.accepted = draft
            else:
                plan.rejected.append("score")


def plan_terms(plan: Plan) -> list[Term]:
    """The terms of a plan's slots, whose renderings the acceptance rule leaves out."""
    return [slot.term for slot in plan.slots]


def insert_pass(plans: Sequence[Plan]) -> None:
    """Offer each incomplete plan its plain sentence with the term's own wording replaced."""
    for plan in plans:
        if plan.complete() or not plan.plain:
            continue
        drafts = [d for d in plan.drafts.values() if d.shape is not None]
        draft = insert_draft(plan.plain, plan.slots, drafts)
        if draft is not None:
            plan.pending.append(draft)


_FALLBACKS: frozenset[TermOutcome] = frozenset({"placeholder-alt", "inline", "prefix", "insert"})


def finish(
    plans: Sequence[Plan], style: TermStyle, enforced: bool, titles: frozenset[str]
) -> TermStats:
    """Write every segment's final English in document order and count what happened.

    A plan without an accepted draft keeps its plain sentence (with the terms it does render
    written in the run's style): ``unsafe`` when some complete draft was rejected, ``missed``
    when no pass produced one.
    """
    introduced: dict[str, set[str]] = {}
    by_outcome: Counter[TermOutcome] = Counter()
    mentions: Counter[str] = Counter()
    for plan in plans:
        if not plan.slots:
            continue
        draft: Draft | None = plan.accepted
        outcome: TermOutcome = "unsafe" if plan.rejected else "missed"
        if plan.accepted is not None:
            outcome = plan.accepted.strategy
        else:
            draft = plain_draft(plan.plain, plan.slots) if plan.plain else plan.draft
        assert draft is not None
        seen = introduced.setdefault(plan.seg.doc_id, set())
        if not enforced:
            plan.seg.en = draft.text
        elif plan.seg.id in titles:
            plan.seg.en = render(plan.text, plan.slots, draft, "full", set(seen))
        else:
            plan.seg.en = render(plan.text, plan.slots, draft, style, seen)
        if plan.plain and plan.seg.en != plan.plain:
            plan.seg.plain = plan.plain
        covered = draft.covered
        plan.seg.terms_applied = list(
            dict.fromkeys(s.term.id for i, s in enumerate(plan.slots) if i in covered)
        )
        plan.seg.terms_missed = list(
            dict.fromkeys(s.term.id for i, s in enumerate(plan.slots) if i not in covered)
        )
        by_outcome[outcome] += 1
        kind = "fallback" if outcome in _FALLBACKS else "clean"
        mentions[kind] += len(covered)
        mentions["unsafe" if outcome == "unsafe" else "missed"] += len(plan.slots) - len(covered)
        if enforced and outcome in _FALLBACKS:
            plan.seg.flags.append(f"term-fallback:{outcome}")
        if outcome == "unsafe" and plan.seg.terms_missed and "term-unsafe" not in plan.seg.flags:
            plan.seg.flags.append("term-unsafe")
        if plan.seg.terms_missed and "term-missed" not in plan.seg.flags:
            plan.seg.flags.append("term-missed")
    rejections: Counter[str] = Counter(r for p in plans for r in p.rejected)
    return TermStats(
        enforced=enforced,
        segments_with_terms=sum(by_outcome.values()),
        found=sum(mentions.values()),
        applied=mentions["clean"] + mentions["fallback"],
        missed=mentions["missed"],
        outcomes={o: by_outcome[o] for o in TERM_OUTCOMES},
        clean=mentions["clean"],
        fallback=mentions["fallback"],
        unsafe=mentions["unsafe"],
        rejections=dict(sorted(rejections.items())),
    )

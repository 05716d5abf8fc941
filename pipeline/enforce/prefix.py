"""Last-resort placement of a term the decoder dropped: pick where it belongs, force it there.

When a placeholder never comes back, we take the best decoded sentence, try the token at every
word boundary, and ask the model which sentences it finds most likely (CTranslate2's
``score_batch``: one teacher-forced pass, far cheaper than decoding). The sentence is then
re-decoded from the few best points with everything up to and including the token forced as a
target prefix, so the model rewrites the rest around the term instead of leaving a token stuck
in the middle of a clause, and the most likely complete sentence wins.

Scoring needs English in the decoder's own pieces. The package's SentencePiece model is the
source side's: it splits ``China`` into ``▁Ch ina``, pieces the decoder never emits, and the
scores become noise (−208 instead of −9.6 for the model's own output of a 16-word sentence). A
greedy longest-match over the model's shared vocabulary gives the decoder's pieces back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from pipeline.translate.engine import SCORE_BATCH_TOKENS, Engine, target_vocabulary

Scorer = Callable[[list[str], list[str]], list[float]]
"""``scorer(sources, targets)`` → mean log-probability per piece of each target given its
source: comparable across targets of different lengths."""

_MAX_POINTS = 16
_MAX_SCORED_WORDS = 60
_END_PUNCT = ".!?…。”\"'’)"


def engine_scorer(engine: object) -> Scorer | None:
    """A scorer over a loaded :class:`pipeline.translate.Engine`, or ``None`` for other engines
    (test fakes) and packages without a readable vocabulary."""
    if not isinstance(engine, Engine):
        return None
    if not target_vocabulary(str(engine.package.model_dir)):
        return None
    lang = [engine.package.target_prefix] if engine.package.target_prefix else []

    def score(sources: list[str], targets: list[str]) -> list[float]:
        src = [engine.processor.encode(s, out_type=str) for s in sources]
        tgt = [lang + engine.target_pieces(t) for t in targets]
        results = engine.translator.score_batch(
            src, tgt, max_batch_size=SCORE_BATCH_TOKENS, batch_type="tokens"
        )
        return [float(sum(r.log_probs)) / max(1, len(r.log_probs)) for r in results]

    return score


def worth_scoring(text: str) -> bool:
    """Whether to score insertions into ``text``: scoring costs about one decode per point, and
    the longest drafts are mostly the decoder's repetition loops, where no point is good."""
    return len(text.split()) <= _MAX_SCORED_WORDS


def insertion_points(text: str, protected: Sequence[tuple[int, int]]) -> list[int]:
    """Word starts in ``text`` (and the spot before the final punctuation) where a token may go,
    never inside ``protected`` spans (placeholders already placed)."""
    points = [0, *(m.start() for m in re.finditer(r"(?<=\s)\S", text))]
    points.append(len(text.rstrip().rstrip(_END_PUNCT)))
    kept = sorted({p for p in points if not any(s < p < e for s, e in protected)})
    if len(kept) > _MAX_POINTS:
        step = len(kept) / _MAX_POINTS
        kept = [kept[int(i * step)] for i in range(_MAX_POINTS)]
    return kept


def insert_at(text: str, point: int, token: str) -> str:
    """``text`` with ``token`` inserted at ``point`` as a word of its own."""
    head, tail = text[:point].rstrip(), text[point:].lstrip()
    left = f"{head} " if head else ""
    joint = "" if not tail or tail[0] in ".,;:!?)”’" else " "
    return f"{left}{token}{joint}{tail}"


def prefix_for(text: str, point: int, token: str) -> str:
    """The forced target prefix: the sentence up to ``point``, then the token."""
    head = text[:point].rstrip()
    return f"{head} {token}" if head else token


def best_points(
    points: Sequence[int], scores: Sequence[float] | None, text: str, ratio: float, k: int
) -> list[int]:
    """The ``k`` highest-scoring points; without scores, the one nearest the term's relative
    position in the source (Chinese and English order agree often enough for a last resort)."""
    if scores:
        ranked = sorted(zip(scores, points, strict=True), key=lambda sp: -sp[0])
        return [p for _, p in ranked[:k]]
    target = ratio * len(text)
    return [min(points, key=lambda p: abs(p - target))]

"""The acceptance rule: an enforced sentence replaces the model's plain one only if it is no worse.

Forcing a term into a sentence can break it: the placeholder pass re-translates the whole
sentence from a changed source, and the model may build a different sentence around the token
("China did not send representatives to XT1X" for 中国国防部…未派代表, the meaning inverted) or
drop a number. So each enforced candidate is compared with the plain translation of the same
segment, and rejected when it

* loses a number the plain translation carried (:func:`pipeline.qa.missing_numbers`);
* loses Latin text of the source (names, designators, URLs, the author's own English gloss)
  that the plain translation kept verbatim;
* stutters: writes a word twice in a row where the plain translation does not;
* keeps a placeholder-like token the decoder garbled ("(XT1x)");
* is much shorter or longer than the plain translation, not counting the term renderings;
* is much less likely to the model itself: the mean log-probability per piece of its words
  away from the term renderings (CTranslate2 ``score_batch``, one teacher-forced pass) is
  below the plain sentence's by more than a margin (``EnforceSettings.score_margin``).
  Glossary renderings are often unlikely to the model ("Ministry of National Defense (MND)"
  against its "Ministry of Defence"), and so is the word right after one, so both are left
  out of the mean; what remains measures the sentence around them ("China did not send"
  scores −3.4, −7.3 per piece where the plain "the Chinese Ministry" had −0.6, −0.9).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise
from typing import Literal, get_args

from pipeline.enforce.english import find_renderings
from pipeline.glossary import Term
from pipeline.qa import missing_numbers
from pipeline.translate.engine import SCORE_BATCH_TOKENS, Engine, target_vocabulary

Rejection = Literal["number", "latin", "repeat", "token", "length", "score"]
"""Why a candidate was rejected: it lost a number, lost Latin text, repeats a word the plain
sentence does not ("the army's army's army"), kept a placeholder-like token ("(XT1x)"),
changed length, or the model found the sentence around the terms much less likely than its
plain one."""
REJECTIONS: tuple[Rejection, ...] = get_args(Rejection)

WordScorer = Callable[[list[str], list[str]], list[list[tuple[float, int]]]]
"""``scorer(sources, targets)`` → for each target, ``(log-probability, pieces)`` per
whitespace-separated word, then one entry for the end of the sentence."""

REDECODE_FACTOR = 0.5
"""The score margin for sentences the fallback decodes made (placeholder-alt, inline, prefix) is
this share of the normal one: on the devcorpus every fallback sentence the model scored more
than 0.15 below the plain one was worse ("Beijing can missile be launched", +0.29)."""
LENGTH_BOUNDS = (0.7, 1.5)
"""Word-count ratio, candidate to plain, both without term renderings (the plain one without
as many words as the renderings it lacks have: its own wording of those terms)."""
SCORE_MIN_PIECES = 6
"""Fewer pieces away from the terms than this say nothing about the sentence (a short one
made mostly of terms: "Hao Ren says James Acton spoke in Beijing and Washington"): the score
check is skipped."""
LENGTH_MIN_WORDS = 6
"""Below this many plain words the ratio says nothing (one word more is 20%)."""
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.'’][A-Za-z0-9]+)*|\d+[A-Za-z][A-Za-z0-9-]*")
_WORD = re.compile(r"\S+")
_TOKEN = re.compile(r"\b[A-Z]?XT\d+X\b|\bZX\d+\b", re.I)


@dataclass(frozen=True)
class Candidate:
    """An enforced English for one segment, to be judged against its plain translation."""

    source: str
    plain: str
    text: str
    terms: Sequence[Term]


def cheap_rejection(candidate: Candidate) -> Rejection | None:
    """The first check a candidate fails among numbers, Latin text, stutters, leftover tokens
    and length, if any."""
    source, plain, text = candidate.source, candidate.plain, candidate.text
    if set(missing_numbers(source, text)) - set(missing_numbers(source, plain)):
        return "number"
    kept = {m.group() for m in _LATIN.finditer(source) if _has_token(plain, m.group())}
    if any(not _has_token(text, token) for token in kept):
        return "latin"
    if _stutters(text) - _stutters(plain):
        return "repeat"
    if _TOKEN.search(text):
        return "token"
    own = _words_outside(text, candidate.terms)
    rendered = {t.id for t, *_ in find_renderings(plain, candidate.terms)}
    guess = sum(len(t.en.split()) for t in dict.fromkeys(candidate.terms) if t.id not in rendered)
    base = _words_outside(plain, candidate.terms) - guess
    if base >= LENGTH_MIN_WORDS and not LENGTH_BOUNDS[0] <= own / base <= LENGTH_BOUNDS[1]:
        return "length"
    return None


def _stutters(text: str) -> set[str]:
    """Words written twice in a row ("army's army's", "Colonel Colonel")."""
    words = [w.strip("\"'“”‘’()[],.;:!?").lower() for w in text.split()]
    return {a for a, b in pairwise(words) if a == b and len(a) > 2}


def _has_token(text: str, token: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(token)}(?![A-Za-z0-9])", text) is not None


def _words_outside(text: str, terms: Sequence[Term]) -> int:
    """Words of ``text`` outside the renderings of ``terms``."""
    spans = term_spans(text, terms)
    return sum(1 for m in _WORD.finditer(text) if not _inside(m.start(), m.end(), spans))


def term_spans(text: str, terms: Sequence[Term]) -> list[tuple[int, int]]:
    """Where the renderings of ``terms`` are in ``text``."""
    return [(start, end) for _, start, end, _, _ in find_renderings(text, terms)]


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def context_score(
    text: str,
    words: Sequence[tuple[float, int]],
    terms: Sequence[Term],
    skip: Collection[int] = (),
) -> tuple[float, int]:
    """Mean log-probability per piece of ``text``'s words away from the term renderings (the
    end of the sentence included); ``words`` is the scorer's output for ``text``, ``skip`` more
    word indexes to leave out (see :func:`plain_skip`). Returns the mean and how many pieces
    it is over.

    The words right next to a rendering are left out too: a name the model does not expect
    makes the word after it unlikely whatever it is ("Hao Ren states", "JL-2 missiles"), while
    a sentence built wrong shows elsewhere ("China did not send" scores −3.4 and −7.3).
    """
    spans = term_spans(text, terms)
    found = list(_WORD.finditer(text))
    inside = [_inside(m.start(), m.end(), spans) or k in skip for k, m in enumerate(found)]
    total, pieces = 0.0, 0
    for k, (logprob, count) in enumerate(words[: len(found)]):
        near = inside[k] or (k > 0 and inside[k - 1]) or (k + 1 < len(found) and inside[k + 1])
        if not near:
            total, pieces = total + logprob, pieces + count
    if len(words) > len(found):
        logprob, count = words[-1]
        total, pieces = total + logprob, pieces + count
    return total / max(1, pieces), pieces


def plain_skip(plain: str, candidate: str, terms: Sequence[Term]) -> set[int]:
    """Indexes of the plain sentence's words that stand where the candidate has a term
    rendering (the model's own wording of the term, "Treaty banning nuclear weapons"), found
    by aligning the two word by word: the plain score leaves them out as the candidate's
    leaves its renderings out, so a sentence that only changed the term scores the same."""
    spans = term_spans(candidate, terms)
    cand = list(_WORD.finditer(candidate))
    marked = {k for k, m in enumerate(cand) if _inside(m.start(), m.end(), spans)}
    plain_words = [_norm(w) for w in plain.split()]
    matcher = SequenceMatcher(None, plain_words, [_norm(m.group()) for m in cand], False)
    skip: set[int] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            skip.update(i1 + d for d in range(i2 - i1) if j1 + d in marked)
        elif marked & set(range(j1, j2)):
            skip.update(range(i1, i2))
    return skip


def _norm(word: str) -> str:
    return word.strip("\"'“”‘’()[],.;:!?").lower()


def engine_word_scorer(engine: object) -> WordScorer | None:
    """A word scorer over a loaded :class:`pipeline.translate.Engine`; ``None`` for other engines
    (test fakes) and packages without a readable target vocabulary."""
    if not isinstance(engine, Engine):
        return None
    if not target_vocabulary(str(engine.package.model_dir)):
        return None
    lang = [engine.package.target_prefix] if engine.package.target_prefix else []

    def score(sources: list[str], targets: list[str]) -> list[list[tuple[float, int]]]:
        if not sources:
            return []
        split = [[engine.target_pieces(word) for word in t.split()] for t in targets]
        src = [engine.processor.encode(s, out_type=str) for s in sources]
        tgt = [lang + [p for word in words for p in word] for words in split]
        results = engine.translator.score_batch(
            src, tgt, max_batch_size=SCORE_BATCH_TOKENS, batch_type="tokens"
        )
        out = []
        for words, result in zip(split, results, strict=True):
            logprobs = list(result.log_probs)[len(lang) :]
            per_word: list[tuple[float, int]] = []
            pos = 0
            for word in [*words, ["</s>"]]:
                chunk = logprobs[pos : pos + len(word)]
                per_word.append((float(sum(chunk)), len(chunk)))
                pos += len(word)
            out.append(per_word)
        return out

    return score

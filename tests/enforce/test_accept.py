"""The acceptance rule: an enforced sentence against the plain one."""

from __future__ import annotations

import pytest

from pipeline.enforce.accept import Candidate, cheap_rejection, context_score, engine_word_scorer
from pipeline.glossary.terms import make_term

MND = make_term("mnd", "国防部", "Ministry of National Defense", "MND")
HIMARS = "台湾国防部以7.5亿美元采购HIMARS火箭炮。"
PLAIN = "Taiwan's Ministry of Defence bought HIMARS rocket launchers for $750 million."


@pytest.mark.parametrize(
    ("candidate", "rejection"),
    [
        ("Taiwan's Ministry of National Defense (MND) bought HIMARS rocket launchers for "
         "$750 million.", None),
        ("Taiwan's Ministry of National Defense (MND) bought HIMARS rocket launchers.",
         "number"),
        ("Taiwan's Ministry of National Defense (MND) bought rocket launchers for $750 "
         "million.", "latin"),
        ("Taiwan's Ministry of National Defense (MND) bought bought HIMARS rocket launchers "
         "for $750 million.", "repeat"),
        ("Taiwan's Ministry of National Defense (MND) bought HIMARS launchers for $750 million, "
         "the first such purchase of rocket artillery by the island's armed forces in two "
         "decades.", "length"),
    ],
)  # fmt: skip
def test_cheap_checks(candidate: str, rejection: str | None) -> None:
    assert cheap_rejection(Candidate(HIMARS, PLAIN, candidate, [MND])) == rejection


def test_short_sentences_are_not_judged_on_length() -> None:
    source, plain = "国防部说。", "It said."
    assert cheap_rejection(Candidate(source, plain, "The MND said so today.", [MND])) is None


def test_context_score_leaves_out_the_term_renderings() -> None:
    text = "The Ministry of National Defense (MND) said."
    words = [(-0.5, 1), (-4.0, 1), (-1.0, 1), (-4.0, 1), (-4.0, 1), (-6.0, 3), (-0.5, 1), (-0.1, 1)]
    assert context_score(text, words, [MND]) == pytest.approx((-0.5 - 0.5 - 0.1) / 3)
    assert context_score("It said.", [(-1.0, 1), (-0.5, 2), (-0.5, 1)], []) == pytest.approx(-0.5)


def test_engines_without_a_model_have_no_scorer() -> None:
    assert engine_word_scorer(object()) is None

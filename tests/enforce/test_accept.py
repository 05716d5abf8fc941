"""The acceptance rule: an enforced sentence against the plain one."""

from __future__ import annotations

import pytest

from pipeline.enforce.accept import (
    Candidate,
    cheap_rejection,
    context_score,
    engine_word_scorer,
    plain_skip,
)
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


def test_context_score_leaves_out_the_term_renderings_and_their_neighbours() -> None:
    text = "Then the Ministry of National Defense (MND) said it was over."
    words = [(-0.5, 1), (-1.0, 1), (-4.0, 1), (-1.0, 1), (-4.0, 1), (-4.0, 1), (-6.0, 3),
             (-3.0, 1), (-0.2, 1), (-0.4, 1), (-0.3, 1), (-0.1, 1)]  # fmt: skip
    mean, pieces = context_score(text, words, [MND])
    assert (mean, pieces) == (pytest.approx((-0.5 - 0.2 - 0.4 - 0.3 - 0.1) / 5), 5)
    assert context_score("It said.", [(-1.0, 1), (-0.5, 2), (-0.5, 1)], []) == (-0.5, 4)


def test_the_plain_sentence_leaves_out_its_own_wording_of_the_term() -> None:
    plain = "The Treaty banning nuclear weapons entered into force in 2021."
    enforced = "The Treaty on the Prohibition of Nuclear Weapons (TPNW) entered into force in 2021."
    tpnw = make_term(
        "tpnw", "禁止核武器条约", "Treaty on the Prohibition of Nuclear Weapons", "TPNW"
    )
    assert plain_skip(plain, enforced, [tpnw]) == {1, 2, 3, 4}


def test_engines_without_a_model_have_no_scorer() -> None:
    assert engine_word_scorer(object()) is None


def test_a_candidate_with_a_garbled_placeholder_is_rejected() -> None:
    source, plain = "美俄签有协议（BMLNA）。", "The US and Russia signed an agreement (BMLNA)."
    garbled = "The US and Russia signed an agreement (BMLNA) (XT1x)."
    assert cheap_rejection(Candidate(source, plain, garbled, [MND])) == "token"

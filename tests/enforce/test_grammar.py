"""English grammar around a rewritten mention: articles, capitals, plurals, agreement."""

from __future__ import annotations

import pytest

from pipeline.enforce.draft import Slot, placeholder_draft, plain_draft, render
from pipeline.enforce.grammar import (
    Edit,
    apply_edits,
    bare_plural,
    indefinite_article,
    is_headline,
    plural_context,
)
from pipeline.glossary.terms import Term, make_term


@pytest.mark.parametrize(
    ("phrase", "article"),
    [
        ("ICBM", "an"), ("SLBM", "an"), ("HGV", "an"), ("MTCR", "an"), ("IAEA", "an"),
        ("NATO", "a"), ("MIRV", "a"), ("THAAD", "a"), ("UNSC", "a"), ("DF-41", "a"),
        ("intercontinental ballistic missile", "an"), ("U.S. official", "a"),
        ("unit", "a"), ("hour", "an"), ("submarine", "a"),
    ],
)  # fmt: skip
def test_indefinite_article(phrase: str, article: str) -> None:
    assert indefinite_article(phrase) == article


@pytest.mark.parametrize(
    ("text", "edits", "expected"),
    [
        ("The the X", [Edit(4, 9, "the Pentagon")], "The Pentagon"),
        ("An X here", [Edit(3, 4, "missile")], "A missile here"),
        ("a missile now", [Edit(9, 9, "", "ICBM")], "a missile (ICBM) now"),
        ("missile (ICBM) now", [Edit(7, 7, "", "ICBM")], "missile (ICBM) now"),
        ("X.", [Edit(0, 1, "no first use")], "No first use."),
        ("The U.S. X", [Edit(9, 10, "missile")], "The U.S. missile"),
        ("Mr. X", [Edit(4, 5, "hao ren")], "Mr. hao ren"),
        ("in X", [Edit(3, 4, "Taiwan Strait", article=True)], "in the Taiwan Strait"),
        ("Taiwan X", [Edit(7, 8, "Ministry", article=True)], "Taiwan Ministry"),
        ("2019X", [Edit(4, 5, "Expo")], "2019 Expo"),
    ],
)
def test_apply_edits(text: str, edits: list[Edit], expected: str) -> None:
    assert apply_edits(text, edits) == expected


# ---------------------------------------------------------------- around a placeholder

LEE = make_term("lee", "李登辉", "Lee Teng-hui")
RELATIONS = make_term("rel", "两岸关系", "cross-strait relations")
WEAPON = make_term("nw", "核武器", "nuclear weapon")
MND = make_term("mnd", "国防部", "Ministry of National Defense", "MND")
PLA = make_term("pla", "解放军", "People's Liberation Army", "PLA")
NTD = make_term("ntd", "新台币", "NT$")
PRINCE = make_term("prince", "八王子", "The Eighth Prince")


@pytest.mark.parametrize(
    ("term", "draft", "en"),
    [
        # a person's name loses the article the model gave an unknown token
        (LEE, "The XT1X was re-elected.", "Lee Teng-hui was re-elected."),
        (LEE, "and the XT1X became President.", "and Lee Teng-hui became President."),
        (LEE, "the XT1X administration said", "the Lee Teng-hui administration said"),
        # institutions take one; never after an adjective, never two articles
        (MND, "It helps. XT1X expresses thanks.", "It helps. The MND expresses thanks."),
        (MND, "to modernize XT1X in", "to modernize the MND in"),
        (MND, "the number of new XT1X equipment", "the number of new MND equipment"),
        (MND, "a XT1X official said", "an MND official said"),
        (PLA, "It is XT1X", "It is the PLA"),
        (PRINCE, "when XT1X arrived", "when the Eighth Prince arrived"),
        # plurals the words around call for, and the verb after a plural
        (WEAPON, "modernization of XT1X.", "modernization of nuclear weapons."),
        (WEAPON, "the number of XT1X has doubled", "the number of nuclear weapons has doubled"),
        (WEAPON, "XT1X numbers grew", "Nuclear weapon numbers grew"),
        (RELATIONS, "In 1999, XT1X was defined", "In 1999, cross-strait relations were defined"),
        (RELATIONS, "since XT1X has improved", "since cross-strait relations have improved"),
        # a currency sign stays against its amount
        (NTD, "a budget of XT1X 240 billion", "a budget of NT$240 billion"),
    ],
)  # fmt: skip
def test_grammar_around_a_placeholder(term: Term, draft: str, en: str) -> None:
    slots = [Slot(term, 0, len(term.zh[0]))]
    placed = placeholder_draft(draft, slots, "XT", "placeholder")
    assert render(term.zh[0], slots, placed, "first", {term.id}) == en


def test_both_and_does_not_make_the_first_of_a_pair_plural() -> None:
    assert plural_context("both ", " and the police") is False
    assert plural_context("both ", " were there") is True


@pytest.mark.parametrize(
    ("before", "after", "plural"),
    [
        ("promotion of ", ", but", False),  # abstract: peaceful reunification
        ("of ", " and", True),
        ("of ", " technology", False),
        ("of the ", ".", False),
    ],
)
def test_bare_plural(before: str, after: str, plural: bool) -> None:
    term = make_term("x", "和平统一", "peaceful reunification") if "promotion" in before else WEAPON
    assert bare_plural(before, after, term) is plural


def test_a_possessive_in_the_sentence_before_does_not_determine_the_next_one() -> None:
    slots = [Slot(MND, 0, 3)]
    text = "It builds Taiwan's defensive capability. XT1X expresses its thanks."
    draft = placeholder_draft(text, slots, "XT", "placeholder")
    assert render("国防部", slots, draft, "first", {"mnd"}) == (
        "It builds Taiwan's defensive capability. The MND expresses its thanks."
    )


ICBM = make_term("icbm", "洲际弹道导弹", "intercontinental ballistic missile", "ICBM")
CCP = make_term(
    "ccp", "中共", "Chinese Communist Party", "CCP", accept="Communist Party of China|CPC"
)


@pytest.mark.parametrize(
    ("term", "draft", "en"),
    [
        # a headline keeps title case, the model's own and an inserted rendering alike
        (ICBM, "North Korea Shows New Intercontinental Ballistic Missiles",
         "North Korea Shows New Intercontinental Ballistic Missiles (ICBMs)"),
        (ICBM, "North Korea Shows Its Largest XT1X Ever", "North Korea Shows Its Largest "
         "Intercontinental Ballistic Missile (ICBM) Ever"),
        # no gloss inside a parenthesis or right before one
        (ICBM, "missiles (XT1X) were shown", "missiles (intercontinental ballistic missile) were "
         "shown"),
        (CCP, "The Chinese Communist Party (CPC) said", None),
    ],
)  # fmt: skip
def test_case_and_glosses_around_a_mention(term: Term, draft: str, en: str | None) -> None:
    slots = [Slot(term, 0, len(term.zh[0]))]
    if "XT1X" in draft:
        found = placeholder_draft(draft, slots, "XT", "placeholder")
    else:
        found = plain_draft(draft, slots)
    assert render(term.zh[0], slots, found, "first", set()) == (en or draft)


def test_headlines() -> None:
    assert is_headline("Taiwan Passes Special Budget for New Fighters")
    assert not is_headline("Taiwan passed a special budget for new fighters")

"""The last resort: the plain sentence with only the term's own wording replaced."""

from __future__ import annotations

from pipeline.enforce.draft import Slot, placeholder_draft, render
from pipeline.enforce.insert import insert_draft
from pipeline.glossary.terms import make_term

MND = make_term("mnd", "国防部", "Ministry of National Defense", "MND")
DPP = make_term("dpp", "民进党", "Democratic Progressive Party", "DPP")


def rendered(plain: str, slots: list[Slot], drafts: list[str] = ()) -> str | None:  # type: ignore[assignment]
    placeholders = [placeholder_draft(d, slots, "XT", "placeholder") for d in drafts]
    draft = insert_draft(plain, slots, placeholders)
    return None if draft is None else render("国防部", slots, draft, "first", set())


def test_the_models_wording_is_found_by_the_renderings_words() -> None:
    plain = "According to the official, the Chinese Ministry of Defence and the PLA were absent."
    assert rendered(plain, [Slot(MND, 0, 3)]) == (
        "According to the official, the Chinese Ministry of National Defense (MND) and the PLA "
        "were absent."
    )


def test_the_models_wording_is_found_by_aligning_a_placeholder_translation() -> None:
    plain = "After the election, Chen and his PNP continued their policy."
    draft = "After the election, Chen and his XT1X continued their policy."
    assert rendered(plain, [Slot(DPP, 0, 3)], [draft]) == (
        "After the election, Chen and his Democratic Progressive Party (DPP) continued their "
        "policy."
    )


def test_nothing_is_inserted_where_the_wording_is_not_found() -> None:
    plain = "The Vice-Minister of Defence of Taiwan, General Zhang, and others."
    draft = "Vice-Ministers of XT1X, Admiral Zhang, and others."
    assert rendered(plain, [Slot(MND, 0, 3)], [draft]) is None


def test_quotes_and_punctuation_around_the_wording_stay() -> None:
    term = make_term("c92", "九二共识", "1992 Consensus")
    plain = "a consensus known as the “Nixty-two Consensus”, the main thrust"
    draft = "a consensus known as the XT1X, the main thrust"
    assert rendered(plain, [Slot(term, 0, 4)], [draft]) == (
        "a consensus known as the “1992 Consensus”, the main thrust"
    )

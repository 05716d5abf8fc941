"""Glossary matching: longest-leftmost terms, glosses, names, script normalization."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.glossary.collection import Glossary, match_terms
from pipeline.glossary.terms import Term
from pipeline.glossary.tsv import load_glossary
from pipeline.settings import NormalizeSettings

ROOT = Path(__file__).resolve().parents[2]
ARMS = ROOT / "glossaries" / "arms-control.tsv"
NAMES = ROOT / "tests" / "data" / "glossary" / "names.tsv"
AUTO = NormalizeSettings(script="auto")


@pytest.fixture(scope="module")
def arms() -> Glossary:
    return load_glossary(ARMS, AUTO)


@pytest.fixture(scope="module")
def names() -> Glossary:
    return load_glossary(NAMES, AUTO)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # longest match wins over a shorter term starting at the same place
        ("美国国务院发言人说", [("美国国务院", "us-state-department")]),
        ("国务院常务会议", [("国务院", "state-council")]),
        ("美国国防部和中国国防部", [("美国国防部", "us-dod"), ("国防部", "china-mnd")]),
        ("中国人民解放军火箭军", [("中国人民解放军火箭军", "plarf")]),
        ("晋级弹道导弹核潜艇", [("晋级弹道导弹核潜艇", "jin-class-submarine")]),
        # overlap: leftmost wins, then scanning resumes after it
        ("潜射弹道导弹和弹道导弹", [("潜射弹道导弹", "slbm"), ("弹道导弹", "ballistic-missile")]),
        ("美苏弹道导弹发射通知协议", [("弹道导弹发射通知协议", "bmlna")]),
        ("核武器库", [("核武器库", "nuclear-arsenal")]),
        # variants, Taiwan vocabulary and Traditional script
        ("洲际弹道飞弹", [("洲际弹道飞弹", "icbm")]),
        ("洲際彈道飛彈", [("洲際彈道飛彈", "icbm")]),
        ("五角大廈", [("五角大廈", "pentagon")]),
        ("晉級彈道飛彈核潛艦", [("晉級彈道飛彈核潛艦", "jin-class-submarine")]),
        ("核子彈頭", [("核子彈頭", "nuclear-warhead")]),
        ("巡弋飞弹", [("巡弋飞弹", "cruise-missile")]),
        # Latin forms: case-insensitive, word boundaries, plural s
        ("ICBMX", []),
        ("xICBM", []),
        ("icbm", [("icbm", "icbm")]),
        ("ICBMs", [("ICBMs", "icbm")]),
        ("ICBMsx", []),
        ("已发展ICBM和SLBM", [("ICBM", "icbm"), ("SLBM", "slbm")]),
        ("NEW START", [("NEW START", "new-start")]),
        ("the new startup", []),
        ("东风-41A", []),
        ("东风-41导弹", [("东风-41", "df-41"), ("导弹", "missile")]),
        ("", []),
    ],
)
def test_match_terms(arms: Glossary, text: str, expected: list[tuple[str, str]]) -> None:
    assert [(text[m.start : m.end], m.term.id) for m in match_terms(text, arms)] == expected


@pytest.mark.parametrize(
    ("text", "surface", "gloss", "kind", "consumed"),
    [
        ("洲际弹道导弹（ICBM）和", "洲际弹道导弹", "ICBM", "abbr", "（ICBM）"),
        ("洲际弹道导弹(ICBM)和", "洲际弹道导弹", "ICBM", "abbr", "(ICBM)"),
        ("洲际弹道导弹（ICBMs）", "洲际弹道导弹", "ICBMs", "abbr", "（ICBMs）"),
        (
            "“弹道导弹发射通知协议”（Ballistic Missile Launch Notification Agreement）",
            "弹道导弹发射通知协议",
            "Ballistic Missile Launch Notification Agreement",
            "en",
            "（Ballistic Missile Launch Notification Agreement）",
        ),
        ("晋级（Jin-class）弹道导弹核潜舰", "晋级", "Jin-class", "en", "（Jin-class）"),
        ("导弹 (missile)", "导弹", "missile", "en", "(missile)"),
        ("核潜艇（nuclear sub）", "核潜艇", "nuclear sub", "other", "（nuclear sub）"),
        (
            "五角大楼（Pentagon officials）",
            "五角大楼",
            "Pentagon officials",
            "partial",
            "（Pentagon officials）",
        ),
        ("MOU(谅解备忘录）", "MOU", "谅解备忘录", "form", "(谅解备忘录）"),
    ],
)
def test_existing_gloss_is_recorded(
    arms: Glossary, text: str, surface: str, gloss: str, kind: str, consumed: str
) -> None:
    first = match_terms(text, arms)[0]
    assert text[first.start : first.end] == surface
    assert (first.gloss, first.gloss_kind) == (gloss, kind)
    assert first.gloss_start is not None and first.gloss_end is not None
    assert text[first.gloss_start : first.gloss_end] == consumed
    assert first.consumed_end == first.gloss_end


def test_gloss_is_consumed_so_its_abbreviation_is_not_matched_again(arms: Glossary) -> None:
    text = "洲际弹道导弹（ICBM）和潜射弹道导弹（SLBM）"
    found = [(m.term.id, m.gloss) for m in match_terms(text, arms)]
    assert found == [("icbm", "ICBM"), ("slbm", "SLBM")]
    assert [m.term.id for m in match_terms("MOU(谅解备忘录）", arms)] == ["mou"]


@pytest.mark.parametrize(
    "text",
    [
        "弹道导弹（2023年）",
        "洲际弹道导弹（见下文）",
        "洲际弹道导弹（ICBM",
        "导弹（）",
        "导弹，（ICBM）",
    ],
)
def test_not_a_gloss(arms: Glossary, text: str) -> None:
    assert all(m.gloss is None for m in match_terms(text, arms))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("郝仁在华盛顿特区会见国务卿", ["hao-ren", "washington-dc", "secretary-of-state"]),
        ("华盛顿与北京", ["washington", "beijing"]),
        ("艾克顿（James Acton）说", ["james-acton"]),
        ("推进一带一路倡议和人类命运共同体", ["bri", "shared-future"]),
        ("外交部长发言人", ["foreign-minister", "spokesperson"]),
        ("BRI projects", ["bri"]),
    ],
)
def test_names_glossary(names: Glossary, text: str, expected: list[str]) -> None:
    assert [m.term.id for m in match_terms(text, names)] == expected


def test_person_gloss_matches_rendering(names: Glossary) -> None:
    (match,) = match_terms("艾克顿（James Acton）说", names)
    assert (match.gloss, match.gloss_kind) == ("James Acton", "en")


@pytest.mark.parametrize(
    ("settings", "hits"),
    [
        (None, []),
        (NormalizeSettings(script="auto"), ["silo"]),
        (NormalizeSettings(script="t2s"), ["silo"]),
    ],
)
def test_traditional_glossary_forms_are_normalized_like_documents(
    settings: NormalizeSettings | None, hits: list[str]
) -> None:
    glossary = Glossary((Term("silo", ("飛彈發射井",), "missile silo"),), settings=settings)
    assert [m.term.id for m in match_terms("三百座飞弹发射井", glossary)] == hits


def test_traditional_documents_match_after_normalization(names: Glossary) -> None:
    from pipeline.normalize.text import normalize_text

    text = normalize_text("郝仁在華盛頓特區會見國務卿", AUTO).text
    assert [m.term.id for m in match_terms(text, names)] == [
        "hao-ren",
        "washington-dc",
        "secretary-of-state",
    ]


def test_large_generated_glossary_matches_every_term() -> None:
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    forms = list(
        dict.fromkeys("".join(rng.choices(alphabet, k=rng.randint(2, 8))) for _ in range(10_000))
    )
    terms = tuple(Term(f"t{i}", (f,), f"term {i}") for i, f in enumerate(forms))
    glossary = Glossary(terms)
    picks = rng.sample(range(len(forms)), 50)
    text = "，".join(forms[i] for i in picks)
    found = [m.term.id for m in match_terms(text, glossary)]
    assert found == [f"t{i}" for i in picks]


def test_a_huge_term_costs_memory_in_proportion_to_its_length() -> None:
    from pipeline.glossary.match import PREFIX_CAP, Matcher

    huge = "导弹" * 50_000
    matcher = Matcher([Term("huge", (huge,), "missile"), Term("m", ("导弹",), "m")], None)
    assert len(matcher.prefixes) <= PREFIX_CAP + 2  # before the fix: 100,000 prefixes, 10 GB
    found = matcher.scan("前" + huge + "后导弹")
    assert [(m.term.id, m.start, m.end) for m in found] == [
        ("huge", 1, 1 + len(huge)),
        ("m", 2 + len(huge), 4 + len(huge)),
    ]
    assert [m.term.id for m in matcher.scan(huge[:-1])] == ["m"] * (50_000 - 1)

"""Glossary matching: longest-leftmost terms, glosses, names, script normalization."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.glossary.collection import Glossary, match_terms
from pipeline.glossary.terms import Term, make_term
from pipeline.settings import NormalizeSettings

ROOT = Path(__file__).resolve().parents[2]
ARMS = ROOT / "glossaries" / "arms-control.tsv"
AUTO = NormalizeSettings(script="auto")


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
        ("icbm", []),
        ("ICBM", [("ICBM", "icbm")]),
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
        ("推进BRI项目", ["bri"]),
        ("BRI projects", []),
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


# ---------------------------------------------------------------- Chinese words and context


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    from pipeline.glossary.tsv import load_glossaries

    return load_glossaries([ARMS, ROOT / "glossaries" / "cross-strait.tsv"], AUTO)


@pytest.mark.parametrize(
    ("text", "matched", "reason"),
    [
        # the match would end inside a longer word: another noun
        ("国防部门的官员", [], "ends inside the word 国防部门"),
        ("《解放军报》评论", ["pla-daily"], None),
        ("其中共有15人", [], "ends inside the word 共有"),
        # a number after 约 ("about"): 以北|约15, although jieba reads 以|北约|15
        ("辛辛那提以北约15英里", [], "约 reads with the number after it (以北|约15英里)"),
        ("以北约为首的联军", ["nato"], None),
        ("北约约15万兵力", ["nato"], None),
        # the rest of the word is a word of its own: the term stands
        ("北约组织", ["nato"], None),
        ("中国人民解放军海军", ["pla-navy"], None),
        # a place name starting the word qualifies the term
        ("中国国防部和人民解放军未派代表与会", ["china-mnd", "pla"], None),
        # listed longer entries win by longest match
        ("王外交部长和王子龙会见", ["foreign-minister"], None),
        ("国防部长魏凤和", ["defense-minister"], None),
        ("联合国教科文组织", ["unesco"], None),
        ("对台军售", ["arms-sales-to-taiwan"], None),
    ],
)  # fmt: skip
def test_matches_respect_chinese_words(
    shipped: Glossary, text: str, matched: list[str], reason: str | None
) -> None:
    found, skipped = shipped.matcher().explain(text)
    assert [m.term.id for m in found] == matched
    assert [s.reason for s in skipped] == ([reason] if reason else [])


def test_a_cut_word_lets_a_shorter_term_start_inside_it() -> None:
    g = Glossary(
        (
            Term("mnd", ("国防部",), "Ministry of National Defense"),
            Term("defense", ("国防",), "national defense"),
        )
    )
    found, skipped = g.matcher().explain("国防部长说")
    assert [(m.form, m.term.id) for m in found] == [("国防", "defense")]
    assert [s.form for s in skipped] == ["国防部"]


def test_place_qualifiers_are_recorded(shipped: Glossary) -> None:
    found = shipped.matcher().scan("台湾国防部与美国防部")
    assert [(m.term.id, m.qualifier) for m in found] == [("china-mnd", "台湾"), ("us-dod", "")]
    assert shipped.matcher().scan("俄国防部")[0].qualifier == "俄"


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("mac版本：", []),
        ("陆委会（MAC）表示", ["mac"]),
        ("缺点（despite the PLA’s progress", []),
        ("例如PLNS MOU，由于", ["mou"]),
        ("已发展ICBM和SLBM", ["icbm", "slbm"]),
    ],
)
def test_latin_forms_need_capitals_and_are_not_matched_in_english_prose(
    shipped: Glossary, text: str, matched: list[str]
) -> None:
    assert [m.term.id for m in match_terms(text, shipped)] == matched


def test_shipped_glossaries_fix_the_everyday_names(shipped: Glossary) -> None:
    text = "蔡英文和民进党拒绝九二共识，立法院通过新台币2400亿元预算，国台办回应。"
    rendered = {m.term.id: m.term.en for m in match_terms(text, shipped)}
    assert rendered == {
        "tsai-ing-wen": "Tsai Ing-wen",
        "dpp": "Democratic Progressive Party",
        "consensus-1992": "1992 Consensus",
        "legislative-yuan": "Legislative Yuan",
        "nt-dollar": "NT$",
        "tao": "Taiwan Affairs Office",
    }
    taiwan = "蔡英文和民進黨拒絕九二共識，立法院通過新臺幣2400億元預算，國台辦回應。"
    assert [m.term.id for m in match_terms(taiwan, shipped)] == list(rendered)


def test_a_documents_own_name_matches_where_the_segmenter_glues_it_to_a_verb() -> None:
    """jieba reads 韩儒伯说 as one word: a glossary name there is refused, but a name the
    document glosses itself is declared a word by the document, so it matches."""
    name = make_term("doc:hammond", "韩儒伯", "Rupert Hammond-Chambers")
    text = "协会会长韩儒伯说，他知道。"
    assert match_terms(text, Glossary((name,))) == []
    (found,) = match_terms(text, Glossary((name,), word_checks=False))
    assert (found.start, found.end) == (4, 7)


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

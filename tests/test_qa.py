"""QA flags: case tables per flag (positive and negative), the numeral parser, and a calibration
check against human reference translations (skipped when ../shared is absent)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.document import Segment
from pipeline.qa import (
    FLAGS,
    LENGTH_RATIO_BOUNDS,
    english_numbers,
    has_repeated_ngram,
    missing_numbers,
    parse_zh_number,
    qa_flags,
    qa_segments,
    source_numbers,
    suspicion,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WMT19 = SHARED / "testsets" / "wmt19" / "newstest2019.zh-en"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十三", 33),
        ("三百", 300),
        ("一百零五", 105),
        ("两千", 2000),
        ("百万", 1_000_000),
        ("五百万", 5_000_000),
        ("5百万", 5_000_000),
        ("二十万", 200_000),
        ("2万4000", 24_000),
        ("2万4千", 24_000),
        ("1.1万", 11_000),
        ("1.5亿", 150_000_000),
        ("1亿2000万", 120_000_000),
        ("3万亿", 3_000_000_000_000),
        ("三点五", Decimal("3.5")),
        ("三点五亿", 350_000_000),
        ("二〇二二", 2022),
        ("一九四九", 1949),
        ("300", 300),
        ("24,000", 24_000),
        ("３００", 300),
        ("壹佰贰拾", 120),
        ("萬", 10_000),
    ],
)
def test_parse_zh_number(text: str, value: int | Decimal) -> None:
    assert parse_zh_number(text) == value


@pytest.mark.parametrize(
    "text", ["", "三四", "一一", "十十", "百十百", "3五", "点五", "人", "三点"]
)
def test_parse_zh_number_rejects_non_numbers(text: str) -> None:
    assert parse_zh_number(text) is None


@pytest.mark.parametrize(
    ("source", "en"),
    [
        ("建了300座桥。", "They built 300 bridges."),
        ("有2万4000人参加。", "24,000 people took part."),
        ("有2万4000人参加。", "24000 people took part."),
        ("有1.1万人。", "There are 11,000 people."),
        ("有1.1万人。", "There are 11 thousand people."),
        ("三百人到场。", "Three hundred people came."),
        ("三百人到场。", "300 people came."),
        ("十二月很冷。", "December is cold."),
        ("12月很冷。", "It is cold in December."),
        ("12月很冷。", "It is cold in month 12."),
        ("1至10月增长。", "It grew from January to October."),
        ("2022年发布。", "Released in 2022."),
        ("增长50%。", "Up 50 percent."),
        ("增长百分之五十。", "Up 50%."),
        ("增长百分之五十。", "Up fifty per cent."),
        ("投资1.5亿元。", "An investment of 150 million yuan."),
        ("投资15亿元。", "An investment of 1.5 billion yuan."),
        ("投资15亿元。", "An investment of $1.5bn."),
        ("有二十四个。", "There are twenty-four."),
        ("获得第二十四名。", "Finished twenty-fourth."),
        ("第十三届会议", "The 13th session"),
        ("30日举行", "held on the 30th"),
        ("近7成", "nearly 70%"),
        ("20世纪60年代", "in the 1960s"),
        ("有400多万人。", "Over four million people."),
        ("有 400 多万人。", "Over 4 million people."),
        ("经历了5，000多年", "more than 5,000 years"),
        ("约3-5人", "about 3 to 5 people"),
        ("420万至390万年前", "4.2-3.9 million years ago"),
        # Words written with numeral characters that are not numbers.
        ("这十分重要。", "This is very important."),
        ("一些人来了。", "Some people came."),
        ("万一下雨呢？", "What if it rains?"),
        ("千万不要去。", "Do not go."),
        ("周六见。", "See you on Saturday."),
        ("两国关系", "relations between the countries"),
        ("几十个人", "dozens of people"),
        ("数百人", "hundreds of people"),
        ("三分之一", "a third"),
        ("五角大楼", "the Pentagon"),
        ("大陆市场", "the mainland market"),
        ("", ""),
    ],
)
def test_number_present(source: str, en: str) -> None:
    assert missing_numbers(source, en) == []
    assert "number-missing" not in qa_flags(source, en or "x", [])


@pytest.mark.parametrize(
    ("source", "en", "missing"),
    [
        ("建了300座桥。", "They built many bridges.", [300]),
        ("建了300座桥。", "They built 30 bridges.", [300]),
        ("有2万4000人参加。", "2,400 people took part.", [24_000]),
        ("有1.1万人。", "There are 1.1 people.", [11_000]),
        ("三百人到场。", "Three people came.", [300]),
        ("十二月很冷。", "November is cold.", [12]),
        ("2022年发布。", "Released in 2021.", [2022]),
        ("增长百分之五十。", "Up 15%.", [50]),
        ("投资1.5亿元。", "An investment of 1.5 billion yuan.", [150_000_000]),
        ("3月26日以来", "Since then", [3, 26]),
        ("三个人", "people", [3]),
    ],
)
def test_number_missing(source: str, en: str, missing: list[int]) -> None:
    assert missing_numbers(source, en) == [Decimal(m) for m in missing]
    assert "number-missing" in qa_flags(source, en, [])


def test_source_numbers_marks_months_and_alternatives() -> None:
    assert source_numbers("十二月有7成") == [
        ((Decimal(12),), True),
        ((Decimal(7), Decimal(70)), False),
    ]


@pytest.mark.parametrize(
    ("en", "expected"),
    [
        ("three hundred and five", {305}),
        ("one million two hundred thousand", {1_200_000}),
        ("a hundred", {100}),
        ("2.5 million", {Decimal("2.5"), 2_500_000}),
        ("the 1990s", {1990}),
        ("both sides", {2}),
    ],
)
def test_english_numbers(en: str, expected: set) -> None:
    values, _ = english_numbers(en)
    assert {Decimal(v) for v in expected} <= values


def test_english_months_need_capitals() -> None:
    assert english_numbers("In May and Dec. we may go")[1] == {5, 12}


@pytest.mark.parametrize(
    ("en", "flagged"),
    [
        ("The 中国 team won.", True),
        ("He said 你好.", True),
        ("Rare character 𠀀 left.", True),
        ("All English here.", False),
        ("Punctuation only，。", False),
        ("Café, naïve, Ωmega", False),
    ],
)
def test_cjk_in_output(en: str, flagged: bool) -> None:
    assert ("cjk-in-output" in qa_flags("中国队赢了。", en, [])) is flagged


@pytest.mark.parametrize(
    ("source", "en", "flagged"),
    [
        ("中国队今天赢得了比赛。", "The Chinese team won the match today.", False),
        ("中国队今天赢得了比赛。", "Won.", True),
        ("中国队今天赢得了比赛。", "The " + "very " * 20 + "long answer.", True),
        ("赢了", "Won.", False),  # source under 8 characters: too short to judge
        # 11 source characters: the band is 13.75..75.9 English characters.
        ("中国队今天赢得了比赛。", "A" * 13, True),
        ("中国队今天赢得了比赛。", "A" * 14, False),
        ("中国队今天赢得了比赛。", "A" * 75, False),
        ("中国队今天赢得了比赛。", "A" * 76, True),
        # no Chinese: copied as it is (skipped), not a translation to measure
        ("This is an English only sentence.", "This is an English only sentence.", False),
    ],
)
def test_length_ratio(source: str, en: str, flagged: bool) -> None:
    assert ("length-ratio" in qa_flags(source, en, [])) is flagged


def test_length_ratio_bounds_are_ordered() -> None:
    low, high = LENGTH_RATIO_BOUNDS
    assert 0 < low < high


@pytest.mark.parametrize(
    ("en", "flagged"),
    [
        ("the the the", True),
        ("We will build build build it.", True),
        ("in the city in the city in the city", True),
        ("one two three four one two three four one two three four", True),
        ("Growth " + "and growth " * 7, True),
        ("Build Build", False),
        ("He had had enough.", False),
        ("The cat sat on the mat and the dog sat on the rug.", False),
        ("", False),
    ],
)
def test_repeated_ngram(en: str, flagged: bool) -> None:
    assert has_repeated_ngram(en) is flagged


@pytest.mark.parametrize(
    ("source", "en", "flags"),
    [
        ("你好。", "", ["empty-output"]),
        ("你好。", "   \n", ["empty-output"]),
        ("你好。", "Hello.", []),
        ("", "", []),
        ("  ", "", []),
    ],
)
def test_empty_output(source: str, en: str, flags: list[str]) -> None:
    assert qa_flags(source, en, []) == flags


def test_empty_output_suppresses_other_output_checks() -> None:
    assert qa_flags("建了300座桥，中国队今天赢得了比赛。", "", ["t1"]) == [
        "empty-output",
        "term-missed",
    ]


@pytest.mark.parametrize(("missed", "flagged"), [(["t1"], True), (["a", "b"], True), ([], False)])
def test_term_missed(missed: list[str], flagged: bool) -> None:
    assert ("term-missed" in qa_flags("欧盟委员会", "The EU Commission", missed)) is flagged


def test_flags_follow_table_order() -> None:
    en = "the the the 中国"
    flags = qa_flags("中国在2022年赢得了比赛，非常精彩。", en, ["t"])
    assert flags == [
        "number-missing",
        "cjk-in-output",
        "length-ratio",
        "repeated-ngram",
        "term-missed",
    ]
    assert flags == [code for code in FLAGS if code in flags]


def test_flags_table_documents_every_code() -> None:
    assert all(code and text.endswith(".") for code, text in FLAGS.items())


def _seg(i: int, normalized: str, en: str, flags: list[str] | None = None) -> Segment:
    return Segment(
        id=f"d:0:{i}", doc_id="d", block=0, index=i, start=0, end=len(normalized),
        source=normalized, normalized=normalized, en=en, flags=flags or [],
    )  # fmt: skip


def test_qa_segments_sets_flags_and_counts() -> None:
    segs = [
        _seg(0, "建了300座桥。", "They built bridges."),
        _seg(1, "你好。", ""),
        _seg(2, "你好。", "Hello.", flags=["glossary-conflict", "number-missing"]),
    ]
    counts = qa_segments(segs).to_json()
    assert list(counts) == list(FLAGS)
    assert counts["number-missing"] == 1
    assert counts["empty-output"] == 1
    assert sum(counts.values()) == 2
    assert segs[0].flags == ["number-missing"]
    assert segs[1].flags == ["empty-output"]
    # A stale QA code is dropped; another stage's code is kept after the QA codes.
    assert segs[2].flags == ["glossary-conflict"]
    assert qa_segments(segs).to_json() == counts  # idempotent
    assert segs[2].flags == ["glossary-conflict"]


def _reference_pairs(limit: int | None = None) -> list[tuple[str, str]]:
    if not WMT19.with_suffix(".zh-en.zh").parent.exists():
        pytest.skip("../shared/testsets/wmt19 is absent")
    zh = Path(f"{WMT19}.zh").read_text(encoding="utf-8").splitlines()
    en = Path(f"{WMT19}.en").read_text(encoding="utf-8").splitlines()
    return list(zip(zh, en, strict=True))[:limit]


def test_flags_stay_quiet_on_human_references() -> None:
    """Human translations are the negative class: each flag should fire on very few of them."""
    pairs = _reference_pairs()
    counts = dict.fromkeys(FLAGS, 0)
    for zh, en in pairs:
        for code in qa_flags(zh, en, []):
            counts[code] += 1
    rate = {code: n / len(pairs) for code, n in counts.items()}
    assert rate["length-ratio"] <= 0.015
    assert rate["number-missing"] <= 0.03  # most remaining hits are real omissions in the refs
    assert rate["repeated-ngram"] <= 0.002
    assert rate["cjk-in-output"] <= 0.002
    assert rate["empty-output"] == 0


def test_enforcements_unsafe_verdict_is_kept_and_counted() -> None:
    segs = [_seg(0, "五角大楼发出警告。", "Wujiao warned.", flags=["term-unsafe", "term-missed"])]
    segs[0].terms_missed = ["pentagon"]
    counts = qa_segments(segs).to_json()
    assert segs[0].flags == ["term-missed", "term-unsafe"]
    assert counts["term-unsafe"] == 1 and counts["term-missed"] == 1
    assert "plain translation was kept" in FLAGS["term-unsafe"]


@pytest.mark.parametrize(
    ("source", "en", "badness"),
    [
        ("他们建了300座桥。", "They built 300 bridges.", 0),
        ("他们建了300座桥，花了5年。", "They built bridges.", 2),
        ("美国是希望和中国建立导弹发射通知机制的国家。", "The US-US-US-US-US-US-US-US", 2),
        ("你好。", "", 1),
    ],
)
def test_suspicion_counts_what_a_new_decoding_could_fix(source: str, en: str, badness: int) -> None:
    assert suspicion(source, en) == badness

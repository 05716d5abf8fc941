"""Clean-up, script conversion and offsets of the normalize stage."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.document import Block, Document, Metadata
from pipeline.normalize.script import convert
from pipeline.normalize.text import normalize_document, normalize_text
from pipeline.settings import NormalizeSettings

DATA = Path(__file__).resolve().parents[1] / "data" / "normalize"
AUTO = NormalizeSettings()


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8").rstrip("\n")


def make_doc(*texts: str) -> Document:
    blocks = [Block(index=i, kind="paragraph", text=t) for i, t in enumerate(texts)]
    return Document("doc", "doc.md", "markdown", "utf-8", Metadata(), blocks)


def check_offsets(original: str, text: str, offsets: list[int]) -> None:
    assert len(offsets) == len(text) + 1
    assert offsets[-1] == len(original)
    assert offsets == sorted(offsets)
    assert all(0 <= o < len(original) for o in offsets[:-1])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＩＣＢＭ和ＳＬＢＭ", "ICBM和SLBM"),
        ("２０２３年", "2023年"),
        ("增长３．１４％", "增长3.14%"),
        ("COVID－19，km／h，10：30", "COVID-19，km/h，10:30"),
        ("比分：３：２", "比分：3:2"),  # ： after a word stays Chinese punctuation
        ("你好，世界！真的？（注）「引」：；", "你好，世界！真的？（注）「引」：；"),
        ("５～１０人", "5～10人"),
        ("中 文", "中 文"),  # a typed space between CJK is a separator
        ("新华社北京3月5日电\u3000国务院", "新华社北京3月5日电 国务院"),
        ("中  \u3000 文", "中 文"),
        ("硬换\n行", "硬换行"),  # a line break between CJK is a wrap artifact
        ("换 \r\n 行", "换行"),
        ("使用 Python 编程", "使用 Python 编程"),
        ("hello   world", "hello world"),
        ("hello\u00a0world", "hello world"),
        ("  前后空格  ", "前后空格"),
        ("第一行\n第二行", "第一行第二行"),
        ("line one\nline two", "line one line two"),
        ("《 三体 》", "《三体》"),
        ("他说： Hello", "他说：Hello"),
        ("零\u200b宽\u200c字\u2060符\ufeff", "零宽字符"),
        ("\ufeff开头", "开头"),
        ("👨\u200d👩\u200d👧 一家", "👨\u200d👩\u200d👧 一家"),
        ("❤\ufe0f 爱", "❤\ufe0f 爱"),
        ("孤立\u200d的连接符", "孤立的连接符"),
        ("控制\x07字符\x1b", "控制字符"),
        ("软\u00ad连字符", "软连字符"),
        ("\uf900\uf901", "\u8c48\u66f4"),  # CJK compatibility ideographs → unified
        ("\U0002f800", "\u4e3d"),
        ("⽣活", "生活"),  # Kangxi radical from PDF extraction
        ("", ""),
    ],
)
def test_cleanup(text: str, expected: str) -> None:
    result = normalize_text(text, NormalizeSettings(script="none"))
    assert result.text == expected
    check_offsets(text, result.text, result.offsets)


@pytest.mark.parametrize(
    ("text", "expected_offsets"),
    [
        ("abc", [0, 1, 2, 3]),
        ("a\u200bb", [0, 2, 3]),
        ("  a  b  ", [2, 3, 5, 8]),
        ("中\n文", [0, 2, 3]),
        ("a\u200b b", [0, 2, 3, 4]),
        ("ＡＢ", [0, 1, 2]),
        ("x\n\ny", [0, 1, 3, 4]),
    ],
)
def test_offsets_exact(text: str, expected_offsets: list[int]) -> None:
    assert normalize_text(text, AUTO).offsets == expected_offsets


def test_never_blanket_nfkc() -> None:
    text = "＂引号＂和①②和ｶﾀｶﾅ和㎡"
    assert normalize_text(text, AUTO).text == text


def test_simplified_news_passes_through_byte_identical() -> None:
    text = read("simplified_news.txt")
    result = normalize_text(text, AUTO)
    assert result.script == "none"
    assert result.text.encode("utf-8") == text.encode("utf-8")
    assert result.offsets == list(range(len(text) + 1))
    # ...which matters: t2s would rewrite characters that are valid Simplified here
    assert convert(text, "t2s")[0] != text


@pytest.mark.parametrize(
    ("fixture", "script"),
    [("taiwan", "tw2sp"), ("hongkong", "hk2s")],
)
def test_regional_auto_conversion(fixture: str, script: str) -> None:
    result = normalize_text(read(f"{fixture}.txt"), AUTO)
    assert result.script == script
    assert result.text == read(f"{fixture}.expected.txt")


@pytest.mark.parametrize("script", ["t2s", "tw2sp", "hk2s", "none"])
def test_explicit_script_is_obeyed(script: str) -> None:
    result = normalize_text("國務院發佈報告", NormalizeSettings(script=script))
    assert result.script == script
    assert (result.text == "國務院發佈報告") == (script == "none")


def test_conversion_after_cleanup_composes_offsets() -> None:
    text = "　使用\n網際網路 ，\u200bＡＢＣ很快"
    result = normalize_text(text, AUTO)
    assert result.text == "使用互联网，ABC很快"
    check_offsets(text, result.text, result.offsets)
    comma = result.text.index("，")
    assert text[result.offsets[comma]] == "，"
    assert text[result.offsets[comma + 1]] == "Ａ"


def test_document_detects_once_and_converts_consistently() -> None:
    doc = make_doc(read("taiwan.txt"), "矽谷", "", "ICBM")
    out = normalize_document(doc, AUTO)
    # 矽谷 alone carries no script evidence, but this is a Taiwanese document
    assert normalize_text("矽谷", AUTO).script == "none"
    assert [b.script for b in out.blocks] == ["tw2sp"] * 4
    assert out.blocks[1].normalized == "硅谷"
    assert out.blocks[2].normalized == "" and out.blocks[2].offsets == [0]
    assert doc.blocks[0].normalized == ""  # input not modified


def test_clearly_simplified_block_in_traditional_document_is_left_alone() -> None:
    simplified = read("simplified_news.txt")
    doc = make_doc(read("taiwan.txt"), read("taiwan.txt"), simplified)
    out = normalize_document(doc, AUTO)
    assert [b.script for b in out.blocks] == ["tw2sp", "tw2sp", "none"]
    assert out.blocks[2].normalized == simplified


def test_clearly_traditional_block_in_simplified_document_is_converted() -> None:
    doc = make_doc(read("simplified_news.txt"), read("hongkong.txt"))
    out = normalize_document(doc, AUTO)
    assert [b.script for b in out.blocks] == ["none", "hk2s"]
    assert out.blocks[1].normalized == read("hongkong.expected.txt")


def test_explicit_script_applies_to_every_block() -> None:
    out = normalize_document(make_doc("发展", "發展"), NormalizeSettings(script="t2s"))
    assert [b.script for b in out.blocks] == ["t2s", "t2s"]
    assert [b.normalized for b in out.blocks] == ["发展", "发展"]


ALPHABET = [
    *"发展经济國務院發佈報告軟體網路資訊的了是在",
    *("網際網路", "那杜", "佢哋", "綫", "乾隆", "著名", "看著"),
    *"。！？，；：、“”「」（）《》…",
    *"ＡＢＣａｂｃ０１２３．－／％abcXYZ019.?!",
    *(" ", "  ", "\u3000", "\u00a0", "\n", "\t", "\u200b", "\ufeff", "\u200d", "\x07"),
    *("👨\u200d👩\u200d👧", "❤\ufe0f", "\uf900", "⽣", "http://a.b/c.d"),
]


@pytest.mark.parametrize("script", ["auto", "t2s", "tw2sp", "hk2s", "none"])
def test_offsets_invariants_on_generated_text(script: str) -> None:
    rng = random.Random(script)
    settings = NormalizeSettings(script=script)
    for _ in range(300):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        result = normalize_text(text, settings)
        check_offsets(text, result.text, result.offsets)
        assert "\u200b" not in result.text and "  " not in result.text
        assert result.text == result.text.strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二〇二六年二月，条约到期。", "2026年二月，条约到期。"),
        ("一九八八年冷战期间", "1988年冷战期间"),
        ("俄罗斯在二〇二三年宣布", "俄罗斯在2023年宣布"),
        ("三四年后", "三四年后"),  # "three or four years later"
        ("十二年来", "十二年来"),  # not digit-by-digit
        ("二〇二六", "二〇二六"),  # no 年: not a year
    ],
)
def test_chinese_digit_years_become_arabic(text: str, expected: str) -> None:
    result = normalize_text(text, NormalizeSettings())
    assert result.text == expected
    assert len(result.offsets) == len(result.text) + 1
    assert all(text[o] == result.text[i] or text[o] in "〇一二三四五六七八九"
               for i, o in enumerate(result.offsets[:-1]))  # fmt: skip


def test_a_paragraph_mixing_both_scripts_is_converted() -> None:
    mixed = "和其他专家一样，他对此持怀疑态度。如同其他專家，他對糖尿病是否可以治癒存疑。"
    out = normalize_document(make_doc(read("simplified_news.txt"), mixed), AUTO)
    # before the fix: "none" — 專家、對、療… went to the model as they were
    assert [b.script for b in out.blocks] == ["none", "t2s"]
    assert out.blocks[1].normalized == (
        "和其他专家一样，他对此持怀疑态度。如同其他专家，他对糖尿病是否可以治愈存疑。"
    )
    alone = normalize_document(make_doc(mixed), AUTO).blocks[0]
    assert (alone.script, alone.normalized) == ("t2s", out.blocks[1].normalized)


def test_one_or_two_traditional_characters_in_simplified_text_stay() -> None:
    text = "环保部门公布了二噁英排放的监测结果，这是后来的事。"  # 噁 is right here (二噁英)
    out = normalize_document(make_doc(text), AUTO).blocks[0]
    assert (out.script, out.normalized) == ("none", text)

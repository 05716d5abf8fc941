"""Script detection and OpenCC-dictionary conversion."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.normalize.script import (
    TW_PHRASE_EXCLUDE,
    ScriptCounts,
    conversion_for,
    convert,
    count_script,
    detect_script,
    verdict,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "normalize"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FLORES = SHARED / "testsets" / "flores200"


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8").rstrip("\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("国务院发布了关于经济发展的报告。", "simplified"),
        ("國務院發佈了關於經濟發展的報告。", "traditional"),
        ("這家公司的軟體透過網路更新。", "tw"),
        ("我們在這裡看著他。", "tw"),
        ("佢哋喺度講嘢，我唔知。", "hk"),
        ("新綫路由衞生署負責。", "hk"),
        ("ICBM and SLBM 2023", "unknown"),
        ("乾隆皇帝著名的干部", "unknown"),  # chars valid in both scripts are no evidence
        ("", "unknown"),
    ],
)
def test_detect_script(text: str, expected: str) -> None:
    assert detect_script(text) == expected


@pytest.mark.parametrize(
    ("detected", "conversion"),
    [
        ("simplified", "none"),
        ("unknown", "none"),
        ("traditional", "t2s"),
        ("tw", "tw2sp"),
        ("hk", "hk2s"),
    ],
)
def test_conversion_for(detected: str, conversion: str) -> None:
    assert conversion_for(detected) == conversion  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (ScriptCounts(traditional=5, simplified=5), "unknown"),
        (ScriptCounts(traditional=6, simplified=5), "traditional"),
        (ScriptCounts(traditional=9, simplified=1, tw=2, hk=3), "hk"),
        (ScriptCounts(traditional=9, simplified=1, tw=3, hk=3), "tw"),
        (ScriptCounts(traditional=2, simplified=0), "traditional"),
    ],
)
def test_verdict(counts: ScriptCounts, expected: str) -> None:
    assert verdict(counts) == expected


def test_counts_add_up() -> None:
    a, b = count_script("軟體與網路"), count_script("发展经济")
    assert a + b == ScriptCounts(
        a.traditional + b.traditional, a.simplified + b.simplified, a.tw + b.tw, a.hk + b.hk
    )


@pytest.mark.parametrize(
    ("text", "conversion", "expected"),
    [
        ("國務院發佈了關於經濟發展的報告", "t2s", "国务院发布了关于经济发展的报告"),
        ("乾隆年間乾燥的天氣", "t2s", "乾隆年间干燥的天气"),  # phrase beats character
        ("我們看著軟體", "t2s", "我们看著软体"),  # t2s keeps Taiwan's 著 and vocabulary
        ("我們看著軟體", "tw2sp", "我们看着软件"),
        ("網路資訊與記憶體", "tw2sp", "网络信息与内存"),
        ("著名作家", "tw2sp", "著名作家"),
        ("經濟指標與核心價值", "tw2sp", "经济指标与核心价值"),  # excluded IT renderings
        ("新綫路", "hk2s", "新线路"),
        ("佢哋嘅衞生", "hk2s", "佢哋嘅卫生"),
        ("已经是简体", "none", "已经是简体"),
    ],
)
def test_convert(text: str, conversion: str, expected: str) -> None:
    assert convert(text, conversion)[0] == expected


def test_convert_offsets_for_length_changing_phrase() -> None:
    text = "使用網際網路，很快"
    out, offsets = convert(text, "tw2sp")
    assert out == "使用互联网，很快"
    assert offsets is not None and len(offsets) == len(out) + 1
    assert offsets[-1] == len(text)
    assert out[offsets.index(text.index("，"))] == "，"  # exact again after the phrase
    assert offsets[:2] == [0, 1] and offsets == sorted(offsets)


def test_convert_same_length_has_no_offsets() -> None:
    assert convert("國務院", "t2s")[1] is None


def test_unknown_conversion_is_an_actionable_error() -> None:
    with pytest.raises(PipelineError, match="use one of auto"):
        convert("國", "s2t")


def test_regional_fixtures() -> None:
    assert convert(read("taiwan.txt"), "tw2sp")[0] == read("taiwan.expected.txt")
    assert convert(read("hongkong.txt"), "hk2s")[0] == read("hongkong.expected.txt")


def test_tw_exclusions_are_real_dictionary_keys() -> None:
    from pipeline.normalize.script import _read_dict

    keys = set(_read_dict("TWPhrasesRev.txt"))
    assert keys >= TW_PHRASE_EXCLUDE


@pytest.mark.parametrize("conversion", ["t2s", "hk2s", "tw2sp"])
def test_matches_opencc_package_on_flores(conversion: str) -> None:
    """Same output as opencc-python-reimplemented, except our tw2sp exclusions."""
    path = FLORES / "zho_Hant.devtest"
    if not path.exists():
        pytest.skip("../shared/testsets not available")
    import opencc

    lines = path.read_text(encoding="utf-8").splitlines()[:300]
    reference = opencc.OpenCC(conversion)
    for line in lines:
        if conversion == "tw2sp" and any(word in line for word in TW_PHRASE_EXCLUDE):
            continue
        assert convert(line, conversion)[0] == reference.convert(line)


def test_flores_scripts_detected() -> None:
    if not FLORES.exists():
        pytest.skip("../shared/testsets not available")
    hans = (FLORES / "zho_Hans.devtest").read_text(encoding="utf-8")
    hant = (FLORES / "zho_Hant.devtest").read_text(encoding="utf-8")
    assert detect_script(hans) == "simplified"
    assert detect_script(hant) == "tw"

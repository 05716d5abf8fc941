"""Enforcement drafts: masking, inline sources and the restoration grammar as case tables."""

from __future__ import annotations

import pytest
from enforce.test_passes import GLOSSARY

from pipeline.enforce.draft import (
    inline_source,
    masked_source,
    placeholder_draft,
    plain_draft,
    plan_slots,
    render,
)

# ---------------------------------------------------------------- masking


@pytest.mark.parametrize(
    ("source", "masked"),
    [
        ("洲际弹道导弹（ICBM）很危险。", "XT1X很危险。"),
        ("洲际弹道导弹 (intercontinental ballistic missile)很危险。", "XT1X很危险。"),
        ("“弹道导弹发射通知协议”（Ballistic Missile Launch Notification Agreement）", "“XT1X”"),
        ("签署了MOU(谅解备忘录）", "签署了XT1X"),
        ("导弹（东风）", "XT1X（东风）"),
        ("发展ICBM和SLBM", "发展XT1X和XT2X"),
        ("部署ICBMs和", "部署XT1X和"),
        ("ABC洲际弹道导弹", "ABC XT1X"),
        ("国务卿蓬佩奥说", "XT1X蓬佩奥说"),
        ("2019北约峰会", "2019 XT1X峰会"),
        ("东风-31导弹", "XT1X"),
        ("五角大楼郝仁", "XT1X"),
    ],
)
def test_masked_source(source: str, masked: str) -> None:
    assert masked_source(source, plan_slots(source, GLOSSARY), "XT") == masked


@pytest.mark.parametrize(
    ("source", "inline"),
    [
        ("国务卿蓬佩奥说", "Secretary of State蓬佩奥说"),
        ("东风-31导弹", "DF-31 missile"),
        ("洲际弹道导弹（ICBM）和ABC", "intercontinental ballistic missile和ABC"),
    ],
)
def test_inline_source(source: str, inline: str) -> None:
    assert inline_source(source, plan_slots(source, GLOSSARY)) == inline


# ---------------------------------------------------------------- restoration grammar


@pytest.mark.parametrize(
    ("source", "decoded", "style", "expected"),
    [
        ("洲际弹道导弹（ICBM）很危险。", "XT1X is dangerous.", "first",
         "Intercontinental ballistic missile (ICBM) is dangerous."),
        ("中国有洲际弹道导弹和潜射弹道导弹。", "China has XT1Xs and XT2Xs.", "first",
         "China has intercontinental ballistic missiles (ICBMs) and submarine-launched ballistic "
         "missiles (SLBMs)."),
        ("试射洲际弹道导弹", "China tested a XT1X.", "first",
         "China tested an intercontinental ballistic missile (ICBM)."),
        ("试射洲际弹道导弹", "China tested a XT1X.", "abbr", "China tested an ICBM."),
        ("试射潜射弹道导弹", "China tested an XT1X.", "full",
         "China tested a submarine-launched ballistic missile."),
        ("试射潜射弹道导弹", "China tested a XT1X.", "abbr", "China tested an SLBM."),
        ("两枚洲际弹道导弹", "two XT1X", "full", "two intercontinental ballistic missiles"),
        ("五角大楼说", "The XT1X said.", "first", "The Pentagon said."),
        ("五角大楼说", "XT1X said.", "first", "The Pentagon said."),
        ("五角大楼说", "He said. XT1X agreed.", "first", "He said. The Pentagon agreed."),
        ("五角大楼说", "China's XT1X said.", "first", "China's Pentagon said."),
        ("美国国务院说", "The XT1X said.", "first", "The U.S. State Department said."),
        ("美国国务院官员", "a senior XT1X official", "first",
         "a senior U.S. State Department official"),
        ("五角大楼官员", "a senior XT1X official", "first", "a senior Pentagon official"),
        ("五角大楼说", "He says that XT1X agreed.", "first", "He says that the Pentagon agreed."),
        ("美国国务院说", "Officials of XT1X said.", "first",
         "Officials of the U.S. State Department said."),
        ("签署弹道导弹发射通知协议", "USA signed XT1X in 1988.", "first",
         "USA signed the Ballistic Missile Launch Notification Agreement in 1988."),
        ("北约", "XT1X leaders met.", "first",
         "The North Atlantic Treaty Organization (NATO) leaders met."),
        ("北约", "XT1X leaders met.", "abbr", "NATO leaders met."),
        ("国际原子能机构", "Inspectors of XT1X came.", "abbr", "Inspectors of the IAEA came."),
        ("谅解备忘录", "They signed several XT1X.", "full",
         "They signed several memoranda of understanding."),
        ("海牙行为准则", "Members of XT1X (XT1X)", "first",
         "Members of the Hague Code of Conduct (HCOC)"),
        ("“弹道导弹发射通知协议”（Ballistic Missile Launch Notification Agreement）",
         'They signed "XT1X" (XT1X).', "first",
         'They signed "Ballistic Missile Launch Notification Agreement".'),
        ("海牙行为准则和海牙行为准则", "XT1X and XT2X", "first",
         "The Hague Code of Conduct (HCOC) and HCOC"),
        ("洲际弹道导弹", "(XT1X), XT1X's range", "abbr", "(ICBM), ICBM's range"),
        ("国务卿蓬佩奥说", "XT1XPompeo said.", "first", "Secretary of State Pompeo said."),
        ("东风-31导弹", "12 XT1X were shown.", "first", "12 DF-31 missiles were shown."),
        ("新START", "XT1X expires.", "first", "The New START Treaty expires."),
        ("新START", "XT1X expires.", "abbr", "New START expires."),
        ("建立信任措施", "They agreed on XT1X.", "first",
         "They agreed on confidence-building measures (CBMs)."),
        ("郝仁", "“XT1X is here.”", "first", "“Hao Ren is here.”"),
        ("郝仁", "XT1X met XT7X.", "first", "Hao Ren met."),
    ],
)  # fmt: skip
def test_render_placeholder_output(source: str, decoded: str, style: str, expected: str) -> None:
    slots = plan_slots(source, GLOSSARY)
    draft = placeholder_draft(decoded, slots, "XT", "placeholder")
    assert render(source, slots, draft, style, set()) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "english", "style", "expected"),
    [
        ("洲际弹道导弹", "China has ICBMs.", "first",
         "China has intercontinental ballistic missiles (ICBMs)."),
        ("洲际弹道导弹", "China has intercontinental ballistic missiles.", "first",
         "China has intercontinental ballistic missiles (ICBMs)."),
        ("洲际弹道导弹", "China has intercontinental ballistic missiles (ICBMs).", "first",
         "China has intercontinental ballistic missiles (ICBMs)."),
        ("洲际弹道导弹", "China has intercontinental ballistic missiles.", "abbr",
         "China has ICBMs."),
        ("洲际弹道导弹", "China has ICBMs.", "full",
         "China has intercontinental ballistic missiles."),
        ("美国国务院", "The State Department said.", "first", "The State Department said."),
        ("北约", "NATO met.", "first", "The North Atlantic Treaty Organization (NATO) met."),
        ("潜射弹道导弹（SLBM）", "The Submarine Missile (SLBM) flew.", "first",
         "The submarine-launched ballistic missile (SLBM) flew."),
        ("潜射弹道导弹（SLBM）", "such as the Submarine Ballistic Missile (SLBM).", "first",
         "such as the submarine-launched ballistic missile (SLBM)."),
        ("洲际弹道导弹（ICBM）", "such as the Intercontinental Ballistic Missile (ICBM).", "first",
         "such as the intercontinental ballistic missile (ICBM)."),
        ("五角大楼", "The Pentagon said.", "first", "The Pentagon said."),
        ("海牙行为准则", "HCoC members met.", "first",
         "The Hague Code of Conduct (HCOC) members met."),
    ],
)  # fmt: skip
def test_render_rewrites_the_models_own_rendering(
    source: str, english: str, style: str, expected: str
) -> None:
    slots = plan_slots(source, GLOSSARY)
    draft = plain_draft(english, slots)
    assert draft.covered == {0}
    assert render(source, slots, draft, style, set()) == expected  # type: ignore[arg-type]


def test_the_sources_own_english_is_left_as_written() -> None:
    source = '"Hague Code of Conduct"（HCOC）'
    slots = plan_slots(source, GLOSSARY)
    english = '"Hague Code of Conduct" (HCOC)'
    assert render(source, slots, plain_draft(english, slots), "abbr", set()) == english


def test_a_gloss_translated_and_copied_is_not_taken_from_the_plain_output() -> None:
    source = "“弹道导弹发射通知协议”（Ballistic Missile Launch Notification Agreement）"
    english = (
        '"Ballistic Missile Launch Notification Agreement" (Ballistic Missile Launch '
        "Notification Agreement)"
    )
    assert plain_draft(english, plan_slots(source, GLOSSARY)).covered == set()


def test_english_already_in_the_source_counts_as_the_first_mention() -> None:
    source = '"Hague Code of Conduct"（HCOC）和海牙行为准则'
    slots = plan_slots(source, GLOSSARY)
    draft = placeholder_draft('"Hague Code of Conduct" (XT1X) and XT2X', slots, "XT", "x")
    assert render(source, slots, draft, "first", set()) == '"Hague Code of Conduct" (HCOC) and HCOC'

"""Positional rules: what only its place in the page marks as chrome."""

from __future__ import annotations

import pytest

from pipeline.ingest.chrome import Candidate
from pipeline.ingest.zones import apply_zones, is_prose

LEDE = "这几天关于导弹发射通报的讨论很多，本文整理几个要点，供大家参考。"
BODY = "美俄两国在一九八八年签署了弹道导弹发射通知协定，至今仍在执行。"


def run(cands: list[Candidate]) -> tuple[list[str], list[tuple[str, str]]]:
    dropped: list[tuple[str, str]] = []
    kept = apply_zones(cands, dropped)
    return [c.plain for c in kept], dropped


@pytest.mark.parametrize(
    ("text", "prose"),
    [
        (LEDE, True),
        ("短句。", False),
        ("这是一个没有标点但是足够长的段落" * 4, True),
        ("5.1 卷到了，直接文件翻译：ChatGPT for Translation | ChatGPT用于翻译的工具", False),
    ],
)
def test_is_prose(text: str, prose: bool) -> None:
    assert is_prose(Candidate("paragraph", text)) is prose


def test_a_flattened_table_of_contents_before_the_lede_goes() -> None:
    cands = [
        Candidate("paragraph", "1.1 背景"),
        Candidate("paragraph", "1.2 协定内容"),
        Candidate("paragraph", "2.1 只在目录里的一节"),
        Candidate("paragraph", LEDE),
        Candidate("heading", "1.1 背景", level=2),
        Candidate("paragraph", BODY),
        Candidate("heading", "1.2 协定内容", level=2),
        Candidate("paragraph", BODY),
    ]
    kept, dropped = run(cands)
    assert kept[0] == LEDE
    assert [t for r, t in dropped if r == "toc-fragment"] == [
        "1.1 背景",
        "1.2 协定内容",
        "2.1 只在目录里的一节",
    ]


def test_short_lines_before_the_lede_that_repeat_nothing_stay() -> None:
    cands = [Candidate("paragraph", "洪沙（综合报道）"), Candidate("paragraph", LEDE)]
    assert run(cands)[0] == ["洪沙（综合报道）", LEDE]


def test_a_subscription_footer_after_the_last_rule_goes_but_an_afterword_stays() -> None:
    footer = [
        Candidate("paragraph", LEDE),
        Candidate("paragraph", "", brk=True),
        Candidate("paragraph", "請加入成為本網的月費訂戶，長期支持我們的工作。"),
        Candidate("paragraph", "月費訂戶 網址：example.com/subscribe"),
    ]
    kept, dropped = run(footer)
    assert kept == [LEDE]
    assert [r for r, _ in dropped] == ["subscription-footer"] * 2
    afterword = [Candidate("paragraph", LEDE), Candidate("paragraph", "", brk=True)]
    afterword.append(Candidate("paragraph", "后记：本文写于二〇二三年冬天，感谢审稿人的意见。"))
    assert run(afterword)[0] == [LEDE, "后记：本文写于二〇二三年冬天，感谢审稿人的意见。"]


def test_an_author_bio_after_the_last_paragraph_goes() -> None:
    cands = [
        Candidate("paragraph", BODY),
        Candidate(
            "paragraph", "Choe Sang-Hun是《纽约时报》首尔分社社长，负责报道朝韩新闻。", group=3
        ),
    ]
    kept, dropped = run(cands)
    assert kept == [BODY] and dropped[0][0] == "credits"


@pytest.mark.parametrize(
    ("caption", "kept", "credit"),
    [
        (
            "美國國務院核准售台自走砲系統，總值7.5億美元。取自US Army 臉書",
            "美國國務院核准售台自走砲系統，總值7.5億美元。",
            "取自US Army 臉書",
        ),
        (
            "美國國防部有關中國軍力的報告。美國國防部",
            "美國國防部有關中國軍力的報告。",
            "美國國防部",
        ),
        ("演習中的驅逐艦（圖：本社資料）", "演習中的驅逐艦", "（圖：本社資料）"),
        ("地图显示演习区域", "地图显示演习区域", None),
        ("参与演习的反潜直升机。", "参与演习的反潜直升机。", None),
    ],
)
def test_a_photo_credit_leaves_its_caption(caption: str, kept: str, credit: str | None) -> None:
    cand = Candidate("caption", caption)
    texts, dropped = run([Candidate("paragraph", BODY), cand])
    assert texts[1] == kept and cand.text == kept
    assert dropped == ([("photo-credit", credit)] if credit else [])


def test_headings_left_with_nothing_under_them_go() -> None:
    cands = [Candidate("paragraph", BODY), Candidate("heading", "参考资料", level=2)]
    kept, dropped = run(cands)
    assert kept == [BODY] and dropped == [("empty-section", "参考资料")]
    assert run([Candidate("heading", "只有标题", level=2)])[0] == ["只有标题"]


def test_a_trailing_heading_that_is_a_sentence_is_text_not_an_empty_section() -> None:
    from pipeline.ingest.read import explain_bytes
    from pipeline.settings import IngestSettings

    text = "美俄两国代表周四在日内瓦会谈，讨论战略稳定。\n\n# 双方同意下月再会晤。\n\n## 参考资料\n"
    doc, dropped = explain_bytes(text.encode(), "x.md", IngestSettings())
    # found by the fuzz test: the sentence went with the empty "参考资料" section
    assert [b.text for b in doc.blocks][-1] == "双方同意下月再会晤。"
    assert dropped == [("empty-section", "参考资料")]

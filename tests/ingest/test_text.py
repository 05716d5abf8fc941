"""Plain text: a web page saved as text gives its article; a typed note keeps every line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest.read import explain_bytes
from pipeline.ingest.text import parse_text
from pipeline.settings import IngestSettings

UNSEEN = Path(__file__).resolve().parents[1] / "data" / "ingest" / "unseen"


def page(name: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]], object]:
    doc, dropped = explain_bytes((UNSEEN / name).read_bytes(), name, IngestSettings())
    return [(b.kind, b.text) for b in doc.blocks], dropped, doc.meta


def test_page_saved_as_text_keeps_headline_and_body_only() -> None:
    blocks, dropped, meta = page("cna_like.txt")
    assert blocks[0] == ("title", "國防部：新型無人機年底前完成部署")
    assert [k for k, _ in blocks[1:]] == ["paragraph"] * 4
    assert blocks[1][1].startswith("（本社記者林志遠台北4日電）")
    assert blocks[-1][1].endswith("並依規定應處。")
    rules = [rule for rule, _ in dropped]
    assert rules.count("before-headline") == 6  # banners, prompts and the section label
    assert ("dateline", "2025/11/04 14:32（11/04 15:10 更新）") in dropped
    assert {"credit", "copyright"} <= set(rules)
    assert meta.published == "2025-11-04T14:32:00"  # type: ignore[attr-defined]


def test_headline_is_the_line_above_the_byline_block() -> None:
    blocks, dropped, meta = page("tvbs_like.txt")
    assert blocks[0] == ("title", "飛彈防禦預算再增　國防部說明三大重點")
    assert ("dateline", "記者 林小華 / 攝影 張志明 報導") in dropped
    assert meta.author == "林小華"  # type: ignore[attr-defined]
    assert ("ad-label", "廣告") in dropped  # the ad inside the body
    assert blocks[-1][1].startswith("部分學者認為")  # the paragraph after the ad stays
    tail = [text for rule, text in dropped if rule == "after-article"]
    assert tail == [
        "立委質詢軍購進度　國防部長：按計畫執行",
        "颱風外圍環流影響　北部山區防豪雨",
        "藝人婚禮現場曝光　好友齊聚祝福",
    ]


def test_unrelated_headlines_and_a_date_line_above_the_headline_go() -> None:
    blocks, dropped, _meta = page("udn_like.txt")
    assert blocks[0] == ("title", "海軍新型巡防艦下水　預計明年成軍")
    before = [text for rule, text in dropped if rule == "before-headline"]
    assert before[0] == "快訊" and before[-1] == "date 2025-11-04 我的頻道"
    assert ("related-heading", "延伸閱讀") in dropped
    assert [t for r, t in dropped if r in ("related-list", "after-article")] == [
        "國造潛艦海測進度曝光",
        "海巡新艦交船　強化離島巡防",
    ]


def test_text_without_a_page_shape_keeps_every_line() -> None:
    text = "军控简报\n\n第一段。\n\n热门\n\n- 要点一\n1. 要点二\n最后一行没有句号"
    meta, cands = parse_text(text)
    assert meta.title is None
    assert [(c.kind, c.marker, c.text) for c in cands] == [
        ("title", "", "军控简报"),
        ("paragraph", "", "第一段。"),
        ("paragraph", "", "热门"),
        ("list_item", "-", "要点一"),
        ("list_item", "1.", "要点二"),
        ("paragraph", "", "最后一行没有句号"),
    ]


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("星号*不是强调*", "星号\\*不是强调\\*"),
        ("# 不是标题", "\\# 不是标题"),
        ("> 不是引用", "\\> 不是引用"),
        ("[1] 注释", "[1] 注释"),
        ("路径 C:\\Users\\a", "路径 C:\\Users\\a"),
    ],
)
def test_literal_markdown_characters_are_escaped(line: str, text: str) -> None:
    _meta, cands = parse_text(f"标题\n\n{line}\n\n正文。")
    assert cands[1].text == text
    assert cands[1].plain == line

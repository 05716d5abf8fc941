"""Titles: cleaned of site decorations, settled once, never repeated."""

from __future__ import annotations

import pytest

from pipeline.document import Metadata
from pipeline.ingest.build import build_blocks
from pipeline.ingest.chrome import Candidate
from pipeline.ingest.titles import clean_title


@pytest.mark.parametrize(
    ("meta_title", "cands", "expected", "final_title"),
    [
        # Leading heading repeating the (suffixed) title becomes the title block; a later
        # heading repeating it again is dropped.
        (
            "问题？ - 知乎",
            [
                Candidate("heading", "问题？ - 知乎", 1),
                Candidate("heading", "问题？", 2),
                Candidate("paragraph", "答。"),
            ],
            [("title", "问题？", 1), ("paragraph", "答。", 0)],
            "问题？",
        ),
        # No heading: the metadata title is prepended.
        (
            "标题",
            [Candidate("paragraph", "正文。")],
            [("title", "标题", 1), ("paragraph", "正文。", 0)],
            "标题",
        ),
        # No metadata title: the first level-1 heading is the title.
        (
            None,
            [Candidate("heading", "文章", 1), Candidate("paragraph", "正文。")],
            [("title", "文章", 1), ("paragraph", "正文。", 0)],
            "文章",
        ),
        # A level-2 first heading without metadata stays a heading.
        (
            None,
            [Candidate("heading", "小节", 2), Candidate("paragraph", "正文。")],
            [("heading", "小节", 2), ("paragraph", "正文。", 0)],
            None,
        ),
    ],
)
def test_title_is_settled_once(
    meta_title: str | None,
    cands: list[Candidate],
    expected: list[tuple[str, str, int]],
    final_title: str | None,
) -> None:
    meta = Metadata(title=meta_title)
    built = build_blocks(cands, meta)
    assert [(b.kind, b.text, b.level) for b in built.blocks] == expected
    assert meta.title == final_title


@pytest.mark.parametrize(
    ("title", "evidence", "expected"),
    [
        ("问题？ - 知乎", {"问题？"}, "问题？"),
        ("军控会谈 | 示例网", {"军控会谈"}, "军控会谈"),
        ("A - B - Site", {"A - B"}, "A - B"),
        ("美俄 - 会谈", set(), "美俄 - 会谈"),
        ("  多余   空格  ", set(), "多余 空格"),
    ],
)
def test_clean_title_only_strips_suffix_with_evidence(
    title: str, evidence: set[str], expected: str
) -> None:
    assert clean_title(title, evidence) == expected


@pytest.mark.parametrize(
    ("title", "evidence", "url", "expected"),
    [
        (
            "海军新型驱逐舰完成首次远海训练-军事-示例新闻网",
            {"海军新型驱逐舰完成首次远海训练"},
            None,
            "海军新型驱逐舰完成首次远海训练",
        ),
        ("军控会谈_国际_示例网", {"军控会谈"}, None, "军控会谈"),
        ("军控-会谈", {"军控"}, None, "军控-会谈"),  # too short to be evidence
        ("给ChatGPT施咒 - 知乎", set(), "https://zhuanlan.zhihu.com/p/1", "给ChatGPT施咒"),
        ("(99+ 封私信 / 7 条消息) 问题？ - 知乎", set(), "https://www.zhihu.com/q/1", "问题？"),
    ],
)
def test_clean_title_with_evidence_and_site_templates(
    title: str, evidence: set[str], url: str | None, expected: str
) -> None:
    assert clean_title(title, evidence, url) == expected


def test_a_heading_repeating_the_title_with_other_spacing_is_dropped() -> None:
    meta = Metadata(title="美國防部報告：中國某些領域領先美國 預測未來10年核彈頭至少增一倍")
    cands = [
        Candidate(
            "heading", "美國防部報告：中國某些領域領先美國\u3000預測未來10年核彈頭至少增一倍", 1
        ),
        Candidate("image", "![](a.png)"),
        Candidate("paragraph", "正文。"),
    ]
    built = build_blocks(cands, meta)
    assert [b.kind for b in built.blocks] == ["title", "image", "paragraph"]


def test_a_later_repeat_of_the_title_before_the_text_is_dropped() -> None:
    meta = Metadata(title="问题？ - 知乎", url="https://www.zhihu.com/question/1")
    cands = [Candidate("heading", "问题？", 2), Candidate("paragraph", "答。")]
    built = build_blocks(cands, meta)
    assert [(b.kind, b.text) for b in built.blocks] == [("title", "问题？"), ("paragraph", "答。")]
    assert meta.title == "问题？"


def test_the_title_block_is_escaped_like_any_block() -> None:
    meta = Metadata(title="*C_3* 计划")
    built = build_blocks([Candidate("paragraph", "正文。")], meta)
    assert built.blocks[0].text == "\\*C_3\\* 计划"
    assert meta.title == "*C_3* 计划"

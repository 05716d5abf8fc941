"""Building blocks: line rules, profile headers, dates into metadata, block fields."""

from __future__ import annotations

from pipeline.document import Metadata
from pipeline.ingest.build import build_blocks
from pipeline.ingest.chrome import Candidate


def test_profile_bio_between_author_link_and_follow_button_is_dropped() -> None:
    cands = [
        Candidate("paragraph", "点评校尉", link_only=True),
        Candidate("paragraph", "", image_only=True),
        Candidate("paragraph", "沐雨栉风，尚存一身傲骨；公众号：点评校尉"),
        Candidate("paragraph", " 关注"),
        Candidate("paragraph", "老美玩这套小伎俩玩的很溜。"),
    ]
    built = build_blocks(cands, Metadata())
    assert [b.text for b in built.blocks] == ["老美玩这套小伎俩玩的很溜。"]
    assert ("profile-header", "沐雨栉风，尚存一身傲骨；公众号：点评校尉") in built.dropped


def test_long_text_before_a_follow_button_is_not_a_bio() -> None:
    long = "这是一段很长的正文。" * 10
    cands = [
        Candidate("paragraph", "作者", link_only=True),
        Candidate("paragraph", long),
        Candidate("paragraph", "关注"),
    ]
    assert [b.text for b in build_blocks(cands, Metadata()).blocks] == [long]


def test_leading_bare_date_becomes_published_when_missing() -> None:
    meta = Metadata()
    build_blocks(
        [Candidate("paragraph", "11/12/2023 - 14:21"), Candidate("paragraph", "正文。")], meta
    )
    assert meta.published == "2023-12-11T14:21:00"
    kept = Metadata(published="2023-12-11T13:45:01+00:00")
    build_blocks([Candidate("paragraph", "01/01/2020"), Candidate("paragraph", "正文。")], kept)
    assert kept.published == "2023-12-11T13:45:01+00:00"


def test_block_fields_come_from_the_candidates() -> None:
    cands = [
        Candidate("list_item", "项", level=2, marker="3."),
        Candidate("table_cell", "", table=0, row=1, col=2),
        Candidate("code", "x = 1\n", info="python"),
        Candidate("quote", "引", level=1),
    ]
    blocks = build_blocks(cands, Metadata()).blocks
    assert [(b.kind, b.level, b.marker, b.table, b.row, b.col, b.info, b.text) for b in blocks] == [
        ("list_item", 2, "3.", -1, -1, -1, "", "项"),
        ("table_cell", 0, "", 0, 1, 2, "", ""),  # an empty cell keeps its place in the table
        ("code", 0, "", -1, -1, -1, "python", "x = 1\n"),  # code is verbatim, spaces and all
        ("quote", 1, "", -1, -1, -1, "", "引"),
    ]


def test_an_avatar_linking_where_the_author_link_goes_is_dropped() -> None:
    cands = [
        Candidate("image", "[![甲](a.jpg)](https://z.com/people/a)", href="https://z.com/people/a"),
        Candidate("paragraph", "甲", link_only=True, href="https://z.com/people/a"),
        Candidate("paragraph", "正文。"),
    ]
    built = build_blocks(cands, Metadata())
    assert [b.text for b in built.blocks] == ["正文。"]
    assert built.dropped[1][0] == "profile-card"


def test_a_meta_line_above_the_text_fills_date_and_author() -> None:
    meta = Metadata()
    build_blocks(
        [
            Candidate("paragraph", "记者 王明 2024-03-01 10:00 来源：示例网"),
            Candidate("paragraph", "正文。"),
        ],
        meta,
    )
    assert (meta.published, meta.author) == ("2024-03-01T10:00:00", "王明")

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

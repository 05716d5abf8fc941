"""The run folder's records."""

from __future__ import annotations

from pipeline.document import Segment
from pipeline.store.rundir import segment_record


def test_segment_record_keeps_the_plain_translation_beside_an_enforced_one() -> None:
    seg = Segment("d:0:0", "d", 0, 0, 0, 5, "五角大楼。", "五角大楼。", "The Pentagon.")
    seg.plain = "Wujiao."
    record = segment_record(seg)
    assert (record["en"], record["plain"]) == ("The Pentagon.", "Wujiao.")
    assert segment_record(Segment("d:0:1", "d", 0, 1, 0, 1, "。", "。"))["plain"] == ""

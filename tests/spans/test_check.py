"""Checking the final English for the source's spans, in their original form."""

from __future__ import annotations

from pipeline.document import Block, Document, Metadata
from pipeline.normalize import normalize_document
from pipeline.segment import segment_document
from pipeline.settings import NormalizeSettings, SegmentSettings
from pipeline.spans import SPAN_LOST, check_segment, find_written


def segmented(text: str) -> Document:
    doc = Document("d", "d.md", "markdown", "utf-8", Metadata(), [Block(0, "paragraph", text)])
    return segment_document(normalize_document(doc, NormalizeSettings()), SegmentSettings())


def test_original_forms_come_back() -> None:
    doc = segmented('運行`print("繁體")`和ＩＣＢＭ。')  # normalization makes it 简体 and ASCII
    seg = doc.segments[0]
    assert '`print("繁体")`' in seg.normalized
    seg.en = 'Run `print("繁体")` and ICBM.'
    check = check_segment(seg, doc.blocks[0])
    assert seg.en == 'Run `print("繁體")` and ICBM.'  # code as written, the name in ASCII
    assert (check.spans, check.lost, seg.flags) == (2, (), [])


def test_a_lost_span_flags_the_segment() -> None:
    doc = segmented("他说ChatGPT和Claude都好。")
    seg = doc.segments[0]
    seg.en = "He said ChatGPT is good."
    check = check_segment(seg, doc.blocks[0])
    assert check.lost == ("Claude",) and seg.flags == [SPAN_LOST]


def test_skipped_ranges_are_not_checked() -> None:
    doc = segmented("他说NEW START很好。")
    seg = doc.segments[0]
    seg.en = "He said New START is good."
    start = seg.normalized.index("NEW")
    assert check_segment(seg, doc.blocks[0], [(start, start + 9)]).spans == 0
    assert check_segment(seg, doc.blocks[0]).lost == ("NEW START",)


def test_capital_at_sentence_start_counts_as_kept() -> None:
    doc = segmented("the Pentagon发出警告。")
    seg = doc.segments[0]
    seg.en = "The Pentagon warned."
    assert check_segment(seg, doc.blocks[0]).lost == ()


def test_a_short_span_must_be_a_whole_word() -> None:
    assert find_written("B", "a BV video") is None
    assert find_written("B", "a BV video from B station") == (16, 17)
    assert find_written("ICBM", "two ICBMs") == (4, 8)
    assert find_written("the Pentagon", "The Pentagon warned.") == (0, 12)

"""Forced-prefix insertion points."""

from __future__ import annotations

from pipeline.enforce.prefix import insert_at, insertion_points


def test_insertion_points_skip_placeholders_and_precede_final_punctuation() -> None:
    text = "XT1X says that it grew."
    points = insertion_points(text, [(0, 4)])
    assert points == [0, 5, 10, 15, 18, 22]
    assert insert_at(text, 22, "XT2X") == "XT1X says that it grew XT2X."
    assert insert_at(text, 0, "XT2X") == "XT2X XT1X says that it grew."

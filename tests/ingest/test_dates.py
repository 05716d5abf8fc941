"""Dates as pages print them."""

from __future__ import annotations

import pytest

from pipeline.ingest.dates import parse_loose_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("11/12/2023 - 14:21", "2023-12-11T14:21:00"),
        ("12/25/2023", "2023-12-25"),
        ("25/12/2023", "2023-12-25"),
        ("2023-12-11", "2023-12-11"),
        ("2023年12月11日 08:05", "2023-12-11T08:05:00"),
        ("31/02/2023", None),
        ("not a date", None),
    ],
)
def test_parse_loose_date(text: str, iso: str | None) -> None:
    assert parse_loose_date(text) == iso

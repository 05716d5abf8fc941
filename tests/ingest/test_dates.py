"""Dates as pages print them."""

from __future__ import annotations

import pytest

from pipeline.ingest.dates import iso_date, parse_loose_date


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


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2020-10-11T09:33:25.855Z", "2020-10-11T09:33:25.855000+00:00"),
        ("Wed, 07 Oct 2020 17:30:18 GMT", "2020-10-07T17:30:18+00:00"),
        ("2024年5月1日 下午 3:05", "2024-05-01T03:05:00"),
        ("2025/11/04 14:32", "2025-11-04T14:32:00"),
    ],
)
def test_parse_loose_date_reads_feed_and_page_forms(text: str, iso: str) -> None:
    assert parse_loose_date(text) == iso


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-05-02T09:30:00+08:00", "2024-05-02T09:30:00+08:00"),
        ("Fri, 08 Sep 2017 20:30:00 GMT", "2017-09-08T20:30:00+00:00"),
        ("星期五, 九月 20日 2024", "星期五, 九月 20日 2024"),
        (None, None),
    ],
)
def test_iso_date_keeps_what_it_cannot_read(value: str | None, iso: str | None) -> None:
    assert iso_date(value) == iso

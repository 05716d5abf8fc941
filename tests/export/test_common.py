"""Shared export helpers: safe, unique file stems."""

from __future__ import annotations

import pytest

from pipeline.export.common import unique_stem


@pytest.mark.parametrize(
    ("name", "used", "expected"),
    [
        ("plain", set(), "plain"),
        ("新闻 2024/01", set(), "新闻_2024_01"),
        ("../etc/passwd", set(), "etc_passwd"),
        ("", set(), "document"),
        ("Plain", {"plain"}, "Plain-2"),
    ],
)
def test_unique_stem(name: str, used: set[str], expected: str) -> None:
    assert unique_stem(name, used) == expected

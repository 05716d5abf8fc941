"""Inline Markdown: escaping, line joining, the line builder."""

from __future__ import annotations

import pytest

from pipeline.ingest.inline import join_lines


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("中文第一行\n中文第二行", "中文第一行中文第二行"),
        ("English line\nnext line", "English line next line"),
        ("中文\nEnglish", "中文 English"),
        ("无换行", "无换行"),
    ],
)
def test_join_lines_is_cjk_aware(text: str, joined: str) -> None:
    assert join_lines(text) == joined

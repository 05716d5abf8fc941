"""The SQLite translation cache: namespacing, normalization, persistence across connections."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipeline.store.cache import CACHE_FILE, TranslationCache, cache_key, normalize_source


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("  中国\n试射  导弹 ", "中国 试射 导弹"),
        ("e\u0301", "\u00e9"),
        ("", ""),
    ],
)
def test_normalize_source(text: str, normalized: str) -> None:
    assert normalize_source(text) == normalized


def test_round_trip_and_namespaces_are_separate(tmp_path: Path) -> None:
    with TranslationCache.in_dir(tmp_path) as cache:
        cache.put_many("model-a", [("你好", "Hello"), ("再见", "Goodbye")])
        assert cache.get_many("model-a", ["你好", "再见", "没有"]) == {
            "你好": "Hello",
            "再见": "Goodbye",
        }
        assert cache.get_many("model-b", ["你好"]) == {}
        assert len(cache) == 2
    assert (tmp_path / CACHE_FILE).is_file()


def test_committed_rows_survive_a_new_connection_and_use_wal(tmp_path: Path) -> None:
    first = TranslationCache.in_dir(tmp_path)
    first.put_many("ns", [("一", "one")])
    with TranslationCache.in_dir(tmp_path) as second:
        assert second.get_many("ns", ["一"]) == {"一": "one"}
    first.close()
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_many_keys_are_queried_in_chunks(tmp_path: Path) -> None:
    pairs = [(f"句子{i}", f"sentence {i}") for i in range(1234)]
    with TranslationCache.in_dir(tmp_path) as cache:
        cache.put_many("ns", pairs)
        assert cache.get_many("ns", [s for s, _ in pairs]) == dict(pairs)


def test_key_depends_on_namespace_and_source() -> None:
    assert cache_key("a", "x") != cache_key("b", "x") != cache_key("a", "y")
    assert cache_key("a", "x") == cache_key("a", "x")

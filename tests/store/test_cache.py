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


def _writer(args: tuple[str, int]) -> int:
    """One process of the concurrency test: many small committed batches into one cache."""
    folder, worker = args
    with TranslationCache.in_dir(Path(folder)) as cache:
        for batch in range(40):
            cache.put_many("ns", [(f"句{worker}-{batch}-{i}", f"s {i}") for i in range(5)])
        return cache.skipped_writes


def test_several_processes_write_one_cache_at_once(tmp_path: Path) -> None:
    """Several runs (or workers) writing the same cache file: every row lands, nothing fails."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(4) as pool:
        skipped = pool.map(_writer, [(str(tmp_path), w) for w in range(4)])
    assert skipped == [0, 0, 0, 0]
    with TranslationCache.in_dir(tmp_path) as cache:
        assert len(cache) == 4 * 40 * 5


def test_threads_share_one_connection(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with TranslationCache.in_dir(tmp_path) as cache:

        def work(n: int) -> dict[str, str]:
            cache.put_many("ns", [(f"句{n}", f"s{n}")])
            return cache.get_many("ns", [f"句{n}"])

        with ThreadPoolExecutor(4) as pool:
            found = list(pool.map(work, range(100)))
    assert found == [{f"句{n}": f"s{n}"} for n in range(100)]


def test_a_write_blocked_past_every_retry_is_skipped_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache only saves work: a writer locked out for good skips the batch and counts it."""
    import pipeline.store.cache as cache_module

    monkeypatch.setattr(cache_module, "RETRIES", 1)
    cache = TranslationCache(tmp_path / CACHE_FILE, busy_timeout=0.05)
    blocker = sqlite3.connect(tmp_path / CACHE_FILE, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        assert cache.put_many("ns", [("一", "one")]) is False
        assert cache.skipped_writes == 1
        assert cache.get_many("ns", ["一"]) == {}  # readers are not blocked by a writer (WAL)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert cache.put_many("ns", [("一", "one")]) is True
    assert cache.get_many("ns", ["一"]) == {"一": "one"}
    cache.close()

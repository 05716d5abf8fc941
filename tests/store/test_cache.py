"""The SQLite translation cache: namespacing, normalization, persistence across connections."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipeline.errors import PipelineWarning
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


# --- a damaged or unusable cache never stops a run ------------------------------------------------


def _filled(tmp_path: Path, rows: int = 3000) -> Path:
    with TranslationCache.in_dir(tmp_path) as cache:
        cache.put_many("ns", [(f"句子{i}" * 20, f"sentence {i}" * 20) for i in range(rows)])
    return tmp_path / CACHE_FILE


def _aside(tmp_path: Path) -> list[Path]:
    return sorted(tmp_path.glob(f"{CACHE_FILE}.damaged-*"))


def test_a_damaged_header_is_moved_aside_and_a_new_cache_started(tmp_path: Path) -> None:
    path = _filled(tmp_path)
    data = bytearray(path.read_bytes())
    data[:16] = b"garbage garbage!"
    path.write_bytes(bytes(data))
    with pytest.warns(PipelineWarning, match=r"damaged \(file is not a database\); moved aside"):
        cache = TranslationCache.in_dir(tmp_path)  # before the fix: DatabaseError, every run
    with cache:
        assert cache.get_many("ns", ["句子1" * 20]) == {}
        cache.put_many("ns", [("新", "new")])
    with TranslationCache.in_dir(tmp_path) as again:
        assert again.get_many("ns", ["新"]) == {"新": "new"}  # the new cache is kept
    (aside,) = _aside(tmp_path)
    assert aside.read_bytes() == bytes(data)  # nothing destroyed: the damaged file is kept


def test_a_damaged_page_found_while_reading_is_moved_aside(tmp_path: Path) -> None:
    path = _filled(tmp_path)
    data = bytearray(path.read_bytes())
    data[8192 : 8192 + 4096] = b"\x55" * 4096
    path.write_bytes(bytes(data))
    with (
        pytest.warns(PipelineWarning, match="malformed"),
        TranslationCache.in_dir(tmp_path) as cache,
    ):
        assert cache.get_many("ns", [f"句子{i}" * 20 for i in range(3000)]) == {}
        cache.put_many("ns", [("新", "new")])
        assert cache.get_many("ns", ["新"]) == {"新": "new"}
    assert len(_aside(tmp_path)) == 1


def test_an_unusable_cache_folder_means_no_cache_for_this_run(tmp_path: Path) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    with pytest.warns(PipelineWarning, match="cannot use the translation cache"):
        cache = TranslationCache.in_dir(blocked)  # before the fix: FileExistsError traceback
    with cache:
        cache.put_many("ns", [("一", "one")])
        assert cache.get_many("ns", ["一"]) == {"一": "one"}  # in memory, for this run
    assert blocked.read_text().startswith("a file")


class _FullDisk:
    """A connection whose every write fails the way SQLite reports a full disk."""

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute(self, *args: object) -> None:
        return None

    def executemany(self, *args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    def close(self) -> None:
        return None


def test_a_full_disk_while_writing_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    path = _filled(tmp_path, rows=10)
    with TranslationCache.in_dir(tmp_path) as cache:
        cache._db = _FullDisk()  # type: ignore[assignment]
        with pytest.warns(PipelineWarning, match="database or disk is full"):
            cache.put_many("ns", [("二", "two")])  # before the fix: OperationalError
        assert cache.get_many("ns", ["二"]) == {"二": "two"}
    assert path.is_file() and _aside(tmp_path) == []  # a full disk is no damage


def test_translate_goes_on_with_a_damaged_cache(tiny_archive: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pipeline.cli.app import app

    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / CACHE_FILE).write_bytes(b"this is not SQLite" * 100)
    source = tmp_path / "a.txt"
    source.write_text("中国周日试射了一枚导弹。", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["translate", str(source), "-o", str(tmp_path / "out"), "--model", str(tiny_archive),
         "--cache-dir", str(cache_dir), "--beam", "1", "-q"],
        env={"XDG_CACHE_HOME": str(tmp_path / "xdg"), "XDG_DATA_HOME": str(tmp_path / "xdg")},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("zhen: warning: ") and "moved aside" in result.stderr
    assert (tmp_path / "out" / "a.en.md").is_file()

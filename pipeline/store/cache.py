"""On-disk translation cache, so re-runs and interrupted runs never translate a sentence twice.

One SQLite file in the cache directory. Each row is keyed by sha256 of a *namespace* (the model
fingerprint plus every decoding setting that changes output — see
:attr:`pipeline.translate.Engine.cache_namespace`) and the normalized source text, so changing
model or beam size can never serve a stale translation. The translator commits once per batch:
a run killed half-way keeps every finished batch.

Several runs, and several workers of one run, share the file safely: WAL mode lets readers go on
while one process writes, every write is one ``BEGIN IMMEDIATE`` transaction (the writer waits
for the lock up front instead of failing half-way), a busy writer is waited for (SQLite's busy
timeout, then a few retries with back-off), and one connection may be used from several threads
(a lock serialises them). The file is per machine: SQLite over a network file system is not
safe, so a cluster run gives each machine its own cache (see the README).

The cache only saves work, so it never stops a run: a batch that still cannot be written after
the retries is skipped and counted in :attr:`TranslationCache.skipped_writes`; a damaged file (a
torn page, a garbled header) is moved aside as ``translations.sqlite3.damaged-<time>`` with a
warning and a new cache started; a cache that cannot be used at all (a full disk, an unwritable
folder) gives a warning and the run goes on with an in-memory one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from pipeline.errors import warn
from pipeline.store.sqlite import SQLiteStore

CACHE_FILE = "translations.sqlite3"
BUSY_TIMEOUT = 30.0
"""Seconds SQLite waits for another writer before reporting the file busy."""
RETRIES = 4
"""Further tries (with growing pauses) after a busy timeout, before a write is skipped."""
T = TypeVar("T")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    en TEXT NOT NULL,
    created REAL NOT NULL
) WITHOUT ROWID
"""
_INSERT = "INSERT OR REPLACE INTO translations (key, en, created) VALUES (?, ?, ?)"


def normalize_source(text: str) -> str:
    """The form a source is cached (and translated) under: NFC, whitespace runs collapsed.

    Two segments that differ only in line breaks or stray spaces are the same sentence.
    """
    return " ".join(unicodedata.normalize("NFC", text).split())


def cache_key(namespace: str, source: str) -> str:
    """Row key for one normalized source under one model + decoding namespace."""
    return hashlib.sha256(f"{namespace}\0{source}".encode()).hexdigest()


class TranslationCache(SQLiteStore):
    """A SQLite-backed map ``(namespace, normalized source) → English``.

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: Path, busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = path
        self.skipped_writes = 0
        self._busy_timeout = busy_timeout
        self._lock = threading.Lock()
        try:
            self._db = _connect(path, busy_timeout)
        except (sqlite3.DatabaseError, OSError) as exc:
            self._db = self._recover(exc)

    @classmethod
    def in_dir(cls, cache_dir: Path) -> TranslationCache:
        """Open (creating if needed) the cache file in ``cache_dir``."""
        return cls(cache_dir / CACHE_FILE)

    def get_many(self, namespace: str, sources: Iterable[str]) -> dict[str, str]:
        """Cached translations for those ``sources`` that have one (keys are the sources)."""
        by_key = {cache_key(namespace, s): s for s in sources}
        query = "SELECT key, en FROM translations WHERE key IN ({marks})"
        with self._lock:
            try:
                rows = _retry(lambda: list(self._rows_in(query, list(by_key))))
            except sqlite3.DatabaseError as exc:
                if not _busy(exc):
                    self._db = self._recover(exc)
                return {}
        return {by_key[key]: en for key, en in rows}

    def put_many(self, namespace: str, pairs: Iterable[tuple[str, str]]) -> bool:
        """Store ``(source, english)`` pairs in one committed transaction, so they survive an
        interruption; ``False`` (and :attr:`skipped_writes` counted) when other writers kept
        the file locked through every retry."""
        now = time.time()
        rows = [(cache_key(namespace, s), en, now) for s, en in pairs]
        if not rows:
            return True
        with self._lock:
            try:
                _retry(lambda: self._write(rows))
            except sqlite3.DatabaseError as exc:
                if _busy(exc):
                    self.skipped_writes += 1
                    return False
                self._db = self._recover(exc)
                self._write(rows)
        return True

    def _write(self, rows: list[tuple[str, str, float]]) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(_INSERT, rows)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (idempotent), after any thread's write in progress."""
        with self._lock:
            super().close()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0])

    def _recover(self, exc: sqlite3.DatabaseError | OSError) -> sqlite3.Connection:
        """A connection to go on with after ``exc``: a new cache file when the old one was
        damaged (moved aside), else an in-memory cache for the rest of the run."""
        with contextlib.suppress(sqlite3.Error, AttributeError):
            self._db.close()
        reason = " ".join(str(exc).split()) or type(exc).__name__
        if isinstance(exc, sqlite3.DatabaseError) and _damaged(exc):
            aside = self.path.with_name(
                f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"
            )
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
            try:
                db = _connect(self.path, self._busy_timeout)
            except (sqlite3.DatabaseError, OSError):
                pass
            else:
                warn(
                    f"translation cache damaged ({reason}); moved aside to {aside.name}, "
                    "continuing with a new cache",
                    file=self.path,
                    stage="translate",
                )
                return db
        warn(
            f"cannot use the translation cache ({reason}); continuing without it, so this run's "
            "translations are not kept (free disk space or pass another --cache-dir)",
            file=self.path,
            stage="translate",
        )
        return _connect(Path(":memory:"), self._busy_timeout)


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Open (creating) a cache file with its schema; ``:memory:`` for one that is not kept.
    Transactions are explicit (``isolation_level=None``) and the connection may be used from
    any thread, under the cache's lock."""
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    try:
        _retry(lambda: db.execute("PRAGMA journal_mode=WAL"))
        db.execute("PRAGMA synchronous=NORMAL")
        _retry(lambda: db.execute(_SCHEMA))
    except BaseException:
        db.close()
        raise
    return db


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file itself is broken (rather than the disk or a lock)."""
    message = str(exc).lower()
    return type(exc) is sqlite3.DatabaseError or any(
        words in message for words in ("malformed", "not a database", "corrupt")
    )


def _busy(exc: sqlite3.DatabaseError) -> bool:
    """Whether ``exc`` is SQLite saying another connection holds the lock."""
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc)
    )


def _retry(action: Callable[[], T]) -> T:
    """Run ``action``; when the database stays busy past the busy timeout, try again a few
    times with growing pauses (many runs starting at once all switch on WAL and create the
    table), then let the error through."""
    for attempt in range(RETRIES + 1):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or attempt == RETRIES:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")

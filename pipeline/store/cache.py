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
(a lock serialises them). The cache only saves work: a batch that still cannot be written after
that is skipped and counted in :attr:`TranslationCache.skipped_writes`, never an error. The file
is per machine: SQLite over a network file system is not safe, so a cluster run gives each
machine its own cache (see the README).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

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
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.skipped_writes = 0
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        _retry(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
        self._db.execute("PRAGMA synchronous=NORMAL")
        _retry(lambda: self._db.execute(_SCHEMA))

    @classmethod
    def in_dir(cls, cache_dir: Path) -> TranslationCache:
        """Open (creating if needed) the cache file in ``cache_dir``."""
        return cls(cache_dir / CACHE_FILE)

    def get_many(self, namespace: str, sources: Iterable[str]) -> dict[str, str]:
        """Cached translations for those ``sources`` that have one (keys are the sources)."""
        by_key = {cache_key(namespace, s): s for s in sources}
        query = "SELECT key, en FROM translations WHERE key IN ({marks})"
        with self._lock:
            rows = _retry(lambda: list(self._rows_in(query, list(by_key))))
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
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
                self.skipped_writes += 1
                return False
        return True

    def _write(self, rows: list[tuple[str, str, float]]) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations (key, en, created) VALUES (?, ?, ?)", rows
            )
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


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Whether ``exc`` is SQLite saying another connection holds the lock."""
    return "locked" in str(exc) or "busy" in str(exc)


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

"""On-disk translation cache, so re-runs and interrupted runs never translate a sentence twice.

One SQLite file in the cache directory. Each row is keyed by sha256 of a *namespace* (the model
fingerprint plus every decoding setting that changes output — see
:attr:`pipeline.translate.Engine.cache_namespace`) and the normalized source text, so changing
model or beam size can never serve a stale translation. The translator commits once per batch:
a run killed half-way keeps every finished batch. WAL mode lets a second process read while
one writes.

The cache only saves work, so it never stops a run: a damaged file (a torn page, a garbled
header) is moved aside as ``translations.sqlite3.damaged-<time>`` with a warning and a new cache
started; a cache that cannot be used at all (a full disk, an unwritable folder) gives a warning
and the run goes on with an in-memory one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import warn
from pipeline.store.sqlite import SQLiteStore

CACHE_FILE = "translations.sqlite3"
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

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = _connect(path)
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
        try:
            return {by_key[key]: en for key, en in self._rows_in(query, list(by_key))}
        except sqlite3.DatabaseError as exc:
            self._db = self._recover(exc)
            return {}

    def put_many(self, namespace: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Store ``(source, english)`` pairs and commit, so they survive an interruption."""
        now = time.time()
        rows = [(cache_key(namespace, s), en, now) for s, en in pairs]
        insert = "INSERT OR REPLACE INTO translations (key, en, created) VALUES (?, ?, ?)"
        try:
            with self._db:
                self._db.executemany(insert, rows)
        except sqlite3.DatabaseError as exc:
            self._db = self._recover(exc)
            with self._db:
                self._db.executemany(insert, rows)

    def __len__(self) -> int:
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
                db = _connect(self.path)
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
        return _connect(Path(":memory:"))


def _connect(path: Path) -> sqlite3.Connection:
    """Open (creating) a cache file with its schema; ``:memory:`` for one that is not kept."""
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30.0)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(_SCHEMA)
        db.commit()
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

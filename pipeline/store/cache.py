"""On-disk translation cache, so re-runs and interrupted runs never translate a sentence twice.

One SQLite file in the cache directory. Each row is keyed by sha256 of a *namespace* (the model
fingerprint plus every decoding setting that changes output — see
:attr:`pipeline.translate.Engine.cache_namespace`) and the normalized source text, so changing
model or beam size can never serve a stale translation. The translator commits once per batch:
a run killed half-way keeps every finished batch. WAL mode lets a second process read while
one writes.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path

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
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._db.commit()

    @classmethod
    def in_dir(cls, cache_dir: Path) -> TranslationCache:
        """Open (creating if needed) the cache file in ``cache_dir``."""
        return cls(cache_dir / CACHE_FILE)

    def get_many(self, namespace: str, sources: Iterable[str]) -> dict[str, str]:
        """Cached translations for those ``sources`` that have one (keys are the sources)."""
        by_key = {cache_key(namespace, s): s for s in sources}
        rows = self._rows_in(
            "SELECT key, en FROM translations WHERE key IN ({marks})", list(by_key)
        )
        return {by_key[key]: en for key, en in rows}

    def put_many(self, namespace: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Store ``(source, english)`` pairs and commit, so they survive an interruption."""
        now = time.time()
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations (key, en, created) VALUES (?, ?, ?)",
                [(cache_key(namespace, s), en, now) for s, en in pairs],
            )

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0])

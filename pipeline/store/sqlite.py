"""The connection lifecycle shared by zhen's SQLite files (translation cache and memory)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any, Self

_CHUNK = 500
"""Keys per ``IN (...)`` query: well under SQLite's bound-parameter limit."""


class SQLiteStore:
    """Owns one ``sqlite3`` connection; use as a context manager or call :meth:`close`."""

    _db: sqlite3.Connection

    def _rows_in(self, query: str, keys: Sequence[str]) -> Iterator[Any]:
        """Rows of ``query`` for all ``keys``; its ``{marks}`` is the ``IN`` list's placeholders,
        filled a chunk at a time so any number of keys stays under SQLite's parameter limit."""
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            yield from self._db.execute(query.format(marks=",".join("?" * len(chunk))), chunk)

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

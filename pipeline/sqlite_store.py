"""The connection lifecycle shared by zhen's SQLite files (translation cache and memory)."""

from __future__ import annotations

import sqlite3
from types import TracebackType
from typing import Self


class SQLiteStore:
    """Owns one ``sqlite3`` connection; use as a context manager or call :meth:`close`."""

    _db: sqlite3.Connection

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

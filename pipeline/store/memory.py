"""A translation memory of reviewed edits, reused as exact matches by later runs and offered as
close (fuzzy) matches for similar sentences.

``zhen review import FILE`` (:mod:`pipeline.review.importer`) reads the TSV/CSV or XLIFF export a
reviewer edited (:mod:`pipeline.review.files`), checks every row against the run it came from
(:mod:`pipeline.review.match`), and stores each
reviewed pair — normalized source → reviewed English, with segment id, document, run, origin
file and import time — in one SQLite file (``RUN_DIR/memory.sqlite3`` unless told otherwise).
``zhen translate --memory PATH`` then fills every segment whose source is in the memory with the
reviewed English *before* the model runs (:func:`apply_memory`) and marks it
``status="memory"``, which every export shows.

What counts as a reviewed edit (and why):

* TSV/CSV: a row whose ``status`` cell says ``final``, ``reviewed``, ``approved`` or
  ``signed-off`` (any case) — stored even when the English is the machine's, as a confirmation —
  or any row whose ``en`` differs from the run's English. Editing a cell is all a spreadsheet
  reviewer can be relied on to do.
* XLIFF 2.1: ``state="reviewed"`` or ``"final"``; ``"translated"`` only when the target differs
  from the run's, because zhen exports every machine translation as ``translated``;
  ``"initial"`` (or no state) never: nobody has finished that target.
* XLIFF 1.2: ``approved="yes"`` or state ``final``/``signed-off``; ``translated`` (or no state)
  only when changed; ``new`` and ``needs-*`` never: the file says work remains.
* Whitespace around the English is dropped; a reviewed row with empty English is not stored.

The memory is keyed by :func:`pipeline.store.cache.normalize_source` of the segment's normalized
text, exactly as the translation cache is, so it matches what the model would have been given.
When two segments with the same source were reviewed differently, an edit wins over a mere
confirmation, and otherwise the later one in the file wins; the losers are reported.

``zhen translate --memory`` also takes a TMX file (:class:`TmxMemory`), the memory format CAT
tools exchange: its units are matched on their source as written (a Traditional original matches
the segment's original text) and, when zhen wrote the TMX, on the normalized text it records.
Segments the memory does not hold exactly get up to :data:`MATCH_LIMIT` reviewed translations of
sources at least :data:`FUZZY_THRESHOLD` % similar (:func:`suggest_matches`), which the review
page and the XLIFF exports offer beside the machine translation.

Nothing is half-written: every row of every file is checked first (unknown ids, a source that
differs from the run's, a document that differs, one id with two Englishes), any mismatch is an
error listing them, and only then are all pairs written in one SQLite transaction.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from rapidfuzz import fuzz, process

from pipeline.chars import has_han
from pipeline.document import MemoryMatch, Segment
from pipeline.errors import TranslationMemoryError
from pipeline.stats import ReuseStats
from pipeline.store.cache import normalize_source
from pipeline.store.rundir import RunDir
from pipeline.store.sqlite import SQLiteStore
from pipeline.store.tmx import TmxUnit, is_tmx, read_tmx

MEMORY_FILE = RunDir.MEMORY
SCHEMA_VERSION = 1
FUZZY_THRESHOLD = 75.0
"""Lowest source similarity (percent) at which a reviewed translation is offered as a match."""
MATCH_LIMIT = 3
"""Close matches kept per segment, best first."""
_COLUMNS = ("source", "en", "mt", "segment_id", "doc_id", "run", "origin", "imported")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS memory (
    source TEXT PRIMARY KEY,
    en TEXT NOT NULL,
    mt TEXT NOT NULL,
    segment_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    run TEXT NOT NULL,
    origin TEXT NOT NULL,
    imported TEXT NOT NULL
) WITHOUT ROWID
"""


@dataclass(frozen=True)
class MemoryEntry:
    """One reviewed pair. ``source`` is the match key; ``mt`` is the English the run had before
    review (so edits can be told from confirmations); ``imported`` is ISO 8601 UTC."""

    source: str
    en: str
    mt: str
    segment_id: str
    doc_id: str
    run: str
    origin: str
    imported: str


@dataclass(frozen=True)
class MemoryStats:
    """What ``zhen review stats`` prints."""

    path: Path
    entries: int
    edited: int
    confirmed: int
    documents: int
    origins: int
    first_import: str | None
    last_import: str | None


def memory_file(path: Path) -> Path:
    """A memory file, or ``memory.sqlite3`` inside a folder (a run directory)."""
    path = Path(path)
    return path / MEMORY_FILE if path.is_dir() else path


class TranslationMemory(SQLiteStore):
    """The SQLite memory: ``normalized source → reviewed English`` plus provenance.

    Open it with :func:`open_memory`; use as a context manager or call :meth:`close`.
    """

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self._db = db

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """SQLite's errors on a damaged (or locked, or full) file as one line naming it; a
        constraint or a write to a read-only memory stays the programming error it is."""
        try:
            yield
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError):
            raise
        except sqlite3.DatabaseError as exc:
            if "readonly" in str(exc):
                raise
            reason = " ".join(str(exc).split())
            raise TranslationMemoryError(
                f"cannot read the translation memory ({reason}); if it is damaged, restore it "
                "from a copy or rebuild it with zhen review import",
                file=str(self.path),
            ) from None

    def lookup_many(self, sources: Iterable[str]) -> dict[str, str]:
        """Reviewed English for those normalized ``sources`` the memory holds."""
        keys = list(dict.fromkeys(sources))
        query = "SELECT source, en FROM memory WHERE source IN ({marks})"
        with self._reading():
            return dict(self._rows_in(query, keys))

    def pairs(self) -> list[tuple[str, str]]:
        """Every ``(source, reviewed English)``, for close matches."""
        with self._reading():
            return list(self._db.execute("SELECT source, en FROM memory"))

    def store(self, entries: Sequence[MemoryEntry]) -> tuple[int, int]:
        """Insert or replace ``entries`` in ONE transaction; returns ``(new, replaced)`` where
        ``replaced`` counts sources that had a different English before."""
        with self._reading():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                before = self.lookup_many(e.source for e in entries)
                marks = ",".join("?" * len(_COLUMNS))
                self._db.executemany(
                    f"INSERT OR REPLACE INTO memory ({','.join(_COLUMNS)}) VALUES ({marks})",
                    [tuple(getattr(e, c) for c in _COLUMNS) for e in entries],
                )
                self._db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise
        new = sum(e.source not in before for e in entries)
        replaced = sum(e.source in before and before[e.source] != e.en for e in entries)
        return new, replaced

    def entries(self, limit: int | None = None) -> list[MemoryEntry]:
        """Entries, most recently imported first."""
        query = f"SELECT {','.join(_COLUMNS)} FROM memory ORDER BY imported DESC, source"
        with self._reading():
            rows = self._db.execute(query + " LIMIT ?", (limit if limit is not None else -1,))
            return [MemoryEntry(*row) for row in rows]

    def stats(self) -> MemoryStats:
        """Counts over the whole memory."""
        with self._reading():
            row = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(en != mt), 0), COUNT(DISTINCT doc_id), "
                "COUNT(DISTINCT origin), MIN(imported), MAX(imported) FROM memory"
            ).fetchone()
        entries, edited, documents, origins, first, last = row
        return MemoryStats(
            self.path, entries, edited, entries - edited, documents, origins, first, last
        )

    def __len__(self) -> int:
        with self._reading():
            return int(self._db.execute("SELECT COUNT(*) FROM memory").fetchone()[0])


def open_memory(path: Path, create: bool = False) -> TranslationMemory:
    """Open the memory at ``path`` (a file, or a run directory holding ``memory.sqlite3``).

    Without ``create`` a missing memory is an error rather than a new empty file, so a mistyped
    ``zhen translate --memory`` cannot pass silently; the file is then opened read-only.
    """
    path = memory_file(path)
    if not create and not path.is_file():
        raise TranslationMemoryError(
            "no translation memory here; create one with zhen review import FILE --memory PATH",
            file=str(path),
        )
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        else:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            db = sqlite3.connect(uri, uri=True, isolation_level=None)
    except (sqlite3.Error, OSError) as exc:
        raise TranslationMemoryError(
            f"cannot open the translation memory ({exc}); check the path and its permissions",
            file=str(path),
        ) from None
    try:
        _check_schema(db, path, create)
    except BaseException:
        db.close()
        raise
    return TranslationMemory(path, db)


def _check_schema(db: sqlite3.Connection, path: Path, create: bool) -> None:
    """Refuse files that are not zhen memories (the translation cache, any other file)."""
    try:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise TranslationMemoryError(
            f"not a translation memory ({exc}); "
            "pass a memory.sqlite3 written by zhen review import",
            file=str(path),
        ) from None
    if "memory" not in tables and (tables or not create):
        raise TranslationMemoryError(
            "an SQLite file but not a zhen translation memory; pass a memory.sqlite3 "
            "written by zhen review import",
            file=str(path),
        )
    if version > SCHEMA_VERSION:
        raise TranslationMemoryError(
            f"memory format {version} is newer than this zhen understands; upgrade zhen",
            file=str(path),
        )
    if create and not tables:
        db.execute(_SCHEMA)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    elif create:
        _check_intact(db, path)


def _check_intact(db: sqlite3.Connection, path: Path) -> None:
    """Before writing into a memory, make sure it is not damaged: SQLite would add rows to a
    file with torn pages without a word, and they would be lost with it."""
    try:
        problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    if problems != ["ok"]:
        raise TranslationMemoryError(
            f"cannot read the translation memory (damaged: {'; '.join(problems)[:200]}); "
            "restore it from a copy or import into a new one with --memory",
            file=str(path),
        )


class ReviewedMemory(Protocol):
    """What a translate run reads from a memory: the SQLite memory or a TMX file."""

    path: Path

    def lookup_many(self, sources: Iterable[str]) -> dict[str, str]: ...

    def pairs(self) -> list[tuple[str, str]]: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class TmxMemory:
    """A TMX file read as a memory. Every unit with an English target counts as reviewed except
    those zhen itself exported as machine translation and nobody changed since (an ``x-status``
    of translated/cached/skipped without ``changedate``/``changeid``); later units win."""

    def __init__(self, path: Path, units: Sequence[TmxUnit]) -> None:
        self.path = path
        self._by_key: dict[str, str] = {}
        self._pairs: dict[str, str] = {}
        for unit in units:
            english = unit.target.strip()
            if not english or unit.machine_translated:
                continue
            for text in (unit.source, unit.props.get("x-normalized", "")):
                if key := normalize_source(text):
                    self._by_key[key] = english
            self._pairs[normalize_source(unit.props.get("x-normalized") or unit.source)] = english

    @classmethod
    def read(cls, path: Path) -> TmxMemory:
        return cls(path, read_tmx(path.read_bytes(), path))

    def lookup_many(self, sources: Iterable[str]) -> dict[str, str]:
        return {key: self._by_key[key] for key in sources if key in self._by_key}

    def pairs(self) -> list[tuple[str, str]]:
        return list(self._pairs.items())

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def open_reviewed(path: Path) -> ReviewedMemory:
    """The memory ``zhen translate --memory PATH`` names: a TMX file (by content), else the
    SQLite memory (a file, or a run folder holding ``memory.sqlite3``), opened read-only."""
    file = memory_file(path)
    if file.is_file():
        try:
            with file.open("rb") as fh:
                if is_tmx(fh.read(2048)):
                    return TmxMemory.read(file)
        except OSError as exc:
            raise TranslationMemoryError(
                f"cannot read the memory ({exc.strerror}); check its permissions", file=str(file)
            ) from None
    return open_memory(path)


def apply_memory(segments: Sequence[Segment], memory: ReviewedMemory) -> ReuseStats:
    """Fill ``en`` and set ``status="memory"`` on every segment whose source the memory holds
    (its normalized text, or its original, NFC and whitespace collapsed); then offer close
    matches for the rest (:func:`suggest_matches`)."""
    keyed = [
        (seg, [k for k in (normalize_source(seg.normalized), normalize_source(seg.source)) if k])
        for seg in segments
    ]
    hits = memory.lookup_many(k for _, keys in keyed for k in keys)
    filled = 0
    for seg, keys in keyed:
        found = next((hits[k] for k in keys if k in hits), None)
        if found is not None:
            seg.en, seg.status = found, "memory"
            filled += 1
    rest = [seg for seg in segments if seg.status != "memory"]
    suggested = suggest_matches(rest, memory.pairs())
    return ReuseStats(looked_up=len(segments), reused=filled, suggested=suggested)


def suggest_matches(
    segments: Sequence[Segment],
    pairs: Sequence[tuple[str, str]],
    threshold: float = FUZZY_THRESHOLD,
    limit: int = MATCH_LIMIT,
) -> int:
    """Set ``matches`` on each Chinese segment to the reviewed pairs whose source is at least
    ``threshold`` % similar (rapidfuzz ``fuzz.ratio``, best first); returns how many segments
    got one. Exact matches are not offered: :func:`apply_memory` reuses them outright."""
    if not pairs:
        return 0
    sources = [source for source, _ in pairs]
    suggested = 0
    for seg in segments:
        query = normalize_source(seg.normalized)
        if not has_han(query):
            continue
        found = process.extract(
            query, sources, scorer=fuzz.ratio, limit=limit + 1, score_cutoff=threshold
        )
        seg.matches = [
            MemoryMatch(sources[i], pairs[i][1], round(score, 1))
            for _, score, i in found
            if sources[i] != query
        ][:limit]
        suggested += bool(seg.matches)
    return suggested


def memory_stats(path: Path) -> MemoryStats:
    """``zhen review stats``: counts over the memory at ``path`` (a file or a run directory)."""
    with open_memory(path) as memory:
        return memory.stats()


def list_memory(path: Path, limit: int | None = None) -> list[MemoryEntry]:
    """``zhen review list``: the memory's entries, most recently imported first."""
    with open_memory(path) as memory:
        return memory.entries(limit)

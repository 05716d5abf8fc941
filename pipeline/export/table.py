"""Tabular exports (TSV, CSV, Parquet): one row per segment, built with polars.

Besides the texts, terms, flags and status, a row carries ``plain`` (the model's own translation
where glossary enforcement changed it) and the best close match from the memory (``match_en``,
``match_score``). In TSV and CSV an empty cell is written empty, never as ``""``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.document import Document
from pipeline.export.common import RunInfo, ordered_segments
from pipeline.export.spans import TermLookup
from pipeline.store.atomic import atomic_open

TABLE_COLUMNS = (
    "doc_id", "segment_id", "block", "index", "source", "normalized", "en", "terms_applied",
    "terms_missed", "flags", "status", "url", "plain", "match_en", "match_score",
)  # fmt: skip


LIST_COLUMNS = ("terms_applied", "terms_missed", "flags")
LIST_SEPARATOR = "|"


def segments_frame(docs: Iterable[Document], join_lists: bool) -> pl.DataFrame:
    """One row per segment as a polars DataFrame; list columns joined with ``|`` if asked."""
    rows: dict[str, list[Any]] = {c: [] for c in TABLE_COLUMNS}
    for doc in docs:
        for seg in ordered_segments(doc):
            best = seg.matches[0] if seg.matches else None
            values = (
                doc.id, seg.id, seg.block, seg.index, seg.source, seg.normalized, seg.en,
                list(seg.terms_applied), list(seg.terms_missed), list(seg.flags), seg.status,
                doc.meta.url, seg.plain, best.en if best else "", best.score if best else None,
            )  # fmt: skip
            for column, value in zip(TABLE_COLUMNS, values, strict=True):
                rows[column].append(value)
    listed = pl.String if join_lists else pl.List(pl.String)
    if join_lists:
        for column in LIST_COLUMNS:
            rows[column] = [LIST_SEPARATOR.join(v) for v in rows[column]]
    schema: dict[str, pl.DataType | type[pl.DataType]] = dict.fromkeys(TABLE_COLUMNS, pl.String)
    schema |= {"block": pl.Int64, "index": pl.Int64, "match_score": pl.Float64}
    schema |= dict.fromkeys(LIST_COLUMNS, listed)
    return pl.DataFrame(rows, schema=schema)


CHUNK_SEGMENTS = 20_000
"""Rows built into one frame at a time: a table of any size is written in chunks."""


def _chunks(docs: Iterable[Document]) -> Iterator[list[Document]]:
    """``docs`` in runs of about :data:`CHUNK_SEGMENTS` segments (at least one run, maybe
    empty, so an empty table still gets its header)."""
    chunk: list[Document] = []
    rows = 0
    for doc in docs:
        chunk.append(doc)
        rows += len(doc.segments)
        if rows >= CHUNK_SEGMENTS:
            yield chunk
            chunk, rows = [], 0
    if chunk or rows == 0:
        yield chunk


def _text_frame(docs: Sequence[Document]) -> pl.DataFrame:
    """The table for TSV/CSV: lists joined, empty strings as nulls so polars writes an empty
    cell (it writes ``""`` for an empty string, which spreadsheets then show)."""
    return segments_frame(docs, join_lists=True).with_columns(pl.col(pl.String).replace("", None))


def _write_text(docs: Iterable[Document], dest: Path, separator: str, bom: bool) -> None:
    with atomic_open(dest, "wb") as out:
        for n, chunk in enumerate(_chunks(docs)):
            if n and not chunk:
                continue
            frame = _text_frame(chunk)
            frame.write_csv(
                out, separator=separator, include_header=n == 0, include_bom=bom and n == 0
            )


def export_tsv(
    docs: Iterable[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """Tab-separated table. Fields holding a tab, newline or quote are double-quoted (RFC 4180
    style, as polars and spreadsheets read them) rather than escaped, so text round-trips with
    ``polars.read_csv(path, separator="\\t")``."""
    _write_text(docs, dest, "\t", bom=False)
    return [dest]


def export_csv(
    docs: Iterable[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """Comma-separated table with a UTF-8 byte order mark so spreadsheet programs read the Chinese
    correctly; polars.read_csv skips the mark."""
    _write_text(docs, dest, ",", bom=True)
    return [dest]


def export_parquet(
    docs: Iterable[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """Parquet table with real list columns, plus the run description as file metadata; large
    runs are written in chunks and streamed into one file by polars."""
    metadata = {
        "zhen.tool_version": run.tool_version,
        "zhen.model": run.model_name,
        "zhen.created": run.created_utc().isoformat(),
        "zhen.settings": json.dumps(run.settings, sort_keys=True, ensure_ascii=False, default=str),
    }
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{dest.name}.", dir=dest.parent) as scratch:
        parts = []
        for n, chunk in enumerate(_chunks(docs)):
            part = Path(scratch) / f"{n:06d}.parquet"
            segments_frame(chunk, join_lists=False).write_parquet(part)
            parts.append(part)
        joined = Path(scratch) / "joined.parquet"
        pl.scan_parquet(parts).sink_parquet(joined, metadata=metadata)
        os.replace(joined, dest)
    return [dest]

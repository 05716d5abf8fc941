"""TSV, CSV and Parquet exports round-trip through polars."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from export.helpers import RUN, sample_docs

from pipeline.document import Document, MemoryMatch
from pipeline.export.registry import export_run


@pytest.fixture
def docs() -> list[Document]:
    """Two documents with every kind of tricky text, plus one without segments; one segment has
    a plain translation beside its enforced one and two close memory matches."""
    docs = sample_docs()
    first = docs[0].segments[0]
    first.plain = "The EU Commission <issues>"
    first.matches = [MemoryMatch("欧盟委员会发布声明", "The Commission said", 88.9),
                     MemoryMatch("欧盟发布声明", "The EU said", 76.0)]  # fmt: skip
    return docs


def _expected_rows(docs: list[Document], join: bool) -> list[tuple]:
    def lst(v: list[str]) -> str | list[str]:
        return "|".join(v) if join else v

    def score(s: float | None) -> str | float | None:
        return ("" if s is None else str(s)) if join else s

    return [
        (d.id, s.id, s.block, s.index, s.source, s.normalized, s.en, lst(s.terms_applied),
         lst(s.terms_missed), lst(s.flags), s.status, d.meta.url, s.plain,
         s.matches[0].en if s.matches else "", score(s.matches[0].score if s.matches else None))
        for d in docs for s in d.segments
    ]  # fmt: skip


@pytest.mark.parametrize(("fmt", "separator"), [("tsv", "\t"), ("csv", ",")])
def test_delimited_tables_round_trip_through_polars(
    docs: list[Document], tmp_path: Path, fmt: str, separator: str
) -> None:
    path = export_run(docs, RUN, tmp_path, [fmt])[fmt][0]
    frame = pl.read_csv(path, separator=separator, infer_schema=False)
    frame = frame.with_columns(pl.col(pl.String).fill_null(""))
    frame = frame.with_columns(pl.col("block", "index").cast(pl.Int64))
    assert frame.rows() == _expected_rows(docs, join=True)


def test_empty_cells_are_empty_not_quoted(docs: list[Document], tmp_path: Path) -> None:
    path = export_run(docs, RUN, tmp_path, ["tsv"])["tsv"][0]
    cells = [c for line in path.read_text(encoding="utf-8").splitlines() for c in line.split("\t")]
    assert "" in cells and '""' not in cells


def test_csv_starts_with_a_byte_order_mark_and_tsv_does_not(
    docs: list[Document], tmp_path: Path
) -> None:
    written = export_run(docs, RUN, tmp_path, ["csv", "tsv"])
    assert written["csv"][0].read_bytes().startswith(b"\xef\xbb\xbfdoc_id,")
    assert written["tsv"][0].read_bytes().startswith(b"doc_id\tsegment_id\t")


def test_parquet_round_trips_with_lists_and_run_metadata(
    docs: list[Document], tmp_path: Path
) -> None:
    path = export_run(docs, RUN, tmp_path, ["parquet"])["parquet"][0]
    frame = pl.read_parquet(path)
    assert frame.schema["flags"] == pl.List(pl.String)
    assert frame.rows() == _expected_rows(docs, join=False)
    metadata = pl.read_parquet_metadata(path)
    assert metadata["zhen.model"] == "translate-zh_en-1_9"
    assert metadata["zhen.created"] == "2024-05-06T07:08:09+00:00"


@pytest.mark.parametrize("fmt", ["tsv", "csv", "parquet"])
def test_tables_written_in_chunks_equal_one_frame(
    docs: list[Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """A large run is written a chunk of documents at a time: the file reads back the same."""
    import pipeline.export.table as table

    whole = export_run(docs, RUN, tmp_path / "whole", [fmt])[fmt][0]
    monkeypatch.setattr(table, "CHUNK_SEGMENTS", 1)
    chunked = export_run(docs, RUN, tmp_path / "chunked", [fmt])[fmt][0]
    if fmt == "parquet":
        assert pl.read_parquet(chunked).equals(pl.read_parquet(whole))
        assert pl.read_parquet_metadata(chunked)["zhen.model"] == RUN.model_name
    else:
        assert chunked.read_bytes() == whole.read_bytes()
    assert not [p for p in chunked.parent.iterdir() if p.name.startswith(".")]

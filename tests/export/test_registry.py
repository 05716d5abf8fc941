"""The export dispatcher: every format, unknown formats, determinism, empty runs."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from export.helpers import LOOKUP, RUN, sample_docs
from translate.storage import tmx

from pipeline.document import Document
from pipeline.errors import PipelineError
from pipeline.export.registry import FORMATS, export_run


@pytest.fixture
def docs() -> list[Document]:
    """Two documents with every kind of tricky text, plus one without segments."""
    return sample_docs()


def test_export_run_writes_every_format(docs: list[Document], tmp_path: Path) -> None:
    written = export_run(docs, RUN, tmp_path, list(FORMATS), LOOKUP)
    assert list(written) == list(FORMATS)
    assert [p.name for p in written["xliff"]] == ["新闻_2024_01.xlf", "plain.xlf"]
    assert all(p.is_file() and p.stat().st_size > 0 for paths in written.values() for p in paths)
    leftovers = [p for p in tmp_path.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


def test_export_run_rejects_unknown_format_before_writing(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="unknown export format 'docx'; use one of: tmx"):
        export_run([], RUN, tmp_path / "out", ["tmx", "docx"])
    assert not (tmp_path / "out").exists()


def test_exports_are_deterministic(docs: list[Document], tmp_path: Path) -> None:
    first = export_run(docs, RUN, tmp_path / "a", list(FORMATS), LOOKUP)
    second = export_run(docs, RUN, tmp_path / "b", list(FORMATS), LOOKUP)
    for name in FORMATS:
        for a, b in zip(first[name], second[name], strict=True):
            assert a.read_bytes() == b.read_bytes(), name


def test_empty_run_still_writes_valid_files(tmp_path: Path) -> None:
    written = export_run([], RUN, tmp_path, list(FORMATS))
    assert written["xliff"] == [] and written["xliff12"] == []
    assert tmx.tmxfile.parsestring(written["tmx"][0].read_bytes()).units == []
    assert pl.read_parquet(written["parquet"][0]).height == 0
    assert "No documents in this run." in written["html"][0].read_text(encoding="utf-8")

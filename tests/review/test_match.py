"""Matching reviewed rows against the run: finding and loading it, mismatches, pairs."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from reviewrun import build_docs, edit_table

from pipeline.errors import PipelineError
from pipeline.review.files import ReviewRow, read_review_file
from pipeline.review.match import find_run_dir, load_run, match_run


def test_find_run_dir_walks_up_from_the_file(run: dict[str, list[Path]], tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    assert find_run_dir(run["xliff"][0]) == run_dir.resolve()
    assert find_run_dir(run["tsv"][0]) == run_dir.resolve()
    assert find_run_dir(run_dir / "xliff") == run_dir.resolve()
    outside = shutil.copy(run["tsv"][0], tmp_path / "copy.tsv")
    with pytest.raises(PipelineError, match="pass --run RUN_DIR"):
        find_run_dir(Path(outside))


def test_load_run_errors(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match=r"no documents\.jsonl"):
        load_run(tmp_path)
    (tmp_path / "documents.jsonl").write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(PipelineError, match=r"documents\.jsonl is unreadable"):
        load_run(tmp_path)


def _row(segment_id: str, en: str = "x", **kw: object) -> ReviewRow:
    fields = {"where": "line 2", "verdict": "reviewed", "normalized": "一句话。"} | kw
    return ReviewRow(segment_id=segment_id, en=en, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_row("plain:9:9")], r"plain:9:9 \(line 2\): unknown segment id"),
        ([_row("")], r"\(no id\) \(line 2\): unknown segment id"),
        (
            [_row("plain:0:0", normalized="两句话。")],
            "source '两句话。' but the run has '一句话。'",
        ),
        ([_row("plain:0:0", source="一句話。")], "source '一句話。' but the run has"),
        ([_row("plain:0:0", doc_id="news")], "document 'news' but the run has 'plain'"),
        (
            [_row("plain:0:0", "A"), _row("plain:0:0", "B", where="line 3")],
            r"plain:0:0 \(line 3\): English differs from line 2",
        ),
    ],
)
def test_mismatches_are_one_error(rows: list[ReviewRow], message: str) -> None:
    with pytest.raises(PipelineError, match=message) as err:
        match_run([(Path("r.tsv"), rows)], build_docs())
    assert "1 segment(s) do not match the run" in err.value.message
    assert "zhen export RUN_DIR" in err.value.message


def test_many_mismatches_name_five_and_count_the_rest() -> None:
    rows = [_row(f"gone:{i}") for i in range(8)]
    with pytest.raises(PipelineError) as err:
        match_run([(Path("r.tsv"), rows)], build_docs())
    message = err.value.message
    assert message.startswith("8 segment(s) do not match the run: gone:0 ")
    assert "gone:4 (line 2)" in message and "gone:5" not in message
    assert "and 3 more" in message


def test_whitespace_and_repeats_do_not_count_as_edits() -> None:
    """Spreadsheets add stray spaces and line breaks; the same row twice is harmless."""
    rows = [
        _row("plain:0:0", "  One sentence. ", verdict="if-edited", normalized="一句话。\n"),
        _row("plain:0:0", "One sentence.", verdict="if-edited"),
        _row("plain:0:1", "", verdict="reviewed", normalized="重复的句子。"),
    ]
    pairs, not_reviewed, blank, _, _ = match_run([(Path("r.tsv"), rows)], build_docs())
    assert (pairs, not_reviewed, blank) == ([], 1, 1)


def test_edited_table_cells_become_pairs(run: dict[str, list[Path]]) -> None:
    path = run["tsv"][0]
    edit_table(path, {"plain:0:0": ("A sentence.", None), "plain:0:1": (None, "Final")})
    pairs, not_reviewed, _, _, _ = match_run([(path, read_review_file(path))], build_docs())
    assert [(p.segment.id, p.en, p.edited) for p in pairs] == [
        ("plain:0:0", "A sentence.", True),
        ("plain:0:1", "A repeated sentence.", False),
    ]
    assert not_reviewed == 6
    frame = pl.read_csv(path, separator="\t", infer_schema=False)
    assert frame.height == 8

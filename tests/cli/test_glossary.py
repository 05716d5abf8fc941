"""``zhen glossary``: validate, add, show, remove and extract as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from typer.testing import CliRunner

from pipeline.cli.app import app
from pipeline.glossary.terms import COLUMNS

SAMPLES = REPO / "corpora" / "samples"
ARMS = REPO / "glossaries" / "arms-control.tsv"
runner = CliRunner()


def test_glossary_validate_reports_line_numbers(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(
        "id\tzh\ten\tabbr\taccept\tnote\tstatus\n"
        "icbm\t洲际弹道导弹\tintercontinental ballistic missile\tICBM\t\t\tapproved\n"
        "icbm\t潜射弹道导弹\tsubmarine-launched ballistic missile\tSLBM\t\t\tmaybe\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["glossary", "validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:3" in result.stderr
    ok = runner.invoke(app, ["glossary", "validate", str(REPO / "glossaries" / "arms-control.tsv")])
    assert ok.exit_code == 0, ok.output


def test_glossary_add_show_remove(tmp_path: Path) -> None:
    path = tmp_path / "names.tsv"
    path.write_text("id\tzh\ten\tabbr\taccept\tnote\tstatus\n", encoding="utf-8")
    added = runner.invoke(
        app, ["glossary", "add", str(path), "--id", "hao-ren", "--zh", "郝仁", "--en", "Hao Ren"]
    )
    assert added.exit_code == 0, added.output
    shown = runner.invoke(app, ["glossary", "show", "郝仁", "--glossary", str(path)])
    assert "Hao Ren" in shown.stdout
    removed = runner.invoke(app, ["glossary", "remove", str(path), "hao-ren"])
    assert removed.exit_code == 0
    assert "hao-ren" not in path.read_text(encoding="utf-8")


def test_glossary_extract_finds_glossed_terms() -> None:
    result = runner.invoke(
        app, ["glossary", "extract", str(SAMPLES), "--glossary", str(REPO / "tests" / "data"
              / "glossary" / "names.tsv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "proposed" in result.stdout


def test_glossary_list_output_is_a_valid_glossary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``zhen glossary list > x.tsv && zhen glossary validate x.tsv``: empty cells stay empty and
    there is no extra column; validate without arguments checks ./glossaries/*.tsv."""
    monkeypatch.chdir(REPO)
    listed = runner.invoke(app, ["glossary", "list"])
    assert listed.exit_code == 0
    assert '""' not in listed.stdout
    assert listed.stdout.splitlines()[0].split("\t") == list(COLUMNS)
    out = tmp_path / "x.tsv"
    out.write_text(listed.stdout, encoding="utf-8")
    checked = runner.invoke(app, ["glossary", "validate", str(out)])
    assert checked.exit_code == 0, checked.output
    default = runner.invoke(app, ["glossary", "validate"])
    assert default.exit_code == 0 and "arms-control.tsv: ok" in default.stdout


def test_glossary_validate_without_glossaries_says_what_to_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["glossary", "validate"])
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "glossaries" in line


def test_glossary_export_tbx2(tmp_path: Path) -> None:
    dest = tmp_path / "g.tbx"
    result = runner.invoke(
        app, ["glossary", "export", str(dest), "--format", "tbx2", "-g", str(ARMS)]
    )
    assert result.exit_code == 0, result.output
    assert b"<martif" in dest.read_bytes()


def test_glossary_explain_shows_matches_and_why_forms_were_passed_over(tmp_path: Path) -> None:
    shipped = ["--glossary", str(REPO / "glossaries" / "arms-control.tsv")]
    result = runner.invoke(
        app, ["glossary", "explain", "辛辛那提以北约15英里，北约回应。", *shipped]
    )
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines == [
        [
            "-",
            "5-7",
            "北约",
            "✗",
            "nato",
            "approved",
            "约 reads with the number after it (以北|约15英里)",
        ],
        ["-", "12-14", "北约", "→", "nato", "approved", ""],
    ]
    doc = tmp_path / "doc.txt"
    doc.write_text("美国国务院官员说。\n\n这名国务院官员表示。\n", encoding="utf-8")
    result = runner.invoke(app, ["glossary", "explain", str(doc), *shipped])
    assert result.exit_code == 0, result.output
    assert "refers back to us-state-department" in result.stdout.splitlines()[-1]

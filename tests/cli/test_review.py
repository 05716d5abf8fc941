"""``zhen review``: import, stats and list as a user runs them, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from review.test_importer import EDITED, EDITS
from reviewrun import NEWS, edit_export, edit_xliff2
from typer.testing import CliRunner

from pipeline.store.memory import MEMORY_FILE


def _replace_in(paths: list[Path], old: str, new: str) -> None:
    for path in paths:
        path.write_bytes(path.read_bytes().replace(old.encode(), new.encode()))


@pytest.fixture
def cli() -> object:
    try:
        from pipeline.cli.app import app
    except ImportError:
        from pipeline.cli.review import review_app as app

        pytest.skip("pipeline.cli.app does not import yet; review_app is tested on its own")
    return app


def test_cli_import_stats_list(cli: object, run: dict[str, list[Path]], run_dir: Path) -> None:
    runner = CliRunner()
    tsv = edit_export(run, "tsv", EDITS["tsv"])[0]
    result = runner.invoke(cli, ["review", "import", str(tsv)])  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    assert "stored 2 pair(s) (1 edited, 1 confirmed; 2 new, 0 replaced)" in result.stdout
    assert "from 8 row(s); 5 not reviewed, 1 blank" in result.stdout
    again = runner.invoke(cli, ["review", "import", str(run["csv"][0])])  # type: ignore[arg-type]
    assert again.exit_code == 0 and "no row is marked reviewed or edited" in again.stderr
    result = runner.invoke(cli, ["review", "stats", "--memory", str(run_dir)])  # type: ignore[arg-type]
    assert result.exit_code == 0
    assert "entries\t2\n" in result.stdout and "edited\t1\n" in result.stdout
    result = runner.invoke(cli, ["review", "list", "-m", str(run_dir / MEMORY_FILE)])  # type: ignore[arg-type]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("source\ten\tmt\t")
    assert sorted(line.split("\t")[1] for line in lines[1:]) == ["One sentence.", EDITED]


def test_cli_errors_exit_1_with_one_line(
    cli: object, run: dict[str, list[Path]], run_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    files = edit_export(run, "xliff", EDITS["xliff"])
    edit_xliff2(files[0], {f"{NEWS}:0:0": ("x", "final")})
    _replace_in(files, "歐盟發表聲明", "歐盟發表了聲明")
    result = runner.invoke(cli, ["review", "import", str(run_dir / "xliff"), "--run", str(run_dir)])  # type: ignore[arg-type]
    assert result.exit_code == 1
    assert result.stderr.startswith("zhen: error: ") and "do not match the run" in result.stderr
    assert not (run_dir / MEMORY_FILE).exists()
    result = runner.invoke(cli, ["review", "stats", "--memory", str(tmp_path / "none.sqlite3")])  # type: ignore[arg-type]
    assert result.exit_code == 1 and "no translation memory here" in result.stderr

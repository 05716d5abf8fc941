"""``zhen models``: listing with nothing installed."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli.app import app

runner = CliRunner()


def test_models_list_with_nothing_installed(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["models", "list"],
        env={"XDG_DATA_HOME": str(tmp_path), "ARGOS_PACKAGES_DIR": str(tmp_path / "argos")},
    )
    assert result.exit_code == 0
    assert "zhen models install" in result.stderr

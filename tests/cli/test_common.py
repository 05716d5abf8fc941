"""The CLI's one error handler: no traceback unless asked, warnings as lines, bounded stdin."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from typer.testing import CliRunner

from pipeline.cli import common
from pipeline.cli.app import app
from pipeline.errors import IngestError, warn

SAMPLE = REPO / "corpora" / "samples" / "new-start-brief.txt"
runner = CliRunner()


def _crash(*args: object, **kwargs: object) -> None:
    raise ValueError("something zhen did not expect")


def test_unexpected_exception_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipeline.run.prepare", _crash)
    result = runner.invoke(app, ["segment", str(SAMPLE)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("zhen: error: internal error (ValueError: something zhen")
    assert "--debug" in lines[0] and "Traceback" not in result.stderr
    assert not isinstance(result.exception, ValueError)


@pytest.mark.parametrize("how", ["option", "env"])
def test_debug_lets_the_traceback_through(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    monkeypatch.setattr("pipeline.run.prepare", _crash)
    args = ["--debug", "segment", str(SAMPLE)] if how == "option" else ["segment", str(SAMPLE)]
    result = runner.invoke(app, args, env={"ZHEN_DEBUG": "1"} if how == "env" else {})
    assert isinstance(result.exception, ValueError)


def test_debug_shows_the_cause_of_a_per_file_failure(tmp_path: Path) -> None:
    deep = tmp_path / "deep.html"
    deep.write_text("<p>正文。</p>", encoding="utf-8")

    def failing(*args: object, **kwargs: object) -> None:
        try:
            {}["x"]
        except KeyError as exc:
            raise IngestError("could not be read (KeyError)", file=str(deep)) from exc

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("pipeline.executors.steps.read_documents", failing)
        quiet = runner.invoke(app, ["segment", str(deep)])
        loud = runner.invoke(app, ["--debug", "segment", str(deep)])
    assert quiet.exit_code == loud.exit_code == 1
    assert "Traceback" not in quiet.stderr
    assert "Traceback" in loud.stderr and "KeyError" in loud.stderr


def test_pipeline_warnings_become_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import run

    real = run.prepare

    def warning_prepare(*args, **kwargs):  # type: ignore[no-untyped-def]
        warn("cache damaged; moved aside", file="/c/translations.sqlite3", stage="translate")
        warn("cache damaged; moved aside", file="/c/translations.sqlite3", stage="translate")
        return real(*args, **kwargs)

    monkeypatch.setattr("pipeline.run.prepare", warning_prepare)
    result = runner.invoke(app, ["segment", str(SAMPLE)])
    assert result.exit_code == 0
    expected = "zhen: warning: /c/translations.sqlite3: [translate] cache damaged; moved aside"
    assert result.stderr.splitlines() == [expected, expected]  # every one, not once per place


def test_stdin_is_read_up_to_the_limit_only(monkeypatch: pytest.MonkeyPatch) -> None:
    class Endless:
        def read(self, size: int = -1) -> bytes:
            assert size > 0, "stdin must never be read without a bound"
            return b"\0" * size

    class Stdin:
        buffer = Endless()

    monkeypatch.setattr(common.sys, "stdin", Stdin())
    with pytest.raises(IngestError, match="larger than 1 MiB"):
        common.stdin_bytes(["-"], limit=2**20)
    assert common.stdin_bytes(["a.txt"]) is None


def test_a_reader_that_stops_early_is_no_error(tmp_path: Path) -> None:
    """``zhen segment … | head -1``: the pipe closes while zhen still writes; zhen stops quietly
    with the shell's SIGPIPE status instead of reporting an internal error."""
    import subprocess
    import sys

    from conftest import REPO

    long = tmp_path / "long.txt"  # far more output than a pipe holds
    long.write_text("\n\n".join(f"第{n}段：中国周日试射了一枚导弹。" for n in range(5000)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "segment", str(long), "--format", "tsv"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"id\t")
    proc.stdout.close()
    assert proc.wait(timeout=60) == 141
    assert proc.stderr.read() == b""

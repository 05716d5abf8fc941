"""The ``zhen`` command as a user runs it: exit codes, one-line errors, outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from typer.testing import CliRunner

from pipeline.cli.app import app

SAMPLES = REPO / "corpora" / "samples"
runner = CliRunner()


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("segment", "translate", "export", "models", "glossary", "review"):
        assert command in result.output


def test_python_m_pipeline_runs_the_cli() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("zhen ")


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; sys.argv=['zhen','--help']\n"
        "from pipeline.cli import main\n"
        "try: main()\nexcept SystemExit: pass\n"
        "heavy={'ctranslate2','sentencepiece','polars','opencc','lxml','selectolax','rich'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("fmt", ["jsonl", "tsv"])
def test_segment_prints_segments(fmt: str) -> None:
    result = runner.invoke(app, ["segment", str(SAMPLES / "new-start-brief.txt"), "--format", fmt])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    if fmt == "jsonl":
        first = json.loads(lines[0])
        assert {"id", "source", "normalized"} <= first.keys()
        assert first["id"] == "new-start-brief:0:0"
    else:
        assert lines[0].split("\t")[:3] == ["id", "doc", "kind"]


def test_segment_reads_stdin() -> None:
    result = runner.invoke(
        app, ["segment", "-"], input="美国国务院发表声明。中国回应了。\n".encode()
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["normalized"] for r in records] == ["美国国务院发表声明。", "中国回应了。"]
    assert records[0]["id"].startswith("stdin:")


def test_segment_converts_traditional_and_keeps_original() -> None:
    result = runner.invoke(app, ["segment", str(SAMPLES / "taiwan-missile-defense-zh-tw.txt")])
    records = [json.loads(x) for x in result.stdout.splitlines()]
    changed = [r for r in records if r["source"] != r["normalized"]]
    assert changed
    assert any("软件" in r["normalized"] or "网络" in r["normalized"] for r in records)


def test_bad_input_is_one_line_and_others_still_processed(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["segment", str(empty), str(SAMPLES / "new-start-brief.txt")])
    assert result.exit_code == 1
    errors = [x for x in result.stderr.splitlines() if x.startswith("zhen: error:")]
    assert len(errors) == 1 and str(empty) in errors[0]
    assert "new-start-brief:0:0" in result.stdout


def test_translate_with_tiny_model(tiny_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["translate", str(SAMPLES / "new-start-brief.txt"), "-o", str(out),
         "--model", str(tiny_archive), "--cache-dir", str(tmp_path / "cache"),
         "--beam", "1", "--export", "tsv,html"],
        env={"XDG_CACHE_HOME": str(tmp_path / "xdg"), "XDG_DATA_HOME": str(tmp_path / "xdg")},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 document(s)" in result.stderr
    for name in ("new-start-brief.en.md", "new-start-brief.bilingual.md", "segments.jsonl",
                 "run.json", "segments.tsv", "review.html"):  # fmt: skip
        assert (out / name).is_file(), name


def test_translate_offline_without_model_says_how_to_install(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["translate", str(SAMPLES / "new-start-brief.txt"), "-o", str(tmp_path / "o")],
        env={
            "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
            "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
            "ARGOS_PACKAGES_DIR": str(tmp_path / "argos"),
            "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/",
            "ZHEN_MODEL": "",
        },
    )
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "zhen models install" in line and ".argosmodel" in line
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["segment", "x.txt", "--script", "klingon"], "--script"),
        (["segment", "x.txt", "--format", "xml"], "--format"),
    ],
)
def test_bad_options_are_usage_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--beam", "0"], "--beam"),
        (["--beam", "-1"], "--beam"),
        (["--threads", "-1"], "--threads"),
        (["--batch-tokens", "0"], "--batch-tokens"),
        (["--max-chars", "0"], "--max-chars"),
        (["--export", "tmx,docx"], "docx"),
        (["--export", "tmx", "-o", "-"], "exports need a folder"),
        (["-q", "-v"], "--quiet"),
    ],
)
def test_bad_translate_options_fail_in_one_line_before_any_work(
    args: list[str], message: str, tmp_path: Path
) -> None:
    """Status 2 and one line, before the model is even looked for (no model is installed here,
    which would otherwise be a status-1 error)."""
    out = ["-o", str(tmp_path / "o")] if "-o" not in args else []
    result = runner.invoke(
        app,
        ["translate", str(SAMPLES / "new-start-brief.txt"), *out, *args],
        env={"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "c")},
    )
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("zhen: error: zhen translate: ") and message in line
    assert not (tmp_path / "o").exists()


def test_short_help_version_and_completion() -> None:
    assert runner.invoke(app, ["-V"]).output.startswith("zhen ")
    for args in (["-h"], ["translate", "-h"], ["glossary", "validate", "-h"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage:" in result.output
        assert "<list" not in result.output and "<path>" not in result.output
    assert "--install-completion" in runner.invoke(app, ["--help"]).output
    translate_help = runner.invoke(app, ["translate", "-h"]).output
    assert "--quiet" in translate_help and "--verbose" in translate_help


def test_unknown_command_is_one_line() -> None:
    result = runner.invoke(app, ["translat"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "translat" in line


def test_translate_to_stdout_quietly(tiny_archive: Path, tmp_path: Path) -> None:
    """``-o -`` prints the English article on standard output and leaves no folder behind;
    ``-q`` prints nothing else."""
    result = runner.invoke(
        app,
        ["translate", str(SAMPLES / "new-start-brief.txt"), "-o", "-", "-q",
         "--model", str(tiny_archive), "--cache-dir", str(tmp_path / "cache"), "--beam", "1",
         "--no-glossary"],
        env={"XDG_CACHE_HOME": str(tmp_path / "xdg"), "XDG_DATA_HOME": str(tmp_path / "xdg")},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith("licensed CC BY 4.0.*")
    assert result.stderr == ""
    assert not Path("-").exists()


def test_translate_says_when_no_glossary_was_found(
    tiny_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app,
        ["translate", str(SAMPLES / "new-start-brief.txt"), "-o", "out", "-v",
         "--model", str(tiny_archive), "--cache-dir", str(tmp_path / "cache"), "--beam", "1"],
        env={"XDG_CACHE_HOME": str(tmp_path / "xdg"), "XDG_DATA_HOME": str(tmp_path / "xdg")},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "glossaries: none found" in result.stderr
    assert "timings: " in result.stderr


def test_rerun_resumes_and_other_settings_are_one_line(tiny_archive: Path, tmp_path: Path) -> None:
    """The same command again keeps the finished documents; other settings are refused in one
    line (no progress display drawn) until --force."""
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    base = ["translate", str(SAMPLES), "-o", str(tmp_path / "o"), "--model", str(tiny_archive),
            "--cache-dir", str(tmp_path / "cache"), "--beam", "1", "--no-glossary",
            "--workers", "2"]  # fmt: skip
    assert runner.invoke(app, base, env=env).exit_code == 0
    again = runner.invoke(app, base, env=env)
    assert again.exit_code == 0 and "resumed: 4 document(s)" in again.stderr
    other = runner.invoke(app, [*base, "--beam", "2"], env=env)
    assert other.exit_code == 1
    (line,) = other.stderr.strip().splitlines()
    assert "other settings (translate.beam: 1 → 2)" in line and "--force" in line
    forced = runner.invoke(app, [*base, "--beam", "2", "--force"], env=env)
    assert forced.exit_code == 0 and "resumed" not in forced.stderr


def test_output_folder_that_is_an_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("中国试射了导弹。\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["translate", str(tmp_path), "-o", str(tmp_path)],
        env={"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "c")},
    )
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "[run] the output folder is also an input" in line


def test_executor_ray_without_ray_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if the extra were not installed
    result = runner.invoke(
        app,
        ["translate", str(SAMPLES), "-o", str(tmp_path / "o"), "--executor", "ray"],
        env={"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "c")},
    )
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "uv run --extra ray zhen" in line and "pip install 'zhen[ray]'" in line
    assert not (tmp_path / "o").exists()

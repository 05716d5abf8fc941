"""The ``zhen`` command: Typer code only.

Each command parses options into settings, calls one library function, and maps
:class:`~pipeline.errors.PipelineError` to a one-line message and a non-zero exit status.
Heavy modules are imported inside commands so ``zhen --help`` stays fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pipeline.errors import PipelineError

app = typer.Typer(
    name="zhen",
    help="Offline Chinese→English document translation with an enforced bilingual glossary.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

InputsArg = Annotated[
    list[str],
    typer.Argument(help="Files, directories (searched recursively) or - for standard input."),
]
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="Force the input encoding (e.g. gb18030, big5).")
]
ScriptOpt = Annotated[
    str,
    typer.Option("--script", help="Script conversion: auto, t2s, tw2sp, hk2s or none."),
]
MaxCharsOpt = Annotated[
    int, typer.Option("--max-chars", help="Split sentences longer than this at ；or ，.")
]

SCRIPTS = ("auto", "t2s", "tw2sp", "hk2s", "none")


def _version(value: bool) -> None:
    if value:
        from pipeline import __version__

        typer.echo(f"zhen {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Offline Chinese→English document translation with an enforced bilingual glossary."""


def report(exc: PipelineError) -> None:
    """Print one error line to standard error."""
    typer.echo(f"zhen: error: {exc}", err=True)


def fail(exc: PipelineError) -> typer.Exit:
    """Report ``exc`` and return the exit to raise."""
    report(exc)
    return typer.Exit(1)


def _stdin_bytes(inputs: list[str]) -> bytes | None:
    """Read standard input once when ``-`` is among the inputs."""
    return sys.stdin.buffer.read() if "-" in inputs else None


def _prep_settings(encoding: str | None, script: str, max_chars: int):
    """Settings for ingest → normalize → segment from the shared options."""
    from pipeline.settings import IngestSettings, NormalizeSettings, SegmentSettings, Settings

    if script not in SCRIPTS:
        raise typer.BadParameter(f"--script must be one of {', '.join(SCRIPTS)}")
    return Settings(
        ingest=IngestSettings(encoding=encoding),
        normalize=NormalizeSettings(script=script),  # type: ignore[arg-type]
        segment=SegmentSettings(max_chars=max_chars),
    )


@app.command()
def segment(
    inputs: InputsArg,
    fmt: Annotated[str, typer.Option("--format", help="Output format: jsonl or tsv.")] = "jsonl",
    encoding: EncodingOpt = None,
    script: ScriptOpt = "auto",
    max_chars: MaxCharsOpt = 160,
) -> None:
    """Print the sentence segments that would be translated (ingest → normalize → segment)."""
    from pipeline.run import prepare
    from pipeline.segment_output import write_segments

    if fmt not in ("jsonl", "tsv"):
        raise typer.BadParameter("--format must be jsonl or tsv")
    settings = _prep_settings(encoding, script, max_chars)
    prepared = prepare(inputs, settings, stdin=_stdin_bytes(inputs))
    write_segments(prepared.docs, sys.stdout, fmt)
    for exc in prepared.failures:
        report(exc)
    if prepared.failures:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    app()

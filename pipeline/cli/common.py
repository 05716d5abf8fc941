"""Typer pieces shared by the ``zhen`` command groups: error reporting and common options."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from pipeline.errors import PipelineError

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
GlossaryOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--glossary",
        "-g",
        help="Glossary TSV (repeatable). Default: every *.tsv in ./glossaries/.",
        envvar="ZHEN_GLOSSARY",
    ),
]
NoGlossaryOpt = Annotated[bool, typer.Option("--no-glossary", help="Use no glossary at all.")]

SCRIPTS = ("auto", "t2s", "tw2sp", "hk2s", "none")


class ZhenGroup(TyperGroup):
    """A command group that maps any :class:`PipelineError` a command raises to one line on
    standard error and exit status 1: the one place the CLI handles library errors."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PipelineError as exc:
            report(exc)
            raise typer.Exit(1) from None


def report(exc: PipelineError | str) -> None:
    """Print one error line to standard error."""
    typer.echo(f"zhen: error: {exc}", err=True)


def fail(exc: PipelineError | str) -> typer.Exit:
    """Report ``exc`` and return the exit to raise."""
    report(exc)
    return typer.Exit(1)


def stdin_bytes(inputs: list[str]) -> bytes | None:
    """Read standard input once when ``-`` is among the inputs."""
    return sys.stdin.buffer.read() if "-" in inputs else None


def glossary_paths(glossary: list[Path] | None, no_glossary: bool) -> list[Path]:
    """Explicit glossaries, else the project's ``glossaries/*.tsv`` when that folder exists."""
    if no_glossary:
        return []
    if glossary:
        return list(glossary)
    return sorted(Path("glossaries").glob("*.tsv"))


def split_formats(value: str | None) -> list[str]:
    """``"tmx, xliff"`` → ``["tmx", "xliff"]``."""
    return [f.strip() for f in (value or "").split(",") if f.strip()]

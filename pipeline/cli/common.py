"""Typer pieces shared by the ``zhen`` command groups: error reporting and common options."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from pipeline.errors import PipelineError
from pipeline.settings import EXPORT_FORMATS, ExportFormat, Script

InputsArg = Annotated[
    list[str],
    typer.Argument(help="Files, directories (searched recursively) or - for standard input."),
]
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="Force the input encoding (e.g. gb18030, big5).")
]
ScriptOpt = Annotated[
    Script,
    typer.Option("--script", help="Script conversion: auto detects Traditional and its region."),
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


@dataclass(frozen=True)
class Formats:
    """Export formats given as one comma-separated option value (``--export tmx,html``)."""

    names: tuple[ExportFormat, ...]


def parse_formats(value: str) -> Formats:
    """``"tmx, xliff"`` → ``Formats(("tmx", "xliff"))``; an unknown name is a usage error, so
    a typo is caught before any work is done."""
    known: dict[str, ExportFormat] = {f: f for f in EXPORT_FORMATS}
    names = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        choices = ", ".join(EXPORT_FORMATS)
        raise typer.BadParameter(f"unknown export format {unknown[0]!r}; use one of: {choices}")
    return Formats(tuple(dict.fromkeys(known[n] for n in names)))


FormatsOpt = Annotated[
    Formats | None,
    typer.Option(
        "--export",
        parser=parse_formats,
        metavar="FORMATS",
        help=f"Also write these review exports: {','.join(EXPORT_FORMATS)}.",
    ),
]


class ZhenGroup(TyperGroup):
    """A command group that maps any :class:`PipelineError` a command raises to one line on
    standard error and exit status 1: the one place the CLI handles library errors."""

    def invoke(self, ctx: Any) -> Any:
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

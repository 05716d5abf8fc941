"""Typer pieces shared by the ``zhen`` command groups: error reporting and common options."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

# Typer vendors its own click (0.29+): its usage errors are these classes, not click's.
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperArgument, TyperGroup

from pipeline.errors import PipelineError
from pipeline.settings import EXPORT_FORMATS, ExportFormat, Script

CONTEXT = {"help_option_names": ["-h", "--help"]}
"""Every command and group answers ``-h`` as well as ``--help``."""

InputsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="INPUT",
        help="Files, directories (searched recursively) or - for standard input.",
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding", metavar="CODEC", help="Force the input encoding (e.g. gb18030, big5)."
    ),
]
ScriptOpt = Annotated[
    Script,
    typer.Option("--script", help="Script conversion: auto detects Traditional and its region."),
]
MaxCharsOpt = Annotated[
    int,
    typer.Option(
        "--max-chars", min=1, metavar="N", help="Split sentences longer than this at ；or ，."
    ),
]
GlossaryOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--glossary",
        "-g",
        metavar="FILE",
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
    standard error and exit status 1, and any usage error (a bad option value, an unknown
    command) to one line and exit status 2 before any work starts: the one place the CLI
    handles errors."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as exc:
            raise _usage_exit(exc) from None

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command, its arguments' help showing their metavar only: Typer would add the
        Python type (``INPUT... <list[str]>``), which tells a user nothing."""
        command = super().get_command(ctx, cmd_name)
        for param in getattr(command, "params", ()):
            if isinstance(param, TyperArgument) and param.metavar:
                param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
        return command

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise _usage_exit(exc) from None
        except PipelineError as exc:
            report(exc)
            raise typer.Exit(1) from None


def _usage_exit(exc: UsageError) -> BaseException:
    """One line for a usage error (``zhen translate: --beam: …; see zhen translate -h``), or the
    help text itself when a group is called without arguments."""
    if isinstance(exc, NoArgsIsHelpError):
        return exc
    where = exc.ctx.command_path if exc.ctx is not None else "zhen"
    message = " ".join(exc.format_message().split())
    typer.echo(f"zhen: error: {where}: {message} (see {where} -h)", err=True)
    return typer.Exit(2)


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


DEFAULT_GLOSSARIES = Path("glossaries")
"""Where ``translate``, ``glossary validate`` and the other glossary commands look by default."""


def glossary_paths(glossary: list[Path] | None, no_glossary: bool) -> list[Path]:
    """Explicit glossaries, else the project's ``glossaries/*.tsv`` when that folder exists."""
    if no_glossary:
        return []
    if glossary:
        return list(glossary)
    return sorted(DEFAULT_GLOSSARIES.glob("*.tsv"))

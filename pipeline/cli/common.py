"""Typer pieces shared by the ``zhen`` command groups: error reporting and common options."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

# Typer vendors its own click (0.29+): its usage errors are these classes, not click's.
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer._click.globals import get_current_context
from typer.core import TyperArgument, TyperGroup

from pipeline.errors import IngestError, PipelineError, PipelineWarning
from pipeline.settings import EXPORT_FORMATS, MAX_INPUT_BYTES, ExportFormat, Script

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


DEBUG = "zhen.debug"
"""``ctx.meta`` key set by ``zhen --debug`` (or ``ZHEN_DEBUG=1``): show tracebacks."""
_SHOWN_CHARS = 300
SIGPIPE_STATUS = 141
"""Exit status of a command whose output pipe closed early, as a shell reports SIGPIPE."""


class ZhenGroup(TyperGroup):
    """A command group that maps any :class:`PipelineError` a command raises to one line on
    standard error and exit status 1, and any usage error (a bad option value, an unknown
    command) to one line and exit status 2 before any work starts: the one place the CLI
    handles errors. Anything else escaping a command is a bug: one line saying so (the
    traceback only with ``--debug``), never a traceback in a user's face. Warnings the library
    issues (:class:`PipelineWarning`) become ``zhen: warning:`` lines."""

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
        with warnings.catch_warnings():
            warnings.simplefilter("always", PipelineWarning)
            warnings.showwarning = _show_warning
            try:
                return super().invoke(ctx)
            except UsageError as exc:
                raise _usage_exit(exc) from None
            except PipelineError as exc:
                if debugging(ctx):
                    traceback.print_exc()
                report(exc)
                raise typer.Exit(1) from None
            except (typer.Exit, typer.Abort, ClickException):
                raise
            except BrokenPipeError:
                _quiet_stdout()
                raise typer.Exit(SIGPIPE_STATUS) from None
            except Exception as exc:
                if debugging(ctx):
                    raise
                report(internal_error(exc))
                raise typer.Exit(1) from None


def _quiet_stdout() -> None:
    """The reader of standard output went away (``zhen segment … | head``): nothing is wrong,
    so stop without a message, with output pointed at the null device so that Python's final
    flush does not fail again."""
    with contextlib.suppress(OSError, ValueError):  # an stdout without a file descriptor
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def debugging(ctx: Any) -> bool:
    """Whether ``--debug`` (or ``ZHEN_DEBUG``) asked for tracebacks."""
    return bool(ctx.meta.get(DEBUG)) or os.environ.get("ZHEN_DEBUG", "") not in ("", "0")


def internal_error(exc: BaseException) -> str:
    """The line for an exception zhen did not expect: what it was, and what to do."""
    detail = " ".join(str(exc).split())
    if len(detail) > _SHOWN_CHARS:
        detail = detail[:_SHOWN_CHARS] + "…"
    what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return (
        f"internal error ({what}); this is a bug in zhen: rerun with zhen --debug for the "
        "traceback and report it"
    )


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """``warnings.showwarning`` for the CLI: zhen's warnings as one line, others as Python
    prints them."""
    if isinstance(message, PipelineWarning):
        typer.echo(f"zhen: warning: {message}", err=True)
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


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
    """Print one error line to standard error (with ``--debug``, first the traceback of what
    caused it, when something unexpected did)."""
    ctx = get_current_context(silent=True)
    cause = exc.__cause__ if isinstance(exc, PipelineError) else None
    if cause is not None and ctx is not None and debugging(ctx):
        traceback.print_exception(cause)
    typer.echo(f"zhen: error: {exc}", err=True)


def fail(exc: PipelineError | str) -> typer.Exit:
    """Report ``exc`` and return the exit to raise."""
    report(exc)
    return typer.Exit(1)


def stdin_bytes(inputs: list[str], limit: int = MAX_INPUT_BYTES) -> bytes | None:
    """Read standard input once when ``-`` is among the inputs, at most ``limit`` bytes: more is
    refused (``zhen translate - < /dev/zero`` must not exhaust memory)."""
    if "-" not in inputs:
        return None
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise IngestError(
            f"standard input is larger than {limit // 2**20} MiB, the most zhen reads as one "
            "document; split it into files",
            file="-",
        )
    return data


DEFAULT_GLOSSARIES = Path("glossaries")
"""Where ``translate``, ``glossary validate`` and the other glossary commands look by default."""


def glossary_paths(glossary: list[Path] | None, no_glossary: bool) -> list[Path]:
    """Explicit glossaries, else the project's ``glossaries/*.tsv`` when that folder exists."""
    if no_glossary:
        return []
    if glossary:
        return list(glossary)
    return sorted(DEFAULT_GLOSSARIES.glob("*.tsv"))

"""``zhen review``: import reviewed edits into a translation memory, inspect the memory.

Typer code only: each command calls one function of :mod:`pipeline.store.memory`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.common import CONTEXT, ZhenGroup

review_app = typer.Typer(
    cls=ZhenGroup,
    help="Turn a reviewer's edits (review page, TSV/CSV, XLIFF, TMX) into a translation memory.",
    no_args_is_help=True,
    context_settings=CONTEXT,
    rich_markup_mode=None,
)

MemoryOpt = Annotated[
    Path | None,
    typer.Option(
        "--memory",
        "-m",
        metavar="FILE",
        help="Memory file, or a run directory holding memory.sqlite3 (default: RUN_DIR's).",
    ),
]
ReadMemoryOpt = Annotated[
    Path,
    typer.Option(
        "--memory",
        "-m",
        metavar="FILE",
        help="Memory file, or a run directory holding memory.sqlite3.",
    ),
]


@review_app.command("import")
def import_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="Edits downloaded from review.html, an edited segments.tsv/.csv, XLIFF files "
            "(or an xliff/ folder), or a TMX from a CAT tool.",
        ),
    ],
    run: Annotated[
        Path | None,
        typer.Option(
            "--run",
            metavar="RUN_DIR",
            help="The run the file was exported from (default: the folder holding it, or the "
            "run the review page names).",
        ),
    ] = None,
    memory: MemoryOpt = None,
) -> None:
    """Store reviewed segments (marked final/reviewed/approved, or edited) in the memory."""
    # Lazy: zhen --help must not load the library.
    from pipeline.review import import_review

    report = import_review(files, run, memory)
    for rejected in report.rejected:
        typer.echo(f"zhen: error: {rejected}; not stored", err=True)
    if report.unmatched:
        typer.echo(
            f"zhen: warning: {report.unmatched} translation unit(s) match no sentence of the "
            "run and were skipped",
            err=True,
        )
    for segment_id in report.conflicts:
        typer.echo(
            f"zhen: warning: {segment_id}: same source reviewed differently elsewhere; "
            "the other English was kept",
            err=True,
        )
    if not report.stored:
        typer.echo(
            "zhen: warning: no row is marked reviewed or edited; set status to final "
            "(TSV/CSV), state to final (XLIFF 2) or approved to yes (XLIFF 1.2)",
            err=True,
        )
    typer.echo(
        f"{report.memory}: stored {report.stored} pair(s) ({report.edited} edited, "
        f"{report.unchanged} confirmed; {report.new} new, {report.replaced} replaced) "
        f"from {report.rows} row(s); {report.not_reviewed} not reviewed, {report.blank} blank"
        + (f", {len(report.rejected)} rejected" if report.rejected else "")
    )
    if report.rejected:
        raise typer.Exit(1)


@review_app.command()
def stats(memory: ReadMemoryOpt = Path(".")) -> None:
    """Counts over a translation memory."""
    # Lazy: zhen --help must not load the library.
    from pipeline.store.memory import memory_stats

    result = memory_stats(memory)
    for name in ("path", "entries", "edited", "confirmed", "documents", "origins"):
        typer.echo(f"{name}\t{getattr(result, name)}")
    typer.echo(f"first_import\t{result.first_import or '-'}")
    typer.echo(f"last_import\t{result.last_import or '-'}")


@review_app.command("list")
def list_cmd(
    memory: ReadMemoryOpt = Path("."),
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=0, metavar="N", help="Show at most N.")
    ] = None,
) -> None:
    """Memory entries as TSV, most recently imported first."""
    # Lazy: zhen --help must not load the library.
    from pipeline.store.memory import list_memory

    entries = list_memory(memory, limit)
    typer.echo("source\ten\tmt\tsegment_id\tdoc_id\timported\torigin")
    for e in entries:
        cells = (e.source, e.en, e.mt, e.segment_id, e.doc_id, e.imported, e.origin)
        typer.echo("\t".join(" ".join(c.split()) for c in cells))

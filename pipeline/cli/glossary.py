"""``zhen glossary``: validate, list, show, add, remove, import, export, stats, extract.

Typer code only: each command calls one function of :mod:`pipeline.glossary.tsv`,
:mod:`pipeline.glossary.formats` or :mod:`pipeline.glossary.mine`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.common import (
    CONTEXT,
    DEFAULT_GLOSSARIES,
    GlossaryOpt,
    InputsArg,
    ZhenGroup,
    fail,
    glossary_paths,
    report,
)

if TYPE_CHECKING:
    import polars as pl

    from pipeline.glossary import Glossary

glossary_app = typer.Typer(
    cls=ZhenGroup,
    help="Maintain bilingual glossaries (TSV: id, zh, en, abbr, accept, note, status).",
    no_args_is_help=True,
    context_settings=CONTEXT,
    rich_markup_mode=None,
)

GlossaryFileArg = Annotated[Path, typer.Argument(metavar="GLOSSARY", help="Glossary TSV file.")]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="csv, tsv, tbx (TBX-Basic 2019), tbx2 (TBX v2 martif: OmegaT, translate-toolkit) "
        "or deepl (default: by file name).",
    ),
]


def _load(paths: list[Path] | None) -> Glossary:
    """The merged glossaries named (default: ./glossaries/*.tsv), normalized like documents."""
    # Lazy: zhen --help must not load the library.
    from pipeline.glossary import load_glossaries
    from pipeline.settings import NormalizeSettings

    chosen = glossary_paths(paths, False)
    if not chosen:
        raise fail("no glossary given and no ./glossaries/*.tsv; pass --glossary FILE")
    return load_glossaries(chosen, NormalizeSettings())


def _print_frame(frame: pl.DataFrame) -> None:
    """A table as TSV on standard output (pipe it into a spreadsheet or `column -t`); empty
    cells are written empty, not as ``""``."""
    # Lazy: polars takes ~0.4 s to import; only tables need it.
    import polars as pl

    blanked = frame.with_columns(pl.col(pl.String).replace("", None))
    sys.stdout.write(blanked.write_csv(separator="\t"))


@glossary_app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="GLOSSARY",
            help="Glossary TSV files (default: ./glossaries/*.tsv, as translate uses).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check glossaries: duplicate ids, conflicting forms, empty fields, bad status, whitespace."""
    # Lazy: zhen --help must not load the library.
    from pipeline.glossary import validate as validate_file
    from pipeline.settings import NormalizeSettings

    paths = paths or glossary_paths(None, False)
    if not paths:
        raise fail(f"no glossary given and no ./{DEFAULT_GLOSSARIES}/*.tsv; pass GLOSSARY files")
    errors = 0
    for path in paths:
        issues = validate_file(path, NormalizeSettings())
        for issue in issues:
            typer.echo(str(issue), err=True)
        errors += sum(issue.severity == "error" for issue in issues)
        if not issues:
            typer.echo(f"{path}: ok")
    if errors:
        raise typer.Exit(1)


@glossary_app.command("list")
def list_cmd(glossary: GlossaryOpt = None) -> None:
    """Every term as glossary TSV (the glossaries merged; a valid glossary file itself)."""
    # Lazy: zhen --help must not load the library.
    from pipeline.glossary.formats import format_tsv

    sys.stdout.write(format_tsv(_load(glossary).terms))


@glossary_app.command()
def show(
    query: Annotated[
        str, typer.Argument(metavar="QUERY", help="Term id, Chinese form or English rendering.")
    ],
    glossary: GlossaryOpt = None,
) -> None:
    """Show the terms matching an id, a source form or a rendering."""
    # Lazy: zhen --help must not load the library.
    from pipeline.glossary import lookup

    terms = lookup(_load(glossary), query)
    if not terms:
        raise fail(f"no term matches {query!r}")
    for term in terms:
        for name, value in zip(
            ("id", "zh", "en", "abbr", "accept", "note", "status"), term.row(), strict=False
        ):
            typer.echo(f"{name:>7}: {value}")
        typer.echo("")


@glossary_app.command()
def add(
    path: GlossaryFileArg,
    term_id: Annotated[str, typer.Option("--id", metavar="ID", help="Stable id, e.g. icbm.")],
    zh: Annotated[str, typer.Option(metavar="FORMS", help="Source forms, |-separated.")],
    en: Annotated[str, typer.Option(metavar="TEXT", help="Required English rendering.")],
    abbr: Annotated[str, typer.Option(metavar="TEXT", help="Abbreviation, e.g. ICBM.")] = "",
    accept: Annotated[
        str, typer.Option(metavar="TEXTS", help="Other correct renderings, |-separated.")
    ] = "",
    note: Annotated[
        str, typer.Option(metavar="TEXT", help="Source of the rendering, usage notes.")
    ] = "",
    status: Annotated[
        str, typer.Option(metavar="STATUS", help="approved or proposed.")
    ] = "approved",
) -> None:
    """Append a term (the file is rewritten atomically; other lines stay byte-for-byte)."""
    # Lazy: zhen --help must not load the library.
    from pipeline.glossary import add_term, make_term

    term = add_term(path, make_term(term_id, zh, en, abbr, accept, note, status))
    typer.echo(f"added {term.id} to {path}")


@glossary_app.command()
def remove(
    path: GlossaryFileArg, term_id: Annotated[str, typer.Argument(metavar="ID", help="Term id.")]
) -> None:
    """Remove a term by id."""
    # Lazy: zhen --help must not load the library.
    from pipeline.glossary import remove_term

    term = remove_term(path, term_id)
    typer.echo(f"removed {term.id} from {path}")


@glossary_app.command("import")
def import_cmd(
    source: Annotated[
        Path, typer.Argument(metavar="FILE", help="CSV, TSV, TBX or DeepL CSV file.")
    ],
    dest: Annotated[Path, typer.Argument(metavar="GLOSSARY", help="Glossary TSV to write.")],
    fmt: FormatOpt = None,
    status: Annotated[
        str | None,
        typer.Option(metavar="STATUS", help="Status for imported terms lacking one."),
    ] = None,
) -> None:
    """Convert a glossary from another tool into zhen's TSV."""
    # Lazy: zhen --help must not load the library.
    from pipeline.glossary import import_glossary, save_glossary

    glossary = import_glossary(source, fmt, status=status)
    save_glossary(glossary.terms, dest)
    typer.echo(f"imported {len(glossary)} terms into {dest}")


@glossary_app.command("export")
def export_cmd(
    dest: Annotated[Path, typer.Argument(metavar="FILE", help="File to write (.csv, .tsv, .tbx).")],
    fmt: FormatOpt = None,
    approved_only: Annotated[
        bool, typer.Option("--approved-only", help="Leave out proposed terms.")
    ] = False,
    glossary: GlossaryOpt = None,
) -> None:
    """Export glossaries for spreadsheets, CAT tools (TBX) or DeepL."""
    # Lazy: zhen --help must not load the library.
    from pipeline.glossary import export_glossary

    merged = _load(glossary)
    export_glossary(merged.approved() if approved_only else merged, dest, fmt)
    typer.echo(f"exported {len(merged)} terms to {dest}")


def _corpus(inputs: list[str]) -> list[tuple[str, str]]:
    """``(doc id, normalized text)`` for every readable input; bad ones are reported."""
    # Lazy: zhen --help must not load the library.
    from pipeline.run import corpus_texts
    from pipeline.settings import Settings

    texts, failures = corpus_texts(inputs, Settings())
    for exc in failures:
        report(exc)
    if not texts:
        raise typer.Exit(1)
    return texts


@glossary_app.command()
def stats(inputs: InputsArg, glossary: GlossaryOpt = None) -> None:
    """How often each term occurs in a corpus (TSV: id, en, occurrences, documents, …)."""
    # Lazy: zhen --help must not load the library.
    from pipeline.glossary import term_stats

    _print_frame(term_stats(_corpus(inputs), _load(glossary)))


@glossary_app.command()
def extract(
    inputs: InputsArg,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Write candidates as a glossary TSV."),
    ] = None,
    min_count: Annotated[
        int, typer.Option("--min-count", min=1, metavar="N", help="Minimum occurrences.")
    ] = 1,
    glossary: GlossaryOpt = None,
) -> None:
    """Mine candidate terms (Chinese with an English gloss, acronyms) as status=proposed rows."""
    # Lazy: zhen --help must not load the library.
    from pipeline.glossary import extract_candidates, write_candidates

    existing = _load(glossary) if glossary or Path("glossaries").is_dir() else None
    frame = extract_candidates(_corpus(inputs), existing, min_count=min_count)
    if out is None:
        _print_frame(frame)
        return
    write_candidates(frame, out)
    typer.echo(f"wrote {frame.height} candidates to {out}")


@glossary_app.command()
def explain(
    inputs: Annotated[
        list[str], typer.Argument(help="Chinese text, or files and folders to read as documents.")
    ],
    glossary: GlossaryOpt = None,
) -> None:
    """Which terms each sentence matches, and why other glossary forms in it were passed over
    (a cut word, a context rule, a blocker entry…). One TSV line per match or skip."""
    # Lazy: zhen --help must not load the library.
    from pipeline.glossary import explain_lines
    from pipeline.normalize import normalize_text
    from pipeline.run import prepare

    # Lazy: as above.
    from pipeline.settings import NormalizeSettings, Settings

    loaded = _load(glossary)
    if all(not Path(i).exists() for i in inputs):
        text = normalize_text(" ".join(inputs), NormalizeSettings()).text
        docs = [[("-", text)]]
    else:
        prepared = prepare(inputs, Settings())
        for exc in prepared.failures:
            report(exc)
        docs = [[(s.id, s.normalized) for s in d.segments] for d in prepared.docs]
    for doc in docs:
        for line in explain_lines(doc, loaded):
            typer.echo(line)

"""The ``zhen`` command: Typer code only.

Each command parses options into settings and calls one library function; any
:class:`~pipeline.errors.PipelineError` it raises becomes one line and exit status 1 in
:class:`~pipeline.cli.common.ZhenGroup`. The library is imported inside commands so
``zhen --help`` stays fast.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline import __version__
from pipeline.cli.common import (
    CONTEXT,
    DEBUG,
    EncodingOpt,
    Formats,
    FormatsOpt,
    GlossaryOpt,
    InputsArg,
    MaxCharsOpt,
    NoGlossaryOpt,
    ScriptOpt,
    ZhenGroup,
    glossary_paths,
    parse_formats,
    report,
    stdin_bytes,
)
from pipeline.cli.glossary import glossary_app
from pipeline.cli.models import models_app
from pipeline.cli.review import review_app
from pipeline.settings import (
    EXPORT_FORMATS,
    Device,
    EnforceSettings,
    ExecutorName,
    IngestSettings,
    NormalizeSettings,
    RayOptions,
    RunOptions,
    Script,
    SegmentSettings,
    SegmentsFormat,
    Settings,
    TermStyle,
    TranslateSettings,
)

if TYPE_CHECKING:
    from pipeline.glossary import Glossary

app = typer.Typer(
    cls=ZhenGroup,
    name="zhen",
    help="Offline Chinese→English document translation with an enforced bilingual glossary.",
    no_args_is_help=True,
    context_settings=CONTEXT,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(models_app, name="models")
app.add_typer(glossary_app, name="glossary")
app.add_typer(review_app, name="review")

DEFAULTS = TranslateSettings()
RAY_DEFAULTS = RayOptions()
SEGMENT_DEFAULTS = SegmentSettings()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"zhen {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Show a traceback with any error (also ZHEN_DEBUG=1), for bug reports."
        ),
    ] = False,
) -> None:
    """Offline Chinese→English document translation with an enforced bilingual glossary."""
    ctx.meta[DEBUG] = debug


def prep_settings(encoding: str | None, script: Script, max_chars: int) -> Settings:
    """Settings for ingest → normalize → segment from the shared options."""
    return Settings(
        ingest=IngestSettings(encoding=encoding),
        normalize=NormalizeSettings(script=script),
        segment=SegmentSettings(max_chars=max_chars),
    )


@app.command()
def segment(
    inputs: InputsArg,
    fmt: Annotated[SegmentsFormat, typer.Option("--format", help="Output format.")] = "jsonl",
    encoding: EncodingOpt = None,
    script: ScriptOpt = "auto",
    max_chars: MaxCharsOpt = SEGMENT_DEFAULTS.max_chars,
    show_dropped: Annotated[
        bool,
        typer.Option(
            "--show-dropped",
            help="Print the lines dropped as page chrome (document, rule, text) instead.",
        ),
    ] = False,
) -> None:
    """Print the sentence segments that would be translated (ingest → normalize → segment)."""
    # Lazy: zhen --help must not load the library.
    from pipeline.cli.dropped import write_dropped
    from pipeline.cli.segments import write_segments
    from pipeline.run import prepare

    settings = prep_settings(encoding, script, max_chars)
    prepared = prepare(inputs, settings, stdin=stdin_bytes(inputs))
    if show_dropped:
        write_dropped(prepared.dropped, sys.stdout, fmt)
    else:
        write_segments(prepared.docs, sys.stdout, fmt)
    for exc in prepared.failures:
        report(exc)
    if prepared.failures:
        raise typer.Exit(1)


def load_glossary(paths: list[Path], settings: Settings) -> Glossary | None:
    """The merged glossary for a run, normalized like the documents (``None`` without one)."""
    if not paths:
        return None
    # Lazy: zhen --help must not load the library.
    from pipeline.glossary import load_glossaries

    return load_glossaries(paths, settings.normalize)


QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print errors only: no progress, no summary.")
]
VerboseOpt = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="Also print timings, enforcement strategies, glossaries."),
]


@app.command()
def translate(
    inputs: InputsArg,
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="DIR", help="Output directory; - prints the English on stdout."
        ),
    ],
    model: Annotated[
        Path | None,
        typer.Option(
            metavar="PACKAGE",
            help="Translation package (.argosmodel or directory).",
            envvar="ZHEN_MODEL",
        ),
    ] = None,
    beam: Annotated[
        int, typer.Option(min=1, metavar="N", help="Beam size (1 = greedy, fastest).")
    ] = DEFAULTS.beam,
    device: Annotated[Device, typer.Option(help="Where CTranslate2 runs.")] = DEFAULTS.device,
    compute_type: Annotated[
        str,
        typer.Option(
            "--compute-type",
            metavar="TYPE",
            help="CTranslate2 compute type (int8, float32, auto…).",
        ),
    ] = DEFAULTS.compute_type,
    threads: Annotated[
        int, typer.Option(min=0, metavar="N", help="CPU threads (0 = physical cores).")
    ] = DEFAULTS.threads,
    workers: Annotated[
        int,
        typer.Option(
            min=0,
            metavar="N",
            help="Model replicas decoding at once, sharing the threads (0 = one per core).",
        ),
    ] = DEFAULTS.workers,
    batch_tokens: Annotated[
        int, typer.Option("--batch-tokens", min=1, metavar="N", help="Source tokens per batch.")
    ] = DEFAULTS.batch_tokens,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir", metavar="DIR", help="Translation cache folder.", envvar="ZHEN_CACHE_DIR"
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the translation cache.")
    ] = False,
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    term_style: Annotated[
        TermStyle, typer.Option("--term-style", help="How glossary terms read.")
    ] = "first",
    no_enforce: Annotated[
        bool,
        typer.Option("--no-enforce", help="Translate plainly; only check and report terms."),
    ] = False,
    export: FormatsOpt = None,
    memory: Annotated[
        Path | None,
        typer.Option(
            "--memory",
            metavar="FILE",
            help="Reviewed translations to reuse: a memory.sqlite3 (or its run folder) or a TMX.",
        ),
    ] = None,
    encoding: EncodingOpt = None,
    script: ScriptOpt = "auto",
    max_chars: MaxCharsOpt = SEGMENT_DEFAULTS.max_chars,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a run with other settings in the -o folder."),
    ] = False,
    executor: Annotated[
        ExecutorName, typer.Option("--executor", help="Where documents are translated.")
    ] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray-address",
            metavar="ADDRESS",
            help="Ray cluster to use (default: start a local Ray).",
        ),
    ] = None,
    ray_actors: Annotated[
        int,
        typer.Option(
            "--ray-actors", min=0, metavar="N", help="Ray actors translating (0 = fill the CPUs)."
        ),
    ] = RAY_DEFAULTS.actors,
    ray_actor_cpus: Annotated[
        float,
        typer.Option("--ray-actor-cpus", min=0.01, metavar="N", help="CPUs per Ray actor."),
    ] = RAY_DEFAULTS.actor_cpus,
    ray_actor_gpus: Annotated[
        float, typer.Option("--ray-actor-gpus", min=0, metavar="N", help="GPUs per Ray actor.")
    ] = RAY_DEFAULTS.actor_gpus,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Translate documents to English: Markdown, bilingual Markdown, segments.jsonl, run.json.

    Re-running the same command into the same -o folder resumes an interrupted run.
    """
    # Lazy: zhen --help must not load the library.
    from pipeline.cli.progress import details, download_bar, glossary_line, run_bars, summary
    from pipeline.packages import default_dirs

    # Lazy: the orchestrator imports every stage.
    from pipeline.run import translate_run

    to_stdout = str(out) == "-"
    if to_stdout and export:
        raise typer.BadParameter(
            "exports need a folder; pass -o DIR with --export", param_hint="-o"
        )
    if quiet and verbose:
        raise typer.BadParameter("choose one of --quiet and --verbose", param_hint="-q/-v")
    dirs = default_dirs()
    settings = replace(
        prep_settings(encoding, script, max_chars),
        translate=TranslateSettings(
            model=model,
            beam=beam,
            device=device,
            compute_type=compute_type,
            threads=threads,
            workers=workers,
            batch_tokens=batch_tokens,
            cache_dir=cache_dir or dirs.cache_dir.parent / "translations",
        ),
    )
    paths = glossary_paths(glossary, no_glossary)
    loaded = load_glossary(paths, settings)
    chosen = None
    if executor == "ray":
        # Lazy: the Ray executor (and Ray itself) only when asked for.
        from pipeline.executors.ray import RayExecutor

        chosen = RayExecutor(RayOptions(ray_address, ray_actors, ray_actor_cpus, ray_actor_gpus))
    with tempfile.TemporaryDirectory(prefix="zhen-stdout-") as scratch:
        options = RunOptions(
            outdir=Path(scratch) if to_stdout else out,
            dirs=dirs,
            enforce=EnforceSettings(enabled=not no_enforce, term_style=term_style),
            exports=export.names if export else (),
            use_cache=not no_cache,
            memory=memory,
            force=force,
        )
        with download_bar(not quiet) as on_download, run_bars(not quiet) as bars:
            result = translate_run(
                inputs,
                settings,
                options,
                glossary=loaded,
                glossary_files=paths,
                stdin=stdin_bytes(inputs),
                on_download=on_download,
                progress=bars,
                executor=chosen,
            )
        more = details(result) if verbose else ""  # reads the run folder, still there
        if to_stdout:
            english = [path.read_text(encoding="utf-8") for path in result.english_files()]
            sys.stdout.write("\n".join(english))
            result.files = 0  # the scratch folder is going: the summary must not point at it
    if not quiet:
        typer.echo(summary(result), err=True)
        typer.echo(glossary_line(result, no_glossary), err=True)
    if more:
        typer.echo(more, err=True)
    for exc in result.failures:
        report(exc)
    if result.failures:
        raise typer.Exit(1)


@app.command("export")
def export_cmd(
    run_dir: Annotated[
        Path, typer.Argument(metavar="RUN_DIR", help="A directory written by zhen translate.")
    ],
    to: Annotated[
        Formats,
        typer.Option(
            "--to", parser=parse_formats, metavar="FORMATS", help=f"{','.join(EXPORT_FORMATS)}."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="DIR", help="Where to write (default: RUN_DIR)."),
    ] = None,
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
) -> None:
    """Write review exports for an existing run, with the glossaries the run recorded."""
    # Lazy: zhen --help must not load the library.
    from pipeline.run import export_existing_run

    chosen = glossary_paths(glossary, no_glossary) if glossary or no_glossary else None
    exported = export_existing_run(run_dir, out or run_dir, to.names, chosen)
    for warning in exported.warnings:
        typer.echo(f"zhen: warning: {warning}", err=True)
    for path in exported.written:
        typer.echo(str(path))


def main() -> None:
    """Console-script entry point."""
    app()

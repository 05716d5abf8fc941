"""``zhen models``: list, install and remove translation packages (Typer code only)."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline.cli.common import CONTEXT, ZhenGroup

models_app = typer.Typer(
    cls=ZhenGroup,
    help="Manage translation packages (Argos Translate .argosmodel).",
    no_args_is_help=True,
    context_settings=CONTEXT,
    rich_markup_mode=None,
)


@models_app.command("list")
def list_cmd() -> None:
    """Installed translation packages: zhen's own and those Argos Translate installed."""
    # Lazy: zhen --help must not load the library.
    from pipeline.packages import default_dirs, list_packages

    packages = list_packages(default_dirs())
    if not packages:
        typer.echo("no translation packages installed; try: zhen models install zh en", err=True)
        return
    typer.echo("name\tpair\tversion\tsize_mb\torigin\tpath")
    for p in packages:
        typer.echo(f"{p.name}\t{p.pair}\t{p.version}\t{p.size / 1e6:.1f}\t{p.origin}\t{p.path}")


@models_app.command()
def install(
    source: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE", help="A .argosmodel file, a package directory, a URL, or: zh en"
        ),
    ],
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Replace an installed package of the same name that differs."
        ),
    ] = False,
) -> None:
    """Verify and install a package (from a file, directory, URL or the Argos index)."""
    # Lazy: zhen --help must not load the library.
    from pipeline.cli.progress import download_bar
    from pipeline.packages import default_dirs
    from pipeline.packages import install as install_package

    with download_bar() as on_download:
        info = install_package(" ".join(source), default_dirs(), on_download, replace=replace)
    typer.echo(f"installed {info.name} ({info.pair} {info.version}) in {info.path}")


@models_app.command()
def remove(
    name: Annotated[
        list[str], typer.Argument(metavar="PACKAGE", help="Package name, path or language pair.")
    ],
) -> None:
    """Remove an installed package."""
    # Lazy: zhen --help must not load the library.
    from pipeline.packages import default_dirs
    from pipeline.packages import remove as remove_package

    path = remove_package(" ".join(name), default_dirs())
    typer.echo(f"removed {path}")

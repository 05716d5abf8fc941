"""The export dispatcher: format names → exporter functions, imported only when asked for.

A run can be handed to very different readers: CAT tools and translation memories (TMX in
:mod:`pipeline.export.tmx`, XLIFF 2.1 in :mod:`pipeline.export.xml`, XLIFF 1.2 and OmegaT's
layout of it in :mod:`pipeline.export.xliff12`), a reviewer in a browser
(:mod:`pipeline.export.html`), and scripts or spreadsheets (TSV, CSV, Parquet, in
:mod:`pipeline.export.table`). Every exporter has the same shape,
``(docs, run, dest, term_lookup=None) -> list[Path]``, writes atomically, and keeps every
character of the text so that a round trip through the format loses nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import cast

from pipeline.document import Document
from pipeline.errors import ExportError
from pipeline.export.common import Exporter, RunInfo
from pipeline.export.spans import TermLookup
from pipeline.settings import EXPORT_FORMATS, ExportFormat
from pipeline.store.rundir import RunDir

FORMATS: dict[ExportFormat, tuple[str, str]] = {
    "tmx": ("pipeline.export.tmx", "export_tmx"),
    "xliff": ("pipeline.export.xml", "export_xliff"),
    "xliff12": ("pipeline.export.xliff12", "export_xliff12"),
    "omegat": ("pipeline.export.xliff12", "export_omegat"),
    "tsv": ("pipeline.export.table", "export_tsv"),
    "csv": ("pipeline.export.table", "export_csv"),
    "parquet": ("pipeline.export.table", "export_parquet"),
    "html": ("pipeline.export.html", "export_html"),
}
"""Format → (module, function) of its exporter; where it writes is :attr:`RunDir.EXPORTS`."""


def exporter(name: str) -> Exporter:
    """The export function for a format name, imported only when asked for."""
    if name not in EXPORT_FORMATS:
        choices = ", ".join(EXPORT_FORMATS)
        raise ExportError(f"unknown export format {name!r}; use one of: {choices}", file=name)
    module, function = FORMATS[name]
    return cast(Exporter, getattr(importlib.import_module(module), function))


def export_run(
    docs: Iterable[Document],
    run: RunInfo,
    dest_dir: Path,
    formats: Sequence[ExportFormat],
    term_lookup: TermLookup | None = None,
) -> dict[ExportFormat, list[Path]]:
    """Write each requested format under ``dest_dir``; returns the files written per format.

    Format names are checked before anything is written, so a typo does not leave half a run.
    XLIFF formats write one file per document into a folder; the others write one file.
    ``docs`` is iterated once per format (and again by exporters that need totals first).
    """
    functions = {name: exporter(name) for name in dict.fromkeys(formats)}
    folder = RunDir(Path(dest_dir))
    return {
        name: function(docs, run, folder.export(name), term_lookup)
        for name, function in functions.items()
    }

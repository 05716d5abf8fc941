"""Outputs and exports of a translated run.

:mod:`~pipeline.export.markdown` renders each document's English and bilingual Markdown;
:mod:`~pipeline.export.registry` dispatches the review exports by format name to
:mod:`~pipeline.export.xml` (TMX, XLIFF 2.1 and 1.2), :mod:`~pipeline.export.html` (the review
page) and :mod:`~pipeline.export.table` (TSV, CSV, Parquet); :mod:`~pipeline.export.spans` and
:mod:`~pipeline.export.common` are what the exporters share.
"""

from pipeline.export.common import RunInfo
from pipeline.export.markdown import render_bilingual, render_english, write_document_outputs
from pipeline.export.registry import FORMATS, export_run, exporter
from pipeline.export.spans import TermLookup, TermSpan, term_lookup_from

__all__ = [
    "FORMATS",
    "RunInfo",
    "TermLookup",
    "TermSpan",
    "export_run",
    "exporter",
    "render_bilingual",
    "render_english",
    "term_lookup_from",
    "write_document_outputs",
]

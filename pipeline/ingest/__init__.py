"""Ingest: files (or stdin) → :class:`~pipeline.document.Document` s of article text.

:mod:`~pipeline.ingest.read` discovers inputs and dispatches on the format
:mod:`~pipeline.ingest.detect` finds; the parsers (:mod:`.html`, :mod:`.feedexport`,
:mod:`.markdown`, :mod:`.text`, :mod:`.feeds`, :mod:`.office`, :mod:`.pdf`, :mod:`.epub`) turn
each format into candidate lines of inline Markdown (:mod:`.inline`; web pages through
:mod:`.walk`, Markdown paragraphs through :mod:`.mdinline`), and :mod:`.build` drops page
chrome — line rules (:mod:`.chrome`, exporter templates in ``templates.toml``), positional rules
(:mod:`.zones`), the title (:mod:`.titles`) — and numbers the blocks. :mod:`.boilerplate` drops
what repeats across a run's documents.
"""

from pipeline.ingest.boilerplate import drop_repeated
from pipeline.ingest.detect import STDIN, detect_format
from pipeline.ingest.read import (
    Parsed,
    discover,
    iter_discover,
    parse_bytes,
    parse_documents,
    read_document,
    read_documents,
)

__all__ = [
    "STDIN",
    "Parsed",
    "detect_format",
    "discover",
    "drop_repeated",
    "iter_discover",
    "parse_bytes",
    "parse_documents",
    "read_document",
    "read_documents",
]

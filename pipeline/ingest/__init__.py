"""Ingest: files (or stdin) → :class:`~pipeline.document.Document` s of article text.

:mod:`~pipeline.ingest.read` discovers inputs, decodes them (:mod:`~pipeline.ingest.decode`) and
detects their format; :mod:`~pipeline.ingest.html`, :mod:`~pipeline.ingest.feedexport` and
:mod:`~pipeline.ingest.markdown` turn each format into candidate blocks, and
:mod:`~pipeline.ingest.chrome` drops page chrome and builds the blocks.
"""

from pipeline.ingest.read import (
    STDIN,
    detect_format,
    discover,
    iter_discover,
    parse_bytes,
    read_document,
)

__all__ = [
    "STDIN",
    "detect_format",
    "discover",
    "iter_discover",
    "parse_bytes",
    "read_document",
]

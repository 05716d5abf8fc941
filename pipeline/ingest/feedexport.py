"""Feed-export files: an RSS-to-file exporter's header (timestamp comment, ``[title](url)`` line,
``------`` rule) followed by the article as HTML, which :mod:`pipeline.ingest.html` reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pipeline.document import Metadata
from pipeline.ingest.chrome import Candidate
from pipeline.ingest.html import html_candidates, parse_tree
from pipeline.ingest.mdinline import inline_link

_STAMP = re.compile(r"<!--\s*(\d{9,13})\s*-->")
_RULE = re.compile(r"-{3,}\s*")
_HEADER_LINES = 6


def looks_like_feed_export(text: str) -> bool:
    """First line ``<!--1702302301000-->``, then a ``[title](url)`` line and a ``------`` rule."""
    lines = [ln.strip() for ln in text.lstrip().split("\n", _HEADER_LINES)[:_HEADER_LINES]]
    return (
        bool(lines)
        and _STAMP.fullmatch(lines[0]) is not None
        and any(_RULE.fullmatch(ln) for ln in lines[1:])
    )


def parse_feed_export(text: str) -> tuple[Metadata, list[Candidate]]:
    """Exporter header (timestamp comment, title link, rule), then the article as HTML."""
    lines = text.lstrip().split("\n")
    meta = Metadata()
    stamp = _STAMP.fullmatch(lines[0].strip())
    if stamp:
        seconds = int(stamp[1]) / (1000 if len(stamp[1]) > 10 else 1)
        meta.published = datetime.fromtimestamp(seconds, tz=UTC).isoformat()
    body_start = 1
    for i, line in enumerate(lines[1 : _HEADER_LINES + 1], start=1):
        if _RULE.fullmatch(line.strip()):
            body_start = i + 1
            break
        if line.strip() and meta.title is None:
            meta.title, meta.url = _title_link(line.strip())
    tree = parse_tree("\n".join(lines[body_start:]))
    root = tree.body if tree.body is not None else tree.root
    return meta, html_candidates(root) if root is not None else []


def _title_link(line: str) -> tuple[str, str | None]:
    """``[title](url)`` parsed with markdown-it; a line that is not a link is the bare title."""
    title, url = inline_link(line)
    return (title or line), url

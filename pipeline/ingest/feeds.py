"""RSS 0.9x/1.0/2.0 and Atom feeds → one document per item (feedparser).

A feed file holds several articles; each item becomes its own document, titled by the item's
title, with its link, date and author as metadata and its content (``content:encoded`` or Atom
``content`` when present, else the description/summary) read by the same HTML parser as web
pages — or as plain text when it carries no markup. The channel's own title, description and
copyright are about the feed, not an article, so they are not translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pipeline.document import Metadata
from pipeline.ingest.chrome import Candidate
from pipeline.ingest.dates import iso_date
from pipeline.ingest.html import html_candidates, parse_tree
from pipeline.ingest.inline import escape_text

_FEED_ROOT = re.compile(
    r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*"
    r"<(?:rss|feed|rdf:RDF|RDF)\b",
    re.S | re.I,
)
_DECLARED_ENCODING = re.compile(r"""(\A\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""")
_MARKUP = re.compile(r"<(?:p|br|div|img|a|b|strong|i|em|span|ul|ol|li|h[1-6]|figure|table)\b", re.I)


@dataclass
class FeedItem:
    """One article of a feed: its metadata and candidate lines."""

    meta: Metadata
    candidates: list[Candidate]


def looks_like_feed(text: str) -> bool:
    """An XML document whose root element is ``<rss>``, Atom's ``<feed>`` or RSS 1.0's
    ``<rdf:RDF>`` (after the XML declaration, processing instructions and comments)."""
    return _FEED_ROOT.match(text[:4096]) is not None


def parse_feed(text: str) -> list[FeedItem]:
    """Every item of the feed, in document order (an empty list when it has none)."""
    # Lazy: feedparser takes ~40 ms to import and only feeds need it.
    import feedparser

    # The text is decoded already: its XML declaration must not make feedparser decode again.
    parsed = feedparser.parse(_DECLARED_ENCODING.sub(r"\1utf-8\2", text, count=1).encode("utf-8"))
    items = []
    for entry in parsed.entries:
        meta = Metadata(
            title=" ".join(str(entry.get("title") or "").split()) or None,
            url=entry.get("link") or None,
            author=entry.get("author") or None,
            published=iso_date(entry.get("published") or entry.get("updated")),
        )
        items.append(FeedItem(meta, _content(entry)))
    return items


def _content(entry: Any) -> list[Candidate]:
    """The item's body: full content when the feed carries it, else its description."""
    body = ""
    for content in entry.get("content") or []:
        if len(str(content.get("value") or "")) > len(body):
            body = str(content.get("value") or "")
    body = body or str(entry.get("summary") or "")
    if not body.strip():
        return []
    if _MARKUP.search(body):
        tree = parse_tree(f"<body>{body}</body>")
        root = tree.body if tree.body is not None else tree.root
        return html_candidates(root) if root is not None else []
    lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
    return [Candidate("paragraph", escape_text(ln), plain=ln) for ln in lines]

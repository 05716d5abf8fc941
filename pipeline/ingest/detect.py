"""Which parser reads an input: decided by content, the extension only breaking ties.

People save HTML as ``.txt``, Markdown as ``.html`` and feeds without an extension, so text
formats are sniffed from the first bytes: a feed's root element, a feed exporter's header,
Omnivore's front matter, HTML structure, Markdown syntax. Binary packages are recognised by
their magic bytes and, for ZIP packages, their member names (Word vs EPUB).
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.document import DocumentFormat
from pipeline.ingest.epub import zip_kind
from pipeline.ingest.feedexport import looks_like_feed_export
from pipeline.ingest.feeds import looks_like_feed
from pipeline.ingest.markdown import has_front_matter, looks_like_omnivore, markdown_signals

STDIN = "-"
SNIFF_BYTES = 8192
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mdown", ".mkd"})
HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_HTML_DOCUMENT = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_BLOCK_TAG = re.compile(
    r"</(?:p|div|h[1-6]|li|ul|ol|article|section|table|tr|td|blockquote|pre|figure)\s*>", re.I
)
_MIN_BLOCK_TAGS = 3
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def detect_binary(data: bytes) -> DocumentFormat | None:
    """``pdf``, ``docx`` or ``epub`` for the binary documents zhen reads, else ``None``."""
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        kind = zip_kind(data)
        if kind == "docx":
            return "docx"
        if kind == "epub":
            return "epub"
    return None


def detect_format(text: str, name: str = "") -> DocumentFormat:
    """How to read ``text``, decided by content; the extension only breaks Markdown/text ties."""
    if looks_like_feed(text):
        return "feed"
    if looks_like_feed_export(text):
        return "feed-html"
    if looks_like_omnivore(text):
        return "omnivore"
    if has_front_matter(text):
        return "markdown"
    head = text[:SNIFF_BYTES]
    if _HTML_DOCUMENT.search(head[:2000]):
        return "html"
    signals = markdown_signals(text)
    block_tags = len(_BLOCK_TAG.findall(head))
    starts_with_tag = head.lstrip().startswith("<")
    if signals < 2 and (block_tags >= _MIN_BLOCK_TAGS or (starts_with_tag and block_tags)):
        return "html"
    suffix = Path(name).suffix.lower() if name != STDIN else ""
    if suffix in HTML_EXTENSIONS and _BLOCK_TAG.search(head):
        return "html"
    if signals >= 2 or suffix in MARKDOWN_EXTENSIONS:
        return "markdown"
    return "text"


def looks_like_document(head: bytes, suffix: str) -> bool:
    """Whether a file found in a folder is worth reading, from its first bytes: a PDF, a Word or
    EPUB package (by extension; the members are checked when it is read), a feed, or text."""
    if head.startswith(PDF_MAGIC):
        return True
    if head.startswith(ZIP_MAGIC):
        return suffix in (".docx", ".epub")
    if suffix in (".xml", ".rss", ".atom"):
        return looks_like_feed(head.decode("utf-8", errors="replace"))
    return False

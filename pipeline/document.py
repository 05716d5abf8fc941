"""The small data model every stage passes along.

A :class:`Document` holds metadata and ordered :class:`Block` s of article text. Normalization
fills ``Block.normalized`` and ``Block.offsets``; segmentation fills ``Document.segments``;
translation fills ``Segment.en``. Keeping the original text beside the normalized text lets a
reviewer see what the source really said and lets us rebuild it exactly from segment offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

BlockKind = Literal[
    "title", "heading", "paragraph", "list_item", "quote", "caption", "table_cell", "code", "image",
]  # fmt: skip
BLOCK_KINDS: tuple[BlockKind, ...] = get_args(BlockKind)
VERBATIM_KINDS: frozenset[BlockKind] = frozenset({"code", "image"})
"""Blocks carried to the English as they are, never segmented or translated: code blocks and
images (``![alt](src)`` or an Obsidian ``![[embed]]``, as written)."""
SegmentStatus = Literal["pending", "translated", "cached", "skipped", "memory"]
"""``pending`` until translated; then from the model, the translation cache, a translation
memory, or ``skipped`` (nothing to translate: numbers, punctuation, Latin text)."""
SEGMENT_STATUSES: tuple[SegmentStatus, ...] = get_args(SegmentStatus)
DocumentFormat = Literal[
    "feed-html", "html", "markdown", "omnivore", "text", "feed", "docx", "pdf", "epub",
]  # fmt: skip
"""How ingest read a document (decided by content, see :func:`pipeline.ingest.detect_format`):
a feed-export page, a web page, Markdown, an Omnivore export, plain text, an item of an
RSS/Atom feed, a Word file, a PDF with a text layer, an EPUB book."""
DOCUMENT_FORMATS: tuple[DocumentFormat, ...] = get_args(DocumentFormat)


@dataclass
class Metadata:
    """What the exporter or page says about the article (``None`` where it says nothing)."""

    title: str | None = None
    url: str | None = None
    author: str | None = None
    published: str | None = None
    saved: str | None = None


@dataclass
class Block:
    """One unit of article text, in reading order.

    ``text`` is the original text as extracted from the markup, as *inline Markdown*: inline code,
    maths, emphasis, links and inline images keep their Markdown syntax (HTML input is converted
    to it), and literal characters Markdown would read as markup are escaped, so the text renders
    as the source showed it. ``normalized`` is what gets segmented and translated;
    ``offsets[i]`` is the index in ``text`` where ``normalized[i]`` came from
    (``len(offsets) == len(normalized) + 1``, last entry ``len(text)``).

    ``level`` is a heading's level, or the nesting depth (0 = top) of a list item or quote;
    ``marker`` is a list item's marker as written (``-``, ``*``, ``1.``, ``2)``). A table cell
    names its ``table`` (0, 1, … in the document), ``row`` (0 = the header row) and ``col``.
    ``info`` is a code block's info string (its language).
    """

    index: int
    kind: BlockKind
    text: str
    level: int = 0
    normalized: str = ""
    offsets: list[int] = field(default_factory=list)
    script: str = "none"
    marker: str = ""
    table: int = -1
    row: int = -1
    col: int = -1
    info: str = ""


@dataclass
class MemoryMatch:
    """A reviewed translation of a *similar* source from the translation memory (a fuzzy match),
    offered to the reviewer beside the machine translation; ``score`` is the similarity of the
    two sources in percent (rapidfuzz's normalized Indel similarity over characters)."""

    source: str
    en: str
    score: float


@dataclass
class Segment:
    """One sentence to translate, with enough context to put it back where it came from.

    ``start``/``end`` index ``Block.text``; the segments of a block tile it exactly, so
    ``"".join(s.source for s in segments) == block.text``. ``terms_applied``/``terms_missed``
    hold glossary term ids, and ``doc:…`` ids of the document's own terms
    (:attr:`Document.terms`). ``plain`` is the model's plain translation when glossary enforcement
    changed it into ``en`` (empty otherwise), so a reviewer can compare both. ``matches`` are
    close reviewed translations from the memory (best first), for the reviewer to take or leave.
    """

    id: str
    doc_id: str
    block: int
    index: int
    start: int
    end: int
    source: str
    normalized: str
    en: str = ""
    status: SegmentStatus = "pending"
    terms_applied: list[str] = field(default_factory=list)
    terms_missed: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    plain: str = ""
    matches: list[MemoryMatch] = field(default_factory=list)


@dataclass
class DocumentTerm:
    """A term the document glosses itself (艾克顿（James Acton）): its id (``doc:…``), Chinese
    forms, the English the document gives, the shorter English for later mentions of a person
    (Acton), and the segment where the document states the gloss."""

    id: str
    zh: list[str]
    en: str
    short: str = ""
    segment: str = ""


@dataclass
class Document:
    """An ingested article: where it came from, its metadata, its blocks and, once found, the
    terms it glosses itself."""

    id: str
    path: str
    format: DocumentFormat
    encoding: str
    meta: Metadata
    blocks: list[Block]
    segments: list[Segment] = field(default_factory=list)
    terms: list[DocumentTerm] = field(default_factory=list)

    def segments_of(self, block_index: int) -> list[Segment]:
        """Segments of one block, in order."""
        return [s for s in self.segments if s.block == block_index]

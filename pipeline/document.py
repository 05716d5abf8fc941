"""The small data model every stage passes along.

A :class:`Document` holds metadata and ordered :class:`Block` s of article text. Normalization
fills ``Block.normalized`` and ``Block.offsets``; segmentation fills ``Document.segments``;
translation fills ``Segment.en``. Keeping the original text beside the normalized text lets a
reviewer see what the source really said and lets us rebuild it exactly from segment offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

BlockKind = Literal["title", "heading", "paragraph", "list_item", "quote", "caption"]
BLOCK_KINDS: tuple[BlockKind, ...] = get_args(BlockKind)
SegmentStatus = Literal["pending", "translated", "cached", "skipped", "memory"]
"""``pending`` until translated; then from the model, the translation cache, a translation
memory, or ``skipped`` (nothing to translate: numbers, punctuation, Latin text)."""
SEGMENT_STATUSES: tuple[SegmentStatus, ...] = get_args(SegmentStatus)
DocumentFormat = Literal["feed-html", "html", "markdown", "omnivore", "text"]
"""How ingest read a document (decided by content, see :func:`pipeline.ingest.detect_format`)."""
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

    ``text`` is the original text as extracted from the markup. ``normalized`` is what gets
    segmented and translated; ``offsets[i]`` is the index in ``text`` where ``normalized[i]``
    came from (``len(offsets) == len(normalized) + 1``, last entry ``len(text)``).
    """

    index: int
    kind: BlockKind
    text: str
    level: int = 0
    normalized: str = ""
    offsets: list[int] = field(default_factory=list)
    script: str = "none"


@dataclass
class Segment:
    """One sentence to translate, with enough context to put it back where it came from.

    ``start``/``end`` index ``Block.text``; the segments of a block tile it exactly, so
    ``"".join(s.source for s in segments) == block.text``.
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


@dataclass
class Document:
    """An ingested article: where it came from, its metadata and its blocks."""

    id: str
    path: str
    format: DocumentFormat
    encoding: str
    meta: Metadata
    blocks: list[Block]
    segments: list[Segment] = field(default_factory=list)

    def segments_of(self, block_index: int) -> list[Segment]:
        """Segments of one block, in order."""
        return [s for s in self.segments if s.block == block_index]

"""What every exporter shares: the run description, reading order, and safe file stems."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pipeline.document import Block, Document, Segment
from pipeline.export.spans import TermLookup

SOURCE_LANG = "zh-CN"
TARGET_LANG = "en"


class Exporter(Protocol):
    """Every exporter's shape: write ``docs`` to ``dest`` (a file, or a folder for XLIFF)."""

    def __call__(
        self,
        docs: Sequence[Document],
        run: RunInfo,
        dest: Path,
        term_lookup: TermLookup | None = None,
    ) -> list[Path]: ...


@dataclass(frozen=True)
class RunInfo:
    """What produced a run, so an export can say which tool, model and settings made it."""

    tool_version: str
    model_name: str
    created: datetime
    settings: dict[str, Any] = field(default_factory=dict)

    def created_utc(self) -> datetime:
        """``created`` in UTC (a naive datetime is taken to be UTC already)."""
        if self.created.tzinfo is None:
            return self.created.replace(tzinfo=UTC)
        return self.created.astimezone(UTC)


def ordered_segments(doc: Document) -> list[Segment]:
    """The document's segments in reading order (block, then index)."""
    return sorted(doc.segments, key=lambda s: (s.block, s.index))


def block_groups(doc: Document) -> list[tuple[int, Block | None, list[Segment]]]:
    """Segments grouped by block in reading order, with the block when the document has it."""
    blocks = {b.index: b for b in doc.blocks}
    groups: dict[int, list[Segment]] = {}
    for seg in ordered_segments(doc):
        groups.setdefault(seg.block, []).append(seg)
    return [(index, blocks.get(index), segs) for index, segs in groups.items()]


_UNSAFE_FILENAME = re.compile(r"[^\w.-]+")


def unique_stem(name: str, used: set[str]) -> str:
    """A file-system-safe stem for ``name`` that is not yet in ``used`` (which it is added to)."""
    stem = _UNSAFE_FILENAME.sub("_", name).strip("._") or "document"
    candidate, n = stem, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem}-{n}"
    used.add(candidate.casefold())
    return candidate

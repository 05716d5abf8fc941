"""What every exporter shares: the run description, reading order, languages, source
fingerprints, and safe file stems."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pipeline.document import Block, Document, Segment
from pipeline.export.spans import TermLookup
from pipeline.store.cache import normalize_source

SOURCE_LANG = "zh-CN"
TARGET_LANG = "en"
SCRIPT_LANGS = {"t2s": "zh-TW", "tw2sp": "zh-TW", "hk2s": "zh-HK"}
"""The language tag of original text that normalization converted from Traditional (by the
conversion it got); CAT tools match a Taiwan or Hong Kong article's sentences in that language."""


class Exporter(Protocol):
    """Every exporter's shape: write ``docs`` to ``dest`` (a file, or a folder for XLIFF).

    ``docs`` may be a run's documents read back from disk one at a time
    (:class:`pipeline.store.rundir.StoredDocuments`): an exporter iterates it (more than once
    if it needs totals first) and holds one document at a time, never the whole run.
    """

    def __call__(
        self,
        docs: Iterable[Document],
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
    run_id: str = ""
    run_dir: str = ""
    """``run_id`` is ``run.json``'s id; ``run_dir`` the run folder's absolute path. The review
    page carries both so its downloaded edits name the run they belong to."""

    def created_utc(self) -> datetime:
        """``created`` in UTC (a naive datetime is taken to be UTC already)."""
        if self.created.tzinfo is None:
            return self.created.replace(tzinfo=UTC)
        return self.created.astimezone(UTC)


def ordered_segments(doc: Document) -> list[Segment]:
    """The document's segments in reading order (block, then index)."""
    return sorted(doc.segments, key=lambda s: (s.block, s.index))


def source_lang(doc: Document, seg: Segment) -> str:
    """The language tag of a segment's *original* text: ``zh-TW``/``zh-HK`` where its block was
    converted from Traditional, else ``zh-CN``."""
    blocks = doc.blocks
    if 0 <= seg.block < len(blocks) and blocks[seg.block].index == seg.block:
        block: Block | None = blocks[seg.block]  # blocks are numbered by position: no scan
    else:
        block = next((b for b in blocks if b.index == seg.block), None)
    return SCRIPT_LANGS.get(block.script, SOURCE_LANG) if block is not None else SOURCE_LANG


def source_fingerprint(seg: Segment) -> str:
    """A short digest of the segment's normalized source as the memory keys it: an edit that
    comes back with another fingerprint was made against a different sentence."""
    return hashlib.sha256(normalize_source(seg.normalized).encode("utf-8")).hexdigest()[:16]


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


EDITS_FORMAT = "zhen-review-edits"
"""The ``format`` of the file the review page's "Download edits" saves (JSON, version
:data:`EDITS_VERSION`): the run's id and folder, then each touched segment's id, source
fingerprint (:func:`source_fingerprint`), English, the English the run had, and the reviewer's
status (``reviewed``, ``needs-work`` or none). ``zhen review import`` reads it back."""
EDITS_VERSION = 1

"""Review and interchange exports of a translated run: one dispatcher, tables, shared helpers.

A run can be handed to very different readers: CAT tools and translation memories (TMX, XLIFF
2.1 and 1.2, in :mod:`pipeline.export_xml`), a reviewer in a browser (:mod:`pipeline.export_html`),
and scripts or spreadsheets (TSV, CSV, Parquet, here). Every exporter has the same shape,
``(docs, run, dest, term_lookup=None) -> list[Path]``, writes atomically, and keeps every
character of the text so that a round trip through the format loses nothing.
"""

from __future__ import annotations

import importlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.document import Block, Document, Segment
from pipeline.errors import PipelineError
from pipeline.store.atomic import atomic_write_bytes

if TYPE_CHECKING:
    import polars as pl

SOURCE_LANG = "zh-CN"
TARGET_LANG = "en"

TermLookup = Mapping[str, tuple[Sequence[str], str] | tuple[Sequence[str], str, Sequence[str]]]
"""Glossary term id → (source forms, English rendering[, English forms that count as correct]),
used to mark terms in exports; :func:`term_lookup_from` builds it from glossary terms."""

Exporter = Callable[..., list[Path]]


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


@dataclass(frozen=True)
class TermSpan:
    """Where one glossary term occurs in a text; ``missed`` marks a source term not rendered."""

    start: int
    end: int
    term_id: str
    en: str
    missed: bool = False


def _at_word_edges(text: str, start: int, end: int) -> bool:
    """True unless the match continues a word ("EU" inside "neutral")."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (
        (text[start].isalnum() and before.isalnum())
        or (text[end - 1].isalnum() and after.isalnum())
    )


def find_terms(
    text: str, needles: Sequence[tuple[str, str, str, bool]], english: bool
) -> list[TermSpan]:
    """Non-overlapping occurrences of ``(needle, term_id, en, missed)`` in ``text``.

    English matching ignores case and respects word edges; Chinese has no word edges to respect.
    Longer matches win over shorter ones starting at the same place, then earlier matches win,
    so 欧盟委员会 is one term rather than 欧盟 plus leftovers.
    """
    # Lower-casing must keep offsets valid; for the rare text where it does not (İ), match exactly.
    fold = english and len(text.lower()) == len(text)
    haystack = text.lower() if fold else text
    found: list[TermSpan] = []
    for needle, term_id, en, missed in needles:
        probe = needle.lower() if fold else needle
        if not probe:
            continue
        pos = haystack.find(probe)
        while pos != -1:
            if not english or _at_word_edges(text, pos, pos + len(probe)):
                found.append(TermSpan(pos, pos + len(probe), term_id, en, missed))
            pos = haystack.find(probe, pos + len(probe))
    found.sort(key=lambda s: (s.start, -(s.end - s.start), s.term_id))
    spans: list[TermSpan] = []
    for span in found:
        if not spans or span.start >= spans[-1].end:
            spans.append(span)
    return spans


def segment_terms(
    seg: Segment, term_lookup: TermLookup | None
) -> tuple[list[TermSpan], list[TermSpan]]:
    """Term spans in ``seg.normalized`` and in ``seg.en``.

    Applied terms are marked on both sides; missed terms only in the source (flagged ``missed``)
    because by definition their rendering is not in the English. A simple substring search is
    enough here: the glossary stage already decided which terms the segment holds.
    """
    if not term_lookup:
        return [], []
    source_needles: list[tuple[str, str, str, bool]] = []
    target_needles: list[tuple[str, str, str, bool]] = []
    for ids, missed in ((seg.terms_applied, False), (seg.terms_missed, True)):
        for term_id in ids:
            if term_id not in term_lookup:
                continue
            entry = term_lookup[term_id]
            zh_forms, en = entry[0], entry[1]
            renderings = entry[2] if len(entry) > 2 else (en,)
            source_needles.extend((form, term_id, en, missed) for form in zh_forms)
            if not missed:
                target_needles.extend((form, term_id, en, False) for form in renderings)
    return (
        find_terms(seg.normalized, source_needles, english=False),
        find_terms(seg.en, target_needles, english=True),
    )


def term_lookup_from(
    terms: Iterable[Any],
) -> dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]]:
    """A :data:`TermLookup` from glossary terms (objects with ``id``, ``zh``, ``en`` and, when the
    glossary has them, ``abbr`` and ``renderings``), so exports mark abbreviations and accepted
    variants too."""
    lookup = {}
    for term in terms:
        abbr = getattr(term, "abbr", "")
        sources = (*term.zh, abbr) if abbr else tuple(term.zh)
        renderings = tuple(getattr(term, "renderings", ())) or (term.en,)
        lookup[term.id] = (sources, term.en, renderings)
    return lookup


def split_by_spans(text: str, spans: Sequence[TermSpan]) -> Iterator[tuple[str, TermSpan | None]]:
    """Cut ``text`` into plain pieces and term pieces, in order; empty pieces are skipped."""
    pos = 0
    for span in spans:
        if span.start > pos:
            yield text[pos : span.start], None
        yield text[span.start : span.end], span
        pos = span.end
    if pos < len(text):
        yield text[pos:], None


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


# ---------------------------------------------------------------- tables

TABLE_COLUMNS = (
    "doc_id", "segment_id", "block", "index", "source", "normalized", "en", "terms_applied",
    "terms_missed", "flags", "status", "url",
)  # fmt: skip
LIST_COLUMNS = ("terms_applied", "terms_missed", "flags")
LIST_SEPARATOR = "|"


def segments_frame(docs: Sequence[Document], join_lists: bool) -> pl.DataFrame:
    """One row per segment as a polars DataFrame; list columns joined with ``|`` if asked."""
    import polars as pl

    rows: dict[str, list[Any]] = {c: [] for c in TABLE_COLUMNS}
    for doc in docs:
        for seg in ordered_segments(doc):
            values = (
                doc.id, seg.id, seg.block, seg.index, seg.source, seg.normalized, seg.en,
                list(seg.terms_applied), list(seg.terms_missed), list(seg.flags), seg.status,
                doc.meta.url,
            )  # fmt: skip
            for column, value in zip(TABLE_COLUMNS, values, strict=True):
                rows[column].append(value)
    listed = pl.String if join_lists else pl.List(pl.String)
    if join_lists:
        for column in LIST_COLUMNS:
            rows[column] = [LIST_SEPARATOR.join(v) for v in rows[column]]
    schema = {c: pl.String for c in TABLE_COLUMNS}
    schema |= {"block": pl.Int64, "index": pl.Int64} | dict.fromkeys(LIST_COLUMNS, listed)
    return pl.DataFrame(rows, schema=schema)


def export_tsv(
    docs: Sequence[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """Tab-separated table. Fields holding a tab, newline or quote are double-quoted (RFC 4180
    style, as polars and spreadsheets read them) rather than escaped, so text round-trips with
    ``polars.read_csv(path, separator="\\t")``."""
    buf = io.BytesIO()
    segments_frame(docs, join_lists=True).write_csv(buf, separator="\t")
    atomic_write_bytes(dest, buf.getvalue())
    return [dest]


def export_csv(
    docs: Sequence[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """Comma-separated table with a UTF-8 byte order mark so spreadsheet programs read the Chinese
    correctly; polars.read_csv skips the mark."""
    buf = io.BytesIO()
    segments_frame(docs, join_lists=True).write_csv(buf, include_bom=True)
    atomic_write_bytes(dest, buf.getvalue())
    return [dest]


def export_parquet(
    docs: Sequence[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """Parquet table with real list columns, plus the run description as file metadata."""
    buf = io.BytesIO()
    metadata = {
        "zhen.tool_version": run.tool_version,
        "zhen.model": run.model_name,
        "zhen.created": run.created_utc().isoformat(),
        "zhen.settings": json.dumps(run.settings, sort_keys=True, ensure_ascii=False, default=str),
    }
    segments_frame(docs, join_lists=False).write_parquet(buf, metadata=metadata)
    atomic_write_bytes(dest, buf.getvalue())
    return [dest]


# ---------------------------------------------------------------- dispatcher

# format → (module, function, name of the file or folder it writes under the run folder)
FORMATS: dict[str, tuple[str, str, str]] = {
    "tmx": ("pipeline.export_xml", "export_tmx", "bilingual.tmx"),
    "xliff": ("pipeline.export_xml", "export_xliff", "xliff"),
    "xliff12": ("pipeline.export_xml", "export_xliff12", "xliff12"),
    "tsv": ("pipeline.export", "export_tsv", "segments.tsv"),
    "csv": ("pipeline.export", "export_csv", "segments.csv"),
    "parquet": ("pipeline.export", "export_parquet", "segments.parquet"),
    "html": ("pipeline.export_html", "export_html", "review.html"),
}


def exporter(name: str) -> Exporter:
    """The export function for a format name, imported only when asked for."""
    if name not in FORMATS:
        choices = ", ".join(FORMATS)
        raise PipelineError(
            f"unknown export format {name!r}; use one of: {choices}", stage="export"
        )
    module, function, _ = FORMATS[name]
    return getattr(importlib.import_module(module), function)


def export_run(
    docs: Sequence[Document],
    run: RunInfo,
    dest_dir: Path,
    formats: Sequence[str],
    term_lookup: TermLookup | None = None,
) -> dict[str, list[Path]]:
    """Write each requested format under ``dest_dir``; returns the files written per format.

    Format names are checked before anything is written, so a typo does not leave half a run.
    XLIFF formats write one file per document into a folder; the others write one file.
    """
    functions = {name: exporter(name) for name in dict.fromkeys(formats)}
    dest_dir = Path(dest_dir)
    written: dict[str, list[Path]] = {}
    for name, function in functions.items():
        written[name] = function(docs, run, dest_dir / FORMATS[name][2], term_lookup)
    return written


__all__ = [
    "FORMATS",
    "RunInfo",
    "TermLookup",
    "TermSpan",
    "block_groups",
    "export_csv",
    "export_parquet",
    "export_run",
    "export_tsv",
    "exporter",
    "find_terms",
    "ordered_segments",
    "segment_terms",
    "segments_frame",
    "split_by_spans",
    "term_lookup_from",
    "unique_stem",
]

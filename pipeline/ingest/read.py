"""Ingest: a file (or stdin) → :class:`~pipeline.document.Document` s with metadata and blocks.

The format is decided by content (:mod:`.detect`); each format's parser yields candidate lines,
and :mod:`.build` removes what is not the article's own text. Most files hold one document; a
feed holds one per item. This is the only stage, with export, that touches the filesystem.
"""

from __future__ import annotations

import itertools
import os
import re
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.document import Document, DocumentFormat, Metadata
from pipeline.errors import IngestError, PipelineError
from pipeline.ingest.build import build_blocks
from pipeline.ingest.chrome import Candidate
from pipeline.ingest.decode import decode_bytes, sniff_binary
from pipeline.ingest.detect import (
    OLE_MAGIC,
    SNIFF_BYTES,
    STDIN,
    ZIP_MAGIC,
    detect_binary,
    detect_format,
    looks_like_document,
)
from pipeline.ingest.epub import parse_epub
from pipeline.ingest.extract import main_text_vote
from pipeline.ingest.feedexport import parse_feed_export
from pipeline.ingest.feeds import parse_feed
from pipeline.ingest.html import parse_html
from pipeline.ingest.markdown import parse_markdown
from pipeline.ingest.office import parse_docx
from pipeline.ingest.pdf import parse_pdf
from pipeline.ingest.text import parse_text
from pipeline.settings import IngestSettings

# Text files that are data or code, not articles: skipped when expanding a directory (feeds
# among .xml/.rss/.atom files are read; see detect.looks_like_document).
SKIP_EXTENSIONS = frozenset(
    {
        *(".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".tmx", ".xliff", ".xlf", ".po"),
        *(".py", ".pyc", ".js", ".mjs", ".ts", ".css", ".toml", ".yaml", ".yml", ".ini", ".cfg"),
        *(".lock", ".log", ".sh", ".bat", ".ps1", ".sql", ".xml", ".svg", ".rss", ".atom"),
        *(".srt", ".vtt"),
    }
)
# Repository boilerplate that sits next to articles in a folder but is not one of them.
SKIP_STEMS = frozenset(
    {"readme", "license", "licence", "changelog", "copying", "notice", "authors"}
)
_RESERVED_IDS = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
_ID_MAX = 80
_CONTAINER = re.compile(r"<(?:article|main)[\s>]|role\s*=\s*[\"']?main", re.I)
Dropped = list[tuple[str, str]]
Parts = list[tuple[Metadata, list[Candidate]]]


@dataclass
class Parsed:
    """One document read from a file, and the ``(rule, text)`` lines dropped as chrome."""

    doc: Document
    dropped: Dropped


def read_documents(path: str, settings: IngestSettings, stdin: bytes | None = None) -> list[Parsed]:
    """Read and parse one file (a feed gives one document per item); ``"-"`` reads ``stdin``
    (or ``sys.stdin.buffer`` when ``None``)."""
    if path == STDIN:
        data = stdin if stdin is not None else sys.stdin.buffer.read()
        return parse_documents(data, STDIN, settings)
    target = Path(path)
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        raise _error("no such file; check the path", path) from None
    except IsADirectoryError:
        raise _error("this is a directory, not a file; pass the files in it", path) from None
    except PermissionError:
        raise _error("permission denied; make the file readable", path) from None
    except OSError as exc:
        raise _error(f"cannot read the file ({exc.strerror}); check the path", path) from None
    return parse_documents(data, path, settings)


def read_document(path: str, settings: IngestSettings, stdin: bytes | None = None) -> Document:
    """The first (for most files the only) document of :func:`read_documents`."""
    return read_documents(path, settings, stdin)[0].doc


def parse_bytes(data: bytes, name: str, settings: IngestSettings) -> Document:
    """The first document of :func:`parse_documents` (``name`` is the path shown in errors)."""
    return parse_documents(data, name, settings)[0].doc


def explain_bytes(data: bytes, name: str, settings: IngestSettings) -> tuple[Document, Dropped]:
    """:func:`parse_bytes` plus the ``(rule, text)`` lines dropped as chrome."""
    first = parse_documents(data, name, settings)[0]
    return first.doc, first.dropped


def parse_documents(data: bytes, name: str, settings: IngestSettings) -> list[Parsed]:
    """Decode, detect the format, extract each document's article blocks."""
    fmt = detect_binary(data)
    encoding = "binary"
    if fmt is None:
        if data.startswith(OLE_MAGIC):
            raise _error("this is an old binary Office file (.doc/.xls); save it as .docx", name)
        if data.startswith(ZIP_MAGIC):
            raise _error(
                "this ZIP package is not a readable Word (.docx) or EPUB file; re-save it as "
                ".docx, or unzip it and pass the documents inside",
                name,
            )
        decoded = decode_bytes(data, name, settings.encoding)
        encoding = decoded.encoding
        text = decoded.text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise _error("file has no text (only whitespace); give a file with article text", name)
        fmt = detect_format(text, name)
        parts = _parse_text(text, fmt, name)
    else:
        parts = _parse_binary(data, fmt, name)
    base = document_id(name)
    out: list[Parsed] = []
    width = len(str(len(parts)))
    for i, (meta, candidates) in enumerate(parts):
        built = build_blocks(candidates, meta)
        if not any(b.kind != "title" for b in built.blocks):
            if len(parts) > 1:
                continue  # a feed item with a title only: nothing to translate
            raise _error(
                f"no article text found (read as {fmt}; everything was page chrome or markup); "
                "check that the file holds an article",
                name,
            )
        doc_id = base if len(parts) == 1 else f"{base}-{i + 1:0{width}d}"
        doc = Document(doc_id, name, fmt, encoding, meta, built.blocks)
        out.append(Parsed(doc, built.dropped))
    if not out:
        raise _error(f"no article text found in any of the {len(parts)} items of this {fmt}", name)
    return out


def _parse_text(
    text: str, fmt: DocumentFormat, name: str
) -> list[tuple[Metadata, list[Candidate]]]:
    if fmt == "feed":
        items = parse_feed(text)
        if not items:
            raise _error("this feed has no items; check that the file is the whole feed", name)
        return [(item.meta, item.candidates) for item in items]
    if fmt == "feed-html":
        return [parse_feed_export(text)]
    if fmt == "html":
        meta, candidates = parse_html(text)
        if _CONTAINER.search(text) is None:  # no <article>/<main>: a layout zhen cannot see
            candidates = main_text_vote(text, candidates)
        return [(meta, candidates)]
    if fmt in ("markdown", "omnivore"):
        return [parse_markdown(text)]
    return [parse_text(text)]


def _parse_binary(data: bytes, fmt: DocumentFormat, name: str) -> Parts:
    if fmt == "pdf":
        return [parse_pdf(data, name)]
    if fmt == "docx":
        return [parse_docx(data, name)]
    return [parse_epub(data, name)]


def document_id(name: str) -> str:
    """Filesystem-safe slug of the file stem; CJK letters stay, ``"-"`` becomes ``stdin``."""
    if name == STDIN:
        return "stdin"
    stem = unicodedata.normalize("NFC", Path(name).stem)
    slug = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem)
    slug = re.sub(r"-{2,}", "-", slug).strip("-_").lower()[:_ID_MAX].strip("-_")
    if not slug:
        return "document"
    return f"doc-{slug}" if slug in _RESERVED_IDS else slug


def discover(paths: list[str], failures: list[PipelineError] | None = None) -> list[str]:
    """Expand directories (recursively, sorted, hidden entries skipped) into document files.

    Files named explicitly are kept even if odd, so reading them reports a precise error; files
    found inside directories are kept only when their first bytes look like a text document and
    they are not data/code (:data:`SKIP_EXTENSIONS`) or boilerplate such as README
    (:data:`SKIP_STEMS`). ``"-"`` (stdin) passes through. A bad path raises, or — when a
    ``failures`` list is given — is recorded there so the other inputs still run.
    """
    return list(iter_discover(paths, failures))


def iter_discover(
    paths: list[str], failures: list[PipelineError] | None = None, exclude: Sequence[Path] = ()
) -> Iterator[str]:
    """:func:`discover` one file at a time, in the same order, without listing a folder tree
    first; folders in ``exclude`` (a run's output folder inside an input folder) are skipped."""
    seen: set[str] = set()
    skip = frozenset(os.path.realpath(p) for p in exclude)
    for raw in paths:
        if raw == STDIN:
            if STDIN not in seen:
                seen.add(STDIN)
                yield STDIN
            continue
        try:
            files = _expand(raw, skip)
            first = next(files, None)
            if first is None:
                raise _error(
                    "directory holds no HTML, Markdown, text, feed, Word, PDF or EPUB "
                    "documents; point at a folder of articles",
                    raw,
                )
        except PipelineError as exc:
            if failures is None:
                raise
            failures.append(exc)
            continue
        for file in itertools.chain([first], files):
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                yield file


def _expand(raw: str, skip: frozenset[str]) -> Iterator[str]:
    path = Path(raw)
    if path.is_dir():
        return (str(p) for p in _walk(path, skip) if _looks_like_document(p))
    if path.exists():
        return iter([raw])
    raise _error("no such file or directory; check the path", raw)


def _walk(root: Path, skip: frozenset[str] = frozenset()) -> Iterator[Path]:
    """Files under ``root`` in sorted path order, depth first, hidden entries and ``skip``
    folders left out, one directory listed at a time."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):  # as os.walk: linked folders are not entered
            if os.path.realpath(entry.path) not in skip:
                yield from _walk(Path(entry.path), skip)
        else:
            yield Path(entry.path)


def _looks_like_document(path: Path) -> bool:
    if path.stem.lower() in SKIP_STEMS or not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    suffix = path.suffix.lower()
    if looks_like_document(head, suffix):
        return True
    if suffix in SKIP_EXTENSIONS:
        return False
    return bool(head.strip()) and sniff_binary(head) is None


def _error(message: str, file: str) -> PipelineError:
    return IngestError(message, file=file)

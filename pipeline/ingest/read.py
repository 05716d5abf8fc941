"""Ingest: a file (or stdin) → a :class:`~pipeline.document.Document` with metadata and blocks.

The format is decided by *content* — people save HTML as ``.txt`` and Markdown as ``.html`` — with
the extension only breaking ties. Each format parser yields candidate lines; the chrome table in
:mod:`pipeline.ingest.chrome` removes what is not the article's own text. This is the only stage,
with export, that touches the filesystem.
"""

from __future__ import annotations

import itertools
import os
import re
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

from pipeline.chars import is_cjk
from pipeline.document import Document, DocumentFormat, Metadata
from pipeline.errors import IngestError, PipelineError
from pipeline.ingest.chrome import Candidate, build_blocks, chrome_rule
from pipeline.ingest.decode import decode_bytes, sniff_binary
from pipeline.ingest.feedexport import looks_like_feed_export, parse_feed_export
from pipeline.ingest.html import parse_html
from pipeline.ingest.markdown import (
    has_front_matter,
    looks_like_omnivore,
    markdown_signals,
    parse_markdown,
)
from pipeline.settings import IngestSettings

STDIN = "-"

_MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mdown", ".mkd"})
_HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
# Text files that are data or code, not articles: skipped when expanding a directory.
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
_SNIFF_BYTES = 8192
_HTML_DOCUMENT = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_BLOCK_TAG = re.compile(r"</(?:p|div|h[1-6]|li|article|section|table|td|blockquote)\s*>", re.I)
_MIN_BLOCK_TAGS = 3
_TITLE_MAX_CJK = 40
_TITLE_MAX_LATIN = 100
_SENTENCE_END = tuple("。！？!?.…；;，,：:")
_RESERVED_IDS = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
_ID_MAX = 80


def read_document(path: str, settings: IngestSettings, stdin: bytes | None = None) -> Document:
    """Read and parse one file; ``"-"`` reads ``stdin`` (or ``sys.stdin.buffer`` when ``None``)."""
    if path == STDIN:
        data = stdin if stdin is not None else sys.stdin.buffer.read()
        return parse_bytes(data, STDIN, settings)
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
    return parse_bytes(data, path, settings)


def parse_bytes(data: bytes, name: str, settings: IngestSettings) -> Document:
    """Decode, detect the format, extract article blocks; ``name`` is the path shown in errors."""
    return explain_bytes(data, name, settings)[0]


def explain_bytes(
    data: bytes, name: str, settings: IngestSettings
) -> tuple[Document, list[tuple[str, str]]]:
    """:func:`parse_bytes` plus the ``(rule, text)`` lines dropped as chrome (for --verbose)."""
    decoded = decode_bytes(data, name, settings.encoding)
    text = decoded.text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _error("file has no text (only whitespace); give a file with article text", name)
    fmt = detect_format(text, name)
    meta, candidates = _parse(text, fmt)
    built = build_blocks(candidates, meta)
    if not any(b.kind != "title" for b in built.blocks):
        raise _error(
            f"no article text found (read as {fmt}; everything was page chrome or markup); "
            "check that the file holds an article",
            name,
        )
    doc = Document(
        id=document_id(name),
        path=name,
        format=fmt,
        encoding=decoded.encoding,
        meta=meta,
        blocks=built.blocks,
    )
    return doc, built.dropped


def _parse(text: str, fmt: DocumentFormat) -> tuple[Metadata, list[Candidate]]:
    if fmt == "feed-html":
        return parse_feed_export(text)
    if fmt == "html":
        return parse_html(text)
    if fmt in ("markdown", "omnivore"):
        return parse_markdown(text)
    return Metadata(), text_candidates(text)


def detect_format(text: str, name: str = "") -> DocumentFormat:
    """How to read ``text``, decided by content; the extension only breaks Markdown/text ties."""
    if looks_like_feed_export(text):
        return "feed-html"
    if looks_like_omnivore(text):
        return "omnivore"
    if has_front_matter(text):
        return "markdown"
    head = text[:_SNIFF_BYTES]
    if _HTML_DOCUMENT.search(head[:2000]):
        return "html"
    signals = markdown_signals(text)
    block_tags = len(_BLOCK_TAG.findall(head))
    starts_with_tag = head.lstrip().startswith("<")
    if signals < 2 and (block_tags >= _MIN_BLOCK_TAGS or (starts_with_tag and block_tags)):
        return "html"
    suffix = Path(name).suffix.lower() if name != STDIN else ""
    if suffix in _HTML_EXTENSIONS and _BLOCK_TAG.search(head):
        return "html"
    if signals >= 2 or suffix in _MARKDOWN_EXTENSIONS:
        return "markdown"
    return "text"


def text_candidates(text: str) -> list[Candidate]:
    """Plain text: blank lines separate paragraphs; in Chinese text every line is a paragraph.

    A short first line (after any chrome such as a date line) without closing punctuation,
    followed by more text, is the title.
    """
    cjk = _mostly_cjk(text)
    paragraphs: list[str] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in chunk.split("\n") if ln.strip()]
        if cjk:
            paragraphs.extend(lines)
        elif lines:
            paragraphs.append(" ".join(lines))
    out = [Candidate("paragraph", p) for p in paragraphs]
    first = next((i for i, c in enumerate(out) if chrome_rule(c) is None), None)
    if first is not None and first < len(out) - 1 and _title_like(out[first].text, cjk):
        out[first] = Candidate("title", out[first].text, level=1)
    return out


def _mostly_cjk(text: str) -> bool:
    sample = text[:_SNIFF_BYTES]
    letters = [ch for ch in sample if ch.isalpha()]
    return bool(letters) and sum(1 for ch in letters if is_cjk(ch)) >= 0.3 * len(letters)


def _title_like(line: str, cjk: bool) -> bool:
    limit = _TITLE_MAX_CJK if cjk else _TITLE_MAX_LATIN
    return len(line) <= limit and not line.endswith(_SENTENCE_END)


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
                    "directory holds no HTML, Markdown or text documents; "
                    "point at a folder of articles",
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
    if path.suffix.lower() in SKIP_EXTENSIONS or path.stem.lower() in SKIP_STEMS:
        return False
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return bool(head.strip()) and sniff_binary(head) is None


def _error(message: str, file: str) -> PipelineError:
    return IngestError(message, file=file)

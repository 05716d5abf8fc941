"""Ingest: a file (or stdin) → :class:`~pipeline.document.Document` s with metadata and blocks.

The format is decided by content (:mod:`.detect`); each format's parser yields candidate lines,
and :mod:`.build` removes what is not the article's own text. Most files hold one document; a
feed holds one per item. This is the only stage, with export, that touches the filesystem.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
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
ID_MAX_CHARS = 80
ID_MAX_BYTES = 100
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
        data = stdin if stdin is not None else sys.stdin.buffer.read(settings.max_bytes + 1)
        if len(data) > settings.max_bytes:
            raise _error(
                f"standard input is larger than {settings.max_bytes // 2**20} MiB, the most "
                "zhen reads as one document; split it into files",
                STDIN,
            )
        return parse_documents(data, STDIN, settings)
    return parse_documents(read_input(path, settings.max_bytes), path, settings)


def read_input(path: str, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit`` of them.

    The file is opened without blocking and checked before reading: a named pipe would hang
    the run until something writes to it, a device such as ``/dev/zero`` never ends, and a
    file over ``limit`` would be read whole into memory.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise _error("no such file; check the path", path) from None
    except PermissionError:
        raise _error("permission denied; make the file readable", path) from None
    except OSError as exc:
        raise _error(f"cannot read the file ({exc.strerror}); check the path", path) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise _error("this is a directory, not a file; pass the files in it", path)
        raise _error(_special_file(mode), path)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise _error(f"cannot read the file ({exc.strerror}); check the path", path) from None
    if len(data) > limit:
        raise _error(
            f"larger than {limit // 2**20} MiB, the most zhen reads as one document; "
            "split it, or pass the article text it holds",
            path,
        )
    return data


def _special_file(mode: int) -> str:
    """Why a path that is not a regular file is refused, and what to do instead."""
    if stat.S_ISFIFO(mode):
        return (
            "is a named pipe, not a file: zhen does not wait on pipes; save it to a file, or "
            "pass - and redirect the pipe to standard input"
        )
    return f"is {_special_kind(mode)}, not a file; pass a document file"


def read_document(path: str, settings: IngestSettings, stdin: bytes | None = None) -> Document:
    """The first (for most files the only) document of :func:`read_documents`."""
    return read_documents(path, settings, stdin)[0].doc


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    return "a socket" if stat.S_ISSOCK(mode) else "a device"


def parse_bytes(data: bytes, name: str, settings: IngestSettings) -> Document:
    """The first document of :func:`parse_documents` (``name`` is the path shown in errors)."""
    return parse_documents(data, name, settings)[0].doc


def explain_bytes(data: bytes, name: str, settings: IngestSettings) -> tuple[Document, Dropped]:
    """:func:`parse_bytes` plus the ``(rule, text)`` lines dropped as chrome."""
    first = parse_documents(data, name, settings)[0]
    return first.doc, first.dropped


def parse_documents(data: bytes, name: str, settings: IngestSettings) -> list[Parsed]:
    """Decode, detect the format, extract each document's article blocks.

    Whatever a parser raises becomes an :class:`IngestError` for this input, so one file that
    trips a parser (or zhen) never stops the others; the original exception stays attached as
    the cause, for ``zhen --debug``.
    """
    try:
        return _parse_documents(data, name, settings)
    except PipelineError:
        raise
    except Exception as exc:
        detail = " ".join(str(exc).split())[:200]
        raise _error(
            f"could not be read ({type(exc).__name__}{': ' + detail if detail else ''}); this "
            "is a bug in zhen: please report it with the file (zhen --debug shows where)",
            name,
        ) from exc


def _parse_documents(data: bytes, name: str, settings: IngestSettings) -> list[Parsed]:
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
        if not has_visible(text):
            raise _error(
                "file has no text (only whitespace or invisible characters such as zero-width "
                "spaces); give a file with article text",
                name,
            )
        fmt = detect_format(text, name)
        parts = _parse_text(text, fmt, name)
    else:
        parts = _parse_binary(data, fmt, name)
    base = document_id(name)
    out: list[Parsed] = []
    width = len(str(len(parts)))
    for i, (meta, candidates) in enumerate(parts):
        built = build_blocks(candidates, meta)
        if not any(b.kind != "title" and has_visible(b.text) for b in built.blocks):
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
    """Filesystem-safe slug of the file stem; CJK letters stay, ``"-"`` becomes ``stdin``.

    An id is at most :data:`ID_MAX_CHARS` characters and :data:`ID_MAX_BYTES` UTF-8 bytes:
    file systems limit names in bytes (255), and the run folder adds suffixes and temporary
    prefixes to the id (``.<id>.bilingual.md.<random>.tmp``), so 77 Chinese characters were
    already too long. A stem cut to fit ends in a hash of the whole stem, so two long names
    that share their beginning keep distinct ids.
    """
    if name == STDIN:
        return "stdin"
    stem = unicodedata.normalize("NFC", Path(name).stem)
    slug = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem)
    slug = re.sub(r"-{2,}", "-", slug).strip("-_").lower()
    if len(slug) > ID_MAX_CHARS or len(slug.encode("utf-8", "surrogatepass")) > ID_MAX_BYTES:
        digest = hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        slug = f"{_cut(slug, ID_MAX_CHARS - 9, ID_MAX_BYTES - 9).strip('-_')}-{digest}"
    if not slug:
        return "document"
    return f"doc-{slug}" if slug in _RESERVED_IDS else slug


def _cut(text: str, chars: int, size: int) -> str:
    """The longest prefix of ``text`` within ``chars`` characters and ``size`` UTF-8 bytes."""
    text = text[:chars]
    while len(text.encode("utf-8", "surrogatepass")) > size:
        text = text[:-1]
    return text


_VISIBLE = re.compile(
    "[^\\s\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]"
)


def has_visible(text: str) -> bool:
    """Whether ``text`` holds a character a reader can see: not only whitespace, controls,
    zero-width and other format characters, or variation selectors."""
    return _VISIBLE.search(text) is not None


def discover(paths: list[str], failures: list[PipelineError] | None = None) -> list[str]:
    """Expand directories (recursively, sorted, hidden entries skipped) into document files.

    Files named explicitly are kept even if odd, so reading them reports a precise error; files
    found inside directories are kept only when their first bytes look like a text document and
    they are not data/code (:data:`SKIP_EXTENSIONS`) or boilerplate such as README
    (:data:`SKIP_STEMS`). What cannot be looked at in a folder — an unreadable file or
    subfolder, a broken link, a named pipe or device — is a failure naming it, never skipped in
    silence. ``"-"`` (stdin) passes through. A bad path raises, or — when a ``failures`` list is
    given — is recorded there so the other inputs still run.
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
        errors: list[PipelineError] = []
        try:
            found = False
            for file in _expand(raw, skip, errors, failures is None):
                found = True
                key = os.path.realpath(file)
                if key not in seen:
                    seen.add(key)
                    yield file
            if not found and not errors:
                raise _error(
                    "directory holds no HTML, Markdown, text, feed, Word, PDF or EPUB "
                    "documents; point at a folder of articles",
                    raw,
                )
        except PipelineError as exc:
            errors.append(exc)
        if errors and failures is None:
            raise errors[0]
        if failures is not None:
            failures.extend(errors)


def _expand(
    raw: str, skip: frozenset[str], errors: list[PipelineError], strict: bool
) -> Iterator[str]:
    """The documents of one input path; what cannot be looked at in a folder is appended to
    ``errors`` (raised at once when ``strict``)."""
    path = Path(raw)
    if path.is_dir():
        for p in _walk(path, raw, skip, errors):
            try:
                if _looks_like_document(p):
                    yield str(p)
            except PipelineError as exc:
                if strict:
                    raise
                errors.append(exc)
        return
    if path.exists():
        yield raw
        return
    if path.is_symlink():
        raise _error("broken symbolic link: its target is missing; check the link", raw)
    raise _error("no such file or directory; check the path", raw)


def _walk(
    root: Path, raw: str, skip: frozenset[str], errors: list[PipelineError]
) -> Iterator[Path]:
    """Files under ``root`` in sorted path order, depth first, hidden entries and ``skip``
    folders left out, one directory listed at a time; a folder that cannot be listed becomes
    an error naming it."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        where = raw if str(root) == raw else str(root)
        reason = exc.strerror or type(exc).__name__
        errors.append(_error(f"cannot list this folder ({reason}); make it readable", where))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):  # as os.walk: linked folders are not entered
            if os.path.realpath(entry.path) not in skip:
                yield from _walk(Path(entry.path), raw, skip, errors)
        else:
            yield Path(entry.path)


def _looks_like_document(path: Path) -> bool:
    """Whether a file found in a folder is a document to read; raises for one that should be
    but cannot be looked at (the user would otherwise never learn it was left out)."""
    suffix = path.suffix.lower()
    if path.stem.lower() in SKIP_STEMS:
        return False
    data_file = suffix in SKIP_EXTENSIONS and suffix not in (".xml", ".rss", ".atom")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if data_file:
            return False
        raise _error(
            "broken symbolic link: its target is missing; fix or remove it", str(path)
        ) from None
    except OSError as exc:
        raise _error(f"cannot look at this file ({exc.strerror}); check it", str(path)) from None
    if not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode) or data_file:
            return False
        kind = _special_kind(mode)
        raise _error(
            f"is {kind}, not a document file; left out of the folder's documents", str(path)
        )
    if data_file:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except PermissionError:
        raise _error("permission denied; make the file readable", str(path)) from None
    except OSError as exc:
        raise _error(f"cannot read the file ({exc.strerror}); check it", str(path)) from None
    if looks_like_document(head, suffix):
        return True
    if suffix in SKIP_EXTENSIONS:
        return False
    return bool(head.strip()) and sniff_binary(head) is None


def _error(message: str, file: str) -> PipelineError:
    return IngestError(message, file=file)

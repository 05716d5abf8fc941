"""EPUB books and Word files are ZIP packages; this module opens the ZIP side of ingest.

An EPUB is XHTML chapters listed in reading order by the package file (OPF) that
``META-INF/container.xml`` points at; each chapter goes through the HTML parser, and the OPF's
Dublin Core metadata gives title, author and date. Only the standard library is needed.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from urllib.parse import unquote
from xml.etree import ElementTree

from pipeline.document import Metadata
from pipeline.errors import IngestError
from pipeline.ingest.chrome import Candidate
from pipeline.ingest.dates import iso_date
from pipeline.ingest.html import html_candidates, parse_tree

MAX_UNPACKED = 200_000_000
"""Bytes a package may unpack to before it is refused (a guard against ZIP bombs)."""
MAX_MEMBERS = 10_000
"""Files a package may hold before it is refused."""
_NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_HTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})


def zip_kind(data: bytes) -> str | None:
    """``"docx"``, ``"epub"`` or ``None`` for a ZIP package, judged by its member names."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "META-INF/container.xml" in names:
                return "epub"
    except (zipfile.BadZipFile, OSError):
        return None
    return None


def check_unpacked(package: zipfile.ZipFile, name: str, kind: str) -> None:
    """Refuse a package that unpacks to more than :data:`MAX_UNPACKED` bytes or holds more
    than :data:`MAX_MEMBERS` files, before anything is decompressed. The sizes are the
    declared ones, which bind: ``zipfile`` never returns more bytes than a member declares."""
    members = package.infolist()
    if len(members) > MAX_MEMBERS:
        raise IngestError(
            f"this {kind} holds {len(members):,} files, more than the {MAX_MEMBERS:,} zhen opens; "
            "it is not a document (or it is damaged)",
            file=name,
        )
    if sum(i.file_size for i in members) > MAX_UNPACKED:
        raise IngestError(
            f"this {kind} unpacks to more than {MAX_UNPACKED // 1_000_000} MB; split it",
            file=name,
        )


def parse_epub(data: bytes, name: str) -> tuple[Metadata, list[Candidate]]:
    """The book's metadata and its chapters' text, in spine order."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            check_unpacked(package, name, "EPUB")
            opf_path = _rootfile(package.read("META-INF/container.xml"))
            opf = ElementTree.fromstring(package.read(opf_path))
            meta = Metadata(
                title=_dc(opf, "title"),
                author=_dc(opf, "creator"),
                published=iso_date(_dc(opf, "date")),
            )
            out: list[Candidate] = []
            for href in _spine(opf, posixpath.dirname(opf_path)):
                try:
                    chapter = package.read(href)
                except KeyError:
                    continue
                tree = parse_tree(chapter.decode("utf-8", errors="replace"))
                root = tree.body if tree.body is not None else tree.root
                if root is not None:
                    out.extend(html_candidates(root))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as exc:
        raise IngestError(
            f"cannot read this EPUB ({type(exc).__name__}); check that the file is complete",
            file=name,
        ) from None
    return meta, out


def _rootfile(container: bytes) -> str:
    root = ElementTree.fromstring(container)
    node = root.find(".//c:rootfile", _NS)
    if node is None or not node.get("full-path"):
        raise KeyError("rootfile")
    return str(node.get("full-path"))


def _dc(opf: ElementTree.Element, key: str) -> str | None:
    node = opf.find(f".//dc:{key}", _NS)
    text = (node.text or "").strip() if node is not None else ""
    return text or None


def _spine(opf: ElementTree.Element, base: str) -> list[str]:
    """Chapter paths in reading order (the spine's item references, HTML only)."""
    items = {
        item.get("id"): item
        for item in opf.findall(".//opf:manifest/opf:item", _NS)
        if item.get("media-type") in _HTML_TYPES
    }
    paths = []
    for ref in opf.findall(".//opf:spine/opf:itemref", _NS):
        item = items.get(ref.get("idref"))
        if item is not None and item.get("href"):
            paths.append(posixpath.normpath(posixpath.join(base, unquote(str(item.get("href"))))))
    return paths

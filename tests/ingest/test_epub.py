"""EPUB books: chapters in spine order through the HTML parser, Dublin Core metadata."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.ingest import parse_bytes
from pipeline.ingest.epub import zip_kind
from pipeline.settings import IngestSettings

CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" '
    'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
    '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)
OPF = (
    '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
    '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>军控史话</dc:title>'
    "<dc:creator>李华</dc:creator><dc:date>2020-01-01</dc:date></metadata><manifest>"
    '<item id="c2" href="text/c2.xhtml" media-type="application/xhtml+xml"/>'
    '<item id="c1" href="text/c1.xhtml" media-type="application/xhtml+xml"/>'
    '<item id="css" href="style.css" media-type="text/css"/></manifest>'
    '<spine><itemref idref="c1"/><itemref idref="c2"/></spine></package>'
)
CHAPTERS = {
    "OEBPS/text/c1.xhtml": "<h1>第一章 开端</h1><p>一九六二年的危机让两国意识到沟通的重要。</p>",
    "OEBPS/text/c2.xhtml": "<h1>第二章 热线</h1><p>次年，两国建立了<em>直通热线</em>。</p>",
}


def make_epub(path: Path) -> bytes:
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("META-INF/container.xml", CONTAINER)
        book.writestr("OEBPS/content.opf", OPF)
        book.writestr("OEBPS/style.css", "p { margin: 0 }")
        for name, body in CHAPTERS.items():
            book.writestr(
                name, f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html>'
            )
    return path.read_bytes()


def test_epub_chapters_in_spine_order(tmp_path: Path) -> None:
    doc = parse_bytes(make_epub(tmp_path / "book.epub"), "book.epub", IngestSettings())
    assert (doc.format, doc.meta.title, doc.meta.author, doc.meta.published) == (
        "epub",
        "军控史话",
        "李华",
        "2020-01-01T00:00:00",
    )
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("title", "军控史话"),
        ("heading", "第一章 开端"),
        ("paragraph", "一九六二年的危机让两国意识到沟通的重要。"),
        ("heading", "第二章 热线"),
        ("paragraph", "次年，两国建立了*直通热线*。"),
    ]


def test_zip_kind_tells_word_from_epub_from_other_zips(tmp_path: Path) -> None:
    assert zip_kind(make_epub(tmp_path / "book.epub")) == "epub"
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("a.txt", "x")
    assert zip_kind(other.read_bytes()) is None
    assert zip_kind(b"PK\x03\x04 not really") is None


def test_an_epub_without_its_package_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.epub"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("META-INF/container.xml", CONTAINER)
    with pytest.raises(PipelineError, match="cannot read this EPUB") as info:
        parse_bytes(path.read_bytes(), "broken.epub", IngestSettings())
    assert info.value.file == "broken.epub"

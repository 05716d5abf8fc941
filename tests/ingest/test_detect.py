"""Format detection: binary packages by magic bytes and members, feeds by their root element."""

from __future__ import annotations

import pytest

from pipeline.ingest.detect import detect_binary, detect_format, looks_like_document


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"PK\x03\x04broken zip", None),
        (b"<html></html>", None),
        (b"\x89PNG\r\n\x1a\n", None),
    ],
)
def test_detect_binary(data: bytes, fmt: str | None) -> None:
    assert detect_binary(data) == fmt


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ('<?xml version="1.0"?>\n<rss version="2.0"><channel></channel></rss>', "feed"),
        ('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>', "feed"),
        ("<!--1702302301000-->\n[标题](https://a.b/c)\n------\n<p>正文</p>", "feed-html"),
        ("<p>正文一</p><p>正文二</p><p>正文三</p>", "html"),
        ("纯文本。", "text"),
    ],
)
def test_detect_format(text: str, fmt: str) -> None:
    assert detect_format(text, "x.txt") == fmt


@pytest.mark.parametrize(
    ("head", "suffix", "wanted"),
    [
        (b"%PDF-1.4", ".pdf", True),
        (b"PK\x03\x04", ".docx", True),
        (b"PK\x03\x04", ".epub", True),
        (b"PK\x03\x04", ".xlsx", False),
        (b'<?xml version="1.0"?><rss version="2.0">', ".xml", True),
        (b'<?xml version="1.0"?><urlset>', ".xml", False),
        (b"plain text", ".txt", False),
    ],
)
def test_looks_like_document(head: bytes, suffix: str, wanted: bool) -> None:
    assert looks_like_document(head, suffix) is wanted

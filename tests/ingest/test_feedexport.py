"""Feed-export HTML: recognizing it and reading its title and timestamp."""

from __future__ import annotations

import pytest

from pipeline.ingest.feedexport import looks_like_feed_export
from pipeline.ingest.read import parse_bytes
from pipeline.settings import IngestSettings


@pytest.mark.parametrize(
    ("text", "is_export"),
    [
        ("<!--1702302301000-->\n[标题](https://a.b/c)\n------\n\n<p>x</p>", True),
        ("\n<!-- 1702302301 -->\n[标题](u)\n---\n<p>x</p>", True),
        ("<!-- comment -->\n<p>x</p>", False),
        ("<!--1702302301000-->\n<p>no rule</p>", False),
        ("[标题](https://a.b)\n------\n<p>x</p>", False),
    ],
)
def test_looks_like_feed_export(text: str, is_export: bool) -> None:
    assert looks_like_feed_export(text) is is_export


def test_feed_export_without_link_uses_plain_title_and_seconds_timestamp() -> None:
    data = "<!--1702302301-->\n纯文本标题\n------\n<p>正文。</p>".encode()
    doc = parse_bytes(data, "x.html", IngestSettings())
    assert (doc.format, doc.meta.title, doc.meta.url) == ("feed-html", "纯文本标题", None)
    assert doc.meta.published == "2023-12-11T13:45:01+00:00"
    assert [b.text for b in doc.blocks] == ["纯文本标题", "正文。"]

"""The HTML review page: escaping, term and flag marks, CSP, and headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from export.helpers import INJECTED, LOOKUP, RUN, all_segments, sample_docs

from pipeline.document import Document
from pipeline.export.html import render_html
from pipeline.export.registry import export_run


@pytest.fixture
def docs() -> list[Document]:
    """Two documents with every kind of tricky text, plus one without segments."""
    return sample_docs()


def test_html_escapes_all_document_text(docs: list[Document]) -> None:
    page = render_html(docs, RUN, LOOKUP)
    assert INJECTED not in page
    assert "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;" in page
    assert page.count("<script>") == 1
    assert "標題 &lt;b&gt;" in page
    assert 'href="javascript:' not in page
    assert '<a href="https://example.org/a?x=1&amp;y=2"' in page
    assert not re.search(
        r"(src|href)=\"(https?:)?//", page.replace('href="https://example.org', "")
    )


def test_html_marks_terms_flags_and_originals(docs: list[Document]) -> None:
    page = render_html(docs, RUN, LOOKUP)
    assert (
        '<mark class="term" title="eu-commission → European Commission">欧盟委员会</mark>' in page
    )
    assert '<mark class="term" title="chip → chip">Chip</mark>' in page
    assert '<mark class="term missed" title="eu → EU (missed)">欧盟</mark>' in page
    assert page.count('<tr class="seg flagged"') == 3
    assert page.count('<tr class="seg') == len(all_segments(docs))
    assert 'data-flags="empty-output term-missed"' in page
    assert "原文 晶片\t出口增長 50%。\n" in page
    assert 'data-flag="number-missing"' in page  # every QA flag gets a filter


def test_html_csp_allows_exactly_the_inline_script(docs: list[Document]) -> None:
    page = render_html(docs, RUN)
    script = page.split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    assert "default-src 'none'" in page


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    pytest.skip("headless Chromium is not installed (apt-get install -y chromium)")


def _run_chromium(args: list[str], tmp_path: Path) -> str:
    cmd = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", *args,
    ]  # fmt: skip
    result = subprocess.run(
        cmd, capture_output=True, text=True, timeout=120, check=True, env={"HOME": str(tmp_path)}
    )
    return result.stdout


@pytest.mark.slow
def test_html_renders_in_headless_chromium(docs: list[Document], tmp_path: Path) -> None:
    page = export_run(docs, RUN, tmp_path, ["html"], LOOKUP)["html"][0]
    dom = _run_chromium(["--dump-dom", page.as_uri()], tmp_path)
    assert "<title>zhen review: 3 documents, 8 sentences</title>" in dom
    assert "pwned" not in dom.split("</title>")[0]
    assert 'data-ready="1"' in dom  # the page's own script ran (its CSP hash is right)
    assert "8 of 8 sentences shown" in dom
    assert dom.count('<tr class="seg') == 8
    assert "&lt;script&gt;document.title=" in dom  # the injected script is inert text
    filtered = _run_chromium(
        ["--dump-dom", f"{page.as_uri()}#flags=empty-output,length-ratio"], tmp_path
    )
    assert "2 of 8 sentences shown" in filtered
    assert filtered.count('<tr class="seg flagged" data-flags="empty-output term-missed">') == 1
    flagged = _run_chromium(["--dump-dom", f"{page.as_uri()}#flagged"], tmp_path)
    assert "3 of 8 sentences shown" in flagged
    assert flagged.count('<tr class="seg" data-flags="" hidden="">') == 5
    shot = tmp_path / "review.png"
    _run_chromium([f"--screenshot={shot}", "--window-size=1400,900", page.as_uri()], tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000

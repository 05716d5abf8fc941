"""The HTML review page: escaping, term and flag marks, CSP, and headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO
from export.helpers import INJECTED, LOOKUP, RUN, all_segments, sample_docs

from pipeline.document import Document, MemoryMatch
from pipeline.export.html import render_html
from pipeline.export.registry import export_run

SAMPLE = REPO / "corpora" / "samples" / "new-start-brief.txt"


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
    assert filtered.count('<tr class="seg flagged" data-flags="empty-output term-missed"') == 1
    flagged = _run_chromium(["--dump-dom", f"{page.as_uri()}#flagged"], tmp_path)
    assert "3 of 8 sentences shown" in flagged
    assert len(re.findall(r'<tr class="seg" data-flags=""[^>]* hidden="">', flagged)) == 5
    shot = tmp_path / "review.png"
    _run_chromium([f"--screenshot={shot}", "--window-size=1400,900", page.as_uri()], tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000


# ---------------------------------------------------------------- the review loop in a browser


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    """Headless Chromium (Debian's, driven by Playwright); skips where either is missing."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = next(
        (p for n in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(n))),
        None,
    )
    if executable is None:
        pytest.skip("headless Chromium is not installed (apt-get install -y chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


def _translate(args: list[str], tmp_path: Path, tiny_archive: Path) -> None:
    from typer.testing import CliRunner

    from pipeline.cli.app import app

    result = CliRunner().invoke(
        app,
        ["translate", str(SAMPLE), "--model", str(tiny_archive), "--beam", "1",
         "--cache-dir", str(tmp_path / "cache"), "--no-glossary", "-q", *args],
        env={"XDG_CACHE_HOME": str(tmp_path / "xdg"), "XDG_DATA_HOME": str(tmp_path / "xdg")},
    )  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_edit_in_the_page_download_import_and_reuse(  # type: ignore[no-untyped-def]
    browser, tiny_archive: Path, tmp_path: Path
) -> None:
    """The review loop as a reviewer runs it: edit a sentence in review.html, mark another
    reviewed, reload (nothing lost), undo, download the edits, zhen review import them, and
    translate again with --memory: the edited sentence comes back marked memory."""
    from typer.testing import CliRunner

    from pipeline.cli.app import app

    run_dir = tmp_path / "run"
    _translate(["-o", str(run_dir), "--export", "html"], tmp_path, tiny_archive)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto((run_dir / "review.html").as_uri())
    page.wait_for_selector("body[data-ready='1']")
    rows = page.locator("tr.seg")
    first, second, third = rows.nth(0), rows.nth(1), rows.nth(2)
    edited = "The reviewer's corrected title."
    first.locator(".en-text").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(edited)
    page.keyboard.press("Enter")  # commits and moves to the next sentence
    assert page.evaluate("document.activeElement.closest('tr').dataset.id") == (
        second.get_attribute("data-id")
    )
    page.keyboard.press("Escape")
    second.locator("button.ok").click()
    third.locator("button.nw").click()
    assert page.locator("#counts").inner_text() == "1 edited · 1 reviewed · 1 need work"
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+Z")  # undoes "needs work"
    assert "needs-work" not in (third.get_attribute("class") or "")
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert rows.nth(0).locator(".en-text").inner_text() == edited
    assert "edited" in (rows.nth(0).get_attribute("class") or "")
    assert rows.nth(1).locator("button.ok").get_attribute("aria-pressed") == "true"
    assert page.locator("#counts").inner_text() == "1 edited · 1 reviewed · 0 need work"
    with page.expect_download() as download:
        page.locator("#download").click()
    downloads = tmp_path / "Downloads"
    saved = downloads / download.value.suggested_filename
    download.value.save_as(saved)
    context.close()
    # Imported from the downloads folder: the page named its run.
    imported = CliRunner().invoke(app, ["review", "import", str(saved)])
    assert imported.exit_code == 0, imported.output
    assert "stored 2 pair(s) (1 edited, 1 confirmed" in imported.stdout
    again = tmp_path / "again"
    _translate(["-o", str(again), "--memory", str(run_dir)], tmp_path, tiny_archive)
    records = [json.loads(line) for line in (again / "segments.jsonl").read_text().splitlines()]
    assert (records[0]["en"], records[0]["status"]) == (edited, "memory")
    assert records[1]["status"] == "memory"


@pytest.mark.slow
def test_page_on_a_phone_and_filters(browser, docs: list[Document], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the source stacks above the English at full width; "only flagged" hides
    documents with nothing flagged; a memory match is one click away; no "cached" badge."""
    docs[1].segments[0].matches = [MemoryMatch("一句话。", "A single sentence.", 80.0)]
    docs[1].segments[0].status = "cached"
    path = export_run(docs, RUN, tmp_path, ["html"], LOOKUP)["html"][0]
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    row = page.locator("tr.seg").first
    zh, en = row.locator("td.zh").bounding_box(), row.locator("td.en").bounding_box()
    assert zh["y"] + zh["height"] <= en["y"] and en["width"] > 300
    plain = page.locator("section.doc").nth(1)
    assert ">cached<" not in plain.inner_html()
    plain.locator("button.use").click()
    assert plain.locator(".en-text").inner_text() == "A single sentence."
    page.locator("#only-flagged").check()
    assert plain.is_hidden() and page.locator("section.doc").first.is_visible()
    assert page.locator("#shown").inner_text() == "3 of 8 sentences shown"

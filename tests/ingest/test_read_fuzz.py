"""Property tests of ingest over random, nested and truncated HTML, Markdown and bytes.

Whatever comes in, ingest either returns documents or raises :class:`PipelineError` — never
another exception — and every sentence of prose a simple extraction finds in the input is in
the output (prose, that is: a short line may go as page chrome, by design). Budgets are small
(CI runs them with the rest of the suite); raise ``FUZZ_EXAMPLES`` locally to look harder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import PipelineError
from pipeline.ingest.read import parse_documents
from pipeline.settings import IngestSettings

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
BUDGET = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
SHARED = Path(__file__).resolve().parents[3] / "shared"
SETTINGS = IngestSettings()
_DIGITS = "〇一二三四五六七八九"
_HAN = re.compile(r"[\u4e00-\u9fff]+")


def sentence(n: int) -> str:
    """A unique sentence of prose as ingest defines it (:func:`pipeline.ingest.zones.is_prose`:
    25+ characters with sentence punctuation; shorter lines may go as page chrome), with no
    word a chrome rule knows, numbered in Han digits."""
    number = "".join(_DIGITS[int(d)] for d in str(n))
    return f"这是第{number}段测试正文，内容涉及双边谈判的最新进展和各方的反应。"


def han(text: str) -> str:
    """Only the Han characters: what survives any markup, escaping or layout."""
    return "".join(_HAN.findall(text))


def ingest(data: bytes, name: str) -> str | PipelineError:
    """Han text of every block ingest keeps, or the error it refused the input with."""
    try:
        parsed = parse_documents(data, name, SETTINGS)
    except PipelineError as exc:
        return exc
    return "".join(han(b.text) for p in parsed for b in p.doc.blocks)


def assert_kept(source: str, name: str, sentences: list[str]) -> None:
    out = ingest(source.encode(), name)
    present = [s for s in sentences if s in source]  # a cut may have split the last one
    if not present:
        return
    if isinstance(out, PipelineError):
        # By design a document that is nothing but its title is refused, in one line: an
        # extraction that found only a title has usually failed. Anything else is text lost.
        title_only = len(present) == 1 and source.lstrip("#> \n").startswith(present[0])
        assert title_only and "no article text" in out.message, out
        return
    lost = [s for s in present if han(s) not in out]
    assert not lost, lost


# --- HTML ----------------------------------------------------------------------------------------

_HTML_TAGS = ["div", "p", "span", "b", "i", "em", "strong", "section", "blockquote", "ul", "ol"]
_HTML_TAGS += ["li", "h2", "pre", "table", "tr", "td", "font", "center"]
# No <article>/<main> inside: text outside the one a page has is dropped by design.


@st.composite
def html_pages(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Random element trees (deep, unbalanced, unclosed) with prose sentences at the leaves."""
    pieces: list[str] = ["<html><body>", draw(st.sampled_from(["", "<article>", "<main>"]))]
    sentences: list[str] = []
    depth = draw(st.integers(0, 700))  # deep nesting, past any recursion limit
    pieces.append("".join(f"<{draw(st.sampled_from(_HTML_TAGS))}>" for _ in range(depth)))
    for _ in range(draw(st.integers(1, 12))):
        action = draw(st.sampled_from(["open", "close", "text", "text", "br", "unclosed"]))
        tag = draw(st.sampled_from(_HTML_TAGS))
        if action == "open":
            pieces.append(f"<{tag}>")
        elif action == "close":
            pieces.append(f"</{tag}>")
        elif action == "br":
            pieces.append("<br>")
        elif action == "unclosed":
            pieces.append(f"<{tag}>" * draw(st.integers(1, 40)))
        else:
            text = sentence(len(sentences) + 1)
            sentences.append(text)
            pieces.append(f"<p>{text}</p>" if draw(st.booleans()) else text)
    return "".join(pieces), sentences


@BUDGET
@given(html_pages(), st.floats(0.5, 1.0))
def test_random_and_truncated_html_keeps_its_prose(page: tuple[str, list[str]], cut: float) -> None:
    html, sentences = page
    assert_kept(html[: int(len(html) * cut)], "page.html", sentences)


# --- Markdown ------------------------------------------------------------------------------------


@st.composite
def markdown_docs(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Random Markdown lines: deep lists and quotes, headings, fences, tables, emphasis."""
    lines: list[str] = []
    sentences: list[str] = []
    for _ in range(draw(st.integers(1, 25))):
        text = sentence(len(sentences) + 1)
        sentences.append(text)
        kinds = ["para", "list", "quote", "mixed", "heading", "emph", "table", "html"]
        kind = draw(st.sampled_from(kinds))
        depth = draw(st.integers(0, 60))
        if kind == "list":
            line = " " * draw(st.integers(0, 2 * depth)) + draw(
                st.sampled_from(["- ", "1. ", "* "])
            )
        elif kind == "quote":
            line = ">" * depth + " "
        elif kind == "mixed":
            line = "> - " * depth
        elif kind == "heading":
            line = "#" * draw(st.integers(1, 6)) + " "
        elif kind == "emph":
            text = f"**{text}**" if draw(st.booleans()) else f"*{text}"
            line = ""
        elif kind == "table":
            line, text = "| ", f"{text} | 乙 |\n|---|---|\n| 丙 | 丁 |"
        elif kind == "html":  # an HTML block, as deep as it likes
            line, text = "<div>" * (depth * 10 + 1), f"{text}</div>\n"
        else:
            line = ""
        lines.append(line + text)
        if draw(st.booleans()):
            lines.append("")
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), "```")  # an unclosed fence
    return "\n".join(lines), sentences


@BUDGET
@given(markdown_docs(), st.floats(0.5, 1.0))
def test_random_nested_and_truncated_markdown_keeps_its_prose(
    doc: tuple[str, list[str]], cut: float
) -> None:
    text, sentences = doc
    assert_kept(text[: int(len(text) * cut)], "doc.md", sentences)


# --- bytes ---------------------------------------------------------------------------------------


@BUDGET
@given(st.binary(max_size=4000), st.sampled_from(["x.html", "x.md", "x.txt", "x", "x.xml"]))
def test_random_bytes_never_raise_anything_but_pipeline_errors(data: bytes, name: str) -> None:
    ingest(data, name)


def _real_files() -> list[Path]:
    found = sorted(p for p in DATA.rglob("*") if p.is_file())
    for folder in ("devcorpus", "samples"):
        found += sorted(p for p in (SHARED / folder).glob("*") if p.name != "README.md")
    return found


_PREFIXES = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe"]


@BUDGET
@given(
    st.sampled_from(_real_files()),
    st.floats(0.0, 1.0),
    st.sampled_from(_PREFIXES),
    st.binary(max_size=16),
)
def test_truncated_and_damaged_real_files_never_raise_anything_but_pipeline_errors(
    path: Path, cut: float, prefix: bytes, noise: bytes
) -> None:
    data = path.read_bytes()
    ingest(prefix + data[: int(len(data) * cut)] + noise, path.name)

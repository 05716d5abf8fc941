"""Plain text → candidates; for a web page saved as text, the article body within it.

A page saved as text keeps its chrome as lines: cookie and consent banners, app prompts, section
labels and lists of other headlines above the article, related headlines, "back to top" and
copyright notices below it. What locates the article is its *shape*, not the site: a headline
(a short line without closing punctuation) directly above a dateline/byline block (short lines
holding a date or a byline marker such as 記者／作者), followed by prose. When that shape is
found, the lines above the headline are dropped (``before-headline``), the dateline block becomes
metadata (``dateline``), a list of short lines after a "related" heading is dropped
(``related-list``), and after the last prose paragraph only lines that end like sentences stay
(``after-article``). Without it — a note, a brief typed by hand — every line is kept and the
first title-like line is the title.
"""

from __future__ import annotations

import re

from pipeline.chars import is_cjk
from pipeline.document import Metadata
from pipeline.ingest.chrome import Candidate, chrome_rule
from pipeline.ingest.dates import ANY_DATE_RE, BYLINE_NAME, parse_loose_date
from pipeline.ingest.inline import escape_block_start, escape_text
from pipeline.ingest.zones import is_prose

_SNIFF = 8192
TITLE_MAX_CJK = 40
TITLE_MAX_LATIN = 100
META_MAX_CHARS = 80
META_BLOCK_MAX = 4
HEAD_SEARCH_LINES = 60
_SENTENCE_END = tuple("。！？!?.…；;，,：:")
_KEEP_END = tuple("。！？!?…」”』）)")
_BYLINE = re.compile(
    r"^[（(]?\s*(?:記者|记者|作者|文|撰文|編輯|编辑|攝影|摄影|撰稿|特派員|特派员|特约记者|特約記者"
    r"|來源|来源|出處|出处|(?i:by))\s*[:：／/|]?\s*"
)
_LIST_ITEM = re.compile(r"^(?:([-*+•])|(\d{1,3}[.)]))\s+(?=\S)")


def parse_text(text: str) -> tuple[Metadata, list[Candidate]]:
    """Plain text: blank lines separate paragraphs; in Chinese text every line is a paragraph."""
    cjk = _mostly_cjk(text)
    out = [_candidate(p) for p in _paragraphs(text, cjk)]
    meta = Metadata()
    layout = _page_layout(out)
    if layout is not None:
        _mark_page(out, meta, *layout)
        return meta, out
    first = next((i for i, c in enumerate(out) if chrome_rule(c) is None), None)
    if first is not None and first < len(out) - 1 and _title_like(out[first].plain, cjk):
        out[first].kind, out[first].level = "title", 1
    return meta, out


def _paragraphs(text: str, cjk: bool) -> list[str]:
    paragraphs: list[str] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in chunk.split("\n") if ln.strip()]
        if cjk:
            paragraphs.extend(lines)
        elif lines:
            paragraphs.append(" ".join(lines))
    return paragraphs


def _candidate(line: str) -> Candidate:
    """A line as a candidate: ``- 项目`` and ``1. 项目`` are list items, the rest paragraphs
    whose Markdown-looking characters are escaped."""
    item = _LIST_ITEM.match(line)
    if item is not None:
        body = line[item.end() :]
        marker = "-" if item[1] else item[2]
        return Candidate("list_item", escape_text(body), plain=body, marker=marker)
    return Candidate("paragraph", escape_block_start(escape_text(line)), plain=line)


def _mostly_cjk(text: str) -> bool:
    sample = text[:_SNIFF]
    letters = [ch for ch in sample if ch.isalpha()]
    return bool(letters) and sum(1 for ch in letters if is_cjk(ch)) >= 0.3 * len(letters)


def _title_like(line: str, cjk: bool = True) -> bool:
    limit = TITLE_MAX_CJK if cjk else TITLE_MAX_LATIN
    return 0 < len(line) <= limit and not line.endswith(_SENTENCE_END)


def _meta_line(line: str) -> bool:
    """A dateline/byline line: short, holding a date or starting with a byline marker."""
    if len(line) > META_MAX_CHARS or line.endswith("。"):
        return False
    return ANY_DATE_RE.search(line) is not None or _BYLINE.match(line) is not None


def _page_layout(out: list[Candidate]) -> tuple[int, int, int] | None:
    """(headline, first body line, last prose line) when the text has a page's shape."""
    for i in range(1, min(len(out), HEAD_SEARCH_LINES)):
        if not _meta_line(out[i].plain) or _meta_line(out[i - 1].plain):
            continue
        end = i
        while end < len(out) and end - i < META_BLOCK_MAX and _meta_line(out[end].plain):
            end += 1
        if end < len(out) and _title_like(out[i - 1].plain) and is_prose(out[end]):
            last = max(k for k in range(end, len(out)) if is_prose(out[k]) or k == end)
            return i - 1, end, last
    return None


def _mark_page(out: list[Candidate], meta: Metadata, head: int, body: int, last: int) -> None:
    """Drop the page around the article, turn the dateline block into metadata."""
    for c in out[:head]:
        c.chrome = "before-headline"
    out[head].kind, out[head].level = "title", 1
    for c in out[head + 1 : body]:
        c.chrome = "dateline"
        date = ANY_DATE_RE.search(c.plain)
        if date is not None and meta.published is None:
            meta.published = parse_loose_date(date.group())
        name = BYLINE_NAME.search(c.plain)
        if name is not None and meta.author is None:
            meta.author = name[1]
    related = False
    for c in out[body : last + 1]:
        rule = chrome_rule(c)
        related = rule == "related-heading" or (related and _title_like(c.plain) and rule is None)
        if related and rule is None:
            c.chrome = "related-list"
    for c in out[last + 1 :]:
        if not c.plain.endswith(_KEEP_END):
            c.chrome = c.chrome or chrome_rule(c) or "after-article"

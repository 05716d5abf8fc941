"""The document's title: cleaned of site decorations, one title block first, no repeat of it.

Pages decorate titles (``标题 - 知乎``, ``标题-军事-示例新闻网``, Zhihu's notification counters)
and repeat them (a ``<title>`` plus an H1, front matter plus an H1, a question heading under the
page title). The title is cleaned with evidence from the page itself — the part before a
separator is kept when the page also has it as a heading — and with the site templates of
``templates.toml``; then the first heading that repeats it becomes the title block and later
repeats before the article text are dropped.
"""

from __future__ import annotations

import re

from pipeline.document import Metadata
from pipeline.ingest.chrome import Candidate
from pipeline.ingest.inline import escape_block_start, escape_text
from pipeline.ingest.templates import template_title

TITLE_SEPARATORS = (" - ", " | ", " _ ", " – ", " — ", "｜", " · ", " ｜ ")
_TIGHT_SEPARATOR = re.compile(r"\s*[-_|｜–—·]\s*")


def norm(text: str) -> str:
    """Whitespace-insensitive form for comparing titles (U+3000 and runs become one space)."""
    return " ".join(text.split())


def clean_title(title: str, evidence: set[str], url: str | None = None) -> str:
    """Drop decorations: the site template's (counters, " - 知乎" on Zhihu pages), then a suffix
    after a separator when the part before it appears elsewhere as a heading — also a separator
    without spaces (``标题-军事-示例网`` with the heading ``标题``)."""
    title = template_title(norm(title), url, TITLE_SEPARATORS)
    evidence = {norm(e) for e in evidence if e.strip()}
    for sep in TITLE_SEPARATORS:
        head, found, _tail = title.rpartition(sep)
        if found and head.strip() in evidence:
            return head.strip()
    for heading in sorted(evidence, key=len, reverse=True):
        rest = title[len(heading) :]
        if len(heading) >= 4 and title.startswith(heading) and _TIGHT_SEPARATOR.match(rest):
            return heading
    return title


def settle_title(kept: list[Candidate], meta: Metadata, dropped: list[tuple[str, str]]) -> None:
    """One title block first: the leading heading that repeats the title, else one from
    metadata; headings repeating the title before the article text are dropped (``dup-title``)."""
    if kept and kept[0].kind == "title":  # plain text already chose its title line
        meta.title = meta.title or kept[0].plain
        _drop_repeats(kept, 1, {norm(kept[0].plain)}, dropped)
        return
    raw = norm(meta.title) if meta.title else None
    headings = {c.plain for c in kept if c.kind == "heading"}
    if raw:
        meta.title = clean_title(raw, headings, meta.url)
    for i, cand in enumerate(kept):
        if cand.kind != "heading":
            break
        text = norm(cand.plain)
        if raw is None and cand.level == 1:
            meta.title = clean_title(text, headings - {cand.plain}, meta.url)
        if text in (raw, meta.title) or clean_title(text, headings, meta.url) == meta.title:
            kept[i] = _title_block(meta.title or cand.plain, cand.level)
            if i:
                kept.insert(0, kept.pop(i))
            _drop_repeats(kept, 1, {t for t in (raw, meta.title, text) if t}, dropped)
            return
    if meta.title:
        kept.insert(0, _title_block(meta.title, 1))
        _drop_repeats(kept, 1, {t for t in (raw, meta.title) if t}, dropped)


def _title_block(title: str, level: int) -> Candidate:
    """The title as a block: its text escaped like any block's (``C_3`` stays literal)."""
    return Candidate("title", escape_block_start(escape_text(title)), level, plain=title)


def _drop_repeats(
    kept: list[Candidate], start: int, titles: set[str], dropped: list[tuple[str, str]]
) -> None:
    """Drop headings that repeat the title up to the first line of article text."""
    i = start
    while i < len(kept) and kept[i].kind in ("heading", "caption", "image"):
        if kept[i].kind == "heading" and norm(kept[i].plain) in titles:
            dropped.append(("dup-title", kept[i].plain))
            del kept[i]
            continue
        i += 1

"""Candidates → blocks: drop chrome line by line, then by position, settle the title, number.

The order matters: line rules (:mod:`.chrome`, templates) first, so positional rules
(:mod:`.zones`) see the article's own lines; the title last, so a heading that repeats it is
found among what is left. Everything dropped is recorded as ``(rule, text)`` so tests and
``zhen segment --show-dropped`` can explain it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.document import Block, Metadata
from pipeline.ingest.chrome import Candidate, chrome_rule
from pipeline.ingest.dates import ANY_DATE_RE, BYLINE_NAME, parse_loose_date
from pipeline.ingest.titles import settle_title
from pipeline.ingest.zones import apply_zones

# Context rule: lines between an author link and its follow button are the author's bio line.
PROFILE_HEADER_MAX_LINES = 2
PROFILE_HEADER_MAX_CHARS = 80
_LEVELED = ("heading", "title", "list_item", "quote")


@dataclass
class Built:
    """Blocks plus what was dropped (``(rule, text)``) so tests and ``--show-dropped`` can
    explain it."""

    blocks: list[Block]
    dropped: list[tuple[str, str]]


def build_blocks(candidates: list[Candidate], meta: Metadata) -> Built:
    """Drop chrome, settle the title block, number the rest; may fill ``meta`` from chrome."""
    kept: list[Candidate] = []
    dropped: list[tuple[str, str]] = []
    author_mark = -1
    for cand in candidates:
        cand.text = cand.text.strip() if cand.kind != "code" else cand.text
        cand.plain = cand.plain.strip()
        rule = None if cand.brk or cand.kind == "table_cell" else chrome_rule(cand)
        if rule is None:
            kept.append(cand)
            continue
        dropped.append((rule, cand.plain))
        if rule == "link-only":
            _drop_profile_image(kept, cand, dropped)
            author_mark = len(kept)
        elif rule == "follow-button" and author_mark >= 0:
            _drop_profile_header(kept, author_mark, dropped)
            author_mark = -1
        elif rule in ("bare-date", "dateline") and not _has_prose(kept):
            _date_meta(cand.plain, meta)
    kept = apply_zones(kept, dropped)
    settle_title(kept, meta, dropped)
    blocks = [
        Block(
            index=i,
            kind=c.kind,
            text=c.text,
            level=c.level if c.kind in _LEVELED else 0,
            marker=c.marker,
            table=c.table,
            row=c.row,
            col=c.col,
            info=c.info,
        )
        for i, c in enumerate(kept)
    ]
    return Built(blocks, dropped)


def _date_meta(line: str, meta: Metadata) -> None:
    """The publication date (and author) from a date or meta line above the article text."""
    date = ANY_DATE_RE.search(line)
    if date is not None and meta.published is None:
        meta.published = parse_loose_date(date.group())
    name = BYLINE_NAME.search(line)
    if name is not None and meta.author is None:
        meta.author = name[1]


def _has_prose(kept: list[Candidate]) -> bool:
    return any(c.kind not in ("heading", "title", "image") for c in kept)


def _drop_profile_image(
    kept: list[Candidate], link: Candidate, dropped: list[tuple[str, str]]
) -> None:
    """An image linking where the author-name link next to it links: a profile card's avatar."""
    if kept and kept[-1].kind == "image" and link.href and kept[-1].href == link.href:
        dropped.append(("profile-card", kept.pop().text))


def _drop_profile_header(kept: list[Candidate], mark: int, dropped: list[tuple[str, str]]) -> None:
    """Remove the author's bio line(s) and badges between the author link and the follow
    button."""
    tail = kept[mark:]
    lines = [c for c in tail if c.kind != "image"]
    if len(lines) <= PROFILE_HEADER_MAX_LINES and all(
        len(c.plain) <= PROFILE_HEADER_MAX_CHARS and c.kind != "heading" for c in lines
    ):
        dropped.extend(("profile-header", c.plain or c.text) for c in tail)
        del kept[mark:]

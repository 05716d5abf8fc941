"""Markdown and Omnivore exports → metadata + :class:`Candidate` lines (markdown-it-py, PyYAML).

Block structure comes through as the Markdown output needs it: headings with their level, list
items with their nesting depth and marker as written, nested quotes, tables as one candidate per
cell, fenced code and ``$$`` maths as verbatim ``code`` blocks with their info string, images
(and Obsidian ``![[…]]`` embeds) as ``image`` blocks, a short line under an image as its caption.
Inline text is rendered by :mod:`.mdinline`. Indented "code" in saved articles is nearly always
prose indented by an editor, so when it reads as Chinese sentences it stays paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline.chars import HAN_RE
from pipeline.document import Metadata
from pipeline.ingest.chrome import Candidate
from pipeline.ingest.dates import iso_date
from pipeline.ingest.html import html_candidates, parse_tree
from pipeline.ingest.inline import escape_text
from pipeline.ingest.mdinline import md, needs_line_split, render_inline, split_lines
from pipeline.ingest.templates import strip_residue

if TYPE_CHECKING:
    from markdown_it.token import Token

_FRONT_MATTER_FENCE = "---"
_FRONT_MATTER_END = ("---", "...")
_UNKNOWN_AUTHORS = frozenset({"unknown", "none", "null", "anonymous", "n/a", ""})
_SENTENCE_END = tuple("。！？!?.…；;：:”」』\"'）)")
_CAPTION_MAX_CHARS = 100
_OMNIVORE_HEAD_LINES = 40
_OMNIVORE_KEYS = ("date_saved:", "omnivore")
_READ_ORIGINAL = re.compile(r"\[Read Original\]\((\S+?)\)")
_FRONT_MATTER_KEY = re.compile(r"[A-Za-z_][\w-]*\s*:(?:\s|$)")


def _front_matter_lines(text: str) -> tuple[list[str], str] | None:
    """Raw front-matter lines and the body, or ``None`` when the text has no fenced block on top."""
    if not text.startswith(_FRONT_MATTER_FENCE):
        return None
    lines = text.split("\n")
    if lines[0].strip() != _FRONT_MATTER_FENCE:
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() in _FRONT_MATTER_END:
            return lines[1:i], "\n".join(lines[i + 1 :])
    return None


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter (a mapping between ``---`` fences at the very top) and the body after it.

    Anything that is not a YAML mapping stays in the body: a document may just start with a rule.
    Invalid YAML made of ``key: value`` lines is dropped without metadata.
    """
    # Lazy: ~45 ms to import; only front matter needs it.
    import yaml

    found = _front_matter_lines(text)
    if found is None:
        return {}, text
    lines, body = found
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load("\n".join(lines), Loader=loader)
    except yaml.YAMLError:
        # Broken metadata is still metadata: keep it out of the text to translate.
        return {}, body if has_front_matter(text) else text
    return (data, body) if isinstance(data, dict) else ({}, text)


def has_front_matter(text: str) -> bool:
    """A fenced block on top whose lines look like ``key: value`` (cheap; no YAML parsing)."""
    found = _front_matter_lines(text)
    return found is not None and any(_FRONT_MATTER_KEY.match(ln) for ln in found[0])


def looks_like_omnivore(text: str) -> bool:
    """Omnivore exports: ``date_saved`` in the front matter or its tag/link lines near the top."""
    found = _front_matter_lines(text)
    if found is not None and any(ln.startswith(_OMNIVORE_KEYS) for ln in found[0]):
        return True
    lines = (ln.strip() for ln in text.split("\n", _OMNIVORE_HEAD_LINES)[:_OMNIVORE_HEAD_LINES])
    return any(ln == "#Omnivore" or ln.startswith("[Read on Omnivore](") for ln in lines)


# Each is searched at the start of a line (``match``) or anywhere in it (``search``), with
# bounded repeats: ``.*`` around a link pattern made sniffing a line of "[a](" cubic (2,000 of
# them took 14 s).
_MD_SIGNALS = (
    (re.compile(r"#{1,6}\s+\S"), "match"),  # ATX heading
    (re.compile(r"\[[^\]\n]{0,500}\]\([^)\s][^)\n]{0,500}\)"), "search"),  # link or image
    (re.compile(r"\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+\S"), "match"),  # list item
    (re.compile(r">\s?\S"), "match"),  # block quote
    (re.compile(r"```|~~~"), "match"),  # fence
    (re.compile(r"(?:\*\*|__)\S[^\n]{0,500}?(?:\*\*|__)"), "search"),  # strong emphasis
)
_SNIFF_LINE = 2000


def markdown_signals(text: str, max_lines: int = 300) -> int:
    """How many kinds of Markdown syntax appear near the top (sniffing only, not parsing)."""
    lines = [ln[:_SNIFF_LINE] for ln in text.split("\n", max_lines)[:max_lines]]
    return sum(
        1
        for pattern, how in _MD_SIGNALS
        if any(getattr(pattern, how)(ln) is not None for ln in lines)
    )


def _front_matter_meta(front: dict[str, Any]) -> Metadata:
    def get(*keys: str) -> Any:
        for key in keys:
            value = front.get(key)
            if value not in (None, ""):
                return value
        return None

    def text(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        return " ".join(str(value).split()) or None

    author = text(get("author", "authors", "byline"))
    return Metadata(
        title=text(get("title")),
        url=text(get("url", "source", "link", "original_url", "canonical_url", "source_url")),
        author=None if author is None or author.lower() in _UNKNOWN_AUTHORS else author,
        published=iso_date(get("date_published", "published", "date", "published_at", "pubDate")),
        saved=iso_date(get("date_saved", "saved", "saved_at")),
    )


MAX_NESTING = 16
"""Containers (list items, quotes) a Markdown line may sit in; deeper ones are flattened."""
_CONTAINERS = re.compile(r"(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))+")
_CONTAINER_TOKEN = re.compile(r"([ \t]*)(>|[-+*]|\d{1,9}[.)])")
_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")


def flatten_nesting(text: str, limit: int = MAX_NESTING) -> str:
    """``text`` with every line's container prefix cut to at most ``limit`` levels.

    markdown-it stops at its nesting limit and silently drops *everything after* the line that
    reaches it (a list nested 10 deep, a quote 20 deep, with the CommonMark preset's limit), and
    it recurses per level, so raising the limit alone trades lost text for a RecursionError. A
    line can only sit as deep as the markers on it (``>``, list markers) plus its indentation
    over two columns per list level, so that estimate bounds its depth: a line over ``limit`` is
    rewritten to keep its first ``limit`` levels and its text. Fenced code is left alone.
    """
    lines = text.split("\n")
    fence = ""
    for i, line in enumerate(lines):
        prefix = _CONTAINERS.match(line)
        rest = line[prefix.end() :] if prefix else line
        opened = _FENCE.match(rest)
        if fence:
            if opened and opened[1][0] == fence[0] and len(opened[1]) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened[1]
        if prefix is not None:
            lines[i] = _cut_prefix(prefix.group(), limit) + rest
    return "\n".join(lines)


def _cut_prefix(prefix: str, limit: int) -> str:
    """The part of a container prefix within ``limit`` levels (markers count one, indentation
    one per two columns, a tab as four)."""
    depth = 0.0
    kept: list[str] = []
    for space, marker in _CONTAINER_TOKEN.findall(prefix):
        columns = len(space.replace("\t", "    "))
        room = (limit - depth - 1) * 2
        if room < 0:
            break
        if columns > room:
            space = " " * int(room)
            columns = len(space)
        kept.append(space + marker)
        depth += 1 + columns / 2
    return "".join(kept)


@dataclass
class _State:
    """Where the token walk is: heading, list and quote nesting, table position."""

    out: list[Candidate] = field(default_factory=list)
    heading: int = 0
    setext: str = ""
    lists: list[list[Any]] = field(default_factory=list)  # [marker suffix, next number, first]
    quotes: int = 0
    table: int = -1
    row: int = -1
    col: int = -1
    in_cell: bool = False


def parse_markdown(text: str) -> tuple[Metadata, list[Candidate]]:
    """Markdown (Omnivore exports included): front matter for metadata, tokens for the text."""
    front, body = split_front_matter(text)
    meta = _front_matter_meta(front)
    state = _State()
    for tok in md().parse(flatten_nesting(strip_residue(body))):
        _token(tok, state)
    if meta.url is None:
        original = _READ_ORIGINAL.search(body)
        meta.url = original[1] if original else None
    return meta, state.out


def _token(tok: Token, st: _State) -> None:
    typ = tok.type
    if typ == "heading_open":
        st.heading = int(tok.tag[1:])
        st.setext = tok.markup if tok.markup in ("=", "-") else ""
    elif typ == "heading_close":
        st.heading = 0
    elif typ in ("bullet_list_open", "ordered_list_open"):
        start = int(tok.attrGet("start") or 1) if typ == "ordered_list_open" else 0
        st.lists.append([tok.markup, start, True])
    elif typ in ("bullet_list_close", "ordered_list_close") and st.lists:
        st.lists.pop()
    elif typ == "list_item_open" and st.lists:
        st.lists[-1][2] = True
    elif typ == "blockquote_open":
        st.quotes += 1
    elif typ == "blockquote_close":
        st.quotes = max(0, st.quotes - 1)
    elif typ == "table_open":
        st.table += 1
        st.row = -1
    elif typ == "tr_open":
        st.row += 1
        st.col = -1
    elif typ in ("th_open", "td_open"):
        st.col += 1
        st.in_cell = True
    elif typ in ("th_close", "td_close"):
        st.in_cell = False
    elif typ == "inline":
        _inline(tok, st)
    elif typ == "fence":
        st.out.append(Candidate("code", tok.content.rstrip("\n"), info=tok.info.strip()))
    elif typ == "math_block" or typ == "math_block_label":
        st.out.append(Candidate("code", tok.content.strip("\n"), info="math"))
    elif typ == "code_block":
        st.out.extend(_indented(tok.content))
    elif typ == "html_block":
        st.out.extend(_html_block(tok.content))
    elif typ == "hr":
        st.out.append(Candidate("paragraph", "", brk=True))


def _inline(tok: Token, st: _State) -> None:
    if st.in_cell:
        cands = render_inline(tok.children or [])
        cell = cands[0] if cands else Candidate("paragraph", "")
        text = cell.text if cell.kind == "paragraph" else " ".join(c.text for c in cands)
        st.out.append(
            Candidate("table_cell", text, plain=cell.plain, table=st.table, row=st.row, col=st.col)
        )
        return
    # A multi-line setext "heading" is prose underlined by accident (a "> =" line).
    heading = 0 if st.setext and "\n" in tok.content else st.heading
    underline = st.setext if st.heading else ""
    if needs_line_split(tok.content, underline):
        cands = split_lines(tok.content, underline)
    else:
        cands = render_inline(tok.children or [])
    for cand in cands:
        if cand.kind == "paragraph":
            _place(cand, st, heading)
        st.out.append(cand)


def _place(cand: Candidate, st: _State, heading: int) -> None:
    """Kind, level and marker of a text candidate from where it sits."""
    if heading:
        cand.kind, cand.level = "heading", heading
    elif st.lists:
        suffix, number, first = st.lists[-1]
        cand.kind, cand.level = "list_item", len(st.lists) - 1
        if first:
            cand.marker = f"{number}{suffix}" if number or suffix in ".)" else suffix
            if suffix in ".)":
                st.lists[-1][1] = number + 1
            st.lists[-1][2] = False
    elif st.quotes:
        cand.kind, cand.level = "quote", st.quotes - 1
    elif st.out and st.out[-1].kind == "image" and _caption_like(cand.plain):
        cand.kind = "caption"


def _indented(content: str) -> list[Candidate]:
    """Indented code: Chinese sentences indented by an editor are paragraphs, the rest code."""
    han = len(HAN_RE.findall(content))
    if han >= 0.3 * len(content.strip()) and re.search("[。！？，]", content):
        return [
            Candidate("paragraph", escape_text(p.strip()), plain=p.strip())
            for p in content.split("\n\n")
            if p.strip()
        ]
    return [Candidate("code", content.rstrip("\n"))]


def _caption_like(text: str) -> bool:
    """A short line right under an image, not ending like a sentence, is the image's caption."""
    return 0 < len(text) <= _CAPTION_MAX_CHARS and not text.endswith(_SENTENCE_END)


def _html_block(html: str) -> list[Candidate]:
    tree = parse_tree(html)
    root = tree.body if tree.body is not None else tree.root
    return html_candidates(root) if root is not None else []

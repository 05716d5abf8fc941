"""Markdown and Omnivore exports → metadata + :class:`Candidate` lines (markdown-it-py, PyYAML).

Chinese Markdown defeats CommonMark's emphasis rules: ``**“双边机制”**`` next to CJK punctuation is
not recognised as bold, so the asterisks survive as literal text. The parser therefore keeps
unmatched delimiters as separate tokens (``text_join``/``fragments_join`` disabled) and the renderer
drops the ones that can only be failed emphasis, so the words stay and the markers go. Links keep
their visible text (Zhihu wraps ordinary words in search links) and lose their URL; images vanish.
Fenced code is not prose and is skipped; indented "code" in saved articles is nearly always prose
indented by an editor, so it is kept as paragraphs.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from selectolax.lexbor import LexborHTMLParser

from pipeline.document import BlockKind, Metadata
from pipeline.ingest.chrome import Candidate, iso_date, join_lines
from pipeline.ingest.html import html_candidates

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_FRONT_MATTER_FENCE = "---"
_FRONT_MATTER_END = ("---", "...")
_UNKNOWN_AUTHORS = frozenset({"unknown", "none", "null", "anonymous", "n/a", ""})
_SENTENCE_END = tuple("。！？!?.…；;：:”」』\"'）)")
_CAPTION_MAX_CHARS = 100
_OMNIVORE_HEAD_LINES = 40
_OMNIVORE_KEYS = ("date_saved:", "omnivore")
_FRONT_MATTER_KEY = re.compile(r"[A-Za-z_][\w-]*\s*:(?:\s|$)")


@functools.cache
def _md() -> MarkdownIt:
    # Lazy: ~70 ms to import; only Markdown input needs it.
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    # Keep unmatched * / _ delimiters as their own tokens so failed CJK emphasis can be dropped.
    md.disable(["text_join", "fragments_join"])
    # URLs are only read back as written (for "Read Original"), never rendered: skip the costly
    # percent-encoding normalisation and the unsafe-scheme filter meant for HTML output.
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


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


_MD_SIGNALS = (
    re.compile(r"#{1,6}\s+\S.*"),  # ATX heading
    re.compile(r".*!?\[[^\]\n]*\]\([^)\s]+[^)]*\).*"),  # link or image
    re.compile(r"\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+\S.*"),  # list item
    re.compile(r">\s?\S.*"),  # block quote
    re.compile(r"(?:```|~~~).*"),  # fence
    re.compile(r".*(?:\*\*|__)\S.*?\S?(?:\*\*|__).*"),  # strong emphasis
)


def markdown_signals(text: str, max_lines: int = 300) -> int:
    """How many kinds of Markdown syntax appear near the top (sniffing only, not parsing)."""
    lines = text.split("\n", max_lines)[:max_lines]
    return sum(1 for pattern in _MD_SIGNALS if any(pattern.fullmatch(ln) for ln in lines))


def inline_link(line: str) -> tuple[str | None, str | None]:
    """Visible text and URL of the first link in a one-line Markdown string such as ``[t](u)``."""
    tokens = _md().parseInline(line)
    children = tokens[0].children or [] if tokens else []
    inside = False
    pieces: list[str] = []
    href: str | None = None
    for tok in children:
        if tok.type == "link_open" and href is None:
            inside, href = True, str(tok.attrGet("href") or "")
        elif tok.type == "link_close" and inside:
            break
        elif inside and tok.type in ("text", "text_special", "code_inline"):
            pieces.append(tok.content)
    if href is None:
        return None, None
    return ("".join(pieces).strip() or None), href


def render_inline(children: list[Token]) -> Candidate:
    """Visible text of one paragraph/heading: link text kept, URLs and images dropped."""
    pieces: list[str] = []
    links = link_depth = link_chars = other_chars = images = 0
    href: str | None = None
    for content, typ in _drop_failed_emphasis(children):
        if typ in ("text", "text_special", "code_inline"):
            pieces.append(content)
            if link_depth:
                link_chars += len(content.strip())
            else:
                other_chars += len(content.strip())
        elif typ in ("softbreak", "hardbreak"):
            pieces.append("\n")
        elif typ == "link_open":
            links += 1
            link_depth += 1
            href = href or content
        elif typ == "link_close":
            link_depth = max(0, link_depth - 1)
        elif typ == "image":
            images += 1
        elif typ == "html_inline" and content.lower().startswith("<br"):
            pieces.append("\n")
    text = join_lines("".join(pieces)).strip()
    return Candidate(
        "paragraph",
        text,
        link_only=links == 1 and other_chars == 0 and link_chars > 0,
        image_only=images > 0 and not text,
        href=href,
    )


def _drop_failed_emphasis(children: list[Token]) -> list[tuple[str, str]]:
    """(content, type) pairs without the ``*``/``_`` runs that CommonMark could not pair up.

    Runs of two or more ``*`` (or exactly ``__``) are always failed bold markers; single ``*`` are
    dropped only when they come in pairs within the paragraph, so a lone footnote star or an
    operator between spaces (``3 * 4``) survives.
    """
    out: list[tuple[str, str]] = []
    singles: list[int] = []
    i = 0
    while i < len(children):
        tok = children[i]
        if tok.type == "text" and tok.content in ("*", "_"):
            j = i
            while (
                j < len(children)
                and children[j].type == "text"
                and children[j].content == tok.content
            ):
                j += 1
            run = j - i
            if tok.content == "*" and run == 1:
                before = out[-1][0] if out else " "
                after = children[j].content if j < len(children) else " "
                if not (before[-1:].isspace() and after[:1].isspace()):
                    singles.append(len(out))  # could be one side of an emphasis pair
                out.append(("*", "text"))
            elif not (run >= 2 if tok.content == "*" else run == 2):
                out.append((tok.content * run, "text"))
            i = j
            continue
        content = str(tok.attrGet("href") or "") if tok.type == "link_open" else tok.content
        out.append((content, tok.type))
        i += 1
    if len(singles) >= 2 and len(singles) % 2 == 0:
        for index in reversed(singles):
            del out[index]
    return out


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


def parse_markdown(text: str) -> tuple[Metadata, list[Candidate]]:
    """Markdown (Omnivore exports included): front matter for metadata, tokens for the text."""
    front, body = split_front_matter(text)
    meta = _front_matter_meta(front)
    out: list[Candidate] = []
    context: list[BlockKind] = []
    heading = 0
    for tok in _md().parse(body):
        typ = tok.type
        if typ == "heading_open":
            heading = int(tok.tag[1:])
        elif typ == "heading_close":
            heading = 0
        elif typ in ("list_item_open", "blockquote_open"):
            context.append("list_item" if typ == "list_item_open" else "quote")
        elif typ in ("list_item_close", "blockquote_close") and context:
            context.pop()
        elif typ == "inline":
            cand = render_inline(tok.children or [])
            if heading:
                cand.kind, cand.level = "heading", heading
            elif context:
                cand.kind = context[-1]
            elif out and out[-1].image_only and _caption_like(cand.text):
                cand.kind = "caption"
            out.append(cand)
        elif typ == "code_block":
            out.extend(Candidate("paragraph", p.strip()) for p in tok.content.split("\n\n"))
        elif typ == "html_block":
            out.extend(_html_block(tok.content))
    if meta.url is None:
        meta.url = next(
            (c.href for c in out if c.link_only and c.text == "Read Original" and c.href), None
        )
    return meta, out


def _caption_like(text: str) -> bool:
    """A short line right under an image, not ending like a sentence, is the image's caption."""
    return 0 < len(text) <= _CAPTION_MAX_CHARS and not text.endswith(_SENTENCE_END)


def _html_block(html: str) -> list[Candidate]:
    tree = LexborHTMLParser(html)
    root = tree.body if tree.body is not None else tree.root
    return html_candidates(root) if root is not None else []

"""HTML pages and RSS feed-export files → metadata + :class:`Candidate` lines.

Parsing is done by selectolax (lexbor), which repairs broken markup the way browsers do — the
feed exporter glues attributes onto tag names (``<asidedata-org-name="">``), so element rules
below look at a "signature" of tag name + attribute names + class/id, not at well-formed tags.
Elements that are never article text (navigation, share bars, related lists, app/newsletter
placeholders) are skipped while walking; the line-level rules in :mod:`pipeline.ingest.chrome` catch
what is left (share labels, exporter footers, stray dates).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from selectolax.lexbor import LexborHTMLParser

from pipeline.document import BlockKind, Metadata
from pipeline.ingest.chrome import (
    TITLE_SEPARATORS,
    Candidate,
    chrome_rule,
    iso_date,
    tight_break,
)

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode


NON_CONTENT_TAGS = frozenset(
    {
        *("script", "style", "noscript", "template", "iframe", "frame", "frameset", "svg", "math"),
        *("canvas", "object", "embed", "form", "button", "input", "select", "option", "textarea"),
        *("label", "nav", "aside", "footer", "dialog", "menu", "head", "title", "meta", "link"),
        *("video", "audio", "map", "area", "source", "track", "rt", "rp"),
    }
)


INLINE_TAGS = frozenset(
    {
        *("a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em"),
        *("font", "i", "ins", "kbd", "mark", "nobr", "q", "ruby", "s", "samp"),
        *("small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"),
    }
)


# Skipped elements that sit inside a line of text: removing them must not split the paragraph.
_NO_BREAK = INLINE_TAGS | {
    *("rt", "rp", "script", "style", "noscript", "template", "button", "label", "input"),
    *("select", "option", "textarea", "svg", "math", "canvas", "object", "embed", "iframe"),
    *("video", "audio", "source", "track", "map", "area", "link", "meta"),
}


_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_LIST_TAGS = frozenset({"li", "dt", "dd"})
_CAPTION_TAGS = frozenset({"figcaption", "caption"})
_NEVER_SKIP = frozenset({"html", "body", "article", "main"})


# An element matching a chrome signature is kept anyway when it holds this much of the page's text:
# a wrapper with class="post has-share-bar" is the article, not a share bar.
_WRAPPER_SHARE = 0.4


@functools.cache
def _signature_pattern() -> re.Pattern[str]:
    words = (
        "share|sharing|social|selfpromo|newsletter|subscribe|related|recommend(?:ed|ations?)?|"
        "article-list|article-item|advert(?:isement)?|ads|sponsor(?:ed)?|promo|breadcrumbs?|"
        "comments?|cookie|popup|modal|toolbar|paywall"
    )
    return re.compile(rf"(?<![a-z0-9])(?:{words})(?![a-z0-9])")


def _signature(tag: str, attrs: dict[str, Any]) -> str:
    parts = [tag, *attrs.keys(), str(attrs.get("class") or ""), str(attrs.get("id") or "")]
    return " ".join(parts).lower()


def _hidden(tag: str, attrs: dict[str, Any]) -> bool:
    style = str(attrs.get("style") or "").replace(" ", "").lower()
    return "hidden" in attrs or attrs.get("aria-hidden") == "true" or "display:none" in style


# name → predicate(tag, attributes): elements skipped whole while walking the page.
ELEMENT_RULES: tuple[tuple[str, Callable[[str, dict[str, Any]], bool]], ...] = (
    ("non-content-tag", lambda tag, attrs: tag in NON_CONTENT_TAGS),
    ("malformed-aside", lambda tag, attrs: tag.startswith("aside")),
    ("hidden", _hidden),
    (
        "chrome-signature",
        lambda tag, attrs: bool(_signature_pattern().search(_signature(tag, attrs))),
    ),
)


def element_rule(tag: str, attrs: dict[str, Any]) -> str | None:
    """Name of the first element rule that matches; ``None`` when it may hold article text."""
    if tag in _NEVER_SKIP:
        return None
    for name, test in ELEMENT_RULES:
        if test(tag, attrs):
            return name
    return None


_WS = re.compile(r"[ \t\n\r\f\u00a0\u200b]+")


def collapse_ws(text: str) -> str:
    """HTML whitespace rules, except that a line break between two CJK characters vanishes."""

    def repl(m: re.Match[str]) -> str:
        run = m.group()
        if "\u200b" in run and not run.strip("\u200b"):
            return ""
        if "\n" in run or "\r" in run:
            left = text[m.start() - 1] if m.start() else ""
            right = text[m.end()] if m.end() < len(text) else ""
            if tight_break(left, right):
                return ""
        return " "

    return _WS.sub(repl, text).strip()


class _Walker:
    """Depth-first walk: block elements become candidates, inline runs become their text."""

    def __init__(self, total_chars: int, header_headings: bool) -> None:
        self.out: list[Candidate] = []
        self.total_chars = total_chars
        # Inside <article>/<main> a <header> holds the headline; a page-level one is site chrome.
        self.header_headings = header_headings
        self._reset()

    def _reset(self) -> None:
        self.pieces: list[str] = []
        self.links = 0
        self.link_chars = 0
        self.other_chars = 0
        self.href: str | None = None

    def flush(self, kind: BlockKind, level: int) -> None:
        text = collapse_ws("".join(self.pieces))
        if text:
            link_only = self.links == 1 and self.other_chars == 0 and self.link_chars > 0
            self.out.append(Candidate(kind, text, level, link_only=link_only, href=self.href))
        self._reset()

    def _skip(self, node: LexborNode, tag: str) -> bool:
        if element_rule(tag, node.attributes) is None:
            return False
        if tag in NON_CONTENT_TAGS or tag.startswith("aside") or self.total_chars == 0:
            return True
        return len(node.text(strip=True)) < _WRAPPER_SHARE * self.total_chars

    def walk(
        self, node: LexborNode, kind: BlockKind, level: int, in_link: bool, headings_only: bool
    ) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag or ""
            if tag == "-text":
                if not headings_only:
                    self._text(child.text_content or "", in_link)
                continue
            if tag.startswith("-"):
                continue
            if tag == "br" or (tag == "header" and not self.header_headings):
                self.flush(kind, level)
            elif tag in ("img", "picture"):
                if not headings_only and not "".join(self.pieces).strip():
                    self.flush(kind, level)
                    self.out.append(Candidate("paragraph", "", image_only=True))
            elif self._skip(child, tag):
                if tag not in _NO_BREAK:
                    self.flush(kind, level)
            elif tag in INLINE_TAGS:
                if tag == "a":
                    self.links += 1
                    self.href = self.href or child.attributes.get("href")
                self.walk(child, kind, level, in_link or tag == "a", headings_only)
            else:
                self._block(child, tag, kind, level, in_link, headings_only)

    def _block(
        self,
        node: LexborNode,
        tag: str,
        kind: BlockKind,
        level: int,
        in_link: bool,
        headings_only: bool,
    ) -> None:
        self.flush(kind, level)
        child_kind, child_level = _block_kind(node, tag, kind, level)
        if headings_only and child_kind != "heading":
            self.walk(node, kind, level, in_link, headings_only=True)
            return
        self.walk(node, child_kind, child_level, in_link, headings_only=tag == "header")
        self.flush(child_kind, child_level)

    def _text(self, text: str, in_link: bool) -> None:
        self.pieces.append(text)
        chars = len(text.strip())
        if in_link:
            self.link_chars += chars
        else:
            self.other_chars += chars


def _block_kind(node: LexborNode, tag: str, kind: BlockKind, level: int) -> tuple[BlockKind, int]:
    if tag in _HEADINGS:
        return "heading", _HEADINGS[tag]
    if node.attributes.get("role") == "heading":
        raw = node.attributes.get("aria-level") or "2"
        return "heading", int(raw) if raw.isdigit() else 2
    if tag in _LIST_TAGS:
        return "list_item", 0
    if tag == "blockquote":
        return "quote", 0
    if tag in _CAPTION_TAGS:
        return "caption", 0
    if kind == "heading":
        return kind, level
    return (kind if kind in ("list_item", "quote", "caption") else "paragraph"), 0


def _drop_related_lists(root: LexborNode) -> None:
    """Remove "同一主题"/"Related" sections: the heading and the link lists right after it.

    The heading is first widened to its wrapper chain (``<div><div role=heading>…</div></div>``),
    then following siblings are removed while they hold links, so article text before the
    heading — or after it, once a sibling without links appears — is never touched.
    """
    for heading in root.css("h1, h2, h3, h4, h5, h6, [role=heading]"):
        if chrome_rule(Candidate("heading", heading.text(strip=True))) != "related-heading":
            continue
        box = heading
        while box.parent is not None and box.parent.mem_id != root.mem_id and _sole_child(box):
            box = box.parent
        doomed = [box]
        sibling = box.next
        while sibling is not None:
            tag = sibling.tag or ""
            if tag.startswith("-"):
                if tag == "-text" and (sibling.text_content or "").strip():
                    break
            elif tag == "a" or sibling.css_first("a") is not None:
                doomed.append(sibling)
            else:
                break
            sibling = sibling.next
        for node in doomed:
            node.decompose()


def _sole_child(node: LexborNode) -> bool:
    parent = node.parent
    return parent is not None and sum(1 for _ in parent.iter()) == 1


def html_candidates(root: LexborNode) -> list[Candidate]:
    """Candidates for the article text under ``root`` (chrome elements skipped)."""
    _drop_related_lists(root)
    main = root.tag in ("article", "main") or root.attributes.get("role") == "main"
    walker = _Walker(len(root.text(strip=True)), header_headings=main)
    walker.walk(root, "paragraph", 0, in_link=False, headings_only=False)
    walker.flush("paragraph", 0)
    return walker.out


def _pick_root(tree: LexborHTMLParser) -> LexborNode | None:
    """<article> (the longest one) or <main>, else the whole body."""
    articles = tree.css("article")
    if articles:
        return max(articles, key=lambda n: len(n.text(strip=True)))
    main = tree.css_first("main, [role=main]")
    if main is not None:
        return main
    return tree.body if tree.body is not None else tree.root


def _strip_site_name(title: str | None, site: str | None) -> str | None:
    """``"标题 - 示例网"`` → ``"标题"`` when the page names itself ``示例网`` in og:site_name."""
    if not title or not site:
        return title or None
    for sep in TITLE_SEPARATORS:
        head, found, tail = title.rpartition(sep)
        if found and tail.strip() == site.strip() and head.strip():
            return head.strip()
    return title


def _meta_content(tree: Any, *keys: str) -> str | None:
    for key in keys:
        for attr in ("property", "name", "itemprop"):
            node = tree.css_first(f'meta[{attr}="{key}"]')
            value = (node.attributes.get("content") or "").strip() if node is not None else ""
            if value:
                return value
    return None


def parse_html(text: str) -> tuple[Metadata, list[Candidate]]:
    """A web page: metadata from <title>/og:/meta tags, text from <article>/<main>/<body>."""
    tree = LexborHTMLParser(text)
    title_node = tree.css_first("title")
    canonical = tree.css_first('link[rel="canonical"]')
    time_node = tree.css_first("time[datetime]")
    site = _meta_content(tree, "og:site_name", "application-name")
    meta = Metadata(
        title=_strip_site_name(
            _meta_content(tree, "og:title", "twitter:title")
            or (title_node.text(strip=True) if title_node is not None else None),
            site,
        ),
        url=_meta_content(tree, "og:url")
        or (canonical.attributes.get("href") if canonical is not None else None),
        author=_meta_content(tree, "author", "article:author", "byl", "dc.creator", "DC.creator"),
        published=iso_date(
            _meta_content(
                tree,
                "article:published_time",
                "og:published_time",
                "pubdate",
                "publishdate",
                "date",
                "dc.date",
                "DC.date.issued",
                "datePublished",
            )
            or (time_node.attributes.get("datetime") if time_node is not None else None)
        ),
    )
    root = _pick_root(tree)
    return meta, html_candidates(root) if root is not None else []

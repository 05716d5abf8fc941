"""Walking parsed HTML into candidate lines of inline Markdown (selectolax/lexbor trees).

The walk keeps what the Markdown outputs need: block elements become candidates (headings with
their level, list items with nesting depth and marker, nested quotes, captions), inline elements
become inline Markdown (``<b>``/``<strong>``, ``<i>``/``<em>``, ``<code>``, ``<a href>``, inline
images), ``<pre>`` becomes a code block with its language, a data table one candidate per cell,
an image on its own an image block, and a short line right under an image that its markup marks as
a caption (``<small>``, ``<figcaption>``, a ``caption`` class) a caption. Elements that are never
article text (navigation, share bars, related lists, app/newsletter placeholders) are skipped by
the element rules below, which look at a "signature" of tag name + attribute names + class/id —
the feed exporter glues attributes onto tag names (``<asidedata-org-name="">``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pipeline.document import BlockKind
from pipeline.ingest.chrome import Candidate
from pipeline.ingest.inline import HTML_EMPHASIS, Inline, image_markup

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


_CODE_TAGS = frozenset({"code", "kbd", "samp", "tt"})
_SILENT_TAGS = NON_CONTENT_TAGS - {"nav", "aside", "footer", "form", "dialog", "menu", "button"}
_RECORD_CHARS = 200
_CAPTION_INLINE = frozenset({"small", "figcaption", "cite", "em", "i"})
_CAPTION_CLASS = re.compile(r"(?i)caption|credit|desc")
_LANGUAGE = re.compile(r"(?:language|lang)-([\w+#.-]+)")
_CAPTION_MAX = 120


_Frame = tuple[Iterator["LexborNode"], "Context", Callable[[], None] | None]
"""A walk stack frame: the element's remaining children, their context, what to do after."""


@dataclass
class Context:
    """What the walk is inside: the block kind and level lines get, and inline state."""

    kind: BlockKind = "paragraph"
    level: int = 0
    headings_only: bool = False
    in_link: bool = False
    in_caption: bool = False
    href: str = ""


class Walker:
    """Depth-first walk: block elements become candidates, inline runs their inline Markdown."""

    def __init__(self, total_chars: int, header_headings: bool) -> None:
        self.out: list[Candidate] = []
        self.total_chars = total_chars
        # Inside <article>/<main> a <header> holds the headline; a page-level one is site chrome.
        self.header_headings = header_headings
        self.line = Inline()
        self.caption_chars = 0
        self.group = -1
        self.groups = 0
        self.marker = ""
        self.lists: list[list[int]] = []  # [ordered (0/1), next number]
        self.quotes = 0
        self.tables = 0

    def flush(self, ctx: Context, broken: bool = False) -> None:
        """End the current line; ``broken`` when a ``<br>`` ended it (its lines form a group)."""
        carry = self.line.emphasis()
        text, plain = self.line.finish(html=True)
        if broken and self.group < 0 and text:
            self.group, self.groups = self.groups, self.groups + 1
        if text:
            line = self.line
            kind = ctx.kind
            if (
                kind == "paragraph"
                and self.out
                and self.out[-1].kind == "image"
                and 0 < self.caption_chars >= len(plain.replace(" ", ""))
                and len(plain) <= _CAPTION_MAX
            ):
                kind = "caption"
            self.out.append(
                Candidate(
                    kind,
                    text,
                    ctx.level,
                    plain=plain,
                    link_only=line.links == 1 and line.other_chars == 0 and line.link_chars > 0,
                    href=line.href,
                    links=line.links,
                    link_chars=line.link_chars,
                    group=self.group,
                    marker=self.marker if kind == "list_item" else "",
                )
            )
            if kind == "list_item":
                self.marker = ""
        self.line = Inline()
        self.caption_chars = 0
        for kind_open in carry if broken else []:
            self.line.open(kind_open)

    def _skip(self, node: LexborNode, tag: str) -> bool:
        if element_rule(tag, node.attributes) is None:
            return False
        if tag in NON_CONTENT_TAGS or tag.startswith("aside") or self.total_chars == 0:
            return True
        return len(node.text(strip=True)) < _WRAPPER_SHARE * self.total_chars

    def _record(self, node: LexborNode, tag: str) -> None:
        """Keep a skipped element's text as a chrome candidate, so ``--show-dropped`` lists it
        (not scripts, styles and other elements that never hold visible text)."""
        if tag in _SILENT_TAGS:
            return
        text = " ".join(node.text(separator=" ", strip=True).split())
        if text:
            rule = element_rule(tag, node.attributes) or "element"
            shown = text if len(text) <= _RECORD_CHARS else text[:_RECORD_CHARS] + "…"
            self.out.append(Candidate("paragraph", "", plain=shown, chrome=rule))

    def walk(self, node: LexborNode, ctx: Context) -> None:
        """Walk ``node``'s subtree depth-first with an explicit stack, not recursion: pages
        nest elements hundreds or thousands deep (600 unclosed ``<div>``), far past Python's
        recursion limit. Entering an element pushes a frame — its children, the context they
        get, and what to do once they are done (close a link, end a block)."""
        stack: list[_Frame] = [(node.iter(include_text=True), ctx, None)]
        while stack:
            children, ctx, done = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if done is not None:
                    done()
                continue
            frame = self._visit(child, ctx)
            if frame is not None:
                stack.append(frame)

    def _visit(self, child: LexborNode, ctx: Context) -> _Frame | None:
        """Handle one child; an element whose children are to be walked returns their frame."""
        tag = child.tag or ""
        if tag == "-text":
            if not ctx.headings_only:
                self._text(child.text_content or "", ctx)
        elif tag.startswith("-"):
            pass
        elif tag == "br" or (tag == "header" and not self.header_headings):
            self.flush(ctx, broken=tag == "br")
        elif tag in ("img", "picture"):
            if not ctx.headings_only:
                self._image(child, ctx)
        elif self._skip(child, tag):
            if tag not in _NO_BREAK:
                self.flush(ctx)
            self._record(child, tag)
        elif tag in INLINE_TAGS:
            return self._inline(child, tag, ctx)
        elif tag == "hr":
            self.flush(ctx)
            self.out.append(Candidate("paragraph", "", brk=True))
        else:
            return self._block(child, tag, ctx)
        return None

    def _inline(self, node: LexborNode, tag: str, ctx: Context) -> _Frame | None:
        children = node.iter(include_text=True)
        if ctx.headings_only:
            return children, ctx, None
        if tag in _CODE_TAGS:
            code = node.text(deep=True)
            self.line.code(" ".join(code.split()) if "\n" in code else code)
            return None
        caption = ctx.in_caption or tag in _CAPTION_INLINE or _captionish(node)
        href = str(node.attributes.get("href") or "") if tag == "a" else ctx.href
        inner = replace(ctx, in_link=ctx.in_link or tag == "a", in_caption=caption, href=href)
        emphasis = HTML_EMPHASIS.get(tag)
        if tag == "a" and not ctx.in_link:
            self.line.open("link", href)
            return children, inner, lambda: self.line.close("link")
        if emphasis:
            self.line.open(emphasis)
            return children, inner, lambda: self.line.close(emphasis)
        return children, inner, None

    def _image(self, node: LexborNode, ctx: Context) -> None:
        src = _image_src(node)
        if src is None:
            return
        alt = str(node.attributes.get("alt") or "")
        title = str(node.attributes.get("title") or "")
        if self.line:
            self.line.image(alt, src, title)
            return
        self.flush(ctx)
        markup = image_markup(alt, src, title)
        self.out.append(Candidate("image", markup, href=ctx.href or None))

    def _block(self, node: LexborNode, tag: str, ctx: Context) -> _Frame | None:
        self.flush(ctx)
        self.group = -1
        children = node.iter(include_text=True)
        if ctx.headings_only:
            inner = _block_ctx(node, tag, ctx, self)
            if inner.kind == "heading":
                return children, replace(inner, headings_only=False), lambda: self.flush(inner)
            return children, ctx, None
        if tag == "pre":
            self._pre(node)
            return None
        if tag == "table" and _data_table(node):
            self._table(node)
            return None
        if tag in ("ul", "ol"):
            start = str(node.attributes.get("start") or "1")
            self.lists.append([int(tag == "ol"), int(start) if start.isdigit() else 1])
        elif tag == "blockquote":
            self.quotes += 1
        elif tag in _LIST_TAGS and self.lists:
            ordered, number = self.lists[-1]
            self.marker = f"{number}." if ordered else "-"
            self.lists[-1][1] = number + 1
        inner = _block_ctx(node, tag, ctx, self)

        def done() -> None:
            self.flush(inner)
            self.group = -1
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
            elif tag == "blockquote":
                self.quotes = max(0, self.quotes - 1)

        return children, replace(inner, headings_only=tag == "header"), done

    def _pre(self, node: LexborNode) -> None:
        code = node.text(deep=True).strip("\n")
        if not code.strip():
            return
        inner = node.css_first("code")
        classes = f"{node.attributes.get('class') or ''} "
        classes += str(inner.attributes.get("class") or "") if inner is not None else ""
        lang = _LANGUAGE.search(classes)
        self.out.append(Candidate("code", code, info=lang[1] if lang else ""))

    def _table(self, node: LexborNode) -> None:
        table = self.tables
        self.tables += 1
        row = 0
        for tr in node.css("tr"):
            cells = [c for c in tr.iter() if c.tag in ("th", "td")]
            if not cells:
                continue
            for col, cell in enumerate(cells):
                walker = Walker(0, False)
                walker.walk(cell, Context())
                walker.flush(Context())
                text = " ".join(c.text for c in walker.out if c.kind != "image")
                plain = " ".join(c.plain for c in walker.out if c.kind != "image")
                self.out.append(
                    Candidate("table_cell", text, plain=plain, table=table, row=row, col=col)
                )
            row += 1

    def _text(self, text: str, ctx: Context) -> None:
        self.line.text(text)
        if ctx.in_caption:
            self.caption_chars += len(text.replace(" ", "").strip())


def _captionish(node: LexborNode) -> bool:
    return bool(_CAPTION_CLASS.search(str(node.attributes.get("class") or "")))


def _image_src(node: LexborNode) -> str | None:
    """The image's address (lazy-loading attributes first), or ``None`` for pixels and
    inline data."""
    attrs = node.attributes
    for key in ("data-src", "data-original", "data-actualsrc", "src"):
        src = str(attrs.get(key) or "").strip()
        if src and not src.startswith("data:"):
            break
    else:
        return None
    sizes = [str(attrs.get(k) or "") for k in ("width", "height")]
    if any(s.isdigit() and int(s) <= 2 for s in sizes):
        return None
    return src


def _data_table(node: LexborNode) -> bool:
    """A table of data (rendered as a Markdown table), not one laying out a page: no nested
    tables or block elements in cells, and at least two columns."""
    if any(n.mem_id != node.mem_id for n in node.css("table")):
        return False  # css() includes the node itself
    if node.css_first("td p, td div, td ul, th p, th div") is not None:
        return False
    return any(sum(1 for c in tr.iter() if c.tag in ("th", "td")) >= 2 for tr in node.css("tr"))


def _block_ctx(node: LexborNode, tag: str, ctx: Context, walker: Walker) -> Context:
    """The context lines inside a block element get: kind and level."""
    if tag in _HEADINGS:
        return replace(ctx, kind="heading", level=_HEADINGS[tag])
    if node.attributes.get("role") == "heading":
        raw = node.attributes.get("aria-level") or "2"
        return replace(ctx, kind="heading", level=int(raw) if raw.isdigit() else 2)
    if tag in _LIST_TAGS:
        return replace(ctx, kind="list_item", level=max(0, len(walker.lists) - 1))
    if tag == "blockquote":
        return replace(ctx, kind="quote", level=walker.quotes - 1)
    if tag in _CAPTION_TAGS:
        return replace(ctx, kind="caption", level=0)
    if ctx.kind == "heading":
        return ctx
    kind: BlockKind = ctx.kind if ctx.kind in ("list_item", "quote", "caption") else "paragraph"
    return replace(ctx, kind=kind, level=ctx.level if kind != "paragraph" else 0)

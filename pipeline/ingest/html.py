"""Web pages (and the HTML of feed exports, feeds and EPUB chapters) → metadata + candidates.

Parsing is done by selectolax (lexbor), which repairs broken markup the way browsers do. The page's
metadata comes from ``<title>``/``og:``/meta tags, its text from the longest ``<article>``, else
``<main>``, else the body, walked by :mod:`pipeline.ingest.walk` after related-article sections
are cut out; the line-level rules in :mod:`pipeline.ingest.chrome` catch what is left.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from selectolax.lexbor import LexborHTMLParser

from pipeline.document import Metadata
from pipeline.ingest.chrome import Candidate, chrome_rule
from pipeline.ingest.dates import iso_date
from pipeline.ingest.titles import TITLE_SEPARATORS
from pipeline.ingest.walk import INLINE_TAGS, Context, Walker

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

_SILENT = frozenset({"script", "style", "noscript", "template", "svg", "link", "meta"})
_SHOWN_CHARS = 200
_CONTAINER_MIN_CHARS = 25
MAX_DEPTH = 512
"""Elements nested deeper than this are flattened before parsing (see :func:`cap_depth`)."""
_TAG = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|textarea|title|xmp)\b.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s[^>]*)?>",
    re.S | re.I,
)
# Elements that take no end tag, or whose end tag is optional (they never nest in themselves).
_NO_DEPTH = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"),
        *("source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option"),
        *("optgroup", "rt", "rp", "thead", "tbody", "tfoot", "colgroup", "caption"),
    }
)


def parse_tree(html: str) -> LexborHTMLParser:
    """Parse HTML with lexbor after :func:`cap_depth`: every HTML input goes through here."""
    return LexborHTMLParser(cap_depth(html))


def cap_depth(html: str, limit: int = MAX_DEPTH) -> str:
    """``html`` with elements nested deeper than ``limit`` unwrapped, their text kept.

    Parsers slow down with depth (lexbor takes 35 s on 100,000 nested ``<div>``, quadratic in
    the depth), and no article nests even a hundred deep. An approximate tag scan — comments and
    raw-text elements skipped, elements with optional end tags not counted — drops the start and
    end tags beyond ``limit``; a block element's become ``<br>``, so its text still ends a line.
    Pages within the limit come back unchanged.
    """
    if html.count("<") <= limit:
        return html
    open_: list[str] = []
    names: dict[str, int] = {}  # open element name → how many, for O(1) membership
    dropped: list[str] = []
    dropped_names: dict[str, int] = {}
    out: list[str] = []
    pos = 0
    for m in _TAG.finditer(html):
        name = (m[3] or "").lower()
        if not name or name in _NO_DEPTH or m[0].endswith("/>"):
            continue
        if not m[2]:  # a start tag
            if len(open_) < limit:
                open_.append(name)
                names[name] = names.get(name, 0) + 1
                continue
            dropped.append(name)
            dropped_names[name] = dropped_names.get(name, 0) + 1
        elif dropped_names.get(name):
            _pop_to(name, dropped, dropped_names)
        else:
            if names.get(name):
                _pop_to(name, open_, names)
            continue
        out.append(html[pos : m.start()])
        out.append("" if name in INLINE_TAGS else "<br>")
        pos = m.end()
    if not out:
        return html
    out.append(html[pos:])
    return "".join(out)


def _pop_to(name: str, stack: list[str], counts: dict[str, int]) -> None:
    """Close the innermost open ``name`` and everything opened inside it."""
    while stack:
        top = stack.pop()
        counts[top] -= 1
        if top == name:
            return


def _drop_related_lists(root: LexborNode) -> list[Candidate]:
    """Remove "同一主题"/"Related" sections: the heading and the link lists right after it.

    The heading is first widened to its wrapper chain (``<div><div role=heading>…</div></div>``),
    then following siblings are removed while they hold links, so article text before the
    heading — or after it, once a sibling without links appears — is never touched. Returns
    what was removed, as chrome candidates (for ``--show-dropped``).
    """
    dropped: list[Candidate] = []
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
            text = " ".join(node.text(separator=" ", strip=True).split())
            if text:
                dropped.append(Candidate("paragraph", "", plain=text, chrome="related-list"))
            node.decompose()
    return dropped


def _sole_child(node: LexborNode) -> bool:
    parent = node.parent
    return parent is not None and sum(1 for _ in parent.iter()) == 1


def html_candidates(root: LexborNode) -> list[Candidate]:
    """Candidates for the article text under ``root`` (chrome elements skipped)."""
    related = _drop_related_lists(root)
    main = root.tag in ("article", "main") or root.attributes.get("role") == "main"
    walker = Walker(len(root.text(strip=True)), header_headings=main)
    walker.walk(root, Context())
    walker.flush(Context())
    return related + walker.out


def _pick_root(tree: LexborHTMLParser) -> LexborNode | None:
    """<article> (the longest one) or <main>, else the whole body. A container with next to no
    text — empty, a template's placeholder, a stray tag — is no container: neither a line of
    prose nor a fifth of the page's text."""
    body = tree.body if tree.body is not None else tree.root
    page = len(body.text(strip=True)) if body is not None else 0

    def holds_text(node: LexborNode) -> bool:
        chars = len(node.text(strip=True))
        return chars > 0 and (chars >= _CONTAINER_MIN_CHARS or chars >= page / 5)

    articles = [n for n in tree.css("article") if holds_text(n)]
    if articles:
        return max(articles, key=lambda n: len(n.text(strip=True)))
    main = next((n for n in tree.css("main, [role=main]") if holds_text(n)), None)
    return main if main is not None else body


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
    tree = parse_tree(text)
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
    if root is None:
        return meta, []
    return meta, _outside(tree, root) + html_candidates(root)


def _outside(tree: LexborHTMLParser, root: LexborNode) -> list[Candidate]:
    """The page's text outside the chosen <article>/<main>, one chrome candidate per top-level
    element, so ``--show-dropped`` shows it (``outside-article``)."""
    body = tree.body
    if body is None or root.mem_id == body.mem_id:
        return []
    out = []
    for child in body.iter():
        if child.tag in _SILENT or child.mem_id == root.mem_id or _contains(child, root):
            continue
        text = " ".join(child.text(separator=" ", strip=True).split())
        if text:
            shown = text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"
            out.append(Candidate("paragraph", "", plain=shown, chrome="outside-article"))
    return out


def _contains(node: LexborNode, inner: LexborNode) -> bool:
    parent = inner.parent
    while parent is not None:
        if parent.mem_id == node.mem_id:
            return True
        parent = parent.parent
    return False

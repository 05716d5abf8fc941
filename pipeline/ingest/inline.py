"""Inline Markdown for block text: what both parsers (HTML and Markdown) build a line with.

``Block.text`` is inline Markdown (see :class:`pipeline.document.Block`): emphasis, inline code,
``$maths$``, links and inline images keep their syntax, and literal characters that Markdown
would read as markup are escaped, so the text renders as the source showed it. The parsers feed
an :class:`Inline` builder with text runs and markup events; it produces that Markdown and, in
parallel, the *visible* text (``plain``) that the chrome rules, captions and titles look at.

Escaping is deliberately minimal — every backslash is one more character the translation has to
carry back — so a character is escaped only where a CommonMark renderer would otherwise read it
as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from pipeline.chars import is_cjk

_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ACTIVE = re.compile(r"[\\`*_\]<&~$]")
"""Characters :func:`escape_text` may escape; text without them is returned as it is."""
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Line starts a renderer would read as block markup: headings, quotes, list markers, rules.
_BLOCK_START = re.compile(r"(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|\d{1,9}(?=[.)](?:\s|$))|=+\s*$)")
_WS = re.compile(r"[ \t\n\r\f\u00a0\u200b]+")
_NEWLINE_RUN = re.compile(r"[ \t]*\n\s*")
_QUOTES = frozenset("“”‘’…—")
_REDIRECT_KEYS = frozenset({"target", "url", "u", "to", "dest", "destination", "redirect", "link"})


def escape_text(text: str) -> str:
    """``text`` as literal Markdown: markup characters escaped only where they would act."""
    if _ACTIVE.search(text) is None:
        return text
    dollars = text.count("$") >= 2
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < n else ""
        prev = text[i - 1] if i else ""
        if ch == "\\":
            out.append("\\\\" if nxt in _ASCII_PUNCT and nxt else "\\")
        elif ch == "`":
            out.append("\\`")
        elif ch in "*_":
            # Cannot open or close emphasis: between spaces, or (``_``) inside a word.
            spaced = (not prev or prev.isspace()) and (not nxt or nxt.isspace())
            inword = ch == "_" and prev.isalnum() and nxt.isalnum()
            out.append(ch if spaced or inword else "\\" + ch)
        elif ch == "]" and nxt in ("(", "["):
            out.append("\\]")
        elif ch == "<" and (nxt.isalpha() or nxt in "/!?"):
            out.append("\\<")
        elif ch == "&" and _ENTITY.match(text, i):
            out.append("\\&")
        elif ch == "~" and (nxt == "~" or prev == "~"):
            out.append("\\~")
        elif ch == "$" and dollars:
            out.append("\\$")
        else:
            out.append(ch)
    return "".join(out)


def escape_block_start(text: str) -> str:
    """Escape a line start that would turn a paragraph into a heading, quote or list."""
    match = _BLOCK_START.match(text)
    if match is None:
        return text
    token = match.group()
    if token.isdigit():  # "1. " → "1\. "
        end = match.end()
        return f"{text[:end]}\\{text[end:]}"
    return "\\" + text


def escape_cell(text: str) -> str:
    """A table cell's text: a literal ``|`` would end the cell."""
    return re.sub(r"(?<!\\)\|", r"\\|", text)


def code_span(code: str) -> str:
    """``code`` as an inline code span, with a backtick fence longer than any run inside."""
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def link_target(href: str) -> str:
    """A link destination as Markdown writes it: ``<…>`` when it has spaces or parentheses."""
    if any(ch in href for ch in " ()<>") or not href:
        return "<" + href.replace("<", "%3C").replace(">", "%3E") + ">"
    return href


def unwrap_redirect(href: str) -> str:
    """``https://link.site/?target=https%3A//real`` → ``https://real``: the address a reader
    would reach, not a tracker's hop (any site's ``?target=``/``?url=`` redirect)."""
    if "?" not in href:
        return href
    parts = urlsplit(href)
    for key, value in parse_qsl(parts.query):
        if key.lower() in _REDIRECT_KEYS and value.startswith(("http://", "https://")):
            return value
    return href


def is_search_link(text: str, href: str) -> bool:
    """A link whose query repeats its own text — a site's automatic "search this term" link
    (Zhihu, Baidu Baike, Weibo topics), which marks a word, not a reference the author chose."""
    words = text.strip()
    if not words or "?" not in href:
        return False
    query = unquote(urlsplit(href).query)
    return any(value.strip() == words for _key, value in parse_qsl(query, keep_blank_values=True))


def image_markup(alt: str, src: str, title: str = "") -> str:
    """``![alt](src "title")``."""
    alt = alt.replace("\n", " ").replace("[", "\\[").replace("]", "\\]")
    suffix = ' "' + title.replace('"', '\\"') + '"' if title else ""
    return f"![{alt}]({link_target(src)}{suffix})"


def tight_break(left: str, right: str) -> bool:
    """Whether a line break between these characters is a wrap inside Chinese text (no space)."""
    if not left or not right:
        return False
    left_cjk, right_cjk = is_cjk(left), is_cjk(right)
    return (left_cjk and (right_cjk or right in _QUOTES)) or (right_cjk and left in _QUOTES)


def join_lines(text: str) -> str:
    """Resolve soft line breaks: nothing inside Chinese text, a space otherwise."""
    if "\n" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        start, end = m.start(), m.end()
        left = text[start - 1] if start else ""
        right = text[end] if end < len(text) else ""
        return "" if tight_break(left, right) else " "

    return _NEWLINE_RUN.sub(repl, text).strip()


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


HTML_EMPHASIS = {
    "b": "strong",
    "strong": "strong",
    "i": "em",
    "em": "em",
    "del": "strike",
    "s": "strike",
}
"""HTML emphasis tags and the Markdown emphasis they become (both in pages and in Markdown's raw
inline HTML)."""
_OPENERS = {"strong": "**", "em": "*", "strike": "~~"}


class _Lit(str):
    """Literal text not yet escaped: escaped together with its neighbours, for context."""


def _render(items: list[str]) -> str:
    """Markup and literal runs → Markdown; adjacent literal runs are escaped as one."""
    out: list[str] = []
    run: list[str] = []
    for item in items:
        if isinstance(item, _Lit):
            run.append(item)
            continue
        if run:
            out.append(escape_text("".join(run)))
            run = []
        out.append(item)
    if run:
        out.append(escape_text("".join(run)))
    return "".join(out)


@dataclass
class Inline:
    """Builds one line's inline Markdown (``md``) and its visible text (``plain``) together.

    Emphasis that encloses only whitespace vanishes; whitespace just inside a marker moves
    outside it (``<b> 重点 </b>`` → `` **重点** ``), where CommonMark needs it. Counts of links
    and of link text feed the link-density chrome signals.
    """

    md: list[str] = field(default_factory=list)
    plain: list[str] = field(default_factory=list)
    links: int = 0
    link_chars: int = 0
    other_chars: int = 0
    images: int = 0
    href: str | None = None
    _open: list[tuple[str, int, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(p.strip() for p in self.md)

    def rendered(self) -> str:
        """The Markdown so far (open markup not yet closed)."""
        return _render(self.md)

    def text(self, text: str) -> None:
        """A run of literal text (escaped with its neighbours when the line is rendered)."""
        self.md.append(_Lit(text))
        self._visible(text)

    def markup(self, markup: str, visible: str = "") -> None:
        """Markdown written as is (already valid markup, e.g. a kept emphasis marker)."""
        self.md.append(markup)
        if visible:
            self._visible(visible)

    def code(self, code: str) -> None:
        """Inline code, kept as a code span."""
        if code:
            self.md.append(code_span(code))
            self._visible(code)

    def math(self, tex: str) -> None:
        """Inline maths, kept as ``$…$``."""
        if tex.strip():
            self.md.append(f"${tex.strip()}$")
            self._visible(tex)

    def image(self, alt: str, src: str, title: str = "") -> None:
        """An inline image, kept as ``![alt](src)``."""
        self.images += 1
        self.md.append(image_markup(alt, src, title))

    def br(self) -> None:
        """A line break inside the line (joined like a soft break)."""
        self.md.append(_Lit("\n"))
        self.plain.append("\n")

    def open(self, kind: str, href: str = "") -> None:
        """Start emphasis (``strong``/``em``/``strike``) or a link to ``href``."""
        if any(k == kind for k, _, _ in self._open):
            self._open.append((kind + "-nested", len(self.md), href))
            return
        if kind == "link":
            self.links += 1
            self.href = self.href or href or None
        self._open.append((kind, len(self.md), href))

    def close(self, kind: str) -> None:
        """End the innermost open ``kind`` (and anything opened inside it)."""
        for pos in range(len(self._open) - 1, -1, -1):
            if self._open[pos][0] in (kind, kind + "-nested"):
                while len(self._open) > pos:
                    self._close_top()
                return

    def emphasis(self) -> list[str]:
        """The emphasis open now, outermost first (a ``<br>`` inside ``<i>`` carries it over)."""
        return [k for k, _, _ in self._open if k in _OPENERS]

    def _close_top(self) -> None:
        kind, start, href = self._open.pop()
        if kind.endswith("-nested"):
            return
        inner = _render(self.md[start:])
        core = inner.strip()
        if kind == "link":
            wrapped = self._link(core, href)
        elif not core:
            wrapped = ""
        else:
            marker = _OPENERS[kind]
            wrapped = f"{marker}{core}{marker}"
        lead = inner[: len(inner) - len(inner.lstrip())]
        trail = inner[len(inner.rstrip()) :]
        self.md[start:] = [lead + wrapped + trail if core else inner]

    def _link(self, core: str, href: str) -> str:
        if not core:
            return ""
        target = unwrap_redirect(href)
        if not target or target.startswith(("javascript:", "#")) or is_search_link(core, target):
            return core
        return f"[{core}]({link_target(target)})"

    def _visible(self, text: str) -> None:
        self.plain.append(text)
        chars = len(text.strip())
        if any(k == "link" for k, _, _ in self._open):
            self.link_chars += chars
        else:
            self.other_chars += chars

    def finish(self, html: bool = False) -> tuple[str, str]:
        """(inline Markdown, visible text), whitespace resolved; open markup is closed."""
        while self._open:
            self._close_top()
        tidy = collapse_ws if html else join_lines
        return tidy(_render(self.md)).strip(), tidy("".join(self.plain)).strip()

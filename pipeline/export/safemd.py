"""Markdown that is safe to render: no raw HTML and no script links reach a reader's browser.

The Markdown outputs are opened in renderers that pass raw HTML through (CommonMark does, and
so do most previewers), and what they contain comes from outside: the source page's text, its
metadata, and the model's English, which copies whatever markup the source held —
``&lt;script&gt;`` in a page comes back as a live ``<script>``. So every piece of text put into
``.en.md`` and ``.bilingual.md`` passes through :func:`safe_inline`:

- a ``<`` that could open an HTML tag, comment or declaration is written ``&lt;`` (a
  backslash escape is not enough: Python-Markdown leaves ``\\<script>`` live), except in an
  autolink to an ``http(s)``/``mailto`` address; inside code spans nothing changes (renderers
  show code literally), and inside ``$maths$`` only what CommonMark would read as an HTML tag
  (so ``$x<y$`` keeps working in maths renderers);
- a link or image whose target uses a script scheme (``javascript:``, ``vbscript:``,
  ``file:``, ``data:`` other than images — after entity decoding and with the blanks browsers
  ignore removed) loses its target;
- a line that would turn into a link reference definition is escaped.

Metadata values are plain text, escaped whole (:func:`escape_plain`); a source URL is written as
an autolink only when it is an ``http(s)`` address (:func:`safe_url`). Display maths that would
let HTML through a renderer without maths support is fenced as a ``math`` code block instead
(:func:`math_is_safe`).
"""

from __future__ import annotations

import html
import re

_BROAD = re.compile(r"<(?=[A-Za-z/!?])")
"""Where any renderer might start raw HTML: escaped in ordinary text."""
_ATTR = r"""(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)"""
_HTML_TAG = re.compile(
    rf"<(?:[A-Za-z][A-Za-z0-9-]*{_ATTR}*\s*/?>|/[A-Za-z][A-Za-z0-9-]*\s*>"
    r"|!--.*?-->|\?.*?\?>|![A-Za-z][^>]*>|!\[CDATA\[.*?\]\]>)",
    re.S,
)
"""CommonMark's raw HTML (open and closing tags, comments, processing instructions,
declarations, CDATA): escaped inside maths, where ``<`` is otherwise an operator."""
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^\s<>\x00-\x1f]*>", re.I)
_HTML_BLOCK_LINE = re.compile(r"(?m)^ {0,3}<(?=[A-Za-z/!?])")
_REFERENCE = re.compile(r"^( {0,3})\[(?=[^\]]*\]:)")
_BAD_SCHEME = re.compile(r"(?:javascript|vbscript|file|data):", re.I)
_GOOD_DATA = re.compile(r"data:image/(?:gif|png|jpeg|webp);", re.I)
_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_PLAIN_PUNCT = re.compile(r"([\\`*_\[\]&|~$])")
"""What can act as markup in the middle of a line (metadata follows a label such as
``Author:``, so line-start markup cannot occur)."""


def safe_inline(text: str) -> str:
    """``text`` (inline Markdown) with raw HTML escaped and script links removed; text that is
    already safe comes back unchanged."""
    if "<" not in text and "](" not in text and "[" not in text:
        return text
    out: list[str] = []
    for piece, kind in _pieces(text):
        if kind == "code":
            out.append(piece)
        else:
            out.append(_neutralise(piece, maths=kind == "maths"))
    return _REFERENCE.sub(r"\1\\[", "".join(out))  # only at the start: text is one line


def escape_plain(text: str) -> str:
    """A metadata value (an author, a date) as literal Markdown text on one line."""
    escaped = _PLAIN_PUNCT.sub(r"\\\1", " ".join(text.split()))
    return escaped.replace("<", "&lt;").replace(">", "&gt;")


def safe_url(url: str) -> str | None:
    """``url`` when it is an ``http(s)`` address that can sit in an autolink, else ``None``."""
    url = url.strip()
    if re.fullmatch(r"https?://[^\s<>\x00-\x1f\x7f]+", url, re.I):
        return url
    return None


def math_is_safe(code: str) -> bool:
    """Whether display maths can be written between ``$$`` lines: a renderer without maths
    support reads it as a paragraph, which a blank line would end and an HTML line or tag
    would break into live markup."""
    return not (
        re.search(r"\n[ \t]*\n", code)
        or "$$" in code
        or _HTML_BLOCK_LINE.search(code)
        or _HTML_TAG.search(code)
    )


def info_string(info: str) -> str:
    """A code block's info string without what could end the fence line."""
    return re.sub(r"[`~\s]+", "", info)


def _escaped(text: str, i: int) -> bool:
    """Whether ``text[i]`` is escaped by an odd run of backslashes before it."""
    n = 0
    while i - n - 1 >= 0 and text[i - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def _pieces(text: str) -> list[tuple[str, str]]:
    """``text`` cut into ``code`` spans (CommonMark's backtick matching), ``$maths$`` spans
    and ``text``, in order."""
    runs = [m.span() for m in re.finditer(r"`+", text)]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        start, end = runs[i]
        if _escaped(text, start):
            start += 1
        width = end - start
        close = next((k for k in range(i + 1, len(runs)) if runs[k][1] - runs[k][0] == width), None)
        if width == 0 or close is None:
            i += 1
            continue
        spans.append((start, runs[close][1]))
        i = close + 1
    out: list[tuple[str, str]] = []
    pos = 0
    for start, end in spans:
        out.extend(_maths(text[pos:start]))
        out.append((text[start:end], "code"))
        pos = end
    out.extend(_maths(text[pos:]))
    return [p for p in out if p[0]]


def _maths(text: str) -> list[tuple[str, str]]:
    """Unescaped ``$…$``/``$$…$$`` spans on one line as ``maths``, the rest as ``text``."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in re.finditer(r"\$\$?[^$\n]+?\$\$?", text):
        if _escaped(text, m.start()) or m.start() < pos:
            continue
        out.append((text[pos : m.start()], "text"))
        out.append((m.group(), "maths"))
        pos = m.end()
    out.append((text[pos:], "text"))
    return out


def _neutralise(text: str, maths: bool) -> str:
    """Write ``<`` that may open HTML (inside maths: that opens a real tag) as ``&lt;`` — a
    backslash escape is not enough, Python-Markdown passes ``\\<script>`` through as a live
    tag — and drop script link targets."""
    out: list[str] = []
    pos = 0
    pattern = _HTML_TAG if maths else _BROAD
    for m in pattern.finditer(text):
        start = m.start()
        if not maths and _AUTOLINK.match(text, start):
            continue
        out.append(text[pos : start - 1] if _escaped(text, start) else text[pos:start])
        out.append("&lt;")
        pos = start + 1
    out.append(text[pos:])
    return _drop_script_links("".join(out))


def _drop_script_links(text: str) -> str:
    """``[t](javascript:…)`` → ``[t]()``: the text stays, the target goes."""
    if "](" not in text:
        return text
    out: list[str] = []
    pos = 0
    for m in re.finditer(r"\]\(", text):
        if m.start() < pos or _escaped(text, m.start()):
            continue
        begin = m.end()
        end = _destination_end(text, begin)
        if _unsafe_target(text[begin:end]):
            out.append(text[pos:begin])
            pos = end
    out.append(text[pos:])
    return "".join(out)


def _destination_end(text: str, begin: int) -> int:
    """Where a link's parenthesis starting at ``begin`` (after ``](``) closes: destination and
    title alike, since renderers disagree on where a destination with blanks ends (CommonMark
    stops at a blank, Python-Markdown takes ``java\tscript:`` whole and browsers drop the tab)."""
    depth = 0
    i = begin
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == ")" and depth == 0:
            break
        depth += {"(": 1, ")": -1}.get(ch, 0)
        i += 1
    return min(i, len(text))


def _unsafe_target(destination: str) -> bool:
    """A target a browser would run: script schemes, after entity decoding, with the control
    characters and blanks that browsers ignore in a scheme removed."""
    target = _IGNORED.sub("", html.unescape(destination.strip().strip("<>")))
    target = target.replace("\\", "")
    return bool(_BAD_SCHEME.match(target)) and not _GOOD_DATA.match(target)

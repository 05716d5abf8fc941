"""Markdown paragraphs → inline Markdown lines (markdown-it-py with the dollar-maths plugin).

Chinese Markdown defeats CommonMark's emphasis rules: ``**“双边机制”**`` next to CJK punctuation is
not recognised as bold. The parser keeps unmatched delimiters as separate tokens
(``text_join``/``fragments_join`` disabled) and the renderer keeps the ones that pair up as the
author's emphasis markers, escaping only a lone ``*``. Links keep their text and target (minus a
site's automatic search links and redirect hops, see :mod:`.inline`), images their markup.

Some paragraphs are not one paragraph: Omnivore flattens KaTeX into one glyph per line next to the
LaTeX source, and Obsidian embeds images with ``![[…]]`` on a line of their own. Such paragraphs
are cut into lines first: glyph runs are dropped (``flattened-math``), LaTeX lines become maths
blocks and embeds image blocks, the rest is parsed as text.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from pipeline.chars import HAN_RE
from pipeline.ingest.chrome import Candidate
from pipeline.ingest.inline import HTML_EMPHASIS, Inline

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

FLATTENED_MIN_LINES = 6
_EMBED = re.compile(r"!\[\[[^\]\n]+\]\]")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_TEX_SCRIPT = re.compile(r"[_^]\{|\\\\\s*$")
_GLYPH_LINE_MAX = 2


@functools.cache
def md() -> MarkdownIt:
    """The Markdown parser: CommonMark + tables + strikethrough + ``$maths$``."""
    # Lazy: ~70 ms to import; only Markdown input needs it.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    # Nesting up to 40 (CommonMark's preset allows 20, and markdown-it drops the rest of the
    # document past it): markdown.flatten_nesting keeps lines within 16 containers, at most 33
    # levels. Not more: the inline parser scans that deep after every unmatched "[".
    options = {"html": True, "maxNesting": 40}
    parser = MarkdownIt("commonmark", options).enable(["table", "strikethrough"])
    parser.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    # Keep unmatched * / _ delimiters as their own tokens so failed CJK emphasis can be paired.
    parser.disable(["text_join", "fragments_join"])
    # URLs are kept as written, never rendered to HTML: skip the costly percent-encoding
    # normalisation and the unsafe-scheme filter meant for HTML output.
    parser.normalizeLink = lambda url: url  # type: ignore[method-assign]
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def inline_link(line: str) -> tuple[str | None, str | None]:
    """Visible text and URL of the first link in a one-line Markdown string such as ``[t](u)``."""
    tokens = md().parseInline(line)
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


def render_inline(children: list[Token]) -> list[Candidate]:
    """One paragraph/heading's candidates: its text as inline Markdown, or, when it holds only
    images, one image candidate per image (``href`` set when the image is a link)."""
    images = _only_images(children)
    if images is not None:
        return images
    line = Inline()
    for content, typ, tok in _pair_failed_emphasis(children):
        if typ in ("text", "text_special"):
            line.text(content)
        elif typ == "marker":
            line.markup(content)
        elif typ == "code_inline":
            line.code(content)
        elif typ in ("math_inline", "math_inline_double"):
            line.math(content)
        elif typ in ("softbreak", "hardbreak"):
            line.br()
        elif typ in ("strong_open", "em_open", "s_open"):
            line.open({"strong_open": "strong", "em_open": "em", "s_open": "strike"}[typ])
        elif typ in ("strong_close", "em_close", "s_close"):
            line.close({"strong_close": "strong", "em_close": "em", "s_close": "strike"}[typ])
        elif typ == "link_open":
            line.open("link", content)
        elif typ == "link_close":
            line.close("link")
        elif typ == "image" and tok is not None:
            line.image(_alt(tok), str(tok.attrGet("src") or ""), str(tok.attrGet("title") or ""))
        elif typ == "html_inline":
            _html_inline(line, content)
    text, plain = line.finish()
    return [
        Candidate(
            "paragraph",
            text,
            plain=plain,
            link_only=line.links == 1 and line.other_chars == 0 and line.link_chars > 0,
            href=line.href,
            links=line.links,
            link_chars=line.link_chars,
        )
    ]


_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*?(/?)>")
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def _html_inline(line: Inline, html: str) -> None:
    """Inline HTML inside Markdown: ``<br>`` breaks, ``<b>/<i>/<a href>`` become Markdown."""
    match = _HTML_TAG.match(html)
    if match is None:
        return
    closing, tag = match[1] == "/", match[2].lower()
    if tag == "br":
        line.br()
    elif tag in HTML_EMPHASIS:
        (line.close if closing else line.open)(HTML_EMPHASIS[tag])
    elif tag == "a":
        if closing:
            line.close("link")
        else:
            href = _HREF.search(html)
            line.open("link", next((g for g in href.groups() if g), "") if href else "")


def _alt(tok: Token) -> str:
    return "".join(c.content for c in tok.children or [] if c.type in ("text", "text_special"))


def _only_images(children: list[Token]) -> list[Candidate] | None:
    """Image candidates when the inline content is nothing but images (maybe linked)."""
    out: list[Candidate] = []
    href: str | None = None
    for tok in children:
        if tok.type == "image":
            line = Inline()
            line.image(_alt(tok), str(tok.attrGet("src") or ""), str(tok.attrGet("title") or ""))
            markup = "".join(line.md)
            if href is not None:
                markup = f"[{markup}]({href})"
            out.append(Candidate("image", markup, href=href))
        elif tok.type == "link_open":
            href = str(tok.attrGet("href") or "")
        elif tok.type == "link_close":
            href = None
        elif tok.type in ("softbreak", "hardbreak") or (
            tok.type == "text" and not tok.content.strip()
        ):
            continue
        else:
            return None
    return out or None


def _pair_failed_emphasis(children: list[Token]) -> list[tuple[str, str, Token | None]]:
    """(content, type, token) triples where ``*``/``_`` runs CommonMark could not pair up are
    ``marker`` s (kept as the author's emphasis) or, when alone, literal text.

    Runs of two or more ``*`` (or exactly ``__``) are failed bold markers; single ``*`` count as
    markers only when they come in pairs within the paragraph, so a lone footnote star or an
    operator between spaces (``3 * 4``) stays a literal star.
    """
    out: list[tuple[str, str, Token | None]] = []
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
                out.append(("*", "text", None))
            elif run >= 2 if tok.content == "*" else run == 2:
                out.append((tok.content * run, "marker", None))
            else:
                out.append((tok.content * run, "text", None))
            i = j
            continue
        content = str(tok.attrGet("href") or "") if tok.type == "link_open" else tok.content
        out.append((content, tok.type, tok))
        i += 1
    if len(singles) >= 2 and len(singles) % 2 == 0:
        for index in singles:
            out[index] = ("*", "marker", None)
    return out


def needs_line_split(content: str, underline: str = "") -> bool:
    """Whether a paragraph's raw source holds embeds, LaTeX source lines or glyph runs
    (``underline``: the setext underline that ended it, which may belong to a glyph run)."""
    if "\n" not in content and "![[" not in content and "\\" not in content:
        return False
    if _EMBED.search(content):
        return True
    lines = content.split("\n")
    return any(_latex_line(ln) for ln in lines) or _glyph_runs([*lines, underline]) != []


def split_lines(content: str, underline: str = "") -> list[Candidate]:
    """Cut a paragraph's raw source at embeds, LaTeX lines and flattened-maths glyph runs."""
    lines = content.split("\n")
    glyphs = {i for start, end in _glyph_runs([*lines, underline]) for i in range(start, end)}
    glyphs.discard(len(lines))
    out: list[Candidate] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            tokens = md().parseInline("\n".join(prose))
            out.extend(render_inline(tokens[0].children or [] if tokens else []))
            prose.clear()

    for i, line in enumerate(lines):
        if i in glyphs:
            flush()
            if i == 0 or i - 1 not in glyphs:
                run = [lines[k].strip() for k in sorted(glyphs) if k >= i]
                out.append(Candidate("paragraph", "", plain=" ".join(run), chrome="flattened-math"))
            continue
        if _latex_line(line):
            flush()
            out.append(Candidate("code", line.strip(), info="math"))
            continue
        pieces = _EMBED.split(line)
        embeds = _EMBED.findall(line)
        for k, piece in enumerate(pieces):
            if piece.strip():
                prose.append(piece)
            if k < len(embeds):
                flush()
                out.append(Candidate("image", embeds[k]))
    flush()
    return out


def _latex_line(line: str) -> bool:
    """A line of LaTeX source: commands or sub/superscripts, and no Chinese prose outside
    braces (``\\underbrace{\\vphantom{[虚拟高度]}…}_{[下标]}`` is LaTeX; a sentence mentioning
    ``\\Bigg|`` is prose)."""
    commands = len(_TEX_COMMAND.findall(line))
    if commands < 2 and not (commands and _TEX_SCRIPT.search(line)):
        return False
    depth, outside = 0, []
    for ch in line:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            outside.append(ch)
    return len(HAN_RE.findall("".join(outside))) < 4


def _glyph_runs(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) of runs of ≥ ``FLATTENED_MIN_LINES`` lines of one or two characters; a run
    that ends the list (at a setext underline) needs only half as many."""
    runs: list[tuple[int, int]] = []
    start = -1
    for i, line in enumerate([*lines, "no glyph"]):
        short = 0 < len(line.strip()) <= _GLYPH_LINE_MAX
        if short and start < 0:
            start = i
        elif not short and start >= 0:
            need = FLATTENED_MIN_LINES // 2 if i == len(lines) else FLATTENED_MIN_LINES
            if i - start >= need:
                runs.append((start, i))
            start = -1
    return runs

"""Finding protected spans: what in a sentence is not Chinese prose.

Markup and machine text first, by pattern, in priority order (inline code, escapes, maths and
LaTeX, images, inline HTML, links, URLs, e-mail addresses, file paths, emphasis, @handles,
#tags, hashes, arrows); then runs of Latin words (names, titles, acronyms, camelCase, quoted
English sentences); then emoji and symbols. Paired markup (``**…**``, ``[text](url)``) claims
only its delimiters, so the Chinese inside is still translated.

A Latin run that jieba reads as part of a Chinese word (T恤, A股, X光) is Chinese prose, not a
span: the model knows those words, a token would hide them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from pipeline.chars import CJK_LETTER_RE, HAN
from pipeline.words import boundaries

SpanKind = Literal[
    "code", "math", "image", "html", "link", "emphasis", "url", "email", "path", "escape",
    "handle", "tag", "hash", "latin", "symbol", "gloss",
]  # fmt: skip
"""What a span is; ``link`` and ``emphasis`` are paired (their text is translated), ``gloss`` is
a Chinese name with the English the document gives for it, restored as that English."""
SPAN_KINDS: tuple[SpanKind, ...] = get_args(SpanKind)
_L = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_WORD = rf"(?:[0-9]+[{_L}]|[{_L}])[{_L}0-9]*(?:[-'’.·&_][{_L}0-9]+)*(?:\+\+|\+|#(?![{_L}0-9]))?"
_TOKEN = re.compile(rf"(?<![{_L}0-9])(?:(?P<word>{_WORD})|(?P<num>[0-9]+(?:[.,:][0-9]+)*))")
_JOIN = re.compile(r"[ \t]+|[ \t]*(?:[,;:&/+–—-]|\.(?=[ \t]))[ \t]*")
_INITIALISM = re.compile(rf"(?:[{_L}]\.)*[{_L}]")
_ABBREVIATIONS = frozenset({
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Gen", "Col", "Lt", "Sgt", "Capt",
    "Adm", "Gov", "Sen", "Rep", "Inc", "Ltd", "Co", "Corp", "vs", "etc", "al", "No", "Vol", "pp",
    "Fig", "Dept", "Univ", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct",
    "Nov", "Dec",
})  # fmt: skip
_GLOSSARY_TOKEN = re.compile(r"[A-Z]?XT\d+X|ZX\d+")
_HAN_RE = re.compile(f"[{HAN}]")

_TARGET = r"\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+\"[^\"]*\")?\)"  # (url "title")
_LABEL = r"(?:[^\[\]\\\n]|\\.|\[[^\]\n]*\])"
_C = re.compile
# Markup and machine text, in priority order (an earlier kind wins where two overlap), each with
# a cheap hint that must be found before the pattern is worth running.
_PATTERNS: tuple[tuple[SpanKind, re.Pattern[str], re.Pattern[str]], ...] = (
    ("code", _C("`"), _C(r"(?<![`\\])(`+)(?!`).+?(?<!`)\1(?!`)")),
    ("escape", _C(r"\\"), _C(r"\\[!-/:-@\[-`{-~]")),
    ("math", _C(r"[$\\{}\[\]_^|]"), _C(
        r"(?<![\\$])\$\$.+?\$\$|(?<![\\$A-Za-z0-9])\$(?![\s$])[^$\n]*?[^\s$\\]\$(?![\d$])"
        r"|\\[A-Za-z]+\*?[{}\[\]_^|()]*|[{}\[\]_^|\\]{2,}"  # LaTeX outside $…$
    )),
    ("image", _C(r"!\["), _C(rf"!\[\[[^\]\n]+\]\]|!\[{_LABEL}*\]{_TARGET}")),
    ("html", _C("[<&]"), _C(
        r"<(?:https?|ftp)://[^<>\s]+>|<[^<>\s@]+@[^<>\s]+>"
        r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);"
    )),
    ("link", _C(r"\["), _C(rf"\[\[[^\]\n]+\]\]|(?<![!\\])\[(?P<text>{_LABEL}+)\]{_TARGET}")),
    ("url", _C(r"://|www\."), _C(
        r"(?:https?://|ftp://|www\.)[!#$%&'()*+,\-./0-9:;=?@A-Z\[\]_a-z~]+"
    )),
    ("email", _C("@"), _C(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("path", _C(r"[/\\]"), _C(
        r"(?<![A-Za-z0-9_.~/\\-])(?:[A-Za-z]:\\|~/|\.{0,2}/)?(?:[A-Za-z0-9_.~-]+[/\\])+"
        r"[A-Za-z0-9_.~-]*(?:#[A-Za-z0-9_-]+)?"
    )),
    ("emphasis", _C("[*_~]"), _C(
        r"(?<![\\*~])(\*\*|~~)(?=\S)(?P<text>.+?)(?<=\S)\1(?![*~])"
        r"|(?<![\\\w])__(?=\S)(?P<t2>.+?)(?<=\S)__(?!\w)"
        r"|(?<![\\*])\*(?=[^\s*])(?P<t3>.+?)(?<=[^\s*\\])\*(?!\*)"
        r"|(?<![\\\w])_(?=\S)(?P<t4>.+?)(?<=\S)_(?!\w)"
    )),
    ("handle", _C("@"), _C(r"(?<![A-Za-z0-9_.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")),
    ("tag", _C("#"), _C(r"(?<![A-Za-z0-9_&#/])#[A-Za-z][A-Za-z0-9_-]*")),
    ("hash", _C(r"[0-9][a-f]|[a-f][0-9]|\^"), _C(
        r"(?<![A-Za-z0-9])(?:\^[A-Za-z0-9-]{4,}"
        r"|(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,64})(?![A-Za-z0-9])"
    )),
    ("symbol", _C("[<>]"), _C(r"<?[-=]{1,3}>|<[-=]{1,3}")),
)  # fmt: skip
_URL_TRAILING = ".,;:!?'\"*_~"
_NOT_SYMBOLS = frozenset("°℃℉№〒")
_MERGE_GAP = re.compile(r"[ \t,;:/&+–—-]{0,3}")


@dataclass(frozen=True)
class Span:
    """One protected span ``[start, end)``; ``inner`` is the translated part of paired markup;
    ``text`` replaces the span's own text when restored (a gloss site becomes its English)."""

    start: int
    end: int
    kind: SpanKind
    inner: tuple[int, int] | None = None
    text: str | None = None


def _latin_runs(text: str, taken: bytearray) -> list[tuple[int, int]]:
    """Runs of Latin words joined by spaces and light punctuation (not CJK punctuation): names,
    titles, English phrases and quoted sentences. Numbers join a run between words, or at its end
    unless Chinese follows (``Windows 10``, not the ``10`` of ``Reuters 10月``)."""
    runs: list[tuple[int, int]] = []
    cur: list[tuple[int, int, bool]] = []

    def close() -> None:
        while cur and not cur[-1][2]:
            end = cur[-1][1]
            if end < len(text) and CJK_LETTER_RE.match(text[end]):
                cur.pop()
            else:
                break
        if cur and cur[0][2]:
            runs.append((cur[0][0], cur[-1][1]))
        cur.clear()

    for m in _TOKEN.finditer(text):
        start, end, is_word = m.start(), m.end(), m.group("word") is not None
        if _any(taken, start, end) or (is_word and _GLOSSARY_TOKEN.fullmatch(m.group())):
            close()
            continue
        if is_word and end < len(text) and text[end] == "." and _takes_dot(m.group(), text, end):
            end += 1
        gap = text[cur[-1][1] : start] if cur else ""
        if cur and not (_JOIN.fullmatch(gap) and not _any(taken, cur[-1][1], start)):
            close()
        if cur or is_word:
            cur.append((start, end, is_word))
    close()
    return runs


def _takes_dot(word: str, text: str, end: int) -> bool:
    """Whether the ``.`` after ``word`` is part of it: U.S., Mr., an initial (Jean H. Lee)."""
    if "." in word and _INITIALISM.fullmatch(word):
        return True
    if word in _ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isupper() and text[end + 1 : end + 3].strip()[:1].isupper()


def _in_chinese_word(text: str, start: int, end: int) -> bool:
    """Whether jieba reads the Latin run as part of a Chinese word (T恤, A股, X光)."""
    left = start > 0 and _HAN_RE.match(text[start - 1]) is not None
    right = end < len(text) and _HAN_RE.match(text[end]) is not None
    if not (left or right):
        return False
    lo, hi = max(0, start - 4), min(len(text), end + 4)
    edges = boundaries(text[lo:hi])
    return start - lo not in edges or end - lo not in edges


@functools.cache
def _symbol_re() -> re.Pattern[str]:
    """Runs of emoji and symbols (Unicode ``So``, arrows, skin tones) with their joiners; built
    on first use (it scans the code points once)."""
    points = [
        cp
        for cp in range(0x80, 0x30000)
        if (unicodedata.category(chr(cp)) == "So" or 0x2190 <= cp <= 0x21FF)
        and chr(cp) not in _NOT_SYMBOLS
        and not 0x2E80 <= cp <= 0x33FF  # CJK radicals, symbols and units read as text
    ]
    points += range(0x1F3FB, 0x1F400)
    ranges: list[list[int]] = []
    for cp in sorted(set(points)):
        if ranges and cp == ranges[-1][1] + 1 and (cp > 0xFFFF) == (ranges[-1][0] > 0xFFFF):
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])

    def cls(part: list[list[int]]) -> str:
        return "".join(
            re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in part
        )

    # BMP and astral in two classes: ``re`` only makes an all-BMP class a fast bitmap
    bmp, astral = [r for r in ranges if r[0] <= 0xFFFF], [r for r in ranges if r[0] > 0xFFFF]
    one = f"[{cls(bmp)}]|[{cls(astral)}]"
    return re.compile(f"(?:{one})(?:{one}|[\u200d\ufe0e\ufe0f\u20e3])*")


def _symbols(text: str, taken: bytearray) -> list[tuple[int, int]]:
    """Runs of emoji and symbols (✔ ❌ ♪ ⏰ →), with their joiners and modifiers."""
    if text.isascii():
        return []
    return [(m.start(), m.end()) for m in _symbol_re().finditer(text) if not _any(taken, *m.span())]


def _any(taken: bytearray, a: int, b: int) -> bool:
    return taken.find(1, a, b) >= 0


def find_spans(text: str, *, chinese_words: bool = True, prose: bool = True) -> list[Span]:
    """The protected spans of ``text``, sorted and non-overlapping (a paired span's inner text
    may hold other spans). Adjacent verbatim spans separated by at most a little punctuation
    are merged, so the model sees one token for ``Joe Biden / Kamala Harris``.

    ``chinese_words=False`` skips asking jieba whether a Latin run belongs to a Chinese word
    (T恤): the segmenter only needs to know where runs are, and never splits inside a word.
    ``prose=False`` finds only markup and machine text (no Latin runs, symbols or merging)."""
    taken = bytearray(len(text))
    spans: list[Span] = []
    for kind, hint, pattern in _PATTERNS:
        if not hint.search(text):
            continue
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if kind == "url":
                while end > start and text[end - 1] in _URL_TRAILING + (
                    ")" if text.count("(", start, end) < text.count(")", start, end) else ""
                ):
                    end -= 1
            if kind == "path" and not re.search("[A-Za-z]", text[start:end]):
                continue
            if end <= start or _any(taken, start, end):
                continue
            inner = _inner(m)
            if inner is not None and CJK_LETTER_RE.search(text, inner[0], inner[1]) is None:
                inner = None  # [Reuters](url), **Note**: nothing to translate inside
            if inner is None:
                spans.append(Span(start, end, kind))
                taken[start:end] = b"\x01" * (end - start)
            else:
                spans.append(Span(start, end, kind, inner))
                taken[start : inner[0]] = b"\x01" * (inner[0] - start)
                taken[inner[1] : end] = b"\x01" * (end - inner[1])
    if not prose:
        return sorted(spans, key=lambda s: s.start)
    for start, end in _latin_runs(text, taken):
        if not (chinese_words and _in_chinese_word(text, start, end)):
            spans.append(Span(start, end, "latin"))
            taken[start:end] = b"\x01" * (end - start)
    spans += [Span(a, b, "symbol") for a, b in _symbols(text, taken)]
    return _merge(text, sorted(spans, key=lambda s: s.start))


def with_overrides(spans: Sequence[Span], overrides: Sequence[Span]) -> list[Span]:
    """``spans`` with ``overrides`` (glossed sites) in place of whatever they overlap; a paired
    span keeps its delimiters when the override lies inside its translated text."""
    if not overrides:
        return list(spans)

    def clashes(s: Span) -> bool:
        for o in overrides:
            if s.inner is not None and s.inner[0] <= o.start and o.end <= s.inner[1]:
                continue
            if s.start < o.end and o.start < s.end:
                return True
        return False

    return sorted([s for s in spans if not clashes(s)] + list(overrides), key=lambda s: s.start)


def _inner(m: re.Match[str]) -> tuple[int, int] | None:
    for group in ("text", "t2", "t3", "t4"):
        if group in m.re.groupindex and m.group(group) is not None:
            return m.start(group), m.end(group)
    return None


def _merge(text: str, spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in spans:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.inner is None
            and span.inner is None
            and prev.text is None
            and prev.end <= span.start
            and _MERGE_GAP.fullmatch(text[prev.end : span.start])
            and not _inside_pair(out, prev.end, span.start)
        ):
            out[-1] = Span(prev.start, span.end, prev.kind if prev.kind != "symbol" else span.kind)
        else:
            out.append(span)
    return out


def _inside_pair(spans: list[Span], a: int, b: int) -> bool:
    """Whether ``[a, b)`` crosses a paired span's delimiter (merging there would break it)."""
    return any(s.inner is not None and (a < s.inner[0] <= b or a <= s.inner[1] < b) for s in spans)

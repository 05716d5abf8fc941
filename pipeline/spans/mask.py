"""Masking protected spans for the model and putting them back.

:func:`protect` replaces each span by a numbered token the model copies and :func:`restore`
puts the span back verbatim; paired markup becomes two tokens around the text the model
translates, and its delimiters are put back hugging that text. Glossary placeholders
(``XT1X``, ``ZX1``) are left alone, so spans and enforced terms share a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from pipeline.spans.find import Span, SpanKind

Shape = Literal["KX", "XS"]
"""Token shapes: ``KX1X`` first, ``XS1X`` for the retry (copied 95.6 % and 95.2 % of 436 tokens
in 283 real sentences, against 94.0 % for the glossary's ``XT1X``; ``bench_fidelity.py
--shapes``). Neither contains the glossary's ``T<n>X`` or ``ZX<n>``, so enforcement never
mistakes a span token for a term placeholder."""
SPAN_SHAPES: tuple[Shape, ...] = get_args(Shape)
SPAN_LOST = "span-lost"
"""Segment flag: a protected span (or paired markup) is not in the English verbatim."""
Role = Literal["verbatim", "open", "close"]

_LOWER_WORD = re.compile(r"[a-z]{2,}\b(?![-'’.]?[A-Za-z0-9])")
_STARTS = re.compile(r"(?:\A|[.!?][\"”’')]*\s)[\"“‘'(]*\s*\Z")


@dataclass(frozen=True)
class Piece:
    """What one token stands for: ``text`` to put back, and whether it is a verbatim span or the
    opening or closing delimiter of paired markup (``pair`` numbers the pair)."""

    text: str
    role: Role
    pair: int = -1
    kind: SpanKind = "latin"


@dataclass(frozen=True)
class Protected:
    """``masked`` is the text the model sees; ``pieces[n - 1]`` is what token ``n`` stands for."""

    source: str
    masked: str
    shape: Shape | None
    pieces: tuple[Piece, ...]


def token(shape: Shape, n: int) -> str:
    """Token ``n`` (1-based) of ``shape``."""
    return f"KX{n}X" if shape == "KX" else f"XS{n}X"


_FIND: dict[Shape, re.Pattern[str]] = {
    "KX": re.compile(r"[Kk][Xx](\d+)X?(?!\d)|(?<![A-Za-z])X(\d+)X(?![A-Za-z])"),
    "XS": re.compile(r"[Xx]?S(\d+)X|[Xx]S(\d+)(?![\dX])"),
}


def protect(text: str, spans: Sequence[Span], shape: Shape | None) -> Protected:
    """``text`` with each span replaced by a token (paired markup: one before and one after its
    inner text), spaced off Latin letters and digits so the model sees a word of its own.
    ``shape=None`` leaves ``text`` unmasked, a glossed name written as its English (韩儒伯(Rupert
    Hammond-Chambers) → Rupert Hammond-Chambers), and still lists the spans, so :func:`restore`
    can tell which of them the model's own output kept."""
    cuts: list[tuple[int, int, Piece]] = []
    for n, span in enumerate(spans):
        if span.inner is None:
            restored = span.text if span.text is not None else text[span.start : span.end]
            cuts.append((span.start, span.end, Piece(restored, "verbatim", kind=span.kind)))
        else:
            a, b = span.inner
            cuts.append((span.start, a, Piece(text[span.start : a], "open", n)))
            cuts.append((b, span.end, Piece(text[b : span.end], "close", n)))
    cuts.sort(key=lambda c: c[0])
    out: list[str] = []
    pos = 0
    for n, (start, end, piece) in enumerate(cuts, start=1):
        if shape is None and piece.kind != "gloss":
            continue  # unmasked: only a glossed name is written as its English
        before = text[pos:start]
        out.append(before)
        tail = before[-1:] if before else (out[-2][-1:] if len(out) > 1 else "")
        word = piece.text if shape is None else token(shape, n)
        out.append((" " if _glues(tail) else "") + word)
        if _glues(text[end : end + 1]):
            out.append(" ")
        pos = end
    out.append(text[pos:])
    return Protected(text, "".join(out), shape, tuple(c[2] for c in cuts))


def _glues(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def restore(english: str, protected: Protected) -> tuple[str, tuple[str, ...]]:
    """The English with every token the model copied replaced by its span, and the spans (or
    paired delimiters) that did not come back, which a caller must retry or flag.

    A token repeated by the model is restored once; a paired span whose two tokens are not both
    there, in order, loses its delimiters (its translated text stays) and counts as lost.
    """
    if protected.shape is None:
        return english, missing(english, protected)
    found: dict[int, tuple[int, int]] = {}
    drops: list[tuple[int, int]] = []
    for m in _FIND[protected.shape].finditer(english):
        n = int(m.group(1) or m.group(2))
        if 1 <= n <= len(protected.pieces) and n not in found:
            found[n] = (m.start(), m.end())
        elif n < 100:  # a repeated token, or one the model invented
            drops.append((m.start(), m.end()))
    lost: list[str] = []
    pieces = protected.pieces
    for n, piece in enumerate(pieces, start=1):
        if piece.role == "open":
            close = next(k for k, p in enumerate(pieces, 1) if p.pair == piece.pair and k != n)
            if n not in found or close not in found or found[n][0] > found[close][0]:
                lost.append(piece.text + "…" + pieces[close - 1].text)
                for k in (n, close):
                    if k in found:
                        drops.append(found.pop(k))
        elif piece.role == "verbatim" and n not in found:
            lost.append(piece.text)
    events: list[tuple[int, int, Piece | None]] = [(a, b, None) for a, b in drops]
    events += [(a, b, pieces[n - 1]) for n, (a, b) in found.items()]
    out: list[str] = []
    pos = 0
    for a, b, item in sorted(events, key=lambda e: e[0]):
        before = english[pos:a]
        if item is None:
            out.append(before.rstrip(" ") if english[b : b + 1] in " ,.;:)" else before)
        elif item.role == "close":
            out.append(before.rstrip(" ") + item.text)
        else:
            glued = before[-1:].isascii() and before[-1:].isalnum()
            text = item.text
            if (
                item.kind == "latin"
                and _LOWER_WORD.match(text)
                and _STARTS.search("".join(out) + before)
            ):
                text = text[0].upper() + text[1:]  # "the Pentagon" opening the sentence
            out.append(before + (" " if glued and item.role == "verbatim" else "") + text)
        pos = b
        if item is not None and item.role == "open":
            while pos < len(english) and english[pos] == " ":
                pos += 1
        elif item is not None and _glues(english[pos : pos + 1]):
            rest = english[pos:]
            if not re.match(r"(?:e?s|'s|’s)\b", rest):
                out.append(" ")
    out.append(english[pos:])
    return " ".join("".join(out).split()), tuple(lost)


def missing(english: str, protected: Protected) -> tuple[str, ...]:
    """Spans of an unmasked translation that are not in it verbatim (paired markup: its two
    delimiters), for choosing between a masked and a plain output."""
    lost: list[str] = []
    rest = english
    pieces = protected.pieces
    for piece in pieces:
        if piece.role == "verbatim":
            if piece.text in rest:
                rest = rest.replace(piece.text, "", 1)
            else:
                lost.append(piece.text)
        elif piece.role == "open":
            close = next(p for p in pieces if p.pair == piece.pair and p is not piece)
            if piece.text not in english or close.text not in english:
                lost.append(piece.text + "…" + close.text)
    return tuple(lost)

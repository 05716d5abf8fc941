"""Split normalized block text into sentences the model translates well, and map them back.

1. Sentence ends are 。！？ (runs like ？！ stay together), half-width ! ? before a space, CJK or
   the end, ellipses that end a sentence, and ``.`` before a space + capital/CJK or directly
   before CJK, but not in decimals (3.14), URLs/e-mails, Latin abbreviations (U.S., Mr. Smith,
   e.g., No. 5) or ``...``. Closing quotes and brackets stay with their sentence, and so does
   the whitespace after it, so spans tile the text exactly.
2. Inside matched 「」『』《》（）“”‘’【】 pairs a sentence end is only a *soft* break, so a quote
   stays whole, unless its content is longer than ``QUOTE_MAX_CHARS`` (then its sentences are
   split like any others) or the sentence around it is too long. Unmatched openers are ignored,
   so an unclosed quote never swallows the rest of a paragraph.
3. A sentence longer than ``max_chars`` is split at the best break near the limit: soft sentence
   ends first, then ；, then ，/：, then 、/space/dash, else a hard cut not inside a Latin word,
   never leaving a fragment shorter than a fifth of ``max_chars``.

How long a segment may be was measured on the real model (translate-zh_en-1_9, CTranslate2
int8, beam 2, WMT19 zh→en; chrF ignores the decoder's word spacing):

- Several sentences joined into one input lose content fast: output length relative to
  translating the sentences one by one is 1.00 at ~40 chars, 0.98 at ~85, 0.81 at ~130, then
  0.47-0.86 up to ~380 and 0.26 at ~450 (6 inputs each). The model was trained on single
  sentences, so we never merge sentences, and a quote of two sentences is split unless short:
  30 quotes of two 15-45 char sentences scored chrF 42.4 whole vs 44.2 split (length ratio 0.90
  vs 0.95).
- Long single lines (the 161 WMT19 lines of >= 100 chars, 21k chars), split by this module at
  ``max_chars``: chrF 42.9 unsplit, 43.2 at 160, 43.8 at 120, 44.1 at 100, 43.8 at 80, 43.7 at
  60; lines whose translation came out under 60% of the reference length: 6, 4, 3, 1, 2, 0.
  Around 100 chars is best: shorter pieces lose cross-clause context, longer ones lose clauses.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise

from pipeline.chars import CJK, CJK_RE
from pipeline.document import VERBATIM_KINDS, Document, Segment
from pipeline.errors import SegmentError, SettingsError
from pipeline.settings import SegmentSettings
from pipeline.spans import find_spans

MIN_MAX_CHARS = 10
# Longest quote/bracket content kept whole across its inner sentence ends (see module docstring).
QUOTE_MAX_CHARS = 60

_OPENERS = "「『《（(“‘【〈〔［"
_CLOSER_OF = dict(zip(_OPENERS, "」』》）)”’】〉〕］", strict=True))
_PAIR_CHARS = re.compile("[" + re.escape(_OPENERS + "".join(_CLOSER_OF.values()) + '"') + "]")
# Closers a sentence end carries along; not 》〉: a title ending in ！ (《战狼！》) ends nothing.
_CLOSERS = "”’」』）)]】〕］｝}\"'"

_SENTENCE_END = re.compile(
    # the leading lookahead is a charset ``re`` uses to skip ahead at C speed (6x faster)
    r"(?=[…⋯.。！？｡︒!?])"
    r"(?:(?P<ellipsis>(?:……|…|⋯+|\.{3,}|。{3,})+(?P<ell_term>[。！？!?｡]*))"
    r"|(?P<cjk>[。！？｡︒][。！？!?…⋯｡]*)"
    r"|(?P<bang>[!?][!?！？]*)"
    r"|(?P<dot>\.))"
    f"(?P<closers>[{re.escape(_CLOSERS)}]*)(?P<space> *)"
)
_URL = re.compile(
    r"(?:https?://|ftp://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
)
_URL_TRAILING = ".,;:!?)]'"
_NEXT_STARTS_SENTENCE = re.compile(f'[A-Z{CJK}"“‘「『《（(【\\[]')
_WORD_BEFORE_DOT = re.compile(r"([A-Za-z][A-Za-z.]*)\Z")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_PATH_CHARS = frozenset("/@\\:=&?#%_-0123456789")
# Latin abbreviations after which "." does not end a sentence (compared case-sensitively).
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Rev", "Gen", "Col", "Lt", "Sgt",
        "Capt", "Cmdr", "Adm", "Gov", "Sen", "Rep", "Pres", "Hon", "Messrs", "Mmes", "vs", "etc",
        "al", "cf", "approx", "est", "No", "no", "Nos", "Vol", "vol", "pp", "Fig", "fig", "Figs",
        "Ch", "ch", "Sec", "sec", "Art", "Inc", "Ltd", "Co", "Corp", "Bros", "LLC", "Dept",
        "Univ", "Assn", "Ave", "Blvd", "Rd", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
        "Sep", "Sept", "Oct", "Nov", "Dec", "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs",
        "Fri", "Sat", "Sun", "ca", "min", "max",
    }
)  # fmt: skip

# Split points for over-long sentences, best first; each match ends where the split goes.
_TIERS: tuple[re.Pattern[str], ...] = (
    re.compile(f"[；;][{re.escape(_CLOSERS)}]* *"),
    re.compile(f"(?:[，：]|[,:](?= |[{CJK}]))[{re.escape(_CLOSERS)}]* *"),
    re.compile("[、]|——|—| +(?=[^ ])"),
)
_TOKEN_CHARS = 4
"""How long a protected span is for the model (it sees a token such as ``KX1X``)."""
_MARKUP_HINT = re.compile(r"[`$\[<\\@]|://")
_BEFORE_MARKER = frozenset("\n。！？!?；;：:")
_NO_CUT_BEFORE = re.compile("[\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\u0300-\u036f]")


def _protected_pairs(text: str, max_len: int) -> list[tuple[int, int]]:
    """Matched bracket/quote pairs ``(open, close)`` with at most ``max_len`` chars inside.

    A closer pops back to its opener even past unclosed ones (「a“b」 closes 「); closers with no
    opener and openers never closed are ignored. Straight double quotes alternate.
    """
    stack: list[tuple[str, int]] = []  # (expected closer, opener position)
    pairs: list[tuple[int, int]] = []
    for m in _PAIR_CHARS.finditer(text):
        ch, pos = m.group(), m.start()
        if ch in _CLOSER_OF or (ch == '"' and all(c != '"' for c, _ in stack)):
            stack.append((_CLOSER_OF.get(ch, '"'), pos))
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == ch:
                if pos - stack[depth][1] - 1 <= max_len:
                    pairs.append((stack[depth][1], pos))
                del stack[depth:]
                break
    return pairs


def _merge(intervals: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Union of intervals as sorted starts/ends for bisecting."""
    starts: list[int] = []
    ends: list[int] = []
    for a, b in sorted(intervals):
        if starts and a <= ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def _inside(pos: int, starts: list[int], ends: list[int], closed: bool) -> bool:
    """Is ``pos`` within an interval (``closed``: its end counts as inside too)?"""
    i = bisect_right(starts, pos) - 1
    return i >= 0 and (pos <= ends[i] if closed else pos < ends[i])


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in _URL_TRAILING:
            end -= 1
        spans.append((m.start(), end))
    return spans


def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    """Whether a terminator match really ends a sentence, judged by what follows it."""
    after = m.end()
    nxt = text[after] if after < len(text) else ""
    spaced = bool(m.group("space"))
    if m.group("cjk") or m.group("ell_term"):
        return True
    if m.group("bang"):
        return not nxt or spaced or bool(CJK_RE.match(nxt))
    if m.group("ellipsis"):
        if not nxt or m.group("closers"):
            return True
        return spaced and bool(_NEXT_STARTS_SENTENCE.match(nxt))
    # a single "."
    if _list_marker(text, m.start()):
        return False
    if not nxt:
        return True
    follows = _NEXT_STARTS_SENTENCE if spaced else CJK_RE
    if not follows.match(nxt):
        return False
    word = _WORD_BEFORE_DOT.search(text, max(0, m.start() - 30), m.start())
    if not word or (word.start() > 0 and text[word.start() - 1] in _PATH_CHARS):
        return True  # no word, or the end of a URL/path/e-mail (…/c.d. Then)
    token = word.group(1)
    return not (len(token) == 1 or token in ABBREVIATIONS or _INITIALISM.fullmatch(token))


def _list_marker(text: str, dot: int) -> bool:
    """Whether the ``.`` at ``dot`` ends a list number (``2.`` opening an item), not a sentence:
    one to three digits at the start of the text or after a sentence end or line break."""
    k = dot
    while k > 0 and text[k - 1].isdigit():
        k -= 1
    digits = dot - k
    while k > 0 and text[k - 1] in " \t":
        k -= 1
    return 1 <= digits <= 3 and (k == 0 or text[k - 1] in _BEFORE_MARKER)


def _span_intervals(text: str, start: int, end: int) -> tuple[list[int], list[int]]:
    """Protected spans of ``text[start:end]`` (:func:`pipeline.spans.find_spans`: Latin runs,
    code, maths, URLs, links…) as merged intervals, where no split for length may fall."""
    spans = find_spans(text[start:end], chinese_words=False)
    return _merge([(start + s.start, start + s.end) for s in spans])


def _hidden(spans: tuple[list[int], list[int]]) -> int:
    """Characters the model does not see: each span longer than a token becomes one."""
    return sum(max(0, b - a - _TOKEN_CHARS) for a, b in zip(*spans, strict=True))


def _machine_intervals(text: str) -> tuple[list[int], list[int]]:
    """Code, maths, URLs, links and other markup, inside which no sentence ends."""
    if not _MARKUP_HINT.search(text):
        return [], []
    spans = find_spans(text, chinese_words=False, prose=False)
    return _merge([(s.start, s.end) for s in spans if s.kind != "escape"])


def _sentence_breaks(
    text: str,
    pairs: list[tuple[int, int]],
    pair_spans: tuple[list[int], list[int]],
    machine: tuple[list[int], list[int]],
) -> tuple[list[int], list[int]]:
    """Hard sentence breaks and soft ones (inside a protected pair), as split positions; a
    terminator inside code, maths, a URL or a link ends nothing."""
    url_starts, url_ends = _merge(_url_spans(text))
    quote_openers = {a for a, _ in pairs if text[a] == '"'}
    hard: list[int] = []
    soft: list[int] = []
    for m in _SENTENCE_END.finditer(text):
        if m.end() >= len(text) or _inside(m.start(), url_starts, url_ends, closed=False):
            continue
        if _inside(m.start(), *machine, closed=False) or not _ends_sentence(text, m):
            continue
        pos = m.end()
        if quote_openers and '"' in m.group("closers"):
            # a straight quote that opens the next sentence is not one of ours
            for i in range(m.start("closers"), m.end("closers")):
                if i in quote_openers:
                    pos = i
                    break
        if _inside(pos, *pair_spans, closed=True):
            soft.append(pos)
        else:
            hard.append(pos)
    return hard, soft


def _cut_position(text: str, lo: int, hi: int, blocked: Callable[[int], int]) -> int | None:
    """A forced split at or before ``hi``, backing off so no Latin word, emoji, bracket pair or
    protected span is cut (``None`` when every position in range would cut one)."""
    for pos in range(hi, lo - 1, -1):
        left, right = text[pos - 1], text[pos]
        if _NO_CUT_BEFORE.match(right):
            continue
        if left.isascii() and right.isascii() and left.isalnum() and right.isalnum():
            continue
        if not blocked(pos):
            return pos
    return None


def _effective(start: int, end: int, spans: tuple[list[int], list[int]]) -> list[int]:
    """``eff[p - start]``: the model length of ``text[start:p]`` for each ``p`` in
    ``start..end`` (a span's characters beyond a token's count for nothing)."""
    eff = [0]
    for p in range(start, end):
        i = bisect_right(spans[0], p) - 1
        hidden = i >= 0 and p < spans[1][i] and p - spans[0][i] >= _TOKEN_CHARS
        eff.append(eff[-1] + (0 if hidden else 1))
    return eff


def _split_long(
    text: str,
    start: int,
    end: int,
    max_chars: int,
    soft: list[int],
    spans: tuple[list[int], list[int]],
) -> list[int]:
    """Split positions that cut ``text[start:end]`` into pieces of at most ``max_chars`` as
    the model sees them.

    Never inside a bracket pair that fits in ``max_chars`` or a Latin run or other protected
    span (``spans``) while a position outside exists: a shorter piece is better than halves the
    model completes with invented text.
    """
    eff = _effective(start, end, spans)
    pairs = _protected_pairs(text[start:end], end - start)
    keep = _merge(
        [(start + a + 1, start + b) for a, b in pairs if eff[b] - eff[a + 1] <= max_chars]
    )

    def blocked(pos: int) -> int:
        if _inside(pos - 1, *spans, closed=False) and _inside(pos, *spans, closed=False):
            return 2
        return 1 if _inside(pos, *keep, closed=True) else 0

    def reach(limit: int) -> int:
        """The last position within ``limit`` model characters of ``start``."""
        return start + bisect_right(eff, limit) - 1

    min_piece = max(1, max_chars // 5)
    tiers: list[list[int]] = [[p for p in soft if start < p < end and blocked(p) < 2]]
    demoted: list[list[int]] = [[], []]
    for tier in _TIERS:
        positions = []
        for m in tier.finditer(text, start, end):
            if m.end() >= end:
                continue
            if level := blocked(m.end()):
                demoted[level - 1].append(m.end())
            else:
                positions.append(m.end())
        tiers.append(positions)
    # right after a closing bracket (not before an opening one: that may be a name's gloss)
    tiers.append([b + 1 for b in keep[1] if start < b + 1 < end and not blocked(b + 1)])
    tiers.append(sorted({p for t in tiers for p in t}))  # any of them, for a shorter piece
    cuts: list[int] = []
    cur = start
    while eff[-1] - eff[cur - start] > max_chars:
        base = eff[cur - start]
        lo = max(cur + 1, reach(base + min_piece - 1) + 1)
        hi = max(lo, min(reach(base + max_chars), reach(eff[-1] - min_piece)))
        best = next(
            (
                p
                for n, t in enumerate(tiers)
                if (p := _last(t, cur + 1 if n == len(tiers) - 1 else lo, hi))
            ),
            None,
        )
        if best is None:  # a hard cut, then inside a bracket, then inside a span, then anywhere
            best = _cut_position(text, lo, hi, blocked)
        best = best or _last(sorted(demoted[0]), lo, hi) or _last(sorted(demoted[1]), lo, hi)
        best = best or _cut_position(text, lo, hi, lambda _: 0) or hi
        cuts.append(best)
        cur = best
    return cuts


def _last(positions: list[int], lo: int, hi: int) -> int | None:
    """The last of the sorted ``positions`` in ``[lo, hi]``."""
    i = bisect_left(positions, hi + 1) - 1
    return positions[i] if i >= 0 and positions[i] >= lo else None


def model_length(text: str) -> int:
    """How long ``text`` is for the model: each protected span (a Latin name, a URL, inline
    code…) is one short token to it, so a long link does not make a sentence long."""
    return len(text) - _hidden(_span_intervals(text, 0, len(text)))


def _soften(text: str, hard: list[int], soft: list[int], limit: int) -> tuple[list[int], list[int]]:
    """Sentence ends inside a bracket pair that is short for the model (an English passage in
    parentheses is one token to it) become soft breaks, like those inside a short quote."""
    short = [
        (a + 1, b)
        for a, b in _protected_pairs(text, len(text))
        if b - a - 1 > limit and model_length(text[a + 1 : b]) <= limit
    ]
    if not short:
        return hard, soft
    starts, ends = _merge(short)
    inside = {p for p in hard if _inside(p, starts, ends, closed=True)}
    return [p for p in hard if p not in inside], sorted({*soft, *inside})


def split_sentences(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` tiling ``text`` exactly, none longer than ``max_chars``
    as the model sees them (:func:`model_length`)."""
    if max_chars < MIN_MAX_CHARS:
        raise SettingsError(
            f"max_chars is {max_chars}; set it to at least {MIN_MAX_CHARS}", file="--max-chars"
        )
    if not text:
        return []
    pairs = _protected_pairs(text, min(max_chars, QUOTE_MAX_CHARS))
    pair_spans = _merge([(a + 1, b) for a, b in pairs])
    hard, soft = _sentence_breaks(text, pairs, pair_spans, _machine_intervals(text))
    if hard:
        hard, soft = _soften(text, hard, soft, min(max_chars, QUOTE_MAX_CHARS))
    bounds = [0]
    for end in [*hard, len(text)]:
        start = bounds[-1]
        if end - start > max_chars:  # only long sentences need their spans
            spans = _span_intervals(text, start, end)
            if end - start - _hidden(spans) > max_chars:
                bounds.extend(_split_long(text, start, end, max_chars, soft, spans))
        bounds.append(end)
    return list(pairwise(bounds))


def segment_document(doc: Document, settings: SegmentSettings) -> Document:
    """Return a copy of ``doc`` whose ``segments`` are the sentences of its normalized blocks.

    ``start``/``end`` index the original ``Block.text`` through ``Block.offsets``, so each
    block's segments tile its original text (``"".join(sources) == block.text``); characters
    normalization removed go with the segment before them. Blocks empty after normalization get
    no segments, and so do verbatim blocks (code, images), which go to the English as they are.
    Ids ``{doc.id}:{block.index}:{i}`` depend only on the text, so reruns agree.
    """
    segments: list[Segment] = []
    for block in doc.blocks:
        normalized = block.normalized
        if not normalized.strip() or block.kind in VERBATIM_KINDS:
            continue
        if len(block.offsets) != len(normalized) + 1:
            raise SegmentError(
                f"block {block.index} has no offsets for its normalized text; run normalize first",
                file=doc.path,
            )
        spans = split_sentences(normalized, settings.max_chars)
        # (normalized, original) boundaries; one that does not advance in the original (only
        # possible inside a phrase OpenCC lengthened) is dropped, merging its two spans.
        bounds = [(0, 0)]
        for n_start, _ in spans[1:]:
            if block.offsets[n_start] > bounds[-1][1]:
                bounds.append((n_start, block.offsets[n_start]))
        bounds.append((len(normalized), len(block.text)))
        for index, ((n_start, start), (n_end, end)) in enumerate(pairwise(bounds)):
            segments.append(
                Segment(
                    id=f"{doc.id}:{block.index}:{index}",
                    doc_id=doc.id,
                    block=block.index,
                    index=index,
                    start=start,
                    end=end,
                    source=block.text[start:end],
                    normalized=normalized[n_start:n_end].strip(),
                )
            )
    return replace(doc, segments=segments)


_CONTINUATION_MARKS = {"，": ",", ",": ",", "、": ",", "；": ";", ";": ";", "：": ":", ":": ":"}
_ENDS_SENTENCE = re.compile(f"[。！？｡︒!?.…⋯][{re.escape(_CLOSERS)}]*$")
_FRAGMENT_PERIOD = re.compile(r"(?<=[a-z0-9)\"”’'])\.$")
_CONTINUATION_WORDS = frozenset({
    "And", "But", "Or", "Nor", "Yet", "Which", "Who", "Whom", "Whose", "Where", "While",
    "Whereas", "Including", "With", "In", "On", "At", "For", "To", "From", "By", "As", "Of",
    "After", "Before", "Because", "Although", "Though", "Since", "Than", "Through", "Until",
})  # fmt: skip
"""Words that open a clause continuing the sentence before it; a capitalized pronoun or
article opens a sentence of its own, and the halves then stay two sentences (no comma splice)."""


def join_split_sentences(doc: Document) -> int:
    """Re-join the English of sentences that were split for length where the second half
    continues the first (it opens in lower case or with a conjunction, preposition or relative
    word): the full stop the model gave the first half becomes the source's own mark (，→ ",",
    ；→ ";") and the word opening the second half is lowered. Halves the model wrote as two
    sentences stay two. No word is added; only model output is touched (not translation-memory
    segments). Returns how many joins were made."""
    joined = 0
    for prev, nxt in pairwise(doc.segments):
        if prev.block != nxt.block or _ENDS_SENTENCE.search(prev.normalized.rstrip()):
            continue
        if {prev.status, nxt.status} - {"translated", "cached"}:
            continue
        first = nxt.en.split(" ", 1)[0]
        if not (first[:1].islower() or first in _CONTINUATION_WORDS):
            continue
        mark = _CONTINUATION_MARKS.get(prev.normalized.rstrip()[-1:], "")
        if _FRAGMENT_PERIOD.search(prev.en):
            prev.en = prev.en[:-1] + mark
        if first in _CONTINUATION_WORDS:
            nxt.en = first.lower() + nxt.en[len(first) :]
        joined += 1
    return joined

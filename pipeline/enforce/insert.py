"""The last resort: the model's plain sentence with only the term's own words replaced.

When no re-translated sentence is safe (:mod:`pipeline.enforce.accept`), the plain translation
is kept and the model's own wording of the term in it ("the Chinese Ministry of Defence") is
replaced by the glossary's ("Ministry of National Defense"), the rest of the sentence untouched.
The wording is found two ways:

* by the words of the glossary's renderings: a run of plain words that mostly are words of a
  rendering, first and last word included ("Ministry of Defence" for "Ministry of National
  Defense"; words compared on their first four letters, so Defence meets Defense);
* else by aligning the plain sentence with a placeholder translation of the same segment, word
  by word (difflib): where both agree on at least two words on each side of the placeholder,
  the plain words facing it are the term (``… of the XT1X and the PLA …`` against ``… of the
  Ministry of Defence and the PLA …``).

Nothing is inserted where neither finds the wording: adding a term next to the model's own
rendering of it would say it twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from pipeline.enforce.draft import Draft, Slot, plain_draft
from pipeline.enforce.english import Found

_WORD = re.compile(r"\S+")
_MAX_SPAN = 6
"""Most plain words one term may stand for."""
_EDGE_OPEN = "\"'“‘([«「"
_EDGE_CLOSE = ".,;:!?\"'”’)]»」"
_FUNCTION = frozenset({"of", "the", "for", "and", "a", "an", "in", "on", "to", "at", "by"})


def insert_draft(plain: str, slots: list[Slot], drafts: list[Draft]) -> Draft | None:
    """A draft of ``plain`` in which every slot is placed, the missing ones on the model's own
    wording of their term; ``None`` when a wording is not found. ``drafts`` are the segment's
    placeholder translations, to align with."""
    base = plain_draft(plain, slots, "insert")
    found = list(base.found)
    taken = [(f.start, f.end) for f in found]
    for i, slot in enumerate(slots):
        if i in base.covered:
            continue
        span = _by_words(plain, slot) or _by_alignment(plain, drafts, i)
        if span is None or any(span[0] < e and s < span[1] for s, e in taken):
            return None
        taken.append(span)
        plural = plain[span[0] : span[1]].endswith("s") and not slot.term.en.endswith("s")
        found.append(Found(i, span[0], span[1], plural, "placeholder"))
    return Draft(plain, sorted(found, key=lambda f: f.start), "insert", base.units)


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(_norm(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def _norm(word: str) -> str:
    return word.strip("\"'“”‘’()[],.;:!?").lower()


def _by_alignment(plain: str, drafts: list[Draft], slot: int) -> tuple[int, int] | None:
    """The plain words facing the slot's placeholder where a draft agrees with the plain
    sentence on both sides of it."""
    pwords = _words(plain)
    for draft in drafts:
        hit = next((f for f in draft.found if slot in draft.units[f.slot]), None)
        if hit is None or len(draft.units[hit.slot]) != 1:
            continue
        dwords = _words(draft.text)
        k = next((n for n, (_, s, e) in enumerate(dwords) if s <= hit.start < e), None)
        if k is None:
            continue
        ops = SequenceMatcher(None, [w for w, _, _ in dwords], [w for w, _, _ in pwords], False)
        codes = ops.get_opcodes()
        for n, (tag, i1, i2, j1, j2) in enumerate(codes):
            if not i1 <= k < i2:
                continue
            if tag != "replace" or i2 - i1 != 1 or not 1 <= j2 - j1 <= _MAX_SPAN:
                break
            if _anchored(codes, n, len(dwords), len(pwords)):
                return _trimmed(plain, pwords[j1][1], pwords[j2 - 1][2])
            break
    return None


def _anchored(
    codes: Sequence[tuple[str, int, int, int, int]], n: int, dlen: int, plen: int
) -> bool:
    """Whether opcode ``n`` has two agreeing words on each side, or agreeing words that reach
    the sentence's edge ("The XT1X aircraft flew" against "The SLA aircraft flew")."""
    _, i1, i2, j1, j2 = codes[n]
    before = codes[n - 1] if n > 0 and codes[n - 1][0] == "equal" else None
    after = codes[n + 1] if n + 1 < len(codes) and codes[n + 1][0] == "equal" else None
    left = (i1 == 0 and j1 == 0) or (
        before is not None and (before[2] - before[1] >= 2 or before[1] == before[3] == 0)
    )
    right = (i2 == dlen and j2 == plen) or (
        after is not None and (after[2] - after[1] >= 2 or (after[2], after[4]) == (dlen, plen))
    )
    return left and right and not (i1 == 0 and i2 == dlen)


def _by_words(plain: str, slot: Slot) -> tuple[int, int] | None:
    """A run of plain words made of a rendering's words (by their first four letters)."""
    pwords = _words(plain)
    best: tuple[int, int, int] | None = None
    for rendering in (slot.term.en, *slot.term.accept):
        wanted = {_stem(w) for w in rendering.split() if _norm(w)}
        if len(wanted) < 2:
            continue
        need = max(2, -(-len(wanted) * 3 // 5))
        for i in range(len(pwords)):
            for j in range(i + 1, min(len(pwords), i + len(wanted) + 1) + 1):
                stems = [_stem(w) for w, _, _ in pwords[i:j]]
                edges = (stems[0], stems[-1])
                if any(e not in wanted or e in _FUNCTION for e in edges):
                    continue
                hits = len(set(stems) & wanted)
                if hits >= need and hits >= len(stems) - 1 and (best is None or hits > best[0]):
                    best = (hits, pwords[i][1], pwords[j - 1][2])
    if best is None:
        return None
    start, end = best[1], best[2]
    known = {_stem(w) for r in slot.term.renderings for w in r.split()} - _FUNCTION
    rest = [(s, e) for w, s, e in pwords if s >= end]
    for word_start, word_end in rest:  # "Treaty banning nuclear" + "weapons"
        if _stem(plain[word_start:word_end]) not in known:
            break
        end = word_end
    return _trimmed(plain, start, end)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the quotes, brackets and punctuation at its edges, and without what
    precedes an opening quote inside it whose closing one lies outside: the quotes stay
    balanced ("the “92nd Consensus”" → "the “" + term + "”")."""
    while end > start and text[end - 1] in _EDGE_CLOSE:
        end -= 1
    inner = max((i for i in range(start, end) if text[i] in _EDGE_OPEN), default=-1)
    if inner >= 0 and not any(c in _EDGE_CLOSE for c in text[inner + 1 : end]):
        start = inner + 1
    while start < end and text[start] in _EDGE_OPEN:
        start += 1
    return start, end


def _stem(word: str) -> str:
    return _norm(word)[:4]

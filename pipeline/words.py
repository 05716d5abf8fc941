"""Chinese word boundaries, from jieba's dictionary and HMM (the Rust port, rjieba).

Chinese is written without spaces, so "does this match start or end inside a word?" needs a word
segmenter: 外交部 in 外交部长 (foreign minister) cuts the word 外交部长, and the document's own
names (美国联邦众议院议长裴洛西) need a word boundary to find where the name starts. rjieba gives
the same words as the reference Python jieba, about 20 times faster, with a 0.1 s start.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def _segmenter() -> Any:
    # Lazy: loads jieba's dictionary (~0.1 s); only word-aware steps need it.
    import rjieba

    return rjieba.Jieba()


def word_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each word in order, tiling ``text`` (Latin runs, digits are words)."""
    return [(start, end) for _, start, end in _segmenter().tokenize(text)]


def boundaries(text: str) -> frozenset[int]:
    """Offsets in ``text`` where a word starts or ends (0 and ``len(text)`` included)."""
    return frozenset(edge for span in word_spans(text) for edge in span) | {0, len(text)}


def cuts_a_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` starts or ends inside a word of ``text``."""
    edges = boundaries(text)
    return start not in edges or end not in edges


def tagged_words(text: str) -> list[tuple[str, str, int]]:
    """``(word, part of speech, start)`` for each word in order, from jieba's tagger (``nr`` a
    person's name, ``ns`` a place, ``n`` a noun, ``v`` a verb, ``p``/``c``/``u…`` function
    words): where the document's own names start before their English gloss."""
    out: list[tuple[str, str, int]] = []
    pos = 0
    for word, tag in _segmenter().tag(text):
        out.append((word, tag, pos))
        pos += len(word)
    return out


_PLACE_TAGS = frozenset({"ns", "j"})
"""jieba part-of-speech tags of place names (ns) and of abbreviations (j), which is how it tags
one-character country names such as 俄, 英, 韩."""


_DIRECTIONS = frozenset("东南西北中")
"""One-character directions, which jieba tags as places (东北|约: "northeast", not a country)."""


@functools.lru_cache(maxsize=4096)
def is_place(word: str) -> bool:
    """Whether jieba reads ``word`` as one place name (美国, 台湾, 美, 俄): what qualifies an
    institution (美国|国务院, 台湾|国防部) and so decides which country's it is."""
    if word in _DIRECTIONS:
        return False
    tags = _segmenter().tag(word)
    return len(tags) == 1 and tags[0][1] in _PLACE_TAGS


@functools.lru_cache(maxsize=4096)
def is_word(word: str) -> bool:
    """Whether ``word`` is in jieba's dictionary (以北, 组织): a reading the text allows."""
    return bool(_segmenter().has_word(word))


_NAME_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})
"""jieba part-of-speech tags of proper names: people, transliterations, places, organizations."""


@functools.lru_cache(maxsize=4096)
def is_name(word: str) -> bool:
    """Whether jieba reads ``word`` as one proper name (约克 York, 北京)."""
    tags = _segmenter().tag(word)
    return len(tags) == 1 and tags[0][1] in _NAME_TAGS

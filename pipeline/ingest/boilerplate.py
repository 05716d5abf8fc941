"""Boilerplate that only a run of several documents gives away: lines every page of a site repeats.

A site's footer ("join our monthly subscribers…"), a feed exporter's sign-off or a standard
disclaimer sits at the same place in every article from that source, and no single page shows
it is chrome. Across a run it does: a block near the start or end of a document whose text
(digits folded, whitespace ignored) also sits near the start or end of other documents is
dropped (``repeated-boilerplate``) — in three documents, or in two when it is not prose. Copies
of one article (documents sharing most of their blocks) count once, so translating the same page
twice never empties it, and a document keeps at least one block of text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from pipeline.document import Block, Document
from pipeline.ingest.chrome import Candidate
from pipeline.ingest.zones import is_prose

HEAD_BLOCKS = 3
TAIL_BLOCKS = 5
MIN_DOCUMENTS = 3
DUPLICATE_SHARE = 0.5
"""Documents sharing more than this share of the longer one's blocks are copies of one article."""
_TEXT_KINDS = frozenset({"paragraph", "list_item", "quote", "caption", "heading"})
_DIGITS = re.compile(r"\d+")
_WS = re.compile(r"\s+")


def drop_repeated(docs: list[Document]) -> dict[int, list[tuple[str, str]]]:
    """Remove repeated edge blocks from ``docs`` (in place, blocks renumbered); return what was
    dropped, by position of the document in ``docs``."""
    if len(docs) < 2:
        return {}
    edges = [_edge_keys(doc) for doc in docs]
    everything = [{_key(b.text) for b in doc.blocks if b.kind in _TEXT_KINDS} for doc in docs]
    cluster = _clusters(everything)
    holders: dict[str, set[int]] = defaultdict(set)
    for i, keys in enumerate(edges):
        for key in keys.values():
            holders[key].add(cluster[i])
    dropped: dict[int, list[tuple[str, str]]] = {}
    for i, doc in enumerate(docs):
        doomed = set()
        for index, key in edges[i].items():
            block = doc.blocks[index]
            sources = len(holders[key])
            prose = is_prose(Candidate(block.kind, block.text))
            if sources >= MIN_DOCUMENTS or (sources >= 2 and not prose):
                doomed.add(index)
        left = [b for b in doc.blocks if b.index not in doomed and b.kind != "title"]
        if not doomed or not any(b.kind in _TEXT_KINDS for b in left):
            continue
        dropped[i] = [("repeated-boilerplate", doc.blocks[k].text) for k in sorted(doomed)]
        kept = [b for b in doc.blocks if b.index not in doomed]
        doc.blocks = [replace(b, index=n) for n, b in enumerate(kept)]
    return dropped


def _key(text: str) -> str:
    return _DIGITS.sub("#", _WS.sub("", text))


def _edge_keys(doc: Document) -> dict[int, str]:
    """Keys of the first and last text blocks (the title excluded), by block index."""
    blocks: list[Block] = [b for b in doc.blocks if b.kind in _TEXT_KINDS]
    edge = blocks[:HEAD_BLOCKS] + blocks[-TAIL_BLOCKS:]
    return {b.index: _key(b.text) for b in edge if _key(b.text)}


def _clusters(keys: list[set[str]]) -> list[int]:
    """Cluster number of each document; copies of one article share a cluster."""
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            large = max(len(keys[i]), len(keys[j]))
            if large and len(keys[i] & keys[j]) > DUPLICATE_SHARE * large:
                parent[root(j)] = root(i)
    return [root(i) for i in range(len(keys))]

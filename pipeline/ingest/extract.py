"""A second opinion on full web pages: trafilatura's main-text extraction, used as a vote.

zhen's own HTML walk keeps structure, bylines, captions and offsets, and on the feed exports its
users mostly have it loses nothing; trafilatura (the field's reference extractor) knows more page
layouts but drops bylines, captions and ledes (measured in ``bench/RESULTS.md``). So on a full
page (format ``html`` only) without an ``<article>``/``<main>`` container — the layouts zhen's
walk cannot see into — trafilatura votes: a short, non-prose line of zhen's that is not in
trafilatura's main text — a login prompt, a weather widget, "上一篇/下一篇" — is dropped
(``extractor-vote``). Prose, headings, captions, images, code and tables are never dropped by the
vote, and when trafilatura finds too little text (a fallback) its vote is ignored.
"""

from __future__ import annotations

import logging
import re

from pipeline.ingest.chrome import Candidate, chrome_rule
from pipeline.ingest.zones import is_prose

MIN_AGREEMENT = 0.4
"""Share of zhen's prose characters trafilatura must find for its vote to count."""
_WS = re.compile(r"\s+")
_VOTED_KINDS = frozenset({"paragraph", "list_item", "quote"})


def main_text(html: str) -> str | None:
    """Trafilatura's main text of a page (precision mode), or ``None`` when it finds none."""
    # Lazy: trafilatura loads in ~0.3 s with its dependencies; only full web pages need it.
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        return trafilatura.extract(
            html,
            output_format="txt",
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            with_metadata=False,
        )
    except Exception:  # it is only a vote: whatever trafilatura or lxml trip over, abstain
        return None


def main_text_vote(html: str, candidates: list[Candidate]) -> list[Candidate]:
    """Mark short non-prose lines outside trafilatura's main text as chrome (in place)."""
    prose = [c for c in candidates if is_prose(c) and not c.chrome]
    if not prose:
        return candidates
    extracted = main_text(html)
    if not extracted:
        return candidates
    found = _WS.sub("", extracted)
    prose_chars = sum(len(_WS.sub("", c.plain)) for c in prose)
    kept_chars = sum(len(_WS.sub("", c.plain)) for c in prose if _WS.sub("", c.plain) in found)
    if not prose_chars or kept_chars < MIN_AGREEMENT * prose_chars:
        return candidates  # nothing to agree on, or trafilatura fell back to a fragment
    for c in candidates:
        if c.kind not in _VOTED_KINDS or c.chrome or is_prose(c) or chrome_rule(c) is not None:
            continue  # the rules name what they catch; the vote only adds to them
        key = _WS.sub("", c.plain)
        if key and key not in found:
            c.chrome = "extractor-vote"
    return candidates

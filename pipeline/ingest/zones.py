"""Chrome that only its place in the page gives away: rules over the whole list of lines.

A line-level rule (:mod:`.chrome`) cannot tell an author's bio from a sentence, or a table of
contents from a list; their position can. The article's *prose* — paragraphs long enough and
punctuated like sentences — is the anchor: what sits before the first or after the last prose
paragraph is where pages put their chrome, and only there do the looser signals below apply.
Position alone is never enough (bylines, captions, ledes and subheads sit there too); each rule
combines it with a shape.
"""

from __future__ import annotations

import re

from pipeline.ingest.chrome import SHORT_LINE, Candidate
from pipeline.ingest.inline import escape_text

Dropped = list[tuple[str, str]]

PROSE_MIN_CHARS = 25
TOC_MAX_LINES = 12
TOC_MAX_CHARS = 60
FOOTER_MAX_BLOCKS = 4
FOOTER_MAX_CHARS = 200
CAPTION_CREDIT_MAX = 25
_SENTENCE_MARK = re.compile(r"[。！？!?；;]|\.(?:\s|$)")
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[一二三四五六七八九十]+[、.．]|[（(]\d+[）)])\s*")
_BIO = re.compile(
    r"是《[^》]{1,20}》.{0,24}(?:社长|社長|记者|記者|编辑|編輯|主编|主編|主任|撰稿人|专栏作家|專欄作家"
    r"|通讯员|通訊員|特派员|特派員|作者|研究员|研究員)"
)
_PROMO = re.compile(
    r"(?i:訂戶|订户|订阅|訂閱|支持我們|支持我们|捐款|捐助|贊助|赞助|會員|会员|打赏|打賞|subscribe"
    r"|donate|membership)"
)
_CAPTION_CREDIT = re.compile(
    r"(?:[（(]\s*(?:图|圖|图片|圖片|摄|攝|资料图|資料圖|图源|圖源)[^）)]{0,20}[）)]"
    r"|(?:(?<=[。！？.!?\s])|^)(?:取自|图片来源|圖片來源|图源|圖源|摄影|攝影)\s*[:：／/]?\s*[^。！？]{1,20})"
    r"\s*$"
)


def is_prose(c: Candidate) -> bool:
    """A paragraph-like line that reads as sentences: long enough and punctuated."""
    if c.kind not in ("paragraph", "quote", "list_item") or c.brk:
        return False
    text = c.plain.strip()
    if len(text) < PROSE_MIN_CHARS:
        return False
    if _SENTENCE_MARK.search(text) is not None:
        return True
    # Long but unpunctuated: prose, unless numbered like a section title.
    return len(text) >= 2 * PROSE_MIN_CHARS and not _NUMBERING.match(text)


def prose_span(kept: list[Candidate]) -> tuple[int, int]:
    """Indexes of the first and last prose line (``(-1, -1)`` when there is none)."""
    marks = [i for i, c in enumerate(kept) if is_prose(c)]
    return (marks[0], marks[-1]) if marks else (-1, -1)


def apply_zones(kept: list[Candidate], dropped: Dropped) -> list[Candidate]:
    """Every positional rule, in order; thematic breaks are used, then removed."""
    kept = _footer_after_rule(kept, dropped)
    kept = [c for c in kept if not c.brk]
    kept = _toc_fragment(kept, dropped)
    kept = _tail_credits(kept, dropped)
    _caption_credits(kept, dropped)
    return _empty_sections(kept, dropped)


def _drop(kept: list[Candidate], doomed: set[int], rule: str, dropped: Dropped) -> list[Candidate]:
    dropped.extend((rule, kept[i].plain) for i in sorted(doomed))
    return [c for i, c in enumerate(kept) if i not in doomed]


def _footer_after_rule(kept: list[Candidate], dropped: Dropped) -> list[Candidate]:
    """A few short blocks after the last thematic break that ask readers to subscribe or
    support the site: the site's footer, not the article's last words."""
    breaks = [i for i, c in enumerate(kept) if c.brk]
    if not breaks:
        return kept
    tail = [i for i in range(breaks[-1] + 1, len(kept)) if not kept[i].brk]
    if not tail or len(tail) > FOOTER_MAX_BLOCKS:
        return kept
    texts = [kept[i].plain for i in tail]
    if any(len(t) > FOOTER_MAX_CHARS for t in texts) or not any(_PROMO.search(t) for t in texts):
        return kept
    return _drop(kept, set(tail), "subscription-footer", dropped)


def _toc_fragment(kept: list[Candidate], dropped: Dropped) -> list[Candidate]:
    """Short lines before the first prose paragraph that repeat later headings: a table of
    contents flattened into lines (the exporter lost its links)."""
    first, _last = prose_span(kept)
    if first <= 0:
        return kept
    headings = {_bare(c.plain) for c in kept[first:] if c.kind == "heading"}
    run: list[int] = []
    for i in range(first - 1, -1, -1):
        c = kept[i]
        if c.kind not in ("paragraph", "list_item") or len(c.plain) > TOC_MAX_CHARS:
            break
        run.append(i)
        if len(run) >= TOC_MAX_LINES:
            break
    hits = [i for i in run if _bare(kept[i].plain) in headings]
    if not hits or len(hits) * 2 < len(run):
        return kept
    numbered = [i for i in run if _NUMBERING.match(kept[i].plain)]
    doomed = set(run) if len(hits) + len(numbered) >= len(run) else set(hits)
    return _drop(kept, doomed, "toc-fragment", dropped)


def _bare(text: str) -> str:
    return " ".join(_NUMBERING.sub("", text).split())


def _tail_credits(kept: list[Candidate], dropped: Dropped) -> list[Candidate]:
    """After the last prose paragraph, an author's bio line (``X是《报名》首尔分社社长``)."""
    _first, last = prose_span(kept)
    if last < 0:
        return kept
    doomed = {
        i
        for i in range(last, len(kept))
        if kept[i].kind != "heading"
        and len(kept[i].plain) <= 2 * SHORT_LINE
        and _BIO.search(kept[i].plain)
        and (i > last or kept[i].group >= 0)
    }
    return _drop(kept, doomed, "credits", dropped) if doomed else kept


def _caption_credits(kept: list[Candidate], dropped: Dropped) -> None:
    """A photo credit after a caption's last sentence (``…7.5億美元。取自US Army 臉書``,
    ``…的核武。美國國防部``, ``（圖：新華社）``): dropped, the caption kept."""
    for c in kept:
        if c.kind != "caption":
            continue
        text = c.plain.rstrip()
        match = _CAPTION_CREDIT.search(text)
        end = max(text.rfind(p) for p in "。！？")
        if match is not None and match.start() > 0:
            credit = text[match.start() :].strip()
        elif 0 <= end < len(text) - 1 and len(text) - end - 1 <= CAPTION_CREDIT_MAX:
            credit = text[end + 1 :].strip()
        else:
            continue
        keep = text[: len(text) - len(credit)].rstrip()
        if not keep or not credit:
            continue
        dropped.append(("photo-credit", credit))
        c.plain = keep
        md = c.text.rstrip()
        suffix = escape_text(credit)
        c.text = md[: -len(suffix)].rstrip() if md.endswith(suffix) else escape_text(keep)


def _texty(text: str) -> bool:
    """A line that reads as text, not as a section title: punctuated or prose-long."""
    return _SENTENCE_MARK.search(text) is not None or len(text.strip()) >= PROSE_MIN_CHARS


def _empty_sections(kept: list[Candidate], dropped: Dropped) -> list[Candidate]:
    """Headings that end the document with nothing under them (a references section whose
    links the exporter lost) — short, unpunctuated titles; a "heading" holding a sentence or a
    line of prose is text."""
    end = len(kept)
    while end > 0 and kept[end - 1].kind == "heading" and not _texty(kept[end - 1].plain):
        end -= 1
    if end == 0 or end == len(kept):
        return kept
    return _drop(kept, set(range(end, len(kept))), "empty-section", dropped)

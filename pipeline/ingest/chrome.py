"""What is not article text, as readable tables, and the step that turns candidates into blocks.

Every format parser (HTML, feed export, Markdown, plain text) emits :class:`Candidate` s: one per
visual line/paragraph with a few structural flags. :func:`build_blocks` then drops page chrome
with the rules below, settles the title and numbers the blocks. Keeping the rules in one table —
each with a name — makes every rule testable on its own and shows a reviewer *why* a line vanished.

Regexes here only match whole *lines of extracted text* (never markup); parsing is done by
selectolax / markdown-it before anything reaches this module.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from pipeline.chars import is_cjk
from pipeline.document import Block, BlockKind, Metadata


@dataclass
class Candidate:
    """One line/paragraph a parser found, before chrome removal.

    ``link_only``: all its visible text is one hyperlink's text (author names, "Read Original").
    ``image_only``: it held images and no text (avatars, badges, photos).
    """

    kind: BlockKind
    text: str
    level: int = 0
    link_only: bool = False
    image_only: bool = False
    href: str | None = None


@dataclass(frozen=True)
class ChromeRule:
    """A named test for non-article lines: ``pattern`` must match the whole stripped text."""

    name: str
    why: str
    pattern: str | None = None
    predicate: Callable[[Candidate], bool] | None = None
    headings: bool = True  # whether the rule also applies to headings


_PROSE_KINDS = ("paragraph", "list_item", "caption", "quote")

CHROME_RULES: tuple[ChromeRule, ...] = (
    ChromeRule("empty", "nothing left after removing markup", predicate=lambda c: not c.text),
    ChromeRule(
        "link-only",
        "a line that is just one link: author names, 'Read Original', related-article links",
        predicate=lambda c: c.link_only and c.kind in _PROSE_KINDS,
        headings=False,
    ),
    ChromeRule("omnivore-tag", "Omnivore's '#Omnivore' tag line", r"#[^\s#]+(?:\s+#[^\s#]+)*"),
    ChromeRule(
        "omnivore-link",
        "Omnivore's 'Read on Omnivore' / 'Read Original'",
        r"Read (?:on Omnivore|Original)",
    ),
    ChromeRule("full-content", "Omnivore's 'Full Content:' heading", r"Full Content\s*:?"),
    ChromeRule(
        "saved-published",
        "Omnivore repeats date_saved/date_published in the body",
        r"(?:date_saved|date_published|date_created|saved_at|published_at)\s*[:：].*",
    ),
    ChromeRule(
        "verified-badge", "Zhihu account badge", r"已认证(?:的机构)?(?:账号|帐号|的官方帐号)"
    ),
    ChromeRule(
        "follow-button", "Zhihu/Weibo follow button", r"[+＋]?\s*(?:关注|關注)(?:TA|他|她|Ta)?"
    ),
    ChromeRule(
        "counter-label",
        "follower/view counter labels",
        r"(?:关注者|被浏览|浏览量|阅读量|阅读数|评论数|點閱數|瀏覽次數)",
    ),
    ChromeRule(
        "number-only", "bare counters like **522** or 859,168", r"[\d,，.]+\s*[万千亿萬億KkMm]?\+?"
    ),
    ChromeRule(
        "vote-count", "Zhihu '199 人赞同了该回答'", r"[\d,.]+\s*[万千]?\s*人赞同了该(?:回答|文章)"
    ),
    ChromeRule(
        "vote-bar",
        "Zhihu action bar '赞同 199 15 条评论 收藏 喜欢 收起'",
        r"(?:已)?赞同\s*[\d,.万千]*\s*(?:条评论|添加评论)?(?:\s*(?:收藏|喜欢|收起|分享|举报|申请转载|设置))*",
    ),
    ChromeRule("show-all", "truncated excerpt ending in '显示全部' (Show all)", r".*显示全部"),
    ChromeRule(
        "read-more",
        "'read the full text' expanders",
        r"(?:展开阅读全文|阅读全文|查看全文|展开全文|收起)\s*[>›»]?",
    ),
    ChromeRule(
        "edit-stamp",
        "Zhihu '编辑于 …・IP 属地美国' / '发布于 …' stamps",
        r"(?:编辑于|发布于|修改于|發佈於|編輯於)\s*[\d:\-/年月日 昨今前天分钟小时]{2,25}"
        r"(?:\s*[・·]?\s*IP\s*属地\s*\S{1,12})?",
    ),
    ChromeRule("ip-location", "stand-alone 'IP 属地…' line", r"IP\s*(?:属地|屬地)\s*\S{1,12}"),
    ChromeRule(
        "bare-date",
        "a date/time alone on a line (kept as metadata when useful)",
        r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}(?:\s*[-–,T]?\s*\d{1,2}:\d{2}(?::\d{2})?)?"
        r"|\d{4}年\d{1,2}月\d{1,2}日(?:\s*\d{1,2}:\d{2})?",
    ),
    ChromeRule(
        "share-label",
        "share bar labels",
        r"(?i:分享(?:到|至|本文)?|share(?: this)?|partager)\s*[:：]?",
    ),
    ChromeRule("feed-footer", "RSS exporter footer (获取更多RSS…)", r"获取更多\s*RSS.*"),
    ChromeRule("bare-url", "a URL alone on a line", r"(?:https?://|www\.)\S+"),
    ChromeRule("rule-line", "a left-over horizontal rule like a trailing ---", r"[-—=*_~]{3,}"),
    ChromeRule(
        "related-heading",
        "heading of a related-articles list",
        r"(?i:同一主题|相关文章|相关阅读|延伸阅读|相关新闻|推荐阅读|猜你喜欢|相關新聞|延伸閱讀"
        r"|related (?:articles|stories|content))",
    ),
    ChromeRule(
        "newsletter",
        "newsletter/app promotion",
        r"(?:订阅|下载)(?:我们的)?(?:新闻信|电子报|APP|App|客户端).{0,20}",
    ),
)

# Context rule: lines between an author link and its follow button are the author's bio line.
PROFILE_HEADER_MAX_LINES = 2
PROFILE_HEADER_MAX_CHARS = 80


@functools.cache
def _compiled() -> tuple[tuple[ChromeRule, re.Pattern[str] | None], ...]:
    return tuple((r, re.compile(r.pattern) if r.pattern else None) for r in CHROME_RULES)


def chrome_rule(candidate: Candidate) -> str | None:
    """Name of the first chrome rule ``candidate`` matches, or ``None`` when it is article text."""
    text = candidate.text.strip()
    probe = replace(candidate, text=text) if text != candidate.text else candidate
    if candidate.image_only and not text:
        return "image-only"
    for rule, pattern in _compiled():
        if not rule.headings and candidate.kind in ("heading", "title"):
            continue
        if rule.predicate is not None and rule.predicate(probe):
            return rule.name
        if pattern is not None and pattern.fullmatch(text):
            return rule.name
    return None


@dataclass
class Built:
    """Blocks plus what was dropped (``(rule, text)``) so tests and ``--verbose`` can explain it."""

    blocks: list[Block]
    dropped: list[tuple[str, str]]


TITLE_SEPARATORS = (" - ", " | ", " _ ", " – ", " — ", "｜", " · ")


def clean_title(title: str, evidence: set[str]) -> str:
    """Drop a site suffix ("… - 知乎") when the part before it appears elsewhere as a heading."""
    title = " ".join(title.split())
    for sep in TITLE_SEPARATORS:
        head, found, _tail = title.rpartition(sep)
        if found and head.strip() in evidence:
            return head.strip()
    return title


def build_blocks(candidates: list[Candidate], meta: Metadata) -> Built:
    """Drop chrome, settle the title block, number the rest; may fill ``meta`` from chrome."""
    kept: list[Candidate] = []
    dropped: list[tuple[str, str]] = []
    author_mark = -1
    for cand in candidates:
        cand.text = cand.text.strip()
        rule = chrome_rule(cand)
        if rule is None:
            kept.append(cand)
            continue
        dropped.append((rule, cand.text))
        if rule == "link-only":
            author_mark = len(kept)
        elif rule == "follow-button" and author_mark >= 0:
            _drop_profile_header(kept, author_mark, dropped)
            author_mark = -1
        elif rule == "bare-date" and meta.published is None and not _has_prose(kept):
            meta.published = parse_loose_date(cand.text)
    _settle_title(kept, meta)
    blocks = [
        Block(
            index=i,
            kind=c.kind,
            text=c.text,
            level=c.level if c.kind in ("heading", "title") else 0,
        )
        for i, c in enumerate(kept)
    ]
    return Built(blocks, dropped)


def _has_prose(kept: list[Candidate]) -> bool:
    return any(c.kind not in ("heading", "title") for c in kept)


def _drop_profile_header(kept: list[Candidate], mark: int, dropped: list[tuple[str, str]]) -> None:
    """Remove the author's bio line(s) sitting between the author link and the follow button."""
    tail = kept[mark:]
    if len(tail) <= PROFILE_HEADER_MAX_LINES and all(
        len(c.text) <= PROFILE_HEADER_MAX_CHARS and c.kind != "heading" for c in tail
    ):
        dropped.extend(("profile-header", c.text) for c in tail)
        del kept[mark:]


def _settle_title(kept: list[Candidate], meta: Metadata) -> None:
    """One title block first: the leading heading that repeats the title, else one from metadata."""
    if kept and kept[0].kind == "title":  # plain text already chose its title line
        meta.title = meta.title or kept[0].text
        return
    raw = " ".join(meta.title.split()) if meta.title else None
    if raw:
        meta.title = clean_title(raw, {c.text for c in kept if c.kind == "heading"})
    for i, cand in enumerate(kept):
        if cand.kind != "heading":
            break
        if raw is None and cand.level == 1:
            meta.title = cand.text
        if cand.text in (raw, meta.title):
            kept[i] = Candidate("title", meta.title or cand.text, level=cand.level)
            if i:
                kept.insert(0, kept.pop(i))
            return
    if meta.title:
        kept.insert(0, Candidate("title", meta.title, level=1))


_LOOSE_DATE = re.compile(
    r"(?P<a>\d{1,4})[/.\-年](?P<b>\d{1,2})[/.\-月](?P<c>\d{1,4})日?"
    r"(?:\s*[-–,T]?\s*(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?)?"
)


def parse_loose_date(text: str) -> str | None:
    """ISO date(time) from a stray date line; ``11/12/2023`` reads day-first (European sites)."""
    match = _LOOSE_DATE.fullmatch(text.strip())
    if not match:
        return None
    a, b, c = (int(match[k]) for k in "abc")
    if len(match["a"]) == 4:
        year, month, day = a, b, c
    elif b > 12 >= a:
        year, month, day = c, a, b
    else:
        year, month, day = c, b, a
    try:
        when = datetime(
            year, month, day, int(match["h"] or 0), int(match["m"] or 0), int(match["s"] or 0)
        )
    except ValueError:
        return None
    return when.isoformat() if match["h"] else when.date().isoformat()


def iso_date(value: object) -> str | None:
    """ISO 8601 for front-matter/meta-tag dates; unparseable text is kept as given, not guessed."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return text or None


_NEWLINE_RUN = re.compile(r"\s*\n\s*")
_QUOTES = frozenset("“”‘’…—")


def tight_break(left: str, right: str) -> bool:
    """Whether a line break between these characters is a wrap inside Chinese text (no space)."""
    if not left or not right:
        return False
    left_cjk, right_cjk = is_cjk(left), is_cjk(right)
    return (left_cjk and (right_cjk or right in _QUOTES)) or (right_cjk and left in _QUOTES)


def join_lines(text: str) -> str:
    """Resolve soft line breaks: nothing inside Chinese text, a space otherwise."""
    if "\n" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        start, end = m.start(), m.end()
        left = text[start - 1] if start else ""
        right = text[end] if end < len(text) else ""
        return "" if tight_break(left, right) else " "

    return _NEWLINE_RUN.sub(repl, text).strip()

"""What is not article text, line by line: the candidate lines parsers emit and the named rules.

Every format parser (HTML, feed export, Markdown, plain text, feeds, office files) emits
:class:`Candidate` s: one per visual line/paragraph, with its inline Markdown, its visible text
and a few structural flags. :func:`chrome_rule` names the first rule a line matches; rules look
only at a line's *visible* text and flags, never at markup. Rules here are generic — they hold
for any news or blog page (dates, share labels, copyright, credits, ad labels, "back to top") —
while what one exporter or site adds is data in ``templates.toml`` (:mod:`.templates`), and what
depends on a line's position in the page is in :mod:`.zones`. Each rule has a name, so
``zhen segment --show-dropped`` can say why a line vanished.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from pipeline.document import VERBATIM_KINDS, BlockKind
from pipeline.ingest.dates import ANY_DATE
from pipeline.ingest.templates import template_rules


@dataclass
class Candidate:
    """One line/paragraph a parser found, before chrome removal.

    ``text`` is inline Markdown (what the block will hold); ``plain`` its visible text (what
    rules look at; defaults to ``text``). ``link_only``: all its visible text is one hyperlink's
    text (author names, "Read Original"); ``links``/``link_chars`` count links and their text.
    ``image_only``: it held images and no text (avatars, badges). ``group`` numbers the lines
    split from one paragraph at ``<br>``; ``brk`` marks a thematic break (no text, a position);
    ``chrome`` names the rule when the parser itself already knows the line is chrome.
    ``marker``, ``table``/``row``/``col`` and ``info`` become the :class:`Block` fields.
    """

    kind: BlockKind
    text: str
    level: int = 0
    link_only: bool = False
    image_only: bool = False
    href: str | None = None
    plain: str = ""
    marker: str = ""
    table: int = -1
    row: int = -1
    col: int = -1
    info: str = ""
    links: int = 0
    link_chars: int = 0
    group: int = -1
    brk: bool = False
    chrome: str = ""

    def __post_init__(self) -> None:
        if not self.plain and self.kind not in VERBATIM_KINDS:
            self.plain = self.text


@dataclass(frozen=True)
class ChromeRule:
    """A named test for non-article lines: ``pattern`` must match the whole stripped text."""

    name: str
    why: str
    pattern: str | None = None
    predicate: Callable[[Candidate], bool] | None = None
    headings: bool = True  # whether the rule also applies to headings
    last: bool = False  # tried after the templates' rules (a broad rule a template refines)


_PROSE_KINDS = ("paragraph", "list_item", "caption", "quote")
SENTENCE_END = "。！？!?…"
LINK_LIST_OTHER_LETTERS = 3
"""Letters outside the links a link list may have ("标签："); a sentence with several links has
more ("支持[A]、[B]多种渠道部署")."""
SHORT_LINE = 60
"""Longest line (characters) a credit, copyright or notice line may be: article sentences that
merely mention an editor or a copyright are longer."""


def _link_list(c: Candidate) -> bool:
    """Several links and almost nothing else (separators aside): a navigation bar, a tag list."""
    if c.links < 2:
        return False
    letters = sum(1 for ch in c.plain if ch.isalnum())
    return letters - c.link_chars <= LINK_LIST_OTHER_LETTERS


def _short(pattern: str) -> Callable[[Candidate], bool]:
    compiled = re.compile(pattern)

    def test(c: Candidate) -> bool:
        text = c.plain.strip()
        return len(text) <= SHORT_LINE and compiled.search(text) is not None

    return test


_DATE_LABEL = (
    r"(?:(?:发布|發布|發佈|发表|發表|更新|出版|刊登|最后更新|最後更新)?(?:时间|時間|日期)"
    r"|(?i:published|updated|posted|date|time))\s*[:：]?\s*"
)
_META_LABEL = (
    r"(?:来源|來源|作者|记者|記者|编辑|編輯|责编|責編|阅读|閱讀|浏览|瀏覽|点击|點擊|评论|評論|字号|字號"
    r"|发布|發布|發佈|更新|(?i:source|by|views?))"
)
_LOGIN = r"(?:登录|登入|登錄|注册|註冊|(?i:sign in|log in|login|sign up|register))"
_CREDIT_ROLE = (
    r"(?:责任编辑|責任編輯|责编|責編|编辑|編輯|主编|主編|翻译|翻譯|译者|譯者|编译|編譯|校对|校對"
    r"|审校|審校|审核|審核|撰稿|摄影|攝影|摄|攝|图|圖|图片|圖片|配图|配圖|美编|美編|实习生|實習生"
    r"|出品|监制|監製|制作|製作)"
)
COPYRIGHT_MARK = re.compile(
    r"©|\(c\)\s*\d{4}|(?i:copyright|all rights reserved)|ICP[备證证]|公网安备|公網安備"
)
COPYRIGHT_PHRASE = re.compile(
    r"(?:版权所有|版權所有)(?![人者])|版权声明|版權聲明|著作权归|著作權歸|商业转载|商業轉載|不得转载|不得轉載"
    r"|禁止转载|禁止轉載|转载请注明|轉載請註明"
)


def _copyright(c: Candidate) -> bool:
    """A copyright/reprint notice: a © or "Copyright" line, or a short line with a reprint
    phrase (a sentence *about* copyright is longer)."""
    text = c.plain.strip()
    if COPYRIGHT_MARK.search(text):
        return len(text) <= 2 * SHORT_LINE
    return len(text) <= SHORT_LINE and COPYRIGHT_PHRASE.search(text) is not None


CHROME_RULES: tuple[ChromeRule, ...] = (
    ChromeRule("empty", "nothing left after removing markup", predicate=lambda c: not c.plain),
    ChromeRule(
        "link-only",
        "a line that is just one link: author names, 'Read Original', related-article links",
        predicate=lambda c: c.link_only and c.kind in _PROSE_KINDS,
        headings=False,
    ),
    ChromeRule(
        "link-list",
        "several links and almost no other text: a navigation bar, tag or headline list",
        predicate=lambda c: c.kind in _PROSE_KINDS and _link_list(c),
        headings=False,
    ),
    ChromeRule(
        "number-only", "bare counters like **522** or 859,168", r"[\d,，.]+\s*[万千亿萬億KkMm]?\+?"
    ),
    ChromeRule(
        "bare-date",
        "a date/time alone on a line (kept as metadata when useful)",
        rf"(?:{_DATE_LABEL})?{ANY_DATE}(?:\s*[（(][^）)]{{0,30}}[）)])?",
    ),
    ChromeRule(
        "dateline",
        "a date with source, author or counter labels: the page's meta line (kept as metadata)",
        predicate=lambda c: _dateline(c.plain.strip()),
        last=True,
    ),
    ChromeRule(
        "share-label",
        "share bar labels",
        r"(?i:分享(?:到|至|本文|文章|此文)?|share(?: this(?: article| story)?)?|partager)\s*[:：]?",
    ),
    ChromeRule("bare-url", "a URL alone on a line", r"(?:https?://|www\.)\S+"),
    ChromeRule("rule-line", "a left-over horizontal rule like a trailing ---", r"[-—=*_~]{3,}"),
    ChromeRule(
        "related-heading",
        "heading of a related-articles or most-read list",
        r"(?i:同一主题|相关文章|相关阅读|延伸阅读|相关新闻|相关报道|推荐阅读|猜你喜欢|相關新聞|延伸閱讀"
        r"|相關文章|相關報導|推薦閱讀|热门新闻|熱門新聞|热点新闻|熱點新聞|热门文章|熱門文章|热点推荐"
        r"|熱點推薦|热门推荐|熱門推薦|排行榜|最新消息|更多新闻|更多新聞|看更多|阅读排行|閱讀排行"
        r"|related (?:articles|stories|content|posts)|more stories|most (?:read|popular))"
        r"\s*[:：>›»]?",
    ),
    ChromeRule(
        "newsletter",
        "newsletter/app promotion",
        predicate=_short(
            r"(?:订阅|訂閱|下载|下載|安装|安裝|关注|關注|加入|扫码|掃碼|扫描|掃描|追踪|追蹤)"
            r".{0,16}(?:新闻信|電子報|电子报|APP|App|app|客户端|客戶端|公众号|公眾號|频道|頻道"
            r"|newsletter|官方帐号|官方帳號|LINE|Telegram|YouTube)"
        ),
    ),
    ChromeRule(
        "copyright",
        "a copyright or reprint notice (©, 版权所有, 著作权归作者所有, 不得转载, ICP备案)",
        predicate=_copyright,
    ),
    ChromeRule(
        "credit",
        "an editor, translator or photographer credit line (翻译：…, （责任编辑：…）)",
        predicate=_short(
            rf"^[（(【\[]?\s*{_CREDIT_ROLE}\s*[:：／/|]\s*[^。！？!?]{{1,40}}[）)】\]]?\s*\d{{0,8}}$"
            r"|(?:对|對)本文(?:亦)?(?:有所|有)?(?:报道|報導|报导|采访|採訪|研究|翻译|翻譯)?(?:贡献|貢獻)"
        ),
    ),
    ChromeRule(
        "back-to-top",
        "'back to top' links",
        r"(?:回到|返回|回)(?:页首|頁首|顶部|頂部|顶端|頂端|网页上方|網頁上方|上方|页面顶部|頁面頂部)"
        r"\s*[↑⬆▲︿^]?|(?i:back to top)\s*[↑⬆▲︿^]?|[↑⬆▲︿]",
    ),
    ChromeRule(
        "login-prompt",
        "log-in / sign-up links",
        rf"{_LOGIN}(?:\s*[|/｜·•]\s*{_LOGIN})*",
    ),
    ChromeRule(
        "ad-label",
        "an advertisement label alone on a line",
        r"(?:广告|廣告|推广|推廣|赞助|贊助|赞助内容|贊助內容|(?i:advertisement|sponsored|ad))",
    ),
    ChromeRule(
        "stray-mark",
        "a lone punctuation mark or one or two small Latin letters (a broken widget's residue)",
        r"[^\w\s]{1,3}|[a-z]{1,2}",
    ),
    ChromeRule(
        "consent-notice",
        "a cookie or privacy consent notice",
        predicate=_short(
            r"(?i:cookie|隐私权|隱私權|隐私政策|隱私政策|隐私声明|隱私聲明|个人信息|個人資料|privacy)"
            r".{0,40}(?:同意|接受|了解|瞭解|继续|繼續|使用|agree|accept|consent)"
            r"|(?:同意|接受).{0,20}(?i:cookie|隐私|隱私)"
        ),
    ),
    ChromeRule(
        "browser-notice",
        "a browser-support notice",
        predicate=_short(
            r"(?i:浏览器|瀏覽器|browser).{0,30}(?:不支持|不支援|过旧|過舊|升级|升級|更新"
            r"|(?i:support|outdated|upgrade|update))"
        ),
    ),
)


_DATE_RE = re.compile(ANY_DATE)
_META_RE = re.compile(_META_LABEL)


def _dateline(text: str) -> bool:
    """Short, holding a date and a meta label, and not a sentence."""
    return (
        len(text) <= SHORT_LINE
        and not text.endswith("。")
        and _DATE_RE.search(text) is not None
        and _META_RE.search(text) is not None
    )


@functools.cache
def _compiled() -> tuple[tuple[ChromeRule, re.Pattern[str] | None], ...]:
    return tuple((r, re.compile(r.pattern) if r.pattern else None) for r in CHROME_RULES)


def chrome_rule(candidate: Candidate) -> str | None:
    """Name of the first chrome rule ``candidate`` matches, or ``None`` when it is article text.

    Verbatim blocks (code, images) are never chrome by their text; generic rules come first,
    then the templates' (``templates.toml``).
    """
    if candidate.chrome:
        return candidate.chrome
    if candidate.kind in VERBATIM_KINDS:
        return None
    text = candidate.plain.strip()
    probe = replace(candidate, plain=text) if text != candidate.plain else candidate
    if candidate.image_only and not text:
        return "image-only"
    heading = candidate.kind in ("heading", "title")
    compiled = _compiled()
    found = _first(probe, text, heading, [c for c in compiled if not c[0].last])
    if found is not None:
        return found
    for trule in template_rules():
        if (heading and not trule.headings) or (trule.only_headings and not heading):
            continue
        if trule.pattern.fullmatch(text):
            return trule.name
    return _first(probe, text, heading, [c for c in compiled if c[0].last])


def _first(
    probe: Candidate,
    text: str,
    heading: bool,
    rules: list[tuple[ChromeRule, re.Pattern[str] | None]],
) -> str | None:
    for rule, pattern in rules:
        if not rule.headings and heading:
            continue
        if rule.predicate is not None and rule.predicate(probe):
            return rule.name
        if pattern is not None and pattern.fullmatch(text):
            return rule.name
    return None

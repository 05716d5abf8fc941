"""The chrome rule table: every rule drops what it should and leaves article lines alone."""

from __future__ import annotations

import pytest

from pipeline.ingest.chrome import CHROME_RULES, Candidate, chrome_rule

# (line, how the parser saw it, rule that must drop it)
CHROME_LINES = [
    ("", Candidate("paragraph", ""), "empty"),
    ("", Candidate("paragraph", "", image_only=True), "image-only"),
    ("观察者网", Candidate("paragraph", "观察者网", link_only=True), "link-only"),
    ("flyingpanzer", Candidate("paragraph", "flyingpanzer", link_only=True), "link-only"),
    ("#Omnivore", None, "omnivore-tag"),
    ("#Omnivore #zhihu", None, "omnivore-tag"),
    ("Read on Omnivore", None, "omnivore-link"),
    ("Read Original", None, "omnivore-link"),
    ("Full Content:", Candidate("heading", "Full Content:", level=1), "full-content"),
    ("date_saved: 2023-12-12 09:16:43", None, "saved-published"),
    ("date_published: 2023-12-12 09:16:43", None, "saved-published"),
    ("已认证账号", None, "verified-badge"),
    (" 关注", None, "follow-button"),
    ("+ 关注", None, "follow-button"),
    ("关注者", None, "counter-label"),
    ("被浏览", None, "counter-label"),
    ("522", None, "number-only"),
    ("859,168", None, "number-only"),
    ("1.2万", None, "number-only"),
    ("199 人赞同了该回答", None, "vote-count"),
    ("赞同 19915 条评论收藏喜欢收起", None, "vote-bar"),
    ("赞同 1310226 条评论收藏喜欢", None, "vote-bar"),
    ("赞同 4391 添加评论 分享 收藏 喜欢", None, "vote-bar"),
    (
        "（观察者网讯）据《日经亚洲》报道称，美国正考虑提出同中国相互通报的提议内…显示全部 ",
        None,
        "show-all",
    ),
    ("显示全部", None, "show-all"),
    ("展开阅读全文", None, "read-more"),
    ("阅读全文 ›", None, "read-more"),
    ("收起", None, "read-more"),
    ("编辑于 2023-12-12 14:16・IP 属地美国", None, "edit-stamp"),
    ("发布于 2023-12-12 11:00", None, "edit-stamp"),
    ("编辑于 昨天 09:10", None, "edit-stamp"),
    ("IP 属地北京", None, "ip-location"),
    ("11/12/2023 - 14:21", None, "bare-date"),
    ("2020-10-11T09:33:25.855Z", None, "bare-date"),
    ("Wed, 07 Oct 2020 17:30:18 GMT", None, "bare-date"),
    ("發佈時間：2025/10/21 18:05", None, "bare-date"),
    ("2024-03-01 10:00 来源：示例新闻网 阅读量：12345", None, "dateline"),
    ("记者 王明 2024-03-01 10:00 来源：示例新闻网", None, "dateline"),
    ("登录 | 注册", None, "login-prompt"),
    ("Sign in", None, "login-prompt"),
    ("2025/11/04 14:32（11/04 15:10 更新）", None, "bare-date"),
    (
        "首页 国际 军事 财经",
        Candidate("paragraph", "首页 国际 军事 财经", links=4, link_chars=8),
        "link-list",
    ),
    (
        "首页 | 军事 | 登录",
        Candidate("paragraph", "首页 | 军事 | 登录", links=3, link_chars=6),
        "link-list",
    ),
    (
        "© 2020年德国之声版权声明：本文所有内容受到著作权法保护，如无特别授权，不得擅自使用。",
        None,
        "copyright",
    ),
    ("著作权归作者所有。商业转载请联系作者获得授权，非商业转载请注明出处。", None, "copyright"),
    ("Copyright © 2024 示例新闻网 京ICP备12345678号", None, "copyright"),
    ("翻译：Harry Wong，晋其角", None, "credit"),
    ("（责任编辑：李华）", None, "credit"),
    ("（編輯：陳大文）1141104", None, "credit"),
    ("Lara Jakes自华盛顿对本文有报道贡献。", None, "credit"),
    ("回到網頁上方", None, "back-to-top"),
    ("返回顶部", None, "back-to-top"),
    ("Back to top ↑", None, "back-to-top"),
    ("廣告", None, "ad-label"),
    ("Advertisement", None, "ad-label"),
    ("「", None, "stray-mark"),
    ("xx", None, "stray-mark"),
    (
        "本網站使用Cookie以提供更好的瀏覽體驗，繼續使用即表示您同意我們的隱私權政策。",
        None,
        "consent-notice",
    ),
    ("請同意我們的隱私權規範，以繼續瀏覽本站內容。", None, "consent-notice"),
    ("您的瀏覽器不支援繁體中文顯示，建議升級至最新版本。", None, "browser-notice"),
    ("Your browser does not appear to support Traditional Chinese.", None, "browser-notice"),
    ("2023-12-11", None, "bare-date"),
    ("2023年12月11日 14:21", None, "bare-date"),
    ("分享 :", None, "share-label"),
    ("分享到", None, "share-label"),
    ("Share", None, "share-label"),
    ("获取更多RSS：", None, "feed-footer"),
    ("https://feedx.net", None, "bare-url"),
    ("www.example.org/a", None, "bare-url"),
    ("---", None, "rule-line"),
    ("------", None, "rule-line"),
    ("同一主题", Candidate("heading", "同一主题", level=2), "related-heading"),
    ("相关阅读", None, "related-heading"),
    ("Related articles", None, "related-heading"),
    ("热门新闻", None, "related-heading"),
    ("熱門推薦", None, "related-heading"),
    ("订阅我们的新闻信", None, "newsletter"),
    ("下载APP", None, "newsletter"),
    ("下載本社APP　即時新聞不漏接", None, "newsletter"),
]

ARTICLE_LINES = [
    "HCOC的成员自愿在政【】上承诺提供有关弹道导弹和太空运载火箭在发射 和试飞前的通知 ，",
    "卡内基国际和平研究院共同主持人艾克顿（James Acton）指出，美国应该提出具体提案。",
    "注意：（HCOC协议下，有一个东方大国没有参与签署，大家猜猜是哪个LOL）",
    "美国还与俄罗斯签署了一些导弹发射通知的MOU(谅解备忘录），例如PLNS MOU。",
    "关注导弹发射通报机制的进展。",
    "赞同这一观点的人很多。",
    "分享经验是建立互信的第一步。",
    "显示全部数据需要更多时间。",
    "俄罗斯拥有1.1万枚核弹头，其中2427枚处已部署状态",
    "1988年，美苏签署的极其关键“美苏弹道导弹发射通知协议“",
    "2024年的国防预算为8500亿美元。",
    "这说明什么？",
    "当然不是。",
    "Read the original treaty text before judging.",
    "发布于官方网站的声明称，会谈将继续。",
    "LOL",
    "美方指责中方未经授权转让技术。",
    "他说，版权所有人的利益必须得到保护，这是谈判的焦点之一，双方仍有分歧，谈判将在下月继续进行。",
    "编辑部认为，这份报告的结论过于乐观，低估了导弹技术扩散的速度和规模，也忽视了地区安全格局的变化。",
    "美国国务院发言人表示，双方将在日内瓦继续就导弹发射通报机制进行磋商。",
    "广告法修订草案今天提交审议。",
    "记者注意到，会场外聚集了大批抗议者。",
    "AI",
    "2024年3月1日，记者从国防部获悉，新型驱逐舰完成训练。",
    "登录舰艇的检查人员来自三个国家。",
]


@pytest.mark.parametrize(
    ("line", "candidate", "rule"),
    CHROME_LINES,
    ids=[f"{r}:{line[:12]}" for line, _, r in CHROME_LINES],
)
def test_chrome_line_is_dropped_by_its_rule(
    line: str, candidate: Candidate | None, rule: str
) -> None:
    cand = candidate or Candidate("paragraph", line)
    assert chrome_rule(cand) == rule


@pytest.mark.parametrize("line", ARTICLE_LINES)
def test_article_line_is_kept(line: str) -> None:
    assert chrome_rule(Candidate("paragraph", line)) is None


def test_every_rule_in_the_table_is_exercised() -> None:
    covered = {rule for _, _, rule in CHROME_LINES}
    assert {r.name for r in CHROME_RULES} <= covered
    assert len({r.name for r in CHROME_RULES}) == len(CHROME_RULES)
    assert all(r.why for r in CHROME_RULES)


def test_a_sentence_made_mostly_of_links_is_kept() -> None:
    text = "支持云函数、本地环境、容器、安装包多种渠道部署"
    assert chrome_rule(Candidate("list_item", text, links=4, link_chars=13)) is None


def test_link_only_heading_is_kept() -> None:
    assert chrome_rule(Candidate("heading", "标题", level=2, link_only=True)) is None

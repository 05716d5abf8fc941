"""The chrome rule table: every rule drops what it should and leaves article lines alone."""

from __future__ import annotations

import pytest

from pipeline.document import Metadata
from pipeline.ingest.chrome import (
    CHROME_RULES,
    Candidate,
    build_blocks,
    chrome_rule,
    clean_title,
    join_lines,
    parse_loose_date,
)

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
    ("订阅我们的新闻信", None, "newsletter"),
    ("下载APP", None, "newsletter"),
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


def test_link_only_heading_is_kept() -> None:
    assert chrome_rule(Candidate("heading", "标题", level=2, link_only=True)) is None


def test_profile_bio_between_author_link_and_follow_button_is_dropped() -> None:
    cands = [
        Candidate("paragraph", "点评校尉", link_only=True),
        Candidate("paragraph", "", image_only=True),
        Candidate("paragraph", "沐雨栉风，尚存一身傲骨；公众号：点评校尉"),
        Candidate("paragraph", " 关注"),
        Candidate("paragraph", "老美玩这套小伎俩玩的很溜。"),
    ]
    built = build_blocks(cands, Metadata())
    assert [b.text for b in built.blocks] == ["老美玩这套小伎俩玩的很溜。"]
    assert ("profile-header", "沐雨栉风，尚存一身傲骨；公众号：点评校尉") in built.dropped


def test_long_text_before_a_follow_button_is_not_a_bio() -> None:
    long = "这是一段很长的正文。" * 10
    cands = [
        Candidate("paragraph", "作者", link_only=True),
        Candidate("paragraph", long),
        Candidate("paragraph", "关注"),
    ]
    assert [b.text for b in build_blocks(cands, Metadata()).blocks] == [long]


@pytest.mark.parametrize(
    ("meta_title", "cands", "expected", "final_title"),
    [
        # Leading heading repeating the (suffixed) title becomes the title block.
        (
            "问题？ - 知乎",
            [
                Candidate("heading", "问题？ - 知乎", 1),
                Candidate("heading", "问题？", 2),
                Candidate("paragraph", "答。"),
            ],
            [("title", "问题？", 1), ("heading", "问题？", 2), ("paragraph", "答。", 0)],
            "问题？",
        ),
        # No heading: the metadata title is prepended.
        (
            "标题",
            [Candidate("paragraph", "正文。")],
            [("title", "标题", 1), ("paragraph", "正文。", 0)],
            "标题",
        ),
        # No metadata title: the first level-1 heading is the title.
        (
            None,
            [Candidate("heading", "文章", 1), Candidate("paragraph", "正文。")],
            [("title", "文章", 1), ("paragraph", "正文。", 0)],
            "文章",
        ),
        # A level-2 first heading without metadata stays a heading.
        (
            None,
            [Candidate("heading", "小节", 2), Candidate("paragraph", "正文。")],
            [("heading", "小节", 2), ("paragraph", "正文。", 0)],
            None,
        ),
    ],
)
def test_title_is_settled_once(
    meta_title: str | None,
    cands: list[Candidate],
    expected: list[tuple[str, str, int]],
    final_title: str | None,
) -> None:
    meta = Metadata(title=meta_title)
    built = build_blocks(cands, meta)
    assert [(b.kind, b.text, b.level) for b in built.blocks] == expected
    assert meta.title == final_title


@pytest.mark.parametrize(
    ("title", "evidence", "expected"),
    [
        ("问题？ - 知乎", {"问题？"}, "问题？"),
        ("军控会谈 | 示例网", {"军控会谈"}, "军控会谈"),
        ("A - B - Site", {"A - B"}, "A - B"),
        ("美俄 - 会谈", set(), "美俄 - 会谈"),
        ("  多余   空格  ", set(), "多余 空格"),
    ],
)
def test_clean_title_only_strips_suffix_with_evidence(
    title: str, evidence: set[str], expected: str
) -> None:
    assert clean_title(title, evidence) == expected


def test_leading_bare_date_becomes_published_when_missing() -> None:
    meta = Metadata()
    build_blocks(
        [Candidate("paragraph", "11/12/2023 - 14:21"), Candidate("paragraph", "正文。")], meta
    )
    assert meta.published == "2023-12-11T14:21:00"
    kept = Metadata(published="2023-12-11T13:45:01+00:00")
    build_blocks([Candidate("paragraph", "01/01/2020"), Candidate("paragraph", "正文。")], kept)
    assert kept.published == "2023-12-11T13:45:01+00:00"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("11/12/2023 - 14:21", "2023-12-11T14:21:00"),
        ("12/25/2023", "2023-12-25"),
        ("25/12/2023", "2023-12-25"),
        ("2023-12-11", "2023-12-11"),
        ("2023年12月11日 08:05", "2023-12-11T08:05:00"),
        ("31/02/2023", None),
        ("not a date", None),
    ],
)
def test_parse_loose_date(text: str, iso: str | None) -> None:
    assert parse_loose_date(text) == iso


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("中文第一行\n中文第二行", "中文第一行中文第二行"),
        ("English line\nnext line", "English line next line"),
        ("中文\nEnglish", "中文 English"),
        ("无换行", "无换行"),
    ],
)
def test_join_lines_is_cjk_aware(text: str, joined: str) -> None:
    assert join_lines(text) == joined

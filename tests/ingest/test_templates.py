"""Exporter and site templates: the data file loads, every rule drops its line, titles lose
their site decorations only where the site applies."""

from __future__ import annotations

import pytest

from pipeline.ingest.chrome import Candidate, chrome_rule
from pipeline.ingest.templates import strip_residue, template_rules, template_title, templates
from pipeline.ingest.titles import TITLE_SEPARATORS

# (line, as a heading?, rule)
TEMPLATE_LINES = [
    ("#Omnivore", False, "omnivore-tag"),
    ("Read on Omnivore Read Original", False, "omnivore-link"),
    ("Full Content:", True, "full-content"),
    ("date_saved: 2023-12-12 09:16:43", False, "saved-published"),
    ("Highlights", True, "omnivore-highlights"),
    ("tags:: #Reading #军事", False, "dataview-field"),
    ("已认证账号", False, "verified-badge"),
    ("关注他", False, "follow-button"),
    ("被浏览", False, "counter-label"),
    ("199 人赞同了该回答", False, "vote-count"),
    ("赞同 4391 添加评论 分享 收藏 喜欢", False, "vote-bar"),
    ("…显示全部", False, "show-all"),
    ("展开阅读全文", False, "read-more"),
    ("编辑于 2023-12-12 14:16・IP 属地美国", False, "edit-stamp"),
    ("IP 属地北京", False, "ip-location"),
    ("获取更多RSS：", False, "feed-footer"),
]


def test_the_data_file_loads_with_named_explained_rules() -> None:
    names = [t.name for t in templates()]
    assert {"omnivore", "obsidian", "zhihu", "feed-export"} <= set(names)
    rules = template_rules()
    assert len({r.name for r in rules}) == len(rules)
    assert all(r.why and r.template for r in rules)


@pytest.mark.parametrize(("line", "heading", "rule"), TEMPLATE_LINES)
def test_template_line_is_dropped_by_its_rule(line: str, heading: bool, rule: str) -> None:
    cand = Candidate("heading", line, level=2) if heading else Candidate("paragraph", line)
    assert chrome_rule(cand) == rule


def test_every_template_rule_is_exercised() -> None:
    assert {r.name for r in template_rules()} <= {rule for _, _, rule in TEMPLATE_LINES}


@pytest.mark.parametrize(
    "line",
    [
        "Highlights of the treaty were announced.",
        "关注导弹发射通报机制的进展。",
        "赞同这一观点的人很多。",
    ],
)
def test_article_lines_are_not_template_lines(line: str) -> None:
    assert chrome_rule(Candidate("paragraph", line)) is None


def test_highlights_is_only_a_heading_rule() -> None:
    assert chrome_rule(Candidate("paragraph", "Highlights")) is None


@pytest.mark.parametrize(
    ("title", "url", "expected"),
    [
        (
            "(99+ 封私信 / 7 条消息) 新型反舰导弹的射程 - 知乎",
            "https://www.zhihu.com/q/1",
            "新型反舰导弹的射程",
        ),
        ("(3 条消息) 问题？ - 知乎", None, "问题？ - 知乎"),
        ("问题？ - 知乎", "https://zhuanlan.zhihu.com/p/1", "问题？"),
        ("问题？ - 知乎", "https://example.com/知乎", "问题？ - 知乎"),
        ("文章标题 - 微信公众平台", "https://mp.weixin.qq.com/s/abc", "文章标题"),
    ],
)
def test_site_decorations_leave_the_title(title: str, url: str | None, expected: str) -> None:
    assert template_title(title, url, TITLE_SEPARATORS) == expected


def test_inline_residue_is_stripped_from_markdown_lines() -> None:
    source = "末段再俯冲攻击。 ^a1b2c3\n对齐了 [⤴️](https://omnivore.app/me/x#abc)  ^985b00fc\n"
    assert strip_residue(source) == "末段再俯冲攻击。\n对齐了\n"
    assert strip_residue("公式 x^2 与 a ^b 不变") == "公式 x^2 与 a ^b 不变"

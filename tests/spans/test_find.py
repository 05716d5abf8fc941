"""Finding protected spans: each kind, what is Chinese prose, and how spans combine."""

from __future__ import annotations

import pytest

from pipeline.spans import Span, find_spans, with_overrides


def found(text: str) -> list[tuple[str, str]]:
    return [(s.kind, text[s.start : s.end]) for s in find_spans(text)]


@pytest.mark.parametrize(
    ("text", "kind", "span"),
    [
        ("他说Launch Notification Agreement很重要", "latin", "Launch Notification Agreement"),
        ("novelWriter很好用", "latin", "novelWriter"),
        ("supercritical与subcritical", "latin", "supercritical"),
        ("美国U.S.官员", "latin", "U.S."),
        ("简·H·李(Jean H. Lee)说", "latin", "Jean H. Lee"),
        ("F-16和MQ-9B无人机", "latin", "MQ-9B"),
        ("飞书 ×（GPT-3.5 + DALL·E + Whisper）", "latin", "GPT-3.5 + DALL·E + Whisper"),
        ("用`print(x)`打印", "code", "`print(x)`"),
        ("用``a ` b``打印", "code", "``a ` b``"),
        ("公式$z_{s-1}$成立", "math", "$z_{s-1}$"),
        ("公式$$\\int_0^1 x dx$$成立", "math", "$$\\int_0^1 x dx$$"),
        ("见https://example.com/a_b?x=1。", "url", "https://example.com/a_b?x=1"),
        ("写信给 foo.bar@example.org 吧", "email", "foo.bar@example.org"),
        ("路径 /usr/local/bin 下", "path", "/usr/local/bin"),
        ("文件 docs/README.md 里", "path", "docs/README.md"),
        ("提交 3f2a9c1d 修复", "hash", "3f2a9c1d"),
        ("块 ^985b00fc", "hash", "^985b00fc"),
        ("关注 @zhen_bot 吧", "handle", "@zhen_bot"),
        ("话题 #ArmsControl 下", "tag", "#ArmsControl"),
        ("完成 ✔ 失败 ❌", "symbol", "✔"),
        ("⏰ 时间", "symbol", "⏰"),
        ("音乐♪响起", "symbol", "♪"),
        ("先这样 -> 再那样", "symbol", "->"),
        ("图片![示意图](https://x.org/a.png)在此", "image", "![示意图](https://x.org/a.png)"),
        ("换行<br/>之后", "html", "<br/>"),
        ("价格\\*很高", "escape", "\\*"),
    ],
)
def test_each_kind(text: str, kind: str, span: str) -> None:
    assert (kind, span) in found(text)


def test_latin_inside_a_chinese_word_is_prose() -> None:
    assert found("他买了T恤和A股，还拍了X光") == []


def test_numbers_join_a_run_unless_chinese_follows() -> None:
    assert ("latin", "iPhone 12 Pro") in found("买了iPhone 12 Pro，")
    assert ("latin", "Reuters") in found("Reuters 10月5日报道")
    assert found("2023年增长了5%") == []


def test_paired_markup_keeps_its_chinese_for_the_model() -> None:
    text = "**重要**的是[卡内基基金会](https://carnegie.org)的报告"
    spans = find_spans(text)
    assert [(s.kind, text[s.inner[0] : s.inner[1]]) for s in spans if s.inner] == [
        ("emphasis", "重要"), ("link", "卡内基基金会"),
    ]  # fmt: skip


def test_paired_markup_without_chinese_is_one_verbatim_span() -> None:
    assert found("见[Reuters](https://reuters.com)报道，**Note**") == [
        ("link", "[Reuters](https://reuters.com)"), ("emphasis", "**Note**"),
    ]  # fmt: skip


def test_latin_inside_link_text_is_its_own_span() -> None:
    text = "[ChatGPT的官网](https://openai.com)"
    assert ("latin", "ChatGPT") in found(text)


def test_glossary_placeholders_are_not_spans() -> None:
    assert found("XT1X（Mike Pompeo）和ZX2说") == [("latin", "Mike Pompeo")]


def test_adjacent_spans_merge_into_one_token() -> None:
    assert found("♪ -> 下一步") == [("symbol", "♪ ->")]


def test_chinese_words_false_skips_the_word_check() -> None:
    assert ("latin", "T") in [
        (s.kind, "T恤"[s.start : s.end]) for s in find_spans("T恤", chinese_words=False)
    ]


def test_prose_false_finds_markup_only() -> None:
    text = "ChatGPT的`code`和✔"
    assert [s.kind for s in find_spans(text, prose=False)] == ["code"]


def test_overrides_replace_what_they_overlap() -> None:
    text = "韩儒伯(Rupert Hammond-Chambers)说**好**"
    gloss = Span(0, text.index(")") + 1, "gloss", text="Rupert Hammond-Chambers")
    spans = with_overrides(find_spans(text), [gloss])
    assert [s.kind for s in spans] == ["gloss", "emphasis"]

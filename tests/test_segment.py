"""Sentence splitting and segment mapping back to the original block text."""

from __future__ import annotations

import random
from itertools import pairwise
from pathlib import Path

import pytest

from pipeline.document import Block, Document, Metadata
from pipeline.errors import PipelineError
from pipeline.normalize.text import normalize_document
from pipeline.segment import (
    QUOTE_MAX_CHARS,
    join_split_sentences,
    model_length,
    segment_document,
    split_sentences,
)
from pipeline.settings import NormalizeSettings, SegmentSettings

DATA = Path(__file__).parent / "data" / "segment"


def pieces(text: str, max_chars: int = 160) -> list[str]:
    spans = split_sentences(text, max_chars)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in pairwise(spans))
    return [text[a:b] for a, b in spans]


def make_doc(*texts: str, doc_id: str = "doc") -> Document:
    blocks = [Block(index=i, kind="paragraph", text=t) for i, t in enumerate(texts)]
    return Document(doc_id, "doc.html", "html", "utf-8", Metadata(), blocks)


def run(doc: Document, script: str = "auto", max_chars: int = 160) -> Document:
    return segment_document(
        normalize_document(doc, NormalizeSettings(script=script)), SegmentSettings(max_chars)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # closing quotes and brackets stay with their sentence
        ("他说：“好。”然后走了。", ["他说：“好。”", "然后走了。"]),
        ("（这是注释。）正文继续。", ["（这是注释。）", "正文继续。"]),
        ("他读过《战狼！》这本书。很好。", ["他读过《战狼！》这本书。", "很好。"]),
        # nested pairs are not broken inside
        (
            "他说：“她告诉我‘明天见。’然后走了。”大家都笑了。",
            ["他说：“她告诉我‘明天见。’然后走了。”", "大家都笑了。"],
        ),
        ("「我說『好。』他笑了。」真的。", ["「我說『好。』他笑了。」", "真的。"]),
        # combos stay together
        ("真的吗？！太好了！！好。", ["真的吗？！", "太好了！！", "好。"]),
        ("What?! No way! OK.", ["What?! ", "No way! ", "OK."]),
        ("好!下一句", ["好!", "下一句"]),
        # decimals, URLs, e-mails
        ("增长3.14%。下降2.5个百分点。", ["增长3.14%。", "下降2.5个百分点。"]),
        ("详见http://a.b/c.d?x=1&y=2了解。然后。", ["详见http://a.b/c.d?x=1&y=2了解。", "然后。"]),
        ("Visit www.a.cn/x. Then.", ["Visit www.a.cn/x. ", "Then."]),
        ("See http://a.b/c.d. Then go.", ["See http://a.b/c.d. ", "Then go."]),
        ("Mail a.b@c.d.org. Thanks.", ["Mail a.b@c.d.org. ", "Thanks."]),
        # Latin abbreviations
        (
            "Mr. Smith met Dr. Lee in the U.S. on Jan. 5. They talked.",
            ["Mr. Smith met Dr. Lee in the U.S. on Jan. 5. ", "They talked."],
        ),
        (
            "It is e.g. this. No. 5 is J. K. Rowling. End.",
            ["It is e.g. this. ", "No. 5 is J. K. Rowling. ", "End."],
        ),
        ("完成了.下一步", ["完成了.", "下一步"]),
        ("美国U.S.政府", ["美国U.S.政府"]),
        ('He said "go." Then left.', ['He said "go." ', "Then left."]),
        ('他走了。"你好"她说。', ["他走了。", '"你好"她说。']),
        # ellipses
        ("他犹豫了……然后说好。", ["他犹豫了……然后说好。"]),
        ("我不知道…… 后来他走了。", ["我不知道…… ", "后来他走了。"]),
        ("好……。下一句。", ["好……。", "下一句。"]),
        ("Wait... Then it ended.", ["Wait... ", "Then it ended."]),
        ("他说：“我不知道……”然后走了。", ["他说：“我不知道……”", "然后走了。"]),
        ("and so on... and on.", ["and so on... and on."]),
        # unbalanced pairs never swallow the rest
        (
            "他说：“我来了。你走吧。后面还有。",
            ["他说：“我来了。", "你走吧。", "后面还有。"],
        ),
        ("你好”。再见。", ["你好”。", "再见。"]),
        ("（未闭合。下一句。", ["（未闭合。", "下一句。"]),
        # whitespace after a sentence belongs to it
        ("Hello. World.", ["Hello. ", "World."]),
        ("一句。", ["一句。"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert pieces(text) == expected


@pytest.mark.parametrize(
    ("first", "second", "whole"),
    [
        ("我们来了。", "你们走吧。", True),
        ("甲" * 29 + "。", "乙" * 29 + "。", True),  # 60 chars inside: QUOTE_MAX_CHARS
        ("甲" * 30 + "。", "乙" * 30 + "。", False),
    ],
)
def test_quote_kept_whole_up_to_quote_max_chars(first: str, second: str, whole: bool) -> None:
    assert QUOTE_MAX_CHARS == 60
    text = f"他说：“{first}{second}”大家笑了。"
    quote = f"他说：“{first}{second}”"
    expected = [quote] if whole else [f"他说：“{first}", f"{second}”"]
    assert pieces(text) == [*expected, "大家笑了。"]


def test_long_quote_allows_breaks_inside() -> None:
    inner = "这是引用里的一句话。" * 20
    text = f"他说：“{inner}”然后走了。"
    result = pieces(text, 60)
    assert all(len(p) <= 60 for p in result)
    assert all(p.endswith(("。", "。”")) for p in result)


@pytest.mark.parametrize("max_chars", [20, 40, 60, 160])
def test_long_sentences_respect_max_chars(max_chars: int) -> None:
    text = "这是一个很长的分句，" * 12 + "其中有一个分号；" + "后面还有很多逗号，" * 30 + "结束。"
    result = pieces(text, max_chars)
    assert all(len(p) <= max_chars for p in result)
    assert "".join(result) == text


def test_semicolon_preferred_over_comma() -> None:
    text = "第一部分的内容，比较长的一段话；第二部分，又是一段话，还有一段话，最后一段话结束。"
    result = pieces(text, 40)
    assert result[0].endswith("；")
    assert all(len(p) <= 40 for p in result)


def test_split_closest_to_limit_without_tiny_fragments() -> None:
    text = "甲" * 30 + "，" + "乙" * 25 + "，" + "丙" * 30 + "。"
    result = pieces(text, 60)
    assert result[0] == "甲" * 30 + "，" + "乙" * 25 + "，"
    assert min(len(p) for p in result) >= 60 // 5


@pytest.mark.parametrize(
    ("text", "max_chars", "expected"),
    [
        ("甲" * 25, 10, ["甲" * 10, "甲" * 10, "甲" * 5]),
        ("中文abcdef ghijk lmnop中文", 10, ["中文abcdef ghijk lmnop中文"]),  # one token
        (
            "中文" * 5 + "verylongword" + "中文" * 5,
            20,
            ["中文" * 5 + "verylongword中文中文中文", "中文中文"],  # the word is one token
        ),
    ],
)
def test_hard_cuts_avoid_words(text: str, max_chars: int, expected: list[str]) -> None:
    assert pieces(text, max_chars) == expected


def test_emoji_sequences_are_not_cut() -> None:
    family = "👨\u200d👩\u200d👧"
    text = "好" * 9 + family + "好" * 20
    for piece in pieces(text, 10):
        assert not piece.startswith(("\u200d", "👩")) or piece.startswith(family)


def test_empty_text_and_tiny_limit() -> None:
    assert split_sentences("", 160) == []
    with pytest.raises(PipelineError, match="at least"):
        split_sentences("好。", 3)


def test_segments_map_to_original_text() -> None:
    text = "　國務院發佈了報告。\u200b他說：“網際網路很快。”\n然後 走了！ＡＢＣ公司 ３．５ 億。  "
    doc = run(make_doc(text))
    segs = doc.segments
    assert "".join(s.source for s in segs) == text
    assert [s.normalized for s in segs] == [
        "国务院发布了报告。",
        "他说：“互联网很快。”",
        "然后 走了！",
        "ABC公司 3.5 亿。",
    ]
    assert [s.source.strip(" \u3000\u200b\n") for s in segs] == [
        "國務院發佈了報告。",
        "他說：“網際網路很快。”",
        "然後 走了！",
        "ＡＢＣ公司 ３．５ 億。",
    ]
    assert segs[0].start == 0
    assert segs[-1].end == len(text)


def test_segment_ids_and_fields() -> None:
    doc = run(make_doc("第一句。第二句。", "", "  \u200b ", "第三句。", doc_id="a1b2"))
    assert [s.id for s in doc.segments] == ["a1b2:0:0", "a1b2:0:1", "a1b2:3:0"]
    assert [(s.block, s.index, s.doc_id) for s in doc.segments] == [
        (0, 0, "a1b2"),
        (0, 1, "a1b2"),
        (3, 0, "a1b2"),
    ]
    assert doc.segments_of(3)[0].source == "第三句。"
    assert all(s.status == "pending" and s.en == "" for s in doc.segments)


def test_ids_are_stable_across_runs() -> None:
    text = (DATA / "article.txt").read_text(encoding="utf-8")
    first = run(make_doc(*text.split("\n\n")))
    second = run(make_doc(*text.split("\n\n")))
    assert [(s.id, s.source) for s in first.segments] == [(s.id, s.source) for s in second.segments]


def test_article_fixture_segmentation() -> None:
    """Regression fixture: one expected segment per line, blank line between blocks."""
    text = (DATA / "article.txt").read_text(encoding="utf-8")
    expected = (DATA / "article.expected.txt").read_text(encoding="utf-8").rstrip("\n")
    doc = run(make_doc(*text.rstrip("\n").split("\n\n")))
    got = "\n\n".join("\n".join(s.normalized for s in doc.segments_of(b.index)) for b in doc.blocks)
    assert got == expected
    for block in doc.blocks:
        assert "".join(s.source for s in doc.segments_of(block.index)) == block.text


def test_segment_requires_normalized_offsets() -> None:
    doc = make_doc("好。")
    doc.blocks[0].normalized = "好。"
    with pytest.raises(PipelineError, match="run normalize first"):
        segment_document(doc, SegmentSettings())


ALPHABET = [
    *"发展经济國務院發佈報告軟體網路的了是在他说",
    *("網際網路", "那杜", "看著", "Mr.", "U.S.", "3.14", "http://a.b/c.d", "..."),
    *"。！？，；：、“”‘’「」『』（）《》【】…",
    *"ＡＢＣａｂｃ０１２３．－／％abcXYZ019.?!\"'",
    *(" ", "  ", "\u3000", "\u00a0", "\n", "\u200b", "\ufeff", "\u200d", "\x07"),
    *("👨\u200d👩\u200d👧", "❤\ufe0f", "\uf900", "⽣"),
]


@pytest.mark.parametrize("script", ["auto", "t2s", "tw2sp", "none"])
def test_reconstruction_on_generated_text(script: str) -> None:
    """Property-style: for many random blocks, segments tile the original exactly."""
    rng = random.Random(script)
    for _ in range(200):
        texts = [
            "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 80)))
            for _ in range(rng.randint(1, 3))
        ]
        max_chars = rng.choice([10, 25, 60, 160])
        doc = run(make_doc(*texts), script, max_chars)
        for block in doc.blocks:
            segs = doc.segments_of(block.index)
            if not block.normalized:
                assert segs == []
                continue
            assert "".join(s.source for s in segs) == block.text
            assert [s.index for s in segs] == list(range(len(segs)))
            assert all(s.source for s in segs)
            assert all(model_length(s.normalized) <= max_chars for s in segs)
            assert "".join(s.normalized for s in segs).replace(" ", "") == (
                block.normalized.replace(" ", "")
            )


def test_split_sentences_tiles_generated_text() -> None:
    rng = random.Random(7)
    for _ in range(500):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 200)))
        max_chars = rng.choice([10, 30, 80])
        spans = split_sentences(text, max_chars)
        assert spans[0][0] == 0 and spans[-1][1] == len(text)
        assert all(a[1] == b[0] and a[0] < a[1] for a, b in pairwise(spans))
        assert all(model_length(text[a:b]) <= max_chars for a, b in spans)


def test_verbatim_blocks_get_no_segments() -> None:
    blocks = [
        Block(0, "paragraph", "他说。"),
        Block(1, "code", 'print("你好")', info="python"),
        Block(2, "image", "![图](https://img/x.png)"),
    ]
    doc = Document("d", "d.md", "markdown", "utf-8", Metadata(), blocks)
    segmented = segment_document(normalize_document(doc, NormalizeSettings()), SegmentSettings())
    assert [s.block for s in segmented.segments] == [0]


# ---------------------------------------------------------------- spans, brackets, list markers


def test_no_split_inside_a_bracket_or_an_english_name() -> None:
    text = (
        "卡内基国际和平研究院核政策计画（Nuclear Policy Program at the Carnegie Endowment for "
        "International Peace）共同主持人艾克顿（James Acton）指出，美国应该提出一项具体且详细的"
        "导弹通知机制提案，以评估中国的立场。"
    )
    result = pieces(text, 60)
    assert all("（" not in p or "）" in p for p in result)  # every bracket closes in its piece
    assert not any(p.startswith(("（James", "Peace")) for p in result)


def test_a_bracket_longer_than_the_limit_may_be_split() -> None:
    text = "他说（" + "很长的括号内容，" * 20 + "）然后走了。"
    result = pieces(text, 40)
    assert all(len(p) <= 40 for p in result) and "".join(result) == text


def test_no_sentence_end_inside_code_maths_or_links() -> None:
    text = "运行`a. B`和$x. Y$以及[点此. 查看](https://a.b/c.d)然后。下一句。"
    assert pieces(text) == ["运行`a. B`和$x. Y$以及[点此. 查看](https://a.b/c.d)然后。", "下一句。"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2. 防止技术扩散的底层逻辑。", ["2. 防止技术扩散的底层逻辑。"]),
        ("前言。2. 第二点。10.第十点。", ["前言。", "2. 第二点。", "10.第十点。"]),
        ("（三）第三点。①第一。", ["（三）第三点。", "①第一。"]),
        ("It grew 5. Then fell.", ["It grew 5. ", "Then fell."]),  # not after a word
    ],
)
def test_list_markers_stay_with_their_item(text: str, expected: list[str]) -> None:
    assert pieces(text) == expected


def test_spans_count_as_one_token_for_the_length() -> None:
    url = "https://www.zhihu.com/search?q=" + "%E5%A4%AA" * 12
    text = f"准则要求签署国在发射弹道导弹和[太空运载火箭]({url})之前发出通知。"
    assert len(text) > 100 and model_length(text) < 60
    assert pieces(text, 100) == [text]


def _translated(doc: Document, english: list[str]) -> Document:
    for seg, en in zip(doc.segments, english, strict=True):
        seg.en, seg.status = en, "translated"
    return doc


def test_split_halves_are_rejoined_without_new_words() -> None:
    doc = run(make_doc("这是一个很长的句子的前半部分，" * 3 + "后半部分结束了。"), max_chars=40)
    assert len(doc.segments) == 2 and doc.segments[0].normalized.endswith("，")
    _translated(doc, ["This is the first half.", "Which ended the second."])
    assert join_split_sentences(doc) == 1
    assert [s.en for s in doc.segments] == ["This is the first half,", "which ended the second."]
    _translated(doc, ["This is the first half.", "It ended."])  # two sentences: kept
    assert join_split_sentences(doc) == 0
    assert [s.en for s in doc.segments] == ["This is the first half.", "It ended."]


def test_whole_sentences_and_reviewed_segments_are_not_rejoined() -> None:
    doc = _translated(run(make_doc("第一句。第二句。")), ["First.", "Second."])
    assert join_split_sentences(doc) == 0
    assert [s.en for s in doc.segments] == ["First.", "Second."]
    doc = run(make_doc("这是一个很长的句子的前半部分，" * 3 + "后半部分结束了。"), max_chars=40)
    _translated(doc, ["Reviewed.", "The rest."]).segments[0].status = "memory"
    assert join_split_sentences(doc) == 0 and doc.segments[0].en == "Reviewed."

"""The document's own glossary: every gloss pattern, where the Chinese starts, document terms."""

from __future__ import annotations

import pytest

from pipeline.document import Block, Document, Metadata
from pipeline.glossary.collection import Glossary
from pipeline.glossary.document import (
    document_terms,
    document_terms_report,
    find_glosses,
    gloss_spans,
    terms_glossary,
)
from pipeline.glossary.terms import make_term
from pipeline.normalize import normalize_document
from pipeline.segment import segment_document
from pipeline.settings import NormalizeSettings, SegmentSettings


def pairs(text: str) -> list[tuple[str, str, str]]:
    return [(g.zh, g.en, g.kind) for g in find_glosses(text)]


def doc_of(*texts: str, doc_id: str = "d") -> Document:
    blocks = [Block(i, "paragraph", t) for i, t in enumerate(texts)]
    doc = Document(doc_id, f"{doc_id}.txt", "text", "utf-8", Metadata(), blocks)
    return segment_document(normalize_document(doc, NormalizeSettings()), SegmentSettings())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # full-width and half-width brackets
        ("共同主持人艾克顿（James Acton）指出", [("艾克顿", "James Acton", "person")]),
        ("会长韩儒伯(Rupert Hammond-Chambers)说",
         [("韩儒伯", "Rupert Hammond-Chambers", "person")]),
        # the segmenter finds where the name starts, after a title
        ("美国联邦众议院议长裴洛西 (Nancy Pelosi)", [("裴洛西", "Nancy Pelosi", "person")]),
        ("代理助理部长海大卫(David Helvey)", [("海大卫", "David Helvey", "person")]),
        # quoted terms and titles are taken whole
        ("是一个“迫使行动发生的活动”(action-forcing event)",
         [("迫使行动发生的活动", "action-forcing event", "term")]),
        ("「中国威胁」（China threat）", [("中国威胁", "China threat", "term")]),
        ("依据《台湾关系法》(Taiwan Relations Act)",
         [("台湾关系法", "Taiwan Relations Act", "term")]),
        # terms end at a function word, about two characters per English word
        ("他说卡内基国际和平研究院（Carnegie Endowment for International Peace）",
         [("卡内基国际和平研究院", "Carnegie Endowment for International Peace", "term")]),
        ("这是中程导弹条约（INF Treaty）", [("中程导弹条约", "INF Treaty", "term")]),
        ("或直接商售(DCS)", [("直接商售", "DCS", "acronym")]),
        ("它更像是一个信心建立措施（CBM）", [("信心建立措施", "CBM", "acronym")]),
        ("出售100套岸置鱼叉飞弹系统（HCDS）", [("岸置鱼叉飞弹系统", "HCDS", "acronym")]),
        # names joined by · or - (initials too) are taken whole; one-word names by their words
        ("经理约翰·J·史密斯(John J. Smith)说", [("约翰·J·史密斯", "John J. Smith", "person")]),
        ("作家玛丽·安·埃文斯（Mary Ann Evans）写道",
         [("玛丽·安·埃文斯", "Mary Ann Evans", "person")]),
        ("会议在维也纳 (Vienna) 举行", [("维也纳", "Vienna", "term")]),
        ("他说民主与法治研究所（Institute for Democracy and Rule of Law）认为",
         [("民主与法治研究所", "Institute for Democracy and Rule of Law", "term")]),
        # English before the Chinese
        ("一些导弹发射通知的MOU(谅解备忘录）", [("谅解备忘录", "MOU", "acronym")]),
        # an acronym given with the English
        ("补给车（Field Artillery Ammunition Supply Vehicle，FAASV）",
         [("补给车", "Field Artillery Ammunition Supply Vehicle", "term")]),
        # not glosses: sentences, formulas, lists, numbers, explanations too short for an acronym
        ("「领先」（China is already ahead of the United States in certain areas now）", []),
        ("公式（\\dot y,y;x）", []),
        ("全平台（Windows + macOS + Linux）", []),
        ("1988年（1988）", []),
        ("他说的（what he said）", []),
        ("飞入台湾ADIZ（西南空域）", []),
    ],
)  # fmt: skip
def test_gloss_patterns(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert pairs(text) == expected


def test_traditional_text_is_glossed_after_normalization() -> None:
    doc = doc_of("美國部署義勇兵3型(Minuteman III)飛彈。義勇兵3型射程很遠。")
    terms = document_terms(doc)
    assert [(t.zh, t.en) for t in terms] == [(["义勇兵3型"], "Minuteman III")]


def test_person_terms_have_a_surname_and_the_name_after_the_dot() -> None:
    doc = doc_of("分析师利夫-埃里克·伊斯利(Leif-Eric Easley)说。伊斯利认为如此。")
    (term,) = document_terms(doc)
    assert (term.id, term.zh, term.en, term.short) == (
        "doc:leif-eric-easley", ["利夫-埃里克·伊斯利", "伊斯利"], "Leif-Eric Easley", "Easley",
    )  # fmt: skip
    assert term.segment == "d:0:0"


def test_approved_glossary_wins_and_common_words_are_not_terms() -> None:
    doc = doc_of("像是洲际弹道导弹（ICBM），因为双方(US-CN）不信任。")
    assert [t.en for t in document_terms(doc)] == ["ICBM"]
    glossary = Glossary((make_term("icbm", "洲际弹道导弹", "intercontinental ballistic missile"),))
    assert document_terms(doc, glossary) == []


def test_glossed_sites_are_written_as_their_english() -> None:
    text = "会长韩儒伯(Rupert Hammond-Chambers)说，“预先通知”(pre-notification)和直接商售(DCS)"
    spans = gloss_spans(text)
    assert [(text[s.start : s.end], s.text) for s in spans] == [
        ("韩儒伯(Rupert Hammond-Chambers)", "Rupert Hammond-Chambers"),
        ("“预先通知”(pre-notification)", "“pre-notification”"),
    ]  # the bare acronym's Chinese is left to the model


def test_terms_glossary_matches_every_mention_with_its_gloss() -> None:
    doc = doc_of("艾克顿（James Acton）指出。艾克顿说好。")
    glossary = terms_glossary(document_terms(doc))
    matches = glossary.matcher().scan(doc.segments[0].normalized)
    assert [(m.term.en, m.term.abbr, m.gloss_kind) for m in matches] == [
        ("James Acton", "Acton", "en")
    ]
    assert len(glossary.matcher().scan(doc.segments[1].normalized)) == 1


def test_report_lists_terms_and_proposes_them_to_other_documents() -> None:
    first = doc_of("艾克顿（James Acton）指出。", doc_id="a")
    second = doc_of("艾克顿说好。", doc_id="b")
    for doc in (first, second):
        doc.terms = document_terms(doc)
    first.segments[0].terms_applied = ["doc:james-acton"]
    report = document_terms_report([first, second])
    assert (report["terms"], report["applied"], report["missed"]) == (1, 1, 0)
    assert report["documents"]["a"][0]["en"] == "James Acton"
    assert report["proposed"] == [
        {"id": "doc:james-acton", "zh": ["艾克顿"], "en": "James Acton", "from": "a", "in": ["b"]}
    ]

"""Term spans: finding glossary terms in source and English, the lookup built from terms."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from export.helpers import LOOKUP, sample_docs

from pipeline.document import Document, Segment
from pipeline.export.spans import TermSpan, find_terms, segment_terms, term_lookup_from


@pytest.fixture
def docs() -> list[Document]:
    """Two documents with every kind of tricky text, plus one without segments."""
    return sample_docs()


@pytest.mark.parametrize(
    ("text", "english", "expected"),
    [
        ("欧盟委员会说欧盟", False, [(0, 5, "eu-commission"), (6, 8, "eu")]),
        ("The EU and the eu", True, [(4, 6, "eu"), (15, 17, "eu")]),
        ("neutral EUROPE", True, []),
        ("EU-wide", True, [(0, 2, "eu")]),
        ("", False, []),
    ],
)
def test_find_terms(text: str, english: bool, expected: list[tuple[int, int, str]]) -> None:
    needles = [("欧盟委员会", "eu-commission", "European Commission", False),
               ("欧盟", "eu", "EU", False), ("EU", "eu", "EU", False)]  # fmt: skip
    spans = find_terms(text, needles, english=english)
    assert [(s.start, s.end, s.term_id) for s in spans] == expected


def test_segment_terms_marks_missed_terms_in_source_only(docs: list[Document]) -> None:
    seg = docs[0].segments[4]
    source, target = segment_terms(seg, LOOKUP)
    assert source == [TermSpan(0, 2, "eu", "EU", missed=True)]
    assert target == []
    assert segment_terms(seg, None) == ([], [])


@dataclass(frozen=True)
class _Term:
    """Stand-in for a glossary term: the attributes term_lookup_from reads."""

    id: str
    zh: tuple[str, ...]
    en: str
    abbr: str = ""
    renderings: tuple[str, ...] = ()


def test_term_lookup_from_marks_abbreviations_and_accepted_variants() -> None:
    who = _Term("who", ("世界卫生组织", "世卫组织"), "World Health Organization", "WHO",
                ("World Health Organization", "WHO"))  # fmt: skip
    lookup = term_lookup_from([who, _Term("chip", ("芯片",), "chip")])
    assert lookup["who"][0] == ("世界卫生组织", "世卫组织", "WHO")
    assert lookup["chip"] == (("芯片",), "chip", ("chip",))
    seg = Segment("d:0:0", "d", 0, 0, 0, 12, "世卫组织和WHO的芯片", "世卫组织和WHO的芯片",
                  en="The WHO chip", terms_applied=["who", "chip"])  # fmt: skip
    source, target = segment_terms(seg, lookup)
    assert [(s.start, s.end, s.term_id) for s in source] == [
        (0, 4, "who"),
        (5, 8, "who"),
        (9, 11, "chip"),
    ]
    assert [(s.start, s.end, s.en) for s in target] == [
        (4, 7, "World Health Organization"),
        (8, 12, "chip"),
    ]

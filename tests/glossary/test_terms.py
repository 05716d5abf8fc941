"""Glossary terms: renderings and cleaning user input."""

from __future__ import annotations

from pipeline.glossary.terms import Term, make_term


def test_renderings_order_and_dedup() -> None:
    term = Term("x", ("甲",), "alpha", "A", ("alpha", "Alpha one"))
    assert term.renderings == ("alpha", "Alpha one", "A")


def test_make_term_cleans_user_input() -> None:
    term = make_term(
        " thaad ",
        "萨德 | 薩德||",
        " Terminal High  Altitude Area Defense",
        "THAAD",
        "THAAD system|",
    )
    assert term == Term(
        "thaad", ("萨德", "薩德"), "Terminal High Altitude Area Defense", "THAAD", ("THAAD system",)
    )

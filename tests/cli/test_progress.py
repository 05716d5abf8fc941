"""The end-of-run summary's glossary line."""

from __future__ import annotations

from pipeline.cli.progress import term_line
from pipeline.stats import TermStats


def test_term_line_says_how_terms_came_out() -> None:
    stats = TermStats(True, 5, 10, 7, 1, {}, clean=5, fallback=2, unsafe=2)
    assert term_line(stats) == (
        "glossary terms: 10 found; 5 applied, 2 by a fallback, 2 unsafe (plain kept), 1 missed"
    )
    plain = TermStats(False, 5, 10, 6, 4, {})
    assert term_line(plain) == "glossary terms (not enforced): 6/10 rendered"

"""Glossary statistics and candidate extraction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.glossary.collection import Glossary
from pipeline.glossary.mine import extract_candidates, term_stats, terms_frame, write_candidates
from pipeline.glossary.terms import COLUMNS
from pipeline.glossary.tsv import parse_glossary

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "glossary"
SAMPLES = ROOT.parent / "shared" / "samples"


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(DATA.glob("corpus-*.txt"))]


def _rows(frame) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {r["zh"] or r["abbr"]: r for r in frame.iter_rows(named=True)}


def test_terms_frame(arms: Glossary) -> None:
    frame = terms_frame(arms)
    assert frame.height == len(arms)
    assert frame.columns == [*COLUMNS, "line"]
    assert "context" in COLUMNS
    assert frame.row(0, named=True)["id"] == arms.terms[0].id


@pytest.mark.parametrize(
    ("term_id", "occurrences", "documents", "glossed"),
    [
        ("icbm", 3, 2, 2),
        ("slbm", 2, 2, 1),
        ("hcoc", 3, 1, 0),
        ("nikkei-asia", 2, 2, 1),
        ("bmlna", 1, 1, 1),
        ("mou", 2, 1, 1),
        ("jin-class", 1, 1, 1),
        ("carnegie", 1, 1, 0),
        ("thaad", 0, 0, 0),
    ],
)
def test_term_stats(
    corpus: list[tuple[str, str]],
    arms: Glossary,
    term_id: str,
    occurrences: int,
    documents: int,
    glossed: int,
) -> None:
    stats = term_stats(corpus, arms)
    assert stats.height == len(arms)
    row = stats.filter(stats["id"] == term_id).row(0, named=True)
    assert (row["occurrences"], row["documents"], row["glossed"]) == (
        occurrences,
        documents,
        glossed,
    )
    assert stats["occurrences"].to_list() == sorted(stats["occurrences"].to_list(), reverse=True)


def test_term_stats_lists_surface_forms(arms: Glossary) -> None:
    stats = term_stats(["洲际弹道导弹和ICBMs", "洲际弹道导弹"], arms)
    row = stats.filter(stats["id"] == "icbm").row(0, named=True)
    assert (row["forms"], row["documents"]) == ("洲际弹道导弹|ICBMs", 2)


@pytest.mark.parametrize(
    ("key", "zh", "en", "abbr"),
    [
        ("日经亚洲", "日经亚洲", "Nikkei Asia", ""),  # 《…》 title quotes give the boundary
        (
            "弹道导弹发射通知协议",
            "弹道导弹发射通知协议",
            "Ballistic Missile Launch Notification Agreement",
            "",
        ),
        ("洲际弹道导弹", "洲际弹道导弹", "", "ICBM"),  # recurring stem of 涵盖…/发射洲际弹道导弹
        ("潜射弹道导弹", "潜射弹道导弹", "", "SLBM"),  # leading 和 cut off
        ("艾克顿", "艾克顿", "James Acton", ""),  # title 主持人 cut off
        ("晋级", "晋级", "Jin-class", ""),  # function word 在 cut off
        ("谅解备忘录", "谅解备忘录", "", "MOU"),  # acronym before the Chinese gloss
        ("HCOC", "", "Hague Code of Conduct against Ballistic Missile Proliferation", "HCOC"),
    ],
)
def test_extract_candidates(
    corpus: list[tuple[str, str]], key: str, zh: str, en: str, abbr: str
) -> None:
    frame = extract_candidates(corpus)
    row = _rows(frame)[key]
    assert (row["zh"], row["en"], row["abbr"], row["status"]) == (zh, en, abbr, "proposed")
    assert row["note"].startswith(("seen", "acronym seen"))


def test_candidates_are_ranked_and_counted(corpus: list[tuple[str, str]]) -> None:
    frame = extract_candidates(corpus)
    counts = frame["count"].to_list()
    assert counts == sorted(counts, reverse=True)
    rows = _rows(frame)
    assert (rows["洲际弹道导弹"]["count"], rows["洲际弹道导弹"]["documents"]) == (2, 1)
    assert (rows["日经亚洲"]["count"], rows["日经亚洲"]["documents"]) == (2, 2)
    assert (rows["HCOC"]["count"], rows["HCOC"]["documents"]) == (3, 1)
    assert "PLNS MOU" not in rows  # seen once: below min_acronym_count
    assert len(set(frame["id"].to_list())) == frame.height


def test_min_count_filters(corpus: list[tuple[str, str]]) -> None:
    frame = extract_candidates(corpus, min_count=2)
    assert frame["count"].min() >= 2  # type: ignore[operator]
    assert "晋级" not in _rows(frame)


def test_known_terms_are_skipped(corpus: list[tuple[str, str]], arms: Glossary) -> None:
    rows = _rows(extract_candidates(corpus, arms))
    assert set(rows) == {"艾克顿"}


def test_new_variant_of_known_term_is_flagged(arms: Glossary) -> None:
    rows = _rows(extract_candidates(["他指出，洲际导弹（ICBM）很危险。"], arms))
    assert rows["洲际导弹"]["note"].startswith("new source form for existing term icbm?")
    assert rows["洲际导弹"]["id"] == "icbm-2"


@pytest.mark.parametrize(
    ("text", "zh"),
    [
        (
            "中导条约（INF Treaty）与中程导弹条约（INF Treaty）",
            {"中导条约", "中程导弹条约"},
        ),  # variants
        ("“全面禁止核试验条约”（CTBT）", {"全面禁止核试验条约"}),
        ("美国总统拜登（Joe Biden）", {"拜登"}),
        ("这是和平（peace）", {"和平"}),  # 和 of 和平 is not a conjunction
        ("他说的（what he said）", set()),
        ("1988年（1988）", set()),
        ("这是（see above）", set()),
    ],
)
def test_term_boundaries(text: str, zh: set[str]) -> None:
    frame = extract_candidates([text])
    assert {f for v in frame["zh"].to_list() for f in v.split("|") if f} == zh


def test_write_candidates_is_a_glossary_file(tmp_path: Path, corpus: list[tuple[str, str]]) -> None:
    dest = tmp_path / "candidates.tsv"
    frame = extract_candidates(corpus)
    write_candidates(frame, dest)
    terms, issues = parse_glossary(dest.read_text(encoding="utf-8"))
    assert [i.code for i in issues if i.severity == "error"] == ["empty-field"] * (
        frame.height - len(terms)
    )
    assert {t.status for t in terms} == {"proposed"}
    assert "\t" not in "".join(frame["note"].to_list())


def _sample_texts() -> list[tuple[str, str]]:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is absent")
    from selectolax.lexbor import LexborHTMLParser

    md = (SAMPLES / "zhihu-omnivore-export.md").read_text(encoding="utf-8")
    md = re.sub(r"\]\([^)]*\)", "]", md)  # crude: drop link targets
    html = LexborHTMLParser((SAMPLES / "rfi-feed-export.html").read_text(encoding="utf-8"))
    return [("zhihu", md), ("rfi", html.text())]


def test_samples_candidates() -> None:
    rows = _rows(extract_candidates(_sample_texts()))
    assert rows["日经亚洲"]["en"] == "Nikkei Asia"
    assert rows["艾克顿"]["en"] == "James Acton"
    assert rows["洲际弹道导弹"]["abbr"] == "ICBM"
    assert rows["晋级"]["en"] == "Jin-class"
    assert rows["谅解备忘录"]["abbr"] == "MOU"
    assert rows["HCOC"]["en"].startswith("Hague Code of Conduct")


def test_samples_stats(arms: Glossary) -> None:
    stats = term_stats(_sample_texts(), arms)
    used = {r["id"]: r for r in stats.iter_rows(named=True)}
    assert used["icbm"]["documents"] == 2
    assert used["hcoc"]["occurrences"] >= 5
    assert used["us-state-department"]["occurrences"] >= 2

"""Glossary TSV files: the shipped glossary, validation, loading and merging."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.errors import GlossaryError
from pipeline.glossary.collection import Glossary, match_terms
from pipeline.glossary.formats import save_glossary
from pipeline.glossary.terms import COLUMNS, Term, make_term
from pipeline.glossary.tsv import (
    load_glossaries,
    load_glossary,
    merge_glossaries,
    parse_glossary,
    validate,
)
from pipeline.settings import NormalizeSettings

ROOT = Path(__file__).resolve().parents[2]
ARMS = ROOT / "glossaries" / "arms-control.tsv"
HEADER = "\t".join(COLUMNS)
AUTO = NormalizeSettings(script="auto")


def tsv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


# --- the shipped glossary ---------------------------------------------------------------------


def test_shipped_glossary_is_clean_even_after_normalization() -> None:
    assert validate(ARMS) == []
    assert validate(ARMS, AUTO) == []


@pytest.mark.parametrize(
    ("term_id", "form", "en", "abbr"),
    [
        ("icbm", "洲际弹道导弹", "intercontinental ballistic missile", "ICBM"),
        ("slbm", "潜射弹道导弹", "submarine-launched ballistic missile", "SLBM"),
        (
            "hcoc",
            "海牙行为准则",
            "Hague Code of Conduct against Ballistic Missile Proliferation",
            "HCOC",
        ),
        ("new-start", "新削减战略武器条约", "New START Treaty", "New START"),
        ("bmlna", "弹道导弹发射通知协议", "Ballistic Missile Launch Notification Agreement", ""),
        ("ballistic-missile", "弹道导弹", "ballistic missile", ""),
        ("missile-silo", "发射井", "missile silo", ""),
        ("jin-class-submarine", "晋级弹道导弹核潜艇", "Jin-class submarine", ""),
        ("pla", "解放军", "People's Liberation Army", "PLA"),
        ("pentagon", "五角大厦", "the Pentagon", ""),
        ("us-state-department", "美国国务院", "U.S. State Department", ""),
        ("state-council", "国务院", "State Council", ""),
        ("npt", "核不扩散条约", "Treaty on the Non-Proliferation of Nuclear Weapons", "NPT"),
        ("ctbt", "全面禁止核试验条约", "Comprehensive Nuclear-Test-Ban Treaty", "CTBT"),
        ("plarf", "火箭军", "PLA Rocket Force", "PLARF"),
        ("china-mnd", "国防部", "Ministry of National Defense", "MND"),
        ("us-dod", "美国国防部", "U.S. Department of Defense", "DoD"),
    ],
)
def test_shipped_glossary_has_core_terms(
    arms: Glossary, term_id: str, form: str, en: str, abbr: str
) -> None:
    term = arms.get(term_id)
    assert term is not None
    assert (form in term.zh, term.en, term.abbr) == (True, en, abbr)
    assert term.note, "every shipped term cites its source or usage"


def test_shipped_glossary_size_and_taiwan_variants(arms: Glossary) -> None:
    assert len(arms) >= 60
    forms = {f for t in arms for f in t.zh}
    assert {"飛彈", "洲際彈道飛彈", "核子彈頭", "巡弋飛彈"} <= forms


# --- validation -------------------------------------------------------------------------------

ROW = "icbm\t洲际弹道导弹\tintercontinental ballistic missile\tICBM\t\t\tapproved"


@pytest.mark.parametrize(
    ("text", "code", "line", "severity"),
    [
        (tsv(ROW, ROW.replace("洲际弹道导弹", "洲际导弹")), "duplicate-id", 3, "error"),
        (
            tsv(ROW, "icbm2\t洲际弹道导弹\tlong-range missile\t\t\t\tapproved"),
            "conflict",
            3,
            "error",
        ),
        (tsv(ROW, "x\t导弹\tmissile\tICBM\t\t\tapproved"), "conflict", 3, "error"),
        (
            tsv(ROW, "icbm2\t洲际弹道导弹\tintercontinental ballistic missile\t\t\t\tapproved"),
            "duplicate-form",
            3,
            "warning",
        ),
        (tsv("\t导弹\tmissile\t\t\t\tapproved"), "empty-field", 2, "error"),
        (tsv("m\t\tmissile\t\t\t\tapproved"), "empty-field", 2, "error"),
        (tsv("m\t|\tmissile\t\t\t\tapproved"), "empty-field", 2, "error"),
        (tsv("m\t导弹\t\t\t\t\tapproved"), "empty-field", 2, "error"),
        (tsv("m\t导弹\tmissile\t\t\t\tdone"), "bad-status", 2, "error"),
        (tsv("m\t导弹\tmissile\t\t\t\t"), "bad-status", 2, "error"),
        (tsv("m\t导弹\t missile\t\t\t\tapproved"), "whitespace", 2, "warning"),
        (tsv("m\t导弹\tballistic  missile\t\t\t\tapproved"), "whitespace", 2, "warning"),
        (tsv("m\t导弹 | 飞弹\tmissile\t\t\t\tapproved"), "whitespace", 2, "warning"),
        (tsv("m\t导弹||飞弹\tmissile\t\t\t\tapproved"), "empty-part", 2, "warning"),
        (tsv("m\t导弹|\tmissile\t\t\t\tapproved"), "empty-part", 2, "warning"),
        (tsv("m\t导弹\tmissile\t\t\tapproved"), "column-count", 2, "error"),
        (tsv("m\t导弹\tmissile\t\t\t\tapproved\t\textra"), "column-count", 2, "error"),
        ("id\tzh\tabbr\nm\t导弹\t\n", "missing-column", 1, "error"),
        ("id\tzh\ten\nm\t导弹\tmissile\n", "missing-column", 1, "warning"),
        (HEADER + "\tcomment\n", "unknown-column", 1, "error"),
        ("id\tzh\ten\ten\n", "duplicate-column", 1, "error"),
        ("", "missing-header", 1, "error"),
        (tsv("1st\t导弹\tmissile\t\t\t\tapproved"), "bad-id", 2, "error"),
        (tsv("m x\t导弹\tmissile\t\t\t\tapproved"), "bad-id", 2, "error"),
        (tsv("m\t导弹\tmissile|rocket\t\t\t\tapproved"), "multiple-values", 2, "error"),
    ],
)
def test_validation_issues(tmp_path: Path, text: str, code: str, line: int, severity: str) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(text, encoding="utf-8")
    issues = validate(path)
    assert (code, line, severity) in {(i.code, i.line, i.severity) for i in issues}, issues
    assert all(i.file == str(path) for i in issues)


def test_validation_of_clean_file_and_line_numbers_skip_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(tsv(ROW, "", "m\t导弹\tmissile\t\t\t\tbogus"), encoding="utf-8")
    assert [(i.line, i.code) for i in validate(path)] == [(4, "bad-status")]


def test_validation_after_normalization(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(
        tsv(
            "a\t國務院\tState Council\t\t\t\tapproved",
            "b\t国务院\tState Department\t\t\t\tapproved",
        ),
        encoding="utf-8",
    )
    assert [i for i in validate(path) if i.severity == "error"] == []
    assert "conflict" in {i.code for i in validate(path, AUTO)}
    with pytest.raises(GlossaryError, match="normalizes to"):
        load_glossary(path, AUTO)


def test_unreadable_files(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.tsv"
    bad.write_bytes(HEADER.encode() + "\nm\tcafé\tcafe\t\t\t\tapproved\n".encode("latin-1"))
    assert [i.code for i in validate(bad)] == ["unreadable"]
    assert [i.code for i in validate(tmp_path / "missing.tsv")] == ["unreadable"]
    with pytest.raises(GlossaryError, match="UTF-8"):
        load_glossary(bad)


def test_load_raises_with_line_numbers_and_cleans_warnings(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(tsv(ROW, ROW), encoding="utf-8")
    with pytest.raises(GlossaryError, match="line 3") as err:
        load_glossary(path)
    assert err.value.file == str(path)
    path.write_text(
        "\ufeff" + tsv(" m \t导弹 | 飞弹||\tballistic  missile\t\t\t\tapproved\r"), encoding="utf-8"
    )
    (term,) = load_glossary(path).terms
    assert (term.id, term.zh, term.en, term.status, term.line) == (
        "m",
        ("导弹", "飞弹"),
        "ballistic missile",
        "approved",
        2,
    )


def test_parse_defaults_for_missing_optional_columns() -> None:
    terms, issues = parse_glossary("id\tzh\ten\nm\t导弹\tmissile\n")
    assert terms == [Term("m", ("导弹",), "missile", line=2)]
    assert {i.severity for i in issues} == {"warning"}


# --- merging ----------------------------------------------------------------------------------


def test_later_glossaries_override_earlier(tmp_path: Path) -> None:
    base, project = tmp_path / "base.tsv", tmp_path / "project.tsv"
    base.write_text(
        tsv(
            "a\t导弹|飞弹\tmissile\t\t\t\tapproved",
            "b\t国务院\tState Council\t\t\t\tapproved",
            "c\t晋级\tJin-class\t\t\t\tapproved",
        ),
        encoding="utf-8",
    )
    project.write_text(
        tsv(
            "b\t国务院\tthe State Council\t\t\t\tapproved",
            "d\t飞弹|晋级\tflying bomb\t\t\t\tproposed",
        ),
        encoding="utf-8",
    )
    merged = load_glossaries([base, project])
    assert [t.id for t in merged] == ["a", "b", "d"]
    assert merged.get("a").zh == ("导弹",)  # type: ignore[union-attr]
    assert merged.get("b").en == "the State Council"  # type: ignore[union-attr]
    assert merged.path == f"{base}, {project}"
    assert [m.term.id for m in match_terms("飞弹晋级", merged)] == ["d", "d"]


def test_merge_takes_abbreviations_too() -> None:
    first = Glossary((Term("a", ("国防部",), "Ministry of National Defense", "MND"),))
    second = Glossary((Term("b", ("台湾国防部",), "Taiwan's Ministry of National Defense", "MND"),))
    merged = merge_glossaries([first, second])
    assert [(t.id, t.abbr) for t in merged] == [("a", ""), ("b", "MND")]


# ---------------------------------------------------------------- context rules and blockers


def test_context_column_is_optional_and_quiet() -> None:
    text = "id\tzh\ten\tabbr\taccept\tnote\tstatus\nm\t导弹\tmissile\t\t\t\tapproved\n"
    terms, issues = parse_glossary(text)
    assert [t.context for t in terms] == [""] and issues == []


def test_rows_may_leave_out_an_empty_trailing_context_cell() -> None:
    rows = ["m\t导弹\tmissile\t\t\t\tapproved", "d\t国防部\tMND\t\t\t\tapproved\tplace:中国"]
    terms, issues = parse_glossary(tsv(*rows))
    assert [t.context for t in terms] == ["", "place:中国"] and issues == []


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ("m\t导弹\tmissile\t\t\t\tapproved\tcountry:中国", "bad-context"),
        ("m\t导弹\tmissile\t\t\t\tapproved\tdoc:", "bad-context"),
        ("m\t导弹\t\t\t\t\tproposed", "empty-field"),
    ],
)
def test_bad_context_rules_are_errors(row: str, code: str) -> None:
    terms, issues = parse_glossary(tsv(row))
    assert terms == [] and [(i.code, i.line, i.severity) for i in issues] == [(code, 2, "error")]


def test_a_blocker_needs_no_rendering_but_may_not_share_a_form() -> None:
    terms, issues = parse_glossary(tsv("b\t外交部长\t\t\t\tnot a term\tblocked"))
    assert [(t.id, t.en, t.status) for t in terms] == [("b", "", "blocked")] and issues == []
    _, issues = parse_glossary(tsv(ROW, "b\t洲际弹道导弹\t\t\t\t\tblocked"))
    assert [i.code for i in issues] == ["conflict"]


def test_context_round_trips_through_tsv_and_is_left_out_when_unused(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    with_rule = make_term("d", "国防部", "MND", context="place:中国|台湾")
    save_glossary([with_rule, make_term("m", "导弹", "missile")], path)
    assert load_glossary(path).get("d") == replace(with_rule, line=2, file=str(path))
    save_glossary([make_term("m", "导弹", "missile")], path)
    assert "context" not in path.read_text(encoding="utf-8")


def test_shipped_glossaries_are_clean() -> None:
    for name in ("arms-control.tsv", "cross-strait.tsv"):
        assert validate(ROOT / "glossaries" / name, AUTO) == []
    terms = load_glossary(ROOT / "glossaries" / "cross-strait.tsv").terms
    assert all(t.note for t in terms), "every entry names its authority"


# --- limits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("big\t" + "导弹" * 50_000 + "\tmissile\t\t\t\tapproved", "zh"),
        ("big\t导弹\t" + "missile " * 90_000 + "\t\t\t\tapproved", "en"),
        ("big\t导弹|" + "飞" * 101 + "\tmissile\t\t\t\tapproved", "zh"),
        ("big\t导弹\tmissile\t\t" + "x" * 301 + "\t\tapproved", "accept"),
    ],
    ids=["zh-100k", "en-700k", "zh-form-101", "accept-301"],
)
def test_field_limits_are_one_rule_for_validate_and_load(
    tmp_path: Path, row: str, field: str
) -> None:
    path = tmp_path / "big.tsv"
    path.write_text(tsv(row, "ok\t核弹头\twarhead\t\t\t\tapproved"), encoding="utf-8")
    issues = validate(path)  # before the fix: "ok"
    assert [(i.code, i.line, i.severity) for i in issues] == [("too-long", 2, "error")]
    assert issues[0].message.startswith(f"{field}: ") and len(issues[0].message) < 200
    with pytest.raises(GlossaryError, match="more than the") as err:
        load_glossary(path)  # before the fix: loaded, then 10 GB (zh) or a hang (en)
    assert len(str(err.value)) < 400


def test_a_pipe_or_an_oversized_file_is_no_glossary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    fifo = tmp_path / "pipe.tsv"
    os.mkfifo(fifo)
    with pytest.raises(GlossaryError, match="not a regular file"):
        load_glossary(fifo)  # before the fix: blocked forever
    monkeypatch.setattr("pipeline.glossary.tsv.MAX_GLOSSARY_BYTES", 10)
    (tmp_path / "g.tsv").write_text(tsv("m\t导弹\tmissile\t\t\t\tapproved"), encoding="utf-8")
    assert [i.code for i in validate(tmp_path / "g.tsv")] == ["unreadable"]

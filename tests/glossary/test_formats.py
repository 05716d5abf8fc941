"""Glossary editing (atomic add/remove) and import/export in TSV, CSV, TBX and DeepL CSV."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
from lxml import etree

from pipeline.errors import GlossaryError
from pipeline.glossary.collection import Glossary
from pipeline.glossary.formats import (
    TBX_NS,
    add_term,
    detect_format,
    export_glossary,
    format_tsv,
    import_glossary,
    remove_term,
    slug,
)
from pipeline.glossary.terms import COLUMNS, Term
from pipeline.glossary.tsv import load_glossary, validate

ROOT = Path(__file__).resolve().parents[2]
ARMS = ROOT / "glossaries" / "arms-control.tsv"
DATA = ROOT / "tests" / "data" / "glossary"
NEW = Term("thaad2", ("萨德系统",), "THAAD system", status="proposed")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "g.tsv"
    path.write_text((DATA / "names.tsv").read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(".")]


# --- editing ----------------------------------------------------------------------------------


def test_add_term_appends_one_line(small: Path) -> None:
    before = small.read_text(encoding="utf-8")
    added = add_term(small, NEW)
    after = small.read_text(encoding="utf-8")
    assert after == before + "thaad2\t萨德系统\tTHAAD system\t\t\t\tproposed\n"
    assert added.line == before.count("\n") + 1
    assert load_glossary(small).get("thaad2") == added
    assert _leftovers(small.parent) == []


def test_add_term_creates_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "g.tsv"
    add_term(path, NEW)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "\t".join(COLUMNS[:-1]),
        "thaad2\t萨德系统\tTHAAD system\t\t\t\tproposed",
    ]


@pytest.mark.parametrize(
    ("term", "message"),
    [
        (Term("hao-ren", ("好人",), "good person"), "exists on line 2"),
        (Term("hr2", ("郝仁",), "Mr Hao"), "maps to"),
        (Term("x", ("某",), "some", status="maybe"), "status"),
        (Term("bad id", ("某",), "some"), "id"),
        (Term("x", ("某",), "some\tthing"), "tab or line break"),
        (Term("x", (), "some"), "empty"),
    ],
)
def test_add_term_refusals_leave_file_unchanged(small: Path, term: Term, message: str) -> None:
    before = small.read_bytes()
    with pytest.raises(GlossaryError, match=message):
        add_term(small, term)
    assert small.read_bytes() == before
    assert _leftovers(small.parent) == []


def test_add_term_refuses_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("id\tzh\ten\nm\t导弹\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="columns"):
        add_term(path, NEW)


def test_add_term_keeps_crlf_bom_and_column_order(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_bytes(
        codecs.BOM_UTF8 + "zh\tid\ten\tstatus\r\n导弹\tm\tmissile\tapproved\r\n".encode()
    )
    add_term(path, NEW)
    assert (
        path.read_bytes()
        == codecs.BOM_UTF8
        + (
            "zh\tid\ten\tstatus\r\n导弹\tm\tmissile\tapproved\r\n"
            "萨德系统\tthaad2\tTHAAD system\tproposed\r\n"
        ).encode()
    )
    with pytest.raises(GlossaryError, match="no abbr column"):
        add_term(path, Term("x", ("某",), "some", "S"))


def test_add_term_to_minimal_file_needs_no_status_column(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("id\tzh\ten\n", encoding="utf-8")
    add_term(path, Term("a", ("甲",), "alpha"))
    assert path.read_text(encoding="utf-8") == "id\tzh\ten\na\t甲\talpha\n"
    with pytest.raises(GlossaryError, match="no status column"):
        add_term(path, Term("b", ("乙",), "beta", status="proposed"))


def test_remove_term_keeps_everything_else(small: Path) -> None:
    lines = small.read_text(encoding="utf-8").splitlines(keepends=True)
    removed = remove_term(small, "beijing")
    assert (removed.id, removed.en, removed.line) == ("beijing", "Beijing", 6)
    assert small.read_text(encoding="utf-8") == "".join(lines[:5] + lines[6:])
    with pytest.raises(GlossaryError, match="no term with id"):
        remove_term(small, "beijing")
    assert _leftovers(small.parent) == []


def test_remove_term_fixes_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    row = "m\t导弹\tmissile\t\t\t\tapproved\n"
    path.write_text(
        format_tsv([]) + row + "n\t飞弹\tmissile\t\t\t\tapproved\n" + row, encoding="utf-8"
    )
    remove_term(path, "m")
    assert [t.id for t in load_glossary(path)] == ["n"]


# --- import / export --------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("tsv", "g.tsv"), ("csv", "g.csv"), ("tbx", "g.tbx")])
def test_round_trip_keeps_every_field(tmp_path: Path, fmt: str, name: str) -> None:
    original = load_glossary(ARMS)
    dest = tmp_path / name
    export_glossary(original, dest, fmt)
    back = import_glossary(dest)
    strip = [(t.id, t.zh, t.en, t.abbr, t.accept, t.note, t.status) for t in original]
    assert [(t.id, t.zh, t.en, t.abbr, t.accept, t.note, t.status) for t in back] == strip
    assert _leftovers(tmp_path) == []


def test_deepl_round_trip_keeps_sources_and_targets(tmp_path: Path) -> None:
    original = load_glossary(ARMS)
    dest = tmp_path / "deepl.csv"
    export_glossary(original, dest, "deepl")
    raw = dest.read_bytes()
    assert not raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0] == ["洲际弹道导弹", "intercontinental ballistic missile"]
    assert len(rows) == sum(len(t.zh) for t in original)
    assert all(len(r) == 2 and r[0] == r[0].strip() for r in rows)
    back = import_glossary(dest, "deepl")
    assert {(f, t.en) for t in back for f in t.zh} == {(f, t.en) for t in original for f in t.zh}


def test_deepl_import_groups_by_target() -> None:
    glossary = import_glossary(DATA / "deepl.csv")
    assert [(t.id, t.zh, t.en) for t in glossary] == [
        (
            "intercontinental-ballistic-missile",
            ("洲际弹道导弹", "洲際彈道飛彈"),
            "intercontinental ballistic missile",
        ),
        ("the-pentagon", ("五角大楼",), "the Pentagon"),
        ("nato", ("北约",), "NATO"),
    ]
    assert {t.status for t in glossary} == {"approved"}


def test_csv_export_is_spreadsheet_friendly(tmp_path: Path) -> None:
    dest = tmp_path / "g.csv"
    export_glossary(load_glossary(DATA / "names.tsv"), dest)
    raw = dest.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS)
    assert rows[4][:3] == ["washington-dc", "华盛顿特区", "Washington, D.C."]


def test_tbx_export_is_tbx_basic(tmp_path: Path) -> None:
    dest = tmp_path / "g.tbx"
    export_glossary(load_glossary(ARMS), dest)
    root = etree.parse(str(dest)).getroot()
    ns = {"t": TBX_NS}
    assert root.tag == f"{{{TBX_NS}}}tbx"
    assert (root.get("type"), root.get("style")) == ("TBX-Basic", "dca")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    entries = root.findall(".//t:conceptEntry", ns)
    assert len(entries) == len(load_glossary(ARMS))
    icbm = root.find(".//t:conceptEntry[@id='icbm']", ns)
    assert icbm is not None
    langs = [
        s.get("{http://www.w3.org/XML/1998/namespace}lang") for s in icbm.findall("t:langSec", ns)
    ]
    assert langs == ["zh", "en"]
    en_terms = icbm.findall("t:langSec[2]/t:termSec", ns)
    assert [t.findtext("t:term", namespaces=ns) for t in en_terms] == [
        "intercontinental ballistic missile",
        "ICBM",
    ]
    assert en_terms[1].findtext("t:termNote[@type='termType']", namespaces=ns) == "acronym"
    statuses = {n.text for n in root.iterfind(".//t:termNote[@type='administrativeStatus']", ns)}
    assert statuses == {"preferredTerm-admn-sts", "admittedTerm-admn-sts"}


def test_tbx_import_reads_older_tbx() -> None:
    glossary = import_glossary(DATA / "legacy-v2.tbx", status="proposed")
    assert [(t.id, t.zh, t.en, t.abbr, t.accept, t.status) for t in glossary] == [
        (
            "c1",
            ("洲际弹道导弹", "洲际导弹"),
            "intercontinental ballistic missile",
            "ICBM",
            (),
            "proposed",
        ),
        ("missile", ("飛彈",), "missile", "", (), "proposed"),
    ]
    assert glossary.terms[0].note == "Missile with intercontinental range."


@pytest.mark.parametrize(
    ("name", "content", "fmt", "message"),
    [
        ("bad.tbx", "<tbx><text>", "tbx", "well-formed"),
        (
            "de.tbx",
            '<tbx><conceptEntry id="a"><langSec xml:lang="de"/></conceptEntry></tbx>',
            "tbx",
            "zh and en",
        ),
        ("bad.csv", "a,b,c\n", "deepl", "source,target"),
        ("bad.csv", "id,zh,en\nm,,missile\n", "csv", "empty"),
        ("g.tsv", "id\tzh\ten\nm\t导弹\tmissile\n", "yaml", "unknown glossary format"),
    ],
)
def test_import_errors(tmp_path: Path, name: str, content: str, fmt: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GlossaryError, match=message):
        import_glossary(path, fmt)


def test_import_rejects_bad_status_override() -> None:
    with pytest.raises(GlossaryError, match="status"):
        import_glossary(DATA / "names.tsv", status="final")


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        ("a.tsv", "", "tsv"),
        ("a.tbx", "", "tbx"),
        ("a.csv", "id,zh,en,abbr,accept,note,status\n", "csv"),
        ("a.csv", "\ufeffid,zh,en\n", "csv"),
        ("a.csv", "导弹,missile\n", "deepl"),
    ],
)
def test_detect_format(tmp_path: Path, name: str, content: str, fmt: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert detect_format(path) == fmt


def test_unknown_extensions_are_refused(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="format"):
        export_glossary(Glossary(()), tmp_path / "g.json")
    (tmp_path / "g.json").write_text("{}", encoding="utf-8")
    with pytest.raises(GlossaryError, match="format"):
        detect_format(tmp_path / "g.json")


def test_exported_tsv_validates(tmp_path: Path) -> None:
    dest = tmp_path / "out.tsv"
    export_glossary(import_glossary(DATA / "legacy-v2.tbx"), dest)
    assert validate(dest) == []


@pytest.mark.parametrize(
    ("text", "taken", "expected"),
    [
        ("the Pentagon", set(), "the-pentagon"),
        ("New START", {"new-start"}, "new-start-2"),
        ("1988 agreement", set(), "t-1988-agreement"),
        ("洲际", set(), "term"),
    ],
)
def test_slug(text: str, taken: set[str], expected: str) -> None:
    assert slug(text, taken) == expected
    assert expected in taken


def test_tbx_import_honours_the_xml_encoding(tmp_path: Path) -> None:
    path = tmp_path / "utf16.tbx"
    text = (
        (DATA / "legacy-v2.tbx")
        .read_text(encoding="utf-8")
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
    )
    path.write_bytes(text.encode("utf-16"))
    assert [t.id for t in import_glossary(path)] == ["c1", "missile"]


def test_unreadable_sources(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="not found"):
        import_glossary(tmp_path / "nope.tbx")
    with pytest.raises(GlossaryError, match="directory"):
        import_glossary(tmp_path, "tsv")


def test_context_rules_travel_through_tbx(tmp_path: Path) -> None:
    from pipeline.glossary.collection import Glossary
    from pipeline.glossary.formats import export_glossary, import_glossary
    from pipeline.glossary.terms import make_term

    term = make_term(
        "mnd", "国防部", "Ministry of National Defense", "MND", context="place:中国|台湾"
    )
    path = tmp_path / "g.tbx"
    export_glossary(Glossary((term,)), path)
    assert "<note>context: place:中国|台湾</note>" in path.read_text(encoding="utf-8")
    assert import_glossary(path).get("mnd").context == "place:中国|台湾"  # type: ignore[union-attr]

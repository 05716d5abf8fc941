"""XLIFF 2.1 export and the XML helpers: valid, read by translate-toolkit, every character
round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from export.helpers import LOOKUP, RUN, make_doc, sample_docs
from lxml import etree
from translate.storage import tmx, xliff, xliff2

from pipeline.document import Document, DocumentTerm, MemoryMatch
from pipeline.export.registry import export_run
from pipeline.export.xml import MTC_NS, XLIFF2_NS, XLIFF12_NS, build_xliff2, nmtoken, xml_safe

DATA = Path(__file__).resolve().parents[1] / "data" / "export"
XSD = DATA / "xliff_core_2.0.xsd"
X2 = {"x": XLIFF2_NS}
X12 = {"x": XLIFF12_NS}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def docs() -> list[Document]:
    """Two documents with every kind of tricky text, plus one without segments."""
    return sample_docs()


@pytest.mark.parametrize(
    ("value", "expected"), [("doc:1:2", "doc:1:2"), ("a b/c", "a_b_c"), ("新闻:0:1", "新闻:0:1")]
)
def test_nmtoken(value: str, expected: str) -> None:
    assert nmtoken(value) == expected


def test_xml_exports_replace_characters_xml_cannot_hold(tmp_path: Path) -> None:
    doc = make_doc("ctl", [(0, "a\x0bb\x00", "a\x0bb\x00", "c\x1fd", {})])
    assert xml_safe("a\x0bb\x00\ufffe") == "a\ufffdb\ufffd\ufffd"
    written = export_run([doc], RUN, tmp_path, ["tmx", "xliff12"])
    unit = tmx.tmxfile.parsestring(written["tmx"][0].read_bytes()).units[0]
    assert (unit.source, unit.target) == ("a\ufffdb\ufffd", "c\ufffdd")
    unit12 = xliff.xlifffile.parsestring(written["xliff12"][0].read_bytes()).units[0]
    assert (unit12.source, unit12.target) == ("a\ufffdb\ufffd", "c\ufffdd")


# ---------------------------------------------------------------- XLIFF 2.1


def _inline_text(el: etree._Element) -> str:
    """Text of a <source>/<target>, with <cp hex> turned back into its character."""
    out = [el.text or ""]
    for child in el:
        if child.tag == f"{{{XLIFF2_NS}}}cp":
            out.append(chr(int(child.get("hex"), 16)))
        else:
            out.append(_inline_text(child))
        out.append(child.tail or "")
    return "".join(out)


def test_xliff2_validates_against_the_oasis_schema(docs: list[Document], tmp_path: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    docs.append(make_doc("ctl", [(0, "a\x0bb", "a\x0bb", "c\x0cd", {})]))
    for path in export_run(docs, RUN, tmp_path, ["xliff"], LOOKUP)["xliff"]:
        tree = etree.parse(str(path))
        assert schema.validate(tree), schema.error_log
        root = tree.getroot()
        assert root.tag == f"{{{XLIFF2_NS}}}xliff"
        assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == (
            "2.1",
            "zh-CN",
            "en",
        )


def test_xliff2_round_trips_text_ids_and_states(docs: list[Document], tmp_path: Path) -> None:
    docs.append(make_doc("ctl", [(0, "a\x0bb", "a\x0bb", "c\x0cd", {})]))
    paths = export_run(docs, RUN, tmp_path, ["xliff"], LOOKUP)["xliff"]
    with_segments = [d for d in docs if d.segments]
    assert len(paths) == len(with_segments)
    for path, doc in zip(paths, with_segments, strict=True):
        root = etree.parse(str(path)).getroot()
        assert root.find("x:file", X2).get("id") == nmtoken(doc.id)
        segments = root.findall(".//x:segment", X2)
        assert [s.get("id") for s in segments] == [nmtoken(s.id) for s in doc.segments]
        for el, seg in zip(segments, doc.segments, strict=True):
            assert _inline_text(el.find("x:source", X2)) == seg.source
            target = el.find("x:target", X2)
            assert (_inline_text(target) if target is not None else "") == seg.en
            assert el.get("state") == ("translated" if seg.en else "initial")
            assert el.get("subState") == f"zhen:{seg.status}"
        units = root.findall(".//x:unit", X2)
        assert [u.get("id") for u in units] == [f"b{b.index}" for b in doc.blocks]


def test_xliff2_reads_in_translate_toolkit(docs: list[Document], tmp_path: Path) -> None:
    path = export_run(docs, RUN, tmp_path, ["xliff"], LOOKUP)["xliff"][0]
    store = xliff2.Xliff2File.parsestring(path.read_bytes())
    segs = docs[0].segments
    assert [u.getid().split("::")[1] for u in store.units] == [nmtoken(s.id) for s in segs]
    for unit, seg in zip(store.units, segs, strict=True):
        assert unit.source == seg.source
        assert (unit.target or "") == seg.en
        assert unit.istranslated() is bool(seg.en)


def test_xliff2_marks_terms_and_carries_notes(docs: list[Document], tmp_path: Path) -> None:
    path = export_run(docs, RUN, tmp_path, ["xliff"], LOOKUP)["xliff"][0]
    root = etree.parse(str(path)).getroot()
    first = root.find(".//x:segment", X2)
    mrk = first.find("x:source/x:mrk", X2)
    assert (mrk.get("type"), mrk.get("value"), mrk.text) == (
        "term",
        "European Commission",
        "欧盟委员会",
    )
    target_mrk = first.find("x:target/x:mrk", X2)
    assert target_mrk.text == "European Commission"
    # A source made only of a term gets no indentation whitespace inside <source>.
    lone = root.find(".//x:segment[@id='新闻_2024_01:2:0']", X2)
    assert etree.tostring(lone.find("x:source", X2), encoding="unicode").endswith(
        'type="term" value="EU">欧盟</mrk></source>\n      '
    )
    notes = {(n.get("category"), n.text) for n in root.iterfind(".//x:unit/x:notes/x:note", X2)}
    assert ("zhen:qa", "新闻 2024/01:2:0: empty-output term-missed") in notes
    assert ("zhen:term-missed", "新闻 2024/01:2:0: eu") in notes
    assert ("zhen:normalized", "新闻 2024/01:1:0: 芯片\t出口增长 50%。\n") in notes
    file_notes = {n.get("category"): n.text for n in root.iterfind("x:file/x:notes/x:note", X2)}
    assert file_notes["zhen:title"] == "標題 <b>"
    assert file_notes["zhen:settings"] == '{"beam": 2}'


def test_xliff2_ids_are_unique_within_each_unit(docs: list[Document]) -> None:
    root = etree.fromstring(build_xliff2(docs[0], RUN, LOOKUP))
    for unit in root.iterfind(".//x:unit", X2):
        ids = [e.get("id") for e in unit.iter(f"{{{XLIFF2_NS}}}segment", f"{{{XLIFF2_NS}}}mrk")]
        assert len(ids) == len(set(ids))


def test_xliff2_matches_module_and_document_terms(tmp_path: Path) -> None:
    """Memory matches and the plain translation as <mtc:match>, the document's own glossed terms
    marked like glossary terms; still valid against the OASIS schema."""
    doc = make_doc("m", [(0, "艾克顿说，欧盟发布声明。", "艾克顿说，欧盟发布声明。",
                          "Acton said the EU issued a statement.",
                          {"plain": "Ekton said the EU published.",
                           "terms_applied": ["doc:acton", "eu"]})])  # fmt: skip
    doc.terms = [DocumentTerm("doc:acton", ["艾克顿"], "James Acton", "Acton", "m:0:0")]
    doc.segments[0].matches = [MemoryMatch("艾克顿说，欧盟发布了声明。", "Acton said so.", 91.7)]
    path = export_run([doc], RUN, tmp_path, ["xliff"], LOOKUP)["xliff"][0]
    tree = etree.parse(str(path))
    assert etree.XMLSchema(etree.parse(str(XSD))).validate(tree)
    root = tree.getroot()
    matches = root.findall(".//mtc:match", {"mtc": MTC_NS})
    assert [(m.get("type"), m.get("similarity")) for m in matches] == [("tm", "91.7"), ("mt", None)]
    assert matches[0].get("ref") == "#m:0:0"
    assert matches[1].findtext("x:target", namespaces=X2) == "Ekton said the EU published."
    marks = {m.text: m.get("value") for m in root.iterfind(".//x:source/x:mrk", X2)}
    assert marks == {"艾克顿": "James Acton", "欧盟": "EU"}
    targets = {m.text for m in root.iterfind(".//x:target/x:mrk", X2)}
    assert targets == {"Acton", "EU"}

"""XLIFF 1.2 exports: the standard layout and OmegaT's, read by translate-toolkit."""

from __future__ import annotations

from pathlib import Path

import pytest
from export.helpers import LOOKUP, RUN, make_doc, sample_docs
from lxml import etree
from translate.storage import xliff

from pipeline.document import Document, MemoryMatch
from pipeline.export.registry import export_run
from pipeline.export.xml import XLIFF12_NS

X12 = {"x": XLIFF12_NS}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def docs() -> list[Document]:
    """Two documents with every kind of tricky text, plus one without segments."""
    return sample_docs()


def test_xliff12_round_trips_in_translate_toolkit(docs: list[Document], tmp_path: Path) -> None:
    paths = export_run(docs, RUN, tmp_path, ["xliff12"], LOOKUP)["xliff12"]
    store = xliff.xlifffile.parsestring(paths[0].read_bytes())
    segs = docs[0].segments
    assert [u.xmlelement.get("id") for u in store.units] == [s.id for s in segs]
    for unit, seg in zip(store.units, segs, strict=True):
        assert unit.source == seg.source
        assert (unit.target or "") == seg.en
    notes = store.units[4].getnotes()
    assert "empty-output term-missed" in notes and "eu" in notes


@pytest.mark.parametrize(
    ("index", "state", "qualifier"),
    [
        (0, "translated", "mt-suggestion"),
        (1, "needs-review-translation", "mt-suggestion"),
        (4, "needs-translation", None),
        (5, "translated", "leveraged-tm"),
    ],
)
def test_xliff12_target_states(
    docs: list[Document], tmp_path: Path, index: int, state: str, qualifier: str | None
) -> None:
    path = export_run(docs, RUN, tmp_path, ["xliff12"])["xliff12"][0]
    root = etree.parse(str(path)).getroot()
    assert root.get("version") == "1.2"
    target = root.findall(".//x:trans-unit", X12)[index].find("x:target", X12)
    assert (target.get("state"), target.get("state-qualifier")) == (state, qualifier)
    file_el = root.find("x:file", X12)
    assert (file_el.get("source-language"), file_el.get("target-language")) == ("zh-CN", "en")


def test_alt_trans_offers_memory_matches_and_the_plain_translation(tmp_path: Path) -> None:
    doc = make_doc("m", [(0, "欧盟发布了声明。", "欧盟发布了声明。", "The EU issued a statement.",
                          {"plain": "EU published statement."})])  # fmt: skip
    doc.segments[0].matches = [MemoryMatch("欧盟发布声明。", "The EU issued its statement.", 87.5)]
    path = export_run([doc], RUN, tmp_path, ["xliff12"])["xliff12"][0]
    unit = etree.parse(str(path)).getroot().find(".//x:trans-unit", X12)
    alts = {a.get("origin"): a for a in unit.findall("x:alt-trans", X12)}
    memory, plain = alts["zhen-memory"], alts["zhen-plain"]
    assert memory.get("match-quality") == "88"
    assert memory.findtext("x:target", namespaces=X12) == "The EU issued its statement."
    assert plain.findtext("x:target", namespaces=X12) == "EU published statement."
    assert plain.find("x:target", X12).get("state-qualifier") == "mt-suggestion"
    assert xliff.xlifffile.parsestring(path.read_bytes()).units[0].target == doc.segments[0].en


def test_omegat_layout_puts_the_source_in_the_target(tmp_path: Path) -> None:
    """OmegaT's XLIFF filter translates <target>: the layout copies the original there (state
    new) and offers zhen's English as alt-trans; the file says which layout it is."""
    doc = make_doc("tw", [(0, "國防部發表聲明。", "国防部发表声明。", "The MND issued a statement.",
                           {})])  # fmt: skip
    doc.blocks[0].script = "tw2sp"
    path = export_run([doc], RUN, tmp_path, ["omegat"])["omegat"][0]
    assert path.parent.name == "omegat"
    root = etree.parse(str(path)).getroot()
    file_el = root.find("x:file", X12)
    assert (file_el.get("category"), file_el.get("source-language")) == ("zhen-omegat", "zh-TW")
    unit = root.find(".//x:trans-unit", X12)
    assert unit.findtext("x:source", namespaces=X12) == "國防部發表聲明。"
    target = unit.find("x:target", X12)
    assert (target.text, target.get("state")) == ("國防部發表聲明。", "new")
    alt = unit.find("x:alt-trans[@origin='zhen']", X12)
    assert alt.findtext("x:target", namespaces=X12) == "The MND issued a statement."

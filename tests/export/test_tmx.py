"""TMX export: the original text as source, in its language; read by translate-toolkit."""

from __future__ import annotations

from pathlib import Path

import pytest
from export.helpers import RUN, all_segments, make_doc, sample_docs
from lxml import etree
from translate.storage import tmx

from pipeline.document import Document
from pipeline.export.registry import export_run
from pipeline.export.xml import XLIFF12_NS

X12 = {"x": XLIFF12_NS}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def docs() -> list[Document]:
    """Two documents with every kind of tricky text, plus one without segments."""
    return sample_docs()


def test_tmx_round_trips_in_translate_toolkit(docs: list[Document], tmp_path: Path) -> None:
    path = export_run(docs, RUN, tmp_path, ["tmx"])["tmx"][0]
    store = tmx.tmxfile.parsestring(path.read_bytes())
    segs = all_segments(docs)
    assert [u.getid() for u in store.units] == [s.id for s in segs]
    for unit, seg in zip(store.units, segs, strict=True):
        assert unit.source == seg.source
        assert unit.target == (seg.en or None)


def test_tmx_header_and_props(docs: list[Document], tmp_path: Path) -> None:
    path = export_run(docs, RUN, tmp_path, ["tmx"])["tmx"][0]
    root = etree.parse(str(path)).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert dict(header.attrib) == {
        "creationtool": "zhen", "creationtoolversion": "0.1.0", "datatype": "plaintext",
        "segtype": "sentence", "adminlang": "en", "srclang": "zh-CN", "o-tmf": "zhen",
        "creationdate": "20240506T070809Z",
    }  # fmt: skip
    assert header.findtext("prop[@type='x-model']") == "translate-zh_en-1_9"
    tus = root.findall("body/tu")
    props = {tu.get("tuid"): {p.get("type"): p.text for p in tu.findall("prop")} for tu in tus}
    chip = props["新闻 2024/01:1:0"]
    assert chip["x-normalized"] == "芯片\t出口增长 50%。\n"
    assert chip["x-flags"] == "length-ratio"
    assert chip["x-terms"] == "chip"
    assert chip["x-document"] == "新闻 2024/01"
    assert chip["x-url"] == "https://example.org/a?x=1&y=2"
    assert chip["x-status"] == "translated"
    assert "x-normalized" not in props["新闻 2024/01:1:1"]
    assert props["新闻 2024/01:3:0"]["x-status"] == "memory"
    assert [t.get(XML_LANG) for t in tus[0].findall("tuv")] == ["zh-CN", "en"]


def test_traditional_source_is_the_original_in_its_language(tmp_path: Path) -> None:
    """A Taiwan article: the source variant is its own text, tagged zh-TW (what a CAT tool holding
    the article matches); the translated Simplified text is the x-normalized prop."""
    doc = make_doc("tw", [(0, "二〇二六年國防部發表聲明。", "2026年国防部发表声明。",
                           "In 2026 the Ministry of Defence issued a statement.", {})])  # fmt: skip
    doc.blocks[0].script = "tw2sp"
    root = etree.parse(str(export_run([doc], RUN, tmp_path, ["tmx"])["tmx"][0])).getroot()
    assert root.find("header").get("srclang") == "zh-TW"
    (tu,) = root.findall("body/tu")
    source, target = tu.findall("tuv")
    assert (source.get(XML_LANG), source.findtext("seg")) == ("zh-TW", "二〇二六年國防部發表聲明。")
    assert target.findtext("seg").startswith("In 2026")
    assert tu.findtext("prop[@type='x-normalized']") == "2026年国防部发表声明。"

"""TBX export and import: TBX-Basic 2019 and TBX v2 martif, as real consumers read them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from lxml import etree
from translate.storage import tbx as ttk_tbx

from pipeline.glossary.collection import Glossary
from pipeline.glossary.formats import export_glossary, import_glossary
from pipeline.glossary.tbx import build_tbx, build_tbx2
from pipeline.glossary.terms import Term
from pipeline.glossary.tsv import load_glossary

ARMS = REPO / "glossaries" / "arms-control.tsv"
TRICKY = Glossary(
    (
        Term("ctl", ("控制", "控"), "control <&> \"chars\"", "CTL", ("ctl-alt",),
             "bell\x07 and\x0b tab", "proposed"),
        Term("icbm", ("洲际弹道导弹",), "intercontinental ballistic missile", "ICBM"),
    )
)  # fmt: skip


@pytest.mark.parametrize("build", [build_tbx, build_tbx2])
def test_control_characters_and_markup_stay_valid_xml(build) -> None:  # type: ignore[no-untyped-def]
    data = build(TRICKY)
    root = etree.fromstring(data)
    notes = ["".join(n.itertext()) for n in root.iter("{*}note", "note")]
    assert "bell\ufffd and\ufffd tab" in notes and "status: proposed" in notes
    terms = ["".join(t.itertext()) for t in root.iter("{*}term", "term")]
    assert 'control <&> "chars"' in terms


def test_tbx2_is_martif_and_loads_in_translate_toolkit(tmp_path: Path) -> None:
    dest = tmp_path / "g.tbx"
    export_glossary(load_glossary(ARMS), dest, "tbx2")
    root = etree.parse(str(dest)).getroot()
    assert root.tag == "martif" and root.get("type") == "TBX"
    store = ttk_tbx.tbxfile.parsestring(dest.read_bytes())
    glossary = load_glossary(ARMS)
    assert len(store.units) == len(glossary)
    first = glossary.terms[0]
    assert store.units[0].source == first.zh[0]
    assert store.units[0].getid() == first.id


@pytest.mark.parametrize("fmt", ["tbx", "tbx2"])
def test_tbx_round_trips_every_field(tmp_path: Path, fmt: str) -> None:
    dest = tmp_path / "g.tbx"
    export_glossary(TRICKY, dest, fmt)
    back = import_glossary(dest, fmt)
    ctl = back.get("ctl")
    assert ctl is not None
    assert (ctl.zh, ctl.en, ctl.abbr, ctl.accept, ctl.status) == (
        ("控制", "控"),
        'control <&> "chars"',
        "CTL",
        ("ctl-alt",),
        "proposed",
    )
    assert [t.id for t in back] == ["ctl", "icbm"]


@pytest.mark.parametrize("build", [build_tbx, build_tbx2])
def test_a_merged_glossary_names_every_file_it_came_from(build) -> None:  # type: ignore[no-untyped-def]
    from pipeline.glossary.tsv import load_glossaries

    merged = load_glossaries([ARMS, REPO / "glossaries" / "cross-strait.tsv"])
    root = etree.fromstring(build(merged))
    sources = ["".join(p.itertext()) for p in root.iter("{*}p", "p")]
    assert "zhen glossary arms-control.tsv, cross-strait.tsv" in sources

"""Exports must parse in real consumers (translate-toolkit, lxml + the XLIFF 2 schema, polars,
headless Chromium) and round-trip every segment and character."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from lxml import etree
from translate.storage import tmx, xliff, xliff2

from pipeline.document import Block, Document, Metadata, Segment
from pipeline.errors import PipelineError
from pipeline.export.common import RunInfo, unique_stem
from pipeline.export.html import render_html
from pipeline.export.registry import FORMATS, export_run
from pipeline.export.spans import TermSpan, find_terms, segment_terms, term_lookup_from
from pipeline.export.xml import XLIFF2_NS, XLIFF12_NS, build_xliff2, nmtoken, xml_safe

DATA = Path(__file__).parent / "data" / "export"
XSD = DATA / "xliff_core_2.0.xsd"
X2 = {"x": XLIFF2_NS}
X12 = {"x": XLIFF12_NS}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

RUN = RunInfo(
    "0.1.0", "translate-zh_en-1_9", datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC), {"beam": 2}
)
LOOKUP = {
    "eu-commission": (["欧盟委员会"], "European Commission"),
    "eu": (["欧盟"], "EU"),
    "chip": (["芯片", "晶片"], "chip"),
}
INJECTED = '<script>document.title="pwned"</script>'


def _doc(doc_id: str, pieces: list[tuple[int, str, str, str, dict]], **meta: str) -> Document:
    """A document whose blocks are tiled by ``(block, original, normalized, en, extra)`` pieces."""
    by_block: dict[int, list[tuple[str, str, str, dict]]] = {}
    for block, original, normalized, en, extra in pieces:
        by_block.setdefault(block, []).append((original, normalized, en, extra))
    blocks, segments = [], []
    kinds = ["title", "paragraph", "heading", "paragraph", "list_item"]
    for b, parts in by_block.items():
        text = "".join(p[0] for p in parts)
        blocks.append(Block(index=b, kind=kinds[b % len(kinds)], text=text))  # type: ignore[arg-type]
        pos = 0
        for i, (original, normalized, en, shared) in enumerate(parts):
            extra = {k: list(v) if isinstance(v, list) else v for k, v in shared.items()}
            status = extra.pop("status", "translated" if en else "pending")
            segments.append(
                Segment(
                    id=f"{doc_id}:{b}:{i}", doc_id=doc_id, block=b, index=i, start=pos,
                    end=pos + len(original), source=original, normalized=normalized, en=en,
                    status=status, **extra,
                )
            )  # fmt: skip
            pos += len(original)
    return Document(
        doc_id, f"in/{doc_id}.md", "markdown", "utf-8", Metadata(**meta), blocks, segments
    )


TRICKY = [
    (0, "欧盟委员会<发布>&\"声明\"'", "欧盟委员会<发布>&\"声明\"'",
     "The European Commission <issues> & \"statement\"'", {"terms_applied": ["eu-commission"]}),
    (1, "晶片\t出口增長 50%。\n", "芯片\t出口增长 50%。\n", "Chip\texports grow 50%.\n",
     {"terms_applied": ["chip"], "flags": ["length-ratio"]}),
    (1, "  前后空格  ", "  前后空格  ", "  spaces around  ", {}),
    (1, "表情😀与𠀀字", "表情😀与𠀀字", "Emoji 😀 and a rare 𠀀 character",
     {"flags": ["cjk-in-output"]}),
    (2, "欧盟", "欧盟", "", {"terms_missed": ["eu"], "flags": ["empty-output", "term-missed"]}),
    (3, "第\r二行", "第\r二行", "line\rtwo", {"status": "memory"}),
    (3, INJECTED, INJECTED, INJECTED + " translated", {}),
]  # fmt: skip


@pytest.fixture
def docs() -> list[Document]:
    """Two documents with every kind of tricky text, plus one without segments."""
    first = _doc("新闻 2024/01", TRICKY, title="標題 <b>", url="https://example.org/a?x=1&y=2")
    second = _doc(
        "plain", [(0, "一句话。", "一句话。", "One sentence.", {})], url="javascript:alert(1)"
    )
    empty = Document("empty", "in/empty.md", "markdown", "utf-8", Metadata(), [], [])
    return [first, second, empty]


def _all_segments(docs: list[Document]) -> list[Segment]:
    return [s for d in docs for s in d.segments]


# ---------------------------------------------------------------- helpers


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


@pytest.mark.parametrize(
    ("name", "used", "expected"),
    [
        ("plain", set(), "plain"),
        ("新闻 2024/01", set(), "新闻_2024_01"),
        ("../etc/passwd", set(), "etc_passwd"),
        ("", set(), "document"),
        ("Plain", {"plain"}, "Plain-2"),
    ],
)
def test_unique_stem(name: str, used: set[str], expected: str) -> None:
    assert unique_stem(name, used) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("doc:1:2", "doc:1:2"), ("a b/c", "a_b_c"), ("新闻:0:1", "新闻:0:1")]
)
def test_nmtoken(value: str, expected: str) -> None:
    assert nmtoken(value) == expected


# ---------------------------------------------------------------- dispatcher


def test_export_run_writes_every_format(docs: list[Document], tmp_path: Path) -> None:
    written = export_run(docs, RUN, tmp_path, list(FORMATS), LOOKUP)
    assert list(written) == list(FORMATS)
    assert [p.name for p in written["xliff"]] == ["新闻_2024_01.xlf", "plain.xlf"]
    assert all(p.is_file() and p.stat().st_size > 0 for paths in written.values() for p in paths)
    leftovers = [p for p in tmp_path.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


def test_export_run_rejects_unknown_format_before_writing(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="unknown export format 'docx'; use one of: tmx"):
        export_run([], RUN, tmp_path / "out", ["tmx", "docx"])
    assert not (tmp_path / "out").exists()


def test_exports_are_deterministic(docs: list[Document], tmp_path: Path) -> None:
    first = export_run(docs, RUN, tmp_path / "a", list(FORMATS), LOOKUP)
    second = export_run(docs, RUN, tmp_path / "b", list(FORMATS), LOOKUP)
    for name in FORMATS:
        for a, b in zip(first[name], second[name], strict=True):
            assert a.read_bytes() == b.read_bytes(), name


def test_empty_run_still_writes_valid_files(tmp_path: Path) -> None:
    written = export_run([], RUN, tmp_path, list(FORMATS))
    assert written["xliff"] == [] and written["xliff12"] == []
    assert tmx.tmxfile.parsestring(written["tmx"][0].read_bytes()).units == []
    assert pl.read_parquet(written["parquet"][0]).height == 0
    assert "No documents in this run." in written["html"][0].read_text(encoding="utf-8")


# ---------------------------------------------------------------- TMX


def test_tmx_round_trips_in_translate_toolkit(docs: list[Document], tmp_path: Path) -> None:
    path = export_run(docs, RUN, tmp_path, ["tmx"])["tmx"][0]
    store = tmx.tmxfile.parsestring(path.read_bytes())
    segs = _all_segments(docs)
    assert [u.getid() for u in store.units] == [s.id for s in segs]
    for unit, seg in zip(store.units, segs, strict=True):
        assert unit.source == seg.normalized
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
    assert chip["x-original"] == "晶片\t出口增長 50%。\n"
    assert chip["x-flags"] == "length-ratio"
    assert chip["x-terms"] == "chip"
    assert chip["x-document"] == "新闻 2024/01"
    assert chip["x-url"] == "https://example.org/a?x=1&y=2"
    assert chip["x-status"] == "translated"
    assert "x-original" not in props["新闻 2024/01:1:1"]
    assert props["新闻 2024/01:3:0"]["x-status"] == "memory"
    assert [t.get(XML_LANG) for t in tus[0].findall("tuv")] == ["zh-CN", "en"]


def test_xml_exports_replace_characters_xml_cannot_hold(tmp_path: Path) -> None:
    doc = _doc("ctl", [(0, "a\x0bb\x00", "a\x0bb\x00", "c\x1fd", {})])
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
    docs.append(_doc("ctl", [(0, "a\x0bb", "a\x0bb", "c\x0cd", {})]))
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
    docs.append(_doc("ctl", [(0, "a\x0bb", "a\x0bb", "c\x0cd", {})]))
    paths = export_run(docs, RUN, tmp_path, ["xliff"], LOOKUP)["xliff"]
    with_segments = [d for d in docs if d.segments]
    assert len(paths) == len(with_segments)
    for path, doc in zip(paths, with_segments, strict=True):
        root = etree.parse(str(path)).getroot()
        assert root.find("x:file", X2).get("id") == nmtoken(doc.id)
        segments = root.findall(".//x:segment", X2)
        assert [s.get("id") for s in segments] == [nmtoken(s.id) for s in doc.segments]
        for el, seg in zip(segments, doc.segments, strict=True):
            assert _inline_text(el.find("x:source", X2)) == seg.normalized
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
        assert unit.source == seg.normalized
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
    assert ("zhen:original", "新闻 2024/01:1:0: 晶片\t出口增長 50%。\n") in notes
    file_notes = {n.get("category"): n.text for n in root.iterfind("x:file/x:notes/x:note", X2)}
    assert file_notes["zhen:title"] == "標題 <b>"
    assert file_notes["zhen:settings"] == '{"beam": 2}'


def test_xliff2_ids_are_unique_within_each_unit(docs: list[Document]) -> None:
    root = etree.fromstring(build_xliff2(docs[0], RUN, LOOKUP))
    for unit in root.iterfind(".//x:unit", X2):
        ids = [e.get("id") for e in unit.iter(f"{{{XLIFF2_NS}}}segment", f"{{{XLIFF2_NS}}}mrk")]
        assert len(ids) == len(set(ids))


# ---------------------------------------------------------------- XLIFF 1.2


def test_xliff12_round_trips_in_translate_toolkit(docs: list[Document], tmp_path: Path) -> None:
    paths = export_run(docs, RUN, tmp_path, ["xliff12"], LOOKUP)["xliff12"]
    store = xliff.xlifffile.parsestring(paths[0].read_bytes())
    segs = docs[0].segments
    assert [u.xmlelement.get("id") for u in store.units] == [s.id for s in segs]
    for unit, seg in zip(store.units, segs, strict=True):
        assert unit.source == seg.normalized
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


# ---------------------------------------------------------------- tables


def _expected_rows(docs: list[Document], join: bool) -> list[tuple]:
    def lst(v: list[str]) -> str | list[str]:
        return "|".join(v) if join else v

    return [
        (d.id, s.id, s.block, s.index, s.source, s.normalized, s.en, lst(s.terms_applied),
         lst(s.terms_missed), lst(s.flags), s.status, d.meta.url)
        for d in docs for s in d.segments
    ]  # fmt: skip


@pytest.mark.parametrize(("fmt", "separator"), [("tsv", "\t"), ("csv", ",")])
def test_delimited_tables_round_trip_through_polars(
    docs: list[Document], tmp_path: Path, fmt: str, separator: str
) -> None:
    path = export_run(docs, RUN, tmp_path, [fmt])[fmt][0]
    frame = pl.read_csv(path, separator=separator, infer_schema=False)
    frame = frame.with_columns(pl.col("block", "index").cast(pl.Int64))
    assert frame.rows() == _expected_rows(docs, join=True)


def test_csv_starts_with_a_byte_order_mark_and_tsv_does_not(
    docs: list[Document], tmp_path: Path
) -> None:
    written = export_run(docs, RUN, tmp_path, ["csv", "tsv"])
    assert written["csv"][0].read_bytes().startswith(b"\xef\xbb\xbfdoc_id,")
    assert written["tsv"][0].read_bytes().startswith(b"doc_id\tsegment_id\t")


def test_parquet_round_trips_with_lists_and_run_metadata(
    docs: list[Document], tmp_path: Path
) -> None:
    path = export_run(docs, RUN, tmp_path, ["parquet"])["parquet"][0]
    frame = pl.read_parquet(path)
    assert frame.schema["flags"] == pl.List(pl.String)
    assert frame.rows() == _expected_rows(docs, join=False)
    metadata = pl.read_parquet_metadata(path)
    assert metadata["zhen.model"] == "translate-zh_en-1_9"
    assert metadata["zhen.created"] == "2024-05-06T07:08:09+00:00"


# ---------------------------------------------------------------- HTML


def test_html_escapes_all_document_text(docs: list[Document]) -> None:
    page = render_html(docs, RUN, LOOKUP)
    assert INJECTED not in page
    assert "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;" in page
    assert page.count("<script>") == 1
    assert "標題 &lt;b&gt;" in page
    assert 'href="javascript:' not in page
    assert '<a href="https://example.org/a?x=1&amp;y=2"' in page
    assert not re.search(
        r"(src|href)=\"(https?:)?//", page.replace('href="https://example.org', "")
    )


def test_html_marks_terms_flags_and_originals(docs: list[Document]) -> None:
    page = render_html(docs, RUN, LOOKUP)
    assert (
        '<mark class="term" title="eu-commission → European Commission">欧盟委员会</mark>' in page
    )
    assert '<mark class="term" title="chip → chip">Chip</mark>' in page
    assert '<mark class="term missed" title="eu → EU (missed)">欧盟</mark>' in page
    assert page.count('<tr class="seg flagged"') == 3
    assert page.count('<tr class="seg') == len(_all_segments(docs))
    assert 'data-flags="empty-output term-missed"' in page
    assert "原文 晶片\t出口增長 50%。\n" in page
    assert 'data-flag="number-missing"' in page  # every QA flag gets a filter


def test_html_csp_allows_exactly_the_inline_script(docs: list[Document]) -> None:
    page = render_html(docs, RUN)
    script = page.split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    assert "default-src 'none'" in page


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    pytest.skip("headless Chromium is not installed (apt-get install -y chromium)")


def _run_chromium(args: list[str], tmp_path: Path) -> str:
    cmd = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", *args,
    ]  # fmt: skip
    result = subprocess.run(
        cmd, capture_output=True, text=True, timeout=120, check=True, env={"HOME": str(tmp_path)}
    )
    return result.stdout


@pytest.mark.slow
def test_html_renders_in_headless_chromium(docs: list[Document], tmp_path: Path) -> None:
    page = export_run(docs, RUN, tmp_path, ["html"], LOOKUP)["html"][0]
    dom = _run_chromium(["--dump-dom", page.as_uri()], tmp_path)
    assert "<title>zhen review: 3 documents, 8 sentences</title>" in dom
    assert "pwned" not in dom.split("</title>")[0]
    assert 'data-ready="1"' in dom  # the page's own script ran (its CSP hash is right)
    assert "8 of 8 sentences shown" in dom
    assert dom.count('<tr class="seg') == 8
    assert "&lt;script&gt;document.title=" in dom  # the injected script is inert text
    filtered = _run_chromium(
        ["--dump-dom", f"{page.as_uri()}#flags=empty-output,length-ratio"], tmp_path
    )
    assert "2 of 8 sentences shown" in filtered
    assert filtered.count('<tr class="seg flagged" data-flags="empty-output term-missed">') == 1
    flagged = _run_chromium(["--dump-dom", f"{page.as_uri()}#flagged"], tmp_path)
    assert "3 of 8 sentences shown" in flagged
    assert flagged.count('<tr class="seg" data-flags="" hidden="">') == 5
    shot = tmp_path / "review.png"
    _run_chromium([f"--screenshot={shot}", "--window-size=1400,900", page.as_uri()], tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000

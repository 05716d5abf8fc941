"""Reading reviewed exports back: formats, verdicts, inline markup, bad files."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from lxml import etree
from reviewrun import NEWS, build_docs, edit_xliff2

from pipeline.errors import PipelineError
from pipeline.review.files import (
    inline_text,
    read_review_file,
    review_files,
    verdict_table,
    verdict_xliff2,
    verdict_xliff12,
)
from pipeline.review.match import match_run

DATA = Path(__file__).resolve().parents[1] / "data" / "review"


# ---------------------------------------------------------------- verdicts


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("final", "reviewed"),
        ("Reviewed", "reviewed"),
        (" APPROVED ", "reviewed"),
        ("signed-off", "reviewed"),
        ("translated", "if-edited"),
        ("memory", "if-edited"),
        ("", "if-edited"),
    ],
)
def test_table_status_marks_reviewed_rows(status: str, expected: str) -> None:
    assert verdict_table(status) == expected


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("final", "reviewed"),
        ("reviewed", "reviewed"),
        ("translated", "if-edited"),
        ("initial", "not-reviewed"),
        (None, "not-reviewed"),
    ],
)
def test_xliff2_states(state: str | None, expected: str) -> None:
    assert verdict_xliff2(state) == expected


@pytest.mark.parametrize(
    ("state", "approved", "expected"),
    [
        ("translated", "yes", "reviewed"),
        ("needs-review-translation", "yes", "reviewed"),
        ("final", "no", "reviewed"),
        ("signed-off", None, "reviewed"),
        ("translated", "no", "if-edited"),
        (None, None, "if-edited"),
        ("needs-review-translation", "no", "not-reviewed"),
        ("needs-translation", None, "not-reviewed"),
        ("new", None, "not-reviewed"),
    ],
)
def test_xliff12_states(state: str | None, approved: str | None, expected: str) -> None:
    assert verdict_xliff12(state, approved) == expected


# ---------------------------------------------------------------- reading each format


@pytest.mark.parametrize("fmt", ["tsv", "csv", "xliff", "xliff12"])
def test_every_review_export_reads_back_to_the_run(run: dict[str, list[Path]], fmt: str) -> None:
    """Unedited exports read back with every segment, the run's text and English."""
    rows = [row for path in run[fmt] for row in read_review_file(path)]
    docs = build_docs()
    segments = [s for d in docs for s in d.segments]
    assert len(rows) == len(segments)
    by_text = {s.en: s for s in segments}
    for row in rows:
        assert row.en in by_text
    pairs, not_reviewed, blank, _, _ = match_run([(run[fmt][0], rows)], docs)
    assert (pairs, not_reviewed, blank) == ([], len(segments), 0)


def test_xliff2_ids_map_back_through_nmtoken(run: dict[str, list[Path]]) -> None:
    path = next(p for p in run["xliff"] if "2024" in p.name)
    edit_xliff2(path, {f"{NEWS}:0:0": ("The EU issued a statement.", "final")})
    pairs, *_ = match_run([(path, read_review_file(path))], build_docs())
    assert [(p.segment.id, p.en, p.edited) for p in pairs] == [
        (f"{NEWS}:0:0", "The EU issued a statement.", True)
    ]


def test_xliff2_ids_that_collide_as_nmtokens_are_told_apart_by_file(tmp_path: Path) -> None:
    """Documents "a b" and "a_b" both become ``a_b:0:0`` in XLIFF 2; ``original`` decides."""
    from reviewrun import RUN

    from pipeline.document import Block, Document, Metadata, Segment
    from pipeline.export.xml import export_xliff

    docs = [
        Document(
            doc_id, f"in/{doc_id}.md", "markdown", "utf-8", Metadata(),
            [Block(0, "paragraph", "一句话。", normalized="一句话。")],
            [Segment(f"{doc_id}:0:0", doc_id, 0, 0, 0, 4, "一句话。", "一句话。", "One.")],
        )
        for doc_id in ("a b", "a_b")
    ]  # fmt: skip
    files = export_xliff(docs, RUN, tmp_path)
    for path, english in zip(files, ("First.", "Second."), strict=True):
        edit_xliff2(path, {"a_b:0:0": (english, "final")})
    pairs, *_ = match_run([(p, read_review_file(p)) for p in files], docs)
    assert [(p.segment.id, p.en) for p in pairs] == [("a b:0:0", "First."), ("a_b:0:0", "Second.")]


def test_xliff2_inline_marks_and_code_points_are_text(tmp_path: Path) -> None:
    xml = (
        '<segment xmlns="urn:oasis:names:tc:xliff:document:2.0"><source>控制<cp hex="0007"/>'
        '<mrk id="m1" type="term">字符</mrk><ph id="p1"/>。</source></segment>'
    )
    source = etree.fromstring(xml)[0]
    assert inline_text(source, tmp_path) == "控制\x07字符。"


def test_bad_code_point_is_an_error(tmp_path: Path) -> None:
    source = etree.fromstring(
        '<source xmlns="urn:oasis:names:tc:xliff:document:2.0">a<cp hex="zz"/></source>'
    )
    with pytest.raises(PipelineError, match="bad <cp"):
        inline_text(source, tmp_path)


def test_cat_tool_xliff12_with_inline_codes_and_states(tmp_path: Path) -> None:
    """A CAT tool's rewrite: ``<g>``/``<x/>`` unwrapped, alt-trans ignored, states honoured."""
    rows = read_review_file(DATA / "cat_tool.xlf")
    assert [(r.segment_id, r.en, r.verdict) for r in rows] == [
        ("plain:0:0", "A single sentence.", "reviewed"),
        ("plain:0:1", "Edited but not yet reviewed.", "not-reviewed"),
        ("plain:0:2", "Control characters.", "if-edited"),
        ("plain:1:0", "2024", "reviewed"),
    ]
    pairs, not_reviewed, blank, _, _ = match_run([(DATA / "cat_tool.xlf", rows)], build_docs())
    assert [(p.segment.id, p.edited) for p in pairs] == [
        ("plain:0:0", True),
        ("plain:0:2", True),
        ("plain:1:0", False),
    ]
    assert (not_reviewed, blank) == (1, 0)


def test_semicolon_csv_with_bom_and_crlf_as_excel_saves_it() -> None:
    rows = read_review_file(DATA / "excel_semicolon.csv")
    assert [(r.segment_id, r.en, r.verdict) for r in rows] == [
        ("plain:0:0", "One sentence.", "reviewed"),
        ("plain:0:1", "A sentence; repeated.", "if-edited"),
    ]


def test_utf16_tsv_as_excel_unicode_text_saves_it(
    run: dict[str, list[Path]], tmp_path: Path
) -> None:
    text = run["tsv"][0].read_bytes().decode("utf-8")
    utf16 = tmp_path / "segments.txt"
    utf16.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert read_review_file(utf16) == read_review_file(run["tsv"][0])


def test_utf16_xliff_honours_its_encoding_declaration(
    run: dict[str, list[Path]], tmp_path: Path
) -> None:
    original = run["xliff12"][0]
    utf16 = tmp_path / "utf16.xlf"
    etree.parse(original).write(utf16, encoding="UTF-16", xml_declaration=True)
    assert utf16.read_bytes().startswith(codecs.BOM_UTF16_LE)
    assert read_review_file(utf16) == read_review_file(original)


def test_tables_keep_tabs_and_line_breaks_inside_cells(run: dict[str, list[Path]]) -> None:
    rows = {r.segment_id: r for r in read_review_file(run["tsv"][0])}
    assert rows[f"{NEWS}:1:0"].source == "晶片\t出口增长 50%。"
    assert rows[f"{NEWS}:1:1"].normalized == "第\r二行。"
    assert rows["plain:0:2"].normalized == "控制\x07字符。"


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.tsv", b"", "file is empty"),
        ("blank.csv", "\ufeff \n\n", "file is empty"),
        ("header.tsv", "segment_id\ten\tsource\n", "holds no segments"),
        ("other.csv", "a,b,c\n1,2,3\n", "no segment_id and en columns"),
        ("nosource.tsv", "segment_id\ten\nplain:0:0\tHi\n", "no source or normalized column"),
        ("gbk.csv", "segment_id,en,source\nx,y,中文\n".encode("gbk"), "not UTF-8"),
        ("seg.parquet", b"PAR1\x00\x00", "Parquet cannot be imported"),
        ("review.html", "<!DOCTYPE html><html><body><p>x</body></html>", "not well-formed"),
        ("page.xml", "<html><body/></html>", "unknown XML"),
        ("broken.xlf", "<xliff version='1.2'><file>", "not well-formed XML"),
        (
            "empty.xlf",
            '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1"/>',
            "holds no segments",
        ),
    ],
)
def test_unreadable_review_files_are_clear_errors(
    tmp_path: Path, name: str, data: bytes | str, message: str
) -> None:
    with pytest.raises(PipelineError, match=message) as err:
        read_review_file(_write(tmp_path, name, data))
    assert err.value.file == str(tmp_path / name)


def test_a_cat_tools_tmx_reads_as_rows_matched_by_source() -> None:
    (row,) = read_review_file(DATA / "wrong.tmx")
    assert (row.segment_id, row.by_source, row.verdict) == ("", True, "reviewed")
    assert (row.source, row.en) == ("另一个文件的句子。", "A sentence of another document.")


def test_review_files_expands_an_xliff_folder(run: dict[str, list[Path]], tmp_path: Path) -> None:
    folder = run["xliff"][0].parent
    assert review_files(folder) == sorted(run["xliff"])
    with pytest.raises(PipelineError, match=r"no \.xlf/\.xliff files"):
        review_files(tmp_path)
    with pytest.raises(PipelineError, match="no such file"):
        review_files(tmp_path / "missing.tsv")

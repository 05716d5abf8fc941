"""Word files: headings, paragraphs, emphasis, links, lists and tables, in document order."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from typer.testing import CliRunner

from pipeline.cli.app import app
from pipeline.errors import PipelineError
from pipeline.ingest import parse_bytes, read_document
from pipeline.settings import IngestSettings


def add_link(paragraph: docx.text.paragraph.Paragraph, text: str, url: str) -> None:
    """A real w:hyperlink (python-docx has no writer for it)."""
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    text_node = OxmlElement("w:t")
    text_node.text = text
    run.append(text_node)
    link.append(run)
    paragraph._p.append(link)


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "导弹通报机制简报"
    document.core_properties.author = "王明"
    document.add_heading("导弹通报机制简报", level=0)
    document.add_paragraph("美俄两国在一九八八年签署了弹道导弹发射通知协定。")
    par = document.add_paragraph("协定要求")
    par.add_run("提前二十四小时").bold = True
    par.add_run("通报，")
    par.add_run("包括落区").italic = True
    par.add_run("。详见")
    add_link(par, "协定全文", "https://example.org/agreement")
    par.add_run("。")
    document.add_heading("主要内容", level=1)
    document.add_paragraph("通报发射日期", style="List Bullet")
    document.add_paragraph("通报落区", style="List Bullet 2")
    document.add_paragraph("第一步", style="List Number")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {
        (0, 0): "国家",
        (0, 1): "签署年份",
        (1, 0): "美国",
        (1, 1): "1988",
    }.items():
        table.cell(r, c).text = text
    document.add_paragraph("这项安排至今仍在执行。", style="Quote")
    document.add_paragraph("")
    document.save(str(path))
    return path


def test_docx_gives_its_structure_in_order(tmp_path: Path) -> None:
    doc = read_document(str(make_docx(tmp_path / "brief.docx")), IngestSettings())
    assert (doc.format, doc.encoding, doc.meta.title, doc.meta.author) == (
        "docx",
        "binary",
        "导弹通报机制简报",
        "王明",
    )
    assert [(b.kind, b.level, b.marker, b.text) for b in doc.blocks] == [
        ("title", 1, "", "导弹通报机制简报"),
        ("paragraph", 0, "", "美俄两国在一九八八年签署了弹道导弹发射通知协定。"),
        (
            "paragraph",
            0,
            "",
            "协定要求**提前二十四小时**通报，*包括落区*。详见[协定全文](https://example.org/agreement)。",
        ),
        ("heading", 1, "", "主要内容"),
        ("list_item", 0, "-", "通报发射日期"),
        ("list_item", 0, "-", "通报落区"),
        ("list_item", 0, "1.", "第一步"),
        ("table_cell", 0, "", "国家"),
        ("table_cell", 0, "", "签署年份"),
        ("table_cell", 0, "", "美国"),
        ("table_cell", 0, "", "1988"),
        ("quote", 0, "", "这项安排至今仍在执行。"),
    ]
    cells = [(b.table, b.row, b.col) for b in doc.blocks if b.kind == "table_cell"]
    assert cells == [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1)]


def test_zhen_segment_reads_a_docx(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "brief.docx")
    result = CliRunner().invoke(app, ["segment", str(path), "--format", "tsv"])
    assert result.exit_code == 0, result.output
    sources = [line.split("\t")[3] for line in result.stdout.splitlines()[1:]]
    assert sources[:2] == ["导弹通报机制简报", "美俄两国在一九八八年签署了弹道导弹发射通知协定。"]


def test_a_broken_docx_is_one_clear_error(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx").read_bytes()
    with pytest.raises(PipelineError, match="not a readable Word") as info:
        parse_bytes(good[: len(good) // 2], "half.docx", IngestSettings())
    assert info.value.stage == "ingest" and "\n" not in str(info.value)


def test_an_old_binary_word_file_names_the_fix() -> None:
    with pytest.raises(PipelineError, match=r"save it as \.docx"):
        parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old.doc", IngestSettings())


def test_a_docx_zip_bomb_is_refused_before_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import zipfile

    monkeypatch.setattr("pipeline.ingest.epub.MAX_UNPACKED", 2_000_000)  # 200 MB in real life
    good = make_docx(tmp_path / "good.docx").read_bytes()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("word/media/zeros.bin", bytes(3_000_000))
    assert len(out.getvalue()) < 100_000
    with pytest.raises(PipelineError, match="unpacks to more than 2 MB"):
        parse_bytes(out.getvalue(), "bomb.docx", IngestSettings())  # before: unpacked it all

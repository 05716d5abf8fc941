"""PDFs with a text layer: paragraphs in reading order, running heads and page numbers gone,
hyphenation and page breaks mended; a scan gets one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from pipeline.cli.app import app
from pipeline.errors import PipelineError
from pipeline.ingest import parse_bytes
from pipeline.ingest.read import explain_bytes
from pipeline.settings import IngestSettings

FONT = "STSong-Light"
WIDTH, HEIGHT = A4
PARAGRAPHS = [
    [
        "美俄两国在一九八八年签署了弹道导弹发射通知协定，规定在发射前至少二十四小时",
        "通报发射日期、发射区和落区。",
    ],
    ["这项安排至今仍在执行，被视为建立信任措施的范例。"],
    ["This agreement is often cited as a model for confi-", "dence building measures."],
]


def make_pdf(path: Path, **kwargs: object) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    pdf = canvas.Canvas(str(path), pagesize=A4, **kwargs)  # type: ignore[arg-type]
    pdf.setTitle("导弹发射通报机制的前景")
    pdf.setAuthor("李华")
    for page in range(2):
        pdf.setFont(FONT, 9)
        pdf.drawString(72, HEIGHT - 40, "军控研究简报 第12期")
        pdf.drawString(WIDTH / 2, 30, str(page + 1))
        y = HEIGHT - 100
        if page == 0:
            pdf.setFont(FONT, 20)
            pdf.drawString(72, y, "导弹发射通报机制的前景")
            y -= 40
        pdf.setFont(FONT, 11)
        for lines in PARAGRAPHS:
            for line in lines:
                pdf.drawString(72, y, line)
                y -= 16
            y -= 14
        if page == 0:  # a sentence cut by the page break
            pdf.drawString(72, 80, "分析人士认为，这一机制可以推广到")
        else:
            pdf.drawString(72, HEIGHT - 80, "其他拥有导弹的国家之间。")
        pdf.showPage()
    pdf.save()
    return path


def test_pdf_paragraphs_in_order_without_running_heads(tmp_path: Path) -> None:
    data = make_pdf(tmp_path / "brief.pdf").read_bytes()
    doc, dropped = explain_bytes(data, "brief.pdf", IngestSettings())
    assert (doc.format, doc.meta.title, doc.meta.author) == (
        "pdf",
        "导弹发射通报机制的前景",
        "李华",
    )
    texts = [(b.kind, b.text) for b in doc.blocks]
    first = "".join(PARAGRAPHS[0])
    english = "This agreement is often cited as a model for confidence building measures."
    assert texts[:5] == [
        ("title", "导弹发射通报机制的前景"),
        ("paragraph", first),
        ("paragraph", PARAGRAPHS[1][0]),
        ("paragraph", english),
        ("paragraph", "分析人士认为，这一机制可以推广到其他拥有导弹的国家之间。"),
    ]
    assert texts[5:] == [
        ("paragraph", first),
        ("paragraph", PARAGRAPHS[1][0]),
        ("paragraph", english),
    ]
    rules = {rule for rule, _ in dropped}
    assert {"page-header", "page-number"} <= rules
    assert all("第12期" not in text for _, text in texts)


def test_zhen_segment_reads_a_pdf(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "brief.pdf")
    result = CliRunner().invoke(app, ["segment", str(path), "--format", "tsv"])
    assert result.exit_code == 0, result.output
    assert "美俄两国在一九八八年签署了弹道导弹发射通知协定" in result.stdout


def test_a_pdf_without_a_text_layer_asks_for_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(72, 72, 300, 400, fill=1)  # a "scanned" page: drawing, no text
    pdf.showPage()
    pdf.save()
    with pytest.raises(PipelineError, match="no text layer") as info:
        parse_bytes(path.read_bytes(), "scan.pdf", IngestSettings())
    assert "OCR" in info.value.message and "\n" not in str(info.value)


def test_an_encrypted_pdf_names_the_fix(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "locked.pdf", encrypt="secret")
    with pytest.raises(PipelineError, match="encrypted"):
        parse_bytes(path.read_bytes(), "locked.pdf", IngestSettings())


def test_a_truncated_pdf_is_one_clear_error(tmp_path: Path) -> None:
    data = make_pdf(tmp_path / "brief.pdf").read_bytes()
    with pytest.raises(PipelineError) as info:
        parse_bytes(data[:400], "cut.pdf", IngestSettings())
    assert info.value.stage == "ingest" and ";" in info.value.message

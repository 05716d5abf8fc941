"""Encoding detection: BOMs, UTF-8, UTF-16, GB18030/GBK vs Big5, overrides and binaries."""

from __future__ import annotations

import codecs

import pytest

from pipeline.errors import PipelineError
from pipeline.ingest.decode import decode_bytes, plausibility, sniff_binary
from pipeline.ingest.read import parse_bytes
from pipeline.settings import IngestSettings

SIMPLIFIED_LONG = (
    "美国国务院一名高级官员表示，华府考虑提议和北京建立导弹发射通知机制，"
    "包括洲际弹道导弹和潜射弹道导弹的试射，以避免误判和意料不到的反应。"
)
TRADITIONAL_LONG = (
    "國防部表示，新一代飛彈防禦系統的軟體升級已完成測試，能更快整合雷達傳來的預警資訊，"
    "並透過網路與友盟交換情資；臺灣不發展核子武器的政策不會改變。"
)
SIMPLIFIED_SHORT = ["导弹", "解放军", "五角大楼", "核弹头", "中国外交部", "发射通知机制"]
TRADITIONAL_SHORT = ["飛彈", "核子", "軟體", "網路資訊", "國防部", "飛彈試射"]

# (text, codec used to write the bytes, the encoding Document.encoding must record)
ENCODING_CASES = [
    (SIMPLIFIED_LONG, "utf-8", "utf-8"),
    (TRADITIONAL_LONG, "utf-8", "utf-8"),
    (SIMPLIFIED_LONG, "utf-8-sig", "utf-8-sig"),
    (SIMPLIFIED_LONG, "utf-16", "utf-16-le"),  # Python writes a little-endian BOM
    (TRADITIONAL_LONG, "utf-16-be-bom", "utf-16-be"),
    (SIMPLIFIED_LONG, "utf-16-le-bom", "utf-16-le"),
    (SIMPLIFIED_LONG, "gb18030", "gb18030"),
    (SIMPLIFIED_LONG, "gbk", "gb18030"),
    (SIMPLIFIED_LONG, "gb2312", "gb18030"),
    (TRADITIONAL_LONG, "big5", "big5"),
    (TRADITIONAL_LONG, "cp950", "big5"),
    (TRADITIONAL_LONG, "gb18030", "gb18030"),  # Traditional text saved in a GB codec
    *[(s, "gbk", "gb18030") for s in SIMPLIFIED_SHORT],
    *[(s, "big5", "big5") for s in TRADITIONAL_SHORT],
]


def encode(text: str, codec: str) -> bytes:
    if codec == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    if codec == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(codec)


@pytest.mark.parametrize(
    ("text", "codec", "recorded"),
    ENCODING_CASES,
    ids=[f"{c}-{t[:6]}" for t, c, _ in ENCODING_CASES],
)
def test_encodings_are_detected(text: str, codec: str, recorded: str) -> None:
    decoded = decode_bytes(encode(text, codec), "x.txt")
    assert decoded.text == text
    assert decoded.encoding == recorded


@pytest.mark.parametrize(
    ("codec", "recorded"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16-le"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("big5", "big5"),
    ],
)
def test_document_records_encoding_and_text(codec: str, recorded: str) -> None:
    text = TRADITIONAL_LONG if codec == "big5" else SIMPLIFIED_LONG
    body = f"{'標題' if codec == 'big5' else '标题'}\n{text}\n"
    doc = parse_bytes(encode(body, codec), "doc.txt", IngestSettings())
    assert [b.text for b in doc.blocks][1:] == [text]
    assert doc.encoding == recorded


def test_gbk_and_big5_readings_are_not_confused_both_ways() -> None:
    gbk = SIMPLIFIED_LONG.encode("gbk")
    big5 = TRADITIONAL_LONG.encode("big5")
    # Both byte strings are valid in the other codec's *shape*; the scores must tell them apart.
    assert plausibility(gbk.decode("gb18030"), "gb18030") > 1.0
    assert plausibility(big5.decode("big5"), "big5") > 1.0
    assert plausibility(big5.decode("gb18030", errors="replace"), "gb18030") < 0.5
    wrong = gbk.decode("big5", errors="replace")
    assert plausibility(wrong, "big5") < plausibility(gbk.decode("gb18030"), "gb18030")


@pytest.mark.parametrize(
    ("data", "forced", "expected"),
    [
        ("飛彈".encode("big5"), "big5", "飛彈"),
        ("导弹".encode("gbk"), "gbk", "导弹"),
        ("\ufeff导弹".encode(), "utf-8", "导弹"),
        ("café".encode("cp1252"), "cp1252", "café"),
    ],
)
def test_encoding_setting_overrides_detection(data: bytes, forced: str, expected: str) -> None:
    decoded = decode_bytes(data, "x.txt", forced)
    assert decoded.text == expected
    assert decoded.encoding == codecs.lookup(forced).name


def test_forced_encoding_is_used_even_when_detection_would_differ() -> None:
    data = "中国".encode("gbk")
    assert decode_bytes(data, "x").text == "中国"
    assert decode_bytes(data, "x", "big5").text == data.decode("big5")


def test_short_gbk_that_happens_to_be_valid_utf8_is_still_read_as_chinese() -> None:
    data = "强壮".encode("gbk")
    assert data.decode("utf-8") == "ǿ׳"  # valid UTF-8, but Latin + Hebrew nonsense
    decoded = decode_bytes(data, "x")
    assert (decoded.text, decoded.encoding) == ("强壮", "gb18030")


@pytest.mark.parametrize(
    "text",
    ["café au lait", "Grüße aus München", "Привет, ракеты", "Καλημέρα", "naïve façade", "ü"],
)
def test_accented_utf8_text_stays_utf8(text: str) -> None:
    assert decode_bytes(text.encode(), "x").encoding == "utf-8"


def test_utf16_without_bom_is_recognised_for_ascii_heavy_text() -> None:
    text = "ICBM and SLBM launch notification; 美国 2024"
    assert decode_bytes(text.encode("utf-16-le"), "x").text == text
    assert decode_bytes(text.encode("utf-16-be"), "x").encoding == "utf-16-be"


def test_latin_legacy_text_falls_back_to_charset_normalizer() -> None:
    text = (
        "La notification des essais de missiles balistiques reste à négocier, déclare le ministère."
    )
    decoded = decode_bytes(text.encode("cp1252"), "x")
    assert decoded.text == text


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"GIF89a\x01\x00", "GIF image"),
        (b"%PDF-1.7\n", "PDF document"),
        (b"PK\x03\x04\x14\x00", "ZIP archive (DOCX/EPUB/XLSX?)"),
        (b"\x1f\x8b\x08\x00", "gzip archive"),
        (b"\x7fELF\x02\x01", "executable"),
        (b"\x00\x01\x02\x03\xff\xfe\x00\x00\x10", "binary data"),
        ("美国".encode(), None),
        (codecs.BOM_UTF16_LE + "美国".encode("utf-16-le"), None),
        ("abc".encode("utf-16-le"), None),
    ],
)
def test_sniff_binary(head: bytes, kind: str | None) -> None:
    assert sniff_binary(head) == kind


def test_invalid_bytes_after_bom_name_the_fix() -> None:
    with pytest.raises(PipelineError, match=r"byte-order mark.*--encoding"):
        decode_bytes(codecs.BOM_UTF8 + b"\xff\xfe\xfa", "bad.txt")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text", [SIMPLIFIED_LONG, TRADITIONAL_LONG, "这是没有字节顺序标记的UTF-16文件。"]
)
def test_utf16_without_bom_is_recognised_for_chinese_text(text: str, codec: str) -> None:
    data = text.encode(codec)
    assert sniff_binary(data[:8192]) is None  # before the fix: "binary data"
    assert decode_bytes(data, "x").text == text


def test_damaged_utf8_names_the_offset_and_a_fix_that_works() -> None:
    data = (SIMPLIFIED_LONG * 20).encode()
    bad = data[:3000] + b"\xff" + data[3000:]
    with pytest.raises(PipelineError) as info:
        decode_bytes(bad, "bad.txt")
    message = info.value.message
    assert "byte offset 3000 (0xff)" in message  # before the fix: no offset
    assert "--encoding gbk" not in message  # ... and a codec that fails on the same bytes
    assert "iconv -c -f UTF-8 -t UTF-8" in message
    repaired = bad.decode("utf-8", errors="ignore").encode()  # what iconv -c does
    assert decode_bytes(repaired, "fixed.txt").text == SIMPLIFIED_LONG * 20


def test_undecodable_bytes_name_the_offset_and_how_to_find_the_codec() -> None:
    with pytest.raises(PipelineError) as info:
        decode_bytes(b"ok " + bytes(range(0x80, 0x100)) * 3, "x.txt")
    assert "byte offset 3 (0x80)" in info.value.message
    assert "--encoding NAME" in info.value.message and "gbk" not in info.value.message

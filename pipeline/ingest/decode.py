"""Bytes → text: BOM sniffing, strict UTF-8, GB18030/Big5 arbitration, then charset-normalizer.

Chinese documents arrive in UTF-8, UTF-16 (Windows "Unicode" saves), GBK/GB18030 (mainland) and Big5
(Taiwan/Hong Kong). Generic detectors often mistake Big5 for GBK and vice versa because both are
double-byte codes over overlapping byte ranges, and a wrong guess silently produces fluent-looking
garbage that would then be translated. So both CJK codecs are tried and the decoded texts are scored
on how *plausible* they are as Chinese (frequent characters, CJK punctuation, first-level characters
of the matching standard); charset-normalizer is only the fallback for everything else.
"""

from __future__ import annotations

import codecs
import functools
import unicodedata
from dataclasses import dataclass

from pipeline.chars import has_han
from pipeline.errors import IngestError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Magic numbers of formats people point the tool at by mistake (name → prefix).
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"RIFF", "RIFF media (WebP/WAV/AVI)"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (DOCX/EPUB/XLSX?)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM video"),
)

# The ~400 most frequent Simplified characters plus the Big5 first-level Traditional forms of them.
# Random bytes decoded with the wrong codec almost never land on these, real text is full of them.
_FREQUENT = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后"
    "作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只"
    "从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向"
    "头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声"
    "提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建"
    "务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即"
    "像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带"
    "导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具"
    "罗字爱击流备兵连调"
    "並乾來個們備傳兒內兩別則動務區卻員問單國報場學實將對導師帶幾張強後從愛應戰擊據數於時書會東條業極樣"
    "機權氣決沒準濟為無爭爾現產當發確種組結給統經總羅義聯聲聽臺與萬著處術裡見規親覺觀計記設許話該認說調"
    "論證識議變讓資車軍轉辦這連進運過達遠還邊長門開間關隊難電領頭題類風飛馬體麼點"
)
_CJK_PUNCT = frozenset("，。、；：？！“”‘’（）《》〈〉【】「」『』—…·．～")

# Scores per decoded non-ASCII character; a real Chinese text averages well above _MIN_SCORE.
_SCORE_FREQUENT = 3
_SCORE_PUNCT = 2
_SCORE_COMMON = 1
_SCORE_ODD = -2
_MIN_SCORE = 0.5
_STRONG_SCORE = 1.5
_SAMPLE_CHARS = 20_000
_FEW_DAMAGED = 10


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the codec name recorded in ``Document.encoding``."""

    text: str
    encoding: str


def sniff_binary(head: bytes) -> str | None:
    """Name the binary format ``head`` starts with, or ``None`` when it may be text.

    NUL bytes in text only occur in UTF-16/32, which carry a BOM or the NUL pattern of mostly-ASCII
    text; anything else with NULs is binary.
    """
    for magic, kind in BINARY_SIGNATURES:
        if head.startswith(magic):
            return kind
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None
    if b"\x00" in head and _utf16_without_bom(head) is None and _utf16_chinese(head) is None:
        return "binary data"
    return None


def decode_bytes(data: bytes, file: str, encoding: str | None = None) -> Decoded:
    """Decode ``data``; ``encoding`` (from ``--encoding``) skips detection entirely."""
    if not data:
        raise IngestError("file is empty; give a file with article text", file=file)
    if encoding:
        return _decode_forced(data, file, encoding)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return Decoded(_strict(data[len(bom) :], name, file), name)
    kind = sniff_binary(data[:8192])
    if kind:
        raise IngestError(
            f"this is a binary file ({kind}), not a text document; pass HTML, Markdown or text",
            file=file,
        )
    if b"\x00" in data[:8192]:
        utf16 = _utf16_without_bom(data[:8192]) or _utf16_chinese(data[:8192])
        if utf16:
            return Decoded(_strict(data, utf16, file), utf16)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _utf8_or_short_cjk(data, text)
    best = _best_cjk(data)
    if best is not None:
        return best
    if len(data) % 2 == 0:
        utf16 = _utf16_chinese(data)
        if utf16:
            return Decoded(_strict(data, utf16, file), utf16)
    if _mostly_utf8(data):
        raise _undecodable(data, file)
    return _charset_normalizer(data, file)


def _utf8_or_short_cjk(data: bytes, text: str) -> Decoded:
    """UTF-8, unless it reads as no Chinese at all while GB18030/Big5 reads as fluent Chinese.

    A few GBK/Big5 characters can happen to form valid UTF-8 (as Greek or Hebrew letters); a
    strong Chinese score settles it, while Latin accents never score that high.
    """
    sample = text[:_SAMPLE_CHARS]
    if sample.isascii() or has_han(sample):
        return Decoded(text, "utf-8")
    alt = _best_cjk(data)
    if alt is not None and plausibility(alt.text, alt.encoding) >= _STRONG_SCORE:
        return alt
    return Decoded(text, "utf-8")


def _decode_forced(data: bytes, file: str, encoding: str) -> Decoded:
    """Decode with the user's codec, failing with the byte offset so they can check the file."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise IngestError(
            f"unknown encoding {encoding!r}; use a codec name such as utf-8, gb18030 or big5",
            file=file,
        ) from None
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"bytes are not valid {encoding} at offset {exc.start}; "
            "check --encoding or leave it out to auto-detect",
            file=file,
        ) from None
    return Decoded(text.removeprefix("\ufeff"), name)


def _strict(data: bytes, codec: str, file: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"bytes are not valid {codec} at offset {exc.start} despite its byte-order mark; "
            "re-save the file or pass --encoding",
            file=file,
        ) from None


def _utf16_chinese(data: bytes) -> str | None:
    """UTF-16 without a BOM whose text is Chinese: few or no NULs (CJK code units have none),
    so :func:`_utf16_without_bom` cannot see it; it reads as plausible Chinese in one byte
    order and as noise in the other."""
    even = data[: len(data) // 2 * 2]
    best: tuple[float, str] | None = None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = even.decode(codec)
        except UnicodeDecodeError:
            continue  # a code unit pair split at the end of a sniffed head is fine to miss
        score = max(plausibility(text, "gb18030"), plausibility(text, "big5"))
        if score >= _MIN_SCORE and (best is None or score > best[0]):
            best = (score, codec)
    return best[1] if best else None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 saved without a BOM shows NULs in every other byte for ASCII-heavy text."""
    if len(head) < 4:
        return None
    even = head[0::2].count(0) / max(1, len(head[0::2]))
    odd = head[1::2].count(0) / max(1, len(head[1::2]))
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


@functools.cache
def _char_score(ch: str, codec: str) -> int:
    """How typical ``ch`` is of real text in ``codec`` (see the module docstring)."""
    if ch in _FREQUENT:
        return _SCORE_FREQUENT
    if ch in _CJK_PUNCT:
        return _SCORE_PUNCT
    try:
        if codec == "gb18030":
            raw = ch.encode("gb2312")
            first_level = len(raw) == 2 and 0xB0 <= raw[0] <= 0xD7
        else:
            raw = ch.encode("big5")
            first_level = len(raw) == 2 and 0xA440 <= int.from_bytes(raw, "big") <= 0xC67E
    except UnicodeEncodeError:
        first_level = False
    return _SCORE_COMMON if first_level else _SCORE_ODD


def plausibility(text: str, codec: str) -> float:
    """Average per-character score of the non-ASCII part of ``text`` decoded as ``codec``."""
    total = count = 0
    for ch in text[:_SAMPLE_CHARS]:
        if ch < "\x80" or ch.isspace():
            continue
        total += _char_score(ch, codec)
        count += 1
    return total / count if count else 0.0


def _best_cjk(data: bytes) -> Decoded | None:
    """Try GB18030 and Big5 (then CP950) strictly; keep the most plausible Chinese reading."""
    candidates: list[tuple[float, int, Decoded]] = []
    for rank, (codec, family) in enumerate(
        (("gb18030", "gb18030"), ("big5", "big5"), ("cp950", "big5"))
    ):
        if family == "big5" and any(d.encoding == "big5" for _, _, d in candidates):
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = plausibility(text, family)
        candidates.append((score, -rank, Decoded(text, family)))
    if not candidates:
        return None
    score, _, best = max(candidates, key=lambda c: (c[0], c[1]))
    return best if score >= _MIN_SCORE else None


def _charset_normalizer(data: bytes, file: str) -> Decoded:
    """Last resort for non-Chinese legacy codecs; reject guesses that decode to control chars."""
    # Lazy: only the rare non-Chinese legacy codec needs it.
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is not None:
        text = str(match)
        if _looks_like_text(text):
            return Decoded(text, match.encoding)
    raise _undecodable(data, file)


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 Chinese text with a few damaged bytes (a bad copy, a cut multi-byte character):
    another codec would only turn it into fluent-looking garbage."""
    text = data[: _SAMPLE_CHARS * 3].decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    return has_han(text) and damaged <= max(_FEW_DAMAGED, len(text) // 1000)


def _undecodable(data: bytes, file: str) -> IngestError:
    """Why the bytes cannot be decoded, where, and a fix that works: never a codec that fails
    on the same file."""
    try:
        data.decode("utf-8")
        offset, bad = 0, b""
    except UnicodeDecodeError as exc:
        offset, bad = exc.start, data[exc.start : max(exc.end, exc.start + 1)][:4]
    where = f"byte offset {offset} ({' '.join(f'0x{b:02x}' for b in bad)})"
    if _mostly_utf8(data):
        damaged = data.decode("utf-8", errors="replace").count("\ufffd")
        return IngestError(
            f"not valid UTF-8 at {where}: UTF-8 text with {damaged} damaged byte "
            "sequence(s); repair the file there, or drop the damaged bytes with "
            "iconv -c -f UTF-8 -t UTF-8 FILE > FIXED and pass FIXED",
            file=file,
        )
    readers = [c for c in ("gb18030", "big5") if _decodes(data, c)]
    if readers:
        return IngestError(
            f"not valid UTF-8 at {where}; it decodes as {readers[0]} but does not read as "
            f"Chinese: check the file, or pass --encoding {readers[0]} if that is right",
            file=file,
        )
    return IngestError(
        f"not valid UTF-8 at {where}, nor UTF-16, GB18030 or Big5; find the file's "
        "encoding (file -i FILE) and pass --encoding NAME",
        file=file,
    )


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _looks_like_text(text: str) -> bool:
    """Mostly printable: control, private-use, unassigned characters and U+FFFD under 1%."""
    sample = text[:_SAMPLE_CHARS]
    bad = sum(
        1
        for ch in sample
        if ch not in "\t\n\r\f"
        and (ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs"))
    )
    return bool(sample.strip()) and bad <= len(sample) * 0.01

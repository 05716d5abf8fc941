"""Normalize block text for segmentation and translation, remembering where every char came from.

Two passes, both length-aware so ``offsets[i]`` (the index in the original text of normalized
char ``i``; ``offsets[-1] == len(original)``) stays exact:

1. Clean-up, character by character (never blanket NFKC, which would also turn Chinese full-width
   punctuation into ASCII and lose sentence boundaries):

   - full-width Latin letters and digits → ASCII (ＩＣＢＭ → ICBM, ２０２３ → 2023), and the
     full-width symbols Chinese never uses as punctuation (＃＄％＆＊＋＝＠＼＾＿｀｜＜＞);
     ．－／ between ASCII letters/digits and ： between digits become ASCII (３．１４ → 3.14,
     COVID－19, km／h, 10：30). Chinese punctuation ，。！？：；（）「」～ etc. is kept: the
     segmenter and the model both rely on it.
   - every Unicode space (NBSP, U+3000, U+2000..U+200A, tabs, newlines) → " ";
   - zero-width and bidi format characters and other controls are removed, but a ZWJ between two
     emoji (👨‍👩‍👧) and variation selectors are kept;
   - CJK compatibility ideographs (U+F900..U+FAFF, U+2F800..U+2FA1F) → their unified form (their
     canonical NFC mapping), and Kangxi/CJK radicals (⽣ U+2F63, common in PDF-extracted text) →
     the ideograph they stand for (their NFKC mapping, applied to those characters only);
   - whitespace runs become one space and the text is trimmed. A line break between two CJK
     characters is dropped (a hard-wrap artifact that would split a word for the model); a
     space typed between CJK characters is kept as a separator (新华社北京3月5日电 国务院); spaces
     just inside CJK punctuation (《 三体 》) are dropped. Latin words keep their spaces.

2. Script conversion (see :mod:`pipeline.normalize.script`): ``auto`` detects Traditional text and
   its region; Simplified text is never passed through OpenCC, so it comes out byte-identical.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache

from pipeline.chars import CJK, CJK_PUNCT
from pipeline.document import Block, Document
from pipeline.normalize.script import (
    ScriptCounts,
    compose_offsets,
    conversion_for,
    convert,
    count_script,
    detect_script,
    verdict,
)
from pipeline.settings import NormalizeSettings

__all__ = ["Normalized", "clean", "detect_script", "normalize_document", "normalize_text"]

_DROP = "\x00"  # marks characters to delete; NUL itself is deleted, so it cannot collide
_ZWJ = "\u200d"
_FULLWIDTH_SYMBOLS = "＃＄％＆＊＋＝＠＼＾＿｀｜＜＞"
_DELETE_FORMAT = (
    "\u00ad\u061c\u180e\u200b\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f"
    "\ufeff\ufff9\ufffa\ufffb"
)
_EMOJI = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u27bf"
    "\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\ufe0f"
    "\U0001f000-\U0001faff\U000e0020-\U000e007f"
)

# Every alternative starts with a literal so ``re`` can skip ahead to candidates at C speed.
_CONTEXTUAL = re.compile(
    "[．－／](?<=[0-9A-Za-z].)(?=[0-9A-Za-z])|：(?<=[0-9]：)(?=[0-9])"
    f"|\u200d(?<![{_EMOJI}]\u200d)|\u200d(?![{_EMOJI}])"
)
_CONTEXTUAL_MAP = {"．": ".", "－": "-", "／": "/", "：": ":", _ZWJ: _DROP}
# Runs of whitespace/deleted chars that need work; a lone space between words is left alone.
_COLLAPSE = re.compile(
    "\x00[ \n\x00]*|\n[ \n\x00]*| [ \n\x00]+| (?<=^ )| (?=\\Z)"
    f"| (?<=[{CJK_PUNCT}“‘] )| (?=[{CJK_PUNCT}”’])"
)
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _char_class(code_points: list[int]) -> str:
    """A regex char class as ranges; astral ranges go in a second class because ``re`` only
    compiles an all-BMP class to a fast bitmap."""
    ranges: list[list[int]] = []
    for cp in sorted(code_points):
        if ranges and cp == ranges[-1][1] + 1 and (cp > 0xFFFF) == (ranges[-1][0] > 0xFFFF):
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])

    def render(part: list[list[int]]) -> str:
        return "".join(
            re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
            for a, b in part
        )

    bmp = render([r for r in ranges if r[0] <= 0xFFFF])
    astral = render([r for r in ranges if r[0] > 0xFFFF])
    return f"[{bmp}]|[{astral}]" if astral else f"[{bmp}]"


@dataclass(frozen=True)
class Normalized:
    """Normalized text, where each char came from (``len(offsets) == len(text) + 1``), and the
    OpenCC conversion applied (``none``, ``t2s``, ``tw2sp`` or ``hk2s``)."""

    text: str
    offsets: list[int]
    script: str


@cache
def _table() -> dict[int, str]:
    """One ``str.translate`` table for every 1:1 clean-up map (deletions map to ``_DROP``)."""
    table: dict[int, str] = {}
    for cp in range(0x20):
        table[cp] = _DROP
    table[0x7F] = _DROP
    for cp in range(0x80, 0xA0):
        table[cp] = _DROP
    for cp in list(range(0x2100)) + list(range(0x2100, 0x3100)):
        if chr(cp).isspace():
            table[cp] = "\n" if chr(cp) in _LINE_BREAKS else " "
    table[ord(" ")] = " "
    for ch in _DELETE_FORMAT:
        table[ord(ch)] = _DROP
    for cp in range(0xFF10, 0xFF1A):  # ０-９
        table[cp] = chr(cp - 0xFEE0)
    for cp in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):  # Ａ-Ｚ ａ-ｚ
        table[cp] = chr(cp - 0xFEE0)
    for ch in _FULLWIDTH_SYMBOLS:
        table[ord(ch)] = chr(ord(ch) - 0xFEE0)
    for cp in list(range(0xF900, 0xFB00)) + list(range(0x2F800, 0x2FA20)):
        unified = unicodedata.normalize("NFC", chr(cp))
        if unified != chr(cp) and len(unified) == 1:
            table[cp] = unified
    for cp in range(0x2E80, 0x2FE0):  # CJK radicals supplement + Kangxi radicals
        ideograph = unicodedata.normalize("NFKC", chr(cp))
        if ideograph != chr(cp) and len(ideograph) == 1:
            table[cp] = ideograph
    return {cp: v for cp, v in table.items() if v != chr(cp) or v == _DROP}


@cache
def _mappable() -> re.Pattern[str]:
    """Runs of characters the table changes (mapping only those beats translating everything)."""
    return re.compile(f"(?:{_char_class(list(_table()))})+")


@cache
def _needs_cleanup() -> re.Pattern[str]:
    """Matches anything the clean-up would change, so clean text skips it entirely."""
    return re.compile(f"{_char_class(list(_table()))}|{_CONTEXTUAL.pattern}|{_COLLAPSE.pattern}")


def _map_run(match: re.Match[str]) -> str:
    return match.group().translate(_table())


@cache
def _cjk_re() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return (
        re.compile(f"[{CJK}]"),
        re.compile(f"[{CJK_PUNCT}“‘]"),
        re.compile(f"[{CJK_PUNCT}”’]"),
    )


def _drop_run(run: str, left: str, right: str) -> bool:
    """Whether a whitespace run between ``left`` and ``right`` vanishes instead of becoming " ".

    A line break between two CJK chars is a wrapping artifact (hard-wrapped Markdown, HTML
    source lines) that would split a word; a space someone typed between CJK chars is a
    separator (新华社北京3月5日电 国务院, lists of names) and stays. Spaces just inside CJK
    punctuation are layout only.
    """
    cjk, punct_left, punct_right = _cjk_re()
    if punct_left.match(left) or punct_right.match(right):
        return True
    return "\n" in run and bool(cjk.match(left) and cjk.match(right))


def clean(text: str) -> tuple[str, list[int] | None]:
    """Clean-up pass; offsets (into ``text``, len+1) are ``None`` when nothing changed."""
    if not _needs_cleanup().search(text):
        return text, None
    mapped = _mappable().sub(_map_run, text)
    mapped = _CONTEXTUAL.sub(lambda m: _CONTEXTUAL_MAP[m.group()], mapped)
    pieces: list[str] = []
    offsets: list[int] = []
    prev = 0
    for m in _COLLAPSE.finditer(mapped):
        start, end = m.span()
        pieces.append(mapped[prev:start])
        offsets.extend(range(prev, start))
        run = mapped[start:end]
        spaces = run.replace(_DROP, "")
        inner = spaces and start > 0 and end < len(mapped)
        if inner and not _drop_run(spaces, mapped[start - 1], mapped[end]):
            pieces.append(" ")
            offsets.append(start + len(run) - len(run.lstrip(_DROP)))
        prev = end
    pieces.append(mapped[prev:])
    offsets.extend(range(prev, len(mapped) + 1))
    return "".join(pieces), offsets


_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CHINESE_YEAR = re.compile("[〇零一二三四五六七八九]{4}(?=年)")


def arabic_years(text: str) -> str:
    """二〇二六年 → 2026年. The model reads digit-by-digit Chinese years wrongly (二〇二六年二月 →
    "February 2002") but Arabic ones right; one character maps to one, so offsets stay exact.
    Only four-digit runs before 年 qualify: 三四年 ("three or four years") and 十二年 stay.
    """
    if "年" not in text:
        return text
    return _CHINESE_YEAR.sub(lambda m: m.group().translate(_YEAR_DIGITS), text)


def _finish(
    text: str, cleaned: str, clean_offsets: list[int] | None, conversion: str
) -> Normalized:
    converted, convert_offsets = convert(cleaned, conversion)
    converted = arabic_years(converted)
    offsets = compose_offsets(clean_offsets, convert_offsets)
    return Normalized(
        converted, list(range(len(text) + 1)) if offsets is None else offsets, conversion
    )


def normalize_text(text: str, settings: NormalizeSettings) -> Normalized:
    """Clean ``text`` and convert it to Simplified as ``settings.script`` says.

    With ``auto`` the script is detected on ``text`` itself; use :func:`normalize_document` to
    decide once per document.
    """
    cleaned, clean_offsets = clean(text)
    conversion = settings.script
    if conversion == "auto":
        conversion = conversion_for(verdict(count_script(cleaned)))
    return _finish(text, cleaned, clean_offsets, conversion)


# A block overrides its document's script only on clear evidence of its own.
_BLOCK_MIN_EVIDENCE = 3


def _block_conversion(doc_conversion: str, counts: ScriptCounts) -> str:
    """A clearly Simplified block in a Traditional document (or the reverse) keeps its own script;
    blocks with little evidence follow the document so one article converts consistently.

    A block left unconverted that still holds clear evidence of Traditional text (three or more
    characters only Traditional uses) — a paragraph mixing both scripts, a Traditional quote in
    a Simplified article — gets plain ``t2s``: those characters are foreign to the model, which
    was trained on Simplified, and OpenCC leaves the block's Simplified characters as they are.
    One or two such characters stay as written: Simplified text has a few legitimately
    (二噁英, which t2s would turn into the rare 二𫫇英).
    """
    dominant = max(counts.traditional, counts.simplified)
    if dominant < _BLOCK_MIN_EVIDENCE or dominant < 3 * min(counts.traditional, counts.simplified):
        conversion = doc_conversion
    elif verdict(counts) == "simplified":
        conversion = "none"
    else:
        conversion = doc_conversion if doc_conversion != "none" else conversion_for(verdict(counts))
    if conversion == "none" and counts.traditional >= _BLOCK_MIN_EVIDENCE:
        return "t2s"
    return conversion


def normalize_document(doc: Document, settings: NormalizeSettings) -> Document:
    """Return a copy of ``doc`` with every block's ``normalized``/``offsets``/``script`` filled.

    With ``auto`` the script is detected on the whole document, so a mostly Traditional article
    converts every block the same way (including its Taiwan/Hong Kong vocabulary choice), while
    ``Block.script`` records the conversion each block actually got.
    """
    cleaned = [clean(block.text) for block in doc.blocks]
    if settings.script == "auto":
        counts = [count_script(text) for text, _ in cleaned]
        total = sum(counts, ScriptCounts())
        doc_conversion = conversion_for(verdict(total))
        conversions = [_block_conversion(doc_conversion, c) for c in counts]
    else:
        conversions = [settings.script] * len(doc.blocks)
    blocks: list[Block] = []
    for block, (text, offsets), conversion in zip(doc.blocks, cleaned, conversions, strict=True):
        result = _finish(block.text, text, offsets, conversion)
        blocks.append(
            replace(block, normalized=result.text, offsets=result.offsets, script=result.script)
        )
    return replace(doc, blocks=blocks, segments=[])

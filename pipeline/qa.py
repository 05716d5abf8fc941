"""Quality flags for machine-translated segments: cheap checks that point a reviewer at trouble.

Each flag is a stable string code (see :data:`FLAGS`) so exports, reports and filters can rely on
it. Checks are deterministic and return codes in :data:`FLAGS` order. They are heuristics tuned to
stay quiet on good translations: the numbers check, for instance, only treats Chinese-character
numerals as numbers where they clearly are (a classifier follows, or several numeral characters
form one number), because 一些/十分/千万 are ordinary words, and it accepts every common English way
to write a number (24,000 / 24 thousand / twenty-four thousand / December for 十二月).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from pipeline.chars import has_han
from pipeline.document import Segment
from pipeline.stats import QA_FLAGS, QAFlag, QAStats

FLAGS: dict[QAFlag, str] = {
    "empty-output": "The English is empty although the source is not.",
    "number-missing": "A number in the source does not appear in the English in any usual form.",
    "cjk-in-output": "Chinese characters were left in the English.",
    "length-ratio": "English/Chinese length ratio is outside what human translations show.",
    "repeated-ngram": "The English repeats words in a loop (a decoder failure).",
    "term-missed": "A glossary term in the source was not rendered as the glossary says.",
    "term-unsafe": (
        "Enforcing a glossary term would have made the sentence worse (a number or Latin text "
        "lost, the sentence rebuilt or much less likely to the model), so the model's plain "
        "translation was kept without the term: render the term by hand."
    ),
}

# en chars / zh chars of reference translations: the 0.5th and 99.5th percentiles over the 1,998
# WMT19 newstest2019 zh-en pairs whose source has at least 8 characters were 2.255 and 6.860, but
# FLORES-200 (encyclopedic text, denser English) has its 0.5th percentile at 1.27: the WMT19 low
# bound flagged 9.4% of good FLORES references, so the low bound follows FLORES.
LENGTH_RATIO_BOUNDS: tuple[float, float] = (1.25, 6.9)
LENGTH_RATIO_MIN_SOURCE = 8
_CHECKED = 4096
"""Recent (source, English) checks kept: a group's segments are checked before and after
re-decoding, by the acceptance rule and by QA, mostly on an unchanged English."""


# ---------------------------------------------------------------- Chinese numerals

_ZH_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "兩": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
_ZH_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_ZH_BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_ZH_NUMERALS = "".join([*_ZH_DIGITS, *_ZH_SMALL_UNITS, *_ZH_BIG_UNITS])
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ZH_TOKEN = re.compile(rf"{_ARABIC}|[{_ZH_NUMERALS}点]")
_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "％": "%", "．": "."})


def _to_decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _parse_integer_part(tokens: list[str]) -> Decimal | None:
    """Parse digits and units (no 点) into a value, or ``None`` if they do not form one number."""
    if not tokens:
        return None
    if len(tokens) >= 2 and all(t in _ZH_DIGITS for t in tokens):
        # Positional digits (二〇二二) are a number; two bare digits (三四 "three or four") are not.
        if len(tokens) < 3 and "〇" not in tokens and "零" not in tokens:
            return None
        return Decimal("".join(str(_ZH_DIGITS[t]) for t in tokens))
    total = wan = section = Decimal(0)
    number: Decimal | None = None
    last_small = 10**5
    for tok in tokens:
        if tok in _ZH_DIGITS or tok[0].isdigit():
            if number is not None and number != 0:
                return None
            number = Decimal(_ZH_DIGITS[tok]) if tok in _ZH_DIGITS else _to_decimal(tok)
        elif tok in _ZH_SMALL_UNITS:
            unit = _ZH_SMALL_UNITS[tok]
            if unit >= last_small:
                return None
            last_small = unit
            section += (Decimal(1) if number is None else number) * unit
            number = None
        else:
            value = section + (number or 0)
            if _ZH_BIG_UNITS[tok] == 10**4:
                wan += (value or 1) * 10**4
            else:
                total += (wan + value or 1) * 10**8
                wan = Decimal(0)
            section, number, last_small = Decimal(0), None, 10**5
    return total + wan + section + (number or 0)


def parse_zh_number(text: str) -> Decimal | None:
    """Value of a Chinese, Arabic or mixed numeral (三百, 2万4000, 1.1万, 三点五), else ``None``.

    Returns a :class:`~decimal.Decimal` so that 1.1万 is exactly 11000 and compares equal to the
    English "11,000".
    """
    text = text.translate(_WIDTH)
    tokens = _ZH_TOKEN.findall(text)
    if not tokens or "".join(tokens) != text:
        return None
    if "点" not in tokens:
        return _parse_integer_part(tokens)
    cut = tokens.index("点")
    integer = _parse_integer_part(tokens[:cut])
    rest = tokens[cut + 1 :]
    digits = []
    while rest and rest[0] in _ZH_DIGITS:
        digits.append(str(_ZH_DIGITS[rest.pop(0)]))
    if integer is None or not digits or any(t not in _ZH_BIG_UNITS for t in rest):
        return None
    value = integer + Decimal("0." + "".join(digits))
    for tok in rest:
        value *= _ZH_BIG_UNITS[tok]
    return value


# Numerals that start a number in running text. Financial forms (陆, 伍, 拾…) are left out: they are
# also ordinary characters (大陆, 队伍) and only appear on cheques and contracts.
_RUN_CHARS = "零〇一二两兩三四五六七八九十百千万萬亿億"
_RUN = re.compile(rf"(?:{_ARABIC}|[{_RUN_CHARS}])+(?:点[{_RUN_CHARS}]+)?")
_FRACTION = re.compile(rf"[{_RUN_CHARS}\d.]+分之[{_RUN_CHARS}\d.]+")
_PERCENT = re.compile(rf"百分之((?:[{_RUN_CHARS}\d.]|点)+)")
_FULLWIDTH_THOUSANDS = re.compile(r"(\d)，(\d{3})(?!\d)")
_MORE_THAN = re.compile(rf"(?<=[\d{_RUN_CHARS}])[多余](?=[万亿])")
_SPACE = r"[ \u00a0\u2009\u202f]+"
_SPACE_AROUND_DIGITS = re.compile(
    rf"(?<=\d){_SPACE}(?=[^\x00-\u2fff])|(?<=[^\x00-\u2fff]){_SPACE}(?=\d)"
)
_CENTURY = re.compile(rf"((?:\d+|[{_RUN_CHARS}]+))世纪(?:((?:\d+|[{_RUN_CHARS}]+))年代)?")
_MONTH_AFTER = re.compile(rf"(?:[至到\-－~～—、和与](?:\d+|[{_RUN_CHARS}]+))?月")
# Characters that, right after a run of Chinese numerals, show it really counts something.
_CLASSIFIERS = set(
    "个人名位年月日号天岁次元块倍座家项条件台辆所只头匹张本篇部场届期批种类层楼米吨斤克度周"
    "小秒点国省市县起例票架艘枚颗棵间套份组轮段句首支股里亩美港英欧户口节章页行字集季局杯瓶碗双对"
    "群把根片道门笔成%"
)
# Words made of numeral characters that are not numbers (or are only vague ones).
_ZH_NOT_NUMBERS = (
    "十分", "万一", "千万", "万万", "亿万", "成千上万", "千方百计",
    "一模一样", "三心二意", "四面八方", "乱七八糟", "五花八门", "七上八下", "一五一十",
    "九牛一毛", "百分百", "万分", "百般", "十全十美", "百姓", "万物",
    "万岁", "千古", "万众", "百花", "千家万户", "万里", "万千",
    "十字", "三角", "五角大楼", "“十一”", "十一长假", "十一假期", "十一黄金周",
    "十一国庆",
)  # fmt: skip
_VAGUE_BEFORE = set("几数上")
_VAGUE_AFTER = set("几")


def _is_not_number(text: str, start: int, end: int) -> bool:
    """True if the numeral run at ``start:end`` lies inside a word that is not a number."""
    for word in _ZH_NOT_NUMBERS:
        pos = text.find(word, max(0, start - len(word) + 1), end - 1 + len(word))
        if pos != -1 and pos < end:
            return True
    return False


def _is_weekday(text: str, start: int) -> bool:
    """周六 / 星期三 name days of the week, not numbers."""
    return text[start - 1 : start] == "周" or text[max(0, start - 2) : start] in ("星期", "礼拜")


def _prepare(text: str) -> str:
    """Half-width digits, 5，000 as 5,000, "11 月" as 11月, 30多亿 as 30亿 ("over 3 billion")."""
    text = _SPACE_AROUND_DIGITS.sub("", text.translate(_WIDTH))
    text = _FULLWIDTH_THOUSANDS.sub(r"\1,\2", text)
    return _MORE_THAN.sub("", text)


def _century_numbers(text: str) -> list[tuple[int, tuple[Decimal, ...], tuple[int, int]]]:
    """20世纪60年代 is "the 1960s"; 19世纪 is "the 19th century" or "the 1800s"."""
    found: list[tuple[int, tuple[Decimal, ...], tuple[int, int]]] = []
    for m in _CENTURY.finditer(text):
        century = parse_zh_number(m.group(1))
        decade = parse_zh_number(m.group(2)) if m.group(2) else None
        if century is None or (m.group(2) and decade is None):
            continue
        start_year = (century - 1) * 100
        values = (start_year + decade,) if decade is not None else (century, start_year)
        found.append((m.start(), values, m.span()))
    return found


def source_numbers(text: str) -> list[tuple[tuple[Decimal, ...], bool]]:
    """Numbers a translation must carry over, in source order.

    Each item is ``(accepted values, is_month)``: 七成 (seven tenths) accepts 7 or 70, and a month
    number (十二月, 1至10月) may also be written as a month name. Arabic numbers always count. A run
    of Chinese numerals counts when it is clearly a number: it is worth at least 2 and has several
    characters, follows 第, or is followed by a classifier (三个, 十二月). Approximations (几十,
    数百), weekdays (周六), a lone 两 ("both", "the two") and fractions other than percentages are
    skipped because English renders them too freely to check.
    """
    text = _prepare(text)
    found: list[tuple[int, tuple[Decimal, ...], bool]] = []
    taken: list[tuple[int, int]] = []
    for m in _PERCENT.finditer(text):
        value = parse_zh_number(m.group(1))
        taken.append(m.span())
        if value is not None:
            found.append((m.start(), (value,), False))
    taken.extend(m.span() for m in _FRACTION.finditer(text))
    for start, values, span in _century_numbers(text):
        found.append((start, values, False))
        taken.append(span)
    for m in _RUN.finditer(text):
        start, end = m.span()
        if any(s <= start < e for s, e in taken):
            continue
        run = m.group()
        value = parse_zh_number(run)
        if value is None:
            continue
        after = text[end : end + 1]
        if not any(c.isdigit() for c in run):
            before = text[start - 1 : start]
            clear = len(run) >= 2 or after in _CLASSIFIERS or before == "第"
            vague = before in _VAGUE_BEFORE or after in _VAGUE_AFTER
            # A lone 两 is often "both"; a lone 万 or 亿 is idiom (万人空巷), not a count.
            vague = vague or run in ("两", "兩", "万", "萬", "亿", "億")
            if value < 2 or not clear or vague or _is_weekday(text, start):
                continue
            if _is_not_number(text, start, end):
                continue
        whole = value == value.to_integral_value()
        is_month = whole and 1 <= value <= 12 and bool(_MONTH_AFTER.match(text, end))
        values = (value, value * 10) if after == "成" else (value,)
        found.append((start, values, is_month))
    return [(values, is_month) for _, values, is_month in sorted(found, key=lambda f: f[0])]


# ---------------------------------------------------------------- English numbers

_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "hundredth": 100, "thousandth": 1000, "firstly": 1, "secondly": 2, "thirdly": 3, "fourthly": 4,
    "fifthly": 5,
}  # fmt: skip
_EN_OTHER = {
    "both": 2, "twice": 2, "double": 2, "pair": 2, "couple": 2, "triple": 3, "thrice": 3,
    "dozen": 12, "dozens": 12, "decade": 10, "decades": 10, "century": 100, "centuries": 100,
}  # fmt: skip
_EN_SCALES = {
    "hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
    "bn": 10**9,
}  # fmt: skip
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}  # fmt: skip
_EN_NUMBER = re.compile(
    rf"({_ARABIC})(?:\s*(?:-\s*)?(hundred|thousand|million|billion|trillion|bn)s?\b)?", re.I
)
_EN_RANGE = re.compile(
    rf"({_ARABIC})\s*(?:-|–|to)\s*(?:{_ARABIC})\s*(hundred|thousand|million|billion|trillion|bn)",
    re.I,
)
_EN_WORD = re.compile(r"[A-Za-z]+")


def _scale_word(word: str) -> int | None:
    return _EN_SCALES.get(word[:-1] if word.endswith("s") and word != "bn" else word)


def english_numbers(text: str) -> tuple[set[Decimal], set[int]]:
    """Numeric values written in ``text`` (digits, number words) and the months it names."""
    text = text.translate(_WIDTH)
    values: set[Decimal] = set()
    for m in _EN_NUMBER.finditer(text):
        value = _to_decimal(m.group(1))
        values.add(value)
        if m.group(2):
            values.add(value * _EN_SCALES[m.group(2).lower()])
    for m in _EN_RANGE.finditer(text):  # "4.2-3.9 million": the scale applies to both ends
        values.add(_to_decimal(m.group(1)) * _EN_SCALES[m.group(2).lower()])
    raw_words = _EN_WORD.findall(text)
    # Only capitalised month names count, so the verb "may" is not May.
    months = {_MONTHS[w.lower()] for w in raw_words if w[0].isupper() and w.lower() in _MONTHS}
    words = [w.lower() for w in raw_words]
    total: Decimal = Decimal(0)
    current: Decimal = Decimal(0)
    in_number = False
    for i, word in enumerate([*words, ""]):
        scale = _scale_word(word)
        if word in _EN_UNITS:
            current += _EN_UNITS[word]
            values.add(Decimal(_EN_UNITS[word]))
            in_number = True
            continue
        if scale is not None:
            values.add(Decimal(scale))
            if scale == 100:
                current = (current or Decimal(1)) * scale
            else:
                total, current = total + (current or Decimal(1)) * scale, Decimal(0)
            in_number = True
            continue
        if word in ("a", "an") and i + 1 < len(words) and _scale_word(words[i + 1]):
            continue
        if word == "and" and in_number:
            continue
        ordinal = _EN_ORDINALS.get(word)
        if in_number:
            # "twenty-fourth" is 24: an ordinal below ten ends the number it follows.
            values.add(total + current + (ordinal if ordinal and ordinal < 10 else 0))
        if ordinal is not None:
            values.add(Decimal(ordinal))
        elif word in _EN_OTHER:
            values.add(Decimal(_EN_OTHER[word]))
        total = current = Decimal(0)
        in_number = False
    return values, months


def missing_numbers(source: str, en: str) -> list[Decimal]:
    """Source numbers that the English does not express, in source order."""
    return list(_missing_numbers(source, en))


@functools.lru_cache(maxsize=_CHECKED)
def _missing_numbers(source: str, en: str) -> tuple[Decimal, ...]:
    wanted = source_numbers(source)
    if not wanted:
        return ()
    values, months = english_numbers(en)
    missing = []
    for accepted, is_month in wanted:
        if any(v in values for v in accepted) or (is_month and int(accepted[0]) in months):
            continue
        missing.append(accepted[0])
    return tuple(missing)


# ---------------------------------------------------------------- other checks

_EN_TOKEN = re.compile(r"\w+", re.UNICODE)
# Up to four words, then the same words twice more, on a string of lower-cased words + spaces.
_LOOP = re.compile(r"(?<![^ ])((?:[^ ]+ ){1,4}?)\1\1")
_LOOP_STOPWORDS = {"the", "and", "of", "to", "in", "a", "an", "is", "was", "for", "that", "on"}


@functools.lru_cache(maxsize=_CHECKED)
def has_repeated_ngram(en: str) -> bool:
    """True if an n-gram (n ≤ 4 words) repeats three times in a row, or one content word fills a
    fifth of a long output: both are how a looping decoder shows itself."""
    tokens = [t.lower() for t in _EN_TOKEN.findall(en)]
    if _LOOP.search(" ".join(tokens) + " "):
        return True
    counts = Counter(t for t in tokens if len(t) > 2 and t not in _LOOP_STOPWORDS)
    return any(c >= 6 and c * 5 >= len(tokens) for c in counts.values())


def length_ratio_out_of_band(
    source: str, en: str, bounds: tuple[float, float] = LENGTH_RATIO_BOUNDS
) -> bool:
    """True if ``len(en) / len(source)`` (stripped) is outside ``bounds`` for a long source."""
    src, out = source.strip(), en.strip()
    if len(src) < LENGTH_RATIO_MIN_SOURCE:
        return False
    ratio = len(out) / len(src)
    return not bounds[0] <= ratio <= bounds[1]


def suspicion(source_normalized: str, en: str) -> int:
    """How suspicious a translation looks, for deciding whether to decode it again and whether
    the new one is better: a decoder loop and an odd length ratio count one each, every lost
    number one more; 0 means nothing to repair."""
    if not en.strip():
        return 1 if source_normalized.strip() else 0
    score = int(has_repeated_ngram(en)) + int(length_ratio_out_of_band(source_normalized, en))
    return score + len(missing_numbers(source_normalized, en))


def qa_flags(
    source_normalized: str, en: str, terms_missed: list[str], unsafe: bool = False
) -> list[QAFlag]:
    """Flag codes for one segment, in :data:`FLAGS` order; ``unsafe`` carries enforcement's
    ``term-unsafe`` verdict over.

    An empty English only gets ``empty-output`` (plus ``term-missed``): the other output checks
    would all fire on it and say nothing new.
    """
    found: set[QAFlag] = set()
    if source_normalized.strip() and not en.strip():
        found.add("empty-output")
    elif en.strip():
        if missing_numbers(source_normalized, en):
            found.add("number-missing")
        if has_han(en):
            found.add("cjk-in-output")
        # The bounds describe Chinese → English; a source without Chinese is copied as it is.
        if has_han(source_normalized) and length_ratio_out_of_band(source_normalized, en):
            found.add("length-ratio")
        if has_repeated_ngram(en):
            found.add("repeated-ngram")
    if terms_missed:
        found.add("term-missed")
    if unsafe:
        found.add("term-unsafe")
    return [code for code in QA_FLAGS if code in found]


def qa_segments(segments: Iterable[Segment]) -> QAStats:
    """Set ``Segment.flags`` from :func:`qa_flags` and count segments per flag.

    Flags from other stages (codes not in :data:`FLAGS`) are kept after the QA codes, so running QA
    twice gives the same result. Returns a count for every code in :data:`FLAGS`, zeros included,
    so reports have stable keys.
    """
    counts: dict[QAFlag, int] = dict.fromkeys(FLAGS, 0)
    for seg in segments:
        flags = qa_flags(seg.normalized, seg.en, seg.terms_missed, "term-unsafe" in seg.flags)
        others = [f for f in seg.flags if f not in FLAGS]
        seg.flags = [*flags, *others]
        for code in flags:
            counts[code] += 1
    return QAStats(counts)


__all__ = [
    "FLAGS",
    "LENGTH_RATIO_BOUNDS",
    "english_numbers",
    "has_repeated_ngram",
    "length_ratio_out_of_band",
    "missing_numbers",
    "parse_zh_number",
    "qa_flags",
    "qa_segments",
    "source_numbers",
    "suspicion",
]

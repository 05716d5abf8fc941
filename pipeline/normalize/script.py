"""Traditional → Simplified conversion and script detection, driven by OpenCC's own dictionaries.

The translation model was trained on Simplified Chinese, so Traditional input is converted first.
We read the dictionaries and conversion chains that ship with ``opencc-python-reimplemented`` but
do not use its converter: it runs at ~110-190k chars/s (tw2sp/t2s), which alone would sink the
150k chars/s ingest→segment budget, and it cannot say where each output character came from. Here
every chain step is a character ``str.translate`` table plus one regex (a trie of the phrase keys)
that finds leftmost-longest phrase matches, which is OpenCC's maximum-forward-match semantics and
runs at millions of chars/s. Because we convert piece by piece we also know the exact source
position of every output character: the only length-changing entries are some Taiwan phrases
(網際網路 → 互联网), mapped proportionally inside the phrase.

Detection counts characters that only Traditional text uses (they change under t2s and never come
out of it) against characters that only Simplified text uses (they change under s2t and never come
out of it), so characters valid in both scripts (乾, 著, 干, 后) never count as evidence.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pipeline.errors import NormalizeError, SettingsError

DetectedScript = Literal["simplified", "traditional", "tw", "hk", "unknown"]
Conversion = Literal["t2s", "tw2sp", "hk2s", "none"]

CONVERSIONS: tuple[str, ...] = ("t2s", "tw2sp", "hk2s")

# OpenCC's tw2sp phrase table (TWPhrasesRev) localizes *software* vocabulary. These keys are also
# everyday words whose general sense the IT rendering distorts in news text (經濟指標 "economic
# indicator" → 经济指针 "pointer", 執行政策 → 运行政策, 核心 → 内核 "kernel", 智慧 "wisdom" → 智能),
# or are already standard Simplified words (互动, 建立, 整合), so we leave them to t2s.
TW_PHRASE_EXCLUDE: frozenset[str] = frozenset(
    {
        "序列", "通道", "核心", "單核心", "執行", "程序", "互動", "互動式", "模擬", "類比",
        "智慧", "宣告", "建立", "整合", "呼叫", "查詢", "檢視", "物件", "文件", "檔案",
        "指標", "向量", "批次", "宕機", "過載", "離線", "高階", "低階", "進階", "簡報",
        "喬治亞",
    }
)  # fmt: skip

# Words only Taiwan writes (the mainland and Hong Kong say 软件/軟件, 网络/網絡, 信息/資訊 less).
TW_WORDS: tuple[str, ...] = (
    "軟體", "硬體", "韌體", "網路", "網際網路", "資訊", "程式", "伺服器", "記憶體", "螢幕",
    "滑鼠", "硬碟", "部落格", "使用者", "資料庫", "介面", "數位", "簡訊", "晶片", "演算法",
    "雲端", "駭客", "透過", "計程車", "腳踏車", "奈米", "義大利", "紐西蘭", "捷運", "品質",
)  # fmt: skip
# Taiwan glyph standard: 裡 (HK and OpenCC write 裏); 著 as the aspect particle (HK writes 着).
_TW_GLYPHS = "裡啟"
# Cantonese written characters, and Hong Kong glyph standard forms (綫 衞 説 裏 着 ...).
_HK_CHARS = "嘅唔喺冇咗佢哋嚟啲嘢咁噉睇攞搵揾嗰咩冚嘥㗎喎囉啱嚿餸乜"
_HK_GLYPHS = "綫衞説裏着閲鋭脱税户温悦兑"


def _opencc_dir() -> Path:
    """Locate the installed package's data without importing its converter."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        raise NormalizeError(
            "OpenCC dictionaries not found; install opencc-python-reimplemented (run `uv sync`)",
            file="opencc",
        )
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def _read_dict(name: str) -> dict[str, str]:
    """One OpenCC dictionary file; where it lists alternatives we take the first, like OpenCC."""
    path = _opencc_dir() / "dictionary" / name
    entries: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            if key and value:
                entries[key] = value.split(" ")[0]
    return entries


@cache
def _read_all_values(name: str) -> frozenset[str]:
    """Every character that can come *out* of a dictionary (all alternatives)."""
    path = _opencc_dir() / "dictionary" / name
    chars: set[str] = set()
    with path.open(encoding="utf-8") as f:
        for line in f:
            chars.update(line.rstrip("\n").partition("\t")[2].replace(" ", ""))
    return frozenset(chars)


_Trie = dict[str, "_Trie"]


def _trie_pattern(keys: list[str]) -> str:
    """A regex matching the longest key at each position (a trie: one literal test per branch)."""
    root: _Trie = {}
    for key in keys:
        node = root
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in node.items() if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return ("(?:" + body + ")?") if len(alts) == 1 else body + "?"
        return body

    return build(root)


@dataclass(frozen=True)
class _Step:
    """One OpenCC chain step: phrases matched first (leftmost-longest), other chars by table."""

    table: dict[int, str]
    phrases: dict[str, str]
    phrase_re: re.Pattern[str] | None
    same_length: bool


def _build_step(dict_names: list[str], exclude: frozenset[str]) -> _Step:
    table: dict[int, str] = {}
    phrases: dict[str, str] = {}
    for name in dict_names:  # earlier dictionaries in a group take precedence, as in OpenCC
        for key, value in _read_dict(name).items():
            if key in exclude:
                continue
            if len(key) == 1:
                if ord(key) not in table and value != key:
                    table[ord(key)] = value
            elif key not in phrases:
                phrases[key] = value
    phrase_re = re.compile(_trie_pattern(sorted(phrases))) if phrases else None
    same = all(len(k) == len(v) for k, v in phrases.items()) and all(
        len(v) == 1 for v in table.values()
    )
    return _Step(table, phrases, phrase_re, same)


def _dict_files(node: dict[str, Any]) -> list[str]:
    if node.get("type") == "group":
        return [f for d in node.get("dicts", []) for f in _dict_files(d)]
    return [node["file"]] if node.get("type") == "txt" else []


@cache
def _steps(conversion: str) -> tuple[_Step, ...]:
    """The chain of steps OpenCC's ``<conversion>.json`` config describes."""
    if conversion not in CONVERSIONS:
        raise SettingsError(
            f"unknown script conversion {conversion!r}; "
            f"use one of auto, {', '.join(CONVERSIONS)}, none",
            file="--script",
        )
    config = json.loads((_opencc_dir() / "config" / f"{conversion}.json").read_text("utf-8"))
    exclude = TW_PHRASE_EXCLUDE if conversion == "tw2sp" else frozenset()
    return tuple(
        _build_step(_dict_files(link["dict"]), exclude) for link in config["conversion_chain"]
    )


def _apply_step(text: str, step: _Step) -> tuple[str, list[int] | None]:
    """Convert with one step; offsets (into ``text``) only when the length changed."""
    if step.phrase_re is None:
        return text.translate(step.table), None
    pieces: list[str] = []
    spans: list[tuple[int, int, int]] = []  # (source start, source len, output len) of odd phrases
    pos = 0
    table, phrases = step.table, step.phrases
    for m in step.phrase_re.finditer(text):
        start, end = m.span()
        if start > pos:
            pieces.append(text[pos:start].translate(table))
        value = phrases[m.group()]
        pieces.append(value)
        if len(value) != end - start:
            spans.append((start, end - start, len(value)))
        pos = end
    pieces.append(text[pos:].translate(table))
    out = "".join(pieces)
    if not spans:
        return out, None
    offsets: list[int] = []
    prev = 0
    for start, src_len, out_len in spans:
        offsets.extend(range(prev, start))
        offsets.extend(start + (i * src_len) // out_len for i in range(out_len))
        prev = start + src_len
    offsets.extend(range(prev, len(text) + 1))
    return out, offsets


def compose_offsets(outer: list[int] | None, inner: list[int] | None) -> list[int] | None:
    """Offsets of a two-step map: ``inner`` indexes the middle text, ``outer`` maps it back."""
    if inner is None:
        return outer
    if outer is None:
        return inner
    return [outer[i] for i in inner]


def convert(text: str, conversion: str) -> tuple[str, list[int] | None]:
    """Convert ``text`` with an OpenCC chain; offsets (len+1) are ``None`` when 1:1."""
    if conversion == "none" or not text:
        return text, None
    offsets: list[int] | None = None
    for step in _steps(conversion):
        text, step_offsets = _apply_step(text, step)
        offsets = compose_offsets(offsets, step_offsets)
    return text, offsets


@dataclass(frozen=True)
class ScriptCounts:
    """Evidence for each script; additive, so a document's counts are the sum of its blocks'."""

    traditional: int = 0
    simplified: int = 0
    tw: int = 0
    hk: int = 0

    def __add__(self, other: ScriptCounts) -> ScriptCounts:
        return ScriptCounts(
            self.traditional + other.traditional,
            self.simplified + other.simplified,
            self.tw + other.tw,
            self.hk + other.hk,
        )


@dataclass(frozen=True)
class _Markers:
    traditional: re.Pattern[str]
    simplified: re.Pattern[str]
    tw: re.Pattern[str]
    hk: re.Pattern[str]


def _char_class(chars: set[str]) -> re.Pattern[str]:
    """A char class of the BMP members only: ``re`` compiles those to a bitmap (100M+ chars/s)
    but scans a list for astral ones; the rare astral markers add no useful evidence."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars) if c <= "\uffff") + "]")


@cache
def _markers() -> _Markers:
    """Character sets that are evidence for one script only, built once from the dictionaries."""
    ts, st = _read_dict("TSCharacters.txt"), _read_dict("STCharacters.txt")
    simp_out = _read_all_values("TSCharacters.txt") | _read_all_values("TSPhrases.txt")
    trad_out = _read_all_values("STCharacters.txt") | _read_all_values("STPhrases.txt")
    trad = {k for k in ts if k not in simp_out}
    simp = {k for k in st if k not in trad_out} - trad
    tw_words = "|".join(sorted(TW_WORDS, key=len, reverse=True))
    # 著 is Taiwan's particle (看著); 著名/顯著/著作 are written 著 everywhere, so skip those.
    tw = re.compile(f"{tw_words}|[{_TW_GLYPHS}]|(?<![顯名鉅巨昭合])著(?![名作稱者述錄書])")
    hk = re.compile(f"[{_HK_CHARS}{_HK_GLYPHS}]")
    return _Markers(_char_class(trad), _char_class(simp), tw, hk)


def count_script(text: str) -> ScriptCounts:
    """Count script evidence in ``text`` (regional counts only matter once it is Traditional)."""
    markers = _markers()
    trad = len(markers.traditional.findall(text))
    simp = len(markers.simplified.findall(text))
    if trad <= simp:
        return ScriptCounts(trad, simp)
    return ScriptCounts(trad, simp, len(markers.tw.findall(text)), len(markers.hk.findall(text)))


def verdict(counts: ScriptCounts, min_evidence: int = 1) -> DetectedScript:
    """Which script the counts say; ``unknown`` below ``min_evidence`` markers or on a tie."""
    if max(counts.traditional, counts.simplified) < min_evidence:
        return "unknown"
    if counts.traditional > counts.simplified:
        if counts.hk > counts.tw:
            return "hk"
        return "tw" if counts.tw > 0 else "traditional"
    if counts.simplified > counts.traditional:
        return "simplified"
    return "unknown"


def detect_script(text: str) -> DetectedScript:
    """Simplified, Traditional (Taiwan ``tw``, Hong Kong ``hk``), or ``unknown`` (no evidence)."""
    return verdict(count_script(text))


def conversion_for(detected: DetectedScript) -> Conversion:
    """The OpenCC conversion that turns text of the detected script into Simplified."""
    return {"traditional": "t2s", "tw": "tw2sp", "hk": "hk2s"}.get(detected, "none")  # type: ignore[return-value]

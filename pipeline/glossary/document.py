"""The document's own glossary: the names and terms a document glosses itself.

Chinese writers gloss a foreign name or term where they introduce it: 艾克顿（James Acton）,
“迫使行动发生的活动”(action-forcing event), 《台湾关系法》(Taiwan Relations Act), MOU（谅解备忘录）.
:func:`find_glosses` finds those pairs in normalized text. The hard part is where the Chinese
starts, since Chinese has no spaces; jieba's words and parts of speech decide it
(:func:`pipeline.words.tagged_words`):

- Chinese in quotes or title marks (“…”「…」《…》) is taken whole;
- a person's name (the English is one to four capitalized words, jieba tags the last word a name
  ``nr`` or it is short nouns like 海/大卫) is taken back to a title or function word:
  美国联邦众议院议长裴洛西 (Nancy Pelosi) → 裴洛西;
- any other term is taken back word by word to about two characters per English content word
  (or per acronym letter), never past a function word (的, 在, 和, 是, 我…).

:func:`document_terms` turns a document's pairs into :class:`~pipeline.document.DocumentTerm` s
(a person's later bare mention reads as the surname: 艾克顿说 → "Acton said"), and
:func:`gloss_spans` marks the glossed sites, which the translator writes as the English the
document gave (艾克顿（James Acton） → "James Acton"): the gloss is written once, where the
document wrote it. ``zhen glossary extract`` mines its candidates with :func:`find_glosses` too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from pipeline.chars import HAN, has_han
from pipeline.document import Document, DocumentTerm
from pipeline.glossary.collection import Glossary
from pipeline.glossary.formats import slug
from pipeline.glossary.terms import Term, fold
from pipeline.spans import Span
from pipeline.words import tagged_words

GlossKind = Literal["person", "term", "acronym"]
"""A person's name, another name or term, or a bare acronym (直接商售(DCS))."""

_PAREN = re.compile(r"[（(]([^（）()\n]{1,160})[）)]")
_ACRONYM = r"[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*"
_IS_ACRONYM = re.compile(rf"{_ACRONYM}s?")
_ROMAN = re.compile("[IVX]{1,4}")
_EN_CHARS = re.compile(r"[A-Za-z0-9\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f '’.·&-]*")
_LATIN_BEFORE = re.compile(rf"({_ACRONYM}|[A-Z][a-z]+(?: [A-Z][a-z]+){{0,5}}) ?\Z")
_NAME_WORD = r"(?:[A-Z\u00c0-\u00de][a-z\u00df-\u024f'’]+(?:-[A-Z]?[a-z\u00df-\u024f'’]+)*|[A-Z]\.)"
_PERSON = re.compile(  # one to four capitalized words; two or more make a person's name
    rf"{_NAME_WORD}(?: (?:{_NAME_WORD}|van|von|de|da|der|del|bin|al|le|la|du|dos)){{0,3}}"
)
_INSTITUTIONAL = frozenset({
    "Center", "Centre", "University", "Institute", "Endowment", "Program", "Programme", "Agency",
    "Council", "Office", "Ministry", "Department", "Foundation", "Association", "Group",
    "Company", "Corporation", "Bank", "Party", "Army", "Navy", "Force", "Forces", "Command",
    "Times", "Post", "News", "Journal", "Review", "Agreement", "Treaty", "Act", "Report",
    "Strait", "Sea", "Ocean", "Island", "Islands", "Airlines", "Club", "Society", "School",
    "College", "Museum", "Project", "Committee", "Union", "Organization", "Organisation",
    "Service", "System", "Network", "Studio", "Press", "Daily", "Weekly",
})  # fmt: skip
_FUNCTION = frozenset({
    "of", "the", "and", "for", "at", "in", "on", "to", "a", "an", "by", "with", "from", "or", "as",
})  # fmt: skip
_QUOTES = {"”": "“", "“": "“", '"': '"', "’": "‘", "」": "「", "』": "『", "》": "《", "〉": "〈"}
_RUN_CHAR = re.compile(f"[{HAN}·0-9-]")
_STOP_WORDS = frozenset({
    "的", "了", "是", "将", "把", "被", "即", "称", "说", "像", "在", "从", "与", "和", "或", "及",
    "以及", "对", "向", "为", "由", "等", "这", "那", "其", "该", "此", "这是", "像是", "就是",
    "也是", "包括", "例如", "如", "名为", "称为", "叫做", "所谓", "又称", "简称", "以", "于", "并",
    "而", "但",
})  # fmt: skip
"""Function words a name or term never starts before (the POS tags below catch most others)."""
_STOP_TAGS = frozenset({"p", "c", "u", "uj", "ul", "uz", "uv", "ud", "ug", "r", "d", "f", "q", "x",
                        "y", "e", "o"})  # fmt: skip
_NAME_TAGS = frozenset({"n", "ng", "nz", "ns", "nt", "j"})
_NAME_TAG_PREFIXES = frozenset({"nr", "ns", "nt", "nz"})
"""Tags of a person's, place's, organization's or other proper name (nr, nrt, nrfg, ns…)."""
_CONJUNCTIONS = frozenset({"与", "和", "及"})
_CLASSIFIERS = frozenset("个套架门辆枚座艘名位项件台部支批种次颗条")
_PART = f"(?:[{HAN}]+|[A-Z])"
_CHAIN = re.compile(f"[·-]{_PART}(?:[·-]{_PART})*\\Z")
"""The ·- or --joined parts after a name's first part (哈里·J·卡兹亚尼斯: ·J·卡兹亚尼斯)."""
_INITIAL = re.compile("·[A-Z]·")
_PART_OR_JOINER = re.compile(f"{_PART}|[·-]")
_TITLES = (
    "主持人", "总统", "主席", "总理", "首相", "部长", "国务卿", "发言人", "官员", "教授", "研究员",
    "专家", "学者", "分析师", "司令", "大使", "议员", "主任", "局长", "院长", "所长", "记者",
    "博士", "先生", "女士", "上将", "中将", "少将", "将军", "议长", "会长", "总裁", "经理",
)  # fmt: skip
_TITLE_ENDS = tuple("长员者人家官师士手")
_MAX_ZH = 16


@dataclass(frozen=True)
class Gloss:
    """One pair the text states: Chinese ``zh`` at ``[start, end)`` and its English ``en`` (with
    ``abbr`` when the gloss also gives an acronym: Field Artillery …，FAASV). ``site`` spans the
    whole glossed phrase, quotes and parentheses included; ``order`` says which came first;
    ``quote`` is the opening quote around the Chinese (empty when none)."""

    zh: str
    en: str
    abbr: str
    kind: GlossKind
    start: int
    end: int
    site: tuple[int, int]
    order: Literal["zh-en", "en-zh"] = "zh-en"
    quote: str = ""


def find_glosses(text: str) -> list[Gloss]:
    """Every 中文（English）, “中文”(English), 《中文》(English) and ACR（中文） pair in normalized
    ``text``, in text order. English that is a sentence, a formula or a list is no gloss."""
    out: list[Gloss] = []
    for m in _PAREN.finditer(text):
        inner = " ".join(m.group(1).split())
        gloss = (_english_first if has_han(inner) else _chinese_first)(text, m, inner)
        if gloss is not None:
            out.append(gloss)
    return out


def _english_first(text: str, m: re.Match[str], inner: str) -> Gloss | None:
    """ACR（中文）: an acronym or capitalized name right before a parenthesized Chinese term."""
    latin = _LATIN_BEFORE.search(text, max(0, m.start() - 60), m.start())
    if latin is None or not re.fullmatch(f"[{HAN}·]{{2,{_MAX_ZH}}}", inner):
        return None
    if (
        latin.start() > 0
        and text[latin.start() - 1].isascii()
        and text[latin.start() - 1].isalnum()
    ):
        return None
    en = latin.group(1)
    kind: GlossKind = "acronym" if _IS_ACRONYM.fullmatch(en) else "term"
    if kind == "acronym" and len(inner) < 1.25 * len(re.sub("[^A-Z]", "", en)):
        return None  # too short to spell the acronym out: ADIZ（西南空域） qualifies it
    start = m.start(1) + m.group(1).index(inner[0])
    return Gloss(inner, en, "", kind, start, start + len(inner), (latin.start(), m.end()), "en-zh")


def _split_english(inner: str) -> tuple[str, str] | None:
    """``(english, acronym)`` of a gloss: a name or term, an acronym, or both (… Vehicle，FAASV)."""
    parts = [p.strip() for p in re.split(r"，|, ", inner)]
    abbr = ""
    if len(parts) == 2 and _IS_ACRONYM.fullmatch(parts[1]) and not _IS_ACRONYM.fullmatch(parts[0]):
        inner, abbr = parts[0], parts[1]
    elif len(parts) > 1:
        return None
    words = inner.split()
    if not _EN_CHARS.fullmatch(inner) or len(words) > 10 or not re.search("[A-Za-z]", inner):
        return None
    if _IS_ACRONYM.fullmatch(inner):
        return "", inner
    return inner, abbr


def _chinese_first(text: str, m: re.Match[str], inner: str) -> Gloss | None:
    """中文（English）, the Chinese found back from the parenthesis."""
    split = _split_english(inner)
    if split is None:
        return None
    en, abbr = split
    p = m.start() - 1 if m.start() > 0 and text[m.start() - 1] == " " else m.start()
    if p > 0 and text[p - 1] in _QUOTES:
        opener = text.rfind(_QUOTES[text[p - 1]], max(0, p - 42), p - 1)
        zh = text[opener + 1 : p - 1] if opener >= 0 else ""
        if not has_han(zh) or any(c in zh for c in "。！？；，\n") or len(zh) > 40:
            return None
        kind: GlossKind = "term" if en else "acronym"
        return Gloss(zh, en or abbr, abbr if en else "", kind, opener + 1, p - 1,
                     (opener, m.end()), quote=text[opener])  # fmt: skip
    j = p
    while (
        j > 0
        and p - j < 24
        and (_RUN_CHAR.match(text[j - 1]) or _INITIAL.match(text, j - 2) is not None)
    ):
        j -= 1
    while j < p and not re.match(f"[{HAN}]", text[j]):
        j += 1
    if p - j < 2:
        return None
    chain = _CHAIN.search(text, j, p)
    head = chain.start() if chain else p  # 亚当·库尔登: the parts after the first · go whole
    words = [(w, t, j + s) for w, t, s in tagged_words(text[j:head])] if head > j else []
    start = None
    if en and _is_name(en):
        start = _name_start(words, head < p) if words else None
    if start is None and head < p:  # a term ending in a ·-joined name: take the name whole
        start = _name_start(words, True) if words else None
    if start is None:
        conjunctions = len(re.findall(r"\band\b|&", en))
        start = _term_start(words + _tail(text, head, p), _target_chars(en or abbr), conjunctions)
    if (
        start is not None
        and start > 0
        and text[start - 1].isdigit()
        and text[start] in _CLASSIFIERS
    ):
        start += 1  # 100套岸置鱼叉飞弹系统: jieba glued the classifier to the term
    if start is None or p - start < 2 or text[p - 1] in "0123456789-·":
        return None
    person = en and _is_person(en) and len(re.sub("[·-]", "", text[start:p])) <= 12
    kind = "person" if person else "term" if en else "acronym"
    return Gloss(text[start:p], en or abbr, abbr if en else "", kind, start, p, (start, m.end()))


def _is_person(en: str) -> bool:
    """A full name: two to four capitalized words (initials and van/de/bin… allowed), none of
    them an institution's (Carnegie Endowment is no person)."""
    words = en.split()
    return (
        len(words) >= 2
        and bool(_PERSON.fullmatch(en))
        and not any(w in _INSTITUTIONAL for w in words)
    )


def _is_title(word: str) -> bool:
    return word in _TITLES or (len(word) >= 2 and word.endswith(_TITLE_ENDS))


def _is_name(en: str) -> bool:
    """A name: one to four capitalized words (a person, a place, a team), none of them an
    institution's word, no lower-case words but name particles."""
    return bool(_PERSON.fullmatch(en)) and not any(w in _INSTITUTIONAL for w in en.split())


def _tail(text: str, head: int, p: int) -> list[tuple[str, str, int]]:
    """The ·-joined parts of a name after its first part, as words (taken whole)."""
    return (
        [(m.group(), "nr", m.start()) for m in _PART_OR_JOINER.finditer(text, head, p)]
        if head < p
        else []
    )


def _name_start(words: Sequence[tuple[str, str, int]], chained: bool) -> int | None:
    """Where a name starts: back over name-like words (a transliteration is tagged a person's
    or a place's name, or is short nouns like 海/大卫) to a title or function word, at most
    eight characters. ``chained``: ``words`` end at the first part of a ·-joined name, which
    is the last word plus names before it of at most four characters in all."""
    start, chars, named = None, 0, chained
    for i in range(len(words) - 1, -1, -1):
        word, tag, pos = words[i]
        first = i == len(words) - 1
        name_like = tag[:2] in _NAME_TAG_PREFIXES or (len(word) <= 2 and tag in _NAME_TAGS)
        if chained and not first:
            name_like = tag.startswith("nr") and chars + len(word) <= 4
        if not (name_like or (chained and first)) or word in _STOP_WORDS:
            break
        if _is_title(word) and not tag.startswith("nr"):
            break
        if chars + len(word) > 8:
            break
        chars += len(word)
        start = pos
        named = named or tag.startswith("nr")
    return start if chars + chained >= 2 and (named or chars <= 4) else None


def _target_chars(en: str) -> float:
    """About how many Chinese characters render ``en``: two per content word or acronym letter
    (CBM 信心建立措施), two and a half for a name (a transliteration: Carnegie 卡内基), one for a
    Roman numeral (III 3型)."""
    total = 0.0
    for word in re.split(r"[\s·]+", en):
        if _ROMAN.fullmatch(word):
            total += 1
        elif _IS_ACRONYM.fullmatch(word):
            total += 2 * len(re.sub("[^A-Z]", "", word))
        elif word[:1].isupper() and word not in _INSTITUTIONAL:
            total += 2.5
        elif word.lower() not in _FUNCTION and re.search("[A-Za-z]", word):
            total += 2
    return max(total, 2)


def _term_start(
    words: Sequence[tuple[str, str, int]], target: float, conjunctions: int = 0
) -> int | None:
    """The word boundary back from the gloss closest to ``target`` characters, never past a
    function word (but past as many 与/和 as the English has "and"), never just after the · of
    a name; on a tie the longer term."""
    best: tuple[float, int] | None = None
    chars = 0
    for i in range(len(words) - 1, -1, -1):
        word, tag, pos = words[i]
        if word in ("·", "-"):
            continue
        if word in _CONJUNCTIONS and conjunctions:
            conjunctions -= 1
            chars += len(word)
            continue
        postposition = tag == "f" and i > 0  # 报告中, 会议后; but 中导条约 starts with 中
        stop = tag in _STOP_TAGS and tag != "f"
        if word in _STOP_WORDS or stop or postposition or (tag == "m" and not word.isdigit()):
            break
        chars += len(word)
        if chars > _MAX_ZH:
            break
        joined = i > 0 and words[i - 1][0] in ("·", "-")
        if (
            re.match(f"[{HAN}]", word)
            and not joined
            and (best is None or abs(chars - target) <= best[0])
        ):
            best = (abs(chars - target), pos)
    return best[1] if best is not None else None


def _english_of(gloss: Gloss) -> str:
    """The English a glossed site is written as: the name, its acronym in parentheses, quoted
    as the Chinese was (“…” and 「…」 become English double quotes; 《…》 titles stay bare)."""
    en = f"{gloss.en} ({gloss.abbr})" if gloss.abbr else gloss.en
    return f"“{en}”" if gloss.quote in ("“", "「", "『", '"') else en


def gloss_spans(text: str) -> list[Span]:
    """The glossed sites of ``text`` to write as their English: a name or term with its English
    (not a bare acronym, whose Chinese the model translates next to it)."""
    return [
        Span(g.site[0], g.site[1], "gloss", text=_english_of(g))
        for g in find_glosses(text)
        if g.order == "zh-en" and g.kind != "acronym" and not _partial(text, g)
    ]


def _partial(text: str, gloss: Gloss) -> bool:
    """Whether the Chinese found is only the end of a name (简·H·李): written as the English it
    would leave the rest of the name beside it, twice."""
    return gloss.start > 0 and text[gloss.start - 1] in "·-"


def _enforceable(gloss: Gloss) -> bool:
    """Whether a pair is safe to apply to every mention: a person's name, or a term of three or
    more characters or one the document quoted (二字 words such as 双方 are too common)."""
    return gloss.kind == "person" or len(gloss.zh) >= 3 or bool(gloss.quote)


def document_terms(doc: Document, glossary: Glossary | None = None) -> list[DocumentTerm]:
    """The terms ``doc`` glosses itself, in order of first gloss, one per English.

    A person's later mention reads as the surname (``short``), and the part of a Chinese name
    after its last · counts as a mention too (詹姆斯·艾克顿 … 艾克顿). A Chinese form already
    glossed another way, or one the approved ``glossary`` covers, is left out: the approved
    glossary wins over the document.
    """
    terms: dict[str, DocumentTerm] = {}
    seen_zh: set[str] = set()
    approved = glossary.approved() if glossary is not None else None
    taken: set[str] = set()
    for seg in doc.segments:
        for gloss in find_glosses(seg.normalized):
            partial = _partial(seg.normalized, gloss)
            if (
                partial
                or not _enforceable(gloss)
                or gloss.zh in seen_zh
                or _known(gloss.zh, approved)
            ):
                continue
            seen_zh.add(gloss.zh)
            key = fold(gloss.en)
            term = terms.get(key)
            if term is None:
                term = DocumentTerm("doc:" + slug(gloss.en, taken), [], gloss.en, segment=seg.id)
                term.short = _short(gloss)
                terms[key] = term
            forms = [gloss.zh]
            if gloss.kind == "person" and "·" in gloss.zh:
                tail = gloss.zh.rsplit("·", 1)[1]
                forms += [tail] if len(tail) >= 2 else []
            term.zh += [f for f in forms if f not in term.zh]
    return list(terms.values())


def _short(gloss: Gloss) -> str:
    """A later mention's English: a person's surname, a term's acronym."""
    if gloss.kind == "person" and " " in gloss.en:
        return gloss.en.split()[-1].rstrip(".")
    return gloss.abbr


def _known(zh: str, glossary: Glossary | None) -> bool:
    if glossary is None or not len(glossary):
        return False
    return any(m.start == 0 and m.end == len(zh) for m in glossary.matcher().scan(zh))


def terms_glossary(terms: Sequence[DocumentTerm]) -> Glossary:
    """A document's terms as a glossary of approved terms for enforcement (``abbr`` is the short
    form, so the run's term style writes the full name first and the surname after)."""
    return Glossary(
        tuple(Term(t.id, tuple(t.zh), t.en, t.short, note="document term") for t in terms),
        word_checks=False,
    )


def document_terms_report(docs: Sequence[Document]) -> dict[str, Any]:
    """The ``document_terms`` block of ``run.json``: each document's own terms with the segments
    where they were applied or missed, and ``proposed``: a term one document glosses whose
    Chinese also occurs in another document of the run. Those are reported for a reviewer
    (a glossary candidate), never enforced there: a name glossed in one article may be
    another person in the next."""
    texts = {d.id: "\n".join(s.normalized for s in d.segments) for d in docs}
    out: dict[str, Any] = {"terms": 0, "applied": 0, "missed": 0, "documents": {}, "proposed": []}
    for doc in docs:
        rows = []
        for term in doc.terms:
            applied = sum(term.id in s.terms_applied for s in doc.segments)
            missed = sum(term.id in s.terms_missed for s in doc.segments)
            rows.append(asdict(term) | {"applied": applied, "missed": missed})
            out["applied"] += applied
            out["missed"] += missed
            elsewhere = [
                other.id
                for other in docs
                if other is not doc
                and not any(fold(t.en) == fold(term.en) for t in other.terms)
                and any(form in texts[other.id] for form in term.zh)
            ]
            if elsewhere:
                out["proposed"].append(
                    {"id": term.id, "zh": term.zh, "en": term.en, "from": doc.id, "in": elsewhere}
                )
        out["terms"] += len(rows)
        if rows:
            out["documents"][doc.id] = rows
    return out

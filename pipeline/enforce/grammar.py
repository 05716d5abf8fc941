"""English grammar around a rewritten term mention: articles, capitals, plurals, agreement.

Putting a rendering where the model wrote a token it knew nothing about (``the XT1X``,
``a XT1X``, ``XT1Xs``) or rewriting the model's own wording breaks grammar unless the text
around it is reconciled: ``the`` dropped after another determiner (``The the Pentagon``) and
before a person's name the model took for a thing (``The Lee Teng-hui was``), added before an
institution (``the MND expresses``) but not after an adjective (``new PLA equipment``), ``a``/``an``
matched to the new first word, never two articles in a row, a capital at a sentence start and
none mid-sentence (``when The Eighth Prince``), a plural where the words around call for one
(``two XT1X``, ``modernization of XT1X.``) and the verb after a plural agreeing with it
(``cross-strait relations has`` → ``have``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.enforce.english import (
    PREPOSITIONS,
    head_index,
    pluralize,
    pronounced_as_word,
    takes_article,
    words,
)
from pipeline.glossary import Term

_DETERMINERS = words(
    "a an the this these those its his their our your my whose any each every no "
    "another either neither such"
)
_PLURAL_CUES = words(
    "two three four five six seven eight nine ten eleven twelve dozens hundreds thousands "
    "millions several many multiple numerous various these those both few all more most some "
    "fewer"
)
_FUNCTION_WORDS = words(
    "in on at to for from by with under and but or of about against after before during since "
    "through into between among as like via according both while when whereas"
)
_MODIFIERS = words(
    "new old former current modern entire whole same other own main major key top senior "
    "future past present recent early late latest next last first second third total "
    "potential possible certain various latter newer older larger bigger greater"
)
"""Adjectives that leave a following name without an article ("new PLA equipment")."""
_ADJECTIVE_ENDINGS = ("al", "ic", "ive", "ous", "ful", "less", "ese", "ian", "ish", "ary", "ern")
_ABSTRACT = ("tion", "ment", "ness", "ity", "ence", "ance", "ism", "ship")
"""Endings of abstract nouns, used bare in the singular ("promotion of peaceful reunification")."""
_BARE_BEFORE = words("of and or with for against about including than like between among")
_BARE_AFTER = words(
    "and or that which who were are have had in from with by at on for as to into than is was "
    "has will would can could may might must should"
)
_ABBREVIATIONS = words(
    "mr mrs ms dr st no gen lt col sen rep gov jan feb mar apr jun jul aug sep sept oct nov dec "
    "vs etc inc co corp jr sr"
)
_LETTER_AN = frozenset("AEFHILMNORSX")
_OPENERS = "“\"'‘([«「"


def indefinite_article(phrase: str) -> str:
    """``a`` or ``an`` for what follows, by its first sound (``an ICBM``, ``a U.S. official``,
    ``a NATO summit``, ``an hour``)."""
    word = re.split(r"[\s\-]", phrase.strip(), maxsplit=1)[0].strip(_OPENERS)
    if not word:
        return "a"
    letters = re.sub(r"[^A-Za-z]", "", word)
    if letters.isupper() and len(letters) > 1 and not pronounced_as_word(letters):
        return "an" if letters[0] in _LETTER_AN else "a"
    low = word.lower()
    if low.startswith(("uni", "use", "usu", "uk", "u.", "eu", "one", "once")):
        return "a"
    if low.startswith(("hour", "honest", "honor", "honour", "heir")):
        return "an"
    return "an" if low[0] in "aeiou" else "a"


@dataclass(frozen=True)
class Edit:
    """Replace ``[start, end)`` of a decoded sentence with ``text`` (+ `` (gloss)``);
    ``article``: the text is a name that takes ``the`` where nothing else determines it;
    ``name``: a name that takes no article (a person: the model's own "the" before a token it
    did not know goes); ``plural``: the text is a plural noun that the verb after it agrees
    with ("relations has" → "relations have"); ``aliases``: other renderings of the term, which
    in parentheses right after make the gloss redundant ("Party (CPC)")."""

    start: int
    end: int
    text: str
    gloss: str | None = None
    article: bool = False
    name: bool = False
    plural: bool = False
    aliases: tuple[str, ...] = ()


_VERB_AFTER_NAME = words(
    "is was has had said says became becomes took takes made makes who which whose will would "
    "can could may might must should did does and or"
)
"""Words after which a token the model gave "the" was a name used alone, not a modifier."""
_SINGULAR_VERBS = {"is": "are", "was": "were", "has": "have"}


def is_name(term: Term) -> bool:
    """Whether the rendering is a proper name that takes no article (Tsai Ing-wen, Xinhua):
    capitalized, without an institutional head noun (:func:`takes_article`)."""
    words = term.en.split(" ")
    return term.en[:1].isupper() and words[0].lower() != "the" and not takes_article(term, "full")


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits left to right, fixing the grammar around each one.

    Around every replacement: a space where it touches a word, ``the`` dropped after another
    determiner or a possessive (``The the Pentagon``), ``a``/``an`` matched to the new first
    word, the first letter capitalized at a sentence start, and the gloss left out inside a
    parenthesis ("(memorandum of understanding)", not "… (MOU))") or where the text right after
    already gives it or another rendering in parentheses (no "Party (CCP) (CPC)").
    """
    out = ""
    pos = 0
    for edit in sorted(edits, key=lambda e: e.start):
        out += text[pos : edit.start]
        after = text[edit.end :]
        repl = edit.text
        said = [edit.gloss or "", *edit.aliases]
        glossed = any(a and re.match(rf"\s*\(\s*{re.escape(a)}\s*\)", after, re.I) for a in said)
        if edit.gloss and not glossed and not out.rstrip().endswith("("):
            repl = f"{repl} ({edit.gloss})" if repl else f"({edit.gloss})"
        if edit.text:
            if edit.name and re.match(r"\s*(?:[,;:.)]|(\w+)\b)", after):
                follower = re.match(r"\s*(\w*)", after).group(1).lower()  # type: ignore[union-attr]
                if not follower or follower in _VERB_AFTER_NAME or follower.endswith("ed"):
                    out = re.sub(r"\b[Tt]he\s+$", "", out)
            out, repl = _fit(out, repl, edit.article)
        elif repl and out[-1:].isalnum():
            repl = " " + repl
        if repl and after[:1].isascii() and after[:1].isalnum():
            repl += " "
        verb = re.match(r"(\s+)(is|was|has)\b", after)
        if edit.plural and verb and not re.search(rf"\b(?:{'|'.join(PREPOSITIONS)})\s*$", out):
            out += repl + verb.group(1) + _SINGULAR_VERBS[verb.group(2)]
            pos = edit.end + verb.end()
            continue
        out += repl
        pos = edit.end
    return out + text[pos:]


def _fit(before: str, repl: str, article: bool = False) -> tuple[str, str]:
    """``before`` and ``repl`` with articles, spacing and capitals reconciled."""
    if not repl:
        return before, repl
    determined = _determined(before)
    leading = re.match(r"(?:the|an?) ", repl, re.I)
    if leading and re.search(r"\b(?:the|an?)\s+$", before, re.I):
        repl = repl[leading.end() :]  # never "the a", "an a", "a the"
    elif determined and repl[:4].lower() == "the ":
        repl = repl[4:]
    elif repl.startswith("The ") and not _sentence_start(before):
        repl = "the " + repl[4:]
    if article and not determined and repl[:4].lower() != "the " and _free(before):
        repl = "the " + repl
    indefinite = re.search(r"\b([Aa]n?)(\s+)$", before)
    if indefinite:
        new = indefinite_article(repl)
        new = new.capitalize() if indefinite.group(1)[0] == "A" else new
        before = before[: indefinite.start(1)] + new + indefinite.group(2)
    if before[-1:].isascii() and before[-1:].isalnum():
        before += " "
    if _sentence_start(before) and repl[0].islower():
        repl = repl[0].upper() + repl[1:]
    return before, repl


def _determined(before: str) -> bool:
    """Whether the noun phrase that ``before`` leads into already has a determiner: one of the
    last three words (back to punctuation or a preposition) is an article, demonstrative or
    possessive — "a senior XT1X official" must not become "a senior the … official". A new
    sentence has none ("Taiwan's capability. XT1X expresses")."""
    if _sentence_start(before):
        return False
    words = re.findall(r"[\w'’.-]+|[^\w\s]", before)[-3:]
    for word in reversed(words):
        low = word.lower()
        if low in _DETERMINERS or low.endswith(("'s", "s'", "’s")):
            return True
        if low in _FUNCTION_WORDS or not (word[0].isalnum()):
            return False
    return False


def _free(before: str) -> bool:
    """Whether an article may go after ``before``: not right after an opening quote or bracket,
    a number, or a capitalized word that modifies the name (``Taiwan``, ``U.S.``)."""
    tail = before.rstrip()
    if not tail or _sentence_start(before):
        return True
    if tail[-1] in _OPENERS or tail[-1].isdigit():
        return False
    if tail[-1] in ",;:":
        return True
    word = tail.split()[-1]
    low = word.lower()
    if low in _FUNCTION_WORDS:
        return True
    modifier = low in _MODIFIERS or low.endswith(_ADJECTIVE_ENDINGS)
    return word[0].islower() and not modifier


def _sentence_start(before: str) -> bool:
    """Whether text appended to ``before`` starts a sentence."""
    stripped = before.rstrip().rstrip(_OPENERS).rstrip()
    if not stripped:
        return True
    stripped = stripped.rstrip("”’\"')")
    if not stripped or stripped[-1] not in ".!?":
        return False
    if stripped[-1] != ".":
        return True
    word = re.search(r"(\S+)\.$", stripped)
    return not word or ("." not in word.group(1) and word.group(1).lower() not in _ABBREVIATIONS)


def plural_context(before: str, after: str = "") -> bool:
    """Whether the words before a mention call for a plural (``two XT1X``, ``several XT1X``);
    ``both``/``all`` do not when the mention is the first of a pair (``both XT1X and XT2X``)."""
    word = re.search(r"([A-Za-z]+|\d[\d,.]*)\s*$", before)
    if word is None:
        return False
    token = word.group(1).lower()
    if token[0].isdigit():
        return token.rstrip(".,") not in ("1", "1.0", "0")
    if token in ("both", "all") and re.match(r"\s*(?:and|or|,)\s", after):
        return False
    return token in _PLURAL_CUES


def bare_plural(before: str, after: str, term: Term) -> bool:
    """Whether a countable common-noun term the model left bare calls for a plural: after a
    preposition or conjunction, with nothing determining it, heading its phrase
    ("modernization of XT1X." → "nuclear weapons", but "of XT1X numbers" stays singular)."""
    head = term.en.split()[head_index(term.en.split())].lower()
    if not term.en[:1].islower() or pluralize(term.en) == term.en or head.endswith(_ABSTRACT):
        return False
    prev = re.search(r"([A-Za-z]+)\s*$", before)
    if prev is None or prev.group(1).lower() not in _BARE_BEFORE or _determined(before):
        return False
    nxt = re.match(r"\s*([A-Za-z]+|\S)?", after)
    token = nxt.group(1) if nxt and nxt.group(1) else ""
    return not token or not token[0].isalnum() or token.lower() in _BARE_AFTER


_SMALL_WORDS = words("a an the of and or for on in to at by against with from as")


def is_headline(text: str) -> bool:
    """Whether ``text`` is written in title case, as headlines are ("North Korea Shows New
    Intercontinental Ballistic Missiles"): most of its longer words are capitalized."""
    long_words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if len(w) > 3]
    capitalized = sum(w[0].isupper() for w in long_words)
    return len(long_words) >= 3 and capitalized >= 0.75 * len(long_words)


def title_case(text: str) -> str:
    """``text`` with its words capitalized, small words inside it excepted, for a headline."""
    out = []
    for i, word in enumerate(text.split(" ")):
        small = i > 0 and word in _SMALL_WORDS
        out.append(word if small or not word[:1].islower() else word[0].upper() + word[1:])
    return " ".join(out)

"""Character classes of Chinese text, defined once.

Each constant is the body of a regular-expression character class (``f"[{HAN}]"``), so classes
combine by concatenation. Which class a stage needs depends on the question it asks:

- :data:`HAN` — is this Chinese? (ideographs: unified, extension A, compatibility, B–G planes).
  QA's "Chinese left in the English", glossary forms, term mining, encoding detection.
- :data:`CJK_LETTERS` — does this need the model? (Han plus kana, bopomofo, hangul and 々〆〇).
- :data:`CJK` — is this text written without spaces? (letters plus radicals, CJK and full-width
  punctuation, vertical and compatibility forms). Line-break joining, spacing around Chinese,
  where a sentence may start.
- :data:`CJK_PUNCT` — CJK and full-width punctuation, without letters: spaces just inside it are
  noise (《 三体 》).
"""

from __future__ import annotations

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
KANA = "\u3041-\u3096\u30a1-\u30fa"
BOPOMOFO = "\u3105-\u312f\u31a0-\u31bf"
HANGUL = "\uac00-\ud7af"
CJK_LETTERS = "\u3005-\u3007" + KANA + BOPOMOFO + HAN + HANGUL
CJK_PUNCT = (
    "\u3001-\u3003\u3008-\u3011\u3014-\u301f\ufe10-\ufe1f\ufe30-\ufe4f"
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff60"
)
CJK = (
    "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
    + HAN
    + "\ufe10-\ufe1f\ufe30-\ufe4f\uff01-\uff60"
)

HAN_RE = re.compile(f"[{HAN}]")
CJK_RE = re.compile(f"[{CJK}]")
CJK_LETTER_RE = re.compile(f"[{CJK_LETTERS}]")


def has_han(text: str) -> bool:
    """Whether ``text`` contains a Chinese ideograph."""
    return HAN_RE.search(text) is not None


def is_cjk(ch: str) -> bool:
    """Whether the character ``ch`` belongs to text written without spaces."""
    return CJK_RE.match(ch) is not None


NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 cannot carry at all (C0 controls but tab and line breaks, U+FFFE/FFFF, lone
surrogates): every XML writer (TMX, XLIFF, TBX) must replace or escape them."""


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot carry replaced by U+FFFD."""
    return NOT_XML_RE.sub("\ufffd", text)

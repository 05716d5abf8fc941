"""Read TMX (1.1–1.4b) files, the translation memories CAT tools exchange.

A TMX from OmegaT, Trados, memoQ or translate-toolkit holds translation units: a source and a
target variant, the unit's ``tuid`` (zhen writes its segment id there; CAT tools usually write
none), its ``<prop>`` s, and ``changedate``/``changeid`` where a translator confirmed it. This
module turns them into :class:`TmxUnit` s for ``zhen review import`` and ``zhen translate
--memory``. Inline codes (``<bpt>``, ``<ept>``, ``<ph>``, ``<it>``) stand for markup, not
text, and are dropped; ``<hi>``/``<sub>`` keep their text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from pipeline.errors import TranslationMemoryError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODES = frozenset({"bpt", "ept", "ph", "it", "ut"})
ZHEN_MT_STATUSES = frozenset({"pending", "translated", "cached", "skipped"})
"""``x-status`` values of units zhen exported as machine translation (not reviewed)."""


@dataclass(frozen=True)
class TmxUnit:
    """One translation unit: ``source`` in the file's source language, ``target`` in English
    (empty when the unit has none), ``changed`` when a tool recorded a change or confirmation
    (``changedate``/``changeid`` on the unit or its English variant)."""

    where: str
    tuid: str
    source: str
    target: str
    props: dict[str, str] = field(default_factory=dict)
    changed: bool = False

    @property
    def machine_translated(self) -> bool:
        """Exported by zhen as machine translation and untouched since: not a reviewed pair."""
        return self.props.get("x-status") in ZHEN_MT_STATUSES and not self.changed


def _text(seg: Any) -> str:
    """A ``<seg>``'s text with inline codes dropped and highlighting kept."""
    if seg is None:
        return ""
    parts = [seg.text or ""]
    for child in seg:
        name = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if name and name not in _CODES:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _lang(tuv: Any) -> str:
    return (tuv.get(XML_LANG) or tuv.get("lang") or "").lower()


def is_tmx(data: bytes) -> bool:
    """Whether ``data`` is a TMX document (its root element is ``<tmx>``)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<") and b"<tmx" in head


def read_tmx(data: bytes, path: Path) -> list[TmxUnit]:
    """The units of a TMX document; the source variant is the one in the header's ``srclang``
    (else the first Chinese one), the target the first English one."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, load_dtd=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise TranslationMemoryError(
            f"not well-formed TMX ({exc}); export the memory again from the CAT tool",
            file=str(path),
        ) from None
    if root.tag != "tmx":
        raise TranslationMemoryError(
            f"not a TMX file (root <{root.tag}>); pass a .tmx translation memory", file=str(path)
        )
    header = root.find("header")
    srclang = (header.get("srclang", "") if header is not None else "").lower()
    units = []
    for tu in root.iterfind("body/tu"):
        tuvs = tu.findall("tuv")
        source = next(
            (t for t in tuvs if srclang not in ("", "*all*") and _lang(t) == srclang), None
        )
        if source is None:
            source = next((t for t in tuvs if _lang(t).startswith("zh")), None)
        target = next((t for t in tuvs if _lang(t).startswith("en")), None)
        if source is None:
            continue
        changed = any(
            el is not None and (el.get("changedate") or el.get("changeid")) for el in (tu, target)
        )
        units.append(
            TmxUnit(
                where=f"line {tu.sourceline}",
                tuid=tu.get("tuid", "").strip(),
                source=_text(source.find("seg")),
                target=_text(target.find("seg")) if target is not None else "",
                props={p.get("type", ""): p.text or "" for p in tu.iterfind("prop")},
                changed=bool(changed),
            )
        )
    return units

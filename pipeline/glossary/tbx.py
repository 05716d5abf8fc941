"""TBX termbases: TBX-Basic 2019 and the older TBX v2 ``martif`` that CAT tools still load.

Writing:

- ``tbx`` — TBX-Basic (ISO 30042:2019, DCA style): one ``conceptEntry`` per term with a ``zh``
  and an ``en`` language section. The ``en`` preferred term is ``en``, the term typed
  ``acronym``/``shortForm`` is ``abbr``, other admitted terms are ``accept``; ``note`` is a
  concept-level ``<note>``, a ``proposed`` status travels as ``<note>status: proposed</note>``
  and a context rule as ``<note>context: …</note>``
  (TBX-Basic has no workflow status of its own).
- ``tbx2`` — TBX v2 (ISO 30042:2008, ``martif``/``termEntry``/``langSet``/``tig``), the shape
  OmegaT's glossary reader and translate-toolkit's ``tbxfile`` load; same content, same notes.

Both are built with lxml, so markup characters are escaped by the serializer, and characters XML
cannot carry (control characters in a note) become U+FFFD instead of an invalid file. Reading
accepts both versions (and ``ntig`` term groups).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from pipeline.chars import xml_safe
from pipeline.errors import GlossaryError
from pipeline.glossary.collection import Glossary
from pipeline.glossary.terms import ID_RE, SEP, STATUSES, Term

TbxVersion = Literal["tbx", "tbx2"]
TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ABBR_TYPES = ("acronym", "abbreviation", "shortForm", "initialism")
_SKIP_STATUSES = ("deprecatedTerm-admn-sts", "supersededTerm-admn-sts")
_STATUS_NOTE = re.compile(r"status:\s*(\w+)\Z")
_CONTEXT_NOTE = re.compile(r"context:\s*(.+)\Z")
_ACRONYM = re.compile(r"[A-Z0-9&-]+")


def _sub(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    """A child element with XML-safe text."""
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = xml_safe(text)
    return element


def _term_rows(term: Term) -> list[tuple[str, str, str, str]]:
    """``(lang, text, administrativeStatus, termType)`` for each term of an entry, in order."""
    rows = [
        ("zh", form, "preferredTerm" if i == 0 else "admittedTerm", "")
        for i, form in enumerate(term.zh)
    ]
    rows.append(("en", term.en, "preferredTerm", "fullForm"))
    if term.abbr:
        kind = "acronym" if _ACRONYM.fullmatch(term.abbr) else "shortForm"
        rows.append(("en", term.abbr, "admittedTerm", kind))
    rows += [("en", accepted, "admittedTerm", "") for accepted in term.accept]
    return rows


def _notes(term: Term) -> list[str]:
    """The term's note, then its status and context rule, which TBX has no field for."""
    return (
        ([term.note] if term.note else [])
        + ([f"status: {term.status}"] if term.status != "approved" else [])
        + ([f"context: {term.context}"] if term.context else [])
    )


def _entries(body: Any, glossary: Glossary, names: tuple[str, str, str], ns: str = "") -> None:
    """One entry per term: ``names`` = (entry, language section, term section) element names."""
    entry_tag, lang_tag, term_tag = (f"{ns}{n}" for n in names)
    for term in glossary:
        entry = _sub(body, entry_tag, id=term.id)
        for note in _notes(term):
            _sub(entry, f"{ns}note", note)
        sections: dict[str, Any] = {}
        for lang, text, status, kind in _term_rows(term):
            if lang not in sections:
                sections[lang] = _sub(entry, lang_tag, **{XML_LANG: lang})
            sec = _sub(sections[lang], term_tag)
            _sub(sec, f"{ns}term", text)
            if kind:
                _sub(sec, f"{ns}termNote", kind, type="termType")
            _sub(sec, f"{ns}termNote", f"{status}-admn-sts", type="administrativeStatus")


def _source_note(glossary: Glossary) -> str:
    """Which glossary files the export holds (a merged glossary's path lists them all)."""
    names = [Path(p).name for p in glossary.path.split(", ")] if glossary.path else []
    return f"zhen glossary {', '.join(names)}".strip()


def build_tbx(glossary: Glossary) -> bytes:
    """TBX-Basic (ISO 30042:2019, DCA style) for ``glossary``."""
    ns = f"{{{TBX_NS}}}"
    root = etree.Element(
        f"{ns}tbx",
        {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"},
        nsmap={None: TBX_NS},  # type: ignore[dict-item]  # stubs omit the default namespace
    )
    header = _sub(_sub(_sub(root, f"{ns}tbxHeader"), f"{ns}fileDesc"), f"{ns}sourceDesc")
    _sub(header, f"{ns}p", _source_note(glossary))
    body = _sub(_sub(root, f"{ns}text"), f"{ns}body")
    _entries(body, glossary, ("conceptEntry", "langSec", "termSec"), ns)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def build_tbx2(glossary: Glossary) -> bytes:
    """TBX v2 ``martif`` (ISO 30042:2008) for ``glossary``, without a DOCTYPE so that no reader
    goes looking for the DTD file."""
    root = etree.Element("martif", {"type": "TBX", XML_LANG: "en"})
    desc = _sub(_sub(_sub(root, "martifHeader"), "fileDesc"), "sourceDesc")
    _sub(desc, "p", _source_note(glossary))
    body = _sub(_sub(root, "text"), "body")
    _entries(body, glossary, ("termEntry", "langSet", "tig"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


BUILDERS: dict[TbxVersion, Callable[[Glossary], bytes]] = {"tbx": build_tbx, "tbx2": build_tbx2}


def _text(element: Any) -> str:
    """All text inside ``element``, whitespace collapsed."""
    return " ".join("".join(str(t) for t in element.itertext()).split())


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def slug(text: str, taken: set[str]) -> str:
    """A new valid term id made from ``text`` (usually the English), unique within ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-") or "term"
    base = base if ID_RE.match(base) else f"t-{base}"
    out, n = base, 2
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    taken.add(out)
    return out


def tbx_rows(data: bytes, src: str | Path) -> list[list[str]]:
    """Glossary rows (id, zh, en, abbr, accept, note, status) from TBX-Basic (v3) or older TBX
    (v2); entries without both zh and en terms are skipped."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise GlossaryError(f"not well-formed TBX XML: {exc}", file=str(src)) from None
    rows: list[list[str]] = []
    taken: set[str] = set()
    for entry in root.iter():
        if _local(entry.tag) not in ("conceptEntry", "termEntry"):
            continue
        notes, status, zh, en_terms, context = [], "approved", [], [], ""
        for child in entry:
            name, text = _local(child.tag), _text(child)
            if text and (name == "note" or child.get("type") == "definition"):
                found = _STATUS_NOTE.match(text)
                rule = _CONTEXT_NOTE.match(text)
                if found and found.group(1) in STATUSES:
                    status = found.group(1)
                elif rule:
                    context = rule.group(1)
                else:
                    notes.append(text)
            elif name in ("langSec", "langSet"):
                lang = (child.get(XML_LANG) or child.get("lang") or "").lower()
                terms = _tbx_terms(child)
                if lang.startswith("zh"):
                    zh += [t for t, _, _ in terms]
                elif lang.startswith("en"):
                    en_terms += [t for t in terms if t[1] not in _SKIP_STATUSES]
        if not zh or not en_terms:
            continue
        abbr = next((t for t, _, kind in en_terms if kind in _ABBR_TYPES), "")
        full = [(t, s) for t, s, kind in en_terms if t != abbr]
        en = next((t for t, s in full if s == "preferredTerm-admn-sts"), full[0][0] if full else "")
        accept = [t for t, _ in full if t != en]
        eid = entry.get("id") or ""
        term_id = eid if ID_RE.match(eid) and eid not in taken else slug(en or abbr, taken)
        taken.add(term_id)
        note = "; ".join(notes)
        rows.append([term_id, SEP.join(zh), en, abbr, SEP.join(accept), note, status, context])
    if not rows:
        raise GlossaryError(
            "no entry has both zh and en terms: is this a Chinese–English termbase?", file=str(src)
        )
    return rows


def _tbx_terms(lang_sec: Any) -> list[tuple[str, str, str]]:
    """(term, administrativeStatus, termType) for each term section of a language section."""
    out = []
    for sec in lang_sec.iter():
        if _local(sec.tag) not in ("termSec", "tig", "ntig"):
            continue
        term, notes = "", {}
        for el in sec.iter():
            name = _local(el.tag)
            if name == "term" and not term:
                term = " ".join("".join(el.itertext()).split())
            elif name == "termNote":
                notes[el.get("type", "")] = (el.text or "").strip()
        if term:
            out.append((term, notes.get("administrativeStatus", ""), notes.get("termType", "")))
    return out

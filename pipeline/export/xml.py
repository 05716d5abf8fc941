"""TMX 1.4b and XLIFF 2.1 / 1.2 exports, built with lxml so escaping is never done by hand.

TMX feeds translation memories (one ``<tu>`` per sentence, run and QA data as ``x-`` props).
XLIFF 2.1 is the current OASIS standard and carries glossary terms as ``<mrk type="term">``;
XLIFF 1.2 is what most CAT tools (Trados, older memoQ, Okapi, OmegaT) still read best.

XML 1.0 cannot hold most control characters. XLIFF 2 has ``<cp hex=".."/>`` for exactly that and
uses it; TMX and XLIFF 1.2 have no such escape, so those characters become U+FFFD there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from pipeline.chars import NOT_XML_RE, xml_safe
from pipeline.document import Document, Segment
from pipeline.export.common import (
    SOURCE_LANG,
    TARGET_LANG,
    RunInfo,
    block_groups,
    ordered_segments,
    unique_stem,
)
from pipeline.export.spans import TermLookup, TermSpan, segment_terms, split_by_spans
from pipeline.store.atomic import atomic_write_bytes

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"

_SURROGATE = re.compile("[\ud800-\udfff]")
# NMTOKEN characters every XML parser accepts (XML 1.0 4th and 5th edition agree on these).
_NOT_NMTOKEN = re.compile(r"[^A-Za-z0-9._:\-\u4e00-\u9fa5]")


def nmtoken(value: str) -> str:
    """``value`` as an XML NMTOKEN (ids in XLIFF 2): other characters become ``_``."""
    return _NOT_NMTOKEN.sub("_", value) or "_"


def _run_settings(run: RunInfo) -> str:
    return json.dumps(run.settings, sort_keys=True, ensure_ascii=False, default=str)


def _tostring(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _joined(values: Sequence[str]) -> str:
    return " ".join(values)


# ---------------------------------------------------------------- TMX


def build_tmx(docs: Sequence[Document], run: RunInfo) -> bytes:
    """A TMX 1.4b document with one ``<tu>`` per segment (``tuid`` = segment id).

    The Chinese side is the normalized (Simplified) text that was translated; the original text
    is kept as an ``x-original`` prop when it differs. An untranslated segment has no English
    ``<tuv>``, so importing the file into a memory adds no empty translations.
    """
    created = run.created_utc().strftime("%Y%m%dT%H%M%SZ")
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(
        root,
        "header",
        {
            "creationtool": "zhen",
            "creationtoolversion": run.tool_version,
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": SOURCE_LANG,
            "o-tmf": "zhen",
            "creationdate": created,
        },
    )
    for kind, value in (("x-model", run.model_name), ("x-settings", _run_settings(run))):
        etree.SubElement(header, "prop", type=kind).text = xml_safe(value)
    body = etree.SubElement(root, "body")
    for doc in docs:
        for seg in ordered_segments(doc):
            tu = etree.SubElement(body, "tu", tuid=xml_safe(seg.id), creationdate=created)
            props = [
                ("x-document", doc.id),
                ("x-url", doc.meta.url or ""),
                ("x-status", seg.status),
                ("x-terms", _joined(seg.terms_applied)),
                ("x-terms-missed", _joined(seg.terms_missed)),
                ("x-flags", _joined(seg.flags)),
            ]
            if seg.source != seg.normalized:
                props.append(("x-original", seg.source))
            for kind, value in props:
                if value:
                    etree.SubElement(tu, "prop", type=kind).text = xml_safe(value)
            sides = [(SOURCE_LANG, seg.normalized)] + ([(TARGET_LANG, seg.en)] if seg.en else [])
            for lang, text in sides:
                tuv = etree.SubElement(tu, "tuv", {f"{{{XML_NS}}}lang": lang})
                etree.SubElement(tuv, "seg").text = xml_safe(text)
    return _tostring(root)


def export_tmx(
    docs: Sequence[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """Write :func:`build_tmx` to ``dest`` (term marks have no place in TMX 1.4 plain text)."""
    atomic_write_bytes(dest, build_tmx(docs, run))
    return [dest]


# ---------------------------------------------------------------- XLIFF 2.1


def _append_text(parent: Any, text: str, cp_tag: str) -> None:
    """Append ``text`` at the end of ``parent``'s content, writing XML-forbidden characters as
    ``<cp hex=".."/>`` elements (lone surrogates, which cannot be written at all, as U+FFFD)."""
    text = _SURROGATE.sub("\ufffd", text)
    pos = 0
    for m in [*NOT_XML_RE.finditer(text), None]:
        chunk = text[pos : m.start() if m else len(text)]
        if chunk:
            if len(parent):
                parent[-1].tail = (parent[-1].tail or "") + chunk
            else:
                parent.text = (parent.text or "") + chunk
        if m:
            etree.SubElement(parent, cp_tag, hex=f"{ord(m.group()):04X}")
            pos = m.end()


def _fill_inline(parent: Any, text: str, spans: Sequence[TermSpan], mrk_id: str) -> None:
    """Fill ``<source>``/``<target>`` with text and a ``<mrk type="term">`` around each term."""
    ns = f"{{{XLIFF2_NS}}}"
    # An explicit empty text keeps lxml's pretty printer from indenting inside mixed content.
    parent.text = ""
    for k, (chunk, span) in enumerate(split_by_spans(text, spans)):
        if span is None:
            _append_text(parent, chunk, f"{ns}cp")
            continue
        mrk = etree.SubElement(
            parent, f"{ns}mrk", id=f"{mrk_id}{k}", type="term", value=xml_safe(span.en)
        )
        mrk.text = ""
        mrk.tail = ""
        _append_text(mrk, chunk, f"{ns}cp")


def _note(notes: Any, category: str, text: str, applies_to: str | None = None) -> None:
    attrs = {"category": category} | ({"appliesTo": applies_to} if applies_to else {})
    etree.SubElement(notes, f"{{{XLIFF2_NS}}}note", attrs).text = xml_safe(text)


def _substate(status: str) -> str:
    return "zhen:" + (re.sub(r"[\s:]+", "-", status) or "unknown")


def _unit_notes(unit: Any, segs: Sequence[Segment]) -> None:
    """QA flags, missed terms and differing original text, one note per segment and kind."""
    notes = etree.SubElement(unit, f"{{{XLIFF2_NS}}}notes")
    for seg in segs:
        if seg.flags:
            _note(notes, "zhen:qa", f"{seg.id}: {_joined(seg.flags)}", "target")
        if seg.terms_missed:
            _note(notes, "zhen:term-missed", f"{seg.id}: {_joined(seg.terms_missed)}", "target")
        if seg.source != seg.normalized:
            _note(notes, "zhen:original", f"{seg.id}: {seg.source}", "source")
    if not len(notes):
        unit.remove(notes)


def build_xliff2(doc: Document, run: RunInfo, term_lookup: TermLookup | None = None) -> bytes:
    """An XLIFF 2.1 document for one article: a ``<unit>`` per block, a ``<segment>`` per
    sentence, ``state`` "translated" or "initial" with the pipeline status as ``subState``."""
    ns = f"{{{XLIFF2_NS}}}"
    root = etree.Element(
        f"{ns}xliff",
        nsmap={None: XLIFF2_NS},  # type: ignore[dict-item]  # stubs omit the default namespace
        version="2.1",
        srcLang=SOURCE_LANG,
        trgLang=TARGET_LANG,
    )
    file_el = etree.SubElement(
        root,
        f"{ns}file",
        {"id": nmtoken(doc.id), "original": xml_safe(doc.path), f"{{{XML_NS}}}space": "preserve"},
    )
    notes = etree.SubElement(file_el, f"{ns}notes")
    run_note = f"zhen {run.tool_version}; model {run.model_name}; {run.created_utc().isoformat()}"
    _note(notes, "zhen:run", run_note)
    _note(notes, "zhen:settings", _run_settings(run))
    if doc.meta.title:
        _note(notes, "zhen:title", doc.meta.title)
    if doc.meta.url:
        _note(notes, "zhen:url", doc.meta.url)
    for index, block, segs in block_groups(doc):
        kind = block.kind if block else "paragraph"
        unit = etree.SubElement(
            file_el, f"{ns}unit", id=f"b{index}", name=kind, type=f"zhen:{kind}"
        )
        _unit_notes(unit, segs)
        for seg in segs:
            source_spans, target_spans = segment_terms(seg, term_lookup)
            segment = etree.SubElement(
                unit,
                f"{ns}segment",
                id=nmtoken(seg.id),
                state="translated" if seg.en else "initial",
                subState=_substate(seg.status),
            )
            source = etree.SubElement(segment, f"{ns}source")
            _fill_inline(source, seg.normalized, source_spans, f"s{seg.index}.")
            if seg.en:
                target = etree.SubElement(segment, f"{ns}target")
                _fill_inline(target, seg.en, target_spans, f"t{seg.index}.")
    return _tostring(root)


def _per_document(
    docs: Sequence[Document], dest: Path, build: Callable[[Document], bytes]
) -> list[Path]:
    """Write ``build(doc)`` to ``<dest>/<doc id>.xlf`` for every document with segments."""
    used: set[str] = set()
    written = []
    for doc in docs:
        if doc.segments:
            path = Path(dest) / f"{unique_stem(doc.id, used)}.xlf"
            atomic_write_bytes(path, build(doc))
            written.append(path)
    return written


def export_xliff(
    docs: Sequence[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """One XLIFF 2.1 file per document (``<dest>/<doc id>.xlf``); documents without segments are
    skipped because XLIFF 2 requires at least one unit per file."""
    return _per_document(docs, dest, lambda doc: build_xliff2(doc, run, term_lookup))


# ---------------------------------------------------------------- XLIFF 1.2


def _target_state(seg: Segment) -> tuple[str, str | None]:
    """XLIFF 1.2 ``state`` and ``state-qualifier``: flagged output asks for review."""
    if not seg.en:
        return "needs-translation", None
    qualifier = "leveraged-tm" if seg.status == "memory" else "mt-suggestion"
    return ("needs-review-translation" if seg.flags else "translated"), qualifier


def build_xliff12(doc: Document, run: RunInfo) -> bytes:
    """An XLIFF 1.2 document for one article: a ``<group>`` per block, a ``<trans-unit>`` per
    sentence (``id`` = segment id), QA flags and glossary data as ``<note>`` elements."""
    ns = f"{{{XLIFF12_NS}}}"
    root = etree.Element(f"{ns}xliff", nsmap={None: XLIFF12_NS}, version="1.2")  # type: ignore[dict-item]  # stubs omit the default namespace
    file_el = etree.SubElement(
        root,
        f"{ns}file",
        {
            "original": xml_safe(doc.path or doc.id),
            "source-language": SOURCE_LANG,
            "target-language": TARGET_LANG,
            "datatype": "plaintext",
            "tool-id": "zhen",
            "date": run.created_utc().strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    )
    header = etree.SubElement(file_el, f"{ns}header")
    tool = {"tool-id": "zhen", "tool-name": "zhen", "tool-version": run.tool_version}
    etree.SubElement(header, f"{ns}tool", tool)
    header_notes = [f"model: {run.model_name}", f"settings: {_run_settings(run)}"]
    header_notes += [
        f"{k}: {v}" for k, v in (("title", doc.meta.title), ("url", doc.meta.url)) if v
    ]
    for text in header_notes:
        etree.SubElement(header, f"{ns}note", {"from": "zhen"}).text = xml_safe(text)
    body = etree.SubElement(file_el, f"{ns}body")
    for index, block, segs in block_groups(doc):
        kind = block.kind if block else "paragraph"
        group = etree.SubElement(body, f"{ns}group", id=f"b{index}", restype=f"x-{kind}")
        for seg in segs:
            attrs = {"id": xml_safe(seg.id), "approved": "no", f"{{{XML_NS}}}space": "preserve"}
            tu = etree.SubElement(group, f"{ns}trans-unit", attrs)
            etree.SubElement(tu, f"{ns}source").text = xml_safe(seg.normalized)
            state, qualifier = _target_state(seg)
            target = etree.SubElement(tu, f"{ns}target", state=state)
            if qualifier:
                target.set("state-qualifier", qualifier)
            target.text = xml_safe(seg.en)
            notes = [
                ("zhen-qa", "target", _joined(seg.flags)),
                ("zhen-terms", "general", _joined(seg.terms_applied)),
                ("zhen-terms-missed", "target", _joined(seg.terms_missed)),
                ("zhen-original", "source", seg.source if seg.source != seg.normalized else ""),
                ("zhen-status", "general", seg.status),
            ]
            for origin, annotates, text in notes:
                if text:
                    note = etree.SubElement(tu, f"{ns}note", {"from": origin})
                    note.set("annotates", annotates)
                    note.text = xml_safe(text)
    return _tostring(root)


def export_xliff12(
    docs: Sequence[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """One XLIFF 1.2 file per document (``<dest>/<doc id>.xlf``), skipping empty documents."""
    return _per_document(docs, dest, lambda doc: build_xliff12(doc, run))


__all__ = [
    "XLIFF2_NS",
    "XLIFF12_NS",
    "build_tmx",
    "build_xliff2",
    "build_xliff12",
    "export_tmx",
    "export_xliff",
    "export_xliff12",
    "nmtoken",
    "xml_safe",
]

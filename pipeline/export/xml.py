"""XLIFF 2.1 export and what the XML exports share, built with lxml so escaping is never done
by hand (TMX: :mod:`pipeline.export.tmx`; XLIFF 1.2: :mod:`pipeline.export.xliff12`).

XLIFF 2.1 is the current OASIS standard. Its ``<source>`` is the *original* text, what the
document a reviewer has says (the normalized text that was translated is a ``zhen:normalized``
note), glossary terms and the document's own glossed terms are ``<mrk type="term">``, and the
Matches module (``<mtc:matches>``) offers close reviewed translations from the memory (``tm``,
with their similarity) and, where glossary enforcement changed it, the model's plain translation
(``mt``).

XML 1.0 cannot hold most control characters. XLIFF 2 has ``<cp hex=".."/>`` for exactly that and
uses it; TMX and XLIFF 1.2 have no such escape, so those characters become U+FFFD there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
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
    source_lang,
    unique_stem,
)
from pipeline.export.spans import (
    TermLookup,
    TermSpan,
    original_spans,
    segment_terms,
    split_by_spans,
    with_document_terms,
)
from pipeline.store.atomic import atomic_write_bytes

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MTC_NS = "urn:oasis:names:tc:xliff:matches:2.0"

_SURROGATE = re.compile("[\ud800-\udfff]")
# NMTOKEN characters every XML parser accepts (XML 1.0 4th and 5th edition agree on these).
_NOT_NMTOKEN = re.compile(r"[^A-Za-z0-9._:\-\u4e00-\u9fa5]")


def nmtoken(value: str) -> str:
    """``value`` as an XML NMTOKEN (ids in XLIFF 2): other characters become ``_``."""
    return _NOT_NMTOKEN.sub("_", value) or "_"


def run_settings(run: RunInfo) -> str:
    return json.dumps(run.settings, sort_keys=True, ensure_ascii=False, default=str)


def tostring(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def joined(values: Sequence[str]) -> str:
    return " ".join(values)


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
    """QA flags, missed terms and the normalized text where it differs from the original, one
    note per segment and kind."""
    notes = etree.SubElement(unit, f"{{{XLIFF2_NS}}}notes")
    for seg in segs:
        if seg.flags:
            _note(notes, "zhen:qa", f"{seg.id}: {joined(seg.flags)}", "target")
        if seg.terms_missed:
            _note(notes, "zhen:term-missed", f"{seg.id}: {joined(seg.terms_missed)}", "target")
        if seg.source != seg.normalized:
            _note(notes, "zhen:normalized", f"{seg.id}: {seg.normalized}", "source")
    if not len(notes):
        unit.remove(notes)


def _matches(unit: Any, segs: Sequence[Segment]) -> None:
    """``<mtc:matches>``: each segment's close memory matches and its plain model output."""
    ns, mtc = f"{{{XLIFF2_NS}}}", f"{{{MTC_NS}}}"
    offers = [
        (seg, kind, source, en, score, origin)
        for seg in segs
        for kind, source, en, score, origin in [
            *(("tm", m.source, m.en, m.score, "zhen memory") for m in seg.matches),
            *([("mt", seg.normalized, seg.plain, None, "zhen plain")] if seg.plain else []),
        ]
    ]
    if not offers:
        return
    matches = etree.SubElement(unit, f"{mtc}matches")
    for seg, kind, source, en, score, origin in offers:
        attrs = {"ref": f"#{nmtoken(seg.id)}", "type": kind, "origin": origin}
        if score is not None:
            attrs["similarity"] = f"{score:.1f}"
        match = etree.SubElement(matches, f"{mtc}match", attrs)
        _fill_inline(etree.SubElement(match, f"{ns}source"), source, (), "")
        _fill_inline(etree.SubElement(match, f"{ns}target"), en, (), "")


def build_xliff2(doc: Document, run: RunInfo, term_lookup: TermLookup | None = None) -> bytes:
    """An XLIFF 2.1 document for one article: a ``<unit>`` per block, a ``<segment>`` per
    sentence, ``state`` "translated" or "initial" with the pipeline status as ``subState``."""
    ns = f"{{{XLIFF2_NS}}}"
    langs = {source_lang(doc, seg) for seg in doc.segments}
    root = etree.Element(
        f"{ns}xliff",
        nsmap={None: XLIFF2_NS, "mtc": MTC_NS},  # type: ignore[dict-item]  # stubs omit None
        version="2.1",
        srcLang=langs.pop() if len(langs) == 1 else SOURCE_LANG,
        trgLang=TARGET_LANG,
    )
    term_lookup = with_document_terms(term_lookup, doc)
    file_el = etree.SubElement(
        root,
        f"{ns}file",
        {"id": nmtoken(doc.id), "original": xml_safe(doc.path), f"{{{XML_NS}}}space": "preserve"},
    )
    notes = etree.SubElement(file_el, f"{ns}notes")
    run_note = f"zhen {run.tool_version}; model {run.model_name}; {run.created_utc().isoformat()}"
    _note(notes, "zhen:run", run_note)
    _note(notes, "zhen:settings", run_settings(run))
    if doc.meta.title:
        _note(notes, "zhen:title", doc.meta.title)
    if doc.meta.url:
        _note(notes, "zhen:url", doc.meta.url)
    for index, block, segs in block_groups(doc):
        kind = block.kind if block else "paragraph"
        unit = etree.SubElement(
            file_el, f"{ns}unit", id=f"b{index}", name=kind, type=f"zhen:{kind}"
        )
        _matches(unit, segs)
        _unit_notes(unit, segs)
        for seg in segs:
            source_spans, target_spans = segment_terms(seg, term_lookup)
            source_spans = original_spans(seg, source_spans, term_lookup)
            segment = etree.SubElement(
                unit,
                f"{ns}segment",
                id=nmtoken(seg.id),
                state="translated" if seg.en else "initial",
                subState=_substate(seg.status),
            )
            source = etree.SubElement(segment, f"{ns}source")
            _fill_inline(source, seg.source, source_spans, f"s{seg.index}.")
            if seg.en:
                target = etree.SubElement(segment, f"{ns}target")
                _fill_inline(target, seg.en, target_spans, f"t{seg.index}.")
    return tostring(root)


def per_document(
    docs: Iterable[Document], dest: Path, build: Callable[[Document], bytes]
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
    docs: Iterable[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """One XLIFF 2.1 file per document (``<dest>/<doc id>.xlf``); documents without segments are
    skipped because XLIFF 2 requires at least one unit per file."""
    return per_document(docs, dest, lambda doc: build_xliff2(doc, run, term_lookup))


__all__ = [
    "MTC_NS",
    "XLIFF2_NS",
    "XLIFF12_NS",
    "XML_NS",
    "build_xliff2",
    "export_xliff",
    "joined",
    "nmtoken",
    "per_document",
    "run_settings",
    "tostring",
    "xml_safe",
]

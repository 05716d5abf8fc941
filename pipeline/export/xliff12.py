"""XLIFF 1.2 exports: the standard layout for Trados, memoQ and Okapi, and OmegaT's layout.

Both carry the *original* text as ``<source>`` (the normalized text as a ``zhen-normalized``
note), QA flags, terms and status as notes, and offers as ``<alt-trans>``: close reviewed
translations from the memory (``origin="zhen-memory"`` with ``match-quality``) and, where
glossary enforcement changed it, the model's plain translation (``origin="zhen-plain"``).

- ``xliff12``: ``<target>`` is zhen's English, ``state`` ``translated`` (or
  ``needs-review-translation`` when flagged) with ``state-qualifier`` ``mt-suggestion``
  (``leveraged-tm`` when it came from the memory): machine translation, as XLIFF 1.2 says it.
- ``omegat``: OmegaT's own XLIFF filter (3.x, 4.x) translates what is in ``<target>`` and never
  reads ``<source>`` or ``<alt-trans>``: checked with OmegaT 3.6 from Debian, which offered zhen's
  English as the text to translate. This layout therefore copies the original text into
  ``<target state="new">``, so OmegaT shows the Chinese to translate, and puts zhen's English in
  an ``<alt-trans origin="zhen">``; give OmegaT ``bilingual.tmx`` (in ``tm/``, or ``tm/auto/`` to
  fill in) for the machine translation as matches. The file is marked ``category="zhen-omegat"``
  so ``zhen review import`` reads OmegaT's translated copy back: a target that still equals the
  source is untranslated, any other is the translator's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from pipeline.chars import xml_safe
from pipeline.document import Document, Segment
from pipeline.export.common import SOURCE_LANG, TARGET_LANG, RunInfo, block_groups, source_lang
from pipeline.export.spans import TermLookup
from pipeline.export.xml import XLIFF12_NS, XML_NS, joined, per_document, run_settings, tostring

Layout = Literal["standard", "omegat"]
OMEGAT_CATEGORY = "zhen-omegat"
"""``<file category>`` of the OmegaT layout, which the review importer reads differently."""
_NS = f"{{{XLIFF12_NS}}}"


def _target_state(seg: Segment) -> tuple[str, str | None]:
    """XLIFF 1.2 ``state`` and ``state-qualifier``: flagged output asks for review."""
    if not seg.en:
        return "needs-translation", None
    qualifier = "leveraged-tm" if seg.status == "memory" else "mt-suggestion"
    return ("needs-review-translation" if seg.flags else "translated"), qualifier


def _alt_trans(unit: Any, source: str, en: str, origin: str, quality: float | None) -> None:
    attrs = {"origin": origin, "tool-id": "zhen", "alttranstype": "proposal"}
    if quality is not None:
        attrs["match-quality"] = f"{quality:.0f}"
    alt = etree.SubElement(unit, f"{_NS}alt-trans", attrs)
    etree.SubElement(alt, f"{_NS}source").text = xml_safe(source)
    target = etree.SubElement(alt, f"{_NS}target")
    if origin in ("zhen", "zhen-plain"):
        target.set("state-qualifier", "mt-suggestion")
    target.text = xml_safe(en)


def _unit(group: Any, seg: Segment, layout: Layout) -> None:
    attrs = {"id": xml_safe(seg.id), "approved": "no", f"{{{XML_NS}}}space": "preserve"}
    unit = etree.SubElement(group, f"{_NS}trans-unit", attrs)
    etree.SubElement(unit, f"{_NS}source").text = xml_safe(seg.source)
    if layout == "omegat":
        target = etree.SubElement(unit, f"{_NS}target", state="new")
        target.text = xml_safe(seg.source)
    else:
        state, qualifier = _target_state(seg)
        target = etree.SubElement(unit, f"{_NS}target", state=state)
        if qualifier:
            target.set("state-qualifier", qualifier)
        target.text = xml_safe(seg.en)
    notes = [
        ("zhen-qa", "target", joined(seg.flags)),
        ("zhen-terms", "general", joined(seg.terms_applied)),
        ("zhen-terms-missed", "target", joined(seg.terms_missed)),
        ("zhen-normalized", "source", seg.normalized if seg.source != seg.normalized else ""),
        ("zhen-status", "general", seg.status),
    ]
    for origin, annotates, text in notes:
        if text:
            note = etree.SubElement(unit, f"{_NS}note", {"from": origin})
            note.set("annotates", annotates)
            note.text = xml_safe(text)
    if layout == "omegat" and seg.en:
        _alt_trans(unit, seg.source, seg.en, "zhen", None)
    for match in seg.matches:
        _alt_trans(unit, match.source, match.en, "zhen-memory", match.score)
    if seg.plain:
        _alt_trans(unit, seg.source, seg.plain, "zhen-plain", None)


def build_xliff12(doc: Document, run: RunInfo, layout: Layout = "standard") -> bytes:
    """An XLIFF 1.2 document for one article: a ``<group>`` per block, a ``<trans-unit>`` per
    sentence (``id`` = segment id); see the module docstring for the two layouts."""
    langs = {source_lang(doc, seg) for seg in doc.segments}
    root = etree.Element(f"{_NS}xliff", nsmap={None: XLIFF12_NS}, version="1.2")  # type: ignore[dict-item]  # stubs omit the default namespace
    file_attrs = {
        "original": xml_safe(doc.path or doc.id),
        "source-language": langs.pop() if len(langs) == 1 else SOURCE_LANG,
        "target-language": TARGET_LANG,
        "datatype": "plaintext",
        "tool-id": "zhen",
        "date": run.created_utc().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if layout == "omegat":
        file_attrs["category"] = OMEGAT_CATEGORY
    file_el = etree.SubElement(root, f"{_NS}file", file_attrs)
    header = etree.SubElement(file_el, f"{_NS}header")
    tool = {"tool-id": "zhen", "tool-name": "zhen", "tool-version": run.tool_version}
    etree.SubElement(header, f"{_NS}tool", tool)
    header_notes = [f"model: {run.model_name}", f"settings: {run_settings(run)}"]
    header_notes += [
        f"{k}: {v}"
        for k, v in (("title", doc.meta.title), ("url", doc.meta.url), ("run", run.run_id))
        if v
    ]
    for text in header_notes:
        etree.SubElement(header, f"{_NS}note", {"from": "zhen"}).text = xml_safe(text)
    body = etree.SubElement(file_el, f"{_NS}body")
    for index, block, segs in block_groups(doc):
        kind = block.kind if block else "paragraph"
        group = etree.SubElement(body, f"{_NS}group", id=f"b{index}", restype=f"x-{kind}")
        for seg in segs:
            _unit(group, seg, layout)
    return tostring(root)


def export_xliff12(
    docs: Iterable[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """One XLIFF 1.2 file per document (``<dest>/<doc id>.xlf``), skipping empty documents."""
    return per_document(docs, dest, lambda doc: build_xliff12(doc, run))


def export_omegat(
    docs: Iterable[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """One XLIFF 1.2 file per document in OmegaT's layout (see the module docstring)."""
    return per_document(docs, dest, lambda doc: build_xliff12(doc, run, "omegat"))


__all__ = ["OMEGAT_CATEGORY", "build_xliff12", "export_omegat", "export_xliff12"]

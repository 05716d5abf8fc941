"""TMX 1.4b export: one ``<tu>`` per sentence for CAT tools' translation memories.

The source variant is the *original* text in its own language (``zh-TW``/``zh-HK`` where the
article was Traditional), because a CAT tool matches the memory against the document the
translator has, not against zhen's Simplified conversion; the normalized text that was translated
is an ``x-normalized`` prop when it differs. Run and QA data travel as ``x-`` props; the model's
plain translation, where glossary enforcement changed it, as ``x-plain``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from lxml import etree

from pipeline.chars import xml_safe
from pipeline.document import Document, Segment
from pipeline.export.common import TARGET_LANG, RunInfo, ordered_segments, source_lang
from pipeline.export.spans import TermLookup
from pipeline.export.xml import XML_NS, joined, run_settings
from pipeline.store.atomic import atomic_open


def build_tmx(docs: Iterable[Document], run: RunInfo) -> bytes:
    """A TMX 1.4b document with one ``<tu>`` per segment (``tuid`` = segment id).

    An untranslated segment has no English ``<tuv>``, so importing the file into a memory adds
    no empty translations; the header's ``srclang`` is ``*all*`` when sources differ in language.
    """
    buf = io.BytesIO()
    write_tmx(docs, run, buf)
    return buf.getvalue()


def write_tmx(docs: Iterable[Document], run: RunInfo, out: IO[bytes]) -> None:
    """:func:`build_tmx` written to ``out`` one unit at a time (lxml's incremental writer):
    a first pass over ``docs`` finds the source languages for the header, the second writes."""
    created = run.created_utc().strftime("%Y%m%dT%H%M%SZ")
    langs = {source_lang(doc, seg) for doc in docs for seg in doc.segments}
    header = etree.Element(
        "header",
        {
            "creationtool": "zhen",
            "creationtoolversion": run.tool_version,
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": langs.pop() if len(langs) == 1 else "*all*",
            "o-tmf": "zhen",
            "creationdate": created,
        },
    )
    header_props = [("x-model", run.model_name), ("x-settings", run_settings(run))]
    if run.run_id:
        header_props.append(("x-run", run.run_id))
    for kind, value in header_props:
        etree.SubElement(header, "prop", type=kind).text = xml_safe(value)
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("tmx", version="1.4"):
            xf.write("\n")
            xf.write(header, pretty_print=True)
            with xf.element("body"):
                xf.write("\n")
                for doc in docs:
                    for seg in ordered_segments(doc):
                        xf.write(_unit(doc, seg, created), pretty_print=True)
            xf.write("\n")
    out.write(b"\n")


def _unit(doc: Document, seg: Segment, created: str) -> etree._Element:
    tu = etree.Element("tu", tuid=xml_safe(seg.id), creationdate=created)
    props = [
        ("x-document", doc.id),
        ("x-url", doc.meta.url or ""),
        ("x-status", seg.status),
        ("x-terms", joined(seg.terms_applied)),
        ("x-terms-missed", joined(seg.terms_missed)),
        ("x-flags", joined(seg.flags)),
        ("x-normalized", seg.normalized if seg.normalized != seg.source else ""),
        ("x-plain", seg.plain),
    ]
    for kind, value in props:
        if value:
            etree.SubElement(tu, "prop", type=kind).text = xml_safe(value)
    sides = [(source_lang(doc, seg), seg.source)]
    sides += [(TARGET_LANG, seg.en)] if seg.en else []
    for lang, text in sides:
        tuv = etree.SubElement(tu, "tuv", {f"{{{XML_NS}}}lang": lang})
        etree.SubElement(tuv, "seg").text = xml_safe(text)
    return tu


def export_tmx(
    docs: Iterable[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """Write :func:`build_tmx` to ``dest`` (term marks have no place in TMX 1.4 plain text)."""
    with atomic_open(dest, "wb") as out:
        write_tmx(docs, run, out)
    return [dest]


__all__ = ["build_tmx", "export_tmx"]

"""A self-contained bilingual review page where a reviewer corrects the English in place.

One row per sentence: the source (normalized, with the original where it differs), the English —
editable in place — and, where there are any, the model's plain translation beside a glossary-
enforced one and close reviewed translations from the memory with their similarity (one click
takes one). The reviewer marks each sentence reviewed or needing work; every edit and status is
kept in the browser's storage (keyed by the run's id), so a reload loses nothing, with undo
(Ctrl+Z outside a cell, the Undo button; native undo inside a cell). "Download edits" saves a
JSON file (:data:`pipeline.export.common.EDITS_FORMAT`) naming the run and each segment's id and
source fingerprint, which ``zhen review import`` stores in the translation memory.

Keyboard: Enter commits a cell and moves to the next sentence (Shift+Enter: the previous),
Ctrl+Enter also marks it reviewed, Escape restores what the cell held.

The page is one HTML file with inline CSS and JavaScript (``assets/``) and loads nothing from
anywhere, so it can be mailed or opened offline from ``file://``; ``review.html#flagged`` or
``review.html#flags=number-missing,term-missed`` opens it already filtered, and on a narrow
screen each sentence becomes a card with the source above the English. All document text is
escaped; on top of that a Content-Security-Policy allows only the page's own script (by hash), so
even a ``<script>`` that slipped through could not run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.document import Document, Segment
from pipeline.export.common import RunInfo, block_groups, source_fingerprint
from pipeline.export.spans import (
    TermLookup,
    TermSpan,
    segment_terms,
    split_by_spans,
    with_document_terms,
)
from pipeline.qa import FLAGS
from pipeline.store.atomic import atomic_open

SHOWN_STATUSES = ("memory", "skipped")
"""Statuses a row shows as a badge: where the English did *not* come from the model. Whether
the model's output came from the cache is of no interest to a reviewer."""

_ASSETS = resources.files("pipeline.export") / "assets"


@cache
def _asset(name: str) -> str:
    """The page's stylesheet or script, read once (on first render, not at import)."""
    return (_ASSETS / name).read_text(encoding="utf-8")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _csp() -> str:
    """Allow inline styles and exactly this page's script; nothing may be fetched."""
    script = _asset("review.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'"


def _marked(text: str, spans: Sequence[TermSpan]) -> str:
    """Escaped ``text`` with glossary terms wrapped in ``<mark class="term">``."""
    out = []
    for chunk, span in split_by_spans(text, spans):
        if span is None:
            out.append(_e(chunk))
            continue
        cls = "term missed" if span.missed else "term"
        tip = f"{span.term_id} → {span.en}" + (" (missed)" if span.missed else "")
        out.append(f'<mark class="{cls}" title="{_e(tip)}">{_e(chunk)}</mark>')
    return "".join(out)


def _flag_help(code: str) -> str:
    """What a flag code means, for its tooltip (codes from other stages explain themselves)."""
    return next((text for flag, text in FLAGS.items() if flag == code), code)


def _badges(seg: Segment) -> str:
    badges = [
        f'<span class="badge f-{_e(f)}" title="{_e(_flag_help(f))}">{_e(f)}</span>'
        for f in seg.flags
    ]
    if seg.status in SHOWN_STATUSES:
        badges.append(f'<span class="badge n">{_e(seg.status)}</span>')
    return "".join(badges)


def _english(seg: Segment, spans: Sequence[TermSpan]) -> str:
    """The editable English, beside the plain model output when enforcement changed it, and
    the memory's close matches below."""
    label = f"English for {seg.id}"
    editable = (
        f'<div class="en-text" contenteditable="true" role="textbox" spellcheck="true" '
        f'aria-label="{_e(label)}">{_marked(seg.en, spans)}</div>'
    )
    if seg.plain:
        versions = (
            f'<div class="versions two"><div><span class="lbl">with glossary</span>{editable}'
            f'</div><div class="plain"><span class="lbl">model without glossary</span>'
            f"{_e(seg.plain)}</div></div>"
        )
    else:
        versions = f'<div class="versions">{editable}</div>'
    matches = "".join(
        f'<div class="match"><span class="lbl">memory {m.score:.0f}% match</span>'
        f'<span class="m-en">{_e(m.en)}</span> '
        f'<button type="button" class="use" data-en="{_e(m.en)}">use</button>'
        f'<div class="m-src" lang="zh">{_e(m.source)}</div></div>'
        for m in seg.matches
    )
    return versions + matches


def _row(seg: Segment, term_lookup: TermLookup | None) -> str:
    source_spans, target_spans = segment_terms(seg, term_lookup)
    zh = _marked(seg.normalized, source_spans)
    if seg.source != seg.normalized:
        zh += f'<div class="orig" lang="zh">原文 {_e(seg.source)}</div>'
    cls = "seg flagged" if seg.flags else "seg"
    return (
        f'<tr class="{cls}" data-flags="{_e(" ".join(seg.flags))}" data-id="{_e(seg.id)}" '
        f'data-fp="{source_fingerprint(seg)}">'
        f'<td class="id">{_e(seg.id)}</td><td class="zh" lang="zh-CN">{zh}</td>'
        f'<td class="en" lang="en">{_english(seg, target_spans)}</td>'
        f'<td class="flags">{_badges(seg)}</td></tr>'
    )


def _safe_link(url: str) -> str:
    """A link only for http(s) URLs: a ``javascript:`` URL from a document must not be clickable."""
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noreferrer noopener">{_e(url)}</a>'
    return _e(url)


def _document(doc: Document, number: int, term_lookup: TermLookup | None) -> str:
    term_lookup = with_document_terms(term_lookup, doc)
    title = doc.meta.title or doc.id
    meta = [_e(doc.id), _e(doc.path)] + ([_safe_link(doc.meta.url)] if doc.meta.url else [])
    parts = [
        f'<section class="doc" id="doc-{number}"><h2 lang="zh">{_e(title)}</h2>',
        f'<p class="meta">{" · ".join(meta)}</p>',
        '<table><colgroup><col class="c-id"><col><col><col class="c-flags"></colgroup>',
        "<thead><tr><th>ID</th><th>Source</th><th>English</th><th>Flags</th></tr></thead>",
    ]
    for index, block, segs in block_groups(doc):
        kind = block.kind if block else "paragraph"
        parts.append(f'<tbody class="block" data-block="{index}">')
        parts.append(f'<tr class="block-head"><th colspan="4">{_e(kind)} {index}</th></tr>')
        parts.extend(_row(seg, term_lookup) for seg in segs)
        parts.append("</tbody>")
    if not doc.segments:
        parts.append('<tbody><tr><td colspan="4" class="empty">No sentences.</td></tr></tbody>')
    parts.append("</table></section>")
    return "\n".join(parts)


def _filters(counts: dict[str, int]) -> str:
    boxes = [
        f'<label title="{_e(_flag_help(code))}"><input type="checkbox" data-flag="{_e(code)}">'
        f" {_e(code)} ({n})</label>"
        for code, n in counts.items()
    ]
    only = '<label><input type="checkbox" id="only-flagged"> only flagged</label>'
    open_ = '<label><input type="checkbox" id="only-open"> hide reviewed</label>'
    return f'<form id="filters">{only}{open_}{"".join(boxes)}<span id="shown"></span></form>'


@dataclass
class _Totals:
    """What the page's header says about the whole run, gathered in a first pass."""

    documents: int = 0
    sentences: int = 0
    fingerprints: Any = field(default_factory=hashlib.sha256)
    flags: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAGS, 0))

    def add(self, doc: Document) -> None:
        self.documents += 1
        self.sentences += len(doc.segments)
        for seg in doc.segments:
            self.fingerprints.update(source_fingerprint(seg).encode())
            for flag in seg.flags:
                self.flags[flag] = self.flags.get(flag, 0) + 1


def page_parts(
    docs: Iterable[Document], run: RunInfo, term_lookup: TermLookup | None = None
) -> Iterator[str]:
    """The review page in pieces, to be joined by newlines: a first pass over ``docs`` counts
    what the header shows, the second renders one document at a time."""
    totals = _Totals()
    for doc in docs:
        totals.add(doc)
    count, total = totals.documents, totals.sentences
    created = run.created_utc().strftime("%Y-%m-%d %H:%M UTC")
    fallback = totals.fingerprints.hexdigest()[:16]
    settings = json.dumps(run.settings, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    yield (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_csp()}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>zhen review: {count} documents, {total} sentences</title>"
        f"<style>{_asset('review.css')}</style></head>"
    )
    controls = (
        '<template id="row-controls"><div class="review"><button type="button" class="ok" '
        'aria-pressed="false" title="Mark reviewed (Ctrl+Enter in the cell)">✓ reviewed</button>'
        '<button type="button" class="nw" aria-pressed="false">needs work</button>'
        '<button type="button" class="revert" hidden title="Back to the machine translation">'
        "revert</button></div></template>"
    )
    tools = (
        f'{controls}<div id="tools">'
        '<button type="button" id="download" disabled>Download edits</button>'
        '<button type="button" id="undo" title="Undo the last change (Ctrl+Z)">Undo</button>'
        '<span id="counts"></span><span class="keys">Enter: next · Ctrl+Enter: reviewed, next · '
        'Esc: cancel</span><span id="store-note" role="status"></span></div>'
    )
    yield (
        f'<body data-run="{_e(run.run_id)}" data-run-dir="{_e(run.run_dir)}" '
        f'data-fallback-key="{fallback}"><header><h1>Bilingual review</h1>'
        f'<p class="run">zhen {_e(run.tool_version)} · model {_e(run.model_name)} · {created} · '
        f"{count} documents · {total} sentences</p>"
        f"<details><summary>Settings</summary><pre>{_e(settings)}</pre></details>"
        f"{tools}{_filters(totals.flags)}</header><main>"
    )
    for i, doc in enumerate(docs):
        yield _document(doc, i, term_lookup)
    if not count:
        yield '<p class="empty">No documents in this run.</p>'
    yield f"</main><script>{_asset('review.js')}</script></body></html>\n"


def render_html(
    docs: Iterable[Document], run: RunInfo, term_lookup: TermLookup | None = None
) -> str:
    """The review page as a string (see the module docstring for what it guarantees)."""
    return "\n".join(page_parts(docs, run, term_lookup))


def export_html(
    docs: Iterable[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """Write the review page to ``dest`` a document at a time (as :func:`render_html` gives)."""
    with atomic_open(dest) as out:
        for i, part in enumerate(page_parts(docs, run, term_lookup)):
            out.write(f"\n{part}" if i else part)
    return [dest]


__all__ = ["export_html", "render_html"]

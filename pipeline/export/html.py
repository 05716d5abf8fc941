"""A self-contained bilingual review page: source and English side by side, one row per sentence.

The page is one HTML file with inline CSS and a few lines of inline JavaScript (flag filters), and
loads nothing from anywhere, so it can be mailed or opened offline; ``review.html#flagged`` or
``review.html#flags=number-missing,term-missed`` opens it already filtered. All document text is
escaped; on top of that a Content-Security-Policy allows only the page's own script (by hash), so
even a ``<script>`` that slipped through could not run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Sequence
from pathlib import Path

from pipeline.document import Document, Segment
from pipeline.export.common import RunInfo, block_groups
from pipeline.export.spans import TermLookup, TermSpan, segment_terms, split_by_spans
from pipeline.qa import FLAGS
from pipeline.store.atomic import atomic_write_text

_CSS = """
:root { --line: #d8dbe0; --muted: #5f6673; --flag: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans",
  "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #1d2129;
  background: #f6f7f9; }
header { position: sticky; top: 0; z-index: 2; background: #fff; padding: 10px 24px;
  border-bottom: 1px solid var(--line); }
h1 { font-size: 20px; margin: 0 0 4px; }
.run, .meta { color: var(--muted); font-size: 13px; margin: 0; overflow-wrap: anywhere; }
details pre { font-size: 12px; white-space: pre-wrap; margin: 4px 0; }
#filters { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; margin-top: 6px;
  font-size: 13px; }
#filters label { cursor: pointer; white-space: nowrap; }
#shown { color: var(--muted); font-size: 13px; margin-left: auto; }
main { padding: 8px 24px 48px; }
section.doc { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 16px 0;
  padding: 12px 16px; }
h2 { font-size: 18px; margin: 0 0 2px; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin-top: 10px; }
col.c-id { width: 9em; } col.c-flags { width: 12em; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px;
  border-top: 1px solid var(--line); }
thead th { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
tr.block-head th { background: #f0f2f5; font-size: 12px; color: var(--muted); font-weight: 600; }
td.zh, td.en { white-space: pre-wrap; overflow-wrap: anywhere; }
td.id { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--muted);
  overflow-wrap: anywhere; }
tr.flagged td.id { border-left: 4px solid var(--flag); }
tr.flagged { background: #fff6f5; }
.orig { color: var(--muted); font-size: 13px; margin-top: 4px; }
mark.term { background: #fff0b3; border-bottom: 2px solid #e0a800; padding: 0 1px; }
mark.term.missed { background: #ffd9d6; border-bottom-color: var(--flag); }
.badge { display: inline-block; font-size: 11px; line-height: 1.6; padding: 0 6px;
  margin: 0 4px 4px 0; border-radius: 9px; background: #fde7e5; color: var(--flag);
  border: 1px solid #f3b7b1; }
.badge.n { background: #eef0f3; color: var(--muted); border-color: var(--line); }
.empty { color: var(--muted); font-style: italic; }
"""

_SCRIPT = """
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#filters input[data-flag]"));
  var only = document.getElementById("only-flagged");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.seg"));
  var blocks = document.querySelectorAll("tbody.block");
  var shown = document.getElementById("shown");
  function apply() {
    var wanted = boxes.filter(function (b) { return b.checked; })
                      .map(function (b) { return b.getAttribute("data-flag"); });
    var n = 0;
    rows.forEach(function (r) {
      var flags = (r.getAttribute("data-flags") || "").split(" ").filter(Boolean);
      var show = wanted.length ? flags.some(function (f) { return wanted.indexOf(f) >= 0; })
                               : (!only.checked || flags.length > 0);
      r.hidden = !show;
      if (show) { n += 1; }
    });
    Array.prototype.forEach.call(blocks, function (b) {
      b.hidden = !b.querySelector("tr.seg:not([hidden])");
    });
    shown.textContent = n + " of " + rows.length + " sentences shown";
  }
  boxes.concat([only]).forEach(function (b) { b.addEventListener("change", apply); });
  // review.html#flags=number-missing,term-missed or #flagged opens a filtered view.
  var hash = decodeURIComponent(location.hash.slice(1));
  if (hash === "flagged") { only.checked = true; }
  if (hash.indexOf("flags=") === 0) {
    var pick = hash.slice(6).split(",");
    boxes.forEach(function (b) { b.checked = pick.indexOf(b.getAttribute("data-flag")) >= 0; });
  }
  apply();
  document.body.setAttribute("data-ready", "1");
})();
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _csp() -> str:
    """Allow inline styles and exactly this page's script; nothing may be fetched."""
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
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
    if seg.status not in ("translated", "pending"):
        badges.append(f'<span class="badge n">{_e(seg.status)}</span>')
    return "".join(badges)


def _row(seg: Segment, term_lookup: TermLookup | None) -> str:
    source_spans, target_spans = segment_terms(seg, term_lookup)
    zh = _marked(seg.normalized, source_spans)
    if seg.source != seg.normalized:
        zh += f'<div class="orig" lang="zh">原文 {_e(seg.source)}</div>'
    en = _marked(seg.en, target_spans) if seg.en else '<span class="empty">(no translation)</span>'
    cls = "seg flagged" if seg.flags else "seg"
    return (
        f'<tr class="{cls}" data-flags="{_e(" ".join(seg.flags))}">'
        f'<td class="id">{_e(seg.id)}</td><td class="zh" lang="zh-CN">{zh}</td>'
        f'<td class="en" lang="en">{en}</td><td class="flags">{_badges(seg)}</td></tr>'
    )


def _safe_link(url: str) -> str:
    """A link only for http(s) URLs: a ``javascript:`` URL from a document must not be clickable."""
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noreferrer noopener">{_e(url)}</a>'
    return _e(url)


def _document(doc: Document, number: int, term_lookup: TermLookup | None) -> str:
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


def _filters(docs: Sequence[Document]) -> str:
    counts: dict[str, int] = dict.fromkeys(FLAGS, 0)
    for doc in docs:
        for seg in doc.segments:
            for flag in seg.flags:
                counts[flag] = counts.get(flag, 0) + 1
    boxes = [
        f'<label title="{_e(_flag_help(code))}"><input type="checkbox" data-flag="{_e(code)}">'
        f" {_e(code)} ({n})</label>"
        for code, n in counts.items()
    ]
    only = '<label><input type="checkbox" id="only-flagged"> only flagged</label>'
    return f'<form id="filters">{only}{"".join(boxes)}<span id="shown"></span></form>'


def render_html(
    docs: Sequence[Document], run: RunInfo, term_lookup: TermLookup | None = None
) -> str:
    """The review page as a string (see the module docstring for what it guarantees)."""
    total = sum(len(d.segments) for d in docs)
    created = run.created_utc().strftime("%Y-%m-%d %H:%M UTC")
    settings = json.dumps(run.settings, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    head = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_csp()}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>zhen review: {len(docs)} documents, {total} sentences</title>"
        f"<style>{_CSS}</style></head>"
    )
    header = (
        f"<body><header><h1>Bilingual review</h1>"
        f'<p class="run">zhen {_e(run.tool_version)} · model {_e(run.model_name)} · {created} · '
        f"{len(docs)} documents · {total} sentences</p>"
        f"<details><summary>Settings</summary><pre>{_e(settings)}</pre></details>"
        f"{_filters(docs)}</header><main>"
    )
    body = [_document(doc, i, term_lookup) for i, doc in enumerate(docs)]
    if not docs:
        body.append('<p class="empty">No documents in this run.</p>')
    return "\n".join([head, header, *body, f"</main><script>{_SCRIPT}</script></body></html>\n"])


def export_html(
    docs: Sequence[Document], run: RunInfo, dest: Path, term_lookup: TermLookup | None = None
) -> list[Path]:
    """Write :func:`render_html` to ``dest``."""
    atomic_write_text(dest, render_html(docs, run, term_lookup))
    return [dest]


__all__ = ["export_html", "render_html"]

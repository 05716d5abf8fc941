"""Word (.docx) files → metadata + candidates (python-docx).

The body is read in order, paragraphs and tables interleaved as in the document. A paragraph's
style says what it is — ``Title``, ``Heading N``, ``Quote``, ``Caption``, list styles — and
Word's numbering (``w:numPr``) makes any paragraph a list item at its ``w:ilvl`` depth. Runs
keep bold and italic as Markdown emphasis and hyperlinks as links; tables become one candidate per
cell. Core properties give the title, author and dates.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING, Any

from pipeline.document import BlockKind, Metadata
from pipeline.errors import IngestError
from pipeline.ingest.chrome import Candidate
from pipeline.ingest.dates import iso_date
from pipeline.ingest.epub import check_unpacked
from pipeline.ingest.inline import Inline

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

_HEADING_STYLE = re.compile(r"(?i)^(?:heading|标题|標題)\s*(\d)")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def parse_docx(data: bytes, name: str) -> tuple[Metadata, list[Candidate]]:
    """A Word document's metadata and body; an unreadable file raises :class:`IngestError`."""
    # Lazy: python-docx (with lxml) loads in ~100 ms and only .docx input needs it.
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            check_unpacked(package, name, "Word file")
        document = docx.Document(io.BytesIO(data))
    except IngestError:
        raise
    except Exception as exc:  # python-docx raises zipfile, KeyError and lxml errors alike
        raise IngestError(
            f"cannot read this Word file ({type(exc).__name__}); re-save it as .docx", file=name
        ) from None
    props = document.core_properties
    meta = Metadata(
        title=(props.title or "").strip() or None,
        author=(props.author or "").strip() or None,
        published=iso_date(props.created),
    )
    out: list[Candidate] = []
    tables = 0
    for element in document.element.body.iterchildren():
        if element.tag == f"{_W}p":
            cand = _paragraph(Paragraph(element, document))
            if cand is not None:
                out.append(cand)
        elif element.tag == f"{_W}tbl":
            out.extend(_table(Table(element, document), tables))
            tables += 1
    return meta, out


def _paragraph(par: Paragraph) -> Candidate | None:
    line = _runs(par)
    text, plain = line.finish()
    if not text:
        return None
    style = (par.style.name if par.style is not None else "") or ""
    kind: BlockKind = "paragraph"
    level = 0
    marker = ""
    heading = _HEADING_STYLE.match(style)
    numbering = par._p.find(f"{_W}pPr/{_W}numPr")
    if style.lower() == "title":
        kind, level = "heading", 1
    elif heading:
        kind, level = "heading", min(int(heading[1]), 6)
    elif numbering is not None or style.lower().startswith("list"):
        ilvl = numbering.find(f"{_W}ilvl") if numbering is not None else None
        kind, level = "list_item", int(ilvl.get(f"{_W}val") or 0) if ilvl is not None else 0
        marker = "1." if "number" in style.lower() else "-"
    elif "quote" in style.lower():
        kind = "quote"
    elif style.lower() == "caption":
        kind = "caption"
    return Candidate(kind, text, level, plain=plain, marker=marker)


def _runs(par: Any) -> Inline:
    """A paragraph's runs and hyperlinks as inline Markdown."""
    line = Inline()
    for item in par.iter_inner_content():
        runs = getattr(item, "runs", None)
        if runs is not None:  # a hyperlink: its runs inside a link
            line.open("link", str(getattr(item, "address", "") or ""))
            for run in runs:
                _run(line, run)
            line.close("link")
        else:
            _run(line, item)
    return line


def _run(line: Inline, run: Any) -> None:
    text = run.text
    if not text:
        return
    marks = [k for k, on in (("strong", run.bold), ("em", run.italic)) if on]
    for mark in marks:
        line.open(mark)
    parts = text.split("\n")
    for i, part in enumerate(parts):
        if i:
            line.br()
        line.text(part.replace("\t", " "))
    for mark in reversed(marks):
        line.close(mark)


def _table(table: Table, index: int) -> list[Candidate]:
    out = []
    for r, row in enumerate(table.rows):
        seen: set[int] = set()
        col = 0
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell repeats across the columns it spans
                continue
            seen.add(id(cell._tc))
            pieces = [_runs(p).finish() for p in cell.paragraphs]
            text = " ".join(t for t, _ in pieces if t)
            plain = " ".join(p for _, p in pieces if p)
            out.append(Candidate("table_cell", text, plain=plain, table=index, row=r, col=col))
            col += 1
    return out

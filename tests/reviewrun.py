"""A small translated run on disk, and edits made the way a reviewer makes them.

Shared by ``tests/review/``, ``tests/store/test_memory.py`` and ``tests/cli/test_review.py``: the
run is built by hand (no model), written with :meth:`pipeline.store.rundir.RunDir.write_documents`
and exported with :func:`pipeline.export.registry.export_run`,
then the exported files are edited with the csv module or lxml as a spreadsheet or CAT tool would.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from pipeline.document import Block, Document, Metadata, Segment
from pipeline.export.common import RunInfo
from pipeline.export.registry import export_run
from pipeline.export.xml import XLIFF2_NS, XLIFF12_NS, nmtoken
from pipeline.store.rundir import RunDir

NEWS = "新闻 2024/01"
"""A document id XLIFF 2 has to write through NMTOKEN (space and slash)."""
RUN = RunInfo("0.1.0", "tiny", datetime(2024, 5, 6, tzinfo=UTC), {"beam": 2})
FORMATS = ("tsv", "csv", "xliff", "xliff12", "tmx", "omegat")

# (doc, block, kind, source, normalized, en, status)
PIECES = [
    (NEWS, 0, "title", "歐盟發表聲明", "欧盟发表声明", "EU issues statement", "translated"),
    (NEWS, 1, "paragraph", "晶片\t出口增长 50%。", "芯片\t出口增长 50%。", "Chip exports up 50%.",
     "translated"),
    (NEWS, 1, "paragraph", "第\r二行。", "第\r二行。", "Line two.", "cached"),
    (NEWS, 1, "paragraph", "重复的句子。", "重复的句子。", "A repeated sentence.", "translated"),
    ("plain", 0, "paragraph", "一句话。", "一句话。", "One sentence.", "translated"),
    ("plain", 0, "paragraph", "重复的句子。", "重复的句子。", "A repeated sentence.", "cached"),
    ("plain", 0, "paragraph", "控制\x07字符。", "控制\x07字符。", "Control character.",
     "translated"),
    ("plain", 1, "paragraph", "2024", "2024", "2024", "skipped"),
]  # fmt: skip


def build_docs() -> list[Document]:
    """The documents of :data:`PIECES`; segments tile their blocks exactly."""
    docs: dict[str, Document] = {}
    for doc_id, block, kind, source, normalized, en, status in PIECES:
        doc = docs.setdefault(
            doc_id,
            Document(doc_id, f"in/{doc_id}.md", "markdown", "utf-8", Metadata(title=doc_id), []),
        )
        if not any(b.index == block for b in doc.blocks):
            doc.blocks.append(Block(index=block, kind=kind, text=""))  # type: ignore[arg-type]
        target = next(b for b in doc.blocks if b.index == block)
        start = len(target.text)
        target.text += source
        target.normalized += normalized
        index = len(doc.segments_of(block))
        doc.segments.append(
            Segment(
                id=f"{doc_id}:{block}:{index}", doc_id=doc_id, block=block, index=index,
                start=start, end=start + len(source), source=source, normalized=normalized,
                en=en, status=status,
            )
        )  # fmt: skip
    return list(docs.values())


def make_run(run_dir: Path) -> dict[str, list[Path]]:
    """Write the run's ``documents.jsonl`` and review exports; returns the files per format."""
    docs = build_docs()
    RunDir(run_dir).write_documents(docs)
    return export_run(docs, RUN, run_dir, FORMATS)


# ---------------------------------------------------------------- reviewer edits

Edits = dict[str, tuple[str | None, str | None]]
"""segment id → (new English or ``None`` to keep it, new status/state or ``None`` to keep it)."""


def edit_table(path: Path, edits: Edits, delimiter: str | None = None) -> None:
    """Change ``en``/``status`` cells as a spreadsheet would (CSV keeps its BOM)."""
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    sep = delimiter or ("\t" if path.suffix == ".tsv" else ",")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=sep))
    header = rows[0]
    for row in rows[1:]:
        en, status = edits.get(row[header.index("segment_id")], (None, None))
        if en is not None:
            row[header.index("en")] = en
        if status is not None:
            row[header.index("status")] = status
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode())


def edit_xliff2(path: Path, edits: Edits) -> None:
    """Set ``<target>`` text (creating it) and ``state`` of XLIFF 2 segments by run segment id."""
    tree = etree.parse(path)
    x = {"x": XLIFF2_NS}
    wanted = {nmtoken(k): v for k, v in edits.items()}
    for seg in tree.iterfind(".//x:segment", x):
        en, state = wanted.get(seg.get("id"), (None, None))
        if en is not None:
            target = seg.find("x:target", x)
            if target is None:
                target = etree.SubElement(seg, f"{{{XLIFF2_NS}}}target")
            for child in list(target):
                target.remove(child)
            target.text = en
        if state is not None:
            seg.set("state", state)
    tree.write(path, xml_declaration=True, encoding="UTF-8")


def edit_xliff12(path: Path, edits: Edits, approved: set[str] = frozenset()) -> None:
    """Set ``<target>`` text and ``state`` (and ``approved="yes"``) of XLIFF 1.2 trans-units."""
    tree = etree.parse(path)
    x = {"x": XLIFF12_NS}
    for unit in tree.iterfind(".//x:trans-unit", x):
        en, state = edits.get(unit.get("id"), (None, None))
        target = unit.find("x:target", x)
        if en is not None:
            target.text = en
        if state is not None:
            target.set("state", state)
        if unit.get("id") in approved:
            unit.set("approved", "yes")
    tree.write(path, xml_declaration=True, encoding="UTF-8")


def edit_export(files: dict[str, list[Path]], fmt: str, edits: Edits) -> list[Path]:
    """Apply ``edits`` to the export of ``fmt``; returns the files to import."""
    for path in files[fmt]:
        if fmt in ("tsv", "csv"):
            edit_table(path, edits)
        elif fmt == "xliff":
            edit_xliff2(path, edits)
        else:
            edit_xliff12(path, edits)
    return files[fmt]

"""Writers for ``zhen segment``: the segments a user is about to translate, as JSONL or TSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from pipeline.document import Document
from pipeline.settings import SegmentsFormat


def write_segments(docs: Iterable[Document], out: TextIO, fmt: SegmentsFormat) -> int:
    """Write every segment of ``docs`` to ``out``; return how many were written."""
    count = 0
    writer = None
    if fmt == "tsv":
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(["id", "doc", "kind", "source", "normalized"])
    for doc in docs:
        kinds = {b.index: b.kind for b in doc.blocks}
        for seg in doc.segments:
            if writer is not None:
                writer.writerow([seg.id, doc.id, kinds[seg.block], seg.source, seg.normalized])
            else:
                record = {
                    "id": seg.id,
                    "doc": doc.id,
                    "kind": kinds[seg.block],
                    "source": seg.source,
                    "normalized": seg.normalized,
                    "start": seg.start,
                    "end": seg.end,
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count

"""Writer for ``zhen segment --show-dropped``: what ingest removed from each document, and why.

One line per dropped line: the document, the rule that dropped it (the names in
``pipeline/ingest/chrome.py``, ``zones.py``, ``templates.toml``…) and its text, so a user can see
why a line is missing and a developer can measure the rules.
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from pipeline.settings import SegmentsFormat


def write_dropped(
    dropped: dict[str, list[tuple[str, str]]], out: TextIO, fmt: SegmentsFormat
) -> int:
    """Write every ``(rule, text)`` of every document; return how many lines were written."""
    count = 0
    writer = None
    if fmt == "tsv":
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(["doc", "rule", "text"])
    for doc_id, lines in dropped.items():
        for rule, text in lines:
            if writer is not None:
                writer.writerow([doc_id, rule, " ".join(text.split())])
            else:
                record = {"doc": doc_id, "rule": rule, "text": text}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count

"""The run folder's data files: records written as ``asdict`` would, the plain translation kept,
documents read back one at a time and as often as an exporter needs."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from export.helpers import sample_docs

from pipeline.document import Segment
from pipeline.store.rundir import RunDir, document_line, segment_record


def test_segment_record_keeps_the_plain_translation_beside_an_enforced_one() -> None:
    seg = Segment("d:0:0", "d", 0, 0, 0, 5, "五角大楼。", "五角大楼。", "The Pentagon.")
    seg.plain = "Wujiao."
    record = segment_record(seg)
    assert (record["en"], record["plain"]) == ("The Pentagon.", "Wujiao.")
    assert segment_record(Segment("d:0:1", "d", 0, 1, 0, 1, "。", "。"))["plain"] == ""


def test_document_line_is_the_documents_fields_as_json() -> None:
    for doc in sample_docs():
        assert document_line(doc) == json.dumps(asdict(doc), ensure_ascii=False) + "\n"


def test_stored_documents_read_back_lazily_and_again(tmp_path: Path) -> None:
    docs = sample_docs()
    run = RunDir(tmp_path)
    run.write_documents(docs)
    stored = run.stored_documents()
    first = iter(stored)
    assert next(first).id == docs[0].id  # one document at a time
    assert [d.id for d in stored] == [d.id for d in docs]
    assert [asdict(d) for d in stored] == [asdict(d) for d in docs]

"""The run folder's data files: records written as ``asdict`` would, documents read back one at a
time and as often as an exporter needs."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from export.helpers import sample_docs

from pipeline.store.rundir import RunDir, document_line


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

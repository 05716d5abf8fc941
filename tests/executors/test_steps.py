"""The steps every executor shares: ids unique in run order, renaming, counts that add up."""

from __future__ import annotations

from pathlib import Path

from pipeline.document import Document, DocumentTerm, Metadata, Segment
from pipeline.executors.steps import (
    DocumentIds,
    GroupStats,
    Work,
    add_counts,
    prepare_work,
    provisional_id,
    rename,
)
from pipeline.settings import Settings
from pipeline.stats import QAStats, ReuseStats, TermStats, TranslateStats


def test_ids_are_unique_in_run_order_even_against_given_names() -> None:
    ids = DocumentIds()
    assert [ids.assign(b) for b in ("index", "index", "index-2", "a")] == [
        "index", "index-2", "index-2-2", "a",
    ]  # fmt: skip
    ids.release(["a"])
    assert ids.assign("a") == "a"


def test_rename_reaches_segments_and_the_documents_own_terms() -> None:
    seg = Segment("x:0:0", "x", 0, 0, 0, 2, "中国", "中国")
    term = DocumentTerm("doc:acton", ["艾克顿"], "James Acton", segment="x:0:0")
    doc = Document("x", "x.txt", "text", "utf-8", Metadata(), [], [seg], [term])
    rename(doc, "y-2")
    assert (doc.id, seg.doc_id, seg.id, term.segment) == ("y-2", "y-2", "y-2:0:0", "y-2:0:0")


def test_prepare_work_gives_provisional_ids_and_catches_bad_inputs(tmp_path: Path) -> None:
    good = tmp_path / "index.txt"
    good.write_text("中国试射了导弹。\n", encoding="utf-8")
    work = prepare_work(Work(str(good), 7), Settings())
    assert work.failure is None and work.bases == ["index"]
    assert work.docs[0].id == provisional_id("index", 7, 0)
    assert all(s.id.startswith(work.docs[0].id + ":") for s in work.docs[0].segments)
    assert len(work.fingerprint) == 64
    bad = prepare_work(Work(str(tmp_path / "missing.txt"), 8), Settings())
    assert bad.docs == [] and bad.failure is not None and bad.failure.stage == "ingest"


def test_counts_add_field_by_field() -> None:
    a = GroupStats(
        memory=ReuseStats(3, 1, 0),
        translate=TranslateStats(10, 6, 2, 2, 1, 100, 0.5),
        terms=TermStats(True, 2, 3, 3, 0, {"plain": 2, "missed": 0}),
        qa=QAStats({"empty-output": 1}),
    )
    b = GroupStats(
        translate=TranslateStats(5, 5, 0, 0, 1, 40, 0.25), qa=QAStats({"empty-output": 2})
    )
    total = a + b
    assert total.memory == ReuseStats(3, 1, 0)
    assert total.translate == TranslateStats(15, 11, 2, 2, 2, 140, 0.75)
    assert total.terms == a.terms
    assert total.qa is not None and total.qa.counts["empty-output"] == 3
    both = add_counts(a.terms, TermStats(False, 1, 1, 0, 1, {"missed": 1}))
    assert both is not None and both.enforced and both.outcomes == {"plain": 2, "missed": 1}

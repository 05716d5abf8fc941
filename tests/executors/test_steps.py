"""The steps every executor shares: ids unique in run order, renaming, counts that add up."""

from __future__ import annotations

from pathlib import Path

from pipeline.document import Document, DocumentTerm, Metadata, Segment
from pipeline.executors.steps import (
    WINDOW_INPUTS,
    DocumentIds,
    GroupStats,
    add_counts,
    prepare_window,
    provisional_id,
    rename,
    windows,
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


def test_prepare_window_gives_provisional_ids_and_catches_bad_inputs(tmp_path: Path) -> None:
    good = tmp_path / "index.txt"
    good.write_text("中国试射了导弹。\n", encoding="utf-8")
    (window,) = windows([str(good), str(tmp_path / "missing.txt")])
    prepare_window(window, Settings())
    work, bad = window
    assert work.failure is None and work.bases == ["index"]
    assert work.docs[0].id == provisional_id("index", 0, 0)
    assert all(s.id.startswith(work.docs[0].id + ":") for s in work.docs[0].segments)
    assert len(work.fingerprint) == 64 and work.window == bad.window
    assert bad.docs == [] and bad.failure is not None and bad.failure.stage == "ingest"


def test_windows_are_fixed_by_run_order_and_keyed_by_their_inputs(tmp_path: Path) -> None:
    paths = []
    for i in range(WINDOW_INPUTS + 3):
        path = tmp_path / f"{i:03d}.txt"
        path.write_text(f"第{i}篇。\n", encoding="utf-8")
        paths.append(str(path))
    first, second = windows(paths)
    assert [len(first), len(second)] == [WINDOW_INPUTS, 3]
    assert [w.order for w in second] == list(range(WINDOW_INPUTS, WINDOW_INPUTS + 3))
    again = list(windows(paths))
    assert [again[0][0].window, again[1][0].window] == [first[0].window, second[0].window]
    Path(paths[-1]).write_text("改了。\n", encoding="utf-8")
    changed = list(windows(paths))
    assert changed[0][0].window == first[0].window and changed[1][0].window != second[0].window


def test_boilerplate_is_judged_across_the_windows_documents(tmp_path: Path) -> None:
    """A site's sign-off at the end of every article is dropped; kept inputs count as evidence
    but are not prepared again."""
    footer = "更多精彩内容请见下期防务观察栏目。"
    paths = []
    for city in ("北京", "上海", "广州", "深圳"):
        path = tmp_path / f"{city}.md"
        body = f"# {city}新闻\n\n{city}的文章说中国试射了导弹。\n\n{city}的专家表示关切。"
        body += f"\n\n{footer}\n"
        body += f"\n\n{footer}\n"
        path.write_text(body, encoding="utf-8")
        paths.append(str(path))
    (window,) = windows(paths)
    window[0].kept = True
    prepare_window(window, Settings())
    assert window[0].docs == []
    for work in window[1:]:
        assert footer not in "".join(b.text for d in work.docs for b in d.blocks)
        assert any(rule == "repeated-boilerplate" for rule, _ in work.dropped[0])


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

"""Importing reviewed edits into translation memory, all or nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from lxml import etree
from reviewrun import NEWS, RUN, build_docs, edit_export, edit_xliff12

from pipeline.errors import PipelineError
from pipeline.export.common import EDITS_FORMAT, EDITS_VERSION, source_fingerprint
from pipeline.export.registry import export_run
from pipeline.review.importer import import_review
from pipeline.store.memory import (
    MEMORY_FILE,
    TranslationMemory,
    apply_memory,
    list_memory,
    open_memory,
)
from pipeline.store.rundir import RunDir

EDITED = "The EU issued a statement."
# Per format: an edit the file marks as done the way that format can, a confirmation of the
# machine's English, and a row marked done with its English deleted.
EDIT_STATES = {
    "tsv": (None, "final", "Final"),
    "csv": (None, "reviewed", "approved"),
    "xliff": ("translated", "final", "reviewed"),
    "xliff12": ("translated", "final", "signed-off"),
}
EDITS = {
    fmt: {f"{NEWS}:0:0": (EDITED, edit), "plain:0:0": (None, confirm), "plain:0:2": ("", blank)}
    for fmt, (edit, confirm, blank) in EDIT_STATES.items()
}


def _memory(path: Path) -> dict[str, tuple[str, str, str, str]]:
    """source → (en, mt, segment id, doc id), read with plain sqlite3."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT source, en, mt, segment_id, doc_id FROM memory").fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


@pytest.mark.parametrize("fmt", ["tsv", "csv", "xliff", "xliff12"])
def test_import_stores_reviewed_pairs_from_every_format(
    run: dict[str, list[Path]], run_dir: Path, fmt: str
) -> None:
    files = edit_export(run, fmt, EDITS[fmt])
    report = import_review(files, run_dir=None, memory_path=None)
    assert report.memory == run_dir.resolve() / MEMORY_FILE
    assert report.run_dir == run_dir.resolve()
    assert (report.rows, report.stored, report.edited, report.unchanged) == (8, 2, 1, 1)
    assert (report.new, report.replaced, report.not_reviewed, report.blank) == (2, 0, 5, 1)
    assert _memory(report.memory) == {
        "欧盟发表声明": (EDITED, "EU issues statement", f"{NEWS}:0:0", NEWS),
        "一句话。": ("One sentence.", "One sentence.", "plain:0:0", "plain"),
    }
    origins = {e.segment_id: e.origin for e in list_memory(report.memory)}
    assert set(origins.values()) <= {str(p.resolve()) for p in files}


def test_xliff_folder_and_explicit_memory_path(
    run: dict[str, list[Path]], run_dir: Path, tmp_path: Path
) -> None:
    edit_export(run, "xliff", EDITS["xliff"])
    chosen = tmp_path / "shared" / "tm.sqlite3"
    report = import_review(run_dir / "xliff", run_dir=run_dir, memory_path=chosen)
    assert report.memory == chosen and report.stored == 2
    assert not (run_dir / MEMORY_FILE).exists()


@pytest.mark.parametrize(
    ("fmt", "state"),
    [("xliff", "initial"), ("xliff12", "needs-review-translation"), ("xliff12", "new")],
)
def test_edits_the_file_says_are_unfinished_are_not_stored(
    run: dict[str, list[Path]], run_dir: Path, fmt: str, state: str
) -> None:
    files = edit_export(run, fmt, {"plain:0:0": ("Typed but unfinished.", state)})
    report = import_review(files)
    assert (report.stored, report.not_reviewed) == (0, 8)
    assert not (run_dir / MEMORY_FILE).exists()


@pytest.mark.parametrize("fmt", ["xliff", "xliff12"])
def test_files_edited_by_translate_toolkit_import(
    run: dict[str, list[Path]], run_dir: Path, fmt: str
) -> None:
    """translate-toolkit (the library behind Pootle and Weblate) stands in for a CAT tool: it
    approves one unit as is and retypes another."""
    from translate.storage import xliff, xliff2

    path = run_dir / fmt / "plain.xlf"
    opener = xliff2.Xliff2File if fmt == "xliff" else xliff.xlifffile
    store = opener.parsefile(str(path))
    store.units[0].markapproved(True)
    store.units[2].target = "Control characters."
    store.save()
    report = import_review(path)
    assert (report.stored, report.edited, report.unchanged) == (2, 1, 1)
    assert _memory(run_dir / MEMORY_FILE)["控制\x07字符。"][0] == "Control characters."


def test_xliff12_approved_counts_as_reviewed(run: dict[str, list[Path]], run_dir: Path) -> None:
    path = next(p for p in run["xliff12"] if p.name == "plain.xlf")
    edit_xliff12(path, {}, approved={"plain:0:0", "plain:1:0"})
    report = import_review(path)
    assert (report.stored, report.unchanged) == (2, 2)
    assert set(_memory(run_dir / MEMORY_FILE)) == {"一句话。", "2024"}


def test_same_source_reviewed_twice_keeps_the_edit_and_reports_the_loser(
    run: dict[str, list[Path]], run_dir: Path
) -> None:
    """重复的句子。 occurs in both documents; an edit beats a confirmation, then the last wins."""
    files = edit_export(
        run, "tsv", {f"{NEWS}:1:2": ("Repeated, edited.", None), "plain:0:1": (None, "final")}
    )
    report = import_review(files)
    assert report.conflicts == ("plain:0:1",)
    assert _memory(report.memory)["重复的句子。"][0] == "Repeated, edited."
    edit_export(run, "tsv", {"plain:0:1": ("Repeated, edited again.", None)})
    report = import_review(files)
    assert report.conflicts == (f"{NEWS}:1:2",)
    assert _memory(report.memory)["重复的句子。"][:3] == (
        "Repeated, edited again.",
        "A repeated sentence.",
        "plain:0:1",
    )


def test_reimport_counts_new_and_replaced(run: dict[str, list[Path]]) -> None:
    files = edit_export(run, "tsv", EDITS["tsv"])
    first = import_review(files)
    again = import_review(files)
    assert (again.stored, again.new, again.replaced) == (2, 0, 0)
    edit_export(run, "tsv", {f"{NEWS}:0:0": ("EU statement, take two.", None)})
    third = import_review(files)
    assert (third.stored, third.new, third.replaced) == (2, 0, 1)
    assert len(_memory(first.memory)) == 2


def _replace_in(paths: list[Path], old: str, new: str) -> None:
    for path in paths:
        path.write_bytes(path.read_bytes().replace(old.encode(), new.encode()))


MISMATCHES = [
    ("unknown id", lambda files: _replace_in(files, "plain:1:0", "plain:7:0"), "plain:7:0"),
    (
        "changed source",
        lambda files: _replace_in(files, "一句话。", "两句话。"),
        "source '两句话。'",
    ),
]


@pytest.mark.parametrize("fmt", ["tsv", "csv", "xliff", "xliff12"])
@pytest.mark.parametrize(("case", "spoil", "message"), MISMATCHES, ids=[m[0] for m in MISMATCHES])
@pytest.mark.parametrize("existing", [False, True], ids=["new-memory", "existing-memory"])
def test_mismatching_file_is_an_error_and_memory_is_untouched(
    run: dict[str, list[Path]],
    run_dir: Path,
    fmt: str,
    case: str,
    spoil: object,
    message: str,
    existing: bool,
) -> None:
    memory = run_dir / MEMORY_FILE
    if existing:
        edit_export(run, fmt, {"plain:1:0": ("Year 2024", "final")})
        import_review(run[fmt])
    before = list_memory(memory) if existing else None
    files = edit_export(run, fmt, EDITS[fmt])
    spoil(files)  # type: ignore[operator]
    with pytest.raises(PipelineError, match="do not match the run") as err:
        import_review(files)
    assert message in err.value.message
    if existing:
        assert list_memory(memory) == before
    else:
        assert not memory.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("segments.tsv", b"", "file is empty"),
        (
            "bilingual.tmx",
            (Path(__file__).resolve().parents[1] / "data/review/wrong.tmx").read_bytes(),
            "no translation unit matches",
        ),
        ("segments.parquet", None, "Parquet"),
        ("review.html", None, "not well-formed"),
    ],
)
def test_wrong_or_empty_files_are_errors_and_write_nothing(
    run_dir: Path, name: str, data: bytes | None, message: str
) -> None:
    docs = build_docs()
    from pipeline.store.rundir import RunDir

    RunDir(run_dir).write_documents(docs)
    if data is None:
        export_run(docs, RUN, run_dir, ["parquet" if name.endswith("parquet") else "html"])
    else:
        (run_dir / name).write_bytes(data)
    with pytest.raises(PipelineError, match=message):
        import_review(run_dir / name)
    assert not (run_dir / MEMORY_FILE).exists()


def test_failure_while_writing_removes_a_memory_it_created(
    run: dict[str, list[Path]], run_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: TranslationMemory, entries: object) -> tuple[int, int]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(TranslationMemory, "store", broken)
    with pytest.raises(sqlite3.OperationalError):
        import_review(edit_export(run, "tsv", EDITS["tsv"]))
    assert not (run_dir / MEMORY_FILE).exists()


def test_exported_memory_hits_reimport_as_not_reviewed(
    run: dict[str, list[Path]], run_dir: Path, tmp_path: Path
) -> None:
    """A later run's export of memory hits adds nothing unless the reviewer touches them."""
    import_review(edit_export(run, "tsv", EDITS["tsv"]))
    docs = build_docs()
    with open_memory(run_dir) as tm:
        apply_memory([s for d in docs for s in d.segments], tm)
    later = tmp_path / "later"
    from pipeline.store.rundir import RunDir

    RunDir(later).write_documents(docs)
    files = export_run(docs, RUN, later, ["xliff12"])["xliff12"]
    report = import_review(files, memory_path=run_dir)
    assert (report.stored, report.not_reviewed) == (0, 8)


# ---------------------------------------------------------------- TMX, the review page, damage


def test_tmx_edited_outside_zhen_is_imported_and_reused(
    run: dict[str, list[Path]], run_dir: Path
) -> None:
    """zhen's TMX changed in a CAT tool (new target, changedate) is stored; units nobody touched
    stay machine translation; the next run reuses the edit as ``memory``."""
    path = run["tmx"][0]
    tree = etree.parse(str(path))
    tu = tree.find(f"body/tu[@tuid='{NEWS}:0:0']")
    tu.set("changedate", "20240601T100000Z")
    tu.findall("tuv")[1].find("seg").text = EDITED
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    report = import_review(path)
    assert (report.stored, report.edited, report.not_reviewed) == (1, 1, 7)
    docs = build_docs()
    with open_memory(report.memory) as memory:
        apply_memory([s for d in docs for s in d.segments], memory)
    assert (docs[0].segments[0].en, docs[0].segments[0].status) == (EDITED, "memory")


def test_cat_tool_tmx_matches_original_traditional_sentences(
    run: dict[str, list[Path]], run_dir: Path, tmp_path: Path
) -> None:
    """A CAT tool's TMX has no zhen ids and the article's own (Traditional) text: matched by it;
    units of other documents are counted and skipped."""
    cat = tmp_path / "project_save.tmx"
    cat.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="zh-TW" '
        'creationtool="OmegaT" datatype="plaintext" segtype="sentence" adminlang="en" '
        'o-tmf="x"/><body>'
        '<tu changeid="r" changedate="20240601T100000Z"><tuv xml:lang="zh-TW"><seg>歐盟發表聲明'
        '</seg></tuv><tuv xml:lang="en"><seg>The EU made a statement</seg></tuv></tu>'
        '<tu><tuv xml:lang="zh-TW"><seg>別的句子。</seg></tuv><tuv xml:lang="en"><seg>Other.'
        "</seg></tuv></tu></body></tmx>",
        encoding="utf-8",
    )
    report = import_review(cat, run_dir=run_dir)
    assert (report.stored, report.unmatched) == (1, 1)
    assert _memory(report.memory)["欧盟发表声明"][0] == "The EU made a statement"


def _edits(run_id: str, items: list[dict[str, str]], run_dir: str = "") -> bytes:
    payload = {"format": EDITS_FORMAT, "version": EDITS_VERSION, "run": run_id,
               "run_dir": run_dir, "segments": items}  # fmt: skip
    return json.dumps(payload, ensure_ascii=False).encode()


def test_review_page_download_is_imported_checked_by_run_and_fingerprint(
    run: dict[str, list[Path]], run_dir: Path, tmp_path: Path
) -> None:
    RunDir(run_dir).write_signature({"id": "run-a"})
    segs = {s.id: s for d in build_docs() for s in d.segments}
    first, second = segs[f"{NEWS}:0:0"], segs["plain:0:0"]
    items = [
        {"id": first.id, "fingerprint": source_fingerprint(first), "en": EDITED, "status": ""},
        {"id": second.id, "fingerprint": source_fingerprint(second), "en": second.en,
         "status": "reviewed"},
        {"id": "plain:0:2", "fingerprint": source_fingerprint(segs["plain:0:2"]),
         "en": "Changed but not done", "status": "needs-work"},
    ]  # fmt: skip
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    edits = downloads / "review-edits.json"
    edits.write_bytes(_edits("run-a", items, str(run_dir.resolve())))
    report = import_review(edits)  # the run comes from the page, not the folder
    assert (report.stored, report.edited, report.unchanged, report.not_reviewed) == (2, 1, 1, 1)
    edits.write_bytes(_edits("run-b", items))
    with pytest.raises(PipelineError, match="made on run run-b"):
        import_review(edits, run_dir=run_dir)
    items[0]["fingerprint"] = "0" * 16
    edits.write_bytes(_edits("run-a", items))
    with pytest.raises(PipelineError, match="fingerprint differs"):
        import_review(edits, run_dir=run_dir)


def test_translate_toolkit_edit_with_stale_markers_is_rejected(tmp_path: Path) -> None:
    """translate-toolkit sets an XLIFF 2 target's text but keeps its term markers: the garbled
    target is reported and not stored; a clean edit in the same file is stored."""
    from export.helpers import LOOKUP, RUN, sample_docs
    from translate.storage import xliff2

    docs = sample_docs()[:2]
    run_dir = tmp_path / "run"
    RunDir(run_dir).write_documents(docs)
    (path,) = [
        p for p in export_run(docs, RUN, run_dir, ["xliff"], LOOKUP)["xliff"] if "2024" in p.name
    ]
    store = xliff2.Xliff2File.parsestring(path.read_bytes())
    store.units[0].target = "The Commission of the EU <issues> statement"
    store.units[2].target = "spaces around, edited"
    path.write_bytes(bytes(store))
    report = import_review(path)
    assert report.stored == 1
    (rejected,) = report.rejected
    assert rejected.startswith(f"{docs[0].segments[0].id} ") and "previous target" in rejected

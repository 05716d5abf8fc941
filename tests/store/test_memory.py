"""The translation memory: atomic stores, opening, exact-match reuse by later runs, stats."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from review.test_importer import EDITED, EDITS
from reviewrun import RUN, build_docs, edit_export

from pipeline.document import Segment
from pipeline.errors import PipelineError, TranslationMemoryError
from pipeline.export.registry import export_run
from pipeline.review.importer import import_review
from pipeline.store.cache import TranslationCache
from pipeline.store.memory import (
    MEMORY_FILE,
    MemoryEntry,
    apply_memory,
    list_memory,
    memory_stats,
    open_memory,
    open_reviewed,
    suggest_matches,
)


def test_store_is_one_transaction(tmp_path: Path) -> None:
    """A row that violates the schema rolls back the rows before it."""
    path = tmp_path / MEMORY_FILE
    good = MemoryEntry("一句话。", "One.", "One.", "d:0:0", "d", "run", "f", "2024")
    with open_memory(path, create=True) as tm:
        tm.store([good])
        bad = MemoryEntry("两句话。", None, "x", "d:0:1", "d", "run", "f", "2024")  # type: ignore[arg-type]
        changed = MemoryEntry("一句话。", "Changed.", "One.", "d:0:0", "d", "run", "f", "2025")
        with pytest.raises(sqlite3.IntegrityError):
            tm.store([changed, bad])
        assert tm.lookup_many(["一句话。", "两句话。"]) == {"一句话。": "One."}


# ---------------------------------------------------------------- opening


def test_open_memory_refuses_what_is_not_a_memory(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="no translation memory here"):
        open_memory(tmp_path / "missing.sqlite3")
    text = tmp_path / "documents.jsonl"
    text.write_text("{}\n" * 100, encoding="utf-8")
    with pytest.raises(PipelineError, match="not a translation memory"):
        open_memory(text)
    with TranslationCache.in_dir(tmp_path):
        pass
    with pytest.raises(PipelineError, match="not a zhen translation memory"):
        open_memory(tmp_path / "translations.sqlite3", create=True)
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    with pytest.raises(PipelineError, match="not a zhen translation memory"):
        open_memory(empty)
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(PipelineError, match="newer than this zhen"):
        open_memory(newer, create=True)


def test_open_memory_takes_a_run_directory_and_reads_read_only(tmp_path: Path) -> None:
    with open_memory(tmp_path, create=True) as tm:
        assert tm.path == tmp_path / MEMORY_FILE and len(tm) == 0
    with open_memory(tmp_path) as tm, pytest.raises(sqlite3.OperationalError, match="readonly"):
        tm.store([MemoryEntry("a", "b", "c", "d", "e", "f", "g", "h")])


# ---------------------------------------------------------------- reusing


def _seg(normalized: str, en: str = "", status: str = "pending") -> Segment:
    return Segment("d:0:0", "d", 0, 0, 0, len(normalized), normalized, normalized, en, status)


def test_apply_memory_fills_exact_matches_only(tmp_path: Path) -> None:
    entry = MemoryEntry("Café 一句话。", "Café, one sentence.", "mt", "x:0:0", "x", "r", "o", "t")
    with open_memory(tmp_path, create=True) as tm:
        tm.store([entry])
    segments = [
        _seg("Cafe\u0301\n 一句话。"),  # NFD and a line break: the same sentence
        _seg("Café 一句话"),  # no full stop: not an exact match
        _seg(""),
        _seg("Café  一句话。", "old", "translated"),
    ]
    with open_memory(tmp_path) as tm:
        assert apply_memory(segments, tm).reused == 2
    assert [(s.en, s.status) for s in segments] == [
        ("Café, one sentence.", "memory"),
        ("", "pending"),
        ("", "pending"),
        ("Café, one sentence.", "memory"),
    ]


def test_memory_hits_show_in_every_export(run: dict[str, list[Path]], tmp_path: Path) -> None:
    import polars as pl

    import_review(edit_export(run, "tsv", EDITS["tsv"]))
    docs = build_docs()
    for seg in (s for d in docs for s in d.segments):
        seg.en, seg.status = "", "pending"
    with open_memory(tmp_path / "run") as tm:
        assert apply_memory([s for d in docs for s in d.segments], tm).reused == 2
    out = tmp_path / "again"
    files = export_run(docs, RUN, out, ["tsv", "tmx", "xliff", "xliff12", "html"])
    table = pl.read_csv(files["tsv"][0], separator="\t", infer_schema=False)
    hits = table.filter(pl.col("status") == "memory")
    assert sorted(hits["en"].to_list()) == ["One sentence.", EDITED]
    assert '<prop type="x-status">memory</prop>' in files["tmx"][0].read_text(encoding="utf-8")
    assert 'subState="zhen:memory"' in files["xliff"][0].read_text(encoding="utf-8")
    assert 'state-qualifier="leveraged-tm"' in (out / "xliff12" / "plain.xlf").read_text("utf-8")
    assert '<span class="badge n">memory</span>' in files["html"][0].read_text(encoding="utf-8")


def test_translate_run_reuses_memory_before_the_model(
    tiny_package: object, model_dirs: object, tmp_path: Path
) -> None:
    """The orchestrator's memory step on the tiny real model: hits are never re-translated."""
    from pipeline.run import translate_run
    from pipeline.settings import RunOptions, Settings, TranslateSettings

    source = tmp_path / "in.txt"
    source.write_text("中国周日试射了一枚导弹。\n\n美国总统在白宫发表讲话。\n", encoding="utf-8")
    hit = MemoryEntry(
        "中国周日试射了一枚导弹。", "China test-fired a missile on Sunday.", "mt", "x", "x", "r",
        "o", "t",
    )  # fmt: skip
    with open_memory(tmp_path / "tm.sqlite3", create=True) as tm:
        tm.store([hit])
    settings = Settings(
        translate=TranslateSettings(model=tiny_package.path, cache_dir=None, threads=1)  # type: ignore[attr-defined]
    )
    options = RunOptions(
        outdir=tmp_path / "out", dirs=model_dirs, exports=("tsv",), memory=tmp_path / "tm.sqlite3"
    )
    result = translate_run([str(source)], settings, options)
    segments = next(result.iter_documents()).segments
    assert (segments[0].status, segments[0].en) == (
        "memory",
        "China test-fired a missile on Sunday.",
    )
    assert segments[1].status == "translated"
    assert result.signature["stats"]["translate"]["memory"] == 1
    assert "\tmemory\t" in (tmp_path / "out" / "segments.tsv").read_text(encoding="utf-8")


# ---------------------------------------------------------------- stats, list


def test_stats_and_list(run: dict[str, list[Path]], run_dir: Path) -> None:
    import_review(edit_export(run, "tsv", EDITS["tsv"]))
    stats = memory_stats(run_dir)
    assert (stats.entries, stats.edited, stats.confirmed, stats.documents, stats.origins) == (
        2, 1, 1, 2, 1,
    )  # fmt: skip
    assert stats.first_import is not None and stats.first_import == stats.last_import
    assert len(list_memory(run_dir, limit=1)) == 1


def _sentence(seg_id: str, text: str, source: str | None = None) -> Segment:
    return Segment(seg_id, "d", 0, 0, 0, len(text), source or text, text)


def test_close_matches_are_suggested_not_reused() -> None:
    pairs = [("国防部周二发表声明。", "The MND issued a statement on Tuesday."),
             ("完全不同的一句话。", "Something else.")]  # fmt: skip
    close = _sentence("d:0:0", "国防部周三发表声明。")
    far = _sentence("d:0:1", "今天天气很好。")
    number = _sentence("d:0:2", "2025")
    assert suggest_matches([close, far, number], pairs) == 1
    (match,) = close.matches
    assert match.en == "The MND issued a statement on Tuesday." and 75 <= match.score < 100
    assert far.matches == [] and number.matches == []
    assert close.en == "" and close.status == "pending"


def test_tmx_as_memory_matches_originals_and_skips_machine_translation(tmp_path: Path) -> None:
    tmx_path = tmp_path / "project_save.tmx"
    tmx_path.write_text(
        '<tmx version="1.4"><header srclang="zh-TW"/><body>'
        '<tu changedate="20240601T100000Z"><tuv xml:lang="zh-TW"><seg>國防部發表聲明。</seg></tuv>'
        '<tuv xml:lang="en"><seg>The MND issued a statement.</seg></tuv></tu>'
        '<tu tuid="d:9:9"><prop type="x-status">translated</prop><tuv xml:lang="zh-TW"><seg>'
        '演習開始。</seg></tuv><tuv xml:lang="en"><seg>Raw MT.</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    segs = [
        _sentence("d:0:0", "国防部发表声明。", "國防部發表聲明。"),
        _sentence("d:0:1", "演习开始。", "演習開始。"),
    ]
    with open_reviewed(tmx_path) as memory:
        stats = apply_memory(segs, memory)
    assert (stats.reused, segs[0].en, segs[0].status) == (
        1,
        "The MND issued a statement.",
        "memory",
    )
    assert segs[1].status == "pending"


# ---------------------------------------------------------------- a damaged memory


def _damaged_memory(tmp_path: Path) -> Path:
    path = tmp_path / MEMORY_FILE
    entries = [
        MemoryEntry(
            f"第{i}句话。" * 10, f"Sentence {i}." * 10, "mt", f"d:0:{i}", "d", "r", "f", "t"
        )
        for i in range(2000)
    ]
    with open_memory(path, create=True) as tm:
        tm.store(entries)
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 8192] = b"\x55" * 8192  # pages, not the header
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_memory_is_one_line_naming_it(tmp_path: Path) -> None:
    path = _damaged_memory(tmp_path)
    segments = [_seg(f"第{i}句话。" * 10) for i in range(2000)]
    with (
        pytest.raises(TranslationMemoryError, match="cannot read the translation memory") as err,
        open_reviewed(path) as tm,
    ):
        apply_memory(segments, tm)  # before the fix: sqlite3.DatabaseError traceback
    assert err.value.file == str(path) and "\n" not in str(err.value)
    assert "malformed" in err.value.message


@pytest.mark.parametrize("command", ["stats", "list", "translate"])
def test_review_and_translate_report_a_damaged_memory_in_one_line(
    tmp_path: Path, command: str
) -> None:
    from typer.testing import CliRunner

    from pipeline.cli.app import app

    path = _damaged_memory(tmp_path)
    source = tmp_path / "a.txt"
    source.write_text("第1句话。" * 10, encoding="utf-8")
    args = {
        "stats": ["review", "stats", "--memory", str(path)],
        "list": ["review", "list", "--memory", str(path)],
        "translate": ["translate", str(source), "-o", str(tmp_path / "out"), "--memory", str(path),
                      "--cache-dir", str(tmp_path / "cache"), "-q"],
    }[command]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"zhen: error: {path}: [memory] cannot read"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_review_import_into_a_damaged_memory_is_one_line(
    run: dict[str, list[Path]], tmp_path: Path
) -> None:
    path = _damaged_memory(tmp_path)
    with pytest.raises(TranslationMemoryError, match="cannot read the translation memory"):
        import_review(edit_export(run, "tsv", EDITS["tsv"]), memory_path=path)

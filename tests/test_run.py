"""End-to-end runs through the orchestrator: inputs → outputs and exports parsed by real consumers.

The tiny package (random weights) exercises the real install → load → translate → write path
everywhere; the real zh→en package (skipped when ../shared is absent) checks real English.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from conftest import REPO, SHARED
from lxml import etree

from pipeline.glossary.collection import Glossary
from pipeline.glossary.tsv import load_glossaries
from pipeline.run import export_existing_run, prepare, title_segments, translate_run
from pipeline.settings import EnforceSettings, RunOptions, Settings, TranslateSettings
from pipeline.store.rundir import RunDir

SAMPLES = REPO / "corpora" / "samples"
XSD = REPO / "tests" / "data" / "export" / "xliff_core_2.0.xsd"
ALL_FORMATS = ("tmx", "xliff", "xliff12", "tsv", "csv", "parquet", "html")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _settings(model: Path, tmp_path: Path, beam: int = 1) -> Settings:
    return Settings(
        translate=TranslateSettings(model=model, beam=beam, cache_dir=tmp_path / "cache")
    )


def _glossary(settings: Settings) -> Glossary:
    return load_glossaries(sorted((REPO / "glossaries").glob("*.tsv")), settings.normalize)


def test_prepare_collects_failures_and_keeps_going(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    good = SAMPLES / "new-start-brief.txt"
    prepared = prepare([str(tmp_path / "empty.txt"), str(good), str(tmp_path / "binary.txt")],
                       Settings())  # fmt: skip
    assert [d.path for d in prepared.docs] == [str(good)]
    assert {Path(e.file).name for e in prepared.failures} == {"empty.txt", "binary.txt"}
    assert all(e.stage == "ingest" for e in prepared.failures)


def test_duplicate_document_names_get_unique_ids(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "index.txt").write_text("中国发射了一枚导弹。\n", encoding="utf-8")
    prepared = prepare([str(tmp_path)], Settings())
    ids = [d.id for d in prepared.docs]
    assert len(set(ids)) == 2
    for doc in prepared.docs:
        assert all(s.id.startswith(f"{doc.id}:") for s in doc.segments)


def test_tiny_model_run_writes_every_output(tiny_archive: Path, model_dirs, tmp_path: Path) -> None:
    settings = _settings(tiny_archive, tmp_path)
    out = tmp_path / "out"
    options = RunOptions(outdir=out, dirs=model_dirs, exports=ALL_FORMATS)
    result = translate_run([str(SAMPLES)], settings, options)
    assert not result.prepared.failures
    ids = {d.id for d in result.prepared.docs}
    assert len(ids) == 4
    for doc_id in ids:
        assert (out / f"{doc_id}.en.md").is_file()
        assert (out / f"{doc_id}.bilingual.md").read_text(encoding="utf-8").strip()
    records = [json.loads(x) for x in (out / "segments.jsonl").read_text().splitlines()]
    assert len(records) == sum(len(d.segments) for d in result.prepared.docs)
    assert {"id", "source", "normalized", "en"} <= records[0].keys()
    assert all("▁" not in r["en"] for r in records)
    run = json.loads((out / "run.json").read_text())
    assert run["model"]["sha256"] and run["model"]["version"]
    assert run["settings"]["translate"]["beam"] == 1
    assert {"prepare", "load_model", "translate", "write", "total"} <= run["timings"].keys()
    assert run["packages"]["ctranslate2"] != "absent"
    assert run["stats"]["translate"]["segments"] == len(records)
    assert (out / "bilingual.tmx").is_file() and (out / "review.html").is_file()
    # the original of the Traditional sample is kept beside its normalized text
    traditional = next(d for d in result.prepared.docs if "zh-tw" in d.id)
    assert any(s.source != s.normalized for s in traditional.segments)


def test_rerun_is_served_from_cache(tiny_archive: Path, model_dirs, tmp_path: Path) -> None:
    settings = _settings(tiny_archive, tmp_path)
    inputs = [str(SAMPLES / "new-start-brief.txt")]
    first = translate_run(inputs, settings, RunOptions(outdir=tmp_path / "1", dirs=model_dirs))
    second = translate_run(inputs, settings, RunOptions(outdir=tmp_path / "2", dirs=model_dirs))
    assert first.signature["stats"]["translate"]["translated"] > 0
    assert second.signature["stats"]["translate"]["translated"] == 0
    assert (
        second.signature["stats"]["translate"]["cached"]
        == (first.signature["stats"]["translate"]["translated"])
    )
    assert (tmp_path / "1" / "segments.jsonl").read_text() == (
        (tmp_path / "2" / "segments.jsonl").read_text().replace('"cached"', '"translated"')
    )


def test_bad_input_writes_nothing_for_it(tiny_archive: Path, model_dirs, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    out = tmp_path / "out"
    result = translate_run(
        [str(bad), str(SAMPLES / "new-start-brief.txt")],
        _settings(tiny_archive, tmp_path),
        RunOptions(outdir=out, dirs=model_dirs),
    )
    assert len(result.prepared.failures) == 1
    assert not list(out.glob("bad*"))
    assert not list(out.glob(".*tmp"))
    assert (out / "new-start-brief.en.md").is_file()
    assert json.loads((out / "run.json").read_text())["failures"][0]["file"] == str(bad)


def test_export_existing_run_rebuilds_documents(
    tiny_archive: Path, model_dirs, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    translate_run([str(SAMPLES)], _settings(tiny_archive, tmp_path),
                  RunOptions(outdir=out, dirs=model_dirs))  # fmt: skip
    written = export_existing_run(out, tmp_path / "exp", ("tsv", "tmx"), [])
    assert {p.name for p in written} == {"segments.tsv", "bilingual.tmx"}
    frame = pl.read_csv(tmp_path / "exp" / "segments.tsv", separator="\t", infer_schema=False)
    docs = RunDir(out).read_documents()
    assert frame.height == sum(len(d.segments) for d in docs)


# --- the real model ---------------------------------------------------------------------------


def _real_inputs() -> list[str]:
    samples = SHARED / "samples"
    if not samples.is_dir():
        pytest.skip("../shared/samples not available")
    return [str(samples / "rfi-feed-export.html"), str(samples / "zhihu-omnivore-export.md"),
            str(SAMPLES)]  # fmt: skip


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The shared samples and corpora/samples through the real model, glossary and all exports."""
    from conftest import DEAD_INDEX, REAL_MODEL

    from pipeline.settings import ModelDirs

    if not REAL_MODEL.is_file():
        pytest.skip("real model not available")
    inputs = _real_inputs()
    root = tmp_path_factory.mktemp("real-run")
    dirs = ModelDirs(install_dir=root / "p", cache_dir=root / "c", index_url=DEAD_INDEX)
    settings = _settings(REAL_MODEL, root, beam=2)
    options = RunOptions(
        outdir=root / "out", dirs=dirs, enforce=EnforceSettings(), exports=ALL_FORMATS
    )
    return root / "out", translate_run(inputs, settings, options, glossary=_glossary(settings))


@pytest.mark.model
def test_real_run_outputs_english(real_run: tuple[Path, object]) -> None:
    out, result = real_run
    assert not result.prepared.failures
    english = (out / "rfi-feed-export.en.md").read_text(encoding="utf-8")
    assert "missile" in english and "China" in english
    assert "▁" not in english
    body = english.split("---")[0]
    assert not CJK.search(body)
    assert "intercontinental ballistic missile (ICBM)" in english
    assert "submarine-launched ballistic missile (SLBM)" in english
    assert english.count("ICBM") >= 3  # later mentions use the abbreviation
    run = json.loads((out / "run.json").read_text())
    terms = run["stats"]["translate"]["terms"]
    assert terms["found"] > 0 and terms["missed"] + terms["unsafe"] <= 2
    segments = [s for d in result.prepared.docs for s in d.segments]
    assert all("term-missed" in s.flags for s in segments if s.terms_missed)
    assert run["glossary"]["enforce"]["term_style"] == "first"


@pytest.mark.model
def test_real_run_exports_parse_in_real_consumers(real_run: tuple[Path, object]) -> None:
    from translate.storage import tmx, xliff

    out, result = real_run
    segments = [s for d in result.prepared.docs for s in d.segments]
    store = tmx.tmxfile.parsefile(str(out / "bilingual.tmx"))
    units = [u for u in store.units if u.source]
    assert len(units) == len(segments)
    assert {u.getid() for u in units} == {s.id for s in segments}
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    xliff2 = sorted((out / "xliff").glob("*.xlf"))
    assert len(xliff2) == len(result.prepared.docs)
    for path in xliff2:
        assert schema.validate(etree.parse(str(path))), schema.error_log
    for path in sorted((out / "xliff12").glob("*.xlf")):
        assert [u for u in xliff.xlifffile.parsefile(str(path)).units if u.source]
    parquet = pl.read_parquet(out / "segments.parquet")
    assert parquet.height == len(segments)
    assert set(parquet["en"].to_list()) == {s.en for s in segments}
    html = (out / "review.html").read_text(encoding="utf-8")
    assert html.count('<tr class="seg') == len(segments)
    assert "<mark" in html


def test_title_segments_are_the_titles_and_headings() -> None:
    from pipeline.document import Block, Document, Metadata, Segment

    blocks = [
        Block(0, "title", "标题"),
        Block(1, "paragraph", "正文"),
        Block(2, "heading", "小标题"),
    ]
    segments = [Segment(f"d:{b.index}:0", "d", b.index, 0, 0, 2, b.text, b.text) for b in blocks]
    doc = Document("d", "d.md", "markdown", "utf-8", Metadata(), blocks, segments=segments)
    assert title_segments([doc]) == {"d:0:0", "d:2:0"}

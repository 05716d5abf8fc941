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

from pipeline.executors.steps import title_segments
from pipeline.glossary.collection import Glossary
from pipeline.glossary.tsv import load_glossaries
from pipeline.run import export_existing_run, prepare, translate_run
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
    assert not result.failures
    ids = {d.id for d in list(result.iter_documents())}
    assert len(ids) == 4
    for doc_id in ids:
        assert (out / f"{doc_id}.en.md").is_file()
        assert (out / f"{doc_id}.bilingual.md").read_text(encoding="utf-8").strip()
    records = [json.loads(x) for x in (out / "segments.jsonl").read_text().splitlines()]
    assert len(records) == sum(len(d.segments) for d in list(result.iter_documents()))
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
    traditional = next(d for d in list(result.iter_documents()) if "zh-tw" in d.id)
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


def test_document_terms_and_spans_are_recorded(
    tiny_archive: Path, model_dirs, tmp_path: Path
) -> None:
    article = tmp_path / "acton.txt"
    article.write_text(
        "卡内基研究员艾克顿（James Acton）用ChatGPT写报告。\n\n艾克顿说：“好。”\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = translate_run(
        [str(article)], _settings(tiny_archive, tmp_path), RunOptions(outdir=out, dirs=model_dirs)
    )
    (doc,) = RunDir(out).read_documents()
    assert [(t.id, t.zh, t.en, t.short) for t in doc.terms] == [
        ("doc:james-acton", ["艾克顿"], "James Acton", "Acton")
    ]
    run = json.loads((out / "run.json").read_text())
    assert run["document_terms"]["terms"] == 1
    entry = json.loads((out / "manifest.jsonl").read_text().splitlines()[1])
    assert entry["own_terms"][0]["segment"] == "acton:0:0"
    spans = run["stats"]["translate"]["spans"]
    assert spans["spans"] >= 1 and spans["kept"] + spans["lost"] == spans["spans"]
    flagged = [s for s in next(result.iter_documents()).segments if "span-lost" in s.flags]
    assert len(flagged) == spans["flagged"]


def test_bad_input_writes_nothing_for_it(tiny_archive: Path, model_dirs, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    out = tmp_path / "out"
    result = translate_run(
        [str(bad), str(SAMPLES / "new-start-brief.txt")],
        _settings(tiny_archive, tmp_path),
        RunOptions(outdir=out, dirs=model_dirs),
    )
    assert len(result.failures) == 1
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
    exported = export_existing_run(out, tmp_path / "exp", ("tsv", "tmx"), [])
    assert {p.name for p in exported.written} == {"segments.tsv", "bilingual.tmx"}
    assert exported.warnings == []
    frame = pl.read_csv(tmp_path / "exp" / "segments.tsv", separator="\t", infer_schema=False)
    docs = RunDir(out).read_documents()
    assert frame.height == sum(len(d.segments) for d in docs)


def test_glossaries_travel_with_the_run(
    tiny_archive: Path, model_dirs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run.json records each glossary file; zhen export from another folder uses them and marks
    the same terms as the run's own review page; a changed or missing file is a warning."""
    glossary_file = tmp_path / "terms.tsv"
    glossary_file.write_bytes((REPO / "glossaries" / "arms-control.tsv").read_bytes())
    settings = _settings(tiny_archive, tmp_path)
    glossary = load_glossaries([glossary_file], settings.normalize)
    out = tmp_path / "out"
    translate_run([str(SAMPLES)], settings,
                  RunOptions(outdir=out, dirs=model_dirs, exports=("html",)),
                  glossary=glossary, glossary_files=[glossary_file])  # fmt: skip
    block = json.loads((out / "run.json").read_text())["glossary"]
    (record,) = block["files"]
    assert record["path"] == str(glossary_file.resolve())
    assert record["terms"] == len(glossary) and len(record["sha256"]) == 64
    own = (out / "review.html").read_text().count('<mark class="term')
    assert own > 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    exported = export_existing_run(out, elsewhere / "exp", ("html",))
    assert exported.warnings == []
    assert (elsewhere / "exp" / "review.html").read_text().count('<mark class="term') == own
    glossary_file.write_text(glossary_file.read_text() + "\n")
    assert "changed since the run" in export_existing_run(out, elsewhere, ("html",)).warnings[0]
    glossary_file.unlink()
    gone = export_existing_run(out, elsewhere / "gone", ("html",))
    assert "is gone" in gone.warnings[0]
    # Only the documents' own terms (``doc:…``) are left to mark once the glossary is gone.
    marks = re.findall(
        r'<mark class="term[^"]*" title="([^"]*)"', (elsewhere / "gone" / "review.html").read_text()
    )
    assert all(title.startswith("doc:") for title in marks)


def test_run_without_glossary_records_none(tiny_archive: Path, model_dirs, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = translate_run(
        [str(SAMPLES / "new-start-brief.txt")],
        _settings(tiny_archive, tmp_path),
        RunOptions(outdir=out, dirs=model_dirs),
    )
    run = json.loads((out / "run.json").read_text())
    assert run["glossary"]["files"] == [] and run["glossary"]["terms"] == 0
    assert len(run["id"]) == 16 and result.signature["id"] == run["id"]


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
    assert not result.failures
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
    segments = [s for d in result.iter_documents() for s in d.segments]
    assert all("term-missed" in s.flags for s in segments if s.terms_missed)
    assert run["glossary"]["enforce"]["term_style"] == "first"


@pytest.mark.model
def test_real_run_exports_parse_in_real_consumers(real_run: tuple[Path, object]) -> None:
    from translate.storage import tmx, xliff

    out, result = real_run
    segments = [s for d in list(result.iter_documents()) for s in d.segments]
    store = tmx.tmxfile.parsefile(str(out / "bilingual.tmx"))
    units = [u for u in store.units if u.source]
    assert len(units) == len(segments)
    assert {u.getid() for u in units} == {s.id for s in segments}
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    xliff2 = sorted((out / "xliff").glob("*.xlf"))
    assert len(xliff2) == len(list(result.iter_documents()))
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


def test_prepare_reads_every_item_of_a_feed_and_keeps_what_ingest_dropped(tmp_path: Path) -> None:
    items = "".join(
        f"<item><title>第{n}条</title><description>第{n}条新闻的正文。</description></item>"
        for n in (1, 2)
    )
    (tmp_path / "feed.xml").write_text(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>频道</title>{items}"
        "</channel></rss>",
        encoding="utf-8",
    )
    (tmp_path / "page.txt").write_text("标题\n\n正文。\n\n广告\n", encoding="utf-8")
    prepared = prepare([str(tmp_path)], Settings())
    assert [d.id for d in prepared.docs] == ["feed-1", "feed-2", "page"]
    assert [d.meta.title for d in prepared.docs] == ["第1条", "第2条", "标题"]
    assert prepared.dropped["page"] == [("ad-label", "广告")]
    assert prepared.dropped["feed-1"] == []


@pytest.mark.model
def test_real_devcorpus_article_keeps_latin_and_the_articles_own_names(
    tmp_path: Path,
) -> None:
    """A real VOA article: its glossed names come out as glossed at every mention, its Latin
    text verbatim, no segment split inside a bracket."""
    from conftest import DEAD_INDEX, REAL_MODEL

    from pipeline.settings import ModelDirs

    article = SHARED / "devcorpus" / "feedx_voa_taiwan_arms_sales_conference.html"
    if not (REAL_MODEL.is_file() and article.is_file()):
        pytest.skip("real model or ../shared/devcorpus not available")
    dirs = ModelDirs(install_dir=tmp_path / "p", cache_dir=tmp_path / "c", index_url=DEAD_INDEX)
    settings = _settings(REAL_MODEL, tmp_path, beam=2)
    options = RunOptions(outdir=tmp_path / "out", dirs=dirs)
    result = translate_run([str(article)], settings, options, glossary=_glossary(settings))
    (doc,) = result.iter_documents()
    terms = {t.en: t for t in doc.terms}
    assert {"Rupert Hammond-Chambers", "David Helvey", "James Moriarty"} <= terms.keys()
    mentions = [s for s in doc.segments if "韩儒伯" in s.normalized]
    assert len(mentions) >= 5
    assert all("Hammond-Chambers" in s.en for s in mentions), [s.en for s in mentions]
    latin = [s for s in doc.segments if "MQ-9" in s.normalized]
    assert latin and all("MQ-9" in s.en for s in latin)
    for block in doc.blocks:
        for seg in doc.segments_of(block.index)[1:]:
            before = block.text[: seg.start]
            assert before.count("(") == before.count(")"), seg.source


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

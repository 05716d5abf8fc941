"""A run owns its folder: resume by document, stale files removed, settings refused, a full disk
or a kill leaving files that agree, records in run order — through real runs of the tiny model."""

from __future__ import annotations

import errno
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO

from pipeline.errors import RunFolderError
from pipeline.executors.local import LocalExecutor
from pipeline.run import translate_run
from pipeline.settings import ModelDirs, RunOptions, Settings, TranslateSettings
from pipeline.store.recorder import Recorder
from pipeline.store.rundir import RunDir
from pipeline.store.runfolder import RunLock

SAMPLES = REPO / "corpora" / "samples"
SMALL_GROUPS = LocalExecutor(group_segments=(4,))
"""Groups of a few segments: the four samples take several groups, as a large run would."""


def _settings(model: Path, beam: int = 1) -> Settings:
    return Settings(translate=TranslateSettings(model=model, beam=beam, threads=1))


def _options(out: Path, dirs: ModelDirs, **kw: object) -> RunOptions:
    return RunOptions(outdir=out, dirs=dirs, use_cache=False, **kw)  # type: ignore[arg-type]


def _corpus(folder: Path, names: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in names.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


_DATES = re.compile(rb"\d{8}T\d{6}Z|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?(?:[.]\d+)?")


def _files(folder: Path) -> dict[str, bytes]:
    """The folder's files as bytes, with what differs between two runs by design taken out:
    run ids, dates, the folder's own path, timings."""
    found: dict[str, bytes] = {}
    run_id = json.loads((folder / "run.json").read_text())["id"].encode()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name == ".zhen.lock":
            continue
        data = path.read_bytes().replace(run_id, b"RUN").replace(str(folder).encode(), b"DIR")
        data = _DATES.sub(b"DATE", data)
        if path.name == "run.json":
            meta = json.loads(path.read_bytes())
            data = json.dumps(
                {k: meta[k] for k in ("settings", "model", "failures", "glossary")}
                | {"documents": {k: v for k, v in meta["documents"].items() if k != "kept"}}
            ).encode()
        if path.name == "manifest.jsonl":
            data = data.split(b"\n", 1)[1]
        found[str(path.relative_to(folder))] = data
    return found


class _Stop(Exception):
    """Stands for the run being killed."""


class _KillAfter:
    """A progress display that 'kills' the run once ``documents`` documents are written."""

    def __init__(self, documents: int) -> None:
        self.left = documents

    def planned(self, inputs: int, size: int) -> None: ...

    def prepared(self, inputs: int, size: int, chars: int) -> None: ...

    def translated(self, segments: int) -> None: ...

    def written(self, documents: int, size: int, chars: int) -> None:
        self.left -= documents
        if self.left <= 0:
            raise _Stop


def test_interrupted_run_resumes_to_an_uninterrupted_runs_outputs(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    settings = _settings(tiny_archive)
    exports = ("xliff", "tmx", "html", "tsv")
    full = tmp_path / "full"
    translate_run([str(SAMPLES)], settings, _options(full, model_dirs, exports=exports),
                  executor=SMALL_GROUPS)  # fmt: skip
    out = tmp_path / "out"
    with pytest.raises(_Stop):
        translate_run([str(SAMPLES)], settings, _options(out, model_dirs, exports=exports),
                      progress=_KillAfter(2), executor=SMALL_GROUPS)  # fmt: skip
    assert not (out / "run.json").exists()  # an interrupted run says so: no signature
    complete = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[1:]
    assert len(complete) == 2
    for line in complete:
        for name in json.loads(line)["files"]:
            assert (out / name).is_file()
    resumed = translate_run([str(SAMPLES)], settings, _options(out, model_dirs, exports=exports),
                            executor=SMALL_GROUPS)  # fmt: skip
    assert (resumed.kept, resumed.documents) == (2, 4)
    assert resumed.signature["documents"]["kept"] == 2
    assert _files(out) == _files(full)


def test_temporary_files_a_killed_write_left_are_removed_on_resume(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    """``kill -9`` during an atomic write leaves ``.<name>.<random>.tmp`` behind; the run that
    resumes the folder owns it and removes them, so it ends as an uninterrupted run's."""
    settings = _settings(tiny_archive)
    full = tmp_path / "full"
    translate_run([str(SAMPLES)], settings, _options(full, model_dirs, exports=("xliff",)),
                  executor=SMALL_GROUPS)  # fmt: skip
    out = tmp_path / "out"
    with pytest.raises(_Stop):
        translate_run([str(SAMPLES)], settings, _options(out, model_dirs, exports=("xliff",)),
                      progress=_KillAfter(2), executor=SMALL_GROUPS)  # fmt: skip
    left = [out / ".doc.bilingual.md.k3j_9x2a.tmp", out / "xliff" / ".doc.xlf.abcdefgh.tmp",
            out / ".segments.jsonl.tmp"]  # fmt: skip
    for path in left:
        path.parent.mkdir(exist_ok=True)
        path.write_text("half a file")
    mine = out / ".notes.txt"  # not a temporary of a write: not the run's to remove
    mine.write_text("kept")
    translate_run([str(SAMPLES)], settings, _options(out, model_dirs, exports=("xliff",)),
                  executor=SMALL_GROUPS)  # fmt: skip
    assert not any(path.exists() for path in left)
    mine.unlink()
    assert _files(out) == _files(full)


def test_a_changed_input_is_redone_and_records_stay_in_run_order(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one input per window, only the changed input is done again; its records move back
    between its neighbours'."""
    import pipeline.executors.steps as steps

    monkeypatch.setattr(steps, "WINDOW_INPUTS", 1)
    corpus = _corpus(tmp_path / "in", {f"{n}.txt": f"{n}号文件说中国试射了导弹。\n" for n in "abc"})
    settings, out = _settings(tiny_archive), tmp_path / "out"
    translate_run([str(corpus)], settings, _options(out, model_dirs))
    (corpus / "b.txt").write_text("乙文件今天改了。美国总统发表讲话。\n", encoding="utf-8")
    again = translate_run([str(corpus)], settings, _options(out, model_dirs))
    assert (again.kept, again.documents) == (2, 3)
    docs = RunDir(out).read_documents()
    assert [d.id for d in docs] == ["a", "b", "c"]
    assert "乙文件" in docs[1].segments[0].source
    records = [json.loads(x) for x in (out / "segments.jsonl").read_text().splitlines()]
    assert [r["id"].split(":")[0] for r in records] == [s.doc_id for d in docs for s in d.segments]
    entries = [json.loads(x) for x in (out / "manifest.jsonl").read_text().splitlines()[1:]]
    assert [e["id"] for e in entries] == ["a", "b", "c"]
    fresh = tmp_path / "fresh"
    translate_run([str(corpus)], settings, _options(fresh, model_dirs))
    assert _files(out) == _files(fresh)


def test_files_of_documents_no_longer_in_the_run_are_removed(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "in", {"a.txt": "中国试射了导弹。\n", "b.txt": "美国发表讲话。\n"})
    settings, out = _settings(tiny_archive), tmp_path / "out"
    options = _options(out, model_dirs, exports=("xliff", "html"))
    translate_run([str(corpus)], settings, options)
    assert (out / "b.en.md").is_file() and (out / "xliff" / "b.xlf").is_file()
    (corpus / "b.txt").unlink()
    result = translate_run([str(corpus)], settings, options)
    assert result.removed == 1 and result.documents == 1
    assert not (out / "b.en.md").exists() and not (out / "b.bilingual.md").exists()
    assert not (out / "xliff" / "b.xlf").exists()
    assert [d.id for d in RunDir(out).read_documents()] == ["a"]
    assert 'id="doc-1"' not in (out / "review.html").read_text(encoding="utf-8")


def test_a_run_with_other_settings_is_refused_and_force_replaces_it(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "in", {"a.txt": "中国试射了导弹。\n", "b.txt": "美国发表讲话。\n"})
    out = tmp_path / "out"
    translate_run([str(corpus)], _settings(tiny_archive), _options(out, model_dirs))
    before = (out / "manifest.jsonl").read_bytes()
    with pytest.raises(RunFolderError, match=r"translate\.beam: 1 → 2.*--force"):
        translate_run([str(corpus)], _settings(tiny_archive, beam=2), _options(out, model_dirs))
    assert (out / "manifest.jsonl").read_bytes() == before  # refused before touching anything
    (corpus / "b.txt").unlink()
    result = translate_run([str(corpus / "a.txt")], _settings(tiny_archive, beam=2),
                           _options(out, model_dirs, force=True))  # fmt: skip
    assert result.kept == 0 and result.documents == 1
    assert not (out / "b.en.md").exists()
    assert json.loads((out / "run.json").read_text())["settings"]["translate"]["beam"] == 2


def test_a_folder_from_an_older_zhen_is_refused_without_force(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    RunDir(out).write_documents([])
    RunDir(out).write_signature({"id": "old"})
    with pytest.raises(RunFolderError, match="older zhen"):
        translate_run([str(SAMPLES / "new-start-brief.txt")], _settings(tiny_archive),
                      _options(out, model_dirs))  # fmt: skip
    result = translate_run([str(SAMPLES / "new-start-brief.txt")], _settings(tiny_archive),
                           _options(out, model_dirs, force=True))  # fmt: skip
    assert result.documents == 1


def test_a_second_run_cannot_write_a_locked_folder(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with RunLock(RunDir(out)), pytest.raises(RunFolderError, match=r"another zhen run .*pid"):
        translate_run([str(SAMPLES)], _settings(tiny_archive), _options(out, model_dirs))
    assert not (out / "manifest.jsonl").exists()
    assert translate_run([str(SAMPLES)], _settings(tiny_archive),
                         _options(out, model_dirs)).documents == 4  # fmt: skip


def test_a_full_disk_leaves_a_consistent_folder_that_resumes(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    settings = _settings(tiny_archive)
    translate_run([str(SAMPLES / "new-start-brief.txt")], settings, _options(out, model_dirs))
    assert (out / "run.json").is_file()  # a finished run, about to be extended
    real = Recorder._append
    calls = {"documents": 0}

    def full_disk(self: Recorder, name: str, data: bytes) -> int:
        if name == "documents":
            calls["documents"] += 1
            if calls["documents"] == 3:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, name, data)

    monkeypatch.setattr(Recorder, "_append", full_disk)
    with pytest.raises(RunFolderError, match=r"No space left on device.*run the same command"):
        translate_run([str(SAMPLES)], settings, _options(out, model_dirs))
    assert not (out / "run.json").exists()  # the old signature does not sit beside new records
    entries = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[1:]
    ids = [json.loads(e)["id"] for e in entries]
    assert [d.id for d in RunDir(out).read_documents()] == ids  # records agree with the manifest
    monkeypatch.setattr(Recorder, "_append", real)
    result = translate_run([str(SAMPLES)], settings, _options(out, model_dirs))
    # the two documents finished before the disk filled are kept (the first run's document was
    # prepared in another window of inputs, so it is done again)
    assert (result.documents, result.kept) == (4, 2)
    assert len(RunDir(out).read_documents()) == 4


def test_a_torn_record_after_the_last_complete_document_is_cut_off(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    """A kill in the middle of appending a record: the partial line goes, the document is
    done again."""
    out = tmp_path / "out"
    settings = _settings(tiny_archive)
    translate_run([str(SAMPLES)], settings, _options(out, model_dirs))
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    last = json.loads(lines[-1])
    (out / "manifest.jsonl").write_text("".join(lines[:-1]), encoding="utf-8")
    with open(out / "documents.jsonl", "r+b") as fh:
        fh.truncate(last["documents"][0] + last["documents"][1] // 2)
    (out / "run.json").unlink()
    result = translate_run([str(SAMPLES)], settings, _options(out, model_dirs))
    assert (result.kept, result.documents) == (3, 4)
    assert len(RunDir(out).read_documents()) == 4


def test_documents_are_written_while_later_groups_are_still_to_translate(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.executors.local as local

    out = tmp_path / "out"
    written_before: list[int] = []
    real = local.translate_group

    def spy(docs, engine, how):  # type: ignore[no-untyped-def]
        written_before.append(len(list(out.glob("*.en.md"))))
        return real(docs, engine, how)

    monkeypatch.setattr(local, "translate_group", spy)
    translate_run([str(SAMPLES)], _settings(tiny_archive), _options(out, model_dirs),
                  executor=SMALL_GROUPS)  # fmt: skip
    assert len(written_before) >= 3
    assert written_before[0] == 0 and written_before[-1] > 0
    assert written_before == sorted(written_before)


def test_run_json_holds_counters_and_the_manifest_each_document(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = translate_run([str(SAMPLES)], _settings(tiny_archive), _options(out, model_dirs))
    run = json.loads((out / "run.json").read_text())
    assert run["documents"]["total"] == 4 == result.documents
    assert run["documents"]["segments"] == result.segments > 0
    assert sum(run["documents"]["statuses"].values()) == result.segments
    entries = [json.loads(x) for x in (out / "manifest.jsonl").read_text().splitlines()[1:]]
    assert {e["id"] for e in entries} == {d.id for d in RunDir(out).read_documents()}
    assert all(len(e["fingerprint"]) == 64 and e["files"] for e in entries)


def test_same_names_in_several_folders_never_share_files(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    for sub, name in (("a", "index.txt"), ("b", "index.txt"), ("c", "index-2.txt")):
        _corpus(tmp_path / "in" / sub, {name: f"{sub}文件：中国试射了导弹。\n"})
    out = tmp_path / "out"
    translate_run([str(tmp_path / "in")], _settings(tiny_archive), _options(out, model_dirs))
    ids = [d.id for d in RunDir(out).read_documents()]
    assert len(set(ids)) == 3 and len(list(out.glob("*.en.md"))) == 3


def test_output_folder_checks_come_before_any_work(model_dirs: ModelDirs, tmp_path: Path) -> None:
    """No model is installed in ``model_dirs``: each refusal below happens before it is
    looked for."""
    settings = Settings()
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    with pytest.raises(RunFolderError, match="is a file"):
        translate_run([str(SAMPLES)], settings, _options(afile, model_dirs))
    with pytest.raises(RunFolderError, match="also an input"):
        translate_run([str(SAMPLES)], settings, _options(SAMPLES, model_dirs))
    with pytest.raises(RunFolderError, match="is a file"):
        translate_run([str(SAMPLES)], settings, _options(afile / "out", model_dirs))


def test_an_output_folder_inside_the_input_folder_is_not_read_back(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "in", {"a.txt": "中国试射了导弹。\n", "b.txt": "美国发表讲话。\n"})
    settings = _settings(tiny_archive)
    first = translate_run([str(corpus)], settings, _options(corpus / "out", model_dirs))
    second = translate_run([str(corpus)], settings, _options(corpus / "out", model_dirs))
    assert first.documents == second.documents == 2
    assert second.kept == 2


def test_resumed_run_keeps_the_run_id(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = translate_run([str(SAMPLES)], _settings(tiny_archive), _options(out, model_dirs))
    second = translate_run([str(SAMPLES)], _settings(tiny_archive), _options(out, model_dirs))
    assert first.signature["id"] == second.signature["id"]
    different = replace(_settings(tiny_archive), translate=TranslateSettings(model=tiny_archive))
    third = translate_run([str(SAMPLES)], different, _options(out, model_dirs, force=True))
    assert third.signature["id"] != first.signature["id"]


def test_after_documents_left_the_run_their_review_files_are_gone_and_import_works(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    """Issue 14: a re-run into an old folder used to leave b's XLIFF behind, and importing the
    ``xliff/`` folder then failed on it."""
    from pipeline.review.importer import import_review

    corpus = _corpus(tmp_path / "in", {"a.txt": "中国试射了导弹。\n", "b.txt": "美国发表讲话。\n"})
    out = tmp_path / "out"
    options = _options(out, model_dirs, exports=("xliff",))
    translate_run([str(corpus)], _settings(tiny_archive), options)
    (corpus / "b.txt").unlink()
    translate_run([str(corpus)], _settings(tiny_archive), options)
    assert [p.name for p in (out / "xliff").iterdir()] == ["a.xlf"]
    report = import_review(out / "xliff", run_dir=out)
    assert report.stored == 0  # nothing reviewed yet, and nothing that does not match the run


def test_an_input_whose_name_is_too_long_for_a_file_name_is_written_under_a_shorter_id(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    """240 bytes of stem: the id is cut to fit file-name limits (a hash of the stem keeps it
    unique), so the document is translated like the others instead of failing to be written."""
    long = "导弹" * 40
    texts = {f"{long}.txt": "中国试射了导弹。\n", "b.txt": "美国发表讲话。\n"}
    corpus = _corpus(tmp_path / "in", texts)
    out = tmp_path / "out"
    result = translate_run([str(corpus)], _settings(tiny_archive), _options(out, model_dirs))
    assert result.failures == [] and result.documents == 2
    (english,) = [p for p in out.glob("*.en.md") if p.name.startswith("导弹")]
    assert len(english.name.encode()) < 255 and (out / "b.en.md").is_file()
    assert not list(out.glob("*.tmp*"))


def test_two_runs_started_at_once_on_one_folder(tiny_archive: Path, tmp_path: Path) -> None:
    """Two real processes: one writes the folder, the other stops at once with one line."""
    import subprocess
    import sys

    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "translate", str(SAMPLES), "-o", str(out), "-q",
           "--model", str(tiny_archive), "--no-cache", "--no-glossary", "--beam", "1"]  # fmt: skip
    env = {"XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CACHE_HOME": str(tmp_path / "c"),
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    procs = [subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    codes = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    finished = [err for code, err in codes if code == 0]
    refused = [err for code, err in codes if code == 1]
    if not refused:  # the first finished before the second started: both ran, one resumed
        assert len(finished) == 2
        return
    assert len(finished) == 1
    (line,) = refused[0].strip().splitlines()
    assert "another zhen run" in line
    run = json.loads((out / "run.json").read_text())
    assert run["documents"]["total"] == 4 == len(list(out.glob("*.en.md")))


def test_a_changed_input_redoes_its_window(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    """Boilerplate is judged across a window's documents, so a changed input redoes its whole
    window (from the cache): the folder still matches a fresh run's."""
    corpus = _corpus(tmp_path / "in", {f"{n}.txt": f"{n}号文件说中国试射了导弹。\n" for n in "abc"})
    settings, out = _settings(tiny_archive), tmp_path / "out"
    translate_run([str(corpus)], settings, _options(out, model_dirs))
    (corpus / "c.txt").write_text("丙文件今天改了。\n", encoding="utf-8")
    again = translate_run([str(corpus)], settings, _options(out, model_dirs))
    assert (again.kept, again.documents, again.removed) == (0, 3, 0)
    fresh = tmp_path / "fresh"
    translate_run([str(corpus)], settings, _options(fresh, model_dirs))
    assert _files(out) == _files(fresh)

"""The run folder's ground rules: checked before any work, one run at a time, a manifest that
tolerates being cut short, inputs fingerprinted without ever hanging on a pipe."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import pytest

from pipeline.errors import RunFolderError
from pipeline.store.rundir import RunDir
from pipeline.store.runfolder import (
    Entry,
    RunLock,
    check_output,
    file_fingerprint,
    read_previous,
    settings_changes,
)


def _entry(doc_id: str, source: str, fingerprint: str = "f", part: int = 0) -> Entry:
    return Entry(
        id=doc_id, base=doc_id, source=source, fingerprint=fingerprint, part=part, parts=1,
        format="text", encoding="utf-8", title=None, url=None, blocks=1, segments=1, chars=3,
        files=(f"{doc_id}.en.md",), documents=(0, 10), records=(0, 5),
        statuses={"translated": 1}, flags={},
    )  # fmt: skip


def test_entry_round_trips_through_json() -> None:
    entry = _entry("a", "in/a.txt")
    assert Entry.from_json(json.loads(entry.to_json())) == entry


def test_check_output_refuses_files_inputs_and_unwritable_places(tmp_path: Path) -> None:
    afile = tmp_path / "x.txt"
    afile.write_text("x")
    with pytest.raises(RunFolderError, match="is a file"):
        check_output(afile, [])
    with pytest.raises(RunFolderError, match="is a file"):
        check_output(afile / "sub" / "out", [])
    with pytest.raises(RunFolderError, match="also an input"):
        check_output(tmp_path, [str(tmp_path)])
    check_output(tmp_path / "new" / "out", [str(tmp_path)])  # inside an input folder: fine
    assert not (tmp_path / "new").exists()  # checked, not created


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_check_output_refuses_a_read_only_folder(tmp_path: Path) -> None:
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(RunFolderError, match="not writable"):
            check_output(locked / "out", [])
    finally:
        locked.chmod(0o700)


def test_one_run_at_a_time(tmp_path: Path) -> None:
    run = RunDir(tmp_path)
    busy = r"another zhen run \(pid \d+ on .*\) is writing"
    with RunLock(run), pytest.raises(RunFolderError, match=busy):
        RunLock(run).__enter__()
    with RunLock(run):  # released at the end of the first run
        pass


def test_manifest_reading_tolerates_a_torn_line_and_takes_the_latest_entries(
    tmp_path: Path,
) -> None:
    run = RunDir(tmp_path)
    header = {"manifest": 1, "run": "r", "settings": {}}
    lines = [json.dumps(header) + "\n", _entry("a", "a.txt", "old").to_json()]
    lines += [_entry("b", "b.txt").to_json(), _entry("a", "a.txt", "new").to_json()]
    run.manifest.write_text("".join(lines) + '{"id": "c", "sou', encoding="utf-8")
    previous = read_previous(run)
    assert previous.header == header and not previous.legacy
    assert set(previous.by_source) == {"a.txt", "b.txt"}
    assert [e.fingerprint for _, _, e in previous.by_source["a.txt"]] == ["new"]


def test_settings_changes_name_each_difference() -> None:
    old = {"translate": {"beam": 2, "device": "cpu"}, "exports": ["tmx"]}
    new = {"translate": {"beam": 4, "device": "cpu"}, "exports": []}
    assert settings_changes(old, new) == ['exports: ["tmx"] → []', "translate.beam: 2 → 4"]


def test_fingerprint_is_the_content_hash_and_never_waits_on_a_pipe(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_bytes("中国".encode())
    assert file_fingerprint(str(doc)) == hashlib.sha256("中国".encode()).hexdigest()
    assert file_fingerprint("-", b"abc") == hashlib.sha256(b"abc").hexdigest()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done: list[str] = []
    worker = threading.Thread(target=lambda: done.append(file_fingerprint(str(fifo))))
    worker.start()
    worker.join(timeout=5)
    assert done == [""]
    assert file_fingerprint(str(tmp_path / "missing")) == ""

"""Writing a run folder document by document: records, manifest, resume, order, stale files.

See :mod:`pipeline.store.runfolder` for what the folder guarantees; this is the one writer of
``documents.jsonl``, ``segments.jsonl`` and ``manifest.jsonl`` during a run.
"""

from __future__ import annotations

import contextlib
import json
import os
from array import array
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pipeline.document import Document
from pipeline.errors import RunFolderError
from pipeline.store.rundir import RunDir, document_from_json, document_line, segment_lines
from pipeline.store.runfolder import MANIFEST_VERSION, Entry, lines, read_previous, settings_changes

_ID_PROBE = 200
"""Bytes read at a recorded offset to check that the record there is the document's."""


class Recorder:
    """The run's writer of records and manifest: opens the folder (fresh or resuming), appends
    each finished document, keeps unchanged ones, and puts the folder in order at the end.

    Holds, per document of the run, only its offsets (a few integers), so memory does not grow
    with the size of the run's text.
    """

    def __init__(
        self, run: RunDir, settings: Mapping[str, Any], run_id: str, force: bool = False
    ) -> None:
        self.run = run
        self.settings = json.loads(json.dumps(settings, default=str))
        self.previous = read_previous(run)
        old = self.previous.header
        self.resuming = old is not None and old.get("settings") == self.settings and not force
        if not force and not self.resuming:
            self._refuse(old)
        self.run_id = str(old.get("run", run_id)) if self.resuming and old else run_id
        started = old.get("created") if self.resuming and old else None
        self.created = datetime.fromisoformat(started) if started else datetime.now(UTC)
        """When the run started (a resumed run keeps the first start, as its exports say)."""
        self.removed = 0
        """Documents of an earlier run whose files were removed (no longer in this run)."""
        self._final = array("q")
        """Per document of this run: manifest offset and length, then documents and records
        ``(offset, length)``: six integers."""
        self._ids: set[str] = set()
        self._handles: dict[str, IO[bytes]] = {}
        self._probes: dict[Path, int] = {}
        self._verdicts: dict[tuple[str, str], list[Entry] | None] = {}
        self._dirty = False

    def _refuse(self, old: dict[str, Any] | None) -> None:
        if old is not None:
            changes = "; ".join(settings_changes(old.get("settings") or {}, self.settings))
            raise RunFolderError(
                f"this folder holds a run with other settings ({changes}); re-run with the "
                "same options to resume it, pass --force to replace it, or choose another -o",
                file=self.run.path,
            )
        if self.previous.legacy:
            raise RunFolderError(
                "this folder holds a run of an older zhen (no manifest.jsonl); pass --force to "
                "replace it or choose another -o",
                file=self.run.path,
            )

    def __enter__(self) -> Recorder:
        """Start writing: a fresh run clears the previous run's files, a resumed one cuts any
        torn tail off the record files; either way ``run.json``, run-level exports and the
        temporary files of writes a killed run left half-done go until the end."""
        for path in [*self.run.run_files(), *self.run.leftover_temporaries()]:
            if path not in (self.run.segments, self.run.documents, self.run.manifest):
                _unlink(path)
        if self.resuming:
            self._truncate_records()
        else:
            self._clear_previous()
            header = {
                "manifest": MANIFEST_VERSION,
                "run": self.run_id,
                "created": self.created.isoformat(timespec="seconds"),
                "settings": self.settings,
            }
            for path in (self.run.segments, self.run.documents):
                _unlink(path)
            self._write_new(self.run.manifest, json.dumps(header, ensure_ascii=False) + "\n")
        for name, path in (
            ("manifest", self.run.manifest),
            ("documents", self.run.documents),
            ("segments", self.run.segments),
        ):
            self._handles[name] = _guarded_open(path)
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self._handles.values():
            with contextlib.suppress(OSError):
                handle.close()
        self._handles.clear()
        for fd in self._probes.values():
            os.close(fd)
        self._probes.clear()

    def kept(self, source: str, fingerprint: str, window: str) -> list[Entry] | None:
        """The complete, intact documents recorded for ``source`` with that ``fingerprint``,
        prepared in the same ``window``, when resuming; else ``None`` (the input has to be
        done)."""
        if not self.resuming or not fingerprint:
            return None
        key = (source, fingerprint)
        if key in self._verdicts:  # asked when the input was found, asked again when written
            return self._verdicts.pop(key)
        parts = self.previous.by_source.get(source)
        if not parts or (parts[0][2].fingerprint, parts[0][2].window) != (fingerprint, window):
            return None
        entries = [entry for _, _, entry in parts]
        if len(entries) != entries[0].parts or not all(self._intact(e) for e in entries):
            entries = []
        self._verdicts[key] = entries or None
        return entries or None

    def _intact(self, entry: Entry) -> bool:
        """Its files exist and its records are where the manifest says."""
        if not all((self.run.path / f).is_file() for f in entry.files):
            return False
        probe = f'{{"id": {json.dumps(entry.id, ensure_ascii=False)}'.encode()
        for path, (offset, length) in (
            (self.run.documents, entry.documents),
            (self.run.segments, entry.records),
        ):
            if length == 0:
                continue
            try:
                if path not in self._probes:
                    self._probes[path] = os.open(path, os.O_RDONLY)
                head = os.pread(self._probes[path], min(length, _ID_PROBE + len(probe)), offset)
            except OSError:
                return False
            if path == self.run.documents and not head.startswith(probe):
                return False
            if path == self.run.segments and not head.startswith(b'{"id": '):
                return False
        return True

    def load(self, entry: Entry) -> Document:
        """A recorded document read back from ``documents.jsonl``."""
        offset, length = entry.documents
        with open(self.run.documents, "rb") as fh:
            fh.seek(offset)
            return document_from_json(json.loads(fh.read(length)))

    def keep(self, source: str) -> None:
        """Count ``source``'s recorded documents (see :meth:`kept`) as part of this run."""
        for offset, length, entry in self.previous.by_source[source]:
            self._ids.add(entry.id)
            self._final.extend((offset, length, *entry.documents, *entry.records))

    def record(self, entry: Entry, doc: Document) -> Entry:
        """Append a finished document's records, then its manifest line; returns the entry with
        its offsets. Its own files must already be written."""
        doc_bytes = document_line(doc).encode("utf-8")
        seg_bytes = segment_lines(doc).encode("utf-8")
        documents = (self._append("documents", doc_bytes), len(doc_bytes))
        records = (self._append("segments", seg_bytes), len(seg_bytes))
        self._flush("documents", "segments")
        entry = replace(entry, documents=documents, records=records)
        line = entry.to_json().encode("utf-8")
        offset = self._append("manifest", line)
        self._flush("manifest")
        if self.resuming:  # only a resumed run has files of earlier documents to tell apart
            self._ids.add(entry.id)
        self._final.extend((offset, len(line), *documents, *records))
        self._dirty = True
        return entry

    def sync(self) -> None:
        """Make everything recorded since the last call durable (once per group of documents;
        nothing to do after a group of kept documents)."""
        if not self._dirty:
            return
        self._dirty = False
        for name, handle in self._handles.items():
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:
                raise write_error(exc, self.run.path / name) from None

    def finish(self) -> int:
        """Remove files of documents no longer in the run and put the record files in run
        order; returns the number of documents in the run."""
        self._dirty = True
        self.sync()
        self.__exit__()
        final = self._final
        count = len(final) // 6
        if self.resuming:
            self._remove_stale()
        if not self._in_order():
            self._rewrite(count)
        return count

    def _in_order(self) -> bool:
        """Whether the record files hold exactly this run's documents in run order."""
        final = self._final
        for column, path in ((2, self.run.documents), (4, self.run.segments)):
            position = 0
            for i in range(column, len(final), 6):
                if final[i] != position:
                    return False
                position += final[i + 1]
            if position != _size(path):
                return False
        position = len(next(lines(self.run.manifest))[1])
        for i in range(0, len(final), 6):
            if final[i] != position:
                return False
            position += final[i + 1]
        return position == _size(self.run.manifest)

    def _rewrite(self, count: int) -> None:
        """Write the records and manifest again in run order (a resumed run that redid
        documents in the middle, or dropped some), each file atomically."""
        tmp = {name: path.with_name(f".{path.name}.tmp") for name, path in self._paths().items()}
        final = self._final
        header = json.loads(next(lines(self.run.manifest))[1])
        with (
            open(self.run.manifest, "rb") as manifest,
            open(self.run.documents, "rb") as documents,
            open(self.run.segments, "rb") as segments,
            open(tmp["manifest"], "wb") as out_manifest,
            open(tmp["documents"], "wb") as out_documents,
            open(tmp["segments"], "wb") as out_segments,
        ):
            out_manifest.write((json.dumps(header, ensure_ascii=False) + "\n").encode())
            doc_pos = seg_pos = 0
            for n in range(count):
                m_off, m_len, d_off, d_len, s_off, s_len = final[n * 6 : n * 6 + 6]
                manifest.seek(m_off)
                raw = json.loads(manifest.read(m_len))
                raw["documents"], raw["records"] = [doc_pos, d_len], [seg_pos, s_len]
                out_manifest.write(Entry.from_json(raw).to_json().encode("utf-8"))
                documents.seek(d_off)
                out_documents.write(documents.read(d_len))
                segments.seek(s_off)
                out_segments.write(segments.read(s_len))
                doc_pos += d_len
                seg_pos += s_len
            for handle in (out_manifest, out_documents, out_segments):
                handle.flush()
                os.fsync(handle.fileno())
        for name in ("documents", "segments", "manifest"):
            os.replace(tmp[name], self._paths()[name])

    def _paths(self) -> dict[str, Path]:
        return {
            "manifest": self.run.manifest,
            "documents": self.run.documents,
            "segments": self.run.segments,
        }

    def _remove_stale(self) -> None:
        for parts in self.previous.by_source.values():
            for _, _, entry in parts:
                if entry.id not in self._ids:
                    self.removed += 1
                    for name in entry.files:
                        _unlink(self.run.path / name)

    def _clear_previous(self) -> None:
        """A fresh run in a used folder: remove every file the earlier run recorded."""
        for parts in self.previous.by_source.values():
            for _, _, entry in parts:
                self.removed += 1
                for name in entry.files:
                    _unlink(self.run.path / name)
        if self.previous.legacy and self.run.documents.is_file():
            for line in lines(self.run.documents):
                doc_id = json.loads(line[1]).get("id", "")
                if doc_id:
                    self.removed += 1
                    for path in legacy_files(self.run, doc_id):
                        _unlink(path)

    def _truncate_records(self) -> None:
        ends = {"documents": 0, "segments": 0, "manifest": 0}
        for offset, line in lines(self.run.manifest):
            ends["manifest"] = offset + len(line)
        for parts in self.previous.by_source.values():
            for _, _, entry in parts:
                ends["documents"] = max(ends["documents"], sum(entry.documents))
                ends["segments"] = max(ends["segments"], sum(entry.records))
        for name, path in self._paths().items():
            if path.exists() and _size(path) > ends[name]:
                with open(path, "r+b") as fh:
                    fh.truncate(ends[name])

    def _append(self, name: str, data: bytes) -> int:
        handle = self._handles[name]
        try:
            offset = handle.tell()
            handle.write(data)
        except OSError as exc:
            raise write_error(exc, self._paths()[name]) from None
        return offset

    def _flush(self, *names: str) -> None:
        for name in names:
            try:
                self._handles[name].flush()
            except OSError as exc:
                raise write_error(exc, self._paths()[name]) from None

    def _write_new(self, path: Path, text: str) -> None:
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise write_error(exc, path) from None


def legacy_files(run: RunDir, doc_id: str) -> list[Path]:
    """The per-document files an older zhen wrote for ``doc_id``."""
    files = [run.english(doc_id), run.bilingual(doc_id)]
    return files + [
        run.path / folder / f"{doc_id}.xlf" for folder in ("xliff", "xliff12", "omegat")
    ]


def _guarded_open(path: Path) -> IO[bytes]:
    try:
        return open(path, "ab")
    except OSError as exc:
        raise write_error(exc, path) from None


def write_error(exc: OSError, path: Path) -> RunFolderError:
    """A failed write (full disk, lost permission) as one line: what happened and that
    re-running the same command resumes with every document finished so far."""
    return RunFolderError(
        f"cannot write ({exc.strerror or exc}); free space or fix the folder, then run the same "
        "command again: finished documents are kept",
        file=path,
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()

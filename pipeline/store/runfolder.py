"""A run owns its output folder: checked before any work, locked, recorded document by document.

A folder is checked before anything is translated (a folder, not a file; writable; not one of
the inputs) and locked for the run (``.zhen.lock``, an ``flock`` the kernel releases when the
process dies, so a killed run never leaves a stale lock). Each finished document is appended to
``documents.jsonl`` and ``segments.jsonl`` after its own files are in place, and only then
recorded in ``manifest.jsonl`` — so the manifest, written last for every document, says which
documents are complete, and a run killed at any point (or stopped by a full disk) leaves files
that agree with it. ``run.json`` is removed when a run starts writing and written again when it
ends: a folder without it is a run still going or interrupted.

Re-running the same command resumes: documents whose input is unchanged (same sha256) under the
same settings are kept as they are, the rest are done again and appended; at the end the
record files are put back in run order if resuming left them out of order, and files of
documents no longer in the run are removed. A folder holding a run with other settings is
refused (``--force`` replaces it). The writing itself is :class:`pipeline.store.recorder.Recorder`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.errors import RunFolderError
from pipeline.store.rundir import RunDir

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One line of ``manifest.jsonl``: a complete document, where it came from, what it wrote.

    ``source`` is the input path as discovered and ``fingerprint`` the sha256 of its bytes;
    ``window`` keys the inputs it was prepared with (boilerplate is judged across them: it is
    kept only while they are unchanged); ``part`` numbers the document among the ``parts`` its
    input gave (a feed gives several).
    ``base`` is the id ingest gave it before it was made unique in the run. ``files`` are its
    own files, relative to the folder; ``documents`` and ``records`` are ``(offset, length)``
    of its bytes in ``documents.jsonl`` and ``segments.jsonl``. ``statuses`` and ``flags`` count
    its segments by status and by QA flag, so a resumed run's totals cover the whole run.
    """

    id: str
    base: str
    source: str
    fingerprint: str
    part: int
    parts: int
    format: str
    encoding: str
    title: str | None
    url: str | None
    blocks: int
    segments: int
    chars: int
    files: tuple[str, ...]
    documents: tuple[int, int]
    records: tuple[int, int]
    statuses: Mapping[str, int] = field(default_factory=dict)
    flags: Mapping[str, int] = field(default_factory=dict)
    window: str = ""
    own_terms: tuple[Mapping[str, Any], ...] = ()
    """The terms the document glosses itself, each with the segments it was applied in and
    missed in (``applied``, ``missed``)."""

    def to_json(self) -> str:
        data = asdict(self) | {"statuses": dict(self.statuses), "flags": dict(self.flags)}
        data["own_terms"] = [dict(row) for row in self.own_terms]
        return json.dumps(data, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Entry:
        raw = dict(raw)
        raw["files"] = tuple(raw["files"])
        raw["documents"] = tuple(raw["documents"])
        raw["records"] = tuple(raw["records"])
        raw["own_terms"] = tuple(raw.get("own_terms", ()))
        return cls(**raw)


def file_fingerprint(path: str, data: bytes | None = None) -> str:
    """sha256 of an input's bytes (``data`` when already read); empty for what is not a
    regular file (a pipe or device is never hashed, so it can never hang here)."""
    if data is not None:
        return hashlib.sha256(data).hexdigest()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return ""
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return ""


def check_output(out: Path, inputs: Sequence[str]) -> None:
    """Refuse an output folder that cannot hold a run, before anything is read, fetched or
    translated (and without creating it yet): a file, an input folder itself (its outputs
    would be read as articles by the next run; a folder *inside* an input folder is fine,
    discovery skips it), or one that cannot be written or created."""
    if out.exists() and not out.is_dir():
        raise RunFolderError("this is a file, not a folder; pass a folder to -o", file=out)
    for raw in inputs:
        if raw != "-" and Path(raw).is_dir() and _same(Path(raw), out):
            raise RunFolderError(
                "the output folder is also an input, so every run would translate the last "
                "one's outputs; choose another -o (a folder inside the input folder is fine)",
                file=out,
            )
    existing = out.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise RunFolderError(
            f"cannot create the output folder: {existing} is a file; choose another -o", file=out
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        what = "the output folder is" if existing == out.absolute() else f"{existing} is"
        raise RunFolderError(f"{what} not writable; choose another -o", file=out)


def make_output(out: Path) -> None:
    """Create the output folder checked by :func:`check_output`."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunFolderError(
            f"cannot create the output folder ({exc.strerror}); choose a writable -o", file=out
        ) from None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


class RunLock:
    """``.zhen.lock`` held with ``flock`` for the length of a run."""

    def __init__(self, run: RunDir) -> None:
        self.run = run
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        try:
            fd = os.open(self.run.lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise RunFolderError(
                f"cannot write in the output folder ({exc.strerror}); choose a writable -o",
                file=self.run.path,
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise RunFolderError(
                f"another zhen run ({holder}) is writing this folder; wait for it to finish "
                "or choose another -o",
                file=self.run.path,
            ) from None
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}, since {started}".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


@dataclass
class Previous:
    """What a folder held when a run opened it: its manifest header and, per input, the last
    complete set of documents recorded for it (``None`` when there was no manifest)."""

    header: dict[str, Any] | None
    by_source: dict[str, list[tuple[int, int, Entry]]]
    """input → ``(manifest offset, line length, entry)`` for each of its documents, by part."""
    legacy: bool = False
    """A run of an older zhen: records and a signature but no manifest."""


def read_previous(run: RunDir) -> Previous:
    """The folder's manifest, tolerating a torn last line; later entries for an input replace
    earlier ones (a document done again after its input changed)."""
    legacy = not run.manifest.exists() and (run.documents.exists() or run.signature.exists())
    header: dict[str, Any] | None = None
    by_source: dict[str, list[tuple[int, int, Entry]]] = {}
    for offset, line in lines(run.manifest):
        try:
            raw = json.loads(line)
        except ValueError:
            continue
        if header is None:
            header = raw if isinstance(raw, dict) and "manifest" in raw else None
            if header is None:
                break
            continue
        entry = Entry.from_json(raw)
        parts = by_source.get(entry.source, [])
        if entry.part == 0 or (parts and parts[0][2].fingerprint != entry.fingerprint):
            parts = []
        parts.append((offset, len(line), entry))
        by_source[entry.source] = parts
    return Previous(header, by_source, legacy)


def lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """``(offset, line)`` of every newline-terminated line of ``path`` (none when absent)."""
    if not path.is_file():
        return
    offset = 0
    with open(path, "rb") as fh:
        for line in fh:
            if not line.endswith(b"\n"):
                return
            yield offset, line
            offset += len(line)


def settings_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """``name: old → new`` for each setting that differs, for the refusal message."""
    flat_old, flat_new = _flatten(old), _flatten(new)
    keys = sorted(set(flat_old) | set(flat_new))
    return [
        f"{k}: {flat_old.get(k, '–')} → {flat_new.get(k, '–')}"
        for k in keys
        if flat_old.get(k) != flat_new.get(k)
    ]


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            out |= _flatten(value, f"{prefix}{key}.")
        else:
            out[f"{prefix}{key}"] = json.dumps(value, ensure_ascii=False, default=str)
    return out

"""Atomic file writes: a crash or a bad input never leaves a partial output file behind."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

_TEMPORARY = re.compile(r"\..+\.(?:[a-z0-9_]{8}\.)?tmp")
"""The names :func:`atomic_open` (``.<name>.<8 random>.tmp``) and whole-file rewrites
(``.<name>.tmp``) give their temporary files."""


def temporaries_in(folder: Path) -> list[Path]:
    """Temporary files of atomic writes in ``folder`` that a killed process never renamed or
    removed (``kill -9``, a power cut): garbage for whoever owns the folder to delete."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(
        Path(e.path)
        for e in entries
        if _TEMPORARY.fullmatch(e.name) and e.is_file(follow_symlinks=False)
    )


@contextlib.contextmanager
def atomic_open(dest: Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Open a temp file beside ``dest``; rename it over ``dest`` only if the block succeeds."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        os.chmod(tmp, _mode_for(dest))
        binary = "b" in mode
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None) as fh:
            yield fh
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _mode_for(dest: Path) -> int:
    """Keep an existing file's permissions; new files get the usual 0666 minus the umask.

    ``mkstemp`` creates 0600 files, which would silently make shared glossaries private.
    """
    try:
        return dest.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(dest: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``dest`` atomically."""
    with atomic_open(dest, "w") as fh:
        fh.write(text)


def atomic_write_bytes(dest: Path, data: bytes) -> None:
    """Write ``data`` to ``dest`` atomically."""
    with atomic_open(dest, "wb") as fh:
        fh.write(data)

"""Identify package content: archive hashes, content digests and zhen's install record.

The run signature and the translation cache must change whenever the model does. Packages
zhen installs carry a small record with the sha256 of the archive they came from; packages
other tools installed get a digest of the files that decide translations instead.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

RECORD_NAME = "zhen-package.json"
"""zhen's install record, inside the package directory so it moves with the same rename."""


def sha256_file(path: Path) -> str:
    """Stream a file through sha256 (archives are tens of MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _content_files(package_dir: Path) -> list[Path]:
    """Files whose bytes decide translations: metadata, tokenizer, every model file."""
    model_files = sorted(p for p in (package_dir / "model").rglob("*") if p.is_file())
    return [package_dir / "metadata.json", package_dir / "sentencepiece.model", *model_files]


def content_digest(package_dir: Path) -> str:
    """sha256 over the content files (names and hashes), for packages without an archive."""
    digest = hashlib.sha256()
    for path in _content_files(package_dir):
        name = path.relative_to(package_dir).as_posix()
        digest.update(f"{name}\0{sha256_file(path)}\0".encode())
    return digest.hexdigest()


@functools.cache
def _digest_for_state(package_dir: str, state: tuple[tuple[str, int, int], ...]) -> str:
    """Memoized :func:`content_digest`; ``state`` makes any file change a cache miss."""
    return content_digest(Path(package_dir))


def file_state_digest(package_dir: Path) -> str:
    """:func:`content_digest`, hashed at most once per process while the files are unchanged."""
    state = tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in _content_files(package_dir)
    )
    return _digest_for_state(str(package_dir), state)


def read_record(package_dir: Path) -> dict[str, str]:
    """zhen's install record (archive sha256, source), or ``{}`` when there is none."""
    try:
        record = json.loads((package_dir / RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def write_record(package_dir: Path, record: dict[str, str]) -> None:
    """Write the record into a staged package before it is renamed into place."""
    (package_dir / RECORD_NAME).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")

"""The network side of model management: the Argos package index and package downloads.

Kept apart from :mod:`pipeline.packages.install` so everything that can hang on a network is in one
place with short timeouts, and so every network failure — refused, unresolvable, timed out,
HTTP error, garbage — becomes a :class:`NetworkError` instead of a traceback.
"""

from __future__ import annotations

import http.client
import json
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

from pipeline.errors import ModelError

INDEX_TIMEOUT_S = 5.0
"""Connect/read timeout for the index: an offline laptop should fail within seconds."""
DOWNLOAD_TIMEOUT_S = 30.0
"""Per-socket-operation timeout while downloading; a slow link is fine, a dead one is not."""
_USER_AGENT = "zhen (Argos package client)"
_NETWORK_ERRORS = (OSError, http.client.HTTPException, ValueError)


class NetworkError(ModelError):
    """The index or a download could not be reached; ``what`` and ``reason`` word the message."""

    def __init__(self, what: str, url: str, reason: str) -> None:
        super().__init__(
            f"{what} at {url} is unreachable ({reason}); check your connection, "
            "or install a downloaded package file: zhen models install FILE.argosmodel",
            file=url,
        )
        self.what = what
        self.url = url
        self.reason = reason


def _reason(exc: BaseException) -> str:
    """A short human cause: 'connection refused', 'HTTP 404', 'timed out'."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        inner = exc.reason
        return _reason(inner) if isinstance(inner, BaseException) else str(inner)
    if isinstance(exc, TimeoutError):
        return "timed out"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text[0].lower() + text[1:]


def version_key(version: str) -> tuple[int, ...]:
    """``"1.9"`` → ``(1, 9)`` so ``1.10`` sorts after ``1.9``; junk sorts first."""
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


def fetch_index(url: str, timeout: float = INDEX_TIMEOUT_S) -> list[dict[str, object]]:
    """Download and parse the Argos package index (a JSON list of package metadata)."""
    try:
        request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = json.loads(response.read().decode("utf-8"))
    except _NETWORK_ERRORS as exc:
        raise NetworkError("the Argos package index", url, _reason(exc)) from None
    if not isinstance(data, list):
        raise NetworkError("the Argos package index", url, "it did not return a package list")
    return [entry for entry in data if isinstance(entry, dict)]


def find_in_index(url: str, from_code: str, to_code: str) -> dict[str, object] | None:
    """The newest translation package for the pair in the index, or ``None``."""
    matches = [
        entry
        for entry in fetch_index(url)
        if entry.get("from_code") == from_code
        and entry.get("to_code") == to_code
        and entry.get("type", "translate") == "translate"
        and entry.get("links")
    ]
    return max(matches, key=lambda e: version_key(str(e.get("package_version", ""))), default=None)


def download(
    urls: list[str],
    dest_dir: Path,
    progress: Callable[[int, int | None], None] | None = None,
    timeout: float = DOWNLOAD_TIMEOUT_S,
) -> Path:
    """Download the first URL that works into ``dest_dir``, atomically; return the file.

    ``progress(done, total)`` is called per chunk so the CLI can draw a bar.
    """
    if not urls:
        raise ModelError(
            "the package index lists no download link for this package; install from a file",
            file=str(dest_dir),
        )
    dest_dir.mkdir(parents=True, exist_ok=True)
    failures: list[NetworkError] = []
    for url in urls:
        name = Path(urlparse(url).path).name or "package.argosmodel"
        fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=".download-", suffix=".part")
        try:
            request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
            with (
                os.fdopen(fd, "wb") as out,
                urllib.request.urlopen(request, timeout=timeout) as response,
            ):
                total = response.length
                done = 0
                while chunk := response.read(1 << 16):
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
            final = dest_dir / name
            os.replace(tmp, final)
            return final
        except _NETWORK_ERRORS as exc:
            failures.append(NetworkError("the package download", url, _reason(exc)))
        finally:
            Path(tmp).unlink(missing_ok=True)
    raise failures[-1]

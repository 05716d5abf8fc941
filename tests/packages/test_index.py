"""Index fetch and download, against a loopback HTTP server or a dead loopback port only."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipeline.errors import ModelError
from pipeline.packages.files import sha256_file
from pipeline.packages.index import NetworkError, download, fetch_index, find_in_index
from pipeline.packages.install import ensure_model, install
from pipeline.settings import ModelDirs


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep pytest output clean."""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server over ``tmp_path/www``; yields (base URL, directory)."""
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def publish(served: tuple[str, Path], archive: Path, entries: list[dict[str, object]]) -> str:
    """Serve ``archive`` and an index listing ``entries`` (links point at the archive)."""
    base, root = served
    shutil.copy(archive, root / archive.name)
    link = f"{base}/{archive.name}"
    index = [{**e, "links": [link]} for e in entries]
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return f"{base}/index.json"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:9/index.json", "refused"),
        ("http://[::1:9/index.json", "invalid IPv6 URL"),
        ("not a url", "unknown url type"),
    ],
)
def test_unreachable_index_is_a_network_error(url: str, reason: str) -> None:
    with pytest.raises(NetworkError, match=reason) as info:
        fetch_index(url, timeout=2)
    assert "\n" not in str(info.value)


def test_http_error_and_garbage_are_mapped(served: tuple[str, Path]) -> None:
    base, root = served
    with pytest.raises(NetworkError, match="HTTP 404"):
        fetch_index(f"{base}/missing.json")
    (root / "index.json").write_text("<html>", encoding="utf-8")
    with pytest.raises(NetworkError, match="unreachable"):
        fetch_index(f"{base}/index.json")


def test_find_in_index_picks_newest_translation_package(
    served: tuple[str, Path], tiny_archive: Path
) -> None:
    url = publish(
        served,
        tiny_archive,
        [
            {"from_code": "zh", "to_code": "en", "package_version": "1.9"},
            {"from_code": "zh", "to_code": "en", "package_version": "1.10"},
            {"type": "sbd", "from_code": "zh", "to_code": "en", "package_version": "9"},
            {"from_code": "en", "to_code": "zh", "package_version": "2.0"},
        ],
    )
    assert find_in_index(url, "zh", "en")["package_version"] == "1.10"  # type: ignore[index]
    assert find_in_index(url, "zh", "fr") is None


def test_download_reports_progress_and_leaves_no_partial_files(
    served: tuple[str, Path], tiny_archive: Path, tmp_path: Path
) -> None:
    base, root = served
    shutil.copy(tiny_archive, root / tiny_archive.name)
    calls: list[tuple[int, int | None]] = []
    dest = tmp_path / "downloads"
    path = download(
        [f"{base}/absent.argosmodel", f"{base}/{tiny_archive.name}"],
        dest,
        lambda done, total: calls.append((done, total)),
    )
    assert sha256_file(path) == sha256_file(tiny_archive)
    assert calls[-1] == (tiny_archive.stat().st_size, tiny_archive.stat().st_size)
    assert [p.name for p in dest.iterdir()] == [tiny_archive.name]


def test_install_language_pair_from_index(
    served: tuple[str, Path], tiny_archive: Path, model_dirs: ModelDirs
) -> None:
    url = publish(served, tiny_archive, [{"from_code": "zh", "to_code": "en"}])
    seen: list[int] = []
    info = install("zh en", replace(model_dirs, index_url=url), lambda d, t: seen.append(d))
    assert info.sha256 == sha256_file(tiny_archive) and seen
    assert not any((model_dirs.cache_dir / "downloads").iterdir())


def test_index_serving_wrong_languages_is_refused(
    served: tuple[str, Path], tmp_path: Path, model_dirs: ModelDirs
) -> None:
    from tinymodel import build_archive

    wrong = build_archive(tmp_path / "wrong", "en", "de")
    url = publish(served, wrong, [{"from_code": "zh", "to_code": "en"}])
    with pytest.raises(ModelError, match="translates en→de, but zh→en is needed"):
        install("zh en", replace(model_dirs, index_url=url))


def test_ensure_model_fetches_when_nothing_is_installed(
    served: tuple[str, Path], tiny_archive: Path, model_dirs: ModelDirs
) -> None:
    url = publish(served, tiny_archive, [{"from_code": "zh", "to_code": "en"}])
    info = ensure_model(None, replace(model_dirs, index_url=url))
    assert info.path.parent == model_dirs.install_dir


def test_install_pair_offline_names_the_file_alternative(model_dirs: ModelDirs) -> None:
    with pytest.raises(
        NetworkError, match=r"index at http://127\.0\.0\.1:9/.*zhen models install FILE"
    ):
        install("zh en", model_dirs)

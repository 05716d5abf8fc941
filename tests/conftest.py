"""Shared fixtures: model locations that never touch the network, a tiny real package, and the
real zh→en package from ``../shared`` (tests using it skip cleanly when it is absent).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reviewrun import make_run
from tinymodel import build_archive

from pipeline.packages.install import PackageInfo, install_archive, resolve_model
from pipeline.settings import ModelDirs

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REAL_MODEL = SHARED / "models" / "translate-zh_en-1_9.argosmodel"
DEAD_INDEX = "http://127.0.0.1:9/index.json"
"""Loopback discard port: nothing listens, so an index fetch fails at once, offline."""


@pytest.fixture
def model_dirs(tmp_path: Path) -> ModelDirs:
    """Empty zhen and Argos package dirs in ``tmp_path``, with an unreachable index."""
    return ModelDirs(
        install_dir=tmp_path / "packages",
        cache_dir=tmp_path / "cache",
        argos_dir=tmp_path / "argos",
        index_url=DEAD_INDEX,
    )


@pytest.fixture(scope="session")
def tiny_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random zh→en ``.argosmodel`` built once per session (read-only: copy to modify)."""
    return build_archive(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def tiny_package(tmp_path_factory: pytest.TempPathFactory, tiny_archive: Path) -> PackageInfo:
    """The tiny package, installed through the real install path."""
    return install_archive(tiny_archive, tmp_path_factory.mktemp("tiny-installed"))


@pytest.fixture(scope="session")
def real_model_path() -> Path:
    """The real zh→en package file; skips the test when ``../shared`` does not have it."""
    if not REAL_MODEL.is_file():
        pytest.skip(f"real model not available at {REAL_MODEL}")
    return REAL_MODEL


@pytest.fixture(scope="session")
def real_package(tmp_path_factory: pytest.TempPathFactory, real_model_path: Path) -> PackageInfo:
    """The real package, extracted once per session through ``--model`` resolution."""
    root = tmp_path_factory.mktemp("real-model")
    dirs = ModelDirs(install_dir=root / "packages", cache_dir=root / "cache", index_url=DEAD_INDEX)
    return resolve_model(real_model_path, dirs)


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """Where the review tests' translated run lives."""
    return tmp_path / "run"


@pytest.fixture
def run(run_dir: Path) -> dict[str, list[Path]]:
    """A translated run with TSV, CSV, XLIFF 2.1 and XLIFF 1.2 exports in ``run_dir``."""
    return make_run(run_dir)

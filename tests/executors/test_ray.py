"""The Ray executor on a local Ray gives the local executor's outputs, file for file.

Skips when Ray is not installed (it is the optional ``ray`` extra: ``uv run --extra ray pytest``;
CI installs it) or cannot start here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import REPO

from pipeline.run import translate_run
from pipeline.settings import ModelDirs, RayOptions, RunOptions, Settings, TranslateSettings

# As the executor does before it first imports Ray for a local cluster (see _ray there).
os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
ray = pytest.importorskip("ray", reason="the ray extra is not installed")

SAMPLES = REPO / "corpora" / "samples"


def _comparable(folder: Path) -> dict[str, bytes]:
    """Per-document files and records byte for byte; the manifest without its header (run id,
    start time); run.json's document counters."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".jsonl"):
            data = path.read_bytes()
            if path.name == "manifest.jsonl":
                data = data.split(b"\n", 1)[1]
            files[path.name] = data
    run = json.loads((folder / "run.json").read_text())
    files["run.json"] = json.dumps([run["documents"], run["stats"]["qa"]]).encode()
    return files


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # from inside Ray Data
def test_ray_gives_the_local_executors_outputs(
    tiny_archive: Path, model_dirs: ModelDirs, tmp_path: Path
) -> None:
    from pipeline.executors.ray import RayExecutor

    settings = Settings(translate=TranslateSettings(model=tiny_archive, beam=2, threads=1))
    inputs = [str(SAMPLES)]
    local = translate_run(inputs, settings, RunOptions(tmp_path / "local", model_dirs,
                                                       use_cache=False))  # fmt: skip
    executor = RayExecutor(RayOptions(actors=1))
    try:
        remote = translate_run(
            inputs,
            settings,
            RunOptions(tmp_path / "ray", model_dirs, use_cache=False),
            executor=executor,
        )
    except Exception as exc:  # Ray could not start in this sandbox
        if "cannot start or reach" in str(exc):
            pytest.skip(f"Ray cannot start here: {exc}")
        raise
    assert remote.documents == local.documents == 4
    assert remote.signature["model"]["sha256"] == local.signature["model"]["sha256"]
    assert remote.stats.translate is not None and remote.stats.translate.translated > 0
    assert _comparable(tmp_path / "ray") == _comparable(tmp_path / "local")
    assert not ray.is_initialized()  # the local Ray it started is gone

"""The local executor: groups that grow, order kept, preparing one group ahead, errors raised."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from pipeline.executors import Job
from pipeline.executors.local import LocalExecutor
from pipeline.executors.steps import Work, windows
from pipeline.packages.install import PackageInfo
from pipeline.settings import Settings, TranslateSettings


def _inputs(folder: Path, count: int) -> list[list[Work]]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"d{i:02d}.txt"
        path.write_text(f"第{i}篇：中国试射了导弹。美国发表讲话。\n", encoding="utf-8")
        paths.append(str(path))
    return list(windows(paths))


def _job(tiny_package: PackageInfo, tmp_path: Path) -> Job:
    settings = Settings(translate=TranslateSettings(threads=1, cache_dir=tmp_path / "cache"))
    return Job(settings=settings, package=tiny_package, use_cache=False)


def test_groups_grow_and_come_back_in_order_translated(
    tiny_package: PackageInfo, tmp_path: Path
) -> None:
    works = _inputs(tmp_path / "in", 12)
    works[0][3].kept = True  # finished by an earlier run: passed through untouched
    groups = list(LocalExecutor(group_segments=(2, 4)).run(works, _job(tiny_package, tmp_path)))
    flat = [w for g in groups for w in g]
    assert [w.order for w in flat] == list(range(12))
    assert flat[3].docs == []
    assert all(d.segments and all(s.status == "translated" for s in d.segments)
               for w in flat if not w.kept for d in w.docs)  # fmt: skip
    sizes = [sum(w.segments for w in g) for g in groups]
    assert sizes[0] >= 2 and max(sizes) <= 4 + 2


def test_preparing_runs_at_most_one_group_ahead(
    tiny_package: PackageInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.executors.local as local
    import pipeline.executors.steps as steps

    monkeypatch.setattr(steps, "WINDOW_INPUTS", 2)
    prepared = []
    real = local.prepare_window

    def counting(window, settings, glossary=None, stdin=None):  # type: ignore[no-untyped-def]
        prepared.extend(w.order for w in window)
        return real(window, settings, glossary, stdin)

    monkeypatch.setattr(local, "prepare_window", counting)
    ahead = []
    executor = LocalExecutor(group_segments=(2,))
    for group in executor.run(_inputs(tmp_path / "in", 20), _job(tiny_package, tmp_path)):
        ahead.append(len(prepared) - (group[-1].order + 1))
    assert max(ahead) <= 5  # a group waiting, and the next window being prepared


def test_an_error_while_preparing_is_raised_in_the_caller(
    tiny_package: PackageInfo, tmp_path: Path
) -> None:
    def broken() -> list[list[Work]]:
        yield from _inputs(tmp_path / "in", 2)
        raise RuntimeError("discovery broke")

    with pytest.raises(RuntimeError, match="discovery broke"):
        list(LocalExecutor().run(broken(), _job(tiny_package, tmp_path)))


def test_stopping_early_stops_the_preparing_thread(
    tiny_package: PackageInfo, tmp_path: Path
) -> None:
    executor = LocalExecutor(group_segments=(2,))
    groups = executor.run(_inputs(tmp_path / "in", 30), _job(tiny_package, tmp_path))
    next(groups)
    groups.close()
    assert not [t for t in threading.enumerate() if t.name == "zhen-prepare"]

"""Package archives within limits: zip bombs, member floods, links, name clashes, full disks."""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli.app import app
from pipeline.errors import ModelError
from pipeline.packages import archive
from pipeline.packages.install import install, install_archive
from pipeline.settings import ModelDirs

GOOD = {
    "pkg/metadata.json": '{"from_code": "zh", "to_code": "en", "package_version": "1.0"}',
    "pkg/model/model.bin": "x",
    "pkg/model/config.json": "{}",
    "pkg/sentencepiece.model": "x",
}


def make_zip(path: Path, files: dict[str, bytes | str], links: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.create_system = 3  # Unix, so the mode bits count
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc")
    return path


def refused(path: Path, dirs: ModelDirs, message: str) -> None:
    with pytest.raises(ModelError, match=message) as info:
        install(str(path), dirs)
    assert "\n" not in str(info.value) and "refusing" in info.value.message
    assert not dirs.install_dir.exists() or not any(dirs.install_dir.iterdir())


def test_zip_bomb_is_refused_before_extraction(tmp_path: Path, model_dirs: ModelDirs) -> None:
    bomb = make_zip(tmp_path / "bomb.argosmodel", {**GOOD, "pkg/model/model.bin": bytes(50 << 20)})
    assert bomb.stat().st_size < 200_000  # 50 MB of zeros packs to ~50 KB
    refused(bomb, model_dirs, r"model\.bin unpacks 1,0\d\d times its packed size")


def test_total_unpacked_size_is_limited(
    tmp_path: Path, model_dirs: ModelDirs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "MAX_UNPACKED", 1000)  # 4 GiB in real life
    big = make_zip(tmp_path / "big.argosmodel", {**GOOD, "pkg/model/model.bin": "x" * 2000})
    refused(big, model_dirs, "unpacks to 0.0 GiB, more than the 0 GiB")


def test_member_flood_is_refused(
    tmp_path: Path, model_dirs: ModelDirs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "MAX_MEMBERS", 50)  # 10,000 in real life
    files = {**GOOD, **{f"pkg/junk/{i}": "" for i in range(60)}}
    refused(make_zip(tmp_path / "flood.argosmodel", files), model_dirs, "holds 64 files")


def test_symbolic_links_are_refused_not_a_traceback(tmp_path: Path, model_dirs: ModelDirs) -> None:
    linked = make_zip(
        tmp_path / "link.argosmodel",
        {k: v for k, v in GOOD.items() if not k.startswith("pkg/model/")},
        links=("pkg/model",),
    )
    with zipfile.ZipFile(linked, "a") as zf:  # a file under the "folder" the link stands for
        zf.writestr("pkg/model/model.bin", "x")
        zf.writestr("pkg/model/config.json", "{}")
    refused(linked, model_dirs, r"symbolic link \(pkg/model\)")


def test_a_name_used_as_file_and_folder_is_refused(tmp_path: Path, model_dirs: ModelDirs) -> None:
    clash = make_zip(tmp_path / "clash.argosmodel", {**GOOD, "pkg/model": "x"})
    refused(clash, model_dirs, "holds pkg/model both as a file and as a folder")


def test_full_disk_is_one_line_and_leaves_nothing(
    tmp_path: Path, model_dirs: ModelDirs, monkeypatch: pytest.MonkeyPatch, tiny_archive: Path
) -> None:
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage._replace(free=1000))
    with pytest.raises(ModelError, match="MiB free; free some space"):
        install(str(tiny_archive), model_dirs)
    assert list(model_dirs.install_dir.iterdir()) == []


def test_a_different_package_of_an_installed_name_does_not_replace_it(
    tmp_path: Path, model_dirs: ModelDirs, tiny_archive: Path
) -> None:
    real = install_archive(tiny_archive, model_dirs.install_dir)
    impostor_dir = tmp_path / "impostor"
    with zipfile.ZipFile(tiny_archive) as zf:
        zf.extractall(impostor_dir)
    (impostor_dir / real.name / "README.md").write_text("not the real model\n")
    impostor = tmp_path / "impostor.argosmodel"
    with zipfile.ZipFile(impostor, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted((impostor_dir / real.name).rglob("*")):
            zf.write(file, file.relative_to(impostor_dir).as_posix())
    before = (real.path / "README.md").read_text()
    with pytest.raises(ModelError, match="a different package named translate-zh_en-tiny"):
        install(str(impostor), model_dirs)  # before the fix: silently swapped in
    assert (real.path / "README.md").read_text() == before
    assert install(str(tiny_archive), model_dirs).sha256 == real.sha256  # the same: a no-op
    replaced = install(str(impostor), model_dirs, replace=True)
    assert (replaced.path / "README.md").read_text() == "not the real model\n"


def test_cli_install_replace_option(tmp_path: Path, tiny_archive: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runner = CliRunner()
    first = runner.invoke(app, ["models", "install", str(tiny_archive)], env=env)
    assert first.exit_code == 0, first.output
    other = tmp_path / "other.argosmodel"
    with zipfile.ZipFile(tiny_archive) as src, zipfile.ZipFile(other, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item) + (b" " if item.filename.endswith(".md") else b""))
    refused_run = runner.invoke(app, ["models", "install", str(other)], env=env)
    assert refused_run.exit_code == 1 and "--replace" in refused_run.stderr
    assert (
        runner.invoke(app, ["models", "install", "--replace", str(other)], env=env).exit_code == 0
    )

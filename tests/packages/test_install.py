"""Model management: verify, install, list, remove and resolve packages (no network)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from tinymodel import build_package_dir

from pipeline import packages
from pipeline.errors import ModelError
from pipeline.packages.files import RECORD_NAME, content_digest, sha256_file
from pipeline.packages.install import (
    ModelDirs,
    PackageInfo,
    default_dirs,
    ensure_model,
    fingerprint,
    install,
    install_archive,
    list_packages,
    parse_pair,
    read_package,
    remove,
    resolve_model,
)

GOOD_META = json.dumps({"from_code": "zh", "to_code": "en", "package_version": "1.0"})
GOOD_FILES = {
    "pkg/metadata.json": GOOD_META,
    "pkg/model/model.bin": "x",
    "pkg/model/config.json": "{}",
    "pkg/sentencepiece.model": "x",
}


def make_zip(path: Path, files: dict[str, str]) -> Path:
    """A zip with exactly ``files`` (name → text)."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def without(name: str) -> dict[str, str]:
    """GOOD_FILES less one file."""
    return {k: v for k, v in GOOD_FILES.items() if k != name}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"pkg/model/model.bin": "x"}, "metadata.json is missing"),
        (without("pkg/model/model.bin"), "model/model.bin is missing"),
        (without("pkg/model/config.json"), "model/config.json is missing"),
        (without("pkg/sentencepiece.model"), "sentencepiece.model is missing"),
        (
            {**without("pkg/sentencepiece.model"), "pkg/bpe.model": "x"},
            "BPE tokenizer, which zhen does not support",
        ),
        ({**GOOD_FILES, "pkg/metadata.json": "{not json"}, "metadata.json is not valid JSON"),
        ({**GOOD_FILES, "pkg/metadata.json": '{"from_code": "zh"}'}, "lacks from_code/to_code"),
        (
            {**GOOD_FILES, "pkg/metadata.json": '{"from_code": "en", "to_code": "de"}'},
            "translates en→de, but zh→en is needed",
        ),
        (
            {
                **GOOD_FILES,
                "pkg/metadata.json": '{"type": "sbd", "from_code": "zh", "to_code": "zh"}',
            },
            "not a translation package",
        ),
        ({**GOOD_FILES, "other/metadata.json": GOOD_META}, "exactly one top-level directory"),
        ({**GOOD_FILES, "pkg/../../evil.txt": "x"}, "paths outside its directory"),
    ],
)
def test_broken_archives_are_refused_with_a_clear_error(
    tmp_path: Path, model_dirs: ModelDirs, files: dict[str, str], message: str
) -> None:
    archive = make_zip(tmp_path / "broken.argosmodel", files)
    with pytest.raises(ModelError, match=message) as info:
        install(str(archive), model_dirs, expect=("zh", "en"))
    assert "\n" not in str(info.value)
    assert not model_dirs.install_dir.exists() or not any(model_dirs.install_dir.iterdir())


def test_not_a_zip_is_refused(tmp_path: Path, model_dirs: ModelDirs) -> None:
    bogus = tmp_path / "model.argosmodel"
    bogus.write_text("<html>404 Not Found</html>")
    with pytest.raises(ModelError, match="is not a zip archive"):
        install(str(bogus), model_dirs)


def test_corrupt_zip_member_is_refused_and_leaves_nothing(
    tmp_path: Path, model_dirs: ModelDirs, tiny_archive: Path
) -> None:
    data = bytearray(tiny_archive.read_bytes())
    with zipfile.ZipFile(tiny_archive) as zf:
        info = zf.getinfo("translate-zh_en-tiny/model/model.bin")
    data[info.header_offset + 100] ^= 0xFF  # flip a byte inside the compressed model
    damaged = tmp_path / "damaged.argosmodel"
    damaged.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="corrupt"):
        install(str(damaged), model_dirs)
    assert list(model_dirs.install_dir.iterdir()) == []


def test_install_archive_verifies_extracts_and_records_sha256(
    model_dirs: ModelDirs, tiny_archive: Path
) -> None:
    info = install(str(tiny_archive), model_dirs, expect=("zh", "en"))
    assert (info.name, info.from_code, info.to_code, info.version) == (
        "translate-zh_en-tiny",
        "zh",
        "en",
        "0.1",
    )
    assert info.path == model_dirs.install_dir / "translate-zh_en-tiny"
    assert info.sha256 == sha256_file(tiny_archive)
    assert json.loads((info.path / RECORD_NAME).read_text())["sha256"] == info.sha256
    assert info.size > 0 and info.origin == "zhen"
    assert [p.name for p in model_dirs.install_dir.iterdir()] == [info.name]  # no temp dirs left
    assert fingerprint(info) == info.sha256


def test_installing_the_same_archive_twice_is_a_no_op(
    model_dirs: ModelDirs, tiny_archive: Path
) -> None:
    first = install(str(tiny_archive), model_dirs)
    stamp = (first.path / "model" / "model.bin").stat().st_mtime_ns
    second = install(str(tiny_archive), model_dirs)
    assert second == first
    assert (second.path / "model" / "model.bin").stat().st_mtime_ns == stamp


def test_two_installs_of_one_archive_at_once_leave_the_first_in_place(
    tmp_path: Path, tiny_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs starting with the same ``--model`` file both find it missing and extract it;
    the one that finishes second must not move the first one's package away (it is in use)."""
    import importlib

    # The module, not the facade's install() function of the same name.
    install_module = importlib.import_module("pipeline.packages.install")

    dest = tmp_path / "cache"
    real_extract = install_module.extract
    first: list[tuple[PackageInfo, int]] = []

    def extract_after_another_install(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not first:  # the other process gets there while this one is still extracting
            monkeypatch.setattr(install_module, "extract", real_extract)
            other = install_archive(tiny_archive, dest, "path")
            first.append((other, other.path.stat().st_ino))
        return real_extract(*args, **kwargs)

    monkeypatch.setattr(install_module, "extract", extract_after_another_install)
    second = install_archive(tiny_archive, dest, "path")
    ((installed, inode),) = first
    assert second == installed and second.path.stat().st_ino == inode
    assert [p.name for p in dest.iterdir() if p.name.startswith(".")] == []


def test_install_from_directory_copies_and_fingerprints_content(
    tmp_path: Path, model_dirs: ModelDirs
) -> None:
    source = build_package_dir(tmp_path / "src")
    info = install(str(source), model_dirs)
    assert info.path.parent == model_dirs.install_dir and source.is_dir()
    assert info.sha256 == content_digest(source)


def test_wrong_language_directory_is_refused(tmp_path: Path, model_dirs: ModelDirs) -> None:
    source = build_package_dir(tmp_path / "src", "en", "de")
    with pytest.raises(ModelError, match="translates en→de, but zh→en is needed"):
        install(str(source), model_dirs, expect=("zh", "en"))


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("zh en", ("zh", "en")),
        ("zh_en", ("zh", "en")),
        ("ZH→EN", ("zh", "en")),
        ("zh-en", ("zh", "en")),
        ("zh", None),
        ("chinese english", None),
        ("model.argosmodel", None),
    ],
)
def test_parse_pair(text: str, pair: tuple[str, str] | None) -> None:
    assert parse_pair(text) == pair


def test_unknown_source_says_what_sources_are_accepted(model_dirs: ModelDirs) -> None:
    with pytest.raises(ModelError, match="not a file, a directory, an http"):
        install("no/such/file.argosmodel", model_dirs)


def test_list_covers_zhen_and_argos_dirs_and_skips_non_packages(
    model_dirs: ModelDirs, tiny_archive: Path, tmp_path: Path
) -> None:
    install(str(tiny_archive), model_dirs)
    assert model_dirs.argos_dir is not None
    build_package_dir(model_dirs.argos_dir, "en", "de")
    (model_dirs.argos_dir / "junk").mkdir()
    sbd = model_dirs.argos_dir / "sbd-zh"
    sbd.mkdir()
    (sbd / "metadata.json").write_text('{"type": "sbd", "from_code": "zh", "to_code": "zh"}')
    listed = [(p.origin, p.pair, p.name) for p in list_packages(model_dirs)]
    assert listed == [
        ("zhen", "zh→en", "translate-zh_en-tiny"),
        ("argos", "en→de", "translate-en_de-tiny"),
    ]


@pytest.mark.parametrize("how", ["name", "pair", "path"])
def test_remove(model_dirs: ModelDirs, tiny_archive: Path, how: str) -> None:
    info = install(str(tiny_archive), model_dirs)
    key = {"name": info.name, "pair": "zh en", "path": str(info.path)}[how]
    assert remove(key, model_dirs) == info.path
    assert not info.path.exists()
    assert list(model_dirs.install_dir.iterdir()) == []


def test_remove_refuses_unknown_and_ambiguous(
    model_dirs: ModelDirs, tiny_archive: Path, tmp_path: Path
) -> None:
    with pytest.raises(ModelError, match="no installed package matches"):
        remove(str(tmp_path), model_dirs)
    install(str(tiny_archive), model_dirs)
    assert model_dirs.argos_dir is not None
    shutil.copytree(model_dirs.install_dir / "translate-zh_en-tiny", model_dirs.argos_dir / "x")
    with pytest.raises(ModelError, match="matches several packages"):
        remove("zh en", model_dirs)


def test_resolve_explicit_archive_extracts_once(
    model_dirs: ModelDirs, tiny_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = resolve_model(tiny_archive, model_dirs)
    assert first.origin == "path" and first.path.is_relative_to(model_dirs.cache_dir)

    def no_extract(*args: object, **kwargs: object) -> None:
        raise AssertionError("extracted twice")

    monkeypatch.setattr(packages, "install_archive", no_extract)
    assert resolve_model(tiny_archive, model_dirs) == first


def test_resolve_explicit_directory_and_bare_model_hint(
    model_dirs: ModelDirs, tiny_package: packages.PackageInfo
) -> None:
    assert resolve_model(tiny_package.path, model_dirs).path == tiny_package.path
    with pytest.raises(ModelError, match="bare CTranslate2 model"):
        resolve_model(tiny_package.model_dir, model_dirs)
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model(tiny_package.path / "nope", model_dirs)


def test_resolve_explicit_wrong_languages(tmp_path: Path, model_dirs: ModelDirs) -> None:
    source = build_package_dir(tmp_path / "src", "en", "de")
    with pytest.raises(ModelError, match="translates en→de"):
        resolve_model(source, model_dirs)


def test_resolve_prefers_newest_version(tmp_path: Path, model_dirs: ModelDirs) -> None:
    assert model_dirs.argos_dir is not None
    for root, version in ((model_dirs.install_dir, "1.9"), (model_dirs.argos_dir, "1.10")):
        package = build_package_dir(root)
        meta = json.loads((package / "metadata.json").read_text())
        (package / "metadata.json").write_text(json.dumps({**meta, "package_version": version}))
    chosen = resolve_model(None, model_dirs)
    assert (chosen.version, chosen.origin) == ("1.10", "argos")


def test_resolve_with_nothing_installed_says_how_to_install(model_dirs: ModelDirs) -> None:
    with pytest.raises(ModelError, match="no zh→en translation package installed; install one"):
        resolve_model(None, model_dirs)


def test_ensure_model_offline_fails_in_one_line(model_dirs: ModelDirs) -> None:
    with pytest.raises(ModelError) as info:
        ensure_model(None, model_dirs)
    assert info.value.file == str(model_dirs.install_dir)
    message = info.value.message
    assert message.startswith("no zh→en translation package installed and the Argos package index")
    assert "unreachable (" in message
    assert message.endswith("zhen models install path/to/translate-zh_en-1_9.argosmodel")
    assert "\n" not in message and "Traceback" not in message


def test_ensure_model_uses_installed_package_without_network(
    model_dirs: ModelDirs, tiny_archive: Path
) -> None:
    installed = install(str(tiny_archive), model_dirs)
    assert ensure_model(None, model_dirs) == installed


def test_read_package_records_target_prefix(tmp_path: Path) -> None:
    package = build_package_dir(tmp_path, target_prefix="__en__")
    assert read_package(package).target_prefix == "__en__"


def test_default_dirs_follow_xdg_and_argos_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("ARGOS_PACKAGES_DIR", raising=False)
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://mirror.example/argos/")
    dirs = default_dirs()
    assert dirs.install_dir == tmp_path / "data" / "zhen" / "packages"
    assert dirs.cache_dir == tmp_path / "cache" / "zhen" / "models"
    assert dirs.argos_dir == tmp_path / "data" / "argos-translate" / "packages"
    assert dirs.index_url == "http://mirror.example/argos/index.json"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "argos"))
    assert default_dirs().argos_dir == tmp_path / "argos"

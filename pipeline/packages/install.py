"""Find, verify, install and remove Argos translation packages without Argos Translate's runtime.

zhen drives CTranslate2 and SentencePiece itself, so it only needs the package *files*:
``metadata.json``, a CTranslate2 ``model/`` and ``sentencepiece.model``. Packages installed by
Argos Translate or LibreTranslate are used where they are; ``zhen models install`` puts its own
in a separate directory. zhen does not depend on Argos Translate itself: its package module
imports ``argostranslate.settings``, which creates four directories in the user's home and reads
``~/.config`` at import, and its command-line tool needs stanza (and so torch), which zhen does
not install; what zhen needs from it is a file format. The index format, URL, directories and
metadata keys are Argos's, so packages Argos or LibreTranslate installed are used in place.

Every failure a user can cause (a broken or wrong package, no network) becomes one
:class:`~pipeline.errors.ModelError` line that says what to do next.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ModelError
from pipeline.packages.archive import check_members, extract, refuse_replacing, swap_in
from pipeline.packages.files import (
    RECORD_NAME,
    content_digest,
    file_state_digest,
    read_record,
    sha256_file,
    write_record,
)
from pipeline.packages.index import NetworkError, download, find_in_index, version_key
from pipeline.settings import DEFAULT_INDEX_URL, ModelDirs

REQUIRED_FILES = ("metadata.json", "model/model.bin", "model/config.json", "sentencepiece.model")
EXAMPLE_FILE = "path/to/translate-zh_en-1_9.argosmodel"
_PAIR = re.compile(r"^\s*([a-z]{2,3})\s*(?:\s|_|-|→|->|>)\s*([a-z]{2,3})\s*$", re.IGNORECASE)

Progress = Callable[[int, int | None], None]
"""Download progress: ``(bytes_done, bytes_total_or_None)``."""


@dataclass(frozen=True)
class PackageInfo:
    """A verified, extracted package.

    ``sha256`` is that of the ``.argosmodel`` archive it came from when zhen installed or
    extracted it (``None`` for packages another tool installed); ``origin`` is ``"zhen"``,
    ``"argos"`` or ``"path"`` (given with ``--model``).
    """

    name: str
    path: Path
    from_code: str
    to_code: str
    version: str
    size: int
    sha256: str | None
    origin: str
    target_prefix: str = ""

    @property
    def model_dir(self) -> Path:
        """The CTranslate2 model directory."""
        return self.path / "model"

    @property
    def sentencepiece_model(self) -> Path:
        """The SentencePiece model that tokenizes the source."""
        return self.path / "sentencepiece.model"

    @property
    def pair(self) -> str:
        """``zh→en``, for messages and listings."""
        return f"{self.from_code}→{self.to_code}"


def default_dirs() -> ModelDirs:
    """Standard locations, for the CLI only: this is the one place that reads the environment.

    Follows XDG (``XDG_DATA_HOME``, ``XDG_CACHE_HOME``) and Argos's own overrides
    (``ARGOS_PACKAGES_DIR``, ``ARGOS_PACKAGE_INDEX``) so zhen finds what Argos installed.
    """
    home = Path.home()
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache")
    argos = os.environ.get("ARGOS_PACKAGES_DIR") or data / "argos-translate" / "packages"
    index = os.environ.get("ARGOS_PACKAGE_INDEX")
    return ModelDirs(
        install_dir=data / "zhen" / "packages",
        cache_dir=cache / "zhen" / "models",
        argos_dir=Path(argos),
        index_url=index.rstrip("/") + "/index.json" if index else DEFAULT_INDEX_URL,
    )


def fingerprint(package: PackageInfo) -> str:
    """Identify a package's content for the run signature and the translation cache.

    The recorded archive sha256 when zhen installed it, else a digest of its model files
    (Argos-installed packages carry no record).
    """
    if package.sha256:
        return package.sha256
    return "files:" + file_state_digest(package.path)


def _parse_metadata(raw: bytes, where: str) -> dict[str, object]:
    """Parse ``metadata.json`` and insist on the keys translation needs."""
    try:
        meta = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(
            f"metadata.json is not valid JSON ({exc}); the package is broken, get it again",
            file=where,
        ) from None
    if not isinstance(meta, dict) or not meta.get("from_code") or not meta.get("to_code"):
        raise ModelError(
            "metadata.json lacks from_code/to_code; this is not a translation package",
            file=where,
        )
    if meta.get("type", "translate") != "translate":
        raise ModelError(
            f"is a {meta.get('type')!r} package, not a translation package", file=where
        )
    return meta


def _check_pair(meta: dict[str, object], expect: tuple[str, str] | None, where: str) -> None:
    """Refuse a package for the wrong languages before anything is installed or loaded."""
    if expect and (meta["from_code"], meta["to_code"]) != expect:
        want = "→".join(expect)
        raise ModelError(
            f"translates {meta['from_code']}→{meta['to_code']}, but {want} is needed; "
            f"use a {want} package such as translate-{expect[0]}_{expect[1]}-1_9.argosmodel",
            file=where,
        )


def _missing_files(names: set[str], where: str) -> None:
    """Name the first required file a package lacks (BPE packages get their own hint)."""
    for required in REQUIRED_FILES:
        if required not in names:
            hint = "the package is incomplete or broken, get it again"
            if required == "sentencepiece.model" and "bpe.model" in names:
                hint = (
                    "it uses a BPE tokenizer, which zhen does not support; use a SentencePiece one"
                )
            raise ModelError(f"{required} is missing; {hint}", file=where)


def read_package(
    path: Path, origin: str = "path", expect: tuple[str, str] | None = None
) -> PackageInfo:
    """Verify an extracted package directory and describe it."""
    where = str(path)
    if not (path / "metadata.json").is_file() and (path / "model.bin").is_file():
        raise ModelError(
            "is a bare CTranslate2 model; pass the package directory above it (with metadata.json)",
            file=where,
        )
    names = {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}
    if "metadata.json" not in names:
        raise ModelError(
            "metadata.json is missing; "
            "pass an Argos package (.argosmodel file or its extracted directory)",
            file=where,
        )
    meta = _parse_metadata((path / "metadata.json").read_bytes(), where)
    _missing_files(names, where)
    _check_pair(meta, expect, where)
    record = read_record(path)
    return PackageInfo(
        name=path.name,
        path=path,
        from_code=str(meta["from_code"]),
        to_code=str(meta["to_code"]),
        version=str(meta.get("package_version", "")),
        size=sum((path / n).stat().st_size for n in names),
        sha256=record.get("sha256"),
        origin=origin,
        target_prefix=str(meta.get("target_prefix") or ""),
    )


def _inspect_archive(archive: Path, expect: tuple[str, str] | None) -> str:
    """Check an ``.argosmodel`` zip without extracting it; return its one top directory."""
    where = str(archive)
    if not zipfile.is_zipfile(archive):
        raise ModelError(
            "is not a zip archive, so not an Argos package (.argosmodel); get the file again",
            file=where,
        )
    with zipfile.ZipFile(archive) as zf:
        names = [i.filename for i in check_members(zf, where)]
        tops = sorted({n.split("/", 1)[0] for n in names})
        if len(tops) != 1 or tops[0] in ("", "."):
            raise ModelError(
                f"must hold exactly one top-level directory, found {len(tops)} "
                f"({', '.join(tops[:3])}); it is not an Argos package",
                file=where,
            )
        top = tops[0]
        inner = {
            n[len(top) + 1 :] for n in names if n.startswith(top + "/") and not n.endswith("/")
        }
        if "metadata.json" not in inner:
            raise ModelError(
                f"{top}/metadata.json is missing; this is not an Argos package",
                file=where,
            )
        meta = _parse_metadata(zf.read(f"{top}/metadata.json"), where)
        _missing_files(inner, where)
        _check_pair(meta, expect, where)
    return top


def install_archive(
    archive: Path,
    dest_dir: Path,
    origin: str = "zhen",
    expect: tuple[str, str] | None = None,
    sha256: str | None = None,
    replace: bool = False,
) -> PackageInfo:
    """Verify and extract an archive into ``dest_dir`` atomically, recording its sha256.

    Installing the same archive again is a no-op; a different archive with the name of an
    installed package is refused unless ``replace`` (it would silently swap the model out).
    """
    top = _inspect_archive(archive, expect)
    digest = sha256 or sha256_file(archive)
    target = dest_dir / top
    if target.is_dir():
        if read_record(target).get("sha256") == digest:
            return read_package(target, origin, expect)
        refuse_replacing(target, archive, replace)
    dest_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest_dir, prefix=".zhen-install-") as tmp:
        try:
            with zipfile.ZipFile(archive) as zf:
                members = [i for i in zf.infolist() if i.filename.startswith(top + "/")]
                extract(zf, members, Path(tmp), str(archive))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise ModelError(f"is corrupt ({exc}); get the file again", file=archive) from None
        except OSError as exc:
            raise ModelError(
                f"cannot be extracted into {dest_dir} ({exc.strerror}); free some space or "
                "check the folder's permissions",
                file=archive,
            ) from None
        staged = Path(tmp) / top
        write_record(staged, {"sha256": digest, "source": str(archive)})
        read_package(staged, origin, expect)
        swap_in(staged, target, Path(tmp), digest, replace)
    return read_package(target, origin, expect)


def _install_dir(
    source: Path, dest_dir: Path, expect: tuple[str, str] | None, replace: bool = False
) -> PackageInfo:
    """Copy a verified package directory in, atomically.

    Its content digest stands in for the archive sha256 it does not have.
    """
    read_package(source, "path", expect)
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / source.name
    if target.resolve() == source.resolve():
        raise ModelError("is already installed", file=source)
    if target.is_dir():
        if read_record(target).get("sha256") == content_digest(source):
            return read_package(target, "zhen", expect)
        refuse_replacing(target, source, replace)
    with tempfile.TemporaryDirectory(dir=dest_dir, prefix=".zhen-install-") as tmp:
        staged = Path(tmp) / source.name
        try:
            shutil.copytree(source, staged, ignore=shutil.ignore_patterns(RECORD_NAME))
        except (OSError, shutil.Error, RecursionError) as exc:
            raise ModelError(
                f"cannot be copied ({type(exc).__name__}: a link loop, an unreadable file or a "
                "full disk); check the folder",
                file=source,
            ) from None
        digest = content_digest(staged)
        write_record(staged, {"sha256": digest, "source": str(source)})
        swap_in(staged, target, Path(tmp), digest, replace)
    return read_package(target, "zhen", expect)


def parse_pair(text: str) -> tuple[str, str] | None:
    """``"zh en"``, ``"zh_en"``, ``"zh→en"`` → ``("zh", "en")``; anything else → ``None``."""
    match = _PAIR.match(text)
    return (match[1].lower(), match[2].lower()) if match else None


def _install_url(
    url: str,
    dirs: ModelDirs,
    progress: Progress | None,
    expect: tuple[str, str] | None,
    replace: bool,
) -> PackageInfo:
    """Download to the cache dir, install, and drop the download."""
    path = download([url], dirs.cache_dir / "downloads", progress)
    try:
        return install_archive(path, dirs.install_dir, "zhen", expect, replace=replace)
    finally:
        path.unlink(missing_ok=True)


def install(
    source: str,
    dirs: ModelDirs,
    progress: Progress | None = None,
    expect: tuple[str, str] | None = None,
    replace: bool = False,
) -> PackageInfo:
    """Install SOURCE into ``dirs.install_dir``: a ``.argosmodel`` file, an extracted package
    directory, an http(s) URL, or a language pair such as ``"zh en"`` (fetched from the index).

    ``expect`` refuses a package for other languages; a language pair implies it. ``replace``
    lets a different package of an installed package's name replace it.
    """
    path = Path(source).expanduser()
    if path.is_dir():
        return _install_dir(path, dirs.install_dir, expect, replace)
    if path.is_file():
        return install_archive(path, dirs.install_dir, "zhen", expect, replace=replace)
    if source.startswith(("http://", "https://")):
        return _install_url(source, dirs, progress, expect, replace)
    pair = parse_pair(source)
    if pair is None:
        raise ModelError(
            f"is not a file, a directory, an http(s) URL or a language pair; "
            f"try: zhen models install zh en, or zhen models install {EXAMPLE_FILE}",
            file=source,
        )
    entry = find_in_index(dirs.index_url, *pair)
    if entry is None:
        raise ModelError(
            f"the Argos package index has no {pair[0]}→{pair[1]} package; check the language codes",
            file=dirs.index_url,
        )
    listed = entry.get("links")
    links = [str(link) for link in listed] if isinstance(listed, list) else []
    path = download(links, dirs.cache_dir / "downloads", progress)
    try:
        return install_archive(path, dirs.install_dir, "zhen", pair, replace=replace)
    finally:
        path.unlink(missing_ok=True)


def list_packages(dirs: ModelDirs) -> list[PackageInfo]:
    """Installed translation packages in zhen's and Argos's directories.

    Directories that are not valid translation packages (Argos's sentence-boundary packages,
    half-deleted ones, our own ``.zhen-*`` temp dirs) are left out rather than failing the listing.
    """
    found: list[PackageInfo] = []
    for origin, root in zip(("zhen", "argos"), dirs.search, strict=False):
        if not root.is_dir():
            continue
        for child in sorted(root.iterdir()):
            if child.name.startswith(".") or not (child / "metadata.json").is_file():
                continue
            try:
                found.append(read_package(child, origin))
            except ModelError:
                continue
    return found


def remove(name_or_path: str, dirs: ModelDirs) -> Path:
    """Remove an installed package by directory name, path, or language pair; return its path.

    Only packages inside the searched directories can be removed, so a typo can never delete
    an arbitrary directory.
    """
    pair = parse_pair(name_or_path)
    given = Path(name_or_path).expanduser()
    matches = [
        p
        for p in list_packages(dirs)
        if p.name == name_or_path
        or (given.exists() and p.path.resolve() == given.resolve())
        or (pair is not None and (p.from_code, p.to_code) == pair)
    ]
    if not matches:
        raise ModelError(
            f"no installed package matches {name_or_path}; see zhen models list", file=name_or_path
        )
    if len(matches) > 1:
        paths = ", ".join(str(p.path) for p in matches)
        raise ModelError(
            f"matches several packages ({paths}); pass the full path of one",
            file=name_or_path,
        )
    target = matches[0].path
    scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=".zhen-remove-"))
    os.replace(target, scratch / target.name)
    shutil.rmtree(scratch)
    return target


def _from_archive(archive: Path, dirs: ModelDirs, expect: tuple[str, str]) -> PackageInfo:
    """Extract a ``--model`` archive once into the cache, keyed by its sha256."""
    digest = sha256_file(archive)
    dest = dirs.cache_dir / digest[:16]
    if dest.is_dir():
        for child in dest.iterdir():
            if not child.name.startswith(".") and read_record(child).get("sha256") == digest:
                return read_package(child, "path", expect)
    return install_archive(archive, dest, "path", expect, digest)


def resolve_model(
    explicit: Path | None,
    dirs: ModelDirs,
    from_code: str = "zh",
    to_code: str = "en",
) -> PackageInfo:
    """The package to translate with: ``explicit`` (``--model``) if given, else the newest
    installed one for the pair (zhen's own wins a tie). Never touches the network.
    """
    expect = (from_code, to_code)
    if explicit is not None:
        path = explicit.expanduser()
        if path.is_file():
            return _from_archive(path, dirs, expect)
        if path.is_dir():
            return read_package(path, "path", expect)
        raise ModelError(
            "does not exist; pass a .argosmodel file or an extracted package directory",
            file=str(path),
        )
    candidates = [p for p in list_packages(dirs) if (p.from_code, p.to_code) == expect]
    if not candidates:
        raise ModelError(
            f"no {from_code}→{to_code} translation package installed; install one: "
            f"zhen models install {from_code} {to_code} (downloads), "
            f"or zhen models install {EXAMPLE_FILE}",
            file=str(dirs.install_dir),
        )
    return max(candidates, key=lambda p: (version_key(p.version), p.origin == "zhen"))


def ensure_model(
    explicit: Path | None,
    dirs: ModelDirs,
    from_code: str = "zh",
    to_code: str = "en",
    progress: Progress | None = None,
) -> PackageInfo:
    """:func:`resolve_model`, but fetch the package from the Argos index when none is installed.

    Offline, the failure is one line naming both ways out.
    """
    if explicit is not None or any(
        (p.from_code, p.to_code) == (from_code, to_code) for p in list_packages(dirs)
    ):
        return resolve_model(explicit, dirs, from_code, to_code)
    try:
        return install(f"{from_code} {to_code}", dirs, progress)
    except NetworkError as exc:
        raise ModelError(
            f"no {from_code}→{to_code} translation package installed and {exc.what} is "
            f"unreachable ({exc.reason}). "
            f"Install one from a file: zhen models install {EXAMPLE_FILE}",
            file=str(dirs.install_dir),
        ) from None

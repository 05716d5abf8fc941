"""``.argosmodel`` archives checked and extracted within limits; staged packages swapped in.

A package is a zip from the network or from someone else's disk, so its central directory is
checked first: the number of members, the total and per-member unpacked size and compression
ratio (a 3 MB zip bomb once unpacked to 3.2 GB), paths leaving the package, symbolic links, and
a name used both as a file and as a folder. Extraction then writes plain files only, never
more bytes than a member declares, after checking the disk has room for them.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path

from pipeline.errors import ModelError
from pipeline.packages.files import read_record

MAX_MEMBERS = 10_000
"""Files and folders a package may hold (Argos packages hold about a dozen)."""
MAX_UNPACKED = 4 * 2**30
"""Bytes a package may unpack to (the zh→en package unpacks to 86 MB)."""
MAX_RATIO = 100
"""Unpacked:packed ratio a member over :data:`RATIO_FLOOR` may have (models compress ~1.1:1)."""
RATIO_FLOOR = 2**20
"""Members smaller than this may compress as well as they like (JSON, READMEs)."""
_CHUNK = 2**20


def check_members(zf: zipfile.ZipFile, where: str) -> list[zipfile.ZipInfo]:
    """The archive's members (macOS resource forks aside), once every limit holds."""
    members = [i for i in zf.infolist() if not i.filename.startswith("__MACOSX/")]
    if len(members) > MAX_MEMBERS:
        raise _refuse(
            f"holds {len(members):,} files, more than the {MAX_MEMBERS:,} a package may", where
        )
    total = 0
    for info in members:
        name = info.filename
        parts = name.split("/")
        if name.startswith("/") or ".." in parts or "\\" in name or ":" in parts[0]:
            raise _refuse("contains paths outside its directory", where)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _refuse(f"contains a symbolic link ({name})", where)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            ratio = info.file_size // max(1, info.compress_size)
            raise _refuse(f"{name} unpacks {ratio:,} times its packed size, like a zip bomb", where)
        total += info.file_size
    if total > MAX_UNPACKED:
        raise _refuse(
            f"unpacks to {total / 2**30:.1f} GiB, more than the {MAX_UNPACKED // 2**30} GiB a "
            "package may",
            where,
        )
    files = {i.filename for i in members if not i.is_dir()}
    folders = {name.rsplit("/", k)[0] for name in files for k in range(1, name.count("/") + 1)}
    both = sorted(files & folders)
    if both:
        raise _refuse(f"holds {both[0]} both as a file and as a folder", where)
    return members


def extract(zf: zipfile.ZipFile, members: list[zipfile.ZipInfo], dest: Path, where: str) -> None:
    """Write ``members`` under ``dest`` as plain files and folders (checked by
    :func:`check_members`), each no longer than it declares."""
    need = sum(i.file_size for i in members)
    free = shutil.disk_usage(dest).free
    if need > free:
        raise ModelError(
            f"needs {need / 2**20:,.0f} MiB to install but {dest} has {free / 2**20:,.0f} MiB "
            "free; free some space",
            file=where,
        )
    for info in members:
        target = dest.joinpath(*[p for p in info.filename.split("/") if p])
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        left = info.file_size
        with zf.open(info) as src, target.open("xb") as out:
            while chunk := src.read(_CHUNK):
                left -= len(chunk)
                if left < 0:
                    raise _refuse(f"{info.filename} holds more than it declares", where)
                out.write(chunk)


def swap_in(staged: Path, target: Path, scratch: Path, digest: str, replace: bool) -> None:
    """Put ``staged`` (recorded as ``digest``) at ``target`` by renames, so readers never see a
    half-written package. Only ``replace`` moves an installed package aside; without it, a
    package that another process put at ``target`` since the caller looked (two runs starting
    with the same ``--model`` file) stays where it is, in use, when it is the same package."""
    if replace and target.exists():
        os.replace(target, scratch / "previous")
    try:
        os.rename(staged, target)  # onto an existing package (never empty) this fails
    except OSError:
        if read_record(target).get("sha256") != digest:
            raise


def refuse_replacing(target: Path, source: Path | str, replace: bool) -> None:
    """A package of the same name is installed but differs: only ``--replace`` swaps it."""
    if replace:
        return
    raise ModelError(
        f"a different package named {target.name} is already installed ({target}); remove it "
        f"first (zhen models remove {target.name}) or install with --replace",
        file=str(source),
    )


def _refuse(what: str, where: str) -> ModelError:
    return ModelError(f"{what}; refusing to install it (not a sound Argos package)", file=where)

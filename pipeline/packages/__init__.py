"""Translation packages: find, verify, install, remove and resolve Argos zh→en packages.

:mod:`~pipeline.packages.install` holds the lifecycle, :mod:`~pipeline.packages.files` the
content digests and install record, :mod:`~pipeline.packages.index` the Argos package index
and downloads.
"""

from pipeline.packages.install import (
    PackageInfo,
    default_dirs,
    ensure_model,
    fingerprint,
    install,
    install_archive,
    list_packages,
    remove,
    resolve_model,
)
from pipeline.settings import ModelDirs

__all__ = [
    "ModelDirs",
    "PackageInfo",
    "default_dirs",
    "ensure_model",
    "fingerprint",
    "install",
    "install_archive",
    "list_packages",
    "remove",
    "resolve_model",
]

"""Everything that persists: atomic file writes, the translation cache, SQLite lifecycle.

:mod:`~pipeline.store.atomic` writes files so a crash never leaves half a file;
:mod:`~pipeline.store.cache` keeps translations across runs; :mod:`~pipeline.store.sqlite` is
the lifecycle base the cache and the translation memory share.
"""

from pipeline.store.atomic import atomic_open, atomic_write_bytes, atomic_write_text
from pipeline.store.cache import TranslationCache, normalize_source

__all__ = [
    "TranslationCache",
    "atomic_open",
    "atomic_write_bytes",
    "atomic_write_text",
    "normalize_source",
]

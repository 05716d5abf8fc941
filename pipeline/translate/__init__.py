"""Translation: the CTranslate2 engine and the text path every translation goes through.

:mod:`~pipeline.translate.engine` loads a package and decodes batches;
:mod:`~pipeline.translate.texts` translates texts and segments on top of it (dedup, protected
spans, cache, batching, re-decoding of suspicious segments).
"""

from pipeline.translate.engine import (
    Engine,
    Progress,
    TextEngine,
    load_engine,
    needs_translation,
    target_vocabulary,
)
from pipeline.translate.texts import redecode_suspicious, translate_segments, translate_texts

__all__ = [
    "Engine",
    "Progress",
    "TextEngine",
    "load_engine",
    "needs_translation",
    "redecode_suspicious",
    "target_vocabulary",
    "translate_segments",
    "translate_texts",
]

"""Normalize: clean-up and Traditional/regional → Simplified conversion with exact offsets.

:mod:`~pipeline.normalize.text` cleans and converts block text (remembering where every character
came from); :mod:`~pipeline.normalize.script` detects the script and region and applies OpenCC's
conversion tables.
"""

from pipeline.normalize.script import convert, detect_script
from pipeline.normalize.text import Normalized, normalize_document, normalize_text

__all__ = ["Normalized", "convert", "detect_script", "normalize_document", "normalize_text"]

"""Protected spans: what in a sentence is not Chinese prose, kept away from the model.

The zh→en model garbles what it should copy: Latin names and titles ("Launch Notification
Agreement" → "Launch non-recognition agreement"), camelCase ("novelWriter" → "novel Writer"),
inline code and maths ("$z_{s-1}$" → "$z_{s-/"), hashes and URLs. :mod:`~pipeline.spans.find`
finds those spans in normalized inline-Markdown text; :mod:`~pipeline.spans.mask` hides each
behind a token the model copies (``KX1X``; copy rates in bench/RESULTS.md) and puts it back;
:mod:`~pipeline.spans.check` checks the final English for them, in their original form.
"""

from pipeline.spans.check import SpanCheck, check_segment, find_written
from pipeline.spans.find import SPAN_KINDS, Span, SpanKind, find_spans, with_overrides
from pipeline.spans.mask import (
    SPAN_LOST,
    SPAN_SHAPES,
    Piece,
    Protected,
    Shape,
    missing,
    protect,
    restore,
    token,
)

__all__ = [
    "SPAN_KINDS",
    "SPAN_LOST",
    "SPAN_SHAPES",
    "Piece",
    "Protected",
    "Shape",
    "Span",
    "SpanCheck",
    "SpanKind",
    "check_segment",
    "find_spans",
    "find_written",
    "missing",
    "protect",
    "restore",
    "token",
    "with_overrides",
]

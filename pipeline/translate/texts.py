"""Translating texts and segments: what a document run needs on top of the engine's batch call.

:func:`translate_texts` drops duplicates, passes through text with nothing to translate, protects
spans the model must not touch (:mod:`pipeline.spans`), consults the cache, batches by tokens,
commits each batch to the cache, and puts results back in input order. :func:`translate_segments`
fills segments and decodes the suspicious ones again with the repair settings
(:func:`redecode_suspicious`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from pipeline.document import Segment, SegmentStatus
from pipeline.glossary.document import gloss_spans
from pipeline.qa import suspicion
from pipeline.settings import REPAIR
from pipeline.spans import (
    SPAN_SHAPES,
    Protected,
    Shape,
    Span,
    find_spans,
    protect,
    restore,
    with_overrides,
)
from pipeline.stats import TranslateStats
from pipeline.store.cache import TranslationCache, normalize_source
from pipeline.translate.engine import (
    Engine,
    Progress,
    TextEngine,
    make_batches,
    needs_translation,
)

SPAN_ATTEMPTS: tuple[Shape | None, ...] = (*SPAN_SHAPES, None)
"""How a text with markup or machine text is sent: masked with each token shape, then as it is."""
PLAIN_FIRST: tuple[Shape | None, ...] = (None, *SPAN_SHAPES)
"""How a text whose spans are only Latin words and symbols is sent: as it is first (the model
copies most names, and its sentence is most fluent with them: chrF 54.37 masked-first vs
54.45 on FLORES, bench/RESULTS.md), masked only where it lost one."""
_PLAIN_FIRST_KINDS = frozenset({"latin", "symbol", "gloss"})


@dataclass
class _Outcome:
    """Per-input results of one :func:`_translate` call; ``lost`` lists, per input, the protected
    spans that did not come back verbatim after every fallback."""

    texts: list[str]
    statuses: list[SegmentStatus]
    lost: list[tuple[str, ...]]
    batches: int = 0
    chars: int = 0


@dataclass
class _Job:
    """One input that needs the model, its protected spans, and the best English so far."""

    index: int
    text: str
    spans: list[Span]
    english: str = ""
    status: SegmentStatus = "translated"
    lost: tuple[str, ...] | None = None

    def offer(self, english: str, status: SegmentStatus, lost: tuple[str, ...]) -> None:
        """Keep the output that lost fewest spans (ties keep the earlier attempt)."""
        if self.lost is None or len(lost) < len(self.lost):
            self.english, self.status, self.lost = english, status, lost


def protected_spans(text: str) -> list[Span]:
    """What of ``text`` the model must not see: :func:`pipeline.spans.find_spans`, with the
    document's own glossed names written as their English (:func:`gloss_spans`)."""
    return with_overrides(find_spans(text), gloss_spans(text))


def _translate(
    texts: Sequence[str],
    engine: TextEngine,
    cache: TranslationCache | None,
    progress: Progress | None,
) -> _Outcome:
    """The shared core of :func:`translate_texts` and :func:`translate_segments`.

    Each text's protected spans become tokens (:func:`pipeline.spans.protect`); a text with no
    Chinese left outside them is not sent to the model. Markup and machine text (code, maths,
    links, URLs, glossed names) are masked first; where the model drops a token the text is
    decoded again with the other token shape, then unmasked. A text whose spans are only Latin
    words and symbols goes as it is first and is masked only where the model lost one of them
    (:data:`PLAIN_FIRST`). The output that lost fewest spans is kept, and what it still lost is
    reported in ``lost``. Every attempt goes through the cache keyed by exactly what the model
    saw, so masked and plain outputs never mix.
    """
    out = _Outcome(list(texts), ["skipped" for _ in texts], [() for _ in texts])
    jobs = [_Job(i, t, protected_spans(t)) for i, t in enumerate(texts) if needs_translation(t)]
    if progress is not None and len(texts) > len(jobs):
        progress(len(texts) - len(jobs))
    todo = jobs
    for attempt in range(len(SPAN_ATTEMPTS)):
        sent: list[tuple[_Job, Protected]] = []
        for job in todo:
            plain = all(s.kind in _PLAIN_FIRST_KINDS for s in job.spans)
            shape = (PLAIN_FIRST if plain else SPAN_ATTEMPTS)[attempt]
            protected = protect(job.text, job.spans, shape if job.spans else None)
            if needs_translation(protected.masked):
                sent.append((job, protected))
            else:  # only spans and punctuation: nothing for the model
                job.offer(job.text, "skipped", ())
        if progress is not None and attempt == 0 and len(todo) > len(sent):
            progress(len(todo) - len(sent))
        decoded = _decode(
            [p.masked for _, p in sent], engine, cache, out, progress if attempt == 0 else None
        )
        for (job, protected), (english, status) in zip(sent, decoded, strict=True):
            restored, lost = restore(english, protected)
            job.offer(restored, status, lost)
        todo = [job for job in todo if job.lost]
        if not todo:
            break
    for job in jobs:
        out.texts[job.index], out.statuses[job.index] = job.english, job.status
        out.lost[job.index] = job.lost or ()
    return out


def _decode(
    sources: Sequence[str],
    engine: TextEngine,
    cache: TranslationCache | None,
    out: _Outcome,
    progress: Progress | None,
) -> list[tuple[str, SegmentStatus]]:
    """What the model (or the cache) makes of each source: duplicates decoded once, the rest
    sorted by length and batched by tokens, each batch committed to the cache."""
    results: list[tuple[str, SegmentStatus]] = [("", "translated") for _ in sources]
    positions: dict[str, list[int]] = {}
    for i, text in enumerate(sources):
        positions.setdefault(normalize_source(text), []).append(i)
    namespace = engine.cache_namespace if cache is not None else ""
    hits = cache.get_many(namespace, positions) if cache is not None else {}
    for source, english in hits.items():
        for i in positions.pop(source):
            results[i] = (english, "cached")
    if progress is not None and len(sources) > sum(map(len, positions.values())):
        progress(len(sources) - sum(map(len, positions.values())))
    pending = list(positions)
    batches = make_batches([engine.count_tokens(s) for s in pending], engine.batch_tokens)
    for batch_sources, outputs in _decoded([[pending[i] for i in b] for b in batches], engine):
        if cache is not None:
            cache.put_many(namespace, zip(batch_sources, outputs, strict=True))
        done = 0
        for source, result in zip(batch_sources, outputs, strict=True):
            for i in positions[source]:
                results[i] = (result, "translated")
                done += 1
        out.batches += 1
        out.chars += sum(map(len, batch_sources))
        if progress is not None:
            progress(done)
    return results


def _decoded(batches: list[list[str]], engine: TextEngine) -> Iterator[tuple[list[str], list[str]]]:
    """``(sources, translations)`` per batch, in order. An :class:`Engine` with several
    replicas gets as many batches at once from a thread pool (CTranslate2 releases the GIL and
    hands each call to a free replica), so every core decodes; results still come back, and
    are cached and counted, in batch order."""
    workers = engine.workers if isinstance(engine, Engine) else 1
    if workers <= 1 or len(batches) <= 1:
        for sources in batches:
            yield sources, engine.translate(sources)
        return
    pool = ThreadPoolExecutor(workers, thread_name_prefix="zhen-decode")
    try:
        yield from zip(batches, pool.map(engine.translate, batches), strict=True)
    finally:
        pool.shutdown(cancel_futures=True)  # an interrupted run waits for running batches only


def translate_texts(
    texts: Sequence[str],
    engine: TextEngine,
    cache: TranslationCache | None = None,
    progress: Progress | None = None,
) -> list[str]:
    """Translate many texts efficiently; the result lines up with ``texts``."""
    return _translate(texts, engine, cache, progress).texts


def translate_segments(
    segments: Sequence[Segment],
    engine: TextEngine,
    cache: TranslationCache | None = None,
    progress: Progress | None = None,
) -> TranslateStats:
    """Fill ``Segment.en`` and ``Segment.status`` (translated, cached or skipped).

    Segments are translated from their normalized text (the original where normalization
    left it empty); suspicious ones are decoded again (:func:`redecode_suspicious`). Returns
    counts and timing for the run report.
    """
    started = time.perf_counter()
    outcome = _translate([s.normalized or s.source for s in segments], engine, cache, progress)
    for segment, english, status in zip(segments, outcome.texts, outcome.statuses, strict=True):
        segment.en, segment.status = english, status
    redecoded, repaired = redecode_suspicious(segments, engine, cache)
    return TranslateStats(
        segments=len(segments),
        translated=outcome.statuses.count("translated"),
        cached=outcome.statuses.count("cached"),
        skipped=outcome.statuses.count("skipped"),
        batches=outcome.batches,
        chars=outcome.chars,
        seconds=round(time.perf_counter() - started, 3),
        redecoded=redecoded,
        repaired=repaired,
    )


def repair_engine(engine: TextEngine) -> Engine | None:
    """``engine`` with the repair decoding settings (:data:`pipeline.settings.REPAIR`), sharing
    its loaded model; ``None`` when re-decoding is off or the engine is not a real one."""
    if not isinstance(engine, Engine) or not engine.settings.redecode:
        return None
    settings = replace(
        engine.settings,
        beam=REPAIR.beam,
        length_penalty=REPAIR.length_penalty,
        no_repeat_ngram_size=REPAIR.no_repeat_ngram_size,
    )
    return replace(engine, settings=settings)


def redecode_suspicious(
    segments: Sequence[Segment], engine: TextEngine, cache: TranslationCache | None = None
) -> tuple[int, int]:
    """Decode the segments QA finds suspicious (a loop, an odd length ratio, a lost number:
    :func:`pipeline.qa.suspicion`) again with the repair settings and keep each new English
    that is less suspicious. Returns ``(re-decoded, kept)``.

    Beam 4 with length penalty 1.5 and no repeated 3-grams fixed 16 of 24 such lines of
    WMT19 and FLORES and made 3 worse (bench/RESULTS.md); for every other line the cheaper
    default decoding stays.
    """
    repair = repair_engine(engine)
    if repair is None:
        return 0, 0
    todo = [
        (s, badness)
        for s in segments
        if s.status in ("translated", "cached")
        and (badness := suspicion(s.normalized or s.source, s.en))
    ]
    if not todo:
        return 0, 0
    again = translate_texts([s.normalized or s.source for s, _ in todo], repair, cache)
    kept = 0
    for (segment, badness), english in zip(todo, again, strict=True):
        if suspicion(segment.normalized or segment.source, english) < badness:
            segment.en = english
            kept += 1
    return len(todo), kept

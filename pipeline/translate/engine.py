"""The engine: an Argos package driven through CTranslate2 and SentencePiece directly.

Argos Translate's own runtime needs stanza (and so torch) for sentence splitting; zhen already
has sentences, so it only needs the model. :func:`load_engine` loads a package once per
process; batches are sorted by length and cut by tokens (:func:`make_batches`), since padding
wastes least when lengths are close.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.chars import CJK_LETTER_RE
from pipeline.errors import ModelError, SettingsError, TranslateError
from pipeline.packages import PackageInfo, fingerprint
from pipeline.settings import TranslateSettings

DECODER_OPTIONS: dict[str, object] = {"replace_unknowns": True}
"""Fixed decoding options; with the settings' own (:func:`decoder_options`) part of the cache
namespace, so changing them invalidates the cache."""


DETOKENIZER_VERSION = 1
"""Bump when :func:`detokenize` changes: it is part of the cache namespace."""


_SPLIT_APOSTROPHE = re.compile(r"(?<=\w) ' (?=(?:s|t|re|ve|ll|d|m)\b)")


_MAX_PIECE = 32
"""Longest vocabulary piece tried when splitting a target prefix."""


_SPECIAL_TOKENS = frozenset({"<s>", "</s>", "<pad>", "<unk>", "<blank>"})

SCORE_BATCH_TOKENS = 256
"""Source tokens per ``score_batch`` sub-batch. Scoring holds the model's output distribution
for every target position of every sentence in a sub-batch at once: at the decoding budget
(1,024) enforcement's scoring nearly doubled a run's peak memory (370 → 706 MB on the devcorpus
and samples, one replica), at 256 it adds 58 MB (428 MB), same outputs, same time."""

Progress = Callable[[int], None]
"""Called with how many more input items just finished (duplicates and skips included)."""


class TextEngine(Protocol):
    """What :func:`translate_texts` needs from an engine; tests pass a fake."""

    @property
    def batch_tokens(self) -> int: ...

    @property
    def cache_namespace(self) -> str: ...

    def count_tokens(self, text: str) -> int: ...

    def translate(
        self, texts: list[str], target_prefixes: list[str | None] | None = None
    ) -> list[str]: ...


def physical_cores() -> int:
    """Physical cores this process may use: SMT siblings share one core's vector units, and
    CTranslate2's int8 GEMMs gain nothing from them.
    """
    usable = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    cores: set[tuple[str, str]] = set()
    try:
        for cpu in usable:
            topology = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
            package_id = (topology / "physical_package_id").read_text().strip()
            cores.add((package_id, (topology / "core_id").read_text().strip()))
    except OSError:
        cores.clear()
    return len(cores) or len(usable) or os.cpu_count() or 1


@functools.cache
def _load_models(
    model_dir: str, sp_model: str, device: str, compute_type: str, threads: int, workers: int = 1
) -> tuple[Any, Any]:
    """Load translator and tokenizer once per process for each distinct configuration;
    ``workers`` replicas of the model, ``threads`` threads each."""
    # Lazy: native runtime; only translating needs it.
    import ctranslate2
    import sentencepiece

    translator = ctranslate2.Translator(
        model_dir,
        device=device,
        compute_type=compute_type,
        intra_threads=threads,
        inter_threads=workers,
    )
    processor = sentencepiece.SentencePieceProcessor(model_file=sp_model)
    return translator, processor


@functools.cache
def target_vocabulary(model_dir: str) -> frozenset[str]:
    """The decoder's pieces, from the CTranslate2 vocabulary file (empty when unreadable)."""
    for name in ("target_vocabulary", "shared_vocabulary"):
        for suffix, parse in ((".json", json.loads), (".txt", str.splitlines)):
            path = Path(model_dir) / (name + suffix)
            if path.is_file():
                return frozenset(parse(path.read_text(encoding="utf-8")))
    return frozenset()


def target_pieces(text: str, vocab: frozenset[str]) -> list[str]:
    """English as the decoder's own pieces: each word ``▁``-prefixed and split greedily into the
    longest pieces in ``vocab``. The package's SentencePiece model is the source side's; it cuts
    ``Beijing`` into ``▁Be ij ing``, pieces the decoder never emits, which derails a forced prefix.
    """
    pieces: list[str] = []
    for word in text.split():
        rest = "▁" + word
        while rest:
            size = next(
                (n for n in range(min(len(rest), _MAX_PIECE), 1, -1) if rest[:n] in vocab), 1
            )
            pieces.append(rest[:size])
            rest = rest[size:]
    return pieces


def _resolve_device(requested: str) -> str:
    """``auto`` → ``cuda`` when CTranslate2 sees a GPU; ``cuda`` without one is a user error."""
    # Lazy: native runtime; only translating needs it.
    import ctranslate2

    gpus = ctranslate2.get_cuda_device_count()
    if requested == "auto":
        return "cuda" if gpus > 0 else "cpu"
    if requested == "cuda" and gpus == 0:
        raise TranslateError(
            "--device cuda was asked for but no CUDA GPU is visible; use --device cpu",
            file="--device",
        )
    if requested not in ("cpu", "cuda"):
        raise SettingsError(f"unknown device {requested!r}; use cpu, cuda or auto", file="--device")
    return requested


def _check_compute_type(device: str, compute_type: str) -> None:
    """Refuse a compute type the hardware lacks with the list of ones it has."""
    # Lazy: native runtime; only translating needs it.
    import ctranslate2

    supported = sorted(ctranslate2.get_supported_compute_types(device))
    if compute_type not in ("auto", "default", *supported):
        raise TranslateError(
            f"compute type {compute_type!r} is not supported on {device} "
            f"(supported: {', '.join(supported)}); use --compute-type auto",
            file="--compute-type",
        )


@dataclass
class Engine:
    """A loaded package plus the decoding settings it runs with."""

    package: PackageInfo
    settings: TranslateSettings
    device: str
    compute_type: str
    threads: int
    translator: Any = field(repr=False)
    processor: Any = field(repr=False)
    model_id: str = ""
    workers: int = 1
    """Replicas decoding batches at once (``threads`` is per replica)."""

    @property
    def batch_tokens(self) -> int:
        """Token budget per batch (source tokens, padded)."""
        return self.settings.batch_tokens

    def signature(self) -> dict[str, object]:
        """Everything that decides the output, for the run signature and the cache namespace."""
        return {
            "model": self.package.name,
            "version": self.package.version,
            "sha256": self.model_id,
            "device": self.device,
            "compute_type": self.compute_type,
            "beam": self.settings.beam,
            "max_decoding_length": self.settings.max_decoding_length,
            "target_prefix": self.package.target_prefix,
            "decoder": decoder_options(self.settings),
            "detokenizer": DETOKENIZER_VERSION,
        }

    @functools.cached_property
    def cache_namespace(self) -> str:
        """Hash of :meth:`signature`: equal namespaces mean equal translations."""
        return hashlib.sha256(json.dumps(self.signature(), sort_keys=True).encode()).hexdigest()

    def count_tokens(self, text: str) -> int:
        """Source tokens ``text`` becomes, for sorting and batching."""
        return len(self.processor.encode(text))

    def target_pieces(self, text: str) -> list[str]:
        """``text`` as decoder pieces (see :func:`target_pieces`), for prefixes and scoring."""
        return target_pieces(text, target_vocabulary(str(self.package.model_dir)))

    def translate(
        self, texts: list[str], target_prefixes: list[str | None] | None = None
    ) -> list[str]:
        """Translate ``texts`` as they are, in one call; ``target_prefixes[i]`` forces the
        English of ``texts[i]`` to start with that text.
        """
        if not texts:
            return []
        package_prefix = [self.package.target_prefix] if self.package.target_prefix else []
        sources = [self.processor.encode(t, out_type=str) for t in texts]
        prefixes = [
            package_prefix + (self.target_pieces(p) if p else [])
            for p in (target_prefixes or [None] * len(texts))
        ]
        results = self.translator.translate_batch(
            sources,
            target_prefix=prefixes if any(prefixes) else None,
            beam_size=self.settings.beam,
            max_decoding_length=self.settings.max_decoding_length,
            max_batch_size=self.settings.batch_tokens,
            batch_type="tokens",
            **decoder_options(self.settings),
        )
        return [detokenize(r.hypotheses[0], package_prefix) for r in results]


def decoder_options(settings: TranslateSettings) -> dict[str, object]:
    """CTranslate2 decoding options for ``settings``; ``no_repeat_ngram_size`` only when set,
    so runs without it keep the cache namespace they had before it existed."""
    options = {**DECODER_OPTIONS, "length_penalty": settings.length_penalty}
    if settings.no_repeat_ngram_size:
        options["no_repeat_ngram_size"] = settings.no_repeat_ngram_size
    return options


def detokenize(tokens: Sequence[str], strip_prefix: Sequence[str] = ()) -> str:
    """Target pieces → text: drop the package's language prefix and special tokens, turn
    ``▁`` into spaces. (The package's SentencePiece model is the source side's, so its
    ``decode`` would mangle English pieces.) The OPUS-MT model learned Moses-tokenized
    apostrophes and writes ``People ' s`` in about one WMT sentence in ten; those are rejoined.
    """
    if strip_prefix and list(tokens[: len(strip_prefix)]) == list(strip_prefix):
        tokens = tokens[len(strip_prefix) :]
    text = "".join(t for t in tokens if t not in _SPECIAL_TOKENS).replace("▁", " ")
    return _SPLIT_APOSTROPHE.sub("'", " ".join(text.split()))


def replicas(settings: TranslateSettings, device: str) -> tuple[int, int]:
    """``(workers, threads per worker)`` for ``settings`` on ``device``.

    On CPU the default is one replica per physical core with one thread each: two replicas
    × one thread did the same work with less CPU than one decode with two threads (see
    ``bench/RESULTS.md``). Explicit ``threads`` are shared between the replicas; a GPU gets one
    replica unless asked for more.
    """
    cores = settings.threads or physical_cores()
    workers = settings.workers or (1 if device == "cuda" or settings.threads else cores)
    return workers, max(1, cores // workers) if device == "cpu" else cores


def load_engine(package: PackageInfo, settings: TranslateSettings) -> Engine:
    """Load ``package`` for ``settings``: the model is read once per process and reused."""
    device = _resolve_device(settings.device)
    _check_compute_type(device, settings.compute_type)
    workers, threads = replicas(settings, device)
    try:
        translator, processor = _load_models(
            str(package.model_dir),
            str(package.sentencepiece_model),
            device,
            settings.compute_type,
            threads,
            workers,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"cannot load the model ({exc}); reinstall the package", file=str(package.path)
        ) from None
    return Engine(
        package=package,
        settings=settings,
        device=device,
        compute_type=translator.compute_type,
        threads=threads,
        translator=translator,
        processor=processor,
        model_id=fingerprint(package),
        workers=workers,
    )


def needs_translation(text: str) -> bool:
    """Only text with Chinese (or other CJK) characters goes to the model; numbers, URLs,
    punctuation and Latin text come through unchanged instead of being paraphrased.
    """
    return CJK_LETTER_RE.search(text) is not None


def make_batches(lengths: Sequence[int], batch_tokens: int) -> list[list[int]]:
    """Group indices, shortest first, so each batch's padded size stays within ``batch_tokens``.

    A single item longer than the budget gets a batch of its own.
    """
    batches: list[list[int]] = []
    current: list[int] = []
    for index in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        if current and (len(current) + 1) * lengths[index] > batch_tokens:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches

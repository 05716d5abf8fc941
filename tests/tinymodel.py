"""Build a tiny but real Argos-style package so the install → load → translate path runs in tests.

The real zh→en package is 74 MB and lives outside the repository; this builder makes a
package with the same layout (``metadata.json``, a CTranslate2 ``model/``, a
``sentencepiece.model``) from random weights and a SentencePiece model trained on a few
lines, in well under a second. Its translations are gibberish, but every code path that
touches files, CTranslate2 and SentencePiece is the real one.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

CORPUS = [
    "中国周日试射了一枚导弹。",
    "美国总统在白宫发表讲话。",
    "今天天气很好，我们去公园散步。",
    "The president spoke at the White House.",
    "China tested a missile on Sunday.",
    "The weather is nice today and we walk in the park.",
    "经济增长放缓，市场担心通货膨胀。",
    "Economic growth slowed and markets worry about inflation.",
]

D_MODEL = 16
FFN = 32
HEADS = 2
LAYERS = 2


def train_sentencepiece(path: Path, vocab_size: int = 120) -> list[str]:
    """Train a tiny SentencePiece model at ``path`` and return its pieces in id order."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS * 4),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    path.write_bytes(buffer.getvalue())
    processor = spm.SentencePieceProcessor(model_file=str(path))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _fill(spec: object, rng: np.random.Generator, vocab: int) -> None:
    """Give every weight of a Transformer spec a small random value of the right shape."""
    from ctranslate2.specs import attention_spec, common_spec

    def rand(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.2).astype(np.float32)

    def visit(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if isinstance(node, common_spec.LayerNormSpec):
            node.gamma = np.ones(D_MODEL, dtype=np.float32)
            node.beta = np.zeros(D_MODEL, dtype=np.float32)
            return
        if isinstance(node, common_spec.EmbeddingsSpec):
            node.weight = rand(vocab, D_MODEL)
            return
        if isinstance(node, attention_spec.MultiHeadAttentionSpec):
            # Self-attention fuses Q/K/V into one projection; encoder attention splits Q and K/V.
            outs = (
                [3 * D_MODEL, D_MODEL] if len(node.linear) == 2 else [D_MODEL, 2 * D_MODEL, D_MODEL]
            )
            for linear, out in zip(node.linear, outs, strict=True):
                linear.weight = rand(out, D_MODEL)
                linear.bias = rand(out)
            visit(node.layer_norm)
            return
        if hasattr(node, "linear_0") and hasattr(node, "linear_1"):
            node.linear_0.weight, node.linear_0.bias = rand(FFN, D_MODEL), rand(FFN)
            node.linear_1.weight, node.linear_1.bias = rand(D_MODEL, FFN), rand(D_MODEL)
            visit(node.layer_norm)
            return
        if hasattr(node, "__dict__"):
            for name, child in vars(node).items():
                if name == "projection":
                    child.weight, child.bias = rand(vocab, D_MODEL), rand(vocab)
                elif not name.startswith("_"):
                    visit(child)

    visit(spec)


def build_package_dir(
    root: Path, from_code: str = "zh", to_code: str = "en", **extra: object
) -> Path:
    """Write an extracted package directory ``root/translate-<from>_<to>-tiny`` and return it."""
    import ctranslate2

    package = root / f"translate-{from_code}_{to_code}-tiny"
    (package / "model").mkdir(parents=True)
    pieces = train_sentencepiece(package / "sentencepiece.model")

    spec = ctranslate2.specs.TransformerSpec.from_config(LAYERS, HEADS)
    _fill(spec, np.random.default_rng(0), len(pieces))
    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    spec.validate()
    spec.save(str(package / "model"))

    metadata = {
        "package_version": "0.1",
        "argos_version": "1.9.0",
        "from_code": from_code,
        "from_name": from_code,
        "to_code": to_code,
        "to_name": to_code,
        **extra,
    }
    (package / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    (package / "README.md").write_text("Tiny random test model.\n", encoding="utf-8")
    return package


def zip_package(package: Path, archive: Path) -> Path:
    """Pack an extracted package directory into an ``.argosmodel`` zip (one top directory)."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(package, package.name + "/")
        for file in sorted(package.rglob("*")):
            zf.write(file, f"{package.name}/{file.relative_to(package).as_posix()}")
    return archive


def build_archive(root: Path, from_code: str = "zh", to_code: str = "en", **extra: object) -> Path:
    """Build a tiny package under ``root`` and return its ``.argosmodel`` archive."""
    package = build_package_dir(root / "src", from_code, to_code, **extra)
    return zip_package(package, root / f"{package.name}.argosmodel")

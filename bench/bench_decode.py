"""Decoding options through zhen's own engine: quality, CPU time, and re-decoding suspicious lines.

Usage: uv run python bench/bench_decode.py [--lines 300] [--threads 2]
       [--configs "b2;b2 nr4;b2 lp1.2 nr4;b4 lp1.2;b4 mbr4"] [--base "b2"]

A config is a beam (``b4``) plus options: ``lpX`` length penalty, ``nrN`` no_repeat_ngram_size,
``mbrN`` an N-best list reranked by minimum Bayes risk with chrF (each hypothesis scored
against the others, the most central kept). Each runs :func:`pipeline.translate.translate_texts`
(zhen's batching and detokenization, no cache) on the first ``--lines`` lines of WMT19
newstest2019 and FLORES-200 devtest zho_Hans; CPU is the process time of the decode (all
threads). Then the ``--base`` config's lines that QA finds suspicious
(:func:`pipeline.qa.suspicion`) are decoded again with :data:`pipeline.settings.REPAIR`,
keeping each new line only where it is less suspicious, exactly as ``zhen translate`` does
(:func:`pipeline.translate.redecode_suspicious`).

Needs the real model and the test sets (``../shared``, or ``ZHEN_SHARED``).
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from table import print_table  # bench/ is on sys.path when run as a script

from pipeline.document import Segment
from pipeline.packages import ModelDirs, resolve_model
from pipeline.qa import suspicion
from pipeline.settings import TranslateSettings
from pipeline.translate.engine import Engine, detokenize, load_engine
from pipeline.translate.texts import redecode_suspicious, translate_texts

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ZHEN_SHARED", ROOT.parent / "shared"))
MODEL = SHARED / "models" / "translate-zh_en-1_9.argosmodel"
SETS = {
    "wmt19": ("testsets/wmt19/newstest2019.zh-en.zh", "testsets/wmt19/newstest2019.zh-en.en"),
    "flores": ("testsets/flores200/zho_Hans.devtest", "testsets/flores200/eng_Latn.devtest"),
}


def parse(config: str, threads: int) -> tuple[TranslateSettings, int]:
    """Settings and MBR list size (0: none) for a config name such as ``b4 lp1.2 nr3``."""
    beam = int(re.search(r"b(\d+)", config).group(1))  # type: ignore[union-attr]
    lp = re.search(r"lp([\d.]+)", config)
    nr = re.search(r"nr(\d+)", config)
    mbr = re.search(r"mbr(\d+)", config)
    settings = TranslateSettings(
        beam=beam,
        threads=threads,
        length_penalty=float(lp.group(1)) if lp else 1.0,
        no_repeat_ngram_size=int(nr.group(1)) if nr else 0,
        redecode=False,
    )
    return settings, int(mbr.group(1)) if mbr else 0


def mbr_translate(engine: Engine, texts: list[str], n: int) -> list[str]:
    """N-best decoding, each list reranked by chrF against its own other hypotheses."""
    import sacrebleu

    prefix = [engine.package.target_prefix] if engine.package.target_prefix else []
    results = engine.translator.translate_batch(
        [engine.processor.encode(t, out_type=str) for t in texts],
        beam_size=max(n, engine.settings.beam),
        num_hypotheses=n,
        max_decoding_length=engine.settings.max_decoding_length,
        max_batch_size=engine.settings.batch_tokens,
        batch_type="tokens",
        replace_unknowns=True,
        length_penalty=engine.settings.length_penalty,
    )
    out = []
    for result in results:
        hyps = [detokenize(h, prefix) for h in result.hypotheses]
        scores = [
            sum(sacrebleu.sentence_chrf(h, [o]).score for o in hyps if o is not h) for h in hyps
        ]
        out.append(hyps[max(range(len(hyps)), key=scores.__getitem__)])
    return out


def score(hyps: list[str], refs: list[str]) -> tuple[float, float]:
    import sacrebleu

    return sacrebleu.corpus_chrf(hyps, [refs]).score, sacrebleu.corpus_bleu(hyps, [refs]).score


def main() -> None:
    """Print one row per config, then the re-decode table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=300, help="0: every line")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--configs", default="b2;b2 nr4;b2 lp1.2 nr4;b4 lp1.2;b4 mbr4")
    parser.add_argument("--base", default="b2")
    args = parser.parse_args()
    if not MODEL.is_file():
        raise SystemExit(f"the real model is not at {MODEL} (set ZHEN_SHARED)")
    scratch = Path(tempfile.mkdtemp(prefix="zhen-bench-decode-"))
    dirs = ModelDirs(scratch / "packages", scratch / "cache", index_url="http://127.0.0.1:9/")
    package = resolve_model(MODEL, dirs)
    data = {}
    for name, (src, ref) in SETS.items():
        zh = (SHARED / src).read_text(encoding="utf-8").splitlines()[: args.lines or None]
        en = (SHARED / ref).read_text(encoding="utf-8").splitlines()[: args.lines or None]
        data[name] = (zh, en)
    rows = []
    outputs: dict[str, dict[str, list[str]]] = {}
    base_cpu = 0.0
    for config in [c.strip() for c in args.configs.split(";")]:
        settings, mbr = parse(config, args.threads)
        engine = load_engine(package, settings)
        row: list[object] = [config]
        cpu = 0.0
        outputs[config] = {}
        for name, (zh, en) in data.items():
            start = time.process_time()
            hyps = mbr_translate(engine, zh, mbr) if mbr else translate_texts(zh, engine)
            cpu += time.process_time() - start
            outputs[config][name] = hyps
            chrf, bleu = score(hyps, en)
            loops = sum(suspicion(z, h) > 0 for z, h in zip(zh, hyps, strict=True))
            row += [chrf, bleu, loops]
        base_cpu = base_cpu or cpu
        rows.append([*row, round(cpu, 1), cpu / base_cpu])
    headers = ["config"]
    for name in data:
        headers += [f"{name} chrF", f"{name} BLEU", f"{name} suspicious"]
    print_table([*headers, "CPU s", "rel. CPU"], rows)
    print()
    base_settings, _ = parse(args.base, args.threads)
    engine = load_engine(package, replace(base_settings, redecode=True))
    rows = []
    for name, (zh, en) in data.items():
        hyps = outputs.get(args.base, {}).get(name) or translate_texts(zh, engine)
        segs = [
            Segment(f"{name}:{i}:0", name, i, 0, 0, len(z), z, z, h, "translated")
            for i, (z, h) in enumerate(zip(zh, hyps, strict=True))
        ]
        start = time.process_time()
        redecoded, kept = redecode_suspicious(segs, engine)
        cpu = time.process_time() - start
        before, after = score(hyps, en), score([s.en for s in segs], en)
        rows.append([name, args.base, redecoded, kept, *before, *after, round(cpu, 1)])
    print_table(
        ["set", "base", "suspicious", "kept", "chrF", "BLEU", "chrF after", "BLEU after", "CPU s"],
        rows,
    )


if __name__ == "__main__":
    main()

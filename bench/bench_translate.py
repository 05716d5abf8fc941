"""Translation speed, memory and quality: raw CTranslate2 vs ``zhen translate`` vs Argos Translate.

Usage:
    uv run --group argos python bench/bench_translate.py [--lines 500]
        [--sets wmt19,flores-hans,flores-hant] [--systems raw,zhen,argos] [--beams 2]
        [--tradeoff 1,2,4]

(``--group argos`` installs Argos Translate, the reference system; zhen itself does not need it.)

Every measurement runs in its own subprocess (so peak RSS is that system's alone), on the same
machine in one invocation, with the same CTranslate2 settings (int8, same threads):

1. ``raw``   — ``Translator.translate_batch`` on pre-tokenized lines: the ceiling.
2. ``zhen``  — the whole pipeline (ingest → normalize → segment → translate → QA → write) on one
   plain-text document, one test-set line per paragraph; no cache, no glossary. Model load time
   is excluded from chars/s (as for raw) and reported separately.
3. ``argos`` — ``argostranslate.translate.translate`` per line, as LibreTranslate-style use does
   (Argos's own defaults: beam 4). Its stanza sentence splitter cannot load offline, so only here
   it is patched to zhen's splitter.

Scores are sacrebleu BLEU and chrF against the set's references. Needs ../shared (model, sets).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any

from table import print_table  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MODEL = SHARED / "models" / "translate-zh_en-1_9.argosmodel"
SETS = {
    "wmt19": ("testsets/wmt19/newstest2019.zh-en.zh", "testsets/wmt19/newstest2019.zh-en.en"),
    "flores-hans": ("testsets/flores200/zho_Hans.devtest", "testsets/flores200/eng_Latn.devtest"),
    "flores-hant": ("testsets/flores200/zho_Hant.devtest", "testsets/flores200/eng_Latn.devtest"),
}


def load_set(name: str, lines: int) -> tuple[list[str], list[str]]:
    """First ``lines`` source and reference lines of a test set."""
    src, ref = SETS[name]
    return (
        (SHARED / src).read_text(encoding="utf-8").splitlines()[:lines],
        (SHARED / ref).read_text(encoding="utf-8").splitlines()[:lines],
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def package_and_settings(beam: int) -> tuple[Any, Any]:
    """The package extracted through zhen's real loading code, and matching settings."""
    from pipeline.packages import ModelDirs, resolve_model
    from pipeline.settings import TranslateSettings

    cache = Path(tempfile.gettempdir()) / "zhen-bench-models"
    dirs = ModelDirs(install_dir=cache / "install", cache_dir=cache / "cache")
    return resolve_model(MODEL, dirs), TranslateSettings(model=MODEL, beam=beam)


def run_raw(sources: list[str], beam: int) -> dict:
    """System 1: the CTranslate2 ceiling, tokenization excluded from the timing."""
    from pipeline.translate.engine import detokenize, load_engine

    package, settings = package_and_settings(beam)
    start = time.perf_counter()
    engine = load_engine(package, settings)
    load = time.perf_counter() - start
    tokens = [engine.processor.encode(s, out_type=str) for s in sources]
    start = time.perf_counter()
    results = engine.translator.translate_batch(
        tokens,
        beam_size=beam,
        max_batch_size=settings.batch_tokens,
        batch_type="tokens",
        max_decoding_length=settings.max_decoding_length,
    )
    seconds = time.perf_counter() - start
    hyps = [detokenize(r.hypotheses[0]) for r in results]
    return {"hyps": hyps, "seconds": seconds, "load": load, "threads": engine.threads}


def run_zhen(sources: list[str], beam: int) -> dict:
    """System 2: the whole pipeline through ``translate_run``, as ``zhen translate`` runs it."""
    from dataclasses import replace

    from pipeline.packages import ModelDirs
    from pipeline.run import translate_run
    from pipeline.settings import RunOptions, Settings

    _, tsettings = package_and_settings(beam)
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "testset.txt"
        doc.write_text("\n\n".join(sources) + "\n", encoding="utf-8")
        cache = Path(tempfile.gettempdir()) / "zhen-bench-models"
        dirs = ModelDirs(install_dir=cache / "install", cache_dir=cache / "cache")
        options = RunOptions(outdir=Path(tmp) / "out", dirs=dirs, use_cache=False)
        start = time.perf_counter()
        result = translate_run([str(doc)], replace(Settings(), translate=tsettings), options)
        total = time.perf_counter() - start
    (document,) = result.prepared.docs
    by_block = [" ".join(s.en for s in document.segments_of(b.index)) for b in document.blocks]
    if len(by_block) != len(sources):
        raise SystemExit(f"zhen made {len(by_block)} blocks of {len(sources)} lines")
    load = result.signature["timings"]["load_model"]
    return {"hyps": by_block, "seconds": total - load, "load": load, "threads": None}


def run_argos(sources: list[str], beam: int) -> dict:
    """System 3: Argos Translate per line, its sentence splitter patched to run offline."""
    for name in ("stanza", "minisbd"):  # installed without them on purpose (torch)
        stub = types.ModuleType(name)
        stub.SBDetect = stub.Pipeline = object  # type: ignore[attr-defined]
        stub.models = types.SimpleNamespace(cache_dir="", list_models=list)  # type: ignore[attr-defined]
        sys.modules[name] = stub
    sys.modules["minisbd.models"] = sys.modules["minisbd"].models  # type: ignore[assignment]
    import argostranslate.package as apkg
    import argostranslate.sbd as sbd
    import argostranslate.translate as atr

    from pipeline.segment import split_sentences

    def split(self: object, text: str) -> list[str]:
        return [text[a:b] for a, b in split_sentences(text, 160)]

    for cls in (sbd.StanzaSentencizer, sbd.MiniSBDSentencizer):
        cls.__init__ = lambda self, pkg: None  # type: ignore[method-assign]
        cls.split_sentences = split  # type: ignore[method-assign]
    apkg.install_from_path(MODEL)
    start = time.perf_counter()
    atr.translate(sources[0], "zh", "en")  # loads the model
    load = time.perf_counter() - start
    start = time.perf_counter()
    hyps = [atr.translate(line, "zh", "en") for line in sources]
    return {"hyps": hyps, "seconds": time.perf_counter() - start, "load": load, "threads": None}


SYSTEMS = {"raw": run_raw, "zhen": run_zhen, "argos": run_argos}


def worker(system: str, set_name: str, beam: int, lines: int) -> None:
    """Run one measurement and print it as JSON on the last line."""
    sources, refs = load_set(set_name, lines)
    result = SYSTEMS[system](sources, beam)
    import sacrebleu

    hyps = result.pop("hyps")
    chars = sum(map(len, sources))
    result |= {
        "chars": chars,
        "chars_per_s": chars / result["seconds"],
        "bleu": sacrebleu.corpus_bleu(hyps, [refs]).score,
        "chrf": sacrebleu.corpus_chrf(hyps, [refs]).score,
        "rss_mb": peak_rss_mb(),
    }
    print(json.dumps(result))


def measure(system: str, set_name: str, beam: int, lines: int) -> dict:
    env = dict(os.environ)
    if system == "argos":  # an Argos data dir of its own, and the same CTranslate2 settings
        argos_home = Path(tempfile.mkdtemp(prefix="zhen-bench-argos-"))
        env |= {
            "XDG_DATA_HOME": str(argos_home / "data"),
            "XDG_CACHE_HOME": str(argos_home / "cache"),
            "XDG_CONFIG_HOME": str(argos_home / "config"),
            "ARGOS_COMPUTE_TYPE": "int8",
            "ARGOS_DEVICE_TYPE": "cpu",
        }
    cmd = [sys.executable, __file__, "--worker", system, set_name, str(beam), str(lines)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{system} on {set_name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def help_seconds(runs: int = 5) -> float:
    """Median wall time of ``zhen --help`` (the installed console script)."""
    exe = Path(sys.executable).with_name("zhen")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(exe), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--sets", default="wmt19,flores-hans,flores-hant")
    parser.add_argument("--systems", default="raw,zhen,argos")
    parser.add_argument("--beams", default="2", help="beam for the system comparison")
    parser.add_argument("--tradeoff", default="1,2,4", help="beams for the zhen trade-off table")
    args = parser.parse_args()
    if args.worker:
        system, set_name, beam, lines = args.worker
        worker(system, set_name, int(beam), int(lines))
        return
    if not MODEL.is_file():
        raise SystemExit(f"needs the model at {MODEL}")
    rows = []
    for set_name in args.sets.split(","):
        for beam in map(int, args.beams.split(",")):
            for system in args.systems.split(","):
                r = measure(system, set_name, 4 if system == "argos" else beam, args.lines)
                beam_used = 4 if system == "argos" else beam
                rows.append(
                    [
                        set_name,
                        system,
                        beam_used,
                        r["chars"],
                        r["seconds"],
                        round(r["chars_per_s"]),
                        r["load"],
                        r["rss_mb"],
                        r["bleu"],
                        r["chrf"],
                    ]
                )
                print(
                    f"  {set_name} {system} beam {beam_used}: {r['chars_per_s']:.0f} chars/s",
                    file=sys.stderr,
                )
    print(f"## Systems ({args.lines} lines per set)\n")
    headers = [
        "set",
        "system",
        "beam",
        "chars",
        "seconds",
        "chars/s",
        "load s",
        "peak RSS MB",
        "BLEU",
        "chrF",
    ]
    print_table(headers, rows)
    if args.tradeoff:
        trade = []
        for beam in map(int, args.tradeoff.split(",")):
            r = measure("zhen", "wmt19", beam, args.lines)
            trade.append([beam, round(r["chars_per_s"]), r["rss_mb"], r["bleu"], r["chrf"]])
        print(f"\n## Beam trade-off (zhen, wmt19, {args.lines} lines)\n")
        print_table(["beam", "chars/s", "peak RSS MB", "BLEU", "chrF"], trade)
    print(f"\n`zhen --help`: {help_seconds():.3f} s (median of 5)")


if __name__ == "__main__":
    main()

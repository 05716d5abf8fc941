"""Glossary enforcement with the real model: term success rate and chrF, without and with it.

Usage: uv run python bench/bench_terms.py [--beam 2] [--threads 2] [--style first]
       [--strategies plain,placeholder,placeholder-alt,prefix] [--limit N] [--show-failures]

Sentences: every line of ../shared/testsets (WMT19 newstest2019 zh, FLORES-200 devtest zho_Hans
and zho_Hant) that contains a term of glossaries/arms-control.tsv or tests/data/glossary/names.tsv
(approved terms), plus bench/data/terms/sentences.zh-{Hans,Hant}.tsv, written for this benchmark
with at least one sentence per glossary entry. Each line is its own document.

Term success is the WMT 2023 terminology measure: for every term mention in the source, is one of
its correct renderings (en, accept, abbreviation; case-insensitive; plural allowed) in the output
(:func:`pipeline.enforce.english.term_success`). chrF (sacrebleu) is computed on the testset lines
against their references. The plain translations are cached in a temporary directory, so the
enforced run reuses them and only pays for its extra passes (``--cache DIR`` keeps every pass
across runs, for comparing styles and strategies; the timings then mean little).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from table import print_table  # bench/ is on sys.path when run as a script

from pipeline.document import Segment
from pipeline.enforce import enforce_and_translate
from pipeline.enforce.draft import plan_slots
from pipeline.enforce.english import term_success
from pipeline.glossary import Glossary, load_glossaries
from pipeline.normalize import normalize_text
from pipeline.packages import ModelDirs, resolve_model
from pipeline.settings import STRATEGIES, EnforceSettings, NormalizeSettings, TranslateSettings
from pipeline.store.cache import TranslationCache
from pipeline.translate import load_engine

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MODEL = SHARED / "models" / "translate-zh_en-1_9.argosmodel"
GLOSSARIES = [ROOT / "glossaries" / "arms-control.tsv", ROOT / "tests/data/glossary/names.tsv"]
TESTSETS = {
    "wmt19": ("wmt19/newstest2019.zh-en.zh", "wmt19/newstest2019.zh-en.en"),
    "flores-hans": ("flores200/zho_Hans.devtest", "flores200/eng_Latn.devtest"),
    "flores-hant": ("flores200/zho_Hant.devtest", "flores200/eng_Latn.devtest"),
}
OWN = {
    "own-hans": ROOT / "bench/data/terms/sentences.zh-Hans.tsv",
    "own-hant": ROOT / "bench/data/terms/sentences.zh-Hant.tsv",
}


def load_sets(glossary: Glossary, normalize: NormalizeSettings) -> dict[str, list[tuple[str, str]]]:
    """``{set: [(zh, reference or "")]}``: testset lines with a term, and our own sentences."""
    sets: dict[str, list[tuple[str, str]]] = {}
    for name, (zh, en) in TESTSETS.items():
        if not (SHARED / "testsets" / zh).is_file():
            continue
        sources = (SHARED / "testsets" / zh).read_text(encoding="utf-8").splitlines()
        refs = (SHARED / "testsets" / en).read_text(encoding="utf-8").splitlines()
        sets[name] = [
            (s, r)
            for s, r in zip(sources, refs, strict=True)
            if plan_slots(normalize_text(s, normalize).text, glossary)
        ]
    for name, path in OWN.items():
        rows = [ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines()]
        sets[name] = [(row[1], "") for row in rows if row and not row[0].startswith("#")]
    return sets


def segments_for(name: str, lines: list[tuple[str, str]], normalize: NormalizeSettings) -> list:
    """One single-segment document per line."""
    out = []
    for i, (zh, _) in enumerate(lines):
        norm = normalize_text(zh, normalize).text
        out.append(Segment(f"{name}-{i}:0:0", f"{name}-{i}", 0, 0, 0, len(zh), zh, norm))
    return out


def chrf(hyps: list[str], refs: list[str]) -> float:
    import sacrebleu

    return sacrebleu.corpus_chrf(hyps, [refs]).score


def main() -> None:
    """Translate every set without and with enforcement and print one table row per set."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--beam", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--style", default="first", choices=["first", "full", "abbr"])
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--limit", type=int, default=0, help="at most N lines per set")
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--cache", type=Path, help="translation cache dir to reuse across runs")
    args = parser.parse_args()
    if not MODEL.is_file():
        raise SystemExit(f"the real model is not at {MODEL}")
    normalize = NormalizeSettings()
    glossary = load_glossaries(GLOSSARIES, normalize).approved()
    sets = load_sets(glossary, normalize)
    if args.limit:
        sets = {k: v[: args.limit] for k, v in sets.items()}
    scratch = Path(tempfile.mkdtemp(prefix="zhen-bench-terms-"))
    dirs = ModelDirs(scratch / "packages", scratch / "cache", index_url="http://127.0.0.1:9/")
    engine = load_engine(
        resolve_model(MODEL, dirs), TranslateSettings(beam=args.beam, threads=args.threads)
    )
    enforce = EnforceSettings(term_style=args.style, strategies=tuple(args.strategies.split(",")))
    runs = {"without": replace(enforce, enabled=False), "with": enforce}
    rows = []
    totals = {k: [0, 0, 0.0] for k in runs}
    scored: dict[str, tuple[list[str], list[str]]] = {k: ([], []) for k in runs}
    strategy_totals: dict[str, int] = {}
    with TranslationCache.in_dir(args.cache or scratch / "tx") as cache:
        for name, lines in sets.items():
            row: list[object] = [name, len(lines)]
            for label, settings in runs.items():
                segs = segments_for(name, lines, normalize)
                started = time.perf_counter()
                _, terms_stats = enforce_and_translate(segs, engine, glossary, settings, cache)
                seconds = time.perf_counter() - started
                found = required = 0
                for seg in segs:
                    terms = [s.term for s in plan_slots(seg.normalized, glossary)]
                    f, r = term_success(seg.en, terms)
                    found, required = found + f, required + r
                    if args.show_failures and label == "with" and f < r:
                        print(f"MISSED {seg.terms_missed} {seg.normalized}\n    -> {seg.en}")
                refs = [r for _, r in lines]
                score = float("nan")
                if all(refs):
                    score = chrf([s.en for s in segs], refs)
                    scored[label][0].extend(s.en for s in segs)
                    scored[label][1].extend(refs)
                row += [f"{found}/{required}", found / required, score]
                totals[label][0] += found
                totals[label][1] += required
                totals[label][2] += seconds
                if label == "with":
                    for key, n in terms_stats.outcomes.items():
                        strategy_totals[key] = strategy_totals.get(key, 0) + n
                    row.append(round(seconds, 1))
            rows.append(row)
    headers = ["set", "lines", "terms w/o", "success w/o", "chrF w/o"]
    headers += ["terms with", "success with", "chrF with", "s (enforce)"]
    rows.append(
        [
            "all",
            sum(len(v) for v in sets.values()),
            f"{totals['without'][0]}/{totals['without'][1]}",
            totals["without"][0] / max(1, totals["without"][1]),
            chrf(*scored["without"]) if scored["without"][0] else float("nan"),
            f"{totals['with'][0]}/{totals['with'][1]}",
            totals["with"][0] / max(1, totals["with"][1]),
            chrf(*scored["with"]) if scored["with"][0] else float("nan"),
            round(totals["with"][2], 1),
        ]
    )
    print_table(headers, rows)
    print()
    print_table(["strategy that completed a segment", "segments"], list(strategy_totals.items()))
    print(f"\nplain pass seconds (without): {totals['without'][2]:.1f}; beam {args.beam}")
    print("chrF in the 'all' row: every testset line together (own sentences have no reference)")


if __name__ == "__main__":
    main()

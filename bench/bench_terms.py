"""Glossary enforcement with the real model: term success and chrF without and with it, false
enforcements on a precision set, and what enforcement did to every sentence it changed.

Usage: uv run python bench/bench_terms.py [--beam 2] [--threads 2] [--style first]
       [--strategies plain,placeholder,placeholder-alt,inline,insert] [--limit N]
       [--show-failures] [--show-changed] [--cache DIR]

1. Term success. Sentences: every line of ../shared/testsets (WMT19 newstest2019 zh, FLORES-200
   devtest zho_Hans and zho_Hant) that contains a term of glossaries/arms-control.tsv or
   tests/data/glossary/names.tsv (approved terms), plus bench/data/terms/sentences.zh-{Hans,Hant}
   .tsv, written for this benchmark with at least one sentence per entry. Each line is its own
   document. Term success is the WMT 2023 terminology measure: for every term mention in the
   source, is one of its correct renderings (en, accept, abbreviation; case-insensitive; plural
   allowed) in the output (:func:`pipeline.enforce.english.term_success`). chrF (sacrebleu) is
   computed on the testset lines against their references. The plain translations are cached
   in a temporary directory, so the enforced run reuses them and only pays for its extra
   passes (``--cache DIR`` keeps every pass across runs; the timings then mean little).
2. Precision. bench/data/terms/precision.tsv: sentences where a glossary form occurs but is not
   the term (``-id``: enforcing it is a false enforcement) and where context decides (``+id``:
   it must be enforced); rows with the same doc id form one document. Matched with every
   shipped glossary (glossaries/*.tsv) and translated with enforcement.
3. Changed sentences. For every segment of 1 and 2 whose English enforcement changed, the plain
   and the enforced sentence compared: numbers lost (:func:`pipeline.qa.missing_numbers`),
   Latin text of the source lost, QA flags, and the model's own mean log-probability per piece
   of the words outside the term renderings (``score_batch``).

``ZHEN_SHARED`` points at the shared folder when it is not ../shared.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from table import print_table  # bench/ is on sys.path when run as a script

from pipeline.document import Segment
from pipeline.enforce import enforce_and_translate
from pipeline.enforce.accept import (
    Candidate,
    cheap_rejection,
    context_score,
    engine_word_scorer,
    plain_skip,
)
from pipeline.enforce.draft import plan_document, plan_slots
from pipeline.enforce.english import term_success
from pipeline.glossary import Glossary, load_glossaries
from pipeline.normalize import normalize_text
from pipeline.packages import ModelDirs, resolve_model
from pipeline.qa import missing_numbers, qa_flags
from pipeline.settings import (
    DEFAULT_STRATEGIES,
    EnforceSettings,
    NormalizeSettings,
    TranslateSettings,
)
from pipeline.store.cache import TranslationCache
from pipeline.translate.engine import load_engine

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ZHEN_SHARED", ROOT.parent / "shared"))
MODEL = SHARED / "models" / "translate-zh_en-1_9.argosmodel"
GLOSSARIES = [ROOT / "glossaries" / "arms-control.tsv", ROOT / "tests/data/glossary/names.tsv"]
SHIPPED = sorted((ROOT / "glossaries").glob("*.tsv"))
TESTSETS = {
    "wmt19": ("wmt19/newstest2019.zh-en.zh", "wmt19/newstest2019.zh-en.en"),
    "flores-hans": ("flores200/zho_Hans.devtest", "flores200/eng_Latn.devtest"),
    "flores-hant": ("flores200/zho_Hant.devtest", "flores200/eng_Latn.devtest"),
}
OWN = {
    "own-hans": ROOT / "bench/data/terms/sentences.zh-Hans.tsv",
    "own-hant": ROOT / "bench/data/terms/sentences.zh-Hant.tsv",
}
PRECISION = ROOT / "bench/data/terms/precision.tsv"


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


def precision_segments(normalize: NormalizeSettings) -> tuple[list[Segment], list[str]]:
    """The precision set as segments (documents by doc id) and each row's expectations."""
    segments, expects = [], []
    counts: Counter[str] = Counter()
    for line in PRECISION.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        doc, expect, zh = line.split("\t")
        n = counts[doc]
        counts[doc] += 1
        norm = normalize_text(zh, normalize).text
        segments.append(Segment(f"p-{doc}:{n}:0", f"p-{doc}", n, 0, 0, len(zh), zh, norm))
        expects.append(expect)
    return segments, expects


def chrf(hyps: list[str], refs: list[str]) -> float:
    import sacrebleu

    return sacrebleu.corpus_chrf(hyps, [refs]).score


def precision_report(segments: list[Segment], expects: list[str], glossary: Glossary) -> None:
    """False matches and enforcements of ``-`` terms, misses of ``+`` terms, by row kind."""
    by_doc: dict[str, list[Segment]] = {}
    for seg in segments:
        by_doc.setdefault(seg.doc_id, []).append(seg)
    planned: dict[str, set[str]] = {}
    for segs in by_doc.values():
        plans = plan_document([s.normalized for s in segs], glossary)
        for seg, slots in zip(segs, plans, strict=True):
            planned[seg.id] = {slot.term.id for slot in slots}
    rows: dict[str, Counter[str]] = {}
    for seg, expect in zip(segments, expects, strict=True):
        kind = seg.doc_id.removeprefix("p-").rstrip("0123456789")
        count = rows.setdefault(kind, Counter())
        count["sentences"] += 1
        for item in expect.split(","):
            want, term = item[0] == "+", item[1:]
            count["must" if want else "must not"] += 1
            if not want and term in planned[seg.id]:
                count["false matches"] += 1
                print(f"FALSE MATCH {term}: {seg.normalized}\n    -> {seg.en}")
            if not want and term in seg.terms_applied:
                count["false enforcements"] += 1
            if want and term not in seg.terms_applied:
                count["missed"] += 1
                print(f"MISSED {term} {seg.flags}: {seg.normalized}\n    -> {seg.en}")
    keys = ["sentences", "must not", "false matches", "false enforcements", "must", "missed"]
    table = [[kind, *(c[k] for k in keys)] for kind, c in rows.items()]
    table.append(["all", *(sum(c[k] for c in rows.values()) for k in keys)])
    print_table(["kind", *keys], table)


def changed_report(segments: list[Segment], glossary: Glossary, scorer, show: bool) -> None:  # type: ignore[no-untyped-def]
    """Every segment whose English enforcement changed: plain against enforced."""
    changed = [s for s in segments if s.plain]
    worse: Counter[str] = Counter()
    qa_plain: Counter[str] = Counter()
    qa_enforced: Counter[str] = Counter()
    scores: list[tuple[float, float]] = []
    for seg in changed:
        terms = [slot.term for slot in plan_slots(seg.normalized, glossary)]
        lost = set(missing_numbers(seg.normalized, seg.en)) - set(
            missing_numbers(seg.normalized, seg.plain)
        )
        worse["numbers"] += bool(lost)
        rejection = cheap_rejection(Candidate(seg.normalized, seg.plain, seg.en, terms))
        worse["latin"] += rejection == "latin"
        qa_plain.update(qa_flags(seg.normalized, seg.plain, []))
        qa_enforced.update(qa_flags(seg.normalized, seg.en, []))
        if scorer is not None:
            both = scorer([seg.normalized] * 2, [seg.plain, seg.en])
            skip = plain_skip(seg.plain, seg.en, terms)
            pair = (
                context_score(seg.plain, both[0], terms, skip)[0],
                context_score(seg.en, both[1], terms)[0],
            )
            scores.append(pair)
        if show:
            print(f"CHANGED {seg.id} {seg.flags}\n  P: {seg.plain}\n  E: {seg.en}")
    rows: list[list[object]] = [
        ["segments changed by enforcement", len(changed)],
        ["  lost a number the plain sentence had", worse["numbers"]],
        ["  lost Latin text the plain sentence kept", worse["latin"]],
    ]
    for flag in sorted(set(qa_plain) | set(qa_enforced)):
        rows.append([f"  QA {flag}: plain → enforced", f"{qa_plain[flag]} → {qa_enforced[flag]}"])
    if scores:
        mean_plain = sum(p for p, _ in scores) / len(scores)
        mean_enforced = sum(e for _, e in scores) / len(scores)
        rows.append(["  model score outside terms: plain → enforced (mean)",
                     f"{mean_plain:.3f} → {mean_enforced:.3f}"])  # fmt: skip
        rows.append(["  enforced scored lower by > 0.3", sum(p - e > 0.3 for p, e in scores)])
    print_table(["changed sentences", "count"], rows)


def main() -> None:
    """Term success per set without and with enforcement, then precision, then changes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--beam", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--style", default="first", choices=["first", "full", "abbr"])
    parser.add_argument("--strategies", default=",".join(DEFAULT_STRATEGIES))
    parser.add_argument("--limit", type=int, default=0, help="at most N lines per set")
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--show-changed", action="store_true")
    parser.add_argument("--cache", type=Path, help="translation cache dir to reuse across runs")
    args = parser.parse_args()
    if not MODEL.is_file():
        raise SystemExit(f"the real model is not at {MODEL} (set ZHEN_SHARED)")
    normalize = NormalizeSettings()
    glossary = load_glossaries(GLOSSARIES, normalize)
    approved = glossary.approved()
    sets = load_sets(approved, normalize)
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
    strategy_totals: Counter[str] = Counter()
    term_totals: Counter[str] = Counter()
    enforced_segments: list[Segment] = []
    with TranslationCache.in_dir(args.cache or scratch / "tx") as cache:
        for name, lines in sets.items():
            row: list[object] = [name, len(lines)]
            for label, settings in runs.items():
                segs = segments_for(name, lines, normalize)
                started = time.perf_counter()
                _, stats = enforce_and_translate(segs, engine, glossary, settings, cache)
                seconds = time.perf_counter() - started
                found = required = 0
                for seg in segs:
                    terms = [s.term for s in plan_slots(seg.normalized, approved)]
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
                row += [f"{found}/{required}", found / max(1, required), score]
                totals[label][0] += found
                totals[label][1] += required
                totals[label][2] += seconds
                if label == "with":
                    strategy_totals.update(stats.outcomes)
                    term_totals.update(
                        clean=stats.clean, fallback=stats.fallback, unsafe=stats.unsafe,
                        missed=stats.missed,
                    )  # fmt: skip
                    enforced_segments += segs
                    row.append(round(seconds, 1))
            rows.append(row)
        precision, expects = precision_segments(normalize)
        shipped = load_glossaries(SHIPPED, normalize)
        enforce_and_translate(precision, engine, shipped, enforce, cache)
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
    print_table(["outcome (segments)", "segments"], list(strategy_totals.items()))
    print()
    print_table(["term mentions", "count"], list(term_totals.items()))
    print(f"\nplain pass seconds (without): {totals['without'][2]:.1f}; beam {args.beam}")
    print("chrF in the 'all' row: every testset line together (own sentences have no reference)")
    print()
    precision_report(precision, expects, shipped)
    print()
    scorer = engine_word_scorer(engine)
    changed_report(enforced_segments, glossary, scorer, args.show_changed)
    print()
    changed_report(precision, shipped, scorer, args.show_changed)


if __name__ == "__main__":
    main()

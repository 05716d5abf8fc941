"""Close-match (fuzzy) lookup cost: 300 sentences against memories of 1,000 … 50,000 entries.

Usage: uv run python bench/bench_memory.py [--sizes 1000,10000,50000] [--queries 300]
    [--wmt ../shared/testsets/wmt19/newstest2019.zh-en]

The memory holds WMT19 zh-en reference pairs (repeated with a numbered prefix beyond the set's
2,000 lines, so longer memories keep realistic lengths); a third of the queries are memory
sentences with one character changed (they must be suggested), the rest are held-out WMT19 lines.
What is timed is :func:`pipeline.store.memory.suggest_matches`, as ``zhen translate --memory``
runs it for every segment the memory does not hold exactly.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from table import print_table  # bench/ is on sys.path when run as a script

from pipeline.document import Segment
from pipeline.store.cache import normalize_source
from pipeline.store.memory import suggest_matches

ROOT = Path(__file__).resolve().parents[1]
WMT19 = ROOT.parent / "shared" / "testsets" / "wmt19" / "newstest2019.zh-en"


def pairs_from(wmt: Path) -> list[tuple[str, str]]:
    zh = Path(f"{wmt}.zh").read_text(encoding="utf-8").splitlines()
    en = Path(f"{wmt}.en").read_text(encoding="utf-8").splitlines()
    return list(zip(zh, en, strict=True))


def memory_of(pairs: list[tuple[str, str]], size: int) -> list[tuple[str, str]]:
    """``size`` distinct (normalized source, English) pairs."""
    out = []
    for k in range(size):
        zh, en = pairs[k % len(pairs)]
        prefix = f"第{k // len(pairs)}条：" if k >= len(pairs) else ""
        out.append((normalize_source(prefix + zh), en))
    return out


def queries(pairs: list[tuple[str, str]], held_out: list[str], n: int) -> list[Segment]:
    """A third near-copies of memory sentences (one character changed), the rest held out."""
    texts = []
    for k in range(n // 3):
        zh = pairs[k * 7 % len(pairs)][0]
        mid = len(zh) // 2
        texts.append(zh[:mid] + ("的" if zh[mid] != "的" else "了") + zh[mid + 1 :])
    texts += held_out[: n - len(texts)]
    return [Segment(f"q:0:{i}", "q", 0, i, 0, len(t), t, t) for i, t in enumerate(texts)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--wmt", type=Path, default=WMT19)
    args = parser.parse_args()
    pairs = pairs_from(args.wmt)
    held_out = [zh for zh, _ in pairs[1500:]]
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        memory = memory_of(pairs[:1500], size)
        segments = queries(pairs[:1500], held_out, args.queries)
        start = time.perf_counter()
        suggested = suggest_matches(segments, memory)
        seconds = time.perf_counter() - start
        near = sum(bool(s.matches) for s in segments[: args.queries // 3])
        per_segment = f"{1000 * seconds / len(segments):.2f}"
        found = f"{near}/{args.queries // 3}"
        rows.append([size, len(segments), f"{seconds:.2f}", per_segment, suggested, found])
    print_table(
        ["memory entries", "segments", "seconds", "ms/segment", "suggested", "near-copies found"],
        rows,
    )


if __name__ == "__main__":
    main()

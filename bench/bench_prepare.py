"""Throughput of ingest → normalize → segment on a generated corpus of at least 5 MB.

Usage: uv run python bench/bench_prepare.py [--mb 5]

The corpus is built in memory from ../shared/testsets (WMT19 Simplified news, FLORES-200
Simplified and Traditional) when present, else from corpora/samples, wrapped in each supported
input format. Runs on one core (one process, no threads) and prints a table per format.
"""

from __future__ import annotations

import argparse
import html
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from table import print_table  # bench/ is on sys.path when run as a script

from pipeline.ingest import parse_bytes
from pipeline.normalize import normalize_document
from pipeline.segment import segment_document
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "testsets"


def source_lines() -> dict[str, list[str]]:
    """Sentences per script, from the shared test sets or the project's own samples."""
    if SHARED.is_dir():
        return {
            "simplified": (SHARED / "wmt19/newstest2019.zh-en.zh").read_text().splitlines()
            + (SHARED / "flores200/zho_Hans.devtest").read_text().splitlines(),
            "traditional": (SHARED / "flores200/zho_Hant.devtest").read_text().splitlines(),
        }
    text = "\n".join(p.read_text() for p in sorted((ROOT / "corpora/samples").glob("*.*")))
    lines = [ln for ln in text.splitlines() if any("\u4e00" <= c <= "\u9fff" for c in ln)]
    return {"simplified": lines, "traditional": lines}


def paragraphs(lines: list[str], per: int = 4) -> Iterator[str]:
    """Endless paragraphs of ``per`` consecutive sentences."""
    i = 0
    while True:
        yield "".join(lines[(i + k) % len(lines)] for k in range(per))
        i += per


def as_text(paras: list[str]) -> bytes:
    return ("\n\n".join(paras) + "\n").encode()


def as_markdown(paras: list[str]) -> bytes:
    head = "---\ntitle: |\n  基准文档\ndate_saved: 2024-01-01 00:00:00\n---\n\n"
    head += "# 基准文档\n#Omnivore\n\n"
    head += "[Read Original](https://example.com/a)\n\n"
    body = "\n\n".join(f"**{p[:6]}**{p[6:]}" if i % 3 == 0 else p for i, p in enumerate(paras))
    return (head + body + "\n\n赞同 12 条评论收藏喜欢\n").encode()


def as_feed_html(paras: list[str]) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    return (
        "<!--1702302301000-->\n[基准文档](https://example.com/a)\n------\n\n"
        f"<div>11/12/2023 - 14:21</div><div>{body}<div data-selfpromo-newsletter></div></div>"
        '<div><div>分享 :</div><a href="https://x.com/share">x</a></div>'
        '<br><hr><div>获取更多RSS：<br><a href="https://feedx.net">https://feedx.net</a></div>\n'
    ).encode()


FORMATS = {"text": as_text, "markdown": as_markdown, "feed-html": as_feed_html}


def build_corpus(total_mb: float) -> list[tuple[str, str, bytes]]:
    """(label, name, bytes) documents of ~40 paragraphs, ≥ ``total_mb`` MB in all."""
    lines = source_lines()
    docs: list[tuple[str, str, bytes]] = []
    gens = {script: paragraphs(ls) for script, ls in lines.items()}
    size, n = 0, 0
    while size < total_mb * 1_000_000:
        script = "traditional" if n % 4 == 3 else "simplified"
        fmt = list(FORMATS)[n % len(FORMATS)]
        data = FORMATS[fmt]([next(gens[script]) for _ in range(40)])
        docs.append((f"{fmt}/{script}", f"doc{n}.{'md' if fmt == 'markdown' else 'txt'}", data))
        size += len(data)
        n += 1
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=5.0, help="corpus size in MB")
    args = parser.parse_args()
    settings = Settings()
    docs = build_corpus(args.mb)
    rows: dict[str, list[float]] = {}
    for label, name, data in docs:
        start = time.perf_counter()
        doc = parse_bytes(data, name, settings.ingest)
        doc = normalize_document(doc, settings.normalize)
        doc = segment_document(doc, settings.segment)
        elapsed = time.perf_counter() - start
        chars = len(data.decode())
        row = rows.setdefault(label, [0, 0, 0.0, 0])
        row[0] += 1
        row[1] += chars
        row[2] += elapsed
        row[3] += len(doc.segments)
    total = [sum(r[i] for r in rows.values()) for i in range(4)]
    print(f"corpus: {len(docs)} documents, {sum(len(d[2]) for d in docs) / 1e6:.2f} MB")
    table = [
        [label, n, chars, segs, secs, round(chars / secs)]
        for label, (n, chars, secs, segs) in [*sorted(rows.items()), ("total", total)]
    ]
    print_table(["input", "docs", "chars", "segments", "seconds", "chars/s"], table)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss_mb:.0f} MB; python {sys.version.split()[0]}; one process, one thread")


if __name__ == "__main__":
    main()

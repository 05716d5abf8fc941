"""Export time and file size per format for a 10,000-segment run (target: all formats < 10 s).

Usage: uv run python bench/bench_export.py [--segments 10000] [--docs 100]

Segments reuse WMT19 zh-en reference pairs from ../shared/testsets when present (realistic
lengths and characters), else generated text. Every fifth segment carries a glossary term and
QA runs first, so the exports carry term marks and flags as in a real run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from itertools import cycle, islice
from pathlib import Path

from table import print_table  # bench/ is on sys.path when run as a script

from pipeline.document import Block, Document, Metadata, Segment
from pipeline.export.common import RunInfo
from pipeline.export.registry import FORMATS, export_run
from pipeline.qa import qa_segments

ROOT = Path(__file__).resolve().parents[1]
WMT19 = ROOT.parent / "shared" / "testsets" / "wmt19" / "newstest2019.zh-en"
LOOKUP = {"gov": (["政府"], "government"), "china": (["中国"], "China")}


def sentence_pairs() -> list[tuple[str, str]]:
    """Reference pairs from WMT19, or generated stand-ins when ../shared is absent."""
    if Path(f"{WMT19}.zh").is_file():
        zh = Path(f"{WMT19}.zh").read_text(encoding="utf-8").splitlines()
        en = Path(f"{WMT19}.en").read_text(encoding="utf-8").splitlines()
        return list(zip(zh, en, strict=True))
    return [
        (
            f"中国政府第{i}次发布<通知>，涉及{i * 37}家企业。",
            f"The Chinese government issued notice {i}.",
        )
        for i in range(2000)
    ]


def synthetic_docs(n_segments: int, n_docs: int) -> list[Document]:
    """``n_docs`` documents of 10-sentence blocks holding ``n_segments`` segments in all."""
    pairs = list(islice(cycle(sentence_pairs()), n_segments))
    per_doc = -(-n_segments // n_docs)
    docs = []
    for d in range(n_docs):
        chunk = pairs[d * per_doc : (d + 1) * per_doc]
        if not chunk:
            break
        doc_id = f"doc-{d:04d}"
        blocks, segments = [], []
        for b in range(0, len(chunk), 10):
            text = "".join(zh for zh, _ in chunk[b : b + 10])
            blocks.append(Block(index=b // 10, kind="paragraph", text=text, normalized=text))
            pos = 0
            for i, (zh, en) in enumerate(chunk[b : b + 10]):
                found = [t for t, (forms, _) in LOOKUP.items() if forms[0] in zh]
                terms = found if i % 5 == 0 else []
                segments.append(
                    Segment(
                        id=f"{doc_id}:{b // 10}:{i}", doc_id=doc_id, block=b // 10, index=i,
                        start=pos, end=pos + len(zh), source=zh, normalized=zh, en=en,
                        status="translated", terms_applied=terms,
                    )
                )  # fmt: skip
                pos += len(zh)
        meta = Metadata(title=f"Document {d}", url=f"https://example.org/{d}")
        docs.append(
            Document(doc_id, f"in/{doc_id}.md", "markdown", "utf-8", meta, blocks, segments)
        )
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--docs", type=int, default=100)
    args = parser.parse_args()
    docs = synthetic_docs(args.segments, args.docs)
    n = sum(len(d.segments) for d in docs)
    run = RunInfo("bench", "translate-zh_en-1_9", datetime.now(UTC), {"beam": 2})

    start = time.perf_counter()
    counts = qa_segments(s for d in docs for s in d.segments).to_json()
    qa_s = time.perf_counter() - start
    print(f"{n:,} segments in {len(docs)} documents; QA took {qa_s:.2f} s; flags: {counts}")

    rows: list[list[object]] = []
    total_s = total_bytes = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name in FORMATS:
            start = time.perf_counter()
            paths = export_run(docs, run, Path(tmp), [name], LOOKUP)[name]
            seconds = time.perf_counter() - start
            size = sum(p.stat().st_size for p in paths)
            rows.append([name, len(paths), round(seconds, 2), round(size / 1e6, 2)])
            total_s += seconds
            total_bytes += size
    rows.append(["total", "", round(total_s, 2), round(total_bytes / 1e6, 2)])
    print_table(["format", "files", "seconds", "MB"], rows)
    if total_s >= 10:
        sys.exit(f"exports took {total_s:.1f} s, over the 10 s target")


if __name__ == "__main__":
    main()

"""Runs that scale: cost per document and per paragraph, peak memory, first output, resume, cores.

Usage:
    uv run python bench/bench_scale.py [--docs 300,3000,30000]
        [--paragraphs 1000,2000,4000,8000,16000] [--resume 3000] [--translate 300]
        [--workers 1,2] [--shared ../shared] [--workdir DIR]
        [--only docs,paragraphs,resume,translate]

Every ``zhen translate`` below runs in its own process (``--no-glossary -q``, a private cache) and
is measured with ``os.wait4``: wall time, CPU time (user + system), peak RSS, and the time until
the first ``*.en.md`` appeared in the output folder (polled every 20 ms).

1. **documents** — N small plain-text documents (a title and 5 paragraphs of test-set sentences
   each, drawn from 400 paragraphs). The cache is filled first by translating those paragraphs
   once with the real model, so the runs measure the pipeline (discover, ingest, normalize,
   segment, cache lookup, QA, writing), not the model.
2. **paragraphs** — one document of P paragraphs, cached the same way.
3. **resume** — a cached run of N documents killed (SIGKILL) at half the time a full run takes,
   then the same command again: its time against a full run's, and whether the folder is
   byte-identical to a full run's (``run.json`` and the manifest's header, which hold run ids and
   timings, compared without those).
4. **translate** — the model on the first L lines of WMT19 zh: raw CTranslate2 (one translator,
   ``intra_threads`` = cores, ``translate_batch`` over all lines with the same beam, token
   batching and decoding options) against zhen's translate step (:func:`translate_texts`: dedup,
   sort by length, token batches, no cache) for each ``--workers`` setting, in separate processes.

Prints Markdown tables (paste into bench/RESULTS.md) and the machine's load before each part.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from table import print_table  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
WMT = "testsets/wmt19/newstest2019.zh-en.zh"
POOL = 400
"""Distinct paragraphs the synthetic documents are built from."""
ZHEN = [sys.executable, "-m", "pipeline"]


def load_lines(shared: Path, count: int) -> list[str]:
    """Test-set sentences (WMT19 zh), or generated ones when ../shared is absent."""
    path = shared / WMT
    if path.is_file():
        return path.read_text(encoding="utf-8").splitlines()[:count]
    words = "中国 美国 导弹 试射 声明 政府 国防部 报告 发展 合作 安全 地区 局势 会议 表示"
    vocab = words.split()
    return [
        "".join(vocab[(i * 7 + k * 3) % len(vocab)] for k in range(8 + i % 9)) + "。"
        for i in range(count)
    ]


def paragraphs(shared: Path) -> list[str]:
    """:data:`POOL` paragraphs of two test-set sentences each."""
    lines = load_lines(shared, 2 * POOL)
    return [lines[2 * i] + lines[2 * i + 1] for i in range(POOL)]


def write_corpus(folder: Path, docs: int, pool: list[str]) -> None:
    """``docs`` plain-text articles (a title line and five paragraphs), 1,000 per subfolder."""
    if (folder / ".complete").is_file():
        return
    shutil.rmtree(folder, ignore_errors=True)
    for i in range(docs):
        sub = folder / f"part{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        body = [pool[(i * 5 + k * 37) % len(pool)] for k in range(5)]
        title = pool[(i * 11) % len(pool)][:20]
        (sub / f"doc{i:06d}.txt").write_text(title + "\n\n" + "\n\n".join(body) + "\n", "utf-8")
    (folder / ".complete").write_text("")


def write_long(path: Path, count: int, pool: list[str]) -> None:
    """One article of ``count`` paragraphs."""
    body = [pool[(k * 13) % len(pool)] for k in range(count)]
    path.write_text("长文\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")


def fill_cache(work: Path, cache_dir: Path, model: Path | None, pool: list[str]) -> None:
    """Translate every paragraph the corpora are built from once, with the real model, through
    ``zhen translate`` itself: the cache then holds every segment the runs meet, including the
    re-decodes of segments QA finds suspicious (a placeholder English would be suspicious, and
    be decoded again by the model during the run)."""
    if (cache_dir / ".filled").is_file():
        return
    source = work / "pool"
    source.mkdir(parents=True, exist_ok=True)
    titles = sorted({p[:20] for p in pool})
    (source / "pool.txt").write_text("长文\n\n" + "\n\n".join(pool) + "\n", encoding="utf-8")
    for n, title in enumerate(titles):
        (source / f"title{n:04d}.txt").write_text(f"{title}\n\n{pool[0]}\n", encoding="utf-8")
    out = work / "out-pool"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(translate_cmd(source, out, cache_dir, model), cwd=ROOT, check=True)
    (cache_dir / ".filled").write_text("")


def load() -> str:
    return os.getloadavg().__repr__()


def measure(cmd: list[str], out: Path, kill_after: float | None = None) -> dict[str, Any]:
    """Run ``cmd``; wall, CPU, peak RSS and first-output time (None if it never wrote one)."""
    first: list[float] = []
    stop = threading.Event()
    start = time.perf_counter()

    def watch() -> None:
        while not stop.is_set():
            try:
                if any(e.name.endswith(".en.md") for e in os.scandir(out)):
                    first.append(time.perf_counter() - start)
                    return
            except FileNotFoundError:
                pass
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if kill_after is not None:
        threading.Timer(kill_after, lambda: proc.send_signal(signal.SIGKILL)).start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, -9):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss": usage.ru_maxrss / 1024,
        "first": first[0] if first else None,
    }


def translate_cmd(inputs: Path, out: Path, cache: Path, model: Path | None) -> list[str]:
    cmd = [*ZHEN, "translate", str(inputs), "-o", str(out), "--cache-dir", str(cache)]
    cmd += ["--no-glossary", "-q"]
    return cmd + (["--model", str(model)] if model else [])


def row(label: str, size: int, m: dict[str, Any], per: str) -> list[object]:
    first = m["first"]
    share = f"{100 * first / m['wall']:.1f} %" if first is not None else "–"
    return [
        label,
        size,
        round(m["wall"], 2),
        round(m["cpu"], 2),
        round(1000 * m["cpu"] / size, 2),
        round(m["rss"], 1),
        round(first, 2) if first is not None else "–",
        share,
    ]


HEADERS = [
    "run", "size", "wall s", "CPU s", "CPU ms/{}", "peak RSS MB", "first output s", "first / wall",
]  # fmt: skip


def bench_docs(
    work: Path, sizes: list[int], pool: list[str], cache: Path, model: Path | None
) -> None:
    print(f"\n### documents (load {load()})\n")
    rows = []
    for n in sizes:
        corpus = work / f"corpus-{n}"
        write_corpus(corpus, n, pool)
        out = work / f"out-docs-{n}"
        shutil.rmtree(out, ignore_errors=True)
        m = measure(translate_cmd(corpus, out, cache, model), out)
        rows.append(row("documents", n, m, "doc"))
    headers = [h.format("doc") for h in HEADERS]
    print_table(headers, rows)


def bench_paragraphs(
    work: Path, sizes: list[int], pool: list[str], cache: Path, model: Path | None
) -> None:
    print(f"\n### one long document (load {load()})\n")
    rows = []
    for n in sizes:
        doc = work / f"long-{n}" / "long.txt"
        doc.parent.mkdir(parents=True, exist_ok=True)
        write_long(doc, n, pool)
        out = work / f"out-long-{n}"
        shutil.rmtree(out, ignore_errors=True)
        m = measure(translate_cmd(doc, out, cache, model), out)
        rows.append(row("paragraphs", n, m, "para"))
    print_table([h.format("paragraph") for h in HEADERS], rows)


def comparable(folder: Path) -> dict[str, bytes]:
    """Every file of a run folder, with run ids, dates and timings taken out where they live."""
    files: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name == ".zhen.lock":
            continue
        data = path.read_bytes()
        if path.name == "run.json":
            meta = json.loads(data)
            for key in ("id", "created", "timings", "stats", "platform"):
                meta.pop(key, None)
            if isinstance(meta.get("documents"), dict):
                meta["documents"].pop("kept", None)
            data = json.dumps(meta, sort_keys=True).encode()
        elif path.name == "manifest.jsonl":
            data = data.split(b"\n", 1)[1]
        files[str(path.relative_to(folder))] = data
    return files


def bench_resume(work: Path, n: int, pool: list[str], cache: Path, model: Path | None) -> None:
    print(f"\n### resume after a kill at half time (load {load()})\n")
    corpus = work / f"corpus-{n}"
    write_corpus(corpus, n, pool)
    full_out, resumed_out = work / "out-full", work / "out-resumed"
    for folder in (full_out, resumed_out):
        shutil.rmtree(folder, ignore_errors=True)
    full = measure(translate_cmd(corpus, full_out, cache, model), full_out)
    half = full["wall"] / 2
    killed = measure(translate_cmd(corpus, resumed_out, cache, model), resumed_out, half)
    done = len(list(resumed_out.glob("*.en.md")))  # written before the kill
    resumed = measure(translate_cmd(corpus, resumed_out, cache, model), resumed_out)
    a, b = comparable(full_out), comparable(resumed_out)
    same = a == b
    differing = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    print_table(
        ["run", "documents", "wall s", "CPU s", "share of full run", "identical outputs"],
        [
            ["full", n, round(full["wall"], 2), round(full["cpu"], 2), "100 %", "–"],
            ["killed", done, round(killed["wall"], 2), round(killed["cpu"], 2), "–", "–"],
            [
                "resumed",
                n,
                round(resumed["wall"], 2),
                round(resumed["cpu"], 2),
                f"{100 * resumed['wall'] / full['wall']:.0f} %",
                "yes" if same else f"no: {differing[:5]}",
            ],
        ],
    )


TRANSLATE_CHILD = """
import json, sys, time, resource
from pipeline.packages import default_dirs, resolve_model
from pipeline.settings import TranslateSettings
lines = json.load(open(sys.argv[1], encoding="utf-8"))
mode, workers = sys.argv[2], int(sys.argv[3])
model = sys.argv[4] if len(sys.argv) > 4 else None
package = resolve_model(model and __import__("pathlib").Path(model), default_dirs())
if mode == "raw":
    import ctranslate2, sentencepiece, os
    from pipeline.translate.engine import decoder_options, detokenize, physical_cores
    translator = ctranslate2.Translator(str(package.model_dir), compute_type="int8",
                                        intra_threads=physical_cores())
    sp = sentencepiece.SentencePieceProcessor(model_file=str(package.sentencepiece_model))
    prefix = [[package.target_prefix]] * len(lines) if package.target_prefix else None
    t0, c0 = time.perf_counter(), time.process_time()
    tokens = [sp.encode(line, out_type=str) for line in lines]
    results = translator.translate_batch(tokens, target_prefix=prefix, beam_size=2,
        max_decoding_length=256, max_batch_size=1024, batch_type="tokens",
        **decoder_options(TranslateSettings()))
    english = [detokenize(r.hypotheses[0], prefix[0] if prefix else ()) for r in results]
else:
    from pipeline.translate import load_engine, translate_texts
    engine = load_engine(package, TranslateSettings(workers=workers))
    t0, c0 = time.perf_counter(), time.process_time()
    english = translate_texts(lines, engine)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"wall": wall, "cpu": cpu, "chars": sum(map(len, lines)), "english": english}))
"""


def bench_translate(shared: Path, count: int, workers: list[int], model: Path | None) -> None:
    print(f"\n### translate step vs raw CTranslate2 (load {load()})\n")
    lines = load_lines(shared, count)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(lines, fh, ensure_ascii=False)
    runs: list[tuple[str, dict[str, Any]]] = []
    for mode, n in [("raw", 0), *(("zhen", w) for w in workers)]:
        cmd = [sys.executable, "-c", TRANSLATE_CHILD, fh.name, mode, str(n)]
        cmd += [str(model)] if model else []
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append((mode if mode == "raw" else f"zhen, {n} worker(s)", json.loads(done.stdout)))
    raw, first = runs[0][1], runs[1][1]
    rows = []
    for label, r in runs:
        same = sum(a == b for a, b in zip(r["english"], raw["english"], strict=True))
        alike = sum(a == b for a, b in zip(r["english"], first["english"], strict=True))
        rows.append(
            [
                label,
                len(lines),
                round(r["wall"], 2),
                round(r["cpu"], 2),
                round(r["chars"] / r["wall"], 1),
                f"{raw['wall'] / r['wall']:.2f} ×",
                f"{same}/{len(lines)}",
                f"{alike}/{len(lines)}" if label != "raw" else "–",
            ]
        )
    headers = ["system", "lines", "wall s", "CPU s", "chars/s", "speed vs raw"]
    print_table([*headers, "same English as raw", "same as zhen's first"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", default="300,3000,30000")
    parser.add_argument("--paragraphs", default="1000,2000,4000,8000,16000")
    parser.add_argument("--resume", type=int, default=3000)
    parser.add_argument("--translate", type=int, default=300)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--model", type=Path, default=None)
    scratch = Path(tempfile.gettempdir()) / "zhen-bench-scale"
    parser.add_argument("--workdir", type=Path, default=scratch)
    parser.add_argument("--only", default="docs,paragraphs,resume,translate")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    work: Path = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    pool = paragraphs(args.shared)
    cache = work / "cache"
    if parts & {"docs", "paragraphs", "resume"}:
        fill_cache(work, cache, args.model, pool)
    if "docs" in parts:
        bench_docs(work, [int(x) for x in args.docs.split(",")], pool, cache, args.model)
    if "paragraphs" in parts:
        sizes = [int(x) for x in args.paragraphs.split(",")]
        bench_paragraphs(work, sizes, pool, cache, args.model)
    if "resume" in parts:
        bench_resume(work, args.resume, pool, cache, args.model)
    if "translate" in parts:
        workers = [int(x) for x in args.workers.split(",")]
        bench_translate(args.shared, args.translate, workers, args.model)


if __name__ == "__main__":
    main()

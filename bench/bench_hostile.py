"""Hostile inputs: time and peak memory of each, every one in its own subprocess.

Usage: uv run python bench/bench_hostile.py [--depth 100000] [--timeout 120] [--code DIR]

The inputs a user or an attacker can hand zhen that once crashed it, hung it or ate its memory:
HTML nested or left unclosed to a great depth, Markdown lists and quotes thousands deep, a
glossary term of 100,000 characters, a zip bomb given to ``zhen models install``. Each case runs
the real code path (ingest, the glossary matcher, the package installer) in a fresh interpreter,
so the peak RSS is that case's alone, and prints how it ended: documents read, or the one-line
error zhen gives. ``--code DIR`` runs the cases against another copy of the code (say
``git archive <commit> | tar -x -C DIR``), to see the "before".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from table import print_table  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]

_INGEST = """
import json, sys
from pipeline.errors import PipelineError
from pipeline.ingest import read_documents
from pipeline.settings import IngestSettings
try:
    docs = read_documents(sys.argv[1], IngestSettings())
    print(json.dumps(f"{len(docs)} document(s), {sum(len(p.doc.blocks) for p in docs)} blocks"))
except PipelineError as exc:
    print(json.dumps(exc.message[:60]))
"""
_MATCHER = """
import json
from pipeline.glossary.match import Matcher
from pipeline.glossary.terms import Term
huge = "导弹" * 50_000
matcher = Matcher([Term("huge", (huge,), "missile"), Term("m", ("导弹",), "m")], None)
found = matcher.scan("前" + huge + "后导弹")
print(json.dumps(f"{len(found)} matches, {len(matcher.prefixes)} prefixes"))
"""
_INSTALL = """
import json, sys
from pathlib import Path
from pipeline.errors import PipelineError
from pipeline.packages.install import install
from pipeline.settings import ModelDirs
root = Path(sys.argv[2])
dirs = ModelDirs(install_dir=root / "p", cache_dir=root / "c", argos_dir=root / "a",
                 index_url="http://127.0.0.1:9/index.json")
try:
    install(sys.argv[1], dirs)
    print(json.dumps("installed"))
except PipelineError as exc:
    print(json.dumps(exc.message[:60]))
"""


def write_cases(folder: Path, depth: int) -> list[tuple[str, str, list[str]]]:
    """``(case, script, argv)`` for every hostile input, written into ``folder``."""
    cases = []
    pages = {
        "html-nested.html": "<html><body><article>" + "<div>" * depth + "<p>深层的段落。</p>"
        + "</div>" * depth + "<p>结尾段落。</p></article></body></html>",
        "html-unclosed.html": "<html><body>" + "<div>" * depth + "<p>未闭合的段落。</p>"
        + "<span><b>" * depth + "加粗</body></html>",
        "md-list.md": "\n".join("  " * i + f"- 第{i}层。" for i in range(depth // 100))
        + "\n\n之后的段落。\n",
        "md-quote.md": "\n".join(">" * i + f" 第{i}层。" for i in range(1, depth // 100))
        + "\n\n之后的段落。\n",
        "md-link-line.md": "正文" + "[a](" * (depth // 2) + "内容。\n",
        "md-brackets.md": "正文" + "[" * (depth // 2) + "内容。\n",
    }  # fmt: skip
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
        cases.append((name, _INGEST, [str(folder / name)]))
    cases.append(("glossary term of 100,000 chars", _MATCHER, []))
    bomb = folder / "bomb.argosmodel"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("pkg/metadata.json", '{"from_code": "zh", "to_code": "en"}')
        zf.writestr("pkg/model/config.json", "{}")
        zf.writestr("pkg/sentencepiece.model", "x")
        with zf.open("pkg/model/model.bin", "w") as out:
            for _ in range(512):
                out.write(bytes(1 << 20))  # 512 MiB of zeros, ~500 KB packed
    cases.append(
        (f"zip bomb ({bomb.stat().st_size // 1000:,} KB)", _INSTALL, [str(bomb), str(folder)])
    )
    return cases


_PEAK = """
import resource
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run_case(script: str, argv: list[str], timeout: int, code: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and outcome of one case in a fresh interpreter."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", script + _PEAK, *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=code,
            env={**os.environ, "PYTHONPATH": str(code)},
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, 0.0, f"killed after {timeout} s"
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return elapsed, 0.0, f"crashed: {last[:60]}"
    outcome, peak = done.stdout.strip().splitlines()[-2:]
    return elapsed, int(peak) / 1024, json.loads(outcome)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--depth", type=int, default=100_000)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--code", type=Path, default=ROOT, help="the code to run (a checkout)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for case, script, argv in write_cases(Path(tmp), args.depth):
            seconds, rss, outcome = run_case(script, argv, args.timeout, args.code.resolve())
            rows.append([case, round(seconds, 2), round(rss), outcome])
    print(f"code: {args.code}; depth {args.depth:,} (Markdown nesting {args.depth // 100:,})\n")
    print_table(["case", "seconds", "peak RSS MB", "outcome"], rows)


if __name__ == "__main__":
    main()

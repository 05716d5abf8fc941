"""Ingest quality on real and unseen pages: chrome segments, titles, article text kept.

Usage: uv run python bench/bench_ingest.py [--shared ../shared] [--write-sentences]

Reads the development corpus and seed samples in ``--shared`` (``devcorpus/``, ``samples/``), the
project's ``corpora/samples/`` and the synthetic pages of unseen layouts in
``tests/data/ingest/unseen/``, each folder as one run (``zhen segment`` on the folder's files, so
repetition across a run's documents counts), and scores every input file against
``bench/data/ingest_labels.tsv``:

- segments: how many segments the file gives (title segments excluded);
- chrome segs: segments containing a ``chrome`` label's text, and how many of the file's chrome
  labels leaked (leaked/labelled);
- title: the document's title equals the ``title`` label (a feed: the set of its items' titles);
- keep lost: ``keep`` and ``dropped`` labels missing from the blocks and metadata;
- sentences: article sentences of the pre-issue-11 output (``bench/data/ingest_sentences.tsv``,
  fingerprints only: a hash of each sentence's first characters) missing from the output now.

Borderline labels and chrome found in metadata are listed, not scored. Timing is ingest +
normalize + segment of each folder, the first run (with the one-time imports and dictionary loads)
and a second one. Markup is compared as text: link targets, emphasis markers, escapes and
whitespace are ignored.
``--write-sentences`` regenerates the fingerprints from the pipeline on ``PYTHONPATH`` (run it on
the code before the change: ``PYTHONPATH=/tmp/base uv run python bench/bench_ingest.py
--write-sentences``). Documents marked ``*`` were held out while the rules were written.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import time
from collections import defaultdict
from pathlib import Path

from table import print_table  # bench/ is on sys.path when run as a script

from pipeline.document import Document
from pipeline.run import prepare
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "data" / "ingest_labels.tsv"
SENTENCES = ROOT / "bench" / "data" / "ingest_sentences.tsv"
HELD_OUT = frozenset(
    {
        "feedx_voa_taiwan_arms_sales_conference.html",
        "tc_hkcnews_taiwan_2400yi_special_budget.md",
        "omnivore_zhihu_chatgpt_assistants.md",
    }
)
FINGERPRINT_CHARS = 8
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"\*\*|\\(?=[^\w\s])|^\s*(?:#{1,6}|>+)\s", re.M)
_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    """Text as a reader sees it, for matching: no link targets, markers, escapes or spaces."""
    return _WS.sub("", _MARKS.sub("", _LINK.sub(r"\1", text)))


def fingerprint(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def corpora(shared: Path) -> list[tuple[str, Path]]:
    return [
        ("devcorpus", shared / "devcorpus"),
        ("samples", shared / "samples"),
        ("corpora", ROOT / "corpora" / "samples"),
        ("unseen", ROOT / "tests" / "data" / "ingest" / "unseen"),
    ]


def files_of(folder: Path) -> list[Path]:
    """The folder's documents, named one by one (so any version of zhen reads all of them)."""
    return [p for p in sorted(folder.iterdir()) if p.is_file() and p.stem.lower() != "readme"]


def load_labels() -> dict[str, dict[str, list[str]]]:
    labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    lines = [ln for ln in LABELS.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    for row in list(csv.DictReader(lines, delimiter="\t")):
        labels[row["doc"]][row["kind"]].append(row["text"])
        if row["kind"] == "chrome" and "occ=1" in row["note"]:
            labels[row["doc"]]["chrome-occ1"].append(row["text"])
    return labels


def load_sentences() -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    if SENTENCES.is_file():
        for line in SENTENCES.read_text(encoding="utf-8").splitlines()[1:]:
            doc, digest = line.split("\t")
            found[doc].append(digest)
    return found


def segment_texts(docs: list[Document]) -> list[str]:
    out = []
    for doc in docs:
        kinds = {b.index: b.kind for b in doc.blocks}
        out.extend(norm(s.source) for s in doc.segments if kinds[s.block] != "title")
    return out


def output_text(docs: list[Document]) -> str:
    """Every block (code with its info string, images as written) and the metadata."""
    parts = []
    for doc in docs:
        for b in doc.blocks:
            info = getattr(b, "info", "")
            parts.append(f"```{info}\n{b.text}" if b.kind == "code" else b.text)
        parts.extend(v for v in (doc.meta.title, doc.meta.author, doc.meta.published) if v)
    return norm("\n".join(parts))


def chrome_hit(segment: str, chrome: list[str]) -> bool:
    return any(c and (c in segment or (len(segment) >= 4 and segment in c)) for c in chrome)


def chrome_segments(
    segments: list[str], chrome: list[str], first_only: set[str]
) -> tuple[int, int]:
    """(segments that are chrome, chrome labels leaked). A label noted ``occ=1`` is chrome only
    in its first occurrence (a table-of-contents line repeating a later heading): it counts
    when it matches more segments than the later, legitimate occurrence."""
    hits = [s for s in segments if chrome_hit(s, chrome)]
    extra = 0
    leaked = 0
    for label in chrome:
        matching = [s for s in segments if label in s]
        if label in first_only:
            extra -= min(1, len(matching))
            leaked += len(matching) > 1
        else:
            leaked += bool(matching)
    return max(0, len(hits) + extra), leaked


def score(name: str, docs: list[Document], labels: dict[str, list[str]], prints: list[str]):
    segments = segment_texts(docs)
    chrome = [norm(t) for t in labels.get("chrome", [])]
    first_only = {norm(t) for t in labels.get("chrome-occ1", [])}
    chrome_segs, leaked = chrome_segments(segments, chrome, first_only)
    titles = sorted(norm(d.meta.title or "") for d in docs)
    wanted = sorted(norm(t) for t in labels.get("title", []))
    output = output_text(docs)
    keep = [norm(t) for t in labels.get("keep", []) + labels.get("dropped", [])]
    lost = [t for t in keep if t not in output]
    windows = {fingerprint(output[i : i + FINGERPRINT_CHARS]) for i in range(len(output))}
    missing = [p for p in prints if p not in windows]
    notes = [f"borderline {'kept' if norm(t) in output else 'dropped'}: {t[:30]}"
             for t in labels.get("borderline", [])]  # fmt: skip
    notes += [
        f"chrome in metadata: {t[:30]}"
        for t in labels.get("meta-chrome", [])
        if norm(t) in norm(" ".join(str(d.meta.author) for d in docs))
    ]
    return {
        "notes": notes,
        "segments": len(segments),
        "chrome_segs": chrome_segs,
        "leaked": leaked,
        "labelled": len(chrome),
        "title_ok": titles == wanted,
        "titles": ", ".join(t[:18] for t in titles),
        "lost": lost,
        "keep": len(keep),
        "missing": len(missing),
        "sentences": len(prints),
    }


def write_sentences(shared: Path) -> None:
    """Fingerprints of the article sentences the current pipeline outputs (chrome excluded)."""
    labels = load_labels()
    rows = []
    for _corpus, folder in corpora(shared):
        if not folder.is_dir():
            continue
        files = files_of(folder)
        prepared = prepare([str(p) for p in files], Settings())
        by_file: dict[str, list[Document]] = defaultdict(list)
        for doc in prepared.docs:
            by_file[Path(doc.path).name].append(doc)
        for name, docs in sorted(by_file.items()):
            if name.endswith((".xml", ".rss", ".atom")):
                continue  # read as text before feeds were supported: its "sentences" are XML
            chrome = [norm(t) for t in labels[name].get("chrome", [])]
            for seg in segment_texts(docs):
                if len(seg) >= FINGERPRINT_CHARS and not chrome_hit(seg, chrome):
                    rows.append((name, fingerprint(seg[:FINGERPRINT_CHARS])))
    with SENTENCES.open("w", encoding="utf-8", newline="") as fh:
        fh.write("doc\tsha1_12_of_first_8_chars\n")
        fh.writelines(f"{doc}\t{digest}\n" for doc, digest in rows)
    print(f"{len(rows)} sentence fingerprints → {SENTENCES}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--write-sentences", action="store_true")
    parser.add_argument(
        "--no-vote", action="store_true", help="rules only: without trafilatura's vote on pages"
    )
    args = parser.parse_args()
    if args.no_vote:
        # Lazy: only this comparison replaces the vote.
        import pipeline.ingest.read as read

        read.main_text_vote = lambda html, candidates: candidates
    if args.write_sentences:
        write_sentences(args.shared)
        return
    labels = load_labels()
    sentences = load_sentences()
    rows = []
    totals: dict[str, list[int]] = defaultdict(lambda: [0] * 8)
    speed = []
    for corpus, folder in corpora(args.shared):
        if not folder.is_dir():
            print(f"(skipped {corpus}: {folder} not present)")
            continue
        files = files_of(folder)
        chars = sum(len(p.read_bytes().decode("utf-8", errors="replace")) for p in files)
        start = time.perf_counter()
        prepared = prepare([str(p) for p in files], Settings())
        cold = time.perf_counter() - start
        start = time.perf_counter()
        prepare([str(p) for p in files], Settings())
        warm = time.perf_counter() - start
        speed.append(
            [corpus, len(files), chars, round(cold, 3), round(warm, 3), round(chars / warm)]
        )
        by_file: dict[str, list[Document]] = defaultdict(list)
        for doc in prepared.docs:
            by_file[Path(doc.path).name].append(doc)
        for failure in prepared.failures:
            print(f"FAILED {failure}")
        for path in files:
            name = path.name
            s = score(name, by_file.get(name, []), labels[name], sentences.get(name, []))
            group = "held-out" if name in HELD_OUT else corpus
            for key in (group, "all"):
                t = totals[key]
                t[0] += 1
                t[1] += s["segments"]
                t[2] += s["chrome_segs"]
                t[3] += s["leaked"]
                t[4] += s["labelled"]
                t[5] += int(s["title_ok"])
                t[6] += len(s["lost"])
                t[7] += s["missing"]
            rows.append(
                [
                    corpus,
                    ("*" if name in HELD_OUT else "") + name[:40],
                    s["segments"],
                    s["chrome_segs"],
                    f"{s['leaked']}/{s['labelled']}",
                    "right" if s["title_ok"] else f"WRONG: {s['titles'][:30]}",
                    f"{len(s['lost'])}/{s['keep']}",
                    f"{s['missing']}/{s['sentences']}",
                ]
            )
            for text in s["lost"]:
                print(f"  lost in {name}: {text[:40]}")
            for note in s["notes"]:
                print(f"  {name}: {note}")
    print_table(
        [
            "corpus",
            "document",
            "segments",
            "chrome segs",
            "chrome leaked",
            "title",
            "keep lost",
            "sentences missing",
        ],
        rows,
    )
    print()
    print_table(
        ["group", "docs", "segments", "chrome segs", "leaked/labelled", "titles right", "keep lost",
         "sentences missing"],
        [
            [k, t[0], t[1], t[2], f"{t[3]}/{t[4]}", f"{t[5]}/{t[0]}", t[6], t[7]]
            for k, t in sorted(totals.items())
        ],
    )  # fmt: skip
    print()
    print_table(
        ["corpus", "files", "chars", "first run s", "second run s", "chars/s (second run)"], speed
    )


if __name__ == "__main__":
    main()

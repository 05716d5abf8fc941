"""Fidelity on real articles: Latin text, inline code and maths, the document's own names, splits.

Usage:
    uv run python bench/bench_fidelity.py [--run DIR] [--out DIR] [--cache DIR] [--threads 2]
        [--lines 300] [--no-docs] [--no-testsets] [--translate-only] [--show N] [--markup]
    uv run python bench/bench_fidelity.py --shapes KX#X,XS#X,XT#X,ZX#   # span token copy rates

Translates ../shared/devcorpus (eleven real articles) and ../shared/samples (two) the way a user
runs ``zhen translate`` (the repository's glossaries/*.tsv, default settings), or reads a finished
run with ``--run DIR``, and prints per document and in total:

- **Latin**: segments whose source has Latin text (names, titles, acronyms, English phrases;
  :func:`pipeline.spans.find_spans`, kind ``latin``) that keep all of it verbatim in the English
  (as whole words; a capital at the sentence start and a plural s allowed). Latin inside a
  glossary term or a glossed name is the glossary's or the document term's to write and is
  counted under names instead.
- **code+maths**: inline code and ``$…$`` spans in the source blocks' text that appear verbatim in
  the English of their block (counted from ``Block.text``, so the figure is right once ingest keeps
  inline Markdown).
- **names**: mentions of the names and terms a document glosses itself
  (:func:`pipeline.glossary.document.document_terms`) whose English contains the gloss or its short
  form (a person's surname), per mention. A mention that an approved glossary term overlaps is
  the glossary's to write (approved entries win) and is counted apart (**glossary wins**).
- **bracket splits**: segment boundaries inside a matched bracket pair （）()[]【】《》〈〉〔〕［］;
  **Latin splits**: boundaries inside a Latin run.

and chrF and BLEU (sacrebleu) of the first ``--lines`` lines of FLORES-200 zho_Hans and WMT19 zh-en,
each line normalized, segmented and translated as the pipeline does (no glossary).

Documents marked ``held out`` were not read while the span detector, the extractor and the
segmentation rules were built; their totals are printed separately.

For a "before" column on an older checkout, run the translation there and the metrics here:
``PYTHONPATH=OLD uv run python bench/bench_fidelity.py --translate-only --out RUN`` (from OLD),
then ``uv run python bench/bench_fidelity.py --run RUN``. ``--testsets-out FILE`` writes the
hypotheses for reading the changed lines.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from table import print_table  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
if not SHARED.is_dir():  # a git worktree next to the main checkout
    SHARED = ROOT.parents[1] / "shared"
INPUTS = [SHARED / "devcorpus", SHARED / "samples"]
HELD_OUT = frozenset(
    {
        "feedx_nyt_dprk_parade_new_icbm",
        "feedx_rfi_dprk_parade_fullwidth_digits",
        "tc_hkcnews_dod_report_nuclear_warheads",
        "omnivore_zhihu_prompt_anki_codefences",
        "stress_mingpao_rss_20170909",
    }
)
"""Documents not looked at while the rules were built (the issue's held-out check)."""
TESTSETS = {
    "flores-hans": ("testsets/flores200/zho_Hans.devtest", "testsets/flores200/eng_Latn.devtest"),
    "wmt19": ("testsets/wmt19/newstest2019.zh-en.zh", "testsets/wmt19/newstest2019.zh-en.en"),
}
BRACKETS = dict(zip("（([【《〈〔［", "）)]】》〉〕］", strict=True))


@dataclass
class Counts:
    """One document's (or a total's) fidelity counts."""

    latin_segments: int = 0
    latin_kept: int = 0
    code_spans: int = 0
    code_kept: int = 0
    mentions: int = 0
    mentions_ok: int = 0
    glossary_wins: int = 0
    bracket_splits: int = 0
    latin_splits: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            if name != "failures":
                setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self, name: str) -> list[object]:
        def pct(a: int, b: int) -> str:
            return f"{a}/{b} ({100 * a / b:.0f} %)" if b else "0/0"

        return [
            name,
            pct(self.latin_kept, self.latin_segments),
            pct(self.code_kept, self.code_spans),
            pct(self.mentions_ok, self.mentions),
            self.glossary_wins,
            self.bracket_splits,
            self.latin_splits,
        ]


def translate_documents(out: Path, cache: Path | None, threads: int) -> Path:
    """``zhen translate`` over the corpus as a user runs it; returns the run folder."""
    from pipeline.glossary import load_glossaries
    from pipeline.packages import default_dirs
    from pipeline.run import translate_run
    from pipeline.settings import RunOptions, Settings, TranslateSettings

    settings = Settings(translate=TranslateSettings(threads=threads, cache_dir=cache))
    glossary = load_glossaries(sorted((ROOT / "glossaries").glob("*.tsv")), settings.normalize)
    options = RunOptions(outdir=out, dirs=default_dirs(), use_cache=cache is not None)
    result = translate_run([str(p) for p in INPUTS if p.is_dir()], settings, options,
                           glossary=glossary)  # fmt: skip
    for failure in result.prepared.failures:
        print(f"failed: {failure}", file=sys.stderr)
    return out


def _in_pairs(text: str) -> list[tuple[int, int]]:
    """Matched bracket pairs ``(open, close)`` of ``text`` (a closer pops back to its opener)."""
    stack: list[tuple[str, int]] = []
    pairs = []
    for i, ch in enumerate(text):
        if ch in BRACKETS:
            stack.append((BRACKETS[ch], i))
        elif ch in BRACKETS.values():
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == ch:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    return pairs


def _count_mentions(english: str, term: Any) -> int:
    """How many times ``english`` writes the term's gloss or its short form."""
    count = english.count(term.en)
    if term.short:
        count += max(0, english.count(term.short) - english.count(term.en))
    return count


def measure(doc: Any, glossary: Any) -> Counts:
    """The fidelity counts of one translated document."""
    from pipeline.glossary import match_terms
    from pipeline.glossary.document import document_terms, gloss_spans, terms_glossary
    from pipeline.spans import find_spans, find_written

    counts = Counts()
    approved = glossary.approved() if glossary is not None else None
    for seg in doc.segments:
        text = seg.normalized
        terms = [(m.start, m.consumed_end) for m in match_terms(text, approved)] if approved else []
        terms += [(g.start, g.end) for g in gloss_spans(text)]
        latin = [
            text[s.start : s.end]
            for s in find_spans(text)
            if s.kind == "latin" and not any(s.start < b and a < s.end for a, b in terms)
        ]
        if latin:
            counts.latin_segments += 1
            rest = seg.en
            kept = True
            for span in sorted(latin, key=len, reverse=True):
                where = find_written(span, rest)
                kept = kept and where is not None
                if where is not None:
                    rest = rest[: where[0]] + "\x00" * (where[1] - where[0]) + rest[where[1] :]
            counts.latin_kept += kept
            if not kept:
                counts.failures.append(f"latin  {text}\n       → {seg.en}")
    for block in doc.blocks:
        segs = doc.segments_of(block.index)
        if not segs:
            continue
        english = " ".join(s.en for s in segs)
        for span in find_spans(block.text):
            if span.kind in ("code", "math") and block.text[span.start : span.end][:1] in "`$":
                counts.code_spans += 1
                counts.code_kept += block.text[span.start : span.end] in english
        cuts = [s.start for s in segs[1:]]
        pairs = _in_pairs(block.text)
        runs = [(s.start, s.end) for s in find_spans(block.text) if s.kind == "latin"]
        counts.bracket_splits += sum(any(a < c <= b for a, b in pairs) for c in cuts)
        counts.latin_splits += sum(any(a < c < b for a, b in runs) for c in cuts)
    for term in document_terms(doc, glossary):
        matcher = terms_glossary([term]).matcher()
        for seg in doc.segments:
            glossary_terms = match_terms(seg.normalized, approved) if approved else []
            mentions = 0
            for m in matcher.scan(seg.normalized):
                if any(m.start < g.end and g.start < m.end for g in glossary_terms):
                    counts.glossary_wins += 1  # an approved term covers part of it
                else:
                    mentions += 1
            if not mentions:
                continue
            ok = min(mentions, _count_mentions(seg.en, term))
            counts.mentions += mentions
            counts.mentions_ok += ok
            if ok < mentions:
                counts.failures.append(f"name   {term.zh}→{term.en}: {seg.normalized}\n"
                                       f"       → {seg.en}")  # fmt: skip
    return counts


def report_documents(run: Path, show: int) -> None:
    """Print the per-document table and the build / held-out / all totals."""
    from pipeline.glossary import load_glossaries
    from pipeline.settings import NormalizeSettings
    from pipeline.store.rundir import RunDir

    glossary = load_glossaries(sorted((ROOT / "glossaries").glob("*.tsv")), NormalizeSettings())
    docs = RunDir(run).read_documents()
    rows = []
    totals = {"build": Counts(), "held out": Counts(), "all": Counts()}
    failures: list[str] = []
    for doc in sorted(docs, key=lambda d: (d.id in HELD_OUT, d.id)):
        counts = measure(doc, glossary)
        held = doc.id in HELD_OUT
        rows.append(counts.row(doc.id[:40] + (" (held out)" if held else "")))
        totals["held out" if held else "build"].add(counts)
        totals["all"].add(counts)
        failures += [f"[{doc.id}] {f}" for f in counts.failures]
    rows += [c.row(f"**{name}**") for name, c in totals.items()]
    print_table(
        ["document", "Latin kept (segments)", "code+maths kept", "glossed names ok",
         "glossary wins", "bracket splits", "Latin splits"],
        rows,
    )  # fmt: skip
    for line in failures[:show]:
        print(line)


def testset_lines(name: str, lines: int) -> tuple[list[str], list[str]]:
    src, ref = TESTSETS[name]
    return (
        (SHARED / src).read_text(encoding="utf-8").splitlines()[:lines],
        (SHARED / ref).read_text(encoding="utf-8").splitlines()[:lines],
    )


def translate_lines(sources: list[str], cache: Path | None, threads: int) -> list[str]:
    """Each line as a one-paragraph document through normalize → segment → translate, the
    pipeline's own post-steps where this checkout has them, segments joined with a space."""
    from pipeline.document import Block, Document, Metadata
    from pipeline.normalize import normalize_document
    from pipeline.packages import default_dirs, ensure_model
    from pipeline.segment import segment_document
    from pipeline.settings import Settings, TranslateSettings
    from pipeline.store import TranslationCache
    from pipeline.translate.engine import load_engine
    from pipeline.translate.texts import translate_segments

    settings = Settings(translate=TranslateSettings(threads=threads))
    docs = []
    for i, line in enumerate(sources):
        doc = Document(f"l{i}", "-", "text", "utf-8", Metadata(), [Block(0, "paragraph", line)])
        docs.append(segment_document(normalize_document(doc, settings.normalize), settings.segment))
    segments = [s for d in docs for s in d.segments]
    engine = load_engine(ensure_model(None, default_dirs()), settings.translate)
    with TranslationCache.in_dir(cache or Path(tempfile.mkdtemp())) as store:
        translate_segments(segments, engine, store)
    try:  # the post-steps of this issue, absent from older checkouts
        from pipeline.segment import join_split_sentences
        from pipeline.spans import check_segment
    except ImportError:
        pass
    else:
        for doc in docs:
            for seg in doc.segments:
                check_segment(seg, doc.blocks[0])
            join_split_sentences(doc)
    return [" ".join(s.en for s in d.segments) for d in docs]


MARKUP = [
    "在终端输入 `pip install zhen` 即可安装，然后运行 `zhen --help` 查看帮助。",
    "公式 $z_{s-1}$ 表示上一步的状态，而 $\\alpha + \\beta = 1$ 是约束条件。",
    "**重要**的是，配置文件位于 `~/.config/zhen/config.toml`，不要手动删除。",
    "请参考[官方文档](https://example.org/docs/install)中的说明，特别是第三节。",
    "函数 `split_sentences(text, max_chars)` 返回一个列表，长度不超过 $n$。",
    "损失函数定义为 $L = -\\sum_i y_i \\log p_i$，其中 $p_i$ 是预测概率。",
    "我们把变量 `max_chars` 设为 100，这样句子不会太长。",
    "*注意*：如果 `cache_dir` 不存在，程序会自动创建它。",
    "在 Python 中，`len()` 函数返回对象的长度，`range(10)` 生成十个整数。",
    "当 $x \\to 0$ 时，$\\frac{\\sin x}{x}$ 的极限等于 1。",
    "更多内容请见[这篇博客](https://blog.example.com/post/42)和 `README.md` 文件。",
    "运行 `git log --oneline` 可以看到提交历史，**每次提交**都应该只做一件事。",
]
"""Inline Markdown written for this benchmark (ingest does not keep inline markup yet, so the
devcorpus cannot show it): blocks whose text is inline Markdown, as the data model defines."""


def report_markup(cache: Path | None, threads: int, show: bool) -> None:
    """Inline code, maths, links and emphasis of :data:`MARKUP` through normalize → segment →
    translate → span check: spans kept verbatim (paired markup: both delimiters, in order)."""
    from pipeline.document import Block, Document, Metadata
    from pipeline.normalize import normalize_document
    from pipeline.packages import default_dirs, ensure_model
    from pipeline.segment import segment_document
    from pipeline.settings import Settings, TranslateSettings
    from pipeline.spans import check_segment, find_spans
    from pipeline.store import TranslationCache
    from pipeline.translate.engine import load_engine
    from pipeline.translate.texts import translate_segments

    settings = Settings(translate=TranslateSettings(threads=threads))
    blocks = [Block(i, "paragraph", text) for i, text in enumerate(MARKUP)]
    doc = Document("markup", "-", "markdown", "utf-8", Metadata(), blocks)
    doc = segment_document(normalize_document(doc, settings.normalize), settings.segment)
    engine = load_engine(ensure_model(None, default_dirs()), settings.translate)
    with TranslationCache.in_dir(cache or Path(tempfile.mkdtemp())) as store:
        translate_segments(doc.segments, engine, store)
    kinds: dict[str, list[int]] = {}
    for seg in doc.segments:
        spans = [s for s in find_spans(seg.normalized) if s.kind != "latin"]
        lost = check_segment(seg, doc.blocks[seg.block]).lost
        for span in spans:
            text = seg.normalized[span.start : span.end]
            pieces = [text] if span.inner is None else [
                seg.normalized[span.start : span.inner[0]], seg.normalized[span.inner[1] : span.end]
            ]  # fmt: skip
            kept = "…".join(pieces) not in lost
            kinds.setdefault(span.kind, [0, 0])[0] += kept
            kinds[span.kind][1] += 1
        if show:
            print(f"{seg.normalized}\n  → {seg.en}")
    rows = [[kind, f"{k}/{n}"] for kind, (k, n) in sorted(kinds.items())]
    print_table(["markup (hand-made)", "kept verbatim"], rows)


def report_shapes(shapes: list[str], threads: int) -> None:
    """Copy rate of candidate span tokens (``#`` stands for the number): the protected spans of
    the build documents' segments and of WMT19 lines 300-2000 and FLORES lines 300-1012 (80
    each; not the lines scored above) masked with each shape, decoded without cache, counted
    where the token comes back (letter case aside)."""
    import re

    from pipeline.packages import default_dirs, ensure_model
    from pipeline.run import prepare
    from pipeline.settings import Settings, TranslateSettings
    from pipeline.spans import find_spans, protect
    from pipeline.translate.engine import load_engine, needs_translation

    build = [p for d in INPUTS for p in sorted(d.glob("*.*"))
             if p.stem not in HELD_OUT and p.name != "README.md"]  # fmt: skip
    texts = [
        s.normalized
        for d in prepare([str(p) for p in build], Settings()).docs
        for s in d.segments
        if needs_translation(s.normalized) and find_spans(s.normalized)
    ]
    for name, lo, hi in (("wmt19", 300, 2000), ("flores-hans", 300, 1012)):
        lines = (SHARED / TESTSETS[name][0]).read_text(encoding="utf-8").splitlines()[lo:hi]
        texts += [ln for ln in lines if needs_translation(ln) and find_spans(ln)][:80]
    masked = [protect(t, find_spans(t), "XS") for t in texts]
    settings = TranslateSettings(threads=threads)
    engine = load_engine(ensure_model(None, default_dirs()), settings)
    rows = []
    for shape in shapes:
        sources = [re.sub(r"XS(\d+)X", lambda m, s=shape: s.replace("#", m.group(1)), p.masked)
                   for p in masked]  # fmt: skip
        outputs = engine.translate(sources)
        total = sum(len(p.pieces) for p in masked)
        kept = sum(
            shape.replace("#", str(n)).lower() in out.lower()
            for p, out in zip(masked, outputs, strict=True)
            for n in range(1, len(p.pieces) + 1)
        )
        rows.append([shape.replace("#", "1"), total, kept, f"{100 * kept / total:.1f} %"])
    print(f"{len(texts)} sentences with protected spans")
    print_table(["token", "tokens", "copied", "rate"], rows)


def report_testsets(lines: int, cache: Path | None, threads: int, out: Path | None) -> None:
    import sacrebleu

    rows = []
    hyps: dict[str, list[str]] = {}
    for name in TESTSETS:
        if not (SHARED / TESTSETS[name][0]).is_file():
            continue
        sources, refs = testset_lines(name, lines)
        hyps[name] = translate_lines(sources, cache, threads)
        chrf = sacrebleu.corpus_chrf(hyps[name], [refs]).score
        bleu = sacrebleu.corpus_bleu(hyps[name], [refs]).score
        rows.append([name, len(sources), round(chrf, 2), round(bleu, 2)])
    print_table(["test set", "lines", "chrF", "BLEU"], rows)
    if out is not None:
        out.write_text(json.dumps(hyps, ensure_ascii=False, indent=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", type=Path, help="measure this finished run instead")
    parser.add_argument("--out", type=Path, help="where the translation run goes")
    parser.add_argument("--cache", type=Path, help="translation cache folder (default: none)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--no-testsets", action="store_true")
    parser.add_argument("--translate-only", action="store_true")
    parser.add_argument("--testsets-out", type=Path, help="write the test-set hypotheses (JSON)")
    parser.add_argument("--show", type=int, default=0, help="print N failing segments")
    parser.add_argument("--markup", action="store_true", help="also the hand-made markup set")
    parser.add_argument("--shapes", help="measure span token shapes instead, e.g. KX#X,XS#X")
    args = parser.parse_args()
    if not (SHARED / "devcorpus").is_dir():
        raise SystemExit(f"../shared/devcorpus is not at {SHARED}")
    if args.shapes:
        report_shapes(args.shapes.split(","), args.threads)
        return
    if not args.no_docs:
        run = args.run
        if run is None:
            run = args.out or Path(tempfile.mkdtemp(prefix="zhen-fidelity-"))
            translate_documents(run, args.cache, args.threads)
            print(f"run: {run}")
        if not args.translate_only:
            report_documents(run, args.show)
    if args.markup:
        report_markup(args.cache, args.threads, args.show > 0)
    if not args.no_testsets:
        report_testsets(args.lines, args.cache, args.threads, args.testsets_out)


if __name__ == "__main__":
    main()

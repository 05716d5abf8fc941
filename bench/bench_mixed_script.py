"""Paragraphs mixing Simplified and Traditional: left as written (before) vs converted (now).

Usage:
    uv run python bench/bench_mixed_script.py [--lines 1000] [--threads 2]

FLORES-200 has every sentence in Simplified and in Traditional with one English reference, so a
mixed paragraph with a known translation is easy to build: Simplified sentence ``i`` followed by
the Traditional sentence ``i + 1``, reference ``eng[i] + " " + eng[i + 1]``. Of those, the ones
where the Simplified part dominates are the paragraphs that ``--script auto`` used to leave
unconverted (the Traditional characters went to the model as they were) and now converts
with ``t2s`` (three or more characters only Traditional uses). Both versions are translated by
the real model through zhen's pipeline (normalize → segment → translate, no glossary, no cache)
and scored with sacrebleu against the references. Needs ../shared (model, FLORES).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from table import print_table  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MODEL = SHARED / "models" / "translate-zh_en-1_9.argosmodel"
FLORES = SHARED / "testsets" / "flores200"


def mixed_paragraphs(lines: int) -> list[tuple[str, str]]:
    """``(paragraph, reference)`` for the mixed paragraphs the new rule converts."""
    from pipeline.document import Block, Document, Metadata
    from pipeline.normalize import normalize_document
    from pipeline.normalize.script import count_script
    from pipeline.settings import NormalizeSettings

    hans = (FLORES / "zho_Hans.devtest").read_text(encoding="utf-8").splitlines()[: lines + 1]
    hant = (FLORES / "zho_Hant.devtest").read_text(encoding="utf-8").splitlines()[: lines + 1]
    eng = (FLORES / "eng_Latn.devtest").read_text(encoding="utf-8").splitlines()[: lines + 1]
    out = []
    for i in range(lines):
        text = hans[i] + hant[i + 1]
        counts = count_script(text)
        if counts.traditional > counts.simplified:
            continue  # mostly Traditional: converted before as well
        doc = Document("x", "x", "text", "utf-8", Metadata(), [Block(0, "paragraph", text)])
        block = normalize_document(doc, NormalizeSettings()).blocks[0]
        if block.script == "t2s" and block.normalized != text:
            out.append((text, f"{eng[i]} {eng[i + 1]}"))
    return out


def translate(paragraphs: list[str], script: str, threads: int) -> list[str]:
    """English of each paragraph through zhen's pipeline with ``--script script``."""
    from pipeline.document import Block, Document, Metadata
    from pipeline.packages import ModelDirs, resolve_model
    from pipeline.run import prepare_one
    from pipeline.settings import NormalizeSettings, Settings, TranslateSettings
    from pipeline.translate import load_engine, translate_segments

    settings = replace(Settings(), normalize=NormalizeSettings(script=script))  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as cache:
        dirs = ModelDirs(install_dir=Path(cache) / "i", cache_dir=Path(cache) / "c")
        engine = load_engine(resolve_model(MODEL, dirs), TranslateSettings(threads=threads))
        docs = [
            prepare_one(
                Document(f"p{i}", "x", "text", "utf-8", Metadata(), [Block(0, "paragraph", t)]),
                settings,
            )
            for i, t in enumerate(paragraphs)
        ]
        translate_segments([s for d in docs for s in d.segments], engine)
    return [" ".join(s.en for s in d.segments) for d in docs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--show", type=int, default=3, help="print this many examples")
    args = parser.parse_args()
    if not MODEL.is_file():
        sys.exit(f"needs the real model at {MODEL}")
    import sacrebleu

    pairs = mixed_paragraphs(args.lines)
    sources, refs = [p for p, _ in pairs], [r for _, r in pairs]
    rows = []
    outputs = {}
    for label, script in (("before: left as written", "none"), ("now: t2s", "auto")):
        outputs[label] = translate(sources, script, args.threads)
        bleu = sacrebleu.corpus_bleu(outputs[label], [refs]).score
        chrf = sacrebleu.corpus_chrf(outputs[label], [refs]).score
        rows.append([label, len(sources), round(chrf, 2), round(bleu, 2)])
    print(f"mixed paragraphs from the first {args.lines} FLORES lines: {len(sources)}\n")
    print_table(["script handling", "paragraphs", "chrF", "BLEU"], rows)
    before, now = outputs.values()
    changed = [i for i in range(len(sources)) if before[i] != now[i]]
    print(f"\nEnglish changed in {len(changed)} of {len(sources)} paragraphs")
    for i in changed[: args.show]:
        print(f"\nsource: {sources[i]}\nbefore: {before[i]}\nnow:    {now[i]}\nref:    {refs[i]}")


if __name__ == "__main__":
    main()

"""Glossary matcher scaling: build time and throughput, 50 vs 10,000 terms.

Run: ``uv run python bench/bench_glossary.py [chars]``. The text is the repository's own sample
corpus text (tests/data/glossary/corpus-*.txt) repeated to ``chars`` characters (default one
million), with generated terms sprinkled in, so that most positions are real Chinese text. The
generated terms are random 2-8 character strings over the 3,000 most frequent ideograph
code points of the corpus plus Latin acronyms, the worst case for the prefix walk: almost every
character can start a term.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from pipeline.glossary import Glossary, Term, load_glossary, match_terms
from pipeline.settings import NormalizeSettings

ROOT = Path(__file__).resolve().parents[1]


def _glossary(n: int, rng: random.Random, alphabet: list[str]) -> Glossary:
    forms: dict[str, None] = {}
    while len(forms) < n:
        forms["".join(rng.choices(alphabet, k=rng.randint(2, 8)))] = None
    terms = []
    for i, form in enumerate(forms):
        abbr = "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ", k=4)) if i % 5 == 0 else ""
        terms.append(Term(f"t{i}", (form,), f"term {i}", abbr))
    return Glossary(tuple(terms))


def _best(fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    """Result and fastest wall time of ``repeat`` runs (the machine is shared, so take the min)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, min(times)


def _report(label: str, glossary: Glossary, text: str) -> None:
    _, build = _best(lambda: Glossary(glossary.terms, settings=glossary.settings).matcher(), 1)
    glossary.matcher()
    matches, scan = _best(lambda: match_terms(text, glossary))
    rate = len(text) / scan / 1e6
    print(
        f"{label:<44} build {build:6.3f} s   match {rate:5.2f} M chars/s ({len(matches)} matches)"
    )


def main(chars: int) -> None:
    """Print build seconds and match throughput for each glossary size."""
    rng = random.Random(1)
    data = ROOT / "tests" / "data" / "glossary"
    base = "".join(p.read_text(encoding="utf-8") for p in sorted(data.glob("corpus-*.txt")))
    alphabet = [chr(c) for c in range(0x4E00, 0x9FA6)]
    rng.shuffle(alphabet)
    alphabet = sorted(set(base) & set(alphabet)) + alphabet[:3000]
    print(f"text: {chars:,} characters")
    arms = load_glossary(ROOT / "glossaries" / "arms-control.tsv", NormalizeSettings())
    _report(
        f"arms-control.tsv ({len(arms)} terms, auto)",
        arms,
        (base * (chars // len(base) + 1))[:chars],
    )
    for n in (50, 1_000, 10_000, 100_000):
        generated = _glossary(n, rng, alphabet)
        pieces, size = [], 0
        while size < chars:
            piece = base if rng.random() < 0.7 else rng.choice(generated.terms).zh[0] + "，"
            pieces.append(piece)
            size += len(piece)
        text = "".join(pieces)[:chars]
        _report(f"{n:,} generated terms (as written)", generated, text)
        if n in (50, 10_000):
            normalized = Glossary(generated.terms, settings=NormalizeSettings())
            _report(f"{n:,} generated terms (auto normalization)", normalized, text)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)

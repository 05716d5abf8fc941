"""English helpers of enforcement: placeholders, plurals, articles, edits, term success."""

from __future__ import annotations

import pytest
from enforce.test_passes import GLOSSARY

from pipeline.enforce.english import (
    find_placeholders,
    pluralize,
    takes_article,
    term_success,
)


@pytest.mark.parametrize(
    ("text", "slots", "found"),
    [
        ("XT1X and XT2Xs.", 2, [(0, 0, 4, False), (1, 9, 14, True)]),
        ("EXT1X, MT2X", 2, [(0, 0, 5, False), (1, 7, 11, False)]),
        ("XT1XPompeo", 1, [(0, 0, 4, False)]),
        ("2019XT1X park", 1, [(0, 4, 8, False)]),
        ("XT3X is not ours", 2, []),
        ("XT1X's range", 1, [(0, 0, 4, False)]),
    ],
)
def test_find_placeholders(text: str, slots: int, found: list[tuple[int, int, int, bool]]) -> None:
    assert [
        (f.slot, f.start, f.end, f.plural) for f in find_placeholders(text, "XT", slots)
    ] == found


@pytest.mark.parametrize(
    ("phrase", "plural"),
    [
        ("intercontinental ballistic missile", "intercontinental ballistic missiles"),
        ("Ballistic Missile Launch Notification Agreement",
         "Ballistic Missile Launch Notification Agreements"),
        ("Hague Code of Conduct against Ballistic Missile Proliferation",
         "Hague Codes of Conduct against Ballistic Missile Proliferation"),
        ("memorandum of understanding", "memoranda of understanding"),
        ("second-strike capability", "second-strike capabilities"),
        ("ICBM", "ICBMs"),
        ("DF-41", "DF-41s"),
        ("Hao Ren", "Hao Ren"),
        ("the Pentagon", "the Pentagon"),
        ("Washington, D.C.", "Washington, D.C."),
        ("arms control", "arms control"),
        ("confidence-building measures", "confidence-building measures"),
        ("Strategic Arms Limitation Talks", "Strategic Arms Limitation Talks"),
    ],
)  # fmt: skip
def test_pluralize(phrase: str, plural: str) -> None:
    assert pluralize(phrase) == plural


@pytest.mark.parametrize(
    ("term_id", "form", "expected"),
    [
        ("nato", "full+abbr", True), ("nato", "abbr", False), ("iaea", "abbr", True),
        ("pentagon", "full", False), ("icbm", "full", False), ("hao-ren", "full", False),
        ("bmlna", "full", True), ("new-start", "abbr", False),
    ],
)  # fmt: skip
def test_takes_article(term_id: str, form: str, expected: bool) -> None:
    term = GLOSSARY.get(term_id)
    assert term is not None
    assert takes_article(term, form) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "ids", "score"),
    [
        ("Two ICBMs and an SLBM.", ["icbm", "slbm"], (2, 2)),
        ("Intercontinental Ballistic Missiles", ["icbm"], (1, 1)),
        ("one missile", ["missile", "missile"], (1, 2)),
        ("ballistic missiles", ["missile"], (1, 1)),
        ("The Pentagon and Pentagon", ["pentagon", "pentagon"], (2, 2)),
        ("Hague Codes of Conduct", ["hcoc"], (1, 1)),
        ("Hao-in", ["hao-ren"], (0, 1)),
    ],
)
def test_term_success(text: str, ids: list[str], score: tuple[int, int]) -> None:
    terms = [GLOSSARY.get(i) for i in ids]
    assert term_success(text, terms) == score  # type: ignore[arg-type]

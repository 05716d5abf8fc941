"""English helpers of enforcement: placeholders, plurals, articles, edits, term success."""

from __future__ import annotations

import pytest
from enforce.test_passes import GLOSSARY

from pipeline.enforce.english import (
    Edit,
    apply_edits,
    find_placeholders,
    indefinite_article,
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
    ("phrase", "article"),
    [
        ("ICBM", "an"), ("SLBM", "an"), ("HGV", "an"), ("MTCR", "an"), ("IAEA", "an"),
        ("NATO", "a"), ("MIRV", "a"), ("THAAD", "a"), ("UNSC", "a"), ("DF-41", "a"),
        ("intercontinental ballistic missile", "an"), ("U.S. official", "a"),
        ("unit", "a"), ("hour", "an"), ("submarine", "a"),
    ],
)  # fmt: skip
def test_indefinite_article(phrase: str, article: str) -> None:
    assert indefinite_article(phrase) == article


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
    ("text", "edits", "expected"),
    [
        ("The the X", [Edit(4, 9, "the Pentagon")], "The Pentagon"),
        ("An X here", [Edit(3, 4, "missile")], "A missile here"),
        ("a missile now", [Edit(9, 9, "", "ICBM")], "a missile (ICBM) now"),
        ("missile (ICBM) now", [Edit(7, 7, "", "ICBM")], "missile (ICBM) now"),
        ("X.", [Edit(0, 1, "no first use")], "No first use."),
        ("The U.S. X", [Edit(9, 10, "missile")], "The U.S. missile"),
        ("Mr. X", [Edit(4, 5, "hao ren")], "Mr. hao ren"),
        ("in X", [Edit(3, 4, "Taiwan Strait", article=True)], "in the Taiwan Strait"),
        ("Taiwan X", [Edit(7, 8, "Ministry", article=True)], "Taiwan Ministry"),
        ("2019X", [Edit(4, 5, "Expo")], "2019 Expo"),
    ],
)
def test_apply_edits(text: str, edits: list[Edit], expected: str) -> None:
    assert apply_edits(text, edits) == expected


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

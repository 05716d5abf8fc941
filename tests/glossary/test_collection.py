"""A loaded glossary: the cached matcher, approved terms and lookup."""

from __future__ import annotations

import pytest

from pipeline.glossary.collection import Glossary, lookup


def test_matcher_is_built_once_and_approved_filters(names: Glossary) -> None:
    assert names.matcher() is names.matcher()
    approved = names.approved()
    assert "shared-future" not in {t.id for t in approved}
    assert len(approved) == len(names) - 1


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("icbm", ["icbm"]),
        ("ICBM", ["icbm"]),
        ("五角大厦", ["pentagon"]),
        ("the pentagon", ["pentagon"]),
        ("美国国务院和国务院", ["us-state-department", "state-council"]),
        ("nothing", []),
    ],
)
def test_lookup(arms: Glossary, query: str, ids: list[str]) -> None:
    assert [t.id for t in lookup(arms, query)] == ids

"""Glossaries the glossary tests share: the project's arms-control glossary and a names file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.glossary.collection import Glossary
from pipeline.glossary.tsv import load_glossary
from pipeline.settings import NormalizeSettings

ROOT = Path(__file__).resolve().parents[2]
AUTO = NormalizeSettings(script="auto")


@pytest.fixture(scope="module")
def arms() -> Glossary:
    return load_glossary(ROOT / "glossaries" / "arms-control.tsv", AUTO)


@pytest.fixture(scope="module")
def names() -> Glossary:
    return load_glossary(ROOT / "tests" / "data" / "glossary" / "names.tsv", AUTO)

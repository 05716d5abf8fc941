"""The HTML walk's element rules: which elements are never article text."""

from __future__ import annotations

import pytest

from pipeline.ingest.walk import element_rule


@pytest.mark.parametrize(
    ("tag", "attrs", "rule"),
    [
        ("script", {}, "non-content-tag"),
        ("style", {}, "non-content-tag"),
        ("nav", {}, "non-content-tag"),
        ("aside", {}, "non-content-tag"),
        ("footer", {}, "non-content-tag"),
        ("form", {}, "non-content-tag"),
        ('asidedata-org-name=""data-org-type=""', {}, "malformed-aside"),
        ("p", {"hidden": None}, "hidden"),
        ("div", {"style": "display: none"}, "hidden"),
        ("div", {"aria-hidden": "true"}, "hidden"),
        ("div", {"data-selfpromo-newsletter": None}, "chrome-signature"),
        ("div", {"data-selfpromo-app": None}, "chrome-signature"),
        ("span", {"data-root-share": None}, "chrome-signature"),
        ("share-button", {"v-on:open": "openModal"}, "chrome-signature"),
        ("divdata-article-list", {}, "chrome-signature"),
        ("a", {"href": "/x", "data-article-item-link": None}, "chrome-signature"),
        ("div", {"class": "social-share bar"}, "chrome-signature"),
        ("section", {"id": "comments"}, "chrome-signature"),
        ("div", {"class": "related-posts"}, "chrome-signature"),
        ("div", {"class": "article-body"}, None),
        ("div", {"class": "shared-memory-notes"}, None),
        ("p", {}, None),
        ("article", {"class": "share"}, None),
        ("body", {"data-share": "1"}, None),
    ],
)
def test_element_rules(tag: str, attrs: dict[str, str | None], rule: str | None) -> None:
    assert element_rule(tag, attrs) == rule

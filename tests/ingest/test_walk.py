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


@pytest.mark.parametrize("depth", [600, 3000])
def test_deep_nesting_is_walked_without_recursion(depth: int) -> None:
    from selectolax.lexbor import LexborHTMLParser

    from pipeline.ingest.walk import Context, Walker

    html = (
        "<article>" + "<div><span>" * depth + "<p>深层的<b>段落</b>。</p><ul><li>项目</li></ul>"
        + "</span></div>" * depth + "<p>结尾段落。</p></article>"
    )  # fmt: skip
    root = LexborHTMLParser(html).css_first("article")  # uncapped: the walk itself must cope
    walker = Walker(100, header_headings=True)
    walker.walk(root, Context())  # before the fix: RecursionError
    walker.flush(Context())
    assert [(c.kind, c.text) for c in walker.out] == [
        ("paragraph", "深层的**段落**。"),
        ("list_item", "项目"),
        ("paragraph", "结尾段落。"),
    ]

"""Markdown outputs are safe to render: no raw HTML, no script links, in two standard renderers."""

from __future__ import annotations

import markdown as python_markdown
import pytest
from export.helpers import live_markup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pipeline.export.safemd import escape_plain, math_is_safe, safe_inline, safe_url

COMMONMARK = MarkdownIt("commonmark", {"html": True})


def rendered(text: str) -> list[str]:
    return [COMMONMARK.render(text), python_markdown.markdown(text)]


HOSTILE = [
    "这是 <script>alert(1)</script> 的例子",
    "already escaped \\<script>alert(1)\\</script> once",
    "escaped backslash \\\\<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<div onmouseover=alert(3)>hover",
    "<!-- comment --><?php x ?><![CDATA[x]]><!DOCTYPE html>",
    "[click](javascript:alert(1)) and [c2](JaVaScRiPt:alert(1))",
    "[tab](java\tscript:alert(1)) [ent](javascript&#58;alert(1)) [ent2](&#106;avascript:x)",
    "[angle](<javascript:alert(1)>) ![img](vbscript:x) [data](data:text/html,<script>x</script>)",
    "[paren](javascript:alert((1)))",
    "<javascript:alert(1)> <JAVASCRIPT:alert(1)>",
    "$<img src=x onerror=alert(1)>$ and $$<script>x</script>$$",
    "[x]: javascript:alert(1)",
    "<scr<script>ipt>alert(1)</script>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_text(text: str) -> None:
    safe = safe_inline(text)
    for html in rendered(safe):  # before the fix: live tags and script links in both
        assert live_markup(html) == [], (safe, html)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain 中文 text", "plain 中文 text"),
        ("a `<b>code</b>` span", "a `<b>code</b>` span"),
        ("``code with ` inside <b>``", "``code with ` inside <b>``"),
        ("maths $x<y$ stays", "maths $x<y$ stays"),
        ("maths $<b>x</b>$ does not", "maths $&lt;b>x&lt;/b>$ does not"),
        ("see <https://example.org/a?b=1>", "see <https://example.org/a?b=1>"),
        ("[link](https://example.org/(a))", "[link](https://example.org/(a))"),
        ("![img](data:image/png;base64,AAAA)", "![img](data:image/png;base64,AAAA)"),
        ("[x](javascript:alert(1)) after", "[x]() after"),
        ("1 < 2 and 3<4", "1 < 2 and 3<4"),
        ("\\<script>", "&lt;script>"),
        ("[1]: https://example.org", "\\[1]: https://example.org"),
        ("literal \\[x\\](javascript:y)", "literal \\[x\\](javascript:y)"),
    ],
)
def test_safe_inline_changes_only_what_could_act(text: str, expected: str) -> None:
    assert safe_inline(text) == expected
    assert safe_inline(expected) == expected  # idempotent: safe text stays as it is


def test_metadata_values_are_plain_text() -> None:
    author = escape_plain("<img src=x onerror=alert(1)> *王*")
    assert author == "&lt;img src=x onerror=alert(1)&gt; \\*王\\*"
    for html in rendered(f"Author: {author}"):
        assert live_markup(html) == []
    assert safe_url("https://example.org/a b") is None
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" https://example.org/x?y=1 ") == "https://example.org/x?y=1"


def test_maths_that_could_break_out_is_not_written_between_dollars() -> None:
    assert math_is_safe("\\int_0^1 x^2 \\, dx < 1")
    assert not math_is_safe("x\n\n<script>alert(1)</script>")
    assert not math_is_safe("<div onclick=x()>")
    assert not math_is_safe("a $$ <b>b</b>")


_ALPHABET = st.sampled_from(
    [*"<>/!?&#;:()[]`$\\*_\"'= \t\nabcsriptjavmgonerflx1", "中", "文", "javascript:"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_any_text_made_safe_renders_without_live_markup(text: str) -> None:
    safe = safe_inline(text)
    for html in rendered(safe):
        assert live_markup(html) == [], (text, safe, html)
    assert safe_inline(safe) == safe

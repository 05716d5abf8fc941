"""Masking spans for the model and restoring them from what it wrote."""

from __future__ import annotations

from pipeline.spans import Span, find_spans, missing, protect, restore, token


def masked(text: str, shape: str = "KX") -> object:
    return protect(text, find_spans(text), shape)  # type: ignore[arg-type]


def test_tokens_replace_spans_spaced_off_latin_and_digits() -> None:
    p = masked("他用ChatGPT写了3个`main.py`文件")
    assert p.masked == "他用KX1X写了3个KX2X文件"  # type: ignore[attr-defined]
    p = masked("Windows 10系统")
    assert p.masked == "KX1X 10系统"  # type: ignore[attr-defined]


def test_shapes_do_not_look_like_glossary_placeholders() -> None:
    for shape in ("KX", "XS"):
        tok = token(shape, 1)  # type: ignore[arg-type]
        assert "T1X" not in tok and not tok.startswith("ZX")


def test_restore_puts_every_span_back_verbatim() -> None:
    text = "他说Launch Notification Agreement与`x=1`和$z_{s-1}$都对"
    p = masked(text)
    english, lost = restore("He said KX1X and KX2X and KX3X are right.", p)  # type: ignore[arg-type]
    assert english == "He said Launch Notification Agreement and `x=1` and $z_{s-1}$ are right."
    assert lost == ()


def test_restore_tolerates_what_the_decoder_does_to_tokens() -> None:
    p = masked("卡内基的ICBM和SLBM")
    english, lost = restore("Carnegie's kX1Xs and KX2", p)  # type: ignore[arg-type]
    assert english == "Carnegie's ICBMs and SLBM" and lost == ()


def test_a_dropped_token_is_reported_lost() -> None:
    p = masked("他说ChatGPT和Claude都好")
    english, lost = restore("He said KX1X is good.", p)  # type: ignore[arg-type]
    assert english == "He said ChatGPT is good." and lost == ("Claude",)


def test_invented_and_repeated_tokens_are_dropped() -> None:
    p = masked("他说ChatGPT好")
    english, lost = restore("He said KX1X, KX1X and KX7X are good.", p)  # type: ignore[arg-type]
    assert english == "He said ChatGPT, and are good." and lost == ()


def test_paired_markup_hugs_the_translated_text() -> None:
    p = masked("**重要**的是[卡内基基金会](https://carnegie.org)")
    english, lost = restore(  # type: ignore[arg-type]
        "KX1X Important KX2X is the KX3X Carnegie Foundation KX4X", p
    )
    assert english == "**Important** is the [Carnegie Foundation](https://carnegie.org)"
    assert lost == ()


def test_paired_markup_out_of_order_is_dropped_and_lost() -> None:
    p = masked("**重要**的事")
    english, lost = restore("KX2X important KX1X thing", p)  # type: ignore[arg-type]
    assert english == "important thing" and lost == ("**…**",)


def test_lower_case_name_opening_the_sentence_is_capitalized() -> None:
    p = masked("the Pentagon发出警告")
    assert restore("KX1X warned.", p)[0] == "The Pentagon warned."  # type: ignore[arg-type]
    p = masked("iPhone发布")
    assert restore("KX1X released.", p)[0] == "iPhone released."  # type: ignore[arg-type]


def test_unmasked_shape_checks_the_plain_output() -> None:
    text = "他说ChatGPT和Claude都好"
    p = protect(text, find_spans(text), None)
    assert p.masked == text
    assert restore("He said ChatGPT and Cloud are good.", p) == (
        "He said ChatGPT and Cloud are good.", ("Claude",),
    )  # fmt: skip
    assert missing("ChatGPT, Claude", p) == ()


def test_unmasked_text_writes_a_glossed_name_as_its_english() -> None:
    text = "会长韩儒伯(Rupert Hammond-Chambers)用ChatGPT"
    close = text.index(")") + 1
    spans = [Span(2, close, "gloss", text="Rupert Hammond-Chambers"), *find_spans(text)[1:]]
    assert protect(text, spans, None).masked == "会长Rupert Hammond-Chambers用ChatGPT"
    assert protect(text, spans, "KX").masked == "会长KX1X用KX2X"

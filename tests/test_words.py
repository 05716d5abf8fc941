"""Word boundaries from the real segmenter."""

from itertools import pairwise

from pipeline.words import boundaries, cuts_a_word, tagged_words, word_spans


def test_spans_tile_the_text() -> None:
    text = "外交部长王毅说ICBM和𠀀字"
    spans = word_spans(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in pairwise(spans))
    assert (0, 4) in spans  # 外交部长 is one word


def test_a_match_inside_a_longer_word_cuts_it() -> None:
    text = "外交部长王毅与国防部发言人会面"
    assert cuts_a_word(text, 0, 3)  # 外交部 inside 外交部长
    assert not cuts_a_word(text, 7, 10)  # 国防部 stands alone
    assert {0, len(text)} <= boundaries(text)


def test_empty_text_has_only_its_edge() -> None:
    assert word_spans("") == [] and boundaries("") == frozenset({0})


def test_tagged_words_give_parts_of_speech_and_offsets() -> None:
    words = tagged_words("美国联邦众议院议长裴洛西说")
    assert [w for w, _, _ in words][-2:] == ["裴洛西", "说"]
    assert dict((w, t) for w, t, _ in words)["裴洛西"].startswith("nr")  # a person's name
    assert [s for _, _, s in words] == [0, 4, 7, 9, 12]

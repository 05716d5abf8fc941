"""Judging candidate sentences, the plain sentence kept beside a changed one, the counts."""

from __future__ import annotations

from enforce.test_passes import GLOSSARY, FakeEngine, scripted, seg

from pipeline.document import Segment
from pipeline.enforce.passes import enforce_and_translate
from pipeline.settings import EnforceSettings
from pipeline.stats import TermStats

SOURCE = "五角大楼昨天在华盛顿发出了警告。"
PLAIN = "Wujiao issued a warning in Washington yesterday."
XT = "XT1X昨天在华盛顿发出了警告。"


def likely_unless(*unlikely: str):  # type: ignore[no-untyped-def]
    """A word scorer that finds the given words very unlikely and everything else likely."""

    def score(sources: list[str], targets: list[str]) -> list[list[tuple[float, int]]]:
        return [
            [(-9.0 if w.strip(".,") in unlikely else -0.2, 1) for w in t.split()] + [(-0.1, 1)]
            for t in targets
        ]

    return score


def run(
    outputs: dict[str, str], segment: Segment, unlikely: tuple[str, ...] = (), **kw: object
) -> TermStats:
    engine = FakeEngine(scripted(outputs, lambda p: f"{p} warned."))
    settings = EnforceSettings(**kw)  # type: ignore[arg-type]
    scorer = likely_unless(*unlikely)
    _, terms = enforce_and_translate([segment], engine, GLOSSARY, settings, word_scorer=scorer)
    return terms


def test_a_likely_placeholder_sentence_is_kept_and_the_plain_one_recorded() -> None:
    segment = seg(SOURCE)
    terms = run({SOURCE: PLAIN, XT: "XT1X issued a warning in Washington yesterday."}, segment)
    assert segment.en == "The Pentagon issued a warning in Washington yesterday."
    assert segment.plain == PLAIN and segment.flags == []
    assert (terms.clean, terms.fallback, terms.unsafe, terms.missed) == (1, 0, 0, 0)


def test_an_unlikely_sentence_is_rejected_and_the_next_strategy_tried() -> None:
    segment = seg(SOURCE)
    outputs = {
        SOURCE: PLAIN,
        XT: "Yesterday XT1X said it did not warn Washington.",
        "ZX1昨天在华盛顿发出了警告。": "ZX1 issued a warning in Washington yesterday.",
    }
    terms = run(outputs, segment, unlikely=("did",))
    assert segment.en == "The Pentagon issued a warning in Washington yesterday."
    assert segment.flags == ["term-fallback:placeholder-alt"]
    assert terms.rejections == {"score": 1} and terms.fallback == 1


def test_a_candidate_that_loses_a_number_is_rejected() -> None:
    source = "五角大楼说有3枚导弹。"
    segment = seg(source)
    outputs = {
        source: "Wujiao said there were 3 missiles.",
        "XT1X说有3枚XT2X。": "XT1X said there were XT2Xs.",
        "ZX1说有3枚ZX2。": "ZX1 said there were 3 ZX2s.",
    }
    terms = run(outputs, segment)
    assert segment.en == "The Pentagon said there were 3 missiles."
    assert terms.rejections == {"number": 1}


def test_when_nothing_is_safe_the_plain_sentence_is_kept_and_flagged_unsafe() -> None:
    segment = seg(SOURCE)
    bad = "Yesterday XT1X said that it really did not warn anyone in Washington."
    outputs = {SOURCE: PLAIN, XT: bad, "ZX1昨天在华盛顿发出了警告。": bad.replace("XT1X", "ZX1")}
    outputs["the Pentagon昨天在华盛顿发出了警告。"] = (
        "Yesterday the Pentagon said that it really did not warn anyone in Washington."
    )
    terms = run(outputs, segment, unlikely=("did",))
    assert segment.en == PLAIN and segment.plain == ""
    assert segment.terms_missed == ["pentagon"] and "term-unsafe" in segment.flags
    assert (terms.applied, terms.unsafe, terms.missed) == (0, 1, 0)
    assert terms.outcomes["unsafe"] == 1


def test_the_plain_sentence_with_the_term_put_in_is_the_last_resort() -> None:
    source = "国防部长说北约昨天发出了警告。"
    segment = seg(source)
    plain = "The Defence Minister said that the Northern Treaty had issued a warning yesterday."
    bad = "The Defence Minister said that XT1X had issued a warning yesterday, did it."
    outputs = {source: plain, "国防部长说XT1X昨天发出了警告。": bad}
    outputs["国防部长说ZX1昨天发出了警告。"] = bad.replace("XT1X", "ZX1")
    outputs["国防部长说North Atlantic Treaty Organization昨天发出了警告。"] = "It did warn."
    terms = run(outputs, segment, unlikely=("did",), strategies=(
        "plain", "placeholder", "placeholder-alt", "inline", "insert"))  # fmt: skip
    assert segment.en == (
        "The Defence Minister said that the North Atlantic Treaty Organization (NATO) had issued "
        "a warning yesterday."
    )
    assert segment.flags == ["term-fallback:insert"] and segment.plain == plain
    assert terms.outcomes["insert"] == 1


def test_a_title_does_not_use_up_the_first_mention() -> None:
    title, body = seg("洲际弹道导弹", n=0), seg("洲际弹道导弹很多。", n=1)
    outputs = {"XT1X": "XT1X", "XT1X很多。": "There are many XT1Xs."}
    engine = FakeEngine(scripted(outputs))
    enforce_and_translate([title, body], engine, GLOSSARY, EnforceSettings(), titles={title.id})
    assert title.en == "Intercontinental ballistic missile"
    assert body.en == "There are many intercontinental ballistic missiles (ICBMs)."

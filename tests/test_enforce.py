"""Glossary enforcement: every fallback path with a scripted fake engine, the restoration grammar
as case tables, term styles and per-document first mentions, then the real model on sentences
and on the shared sample documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline.document import Segment
from pipeline.enforce.draft import (
    inline_source,
    masked_source,
    placeholder_draft,
    plain_draft,
    plan_slots,
    render,
)
from pipeline.enforce.english import (
    Edit,
    apply_edits,
    find_placeholders,
    indefinite_article,
    pluralize,
    takes_article,
    term_success,
)
from pipeline.enforce.passes import enforce_and_translate
from pipeline.enforce.prefix import insert_at, insertion_points
from pipeline.errors import PipelineError
from pipeline.glossary.collection import Glossary
from pipeline.glossary.terms import make_term
from pipeline.glossary.tsv import load_glossaries
from pipeline.packages.install import PackageInfo
from pipeline.settings import EnforceSettings, Settings, TranslateSettings
from pipeline.stats import TermStats, TranslateStats
from pipeline.store.cache import TranslationCache
from pipeline.translate import target_pieces

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

GLOSSARY = Glossary(
    (
        make_term("icbm", "洲际弹道导弹", "intercontinental ballistic missile", "ICBM"),
        make_term("slbm", "潜射弹道导弹", "submarine-launched ballistic missile", "SLBM"),
        make_term("missile", "导弹", "missile"),
        make_term("pentagon", "五角大楼", "the Pentagon", accept="Pentagon"),
        make_term("state-dept", "美国国务院", "U.S. State Department", accept="State Department"),
        make_term(
            "bmlna", "弹道导弹发射通知协议", "Ballistic Missile Launch Notification Agreement"
        ),
        make_term("hcoc", "海牙行为准则", "Hague Code of Conduct", "HCOC", accept="HCoC"),
        make_term("mou", "谅解备忘录", "memorandum of understanding", "MOU"),
        make_term("df-31", "东风-31", "DF-31"),
        make_term("secstate", "国务卿", "Secretary of State"),
        make_term("hao-ren", "郝仁", "Hao Ren"),
        make_term("nato", "北约", "North Atlantic Treaty Organization", "NATO"),
        make_term("iaea", "国际原子能机构", "International Atomic Energy Agency", "IAEA"),
        make_term("new-start", "新START", "New START Treaty", "New START"),
        make_term("cbm", "建立信任措施", "confidence-building measures", "CBM"),
        make_term("draft", "草案", "draft", status="proposed"),
    )
)
Rule = Callable[[str, str | None], str]


@dataclass
class FakeEngine:
    """:class:`pipeline.translate.TextEngine` whose output is scripted by ``rule(text, prefix)``."""

    rule: Rule
    batch_tokens: int = 10_000
    cache_namespace: str = "fake"
    calls: list[tuple[str, str | None]] = field(default_factory=list)

    def count_tokens(self, text: str) -> int:
        return len(text)

    def translate(
        self, texts: list[str], target_prefixes: list[str | None] | None = None
    ) -> list[str]:
        prefixes = target_prefixes or [None] * len(texts)
        self.calls += list(zip(texts, prefixes, strict=True))
        return [self.rule(t, p) for t, p in zip(texts, prefixes, strict=True)]


def scripted(outputs: dict[str, str], prefixed: Callable[[str], str] | None = None) -> Rule:
    """Exact source → output; prefix calls go to ``prefixed(prefix)`` (or are ignored)."""

    def rule(text: str, prefix: str | None) -> str:
        if prefix is not None and prefixed is not None:
            return prefixed(prefix)
        return outputs.get(text, "Something else.")

    return rule


def seg(text: str, doc: str = "d", n: int = 0) -> Segment:
    return Segment(f"{doc}:0:{n}", doc, 0, n, 0, len(text), text, text)


def run(
    segments: list[Segment], rule: Rule, style: str = "first", **kw: object
) -> tuple[FakeEngine, TranslateStats, TermStats]:
    engine = FakeEngine(rule)
    settings = EnforceSettings(term_style=style, **kw)  # type: ignore[arg-type]
    translated, terms = enforce_and_translate(segments, engine, GLOSSARY, settings)
    return engine, translated, terms


# ---------------------------------------------------------------- fallback paths

PENTAGON = "五角大楼发出警告。"
XT, ZX, INLINE = "XT1X发出警告。", "ZX1发出警告。", "the Pentagon发出警告。"
WRONG = {PENTAGON: "Wujiao warned.", XT: "It warned.", ZX: "It warned.", INLINE: "It warned."}


@pytest.mark.parametrize(
    ("outputs", "prefixed", "en", "strategy", "flags"),
    [
        ({PENTAGON: "The Pentagon issued a warning."}, None, "The Pentagon issued a warning.",
         "plain", []),
        ({PENTAGON: "Wujiao issued a warning.", XT: "XT1X issued a warning."}, None,
         "The Pentagon issued a warning.", "placeholder", []),
        ({**WRONG, ZX: "ZX1 warned."},
         None, "The Pentagon warned.", "placeholder-alt", ["term-fallback:placeholder-alt"]),
        ({**WRONG, INLINE: "The Pentagon warned."}, None, "The Pentagon warned.", "inline",
         ["term-fallback:inline"]),
        (WRONG, lambda p: f"{p} warned.", "The Pentagon warned.", "prefix",
         ["term-fallback:prefix"]),
        (WRONG, lambda p: "It warned.", "Wujiao warned.", "missed", ["term-missed"]),
    ],
)  # fmt: skip
def test_fallback_paths(
    outputs: dict[str, str],
    prefixed: Callable[[str], str] | None,
    en: str,
    strategy: str,
    flags: list[str],
) -> None:
    segment = seg(PENTAGON)
    _, _, terms = run([segment], scripted(outputs, prefixed))
    assert segment.en == en
    assert segment.flags == flags
    missed = strategy == "missed"
    assert segment.terms_applied == ([] if missed else ["pentagon"])
    assert segment.terms_missed == (["pentagon"] if missed else [])
    assert terms.outcomes[strategy] == 1  # type: ignore[index]
    assert (terms.found, terms.applied, terms.missed) == (1, 0 if missed else 1, missed)


def test_strategies_run_in_order_only_on_segments_that_still_miss_terms() -> None:
    done, todo, plain = (
        seg("五角大楼发出警告。", n=0),
        seg("郝仁发出警告。", n=1),
        seg("天气很好。", n=2),
    )
    outputs = {
        done.source: "The Pentagon issued a warning.",
        todo.source: "Hao-in issued a warning.",
        "XT1X发出警告。": "XT1X issued a warning.",
        plain.source: "The weather is fine.",
    }
    engine, stats, _ = run([done, todo, plain], scripted(outputs))
    sources = [c[0] for c in engine.calls]
    assert sorted(sources[:3]) == sorted([done.source, todo.source, plain.source])
    assert sources[3:] == ["XT1X发出警告。"]
    assert todo.en == "Hao Ren issued a warning."
    assert (plain.en, plain.terms_applied, plain.flags) == ("The weather is fine.", [], [])
    assert stats.segments == 3 and stats.translated == 3


def test_a_forced_prefix_that_failed_is_not_decoded_again() -> None:
    engine, _, terms = run(
        [seg(PENTAGON)], scripted(WRONG, lambda p: "It warned."), prefix_rounds=3
    )
    assert [prefix for _, prefix in engine.calls] == [None, None, None, None, "XT1X"]
    assert terms.extra_decodes == 4


def test_prefix_pass_keeps_the_most_likely_of_the_best_insertion_points() -> None:
    segment = seg(PENTAGON)
    outputs = {PENTAGON: "Wujiao says that it warned.", XT: "Says that it warned."}
    outputs[ZX] = outputs[INLINE] = "Says that it warned."

    def scorer(sources: list[str], targets: list[str]) -> list[float]:
        return [1.0 if "that XT1X" in t else 0.0 for t in targets]

    engine = FakeEngine(scripted(outputs, lambda p: f"{p} warned."))
    enforce_and_translate([segment], engine, GLOSSARY, EnforceSettings(), scorer=scorer)
    forced = [prefix for _, prefix in engine.calls if prefix is not None]
    assert len(forced) == 3 and "Says that XT1X" in forced
    assert segment.en == "Says that the Pentagon warned."


def test_disabled_enforcement_translates_plainly_and_still_reports_terms() -> None:
    ok, bad = seg("五角大楼发出警告。", n=0), seg("郝仁发出警告。", n=1)
    outputs = {ok.source: "The Pentagon warned.", bad.source: "Hao-in warned."}
    engine, _, terms = run([ok, bad], scripted(outputs), enabled=False)
    assert len(engine.calls) == 2
    assert (ok.en, ok.terms_applied, ok.flags) == ("The Pentagon warned.", ["pentagon"], [])
    assert (bad.en, bad.terms_missed, bad.flags) == ("Hao-in warned.", ["hao-ren"], ["term-missed"])
    assert terms.enforced is False


def test_placeholder_first_strategy_skips_the_plain_pass_for_term_segments() -> None:
    segment = seg("郝仁发出警告。")
    engine, _, _ = run([segment], scripted({"XT1X发出警告。": "XT1X warned."}),
                    strategies=("placeholder",))  # fmt: skip
    assert [c[0] for c in engine.calls] == ["XT1X发出警告。"]
    assert segment.en == "Hao Ren warned." and segment.status == "translated"


def test_cache_serves_every_pass_on_a_rerun(tmp_path: Path) -> None:
    outputs = {
        PENTAGON: "Wujiao warned.",
        "XT1X发出警告。": "It warned.",
        "ZX1发出警告。": "It warned.",
    }
    rule = scripted(outputs, lambda p: f"{p} warned.")
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        first = FakeEngine(rule)
        enforce_and_translate([seg(PENTAGON)], first, GLOSSARY, EnforceSettings(), cache)
        again = FakeEngine(rule)
        segment = seg(PENTAGON)
        enforce_and_translate([segment], again, GLOSSARY, EnforceSettings(), cache)
    assert len(first.calls) == 5 and again.calls == []
    assert segment.en == "The Pentagon warned." and segment.status == "cached"


def test_text_that_is_not_translated_is_not_touched() -> None:
    segment = seg("ICBM test, 2023")
    engine, _, terms = run([segment], scripted({}))
    assert (segment.en, segment.status, segment.terms_applied) == ("ICBM test, 2023", "skipped", [])
    assert engine.calls == [] and terms.found == 0


def test_proposed_terms_are_not_enforced() -> None:
    segment = seg("草案发出警告。")
    engine, _, terms = run([segment], scripted({segment.source: "A plan warned."}))
    assert segment.en == "A plan warned." and len(engine.calls) == 1
    assert terms.found == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"term_style": "short"}, "unknown term style"),
        ({"strategies": ("magic",)}, "strategy"),
        ({"strategies": ()}, "need plain or placeholder"),
        ({"strategies": ("plain", "prefix")}, "prefix needs a placeholder"),
    ],
)
def test_settings_are_validated(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(PipelineError, match=message):
        EnforceSettings(**kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------- masking


@pytest.mark.parametrize(
    ("source", "masked"),
    [
        ("洲际弹道导弹（ICBM）很危险。", "XT1X很危险。"),
        ("洲际弹道导弹 (intercontinental ballistic missile)很危险。", "XT1X很危险。"),
        ("“弹道导弹发射通知协议”（Ballistic Missile Launch Notification Agreement）", "“XT1X”"),
        ("签署了MOU(谅解备忘录）", "签署了XT1X"),
        ("导弹（东风）", "XT1X（东风）"),
        ("发展ICBM和SLBM", "发展XT1X和XT2X"),
        ("部署ICBMs和", "部署XT1X和"),
        ("ABC洲际弹道导弹", "ABC XT1X"),
        ("国务卿蓬佩奥说", "XT1X蓬佩奥说"),
        ("2019北约峰会", "2019 XT1X峰会"),
        ("东风-31导弹", "XT1X"),
        ("五角大楼郝仁", "XT1X"),
    ],
)
def test_masked_source(source: str, masked: str) -> None:
    assert masked_source(source, plan_slots(source, GLOSSARY), "XT") == masked


@pytest.mark.parametrize(
    ("source", "inline"),
    [
        ("国务卿蓬佩奥说", "Secretary of State蓬佩奥说"),
        ("东风-31导弹", "DF-31 missile"),
        ("洲际弹道导弹（ICBM）和ABC", "intercontinental ballistic missile和ABC"),
    ],
)
def test_inline_source(source: str, inline: str) -> None:
    assert inline_source(source, plan_slots(source, GLOSSARY)) == inline


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


# ---------------------------------------------------------------- restoration grammar


@pytest.mark.parametrize(
    ("source", "decoded", "style", "expected"),
    [
        ("洲际弹道导弹（ICBM）很危险。", "XT1X is dangerous.", "first",
         "Intercontinental ballistic missile (ICBM) is dangerous."),
        ("中国有洲际弹道导弹和潜射弹道导弹。", "China has XT1Xs and XT2Xs.", "first",
         "China has intercontinental ballistic missiles (ICBMs) and submarine-launched ballistic "
         "missiles (SLBMs)."),
        ("试射洲际弹道导弹", "China tested a XT1X.", "first",
         "China tested an intercontinental ballistic missile (ICBM)."),
        ("试射洲际弹道导弹", "China tested a XT1X.", "abbr", "China tested an ICBM."),
        ("试射潜射弹道导弹", "China tested an XT1X.", "full",
         "China tested a submarine-launched ballistic missile."),
        ("试射潜射弹道导弹", "China tested a XT1X.", "abbr", "China tested an SLBM."),
        ("两枚洲际弹道导弹", "two XT1X", "full", "two intercontinental ballistic missiles"),
        ("五角大楼说", "The XT1X said.", "first", "The Pentagon said."),
        ("五角大楼说", "XT1X said.", "first", "The Pentagon said."),
        ("五角大楼说", "He said. XT1X agreed.", "first", "He said. The Pentagon agreed."),
        ("五角大楼说", "China's XT1X said.", "first", "China's Pentagon said."),
        ("美国国务院说", "The XT1X said.", "first", "The U.S. State Department said."),
        ("美国国务院官员", "a senior XT1X official", "first",
         "a senior U.S. State Department official"),
        ("五角大楼官员", "a senior XT1X official", "first", "a senior Pentagon official"),
        ("五角大楼说", "He says that XT1X agreed.", "first", "He says that the Pentagon agreed."),
        ("美国国务院说", "Officials of XT1X said.", "first",
         "Officials of the U.S. State Department said."),
        ("签署弹道导弹发射通知协议", "USA signed XT1X in 1988.", "first",
         "USA signed the Ballistic Missile Launch Notification Agreement in 1988."),
        ("北约", "XT1X leaders met.", "first",
         "The North Atlantic Treaty Organization (NATO) leaders met."),
        ("北约", "XT1X leaders met.", "abbr", "NATO leaders met."),
        ("国际原子能机构", "Inspectors of XT1X came.", "abbr", "Inspectors of the IAEA came."),
        ("谅解备忘录", "They signed several XT1X.", "full",
         "They signed several memoranda of understanding."),
        ("海牙行为准则", "Members of XT1X (XT1X)", "first",
         "Members of the Hague Code of Conduct (HCOC)"),
        ("“弹道导弹发射通知协议”（Ballistic Missile Launch Notification Agreement）",
         'They signed "XT1X" (XT1X).', "first",
         'They signed "Ballistic Missile Launch Notification Agreement".'),
        ("海牙行为准则和海牙行为准则", "XT1X and XT2X", "first",
         "The Hague Code of Conduct (HCOC) and HCOC"),
        ("洲际弹道导弹", "(XT1X), XT1X's range", "abbr", "(ICBM), ICBM's range"),
        ("国务卿蓬佩奥说", "XT1XPompeo said.", "first", "Secretary of State Pompeo said."),
        ("东风-31导弹", "12 XT1X were shown.", "first", "12 DF-31 missiles were shown."),
        ("新START", "XT1X expires.", "first", "The New START Treaty expires."),
        ("新START", "XT1X expires.", "abbr", "New START expires."),
        ("建立信任措施", "They agreed on XT1X.", "first",
         "They agreed on confidence-building measures (CBMs)."),
        ("郝仁", "“XT1X is here.”", "first", "“Hao Ren is here.”"),
        ("郝仁", "XT1X met XT7X.", "first", "Hao Ren met."),
    ],
)  # fmt: skip
def test_render_placeholder_output(source: str, decoded: str, style: str, expected: str) -> None:
    slots = plan_slots(source, GLOSSARY)
    draft = placeholder_draft(decoded, slots, "XT", "placeholder")
    assert render(source, slots, draft, style, set()) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "english", "style", "expected"),
    [
        ("洲际弹道导弹", "China has ICBMs.", "first",
         "China has intercontinental ballistic missiles (ICBMs)."),
        ("洲际弹道导弹", "China has intercontinental ballistic missiles.", "first",
         "China has intercontinental ballistic missiles (ICBMs)."),
        ("洲际弹道导弹", "China has intercontinental ballistic missiles (ICBMs).", "first",
         "China has intercontinental ballistic missiles (ICBMs)."),
        ("洲际弹道导弹", "China has intercontinental ballistic missiles.", "abbr",
         "China has ICBMs."),
        ("洲际弹道导弹", "China has ICBMs.", "full",
         "China has intercontinental ballistic missiles."),
        ("美国国务院", "The State Department said.", "first", "The State Department said."),
        ("北约", "NATO met.", "first", "The North Atlantic Treaty Organization (NATO) met."),
        ("潜射弹道导弹（SLBM）", "The Submarine Missile (SLBM) flew.", "first",
         "The submarine-launched ballistic missile (SLBM) flew."),
        ("潜射弹道导弹（SLBM）", "such as the Submarine Ballistic Missile (SLBM).", "first",
         "such as the submarine-launched ballistic missile (SLBM)."),
        ("洲际弹道导弹（ICBM）", "such as the Intercontinental Ballistic Missile (ICBM).", "first",
         "such as the intercontinental ballistic missile (ICBM)."),
        ("五角大楼", "The Pentagon said.", "first", "The Pentagon said."),
        ("海牙行为准则", "HCoC members met.", "first",
         "The Hague Code of Conduct (HCOC) members met."),
    ],
)  # fmt: skip
def test_render_rewrites_the_models_own_rendering(
    source: str, english: str, style: str, expected: str
) -> None:
    slots = plan_slots(source, GLOSSARY)
    draft = plain_draft(english, slots)
    assert draft.covered == {0}
    assert render(source, slots, draft, style, set()) == expected  # type: ignore[arg-type]


def test_the_sources_own_english_is_left_as_written() -> None:
    source = '"Hague Code of Conduct"（HCOC）'
    slots = plan_slots(source, GLOSSARY)
    english = '"Hague Code of Conduct" (HCOC)'
    assert render(source, slots, plain_draft(english, slots), "abbr", set()) == english


def test_a_gloss_translated_and_copied_is_not_taken_from_the_plain_output() -> None:
    source = "“弹道导弹发射通知协议”（Ballistic Missile Launch Notification Agreement）"
    english = (
        '"Ballistic Missile Launch Notification Agreement" (Ballistic Missile Launch '
        "Notification Agreement)"
    )
    assert plain_draft(english, plan_slots(source, GLOSSARY)).covered == set()


def test_first_mention_is_per_document_and_in_document_order() -> None:
    segments = [seg("洲际弹道导弹很多。", "a", 0), seg("洲际弹道导弹很多。", "a", 1)]
    segments.append(seg("洲际弹道导弹很多。", "b", 0))
    run(segments, scripted({"XT1X很多。": "There are many XT1Xs."}))
    assert [s.en for s in segments] == [
        "There are many intercontinental ballistic missiles (ICBMs).",
        "There are many ICBMs.",
        "There are many intercontinental ballistic missiles (ICBMs).",
    ]


def test_english_already_in_the_source_counts_as_the_first_mention() -> None:
    source = '"Hague Code of Conduct"（HCOC）和海牙行为准则'
    slots = plan_slots(source, GLOSSARY)
    draft = placeholder_draft('"Hague Code of Conduct" (XT1X) and XT2X', slots, "XT", "x")
    assert render(source, slots, draft, "first", set()) == '"Hague Code of Conduct" (HCOC) and HCOC'


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


def test_insertion_points_skip_placeholders_and_precede_final_punctuation() -> None:
    text = "XT1X says that it grew."
    points = insertion_points(text, [(0, 4)])
    assert points == [0, 5, 10, 15, 18, 22]
    assert insert_at(text, 22, "XT2X") == "XT1X says that it grew XT2X."
    assert insert_at(text, 0, "XT2X") == "XT2X XT1X says that it grew."


def test_target_pieces_prefer_the_longest_vocabulary_pieces() -> None:
    vocab = frozenset({"▁China", "▁Ch", "ina", "▁X", "T", "1", "X", "'", "s"})
    assert target_pieces("China's XT1X", vocab) == ["▁China", "'", "s", "▁X", "T", "1", "X"]
    assert target_pieces("Q", vocab) == ["▁", "Q"]  # both out of vocabulary: <unk> to the model


# ---------------------------------------------------------------- the real model


@pytest.fixture(scope="module")
def real_engine(real_package: PackageInfo):  # type: ignore[no-untyped-def]
    from pipeline.translate import load_engine

    return load_engine(real_package, TranslateSettings(beam=2, threads=2))


@pytest.fixture(scope="module")
def real_glossary() -> Glossary:
    paths = [REPO / "glossaries/arms-control.tsv", REPO / "tests/data/glossary/names.tsv"]
    return load_glossaries(paths, Settings().normalize)


REAL_CASES = [
    ("郝仁昨天在北京会见了艾克顿。", ["Hao Ren", "Beijing", "James Acton"]),
    ("五角大厦警告中国已发展ICBM和SLBM。",
     ["The Pentagon", "intercontinental ballistic missile", "(ICBM",
      "submarine-launched ballistic missile", "(SLBM"]),
    ("美国和俄罗斯签有“弹道导弹发射通知协议”（Ballistic Missile Launch Notification Agreement）。",
     ["Ballistic Missile Launch Notification Agreement"]),
    ("HCOC的成员自愿承诺提供有关弹道导弹的通知。", ["Hague Code of Conduct against Ballistic "
                                              "Missile Proliferation (HCOC)", "ballistic missile"]),
    ("国会授权通过NEW START。", ["New START Treaty"]),
]  # fmt: skip


@pytest.mark.model
def test_real_model_renders_terms_as_the_glossary_says(real_engine, real_glossary) -> None:  # type: ignore[no-untyped-def]
    segments = [seg(zh, f"doc{i}") for i, (zh, _) in enumerate(REAL_CASES)]
    _, terms = enforce_and_translate(segments, real_engine, real_glossary, EnforceSettings())
    for segment, (_, wanted) in zip(segments, REAL_CASES, strict=True):
        assert segment.terms_missed == [], segment.en
        for text in wanted:
            assert text.lower() in segment.en.lower(), segment.en
        assert not re.search(r"XT\d+X|ZX\d+", segment.en)
    assert terms.missed == 0


@pytest.mark.model
def test_real_samples_render_every_treaty_and_missile_term(real_engine, real_glossary) -> None:  # type: ignore[no-untyped-def]
    samples = SHARED / "samples"
    if not samples.is_dir():
        pytest.skip(f"samples not available at {samples}")
    from pipeline.run import prepare

    prepared = prepare([str(p) for p in sorted(samples.glob("*-export.*"))], Settings())
    assert len(prepared.docs) == 2 and not prepared.failures
    wanted = {"icbm", "slbm", "hcoc", "new-start"}
    approved = real_glossary.approved()
    segments = [
        s
        for d in prepared.docs
        for s in d.segments
        if wanted & {slot.term.id for slot in plan_slots(s.normalized, approved)}
    ]
    assert len(segments) >= 10
    enforce_and_translate(segments, real_engine, real_glossary, EnforceSettings())
    for segment in segments:
        terms = [sl.term for sl in plan_slots(segment.normalized, approved)]
        mine = [t for t in terms if t.id in wanted]
        assert term_success(segment.en, mine) == (len(mine), len(mine)), segment.en
        assert not wanted & set(segment.terms_missed), segment.en

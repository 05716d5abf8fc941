"""Enforcement passes: every fallback path with a scripted engine, first mentions, a real model."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline.document import Segment
from pipeline.enforce.draft import plan_slots
from pipeline.enforce.english import term_success
from pipeline.enforce.passes import _with_own_terms, enforce_and_translate
from pipeline.errors import PipelineError
from pipeline.glossary.collection import Glossary
from pipeline.glossary.terms import make_term
from pipeline.glossary.tsv import load_glossaries
from pipeline.packages.install import PackageInfo
from pipeline.settings import STRATEGIES, EnforceSettings, Settings, TranslateSettings
from pipeline.stats import TermStats, TranslateStats
from pipeline.store.cache import TranslationCache

REPO = Path(__file__).resolve().parents[2]
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
    kw.setdefault("strategies", STRATEGIES)  # every pass, prefix included
    settings = EnforceSettings(term_style=style, **kw)  # type: ignore[arg-type]
    translated, terms = enforce_and_translate(segments, engine, GLOSSARY, settings)
    return engine, translated, terms


# ---------------------------------------------------------------- fallback paths

PENTAGON = "五角大楼发出警告。"
# The inline pass's English is a protected span: the model sees it as a span token.
XT, ZX, INLINE = "XT1X发出警告。", "ZX1发出警告。", "KX1X发出警告。"
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
        ({**WRONG, INLINE: "KX1X warned."}, None, "The Pentagon warned.", "inline",
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
    # plain, placeholder, placeholder-alt, then inline with its span retries (KX, XS, unmasked)
    assert [prefix for _, prefix in engine.calls] == [None] * 6 + ["XT1X"]
    assert terms.extra_decodes == 4


def test_prefix_pass_keeps_the_most_likely_of_the_best_insertion_points() -> None:
    segment = seg(PENTAGON)
    outputs = {PENTAGON: "Wujiao says that it warned.", XT: "Says that it warned."}
    outputs[ZX] = outputs[INLINE] = "Says that it warned."

    def scorer(sources: list[str], targets: list[str]) -> list[float]:
        return [1.0 if "that XT1X" in t else 0.0 for t in targets]

    engine = FakeEngine(scripted(outputs, lambda p: f"{p} warned."))
    settings = EnforceSettings(strategies=STRATEGIES)
    enforce_and_translate([segment], engine, GLOSSARY, settings, scorer=scorer)
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
        every = EnforceSettings(strategies=STRATEGIES)
        first = FakeEngine(rule)
        enforce_and_translate([seg(PENTAGON)], first, GLOSSARY, every, cache)
        again = FakeEngine(rule)
        segment = seg(PENTAGON)
        enforce_and_translate([segment], again, GLOSSARY, every, cache)
    assert len(first.calls) == 7 and again.calls == []  # inline: 3 span attempts
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


def test_first_mention_is_per_document_and_in_document_order() -> None:
    segments = [seg("洲际弹道导弹很多。", "a", 0), seg("洲际弹道导弹很多。", "a", 1)]
    segments.append(seg("洲际弹道导弹很多。", "b", 0))
    run(segments, scripted({"XT1X很多。": "There are many XT1Xs."}))
    assert [s.en for s in segments] == [
        "There are many intercontinental ballistic missiles (ICBMs).",
        "There are many ICBMs.",
        "There are many intercontinental ballistic missiles (ICBMs).",
    ]


# ---------------------------------------------------------------- the document's own terms

ACTON = Glossary(
    (make_term("doc:james-acton", "艾克顿", "James Acton", "Acton"),
     make_term("doc:dcs", "直接商售", "DCS"),
     make_term("doc:tts", "语音合成技术", "TTS"),
     make_term("doc:pentagon", "五角大楼", "Pentagon Building"))
)  # fmt: skip


def run_own(segments: list[Segment], outputs: dict[str, str]) -> FakeEngine:
    engine = FakeEngine(scripted(outputs))
    settings = EnforceSettings()
    enforce_and_translate(segments, engine, GLOSSARY, settings, document_terms={"d": ACTON})
    return engine


def test_document_terms_apply_in_their_document_full_first_then_the_surname() -> None:
    segments = [seg("艾克顿（James Acton）指出。", n=0), seg("艾克顿说好。", n=1)]
    segments.append(seg("艾克顿说好。", doc="other"))
    engine = run_own(segments, {"XT1X指出。": "XT1X pointed out.", "XT1X说好。": "XT1X said yes."})
    assert [s.en for s in segments[:2]] == ["James Acton pointed out.", "Acton said yes."]
    assert [s.terms_applied for s in segments[:2]] == [["doc:james-acton"]] * 2
    assert segments[2].terms_applied == []  # another document: not enforced there
    assert ("艾克顿说好。", None) in engine.calls


def test_approved_glossary_entries_win_over_document_terms() -> None:
    segment = seg("五角大楼发出警告。")
    run_own([segment], {"五角大楼发出警告。": "The Pentagon warned."})
    assert segment.en == "The Pentagon warned." and segment.terms_applied == ["pentagon"]


def test_a_bare_acronym_or_english_first_site_is_left_to_the_model() -> None:
    first = seg("直接商售(DCS)需要一年。", n=0)
    later = seg("直接商售很快。", n=1)
    english_first = seg("通过TTS（语音合成技术）回答。", n=2)
    outputs = {
        "直接商售(KX1X)需要一年。": "Direct commercial sales (KX1X) take a year.",
        "XT1X很快。": "XT1X is fast.",
        "通过KX1X（语音合成技术）回答。": "Answered by KX1X (speech synthesis).",
    }
    run_own([first, later, english_first], outputs)
    assert first.en == "Direct commercial sales (DCS) take a year." and first.terms_applied == []
    assert later.en == "DCS is fast." and later.terms_applied == ["doc:dcs"]
    assert english_first.en == "Answered by TTS (speech synthesis)."
    assert english_first.terms_applied == []


# ---------------------------------------------------------------- the real model


@pytest.fixture(scope="module")
def real_engine(real_package: PackageInfo):  # type: ignore[no-untyped-def]
    from pipeline.translate.engine import load_engine

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


def test_prefix_is_not_a_default_strategy() -> None:
    assert "prefix" not in EnforceSettings().strategies
    assert EnforceSettings().strategies[-1] == "insert"


def test_a_longer_document_term_that_spells_the_glossary_term_inside_it_wins() -> None:
    glossary = Glossary((make_term("cruise", "巡航导弹", "cruise missile"),))
    own = Glossary(
        (
            make_term("doc:glcm", "陆基巡航导弹", "ground-launched cruise missile", "GLCM"),
            make_term("doc:x", "巡航", "cruising"),
        ),
        word_checks=False,
    )
    text = "他们部署了陆基巡航导弹。"
    slots = _with_own_terms(text, plan_slots(text, glossary), own)
    assert [(s.term.id, s.start, s.end) for s in slots] == [("doc:glcm", 5, 11)]
    other = Glossary((make_term("doc:y", "陆基巡航导弹", "land missile"),), word_checks=False)
    kept = _with_own_terms(text, plan_slots(text, glossary), other)
    assert [s.term.id for s in kept] == ["cruise"]

"""The translation engine: batching, dedup, skip rules, cache, order — with a fake engine — plus
the real load → translate path on the tiny package and, when available, the real zh→en model.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from pipeline.document import Segment
from pipeline.errors import ModelError, PipelineError, TranslateError
from pipeline.packages.install import PackageInfo
from pipeline.qa import suspicion
from pipeline.settings import TranslateSettings
from pipeline.store.cache import TranslationCache
from pipeline.translate.engine import (
    detokenize,
    load_engine,
    make_batches,
    needs_translation,
    physical_cores,
    replicas,
    target_pieces,
    target_vocabulary,
)
from pipeline.translate.texts import (
    _translate,
    redecode_suspicious,
    repair_engine,
    translate_segments,
    translate_texts,
)

CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class FakeEngine:
    """Same interface as :class:`pipeline.translate.Engine`; one token per character."""

    batch_tokens: int = 8
    cache_namespace: str = "fake"
    fail_on_batch: int | None = None
    calls: list[list[str]] = field(default_factory=list)

    def count_tokens(self, text: str) -> int:
        return len(text)

    def translate(
        self, texts: list[str], target_prefixes: list[str | None] | None = None
    ) -> list[str]:
        if self.fail_on_batch is not None and len(self.calls) == self.fail_on_batch:
            raise KeyboardInterrupt
        self.calls.append(list(texts))
        return [f"EN[{t}]" for t in texts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中国试射导弹。", True),
        ("He said 你好", True),
        ("〇", True),
        ("カタカナ", True),
        ("2019", False),
        ("１２３", False),
        ("https://example.com/path?q=1", False),
        ("——。，（）【】", False),
        ("Reuters", False),
        ("   ", False),
        ("", False),
        ("α-β ±3%", False),
    ],
)
def test_needs_translation(text: str, expected: bool) -> None:
    assert needs_translation(text) is expected


@pytest.mark.parametrize(
    ("lengths", "budget", "batches"),
    [
        ([], 8, []),
        ([1, 1, 1], 8, [[0, 1, 2]]),
        ([5, 1, 3, 2], 6, [[1, 3], [2], [0]]),
        ([3, 3, 3, 3], 6, [[0, 1], [2, 3]]),
        ([20, 1], 8, [[1], [0]]),
    ],
)
def test_make_batches_sorts_by_length_and_keeps_padded_size_in_budget(
    lengths: list[int], budget: int, batches: list[list[int]]
) -> None:
    assert make_batches(lengths, budget) == batches


def test_translate_texts_dedups_skips_batches_and_restores_order() -> None:
    engine = FakeEngine(batch_tokens=8)
    texts = ["长长长长长长", "一", "2019", "一", "  一 ", "二二", "Reuters", "", "长长长长长长"]
    done: list[int] = []
    out = translate_texts(texts, engine, progress=done.append)
    assert out == [
        "EN[长长长长长长]",
        "EN[一]",
        "2019",
        "EN[一]",
        "EN[一]",
        "EN[二二]",
        "Reuters",
        "",
        "EN[长长长长长长]",
    ]
    assert engine.calls == [["一", "二二"], ["长长长长长长"]]
    assert sum(done) == len(texts)


@dataclass
class CopyingEngine(FakeEngine):
    """Writes English around what it was given: copies the tokens it keeps, drops the ones
    listed in ``drop`` (by exact token)."""

    drop: tuple[str, ...] = ()

    def translate(
        self, texts: list[str], target_prefixes: list[str | None] | None = None
    ) -> list[str]:
        self.calls.append(list(texts))
        out = []
        for text in texts:
            words = re.findall(r"(?:KX|XS)\d+X|[A-Za-z][A-Za-z0-9.-]*", text)
            out.append(" ".join(w for w in words if w not in self.drop) + " said.")
        return out


def test_spans_are_masked_and_restored_verbatim() -> None:
    engine = CopyingEngine()
    out = translate_texts(["他用ChatGPT和`main.py`说"], engine)
    assert engine.calls == [["他用KX1X和KX2X说"]]
    assert out == ["ChatGPT `main.py` said."]


def test_markup_is_masked_first_then_the_other_shape_then_unmasked() -> None:
    engine = CopyingEngine(drop=("KX2X", "XS2X"))
    outcome = _translate(["他用`a`和`b`说"], engine, None, None)
    assert engine.calls == [["他用KX1X和KX2X说"], ["他用XS1X和XS2X说"], ["他用`a`和`b`说"]]
    assert outcome.texts == ["`a` said."] and outcome.lost == [("`b`",)]  # first of the best


def test_latin_only_text_goes_plain_first_and_is_masked_where_a_name_was_lost() -> None:
    engine = CopyingEngine(batch_tokens=100, drop=("Claude", "KX2X"))
    outcome = _translate(["他用ChatGPT和Claude说", "他用ChatGPT说"], engine, None, None)
    assert engine.calls == [
        ["他用ChatGPT说", "他用ChatGPT和Claude说"],
        ["他用KX1X和KX2X说"],
        ["他用XS1X和XS2X说"],
    ]
    assert outcome.texts == ["ChatGPT Claude said.", "ChatGPT said."]
    assert outcome.lost == [(), ()]


def test_a_span_lost_by_every_attempt_is_reported() -> None:
    engine = CopyingEngine(drop=("Claude", "KX2X", "XS2X"))
    outcome = _translate(["他用ChatGPT和Claude说"], engine, None, None)
    assert outcome.texts == ["ChatGPT said."]  # the first attempt, as good as any
    assert outcome.lost == [("Claude",)]


def test_text_with_only_spans_outside_chinese_is_not_sent() -> None:
    engine = CopyingEngine()
    texts = ["`代码` $x$", "**Note** ✔"]
    outcome = _translate(texts, engine, None, None)
    assert engine.calls == [] and outcome.texts == texts
    assert outcome.statuses == ["skipped", "skipped"]


def test_glossed_names_are_written_as_the_document_wrote_them() -> None:
    engine = CopyingEngine()
    out = translate_texts(["会长韩儒伯(Rupert Hammond-Chambers)说"], engine)
    assert engine.calls == [["会长Rupert Hammond-Chambers说"]]  # the English in the Chinese's place
    assert out == ["Rupert Hammond-Chambers said."]
    garbling = CopyingEngine(drop=("Hammond-Chambers",))
    out = translate_texts(["会长韩儒伯(Rupert Hammond-Chambers)说"], garbling)
    assert garbling.calls[1] == ["会长KX1X说"] and out == ["Rupert Hammond-Chambers said."]


def test_glossary_placeholders_pass_through_protection() -> None:
    engine = CopyingEngine()
    out = translate_texts(["XT1X和`a`说"], engine)
    assert engine.calls == [["XT1X和KX1X说"]] and out == ["XT1X `a` said."]


def test_masked_inputs_are_cached_under_what_the_model_saw(tmp_path: Path) -> None:
    with TranslationCache.in_dir(tmp_path) as cache:
        translate_texts(["他用`a`说"], CopyingEngine(), cache)
        again = CopyingEngine()
        out = translate_texts(["他用`b`说"], again, cache)  # same masked text
    assert again.calls == [] and out == ["`b` said."]


def test_second_run_is_served_from_cache(tmp_path: Path) -> None:
    texts = ["你好", "世界", "2024", "你好"]
    with TranslationCache.in_dir(tmp_path) as cache:
        first = FakeEngine()
        assert translate_texts(texts, first, cache) == ["EN[你好]", "EN[世界]", "2024", "EN[你好]"]
        second = FakeEngine()
        segments = [Segment(f"d:0:{i}", "d", 0, i, 0, len(t), t, t) for i, t in enumerate(texts)]
        stats = translate_segments(segments, second, cache)
    assert second.calls == []
    assert [s.status for s in segments] == ["cached", "cached", "skipped", "cached"]
    assert [s.en for s in segments] == ["EN[你好]", "EN[世界]", "2024", "EN[你好]"]
    assert (stats.cached, stats.skipped, stats.translated) == (3, 1, 0)


def test_cache_is_namespaced_by_engine(tmp_path: Path) -> None:
    with TranslationCache.in_dir(tmp_path) as cache:
        translate_texts(["你好"], FakeEngine(cache_namespace="beam2"), cache)
        other = FakeEngine(cache_namespace="beam4")
        translate_texts(["你好"], other, cache)
    assert other.calls == [["你好"]]


def test_interrupted_run_resumes_without_redoing_finished_batches(tmp_path: Path) -> None:
    texts = ["一", "二", "三三三三三", "四四四四四四"]
    with TranslationCache.in_dir(tmp_path) as cache:
        with pytest.raises(KeyboardInterrupt):
            translate_texts(texts, FakeEngine(batch_tokens=4, fail_on_batch=1), cache)
        resumed = FakeEngine(batch_tokens=4)
        out = translate_texts(texts, resumed, cache)
    assert out == [f"EN[{t}]" for t in texts]
    assert resumed.calls == [["三三三三三"], ["四四四四四四"]]


def test_translate_segments_statuses_and_stats() -> None:
    sources = ["中国。", "2019", "中国。"]
    segments = [Segment(f"d:0:{i}", "d", 0, i, 0, 1, s, s) for i, s in enumerate(sources)]
    segments[1].normalized = ""  # falls back to the source
    stats = translate_segments(segments, FakeEngine())
    assert [(s.en, s.status) for s in segments] == [
        ("EN[中国。]", "translated"),
        ("2019", "skipped"),
        ("EN[中国。]", "translated"),
    ]
    counts = (stats.segments, stats.translated, stats.skipped, stats.batches, stats.chars)
    assert counts == (3, 2, 1, 1, 3)


@pytest.mark.parametrize(
    ("tokens", "prefix", "text"),
    [
        (["▁China", "▁tested", "▁a", "▁missile", "."], [], "China tested a missile."),
        (["__en__", "▁Hello", "▁world"], ["__en__"], "Hello world"),
        (["▁Hello", "__en__"], ["__en__"], "Hello__en__"),
        (["▁", "Z", "i", "long", "</s>", "▁▁ok"], [], "Zilong ok"),
        (["<unk>", "▁x"], [], "x"),
        (["▁China", "▁'", "▁s", "▁people"], [], "China's people"),
        (["▁don", "▁'", "▁t"], [], "don't"),
        (["▁He", "▁said", "▁'", "▁so", "▁'"], [], "He said ' so '"),
        ([], [], ""),
    ],
)
def test_detokenize(tokens: list[str], prefix: list[str], text: str) -> None:
    assert detokenize(tokens, prefix) == text


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Beijing", ["▁Beijing"]),
        ("Beijingers said", ["▁Beijing", "e", "r", "s", "▁said"]),
        ("  test-fired ", ["▁test", "-", "fire", "d"]),
        ("Zq", ["▁", "Z", "q"]),
        ("", []),
    ],
)
def test_target_pieces_use_the_decoders_longest_pieces(text: str, pieces: list[str]) -> None:
    vocab = frozenset({"▁Beijing", "▁Bei", "▁said", "▁test", "-", "fire", "e", "r", "s", "d"})
    assert target_pieces(text, vocab) == pieces


def test_target_pieces_prefer_the_longest_vocabulary_pieces() -> None:
    vocab = frozenset({"▁China", "▁Ch", "ina", "▁X", "T", "1", "X", "'", "s"})
    assert target_pieces("China's XT1X", vocab) == ["▁China", "'", "s", "▁X", "T", "1", "X"]
    assert target_pieces("Q", vocab) == ["▁", "Q"]  # both out of vocabulary: <unk> to the model


@pytest.mark.parametrize("name", ["shared_vocabulary.json", "target_vocabulary.txt"])
def test_target_vocabulary_reads_ctranslate2_vocab_files(tmp_path: Path, name: str) -> None:
    words = ["<unk>", "▁the", "s"]
    text = json.dumps(words) if name.endswith(".json") else "\n".join(words)
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert target_vocabulary(str(tmp_path)) == frozenset(words)
    assert target_vocabulary(str(tmp_path / "absent")) == frozenset()


def test_physical_cores_is_positive() -> None:
    assert physical_cores() >= 1


TINY = TranslateSettings(beam=2, threads=1, max_decoding_length=12)


def test_tiny_package_loads_once_and_translates(tiny_package: PackageInfo, tmp_path: Path) -> None:
    engine = load_engine(tiny_package, TINY)
    assert load_engine(tiny_package, TINY).translator is engine.translator
    out = engine.translate(["中国试射导弹。", "今天天气很好", "美国"])
    assert len(out) == 3 and all(isinstance(t, str) and "▁" not in t for t in out)
    with TranslationCache.in_dir(tmp_path) as cache:
        assert translate_texts(["美国", "42", "美国"], engine, cache)[1] == "42"
        assert len(cache) == 1
    assert engine.signature()["sha256"] == tiny_package.sha256
    assert engine.device == "cpu" and engine.compute_type.startswith("int8")


def test_cache_namespace_tracks_decoding_settings(tiny_package: PackageInfo) -> None:
    beam2 = load_engine(tiny_package, TINY)
    assert beam2.cache_namespace == load_engine(tiny_package, TINY).cache_namespace
    beam4 = load_engine(tiny_package, replace(TINY, beam=4))
    longer = load_engine(tiny_package, replace(TINY, max_decoding_length=20))
    assert len({beam2.cache_namespace, beam4.cache_namespace, longer.cache_namespace}) == 3


def test_target_prefixes_start_the_output(tiny_package: PackageInfo) -> None:
    engine = load_engine(tiny_package, TINY)
    assert "".join(engine.target_pieces("The world")) == "▁The▁world"
    out = engine.translate(["中国", "美国"], [None, "The"])
    assert len(out) == 2 and out[1].startswith("The")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (replace(TINY, compute_type="float16"), "compute type 'float16' is not supported on cpu"),
        (replace(TINY, device="tpu"), "unknown device 'tpu'"),
    ],
)
def test_unusable_settings_give_clear_errors(
    tiny_package: PackageInfo, settings: TranslateSettings, message: str
) -> None:
    with pytest.raises(PipelineError, match=message) as info:
        load_engine(tiny_package, settings)
    assert info.value.file in ("--device", "--compute-type")


def test_cuda_without_gpu_is_a_clear_error(tiny_package: PackageInfo) -> None:
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("a GPU is visible")
    with pytest.raises(TranslateError, match="no CUDA GPU is visible") as info:
        load_engine(tiny_package, replace(TINY, device="cuda"))
    assert info.value.file == "--device"


def test_broken_model_bin_is_a_model_error(tmp_path: Path, tiny_package: PackageInfo) -> None:
    import shutil

    broken = tmp_path / tiny_package.name
    shutil.copytree(tiny_package.path, broken)
    (broken / "model" / "model.bin").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="cannot load the model"):
        load_engine(replace(tiny_package, path=broken), TINY)


def test_decoding_options_reach_the_signature_only_when_set(tiny_package: PackageInfo) -> None:
    assert load_engine(tiny_package, TINY).signature()["decoder"] == {
        "replace_unknowns": True, "length_penalty": 1.2, "no_repeat_ngram_size": 4,
    }  # fmt: skip
    old = replace(TINY, length_penalty=1.0, no_repeat_ngram_size=0)
    plain = load_engine(tiny_package, old).signature()["decoder"]
    assert plain == {"replace_unknowns": True, "length_penalty": 1.0}  # the namespace it had
    assert load_engine(tiny_package, TINY).translate(["中国"])


def test_suspicious_segments_are_decoded_again_and_kept_only_when_better(
    tiny_package: PackageInfo,
) -> None:
    engine = load_engine(tiny_package, replace(TINY, redecode=True))
    repair = repair_engine(engine)
    assert repair is not None and repair.settings.beam == 4
    assert repair.cache_namespace != engine.cache_namespace
    loop = "the the the the the the the the the the the the"
    segs = [
        Segment("d:0:0", "d", 0, 0, 0, 8, "中国周日试射了导弹。", "中国周日试射了导弹。", loop),
        Segment("d:0:1", "d", 0, 1, 0, 3, "经济。", "经济。", "Economy.", "translated"),
        Segment("d:0:2", "d", 0, 2, 0, 3, "有3枚。", "有3枚。", "There are some.", "cached"),
    ]
    segs[0].status = "translated"
    redecoded, kept = redecode_suspicious(segs, engine)
    assert redecoded == 2 and 0 <= kept <= 2
    assert segs[1].en == "Economy."
    for seg, before in ((segs[0], loop), (segs[2], "There are some.")):
        assert seg.en == before or suspicion(seg.normalized, seg.en) < suspicion(
            seg.normalized, before
        )
    assert redecode_suspicious(segs, load_engine(tiny_package, replace(TINY, redecode=False))) == (
        0, 0,
    )  # fmt: skip


REAL_CASES = [
    ("中国周日试射了一枚导弹。", ["China", "missile"]),
    ("美国总统在白宫发表讲话。", ["President", "White House"]),
    ("经济增长放缓。", ["economic", "growth"]),
]


@pytest.mark.model
def test_real_model_translates_key_words(real_package: PackageInfo) -> None:
    engine = load_engine(real_package, TranslateSettings(threads=2))
    out = translate_texts([zh for zh, _ in REAL_CASES] + ["https://example.com"], engine)
    for (_, words), english in zip(REAL_CASES, out, strict=False):
        assert all(w.lower() in english.lower() for w in words), english
        assert "▁" not in english and not CJK.search(english)
    assert out[-1] == "https://example.com"
    forced = engine.translate([REAL_CASES[0][0]], ["Beijing"])[0]
    assert forced.startswith("Beijing") and "missile" in forced


def test_replicas_default_to_one_per_core_with_a_thread_each() -> None:
    cores = physical_cores()
    assert replicas(TranslateSettings(), "cpu") == (cores, 1)
    assert replicas(TranslateSettings(threads=4), "cpu") == (1, 4)
    assert replicas(TranslateSettings(threads=4, workers=2), "cpu") == (2, 2)
    assert replicas(TranslateSettings(workers=3, threads=2), "cpu") == (3, 1)
    assert replicas(TranslateSettings(), "cuda")[0] == 1


def test_several_replicas_translate_exactly_as_one(tiny_package: PackageInfo) -> None:
    """Batches decoded at once by two replicas come back in order, with the same English."""
    texts = [f"中国周日试射了第{i}枚导弹。" * (1 + i % 4) for i in range(60)]
    one = load_engine(tiny_package, replace(TINY, batch_tokens=64))
    two = load_engine(tiny_package, replace(TINY, batch_tokens=64, workers=2))
    assert (one.workers, two.workers) == (1, 2)
    done: list[int] = []
    assert translate_texts(texts, two, progress=done.append) == translate_texts(texts, one)
    assert sum(done) == len(texts)

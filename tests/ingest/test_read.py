"""Ingest entry points: formats, content sniffing, stdin, discovery, bad input, real samples."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from pipeline.document import BLOCK_KINDS, DOCUMENT_FORMATS, VERBATIM_KINDS, Document
from pipeline.errors import PipelineError
from pipeline.ingest.read import (
    detect_format,
    discover,
    document_id,
    explain_bytes,
    parse_bytes,
    read_document,
)
from pipeline.settings import IngestSettings

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "samples"
CORPUS = REPO / "corpora" / "samples"
SETTINGS = IngestSettings()


def ingest(name: str) -> Document:
    return read_document(str(DATA / name), SETTINGS)


def kinds(doc: Document) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in doc.blocks]


def visible(doc: Document) -> str:
    """The text a reader sees: no images, code, link targets or emphasis markers."""
    text = "\n".join(b.text for b in doc.blocks if b.kind not in VERBATIM_KINDS)
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("**", "")


# --- each format on the repo's own fixtures ---------------------------------------------------

FORMAT_CASES = [
    (
        "feed_export.html",
        "feed-html",
        [
            ("title", "测试标题：美俄恢复导弹发射通报"),
            ("image", "![](https://feed.example.org/img.jpg)"),
            ("paragraph", "**导语段落：双方同意恢复导弹发射通报。**"),
            ("paragraph", "第一段正文，提到洲际弹道导弹（ICBM）。"),
            ("paragraph", "第二段正文，[链接文字](https://feed.example.org/x)保留。"),
        ],
    ),
    (
        "page.html",
        "html",
        [
            ("title", "军控会谈在日内瓦举行"),
            ("paragraph", "美俄两国代表周四在日内瓦举行会谈，讨论战略稳定问题。"),
            ("paragraph", "双方就**导弹发射通报**交换了意见。"),
            ("heading", "会谈要点"),
            ("list_item", "恢复数据交换"),
            ("list_item", "讨论核查安排"),
            ("quote", "“对话本身就是进展。”一名外交官说。"),
            ("image", "![会场](talks.jpg)"),
            ("caption", "日内瓦会场外景"),
        ],
    ),
    (
        "article.md",
        "markdown",
        [
            ("title", "潜射弹道导弹的发展"),
            (
                "paragraph",
                "导言段落，介绍**潜射弹道导弹**（SLBM）的基本概念，并说明其在核威慑中的作用。",
            ),
            ("heading", "主要型号"),
            ("list_item", "三叉戟二型"),
            ("list_item", "巨浪系列"),
            ("quote", "引用：“海基力量是最难被摧毁的一环。”"),
            ("image", "![潜艇示意图](https://img.example.org/sub.png)"),
            ("caption", "图一：战略核潜艇示意图"),
            (
                "paragraph",
                "正文段落提到[海牙行为准则](https://search.example.org/?q=hcoc)与*新削减战略武器条约*。",
            ),
            ("code", 'code = "不翻译的代码"'),
            ("paragraph", "English sentence one, continued on the next line."),
        ],
    ),
    (
        "omnivore.md",
        "omnivore",
        [
            ("title", "如何评价五角大楼最新报告？"),
            (
                "paragraph",
                "第一段：**报告**认为，[解放军](https://www.zhihu.com/search?q=x)的**“战略力量”**仍在扩张。",
            ),
            ("paragraph", "第二段：政【】层面的解读，参见米勒（John Miller）的评论LOL。"),
            ("image", "![](https://proxy.example/chart.jpg)"),
            ("caption", "图表说明文字"),
        ],
    ),
    (
        "plain_zh.txt",
        "text",
        [
            ("title", "导弹防御新闻"),
            ("paragraph", "第一段：美国国务院宣布新的导弹防御计划。"),
            ("paragraph", "第二段：五角大楼将在年内完成测试。"),
            ("paragraph", "第三段：分析人士表示谨慎。"),
        ],
    ),
    (
        "plain_en.txt",
        "text",
        [
            ("title", "Missile talks resume"),
            ("paragraph", "The first paragraph is wrapped over two lines."),
            ("paragraph", "The second paragraph stands alone."),
        ],
    ),
]


@pytest.mark.parametrize(
    ("name", "fmt", "expected"), FORMAT_CASES, ids=[c[0] for c in FORMAT_CASES]
)
def test_formats_extract_exactly_the_article_blocks(
    name: str, fmt: str, expected: list[tuple[str, str]]
) -> None:
    doc = ingest(name)
    assert doc.format == fmt
    assert kinds(doc) == expected
    assert [b.index for b in doc.blocks] == list(range(len(doc.blocks)))
    assert all(b.kind in BLOCK_KINDS for b in doc.blocks)


@pytest.mark.parametrize(
    ("name", "title", "url", "author", "published", "saved"),
    [
        (
            "feed_export.html",
            "测试标题：美俄恢复导弹发射通报",
            "https://feed.example.org/a/1?x=1&y=%E4%B8%AD",
            None,
            "2023-11-14T22:13:20+00:00",
            None,
        ),
        (
            "page.html",
            "军控会谈在日内瓦举行",
            "https://www.example.com/news/geneva-talks",
            "王记者",
            "2024-05-02T09:30:00+08:00",
            None,
        ),
        (
            "omnivore.md",
            "如何评价五角大楼最新报告？",
            "https://www.zhihu.com/question/1/answer/2",
            "张三",
            "2024-01-01T08:00:00",
            "2024-01-02T10:00:00",
        ),
        ("article.md", "潜射弹道导弹的发展", None, None, None, None),
        ("plain_zh.txt", "导弹防御新闻", None, None, None, None),
    ],
)
def test_metadata(
    name: str,
    title: str | None,
    url: str | None,
    author: str | None,
    published: str | None,
    saved: str | None,
) -> None:
    meta = ingest(name).meta
    assert (meta.title, meta.url, meta.author, meta.published, meta.saved) == (
        title,
        url,
        author,
        published,
        saved,
    )


def test_plain_text_title_skips_a_leading_date_line() -> None:
    doc = parse_bytes("2024-05-01\n导弹防御新闻\n第一段。\n".encode(), "n.txt", SETTINGS)
    assert kinds(doc) == [("title", "导弹防御新闻"), ("paragraph", "第一段。")]
    assert doc.meta.published == "2024-05-01"


def test_headings_carry_their_level() -> None:
    doc = ingest("article.md")
    assert [(b.kind, b.level) for b in doc.blocks if b.kind in ("title", "heading")] == [
        ("title", 1),
        ("heading", 2),
    ]


def test_explain_bytes_lists_what_was_dropped_and_why() -> None:
    doc, dropped = explain_bytes((DATA / "feed_export.html").read_bytes(), "f.html", SETTINGS)
    assert doc.format == "feed-html"
    rules = [rule for rule, _ in dropped]
    assert {"bare-date", "share-label", "feed-footer"} <= set(rules)
    assert ("feed-footer", "获取更多RSS：") in dropped


# --- format detection is by content -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "saved_as", "fmt"),
    [
        ("page.html", "page.txt", "html"),
        ("page.html", "page.md", "html"),
        ("feed_export.html", "export.txt", "feed-html"),
        ("feed_export.html", "export.md", "feed-html"),
        ("omnivore.md", "saved.txt", "omnivore"),
        ("omnivore.md", "saved.html", "omnivore"),
        ("article.md", "notes.txt", "markdown"),
        ("plain_zh.txt", "story.html", "text"),
        ("plain_en.txt", "story.md", "markdown"),
        ("plain_zh.txt", "-", "text"),
    ],
)
def test_format_is_detected_from_content(fixture: str, saved_as: str, fmt: str) -> None:
    doc = parse_bytes((DATA / fixture).read_bytes(), saved_as, SETTINGS)
    assert doc.format == fmt
    assert doc.format in DOCUMENT_FORMATS


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("<p>段落一</p><p>段落二</p>", "html"),
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("---\ntitle: 标题\n---\n正文", "markdown"),
        ("# 标题\n\n正文 [链接](http://a.b)", "markdown"),
        ("第一行\n第二行", "text"),
        ("1. 第一点\n2. 第二点", "text"),
        ("<!-- 注释 -->\n# 标题\n\n正文 [链接](http://a.b)", "markdown"),
        ("<!-- saved from url -->\n<html><body><p>x</p></body></html>", "html"),
        ("正文<p>一</p>正文<p>二</p>正文<div>三</div>", "html"),
    ],
)
def test_detect_format_table(text: str, fmt: str) -> None:
    assert detect_format(text, "doc.txt") == fmt


# --- stdin -------------------------------------------------------------------------------------


def test_stdin_bytes_are_ingested_with_stdin_id() -> None:
    data = "标题行\n美国国务院发表声明。\n五角大楼回应。\n".encode("gb18030")
    doc = read_document("-", SETTINGS, stdin=data)
    assert (doc.id, doc.path, doc.format, doc.encoding) == ("stdin", "-", "text", "gb18030")
    assert [b.text for b in doc.blocks] == ["标题行", "美国国务院发表声明。", "五角大楼回应。"]


def test_stdin_reads_sys_stdin_when_no_bytes_given(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    fake = io.TextIOWrapper(io.BytesIO("第一段。\n\n第二段。".encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake)
    doc = read_document("-", SETTINGS)
    assert [b.text for b in doc.blocks] == ["第一段。", "第二段。"]


# --- document ids --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("-", "stdin"),
        ("/x/y/Report 2024 (final).html", "report-2024-final"),
        ("知乎 回答：导弹.md", "知乎-回答-导弹"),
        ("a/b/rfi-feed-export.html", "rfi-feed-export"),
        ("../../.hidden.txt", "hidden"),
        ("!!!.txt", "document"),
        ("con.txt", "doc-con"),
    ],
)
def test_document_id_is_a_safe_slug(name: str, expected: str) -> None:
    assert document_id(name) == expected


# --- discovery ------------------------------------------------------------------------------------


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "b.txt").write_text("正文。", encoding="utf-8")
    (root / "a.md").write_text("# 标题\n\n正文。", encoding="utf-8")
    (root / "sub" / "c.html").write_text("<p>正文。</p>", encoding="utf-8")
    (root / "sub" / "deeper" / "d").write_bytes("無副檔名的正文。".encode("big5"))
    (root / "sub" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (root / "sub" / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 10)
    (root / "empty.txt").write_bytes(b"")
    (root / ".hidden.txt").write_text("隐藏", encoding="utf-8")
    (root / ".git" / "config.txt").write_text("隐藏目录", encoding="utf-8")
    (root / "data.json").write_text('{"a": 1}', encoding="utf-8")
    (root / "README.md").write_text("# readme", encoding="utf-8")
    return root


def test_discover_expands_directories_recursively_sorted(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    found = [Path(p).relative_to(root).as_posix() for p in discover([str(root)])]
    assert found == ["a.md", "b.txt", "sub/c.html", "sub/deeper/d"]


def test_discover_keeps_argument_order_stdin_and_dedupes(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    explicit = str(root / "b.txt")
    found = discover([explicit, "-", str(root / "sub"), explicit, "-"])
    assert found == [explicit, "-", str(root / "sub" / "c.html"), str(root / "sub/deeper/d")]


def test_discover_keeps_explicit_odd_files_so_reading_explains(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    png = str(root / "sub" / "photo.png")
    assert discover([png]) == [png]
    with pytest.raises(PipelineError, match="binary file"):
        read_document(png, SETTINGS)


# --- bad input ------------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


BAD_INPUT = [
    ("empty", lambda t: _write(t, "e.txt", b""), "empty"),
    ("whitespace", lambda t: _write(t, "w.txt", b" \n\t\n"), "only whitespace"),
    ("binary-png", lambda t: _write(t, "i.txt", b"\x89PNG\r\n\x1a\n" + bytes(32)), "PNG image"),
    ("binary-nul", lambda t: _write(t, "n.txt", b"abc\x00\x00\x01\x02" * 20), "binary"),
    ("undecodable", lambda t: _write(t, "u.txt", bytes(range(0x80, 0x100)) * 3), "--encoding"),
    ("chrome-only", lambda t: _write(t, "c.md", "关注者\n\n**12**\n".encode()), "no article text"),
    (
        "markup-only",
        lambda t: _write(t, "m.html", b"<html><body><nav>x</nav></body></html>"),
        "no art",
    ),
    ("missing", lambda t: str(t / "nope.txt"), "no such file"),
    ("directory", lambda t: str(t), "directory"),
]


@pytest.mark.parametrize(
    ("make", "message"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_raises_one_line_pipeline_error(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(PipelineError) as info:
        read_document(path, SETTINGS)
    err = info.value
    assert message in err.message
    assert (err.stage, err.file) == ("ingest", path)
    assert "\n" not in str(err)
    assert ";" in err.message  # problem; fix


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        (lambda t: [str(t / "missing")], "no such file or directory"),
        (lambda t: [str(t)], "no HTML, Markdown, text, feed, Word, PDF or EPUB documents"),
    ],
)
def test_discover_bad_paths(tmp_path: Path, paths, message: str) -> None:
    (tmp_path / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    with pytest.raises(PipelineError, match=message) as info:
        discover(paths(tmp_path))
    assert info.value.stage == "ingest"


def test_discover_can_collect_bad_paths_and_go_on(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    failures: list[PipelineError] = []
    found = discover([str(tmp_path / "missing.txt"), str(root / "b.txt")], failures)
    assert found == [str(root / "b.txt")]
    assert [(f.file, f.stage) for f in failures] == [(str(tmp_path / "missing.txt"), "ingest")]


def test_forced_encoding_errors_name_the_fix() -> None:
    with pytest.raises(PipelineError, match="not valid utf-8 at offset 0"):
        parse_bytes("导弹".encode("gbk"), "x.txt", IngestSettings(encoding="utf-8"))
    with pytest.raises(PipelineError, match="unknown encoding 'klingon'"):
        parse_bytes(b"abc", "x.txt", IngestSettings(encoding="klingon"))


# --- the project's sample corpus --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "must_have"),
    [
        ("launch-notification-feed.html", "feed-html", "潜射弹道导弹"),
        ("hcoc-answer-omnivore.md", "omnivore", "政【】承诺"),
        ("new-start-brief.txt", "text", "美国国务院"),
        ("taiwan-missile-defense-zh-tw.txt", "text", "軟體"),
    ],
)
def test_corpus_samples_ingest_cleanly(name: str, fmt: str, must_have: str) -> None:
    doc = read_document(str(CORPUS / name), SETTINGS)
    text = visible(doc)
    assert doc.format == fmt
    assert doc.blocks[0].kind == "title"
    assert must_have in text
    for chrome in (
        "http",
        "feedx",
        "分享",
        "同一主题",
        "关注者",
        "赞同",
        "Read Original",
        "显示全部",
    ):
        assert chrome not in text


def test_corpus_directory_discovery_skips_readme() -> None:
    names = [Path(p).name for p in discover([str(CORPUS)])]
    assert names == sorted(names) and "README.md" not in names and len(names) == 4


# --- the real documents in ../shared/samples -----------------------------------------------------


def _sample(name: str) -> Document:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return read_document(str(path), SETTINGS)


def _paragraphs(doc: Document) -> list[str]:
    return [
        re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", b.text).replace("**", "")
        for b in doc.blocks
        if b.kind in ("paragraph", "caption")
    ]


COMMON_ABSENT = ("http", "feedx", "分享", "Read Original", "关注者", "赞同", "显示全部", "**")


def test_real_rfi_feed_export() -> None:
    doc = _sample("rfi-feed-export.html")
    paragraphs = _paragraphs(doc)
    text = visible(doc)
    assert doc.format == "feed-html"
    assert doc.meta.title == "中国与美国或设导弹相互通报发射机制 中俄已有互报"
    assert doc.meta.url is not None and doc.meta.url.startswith("https://www.rfi.fr/cn/")
    assert doc.meta.url.endswith("-%E4%B8%AD%E4%BF%84%E5%B7%B2%E6%9C%89%E4%BA%92%E6%8A%A5")
    assert doc.meta.published == "2023-12-11T13:45:01+00:00"
    assert doc.blocks[0].kind == "title" and doc.blocks[0].text == doc.meta.title
    assert len(paragraphs) == 11
    assert paragraphs[0] == (
        "美国总统拜登和中国国家主席习近平上月在加州会面时，决心解决包括武器控制和防止核武器扩散等"
        "重要议题，并指示各自的高级官员采取后续行动。现在美国考虑提议和中国建立导弹发射通知机制。"
    )
    assert paragraphs[1].startswith("据中央社今天引述消息报道称")
    assert paragraphs[-1] == (
        "美国国防部10月在年度报告中表示，中国2022年可能至少兴建了300座ICBM发射井，并开始在部分"
        "发射井部署导弹。报告中同时评估中国在晋级（Jin-class）弹道导弹核潜舰部署长程的SLBM，"
        "意味着北京可以从中国外海发射导弹瞄准美国本土。"
    )
    assert "（James Acton）" in text
    for absent in (*COMMON_ABSENT, "同一主题", "五角大楼报告警告", "获取更多", "11/12/2023"):
        assert absent not in text


def test_real_zhihu_omnivore_export() -> None:
    doc = _sample("zhihu-omnivore-export.md")
    paragraphs = _paragraphs(doc)
    text = visible(doc)
    question = "美国被曝考虑与中国建立导弹发射通报机制，与中俄协定类似，对此如何评价？"
    assert doc.format == "omnivore"
    assert doc.meta.title == question
    assert doc.meta.url == "https://www.zhihu.com/question/634455639/answer/3323322228"
    assert (doc.meta.published, doc.meta.saved) == ("2023-12-12T09:16:43", "2023-12-12T09:16:43")
    assert doc.meta.author is None
    assert (doc.blocks[0].kind, doc.blocks[0].text) == ("title", question)
    assert doc.blocks[1].text != question  # the question heading repeating the title is gone
    assert len(paragraphs) == 49
    assert paragraphs[0] == (
        "在美国的现实主义外交情境下，符合美国利益的“双边导弹发射通报机制”现存的只有两个协议机制，分别是；"
    )
    assert paragraphs[-1] == (
        "其实对付这种无耻之徒也好办，既然一起消减，那最起码要有资格，我核弹头先增加到几千颗，"
        "然后咱们再愉快地搞什么消减核武谈判、什么导弹发射通报机制，好不好？"
    )
    answers = (
        "因此，我视这个新闻为美国式的Propaganda",
        "美国太怀念当年切苏联香肠",
        "老美玩这套小伎俩",
    )
    positions = [next(i for i, p in enumerate(paragraphs) if p.startswith(a)) for a in answers]
    assert positions == sorted(positions)
    assert "俄罗斯拥有1.1万枚核弹头，其中2427枚处已部署状态" in text
    for present in ("政【】", "LOL", "MOU(谅解备忘录）", "新削减战略武器条约", "（HCOC）"):
        assert present in text
    for absent in (
        *COMMON_ABSENT,
        "Omnivore",
        "Full Content",
        "date_saved",
        "已认证账号",
        "被浏览",
        "展开阅读全文",
        "编辑于",
        "发布于",
        "IP 属地",
        "沐雨栉风",
        "flyingpanzer",
        "（观察者网讯）",
        "522",
    ):
        assert absent not in text


# --- hostile and broken inputs -------------------------------------------------------------------


def test_named_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(PipelineError, match="named pipe") as info:
        read_document(str(fifo), SETTINGS)  # before the fix: blocked forever in read_bytes()
    assert "redirect" in info.value.message


def test_device_is_refused_instead_of_read_forever() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with pytest.raises(PipelineError, match="is a device"):
        read_document("/dev/zero", SETTINGS)  # before the fix: MemoryError


def test_input_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("正文。" * 1000, encoding="utf-8")
    with pytest.raises(PipelineError, match="larger than 0 MiB"):
        read_document(str(path), IngestSettings(max_bytes=1000))
    assert read_document(str(path), IngestSettings(max_bytes=10_000)).blocks


@pytest.mark.parametrize(
    "data",
    ["\u200b\u200c\u200d\ufeff" * 50, "\u2060\u00ad \n\u200b\n", "<p>\u200b</p><p>&#8203;</p>"],
    ids=["zero-width", "format-chars", "html-zero-width"],
)
def test_only_invisible_characters_is_no_text(tmp_path: Path, data: str) -> None:
    path = tmp_path / "zw.html"
    path.write_text(data, encoding="utf-8")
    with pytest.raises(PipelineError, match=r"no (article )?text"):
        read_document(str(path), SETTINGS)  # before the fix: an empty article, exit 0


def test_parser_crash_is_an_ingest_error_for_that_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(text: str) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("pipeline.ingest.read.parse_text", boom)
    with pytest.raises(PipelineError, match="RecursionError") as info:
        parse_bytes("正文。".encode(), "x.txt", SETTINGS)
    assert info.value.stage == "ingest"
    assert isinstance(info.value.__cause__, RecursionError)  # kept for zhen --debug


def test_long_chinese_file_name_gives_an_id_that_fits_file_name_limits(tmp_path: Path) -> None:
    stem = "长" * 120
    ids = {document_id(f"{stem}{tail}.txt") for tail in ("甲", "乙")}
    assert len(ids) == 2  # cut to fit, but still told apart by the hash of the whole stem
    for doc_id in ids:
        assert len(doc_id.encode()) <= 100
        assert doc_id.startswith("长" * 30)
        # the longest name the run folder derives from an id, with atomic_open's temp name
        (tmp_path / f".{doc_id}.bilingual.md.abcdefgh.tmp").write_text("ok")
    assert document_id("长" * 20 + ".txt") == "长" * 20  # short names unchanged


def test_unreadable_file_in_a_folder_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    secret = root / "b.txt"
    real_open = Path.open

    def deny(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self == secret:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    failures: list[PipelineError] = []
    found = discover([str(root)], failures)  # before the fix: b.txt skipped in silence
    assert str(secret) not in found and str(root / "a.md") in found
    assert [(f.file, f.stage) for f in failures] == [(str(secret), "ingest")]
    assert "permission denied" in failures[0].message


def test_unreadable_folder_is_reported_not_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    real_scandir = os.scandir

    def deny(path):  # type: ignore[no-untyped-def]
        if Path(path) in (root, root / "sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", deny)
    with pytest.raises(PipelineError, match="cannot list this folder") as info:
        discover([str(root)])  # before the fix: "holds no documents"
    assert info.value.file == str(root)
    monkeypatch.setattr(os, "scandir", lambda p: deny(p) if Path(p) != root else real_scandir(p))
    failures: list[PipelineError] = []
    found = discover([str(root)], failures)
    assert str(root / "a.md") in found
    assert [f.file for f in failures] == [str(root / "sub")]


def test_special_files_and_broken_links_in_a_folder_are_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    os.mkfifo(root / "pipe.txt")
    (root / "gone.md").symlink_to(tmp_path / "nowhere.md")
    failures: list[PipelineError] = []
    found = discover([str(root)], failures)
    assert [Path(p).name for p in found] == ["a.md", "b.txt", "c.html", "d"]
    messages = {Path(f.file).name: f.message for f in failures}
    assert "named pipe" in messages["pipe.txt"] and "broken symbolic link" in messages["gone.md"]


def test_stdin_is_read_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    class Endless:
        def read(self, size: int = -1) -> bytes:
            assert size > 0, "stdin must never be read without a bound"
            return "正".encode() * size

    monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"buffer": Endless()})())
    with pytest.raises(PipelineError, match="standard input is larger than"):
        read_document("-", IngestSettings(max_bytes=1000))

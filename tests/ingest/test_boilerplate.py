"""Boilerplate repeated across a run's documents goes; copies of one article count once."""

from __future__ import annotations

from pipeline.document import Block, Document, Metadata
from pipeline.ingest.boilerplate import drop_repeated

FOOTER = "請加入成為本網的月費訂戶，長期支持我們的工作。所有訂戶都可以收到每周通訊。"


def doc(doc_id: str, *texts: str) -> Document:
    blocks = [Block(0, "title", f"标题{doc_id}")]
    blocks += [Block(i + 1, "paragraph", t) for i, t in enumerate(texts)]
    return Document(doc_id, f"{doc_id}.md", "markdown", "utf-8", Metadata(), blocks)


TOPICS = ["发射通报", "核查安排", "数据交换", "热线联络", "试射窗口", "落区划定", "条约续约"]


def body(n: int) -> str:
    return f"这篇文章的正文讲述导弹{TOPICS[n % len(TOPICS)]}，内容与其他文章各不相同。"


def test_a_footer_in_three_documents_goes_from_all() -> None:
    docs = [doc(str(n), body(n), FOOTER.replace("本網", "本網")) for n in range(3)]
    dropped = drop_repeated(docs)
    assert sorted(dropped) == [0, 1, 2]
    assert all([b.text for b in d.blocks] == [f"标题{d.id}", body(int(d.id))] for d in docs)
    assert [b.index for b in docs[0].blocks] == [0, 1]
    assert dropped[0] == [("repeated-boilerplate", FOOTER)]


def test_digits_are_folded_and_a_short_line_in_two_documents_is_enough() -> None:
    docs = [doc("a", body(1), "本文由 12 位编辑审阅"), doc("b", body(2), "本文由 3 位编辑审阅")]
    assert sorted(drop_repeated(docs)) == [0, 1]


def test_prose_repeated_in_only_two_documents_stays() -> None:
    docs = [doc("a", body(1), FOOTER), doc("b", body(2), FOOTER)]
    assert drop_repeated(docs) == {}


def test_copies_of_one_article_count_once_and_keep_their_text() -> None:
    copy = [body(1), body(2), body(3)]
    docs = [doc("a", *copy), doc("b", *copy), doc("c", *copy)]
    assert drop_repeated(docs) == {}
    assert all(len(d.blocks) == 4 for d in docs)


def test_a_document_is_never_emptied() -> None:
    docs = [doc(str(n), body(n), FOOTER) for n in range(3)]
    docs.append(doc("only", FOOTER))
    dropped = drop_repeated(docs)
    assert sorted(dropped) == [0, 1, 2]
    assert [b.text for b in docs[3].blocks][1:] == [FOOTER]

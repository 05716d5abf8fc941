"""Shared by the export tests: run info, a term lookup and documents full of tricky text."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from selectolax.lexbor import LexborHTMLParser

from pipeline.document import Block, Document, Metadata, Segment
from pipeline.export.common import RunInfo

RUN = RunInfo(
    "0.1.0", "translate-zh_en-1_9", datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC), {"beam": 2}
)
LOOKUP = {
    "eu-commission": (["欧盟委员会"], "European Commission"),
    "eu": (["欧盟"], "EU"),
    "chip": (["芯片", "晶片"], "chip"),
}
INJECTED = '<script>document.title="pwned"</script>'


def make_doc(doc_id: str, pieces: list[tuple[int, str, str, str, dict]], **meta: str) -> Document:
    """A document whose blocks are tiled by ``(block, original, normalized, en, extra)`` pieces."""
    by_block: dict[int, list[tuple[str, str, str, dict]]] = {}
    for block, original, normalized, en, extra in pieces:
        by_block.setdefault(block, []).append((original, normalized, en, extra))
    blocks, segments = [], []
    kinds = ["title", "paragraph", "heading", "paragraph", "list_item"]
    for b, parts in by_block.items():
        text = "".join(p[0] for p in parts)
        blocks.append(Block(index=b, kind=kinds[b % len(kinds)], text=text))  # type: ignore[arg-type]
        pos = 0
        for i, (original, normalized, en, shared) in enumerate(parts):
            extra = {k: list(v) if isinstance(v, list) else v for k, v in shared.items()}
            status = extra.pop("status", "translated" if en else "pending")
            segments.append(
                Segment(
                    id=f"{doc_id}:{b}:{i}", doc_id=doc_id, block=b, index=i, start=pos,
                    end=pos + len(original), source=original, normalized=normalized, en=en,
                    status=status, **extra,
                )
            )  # fmt: skip
            pos += len(original)
    return Document(
        doc_id, f"in/{doc_id}.md", "markdown", "utf-8", Metadata(**meta), blocks, segments
    )


TRICKY = [
    (0, "欧盟委员会<发布>&\"声明\"'", "欧盟委员会<发布>&\"声明\"'",
     "The European Commission <issues> & \"statement\"'", {"terms_applied": ["eu-commission"]}),
    (1, "晶片\t出口增長 50%。\n", "芯片\t出口增长 50%。\n", "Chip\texports grow 50%.\n",
     {"terms_applied": ["chip"], "flags": ["length-ratio"]}),
    (1, "  前后空格  ", "  前后空格  ", "  spaces around  ", {}),
    (1, "表情😀与𠀀字", "表情😀与𠀀字", "Emoji 😀 and a rare 𠀀 character",
     {"flags": ["cjk-in-output"]}),
    (2, "欧盟", "欧盟", "", {"terms_missed": ["eu"], "flags": ["empty-output", "term-missed"]}),
    (3, "第\r二行", "第\r二行", "line\rtwo", {"status": "memory"}),
    (3, INJECTED, INJECTED, INJECTED + " translated", {}),
]  # fmt: skip


def sample_docs() -> list[Document]:
    """Two documents with every kind of tricky text, plus one without segments."""
    first = make_doc("新闻 2024/01", TRICKY, title="標題 <b>", url="https://example.org/a?x=1&y=2")
    second = make_doc(
        "plain", [(0, "一句话。", "一句话。", "One sentence.", {})], url="javascript:alert(1)"
    )
    empty = Document("empty", "in/empty.md", "markdown", "utf-8", Metadata(), [], [])
    return [first, second, empty]


def all_segments(docs: list[Document]) -> list[Segment]:
    return [s for d in docs for s in d.segments]


MARKUP_TAGS = frozenset(
    {"html", "head", "body", "p", "em", "strong", "code", "a", "img", "br", "h1", "h2", "h3"}
    | {"h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr", "table", "thead", "tbody"}
    | {"tr", "th", "td", "del", "s"}
)
"""What a renderer makes of Markdown itself; anything else came from raw HTML."""
SAFE_ATTRS = frozenset({"href", "src", "alt", "title", "start", "class", "align", "style"})


def live_markup(rendered: str) -> list[str]:
    """Tags, event handlers and script URLs in rendered HTML that Markdown did not make."""
    found = []
    tree = LexborHTMLParser(rendered)
    for node in tree.root.traverse() if tree.root is not None else []:
        tag = node.tag or ""
        if tag.startswith("-"):
            continue
        if tag not in MARKUP_TAGS:
            found.append(f"<{tag}>")
        for name, value in node.attributes.items():
            if name not in SAFE_ATTRS or (name == "style" and value and "align" not in value):
                found.append(f"{tag}[{name}]")
            target = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in ("href", "src") and target.startswith(("javascript:", "vbscript:")):
                found.append(f"{tag}[{name}={value}]")
    return found

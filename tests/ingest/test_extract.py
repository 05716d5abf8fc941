"""Trafilatura's vote on full pages: short non-prose lines outside its main text go."""

from __future__ import annotations

from pipeline.ingest.chrome import Candidate
from pipeline.ingest.extract import main_text_vote

BODY = [
    "新华社消息，海军新型驱逐舰日前完成首次远海训练，历时二十余天，航程超过五千海里。",
    "训练期间，舰艇编队先后进行了防空反导、反潜搜索和海上补给等多个科目的演练。",
    "海军有关负责人表示，此次训练为新型舰艇形成作战能力积累了经验。",
]
PAGE = (
    "<html><head><title>海军新型驱逐舰完成首次远海训练</title></head><body>"
    "<div class='weather'>北京 晴 12℃</div>"
    "<div class='c'><h1>海军新型驱逐舰完成首次远海训练</h1>"
    + "".join(f"<div>{p}</div>" for p in BODY)
    + "</div><div class='x'>上一篇：旧闻 下一篇：新闻</div></body></html>"
)


def cands() -> list[Candidate]:
    out = [
        Candidate("paragraph", "北京 晴 12℃"),
        Candidate("heading", "海军新型驱逐舰完成首次远海训练", 1),
    ]
    out += [Candidate("paragraph", p) for p in BODY]
    out += [Candidate("paragraph", "上一篇：旧闻 下一篇：新闻"), Candidate("caption", "无关的说明")]
    return out


def test_short_lines_outside_the_main_text_are_voted_out() -> None:
    voted = main_text_vote(PAGE, cands())
    marks = {c.plain: c.chrome for c in voted}
    assert marks["北京 晴 12℃"] == "extractor-vote"
    assert marks["上一篇：旧闻 下一篇：新闻"] == "extractor-vote"
    assert all(marks[p] == "" for p in BODY)
    assert marks["海军新型驱逐舰完成首次远海训练"] == ""  # headings are never voted out
    assert marks["无关的说明"] == ""  # nor captions


def test_no_vote_when_the_extractor_finds_too_little() -> None:
    page = "<html><body><div>北京 晴 12℃</div></body></html>"
    voted = main_text_vote(page, cands())
    assert all(c.chrome == "" for c in voted)

"""RSS and Atom feeds: one document per item, its metadata, its content through the HTML parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli.app import app
from pipeline.errors import PipelineError
from pipeline.ingest import discover, parse_documents
from pipeline.ingest.feeds import looks_like_feed
from pipeline.settings import IngestSettings

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<?xml-stylesheet type="text/xsl" href="feed.xsl"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>示例军事频道</title>
  <link>https://news.example.org/</link>
  <description>示例新闻 RSS</description>
  <copyright>示例新闻‧版權所有‧不得轉載</copyright>
  <item>
    <title><![CDATA[美俄恢复导弹发射通报]]></title>
    <link>https://news.example.org/a/1</link>
    <author>记者甲</author>
    <pubDate>Fri, 08 Sep 2017 20:30:00 GMT</pubDate>
    <description><![CDATA[【本报讯】美俄两国昨日同意恢复导弹发射通报。双方将在下月举行技术会谈。]]></description>
  </item>
  <item>
    <title>新型驱逐舰下水</title>
    <link>https://news.example.org/a/2</link>
    <pubDate>Sat, 09 Sep 2017 08:00:00 GMT</pubDate>
    <description>摘要不应出现。</description>
    <content:encoded><![CDATA[<p>海军新型驱逐舰昨日下水。</p><p>该舰配备<strong>垂直发射系统</strong>。</p>
      <div class="share">分享</div>]]></content:encoded>
  </item>
  <item>
    <title>国防预算公布</title>
    <link>https://news.example.org/a/3</link>
    <description>国防预算较去年增长百分之七。</description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>示例博客</title>
  <id>urn:example:feed</id>
  <updated>2024-05-01T00:00:00Z</updated>
  <entry>
    <title>核查机制的未来</title>
    <link href="https://blog.example.org/1"/>
    <id>urn:example:1</id>
    <updated>2024-05-01T09:30:00+08:00</updated>
    <author><name>王明</name></author>
    <content type="html">&lt;p&gt;核查是军控的基础。&lt;/p&gt;
      &lt;p&gt;没有核查就没有信任。&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>导弹防御的代价</title>
    <link href="https://blog.example.org/2"/>
    <id>urn:example:2</id>
    <updated>2024-05-02T09:30:00+08:00</updated>
    <summary>导弹防御系统造价高昂。</summary>
  </entry>
</feed>
"""

RSS1 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://x.example/"><title>频道</title><link>https://x.example/</link>
    <description>说明</description></channel>
  <item rdf:about="https://x.example/1"><title>第一条</title><link>https://x.example/1</link>
    <description>第一条的内容。</description><dc:date>2024-01-02T03:04:05Z</dc:date></item>
</rdf:RDF>
"""

SETTINGS = IngestSettings()


def test_rss2_gives_one_document_per_item_with_its_metadata() -> None:
    parsed = parse_documents(RSS2.encode(), "news.xml", SETTINGS)
    docs = [p.doc for p in parsed]
    assert [d.id for d in docs] == ["news-1", "news-2", "news-3"]
    assert {d.format for d in docs} == {"feed"}
    assert [d.meta.title for d in docs] == [
        "美俄恢复导弹发射通报",
        "新型驱逐舰下水",
        "国防预算公布",
    ]
    first = docs[0]
    assert (first.meta.url, first.meta.author, first.meta.published) == (
        "https://news.example.org/a/1",
        "记者甲",
        "2017-09-08T20:30:00+00:00",
    )
    assert [(b.kind, b.text) for b in first.blocks] == [
        ("title", "美俄恢复导弹发射通报"),
        ("paragraph", "【本报讯】美俄两国昨日同意恢复导弹发射通报。双方将在下月举行技术会谈。"),
    ]
    # Full content wins over the description; its HTML goes through the page parser.
    assert [(b.kind, b.text) for b in docs[1].blocks] == [
        ("title", "新型驱逐舰下水"),
        ("paragraph", "海军新型驱逐舰昨日下水。"),
        ("paragraph", "该舰配备**垂直发射系统**。"),
    ]
    text = "".join(b.text for d in docs for b in d.blocks)
    for absent in ("示例军事频道", "版權所有", "<", "摘要不应出现", "分享"):
        assert absent not in text


def test_a_feed_in_a_legacy_encoding_is_decoded_once() -> None:
    data = RSS2.replace('encoding="utf-8"', 'encoding="gb2312"').encode("gb18030")
    docs = [p.doc for p in parse_documents(data, "gb.xml", SETTINGS)]
    assert docs[0].meta.title == "美俄恢复导弹发射通报"
    assert docs[0].encoding == "gb18030"


def test_atom_and_rss1_feeds() -> None:
    atom = [p.doc for p in parse_documents(ATOM.encode(), "blog.atom", SETTINGS)]
    assert [d.meta.title for d in atom] == ["核查机制的未来", "导弹防御的代价"]
    assert (atom[0].meta.author, atom[0].meta.url) == ("王明", "https://blog.example.org/1")
    assert atom[0].meta.published == "2024-05-01T09:30:00+08:00"
    assert [b.text for b in atom[0].blocks[1:]] == ["核查是军控的基础。", "没有核查就没有信任。"]
    assert [b.text for b in atom[1].blocks[1:]] == ["导弹防御系统造价高昂。"]
    rdf = [p.doc for p in parse_documents(RSS1.encode(), "rdf.xml", SETTINGS)]
    assert [(d.meta.title, d.blocks[1].text) for d in rdf] == [("第一条", "第一条的内容。")]


def test_zhen_segment_on_feeds_gives_their_items(tmp_path: Path) -> None:
    (tmp_path / "news.xml").write_text(RSS2, encoding="utf-8")
    (tmp_path / "blog.atom").write_text(ATOM, encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text("<urlset><url>x</url></urlset>", encoding="utf-8")
    result = CliRunner().invoke(app, ["segment", str(tmp_path), "--format", "tsv"])
    assert result.exit_code == 0, result.output
    docs = {line.split("\t")[1] for line in result.stdout.splitlines()[1:]}
    assert docs == {"news-1", "news-2", "news-3", "blog-1", "blog-2"}


def test_folder_discovery_reads_feeds_but_not_other_xml(tmp_path: Path) -> None:
    (tmp_path / "feed.rss").write_text(RSS2, encoding="utf-8")
    (tmp_path / "data.xml").write_text("<data><row>1</row></data>", encoding="utf-8")
    assert [Path(p).name for p in discover([str(tmp_path)])] == ["feed.rss"]


@pytest.mark.parametrize(
    ("text", "is_feed"),
    [
        (RSS2, True),
        (ATOM, True),
        (RSS1, True),
        ("<!-- saved -->\n<rss version='0.91'><channel></channel></rss>", True),
        ("<html><body><p>rss</p></body></html>", False),
        ("<?xml version='1.0'?><urlset/>", False),
    ],
)
def test_looks_like_feed(text: str, is_feed: bool) -> None:
    assert looks_like_feed(text) is is_feed


def test_a_feed_without_items_is_one_clear_error() -> None:
    empty = "<?xml version='1.0'?><rss version='2.0'><channel><title>空</title></channel></rss>"
    with pytest.raises(PipelineError, match="feed has no items") as info:
        parse_documents(empty.encode(), "empty.xml", SETTINGS)
    assert info.value.file == "empty.xml" and ";" in info.value.message

"""``zhen segment --show-dropped``: every dropped line with its document and rule."""

from __future__ import annotations

import io
import json
from pathlib import Path

from conftest import REPO
from typer.testing import CliRunner

from pipeline.cli.app import app
from pipeline.cli.dropped import write_dropped

UNSEEN = REPO / "tests" / "data" / "ingest" / "unseen"


def test_show_dropped_lists_rule_and_text_per_document() -> None:
    result = CliRunner().invoke(
        app, ["segment", str(UNSEEN / "tvbs_like.txt"), "--show-dropped", "--format", "tsv"]
    )
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0] == ["doc", "rule", "text"]
    assert ["tvbs_like", "before-headline", "廣告"] in rows
    assert ["tvbs_like", "after-article", "藝人婚禮現場曝光 好友齊聚祝福"] in rows
    assert all(len(row) == 3 for row in rows)


def test_show_dropped_as_json_lines_for_a_folder(tmp_path: Path) -> None:
    for name in ("cna_like.txt", "udn_like.txt"):
        (tmp_path / name).write_bytes((UNSEEN / name).read_bytes())
    result = CliRunner().invoke(app, ["segment", str(tmp_path), "--show-dropped"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["doc"] for r in records} == {"cna_like", "udn_like"}
    assert {"doc": "udn_like", "rule": "related-heading", "text": "延伸閱讀"} in records


def test_write_dropped_counts_what_it_writes() -> None:
    out = io.StringIO()
    assert write_dropped({"a": [("ad-label", "广告"), ("copyright", "©\n2024")]}, out, "tsv") == 2
    assert out.getvalue() == "doc\trule\ttext\na\tad-label\t广告\na\tcopyright\t© 2024\n"

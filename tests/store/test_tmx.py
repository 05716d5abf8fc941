"""Reading TMX files as CAT tools write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.store.tmx import is_tmx, read_tmx

# A TMX 1.1 unit as OmegaT writes it: ``lang`` attributes, inline codes, a change stamp.
OMEGAT_11 = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" srclang="ZH-TW"
          datatype="plaintext" segtype="sentence"/>
  <body>
    <tu>
      <tuv lang="ZH-TW"><seg>\xe5\x9c\x8b<bpt i="1">&lt;b&gt;</bpt>\xe9\x98\xb2<ept i="1">
      &lt;/b&gt;</ept></seg></tuv>
      <tuv lang="EN-GB" changeid="rev" changedate="20240601T100000Z"><seg>Defence</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def test_reads_tmx_11_with_lang_attributes_and_inline_codes() -> None:
    assert is_tmx(OMEGAT_11)
    (unit,) = read_tmx(OMEGAT_11, Path("p.tmx"))
    assert (unit.source, unit.target, unit.tuid) == ("國防", "Defence", "")
    assert unit.changed and not unit.machine_translated


def test_zhen_machine_translation_is_told_apart() -> None:
    data = (
        b'<tmx version="1.4"><header srclang="zh-CN"/><body><tu tuid="d:0:0">'
        b'<prop type="x-status">translated</prop><tuv xml:lang="zh-CN"><seg>\xe4\xb8\x80</seg>'
        b'</tuv><tuv xml:lang="en"><seg>One</seg></tuv></tu></body></tmx>'
    )
    (unit,) = read_tmx(data, Path("b.tmx"))
    assert unit.machine_translated and unit.tuid == "d:0:0"


@pytest.mark.parametrize(
    ("data", "message"), [(b"<tmx", "not well-formed"), (b"<xliff/>", "not a TMX")]
)
def test_bad_files(data: bytes, message: str) -> None:
    with pytest.raises(PipelineError, match=message):
        read_tmx(data, Path("x.tmx"))

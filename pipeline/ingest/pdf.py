"""PDF files with a text layer → metadata + candidates (pdfminer.six).

pdfminer's layout analysis groups characters into text boxes in reading order (columns
included); a box is a paragraph. On top of it:

- running headers and footers — boxes in the top or bottom margin whose text, digits aside,
  repeats on at least half the pages — and page numbers are dropped (``page-header``,
  ``page-number``);
- lines are joined the Chinese way (no space) or with a space, and a word hyphenated at a line
  end is rejoined (``confi-`` + ``dence``);
- a paragraph cut by a page break (no closing punctuation, next page starts mid-sentence) is
  joined again;
- boxes set clearly larger than the body text are headings.

A PDF without a text layer (a scan) gets one clear error: it needs OCR first.
"""

from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass

from pipeline.chars import is_cjk
from pipeline.document import Metadata
from pipeline.errors import IngestError
from pipeline.ingest.chrome import Candidate
from pipeline.ingest.dates import iso_date
from pipeline.ingest.inline import escape_block_start, escape_text, join_lines

MARGIN = 0.08
"""Share of the page height at the top and bottom where running headers and footers sit."""
MIN_TEXT_CHARS = 20
_PAGE_NUMBER = re.compile(
    r"[-–—\s]*(?:第\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?\s*(?:页|頁)?[-–—\s]*|(?i:page)\s*\d+"
)
_HYPHEN = re.compile(r"([A-Za-z])-\n([a-z])")
_DIGITS = re.compile(r"\d+")
_CLOSED = tuple('。！？.!?…」』”"）):：')


@dataclass
class _Box:
    page: int
    text: str
    top: float
    bottom: float
    height: float
    size: float


def parse_pdf(data: bytes, name: str) -> tuple[Metadata, list[Candidate]]:
    """A PDF's metadata and paragraphs; raises :class:`IngestError` for scans and locked files."""
    boxes, pages, meta = _read(data, name)
    if sum(len(b.text) for b in boxes) < MIN_TEXT_CHARS:
        raise IngestError(
            "this PDF has no text layer (a scan?); run OCR on it first (e.g. ocrmypdf) "
            "and give the result",
            file=name,
        )
    dropped = _running_lines(boxes, pages)
    body = [b for i, b in enumerate(boxes) if i not in dropped]
    sizes = [b.size for b in body if len(b.text) > MIN_TEXT_CHARS]
    median = statistics.median(sizes) if sizes else 0.0
    out: list[Candidate] = []
    for i in sorted(dropped):
        rule = "page-number" if _PAGE_NUMBER.fullmatch(boxes[i].text) else "page-header"
        out.append(Candidate("paragraph", "", plain=boxes[i].text, chrome=rule))
    previous: _Box | None = None
    for box in body:
        text = join_lines(_HYPHEN.sub(r"\1\2", box.text))
        if median and box.size >= 1.15 * median and len(text) <= 80:
            level = 1 if box.size >= 1.5 * median else 2
            out.append(Candidate("heading", escape_text(text), level, plain=text))
        elif _continues(previous, box, out):
            last = out[-1]
            glue = "" if is_cjk(last.plain[-1:]) or is_cjk(text[:1]) else " "
            last.plain += glue + text
            last.text = escape_block_start(escape_text(last.plain))
        else:
            out.append(Candidate("paragraph", escape_block_start(escape_text(text)), plain=text))
        previous = box
    return meta, out


def _read(data: bytes, name: str) -> tuple[list[_Box], int, Metadata]:
    # Lazy: pdfminer.six loads in ~150 ms and only PDF input needs it.
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextBox
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError

    # Lazy: part of pdfminer.six, loaded with it.
    from pdfminer.pdfparser import PDFParser
    from pdfminer.psexceptions import PSException

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        info = document.info[0] if document.info else {}
        boxes: list[_Box] = []
        pages = 0
        for page in extract_pages(io.BytesIO(data), laparams=LAParams()):
            pages += 1
            height = page.height or 1.0
            for el in page:
                if not isinstance(el, LTTextBox):
                    continue
                text = el.get_text().strip()
                chars = [c.size for line in el for c in line if isinstance(c, LTChar)]
                if text:
                    size = statistics.median(chars) if chars else 0.0
                    boxes.append(_Box(pages, text, height - el.y1, el.y0, height, size))
    except PDFEncryptionError:
        raise IngestError(
            "this PDF is encrypted; save an unlocked copy and give that", file=name
        ) from None
    except (PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise IngestError(
            f"cannot read this PDF ({type(exc).__name__}); check that the file is complete",
            file=name,
        ) from None
    meta = Metadata(
        title=_title(_info(info, "Title")),
        author=_info(info, "Author"),
        published=_pdf_date(_info(info, "CreationDate")),
    )
    return boxes, pages, meta


def _info(info: dict[str, object], key: str) -> str | None:
    """A document-information string (PDF text strings are bytes in PDFDocEncoding/UTF-16)."""
    # Lazy: part of pdfminer.six, loaded with it.
    from pdfminer.utils import decode_text

    value = info.get(key)
    if isinstance(value, bytes):
        value = decode_text(value)
    text = str(value).strip() if isinstance(value, str) else ""
    return text or None


def _title(title: str | None) -> str | None:
    """The document-information title, unless it is a tool's placeholder or a file name."""
    if not title:
        return None
    title = re.sub(r"^Microsoft (?:Word|PowerPoint) - ", "", title)
    if title.lower() in ("untitled", "untitled document", "无标题", "無標題") or re.search(
        r"\.(?:docx?|pdf|tex|txt|indd|pptx?)$", title, re.I
    ):
        return None
    return title


def _pdf_date(raw: str | None) -> str | None:
    """``D:20240501093000+08'00'`` → ISO 8601."""
    if not raw:
        return None
    match = re.match(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?", raw)
    if not match:
        return None
    y, mo, d, h, mi, s = (match[i] for i in range(1, 7))
    stamp = f"{y}-{mo or '01'}-{d or '01'}"
    if h:
        stamp += f"T{h}:{mi or '00'}:{s or '00'}"
    return iso_date(stamp)


def _running_lines(boxes: list[_Box], pages: int) -> set[int]:
    """Boxes in the page margins that repeat (digits aside) on half the pages, and page numbers."""

    def margin(b: _Box) -> bool:
        return b.top < MARGIN * b.height or b.bottom < MARGIN * b.height

    pages_of: dict[str, set[int]] = {}
    for b in boxes:
        if margin(b):
            pages_of.setdefault(_DIGITS.sub("#", b.text), set()).add(b.page)
    doomed = set()
    for i, b in enumerate(boxes):
        if not margin(b):
            continue
        repeated = pages >= 2 and len(pages_of[_DIGITS.sub("#", b.text)]) * 2 >= pages
        if repeated or _PAGE_NUMBER.fullmatch(b.text):
            doomed.add(i)
    return doomed


def _continues(previous: _Box | None, box: _Box, out: list[Candidate]) -> bool:
    """A paragraph cut by a page break: the last one on the previous page is open-ended."""
    if previous is None or previous.page == box.page or not out or out[-1].kind != "paragraph":
        return False
    last = out[-1].plain
    return bool(last) and not last.endswith(_CLOSED) and not box.text[:1].isupper()

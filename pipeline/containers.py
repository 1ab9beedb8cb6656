"""Containers -> text: the article of a web page, the text layer of a PDF, the paragraphs of a DOCX.

Every reader returns plain text with one paragraph a line, so that clause
markers (一、 (一) 1.) stand at the start of a line, where the segmenter
looks for them.  Turning bytes into a string (BOM, meta charset) and choosing
the reader is ``pipeline.ingest``'s job; this module gets markup as a string
and PDF/DOCX files as bytes.

Known limitations:

- DOCX: Word's automatic list numbering (a paragraph numbered through
  ``w:numPr``) is not part of the paragraph's text, so a clause numbered that
  way loses its marker; only typed markers are read.  Text boxes, footnotes,
  headers and footers are not read either.
- PDF: one text column is assumed (lines are read top to bottom); scanned
  pages need OCR and raise :class:`NoTextLayerError`.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from math import ceil
from pathlib import Path
from statistics import median

import docx
import trafilatura
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from lxml import etree
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextBox, LTTextLineHorizontal
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psparser import PSException

from pipeline import config
from pipeline.errors import CorruptContainerError, DocumentTooLargeError, NoArticleError, NoTextLayerError
from pipeline.markers import starts_with_marker

# --- HTML -------------------------------------------------------------------

# Footer and toolbar lines of Chinese government sites that trafilatura's
# recall-oriented mode can let through; only short lines are dropped, so a
# clause that happens to mention 版权 stays.
_SITE_BOILERPLATE = re.compile(
    r"版[权權]所有|网站标识码|網站標識碼|ICP备|公网安备|网站地图|联系我们|技术支持[：:]|主办[：:]|承办[：:]|"
    r"分享到|【打印本页】|【关闭窗口】|【字体|当前位置[：:]|當前位置[：:]|您现在的位置"
)
_MAX_BOILERPLATE_LINE = 80
# A policy document is far longer; less than this after boilerplate is
# dropped means the extractor found only the page's frame.
_MIN_ARTICLE_CHARS = 50


def html_article(markup: str, path: Path | str) -> str:
    """The article body of a web page, one paragraph a line, headed by the page's title.

    Navigation, scripts, share buttons and footers are left out by
    trafilatura; the title, which government sites print in an ``<h1>``
    outside the article, is put back in front when the body lacks it.

    Raises:
        NoArticleError: the page holds no article body.
    """
    tree = trafilatura.load_html(markup)
    if tree is None:
        raise NoArticleError(path, "not parseable as HTML")
    heading = _page_heading(tree)
    # favor_recall: a page whose paragraphs are <div>s rather than <p>s
    # otherwise loses them, and a lost clause costs more than a stray line.
    body = trafilatura.extract(
        markup, output_format="txt", include_comments=False, include_tables=True,
        include_images=False, include_links=False, favor_recall=True, deduplicate=False,
    )
    lines = [line for line in (body or "").split("\n") if not _is_site_boilerplate(line)]
    text = "\n".join(lines).strip("\n")
    if sum(char.isalnum() for char in text) < _MIN_ARTICLE_CHARS:
        raise NoArticleError(path, "only navigation, scripts or footer text found")
    if heading and _squash(heading) not in _squash(text[: len(heading) + 60]):
        text = f"{heading}\n{text}"
    return text


def _page_heading(tree: etree._Element) -> str | None:
    """The article title as the page prints it: the ``<h1>`` the ``<title>`` repeats, else the only one.

    Sites also put their logo in an ``<h1>``; a heading made of a link is that.
    """
    headings = [" ".join(h.text_content().split()) for h in tree.iter("h1") if not h.xpath(".//a")]
    headings = [heading for heading in headings if heading]
    page_title = _squash(tree.findtext(".//title") or "")
    for heading in headings:
        if _squash(heading) in page_title:
            return heading
    return headings[0] if len(headings) == 1 else None


def _is_site_boilerplate(line: str) -> bool:
    return len(line) <= _MAX_BOILERPLATE_LINE and _SITE_BOILERPLATE.search(line) is not None


def _squash(text: str) -> str:
    return "".join(text.split())


# --- PDF --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Line:
    """One printed line of a PDF page, in PDF points (y grows upwards).

    ``lead`` is the width of what the line starts with that a typesetter
    cannot split: a Chinese character with the punctuation that may not open
    a line, or a run of Latin letters and digits (IPv6, 1000).
    """

    text: str
    x0: float
    x1: float
    bottom: float
    top: float
    lead: float

    @property
    def size(self) -> float:
        return self.top - self.bottom


_PAGE_NUMBER = re.compile(
    r"[—－\-–]{1,2}\s*\d{1,4}\s*[—－\-–]{1,2}|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?"
)
_BARE_NUMBER = re.compile(r"\d{1,4}")
_DIGITS = re.compile(r"\d+")
_EDGE_LINES = 2           # lines at the top and at the bottom of a page that may be running heads
_SAME_Y = 2.0             # points: a running head sits at the same height on every page
_RUNNING_SHARE = 0.4      # of pages; below a half so that alternating odd/even heads still count
_SENTENCE_END = "。；;：:！!？?"
_FULL_LINE_CHARS = 2.0    # a wrapped line ends within two characters of the right edge (CJK line-breaking rules)
_INDENT_CHARS = 0.5
# Punctuation Chinese typesetting does not put at the start of a line (it
# pulls the previous character down with it instead).
_NO_LINE_START = set("，。、；：？！）)》」』】〕”’…%,.;:?!")
_NO_LINE_END = set("（(《「『【〔“‘")
_WORD_JOINERS = set("-—–_/.+")
_ASCII_FORMS = {0xFF08: "(", 0xFF09: ")", 0xFF0E: ".", **{cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)}}
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")


def pdf_text(data: bytes, path: Path | str) -> str:
    """The text layer of a PDF: running heads and page numbers dropped, one paragraph a line.

    Lines a paragraph was wrapped into are joined again from their geometry
    (a line that fills the column and a next line that is not indented);
    a line ending a sentence is never joined to one opening a clause, so a
    page break cannot glue a marker to the previous paragraph.

    Raises:
        CorruptContainerError: truncated, damaged or encrypted.
        NoTextLayerError: the pages hold no text (a scan).
        DocumentTooLargeError: more text than ``config.MAX_DOCUMENT_CHARS``.
    """
    if not data.startswith(b"%PDF-"):
        raise CorruptContainerError(path, "no %PDF- header")
    # A PDF ends with %%EOF (within its last KiB, ISO 32000 §7.5.5); pdfminer
    # would otherwise rebuild what it can of a cut file and return part of it.
    if b"%%EOF" not in data[-1024:]:
        raise CorruptContainerError(path, "truncated PDF: no %%EOF at the end")
    pages = list(_read_pages(data, path))
    if not pages:
        raise CorruptContainerError(path, "PDF has no pages")
    body = _drop_running_lines(pages)
    text = "\n".join(_paragraphs(body))
    if not text.strip():
        raise NoTextLayerError(path, f"{len(pages)} page(s) without text; a scan needs OCR first")
    unmapped = sum(len(found) for found in _UNMAPPED_GLYPH.findall(text))
    if unmapped > len(text) / 2:
        raise NoTextLayerError(path, "the fonts map their glyphs to no Unicode characters")
    return text


def _read_pages(data: bytes, path: Path | str) -> Iterator[list[_Line]]:
    total = 0
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams()):
            lines = sorted(_page_lines(page), key=lambda line: (-line.top, line.x0))
            total += sum(len(line.text) for line in lines)
            if total > config.MAX_DOCUMENT_CHARS:
                raise DocumentTooLargeError(
                    path, f"more than {config.MAX_DOCUMENT_CHARS:,} characters by page {page.pageid}; "
                          f"limit {config.MAX_DOCUMENT_CHARS:,} characters")
            yield lines
    except PDFEncryptionError as error:
        raise CorruptContainerError(path, f"encrypted PDF ({type(error).__name__})") from error
    except _StreamTooLarge as error:
        raise DocumentTooLargeError(path, str(error)) from error
    except PSException as error:  # pdfminer's base: PDFSyntaxError, PSEOF, PDFObjectNotFound, ...
        raise CorruptContainerError(path, f"damaged PDF: {type(error).__name__}: {error}") from error
    except _PDFMINER_ERRORS as error:  # what pdfminer raises on damaged objects and streams, outside its base class
        raise CorruptContainerError(path, f"damaged PDF: {type(error).__name__}: {_one_line(error)}") from error


# --- PDF streams unpacked with a cap -------------------------------------------
# pdfminer inflates a FlateDecode stream whole (zlib.decompress), trusting
# nothing but the bytes: a few KB can inflate to gigabytes. Its module sees a
# zlib whose decompress stops at _MAX_STREAM_BYTES of real output instead.
_MAX_STREAM_BYTES = 64 * 2**20


class _StreamTooLarge(ValueError):
    pass


class _CappedInflater:
    def __init__(self, inflater) -> None:
        self.inflater, self.produced = inflater, 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        room = _MAX_STREAM_BYTES - self.produced + 1
        out = self.inflater.decompress(data, room if not max_length else min(room, max_length))
        self.produced += len(out)
        if self.produced > _MAX_STREAM_BYTES:
            raise _StreamTooLarge(f"a PDF stream inflates to more than {_MAX_STREAM_BYTES:,} bytes")
        return out

    def __getattr__(self, name):
        return getattr(self.inflater, name)


class _CappedZlib:
    error = zlib.error

    @staticmethod
    def decompressobj(*args, **kwargs) -> _CappedInflater:
        return _CappedInflater(zlib.decompressobj(*args, **kwargs))

    @staticmethod
    def decompress(data: bytes, *args) -> bytes:
        inflater = zlib.decompressobj(*args[:1])
        capped = _CappedInflater(inflater)
        out = capped.decompress(data)
        if inflater.unconsumed_tail:
            raise _StreamTooLarge(f"a PDF stream inflates to more than {_MAX_STREAM_BYTES:,} bytes")
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")
        return out

    def __getattr__(self, name):
        return getattr(zlib, name)


def _cap_pdf_streams() -> None:
    import pdfminer.pdftypes

    pdfminer.pdftypes.zlib = _CappedZlib()


_cap_pdf_streams()


# pdfminer raises these, not PSException, on mutated files: a Non-Ascii85
# digit (ValueError), a missing resource (KeyError), a failed assertion on an
# object's shape, a None where a number was wanted (TypeError).
_PDFMINER_ERRORS = (ValueError, KeyError, AssertionError, TypeError, IndexError, AttributeError,
                    ZeroDivisionError, OverflowError, zlib.error, EOFError, UnicodeError)


def _one_line(error: BaseException, width: int = 200) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _page_lines(container: object) -> Iterator[_Line]:
    for item in container:
        if isinstance(item, LTTextLineHorizontal):
            text = item.get_text().rstrip("\n")
            if text.strip():
                yield _Line(text, item.x0, item.x1, item.y0, item.y1, _lead_width(item))
        elif isinstance(item, LTTextBox):
            yield from _page_lines(item)


def _lead_width(line: LTTextLineHorizontal) -> float:
    boxes = [char for char in line if isinstance(char, LTChar)]
    chars = [box.get_text() for box in boxes]
    if not chars:
        return 0.0
    end = 0
    while end < len(chars) - 1 and chars[end] in _NO_LINE_END:
        end += 1
    if _is_latin(chars[end]):
        # A Latin word, with the dashes and dots inside it: NB—IoT, IPv6, 1.5
        while end + 1 < len(chars) and (_is_latin(chars[end + 1]) or (
                chars[end + 1] in _WORD_JOINERS and end + 2 < len(chars) and _is_latin(chars[end + 2]))):
            end += 1
    while end + 1 < len(chars) and chars[end + 1] in _NO_LINE_START:
        end += 1
    return boxes[end].x1 - boxes[0].x0


def _is_latin(text: str) -> bool:
    return text.isascii() and text.isalnum()


def _drop_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop running heads and feet, and page numbers, from the edges of every page.

    A running line is an edge line whose text (digits aside) recurs at the
    same height on many pages; comparing heights keeps a title that repeats
    the running head in the body.
    """
    edges = [set(range(min(_EDGE_LINES, len(lines)))) | set(range(max(0, len(lines) - _EDGE_LINES), len(lines)))
             for lines in pages]
    seen: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for page_no, lines in enumerate(pages):
        for index in edges[page_no]:
            seen[_DIGITS.sub("#", _squash(lines[index].text))].append((page_no, lines[index].top))
    needed = max(2, ceil(_RUNNING_SHARE * len(pages)))
    kept = []
    for page_no, lines in enumerate(pages):
        drop = set()
        for index in edges[page_no]:
            line = lines[index]
            squashed = _squash(line.text)
            pages_here = {other for other, top in seen[_DIGITS.sub("#", squashed)] if abs(top - line.top) <= _SAME_Y}
            at_very_edge = index in (0, len(lines) - 1)
            if (len(pages_here) >= needed or _PAGE_NUMBER.fullmatch(squashed)
                    or (at_very_edge and _BARE_NUMBER.fullmatch(squashed))):
                drop.add(index)
        kept.append([line for index, line in enumerate(lines) if index not in drop])
    return kept


def _paragraphs(pages: list[list[_Line]]) -> Iterator[str]:
    """Join the lines each paragraph was wrapped into; a paragraph a line."""
    lines = [(page_no, line) for page_no, page in enumerate(pages) for line in page]
    if not lines:
        return
    left = min(line.x0 for _, line in lines)
    right = max(line.x1 for _, line in lines)
    gaps = [a.bottom - b.top for (pa, a), (pb, b) in zip(lines, lines[1:]) if pa == pb and a.bottom > b.top]
    usual_gap = median(gaps) if gaps else 0.0
    current = lines[0][1].text
    for (page_a, a), (page_b, b) in zip(lines, lines[1:]):
        if _continues(a, b, page_a == page_b, left, right, usual_gap):
            # Latin words wrapped at a space lose it in some text layers.
            current += (" " if _is_latin(current[-1:]) and _is_latin(b.text[:1]) else "") + b.text
        else:
            yield current
            current = b.text
    yield current


def _continues(a: _Line, b: _Line, same_page: bool, left: float, right: float, usual_gap: float) -> bool:
    """Whether line ``b`` continues the paragraph that line ``a`` was wrapped from."""
    size = max(a.size, b.size)
    room = max(_FULL_LINE_CHARS * a.size, b.lead + a.size)
    if a.x1 < right - room or b.x0 > left + _INDENT_CHARS * b.size:
        return False  # b's first word would have fitted after a, or b starts indented: a new paragraph
    if abs(a.size - b.size) > 0.2 * size:
        return False  # a heading in another font size
    if same_page and a.bottom - b.top > usual_gap + 0.5 * size:
        return False  # paragraph spacing
    return not (a.text.rstrip()[-1:] in _SENTENCE_END and starts_with_marker(b.text.translate(_ASCII_FORMS)))


# --- DOCX -------------------------------------------------------------------

# What python-docx and the zipfile/lxml layers under it raise on a damaged
# package: not a zip, a missing part, a part of the wrong type, broken XML,
# damaged compressed data.
_DOCX_ERRORS = (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError,
                zlib.error, EOFError)


def docx_text(data: bytes, path: Path | str) -> str:
    """The paragraphs of a DOCX body, tables included, in document order, one a line.

    Raises:
        CorruptContainerError: not a readable Word package.
        DocumentTooLargeError: its parts unpack to more than ``config.MAX_DOCUMENT_BYTES``.
    """
    _check_unpacked_size(data, path)
    try:
        document = docx.Document(io.BytesIO(data))  # reads and parses every part here
    except _DOCX_ERRORS as error:
        raise CorruptContainerError(path, f"damaged DOCX: {type(error).__name__}: {error}") from error
    try:
        return "\n".join(_block_lines(document))
    except _DOCX_BODY_ERRORS as error:  # no body, a wrong root, a merged cell with nothing to merge into
        raise CorruptContainerError(path, f"damaged DOCX body: {type(error).__name__}: {_one_line(error)}") from error


_DOCX_BODY_ERRORS = (AttributeError, TypeError, ValueError, KeyError, IndexError, etree.LxmlError)
_ZIP_CHUNK = 1 << 20
# A DOCX holding the longest document allowed (config.MAX_DOCUMENT_CHARS)
# has well under this much XML; parsed by lxml, XML takes several times its size.
_MAX_DOCX_XML_BYTES = 64 * 2**20


def _check_unpacked_size(data: bytes, path: Path | str) -> None:
    """Unpack every member with a cap on the bytes actually produced: a zip's size headers can lie.

    Raises:
        CorruptContainerError: not a zip, or a member that does not unpack.
        DocumentTooLargeError: the members unpack to more than ``config.MAX_DOCUMENT_BYTES``.
    """
    budget, markup = config.MAX_DOCUMENT_BYTES, _MAX_DOCX_XML_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for member in package.infolist():
                is_markup = member.filename.endswith((".xml", ".rels"))
                with package.open(member) as stream:
                    while chunk := stream.read(_ZIP_CHUNK):
                        budget -= len(chunk)
                        markup -= len(chunk) if is_markup else 0
                        if markup < 0:
                            raise DocumentTooLargeError(
                                path, f"its XML parts unpack to more than {_MAX_DOCX_XML_BYTES:,} bytes "
                                      f"(at {member.filename}); python-docx would hold them all in memory")
                        if budget < 0:
                            raise DocumentTooLargeError(
                                path, f"unpacks to more than {config.MAX_DOCUMENT_BYTES:,} bytes "
                                      f"(at {member.filename}); limit {config.MAX_DOCUMENT_BYTES:,} bytes")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as error:
        raise CorruptContainerError(path, f"not a readable DOCX package: {type(error).__name__}: {error}") from error


def _block_lines(container: object) -> Iterator[str]:
    """Paragraph texts of a document body or table cell, descending into tables in place."""
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    # A merged cell is returned once for every grid column it spans.
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        yield from _block_lines(cell)
        else:
            yield block.text

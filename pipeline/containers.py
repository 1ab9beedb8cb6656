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
  pages need OCR and raise :class:`NoTextLayerError`.  The text layer is read
  with PDFium (pypdfium2), chosen by measurement on the corpus PDFs (README,
  "Containers"): pages printed by a browser put their text in form XObjects,
  draw headings twice and spell common characters with Kangxi radicals
  (U+2F00…); PDFium reads the forms, drops the overprinted copy and maps the
  radicals back, and is ten times faster than pdfminer.six.
"""

from __future__ import annotations

import io
import re
import unicodedata
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
import pypdfium2

from pipeline import config
from pipeline.chinese import HAN, PARAGRAPH_END, with_half_width
from pipeline.errors import CorruptContainerError, DocumentTooLargeError, NoArticleError, NoTextLayerError
from pipeline.headers import gov_block_lines
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
_SENTENCE_END = with_half_width(PARAGRAPH_END)
_FULL_LINE_CHARS = 2.0    # a wrapped line ends within two characters of the right edge (CJK line-breaking rules)
_INDENT_CHARS = 0.5
# Punctuation Chinese typesetting does not put at the start of a line (it
# pulls the previous character down with it instead).
_NO_LINE_START = set("，。、；：？！）)》」』】〕”’…%,.;:?!")
_NO_LINE_END = set("（(《「『【〔“‘")
_WORD_JOINERS = set("-—–_/.+")
_ASCII_FORMS = {0xFF08: "(", 0xFF09: ")", 0xFF0E: ".", **{cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)}}


def pdf_text(data: bytes, path: Path | str) -> str:
    """The text layer of a PDF: running heads and page numbers dropped, one paragraph a line.

    Lines a paragraph was wrapped into are joined again from their geometry
    (a line that fills the column and a next line that is not indented);
    a line ending a sentence is never joined to one opening a clause, so a
    page break cannot glue a marker to the previous paragraph.  A gov.cn
    metadata block (索引号 / 发文机关 / 成文日期 …) that a page break printed
    inside a paragraph is lifted out of it and kept as lines of its own after
    that paragraph, for normalization to drop and metadata to read.

    Raises:
        CorruptContainerError: truncated, damaged or encrypted.
        NoTextLayerError: the pages hold no text (a scan).
        DocumentTooLargeError: more text than ``config.MAX_DOCUMENT_CHARS``.
    """
    if not data.startswith(b"%PDF-"):
        raise CorruptContainerError(path, "no %PDF- header")
    # A PDF ends with %%EOF (within its last KiB, ISO 32000 §7.5.5); a reader
    # would otherwise rebuild what it can of a cut file and return part of it.
    if b"%%EOF" not in data[-1024:]:
        raise CorruptContainerError(path, "truncated PDF: no %%EOF at the end")
    pages, unmapped = _read_pages(data, path)
    if not pages:
        raise CorruptContainerError(path, "PDF has no pages")
    body = _drop_running_lines(pages)
    text = "\n".join(_paragraphs(body))
    # A font without a ToUnicode map gives its glyph ids as characters:
    # controls and private-use code points among Latin letters, no Han at all.
    if unmapped and (not text.strip() or (unmapped > _UNMAPPED_SHARE * (len(text) + unmapped)
                                          and not _HAN.search(text))):
        raise NoTextLayerError(path, "the fonts map their glyphs to no Unicode characters")
    if not text.strip():
        raise NoTextLayerError(path, f"{len(pages)} page(s) without text; a scan needs OCR first")
    return text


_UNMAPPED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd]")
_UNMAPPED_SHARE = 0.1
_HAN = re.compile(rf"[{HAN}]")


def _read_pages(data: bytes, path: Path | str) -> tuple[list[list[_Line]], int]:
    """Every page's printed lines in PDFium's reading order, and the number of glyphs with no Unicode value."""
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        reason = "encrypted PDF" if "password" in str(error).lower() else f"damaged PDF: {error}"
        raise CorruptContainerError(path, reason) from error
    pages, total, unmapped = [], 0, 0
    try:
        for number in range(len(document)):
            page = document[number]
            textpage = page.get_textpage()
            try:
                lines, page_unmapped = _page_lines(textpage)
            finally:
                textpage.close()
                page.close()
            unmapped += page_unmapped
            total += sum(len(line.text) for line in lines)
            if total > config.MAX_DOCUMENT_CHARS:
                raise DocumentTooLargeError(
                    path, f"more than {config.MAX_DOCUMENT_CHARS:,} characters by page {number + 1}; "
                          f"limit {config.MAX_DOCUMENT_CHARS:,} characters")
            pages.append(lines)
    except pypdfium2.PdfiumError as error:
        raise CorruptContainerError(path, f"damaged PDF: {error}") from error
    finally:
        document.close()
    return pages, unmapped


@dataclass(frozen=True, slots=True)
class _Glyph:
    char: str
    x0: float
    x1: float
    bottom: float
    top: float


def _page_lines(textpage: pypdfium2.PdfTextPage) -> tuple[list[_Line], int]:
    """The printed lines of one page from PDFium's characters, and the count of unmapped glyphs.

    PDFium already drops a glyph printed twice at the same place (a browser's
    fake bold) and breaks its text into lines, marking the breaks it made up
    as generated characters.  A line it broke in two where a glyph's box is
    taller than its neighbours' (一 | 、行动要求) is put together again here:
    pieces on the same baseline that follow each other from left to right.
    """
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    runs: list[list[_Glyph]] = [[]]
    unmapped = 0
    for index, char in enumerate(text[:count]):
        if char in "\r\n":  # a line break, generated by PDFium or in the text
            if runs[-1]:
                runs.append([])
            continue
        if _UNMAPPED.match(char):
            unmapped += 1
            continue
        x0, bottom, x1, top = textpage.get_charbox(index, loose=True)
        runs[-1].append(_Glyph(char, x0, x1, bottom, top))
    width, height = textpage.page.get_size()
    pieces = [piece for run in runs for piece in _split_at_baselines(run, width, height)
              if any(not glyph.char.isspace() for glyph in piece)]
    merged: list[list[_Glyph]] = []
    for piece in pieces:
        if merged and _same_printed_line(merged[-1], piece):
            merged[-1] = merged[-1] + piece
        else:
            merged.append(piece)
    return [_line_of(glyphs) for glyphs in merged], unmapped


def _split_at_baselines(run: list[_Glyph], width: float, height: float) -> Iterator[list[_Glyph]]:
    """Split a run of PDFium's text where the baseline moves: printed lines it did not break.

    A glyph off the page, or off the line for a glyph or three before the
    line goes on (a misplaced radical form), stays in the line.
    """
    piece: list[_Glyph] = []
    anchor: _Glyph | None = None
    for index, glyph in enumerate(run):
        if glyph.char.isspace():
            piece.append(glyph)
            continue
        inside = _on_page(glyph, width, height)
        if anchor is not None and inside and _moved(glyph, anchor) and not _returns(run, index, anchor, width, height):
            yield piece
            piece = []
            anchor = None
        piece.append(glyph)
        if inside and (anchor is None or not _moved(glyph, anchor)):
            anchor = glyph
    if piece:
        yield piece


def _on_page(glyph: _Glyph, width: float, height: float) -> bool:
    size = glyph.top - glyph.bottom
    return (size > 0 and glyph.x0 >= 0 and glyph.x1 <= width and glyph.bottom >= 0 and glyph.top <= height
            and glyph.x1 - glyph.x0 <= 1.5 * size)


def _moved(glyph: _Glyph, anchor: _Glyph) -> bool:
    size = anchor.top - anchor.bottom
    return abs(glyph.bottom - anchor.bottom) > 0.5 * size or glyph.x0 < anchor.x0 - 0.5 * size


_LOOKAHEAD_GLYPHS = 3


def _returns(run: list[_Glyph], index: int, anchor: _Glyph, width: float, height: float) -> bool:
    following = [glyph for glyph in run[index + 1:] if not glyph.char.isspace()][:_LOOKAHEAD_GLYPHS]
    return any(_on_page(glyph, width, height) and not _moved(glyph, anchor) for glyph in following)


def _same_printed_line(a: list[_Glyph], b: list[_Glyph]) -> bool:
    size = max(_glyph_size(a), _glyph_size(b))
    return abs(_baseline(a) - _baseline(b)) < 0.3 * size and b[0].x0 >= a[-1].x1 - 0.5 * size


def _glyph_size(glyphs: list[_Glyph]) -> float:
    return median(glyph.top - glyph.bottom for glyph in glyphs)


def _baseline(glyphs: list[_Glyph]) -> float:
    return median(glyph.bottom for glyph in glyphs)


def _glyph_forms() -> dict[int, str]:
    # Kangxi radicals (U+2F00-U+2FD5) stand for the ideographs NFKC gives;
    # Chinese CID fonts map the GB middle dot (A1A4) to U+30FB, the katakana one.
    table = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}
    table[0x30FB] = "\u00b7"
    return table


_GLYPH_FORMS = _glyph_forms()


def _line_of(glyphs: list[_Glyph]) -> _Line:
    """A printed line's text and geometry from its glyphs.

    Some fonts of browser prints place their glyphs (the Kangxi radical
    forms: ⼯, ⺠) in a space of their own, pages away from the line; such a
    glyph counts as one em at its place in the line.
    """
    text = collapse_spaced_heading("".join(glyph.char for glyph in glyphs).strip().translate(_GLYPH_FORMS))
    ink = [glyph for glyph in glyphs if not glyph.char.isspace()]
    bottom = median(glyph.bottom for glyph in ink)
    size = median(glyph.top - glyph.bottom for glyph in ink)
    placed = [index for index, glyph in enumerate(ink)
              if abs(glyph.bottom - bottom) <= 0.5 * size and 0 < glyph.x1 - glyph.x0 <= 1.5 * size]
    if not placed:
        return _Line(text, ink[0].x0, ink[0].x0 + size * len(ink), bottom, bottom + size, size)
    first, last = placed[0], placed[-1]
    x0 = ink[first].x0 - size * first
    x1 = ink[last].x1 + size * (len(ink) - 1 - last)
    lead = _lead_width(ink) if first == 0 and all(i in placed for i in range(min(3, len(ink)))) else size
    return _Line(text, x0, x1, bottom, bottom + size, min(lead, x1 - x0))


def _lead_width(glyphs: list[_Glyph]) -> float:
    chars = [glyph.char for glyph in glyphs]
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
    return glyphs[end].x1 - glyphs[0].x0


_MIN_DOUBLED = 6


def collapse_spaced_heading(line: str) -> str:
    """A heading printed letter-spaced, or drawn twice, as one plain run of characters.

    Browsers print gov.cn headings with letter spacing, and some text layers
    give every copy of a heading drawn twice for bold:
    ``国 务 院 关 于…国 务 院 关 于…`` becomes ``国务院关于…``,
    ``一 、 总 体 要 求一 、 总 体 要 求`` becomes ``一、总体要求``.
    Only a line whose every space-separated piece is one character (two where
    the copies touch) is unspaced, so a sentence with a space in it is left alone.
    """
    pieces = line.split()
    text = line
    if len(pieces) >= 3 and all(len(piece) <= 2 for piece in pieces) and sum(len(p) == 2 for p in pieces) <= 1:
        text = "".join(pieces)
    half = len(text) // 2
    if len(text) >= _MIN_DOUBLED and len(text) % 2 == 0 and text[:half] == text[half:]:
        return text[:half]
    return text


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
    """Join the lines each paragraph was wrapped into; a paragraph a line.

    A gov.cn metadata block is taken out of the flow before lines are joined
    (a page break prints it inside a sentence) and given back, a line of the
    block a line, after the paragraph it interrupted.
    """
    every = [(page_no, line) for page_no, page in enumerate(pages) for line in page]
    if not every:
        return
    blocks = gov_block_lines([line.text for _, line in every])
    in_block = {index for first, last in blocks for index in range(first, last + 1)}
    lines = [entry for index, entry in enumerate(every) if index not in in_block]
    # Each block goes back after the body line that preceded it.
    pending = [(first - sum(1 for i in in_block if i < first) - 1, [every[i][1].text for i in range(first, last + 1)])
               for first, last in blocks]
    if not lines:
        yield from (text for _, block in pending for text in block)
        return
    left = min(line.x0 for _, line in lines)
    right = max(line.x1 for _, line in lines)
    gaps = [a.bottom - b.top for (pa, a), (pb, b) in zip(lines, lines[1:]) if pa == pb and a.bottom > b.top]
    usual_gap = median(gaps) if gaps else 0.0
    body_size = median(line.size for _, line in lines)
    after = {position for position, _ in pending}
    current = lines[0][1].text
    for position, ((page_a, a), (page_b, b)) in enumerate(zip(lines, lines[1:])):
        # Lines either side of a lifted block are as far apart as lines across a page break.
        same_page = page_a == page_b and position not in after
        if _continues(a, b, same_page, left, right, usual_gap, body_size):
            # Latin words wrapped at a space lose it in some text layers.
            current += (" " if _is_latin(current[-1:]) and _is_latin(b.text[:1]) else "") + b.text
        else:
            yield current
            current = b.text
            while pending and pending[0][0] <= position:
                yield from pending.pop(0)[1]
    yield current
    for _, block in pending:
        yield from block


def _continues(a: _Line, b: _Line, same_page: bool, left: float, right: float, usual_gap: float,
               body_size: float = 0.0) -> bool:
    """Whether line ``b`` continues the paragraph that line ``a`` was wrapped from."""
    size = max(a.size, b.size)
    if body_size and _wrapped_title(a, b, same_page, (left + right) / 2, body_size):
        return True
    room = max(_FULL_LINE_CHARS * a.size, b.lead + a.size)
    if a.x1 < right - room or b.x0 > left + _INDENT_CHARS * b.size:
        return False  # b's first word would have fitted after a, or b starts indented: a new paragraph
    if abs(a.size - b.size) > 0.2 * size:
        return False  # a heading in another font size
    if same_page and a.bottom - b.top > usual_gap + 0.5 * size:
        return False  # paragraph spacing
    return not (a.text.rstrip()[-1:] in _SENTENCE_END and starts_with_marker(b.text.translate(_ASCII_FORMS)))


_TITLE_SIZE = 1.15  # a title is set this much larger than the body, at least


def _wrapped_title(a: _Line, b: _Line, same_page: bool, centre: float, body_size: float) -> bool:
    """A centred title in a larger font wrapped onto a second centred line (…指导意 | 见)."""
    if not same_page or a.size < _TITLE_SIZE * body_size or abs(a.size - b.size) > 0.1 * a.size:
        return False
    if a.text.rstrip()[-1:] in _SENTENCE_END or a.bottom - b.top > a.size:
        return False
    return abs((a.x0 + a.x1) / 2 - centre) < a.size and abs((b.x0 + b.x1) / 2 - centre) < a.size


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


def _one_line(error: BaseException, width: int = 200) -> str:
    """An exception's message on one line, at most ``width`` characters."""
    text = " ".join(str(error).split())
    return text if len(text) <= width else text[: width - 1] + "…"

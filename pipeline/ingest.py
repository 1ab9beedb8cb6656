"""Bytes -> text: tell the container, detect the encoding, decode.

Documents arrive as web pages, PDFs, DOCX files and plain text.
:func:`decode_document` tells them apart by their first bytes, then by the
file ending, and hands containers to ``pipeline.containers``.  Plain text
arrives as UTF-8 (with or without a byte-order mark), UTF-16 from Windows
tools, GB18030/GBK from mainland sites and Big5 from Taiwan and Hong Kong
ones.  GB18030 decodes almost any byte string, so the candidates are ranked
by how much of the decoded text is common Chinese: a wrong guess decodes
into rare characters.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline import config, containers
from pipeline.chinese import CodePointTable
from pipeline.errors import (
    BinaryDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    UndecodableDocumentError,
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LEGACY_CHINESE = ("gb18030", "cp950", "big5hkscs")
_CONTAINER_MAGIC = {
    b"%PDF": "a PDF file",
    b"PK\x03\x04": "a ZIP container (DOCX/XLSX?)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\xd0\xcf\x11\xe0": "an old Office document",
}
# Share of common Chinese characters a correct legacy decoding must reach.
_MIN_COMMON_SHARE = 0.8
_MAX_CONTROL_SHARE = 0.01


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A document's text as decoded, with the encoding that decoded it.

    ``markup`` names the markup the text is still written in (``"markdown"``),
    which normalization takes out by named rules; ``None`` for plain text.
    """

    text: str
    encoding: str
    markup: str | None = None


_SUFFIX_KINDS = {
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
    ".pdf": "pdf", ".docx": "docx", ".txt": "text", ".md": "markdown", ".markdown": "markdown",
}
_HTML_START = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                         re.IGNORECASE | re.DOTALL)
# No supported text encoding spends more than four bytes on a character, so
# a text file over four times the character limit in bytes is too long
# before it is decoded: a 50 MB log fails at once.
_MAX_BYTES_PER_CHAR = 4


def decode_document(data: bytes, path: Path | str = "<bytes>") -> DecodedText:
    """Decode a document's bytes, whatever their container: web page, PDF, DOCX, Markdown or plain text.

    The container is told by its first bytes, then by the file ending of
    ``path``: a PDF renamed ``.txt`` is read as a PDF.  ``encoding`` says what
    was read: ``html:gb18030``, ``pdf``, ``docx``, ``markdown:utf-8`` or a
    text encoding.  Markdown is decoded as text and keeps its markup, for
    normalization to drop by named rules with the offsets kept.

    Raises:
        EmptyDocumentError, BinaryDocumentError, UndecodableDocumentError,
        CorruptContainerError, NoTextLayerError, NoArticleError,
        DocumentTooLargeError.
    """
    if len(data) > config.MAX_DOCUMENT_BYTES:
        raise DocumentTooLargeError(path, f"{len(data):,} bytes; limit {config.MAX_DOCUMENT_BYTES:,} bytes")
    if not data.strip():
        raise EmptyDocumentError(path)
    kind = container_kind(data, path)
    if kind == "pdf":
        decoded = DecodedText(containers.pdf_text(data, path), "pdf")
    elif kind == "docx":
        decoded = DecodedText(containers.docx_text(data, path), "docx")
    elif kind == "html":
        markup = decode_html_bytes(data, path)
        decoded = DecodedText(containers.html_article(markup.text, path), f"html:{markup.encoding}")
    elif kind == "markdown":
        _check_text_size(data, path)
        text = decode_bytes(data, path)
        decoded = DecodedText(text.text, f"markdown:{text.encoding}", "markdown")
    else:
        _check_text_size(data, path)
        decoded = decode_bytes(data, path)
    if len(decoded.text) > config.MAX_DOCUMENT_CHARS:
        raise DocumentTooLargeError(
            path, f"{len(decoded.text):,} characters; limit {config.MAX_DOCUMENT_CHARS:,} characters")
    return decoded


def _check_text_size(data: bytes, path: Path | str) -> None:
    if len(data) > _MAX_BYTES_PER_CHAR * config.MAX_DOCUMENT_CHARS:
        raise DocumentTooLargeError(
            path, f"{len(data):,} bytes of text, at least {len(data) // _MAX_BYTES_PER_CHAR:,} characters; "
                  f"limit {config.MAX_DOCUMENT_CHARS:,} characters")


def container_kind(data: bytes, path: Path | str) -> str:
    """``pdf``, ``docx``, ``html``, ``markdown`` or ``text``: by the first bytes, else by the file ending."""
    suffix = Path(path).suffix.lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        # Other zip files (XLSX, ODT) fall through to text, which names them as binary.
        return "docx" if suffix == ".docx" or _is_word_package(data) else "text"
    head = data[:2048]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):].decode(encoding.replace("-sig", ""), errors="ignore").encode("ascii", "ignore")
            break
    if _HTML_START.match(head):
        return "html"
    return _SUFFIX_KINDS.get(suffix, "text")


def _is_word_package(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "word/document.xml" in package.namelist()
    except zipfile.BadZipFile:
        return False


# --- Web pages --------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9_:.\-]+)""", re.IGNORECASE)
# Browsers (WHATWG Encoding) decode pages labelled gb2312 or gbk with the
# GB18030 decoder, and big5 with a Big5 that includes the Microsoft and HKSCS
# extensions; a page labelled UTF-16 but read as bytes is ASCII-compatible.
_CHARSET_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "csgb2312": "gb18030",
    "chinese": "gb18030", "iso-ir-58": "gb18030", "cp936": "gb18030", "big5": "cp950", "x-x-big5": "cp950",
    "cn-big5": "cp950", "csbig5": "cp950", "big5-hkscs": "big5hkscs",
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",
}
# Chinese pages that declare a Western encoding are mislabelled (a CMS
# default); their bytes are better read by detection.
_WESTERN_CHARSETS = {"iso8859-1", "cp1252", "ascii"}
_CHARSET_PRESCAN = 4096


def decode_html_bytes(data: bytes, path: Path | str = "<bytes>") -> DecodedText:
    """Decode a web page: its byte-order mark, else its ``<meta charset>``, else detection.

    A declared encoding that fails on the page's bytes is ignored, as is a
    Western one: the text is then detected as for plain text.
    """
    decoded = _decode_with_bom(data)
    if decoded is not None:
        return decoded
    declared = _declared_charset(data[:_CHARSET_PRESCAN])
    if declared is not None:
        try:
            return DecodedText(data.decode(declared), declared)
        except (UnicodeError, LookupError):  # a codec that is no text encoding: base64, undefined
            pass
    return decode_bytes(data, path)


def _declared_charset(head: bytes) -> str | None:
    found = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not found:
        return None
    label = found.group(1).decode("ascii").lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return None if name in _WESTERN_CHARSETS else name


# --- Plain text -------------------------------------------------------------

def decode_bytes(data: bytes, path: Path | str = "<bytes>") -> DecodedText:
    """Decode a document's bytes, naming ``path`` in any error."""
    if not data.strip():
        raise EmptyDocumentError(path)
    for magic, what in _CONTAINER_MAGIC.items():
        if data.startswith(magic):
            raise BinaryDocumentError(path, f"looks like {what}; only text documents are read")
    decoded = _decode_with_bom(data) or _decode_utf16_without_bom(data)
    if decoded is None:
        if b"\x00" in data:
            raise BinaryDocumentError(path, "contains NUL bytes")
        decoded = _decode_utf8(data) or _decode_legacy_chinese(data)
    if decoded is None:
        raise UndecodableDocumentError(path, "not UTF-8, UTF-16, GB18030 or Big5")
    if not decoded.text.strip():
        raise EmptyDocumentError(path, "only white space")
    if _control_share(decoded.text) > _MAX_CONTROL_SHARE:
        raise BinaryDocumentError(path, f"decoded as {decoded.encoding} but full of control characters")
    return decoded


def _decode_with_bom(data: bytes) -> DecodedText | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding.replace("-sig", ""))
            except UnicodeDecodeError:
                return None
            return DecodedText(text, encoding)
    return None


def _decode_utf16_without_bom(data: bytes) -> DecodedText | None:
    # In UTF-16 every ASCII character (newlines, digits, commas) carries a
    # NUL byte, and always on the same side of its code unit; a Han character
    # only rarely does.  So the side with far more NULs tells the byte order.
    if b"\x00" not in data or len(data) % 2:
        return None
    even_nuls, odd_nuls = data[0::2].count(0), data[1::2].count(0)
    if max(even_nuls, odd_nuls) < 4 * min(even_nuls, odd_nuls) + 1:
        return None
    encoding = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if _control_share(text) > _MAX_CONTROL_SHARE:
        return None
    return DecodedText(text, encoding)


def _decode_utf8(data: bytes) -> DecodedText | None:
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return None


def _decode_legacy_chinese(data: bytes) -> DecodedText | None:
    best: tuple[float, DecodedText] | None = None
    for encoding in _LEGACY_CHINESE:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        share = common_chinese_share(text)
        if best is None or share > best[0]:
            best = (share, DecodedText(text, encoding))
    if best is None or best[0] < _MIN_COMMON_SHARE:
        return None
    return best[1]


def common_chinese_share(text: str) -> float:
    """Share of the non-ASCII letters in ``text`` that are common Han characters.

    Common means level 1 of GB2312 (the 3,755 most used simplified
    characters) or level 1 of Big5 (the 5,401 most used traditional ones).
    A mis-decoded byte string lands on rare characters, kana, private-use
    code points and symbols instead.  Each distinct character is judged
    once per process (:class:`~pipeline.chinese.CodePointTable`).
    """
    kinds = _LETTER_KINDS.of_text(text)
    letters = int(np.count_nonzero(kinds != _NOT_A_LETTER))
    common = int(np.count_nonzero(kinds == _COMMON_LETTER))
    return common / letters if letters else 0.0


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PZS" and not ("\ue000" <= char <= "\uf8ff")


def _is_common(char: str) -> bool:
    try:
        lead = char.encode("gb2312")[0]
        if 0xB0 <= lead <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        code = int.from_bytes(char.encode("big5"), "big")
    except UnicodeEncodeError:
        return False
    return 0xA440 <= code <= 0xC67E


_NOT_A_LETTER, _RARE_LETTER, _COMMON_LETTER = 0, 1, 2


def _letter_kind(char: str) -> int:
    """What :func:`common_chinese_share` counts a character as: no letter (ASCII, punctuation), rare, common."""
    if char <= "\x7f" or _is_punctuation(char):
        return _NOT_A_LETTER
    return _COMMON_LETTER if _is_common(char) else _RARE_LETTER


_LETTER_KINDS = CodePointTable(_letter_kind)


def _control_share(text: str) -> float:
    """Share of characters no text file holds: controls, unassigned, private use."""
    return int(np.count_nonzero(_CONTROLS.of_text(text) == 1)) / len(text)


def _is_control(char: str) -> bool:
    return (char < " " and char not in "\n\r\t\f") or char in "\ufffd\ufeff" \
        or unicodedata.category(char) in ("Cn", "Co", "Cs")


_CONTROLS = CodePointTable(lambda char: int(_is_control(char)))

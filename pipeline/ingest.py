"""Bytes -> text: detect the encoding of a document and decode it.

Policy documents arrive as UTF-8 (with or without a byte-order mark), UTF-16
from Windows tools, GB18030/GBK from mainland sites and Big5 from Taiwan and
Hong Kong ones.  GB18030 decodes almost any byte string, so the candidates
are ranked by how much of the decoded text is common Chinese: a wrong guess
decodes into rare characters.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import BinaryDocumentError, EmptyDocumentError, UndecodableDocumentError

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
    """A document's text as decoded, with the encoding that decoded it."""

    text: str
    encoding: str


def read_document(path: Path) -> DecodedText:
    """Read a file and decode it.

    Raises:
        EmptyDocumentError, BinaryDocumentError, UndecodableDocumentError.
    """
    return decode_bytes(Path(path).read_bytes(), path)


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
    code points and symbols instead.
    """
    letters = [c for c in text if c > "\x7f" and not _is_punctuation(c)]
    if not letters:
        return 0.0
    return sum(_is_common(c) for c in letters) / len(letters)


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


def _control_share(text: str) -> float:
    """Share of characters no text file holds: controls, unassigned, private use."""
    bad = sum(
        1
        for c in text
        if (c < " " and c not in "\n\r\t\f") or c in "\ufffd\ufeff"
        or unicodedata.category(c) in ("Cn", "Co", "Cs")
    )
    return bad / len(text)

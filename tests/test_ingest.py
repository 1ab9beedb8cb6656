from __future__ import annotations

import os
import unicodedata

import pytest

from pipeline import ingest
from pipeline.errors import BinaryDocumentError, EmptyDocumentError, UndecodableDocumentError
from pipeline.ingest import common_chinese_share, decode_bytes
from tests.conftest import SEEDS


@pytest.mark.parametrize(
    ("seed", "encoding", "detected"),
    [
        ("sichuan2019", "utf-8", "utf-8"),
        ("sichuan2019", "utf-8-sig", "utf-8-sig"),
        ("sichuan2019", "utf-16", "utf-16-le"),      # with BOM
        ("sichuan2019", "utf-16-le", "utf-16-le"),   # without BOM
        ("sichuan2019", "utf-16-be", "utf-16-be"),
        ("sichuan2019", "gb18030", "gb18030"),
        ("sichuan2025", "gbk", "gb18030"),
        ("sichuan2024", "gb18030", "gb18030"),       # Traditional text in a mainland encoding
        ("shandong2023", "big5", "cp950"),
        ("shandong2023", "utf-16", "utf-16-le"),
    ],
)
def test_every_encoding_decodes_to_the_same_text(seed, encoding, detected):
    text = SEEDS[seed].read_text(encoding="utf-8")
    decoded = decode_bytes(text.encode(encoding), SEEDS[seed])
    assert decoded.text == text
    assert decoded.encoding == detected


@pytest.mark.parametrize(
    ("data", "error", "reason"),
    [
        (b"", EmptyDocumentError, "file is empty"),
        (b"  \n\r\n\t ", EmptyDocumentError, "file is empty"),
        ("\ufeff".encode("utf-8"), EmptyDocumentError, "only white space"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", BinaryDocumentError, "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", BinaryDocumentError, "ZIP"),
        (bytes(range(256)) * 8, BinaryDocumentError, "NUL"),
        (b"\xff\xfe" + b"\xfd\xff\xfe\xfd" * 50, BinaryDocumentError, "control characters"),
        (b"\x81\x30\x81" * 40 + b"\xff\xff", UndecodableDocumentError, "not UTF-8"),
    ],
)
def test_bad_bytes_raise_a_named_error_with_the_file(data, error, reason):
    with pytest.raises(error) as raised:
        decode_bytes(data, "corpus/bad name 文件.txt")
    assert "corpus/bad name 文件.txt" in str(raised.value)
    assert reason in str(raised.value)


def test_random_bytes_are_never_taken_for_text():
    for seed in range(20):
        data = bytes((x * 7919 + seed * 104729) % 256 for x in range(4000)) + os.urandom(0)
        with pytest.raises((BinaryDocumentError, UndecodableDocumentError)):
            decode_bytes(data, "random.bin")


def test_common_share_tells_right_from_wrong_decoding():
    text = SEEDS["shandong2023"].read_text(encoding="utf-8")
    big5 = text.encode("big5")
    assert common_chinese_share(big5.decode("cp950")) > 0.95
    assert common_chinese_share(big5.decode("gb18030", errors="replace")) < 0.8


# --- The shares, counted once per distinct character, against their per-character definitions ----------

def _share_by_character(text):
    letters = [c for c in text if c > "\x7f" and not ingest._is_punctuation(c)]
    return sum(ingest._is_common(c) for c in letters) / len(letters) if letters else 0.0


def _control_share_by_character(text):
    return sum(1 for c in text if (c < " " and c not in "\n\r\t\f") or c in "\ufffd\ufeff"
               or unicodedata.category(c) in ("Cn", "Co", "Cs")) / len(text)


def _decodings():
    shandong = SEEDS["shandong2023"].read_text(encoding="utf-8")
    sichuan = SEEDS["sichuan2019"].read_text(encoding="utf-8")
    return [
        shandong, sichuan,
        shandong.encode("big5").decode("gb18030", errors="replace"),   # a wrong guess: rare characters
        sichuan.encode("gb18030").decode("cp950", errors="replace"),
        "ASCII only, no letters to count", "，。、", "\ue000\ue001数据", "𠮷野家 kana カナ ﹏",
        "a\x00b\x07\ufffd\ufeff\ud800c\u0378", " ",
    ]


@pytest.mark.parametrize("text", _decodings())
def test_the_shares_are_their_per_character_definitions(text):
    assert common_chinese_share(text) == _share_by_character(text)
    assert ingest._control_share(text) == _control_share_by_character(text)

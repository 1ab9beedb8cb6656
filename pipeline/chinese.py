"""Facts of written Chinese the pipeline relies on, declared once.

What a Han character is, which marks end a sentence, how a Chinese numeral
reads, and the kinds of clause a policy document is made of.  Every module
that needs one of these imports it from here: a second copy with other values
(one regex knowing extension A, another only U+4E00-U+9FFF) is a bug waiting.

Patterns are written for canonical text (``pipeline.normalize``): full-width
，；：？！ in Chinese text, ASCII digits and parentheses.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import MappingProxyType
from typing import Iterator, Mapping

import numpy as np

# --- Han characters -----------------------------------------------------------

# CJK Unified Ideographs with extension A, the compatibility ideographs, and
# the supplementary planes' extensions B to H (rare characters of names and
# places, 𠮷); for a regex character class: ``rf"[{HAN}]"``.  Radicals,
# strokes and the Yijing hexagrams (U+4DC0-U+4DFF) are not Han characters.
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
HAN = "".join(f"{chr(first)}-{chr(last)}" for first, last in HAN_RANGES)


def is_han(char: str) -> bool:
    """Whether ``char`` is a Han character (:data:`HAN`).

    >>> [is_han(c) for c in "数A𠮷䷀"]
    [True, False, True, False]
    """
    point = ord(char)
    return any(first <= point <= last for first, last in HAN_RANGES)


def code_points(text: str) -> np.ndarray:
    """The code point of each character of ``text``, as a numpy array (lone surrogates included).

    >>> code_points("数A").tolist()
    [25968, 65]
    """
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def code_point_counts(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The distinct code points of ``text``, in order, and the number of times each occurs.

    Counted by numpy, several times faster than ``Counter(text)``, which
    makes a string object of every CJK character it reads: a test of each
    character then runs once per distinct one (a few hundred in a policy
    document), or as one numpy lookup.

    >>> [a.tolist() for a in code_point_counts("数据数")]
    [[25454, 25968], [1, 2]]
    """
    return np.unique(code_points(text), return_counts=True)


class CodePointTable:
    """A property of characters, looked up by code point: ``of(char)`` for each distinct one, once.

    A text's characters are counted by :func:`code_point_counts`; their
    property values are then one numpy lookup in a table of one byte per
    code point (1.1 MB), filled the first time each code point is seen, so
    a document costs Python calls only for the characters no earlier
    document had.  ``of`` returns a small integer (-127..127).

    >>> table = CodePointTable(lambda char: int(is_han(char)))
    >>> table.values(np.array([ord("数"), ord("A")])).tolist()
    [1, 0]
    >>> table.of_text("数A数").tolist()
    [1, 0, 1]
    """

    _UNSEEN = -128  # no value of ``of``: int8's lowest

    def __init__(self, of: Callable[[str], int]) -> None:
        self._of = of
        self._table = np.full(sys.maxunicode + 1, self._UNSEEN, dtype=np.int8)

    def values(self, points: np.ndarray) -> np.ndarray:
        """The property of each code point of ``points``, in their order (repeats allowed)."""
        values = self._table[points]
        unseen = values == self._UNSEEN
        if unseen.any():
            for point in np.unique(points[unseen]).tolist():
                self._table[point] = self._of(chr(point))
            values = self._table[points]
        return values

    def of_text(self, text: str) -> np.ndarray:
        """The property of each character of ``text``, in order: a share or a sum over the text is one numpy call.

        The table is read at every character, without counting the distinct
        ones first (sorting them cost more than the lookups).
        """
        return self.values(code_points(text))


def char_counts(text: str) -> Iterator[tuple[str, int]]:
    """Each distinct character of ``text`` with the number of times it occurs (:func:`code_point_counts`).

    >>> list(char_counts("数据数"))
    [('据', 1), ('数', 2)]
    """
    points, counts = code_point_counts(text)
    return zip(map(chr, points.tolist()), counts.tolist())


# --- Sentence ends ---------------------------------------------------------------

# A sentence ends on 。！？ ...
SENTENCE_END = "。！？"
# ... a clause of one on ；, as the items of an enumeration do ...
CLAUSE_END = SENTENCE_END + "；"
# ... and a paragraph may also end on ：, introducing the list below it.
PARAGRAPH_END = CLAUSE_END + "："
_HALF_WIDTH = {"！": "!", "？": "?", "；": ";", "：": ":"}


def with_half_width(marks: str) -> str:
    """``marks`` and their ASCII forms, which stay outside Chinese text (``；`` and ``;``).

    >>> with_half_width(CLAUSE_END)
    '。！？；!?;'
    """
    return marks + "".join(_HALF_WIDTH[mark] for mark in marks if mark in _HALF_WIDTH)


# --- Numerals ----------------------------------------------------------------------

DIGITS: Mapping[str, int] = MappingProxyType({
    "〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
})
# Units inside one 万-group, and the groups themselves.
UNITS: Mapping[str, int] = MappingProxyType({"十": 10, "百": 100, "千": 1000})
_GROUPS = (("亿", 10**8), ("万", 10**4))
_ZEROS = "〇零○"


def parse_chinese_integer(text: str) -> int:
    """The value of a Chinese integer numeral.

    Positional numerals (二十八 → 28, 一百零五 → 105, 一万五千 → 15000,
    两亿 → 200000000, a bare 十 as 一十) and numerals written digit by digit,
    as years are (二〇三五 → 2035), are both read.

    >>> [parse_chinese_integer(n) for n in ("二十八", "十", "一千零十", "一万五千", "二〇三五")]
    [28, 10, 1010, 15000, 2035]

    Raises:
        ValueError: ``text`` is not a numeral: empty, a character that is no
            digit or unit, or units out of order (十百, 百百, 十百千万).
    """
    if not text:
        raise ValueError("empty Chinese numeral")
    if len(text) > 1 and all(char in DIGITS for char in text):
        return int("".join(str(DIGITS[char]) for char in text))
    whole, total = text, 0
    for group, factor in _GROUPS:
        if group in text:
            head, text = text.split(group, 1)
            total += (parse_chinese_integer(head) if head else 1) * factor
    try:
        return total + (_group_value(text) if text else 0)
    except ValueError:
        raise ValueError(f"not a Chinese numeral: {whole!r}") from None


def numeral_value(text: str) -> int:
    """The value of an integer in Arabic digits or a Chinese numeral: ``"12"`` and ``"十二"`` are 12."""
    return int(text) if text.isdigit() else parse_chinese_integer(text)


def _group_value(text: str) -> int:
    """A numeral below 10000 such as 三千零五, 十二, 两百."""
    total, digit, last_unit = 0, None, 10_000
    for char in text:
        if char in _ZEROS and total:
            digit = None  # a placeholder: 一千零十 is 1010, not 1000
        elif char in DIGITS:
            digit = DIGITS[char]
        elif char in UNITS and UNITS[char] < last_unit:
            total += (1 if digit is None else digit) * UNITS[char]
            digit, last_unit = None, UNITS[char]
        else:
            raise ValueError(text)
    return total + (digit or 0)


def int_to_chinese(number: int) -> str:
    """The Chinese numeral of clause labels: 28 → 二十八, 10 → 十, 120 → 一百二十, 1010 → 一千零十."""
    digits = "〇一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number - 10] if number > 10 else "")
    if number < 100:
        tens, ones = divmod(number, 10)
        return digits[tens] + "十" + (digits[ones] if ones else "")
    if number < 10_000:
        words, zero = [], False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            value, number = divmod(number, unit)
            if value:
                if zero:
                    words.append("零")
                words.append(digits[value] + name)
                zero = False
            elif words:
                zero = True
        return "".join(words)
    return str(number)


# --- Clause kinds --------------------------------------------------------------------

# Every kind a clause can have (SPEC "Clause tree", docs/clause-ids.md): the
# segmenter makes them, the checks and the structure evaluator hold the
# tables and the gold to them.
CLAUSE_KINDS = ("preamble", "part", "chapter", "section", "article", "paragraph", "clause", "item", "subitem",
                "bullet", "box", "attachment", "glossary", "closing")

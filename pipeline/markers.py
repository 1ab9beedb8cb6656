"""Clause markers (一、 / (一) / 1. / (1) / ——) and Chinese numerals.

Shared by the normalizer, which must not join a line onto one that starts a
clause, and by the segmenter, which builds the tree from them.  Patterns
match canonical text: ASCII digits and parentheses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

_CN_NUM = "[一二三四五六七八九十百]{1,4}"
# Order matters: a clause "(一)" must be tried before a subitem "(1)", and
# both before an item, whose "1、" would otherwise eat "1、" of a date line.
MARKER_PATTERNS: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("section", 1, re.compile(rf"(?P<num>{_CN_NUM})、")),
    ("clause", 2, re.compile(rf"\((?P<num>{_CN_NUM})\)")),
    ("subitem", 4, re.compile(rf"\((?P<num>\d{{1,2}})\)|(?P<circled>[{CIRCLED}])")),
    ("item", 3, re.compile(r"(?P<num>\d{1,3})(?:、|\.(?![\d.]))")),
    ("bullet", None, re.compile(r"——(?!—)")),
)
LEVEL_OF_KIND = {"section": 1, "clause": 2, "item": 3, "subitem": 4}


@dataclass(frozen=True, slots=True)
class Marker:
    """A clause marker found at ``start``; ``label`` as printed."""

    kind: str
    number: int | None
    label: str
    start: int
    end: int


def chinese_to_int(numeral: str) -> int:
    """Value of a Chinese numeral up to the thousands: 二十八 -> 28, 十 -> 10."""
    total, digit = 0, 0
    for char in numeral:
        if char in CN_DIGITS:
            digit = CN_DIGITS[char]
        elif char in CN_UNITS:
            total += (digit or 1) * CN_UNITS[char]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {numeral!r}")
    return total + digit


def int_to_chinese(number: int) -> str:
    """Chinese numeral as used in clause labels: 28 -> 二十八, 10 -> 十."""
    digits = "〇一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number - 10] if number > 10 else "")
    if number < 100:
        tens, ones = divmod(number, 10)
        return digits[tens] + "十" + (digits[ones] if ones else "")
    return str(number)


def match_marker(text: str, pos: int) -> Marker | None:
    """The clause marker starting exactly at ``pos``, if any."""
    for kind, _, pattern in MARKER_PATTERNS:
        found = pattern.match(text, pos)
        if not found:
            continue
        if kind == "bullet":
            return Marker(kind, None, found.group(), found.start(), found.end())
        if found.groupdict().get("circled"):
            number = CIRCLED.index(found.group("circled")) + 1
        elif kind in ("section", "clause"):
            try:
                number = chinese_to_int(found.group("num"))
            except ValueError:
                continue
        else:
            number = int(found.group("num"))
        if number == 0:
            continue
        return Marker(kind, number, found.group(), found.start(), found.end())
    return None


def starts_with_marker(line: str) -> bool:
    """Whether a line opens a clause (a section, clause, item, subitem or bullet)."""
    return match_marker(line.lstrip(), 0) is not None

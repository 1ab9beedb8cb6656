"""Read a plan's indicator table (主要指标): one baseline and one goal per row.

Plans print their goals as a table whose header names a base year and a goal
year (``指标 2015年 2020年 年均增速``) and whose rows give an indicator, its
unit in brackets and one figure per year column::

    2.信息产业收入规模(万亿元) 17.1 26.2 8.9
    13.网民数量(亿) 6.88 >10 >7.8

The canonical text keeps such a table as lines (a PDF's text layer, or a
Markdown table whose pipes normalization dropped), so the reader works on
lines: after the header, every line (or, in a numbered table, every numbered
row with the lines it wraps onto) that holds an indicator followed by two
figures gives the base-year figure as a ``baseline`` and the goal-year
figure as a ``target`` with that year as its deadline. ``>38`` and ``<1`` keep
their comparators. Columns after the second figure (average growth, the
cumulative change in 〔〕, 预期性/约束性) are not read. The table ends at a
note (注：), a section heading or a line of prose.

``find_table_targets`` is pure: offsets are into the text it is given.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from pipeline.extract.indicators import match_indicator
from pipeline.extract.numbers import to_base
from pipeline.extract.targets import TargetHit

# 指 标2015年2020年 / 指标 2020年 2025年 属性 / 指标名称 单位 2020年(基期值) 2025年(目标值)
_HEADER_RE = re.compile(
    r"(?m)^[ \t]*指[ \t]*标(?:名称)?[^\n]{0,12}?(?P<y1>(?:19|20)\d{2})年[^\n]{0,8}?(?P<y2>(?:19|20)\d{2})年[^\n]{0,30}$")
_ROW_NUMBER_RE = re.compile(r"[ \t]*\d{1,2}[.、．](?!\d)")
_FIGURE = r"[<>≤≥]?\d+(?:\.\d+)?"
_ROW_RE = re.compile(
    rf"(?P<name>[^\d<>≤≥\n][^<>≤≥]*?)[ \t\n]*(?:\((?P<unit>[^()\n]{{1,8}})\))?[ \t\n]*"
    rf"(?P<v1>{_FIGURE})[ \t]+(?P<v2>{_FIGURE})(?![\d.])", re.S)
_END_RE = re.compile(r"[ \t]*(?:注[：:]|[一二三四五六七八九十]+、|\(?[一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[章节])")
_COMPARATORS = {">": ">", "<": "<", "≥": ">=", "≤": "<="}
_MAX_ROWS = 60


def _lines(text: str, start: int) -> Iterator[tuple[int, str]]:
    position = start
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        yield position, text[position:end]
        position = end + 1


def _is_prose(line: str) -> bool:
    return len(line) > 40 and line.rstrip().endswith(("。", "；"))


def _rows(text: str, header_end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each candidate row after the header: a numbered row with its wrapped lines, or a line."""
    lines = list(_lines(text, header_end + 1))
    numbered = any(_ROW_NUMBER_RE.match(line) for _, line in lines[:8])
    buffer: list[tuple[int, str]] = []
    count = 0
    for start, line in lines:
        if _END_RE.match(line) or _is_prose(line) or count >= _MAX_ROWS:
            break
        if numbered and _ROW_NUMBER_RE.match(line) and buffer:
            yield buffer[0][0], buffer[-1][0] + len(buffer[-1][1])
            buffer, count = [], count + 1
        if numbered and not buffer and not _ROW_NUMBER_RE.match(line):
            continue  # a category line between rows (信息技术与产业)
        buffer.append((start, line))
        if not numbered:
            yield start, start + len(line)
            buffer, count = [], count + 1
    if buffer:
        yield buffer[0][0], buffer[-1][0] + len(buffer[-1][1])


def _hit(text: str, start: int, end: int, name: str, unit: str, kind: str, year: int | None) -> TargetHit:
    figure = text[start:end]
    comparator = _COMPARATORS.get(figure[0], "=")
    value = float(figure.lstrip("<>≤≥"))
    try:
        value_base, base_unit = to_base(Decimal(figure.lstrip("<>≤≥")), unit)
    except (KeyError, ValueError):
        value_base, base_unit = value, "1"
    found = match_indicator(name, base_unit, kind)
    return TargetHit(start, end, figure, name, comparator, value, None, unit, float(value_base), base_unit,
                     year, kind, None, found.indicator_id if found else None, found.indicator_en if found else None)


def find_table_targets(text: str) -> Iterator[TargetHit]:
    """The baselines and goals of every indicator table in ``text``, in order.

    Example:
        >>> table = "指 标2015年2020年\\n2.信息产业收入规模(万亿元) 17.1 26.2 8.9\\n注：单位为百分点。"
        >>> [(h.text, h.indicator, h.unit, h.kind, h.deadline_year) for h in find_table_targets(table)]
        [('17.1', '信息产业收入规模', '万亿元', 'baseline', None), ('26.2', '信息产业收入规模', '万亿元', 'target', 2020)]
    """
    for header in _HEADER_RE.finditer(text):
        first, goal = int(header["y1"]), int(header["y2"])
        if goal <= first:
            continue
        for row_start, row_end in _rows(text, header.end()):
            row = text[row_start:row_end]
            number = _ROW_NUMBER_RE.match(row)
            offset = number.end() if number else 0
            match = _ROW_RE.match(row, offset)
            if match is None:
                continue
            name = re.sub(r"\s+", "", match["name"])
            unit = (match["unit"] or "").strip()
            if not name or len(name) < 2:
                continue
            yield _hit(text, row_start + match.start("v1"), row_start + match.end("v1"), name, unit, "baseline", None)
            yield _hit(text, row_start + match.start("v2"), row_start + match.end("v2"), name, unit, "target", goal)

"""Plan indicator tables: the 主要指标 table of a 规划, read row by row.

A plan's indicator table comes out of a PDF or a web page as lines::

    指 标2015年2020年            <- header: the base year and the goal year
    年均增速                       <- more columns: growth (年均增速/年均增长/累计), 属性
    (%)
    总体发展水平                   <- a group label
    1.信息化发展指数72.45 88 —     <- a row: indicator, one cell per column
    4.IT项目投资占全社会固定资产投资总额的
    比例(%)
    2.2 5〔2.8〕                   <- a wrapped row; 〔〕 a cumulative change
    17.电子诉讼占比(%) <1 >15〔>14〕
    注：〔 〕表示五年累计数，单位为百分点。

Each numeric cell is a row of the targets table: its unit comes from the
indicator's parentheses (the growth column's from its header, %; a 〔〕 cell's
from the note, 百分点), a year column before the document's own year is a
``baseline``, a later one a ``target`` with that year as its deadline, and the
growth column a target of the goal year. ``>``/``<`` in a cell are comparators,
``—`` an empty cell. The sentence grammar of :mod:`pipeline.extract.targets`
cannot read these lines (a bare number has neither unit nor comparator), so
the stage uses these rows instead of its own for the table's lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipeline.extract.indicators import match_indicator
from pipeline.extract.numbers import to_base
from pipeline.extract.targets import TargetHit

_HEADER_YEAR = re.compile(r"((?:19|20)\d{2})年")
# A header line: the 指标 label or nothing before two or more column years, nothing after but column names.
_HEADER_RE = re.compile(r"^(?:指\s*标(?:名称)?)?\s*(?:(?:19|20)\d{2}年\s*(?:[(（]?(?:基期|目标|预期)[)）]?)?\s*){2,}"
                        r"(?:年均增速|年均增长|累计|属性|\s)*$")
_GROWTH_RE = re.compile(r"年均增速|年均增长|累计|增长")
_ATTRIBUTE_RE = re.compile(r"属性")
_NUMBER = r"\d+(?:\.\d+)?"
_CELL = rf"(?:[<>≥≤＞＜]?{_NUMBER}(?:〔[<>≥≤＞＜]?{_NUMBER}〕)?|—|－)"
# The cells that close a row: the first may touch the indicator (信息化发展指数72.45 88 —).
_CELLS_RE = re.compile(rf"(?P<cells>{_CELL}(?:\s+{_CELL})+|〔[<>]?{_NUMBER}〕)\s*(?:预期性|约束性)?\s*$")
_ONE_CELL_RE = re.compile(rf"(?P<cmp>[<>≥≤＞＜]?)(?P<num>{_NUMBER})|(?P<empty>[—－])")
_BRACKET_RE = re.compile(rf"〔(?P<cmp>[<>≥≤＞＜]?)(?P<num>{_NUMBER})〕")
_ROW_NUMBER_RE = re.compile(r"^(?P<no>\d{1,2})[.．、](?!\d)")
_UNIT_RE = re.compile(r"[(（](?P<unit>[^()（）\n]{1,8})[)）]\s*$")
_NOTE_RE = re.compile(r"^注[：:]")
_POINTS_RE = re.compile(r"〔\s*〕[^\n]*百分点")
_END_RE = re.compile(r"[。；]|^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
_COMPARATORS = {"": "=", ">": ">", "＞": ">", "<": "<", "＜": "<", "≥": ">=", "≤": "<="}
_MAX_WRAP = 3  # lines a row's indicator may wrap over


@dataclass(frozen=True, slots=True)
class HeaderYear:
    """A column year in a table header, with the role it gives the dates table."""

    start: int
    end: int
    role: str  # "baseline" (before the document's year) or "deadline"


@dataclass(frozen=True, slots=True)
class IndicatorTable:
    start: int
    end: int
    header_years: tuple[HeaderYear, ...]
    hits: tuple[TargetHit, ...]


def find_indicator_tables(text: str, reference_year: int | None) -> list[IndicatorTable]:
    """The indicator tables of a document's canonical text, with offsets into it."""
    tables = []
    lines = _lines(text)
    i = 0
    while i < len(lines):
        start, line = lines[i]
        if not _HEADER_RE.match(line.strip()):
            i += 1
            continue
        table, i = _read_table(text, lines, i, reference_year)
        if table is not None and table.hits:
            tables.append(table)
    return tables


def _lines(text: str) -> list[tuple[int, str]]:
    out, position = [], 0
    for line in text.split("\n"):
        out.append((position, line))
        position += len(line) + 1
    return out


def _read_table(text: str, lines: list[tuple[int, str]], i: int,
                reference_year: int | None) -> tuple[IndicatorTable | None, int]:
    header_start, header = lines[i]
    years = [(header_start + m.start(1), header_start + m.end(), int(m.group(1))) for m in _HEADER_YEAR.finditer(header)]
    growth, i = bool(_GROWTH_RE.search(header)), i + 1
    # Header continuation lines: 年均增速, (%), 属性.
    while i < len(lines) and len(lines[i][1].strip()) <= 8 and not _ROW_NUMBER_RE.match(lines[i][1].strip()) \
            and not _CELLS_RE.search(lines[i][1]) and (_GROWTH_RE.search(lines[i][1]) or _ATTRIBUTE_RE.search(lines[i][1])
                                                       or re.fullmatch(r"\s*[(（]%[)）]\s*", lines[i][1])):
        growth = growth or bool(_GROWTH_RE.search(lines[i][1]))
        i += 1
    body_start = i
    points = False
    end = body_start
    while end < len(lines) and not _NOTE_RE.match(lines[end][1].strip()) and not _END_RE.search(lines[end][1].strip()):
        end += 1
    if end < len(lines) and _NOTE_RE.match(lines[end][1].strip()):
        points = bool(_POINTS_RE.search(lines[end][1]))
    if reference_year is None:
        roles = ["baseline"] + ["deadline"] * (len(years) - 1)
    else:
        roles = ["baseline" if year < reference_year else "deadline" for _, _, year in years]
    goal_years = [year for (_, _, year), role in zip(years, roles) if role == "deadline"]
    hits: list[TargetHit] = []
    row: list[tuple[int, str]] = []
    for position, line in lines[body_start:end]:
        stripped = line.strip()
        if _ROW_NUMBER_RE.match(stripped):
            row = [(position, line)]
        elif row and _ROW_NUMBER_RE.match(row[0][1].strip()) and len(row) < _MAX_WRAP + 1:
            row.append((position, line))  # a numbered row wraps
        else:
            row = [(position, line)]  # an unnumbered row, or a group label
        cells = _CELLS_RE.search(line)
        if cells is None:
            continue
        name = "".join(part for _, part in row[:-1]) + line[:cells.start()]
        name = _ROW_NUMBER_RE.sub("", name.strip()).strip()
        if not name and len(row) == 1:
            row = []
            continue
        hits += _row_hits(text, name, position + cells.start(), cells.group("cells"), years, roles, goal_years,
                          growth, points)
        row = []
    header_years = tuple(HeaderYear(s, e, role) for (s, e, _), role in zip(years, roles))
    table_end = lines[end - 1][0] + len(lines[end - 1][1]) if end > body_start else header_start + len(header)
    return IndicatorTable(header_start, table_end, header_years, tuple(hits)), max(end, body_start)


def _row_hits(text: str, name: str, offset: int, cells: str, years: list, roles: list[str],
              goal_years: list[int], growth: bool, points: bool) -> list[TargetHit]:
    unit_match = _UNIT_RE.search(name)
    unit = unit_match.group("unit").strip() if unit_match else ""
    indicator = name[:unit_match.start()].strip() if unit_match else name
    columns = [(role, year) for (_, _, year), role in zip(years, roles)] + ([("growth", None)] if growth else [])
    hits, column = [], 0
    for match in re.finditer(rf"{_CELL}", cells):
        token = match.group()
        bracket = _BRACKET_RE.search(token)
        main = _ONE_CELL_RE.match(token)
        if main and not main["empty"]:
            if column >= len(columns):
                return []  # more cells than columns: not this table's row
            first = offset + match.start()
            hits.append(_hit(text, first, first + main.end("num"), main, columns[column], unit, indicator,
                             goal_years))
        column += 1
        if bracket:
            first = offset + match.start()
            hits.append(_hit(text, first + bracket.start(1), first + bracket.end("num"), bracket, ("growth", None),
                             "百分点" if points else unit, indicator, goal_years, inner=True))
            column += 1
    if column < len(years):
        return []  # fewer cells than the year columns
    return hits


def _hit(text: str, start: int, end: int, cell: re.Match, column: tuple[str, int | None], unit: str,
         indicator: str, goal_years: list[int], inner: bool = False) -> TargetHit:
    role, year = column
    if role == "growth":
        kind, deadline = "target", (goal_years[-1] if goal_years else None)
        unit = unit if inner else "%"
        indicator += "累计提高" if inner else "年均增速"  # a change of the indicator, not its level
    elif role == "baseline":
        kind, deadline = "baseline", None
    else:
        kind, deadline = "target", year
    value = float(cell["num"])
    try:
        value_base, base_unit = to_base(Decimal(cell["num"]), unit)
        value_base = float(value_base)
    except (KeyError, ValueError):
        value_base, base_unit = value, "1"
    hit = TargetHit(start, end, text[start:end], indicator, _COMPARATORS[cell["cmp"] or ""], value, None, unit,
                    value_base, base_unit, deadline, kind)
    found = match_indicator(indicator, base_unit, kind)
    if found is not None:
        hit = TargetHit(hit.start, hit.end, hit.text, indicator, hit.comparator, value, None, unit, value_base,
                        base_unit, deadline, kind, None, found.indicator_id, found.indicator_en)
    return hit

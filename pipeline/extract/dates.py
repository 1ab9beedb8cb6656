"""Find dates, years, plan periods and durations in canonical policy text.

``find_dates`` is a pure function: the reference year for relative words
(今年, 明年, 年底) is an argument taken from the document's own issue date,
never the clock.

Conventions:

- ``start_date``/``end_date`` are ISO ``YYYY-MM-DD`` strings, both inclusive.
  A year covers Jan 1..Dec 31, a month its first..last day.
- ``year_end`` (2020年底, 年末, “十四五”末) is the single day Dec 31..Dec 31:
  "截至2020年底" and "到2025年底" both name that day, and a one-day span
  keeps deadlines comparable with full dates.
- Five-Year Plans: the n-th plan (n >= 3) starts in 1966 + 5(n-3), so
  十三五 = 2016..2020, 十四五 = 2021..2025, 十五五 = 2026..2030.
- ``duration`` (3—5年, 6个月, 提前一年) has no dates, only
  ``duration_min_years``/``duration_max_years`` (months count as n/12).
- ``datetime`` keeps the date only; the time stays in ``text``.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Iterator

from pipeline.extract.numbers import parse_chinese_integer

KINDS = ("date", "month", "year", "year_end", "period", "duration", "datetime")
ROLES = ("deadline", "baseline", "issued", "published", "reference")


@dataclass(frozen=True, slots=True)
class DateHit:
    """One date expression and what it does in its sentence."""

    start: int
    end: int
    text: str
    kind: str
    role: str
    start_date: str | None
    end_date: str | None
    duration_min_years: float | None = None
    duration_max_years: float | None = None


_CN_DIGIT = "〇零○一二三四五六七八九"
_YEAR = rf"(?:(?<![\d.])\d{{4}}|(?<![{_CN_DIGIT}十])[{_CN_DIGIT}]{{4}})"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_RANGE_SEP = r"[—–\-～~至到]"
_SMALL_NUMBER = r"(?:\d{1,2}(?:\.\d)?|[一二两三四五六七八九十]{1,3})"

DATETIME_RE = re.compile(
    r"(?<![\d.])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
)
ISO_DATE_RE = re.compile(r"(?<![\d.\-/])(?P<y>\d{4})([-/])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?![\d\-/])")
FULL_DATE_RE = re.compile(rf"(?P<y>{_YEAR})年(?P<m>{_MONTH})月(?P<d>{_DAY})[日号]")
MONTH_RE = re.compile(rf"(?P<y>{_YEAR})年(?P<m>{_MONTH})月(?:份|底|末|初)?(?![{_CN_DIGIT}十\d])")
YEAR_RANGE_RE = re.compile(rf"(?P<y>{_YEAR})年?{_RANGE_SEP}(?P<y2>{_YEAR})年")
YEAR_END_RE = re.compile(rf"(?P<y>{_YEAR})年(?:底|末)")
YEAR_RE = re.compile(rf"(?P<y>{_YEAR})年度?")
# 十四五 with optional quotes and 时期/期间/末; 第十四个五年规划 spelled out.
FIVE_YEAR_PLAN_RE = re.compile(
    r"(?<![一二三四五六七八九十])“?十(?P<n>[一二三四五])五”?(?P<suffix>时期|期间|末)?(?![一二三四五六七八九十])"
)
FIVE_YEAR_PLAN_LONG_RE = re.compile(r"第(?P<n>[一二三四五六七八九十]{1,3})个五年(?:规划|计划)?")
DURATION_RE = re.compile(
    rf"(?<![\d.\-—～~{_CN_DIGIT}十两第])(?P<a>{_SMALL_NUMBER})(?:{_RANGE_SEP}(?P<b>{_SMALL_NUMBER}))?"
    r"(?P<unit>个月|年)(?![级度代])"
)
RELATIVE_RE = re.compile(
    rf"(?P<word>今年|明年|去年|本年度?|(?<![\d{_CN_DIGIT}十两年今明去本每近])年)(?P<end>底|末|内)?"
)
# Chinese-numeral durations are only durations after these words; otherwise
# 统一年度 or 三年行动计划 would turn into spans of time.
_DURATION_LEADS = ("通过", "经过", "用", "再用", "提前", "近", "连续", "未来", "历时", "花")

_DEADLINE_BEFORE_RE = re.compile(r"(?:(?<!截)(?<!截止)(?:到|至)|(?:力争|争取|确保|计划)(?:在|于)?)$")
_BASELINE_BEFORE_RE = re.compile(r"(?:截至|截止)(?:到)?$")
_DEADLINE_AFTER_RE = re.compile(r"^(?:前|以前|之前)")
_BASELINE_AFTER_RE = re.compile(r"^以来")
_ISSUED_AFTER_RE = re.compile(r"^(?:印发|签发|发布)")
_WEB_HEADER_RE = re.compile(r"来源|发布时间|发布日期|发布于")
_SEGMENT_START_RE = re.compile(r"(?:^|[，。；：！？\n,;:])$")


def _year_value(text: str) -> int:
    return int(text) if text.isdigit() else parse_chinese_integer(text)


def _small_value(text: str) -> int:
    return int(text) if text.isdigit() else parse_chinese_integer(text)


def _number_value(text: str) -> float:
    return float(text) if text[0].isdigit() else float(parse_chinese_integer(text))


def _iso(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _plan_years(n: int) -> tuple[int, int]:
    """First and last year of the n-th Five-Year Plan (1963–65 was a gap)."""
    first = 1953 + 5 * (n - 1) if n <= 2 else 1966 + 5 * (n - 3)
    return first, first + 4


def _plausible_year(year: int) -> bool:
    return 1900 <= year <= 2100


# Each builder turns one regex match into (kind, start_date, end_date,
# duration_min, duration_max), or None when the match is not a real date.
Built = tuple[str, str | None, str | None, float | None, float | None]


def _build_day(match: re.Match, kind: str = "date") -> Built | None:
    year, month = _year_value(match["y"]), _small_value(match["m"])
    day = _small_value(match["d"])
    if not (_plausible_year(year) and 1 <= month <= 12 and 1 <= day <= _last_day(year, month)):
        return None
    return kind, _iso(year, month, day), _iso(year, month, day), None, None


def _build_month(match: re.Match) -> Built | None:
    year, month = _year_value(match["y"]), _small_value(match["m"])
    if not (_plausible_year(year) and 1 <= month <= 12):
        return None
    return "month", _iso(year, month, 1), _iso(year, month, _last_day(year, month)), None, None


def _build_year_range(match: re.Match) -> Built | None:
    first, last = _year_value(match["y"]), _year_value(match["y2"])
    if not (_plausible_year(first) and _plausible_year(last) and first < last):
        return None
    return "period", _iso(first, 1, 1), _iso(last, 12, 31), None, None


def _build_year_end(match: re.Match) -> Built | None:
    year = _year_value(match["y"])
    return ("year_end", _iso(year, 12, 31), _iso(year, 12, 31), None, None) if _plausible_year(year) else None


def _build_year(match: re.Match) -> Built | None:
    year = _year_value(match["y"])
    return ("year", _iso(year, 1, 1), _iso(year, 12, 31), None, None) if _plausible_year(year) else None


def _build_plan(match: re.Match) -> Built | None:
    n = 10 + _small_value(match["n"])
    first, last = _plan_years(n)
    if match["suffix"] == "末":
        return "year_end", _iso(last, 12, 31), _iso(last, 12, 31), None, None
    return "period", _iso(first, 1, 1), _iso(last, 12, 31), None, None


def _build_plan_long(match: re.Match) -> Built | None:
    first, last = _plan_years(_small_value(match["n"]))
    return "period", _iso(first, 1, 1), _iso(last, 12, 31), None, None


def _build_duration(match: re.Match) -> Built | None:
    chinese = not match["a"][0].isdigit()
    if chinese and not match.string[: match.start()].endswith(_DURATION_LEADS):
        return None
    if match["a"].startswith("0"):
        return None
    low = _number_value(match["a"])
    high = _number_value(match["b"]) if match["b"] else low
    per_year = 12.0 if match["unit"] == "个月" else 1.0
    if not 0 < low <= high:
        return None
    return "duration", None, None, low / per_year, high / per_year


PATTERNS = (
    (DATETIME_RE, lambda m: _build_day(m, "datetime")),
    (ISO_DATE_RE, _build_day),
    (FULL_DATE_RE, _build_day),
    (MONTH_RE, _build_month),
    (YEAR_RANGE_RE, _build_year_range),
    (YEAR_END_RE, _build_year_end),
    (YEAR_RE, _build_year),
    (FIVE_YEAR_PLAN_RE, _build_plan),
    (FIVE_YEAR_PLAN_LONG_RE, _build_plan_long),
    (DURATION_RE, _build_duration),
)


def _build_relative(match: re.Match, reference_year: int) -> Built:
    word, end = match["word"], match["end"]
    year = reference_year + {"明年": 1, "去年": -1}.get(word, 0)
    if end in ("底", "末"):
        return "year_end", _iso(year, 12, 31), _iso(year, 12, 31), None, None
    return "year", _iso(year, 1, 1), _iso(year, 12, 31), None, None


def _candidates(text: str, reference_year: int | None) -> Iterator[tuple[int, int, Built]]:
    for pattern, build in PATTERNS:
        for match in pattern.finditer(text):
            built = build(match)
            if built is not None:
                yield match.start(), match.end(), built
    if reference_year is not None:
        for match in RELATIVE_RE.finditer(text):
            if match["word"] == "年" and not match["end"]:
                continue  # a bare 年 is not a date
            yield match.start(), match.end(), _build_relative(match, reference_year)


def _line_of(text: str, start: int, end: int) -> str:
    return text[text.rfind("\n", 0, start) + 1 : (text.find("\n", end) + 1 or len(text) + 1) - 1]


def _role(text: str, start: int, end: int, kind: str, start_date: str | None,
          reference_year: int | None) -> str:
    """Decide what the date does from the words right around it."""
    before, after = text[max(0, start - 6) : start], text[end : end + 4]
    line = _line_of(text, start, end).strip()
    if kind == "datetime" or (kind == "date" and _WEB_HEADER_RE.search(line)):
        return "published"
    if kind == "date" and (
        line in (text[start:end], f"({text[start:end]})") or _ISSUED_AFTER_RE.match(after)
        or (before.endswith("(") and after.startswith(")"))
    ):
        return "issued"
    if _BASELINE_BEFORE_RE.search(before) or _BASELINE_AFTER_RE.match(after):
        return "baseline"
    if kind == "duration":
        # The time allowed to reach the goals (力争通过3—5年努力) is a deadline.
        return "deadline" if _EFFORT_RE.search(before) and after.startswith("努力") else "reference"
    if _DEADLINE_BEFORE_RE.search(before) or _DEADLINE_AFTER_RE.match(after):
        return "deadline"
    # A past year opening a clause reports a figure: 2020年全省数字经济增加值…
    if (
        reference_year is not None and start_date is not None
        and kind in ("year", "year_end", "month", "date")
        and int(start_date[:4]) < reference_year
        and _SEGMENT_START_RE.search(text[:start])
    ):
        return "baseline"
    return "reference"


_EFFORT_RE = re.compile(r"(?:通过|经过|用)$")


def find_dates(text: str, reference_year: int | None = None) -> Iterator[DateHit]:
    """Find the dates in one clause of canonical text, left to right.

    Overlapping candidates resolve to the earliest, then the longest
    (2025年12月31日 is one date, not a year and a date).

    Args:
        text: canonical text of one clause.
        reference_year: the document's issue year, used for 今年/明年/年底
            and to call a past year opening a clause a baseline. Relative
            words are skipped when it is None.

    Example:
        >>> [(h.text, h.kind, h.role, h.end_date) for h in find_dates("到2027年，算力总规模达到40EFLOPS")]
        [('2027年', 'year', 'deadline', '2027-12-31')]
    """
    candidates = sorted(_candidates(text, reference_year), key=lambda c: (c[0], c[0] - c[1]))
    taken_until = 0
    for start, end, (kind, start_date, end_date, low, high) in candidates:
        if start < taken_until:
            continue
        taken_until = end
        role = _role(text, start, end, kind, start_date, reference_year)
        yield DateHit(start, end, text[start:end], kind, role, start_date, end_date, low, high)

"""Find dates, years, plan periods and durations in canonical policy text.

``find_dates`` is a pure function: the reference year for relative words
(今年, 明年, 上年, 次年, 年底, a month without a year) is an argument taken
from the document's own date, never the clock.

Conventions:

- ``start_date``/``end_date`` are ISO ``YYYY-MM-DD`` strings, both inclusive.
  A year covers Jan 1..Dec 31, a month its first..last day.
- ``year_end`` (2020年底, 年末, “十四五”末) is the single day Dec 31..Dec 31, and
  ``month_end`` (6月底, 三月末) the last day of its month: "截至2020年底" and
  "到2025年底" both name that day, and a one-day span keeps deadlines
  comparable with full dates.
- Spans shorter than a year are ``period``: 上半年 (Jan 1..Jun 30), 一季度,
  前三季度, 7月下旬 (21..31), 2023年1-9月, 3月1日至3月31日. 年初 is January,
  年中 June..July, 年内 the whole year.
- A month or season without a year takes the last year written before it in
  the clause (2023年1月…3月底前), else the reference year. After 每年/每季度
  it recurs: kind and role only, no dates.
- Five-Year Plans: the n-th plan (n >= 3) starts in 1966 + 5(n-3), so
  十三五 = 2016..2020, 十四五 = 2021..2025, 十五五 = 2026..2030.
- ``duration`` (3—5年, 6个月, 十五个工作日, 48小时, 两年半) has no dates; it
  keeps ``duration_value`` (the lower value of a range) and
  ``duration_unit`` (年, 月, 周, 日, 工作日, 小时, 分钟; 个月 → 月, 天 → 日),
  and for years and months ``duration_min_years``/``duration_max_years``.
- ``datetime`` keeps the date only; the time stays in ``text``.

Roles: ``deadline`` (到…年, 力争, …前, …底前, 年内, a time limit: …内, 应当…,
超过…), ``baseline`` (截至, 以来, a past year opening a clause), ``issued``,
``published``, ``effective`` (自…起施行), ``expires`` (有效期至…),
``reference`` otherwise (a retention period 保存3年 is a reference).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Iterator

from pipeline.chinese import HAN, numeral_value, parse_chinese_integer
from pipeline.extract.anchored import AnchoredPattern, ends_with, held_class
from pipeline.metadata import is_issuer_line

KINDS = ("date", "month", "month_end", "year", "year_end", "period", "duration", "datetime")
ROLES = ("deadline", "baseline", "issued", "published", "effective", "expires", "reference")
DURATION_UNITS = ("年", "月", "周", "日", "工作日", "小时", "分钟")


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
    duration_value: float | None = None
    duration_unit: str | None = None


_CN_DIGIT = "〇零○一二三四五六七八九"
_YEAR = rf"(?:(?<![\d.])\d{{4}}|(?<![{_CN_DIGIT}十])[{_CN_DIGIT}]{{4}})"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_AMONTH = r"(?:1[0-2]|0?[1-9])"
_CMONTH = r"(?:十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_RANGE_SEP_CHARS = "—–\\-－～~至到"
_RANGE_SEP = rf"(?:——|[{_RANGE_SEP_CHARS}])"
_SMALL_NUMBER_CHARS = "一二两三四五六七八九十百"
_SMALL_NUMBER = rf"(?:\d{{1,3}}(?:\.\d)?|[{_SMALL_NUMBER_CHARS}]{{1,4}})"
_RELATIVE_YEAR = r"(?:今年|明年|去年|上一?年度?|次年|本年度?|当年)"
_MONTH_SUFFIX = r"(?:份|底|末|初|上旬|中旬|下旬)"

# Each pattern names a character all its matches hold and how far into a match it can come
# (pipeline.extract.anchored): a year is the 4 characters before its 年, a month at most 2
# before its 月, and _RELATIVE_YEAR at most 4 (上一年度).
DATETIME_RE = AnchoredPattern(
    r"(?<![\d.])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?",
    anchors="-", lead=4,
)
ISO_DATE_RE = AnchoredPattern(r"(?<![\d.\-/])(?P<y>\d{4})([-/])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?![\d\-/])",
                              anchors="-/", lead=4)
# 3月1日至3月31日, 2024年3月1日至31日, 2024年3月1日—2025年2月28日
DATE_RANGE_RE = AnchoredPattern(
    rf"(?:(?P<y>{_YEAR})年|(?<![\d年]))(?P<m>{_MONTH})月(?P<d>{_DAY})[日号]起?{_RANGE_SEP}"
    rf"(?:(?P<y2>{_YEAR})年)?(?:(?P<m2>{_MONTH})月)?(?P<d2>{_DAY})[日号]",
    anchors="月", lead=5 + 2,
)
FULL_DATE_RE = AnchoredPattern(rf"(?P<y>{_YEAR})年(?P<m>{_MONTH})月(?P<d>{_DAY})[日号]", anchors="年", lead=4)
# A month and day without a year: 4月15日前 (the year comes from the context).
SHORT_DATE_RE = AnchoredPattern(
    rf"(?:(?P<rel>{_RELATIVE_YEAR})|(?<![\d年个]))(?P<m>{_MONTH})月(?P<d>{_DAY})[日号]", anchors="月", lead=4 + 2
)
MONTH_RANGE_RE = AnchoredPattern(rf"(?P<y>{_YEAR})年(?P<m>{_MONTH}){_RANGE_SEP}(?P<m2>{_MONTH})月(?:份)?",
                                 anchors="年", lead=4)
MONTH_RE = AnchoredPattern(rf"(?P<y>{_YEAR})年(?P<m>{_MONTH})月(?P<suffix>{_MONTH_SUFFIX})?(?![{_CN_DIGIT}十\d])",
                           anchors="年", lead=4)
# Months without a year: Arabic ones alone (11月), Chinese ones only with a
# suffix or 前 (三月底前), so that 一月一调度 stays text.
BARE_MONTH_RE = AnchoredPattern(
    rf"(?:(?P<rel>{_RELATIVE_YEAR})|(?<![\d个{_CN_DIGIT}十每]))"
    rf"(?:(?P<am>{_AMONTH})月(?P<asuffix>{_MONTH_SUFFIX})?|(?P<cm>{_CMONTH})月(?P<csuffix>{_MONTH_SUFFIX}|(?=前|之前|以前)))"
    rf"(?![{_CN_DIGIT}十\d日号])",
    anchors="月", lead=4 + 2,
)
# The 半 or 季 of the season comes at most 2 characters after its year (2024年, 5) or 上一年度 (4).
SEASON_RE = AnchoredPattern(
    rf"(?:(?P<y>{_YEAR})年|(?P<rel>{_RELATIVE_YEAR}))?"
    r"(?P<season>上半年|下半年|前三季度|前[两二]季度|第?[一二三四1-4]季度|[一二三四1-4]季度)(?:末|底)?",
    anchors="半季", lead=5 + 2,
)
YEAR_RANGE_RE = AnchoredPattern(rf"(?P<y>{_YEAR})年?{_RANGE_SEP}(?P<y2>{_YEAR})年",
                                anchors=_RANGE_SEP_CHARS, lead=4 + 1)
YEAR_END_RE = AnchoredPattern(rf"(?P<y>{_YEAR})年(?:底|末)", anchors="年", lead=4)
YEAR_RE = AnchoredPattern(rf"(?P<y>{_YEAR})年度?", anchors="年", lead=4)
# 十四五 with optional quotes and 时期/期间/末; 第十四个五年规划 spelled out.
FIVE_YEAR_PLAN_RE = AnchoredPattern(
    r"(?<![一二三四五六七八九十])“?十(?P<n>[一二三四五])五”?(?P<suffix>时期|期间|末)?(?![一二三四五六七八九十])",
    anchors="十", lead=1,
)
# 规划/计划 is required: 向第二个百年奋斗目标进军的第一个五年 is a span, not the 1st plan.
FIVE_YEAR_PLAN_LONG_RE = re.compile(r"第(?P<n>[一二三四五六七八九十]{1,3})个五年(?:规划|计划)")
_DURATION_UNIT_PATTERN = r"个工作日|工作日|个小时|小时|分钟|个月|个星期|周|天|日|年"
# A duration opens with its number.
DURATION_RE = AnchoredPattern(
    rf"(?<![\d.\-—～~×{_CN_DIGIT}十两第每月])(?P<a>{_SMALL_NUMBER})(?:{_RANGE_SEP}(?P<b>{_SMALL_NUMBER}))?"
    rf"(?P<unit>{_DURATION_UNIT_PATTERN})(?P<half>半|(?P<months>{_SMALL_NUMBER})个月)?(?![级度代底末初中年岁])",
    anchors=rf"\d{_SMALL_NUMBER_CHARS}", lead=0,
)
RELATIVE_RE = AnchoredPattern(
    rf"(?P<word>今明两年|今年|明年|去年|上一?年度?|次年|本年度?|当年度?|"
    rf"(?<![\d{_CN_DIGIT}十两年今明去本每近上次当])年)(?P<end>底|末|内|初|中)?",
    anchors="年", lead=3,  # 今明两年
)
# Chinese-numeral years are only durations after these words (or before the
# followers below); otherwise 统一年度 or 三年行动计划 would turn into spans.
_DURATION_LEADS = ("通过", "经过", "用", "再用", "提前", "近", "连续", "未来", "历时", "花", "保存", "期限为", "有效期",
                   "任期", "为期", "期为")
_DURATION_FOLLOWERS = re.compile(r"^(?:内|以内|之内|以上|后|之后|来|时间|左右|翻番|期满|为限|累计|滚动)")
# Units that can only be spans of time, so a Chinese numeral before them is one (十五个工作日).
_UNAMBIGUOUS_UNITS = ("个工作日", "工作日", "个小时", "小时", "分钟", "个月", "个星期")
_UNIT_NAMES = {"个工作日": "工作日", "工作日": "工作日", "个小时": "小时", "小时": "小时", "分钟": "分钟",
               "个月": "月", "个星期": "周", "周": "周", "天": "日", "日": "日", "年": "年"}

# 展望2035年: the horizon of a plan's long-range goals.
_DEADLINE_BEFORE_RE = re.compile(r"(?:(?<!截)(?<!截止)(?:到|至)|(?:力争|争取|确保|计划)(?:在|于)?|展望)$")
_BASELINE_BEFORE_RE = re.compile(r"(?:截至|截止)(?:到)?$")
# 有关任务目标截至2020年 (the head of a 任务分工方案): the horizon of the goals, not a report's date.
_GOAL_HORIZON_BEFORE_RE = re.compile(r"目标(?:任务)?(?:期限)?(?:截至|截止)(?:到)?$")
_DEADLINE_AFTER_RE = re.compile(r"^(?:前|以前|之前|底前|完成|内完成)")
_BASELINE_AFTER_RE = re.compile(r"^以来")
# The base year of a comparison: 从2012年的, 相比2012年, 比2012年, 较2012年, 与2012年相比.
_COMPARED_BEFORE_RE = re.compile(r"(?:从|由|相比|相较|比|较|与|同)$")
_ISSUED_AFTER_RE = re.compile(r"^(?:印发|签发|发布)")
# What may follow a signature's date on its line: nothing, or a bracketed note ((此件公开发布), (本文有删减)).
_SIGNATURE_END_RE = re.compile(r"[ \t]*(?:$|\n|[(（])")
# A law's adoption or promulgation line: 2020年12月24日 浙江省…会议通过, 2019年4月26日 国务院令第716号公布.
_PROMULGATION_REST_RE = re.compile(r"^[^。；，\n]{0,60}?(?:通过|公布|颁布|发布|批准)[)）]?$")
# 自公布之日起施行: the day is the document's own promulgation (公布, 发布, 颁布) or issue (印发, 签发) date.
DOCUMENT_DAY_RE = AnchoredPattern(r"(?<=自)(?P<word>公布|发布|颁布|印发|签发|下发)之日(?=起)", anchors="之", lead=2)


def uses_document_days(text: str) -> bool:
    """Whether ``find_dates(text, ...)`` reads its ``issued`` / ``published`` days (自印发之日起)."""
    return DOCUMENT_DAY_RE.search(text) is not None
_EFFECTIVE_RE = re.compile(r"^(?:起|之日起)?(?:施行|实施|执行|生效|正式施行|正式实施)")
_EXPIRES_BEFORE_RE = re.compile(r"有效期(?:至|到|截至)$")
_GOAL_AFTER_RE = re.compile(r"(?:[^，。；：]{0,14})(?:预期目标|发展目标|目标任务|主要目标)")
# A plan's own name: 实现“十四五”规划目标任务 names the plan period, it sets no deadline.
_PLAN_NAME_AFTER_RE = re.compile(r"”?(?:规划|计划)")
# The plan part of a work report is headed by its year: 二、2024年工作安排.
_PLAN_HEADING_AFTER_RE = re.compile(r"(?:工作安排|重点工作|工作任务|主要任务)")
_HEADING_BEFORE_RE = re.compile(r"(?:^|\n)\s*(?:[一二三四五六七八九十]+、)?\s*$")
_WEB_HEADER_RE = re.compile(r"来源|发布时间|发布日期|发布于")
_DATELINE_RE = re.compile(rf"(?:新华社|中新社|中国新闻社|人民日报|央视网|人民网)[{HAN}]{{0,8}}$")
_SEGMENT_START_RE = re.compile(r"(?:^|[，。；：！？\n,;:])$")
_EFFORT_RE = re.compile(r"(?:通过|经过|用)$")
# Time limits: after 内, in an obligation (应当…), or when exceeded (超过…).
_LIMIT_AFTER_RE = re.compile(r"^(?:内|以内|之内)")
_LIMIT_BEFORE_RE = re.compile(r"(?:超过|逾|至少提前|提前|不超过)$")
_OBLIGATION_RE = re.compile(r"应当|必须|须在|应在|应于")
_RETENTION_BEFORE_RE = re.compile(r"(?:保存|保留|有效期|期限为|期限)(?:至少|不少于|不得少于)?$")
# What is to be done in a year: 2021年基本完成…, 2021年，…产量达到…
_TO_DO_RE = re.compile(r"[，,]?[^。；，,]{0,16}?(?:基本完成|全面完成|完成|建成|建设|实现|达到|创建|启动|开工|保持|力争|确保)")
_RECURRING_RE = re.compile(r"每年|每季度|每半年|每月|年度")


# Years, months, days and plan numbers, in Arabic digits or a Chinese numeral.
_year_value = _small_value = numeral_value


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


@dataclass(frozen=True, slots=True)
class _Built:
    kind: str
    start_date: str | None = None
    end_date: str | None = None
    low: float | None = None
    high: float | None = None
    value: float | None = None
    unit: str | None = None


class _Context:
    """The year a month or season without one belongs to: the last year written before it, else the reference."""

    def __init__(self, text: str, reference_year: int | None, reported_year: int | None = None) -> None:
        self.text = text
        self.reference_year = reference_year
        # The year under discussion (a review's year): 上年, 当年, 次年, 年底 and bare months count from it;
        # 今年, 去年, 明年 count from the document's own year.
        self.anaphoric_year = reported_year if reported_year is not None else reference_year
        self.years = sorted(
            (m.start(), _year_value(m["y"])) for m in YEAR_RE.finditer(text) if _plausible_year(_year_value(m["y"]))
        )

    def year_at(self, pos: int, relative: str | None) -> int | None:
        if relative:
            return self.relative_year(relative)
        sentence = max(self.text.rfind(c, 0, pos) for c in "。；\n") + 1
        if _RECURRING_RE.search(self.text, sentence, pos):
            return None  # 每年三月底前: no single date
        earlier = [year for start, year in self.years if start < pos]
        return earlier[-1] if earlier else self.anaphoric_year

    def relative_year(self, word: str) -> int | None:
        deictic = word.startswith(("今", "明", "去"))
        return _relative_year(word, self.reference_year if deictic else self.anaphoric_year)


def _relative_year(word: str, reference_year: int | None) -> int | None:
    if reference_year is None:
        return None
    if word.startswith(("明", "次")):
        return reference_year + 1
    if word.startswith(("去", "上")):
        return reference_year - 1
    return reference_year


def _month_span(year: int | None, month: int, suffix: str | None) -> _Built | None:
    if not 1 <= month <= 12:
        return None
    kind = "month_end" if suffix in ("底", "末") else ("period" if suffix and "旬" in suffix else "month")
    if year is None:
        return _Built(kind)
    last = _last_day(year, month)
    if kind == "month_end":
        return _Built(kind, _iso(year, month, last), _iso(year, month, last))
    if kind == "period":
        first_day, last_day = {"上旬": (1, 10), "中旬": (11, 20), "下旬": (21, last)}[suffix]
        return _Built(kind, _iso(year, month, first_day), _iso(year, month, last_day))
    return _Built(kind, _iso(year, month, 1), _iso(year, month, last))


def _build_day(match: re.Match, context: _Context, kind: str = "date") -> _Built | None:
    year, month = _year_value(match["y"]), _small_value(match["m"])
    day = _small_value(match["d"])
    if not (_plausible_year(year) and 1 <= month <= 12 and 1 <= day <= _last_day(year, month)):
        return None
    return _Built(kind, _iso(year, month, day), _iso(year, month, day))


def _build_short_date(match: re.Match, context: _Context) -> _Built | None:
    year = context.year_at(match.start(), match["rel"])
    month, day = _small_value(match["m"]), _small_value(match["d"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year is None:
        return _Built("date")
    if day > _last_day(year, month):
        return None
    return _Built("date", _iso(year, month, day), _iso(year, month, day))


def _build_date_range(match: re.Match, context: _Context) -> _Built | None:
    year = _year_value(match["y"]) if match["y"] else context.year_at(match.start(), None)
    month, day = _small_value(match["m"]), _small_value(match["d"])
    year2 = _year_value(match["y2"]) if match["y2"] else year
    month2 = _small_value(match["m2"]) if match["m2"] else month
    day2 = _small_value(match["d2"])
    if not (1 <= month <= 12 and 1 <= month2 <= 12 and 1 <= day <= 31 and 1 <= day2 <= 31):
        return None
    if year is None:
        return _Built("period")
    if day > _last_day(year, month) or day2 > _last_day(year2, month2):
        return None
    start, end = _iso(year, month, day), _iso(year2, month2, day2)
    return _Built("period", start, end) if start <= end else None


def _build_month_range(match: re.Match, context: _Context) -> _Built | None:
    year, first, last = _year_value(match["y"]), _small_value(match["m"]), _small_value(match["m2"])
    if not (_plausible_year(year) and 1 <= first < last <= 12):
        return None
    return _Built("period", _iso(year, first, 1), _iso(year, last, _last_day(year, last)))


def _build_month(match: re.Match, context: _Context) -> _Built | None:
    year = _year_value(match["y"])
    if not _plausible_year(year):
        return None
    return _month_span(year, _small_value(match["m"]), match["suffix"] if match["suffix"] not in ("份", "初") else None)


def _build_bare_month(match: re.Match, context: _Context) -> _Built | None:
    month = _small_value(match["am"] or match["cm"])
    suffix = match["asuffix"] or match["csuffix"] or None
    return _month_span(context.year_at(match.start(), match["rel"]), month, suffix if suffix not in ("份", "初") else None)


_SEASONS = {"上半年": (1, 6), "下半年": (7, 12), "前三季度": (1, 9), "前两季度": (1, 6), "前二季度": (1, 6)}


def _build_season(match: re.Match, context: _Context) -> _Built | None:
    season = match["season"]
    if season in _SEASONS:
        first, last = _SEASONS[season]
    else:
        quarter = _small_value(season.lstrip("第")[0])
        first, last = 3 * quarter - 2, 3 * quarter
    if match["y"]:
        year = _year_value(match["y"])
    else:
        year = context.year_at(match.start(), match["rel"])
    if year is None:
        return _Built("period")
    if match.group().endswith(("末", "底")):
        end = _iso(year, last, _last_day(year, last))
        return _Built("month_end", end, end)
    return _Built("period", _iso(year, first, 1), _iso(year, last, _last_day(year, last)))


def _build_year_range(match: re.Match, context: _Context) -> _Built | None:
    first, last = _year_value(match["y"]), _year_value(match["y2"])
    if not (_plausible_year(first) and _plausible_year(last) and first < last):
        return None
    return _Built("period", _iso(first, 1, 1), _iso(last, 12, 31))


def _build_year_end(match: re.Match, context: _Context) -> _Built | None:
    year = _year_value(match["y"])
    return _Built("year_end", _iso(year, 12, 31), _iso(year, 12, 31)) if _plausible_year(year) else None


def _build_year(match: re.Match, context: _Context) -> _Built | None:
    year = _year_value(match["y"])
    return _Built("year", _iso(year, 1, 1), _iso(year, 12, 31)) if _plausible_year(year) else None


def _build_plan(match: re.Match, context: _Context) -> _Built | None:
    n = 10 + _small_value(match["n"])
    first, last = _plan_years(n)
    if match["suffix"] == "末":
        return _Built("year_end", _iso(last, 12, 31), _iso(last, 12, 31))
    return _Built("period", _iso(first, 1, 1), _iso(last, 12, 31))


def _build_plan_long(match: re.Match, context: _Context) -> _Built | None:
    first, last = _plan_years(_small_value(match["n"]))
    return _Built("period", _iso(first, 1, 1), _iso(last, 12, 31))


def _build_duration(match: re.Match, context: _Context) -> _Built | None:
    unit = match["unit"]
    chinese = not match["a"][0].isdigit()
    before, after = match.string[: match.start()], match.string[match.end():]
    if chinese and unit not in _UNAMBIGUOUS_UNITS:
        if not (before.endswith(_DURATION_LEADS) or _DURATION_FOLLOWERS.match(after) or match["half"]):
            return None
        if unit == "日" and not _DURATION_FOLLOWERS.match(after):
            return None
    if unit == "日" and not chinese and not (_DURATION_FOLLOWERS.match(after) or "个" in match.group()):
        return None  # 3日 alone is the day of a date
    if match["a"].startswith("0") or re.search(r"(?:天|日)数(?:达到|达|超过|保持在)?$", before):
        return None  # 优良天数300天以上 counts days, it is not a span of time
    try:
        low = _number_value(match["a"])
        high = _number_value(match["b"]) if match["b"] else low
        extra = 0.5 if match["half"] == "半" else (_number_value(match["months"]) / 12 if match["months"] else 0.0)
    except ValueError:
        return None
    if not 0 < low <= high:
        return None
    name = _UNIT_NAMES[unit]
    if name == "年":
        low, high = low + extra, high + extra
        return _Built("duration", low=low, high=high, value=low, unit=name)
    if name == "月":
        return _Built("duration", low=low / 12, high=high / 12, value=low, unit=name)
    return _Built("duration", value=low, unit=name)


PATTERNS = (
    (DATETIME_RE, lambda m, c: _build_day(m, c, "datetime")),
    (ISO_DATE_RE, _build_day),
    (DATE_RANGE_RE, _build_date_range),
    (FULL_DATE_RE, _build_day),
    (SHORT_DATE_RE, _build_short_date),
    (MONTH_RANGE_RE, _build_month_range),
    (MONTH_RE, _build_month),
    (BARE_MONTH_RE, _build_bare_month),
    (SEASON_RE, _build_season),
    (YEAR_RANGE_RE, _build_year_range),
    (YEAR_END_RE, _build_year_end),
    (YEAR_RE, _build_year),
    (FIVE_YEAR_PLAN_RE, _build_plan),
    (FIVE_YEAR_PLAN_LONG_RE, _build_plan_long),
    (DURATION_RE, _build_duration),
)


def _build_relative(match: re.Match, context: _Context) -> _Built | None:
    word, end = match["word"], match["end"]
    if word == "今明两年":
        year = context.reference_year
        return _Built("period", _iso(year, 1, 1), _iso(year + 1, 12, 31))
    sentence = max(context.text.rfind(c, 0, match.start()) for c in "。；\n") + 1
    if word.startswith(("上", "本")) and _RECURRING_RE.search(context.text, sentence, match.start()):
        return _Built("year")  # 每年…报告上年度…本年度计划: recurring, no single year
    if word.startswith("当"):
        return _Built("year")  # 当年需评估的: the year of each case, not the document's
    year = context.relative_year(word)
    if end in ("底", "末"):
        return _Built("year_end", _iso(year, 12, 31), _iso(year, 12, 31))
    if end == "初":
        return _Built("month", _iso(year, 1, 1), _iso(year, 1, 31))
    if end == "中":
        return _Built("period", _iso(year, 6, 1), _iso(year, 7, 31))
    return _Built("year", _iso(year, 1, 1), _iso(year, 12, 31))


# A clause holding none of the characters some date pattern's matches hold (a third of the
# clauses of the benchmark documents) holds no date: one scan, not seventeen.
_DATE_CHARS = held_class([DOCUMENT_DAY_RE, *(pattern for pattern, _ in PATTERNS), RELATIVE_RE])


def _candidates(text: str, reference_year: int | None,
                document_days: dict[str, str | None],
                reported_year: int | None = None) -> Iterator[tuple[int, int, _Built]]:
    if _DATE_CHARS.search(text) is None:
        return
    context = _Context(text, reference_year, reported_year)
    for match in DOCUMENT_DAY_RE.finditer(text):
        promulgated = match["word"] in ("公布", "发布", "颁布")
        day = (document_days.get("published") or document_days.get("issued")) if promulgated else \
            (document_days.get("issued") or document_days.get("published"))
        yield match.start(), match.end(), _Built("date", day, day)
    for pattern, build in PATTERNS:
        for match in pattern.finditer(text):
            built = build(match, context)
            if built is not None:
                yield match.start(), match.end(), built
    if reference_year is not None:
        for match in RELATIVE_RE.finditer(text):
            if match["word"] == "年" and not match["end"]:
                continue  # a bare 年 is not a date
            if match["word"] == "年" and match["end"] in ("初", "中") and not ends_with(_SEGMENT_START_RE, text, match.start()):
                continue  # 年初/年中 only as a time phrase of its own, not 每年中
            built = _build_relative(match, context)
            if built is not None:
                yield match.start(), match.end(), built


def _signs(text: str, start: int, end: int) -> bool:
    """An organ's name, then the date, closing its line: 国务院2015年5月4日 (a signature run onto one line,
    also after the last sentence: …投资信心。国务院2023年7月25日(本文有删减))."""
    opening = max(text.rfind(c, 0, start) for c in "。！？\n") + 1
    organ = text[opening:start].strip()
    return bool(organ) and is_issuer_line(organ) and _SIGNATURE_END_RE.match(text, end) is not None


def _line_of(text: str, start: int, end: int) -> str:
    return text[text.rfind("\n", 0, start) + 1 : (text.find("\n", end) + 1 or len(text) + 1) - 1]


def _sentence_of(text: str, start: int) -> str:
    first = max(text.rfind(c, 0, start) for c in "。；！？\n") + 1
    ends = [i for i in (text.find(c, start) for c in "。；！？\n") if i >= 0]
    return text[first: min(ends) if ends else len(text)]


def _duration_role(text: str, start: int, end: int) -> str:
    before, after = text[max(0, start - 6): start], text[end: end + 4]
    if _EFFORT_RE.search(before) and after.startswith("努力"):
        return "deadline"  # the time allowed to reach the goals (力争通过3—5年努力)
    if _RETENTION_BEFORE_RE.search(before):
        return "reference"
    if _LIMIT_AFTER_RE.match(after) or re.search(r"(?:超过|逾|至少提前|不超过)$", before):
        return "deadline"
    if _OBLIGATION_RE.search(_sentence_of(text, start)):
        return "deadline"  # 应当至少提前3个月报告
    return "reference"


def _role(text: str, start: int, end: int, kind: str, start_date: str | None,
          reference_year: int | None, end_date: str | None = None, reports_past: bool = False) -> str:
    """Decide what the date does from the words right around it (``reports_past``: the clause reports the past)."""
    before, after = text[max(0, start - 6) : start], text[end : end + 6]
    line = _line_of(text, start, end).strip()
    if kind == "datetime" or (kind == "date" and _WEB_HEADER_RE.search(line)):
        return "published"
    if kind == "date" and after.startswith("电") and _DATELINE_RE.search(text[max(0, start - 16):start]):
        return "published"  # 新华社北京2月13日电: a news agency's dateline
    if kind == "date" and (
        line in (text[start:end], f"({text[start:end]})") or _ISSUED_AFTER_RE.match(after)
        or (line.startswith((text[start:end], f"({text[start:end]}"))
            and _PROMULGATION_REST_RE.match(line[line.index(text[start:end]) + end - start:]))
        or (before.endswith("(") and after.startswith(")"))
        or _signs(text, start, end)
    ):
        return "issued"
    if kind == "duration":
        return _duration_role(text, start, end)
    if before.endswith("自") and _EFFECTIVE_RE.match(after):
        return "effective"
    if _EXPIRES_BEFORE_RE.search(before):
        return "expires"
    if _GOAL_HORIZON_BEFORE_RE.search(text[max(0, start - 10):start]):
        return "deadline"
    if _BASELINE_BEFORE_RE.search(before) or _BASELINE_AFTER_RE.match(after):
        return "baseline"
    past = reference_year is not None and start_date is not None and int(start_date[:4]) < reference_year
    if past and kind in ("year", "year_end", "month", "month_end", "date") and (
            _COMPARED_BEFORE_RE.search(before) or _DEADLINE_BEFORE_RE.search(before)):
        return "baseline"  # 从2012年的…增加到2021年的…, 相比2012年: a report's years
    if _DEADLINE_BEFORE_RE.search(before) or _DEADLINE_AFTER_RE.match(after):
        return "deadline"
    if text[start:end].endswith("内") or (_GOAL_AFTER_RE.match(text, end, end + 22)
                                          and not (kind == "period" and _PLAN_NAME_AFTER_RE.match(text, end))):
        return "deadline"  # 年内完成; 今年发展主要预期目标是
    if (kind == "year" and reference_year is not None and start_date is not None
            and int(start_date[:4]) >= reference_year and _PLAN_HEADING_AFTER_RE.match(text, end)
            and _HEADING_BEFORE_RE.search(text[max(0, start - 12):start])):
        return "deadline"  # 二、2024年工作安排
    # A plan period already over, opening a clause, reports: “十三五”时期，现代农业建设取得重大进展.
    if (kind == "period" and reference_year is not None and end_date is not None
            and int(end_date[:4]) < reference_year and ends_with(_SEGMENT_START_RE, text, start)):
        return "baseline"
    # This year or a later one opening a sentence, with what is to be done: 2021年建设1亿亩…农田.
    if (kind == "year" and reference_year is not None and start_date is not None
            and int(start_date[:4]) >= reference_year and ends_with(_SEGMENT_START_RE, text, start)
            and _TO_DO_RE.match(text, end, end + 24)):
        return "deadline"
    # A past year opening a clause reports a figure: 2020年全省数字经济增加值…
    if (
        reference_year is not None and start_date is not None
        and kind in ("year", "year_end", "month", "month_end", "date")
        and int(start_date[:4]) < reference_year
        and (reports_past or ends_with(_SEGMENT_START_RE, text, start))
    ):
        return "baseline"  # in a review or 发展基础 every past date reports: 增速2023年8月实现由负转正
    return "reference"


def find_dates(text: str, reference_year: int | None = None, *, past: bool = False,
               reported_year: int | None = None, issued: str | None = None,
               published: str | None = None) -> Iterator[DateHit]:
    """Find the dates in one clause of canonical text, left to right.

    Overlapping candidates resolve to the earliest, then the longest
    (2025年12月31日 is one date, not a year and a date).

    Args:
        text: canonical text of one clause.
        reference_year: the document's own year (from its issue or publish
            date), used for 今年/明年/上年/年底, for months without a year,
            and to call a past year opening a clause a baseline. Relative
            words are skipped when it is None.
        past: the clause reports the past (a work report's review, 发展基础):
            every past year, month or day in it is a baseline.
        reported_year: the year a work report's review covers; the words
            that refer back to the year under discussion count from it (较上年
            in a 2024 report's review is 2022, its 年底 is 2023's), while 今年,
            去年 and 明年 count from ``reference_year``.
        issued, published: the document's own issue and promulgation dates
            (ISO), the day of 自印发之日起 / 自公布之日起施行.

    Example:
        >>> [(h.text, h.kind, h.role, h.end_date) for h in find_dates("到2027年，算力总规模达到40EFLOPS")]
        [('2027年', 'year', 'deadline', '2027-12-31')]
        >>> [(h.text, h.kind, h.role, h.end_date) for h in find_dates("今年6月底前完成", 2024)]
        [('今年6月底', 'month_end', 'deadline', '2024-06-30')]
        >>> [(h.duration_value, h.duration_unit, h.role) for h in find_dates("应当在十五个工作日内答复")]
        [(15.0, '工作日', 'deadline')]
    """
    document_days = {"issued": issued, "published": published}
    candidates = sorted(_candidates(text, reference_year, document_days, reported_year),
                        key=lambda c: (c[0], c[0] - c[1]))
    taken_until = 0
    for start, end, built in candidates:
        if start < taken_until:
            continue
        taken_until = end
        role = _role(text, start, end, built.kind, built.start_date, reference_year, built.end_date, past)
        yield DateHit(start, end, text[start:end], built.kind, role, built.start_date, built.end_date,
                      built.low, built.high, built.value, built.unit)

"""Find quantitative targets and reported baseline figures in policy text.

``find_targets`` is a pure function over the canonical text of one clause.

Decisions a researcher should know:

- Comparators: 达到/达/以上/不少于/不低于/提高到 → ``>=``; 超过/超/突破/逾/N余/N多 →
  ``>``; 不超过/不高于/以下/以内/控制在/降至 → ``<=`` (以下/以内 include the
  number, as in Chinese legal usage); 低于/少于/不足 → ``<``; 左右/约/近 → ``~``;
  3—5个 → ``range``; a bare figure → ``=``. A suffix (左右, 以上) overrides a
  prefix (达到45%左右 is ``~``). In a baseline, 达/达到 report a value and
  give ``=``.
- ``value`` is the numeral as written and ``unit`` the unit as written with
  its magnitude (2万亿元 → 2, ``万亿元``); ``value_base``/``base_unit`` follow
  ``numbers``. For a range, ``value_base`` converts the lower bound.
- 翻番/翻一番/倍增 → value 2, unit ``倍``, comparator ``>=``; 翻两番 → 4.
- Not targets: numbers glued to letters or ``+`` (5G, IPv6, 4K, “123+N”),
  ordinals (第三), rankings (前10), leading zeros (03专项), figures inside
  parenthetical glosses, numbers followed by 年/月/版/大/强 (dates, versions,
  世界500强, 十大工程), and any number with neither a unit nor a comparator.
  Chinese numerals only count with a unit and a comparator (十余个), so
  两个方向 and “二十条” stay text.
- ``kind``: the nearest cue before the figure in its sentence decides — a
  deadline (到2025年, 2025年前), a plan period (“十四五”期间) or 力争/确保 make a
  target; 截至, 以来, 近年来 or a past year opening the clause make a
  baseline; 累计/已建成 count only when nothing stronger is in the sentence.
  With no cue, the previous sentences of the paragraph decide, else
  ``default_kind`` (pass ``"baseline"`` for clauses under 发展基础).
- ``deadline_year``: the last deadline before the figure in its paragraph,
  else the ``deadline_year`` argument; always None for baselines.
- ``indicator``: the noun phrase before the comparator, with time scopes,
  力争/全省/累计 and leading verbs (打造, 建设, …) removed; 新增/新建/每年 are
  kept because they change what is counted. For counts and shares followed by
  a noun (建设3—5个大数据产业基地, 80%行政村通5G) it is the phrase after.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Iterator

from pipeline.chinese import HAN, SENTENCE_END
from pipeline.extract.anchored import AnchoredPattern, ends_with, held_class, opening_guarded
from pipeline.extract.dates import DateHit, find_dates
from pipeline.extract.indicators import match_indicator
from pipeline.extract.numbers import (
    BASE_UNIT_PATTERN, FRACTION_PATTERN, MAGNITUDE_PATTERN, MAGNITUDES, NUMBER_PATTERN, NUMERAL_START_CHARS,
    is_arabic, lookup_unit, parse_decimal, to_base,
)

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
KINDS = ("target", "baseline", "parameter")

COMPARATOR_PREFIXES = MappingProxyType({
    "不少于": ">=", "不低于": ">=", "不小于": ">=", "达到": ">=", "达": ">=",
    "提高到": ">=", "提高至": ">=", "提升到": ">=", "提升至": ">=",
    "增加到": ">=", "增加至": ">=", "增长到": ">=", "增长至": ">=", "增至": ">=",
    "扩大到": ">=", "扩大至": ">=",
    "超过": ">", "超": ">", "突破": ">", "高于": ">", "大于": ">", "多于": ">", "逾": ">",
    "不超过": "<=", "不高于": "<=", "不大于": "<=", "不多于": "<=", "控制在": "<=",
    "降低到": "<=", "降低至": "<=", "下降到": "<=", "下降至": "<=", "降到": "<=",
    "降至": "<=", "压缩到": "<=", "压缩至": "<=", "缩短到": "<=", "缩短至": "<=",
    "低于": "<", "少于": "<", "小于": "<", "不足": "<",
    "接近": "~", "约": "~", "近": "~",
    "达到或超过": ">=", "至少": ">=", "最低": ">=", "不少于": ">=",
    "最高": "<=", "最多": "<=", "最高可至": "<=", "最高可达": "<=", "最高不超过": "<=", "最高达": "<=",
})
COMPARATOR_SUFFIXES = MappingProxyType({
    "以上": ">=", "及以上": ">=", "以下": "<=", "及以下": "<=", "以内": "<=", "左右": "~", "上下": "~", "内": "<",
})
# Characters that turn a comparator word into part of another word:
# 下达 (issue funds), 节约 (save), 附近 (nearby), 赶超 (catch up).
_PREFIX_SPOILERS = MappingProxyType({"达": "下传表抵送通转到发雷", "约": "节制契合公签预规", "近": "附最", "超": "赶",
                                     "至少": "", "最高": "", "最多": "", "最低": ""})
# In a report these state the figure reached (增至62家 is 62), not a floor.
_REACHED = frozenset({"达", "达到", "增至", "增加到", "增加至", "提高到", "提高至", "提升到", "提升至",
                      "增长到", "增长至", "扩大到", "扩大至"})
# 超过 under a negation (不得超过, 不同时担任超过3个) caps the figure.
_NEGATABLE = frozenset({"超过", "超", "高于", "大于", "多于"})
_NEGATED_BEFORE_RE = re.compile(rf"(?:不得|不能|不应|不宜|严禁|不(?![断仅但少足]))[{HAN}]{{0,6}}$")
DOUBLINGS = MappingProxyType({"翻两番": 4.0, "翻一番": 2.0, "翻番": 2.0, "倍增": 2.0})

_PREFIX_ALT = "|".join(sorted(COMPARATOR_PREFIXES, key=len, reverse=True))
_INCLUSIVE = r"(?:[(（](?:含|不含)[)）])"
# 3—5个, 1万-5万元, 10万—50万元, 3到5亿元, 20%—30%, 5000万元(含)至1亿元(不含).
# A figure holds a numeral, after at most the longest comparator prefix.
VALUE_RE = AnchoredPattern(
    f"(?P<pre>{_PREFIX_ALT})?"
    f"(?P<num>{FRACTION_PATTERN}|{NUMBER_PATTERN})"
    f"(?:(?P<mag1>{MAGNITUDE_PATTERN})?(?P<pct1>%|{BASE_UNIT_PATTERN})?{_INCLUSIVE}?"
    f"(?P<sep>——|[—–\\-－～~至到])(?P<num2>{NUMBER_PATTERN}))?"
    f"(?P<mag>{MAGNITUDE_PATTERN})?"
    "(?P<approx>余|多(?=[个家项万亿人名户套台辆件座所场]))?"
    f"(?P<base>{BASE_UNIT_PATTERN})?"
    f"{_INCLUSIVE}?"
    r"(?:\([A-Za-z]{1,8}\)(?=及以上|及以下|以上|以下|以内|左右))?"  # 1000兆比特/秒(Mbps)以上
    "(?P<post>及以上|及以下|以上|以下|以内|左右|上下|内(?![容部外涵地资需生核置设嵌]))?",
    anchors=NUMERAL_START_CHARS, lead=max(map(len, COMPARATOR_PREFIXES)),
    opens="".join(sorted({prefix[0] for prefix in COMPARATOR_PREFIXES})) + NUMERAL_START_CHARS,
)
DOUBLING_RE = re.compile(r"翻两番|翻一?番|倍增(?!计划|行动|工程|专项)")
# 翻一番多: more than doubled.
_MORE_AFTER_DOUBLING = re.compile(r"多|以上|有余")
# 迈上万亿台阶, 跨越千亿台阶: a milestone is a goal on the magnitude it names.
MILESTONE_RE = re.compile(
    r"(?P<verb>迈上|迈向|跨上|站上|跨越|突破|冲刺)(?P<num>[一二两三四五六七八九十百千]?)"
    r"(?P<mag>万亿|亿|万)元?级?(?:台阶|大关)"
)
_MILESTONE_COMPARATORS = MappingProxyType({"跨越": ">", "突破": ">"})
# 出口带宽扩容至10G (a capacity, not the technology 5G) and 百兆入户.
BANDWIDTH_RE = re.compile(
    r"(?:(?<=带宽)|(?<=带宽达)|(?<=带宽达到))?(?P<pre>扩容至|扩容到|提升至|提升到|提高到|提高至|达到|升级至|升级到)?"
    r"(?P<num>\d+(?:\.\d+)?|[百千])(?P<unit>[TGM]|兆)(?:bps|比特)?(?![A-Za-z0-9])(?P<home>入户|到户)?"
)

# Every figure is a match of one of these; a clause holding none of the characters they hold
# (a numeral, 翻, 倍, 迈, …: a third of the clauses of the benchmark documents) has no figure.
_FIGURE_CHARS = held_class([VALUE_RE, DOUBLING_RE, BANDWIDTH_RE, MILESTONE_RE])

_BAD_BEFORE_NUMBER = re.compile(r"[A-Za-z0-9.+/\-:_第前“×]$")
_LEADING_ZERO_RE = re.compile(r"0\d")
_CLAUSE_OPENING_RE = re.compile(r"(?:^|[，。；：\n])$")
_BAD_AFTER_VALUE = re.compile(r"^(?![/／][年月日人户个家项次])[A-Za-z0-9.+/\-:_×]")
_CJK_RE = re.compile(rf"^[{HAN}]")
_NOUN_START_RE = re.compile(rf"^[{HAN}“A-Za-z]")

_SENTENCE_END = SENTENCE_END + "\n"
_SEGMENT_SEPARATORS = "，。；：！？、\n,;:"
_AFTER_STOPS = "，。；：！？\n,;:"
_LIST_JOINERS = "、和及与"
# After a joiner, these open the next item of a list: 50个A和100个B, 5个A和一批B.
_NEXT_ITEM_RE = re.compile(r"\d|一批|若干|一系列|一些")

STRONG_TARGET_RE = re.compile(r"力争|争取|确保|努力|预计|目标是|目标为|预期目标")
STRONG_BASELINE_RE = re.compile(r"截至|截止|以来|近年来")
# 累计 alone is neutral: 到2025年累计建成5G基站3000个 is a goal.
WEAK_BASELINE_RE = re.compile(r"已经|已(?=建成|开通|达到|实现|完成|超过|突破|形成|覆盖|培育|入选|获批|上线)")
# A time limit written as a quantity (10个工作日内, 24小时内) is a duration in
# the dates table; it is a target only as a stated goal (办理时限压缩至3个工作日).
_TIME_LIMIT_UNITS = frozenset({"小时", "工作日", "个工作日", "天", "周", "分钟"})
# A time span held under or over a fixed bound is a rule's time limit (作业完成时间不超过60分钟),
# unlike a time cut to reach (审评时限压缩至40个工作日以内).
# 至少/最少 before a figure with no goal year: a minimum the text imposes (其他省份至少选择1个地市).
_REQUIRED_MINIMUM_RE = re.compile(rf"(?:至少|最少)[{HAN}]{{0,3}}$")
# Verbs that put in place a quantity written as its order of magnitude (配置千万级感知节点).
_SCALE_VERB_RE = re.compile(r"(?:配置|部署|布设|接入|连接|汇聚|服务|覆盖|支撑)$")
_STATIC_LIMITS = frozenset({"不超过", "不少于", "不低于", "不多于", "不高于", "至少", "最多", "最长"})
# A bound written inside brackets is a rule's condition, not a gloss: 虚拟专用网业务(外资股比不超过50%).
_BRACKETED_LIMITS = frozenset({"不超过", "不少于", "不低于", "不多于", "不高于", "不大于", "不小于", "最高", "最低"})
_OBLIGATION_RE = re.compile(r"应当|必须|须|应在|应于|不得")
# A figure in a conditional clause (…1亿元/年的企业，给予…; 处理1000万人以上个人信息的，;
# 长期雇用5人及以上的网络商户，可…) is the threshold of a rule: the clause ends in 的 or in 的 and the
# party it makes eligible (the ``condition`` heads of quantity_cues.csv).
_CONSEQUENCE_RE = re.compile(r"^(?:给予|可|按|还应当|应当|享受|由|处|予以|纳入|奖励|补助|最高)")
_PER_RE = re.compile(r"每(?:个|家|项|年|人|户|台|套|次|月|季度|平方米|亩|件|名)")
_SCOPE_OPENING_RE = re.compile(r"(?:力争|争取|确保)?(?:到|至|在)?")
_BULLET_RE = re.compile(r"\s*(?:——|--|－－|-|·|•|\d+[.、．]|\(\d+\)|[①-⑳])")

_LEADING_NOISE_RE = re.compile(
    r"^(?:(?:到|至|截至|截止|在|力争到|力争在)?(?:\d{4}年(?:底|末)?(?:前|以前)?|“?十[一二三四五]五”?(?:时期|期间|末)?)"
    r"|力争|争取|确保|努力|预计|全省|全市|全区|我省|我市|累计|其中|同时|并且|以及"
    r"|布局建设|统筹建设|谋划推出|打造|建设|建成|建好|培育|开通|形成|设立|实现|引进|孵化"
    r"|争创|创建|推出|遴选|部署|认定|达到|完成|拥有)"
)
_TRAILING_NOISE_RE = re.compile(r"(?:均|都|将|要|力争|努力|争取|预计|累计|分别|实现|持续|稳定|基本|已经|已|达到)$")
# An indicator that is only a change (同比增长12%) or a joiner (45877元和22990元) names no
# noun of its own: it takes the subject of the figure before it in the same list item.
_CHANGE = r"(?:同比|比上年|较上年|比去年|较去年)?(?:分别|均)?(?:增长|下降|提高|上涨|增加|减少|回落)"
_CHANGE_ONLY_RE = re.compile(rf"^(?:{_CHANGE}|[和及与、])$")
_TRAILING_CHANGE_RE = re.compile(rf"{_CHANGE}$")
_MEASURE_NOUN_RE = re.compile(r"(?:总规模|规模|总量|总额|金额|投资额|投资|资金|比例|比重|占比|数量)$")


@dataclass(frozen=True, slots=True)
class TargetHit:
    """One quantitative goal, reported figure or policy parameter, with offsets into the clause."""

    start: int
    end: int
    text: str
    indicator: str
    comparator: str
    value: float
    value_max: float | None
    unit: str
    value_base: float
    base_unit: str
    deadline_year: int | None
    kind: str
    per: str | None = None
    indicator_id: str | None = None
    indicator_en: str | None = None


@dataclass(frozen=True, slots=True)
class _Draft:
    """A hit before its indicator is settled across neighbouring hits."""

    hit: TargetHit
    before: str  # cleaned phrase before the value
    noun: str  # noun after 的, or after a count/share
    per_year: bool
    own_comparator: bool  # the comparator came from a word next to this figure
    bare: bool  # a bare Arabic number waiting for the unit of the list it ends


@lru_cache(maxsize=1)
def _cue_patterns() -> dict[str, re.Pattern]:
    """Cue regexes by kind and name, from ``resources/quantity_cues.csv``."""
    with (RESOURCES / "quantity_cues.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    parameter = "|".join(f"(?:{row['pattern']})" for row in rows if row["kind"] == "parameter")
    baseline = "|".join(f"(?:{row['pattern']})" for row in rows if row["kind"] == "baseline")
    heads = "|".join(f"(?:{row['pattern']})" for row in rows if row["kind"] == "condition")
    condition = re.compile(rf"^(?:[/／][年月])?[^，。；：]{{0,14}}的(?:[{HAN}]{{0,4}}(?:{heads}))?$")
    # The rows' alternatives open with different words, which re would try at every character.
    return {"parameter": opening_guarded(parameter), "baseline_span": opening_guarded(baseline),
            "condition": condition}


@lru_cache(maxsize=1)
def _not_number_re() -> re.Pattern:
    """Spans whose numbers are labels, formulas or names (``resources/not_numbers.csv``)."""
    with (RESOURCES / "not_numbers.csv").open(encoding="utf-8", newline="") as handle:
        # The rows open with a digit, a numeral or a bracket, which re would try at every character.
        return opening_guarded("|".join(f"(?:{row['pattern']})" for row in csv.DictReader(handle)))


_PAREN_RE = re.compile(r"[()]")


def _paren_depth(text: str, start: int, pos: int) -> int:
    """The brackets opened between ``start`` and ``pos`` and not closed (a stray ")" closes nothing)."""
    depth = 0
    for paren in _PAREN_RE.finditer(text, start, pos):
        if paren.group() == "(":
            depth += 1
        elif depth:
            depth -= 1
    return depth


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _before_phrase(text: str, pos: int, floor: int) -> str:
    """The raw phrase between the previous separator (outside parens) and pos."""
    depth, i = 0, pos
    while i > floor:
        char = text[i - 1]
        if char == ")":
            depth += 1
        elif char == "(" and depth:
            depth -= 1
        elif depth == 0 and char in _SEGMENT_SEPARATORS:
            break
        i -= 1
    return text[i:pos]


def _after_phrase(text: str, pos: int) -> str:
    """The phrase after pos up to a stop, or a list joiner before another figure."""
    depth, i = 0, pos
    while i < len(text):
        char = text[i]
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif depth == 0 and (
            char in _AFTER_STOPS
            or (char in _LIST_JOINERS and _NEXT_ITEM_RE.match(text, i + 1))
        ):
            break
        i += 1
    phrase = text[pos:i]
    if "的" in phrase and _paren_depth(phrase, 0, phrase.rindex("的")) == 0:
        phrase = phrase[phrase.rindex("的") + 1 :]
    return phrase.removesuffix("等").strip()


def _clean_before(phrase: str) -> tuple[str, bool]:
    """Strip time scopes, hedges and leading verbs; report whether 每年 was there."""
    phrase = phrase.strip()
    per_year = "每年" in phrase
    phrase = phrase.replace("每年", "")
    while (match := _LEADING_NOISE_RE.match(phrase)) and match.end() < len(phrase):
        phrase = phrase[match.end():]
    while (match := _TRAILING_NOISE_RE.search(phrase)) and match.start() > 0:
        phrase = phrase[: match.start()]
    if _LEADING_NOISE_RE.fullmatch(phrase) or _TRAILING_NOISE_RE.fullmatch(phrase):
        phrase = ""
    return phrase.strip(), per_year


def _comparator(match: re.Match, pre: str | None) -> str:
    if match["num2"]:
        return "range"
    if match["post"]:
        return COMPARATOR_SUFFIXES[match["post"]]
    if match["approx"]:
        return ">"
    return COMPARATOR_PREFIXES[pre] if pre else "="


def _valid_prefix(text: str, match: re.Match) -> str | None:
    """The comparator prefix, or None when it belongs to another word.

    突破 before a count and its noun is the verb (突破百项关键技术: make 100
    breakthroughs), not "more than" (突破1500亿元).
    """
    pre = match["pre"]
    if pre == "突破" and match["base"] and lookup_unit(_unit_of(match)).is_count \
            and _NOUN_START_RE.match(text[match.end():match.end() + 1]) and not match["post"]:
        return None
    if pre and pre in _PREFIX_SPOILERS and match.start() > 0:
        if text[match.start() - 1] in _PREFIX_SPOILERS[pre]:
            return None
    return pre


def _unit_of(match: re.Match) -> str:
    return (match["mag"] or "") + (match["base"] or "") if (match["mag"] or match["base"]) else \
        (match["mag1"] or "") + (match["pct1"] or "")


def _is_value(text: str, match: re.Match, pre: str | None) -> str | None:
    """``"ok"``, ``"weak"`` (a Chinese count that needs a goal around it), ``"bare"``
    (an Arabic number that may take the unit of its list), or None when it is not a figure."""
    num_start, end = match.start("num"), match.end()
    unit = _unit_of(match)
    fraction = "分之" in match["num"]
    has_comparator = bool(pre or match["post"] or match["approx"])
    # A Chinese numeral with neither unit nor % (the 一 of 进一步, 十四五) is no figure, unless it is a magnitude.
    chinese_bare = not fraction and not is_arabic(match["num"]) and not (match["base"] or match["pct1"])
    if chinese_bare and not _magnitude_figure(text, match, pre):
        return None
    if not all(_reads(parse_decimal, match[group]) for group in ("num", "num2") if match[group]):
        return None  # 十百千家企业: numeral characters that make no number
    if _LEADING_ZERO_RE.match(match["num"]) or (match["num2"] and _LEADING_ZERO_RE.match(match["num2"])):
        return None
    if not pre and ends_with(_BAD_BEFORE_NUMBER, text, num_start):
        return None
    if _BAD_AFTER_VALUE.match(text[end:end + 2]) and not (  # the pattern reads two characters at most
            match["post"] in ("以上", "及以上") and text[end:end + 1].isdigit()):
        return None  # 10万元以上100万元以下 goes on to its upper bound
    if _paren_depth(text, _line_start(text, num_start), num_start) and pre not in _BRACKETED_LIMITS:
        return None  # parenthetical glosses: (每秒10的18次方次浮点运算); a bound is not one: (外资股比不超过50%)
    if fraction or chinese_bare:
        return "ok"
    if not is_arabic(match["num"]) and not (has_comparator or match["num2"]):
        value = parse_decimal(match["num"])
        return "weak" if value >= 10 and lookup_unit(unit).is_count else None
    if not (match["base"] or match["pct1"]):
        # Bare numbers or magnitudes need a comparator and must not run into
        # a word (超过3年, 2.0版, 世界500强, 千亿级).
        if has_comparator and not match["num2"] and (match["post"] or not _CJK_RE.match(text[end:end + 1])):
            return "ok"
        if not has_comparator and not match["num2"] and not match["mag"] and is_arabic(match["num"]) \
                and text[match.end():match.end() + 1] in "、和及与至":
            return "bare"
        return None
    return "ok" if unit else None


def _magnitude_figure(text: str, match: re.Match, pre: str | None) -> bool:
    """千万/百万 written as the figure: 用户超千万 (after a comparator, at the end of its phrase),
    配置千万级感知节点 (a count of the order of ten million; not 千亿级产业集群, a class of money)."""
    if match["num"] not in ("千", "百") or match["mag"] != "万" or match["num2"]:
        return False
    end = match.end()
    if pre and not _CJK_RE.match(text[end:end + 1]):
        return True
    return text.startswith("级", end) and bool(pre or _SCALE_VERB_RE.search(text, 0, match.start()))


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(c, 0, pos) for c in _SENTENCE_END) + 1


def _segment_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    first = max(text.rfind(c, 0, start) for c in "，。；：！？\n,;") + 1
    stops = [i for i in (text.find(c, end) for c in "，。；：！？\n,;") if i >= 0]
    return first, min(stops) if stops else len(text)


def _cues(text: str, deadline_year: int | None, reference_year: int | None,
          dates: Sequence[DateHit] | None = None) -> list[tuple[int, str, int | None, bool]]:
    """(position, "target" | "baseline", deadline year, strong) for every cue.

    ``dates`` are ``find_dates(text, reference_year)`` when the caller has them already.
    """
    cues = []
    for date in find_dates(text, reference_year) if dates is None else dates:
        year = int(date.end_date[:4]) if date.end_date else None
        if date.kind == "duration":
            continue
        if date.role == "deadline":
            cues.append((date.start, "target", year, True))
        elif date.role == "baseline":
            cues.append((date.start, "baseline", None, True))
        elif date.kind == "period" and date.text.endswith(("时期", "期间")) and year is not None:
            kind = "baseline" if reference_year and year < reference_year else "target"
            cues.append((date.start, kind, year if kind == "target" else None, True))
        elif date.kind in ("year", "year_end", "month", "month_end") and year is not None \
                and ends_with(_CLAUSE_OPENING_RE, text, date.start):
            # A bare year opening a clause: future years are deadlines, past ones report.
            horizon = reference_year if reference_year is not None else deadline_year
            if horizon is not None and year >= horizon:
                cues.append((date.start, "target", year, True))
            else:
                cues.append((date.start, "baseline", None, True))
    cues += [(m.start(), "target", None, True) for m in STRONG_TARGET_RE.finditer(text)]
    cues += [(m.start(), "baseline", None, True) for m in STRONG_BASELINE_RE.finditer(text)]
    cues += [(m.start(), "baseline", None, False) for m in WEAK_BASELINE_RE.finditer(text)]
    return sorted(cues)


def _kind_and_deadline(text: str, pos: int, cues: list, deadline_year: int | None,
                       default_kind: str) -> tuple[str, int | None]:
    """Kind from the nearest sentence with cues; deadline from the paragraph, an earlier paragraph for bullets, or the caller."""
    paragraph = _line_start(text, pos)
    sentence_end = pos
    while sentence_end > paragraph:
        sentence = _sentence_start(text, sentence_end)
        inside = [c for c in cues if max(sentence, paragraph) <= c[0] < sentence_end]
        strong = [c for c in inside if c[3]] or inside
        if strong:
            kind = strong[-1][1]
            break
        sentence_end = sentence - 1
    else:
        kind = default_kind
    if kind == "baseline":
        return kind, None
    years = [c[2] for c in cues if paragraph <= c[0] < pos and c[2] is not None]
    if not years and paragraph and _BULLET_RE.match(text, paragraph):
        # A bullet (——, --, 1.) inherits the 到2025年 scope of the lines above it.
        years = [c[2] for c in cues if c[0] < paragraph and c[2] is not None]
        if years and kind == "parameter":
            kind = "target"
    if not years and kind == "target":
        # A paragraph opening with 到2020年， scopes the paragraphs after it (a 发展目标 section).
        years = [c[2] for c in cues if c[0] < paragraph and c[2] is not None
                 and _SCOPE_OPENING_RE.fullmatch(text, _line_start(text, c[0]), c[0])]
    deadline = years[-1] if years else deadline_year
    if kind == "target" and deadline is None and default_kind == "baseline" \
            and not re.search(r"力争|目标", text[_sentence_start(text, pos):pos]):
        # In a review, 争取上级资金53.76亿元 obtained the funds: a hedge word without a goal year reports.
        return "baseline", None
    return kind, deadline


def _value_hits(text: str) -> Iterator[tuple[int, int, re.Match | None, str | None, str]]:
    """(start, end, match, prefix, quality) for figures, and doublings with match None."""
    # The spans of not_numbers.csv, read only as far as the figures need them.
    not_numbers, blocked = _not_number_re().finditer(text), []
    for match in VALUE_RE.finditer(text):
        pre = _valid_prefix(text, match)
        quality = _is_value(text, match, pre)
        if not quality:
            continue
        while not blocked or blocked[-1][0] < match.end():
            span = next(not_numbers, None)
            if span is None:
                break
            blocked.append(span.span())
        if not any(a < match.end() and match.start("num") < b for a, b in blocked):
            start = match.start() if pre else match.start("num")
            yield start, match.end(), match, pre, quality
    for match in DOUBLING_RE.finditer(text):
        yield match.start(), match.end(), None, None, "ok"
    # A bandwidth figure needs 带宽 before it in its segment or 入户/到户 after it.
    bandwidths = BANDWIDTH_RE.finditer(text) if "带宽" in text or "户" in text else ()
    for match in bandwidths:
        segment_start = max(text.rfind(c, 0, match.start()) for c in "，。；：\n") + 1
        arabic = match["num"][0].isdigit()
        if (arabic and match["pre"] and "带宽" in text[segment_start:match.start()]) or (not arabic and match["home"]):
            yield match.start(), match.end("unit"), match, match["pre"], "bandwidth"
    for match in MILESTONE_RE.finditer(text):
        yield match.start("num"), match.end("mag"), match, None, "milestone"


def _reads(parse, written: str) -> bool:
    """Whether ``parse`` (``parse_decimal``, ``lookup_unit``) reads ``written``."""
    try:
        parse(written)
    except (KeyError, ValueError):
        return False
    return True


def _values(match: re.Match) -> tuple[float, float | None, str]:
    """(value, value_max, unit): a range with two magnitudes is written in the first one's unit."""
    unit = _unit_of(match)
    if "分之" in match["num"]:
        fraction = parse_decimal(match["num"])
        per_mille = match["num"].startswith("千分之")
        return float(fraction * (1000 if per_mille else 100)), None, "‰" if per_mille else "%"
    if match["num"] in ("千", "百") and match["mag"] == "万" and not match["base"] and not match["num2"]:
        return 1.0, None, match["num"] + "万"  # 超千万: the magnitude 千万 is the unit, as 万亿 is
    value = float(parse_decimal(match["num"]))
    if not match["num2"]:
        return value, None, unit
    high = parse_decimal(match["num2"])
    first, second = match["mag1"], match["mag"]
    if first and second and first != second:
        high = high * MAGNITUDES[second] / MAGNITUDES[first]
        unit = first + (match["pct1"] or match["base"] or "")
    elif first and not second:
        unit = first + (match["pct1"] or match["base"] or "")
    return value, float(high), unit


def _per(text: str, start: int, end: int) -> str | None:
    """每家企业每年 → ``家/年``; a trailing ``/年`` counts too."""
    segment_start, _ = _segment_bounds(text, start, end)
    units = [m.group()[1:] for m in _PER_RE.finditer(text, segment_start, start)]
    trailing = re.match(r"(?:[(（](?:含|不含)[)）])?[/／]([年月日人户个家项次])", text[end:end + 6])
    if trailing:
        units.append(trailing.group(1))
    return "/".join(units) or None


def _classify(text: str, start: int, end: int, kind: str, default_kind: str, unit: str) -> str:
    """Refine target/baseline with the parameter and baseline-span cues of the figure's own segment."""
    cues = _cue_patterns()
    for span in cues["baseline_span"].finditer(text):
        if span.start() <= start < span.end():
            return "baseline"
    if kind == "baseline":
        return kind
    first, last = _segment_bounds(text, start, end)
    if cues["parameter"].search(text, first, last) and not STRONG_TARGET_RE.search(text, first, start):
        return "parameter"  # …补助资金用于产业发展的比重力争提高到60%: 力争 makes it a goal
    sentence = _sentence_start(text, start)
    if re.search(r"是指|指的是", text[sentence:start]):
        return "parameter"
    rest = text[end:last]
    if cues["condition"].match(rest) and (_CONSEQUENCE_RE.match(text[last + 1:last + 5])
                                            or default_kind == "parameter"):
        return "parameter"
    return kind


def _draft(text: str, start: int, end: int, match: re.Match | None, pre: str | None,
           floor: int, kind: str, deadline: int | None) -> _Draft:
    own = True
    if match is None:
        word = text[start:end]
        value, value_max, unit, comparator = DOUBLINGS[word], None, "倍", ">="
        if _MORE_AFTER_DOUBLING.match(text, end):
            comparator = ">"  # 翻一番多
        elif kind == "baseline":
            comparator = "="  # a report states the doubling reached
    else:
        # 20%—30% writes the unit twice; 3万余家 is unit 万家 (余 is the comparator).
        value, value_max, unit = _values(match)
        comparator = _comparator(match, pre)
        own = comparator != "="
        if comparator == "=" and re.search(rf"最高[{HAN}]{{0,4}}$", text[max(0, start - 8):start]):
            comparator = "<="  # 每年最高补助100万元: a cap
        elif comparator == "=" and text.startswith("级", end):
            comparator = ">="  # 千万级: at least of that order
        elif comparator == "=" and re.search(rf"(?:至少|最少)[{HAN}]{{1,3}}$", text[max(0, start - 6):start]):
            comparator = ">="  # 至少选择1个地市: a floor on what is chosen
        elif comparator == "=" and re.search(r"(?:约|近)占[^，。；]{0,10}$", text[max(0, start - 14):start]):
            comparator = "~"  # 约占全球的四分之三
        elif comparator == ">" and pre in _NEGATABLE and _NEGATED_BEFORE_RE.search(text[max(0, start - 10):start]):
            comparator = "<="  # 不得超过, 不同时担任超过3个: a negated floor is a cap
        if kind == "baseline" and pre in _REACHED:
            comparator = "="  # a report states the figure reached
    try:
        value_base, base_unit = to_base(Decimal(str(value)), unit)
    except KeyError:
        value_base, base_unit = value, "1"
    before, per_year = _clean_before(_before_phrase(text, start, floor))
    noun, following = "", text[end:end + 1]
    if following == "的" or (following == "级" and match is not None and not match["base"]):
        noun = _after_phrase(text, end + 1)  # …的算力网络; 千万级感知节点
    elif match is not None and _NOUN_START_RE.match(following):
        info = lookup_unit(unit) if unit in ("%",) or _known_unit(unit) else None
        if info is not None and (info.is_count or info.base_unit == "%"):
            noun = _after_phrase(text, end)
    hit = TargetHit(start, end, text[start:end], "", comparator, value, value_max, unit,
                    value_base, base_unit, deadline if kind != "baseline" else None, kind, _per(text, start, end))
    return _Draft(hit, before, noun, per_year, own, False)


def _known_unit(unit: str) -> bool:
    return _reads(lookup_unit, unit)


def _indicator(draft: _Draft, following_is_de: bool) -> str:
    if draft.noun and following_is_de and draft.before:
        if _MEASURE_NOUN_RE.search(draft.before):
            name = draft.noun + draft.before
        else:
            name = f"{draft.noun}({draft.before})"
    else:
        name = draft.noun or draft.before
    return f"每年{name}" if draft.per_year and name else name


def _settle(text: str, drafts: list[_Draft]) -> list[TargetHit]:
    """Fix indicators and comparators that depend on a neighbouring figure in the same list."""
    names = [_indicator(d, text[d.hit.end:d.hit.end + 1] == "的") for d in drafts]
    heads = [d.noun if text[d.hit.end:d.hit.end + 1] == "的" else "" for d in drafts]
    hits = [d.hit for d in drafts]
    shared = [d.own_comparator for d in drafts]  # a comparator the next list item may take
    for i in range(len(drafts) - 1, 0, -1):
        prev, this = drafts[i - 1], drafts[i]
        between = text[prev.hit.end:this.hit.start]
        same_list = not any(c in between for c in "。；！？\n")
        # 1毫秒，…3毫秒、…15毫秒的算力网络时延圈: the noun after 的 names the list.
        if same_list and heads[i] and not prev.noun and prev.hit.base_unit == this.hit.base_unit:
            heads[i - 1] = heads[i]
            names[i - 1] = f"{heads[i]}({prev.before})" if prev.before else heads[i]
        # 3—5个国家级、10余个省级可信数据空间: share the head noun.
        if same_list and names[i - 1].endswith("级") and "级" in names[i] and between.startswith(names[i - 1]):
            names[i - 1] += names[i][names[i].index("级") + 1 :]
    for i in range(1, len(drafts)):
        prev = hits[i - 1]
        between = text[prev.end:drafts[i].hit.start]
        same_sentence = not any(c in between for c in _SENTENCE_END)
        # 8354亿元，占GDP比重32.5%: the share is of the money figure before it.
        if names[i].startswith("占") and same_sentence and prev.base_unit == "CNY" and names[i - 1]:
            names[i] = names[i - 1] + names[i]
        # 分别达到40%、25%和15%: a list shares the comparator of its first figure.
        if between.strip() in tuple(_LIST_JOINERS) and not drafts[i].own_comparator \
                and shared[i - 1] and hits[i - 1].comparator not in ("range", "=") \
                and hits[i].unit == hits[i - 1].unit:
            hits[i] = replace(hits[i], comparator=hits[i - 1].comparator)
            names[i] = names[i] or names[i - 1]
            shared[i] = True
    for i in range(1, len(drafts)):
        between = text[hits[i - 1].end:hits[i].start]
        if names[i - 1] and not names[i - 1].endswith("的") and _CHANGE_ONLY_RE.match(names[i]) \
                and not any(c in between for c in "。；！？\n"):
            subject = _TRAILING_CHANGE_RE.sub("", names[i - 1]) or names[i - 1]
            names[i] = names[i - 1] if names[i] in _LIST_JOINERS + "、" else subject + names[i]
    for i in range(1, len(drafts)):
        # …1亿元/年的企业，给予…；5000万元（含）至1亿元（不含）/年的企业，给予…: an item opening
        # with its figure repeats the measure of the first figure of the item before it.
        sentence = _sentence_start(text, hits[i].start)
        item_start = max(sentence, text.rfind("；", 0, hits[i].start) + 1)
        if names[i] or item_start == sentence or text[item_start:hits[i].start].strip():
            continue
        for j in range(i - 1, -1, -1):
            if hits[j].start < sentence:
                break
            j_item = max(sentence, text.rfind("；", 0, hits[j].start) + 1)
            if j_item < item_start and not any(j_item <= hits[k].start for k in range(j)) \
                    and hits[j].base_unit == hits[i].base_unit and names[j]:
                names[i] = names[j]
                break
    return [_with_indicator(text, replace(h, indicator=name)) for h, name in zip(hits, names)]


def _with_indicator(text: str, hit: TargetHit) -> TargetHit:
    """Map the indicator phrase to the taxonomy. A share without its subject (占全省GDP比重)
    or an empty or very short phrase is read with the words before it in its sentence first."""
    phrases = [hit.indicator]
    if not hit.indicator or hit.indicator.startswith(("占", "增长", "增")) or len(hit.indicator) < 4:
        # The words before it in its own list item: an item after ； has its own subject.
        item_start = max(_sentence_start(text, hit.start), text.rfind("；", 0, hit.start) + 1)
        phrases.insert(0, text[item_start:hit.start] + hit.indicator)
    if hit.unit.endswith(("人", "人次", "名")):
        phrases.append("人")  # a head count, whatever is counted around it
    for phrase in phrases:
        found = match_indicator(phrase, hit.base_unit, hit.kind)
        if found is not None:
            return replace(hit, indicator_id=found.indicator_id, indicator_en=found.indicator_en)
    return hit


def _merge_ranges(text: str, spans: list) -> list:
    """10万元以上100万元以下 is one range, not a floor and a cap."""
    merged, i = [], 0
    while i < len(spans):
        span = spans[i]
        if i + 1 < len(spans):
            nxt = spans[i + 1]
            m1, m2 = span[2], nxt[2]
            if (span[4] == nxt[4] == "ok" and m1 is not None and m2 is not None and m1["post"] in ("以上", "及以上") and m2["post"] in ("以下", "及以下")
                    and text[span[1]:nxt[0]] in ("", "、", "至", "，") and _unit_of(m1) and _unit_of(m2)
                    and lookup_unit(_unit_of(m1)).base_unit == lookup_unit(_unit_of(m2)).base_unit):
                merged.append((span[0], nxt[1], (m1, m2), span[3], "range"))
                i += 2
                continue
        merged.append(span)
        i += 1
    return merged


def _range_hit(text: str, start: int, end: int, pair: tuple[re.Match, re.Match], kind: str,
               deadline: int | None, floor: int) -> _Draft:
    low_match, high_match = pair
    low_unit, high_unit = _unit_of(low_match), _unit_of(high_match)
    value = float(parse_decimal(low_match["num"]))
    high = lookup_unit(high_unit).factor * parse_decimal(high_match["num"]) / lookup_unit(low_unit).factor
    value_base, base_unit = to_base(Decimal(str(value)), low_unit)
    before, per_year = _clean_before(_before_phrase(text, start, floor))
    hit = TargetHit(start, end, text[start:end], "", "range", value, float(high), low_unit, value_base, base_unit,
                    deadline if kind != "baseline" else None, kind, _per(text, start, end))
    return _Draft(hit, before, "", per_year, True, False)


def _milestone_hit(text: str, start: int, end: int, match: re.Match, kind: str, deadline: int | None,
                   floor: int) -> _Draft:
    value = float(parse_decimal(match["num"])) if match["num"] else 1.0
    unit = match["mag"]
    value_base, base_unit = to_base(Decimal(str(value)), unit)
    before, per_year = _clean_before(_before_phrase(text, match.start(), floor))
    comparator = _MILESTONE_COMPARATORS.get(match["verb"], ">=")
    hit = TargetHit(start, end, text[start:end], "", comparator, value, None, unit, value_base, base_unit,
                    deadline if kind != "baseline" else None, kind)
    return _Draft(hit, before, "", per_year, True, False)


def _bandwidth_hit(text: str, start: int, end: int, match: re.Match, kind: str, deadline: int | None,
                   floor: int) -> _Draft:
    value = float(parse_decimal(match["num"]))
    value_base, base_unit = to_base(Decimal(str(value)), match["unit"])
    before, per_year = _clean_before(_before_phrase(text, start, floor))
    comparator = ">=" if match["pre"] else "="
    hit = TargetHit(start, end, text[start:end], "", comparator, value, None, match["unit"], value_base, base_unit,
                    deadline if kind != "baseline" else None, kind)
    return _Draft(hit, before or ("入户带宽" if match["home"] else ""), "", per_year, True, False)


def _distribute_units(text: str, drafts: list[_Draft]) -> list[_Draft]:
    """分别为3、5和10个: bare numbers in a list take the unit of the figure that ends it."""
    out: list[_Draft] = []
    pending: list[_Draft] = []
    for draft in drafts:
        if draft.bare:
            pending.append(draft)
            continue
        if pending:
            chain_ok = all(text[a.hit.end:b.hit.start] in tuple(_LIST_JOINERS)
                           for a, b in zip(pending, pending[1:] + [draft]))
            if chain_ok and draft.hit.unit:
                for bare in pending:
                    value_base, base_unit = to_base(Decimal(str(bare.hit.value)), draft.hit.unit)
                    hit = replace(bare.hit, unit=draft.hit.unit, value_base=value_base, base_unit=base_unit,
                                  comparator=draft.hit.comparator if draft.hit.comparator != "range" else "=")
                    out.append(replace(bare, hit=hit, bare=False))
            pending = []
        out.append(draft)
    return out


def find_targets(text: str, deadline_year: int | None = None, *,
                 reference_year: int | None = None,
                 default_kind: str = "target", past_from: int | None = None,
                 dates: Sequence[DateHit] | None = None) -> Iterator[TargetHit]:
    """Find quantitative targets, baseline figures and policy parameters in one clause, in order.

    Args:
        text: canonical text of one clause.
        deadline_year: the deadline inherited from the enclosing clause.
        reference_year: the document's own year; tells a past year
            (2020年全省…) from a future one when no 到/前 says which.
        default_kind: kind when the wording gives no cue; pass
            ``"baseline"`` for clauses under 发展基础/发展现状 or a work
            report's review, ``"parameter"`` for regulations and measures.
        past_from: offset from which the clause reports the past (a work
            report's review heading inside it); figures after it default to
            baseline.
        dates: the clause's ``find_dates(text, reference_year)``, when the
            caller has them (the pipeline runs the date grammar once per clause).

    Example:
        >>> hit = next(find_targets("到2027年，算力总规模达到40EFLOPS"))
        >>> hit.indicator, hit.comparator, hit.value_base, hit.deadline_year
        ('算力总规模', '>=', 4e+19, 2027)
        >>> [(h.text, h.comparator, h.kind, h.per) for h in find_targets("每家企业每年最高补助100万元")]
        [('100万元', '<=', 'parameter', '家/年')]
    """
    if _FIGURE_CHARS.search(text) is None:
        return
    spans = _merge_ranges(text, sorted(_value_hits(text), key=lambda s: s[0]))
    if not spans:
        return  # most clauses with a numeral hold no figure (进一步, 统一): their cues are not needed
    cues = _cues(text, deadline_year, reference_year, dates)
    drafts, floor = [], 0
    for start, end, match, pre, quality in spans:
        if start < floor:
            continue
        here = "baseline" if past_from is not None and start >= past_from else default_kind
        kind, deadline = _kind_and_deadline(text, start, cues, deadline_year, here)
        if quality == "range":
            unit = _unit_of(match[0])
        elif quality == "milestone":
            unit = match["mag"]
        elif quality == "bandwidth":
            unit = match["unit"]
        elif match is not None:
            unit = _values(match)[2]
        else:
            unit = "倍"
        kind = _classify(text, start, end, kind, default_kind, unit)
        if kind == "target" and deadline is None and _REQUIRED_MINIMUM_RE.search(text, max(0, start - 6), start) \
                and not STRONG_TARGET_RE.search(text, _sentence_start(text, start), start):
            kind = "parameter"
        if quality == "weak" and not (kind == "target" and deadline is not None):
            continue  # 百项 counts only inside a goal with a year
        if unit in _TIME_LIMIT_UNITS:
            sentence = text[_sentence_start(text, start):end]
            if kind != "target" or default_kind == "parameter" or _OBLIGATION_RE.search(sentence) \
                    or (match is not None and not (pre or match["post"])) or pre in _STATIC_LIMITS:
                continue  # a time limit: the dates table has it as a duration
        if quality == "range":
            drafts.append(_range_hit(text, start, end, match, kind, deadline, floor))
        elif quality == "milestone":
            drafts.append(_milestone_hit(text, start, end, match, kind, deadline, floor))
        elif quality == "bandwidth":
            drafts.append(_bandwidth_hit(text, start, end, match, kind, deadline, floor))
        elif quality == "bare":
            draft = _draft(text, start, end, match, pre, floor, kind, deadline)
            drafts.append(replace(draft, bare=True))
        else:
            drafts.append(_draft(text, start, end, match, pre, floor, kind, deadline))
        floor = end
    drafts = [d for d in _distribute_units(text, drafts) if not d.bare]
    yield from _settle(text, drafts)

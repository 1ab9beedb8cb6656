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

import re
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Iterator

from pipeline.extract.dates import find_dates
from pipeline.extract.numbers import (
    BASE_UNIT_PATTERN, MAGNITUDE_PATTERN, NUMBER_PATTERN, is_arabic, lookup_unit,
    parse_decimal, to_base,
)

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
})
COMPARATOR_SUFFIXES = MappingProxyType({"以上": ">=", "以下": "<=", "以内": "<=", "左右": "~", "上下": "~"})
# Characters that turn a comparator word into part of another word:
# 下达 (issue funds), 节约 (save), 附近 (nearby), 赶超 (catch up).
_PREFIX_SPOILERS = MappingProxyType({"达": "下传表抵送通转到发雷", "约": "节制契合公签预规", "近": "附最", "超": "赶"})
DOUBLINGS = MappingProxyType({"翻两番": 4.0, "翻一番": 2.0, "翻番": 2.0, "倍增": 2.0})

_PREFIX_ALT = "|".join(sorted(COMPARATOR_PREFIXES, key=len, reverse=True))
VALUE_RE = re.compile(
    f"(?P<pre>{_PREFIX_ALT})?"
    f"(?P<num>{NUMBER_PATTERN})"
    f"(?:(?P<pct1>%)?(?P<sep>[—–\\-～~至])(?P<num2>{NUMBER_PATTERN}))?"
    f"(?P<mag>{MAGNITUDE_PATTERN})?"
    "(?P<approx>余|多(?=[个家项万亿]))?"
    f"(?P<base>{BASE_UNIT_PATTERN})?"
    "(?P<post>以上|以下|以内|左右|上下)?"
)
DOUBLING_RE = re.compile(r"翻两番|翻一?番|倍增(?!计划|行动|工程|专项)")

_BAD_BEFORE_NUMBER = re.compile(r"[A-Za-z0-9.+/\-:_第前“]$")
_BAD_AFTER_VALUE = re.compile(r"^[A-Za-z0-9.+/\-:_]")
_CJK_RE = re.compile(r"^[\u4e00-\u9fff]")
_NOUN_START_RE = re.compile(r"^[\u4e00-\u9fff“A-Za-z]")

_SENTENCE_END = "。！？\n"
_SEGMENT_SEPARATORS = "，。；：！？、\n,;:"
_AFTER_STOPS = "，。；：！？\n,;:"
_LIST_JOINERS = "、和及与"
# After a joiner, these open the next item of a list: 50个A和100个B, 5个A和一批B.
_NEXT_ITEM_RE = re.compile(r"\d|一批|若干|一系列|一些")

STRONG_TARGET_RE = re.compile(r"力争|争取|确保|努力|预计|目标是|目标为")
STRONG_BASELINE_RE = re.compile(r"截至|截止|以来|近年来")
WEAK_BASELINE_RE = re.compile(r"累计|已经|已(?=建成|开通|达到|实现|完成|超过|突破|形成|覆盖|培育|入选|获批|上线)")

_LEADING_NOISE_RE = re.compile(
    r"^(?:(?:到|至|截至|截止|在|力争到|力争在)?(?:\d{4}年(?:底|末)?(?:前|以前)?|“?十[一二三四五]五”?(?:时期|期间|末)?)"
    r"|力争|争取|确保|努力|预计|全省|全市|全区|我省|我市|累计|其中|同时|并且|以及"
    r"|布局建设|统筹建设|谋划推出|打造|建设|建成|建好|培育|开通|形成|设立|实现|引进|孵化"
    r"|争创|创建|推出|遴选|部署|认定|达到|完成|拥有)"
)
_TRAILING_NOISE_RE = re.compile(r"(?:均|都|将|要|力争|努力|争取|预计|累计|分别|实现|持续|稳定|基本|已经|已|达到)$")
_MEASURE_NOUN_RE = re.compile(r"(?:总规模|规模|总量|总额|金额|投资额|投资|资金|比例|比重|占比|数量)$")


@dataclass(frozen=True, slots=True)
class TargetHit:
    """One quantitative goal or reported figure, with offsets into the clause."""

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


@dataclass(frozen=True, slots=True)
class _Draft:
    """A hit before its indicator is settled across neighbouring hits."""

    hit: TargetHit
    before: str  # cleaned phrase before the value
    noun: str  # noun after 的, or after a count/share
    per_year: bool


def _paren_depth(text: str, start: int, pos: int) -> int:
    depth = 0
    for char in text[start:pos]:
        depth += char == "("
        depth -= char == ")" and depth > 0
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
    """The comparator prefix, or None when it belongs to another word."""
    pre = match["pre"]
    if pre and pre in _PREFIX_SPOILERS and match.start() > 0:
        if text[match.start() - 1] in _PREFIX_SPOILERS[pre]:
            return None
    return pre


def _is_value(text: str, match: re.Match, pre: str | None) -> bool:
    """Reject numbers that are names, versions, ordinals or dates."""
    num_start = match.start("num")
    unit = (match["mag"] or "") + (match["base"] or "")
    has_comparator = bool(pre or match["post"] or match["approx"])
    if re.match(r"0\d", match["num"]) or (match["num2"] and re.match(r"0\d", match["num2"])):
        return False
    if not pre and _BAD_BEFORE_NUMBER.search(text[:num_start]):
        return False
    if _BAD_AFTER_VALUE.match(text[match.end():]):
        return False
    if _paren_depth(text, _line_start(text, num_start), num_start):
        return False  # parenthetical glosses: (每秒10的18次方次浮点运算)
    if not is_arabic(match["num"]) and not (match["base"] and (has_comparator or match["num2"])):
        return False
    if not match["base"]:
        # Bare numbers or magnitudes need a comparator and must not run into
        # a word (超过3年, 2.0版, 世界500强, 千亿级).
        return has_comparator and not match["num2"] and not _CJK_RE.match(text[match.end():])
    return bool(unit)


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(c, 0, pos) for c in _SENTENCE_END) + 1


def _cues(text: str, deadline_year: int | None, reference_year: int | None) -> list[tuple[int, str, int | None, bool]]:
    """(position, "target" | "baseline", deadline year, strong) for every cue."""
    cues = []
    for date in find_dates(text, reference_year):
        year = int(date.end_date[:4]) if date.end_date else None
        if date.role == "deadline":
            cues.append((date.start, "target", year, True))
        elif date.role == "baseline":
            cues.append((date.start, "baseline", None, True))
        elif date.kind == "period" and date.text.endswith(("时期", "期间")):
            kind = "baseline" if reference_year and year < reference_year else "target"
            cues.append((date.start, kind, year if kind == "target" else None, True))
        elif date.kind in ("year", "year_end", "month") and re.search(r"(?:^|[，。；：\n])$", text[: date.start]):
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
    """Kind from the nearest sentence with cues; deadline from the paragraph or the caller."""
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
    return kind, years[-1] if years else deadline_year


def _value_hits(text: str) -> Iterator[tuple[int, int, re.Match | None, str | None]]:
    """(start, end, match, prefix) for figures, and doublings with match None."""
    for match in VALUE_RE.finditer(text):
        pre = _valid_prefix(text, match)
        if _is_value(text, match, pre):
            start = match.start() if pre else match.start("num")
            yield start, match.end(), match, pre
    for match in DOUBLING_RE.finditer(text):
        yield match.start(), match.end(), None, None


def _draft(text: str, start: int, end: int, match: re.Match | None, pre: str | None,
           floor: int, kind: str, deadline: int | None) -> _Draft:
    if match is None:
        word = text[start:end]
        value, value_max, unit, comparator = DOUBLINGS[word], None, "倍", ">="
    else:
        # 20%—30% writes the unit twice; 3万余家 is unit 万家 (余 is the comparator).
        unit = (match["mag"] or "") + (match["base"] or match["pct1"] or "")
        value = float(parse_decimal(match["num"]))
        value_max = float(parse_decimal(match["num2"])) if match["num2"] else None
        comparator = _comparator(match, pre)
        if kind == "baseline" and pre in ("达", "达到"):
            comparator = "="  # a report states the figure reached
    value_base, base_unit = to_base(value, unit)
    before, per_year = _clean_before(_before_phrase(text, start, floor))
    noun, following = "", text[end:end + 1]
    if following == "的":
        noun = _after_phrase(text, end + 1)
    elif match is not None and _NOUN_START_RE.match(following):
        info = lookup_unit(unit)
        if info.is_count or info.base_unit == "%":
            noun = _after_phrase(text, end)
    hit = TargetHit(start, end, text[start:end], "", comparator, value, value_max, unit,
                    value_base, base_unit, deadline, kind)
    return _Draft(hit, before, noun, per_year)


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
    """Fix indicators that depend on a neighbouring figure in the same list."""
    names = [_indicator(d, text[d.hit.end:d.hit.end + 1] == "的") for d in drafts]
    heads = [d.noun if text[d.hit.end:d.hit.end + 1] == "的" else "" for d in drafts]
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
        prev = drafts[i - 1].hit
        same_sentence = not any(c in text[prev.end:drafts[i].hit.start] for c in _SENTENCE_END)
        # 8354亿元，占GDP比重32.5%: the share is of the money figure before it.
        if names[i].startswith("占") and same_sentence and prev.base_unit == "CNY" and names[i - 1]:
            names[i] = names[i - 1] + names[i]
    return [replace(d.hit, indicator=name) for d, name in zip(drafts, names)]


def find_targets(text: str, deadline_year: int | None = None, *,
                 reference_year: int | None = None,
                 default_kind: str = "target") -> Iterator[TargetHit]:
    """Find quantitative targets and baseline figures in one clause, in order.

    Args:
        text: canonical text of one clause.
        deadline_year: the deadline inherited from the enclosing clause.
        reference_year: the document's issue year; tells a past year
            (2020年全省…) from a future one when no 到/前 says which.
        default_kind: kind when the wording gives no cue; pass
            ``"baseline"`` for clauses under 发展基础/发展现状.

    Example:
        >>> hit = next(find_targets("到2027年，算力总规模达到40EFLOPS"))
        >>> hit.indicator, hit.comparator, hit.value_base, hit.deadline_year
        ('算力总规模', '>=', 4e+19, 2027)
    """
    cues = _cues(text, deadline_year, reference_year)
    spans = sorted(_value_hits(text), key=lambda s: s[0])
    drafts, floor = [], 0
    for start, end, match, pre in spans:
        if start < floor:
            continue
        kind, deadline = _kind_and_deadline(text, start, cues, deadline_year, default_kind)
        drafts.append(_draft(text, start, end, match, pre, floor, kind, deadline))
        floor = end
    yield from _settle(text, drafts)

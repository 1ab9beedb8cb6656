"""Numerals and units as they are written in Chinese policy text.

Shared by ``targets`` and ``dates``. Everything here is a pure function or an
immutable table.

Unit conventions (what ``value_base``/``base_unit`` mean downstream):

- A unit "as written" is an optional magnitude prefix plus a base unit word:
  ``万亿元`` = ``万亿`` × ``元``. ``2万亿元`` is value 2, unit ``万亿元`` and
  2e12 CNY in base units; ``3.4万个`` is 34000 ``count``.
- Money: 元 → ``CNY``; 美元 → ``USD``. Never converted between currencies.
- Compute: EFLOPS/PFLOPS/TFLOPS/GFLOPS → ``FLOPS`` (×1e18, 1e15, 1e12, 1e9).
- Time: 毫秒/微秒/秒/分钟/小时 → ``s``; 天/工作日/周 → ``day`` (a working day is
  not 86400 s, so days stay days; a week is 7 days).
- Shares: % → ``%`` (value 25 means 25 %, not 0.25); ‰ → ``%`` ×0.1;
  个百分点 → ``pp`` (percentage points).
- Counts: 个/家/项/条/座/所/户/人/名/次/人次/件/台/套/处/款/辆/架/艘/张/颗/部/支/篇/场
  → ``count``.
- Length m, area m2, mass kg, power W, energy Wh, bandwidth bit/s, spectrum Hz,
  storage byte (decimal SI prefixes: 1 TB = 1e12 byte), 吨标准煤 → ``tce``,
  倍 → ``ratio``.
- A number with no unit, or with a magnitude only (``超过1500亿``), is
  dimensionless: base unit ``1``.

Conversion uses ``Decimal`` so that ``3.4万`` is exactly 34000.0, and the same
input always gives the same float.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Mapping

from pipeline.chinese import DIGITS, parse_chinese_integer

# Multipliers written after a numeral, longest first so that 万亿 wins over 万.
MAGNITUDES: Mapping[str, Decimal] = MappingProxyType({
    "万亿": Decimal("1e12"), "千万": Decimal("1e7"), "百万": Decimal("1e6"),
    "亿": Decimal("1e8"), "万": Decimal("1e4"), "千": Decimal("1e3"),
})


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """How one unit as written converts to its base unit."""

    base_unit: str
    factor: Decimal
    is_count: bool = False


def _count(factor: str = "1") -> UnitInfo:
    return UnitInfo("count", Decimal(factor), is_count=True)


BASE_UNITS: Mapping[str, UnitInfo] = MappingProxyType({
    "元": UnitInfo("CNY", Decimal(1)),
    "美元": UnitInfo("USD", Decimal(1)),
    "EFLOPS": UnitInfo("FLOPS", Decimal("1e18")),
    "PFLOPS": UnitInfo("FLOPS", Decimal("1e15")),
    "TFLOPS": UnitInfo("FLOPS", Decimal("1e12")),
    "GFLOPS": UnitInfo("FLOPS", Decimal("1e9")),
    "毫秒": UnitInfo("s", Decimal("0.001")),
    "微秒": UnitInfo("s", Decimal("0.000001")),
    "秒": UnitInfo("s", Decimal(1)),
    "分钟": UnitInfo("s", Decimal(60)),
    "小时": UnitInfo("s", Decimal(3600)),
    "天": UnitInfo("day", Decimal(1)),
    "周": UnitInfo("day", Decimal(7)),
    "个工作日": UnitInfo("day", Decimal(1)),
    "工作日": UnitInfo("day", Decimal(1)),
    "%": UnitInfo("%", Decimal(1)),
    "‰": UnitInfo("%", Decimal("0.1")),
    "个百分点": UnitInfo("pp", Decimal(1)),
    "百分点": UnitInfo("pp", Decimal(1)),
    "周岁": UnitInfo("year", Decimal(1)),
    "倍": UnitInfo("ratio", Decimal(1)),
    "公里": UnitInfo("m", Decimal(1000)),
    "千米": UnitInfo("m", Decimal(1000)),
    "米": UnitInfo("m", Decimal(1)),
    "平方公里": UnitInfo("m2", Decimal("1e6")),
    "平方米": UnitInfo("m2", Decimal(1)),
    "公顷": UnitInfo("m2", Decimal("1e4")),
    "亩": UnitInfo("m2", Decimal(2000) / Decimal(3)),
    "吨标准煤": UnitInfo("tce", Decimal(1)),
    "吨": UnitInfo("kg", Decimal(1000)),
    "千瓦时": UnitInfo("Wh", Decimal(1000)),
    "千瓦": UnitInfo("W", Decimal(1000)),
    "兆瓦": UnitInfo("W", Decimal("1e6")),
    "瓦": UnitInfo("W", Decimal(1)),
    "GHz": UnitInfo("Hz", Decimal("1e9")),
    "MHz": UnitInfo("Hz", Decimal("1e6")),
    "kHz": UnitInfo("Hz", Decimal("1e3")),
    "Tbps": UnitInfo("bit/s", Decimal("1e12")),
    "Gbps": UnitInfo("bit/s", Decimal("1e9")),
    "Mbps": UnitInfo("bit/s", Decimal("1e6")),
    "吉比特每秒": UnitInfo("bit/s", Decimal("1e9")),
    "兆比特每秒": UnitInfo("bit/s", Decimal("1e6")),
    "太比特/秒": UnitInfo("bit/s", Decimal("1e12")),
    "吉比特/秒": UnitInfo("bit/s", Decimal("1e9")),
    "兆比特/秒": UnitInfo("bit/s", Decimal("1e6")),
    "EB": UnitInfo("byte", Decimal("1e18")),
    "PB": UnitInfo("byte", Decimal("1e15")),
    "TB": UnitInfo("byte", Decimal("1e12")),
    "GB": UnitInfo("byte", Decimal("1e9")),
    "人次": _count(), "个": _count(), "家": _count(), "项": _count(),
    "条": _count(), "座": _count(), "所": _count(), "户": _count(),
    "人": _count(), "名": _count(), "次": _count(), "件": _count(),
    "台": _count(), "套": _count(), "处": _count(), "款": _count(),
    "辆": _count(), "架": _count(), "艘": _count(), "张": _count(),
    "颗": _count(), "部": _count(), "支": _count(), "篇": _count(),
    "场": _count(), "种": _count(), "例": _count(), "发": _count(), "批": _count(),
    "届": _count(),
    "斤": UnitInfo("kg", Decimal("0.5")),
    "公斤": UnitInfo("kg", Decimal(1)),
})
DIMENSIONLESS = UnitInfo("1", Decimal(1))
# Bandwidth written as a bare letter (出口带宽扩容至10G) or 兆 (百兆入户). Not in
# BASE_UNIT_PATTERN: 5G is a technology, so targets reads these only next to 带宽/入户.
BANDWIDTH_UNITS: Mapping[str, UnitInfo] = MappingProxyType({
    "T": UnitInfo("bit/s", Decimal("1e12")), "G": UnitInfo("bit/s", Decimal("1e9")),
    "M": UnitInfo("bit/s", Decimal("1e6")), "兆": UnitInfo("bit/s", Decimal("1e6")),
})

# Words that begin with a unit character but are not units (100个项目 is
# fine, 3项目 is not how anyone writes it, but 台阶/条例/所有/次方 occur).
_UNIT_BLOCKERS: Mapping[str, str] = MappingProxyType({
    "人": "工才民大口员", "条": "例件", "台": "阶", "所": "有属",
    "项": "目", "次": "方生", "家": "庭居族", "名": "单称", "部": "门署分",
    "场": "景所", "处": "理置", "件": "事", "支": "持撑付", "米": "粮",
    "天": "府然地下", "周": "边期年末转围知全到密", "倍": "增", "种": "植业子类养质群", "例": "如外行会",
    "发": "展布挥现放生起出行送票明电达", "批": "准复次示",
})

# Thousands separators may be full-width (82，225.00元); a group is exactly three digits.
_ARABIC = r"\d+(?:[,，]\d{3}(?!\d))*(?:\.\d+)?"
_CN_NUMERAL_CHARS = "〇零○一二两三四五六七八九十百千"
_CN_GROUP = rf"[{_CN_NUMERAL_CHARS}]+"
# 万 and 亿 inside a Chinese numeral (一万二千) belong to it when digits follow;
# a trailing 万/亿 is a magnitude and goes to the unit (三万个 → 三, 万个).
_CHINESE = rf"{_CN_GROUP}(?:[万亿]{_CN_GROUP})*(?:点[〇零○一二三四五六七八九]+)?"
# A numeral as written, without any trailing magnitude (万/亿 go to the unit).
NUMBER_PATTERN = rf"(?:{_ARABIC}|{_CHINESE})"
MAGNITUDE_PATTERN = "|".join(MAGNITUDES)


def _base_unit_alternative(unit: str) -> str:
    blockers = _UNIT_BLOCKERS.get(unit)
    escaped = re.escape(unit)
    return f"{escaped}(?![{blockers}])" if blockers else escaped


# Longest first, so 个百分点 wins over 个 and 吨标准煤 over 吨.
BASE_UNIT_PATTERN = "|".join(
    _base_unit_alternative(u) for u in sorted(BASE_UNITS, key=len, reverse=True)
)
_ARABIC_RE = re.compile(rf"{_ARABIC}")
# X分之Y: 百分之三十, 三分之一, 千分之五 (the numerator may be Arabic: 百分之30).
FRACTION_PATTERN = rf"(?:[百千万]|[一二两三四五六七八九十]+)分之(?:{_ARABIC}|[〇零一二两三四五六七八九十百]+(?:点[〇零一二三四五六七八九]+)?)"
_FRACTION_RE = re.compile(r"(?P<d>[百千万]|[一二两三四五六七八九十]+)分之(?P<n>.+)")
_MAGNITUDE_SUFFIX_RE = re.compile(rf"(?:{MAGNITUDE_PATTERN})$")
# The characters a NUMBER_PATTERN or FRACTION_PATTERN numeral opens with (万 in 万分之一), for a
# character class: what a matcher looks for first (pipeline.extract.anchored).
NUMERAL_START_CHARS = rf"\d{_CN_NUMERAL_CHARS}万"


def is_arabic(numeral: str) -> bool:
    """True when the numeral is written in digits (``3.4``, ``10,000``, ``82，225.00``)."""
    return _ARABIC_RE.fullmatch(numeral) is not None


def parse_decimal(text: str) -> Decimal:
    """Parse a numeral, with an optional trailing magnitude, to a ``Decimal``.

    Example: ``parse_decimal("2万亿") == Decimal("2e12")``, ``"三点五"`` → 3.5.

    Raises:
        ValueError: when ``text`` is not a numeral.
    """
    text = text.strip()
    fraction = _FRACTION_RE.fullmatch(text)
    if fraction:
        # 百分之三十 → 0.3, 三分之一 → 1/3: the share as a fraction.
        denominator = parse_decimal(fraction["d"])
        if not denominator:
            raise ValueError(f"zero denominator: {text!r}")
        return parse_decimal(fraction["n"]) / denominator
    factor = Decimal(1)
    magnitude = _MAGNITUDE_SUFFIX_RE.search(text)
    # Only an Arabic head takes a written multiplier (3.4万); Chinese
    # numerals carry 万/亿 positionally (一万五千) and are parsed whole.
    if magnitude and is_arabic(text[: magnitude.start()]):
        factor = MAGNITUDES[magnitude.group()]
        text = text[: magnitude.start()]
    if is_arabic(text):
        try:
            return Decimal(text.replace(",", "").replace("，", "")) * factor
        except InvalidOperation as error:  # pragma: no cover - regex guards it
            raise ValueError(f"not a number: {text!r}") from error
    if "点" in text:
        whole, fraction = text.split("点", 1)
        digits = "".join(str(DIGITS[c]) for c in fraction if c in DIGITS)
        if len(digits) != len(fraction):
            raise ValueError(f"not a Chinese decimal: {text!r}")
        return (parse_chinese_integer(whole or "零") + Decimal(f"0.{digits}")) * factor
    return Decimal(parse_chinese_integer(text)) * factor


def parse_number(text: str) -> float:
    """Parse Arabic or Chinese numerals with 万/亿/万亿 multipliers to a float.

    Example: ``parse_number("2万亿") == 2e12``; ``parse_number("二〇三五") == 2035``.

    Raises:
        ValueError: when ``text`` is not a numeral.
    """
    return float(parse_decimal(text))


def lookup_unit(unit: str) -> UnitInfo:
    """Base unit and factor of a unit as written, magnitude included.

    Example: ``lookup_unit("万亿元") == UnitInfo("CNY", Decimal("1e12"))``;
    ``lookup_unit("")`` is dimensionless.

    Raises:
        KeyError: when the unit is not in the table.
    """
    if unit in BASE_UNITS:
        return BASE_UNITS[unit]
    if unit in BANDWIDTH_UNITS:
        return BANDWIDTH_UNITS[unit]
    for magnitude, factor in MAGNITUDES.items():
        if unit.startswith(magnitude):
            rest = unit[len(magnitude):]
            base = BASE_UNITS[rest] if rest else DIMENSIONLESS
            return UnitInfo(base.base_unit, base.factor * factor, base.is_count)
    if not unit:
        return DIMENSIONLESS
    raise KeyError(unit)


def to_base(value: str | float | Decimal, unit: str) -> tuple[float, str]:
    """Convert a value in a unit as written to (value in base units, base unit).

    Example: ``to_base("2", "万亿元") == (2e12, "CNY")``.
    """
    info = lookup_unit(unit)
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return float(amount * info.factor), info.base_unit

"""Numeral parsing and unit conversion."""
from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.extract.numbers import (
    BASE_UNITS, lookup_unit, parse_chinese_integer, parse_decimal, parse_number, to_base,
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("40", 40.0),
        ("3.4", 3.4),
        ("10,000", 10000.0),
        ("2万亿", 2e12),
        ("3.4万", 34000.0),
        ("8354亿", 8.354e11),
        ("3千万", 3e7),
        ("十", 10.0),
        ("十二", 12.0),
        ("二十六", 26.0),
        ("两百", 200.0),
        ("一百零五", 105.0),
        ("一万五千", 15000.0),
        ("三万亿", 3e12),
        ("二〇三五", 2035.0),
        ("二〇二二", 2022.0),
        ("〇", 0.0),
        ("三点五", 3.5),
    ],
)
def test_parse_number(written: str, expected: float) -> None:
    assert parse_number(written) == expected


def test_parse_decimal_is_exact() -> None:
    # 3.4 * 10000 in binary floats is not always 34000; Decimal keeps it exact.
    assert parse_decimal("3.4万") == Decimal("34000.0")


@pytest.mark.parametrize("written", ["", "abc", "3x", "五点x", "十大"])
def test_parse_number_rejects_non_numerals(written: str) -> None:
    with pytest.raises(ValueError):
        parse_number(written)


def test_chinese_integer_needs_text() -> None:
    with pytest.raises(ValueError):
        parse_chinese_integer("")


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("2", "万亿元", (2e12, "CNY")),
        ("8354", "亿元", (8.354e11, "CNY")),
        ("100", "亿元", (1e10, "CNY")),
        ("500", "万元", (5e6, "CNY")),
        ("40", "EFLOPS", (4e19, "FLOPS")),
        ("1", "毫秒", (0.001, "s")),
        ("15", "毫秒", (0.015, "s")),
        ("32.5", "%", (32.5, "%")),
        ("2", "个百分点", (2.0, "pp")),
        ("3.4", "万个", (34000.0, "count")),
        ("10000", "家", (10000.0, "count")),
        ("3", "万户", (30000.0, "count")),
        ("5000", "万次", (5e7, "count")),
        ("12", "公里", (12000.0, "m")),
        ("10", "Gbps", (1e10, "bit/s")),
        ("10", "吉比特每秒", (1e10, "bit/s")),
        ("2", "倍", (2.0, "ratio")),
        ("1.25", "", (1.25, "1")),
        ("1500", "亿", (1.5e11, "1")),
    ],
)
def test_to_base(value: str, unit: str, expected: tuple[float, str]) -> None:
    assert to_base(value, unit) == expected


def test_count_units_are_counts() -> None:
    counts = {"个", "家", "项", "条", "座", "户", "人", "次"}
    assert all(BASE_UNITS[u].base_unit == "count" and BASE_UNITS[u].is_count for u in counts)
    assert not lookup_unit("亿元").is_count


@pytest.mark.parametrize("unit", ["年", "版", "万像素", "GB级"])
def test_unknown_unit_raises(unit: str) -> None:
    with pytest.raises(KeyError):
        lookup_unit(unit)

"""Canonical indicators, so the same goal compares across documents.

The taxonomy is data: ``resources/indicators.csv``, one row per indicator with
its id, English name, the unit family its figures are in (a base unit of
``numbers``: ``%``, ``CNY``, ``count``, ``FLOPS``, ...; ``*`` for any), and
``patterns``: regular expressions over the indicator text as extracted (the
noun phrase before or after the figure). The first row whose pattern matches
and whose unit family fits wins; rows are ordered from specific to general.
A target whose indicator matches no row keeps ``indicator_id`` null: nothing
is guessed.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

INDICATORS_PATH = Path(__file__).resolve().parent.parent / "resources" / "indicators.csv"


@dataclass(frozen=True)
class Indicator:
    """One canonical indicator of the taxonomy."""

    indicator_id: str
    indicator_en: str
    unit_family: str  # base units it is measured in, space-separated; * for any
    pattern: re.Pattern
    kinds: frozenset[str]


@lru_cache(maxsize=4)
def load_indicators(path: Path = INDICATORS_PATH) -> tuple[Indicator, ...]:
    """The taxonomy, in file order.

    Raises:
        ValueError: a row without an id or with a pattern that does not compile (file and row named).
    """
    rows = []
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                pattern = re.compile(row["patterns"])
            except re.error as error:
                raise ValueError(f"{path}: row {number}: bad pattern: {error}") from error
            if not row.get("indicator_id"):
                raise ValueError(f"{path}: row {number}: no indicator_id")
            kinds = frozenset((row.get("kinds") or "target baseline parameter").split())
            rows.append(Indicator(row["indicator_id"], row["indicator_en"], row["unit_family"], pattern, kinds))
    return tuple(rows)


def match_indicator(indicator: str, base_unit: str, kind: str = "target",
                    indicators: tuple[Indicator, ...] | None = None) -> Indicator | None:
    """The canonical indicator of an extracted indicator phrase, or None.

    Example:
        >>> match_indicator("数字经济总量占全省生产总值比重", "%").indicator_id
        'digital_economy_share_gdp'
        >>> match_indicator("数字经济核心产业增加值占GDP比重", "%").indicator_id
        'digital_core_industries_share_gdp'
    """
    if not indicator:
        return None
    for candidate in indicators if indicators is not None else load_indicators():
        families = candidate.unit_family.split()
        if ("*" not in families and base_unit not in families) or kind not in candidate.kinds:
            continue
        if candidate.pattern.search(indicator):
            return candidate
    return None

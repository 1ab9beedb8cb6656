"""China's administrative divisions, from ``resources/divisions.csv``: which place an issuer or title names.

The table lists every province-level division with its one-character
abbreviation (沪, 川), every prefecture-level division (cities, autonomous
prefectures, 地区, 盟) and the county-level cities governed directly by a
province (潜江, 仙桃, 济源, 石河子…) and other notable county-level cities.
A name is matched at the start of an issuer or title, full name first
(吉林市 before 吉林), then the short form (上海, 延边); a district or county
after a city (X市Y区人民政府) makes the issuer county-level.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline import config
from pipeline.chinese import HAN

ADMIN_LEVELS = ("national", "provincial", "prefecture", "county")
DIVISIONS_PATH = config.RESOURCES_DIR / "divisions.csv"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a document comes from: the province, the city (prefecture- or county-level) and the level."""

    province: str | None
    city: str | None
    admin_level: str


@dataclass(frozen=True, slots=True)
class _Division:
    name: str
    level: str
    province: str


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, _Division], dict[str, _Division], re.Pattern[str]]:
    """Names (full and short) to divisions, abbreviations to provinces, and one pattern of every name."""
    names: dict[str, _Division] = {}
    abbreviations: dict[str, _Division] = {}
    with DIVISIONS_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        names[row["name"]] = _Division(row["name"], row["level"], row["province"])
        if row["abbreviation"]:
            abbreviations[row["abbreviation"]] = names[row["name"]]
    # Short forms after every full name, a province's before a city's of the same form (吉林).
    for row in sorted(rows, key=lambda r: r["level"] != "provincial"):
        if row["short"] and row["short"] not in names:
            names[row["short"]] = names[row["name"]]
    pattern = re.compile("|".join(re.escape(name) for name in sorted(names, key=len, reverse=True)))
    return names, abbreviations, pattern


# A county or district named after the city: 浦东新区, 义乌 is in the table; X县 and X区 are not.
_COUNTY_AFTER = re.compile(rf"^[{HAN}]{{1,6}}?(?:自治县|县|区|旗)(?=人民政府|政府|委员会|党委|办公|[{HAN}]{{0,8}}(?:局|委|办|厅|部门)|$)")
_COUNTY_ISSUER = re.compile(rf"^[{HAN}]{{1,6}}?(?:自治县|县|旗)(?:人民政府|政府|委员会|党委)")
# Names of the central state and party that no place precedes.
_NATIONAL = re.compile(r"^(?:中共中央|中央|国务院|全国人民代表大会|全国人大|全国政协|最高人民法院|最高人民检察院|国家|中华人民共和国"
                       r"|中国人民银行|中国人民解放军|中央军委|海关总署)")
_CENTRAL_ORGAN = re.compile(rf"^[{HAN}]{{2,12}}(?:部|总署|总局|委员会|银行|监管局|管理局|办公室|办公厅)(?:[、，,等]|$)")
_LOCAL_WORDS = re.compile(rf"人民政府|[省市县区州旗](?:委|政府|人大|政协|[{HAN}]{{0,10}}(?:局|厅|委员会|办公室))")
# Names written relative to the issuer's own place (市科委, 省政府): they say nothing of which place.
_RELATIVE = re.compile(r"^(?:本|我)?(?:省|市|县|区|州)")


def place_in(name: str | None) -> Place | None:
    """The place a name begins with: ``上海市人民政府办公厅`` -> 上海市, provincial.

    >>> place_in("潜江市人民政府")
    Place(province='湖北省', city='潜江市', admin_level='county')
    """
    if not name:
        return None
    name = re.sub(r"^中共", "", name.strip())
    names, _, pattern = _table()
    found = pattern.match(name)
    if found is None:
        if _COUNTY_ISSUER.match(name):
            return Place(None, None, "county")
        return None
    division = names[found.group()]
    rest = name[found.end():]
    if division.level == "provincial":
        # 广东省中山市人民政府: the city named after the province.
        inner = pattern.match(rest.lstrip("省市自治区"))
        if inner and names[inner.group()].level != "provincial" and names[inner.group()].province == division.name:
            return _place_of(names[inner.group()], rest.lstrip("省市自治区")[inner.end():])
        if _COUNTY_AFTER.match(rest.lstrip("市")) and division.name.endswith("市"):
            return Place(division.province, None, "county")  # a district of a municipality: 上海市浦东新区
        return Place(division.province, None, "provincial")
    return _place_of(division, rest)


def _place_of(division: _Division, rest: str) -> Place:
    if division.level == "prefecture" and _COUNTY_AFTER.match(rest.lstrip("市州盟")):
        return Place(division.province, division.name, "county")
    return Place(division.province, division.name, division.level)


def is_national(issuer: str | None) -> bool:
    """Whether an issuer is an organ of the central state or party (国务院, 工业和信息化部…)."""
    if not issuer or _RELATIVE.match(issuer) or place_in(issuer) is not None:
        return False
    if _NATIONAL.match(issuer):
        return True
    # A ministry or commission with no place before it; local organs name theirs (…市人民政府办公厅).
    return bool(_CENTRAL_ORGAN.match(issuer)) and not _LOCAL_WORDS.search(issuer)


def province_of_abbreviation(doc_number: str | None) -> Place | None:
    """The province a document number's first character abbreviates: 沪府办发〔2023〕19号 -> 上海市."""
    if not doc_number:
        return None
    division = _table()[1].get(doc_number[:1])
    if division is None:
        return None
    return Place(division.province, None, "provincial")


def most_named(text: str, levels: tuple[str, ...]) -> _Division | None:
    """The division of one of ``levels`` that ``text`` names most often (a work report's own city), if any."""
    names, _, pattern = _table()
    counts: dict[str, int] = {}
    for found in pattern.finditer(text):
        division = names[found.group()]
        if division.level in levels:
            counts[division.name] = counts.get(division.name, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda name: (counts[name], name))
    return names[best]

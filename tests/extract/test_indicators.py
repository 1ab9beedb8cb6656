"""The indicator taxonomy: the same goal gets the same indicator_id across documents."""
from __future__ import annotations

import csv
import doctest

import pytest

from pipeline.extract import indicators
from pipeline.extract.indicators import INDICATORS_PATH, load_indicators, match_indicator
from pipeline.extract.targets import find_targets
from pipeline.normalize import normalize

# The headline share-of-GDP goals of the seeds, as the documents write them.
SHARE_OF_GDP_GOALS = [
    # Jiangxi 2022: the share has no subject of its own; the sentence gives it.
    ("到2025年，全省数字经济增加值增速持续快于全省经济增速、快于全国平均增速，"
     "努力实现规模倍增、占全省GDP比重达到45%左右", "达到45%左右"),
    # Shandong 2023.
    ("到2025年，数字经济总量占全省生产总值比重超过50%", "超过50%"),
    # Sichuan 2019 style: 占GDP(地区生产总值)比重.
    ("到2025年，数字经济总量占GDP(地区生产总值)比重达到40%", "达到40%"),
]


@pytest.mark.parametrize(("text", "figure"), SHARE_OF_GDP_GOALS)
def test_every_province_share_of_gdp_goal_gets_the_same_indicator(text, figure):
    [hit] = [h for h in find_targets(text) if h.text == figure]
    assert hit.indicator_id == "digital_economy_share_gdp"
    assert hit.indicator_en == "Digital economy as a share of GDP"


def test_the_seed_goals_of_jiangxi_and_shandong_share_an_indicator(converter, seeds):
    found = {}
    for seed, figure in (("jiangxi2022", "达到45%左右"), ("shandong2023", "超过50%")):
        text = normalize(seeds[seed].read_text(encoding="utf-8"), converter).text
        hits = [h for paragraph in text.split("\n") for h in find_targets(paragraph, 2025) if h.text == figure]
        found[seed] = {h.indicator_id for h in hits}
    assert found == {"jiangxi2022": {"digital_economy_share_gdp"}, "shandong2023": {"digital_economy_share_gdp"}}


@pytest.mark.parametrize(("phrase", "unit", "expected"), [
    ("数字经济核心产业增加值占GDP比重", "%", "digital_core_industries_share_gdp"),
    ("算力总规模", "FLOPS", "computing_power"),
    ("5G基站", "count", "five_g_base_stations"),
    ("新建数据中心PUE", "1", "data_centre_pue"),
    ("全社会研究与试验发展经费投入强度", "%", "rd_share_gdp"),
    ("出口带宽", "bit/s", "broadband_speed"),
    ("粮食产量", "kg", "grain_output"),
    ("国内生产总值增长", "%", "gdp_growth"),
    ("城镇调查失业率", "%", "unemployment_rate"),
    ("新增上云企业", "count", "enterprises_count"),
])
def test_phrases_map_to_their_indicator(phrase, unit, expected):
    assert match_indicator(phrase, unit).indicator_id == expected


def test_unknown_phrases_and_units_stay_null():
    assert match_indicator("", "%") is None
    assert match_indicator("局面", "count") is None
    # The unit family must fit: a share is not an amount of money.
    assert match_indicator("数字经济总量占全省生产总值比重", "CNY").indicator_id != "digital_economy_share_gdp"


def test_the_taxonomy_is_well_formed():
    with INDICATORS_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ids = [row["indicator_id"] for row in rows]
    assert len(ids) == len(set(ids)) == len(load_indicators())
    assert all(row["indicator_en"] and row["unit_family"] for row in rows)


def test_a_bad_pattern_names_the_file_and_row(tmp_path):
    bad = tmp_path / "indicators.csv"
    bad.write_text("indicator_id,indicator_en,unit_family,kinds,patterns\nx,X,%,target,(unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 2: bad pattern"):
        load_indicators(bad)


def test_most_seed_targets_get_an_indicator(converter, seeds):
    hits = []
    for path in seeds.values():
        text = normalize(path.read_text(encoding="utf-8"), converter).text
        hits += [h for paragraph in text.split("\n") for h in find_targets(paragraph, 2025)]
    filled = sum(h.indicator_id is not None for h in hits) / len(hits)
    assert filled >= 0.9


def test_docstring_examples():
    assert doctest.testmod(indicators).failed == 0

"""find_dates on real sentences from the seeds (canonical Simplified text)."""
from __future__ import annotations

import dataclasses
import doctest

import pytest

from pipeline.extract import dates
from pipeline.extract.dates import DateHit, find_dates
from pipeline.normalize import normalize


def records(text: str, reference_year: int | None = None) -> list[tuple]:
    hits = list(find_dates(text, reference_year))
    for hit in hits:
        assert text[hit.start:hit.end] == hit.text
    return [(h.text, h.kind, h.role, h.start_date, h.end_date) for h in hits]


CASES = [
    ("2024-12-16 09:58:10.0来源：四川省人民政府网站 责任编辑：夏岩", None,
     [("2024-12-16 09:58:10.0", "datetime", "published", "2024-12-16", "2024-12-16")]),
    ("发布日期：2024-12-16", None, [("2024-12-16", "date", "published", "2024-12-16", "2024-12-16")]),
    ("四川省人民政府\n2024年11月26日\n(本文有删减)", None,
     [("2024年11月26日", "date", "issued", "2024-11-26", "2024-11-26")]),
    ("四川省人民政府办公厅\n2019年8月5日印发", None,
     [("2019年8月5日", "date", "issued", "2019-08-05", "2019-08-05")]),
    ("中共山东省委 山东省人民政府 关于加快数字经济高质量发展的意见\n(2023年12月28日)\n为深入贯彻", None,
     [("2023年12月28日", "date", "issued", "2023-12-28", "2023-12-28")]),
    ("二〇二二年五月二十五日", None, [("二〇二二年五月二十五日", "date", "issued", "2022-05-25", "2022-05-25")]),
    ("到2027年，算力总规模达到40EFLOPS。到2030年，数字经济核心产业增加值实现翻番", None,
     [("2027年", "year", "deadline", "2027-01-01", "2027-12-31"),
      ("2030年", "year", "deadline", "2030-01-01", "2030-12-31")]),
    ("数字经济核心产业增加值力争2025年前实现翻番", None,
     [("2025年", "year", "deadline", "2025-01-01", "2025-12-31")]),
    ("截至2020年底，累计开通5G基站3.4万个", None,
     [("2020年底", "year_end", "baseline", "2020-12-31", "2020-12-31")]),
    ("截止到2021年6月底，建成基站1万个", None,
     [("2021年6月底", "month", "baseline", "2021-06-01", "2021-06-30")]),
    ("“十三五”以来，我省抢抓数字经济发展机遇", None,
     [("“十三五”", "period", "baseline", "2016-01-01", "2020-12-31")]),
    ("“十四五”时期，我国数字经济转向深化应用", None,
     [("“十四五”时期", "period", "reference", "2021-01-01", "2025-12-31")]),
    ("到“十四五”末，建成数字经济强省", None,
     [("“十四五”末", "year_end", "deadline", "2025-12-31", "2025-12-31")]),
    ("谋划“十五五”数字经济发展", None, [("“十五五”", "period", "reference", "2026-01-01", "2030-12-31")]),
    ("《江西省国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》", None,
     [("第十四个五年规划", "period", "reference", "2021-01-01", "2025-12-31"),
      ("二〇三五年", "year", "reference", "2035-01-01", "2035-12-31")]),
    ("2021—2025年全省数字经济发展规划", None, [("2021—2025年", "period", "reference", "2021-01-01", "2025-12-31")]),
    ("2024年2月平稳运行", None, [("2024年2月", "month", "reference", "2024-02-01", "2024-02-29")]),
    # A past year opening a clause reports a figure once the document's year is known.
    ("“十三五”以来，我省加快发展，2020年全省数字经济增加值8354亿元", 2022,
     [("“十三五”", "period", "baseline", "2016-01-01", "2020-12-31"),
      ("2020年", "year", "baseline", "2020-01-01", "2020-12-31")]),
    ("2020年全省数字经济增加值8354亿元", None, [("2020年", "year", "reference", "2020-01-01", "2020-12-31")]),
    ("今年底前完成数据中心改造", 2024, [("今年底", "year_end", "deadline", "2024-12-31", "2024-12-31")]),
    ("明年全面建成", 2024, [("明年", "year", "reference", "2025-01-01", "2025-12-31")]),
    ("到年底，新增上云企业10家", 2024, [("年底", "year_end", "deadline", "2024-12-31", "2024-12-31")]),
]


@pytest.mark.parametrize(("text", "reference_year", "expected"), CASES)
def test_find_dates(text: str, reference_year: int | None, expected: list[tuple]) -> None:
    assert records(text, reference_year) == expected


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("力争通过3—5年努力，数字经济新技术新业态集聚发展", 3.0, 5.0),
        ("经过三至五年努力", 3.0, 5.0),
        ("智能制造“万千百十”工程提前一年完成", 1.0, 1.0),
        ("用6个月时间完成改造", 0.5, 0.5),
    ],
)
def test_durations(text: str, low: float, high: float) -> None:
    [hit] = find_dates(text)
    assert (hit.kind, hit.start_date, hit.end_date) == ("duration", None, None)
    assert (hit.duration_min_years, hit.duration_max_years) == (low, high)
    assert text[hit.start:hit.end] == hit.text


@pytest.mark.parametrize(
    "text",
    [
        "大力推进数字经济做优做强“一号发展工程”",
        "力争打造2-3个标杆新型智慧城市",
        "全面贯彻党的二十大和二十届二中全会精神",
        "全面贯彻党的十九大和十九届历次全会精神",
        "依托“12345”政务服务热线平台",
        "加快构建5G网络，前瞻性开展6G技术研发",
        "“赣服通”完成从1.0至4.0版的迭代更新",
        "深化“三通两平台”建设",
        "国家“03专项”成果加快转移转化",
        "实施数字经济三年行动计划，统一年度计划",
        "两个大局、两件大事",
    ],
)
def test_not_dates(text: str) -> None:
    assert list(find_dates(text, 2024)) == []


def test_invalid_day_falls_back_to_year() -> None:
    assert records("2023年2月30日") == [("2023年", "year", "reference", "2023-01-01", "2023-12-31")]


def test_relative_words_need_a_reference_year() -> None:
    assert list(find_dates("今年底前完成数据中心改造")) == []


def test_date_hit_is_frozen_with_contract_fields() -> None:
    names = [f.name for f in dataclasses.fields(DateHit)]
    assert names == ["start", "end", "text", "kind", "role", "start_date", "end_date",
                     "duration_min_years", "duration_max_years"]
    hit = next(find_dates("到2025年"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.start = 0  # type: ignore[misc]


def test_docstring_examples() -> None:
    assert doctest.testmod(dates).failed == 0


def test_every_seed_gives_valid_offsets_and_is_deterministic(converter, seeds) -> None:
    for path in seeds.values():
        text = normalize(path.read_text(encoding="utf-8"), converter).text
        first = list(find_dates(text, 2024))
        assert first == list(find_dates(text, 2024))
        assert first, path
        for hit in first:
            assert text[hit.start:hit.end] == hit.text
            assert hit.kind in dates.KINDS and hit.role in dates.ROLES
            if hit.start_date:
                assert hit.start_date <= hit.end_date
        assert all(a.end <= b.start for a, b in zip(first, first[1:]))


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("力争通过3—5年努力，数字经济新技术新业态集聚发展", "deadline"),
        ("用3—5年时间建成", "reference"),
        ("智能制造工程提前一年完成", "reference"),
    ],
)
def test_a_duration_is_a_deadline_only_as_the_effort_to_reach_goals(text, role):
    (hit,) = [h for h in find_dates(text) if h.kind == "duration"]
    assert hit.role == role

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
     [("2021年6月底", "month_end", "baseline", "2021-06-30", "2021-06-30")]),
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
    ("明年全面建成", 2024, [("明年", "year", "deadline", "2025-01-01", "2025-12-31")]),
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
                     "duration_min_years", "duration_max_years", "duration_value", "duration_unit"]
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


# The date grammar of formal text (issue 14): every pattern with its expected row.
GRAMMAR_CASES = [
    ("(2021－2025年)", None, [("2021－2025年", "period", "reference", "2021-01-01", "2025-12-31")]),
    ("2021——2025年数字经济发展规划", None, [("2021——2025年", "period", "reference", "2021-01-01", "2025-12-31")]),
    ("2021–2025年", None, [("2021–2025年", "period", "reference", "2021-01-01", "2025-12-31")]),
    ("2023年1-9月，全市规上工业增加值增长5%", 2023,
     [("2023年1-9月", "period", "reference", "2023-01-01", "2023-09-30")]),
    ("上半年完成数据目录编制", 2024, [("上半年", "period", "deadline", "2024-01-01", "2024-06-30")]),
    ("2023年上半年", None, [("2023年上半年", "period", "reference", "2023-01-01", "2023-06-30")]),
    ("一季度实现开门红", 2024, [("一季度", "period", "reference", "2024-01-01", "2024-03-31")]),
    ("前三季度增长6%", 2024, [("前三季度", "period", "reference", "2024-01-01", "2024-09-30")]),
    ("7月下旬组织验收", 2024, [("7月下旬", "period", "reference", "2024-07-21", "2024-07-31")]),
    ("2024年3月上旬", None, [("2024年3月上旬", "period", "reference", "2024-03-01", "2024-03-10")]),
    ("申报时间为3月1日至3月31日", 2024, [("3月1日至3月31日", "period", "reference", "2024-03-01", "2024-03-31")]),
    ("2024年3月1日至31日", None, [("2024年3月1日至31日", "period", "reference", "2024-03-01", "2024-03-31")]),
    ("（4月底前完成）", 2023, [("4月底", "month_end", "deadline", "2023-04-30", "2023-04-30")]),
    ("6月底前报送评估报告", 2023, [("6月底", "month_end", "deadline", "2023-06-30", "2023-06-30")]),
    ("9月份开展现场核查", 2023, [("9月份", "month", "reference", "2023-09-01", "2023-09-30")]),
    ("于11月15日前提交", 2023, [("11月15日", "date", "deadline", "2023-11-15", "2023-11-15")]),
    ("2023年部署试点，3月底前完成方案", 2022,
     [("2023年", "year", "reference", "2023-01-01", "2023-12-31"),
      ("3月底", "month_end", "deadline", "2023-03-31", "2023-03-31")]),
    ("今年6月底前建成", 2024, [("今年6月底", "month_end", "deadline", "2024-06-30", "2024-06-30")]),
    ("明年6月之前全面完成", 2024, [("明年6月", "month", "deadline", "2025-06-01", "2025-06-30")]),
    ("上年全市完成投资300亿元", 2024, [("上年", "year", "baseline", "2023-01-01", "2023-12-31")]),
    ("比上一年增长5%", 2024, [("上一年", "year", "baseline", "2023-01-01", "2023-12-31")]),
    ("次年起逐步推广", 2024, [("次年", "year", "reference", "2025-01-01", "2025-12-31")]),
    ("今明两年集中推进", 2024, [("今明两年", "period", "reference", "2024-01-01", "2025-12-31")]),
    ("年内完成改造", 2024, [("年内", "year", "deadline", "2024-01-01", "2024-12-31")]),
    ("年初，印发实施方案", 2024, [("年初", "month", "reference", "2024-01-01", "2024-01-31")]),
    ("年底前全部完成", 2024, [("年底", "year_end", "deadline", "2024-12-31", "2024-12-31")]),
    ("每年三月底前向市政府报告上年度工作情况", 2020,
     [("三月底", "month_end", "deadline", None, None), ("上年度", "year", "reference", None, None)]),
    ("本办法自2020年6月15日起施行", None, [("2020年6月15日", "date", "effective", "2020-06-15", "2020-06-15")]),
    ("本细则自2025年5月1日起实施，有效期至2030年4月30日。", None,
     [("2025年5月1日", "date", "effective", "2025-05-01", "2025-05-01"),
      ("2030年4月30日", "date", "expires", "2030-04-30", "2030-04-30")]),
    ("今年发展主要预期目标是：国内生产总值增长5.5%左右", 2022,
     [("今年", "year", "deadline", "2022-01-01", "2022-12-31")]),
]


@pytest.mark.parametrize(("text", "reference_year", "expected"), GRAMMAR_CASES)
def test_the_date_grammar_of_formal_text(text, reference_year, expected):
    assert records(text, reference_year) == expected


DURATION_CASES = [
    # (text, duration text, value, unit, role, min years)
    ("应当自收到报送材料之日起五个工作日内完成目录更新", "五个工作日", 5.0, "工作日", "deadline", None),
    ("在事项发生后10个工作日内报市科委备案", "10个工作日", 10.0, "工作日", "deadline", None),
    ("应当在十五个工作日内作出决定", "十五个工作日", 15.0, "工作日", "deadline", None),
    ("还应当在24小时内向有关主管部门报告", "24小时", 24.0, "小时", "deadline", None),
    ("48小时内办结", "48小时", 48.0, "小时", "deadline", None),
    ("应当至少提前3个月向市科委报告", "3个月", 3.0, "月", "deadline", 0.25),
    ("超过五个工作日不答复也不说明理由的", "五个工作日", 5.0, "工作日", "deadline", None),
    ("处理情况记录，应当至少保存3年。", "3年", 3.0, "年", "reference", 3.0),
    ("力争通过3—5年努力", "3—5年", 3.0, "年", "deadline", 3.0),
    ("用两年半时间完成", "两年半", 2.5, "年", "reference", 2.5),
    ("经过四年六个月的建设", "四年六个月", 4.5, "年", "reference", 4.5),
    ("实现两年翻番", "两年", 2.0, "年", "reference", 2.0),
    ("30日内答复", "30日", 30.0, "日", "deadline", None),
]


@pytest.mark.parametrize(("text", "span", "value", "unit", "role", "years"), DURATION_CASES)
def test_durations_keep_their_value_and_unit(text, span, value, unit, role, years):
    (hit,) = [h for h in find_dates(text, 2024) if h.kind == "duration"]
    assert (hit.text, hit.duration_value, hit.duration_unit, hit.role) == (span, value, unit, role)
    assert hit.duration_min_years == years
    assert hit.duration_unit in dates.DURATION_UNITS


@pytest.mark.parametrize("text", [
    "坚持一月一调度、一季一拉练、半年一述职",
    "提供7×24小时不间断服务",
    "沪府规〔2025〕2号",
    "依托“5351”体系",
    "推进4K/8K超高清视频发展",
])
def test_not_dates_in_formal_text(text):
    assert [h for h in find_dates(text, 2024)] == []


def test_the_years_of_a_report_are_baselines_even_after_到():
    text = "光缆线路长度从2012年的1479万公里增加到2021年的5481万公里。相比2012年，速率提高近40倍。"
    assert [(h.text, h.role) for h in find_dates(text, 2022)] == [
        ("2012年", "baseline"), ("2021年", "baseline"), ("2012年", "baseline")]
    # The same words in a plan written before those years are deadlines.
    assert [h.role for h in find_dates("到2021年，光缆线路长度达到5481万公里", 2019)] == ["deadline"]


def test_a_news_agency_dateline_is_the_publication_date():
    assert records("新华社北京2月13日电\n中共中央 国务院关于做好2023年全面推进乡村振兴重点工作的意见", 2023)[0] == (
        "2月13日", "date", "published", "2023-02-13", "2023-02-13")


@pytest.mark.parametrize(("text", "expected"), [
    ("“十三五”时期，现代农业建设取得重大进展", [("“十三五”时期", "period", "baseline", "2016-01-01", "2020-12-31")]),
    ("“十四五”时期，是乘势而上的第一个五年", [("“十四五”时期", "period", "reference", "2021-01-01", "2025-12-31")]),
    ("2021年建设1亿亩高标准农田", [("2021年", "year", "deadline", "2021-01-01", "2021-12-31")]),
    ("2021年基本完成县级国土空间规划编制", [("2021年", "year", "deadline", "2021-01-01", "2021-12-31")]),
])
def test_plan_periods_and_years_against_the_documents_year(text, expected):
    assert records(text, 2021) == expected


# --- work reports and plans: the sixth blind gold round (d009, d023) ---

WORK_REPORT_CASES = [
    # d009: the long-range horizon of a plan is where its goals are due.
    ("展望2035年，数字经济将迈向繁荣成熟期，力争形成统一公平、竞争有序、成熟完备的数字经济现代市场体系", 2021, {},
     [("2035年", "year", "deadline", "2035-01-01", "2035-12-31")]),
    # d023: the plan part's heading names the year its goals are for.
    ("二、2024年工作安排\n今年是新中国成立75周年", 2024, {},
     [("2024年", "year", "deadline", "2024-01-01", "2024-12-31"),
      ("今年", "year", "reference", "2024-01-01", "2024-12-31")]),
    # d023: the plan period named by its own plan (规划目标任务) is not a deadline.
    ("是实现“十四五”规划目标任务的关键一年", 2024, {},
     [("“十四五”", "period", "reference", "2021-01-01", "2025-12-31")]),
    # d023: in the review every past month reports, and 上年 is the year before the reviewed one.
    ("固定资产投资累计同比增速2023年8月实现由负转正", 2024, {"past": True, "reported_year": 2023},
     [("2023年8月", "month", "baseline", "2023-08-01", "2023-08-31")]),
    ("全市每万人发明专利拥有量7.6件，较上年增长一倍以上", 2024, {"past": True, "reported_year": 2023},
     [("上年", "year", "baseline", "2022-01-01", "2022-12-31")]),
    # d023: 一年来 opens each paragraph of the review, a span in a report (as d005's 5年来).
    ("一年来，我们精准施策、靶向发力，经济发展迈出新步伐", 2024, {"past": True, "reported_year": 2023},
     [("一年", "duration", "reference", None, None)]),
]


@pytest.mark.parametrize(("text", "reference_year", "context", "expected"), WORK_REPORT_CASES)
def test_the_dates_of_work_reports_and_plan_horizons(text, reference_year, context, expected):
    hits = list(find_dates(text, reference_year, **context))
    assert [(h.text, h.kind, h.role, h.start_date, h.end_date) for h in hits] == expected


def test_in_a_review_the_speakers_years_stay_and_the_reviewed_years_shift():
    # d012 (the 2022 report reviewing 2021): 去年 is the reviewed year, 今年 the report's own.
    hits = list(find_dates("去年新增减税降费超过1万亿元，同时考虑为今年应对困难挑战预留政策空间。", 2022,
                           past=True, reported_year=2021))
    assert [(h.text, h.start_date) for h in hits] == [("去年", "2021-01-01"), ("今年", "2022-01-01")]


@pytest.mark.parametrize(("text", "reference_year", "expected"), [
    # d002: the signature run onto one line, the organ before the date.
    ("促进经济平稳健康发展。\n国务院2015年5月4日", 2015, [("2015年5月4日", "date", "issued", "2015-05-04", "2015-05-04")]),
    # d018: the signature after the last sentence, a bracketed note after the date.
    ("为外国投资者营造更加优化的投资环境，有效提振外商投资信心。国务院2023年7月25日(本文有删减)", 2023,
     [("2023年7月25日", "date", "issued", "2023-07-25", "2023-07-25")]),
    # An organ doing something on a day is no signature.
    ("市政府2020年3月1日召开常务会议。", 2020, [("2020年3月1日", "date", "reference", "2020-03-01", "2020-03-01")]),
])
def test_an_organ_then_a_date_closing_its_line_signs(text, reference_year, expected):
    assert records(text, reference_year) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # d004: the head of a 任务分工方案 gives the horizon of the goals.
    ("重点任务分工方案\n(有关任务目标截至2020年)", [("2020年", "year", "deadline", "2020-01-01", "2020-12-31")]),
    # 截至 alone still reports.
    ("截至2020年底，全省5G基站达到3万个。", [("2020年底", "year_end", "baseline", "2020-12-31", "2020-12-31")]),
])
def test_goals_up_to_a_year_are_a_horizon_not_a_report(text, expected):
    assert records(text, 2017) == expected


def test_a_rolling_plan_of_some_years_is_a_cycle():
    # d008: 三年滚动计划, a cycle a rule sets (a reference duration).
    hits = list(find_dates("在国土空间规划编制、农村房地一体不动产登记基本完成的前提下，建立健全城乡建设用地供应三年滚动计划。", 2020))
    assert [(h.text, h.kind, h.role, h.duration_value, h.duration_unit) for h in hits] == [
        ("三年", "duration", "reference", 3.0, "年")]

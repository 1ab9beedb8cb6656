"""Dates and parameters of regulations and plans, on short excerpts of the corpus documents
whose blind gold (d003, d005, d007, d015, d030) showed them missing."""

import pytest

from pipeline.extract.dates import find_dates
from pipeline.extract.targets import find_targets


@pytest.mark.parametrize(("text", "kwargs", "expected"), [
    # d015: in force on its promulgation day, which the document's own metadata gives.
    ("第十六条 本规定自公布之日起施行。", {"published": "2019-04-26"},
     [("公布之日", "date", "effective", "2019-04-26")]),
    ("本办法自印发之日起实施。", {"issued": "2024-01-02", "published": "2024-01-05"},
     [("印发之日", "date", "effective", "2024-01-02")]),
    # without the document's date the day is unknown, the role is not
    ("本规定自公布之日起施行。", {}, [("公布之日", "date", "effective", None)]),
    # d007 and d015: the adoption or promulgation line of a law is its issue date.
    ("2020年12月24日 浙江省第十三届人民代表大会常务委员会第二十六次会议通过", {},
     [("2020年12月24日", "date", "issued", "2020-12-24")]),
    ("2019年4月26日 中华人民共和国国务院令第716号公布", {}, [("2019年4月26日", "date", "issued", "2019-04-26")]),
    # a date inside a sentence stays a reference
    ("条例经2020年12月24日召开的会议审议通过。", {}, [("2020年12月24日", "date", "reference", "2020-12-24")]),
    # d030: recurring and per-case years have no single year.
    ("按要求每年就上年度重点实验室人员、项目、经费，以及本年度发展计划形成年度报告", {},
     [("上年度", "year", "reference", None), ("本年度", "year", "reference", None)]),
    ("市科委不予受理当年需评估的重点实验室提出的变更与调整申请。", {}, [("当年", "year", "reference", None)]),
    # an age is not a duration in weeks
    ("实验室主任、副主任中应配备45周岁以下科研技术骨干。", {}, []),
])
def test_document_days_roles_and_recurring_years(text, kwargs, expected):
    hits = find_dates(text, 2025, **kwargs)
    assert [(h.text, h.kind, h.role, h.start_date) for h in hits] == expected


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("重点实验室主任每届任期五年，累计任职不超过两届。", 5.0, "年"),  # d030: a term of office
    ("注：〔 〕表示五年累计数，单位为百分点。", 5.0, "年"),  # d003: the note of an indicator table
])
def test_chinese_numeral_terms_are_durations(text, value, unit):
    hits = [h for h in find_dates(text) if h.kind == "duration"]
    assert [(h.text, h.duration_value, h.duration_unit, h.role) for h in hits] == [("五年", value, unit, "reference")]


@pytest.mark.parametrize(("text", "expected"), [
    # d030: caps, thresholds and counts in units the seeds never had
    ("重点实验室主任每届任期五年，累计任职不超过两届。", [("不超过两届", "<=", 2.0, "届")]),
    ("实验室主任、副主任中应配备45周岁以下科研技术骨干。", [("45周岁以下", "<=", 45.0, "周岁")]),
    # a negated 超过 caps
    ("一位专家不同时担任超过3个上海市重点实验室的学术委员会委员。", [("超过3个", "<=", 3.0, "个")]),
    ("单笔贷款额度不得超过500万元。", [("超过500万元", "<=", 500.0, "万元")]),
    # 不断 is "continuously", not a negation
    ("年产值不断超过100亿元。", [("超过100亿元", ">", 100.0, "亿元")]),
    # d003: bandwidth with a Latin gloss before 以上
    ("城镇地区提供1000兆比特/秒(Mbps)以上接入服务能力", [("1000兆比特/秒(Mbps)以上", ">=", 1000.0, "兆比特/秒")]),
    ("互联网国际出口带宽达到20太比特/秒(Tbps)", [("达到20太比特/秒", ">=", 20.0, "太比特/秒")]),
    # the number of a congress is a name
    ("全面贯彻党的十九届五中全会精神。", []),
])
def test_parameters_and_units(text, expected):
    hits = find_targets(text, default_kind="parameter")
    assert [(h.text, h.comparator, h.value, h.unit) for h in hits] == expected


def test_opening_scope_reaches_later_paragraphs():
    # d003 (三)发展目标: 到2020年 opens the section; the goals of the next paragraphs inherit it.
    text = ("发展目标。\n到2020年，“数字中国”建设取得显著成效。\n"
            "信息基础设施达到全球领先水平。98%的行政村实现光纤通达，宽带网络覆盖90%以上的贫困村。")
    hits = find_targets(text)
    assert [(h.text, h.deadline_year) for h in hits] == [("98%", 2020), ("90%以上", 2020)]


def test_scope_inside_a_paragraph_does_not_reach_the_next():
    # 到2020年 in the middle of a paragraph governs its own sentence only.
    text = "加快建设，到2020年建成10个平台。\n培育企业50家。"
    hits = find_targets(text)
    assert [(h.text, h.deadline_year) for h in hits] == [("10个", 2020), ("50家", None)]

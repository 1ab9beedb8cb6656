from __future__ import annotations

from datetime import date

import pytest

from pipeline.clauses import segment
from pipeline import divisions
from pipeline.metadata import header_fields_of, read_metadata
from pipeline.normalize import normalize
from tests.conftest import SEEDS

EXPECTED = {
    "sichuan2024": dict(title="四川省人民政府关于加快数字经济高质量发展的实施意见", issuer="四川省人民政府",
                        doc_number=None, issue_date=date(2024, 11, 26), publish_date=date(2024, 12, 16),
                        recipients="各市(州)、县(市、区)人民政府，省政府各部门、各直属机构，有关单位"),
    "sichuan2019": dict(title="四川省人民政府关于加快推进数字经济发展的指导意见", issuer="四川省人民政府",
                        doc_number="川府发〔2019〕20号", issue_date=date(2019, 8, 5), publish_date=None,
                        recipients="各市(州)人民政府，省政府各部门、各直属机构，有关单位"),
    "sichuan2025": dict(title="四川省人民政府办公厅关于印发《四川省国家数字经济创新发展试验区建设方案》的通知",
                        issuer="四川省人民政府办公厅", doc_number="川办发〔2025〕57号",
                        issue_date=date(2025, 12, 31), publish_date=None,
                        recipients="各市(州)人民政府，省政府有关部门、有关直属机构，有关单位"),
    "jiangxi2022": dict(title="江西省人民政府关于印发江西省“十四五”数字经济发展规划的通知", issuer="江西省人民政府",
                        doc_number=None, issue_date=date(2022, 5, 25), publish_date=None,
                        recipients="各市、县(区)人民政府，省政府各部门"),
    "shandong2023": dict(title="中共山东省委 山东省人民政府关于加快数字经济高质量发展的意见",
                         issuer="中共山东省委、山东省人民政府", doc_number=None, issue_date=date(2023, 12, 28),
                         publish_date=None, recipients=None),
}


@pytest.mark.parametrize("seed", list(EXPECTED))
def test_metadata_of_each_seed(converter, seed):
    doc = normalize(SEEDS[seed].read_text(encoding="utf-8"), converter)
    meta = read_metadata(doc.text, segment(doc.text))
    assert {key: getattr(meta, key) for key in EXPECTED[seed]} == EXPECTED[seed]


def test_a_document_without_header_takes_its_first_line_as_title(converter):
    doc = normalize("关于做好数据工作的说明\n一、总体要求\n坚持创新。", converter)
    meta = read_metadata(doc.text, segment(doc.text))
    assert meta.title == "关于做好数据工作的说明"
    assert meta.doc_number is None and meta.issue_date is None


# --- Every document type: short excerpts of the development corpus -------------

def metadata_of(text: str, converter, markup: str | None = None):
    doc = normalize(text, converter, markup)
    return read_metadata(doc.text, segment(doc.text), header_fields_of(doc.original, doc.mapped.dropped))


CASES = {
    # d025: a notice of the form 某机关印发《关于…》, the issuer ends before 印发.
    "issuer_before_yinfa": ("上海市人民政府办公厅印发《关于进一步深化改革创新 加快科技服务业高质量发展的若干意见》\n"
                            "沪府办发〔2025〕11号\n各区人民政府，市政府各委、办、局，各有关单位：\n"
                            "为进一步深化改革创新，经市政府同意，现提出如下意见。\n一、提升科技服务供给质量\n"
                            "(一)推动科技创新资源开放\n优化运营管理和开放共享考核制度。\n上海市人民政府办公厅\n2025年5月17日",
                            dict(issuer="上海市人民政府办公厅", doc_number="沪府办发〔2025〕11号",
                                 bundled_title="关于进一步深化改革创新 加快科技服务业高质量发展的若干意见",
                                 genre="若干意见", province="上海市", city=None, admin_level="provincial")),
    # d006: a city government's decree, 令 and 第N号 on two lines, and its entry into force.
    "city_decree": ("【法宝引证码】 CLI.11.1598088\n原文链接：https://www.pkulaw.com/lar/0dc4a42aa439a46d1bcb31e8423e6a87bdfb.html\n"
                    "中山市政务数据管理办法\n中山市人民政府令\n\n（第16号）\n"
                    "《中山市政务数据管理办法》已经2020年4月29日中山市人民政府十五届94次常务会议审议通过，现予公布，"
                    "自2020年6月15日起施行。\n市长 危伟汉\n\n2020年5月15日\n中山市政务数据管理办法\n第一章　总　则\n"
                    "第一条　为了加强和规范政务数据管理，制定本办法。",
                    dict(title="中山市政务数据管理办法", issuer="中山市人民政府", doc_number="中山市人民政府令第16号",
                         issue_date=date(2020, 5, 15), effective_date=date(2020, 6, 15),
                         source="https://www.pkulaw.com/lar/0dc4a42aa439a46d1bcb31e8423e6a87bdfb.html",
                         genre="办法", province="广东省", city="中山市", admin_level="prefecture")),
    # d015: a State Council decree in one line, in force on promulgation.
    "state_council_decree": ("国务院关于在线政务服务的若干规定\n2019年4月26日 中华人民共和国国务院令第716号公布\n"
                             "第一条 为了全面提升政务服务规范化、便利化水平，制定本规定。\n"
                             "第十六条 本规定自公布之日起施行。",
                             dict(issuer="国务院", doc_number="国务院令第716号", publish_date=date(2019, 4, 26),
                                  effective_date=date(2019, 4, 26), genre="若干规定", admin_level="national")),
    # d007: a provincial congress's regulation.
    "provincial_regulation": ("浙江省数字经济促进条例\n2020年12月24日 浙江省第十三届人民代表大会常务委员会第二十六次会议通过\n"
                              "第一章 总则\n第一条 为了促进数字经济发展，制定本条例。\n"
                              "第六十二条 本条例自2021年3月1日起施行。《浙江省信息化促进条例》同时废止。",
                              dict(issuer="浙江省人民代表大会常务委员会", effective_date=date(2021, 3, 1),
                                   genre="条例", province="浙江省", admin_level="provincial")),
    # d002: a collector's label line, then title and number run together.
    "collector_label": ("关于大力发展电子商务加快培育经济新动力的意见，国务院\n"
                        "国务院关于大力发展电子商务加快培育经济新动力的意见国发〔2015〕24号\n"
                        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：近年来我国电子商务发展迅猛。\n"
                        "一、营造宽松发展环境\n（一）降低准入门槛。\n国务院2015年5月4日",
                        dict(title="国务院关于大力发展电子商务加快培育经济新动力的意见", issuer="国务院",
                             doc_number="国发〔2015〕24号", issue_date=date(2015, 5, 4), genre="意见",
                             admin_level="national")),
    # d008: a news site's byline and dateline above a Party-government joint document.
    "news_wrapper": ("中共中央 国务院关于构建更加完善的要素市场化配置\n体制机制的意见\n2020-04-09 19:00 来源： 新华社\n"
                     "新华社北京4月9日电\n中共中央 国务院\n关于构建更加完善的要素市场化配置体制机制的意见\n（2020年3月30日）\n"
                     "完善要素市场化配置是建设统一开放、竞争有序市场体系的内在要求。\n一、总体要求\n（一）指导思想。",
                     dict(title="中共中央 国务院关于构建更加完善的要素市场化配置体制机制的意见", issuer="中共中央、国务院",
                          issue_date=date(2020, 3, 30), publish_date=date(2020, 4, 9), source="新华社",
                          genre="意见", admin_level="national")),
    # d019: "X等七部门" in the title, the seven organs in the signature.
    "joint_signature": ("工业和信息化部等七部门关于推动未来产业创新发展的实施意见\n工信部联科〔2024〕12号\n"
                        "各有关单位：\n一、总体要求\n（一）指导思想。\n工业和信息化部\n教育部\n科学技术部\n交通运输部\n"
                        "文化和旅游部\n国务院国有资产监督管理委员会\n中国科学院\n2024年1月18日",
                        dict(issuer="工业和信息化部、教育部、科学技术部、交通运输部、文化和旅游部、国务院国有资产监督管理委员会、中国科学院",
                             doc_number="工信部联科〔2024〕12号", issue_date=date(2024, 1, 18), genre="实施意见",
                             admin_level="national")),
    # d003: a notice issuing a plan without book-title marks.
    "bundled_plan": ("国务院关于印发“十三五”国家信息化规划的通知\n国发〔2016〕73号\n"
                     "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n现将《“十三五”国家信息化规划》印发给你们。\n"
                     "国务院\n2016年12月15日\n“十三五”国家信息化规划\n一、发展现状与形势",
                     dict(bundled_title="“十三五”国家信息化规划", genre="规划", issue_date=date(2016, 12, 15),
                          admin_level="national")),
    # d022: a county-level city's work report with no title: the speaker's government, the city it names most.
    "county_work_report": ("各位代表：\n现在，我代表市人民政府向大会报告工作，请予审议，并请各位市政协委员和列席人员提出意见。\n"
                           "一、2023年工作回顾\n潜江经济总量迈上新台阶，武汉城市圈同城化取得进展，潜江龙虾品牌价值提升。",
                           dict(title=None, issuer="潜江市人民政府", genre="政府工作报告", province="湖北省",
                                city="潜江市", admin_level="county")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_metadata_of_every_document_type(case, converter):
    text, expected = CASES[case]
    meta = metadata_of(text, converter)
    assert {key: getattr(meta, key) for key in expected} == expected


@pytest.mark.parametrize(("issuer", "province", "city", "level"), [
    ("潜江市人民政府", "湖北省", "潜江市", "county"),           # 省直管县级市
    ("中山市人民政府", "广东省", "中山市", "prefecture"),
    ("成都市人民政府", "四川省", "成都市", "prefecture"),
    ("三亚市人民政府", "海南省", "三亚市", "prefecture"),
    ("上海市科学技术委员会", "上海市", None, "provincial"),
    ("浙江省人民代表大会常务委员会", "浙江省", None, "provincial"),
    ("延边朝鲜族自治州人民政府", "吉林省", "延边朝鲜族自治州", "prefecture"),
    ("吉林市人民政府", "吉林省", "吉林市", "prefecture"),
    ("杭州市西湖区人民政府", "浙江省", "杭州市", "county"),
])
def test_place_and_level_come_from_the_divisions_table(issuer, province, city, level):
    assert divisions.place_in(issuer) == divisions.Place(province, city, level)


@pytest.mark.parametrize(("issuer", "national"), [
    ("国务院", True), ("中共中央、国务院", True), ("工业和信息化部", True), ("国家互联网信息办公室", True),
    ("海市人民政府办公厅", False),  # d017's title lost its first character: a local government still
    ("市科委", False), ("上海市人民政府办公厅", False),
])
def test_central_organs_are_national(issuer, national):
    assert divisions.is_national(issuer) is national


def test_every_province_level_division_is_in_the_table():
    names, abbreviations, _ = divisions._table()
    provinces = {division.name for division in names.values() if division.level == "provincial"}
    assert len(provinces) == 34 and len(abbreviations) == 34
    prefectures = {division.name for division in names.values() if division.level == "prefecture"}
    assert len(prefectures) >= 333 - 4  # 333 prefecture-level divisions, the municipalities having none


@pytest.mark.parametrize(("case", "rules", "gone"), [
    ("city_decree", {"citation_code", "source_link"}, ["法宝引证码", "pkulaw.com"]),
    ("collector_label", {"collector_label"}, ["的意见，国务院"]),
    ("news_wrapper", {"news_wrapper", "news_dateline"}, ["来源", "新华社北京4月9日电"]),
])
def test_database_and_news_headers_leave_the_text_under_their_rule(case, rules, gone, converter):
    doc = normalize(CASES[case][0], converter)
    assert rules <= set(doc.rule_counts)
    for text in gone:
        assert text not in doc.text
    # What a header rule dropped is exactly the original's header text.
    for drop in doc.mapped.dropped:
        if drop.rule in rules:
            assert doc.original[drop.start:drop.end].strip()


def test_a_title_that_only_repeats_below_is_kept_when_no_label_precedes_it(converter):
    # d018 without its label line: the title is the document's, not a label.
    text = "国务院关于进一步优化外商投资环境加大吸引外商投资力度的意见\n国发〔2023〕11号\n一、总体要求\n（一）指导思想。"
    doc = normalize(text, converter)
    assert "collector_label" not in doc.rule_counts
    assert doc.text.startswith("国务院关于进一步优化外商投资环境")

"""find_targets on real sentences from the seeds (canonical Simplified text)."""
from __future__ import annotations

import dataclasses
import doctest

import pytest

from pipeline.extract import targets
from pipeline.extract.targets import TargetHit, find_targets
from pipeline.normalize import normalize


def records(text: str, deadline_year: int | None = None, **options) -> list[tuple]:
    """(text, indicator, comparator, value, value_max, unit, value_base, base_unit, deadline_year, kind)."""
    hits = list(find_targets(text, deadline_year, **options))
    for hit in hits:
        assert text[hit.start:hit.end] == hit.text
    return [(h.text, h.indicator, h.comparator, h.value, h.value_max, h.unit, h.value_base,
             h.base_unit, h.deadline_year, h.kind) for h in hits]


SICHUAN_2024_GOALS = (
    "到2027年，数字经济总量及核心产业增加值占GDP(地区生产总值)比重均超过全国平均水平，"
    "数据要素市场体系基本建立，建成国家“东数西算”工程战略支点，算力总规模达到40EFLOPS"
    "(每秒10的18次方次浮点运算)，培育一批国家级数字科技创新载体。到2030年，全省一体化数据市场"
    "全面建立，数字经济核心产业增加值实现翻番，建成数字经济创新发展先行省。"
)
SICHUAN_2025_GOALS = (
    "力争通过3—5年努力，数字经济新技术新业态集聚发展，争创1—2个国家级新兴产业集群，"
    "培育10家左右数字经济产业生态主导型企业，打造10个左右具有全国影响力的行业标杆大模型；"
    "数字基础设施硬环境提档升级，算力总规模达到40EFLOPS(每秒百亿亿次浮点运算次数)，"
    "建成3—5个国家级、10余个省级可信数据空间。"
)

CASES = [
    (SICHUAN_2024_GOALS, None, {}, [
        ("达到40EFLOPS", "算力总规模", ">=", 40.0, None, "EFLOPS", 4e19, "FLOPS", 2027, "target"),
        ("翻番", "数字经济核心产业增加值", ">=", 2.0, None, "倍", 2.0, "ratio", 2030, "target"),
    ]),
    ("打造天府数据中心集群内1毫秒，集群到省内区域数据中心3毫秒、到省外重点地区15毫秒的算力网络时延圈。",
     None, {}, [
        ("1毫秒", "算力网络时延圈(天府数据中心集群内)", "=", 1.0, None, "毫秒", 0.001, "s", None, "target"),
        ("3毫秒", "算力网络时延圈(集群到省内区域数据中心)", "=", 3.0, None, "毫秒", 0.003, "s", None, "target"),
        ("15毫秒", "算力网络时延圈(到省外重点地区)", "=", 15.0, None, "毫秒", 0.015, "s", None, "target"),
    ]),
    ("到2022年，全省数字经济总量超2万亿元，成为创新驱动发展的重要力量。"
     "数字经济与实体经济融合发展水平显著提高，两化融合总指数超90。", None, {}, [
        ("超2万亿元", "数字经济总量", ">", 2.0, None, "万亿元", 2e12, "CNY", 2022, "target"),
        ("超90", "两化融合总指数", ">", 90.0, None, "", 90.0, "1", 2022, "target"),
    ]),
    ("打造“成德绵眉泸雅”大数据产业集聚区，建设3—5个大数据产业基地。", 2022, {}, [
        ("3—5个", "大数据产业基地", "range", 3.0, 5.0, "个", 3.0, "count", 2022, "target"),
    ]),
    ("实施“万家企业上云”行动，新增上云企业10000家，打造上云示范企业100家。", 2022, {}, [
        ("10000家", "新增上云企业", "=", 10000.0, None, "家", 10000.0, "count", 2022, "target"),
        ("100家", "上云示范企业", "=", 100.0, None, "家", 100.0, "count", 2022, "target"),
    ]),
    ("建设1000家以上智能工厂/数字化车间，培育100家以上“互联网+协同制造”示范企业。", None, {}, [
        ("1000家以上", "智能工厂/数字化车间", ">=", 1000.0, None, "家", 1000.0, "count", None, "target"),
        ("100家以上", "“互联网+协同制造”示范企业", ">=", 100.0, None, "家", 100.0, "count", None, "target"),
    ]),
    ("“十三五”以来，我省抢抓数字经济发展机遇，2020年全省数字经济增加值8354亿元，"
     "占GDP(国内生产总值)比重达32.5%，为推动经济社会平稳健康发展注入了强有力的新动能。", None,
     {"reference_year": 2022}, [
        ("8354亿元", "数字经济增加值", "=", 8354.0, None, "亿元", 8.354e11, "CNY", None, "baseline"),
        ("达32.5%", "数字经济增加值占GDP(国内生产总值)比重", "=", 32.5, None, "%", 32.5, "%", None, "baseline"),
    ]),
    ("截至2020年底，累计开通5G基站3.4万个，实现各设区市主城区连续覆盖。建成NB-IoT(窄带物联网)基站"
     "7.2万个、eMTC(增强机器类通信)基站7.6万个，在全国率先实现窄带物联网省域全覆盖。", 2025, {}, [
        ("3.4万个", "5G基站", "=", 3.4, None, "万个", 34000.0, "count", None, "baseline"),
        ("7.2万个", "NB-IoT(窄带物联网)基站", "=", 7.2, None, "万个", 72000.0, "count", None, "baseline"),
        ("7.6万个", "eMTC(增强机器类通信)基站", "=", 7.6, None, "万个", 76000.0, "count", None, "baseline"),
    ]),
    ("启动“风光储能+大数据中心”建设，数据中心可再生能源使用比例达到25%以上，新建大型以上数据中心PUE低于1.25。",
     2025, {}, [
        ("达到25%以上", "数据中心可再生能源使用比例", ">=", 25.0, None, "%", 25.0, "%", 2025, "target"),
        ("低于1.25", "新建大型以上数据中心PUE", "<", 1.25, None, "", 1.25, "1", 2025, "target"),
    ]),
    ("培育一批天使投资人和创业投资机构，设立总规模不少于100亿元的省数字经济发展专项基金。", None, {}, [
        ("不少于100亿元", "省数字经济发展专项基金总规模", ">=", 100.0, None, "亿元", 1e10, "CNY", None, "parameter"),
    ]),
    (SICHUAN_2025_GOALS, None, {}, [
        ("1—2个", "国家级新兴产业集群", "range", 1.0, 2.0, "个", 1.0, "count", None, "target"),
        ("10家左右", "数字经济产业生态主导型企业", "~", 10.0, None, "家", 10.0, "count", None, "target"),
        ("10个左右", "行业标杆大模型", "~", 10.0, None, "个", 10.0, "count", None, "target"),
        ("达到40EFLOPS", "算力总规模", ">=", 40.0, None, "EFLOPS", 4e19, "FLOPS", None, "target"),
        ("3—5个", "国家级可信数据空间", "range", 3.0, 5.0, "个", 3.0, "count", None, "target"),
        ("10余个", "省级可信数据空间", ">", 10.0, None, "个", 10.0, "count", None, "target"),
    ]),
    ("所有设区市和60%以上县(市、区)建成新型智慧城市，力争打造2-3个标杆新型智慧城市，建成一批国家级和省级数字乡村试点。",
     2025, {}, [
        ("60%以上", "县(市、区)建成新型智慧城市", ">=", 60.0, None, "%", 60.0, "%", 2025, "target"),
        ("2-3个", "标杆新型智慧城市", "range", 2.0, 3.0, "个", 2.0, "count", 2025, "target"),
    ]),
    ("全部行政村实现千兆光纤网络覆盖，80%行政村通5G。", 2025, {}, [
        ("80%", "行政村通5G", "=", 80.0, None, "%", 80.0, "%", 2025, "target"),
    ]),
    ("到2025年，全省数字经济增加值增速持续快于全省经济增速、快于全国平均增速，努力实现规模倍增、"
     "占全省GDP比重达到45%左右，数字化创新引领发展能力显著提升。", None, {}, [
        ("倍增", "规模", ">=", 2.0, None, "倍", 2.0, "ratio", 2025, "target"),
        ("达到45%左右", "占全省GDP比重", "~", 45.0, None, "%", 45.0, "%", 2025, "target"),
    ]),
    ("打造“5351”数字经济创新平台体系，培育50个创新实验室、300个创新中心、50个创新服务机构和100个创新人才基地。",
     None, {}, [
        ("50个", "创新实验室", "=", 50.0, None, "个", 50.0, "count", None, "target"),
        ("300个", "创新中心", "=", 300.0, None, "个", 300.0, "count", None, "target"),
        ("50个", "创新服务机构", "=", 50.0, None, "个", 50.0, "count", None, "target"),
        ("100个", "创新人才基地", "=", 100.0, None, "个", 100.0, "count", None, "target"),
    ]),
    ("力争每年培育数字经济领域“专精特新”企业100家、科技型中小企业100家。", 2025, {}, [
        ("100家", "每年数字经济领域“专精特新”企业", "=", 100.0, None, "家", 100.0, "count", 2025, "target"),
        ("100家", "科技型中小企业", "=", 100.0, None, "家", 100.0, "count", 2025, "target"),
    ]),
    ("加快济南市、青岛市国家超算中心能级提升，打造2个低时延数据中心核心区，建设5个左右集聚区和一批行业节点、边缘节点。",
     None, {}, [
        ("2个", "低时延数据中心核心区", "=", 2.0, None, "个", 2.0, "count", None, "target"),
        ("5个左右", "集聚区", "~", 5.0, None, "个", 5.0, "count", None, "target"),
    ]),
    ("到2025年，数字经济总量占全省生产总值比重超过50%，打造一批具有国际影响力的数字科技创新中心。", None, {}, [
        ("超过50%", "数字经济总量占全省生产总值比重", ">", 50.0, None, "%", 50.0, "%", 2025, "target"),
    ]),
    # Under 发展基础 the caller says the clause reports; 达 then states the figure.
    ("国家“03专项”成果加快转移转化，全省物联网产业主营收入突破1500亿元，鹰潭入选国家首批集群。", None,
     {"default_kind": "baseline"}, [
        ("突破1500亿元", "物联网产业主营收入", ">", 1500.0, None, "亿元", 1.5e11, "CNY", None, "baseline"),
    ]),
    ("经营管理数字化普及率达70.6%，数字化研发设计工具普及率达69.6%，关键工序数控化率达46.9%。", 2025,
     {"default_kind": "baseline"}, [
        ("达70.6%", "经营管理数字化普及率", "=", 70.6, None, "%", 70.6, "%", None, "baseline"),
        ("达69.6%", "数字化研发设计工具普及率", "=", 69.6, None, "%", 69.6, "%", None, "baseline"),
        ("达46.9%", "关键工序数控化率", "=", 46.9, None, "%", 46.9, "%", None, "baseline"),
    ]),
    ("建成3个工业互联网标识解析二级节点，累计标识解析量近5000万次。", None, {"default_kind": "baseline"}, [
        ("3个", "工业互联网标识解析二级节点", "=", 3.0, None, "个", 3.0, "count", None, "baseline"),
        ("近5000万次", "标识解析量", "~", 5000.0, None, "万次", 5e7, "count", None, "baseline"),
    ]),
    ("数据共享交换平台加快建设，116个省级、498个市县两级“信息孤岛”全面打通。", None, {"default_kind": "baseline"}, [
        ("116个", "省级“信息孤岛”全面打通", "=", 116.0, None, "个", 116.0, "count", None, "baseline"),
        ("498个", "市县两级“信息孤岛”全面打通", "=", 498.0, None, "个", 498.0, "count", None, "baseline"),
    ]),
]


@pytest.mark.parametrize(("text", "deadline_year", "options", "expected"), CASES)
def test_find_targets(text: str, deadline_year: int | None, options: dict, expected: list[tuple]) -> None:
    assert records(text, deadline_year, **options) == expected


@pytest.mark.parametrize(
    ("text", "options", "kind", "deadline_year"),
    [
        # A bare year is a deadline or a report depending on the document's own year.
        ("2025年全省数字经济增加值达到1万亿元", {"reference_year": 2022}, "target", 2025),
        ("2025年全省数字经济增加值达到1万亿元", {"reference_year": 2026}, "baseline", None),
        ("2020年全省数字经济增加值8354亿元", {}, "baseline", None),
        ("数字经济核心产业增加值2025年前实现翻番", {}, "target", 2025),
        ("“十四五”期间，新增上云企业1万家", {}, "target", 2025),
        ("到“十四五”末，新增上云企业1万家", {}, "target", 2025),
        # 累计 is weaker than a deadline in the same sentence.
        ("到2025年，累计培育智能工厂200家", {}, "target", 2025),
        ("近年来，全省累计培育智能工厂200家", {}, "baseline", None),
        # 力争 beats the caller's default.
        ("力争培育智能工厂200家", {"default_kind": "baseline"}, "target", None),
    ],
)
def test_kind_and_deadline(text: str, options: dict, kind: str, deadline_year: int | None) -> None:
    [hit] = find_targets(text, **options)
    assert (hit.kind, hit.deadline_year) == (kind, deadline_year)


def test_cues_carry_across_sentences_of_a_paragraph_only() -> None:
    text = "截至2020年底，全省上云企业3万家。到2025年，上云企业达到5万家。数据中心增加到100个。\n新建基站1万个。"
    hits = list(find_targets(text, 2030))
    assert [(h.text, h.kind, h.deadline_year) for h in hits] == [
        ("3万家", "baseline", None), ("达到5万家", "target", 2025),
        ("增加到100个", "target", 2025), ("1万个", "target", 2030),
    ]


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("上云企业达到100家", ">="), ("上云企业不少于100家", ">="), ("上云企业不低于100家", ">="),
        ("上云企业100家以上", ">="), ("上云企业超过100家", ">"), ("上云企业突破100家", ">"),
        ("上云企业100余家", ">"), ("上云企业低于100家", "<"), ("上云企业不超过100家", "<="),
        ("上云企业100家以下", "<="), ("上云企业100家左右", "~"), ("上云企业约100家", "~"),
        ("上云企业近100家", "~"), ("上云企业达到100家左右", "~"), ("上云企业100—200家", "range"),
        ("上云企业100家", "="),
    ],
)
def test_comparators(text: str, comparator: str) -> None:
    [hit] = find_targets(text)
    assert hit.comparator == comparator
    assert hit.indicator == "上云企业"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("下达3亿元资金", ("3亿元", "=")),  # 下达 issues funds, it is not 达 "reach"
        ("节约10%能耗", ("10%", "=")),  # 节约 saves, it is not 约 "about"
        ("翻两番", ("翻两番", ">=")),
        ("打造十余个示范区", ("十余个", ">")),
        ("GDP增长20%—30%", ("20%—30%", "range")),
        ("培育100多家企业", ("100多家", ">")),
    ],
)
def test_comparator_words_inside_other_words(text: str, expected: tuple[str, str]) -> None:
    [hit] = find_targets(text)
    assert (hit.text, hit.comparator) == expected


@pytest.mark.parametrize(
    "text",
    [
        "前瞻性开展6G技术研发，深入推进IPv6规模部署和应用",
        "积极推动4K/8K产业的图像传感器研发",
        "开展5G+VR+4K/8K和5G+4K+AI视频监控示范工程",
        "以实施数字产业化“十大工程”、产业数字化“八大行动”为抓手",
        "打造“5351”数字经济创新平台体系",
        "全面贯彻党的二十大和二十届二中全会精神",
        "国家“03专项”成果加快转移转化",
        "智慧农业“123+N”平台平稳运行",
        "紧盯“2+6+N”产业高质量跨越式发展",
        "推动“1+3+N+X”一体化工业大数据中心体系建设",
        "依托“12345”政务服务热线平台",
        "深化与世界500强等国内外领军企业战略合作",
        "落实网络安全等级保护2.0、涉密网络分级保护",
        "“赣服通”完成从1.0至4.0版的迭代更新",
        "江西省“十四五”数字经济发展规划",
        "力争通过3—5年努力，数字经济新技术新业态集聚发展",
        "2025年12月31日",
        "2024-12-16 09:58:10.0",
        "先后出台数字经济创新发展“二十条”、平台经济规范健康发展“二十六条”等政策文件",
        "聚焦柔性显示、透明显示两个方向，重点支持三大产业方向",
        "全省电子信息产业规模排名全国第七位、中部第一位",
        "完成宽带核心网络向TB级演进",
        "开展数字经济“百城牵手万项”活动",
        "打造若干千亿级、市场占有率全国排名前列的产业赛道",
        "协同鹰潭等地打造对接G60科创走廊",
        "数字经济总量及核心产业增加值占GDP(地区生产总值)比重均超过全国平均水平",
        "深入实施人工智能一号创新工程，推动五类数据空间建设",
        "超过3年未更新的系统",
        "成为全国第3个实现省市县乡四级移动协同办公的平台",  # ordinal
        "力争数字经济规模进入全国前10名",  # a ranking, not a count of people
        "支持A3家族芯片研发",  # a model name
    ],
)
def test_not_targets(text: str) -> None:
    assert list(find_targets(text, 2025)) == []


def test_numbers_in_parenthetical_glosses_are_skipped() -> None:
    text = "算力总规模达到40EFLOPS(每秒10的18次方次浮点运算)"
    assert [h.text for h in find_targets(text)] == ["达到40EFLOPS"]


def test_target_hit_is_frozen_with_contract_fields() -> None:
    names = [f.name for f in dataclasses.fields(TargetHit)]
    assert names == ["start", "end", "text", "indicator", "comparator", "value", "value_max", "unit",
                     "value_base", "base_unit", "deadline_year", "kind", "per", "indicator_id", "indicator_en"]
    hit = next(find_targets("新增上云企业10000家"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.value = 0.0  # type: ignore[misc]


def test_docstring_examples() -> None:
    assert doctest.testmod(targets).failed == 0


# Every quantitative goal or reported figure in the five seeds, checked by hand
# against the documents (figures only; indicators are checked in CASES).
SEED_FIGURES = {
    "sichuan2024": ["达到40EFLOPS", "翻番", "1毫秒", "3毫秒", "15毫秒"],
    "sichuan2019": ["超2万亿元", "超90", "3—5个", "10000家", "100家", "1000家以上", "100家以上"],
    "sichuan2025": ["1—2个", "10家左右", "10个左右", "20个左右", "200个左右", "200家", "达到40EFLOPS",
                    "3—5个", "10余个"],
    "jiangxi2022": ["8354亿元", "达32.5%", "3.4万个", "7.2万个", "7.6万个", "3个", "近5000万次", "达6.5%",
                    "达到600亿元", "突破1500亿元", "达70.6%", "达69.6%", "达46.9%", "突破3万家", "5个", "116个",
                    "498个", "近7000项", "4个", "倍增", "达到45%左右", "达到10%以上", "万亿", "达到1500亿元",
                    "达到2500亿元", "达到1400亿元", "60%以上", "2-3个", "80%", "20家", "100家", "100家",
                    "1-2条", "100个", "4-5个"],
    "shandong2023": ["超过50%", "3个", "50个", "300个", "50个", "100个", "2个", "5个左右", "达到25%以上",
                     "低于1.25", "千万", "100个", "10家左右", "不少于100亿元"],
}


@pytest.mark.parametrize("seed", sorted(SEED_FIGURES))
def test_every_seed_figure_is_found_with_valid_offsets(converter, seeds, seed: str) -> None:
    comparators = {">=", ">", "<", "<=", "~", "=", "range"}
    text = normalize(seeds[seed].read_text(encoding="utf-8"), converter).text
    found = []
    for paragraph in text.split("\n"):
        hits = list(find_targets(paragraph, 2025))
        assert hits == list(find_targets(paragraph, 2025))
        for hit in hits:
            assert paragraph[hit.start:hit.end] == hit.text
            assert hit.comparator in comparators and hit.kind in {"target", "baseline", "parameter"}
            assert (hit.value_max is not None) == (hit.comparator == "range")
        found += [hit.text for hit in hits]
    assert found == SEED_FIGURES[seed]


# The number grammar of formal text (issue 14): (text, expected (text, comparator, value, value_max, unit, kind)).
GRAMMAR_CASES = [
    ("给予1万-5万元奖励", [("1万-5万元", "range", 1.0, 5.0, "万元", "parameter")]),
    ("给予10万—50万元奖励", [("10万—50万元", "range", 10.0, 50.0, "万元", "parameter")]),
    ("项目总投资3到5亿元", [("3到5亿元", "range", 3.0, 5.0, "亿元", "target")]),
    ("年收入一百二十到一百五十万元", [("一百二十到一百五十万元", "range", 120.0, 150.0, "万元", "target")]),
    ("5000万元(含)至1亿元(不含)/年的企业，给予一次性财政补助500万元",
     [("5000万元(含)至1亿元(不含)", "range", 5000.0, 10000.0, "万元", "parameter"),
      ("500万元", "=", 500.0, None, "万元", "parameter")]),
    ("可以并处10万元以上100万元以下罚款", [("10万元以上100万元以下", "range", 10.0, 100.0, "万元", "parameter")]),
    ("不少于一万二千元", [("不少于一万二千元", ">=", 12000.0, None, "元", "target")]),
    ("合同金额82，225.00元", [("82，225.00元", "=", 82225.0, None, "元", "target")]),
    ("对投资额50万元(含)以上的项目，按投资额20%的比例给予补助",
     [("50万元(含)以上", ">=", 50.0, None, "万元", "parameter"), ("20%", "=", 20.0, None, "%", "parameter")]),
    ("500万元及以上的项目，最高补助2000万元",
     [("500万元及以上", ">=", 500.0, None, "万元", "parameter"), ("2000万元", "<=", 2000.0, None, "万元", "parameter")]),
    ("每家企业每年最高补助100万元", [("100万元", "<=", 100.0, None, "万元", "parameter")]),
    ("支持金额最高可至3000万元", [("最高可至3000万元", "<=", 3000.0, None, "万元", "parameter")]),
    ("企业研发投入占比达到百分之三十", [("达到百分之三十", ">=", 30.0, None, "%", "target")]),
    ("原则上不超过三分之一", [("不超过三分之一", "<=", 100 / 3, None, "%", "target")]),
    ("政务服务事项24小时内办结", [("24小时内", "<", 24.0, None, "小时", "target")]),
    ("三次产业分别占比达40%、25%和15%",
     [("达40%", ">=", 40.0, None, "%", "target"), ("25%", ">=", 25.0, None, "%", "target"),
      ("15%", ">=", 15.0, None, "%", "target")]),
    ("分别建成3、5和10个示范基地", [("3", "=", 3.0, None, "个", "target"), ("5", "=", 5.0, None, "个", "target"),
                              ("10个", "=", 10.0, None, "个", "target")]),
    ("在现有45项国家标准的基础上，新增30项", [("45项", "=", 45.0, None, "项", "baseline"),
                                     ("30项", "=", 30.0, None, "项", "target")]),
    ("到2025年，累计建成5G基站3000个", [("3000个", "=", 3000.0, None, "个", "target")]),
    ("出口带宽扩容至10G", [("扩容至10G", ">=", 10.0, None, "G", "target")]),
    ("全面实现百兆入户", [("百兆", "=", 100.0, None, "兆", "target")]),
    ("研制并获批3—5种新食品原料", [("3—5种", "range", 3.0, 5.0, "种", "target")]),
    ("构建不少于1000例病例的数据集", [("不少于1000例", ">=", 1000.0, None, "例", "target")]),
    ("形成年产50发商业火箭、600颗商业卫星的批量化制造能力",
     [("50发", "=", 50.0, None, "发", "target"), ("600颗", "=", 600.0, None, "颗", "target")]),
    ("粮食产量保持在1.3万亿斤以上", [("1.3万亿斤以上", ">=", 1.3, None, "万亿斤", "target")]),
    ("注册用户5000万以上或者月活跃用户1000万以上",
     [("5000万以上", ">=", 5000.0, None, "万", "target"), ("1000万以上", ">=", 1000.0, None, "万", "target")]),
    ("地区生产总值跨越千亿台阶", [("千亿", ">", 1000.0, None, "亿", "target")]),
]


@pytest.mark.parametrize(("text", "expected"), GRAMMAR_CASES)
def test_the_number_grammar_of_formal_text(text, expected):
    hits = list(find_targets(text))
    assert [(h.text, h.comparator, h.value, h.value_max, h.unit, h.kind) for h in hits] == expected
    assert all(text[h.start:h.end] == h.text for h in hits)


def test_per_reads_every_and_per_year():
    [hit] = find_targets("每家企业每年最高补助100万元")
    assert hit.per == "家/年"
    [high, *_] = find_targets("基础研究投入达到或超过1亿元/年的企业，给予一次性财政补助1000万元")
    assert (high.text, high.comparator, high.per, high.kind) == ("达到或超过1亿元", ">=", "年", "parameter")


def test_a_regulation_states_parameters_not_goals():
    [hit] = find_targets("依托建设主体年度基础研究投入占总研发支出的比例不低于10%", default_kind="parameter")
    assert (hit.kind, hit.comparator) == ("parameter", ">=")
    # A goal with a deadline stays a target even in a regulation.
    [goal] = find_targets("到2027年，新增重点实验室10家", default_kind="parameter")
    assert (goal.kind, goal.deadline_year) == ("target", 2027)


@pytest.mark.parametrize("text", [
    "提供7×24小时不间断服务",
    "推动一次投入、多次使用",
    "政府、企业按照1∶1比例共同出资",
    "两个以上的网络数据处理者共同决定个人信息的处理目的",
    "落实经济稳健发展“16条”和接续政策“30条”",
    "考核内容包括创新能力（3分）",
    "推进3.8米直径新一代中大型运载火箭研制",
    "经中山市人民政府十五届94次常务会议审议通过",
    "应当在10个工作日内报市科委备案",
    "应当自发生变化之日起五个工作日内将拟更新的政务数据目录报送",
    "突破百项前沿关键核心技术",  # no year around it: not a goal figure
])
def test_not_targets_in_formal_text(text):
    assert list(find_targets(text, default_kind="parameter")) == []


def test_a_deadline_scope_reaches_the_bullets_under_it():
    text = "到2023年，数字基础设施全面升级。\n--新建5G基站3000个。\n——建成数据中心10个。\n1.培育企业20家。"
    hits = list(find_targets(text))
    assert [(h.text, h.deadline_year) for h in hits] == [("3000个", 2023), ("10个", 2023), ("20家", 2023)]


def test_chinese_counts_count_inside_a_goal_with_a_year():
    hits = list(find_targets("到2025年，突破百项前沿关键核心技术，打造百家领军企业"))
    assert [(h.text, h.comparator, h.value, h.deadline_year) for h in hits] == [
        ("百项", "=", 100.0, 2025), ("百家", "=", 100.0, 2025)]


def test_a_report_states_a_doubling():
    hits = list(find_targets("“四上”企业946家、实现两年翻番", default_kind="baseline"))
    assert [(h.text, h.comparator, h.value, h.kind) for h in hits] == [
        ("946家", "=", 946.0, "baseline"), ("翻番", "=", 2.0, "baseline")]


def test_a_report_reads_its_figures_as_baselines():
    text = ("光缆线路长度从2012年的1479万公里增加到2021年的5481万公里，增长2.7倍。截至2022年7月，"
            "我国已许可的5G中低频段频谱资源共计770MHz，累计建成开通5G基站达196.8万个。"
            "上网人数达10.32亿人，约占全球的四分之三。")
    hits = list(find_targets(text, reference_year=2022))
    assert [(h.text, h.comparator, h.kind) for h in hits] == [
        ("1479万公里", "=", "baseline"), ("5481万公里", "=", "baseline"), ("2.7倍", "=", "baseline"),
        ("770MHz", "=", "baseline"), ("达196.8万个", "=", "baseline"), ("达10.32亿人", "=", "baseline"),
        ("四分之三", "~", "baseline")]
    assert hits[3].base_unit == "Hz" and hits[3].value_base == 7.7e8


def test_a_magnitude_word_alone_is_a_figure_after_a_comparator():
    [hit] = find_targets("到2030年，发展卫星通信用户超千万，推动卫星通信充分融入新发展格局")
    assert (hit.text, hit.comparator, hit.value, hit.unit, hit.value_base, hit.deadline_year) == (
        "超千万", ">", 1.0, "千万", 1e7, 2030)


def test_a_goal_on_a_subsidy_share_stays_a_goal():
    [hit] = find_targets("中央财政衔接推进乡村振兴补助资金用于产业发展的比重力争提高到60%以上")
    assert (hit.kind, hit.comparator) == ("target", ">=")


def test_more_than_doubled():
    [hit] = find_targets("农民人均收入较2010年翻一番多", reference_year=2021)
    assert (hit.text, hit.comparator, hit.value, hit.kind) == ("翻一番", ">", 2.0, "baseline")


# --- the sixth blind gold round (d010, d023): real excerpts ---

ROUND_SIX_CASES = [
    # d010: a floor on what each province chooses is a minimum the text imposes.
    ("确定北京市、上海市等为全国试点，其他省份至少选择1个地市开展试点，试点内容为第24、25、26条所列内容。", {},
     [("1个", ">=", 1.0, "个", "parameter")]),
    # d010: time limits held under a bound are durations (the dates table has them), not targets.
    ("小学三至六年级书面作业平均完成时间不超过60分钟，初中书面作业平均完成时间不超过90分钟。", {}, []),
    ("线上培训要注重保护学生视力，每课时不超过30分钟，课程间隔不少于10分钟。", {}, []),
    # d023: 11个月 is a span of months, not eleven of something; N多人 is more than N people.
    ("结束自2022年8月以来，有11个月为负增长的局面，全年固定资产投资完成663.7亿元", {"default_kind": "baseline"},
     [("663.7亿元", "=", 663.7, "亿元", "baseline")]),
    ("全年新增城镇就业4.5万余人，农村劳动力转移就业6700多人。", {"default_kind": "baseline"},
     [("4.5万余人", ">", 4.5, "万人", "baseline"), ("6700多人", ">", 6700.0, "人", "baseline")]),
]


@pytest.mark.parametrize(("text", "options", "expected"), ROUND_SIX_CASES)
def test_floors_time_limits_months_and_more_than(text, options, expected):
    hits = list(find_targets(text, **options))
    assert [(h.text, h.comparator, h.value, h.unit, h.kind) for h in hits] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # seed 004: a count put in place, written as its order of magnitude.
    ("面向智能制造、智慧安防等领域配置千万级感知节点，实施一批窄带物联网(NB-IoT)应用标杆工程。",
     [("千万", ">=", 1.0, "千万", 1e7)]),
    # d023: a class of money in a cluster's name is no figure; the count before it is.
    ("中央商务区现代金融产业入选全省首批千亿级产业集群。", []),
    ("新增2个千亿级产业集群", [("2个", "=", 2.0, "个", 2.0)]),
])
def test_an_order_of_magnitude_is_a_figure_only_as_a_count_put_in_place(text, expected):
    assert [(h.text, h.comparator, h.value, h.unit, h.value_base) for h in find_targets(text, 2025)] == expected


def test_an_order_of_magnitude_counts_the_noun_after_it():
    hits = list(find_targets("面向智能制造、智慧安防等领域配置千万级感知节点", 2025))
    assert [(h.indicator, h.indicator_id) for h in hits] == [("感知节点", "infrastructure_count")]


@pytest.mark.parametrize(("text", "options", "expected"), [
    # d023: a growth rate after a level takes the level's subject.
    ("全市地区生产总值971.3亿元，同比增长12%；地方一般公共预算收入147.4亿元，同比增长23.4%；", {"default_kind": "baseline"},
     [("971.3亿元", "gdp"), ("12%", "gdp_growth"), ("147.4亿元", "fiscal_revenue"), ("23.4%", "fiscal_revenue")]),
    # d023: 分别…和… shares the noun of the first figure of the list.
    ("城镇和农村常住居民人均可支配收入分别达到45877元和22990元，同比分别增长5.7%和8.5%。", {"default_kind": "baseline"},
     [("达到45877元", "resident_income"), ("22990元", "resident_income"), ("5.7%", "resident_income"),
      ("8.5%", "resident_income")]),
    # d031: a ；-item that opens with its figure repeats the measure of the item before, not the subsidy after it.
    ("基础研究投入达到或超过1亿元/年的企业，给予一次性财政补助1000万元；5000万元(含)至1亿元(不含)/年的企业，"
     "给予一次性财政补助500万元。", {"default_kind": "parameter"},
     [("达到或超过1亿元", "investment_amount"), ("1000万元", "subsidy_amount"),
      ("5000万元(含)至1亿元(不含)", "investment_amount"), ("500万元", "subsidy_amount")]),
])
def test_list_items_without_a_noun_take_the_subject_of_their_list(text, options, expected):
    assert [(h.text, h.indicator_id) for h in find_targets(text, **options)] == expected


@pytest.mark.parametrize(("text", "kinds"), [
    # d022's review: 争取上级资金 obtained the funds; without a goal year the figures report.
    ("对上争取更加发力。紧盯中央政策导向、资金投向，争取上级资金53.76亿元，为历年最多；发行地方政府债券32.3亿元。",
     ["baseline", "baseline"]),
    # 力争 still states a goal, even in a clause that reports the past.
    ("力争培育智能工厂200家", ["target"]),
])
def test_a_hedge_word_in_a_review_reports_without_a_goal_year(text, kinds):
    assert [h.kind for h in find_targets(text, default_kind="baseline")] == kinds


@pytest.mark.parametrize(("text", "expected"), [
    # d018: a cap inside brackets is a condition of the rule, not a gloss.
    ("稳妥增加国内互联网虚拟专用网业务(外资股比不超过50%)、信息服务业务(仅限应用商店，不含网络出版服务)等增值电信业务开放试点地区。",
     [("不超过50%", "<=", 50.0, "%", "parameter")]),
    # A gloss inside brackets stays no figure.
    ("建设E级超算(每秒10的18次方次浮点运算)", []),
])
def test_a_bound_in_brackets_is_a_figure(text, expected):
    assert [(h.text, h.comparator, h.value, h.unit, h.kind) for h in find_targets(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # d002: the threshold that makes a party subject to a rule (…的网络商户，可…).
    ("长期雇用5人及以上的网络商户，可在工商注册地进行社会保险登记，参加企业职工的各项社会保险。",
     [("5人及以上", ">=", 5.0, "人", "parameter")]),
    # A goal counted in a noun after 的 stays a goal.
    ("到2025年，培育10家以上的龙头企业，带动产业发展。", [("10家以上", ">=", 10.0, "家", "target")]),
])
def test_a_threshold_before_the_party_it_makes_eligible_is_a_parameter(text, expected):
    assert [(h.text, h.comparator, h.value, h.unit, h.kind) for h in find_targets(text)] == expected

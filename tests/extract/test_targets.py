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
                     "低于1.25", "100个", "10家左右", "不少于100亿元"],
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

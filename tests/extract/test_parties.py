"""Parties: gazetteer matching and roles, on real sentences from the seeds."""

from __future__ import annotations

import pytest

from pipeline.extract.parties import (
    KINDS,
    Gazetteer,
    PartyHit,
    find_parties,
    issuer_parties,
    load_gazetteer,
)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def triples(text: str, gazetteer: Gazetteer) -> list[tuple[str, str, str]]:
    return [(h.name, h.kind, h.role) for h in find_parties(text, gazetteer)]


# (sentence in canonical form, expected (name, kind, role) in text order)
ROLE_CASES = [
    pytest.param(
        "以天府数据中心集群为核心，支持成都优化算力结构、提质增效，支持雅安建设集群拓展区，"
        "支持绵阳、德阳、宜宾、达州、内江等地按需建设算力基础设施。",
        [
            ("成都", "region", "actor"),
            ("雅安", "region", "actor"),
            ("绵阳", "region", "actor"),
            ("德阳", "region", "actor"),
            ("宜宾", "region", "actor"),
            ("达州", "region", "actor"),
            ("内江", "region", "actor"),
        ],
        id="sichuan2024-computing-regions-act",
    ),
    pytest.param(
        "鼓励金融机构面向平台企业特点创新金融产品和服务方式。",
        [("金融机构", "financial", "actor")],
        id="financial-actor-platform-as-qualifier-is-no-party",
    ),
    pytest.param(
        "深入开展先进计算“固链”工程，支持济南市、青岛市加快关键器件、基础软件迭代升级。",
        [("济南", "region", "actor"), ("青岛", "region", "actor")],
        id="shandong-two-cities-act",
    ),
    pytest.param(
        "支持东营、烟台、滨州、聊城等市向集成电路材料、新型显示基础材料等领域拓展。",
        [
            ("东营", "region", "actor"),
            ("烟台", "region", "actor"),
            ("滨州", "region", "actor"),
            ("聊城", "region", "actor"),
        ],
        id="shandong-enumeration-with-deng",
    ),
    pytest.param(
        "发挥攀枝花、内江、雅安、阿坝、凉山等市(州)比较优势，布局建设智算中心。",
        [],
        id="places-as-locations-and-category-noun-are-no-parties",
    ),
    pytest.param(
        "支持有条件的市(州)建设人工智能省级创新型产业集群。",
        [("有条件的市(州)", "region", "actor")],
        id="modifier-that-changes-meaning-is-kept",
    ),
    pytest.param(
        "推动行业龙头企业、平台企业开放数据服务能力，带动提升中小企业数据利用水平。",
        [
            ("行业龙头企业", "enterprise", "actor"),
            ("平台企业", "enterprise", "actor"),
        ],
        id="actor-groups-keep-modifiers-passive-group-is-no-party",
    ),
    pytest.param(
        "引导金融机构和社会资本投向数字经济领域。",
        [("金融机构", "financial", "actor"), ("社会资本", "financial", "actor")],
        id="chain-joined-by-he",
    ),
    pytest.param(
        "推进建设四川省能源大数据中心和四川省碳排放监测分析服务中心，强化多品种数据汇聚融合。",
        [],
        id="facilities-built-are-no-parties",
    ),
    pytest.param(
        "在省发展数字经济领导小组领导下，省发展数字经济领导小组办公室(省发展改革委)切实承担牵头职责，"
        "负责统筹协调、组织实施。",
        [
            ("省发展数字经济领导小组", "government", "mentioned"),
            ("省发展数字经济领导小组办公室", "government", "lead"),
            ("省发展改革委", "government", "lead"),
        ],
        id="jiangxi-lead-office",
    ),
    pytest.param(
        "依托数字经济省级部门会议会商机制，统筹推进各项改革任务，协调解决重大问题，"
        "会商机制牵头部门配套制定重要支持政策清单并动态更新。",
        [("牵头部门", "government", "lead")],
        id="sichuan2025-lead-department",
    ),
    pytest.param(
        "省发展改革委牵头，省财政厅等按职责分工负责。",
        [("省发展改革委", "government", "lead"), ("省财政厅", "government", "responsible")],
        id="lead-and-responsible",
    ),
    pytest.param(
        "建设省级公共数据资源登记系统。(责任单位：省发展改革委、省财政厅)",
        [("省发展改革委", "government", "responsible"), ("省财政厅", "government", "responsible")],
        id="responsibility-annotation",
    ),
    pytest.param(
        "(牵头单位：省发展和改革委员会；责任单位：省经济和信息化厅、各市(州)人民政府)",
        [
            ("省发展改革委", "government", "lead"),
            ("省经济和信息化厅", "government", "responsible"),
            ("各市(州)人民政府", "government", "responsible"),
        ],
        id="lead-and-responsible-annotation-with-alias",
    ),
    pytest.param(
        "各地、各部门要结合本地区、本行业实际，抓紧制定出台相关配套政策并推动落地。",
        [("各地", "government", "responsible"), ("各部门", "government", "responsible")],
        id="obligation-subjects-are-responsible",
    ),
    pytest.param(
        "为贯彻落实党中央、国务院关于发展数字经济的决策部署，深入实施省委、省政府数字强省战略，"
        "按照国家数据局关于开展国家数字经济创新发展试验区建设的要求，结合我省实际，现制定本建设方案。",
        [
            ("党中央", "party_organ", "mentioned"),
            ("国务院", "government", "mentioned"),
            ("省委", "party_organ", "mentioned"),
            ("省政府", "government", "mentioned"),
            ("国家数据局", "government", "mentioned"),
        ],
        id="sichuan2025-preamble",
    ),
    pytest.param(
        "支持中国(四川)自由贸易试验区在国家数据分类分级保护制度框架下，制定区内需要纳入数据出境安全评估的数据清单。",
        [("中国(四川)自由贸易试验区", "institution", "actor")],
        id="free-trade-zone-is-one-party",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ROLE_CASES)
def test_roles(text: str, expected: list[tuple[str, str, str]], gazetteer: Gazetteer) -> None:
    assert triples(text, gazetteer) == expected


ADDRESSEE_CASES = [
    pytest.param(
        "各市(州)、县(市、区)人民政府，省政府各部门、各直属机构，有关单位：",
        [
            ("各市(州)", "各市(州)人民政府"),
            ("县(市、区)人民政府", "各县(市、区)人民政府"),
            ("省政府各部门", "省政府各部门"),
            ("各直属机构", "省政府各直属机构"),
            ("有关单位", "有关单位"),
        ],
        id="sichuan2024-shared-heads",
    ),
    pytest.param(
        "各市(州)人民政府，省政府有关部门、有关直属机构，有关单位：",
        [
            ("各市(州)人民政府", "各市(州)人民政府"),
            ("省政府有关部门", "省政府有关部门"),
            ("有关直属机构", "省政府有关直属机构"),
            ("有关单位", "有关单位"),
        ],
        id="sichuan2025",
    ),
    pytest.param(
        "各市、县(区)人民政府，省政府各部门：",
        [
            ("各市", "各市人民政府"),
            ("县(区)人民政府", "各县(区)人民政府"),
            ("省政府各部门", "省政府各部门"),
        ],
        id="jiangxi2022",
    ),
    pytest.param(
        "抄送：省委办公厅，省人大常委会办公厅，省政协办公厅，省纪委监委机关，省法院，省检察院，西部战区，省军区。",
        [
            ("省委办公厅", "省委办公厅"),
            ("省人大常委会办公厅", "省人大常委会办公厅"),
            ("省政协办公厅", "省政协办公厅"),
            ("省纪委监委机关", "省纪委监委"),
            ("省法院", "省法院"),
            ("省检察院", "省检察院"),
            ("西部战区", "西部战区"),
            ("省军区", "省军区"),
        ],
        id="sichuan2019-cc-line",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ADDRESSEE_CASES)
def test_addressees_one_row_per_unit(text: str, expected: list[tuple[str, str]], gazetteer: Gazetteer) -> None:
    hits = list(find_parties(text, gazetteer))
    assert [(h.text, h.name) for h in hits] == expected
    assert {h.role for h in hits} == {"addressee"}
    assert all(h.name_en for h in hits)


def test_addressee_line_inside_a_preamble_block(gazetteer: Gazetteer) -> None:
    text = "四川省人民政府文件\n各市(州)人民政府，省政府各部门、各直属机构，有关单位：\n为深入贯彻落实党中央国务院关于加快发展数字经济的战略部署。"
    roles = {(h.name, h.role) for h in find_parties(text, gazetteer)}
    assert ("各市(州)人民政府", "addressee") in roles
    assert ("党中央", "mentioned") in roles and ("国务院", "mentioned") in roles


NOT_SEPARATE_CASES = [
    pytest.param("四川省人民政府办公厅", [("四川省人民政府办公厅", "government")], id="office-is-one-body"),
    pytest.param(
        "大力建设“天府无线通信谷”、中国移动(成都)产业技术研究院等产业载体和创新平台。",
        [("中国移动(成都)产业技术研究院", "enterprise")],
        id="chengdu-inside-enterprise-name",
    ),
    pytest.param(
        "推动成都超算中心、成都智算中心加快建设国家新一代人工智能公共算力开放创新平台。",
        [("成都超算中心", "institution"), ("成都智算中心", "institution")],
        id="chengdu-inside-computing-centres",
    ),
    pytest.param(
        "建好国家碳计量中心(山东)，建设智慧能源数据中心。",
        [],
        id="province-qualifier-in-facility-name",
    ),
    pytest.param("加快建设网络强省、数字四川、智慧社会。", [], id="slogan-not-region"),
    pytest.param("加快“光网四川”“无线四川”“高清四川”建设。", [], id="quoted-programme-names"),
    pytest.param(
        "完善《四川省数字经济核心产业统计分类目录》。", [], id="titles-are-not-parties"
    ),
    pytest.param("全面落实省委省政府关于加快构建现代产业体系的意见要求。",
                 [("省委", "party_organ"), ("省政府", "government")], id="adjacent-organs"),
]


@pytest.mark.parametrize(("text", "expected"), NOT_SEPARATE_CASES)
def test_names_inside_names_are_not_separate(text: str, expected: list[tuple[str, str]], gazetteer: Gazetteer) -> None:
    assert [(h.name, h.kind) for h in find_parties(text, gazetteer)] == expected


PATTERN_CASES = [
    pytest.param(
        "以天府数据中心集群为核心，支持成都优化算力结构。",
        [("成都", "region", "actor")],
        id="facility-with-tianfu-prefix-as-place",
    ),
    pytest.param(
        "大力建设中国电信云锦天府5G应用产业园、中国联通5G创新中心。",
        [],
        id="enterprise-inside-facility-name",
    ),
    pytest.param(
        "建设天府新区人工智能产业聚集区。",
        [],
        id="new-area-inside-facility-name",
    ),
    pytest.param(
        "建设青岛市国家超算中心，打造黄河工业算力一体化调度平台。",
        [],
        id="city-locates-national-facility",
    ),
    pytest.param(
        "建设“星火·链网”济南超级节点。",
        [],
        id="quoted-brand-before-facility",
    ),
    pytest.param("积极融入全国重点实验室体系，争创国家级新兴产业集群，建设省实验室。",
                 [], id="rank-and-category-are-not-names"),
    pytest.param(
        "加快培育一批具有较强引领带动作用的垂直行业企业。支持省内行业企业建设数字经济创新联合体。",
        [("垂直行业企业", "enterprise", "actor"), ("省内行业企业", "enterprise", "actor")],
        id="enterprise-types-with-modifier",
    ),
    pytest.param(
        "培育一批服务型、应用型、技术型数据企业和第三方数据服务机构。",
        [("服务型、应用型、技术型数据企业", "enterprise", "actor"),
         ("第三方数据服务机构", "institution", "actor")],
        id="cultivated-groups-act-with-their-enumerated-modifiers",
    ),
    pytest.param(
        "力争孵化20家高成长性科技型企业，培育更多数字经济领域“独角兽企业”。",
        [("独角兽企业", "enterprise", "actor")],
        id="incubated-is-no-trigger-cultivated-is",
    ),
    pytest.param(
        "鼓励四川重点企业实施品牌推广战略。",
        [("四川重点企业", "enterprise", "actor")],
        id="province-inside-group-name",
    ),
    pytest.param("完善企业数据管理，探索企业数据授权使用。", [], id="verb-is-not-a-modifier"),
    pytest.param(
        "支持有条件的地区建设低空经济示范区。鼓励具备条件的地区建设数字孪生城市。支持清洁能源富集地区发展算力。",
        [("有条件的地区", "region", "actor"), ("具备条件的地区", "region", "actor"),
         ("清洁能源富集地区", "region", "actor")],
        id="capable-and-kinds-of-areas",
    ),
    pytest.param(
        "打造全国领先、中西部地区最大的集成电路产业基地，拉紧与“长珠闽”地区的联系。",
        [],
        id="areas-as-comparison-are-no-parties",
    ),
    pytest.param(
        "制定实施四川省数据企业培育认定方案，研究出台江西省数据条例。",
        [],
        id="province-in-full-begins-a-name",
    ),
    pytest.param("举办中小微企业云服务大会等品牌会议。", [], id="event-name-is-not-a-party"),
]


@pytest.mark.parametrize(("text", "expected"), PATTERN_CASES)
def test_pattern_parties(text: str, expected: list[tuple[str, str, str]], gazetteer: Gazetteer) -> None:
    assert [(h.text, h.kind, h.role) for h in find_parties(text, gazetteer)] == expected


NEW_ROLE_CASES = [
    pytest.param(
        "支持九江电子元器件、抚州大数据、景德镇数字文创等数字经济集聚区建设。",
        [("九江", "actor"), ("抚州", "actor"), ("景德镇", "actor")],
        id="places-listed-with-their-industries",
    ),
    pytest.param("积极招引人工智能头部企业。", [], id="brought-in-is-not-actor"),
    pytest.param(
        "组织数字经济领域企业、高校及科研院所承担战略任务。",
        [],
        id="organized-is-not-actor",
    ),
    pytest.param("推动国家新型互联网交换中心建设。", [],
                 id="object-of-nominal-construction"),
    pytest.param("支持各地各类算力资源接入算力调度服务平台。", [],
                 id="qualifier-of-the-object"),
    pytest.param(
        "省发展数字经济领导小组办公室要会同有关部门加强调查研究。",
        [("省发展数字经济领导小组办公室", "lead"), ("有关部门", "support")],
        id="working-with-the-lead",
    ),
    pytest.param(
        "调动行业协会、科研院所、企业等多方参与数据价值开发。",
        [("行业协会", "actor"), ("科研院所", "actor"), ("企业", "actor")],
        id="mobilized-groups-act-bare-enterprise-too",
    ),
]


@pytest.mark.parametrize(("text", "expected"), NEW_ROLE_CASES)
def test_more_roles(text: str, expected: list[tuple[str, str]], gazetteer: Gazetteer) -> None:
    assert [(h.name, h.role) for h in find_parties(text, gazetteer)] == expected


def test_chengdu_not_acting_inside_research_institute(gazetteer: Gazetteer) -> None:
    text = "支持中国移动(成都)产业技术研究院建设5G创新平台。"
    hits = list(find_parties(text, gazetteer))
    assert [(h.name, h.role) for h in hits] == [("中国移动(成都)产业技术研究院", "actor")]
    assert not any(h.kind == "region" for h in hits)


@pytest.mark.parametrize(
    "text",
    [
        "各市(州)、县(市、区)人民政府，省政府各部门、各直属机构，有关单位：",
        "支持东营、烟台、滨州、聊城等市向集成电路材料拓展，省发展和改革委员会牵头。",
        "(责任单位：省发展改革委、省财政厅)",
        "支持市州开展试点，鼓励中国(四川)自贸试验区先行先试。",
    ],
)
def test_offsets_point_at_the_surface(text: str, gazetteer: Gazetteer) -> None:
    hits = list(find_parties(text, gazetteer))
    assert hits
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text
    assert [h.start for h in hits] == sorted(h.start for h in hits)


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("省发展和改革委员会", "省发展改革委"),
        ("市州", "市(州)"),  # a class of bodies keeps its words (GUIDELINES), in one bracket form
        ("市（州）", "市(州)"),
        ("成都市", "成都"),
        ("凉山彝族自治州", "凉山"),
        ("四川自贸试验区", "中国(四川)自由贸易试验区"),
        ("中共山东省委员会", "中共山东省委"),
    ],
)
def test_aliases_resolve_to_canonical_names(surface: str, name: str, gazetteer: Gazetteer) -> None:
    # A place is a party when it acts: read each alias as the object of 支持.
    hits = list(find_parties(f"支持{surface}先行先试。", gazetteer))
    assert [(h.text, h.name) for h in hits] == [(surface, name)]


def test_longest_match_wins(gazetteer: Gazetteer) -> None:
    assert [h.name for h in find_parties("由国家发展改革委、省发展改革委和市发展改革委负责", gazetteer)] == [
        "国家发展改革委",
        "省发展改革委",
        "市发展改革委",
    ]


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        ("中共山东省委 山东省人民政府", [("中共山东省委", "party_organ"), ("山东省人民政府", "government")]),
        ("四川省人民政府办公厅", [("四川省人民政府办公厅", "government")]),
        ("中共江西省委江西省人民政府", [("中共江西省委", "party_organ"), ("江西省人民政府", "government")]),
        ("某某市数据局", [("某某市数据局", "government")]),
    ],
)
def test_issuer_parties(issuer: str, expected: list[tuple[str, str]], gazetteer: Gazetteer) -> None:
    hits = issuer_parties(issuer, gazetteer)
    assert [(h.name, h.kind) for h in hits] == expected
    assert {h.role for h in hits} == {"issuer"}
    assert all(issuer[h.start : h.end] == h.text for h in hits)


def test_party_hit_is_frozen() -> None:
    hit = PartyHit(0, 2, "成都", "成都", "region", "actor", "Chengdu")
    with pytest.raises(AttributeError):
        hit.role = "mentioned"  # type: ignore[misc]


REQUIRED = {
    "省发展改革委": "Provincial Development and Reform Commission",
    "国家数据局": "National Data Administration",
    "党中央": "CPC Central Committee",
    "省委": "Provincial Party Committee",
    "各市(州)人民政府": "people's governments of all cities (prefectures)",
    "成都": "Chengdu",
    "金融机构": "financial institutions",
    "平台企业": "platform enterprises",
    "高校": "universities",
}


def test_gazetteer_is_well_formed(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.entries) >= 200
    assert {e.kind for e in gazetteer.entries} == set(KINDS)
    assert all(e.name and e.name_en for e in gazetteer.entries)
    by_name = {e.name: e for e in gazetteer.entries}
    assert len(by_name) == len(gazetteer.entries)
    for name, name_en in REQUIRED.items():
        assert by_name[name].name_en == name_en


@pytest.mark.parametrize(
    "surface",
    ["省经济和信息化厅", "省财政厅", "省科技厅", "省教育厅", "省人力资源社会保障厅", "省自然资源厅",
     "省商务厅", "省通信管理局", "省大数据中心", "省委网信办", "国家发展改革委", "工业和信息化部",
     "国务院", "省政府", "各地", "各部门", "绵阳", "凉山", "赣州", "赣江新区", "济南", "淄博",
     "天府新区", "银行业金融机构", "龙头企业", "中小企业", "民营企业", "国有企业", "科研院所",
     "行业协会", "社会资本"],
)
def test_gazetteer_covers_required_bodies(surface: str, gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup(surface) is not None


def test_duplicate_surface_is_rejected(tmp_path) -> None:
    path = tmp_path / "gazetteer.csv"
    path.write_text(
        "name,kind,name_en,aliases\n成都,region,Chengdu,成都市\n成都市政府,government,Chengdu Government,成都市\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="成都市"):
        load_gazetteer(path)


def test_unknown_kind_is_rejected(tmp_path) -> None:
    path = tmp_path / "gazetteer.csv"
    path.write_text("name,kind,name_en,aliases\n成都,city,Chengdu,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown kind"):
        load_gazetteer(path)

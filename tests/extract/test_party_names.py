"""Party names composed from their parts, roles from the grammar of duty, English names.

Cases are short excerpts of the corpus documents (../shared/corpus) and of the
forms named in issue 13; the document's home place is given where it matters.
"""

from __future__ import annotations

import pytest

from pipeline.extract.parties import Gazetteer, document_home, find_parties, load_gazetteer
from pipeline.extract.party_names import WordScanner, finditer_at, load_grammar
from pipeline.patterns import trie_regex
from pipeline.extract.party_patterns import guess_kind


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def rows(text: str, gazetteer: Gazetteer, home: str | None = None) -> list[tuple[str, str, str, str]]:
    place = gazetteer.grammar.places[home] if home else None
    return [(h.text, h.name, h.kind, h.role) for h in find_parties(text, gazetteer, place)]


COMPOSED = [
    pytest.param("(责任单位：市教委、市经济信息化委、市科委、市财政局)", None,
                 [("市教委", "市教育委员会", "government", "responsible"),
                  ("市经济信息化委", "市经济和信息化委员会", "government", "responsible"),
                  ("市科委", "市科学技术委员会", "government", "responsible"),
                  ("市财政局", "市财政局", "government", "responsible")],
                 id="d031-abbreviations-expanded-level-kept"),
    pytest.param("牵头考核单位：市住建局、审批服务局", None,
                 [("市住建局", "市住房和城乡建设局", "government", "lead"),
                  ("审批服务局", "市审批服务局", "government", "lead")],
                 id="distributed-prefix"),
    pytest.param("(责任单位：市科委、市财政局、临港新片区管委会、浦东新区等相关区政府)", "上海",
                 [("市科委", "市科学技术委员会", "government", "responsible"),
                  ("市财政局", "市财政局", "government", "responsible"),
                  ("临港新片区管委会", "临港新片区管理委员会", "government", "responsible"),
                  ("浦东新区", "浦东新区人民政府", "government", "responsible"),
                  ("相关区政府", "相关区人民政府", "government", "responsible")],
                 id="d031-zone-body-and-distributed-head"),
    pytest.param("宁波市发改委要加强统筹。", None, [("宁波市发改委", "宁波市发展改革委", "government", "responsible")],
                 id="named-city-prefix"),
    pytest.param("(省商务厅牵头，杭州海关配合)", "浙江",
                 [("省商务厅", "省商务厅", "government", "lead"), ("杭州海关", "杭州海关", "government", "support")],
                 id="customs-office-is-not-its-city"),
    pytest.param("人行宁波市中心支行、市发改委按职责分工配合。", None,
                 [("人行宁波市中心支行", "中国人民银行宁波市中心支行", "financial", "support"),
                  ("市发改委", "市发展改革委", "government", "support")],
                 id="central-bank-branch-is-not-its-city"),
    pytest.param("国务院投资、电信、广播电视主管部门和国家无线电管理机构的有关规定", None,
                 [("国务院投资", "国务院投资主管部门", "government", "mentioned"),
                  ("电信", "国务院电信主管部门", "government", "mentioned"),
                  ("广播电视主管部门", "国务院广播电视主管部门", "government", "mentioned"),
                  ("国家无线电管理机构", "国家无线电管理机构", "government", "mentioned")],
                 id="d033-shared-suffix-and-prefix"),
    pytest.param("市委、县委、市纪委监委要加强监督。", None,
                 [("市委", "市委", "party_organ", "responsible"), ("县委", "县委", "party_organ", "responsible"),
                  ("市纪委监委", "市纪委监委", "party_organ", "responsible")],
                 id="party-organs"),
    pytest.param("州数据资源主管部门应当加强指导。", None,
                 [("州数据资源主管部门", "州数据资源主管部门", "government", "responsible")],
                 id="prefecture-domain-competent-department"),
    pytest.param("完善城市数据中心布局。", None, [], id="level-character-inside-a-word-is-no-prefix"),
]


@pytest.mark.parametrize(("text", "home", "expected"), COMPOSED)
def test_names_composed_from_parts(text: str, home: str | None, expected: list, gazetteer: Gazetteer) -> None:
    assert rows(text, gazetteer, home) == expected


DUTIES = [
    pytest.param("第十条  技术交易场所应当严格遵守法律法规和监管部门的规定，自觉接受监管。",
                 [("技术交易场所", "技术交易场所", "institution", "responsible")], id="d028-regulated-entity-shall"),
    pytest.param("技术交易场所应当配合市科委依法实施监管，不得拒绝、阻碍和隐瞒。",
                 [("技术交易场所", "技术交易场所", "institution", "support"),
                  ("市科委", "市科学技术委员会", "government", "mentioned")], id="d028-shall-cooperate-is-support"),
    pytest.param("由市地方金融管理部门汇总后统一对社会公示。",
                 [("市地方金融管理部门", "市地方金融管理部门", "government", "responsible")], id="d028-by-x-verb"),
    pytest.param("第二十一条  本细则由市科委负责解释。",
                 [("市科委", "市科学技术委员会", "government", "responsible")], id="d028-by-x-responsible"),
    pytest.param("县级以上人民政府网信部门负责本行政区域内的网络数据安全工作。",
                 [("县级以上人民政府网信部门", "县级以上人民政府网信部门", "government", "responsible")],
                 id="county-and-above-competent-department"),
    pytest.param("由公安机关负责查处。", [("公安机关", "公安机关", "government", "responsible")], id="by-public-security"),
    pytest.param("第三十四条 国家网信部门会同有关主管部门，建立健全信息共享工作机制。",
                 [("国家网信部门", "国家网信部门", "government", "lead"),
                  ("有关主管部门", "有关主管部门", "government", "support")], id="d033-together-with"),
    pytest.param("第二十四条 终端设备直连卫星服务提供者为用户办理终端设备直连卫星服务，应当在签订协议时依法要求用户提供真实身份信息。",
                 [("终端设备直连卫星服务提供者", "终端设备直连卫星服务提供者", "enterprise", "responsible")],
                 id="d033-duty-after-a-condition"),
    pytest.param("加强统筹推进，由市科委牵头，优化部门协同、市区联动工作模式。",
                 [("市科委", "市科学技术委员会", "government", "lead")], id="d025-by-x-lead"),
    pytest.param("一、支持企业参与基础研究决策咨询。健全企业参与科学决策的长效机制。",
                 [("企业", "企业", "enterprise", "actor")], id="d031-bare-enterprise-actor-only-after-trigger"),
    pytest.param("支持企业和社会力量设立基础研究公益基金会。",
                 [("企业", "企业", "enterprise", "actor"), ("社会力量", "社会力量", "institution", "actor")],
                 id="d031-object-of-set-up-is-no-party"),
    pytest.param("降低企业用能成本，委托第三方机构开展评估。", [], id="verbs-are-not-glued-onto-groups"),
    pytest.param("组长：张某 省发展改革委主任", [], id="job-title-is-no-party"),
    pytest.param("任何个人和组织不得利用终端设备直连卫星服务制作、传播违法信息。", [], id="anyone-is-no-party"),
]


@pytest.mark.parametrize(("text", "expected"), DUTIES)
def test_roles_from_the_grammar_of_duty(text: str, expected: list, gazetteer: Gazetteer) -> None:
    assert rows(text, gazetteer) == expected


def test_distributed_list_prefix_on_an_addressee_line(gazetteer: Gazetteer) -> None:
    text = ("各省、自治区、直辖市互联网信息办公室、发展改革委、公安厅(局)，"
            "新疆生产建设兵团互联网信息办公室、市场监管局，海关总署广东分署、各直属海关：")
    assert [(h.name, h.role) for h in find_parties(text, gazetteer)] == [
        ("各省、自治区、直辖市互联网信息办公室", "addressee"),
        ("各省、自治区、直辖市发展改革委", "addressee"),
        ("各省、自治区、直辖市公安厅(局)", "addressee"),
        ("新疆生产建设兵团互联网信息办公室", "addressee"),
        ("新疆生产建设兵团市场监督管理局", "addressee"),
        ("海关总署广东分署", "addressee"),
        ("各直属海关", "addressee"),
    ]


def test_signature_block_gives_one_issuer_per_line(gazetteer: Gazetteer) -> None:
    text = "现将《规定》印发给你们。\n国家互联网信息办公室\n国家发展和改革委员会\n工业和信息化部\n公安部\n2025年4月23日"
    assert [(h.name, h.role) for h in find_parties(text, gazetteer)] == [
        ("国家互联网信息办公室", "issuer"), ("国家发展改革委", "issuer"), ("工业和信息化部", "issuer"), ("公安部", "issuer"),
    ]


def test_title_issuer_and_web_header(gazetteer: Gazetteer) -> None:
    text = ("# 上海市人民政府办公厅关于印发《上海市支持企业加强基础研究的若干措施》的通知\n"
            "**发布机构**: 上海市科学技术委员会\n各区人民政府，市政府各委、办、局，各有关单位：")
    assert [(h.name, h.role) for h in find_parties(text, gazetteer)] == [
        ("上海市人民政府办公厅", "issuer"), ("各区人民政府", "addressee"), ("市政府各委、办、局", "addressee"),
        ("各有关单位", "addressee"),
    ]


def test_issuing_region_naming_itself_is_no_party(gazetteer: Gazetteer) -> None:
    shanghai = gazetteer.grammar.places["上海"]
    assert list(find_parties("推动上海成为国际创新产品注册生产首选地。", gazetteer, shanghai)) == []


ENGLISH = [
    pytest.param("省财政厅负责资金保障。", "浙江", "Zhejiang Provincial Department of Finance", id="province-from-home"),
    pytest.param("市审批服务局负责。", "呼和浩特", "Hohhot Municipal Administrative Approval and Service Bureau",
                 id="city-from-home"),
    pytest.param("市科委负责。", "上海", "Shanghai Municipal Science and Technology Commission", id="municipality"),
    pytest.param("上海市科学技术委员会负责。", "上海", "Science and Technology Commission of Shanghai Municipality",
                 id="gazetteer-official-name-wins"),
    pytest.param("省发展改革委负责。", "四川", "Sichuan Provincial Development and Reform Commission",
                 id="gazetteer-generic-level-gets-the-place"),
    pytest.param("由上海海关负责。", None, "Shanghai Customs", id="customs-takes-the-bare-place"),
]


@pytest.mark.parametrize(("text", "home", "english"), ENGLISH)
def test_english_names_composed(text: str, home: str | None, english: str, gazetteer: Gazetteer) -> None:
    place = gazetteer.grammar.places[home] if home else None
    assert [h.name_en for h in find_parties(text, gazetteer, place)] == [english]


@pytest.mark.parametrize(
    ("issuer", "title", "expected"),
    [("上海市人民政府办公厅", "", "上海市"), (None, "关于印发《上海市脑机接口未来产业培育行动方案》的通知", "上海市"),
     ("中山市人民政府", "", "中山市"), (None, "网络数据安全管理条例", None)],
)
def test_document_home_from_issuer_or_title(issuer, title, expected, gazetteer: Gazetteer) -> None:
    home = document_home(issuer, title, gazetteer)
    assert (home.full if home else None) == expected


def test_document_home_prefers_metadata_city(gazetteer: Gazetteer) -> None:
    assert document_home("浙江省人民政府", "", gazetteer, province="浙江省", city="宁波市").full == "宁波市"


def test_trie_regex_prefers_the_longest_word() -> None:
    import re

    pattern = re.compile(trie_regex(["发展改革委", "发展改革委员会", "发展", "科委"]))
    assert [m.group() for m in pattern.finditer("发展改革委员会、科委、发展")] == ["发展改革委员会", "科委", "发展"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [("商业保险机构", "financial"), ("科技服务企业", "enterprise"), ("高校", "institution"),
     ("政府性自然科学基金", "financial"), ("高校基金会", "institution"), ("市委宣传部", "party_organ"),
     ("有条件的区", "region"), ("市药品监管部门", "government")],
)
def test_one_table_driven_kind_guesser(name: str, kind: str) -> None:
    assert guess_kind(name) == kind


def test_grammar_tables_name_the_bad_file(tmp_path) -> None:
    import shutil

    from pipeline.extract.party_names import TABLES_DIR

    for table in TABLES_DIR.iterdir():
        shutil.copy(table, tmp_path / table.name)
    with (tmp_path / "suffixes.csv").open("a", encoding="utf-8") as handle:
        handle.write("科,科,ministry,{p} Section\n")
    load_grammar.cache_clear()
    with pytest.raises(ValueError, match="suffixes.csv"):
        load_grammar(tmp_path)
    load_grammar.cache_clear()


# --- the automata give what the trie patterns gave ------------------------------------------

# Excerpts of the corpus documents (../shared/corpus) dense with names, overlapping
# ones (国家发展改革委 / 发展改革委, 市政务数据主管部门 / 政务数据) included.
SCANNED = [
    "中央网信办、国家发展改革委、工业和信息化部牵头，科技部、公安部、教育部、国务院国资委、国家标准委、"
    "国家知识产权局等按职责分工负责加快高速宽带网络建设，全面推进三网融合。",
    "(责任单位：市科委、市发展改革委、市经济信息化委、市规划资源局、浦东新区政府、闵行区政府、嘉定区政府)",
    "需要使用跨层级、跨区域政务数据的，政务部门应当通过中山市政务大数据中心向市政务数据主管部门提出申请，"
    "市政务数据主管部门按照规定向上级政务数据主管部门提出数据使用申请。",
    "网信、发展改革、工业和信息化、公安、国家安全、海关、市场监管、新闻出版、广播电视等部门，依据各自职责依法开展"
    "对终端设备和终端设备直连卫星服务的监督管理。",
    "面向俄罗斯、韩国、香港、北京、上海等境内外主要客源地开展旅游宣传推介，推进与西安、成都、重庆等城市“双城联动”旅游合作。",
    "省经济和信息化主管部门会同省有关部门编制省数字经济发展规划，报省人民政府批准后组织实施。",
    "(责任单位：市科委、市财政局、上海金融监管局、中国人民银行上海总部)\n",
]


def trie_scan(words, text: str) -> list[tuple[int, int, str]]:
    """The general path the automata replace: one trie regex over the words, scanned by re."""
    import re

    return [(m.start(), m.end(), m.group()) for m in re.compile(trie_regex(words)).finditer(text)]


@pytest.mark.parametrize("text", SCANNED)
def test_the_gazetteer_automaton_finds_what_its_trie_regex_finds(gazetteer: Gazetteer, text: str) -> None:
    scanner = gazetteer.surface_words
    expected = trie_scan(gazetteer.by_surface, text)
    assert expected and scanner.find(text) == expected


@pytest.mark.parametrize("text", SCANNED)
def test_the_place_automaton_matches_and_searches_like_the_trie(gazetteer: Gazetteer, text: str) -> None:
    import re

    places = gazetteer.grammar.places
    pattern = re.compile(trie_regex(places))
    scanner = gazetteer.grammar.place_words
    assert scanner.find(text) == trie_scan(places, text)
    for position in range(len(text)):
        match = pattern.match(text, position)
        assert scanner.match(text, position) == (match and (match.start(), match.end(), match.group()))
    found = pattern.search(text)
    assert scanner.search(text) == (found and (found.start(), found.end(), found.group()))


@pytest.mark.parametrize("text", SCANNED)
def test_the_cores_are_tried_only_where_a_core_word_starts_with_the_same_matches(gazetteer: Gazetteer, text: str) -> None:
    grammar = gazetteer.grammar
    plain = [m.span() for m in grammar.head.finditer(text)]
    assert [m.span() for m in finditer_at(grammar.head, text, grammar.head_words.starts(text), 0, len(text))] == plain
    # Within a range, as around a zone's administration.
    middle = len(text) // 2
    assert ([m.span() for m in finditer_at(grammar.head, text, grammar.head_words.starts(text), 3, middle)]
            == [m.span() for m in grammar.head.finditer(text, 3, middle)])


@pytest.mark.parametrize(
    ("words", "text", "expected"),
    [
        # The longest word at the leftmost start wins; a word inside it is not found again.
        pytest.param(["省政府", "省政府办公厅", "政府办公厅", "政府"], "省政府办公厅和市政府",
                     [(0, 6, "省政府办公厅"), (8, 10, "政府")], id="longest-at-leftmost"),
        # Overlapping words: the one that starts first wins even when a later one is longer.
        pytest.param(["发展改革", "改革委员会"], "发展改革委员会", [(0, 4, "发展改革")], id="leftmost-before-longest"),
        pytest.param(["国家发展改革委", "发展改革委", "国家"], "国家发展改革委、发展改革委",
                     [(0, 7, "国家发展改革委"), (8, 13, "发展改革委")], id="prefix-word"),
        pytest.param(["市(州)", "市州", "市"], "各市(州)、市州人民政府", [(1, 5, "市(州)"), (6, 8, "市州")], id="brackets"),
    ],
)
def test_word_scanner_is_leftmost_longest(words, text, expected) -> None:
    scanner = WordScanner(words)
    assert scanner.find(text) == expected == trie_scan(words, text)
    assert scanner.starts(text) == sorted({s for s in range(len(text)) for w in words if text.startswith(w, s)})


# The scanned patterns were rewritten so that every alternative starts with a
# literal (a lookbehind moved after its literal) or sits behind a lookahead on
# its first characters; the forms they had before are the reference here.
REWRITTEN = [
    ("NAME_PREFIXES", r"国家(?!级)|全国|(?<![全我本外各分跨])省(?![级内外市域])|天府|黄河"),
    ("_GROUP_HEADS",
     r"(?:依托|牵头|责任|承担|申报|参与|合作|实施|建设|主管|成员|协作|配合|使用|运营|管理)单位|党组织|实验室|委员会|各方"
     r"|企事业单位|企业|投资人|机构|供应商|服务商|集成商|生产商|运营商|经营主体|市场主体|创新主体|产业链主体|智库|党政机关"
     r"|高校院所|高校|院校|学校|科研院所|单位|(?<!牵头)组织(?=[，。；、在和与等])|社会力量|社会资本|金融资本|市场力量|基金会|基金(?!会)"
     r"|提供者|生产者|组装者|销售者|场所|孵化器|公司|银行|媒体|联合体|电商平台|交易平台|互联网平台|(?<=[与和、])政府(?=[、和与]|深入|合作)"),
    ("_BODY_BREAKS",
     r"建设|打造|推进|推动|加快|支持|鼓励|引导|依托|发挥|争创|创建|布局|搭建|开放|提供|实施|开展|形成|争取"
     r"|落户|引进|培育|用好|建好|深化|提升|完善|优化|加强|构建|聚焦|围绕|面向|和|与|及|等|的|在|为|以|向|了"
     r"|首批|同类|重要|副|[0-9]+个|个"),
]
EDGES = ["全省省级平台由省发展改革委牵头组织，", "我省、外省和本省", "与政府合作，和政府、企业组织、牵头组织等",
         "建设3个省实验室和2个国家平台", "鼓励“专精特新”企业、科研院所、高校与政府深入合作"]


@pytest.mark.parametrize(("name", "before"), REWRITTEN, ids=[name for name, _ in REWRITTEN])
def test_rewritten_patterns_match_what_they_matched_before(name: str, before: str) -> None:
    import re

    from pipeline.extract import party_patterns

    now, old = getattr(party_patterns, name), re.compile(before)
    for text in SCANNED + EDGES:
        assert [m.span() for m in now.finditer(text)] == [m.span() for m in old.finditer(text)], text

"""The parties' fast paths give what the general path gives (issue 16, third round).

Each fast path skips work that cannot change the result: a memo of a
gazetteer surface's mention per home, a memo of a composed body's English per
home, a branch suffix looked for only where one can follow, and the list,
annotation and signature patterns tried only on texts holding the characters
every one of their matches holds. Cases are excerpts of the corpus documents
(../shared/corpus) and the seeds.
"""

from __future__ import annotations

import pytest

from pipeline.extract import parties
from pipeline.extract.parties import Gazetteer, find_parties, load_gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


EXCERPTS = [
    "（四）协调上海市教育、国资、经济信息化、卫生健康、农业农村等有关委办局、中国科学院上海分院、各区人民政府等部门，征集重点实验室布局建议。",
    "省发展改革委牵头，省财政厅等按职责分工负责。",
    "建设省级公共数据资源登记系统。(责任单位：省发展改革委、省财政厅)",
    "(牵头单位：省发展和改革委员会；责任单位：省经济和信息化厅、各市(州)人民政府)",
    "抄送：省委办公厅，省人大常委会办公厅，省政协办公厅，省纪委监委机关，省法院，省检察院，西部战区，省军区。",
    "各市、县(市、区)人民政府，省政府各部门、各直属机构：",
    "浙江省人民政府关于印发浙江省数字经济发展规划的通知",
    "四川省人民政府\n2024年3月1日",
    "支持济南市、青岛市加快关键器件迭代升级，鼓励中国银行浙江省分行、人行宁波市中心支行加大信贷支持。",
    "市科委、市财政局按职责分工负责，由市地方金融管理部门汇总。",
    "培育一批具有较强引领带动作用的垂直行业企业，以天府数据中心集群为核心。",
]
HOMES = [None, "浙江", "四川", "上海"]


def place(gazetteer: Gazetteer, home: str | None):
    return gazetteer.grammar.places[home] if home else None


@pytest.mark.parametrize("home", HOMES)
def test_gazetteer_mentions_are_those_of_each_entry(home: str | None, gazetteer: Gazetteer) -> None:
    # One memo for the excerpts, as for the clauses of one document, read twice over:
    # a surface met again answers from the memo with the mention its entry gives.
    where = place(gazetteer, home)
    mentions: parties.Mentions = {}
    for text in [*EXCERPTS, *EXCERPTS]:
        expected = [parties._entry_name(text, start, end, gazetteer.by_surface[surface], where, gazetteer.grammar,
                                        gazetteer.variant_of.get(surface))
                    for start, end, surface in gazetteer.surface_words.find(text)]
        assert parties._gazetteer_names(text, gazetteer, where, mentions) == expected
    assert mentions  # the memo was filled, and used on the second reading


def test_a_composed_body_takes_each_document_s_place(gazetteer: Gazetteer) -> None:
    text = "省财政厅负责资金保障。"
    english = {home: [h.name_en for h in find_parties(text, gazetteer, place(gazetteer, home))]
               for home in ["浙江", "四川", "浙江"]}
    assert english == {"浙江": ["Zhejiang Provincial Department of Finance"],
                       "四川": ["Sichuan Provincial Department of Finance"]}


@pytest.mark.parametrize("text", EXCERPTS)
def test_grammar_english_is_composed_as_without_the_memo(text: str, gazetteer: Gazetteer) -> None:
    grammar = gazetteer.grammar
    for home in HOMES:
        for body in grammar.find(text, place(gazetteer, home)):
            template = _template(grammar, body)
            if template is None:
                continue  # a bank's or a zone's body: its English is not composed from a core
            recomposed = type(grammar)._english.__wrapped__(grammar, body.prefix, template,
                                                            place(gazetteer, home))
            assert body.name_en == recomposed


def _template(grammar, body) -> str | None:
    """The English template of a body's core, found back from its canonical name."""
    core = body.name.removeprefix("中共").removeprefix(body.prefix)
    for table in (grammar.abbreviations, grammar.organs):
        for entry in table.values():
            if entry.canonical == core:
                return entry.name_en
    for surface, (canonical, english) in grammar.domains.items():
        for suffix in grammar.suffixes.values():
            if canonical + suffix.canonical == core:
                return suffix.name_en.replace("{d}", english)
    return None


@pytest.mark.parametrize("text", EXCERPTS)
def test_branch_suffix_looked_for_only_where_one_can_follow(text: str, gazetteer: Gazetteer, monkeypatch) -> None:
    fast = parties._scan(text, gazetteer, None)
    # The general path: every name tries a place and a branch suffix after it.
    monkeypatch.setattr(parties, "_last_branch", lambda text: len(text) + 1)
    assert parties._scan(text, gazetteer, None) == fast


def test_a_branch_after_a_place_is_one_party(gazetteer: Gazetteer) -> None:
    text = EXCERPTS[0]
    assert "中国科学院上海分院" in [h.name for h in find_parties(text, gazetteer)]


# The guards: every match of these patterns holds one of the characters the
# fast path looks for, so a text without them has no match to lose.
GUARDED = [
    (parties._ANNOTATION, "：:"),
    (parties._VERB_ANNOTATION, "(（"),
    (parties._ADDRESSEE_LINE, "：:"),
    (parties._CC_LINE, "：:"),
]


@pytest.mark.parametrize("text", EXCERPTS)
@pytest.mark.parametrize(("pattern", "characters"), GUARDED)
def test_guarded_patterns_match_only_with_their_characters(text: str, pattern, characters: str) -> None:
    for match in pattern.finditer(text):
        assert any(char in match.group() for char in characters)


@pytest.mark.parametrize("text", [
    "各市人民政府，省政府各部门、各直属机构",  # a recipients line without its colon
    "省发展改革委牵头，省财政厅等按职责分工负责",
    "支持济南市、青岛市加快关键器件迭代升级",
])
def test_texts_the_guards_skip_have_no_list_annotation_or_issuer(text: str, gazetteer: Gazetteer) -> None:
    assert parties._addressees(text, gazetteer, None) == ([], [])
    assert parties._annotations(text, gazetteer, None) == ([], [])
    assert parties._issuer_spans(text) == []
    for pattern, _ in GUARDED:
        assert pattern.search(text) is None


@pytest.mark.parametrize(("text", "role"), [
    (EXCERPTS[4], "addressee"), (EXCERPTS[5], "addressee"), (EXCERPTS[2], "responsible"),
    ("(省商务厅牵头，杭州海关配合)", "lead"), (EXCERPTS[6], "issuer"), (EXCERPTS[7], "issuer"),
])
def test_guarded_texts_keep_their_roles(text: str, role: str, gazetteer: Gazetteer) -> None:
    assert role in {h.role for h in find_parties(text, gazetteer)}


def test_find_parties_is_an_iterator_over_sorted_hits(gazetteer: Gazetteer) -> None:
    hits = find_parties(EXCERPTS[8], gazetteer)
    assert iter(hits) is hits
    listed = list(hits)
    assert listed == sorted(listed, key=lambda h: (h.start, h.end)) and listed


@pytest.mark.parametrize(("text", "expected"), [
    ("鼓励有条件的地区先行先试，支持具备条件的城市建设。", ["有条件的地区", "具备条件的城市"]),
    ("支持有条件的市(州)建设区域中心。", ["有条件的市(州)"]),
    ("鼓励有能力的企业参与。", []),  # no 条件的: the capable-places pattern is not tried
])
def test_capable_places_found_where_the_guard_lets_them(text: str, expected: list[str]) -> None:
    from pipeline.extract.party_patterns import _CAPABLE_PLACES, actor_groups

    regions = [name for _, _, name, kind in actor_groups(text) if kind == "region"]
    assert regions == [m.group() for m in _CAPABLE_PLACES.finditer(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("由市科委受理。", [("市科学技术委员会", "responsible")]),
    ("并由市地方金融管理部门汇总。", [("市地方金融管理部门", "responsible")]),
    ("市经济信息化委要会同有关部门制定方案。", [("市经济和信息化委员会", "lead"), ("有关部门", "support")]),
    ("市财政局等依法负责资金保障。", [("市财政局", "responsible")]),
    ("推动市财政局理由充分的事项。", [("市财政局", "actor")]),  # 由 inside 理由: no 由X
])
def test_duty_roles_read_with_the_cheap_checks(text: str, expected, gazetteer: Gazetteer) -> None:
    # _BY is tried only where 由 is, 会同$ is read as endswith: the roles of the patterns.
    assert [(h.name, h.role) for h in find_parties(text, gazetteer)] == expected


# --- fourth round: pieces read back from the name, guards on words, a facility's suffixes in one scan,
# a document's memo of mentions ------------------------------------------------------------------------

ROUND4 = [
    *EXCERPTS,
    "国家加快建设全国一体化在线政务服务平台(以下简称一体化在线平台)，推进各地区、各部门政务服务。",
    "第五条  上海市科学技术委员会（以下简称“市科委”）作为本市技术交易场所的行业主管部门。",
    "**发布机构**: 上海市\n**发布日期**: 2020-06-05",
    "来源：上海市人民政府网站",
    "- [附件下载](http://www.sh.gov.cn/a.pdf)",
    "高标准建设国家南繁育种基地。推进国家骨干冷链物流基地建设。",
    "支持申报国家药监局创新研究基地。",
    "市科委、市财政局、临港新片区管委会、浦东新区等相关区政府按职责分工负责。",
    "抄送：各区县。",
    "推进“数字四川”建设，落实《四川省数据条例》。",
]


@pytest.mark.parametrize("text", ROUND4)
def test_a_piece_read_back_starts_after_the_last_boundary(text: str) -> None:
    # The general path: every boundary of the text, bisected.
    from bisect import bisect_right

    boundaries = [m.end() for m in parties._PIECE_BOUNDARY.finditer(text)]
    for position in range(len(text) + 1):
        floor = max(0, position - 200)
        last = bisect_right(boundaries, position) - 1
        expected = boundaries[last] if last >= 0 and boundaries[last] > floor else floor
        assert parties._piece_start(text, position) == expected


def test_a_piece_starts_at_most_200_characters_back() -> None:
    text = "，" + "数" * 250 + "省财政厅"
    assert parties._piece_start(text, 251) == 51
    assert parties._piece_start(text, 150) == 1


@pytest.mark.parametrize("text", ROUND4)
def test_a_facility_ends_at_its_longest_suffix_as_tried_at_each_character(text: str) -> None:
    from pipeline.extract import party_patterns

    for body_start in range(len(text)):
        # The general path: the suffix tried at every character of the body.
        limit = min(len(text), body_start + party_patterns._MAX_FACILITY_BODY)
        body = party_patterns._FACILITY_BODY.match(text, body_start, limit)
        limit = body.end() if body else body_start
        breaking = party_patterns._BODY_BREAKS.search(text, body_start, limit)
        limit = breaking.start() if breaking else limit
        ends = [m.end() for i in range(body_start + 2, limit)
                if (m := party_patterns._FACILITY_SUFFIX.match(text, i, limit))]
        assert party_patterns._facility_end(text, body_start) == max(ends, default=None)


@pytest.mark.parametrize("text", [*ROUND4, "天府数据中心集群", "国家数据中心集群中心", "平台中心"])
def test_every_facility_suffix_starts_before_the_end_of_the_last_one_found(text: str) -> None:
    # Why named_facilities tries no body starting two characters or less before that end.
    from pipeline.extract.party_patterns import _FACILITY_SUFFIX

    last_end = max((m.end() for m in _FACILITY_SUFFIX.finditer(text)), default=0)
    assert all(i < last_end for i in range(len(text)) if _FACILITY_SUFFIX.match(text, i))


@pytest.mark.parametrize(("text", "expected"), [
    ("高标准建设国家南繁育种基地。推进国家骨干冷链物流基地建设。", ["国家南繁育种基地", "国家骨干冷链物流基地"]),
    ("以天府数据中心集群为核心", ["天府数据中心集群"]),
    ("推进省级平台建设", []),  # no body of two characters before the suffix
    ("支持国家超算中心", ["国家超算中心"]),
    ("建设国家平台", []),
])
def test_named_facilities_after_the_suffix_check(text: str, expected: list[str]) -> None:
    from pipeline.extract.party_patterns import named_facilities

    assert [name for _, _, name, _ in named_facilities(text, {})] == expected


WORD_GUARDS = [
    (parties._WEB_HEADER, parties._WEB_HEADER_WORDS),
    (parties._ALIAS, ("以下",)),
    (parties._QUOTED, "“《\""),
    (parties._CC_LINE, ("抄送",)),
]


@pytest.mark.parametrize("text", ROUND4)
@pytest.mark.parametrize(("pattern", "words"), WORD_GUARDS)
def test_word_guarded_patterns_match_only_with_their_words(text: str, pattern, words) -> None:
    for match in pattern.finditer(text):
        assert any(word in match.group() for word in words)


@pytest.mark.parametrize("text", ROUND4)
def test_bank_and_zone_bodies_hold_their_guard_characters(text: str, gazetteer: Gazetteer) -> None:
    grammar = gazetteer.grammar
    assert all("行" in m.group() for m in grammar.bank.finditer(text))
    assert all("管" in m.group() for m in grammar.zone.finditer(text))


@pytest.mark.parametrize(("text", "expected"), [
    ("来源：上海市人民政府网站", []),  # a web page's source line: the page, not the document
    ("**发布机构**: 上海市", []),
    ("抄送：各区县。", [("各区县", "addressee")]),
    ("鼓励人行宁波市中心支行加大信贷支持。", [("中国人民银行宁波市中心支行", "actor")]),
    ("临港新片区管委会负责", [("临港新片区管理委员会", "responsible")]),
    ("加强组织领导。", []),
    ("(牵头单位：各区)", [("各区", "lead")]),  # the annotation's unit, found by the list, not the scan
])
def test_the_guarded_patterns_still_find_and_drop(text: str, expected, gazetteer: Gazetteer) -> None:
    assert [(h.name, h.role) for h in find_parties(text, gazetteer)] == expected


def test_an_alias_is_dropped_behind_its_guard(gazetteer: Gazetteer) -> None:
    text = "第五条  上海市科学技术委员会（以下简称“市科委”）作为本市技术交易场所的行业主管部门。"
    assert "市科学技术委员会" not in [h.name for h in find_parties(text, gazetteer)]  # 市科委, the alias
    assert "上海市科学技术委员会" in [h.name for h in find_parties(text, gazetteer)]


@pytest.mark.parametrize("text", ROUND4)
def test_the_character_guards_skip_nothing_the_general_path_finds(text: str, gazetteer: Gazetteer, monkeypatch) -> None:
    fast = list(find_parties(text, gazetteer))
    # The general path: every pattern behind holds_any read on every clause.
    monkeypatch.setattr(parties, "holds_any", lambda text, needles: True)
    assert list(find_parties(text, gazetteer)) == fast


def test_the_component_shares_one_memo_per_pipe_call_and_per_home(gazetteer: Gazetteer) -> None:
    from pipeline.extract.nlp import build_nlp, records

    nlp = build_nlp(["policy_parties"])
    homes = [place(gazetteer, home) for home in ("浙江", "四川", None)]
    docs = []
    for home in homes:  # one pipe call over the clauses of three documents of different places
        for text in ROUND4:
            doc = nlp.make_doc(text)
            doc.user_data["party_home"] = home
            docs.append(doc)
    piped = [records(doc, "parties") for doc in nlp.pipe(docs)]
    alone = [list(find_parties(doc.text, gazetteer, doc.user_data["party_home"])) for doc in docs]
    assert piped == alone and any(piped)
    # A Doc on its own is read as in the pipe.
    single = nlp(nlp.make_doc(ROUND4[1]))
    assert records(single, "parties") == list(find_parties(ROUND4[1], gazetteer))


@pytest.mark.parametrize(("text", "expected"), [
    ("支持康养、教育、娱乐等领域企业开展合作。", ["康养、教育、娱乐等领域企业"]),
    ("培育一批服务型、应用型、技术型数据企业。", ["服务型、应用型、技术型数据企业"]),
    ("支持领域企业开展合作。", ["领域企业"]),  # no 、 before the head: the enumeration is not searched
])
def test_an_enumeration_before_a_group_is_searched_where_a_list_mark_is(text: str, expected: list[str]) -> None:
    from pipeline.extract.party_patterns import actor_groups

    assert [name for _, _, name, _ in actor_groups(text)] == expected

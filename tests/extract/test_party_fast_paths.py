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

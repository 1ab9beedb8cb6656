"""The matchers' fast paths give what the general ones give.

``AnchoredPattern.finditer`` must find exactly what ``re.Pattern.finditer``
finds, for every anchored pattern of the date and figure grammars: on short
excerpts of the corpus and the seeds, on the edge cases of their leads (the
longest prefix a match can have before its anchor), and on every clause of
the seeds and of the development corpus. The other shortcuts (``ends_with``,
the bracket depth, the clause of an indicator-table cell) are checked against
the slow definitions they replace.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from pipeline.extract import anchored, dates, targets
from pipeline.extract.anchored import AnchoredPattern, ends_with, held_class, opening_class, opening_guarded
from pipeline.extract.dates import find_dates
from pipeline.extract.stage import _clause_locator
from pipeline.extract.targets import find_targets
from pipeline.process import segment_document
from pipeline.store.sources import list_sources

ANCHORED = [pytest.param(value, id=name) for module in (dates, targets)
            for name, value in vars(module).items() if isinstance(value, AnchoredPattern)]

EXCERPTS = [
    # Corpus and seed excerpts.
    "发展目标。\n到2018年，互联网与经济社会各领域的融合发展进一步深化，基于互联网的新业态成为新的经济增长动力",
    "市政务数据主管部门应当于每年三月底前向市政府报告上年度市政务数据管理工作情况，并向社会公开。",
    "根据市政府《上海市推进农业高质量发展行动方案(2021-2025年)》(沪府〔2020〕84号)和市农业农村委等六部门",
    "全面推进行政许可和行政处罚等信息自作出行政决定之日起7个工作日内上网公开工作。",
    "将第二类医疗器械审评平均时限压缩至40个工作日以内。",
    "基础研究投入达到或超过1亿元/年的企业，给予一次性财政补助1000万元；5000万元(含)至1亿元(不含)/年的企业，给予",
    "国民经济和社会发展第十四个五年规划和二〇三五年远景目标的建议",
    "“十三五”时期，全球信息化发展面临的环境、条件和内涵正发生深刻变化。",
    "对小微企业的存量留抵税额于6月底前一次性全部退还，增量留抵税额足额退还。",
    "深入推进信息进村入户试点，鼓励通过移动互联网为农民提供政策、市场、科技、保险等生产生活信息服务。",
    "2024-12-16 09:58:10.0来源：四川省人民政府网站",
    "四川省人民政府办公厅\n2019年8月5日印发",
    "到2027年，算力总规模达到40EFLOPS。到2030年，数字经济核心产业增加值实现翻番",
    "截至2020年底，累计开通5G基站3.4万个，建设3—5个国家级、10余个省级可信数据空间",
    "二〇二二年五月二十五日",
    # The longest lead of each pattern: 上一年度 before a month, a year before a season,
    # the longest comparator before a figure.
    "上一年度3月1日至3月31日，上一年度上半年，2024年前三季度，今明两年，2023年第一季度末，2024年12月1日至12月31日",
    "每家企业每年最高不超过100万元，达到或超过50%，最高可达2000万元",
    "2021—2025年、2021-2025年、2021至2025年，“十五五”末，第十五个五年规划",
    "力争通过3—5年努力，两年半内，十五个工作日内答复，48小时，6个月，三个星期",
    "出口带宽扩容至10G，百兆入户，宽带接入能力达到1000兆比特/秒(Mbps)以上",
    "7×24小时，1∶1比例，“5351”体系，“16条”，（3分），十九届、第十三届人民代表大会",
    # Full-width digits (\d matches them), Chinese numerals, 〇 and ○, a month split by a newline.
    "到２０２５年，５Ｇ基站达到３万个，二〇二五年底，二○二五年，一九九八年",
    "2020年\n底前，十二月底前，一月一调度，年底前，年初，每年中",
    # Anchors with no character a match opens with before them (青年, 年度, 统一), and openers that
    # are not (一体化 before 年), next to ones that are.
    "青年人才每年度统一评审，一体化年度计划，本年度3月1日前，当年上半年，自印发之日起，超一流，达到一万人",
    # An anchor as the first or the last character, and a text without any.
    "年底前完成",
    "一",
    "完成任务",
    "",
]


def test_doctests() -> None:
    assert doctest.testmod(anchored).failed == 0


def _found(matches) -> list[tuple]:
    return [(match.span(), match.groups()) for match in matches]


@pytest.mark.parametrize("pattern", ANCHORED)
def test_anchored_pattern_finds_what_finditer_finds(pattern: AnchoredPattern) -> None:
    for text in EXCERPTS:
        assert _found(pattern.finditer(text)) == _found(pattern.pattern.finditer(text)), text


def _clause_texts(folder: Path, converter) -> list[str]:
    sources, _ = list_sources(folder)
    texts = []
    for source in sources:
        segmented = segment_document(source, converter)
        canonical = segmented.canonical.normalized.text
        texts.append(canonical)
        texts += [clause.own_text(canonical) for clause in segmented.tree.clauses]
    return texts


_REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = next((p for p in (_REPO.parent / "shared" / "corpus", _REPO.parent.parent / "shared" / "corpus")
                   if p.is_dir()), None)


@pytest.fixture(scope="module")
def real_texts(converter) -> list[str]:
    """The canonical text and every clause's own text of the seeds, and of the corpus when it is here."""
    texts = _clause_texts(_REPO / "seeds", converter)
    return texts + (_clause_texts(CORPUS_DIR, converter) if CORPUS_DIR else [])


@pytest.mark.parametrize("pattern", ANCHORED)
def test_anchored_pattern_on_every_real_clause(pattern: AnchoredPattern, real_texts: list[str]) -> None:
    for text in real_texts:
        assert _found(pattern.finditer(text)) == _found(pattern.pattern.finditer(text)), text[:80]


@pytest.fixture
def general_path(monkeypatch):
    """Every anchored pattern tried at every character, as ``re`` alone does."""
    monkeypatch.setattr(AnchoredPattern, "finditer", lambda self, text: self.pattern.finditer(text))


@pytest.mark.parametrize("text", EXCERPTS, ids=[f"excerpt{i}" for i in range(len(EXCERPTS))])
def test_matchers_agree_with_the_general_path(text: str, request) -> None:
    fast = (list(find_dates(text, 2024)), list(find_targets(text, reference_year=2024)))
    request.getfixturevalue("general_path")
    assert (list(find_dates(text, 2024)), list(find_targets(text, reference_year=2024))) == fast


def test_the_edge_cases_are_found() -> None:
    """The excerpts of the leads do reach the matchers (a wrong lead would miss them silently)."""
    found = {hit.text for text in EXCERPTS for hit in find_dates(text, 2024)}
    assert {"上一年度3月1日", "2024年12月1日至12月31日", "上一年度上半年", "2024年前三季度", "今明两年", "２０２５年",
            "二〇二五年底", "二○二五年", "“十五五”末"} <= found
    figures = {hit.text for text in EXCERPTS for hit in find_targets(text)}
    assert {"最高不超过100万元", "达到或超过50%", "达到３万个"} <= figures


# The table-built alternations the figure grammar scans whole clauses with, each as it was compiled before.
def _table_patterns() -> list:
    cues = targets._cue_patterns()
    return [pytest.param(targets._not_number_re(), id="not_numbers"),
            pytest.param(cues["parameter"], id="parameter_cues"), pytest.param(cues["baseline_span"], id="baseline_span")]


def _unguarded(pattern: re.Pattern) -> re.Pattern:
    """The pattern without the lookahead ``opening_guarded`` put in front of it."""
    inner = re.fullmatch(r"\(\?=\[(?:\\.|[^\]])*\]\)\(\?:(.*)\)", pattern.pattern, re.S)
    return re.compile(inner.group(1)) if inner else pattern


@pytest.mark.parametrize("pattern", _table_patterns())
def test_guarded_table_patterns_find_what_the_bare_alternation_finds(pattern: re.Pattern, real_texts: list[str]) -> None:
    bare = _unguarded(pattern)
    for text in EXCERPTS + real_texts:
        assert _found(pattern.finditer(text)) == _found(bare.finditer(text)), text[:80]
    for text in EXCERPTS:
        for start in range(len(text) + 1):
            assert _found(filter(None, [pattern.match(text, start)])) == _found(filter(None, [bare.match(text, start)]))


def test_the_not_numbers_scan_is_guarded() -> None:
    """The rows open with a digit, a numeral, a quote or a bracket: guarded, so re tries one class per character."""
    assert targets._not_number_re().pattern.startswith("(?=[")
    assert _unguarded(targets._not_number_re()).pattern.count("(?:") == targets._not_number_re().pattern.count("(?:") - 1


@pytest.mark.parametrize(
    ("pattern", "opens"),
    [
        (r"\d+个月|[一二两三]+个月", r"\d一三两二"),
        (r"(?<![\d.])(?:达到|超过)?\d+%", r"\d超达"),
        (r"“[^”]{0,12}\d[^”]{0,12}”", "“"),
        (r"[（(]\d+分[）)]", r"\(（"),
        (r"^(?:第)?[a-c]x", "a-c第"),
        (r"(?:二?十)[一二]?届", "二十"),
        (r"(?P<y>\d{4})年|(?=前)前", r"\d前"),
        (r"\s*-", r"\-\s"),
        # Nothing to tell: empty matches, any character, a negated class, a backreference first, ignoring case.
        (r"a*", None), (r"(?:到|至)?", None), (r".年", None), (r"[^，]年", None), (r"(a)\1", "a"), (r"(?i)abc", None),
        (r"(?i:a)bc", None),
    ],
)
def test_opening_class_holds_every_first_character(pattern: str, opens: str | None) -> None:
    assert opening_class(pattern) == opens


@pytest.mark.parametrize(
    "pattern",
    [r"\d+个月|[一二两三]+个月|第\d+次", r"(?<![\d.])(?:达到|超过)?\d+(?:%|个)", r"“[^”]{0,12}\d[^”]{0,12}”|[（(]\d+分[）)]",
     r"(?:二?十)[一二三]?届|届\d+次"],
)
def test_a_guarded_pattern_matches_as_the_pattern_does(pattern: str) -> None:
    plain, fast = re.compile(pattern), opening_guarded(pattern)
    texts = EXCERPTS + ["第3次会议，十九届、二十届，“5351”体系（3分）超过25%达到3个，12个月", "３个月"]
    for text in texts:
        assert _found(fast.finditer(text)) == _found(plain.finditer(text)), text
        for start in range(len(text) + 1):
            assert _found(filter(None, [fast.match(text, start)])) == _found(filter(None, [plain.match(text, start)]))


# What the early exits of find_dates and find_targets stand for: the patterns each scans a clause with.
_HELD = [
    pytest.param(dates._DATE_CHARS, [dates.DOCUMENT_DAY_RE, *(p for p, _ in dates.PATTERNS), dates.RELATIVE_RE], id="dates"),
    pytest.param(targets._FIGURE_CHARS, [targets.VALUE_RE, targets.DOUBLING_RE, targets.BANDWIDTH_RE, targets.MILESTONE_RE],
                 id="targets"),
]
# Clauses no figure and no date can be in, next to ones with a numeral in each way it is written.
NO_NUMERALS = ["", "。，；（）“”！？", "\n", "加快推进数字政府建设，优化营商环境。", "Ａ类企业", "各地区、各部门要结合实际认真贯彻落实。"]
NUMERALS = ["２０２５年达到１０％", "建成二十个以上中心", "翻一番", "迈上万亿台阶", "带宽达到10G", "之日起", "第十四个五年规划"]


@pytest.mark.parametrize(("held", "patterns"), _HELD)
def test_every_match_holds_a_held_character(held: re.Pattern, patterns: list, real_texts: list[str]) -> None:
    for text in EXCERPTS + NUMERALS + real_texts:
        for pattern in patterns:
            for match in pattern.finditer(text):
                assert held.search(match.group()), (match.group(), text[:80])


@pytest.mark.parametrize("text", NO_NUMERALS + NUMERALS + EXCERPTS)
def test_clauses_without_held_characters_end_early_with_what_the_full_reading_finds(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = (list(find_dates(text, 2024, past=True)), list(find_targets(text, reference_year=2024)),
            list(find_targets(text, default_kind="baseline")))
    if text in NO_NUMERALS:
        assert dates._DATE_CHARS.search(text) is None and targets._FIGURE_CHARS.search(text) is None
        assert fast == ([], [], [])
    anything = re.compile(r"[\s\S]|\Z")  # the general path: every clause read in full
    monkeypatch.setattr(dates, "_DATE_CHARS", anything)
    monkeypatch.setattr(targets, "_FIGURE_CHARS", anything)
    assert (list(find_dates(text, 2024, past=True)), list(find_targets(text, reference_year=2024)),
            list(find_targets(text, default_kind="baseline"))) == fast


def test_held_class_needs_a_character_for_every_pattern() -> None:
    assert held_class([re.compile(r"\d+"), AnchoredPattern(r"[-/]", anchors="-/", lead=0)]).pattern == r"[\d/\-]"
    with pytest.raises(ValueError, match="opens with"):
        held_class([re.compile(r".年")])


def test_patterns_re_skips_ahead_for_are_left_alone() -> None:
    for pattern in (r"截至|以来", r"[在以]现有", r"第\d+", r"^\d", r"a*"):
        assert opening_guarded(pattern).pattern == pattern


@pytest.mark.parametrize("pattern", [dates._SEGMENT_START_RE, targets._BAD_BEFORE_NUMBER, targets._CLAUSE_OPENING_RE])
def test_ends_with_is_search_of_the_prefix(pattern: re.Pattern) -> None:
    for text in ("到2025年，5G", "第3\n5个", "\n2025", "，\n", "a", ""):
        for end in range(len(text) + 1):
            assert ends_with(pattern, text, end) == bool(pattern.search(text[:end])), (text, end)


def _depth_by_character(text: str, start: int, pos: int) -> int:
    depth = 0
    for char in text[start:pos]:
        depth += char == "("
        depth -= char == ")" and depth > 0
    return depth


@pytest.mark.parametrize("text", ["(每秒10的18次方次浮点运算)", "虚拟专用网业务(外资股比不超过50%)", "a)b((c)d", "))((", "无括号"])
def test_bracket_depth_counts_as_the_characters_do(text: str) -> None:
    for start in range(len(text) + 1):
        for pos in range(start, len(text) + 1):
            assert targets._paren_depth(text, start, pos) == _depth_by_character(text, start, pos)


def test_clause_locator_finds_the_clause_a_scan_finds(converter) -> None:
    for source in list_sources(_REPO / "seeds")[0]:
        clauses = segment_document(source, converter).tree.clauses
        clause_at = _clause_locator(clauses)
        edges = {p + d for clause in clauses for s, e in clause.spans for p in (s, e) for d in (-1, 0, 1)}
        for position in sorted(edges | set(range(0, max(edges), 37))):
            scanned = next((c for c in clauses if any(s <= position < e for s, e in c.spans)), None)
            assert clause_at(position) is scanned, position

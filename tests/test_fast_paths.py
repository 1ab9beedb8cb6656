"""The shortcuts of decode, normalize and the header finders give what the general path gives.

Each shortcut (a literal gate before a scan, a split pattern, a per-code-point
table) is checked against the general way written out here: on the seeds
(Simplified and Traditional, PDF-layout), on short real excerpts (Markdown,
database and news headers, CR LF files) and on edge cases.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import clauses, headers, ingest, markers
from pipeline import normalize as normalize_module
from pipeline.chinese import HAN, CodePointTable, char_counts, is_han
from pipeline.normalize import MappedText
from tests.conftest import SEEDS

SEED_TEXTS = {name: path.read_text(encoding="utf-8") for name, path in SEEDS.items()}

# Short real excerpts (the corpus and the seeds), with the markup and headers they arrive with.
EXCERPTS = [
    # 北大法宝 export with CR LF line ends (d006).
    "【法宝引证码】 CLI.11.1598088\r\n原文链接：https://www.pkulaw.com/lar/0dc4a4.html\r\n中山市政务数据管理办法\r\n",
    "【法宝引证码】 CLI.11.1598088\n原文链接：https://www.pkulaw.com/lar/0dc4a4.html\n中山市政务数据管理办法\n",
    # A news site's byline above the text (d008).
    "中共中央 国务院关于构建更加完善的要素市场化配置\n体制机制的意见\n2020-04-09 19:00 来源： 新华社\n"
    "新华社北京4月9日电\n完善要素市场化配置是建设统一开放、竞争有序市场体系的内在要求。\n",
    # gov.cn's block, letter-spaced (d001).
    "索 引 号： 000014349/2015-00112 主题分类： 工业、交通\\信息产业\n发文机关： 国务院 成文日期： 2015年07月01日\n"
    "标　　题： 国务院关于积极推进“互联网+”行动的指导意见\n发文字号： 国发〔2015〕40号 发布日期： 2015年07月04日\n",
    # A site's download list (d019, Markdown).
    "【附件下载】\n- [附件1.pdf](https://www.miit.gov.cn/a.pdf)\n正文开始。\n",
    # A Markdown crawl (d017): heading, bold field, rule, table.
    "# 上海市促进商业航天发展打造空间信息产业高地行动计划\n\n**发布日期**: 2023年11月\n\n---\n\n"
    "| 序号 | 任务 |\n|---|---|\n| 1 | 卫星制造 |\n\n一、总体要求\n",
    # PDF layout: page footers, range dashes, full-width digits and a wrapped line (d009).
    "到2025年，数字经济核心产业增加值占国内生产总值比重达到10%，数据要素市场体系初步建立，产业数字化\n"
    "— 2 —\n转型迈上新台阶。３－５年内，1～2家企业。\u2028第二段\r末行\n\n\n",
    # Stray symbols from page scraping, pinyin noise, ASCII punctuation in Chinese text.
    "  |  \n■\n數(shù)據(jù)共享:推进,落实!\n* * *\n·\n",
    "", "\n", "\n\n", "a", "\r", "\r\n", "一\n\n二\n", "\n开头", "结尾\n", "—", "1－2", "1－a",
    # A printed PDF's table, its cells broken over lines (d003, the attachment's task list).
    "附件：\n重点任务分工方案\n序号 重点工作 负责单位\n1\n打造自主先进的技术体系，制\n定网络强国工程实施纲要，组\n"
    "织实施网络强国工程。\n中央网信办、国家发展改革委、\n工业和信息化部牵头，科技部、\n公安部、中科院等按职责分工负\n责\n2\n"
    "强化战略性前沿技术超前布\n局，加强新技术和新材料的基\n础研发和前沿布局，组织实施\n核心技术超越工程。\n",
    # Full-width spaces, CR LF and a stray CR, letter-spaced chapter heading (d006, 北大法宝).
    "中山市政务数据管理办法\r\n中山市人民政府令\r\n\n（第16号）\r\n\u3000\u3000《中山市政务数据管理办法》已经2020年4月29日"
    "中山市人民政府十五届94次常务会议审议通过，现予公布，自2020年6月15日起施行。\r\n市长 危伟汉\r\n\n2020年5月15日\r\n"
    "\u3000\u3000中山市政务数据管理办法\r\n第一章\u3000总\u3000则\r\r\n\u3000\u3000第一条\u3000为了加强和规范政务数据管理，"
    "促进政务数据共享利用，制定本办法。\r\n\u3000\u3000第二条\u3000本市政务部门采集汇聚、共享开放政务数据，适用本办法。\r\n",
    # Em-space indentation and numbered items of a crawled page (d017).
    "\u2003\u20032.提升商业卫星批量化智造能力。建设国内领先的卫星智能化、标准化、批量化制造基地。\n\n"
    "\u2003\u2003（二）协同推进核心技术攻关\n\n\u2003\u20035.航天运输系统关键技术攻关。突破液氧甲烷动力等技术瓶颈。\n",
    # A Markdown table as crawlers write one (the corpus's Markdown files have none).
    "## 主要指标\n\n| 指标 | 2020年 | 2025年 |\n| :--- | ---: | ---: |\n| 数字经济核心产业增加值占GDP比重（%） | 7.8 | 10 |\n"
    "| IPv6活跃用户数（亿户） | 4.6 | 8 |\n\n一、总体要求\n",
]
# Taiwan-style renderings of real excerpts (no corpus document is Traditional), as gateway sites make them.
_S2TWP = opencc.OpenCC("s2twp")
EXCERPTS += [_S2TWP.convert(EXCERPTS[-3]), _S2TWP.convert(SEED_TEXTS["jiangxi2022"][:600])]
TEXTS = [*SEED_TEXTS.values(), *EXCERPTS]


def _same(a: MappedText, b: MappedText) -> bool:
    return a.text == b.text and a.origin == b.origin and a.dropped == b.dropped


def _mapped_at_every_step(text: str) -> list[MappedText]:
    """The text as each layout step sees it in normalize (after the steps before it)."""
    mapped, seen = MappedText.identity(text), []
    for _ in range(2):  # the second pass sees the first one's output
        for step in normalize_module.LAYOUT_STEPS:
            seen.append(mapped)
            mapped = step(mapped)
    return seen


# --- Literal gates before a scan ---------------------------------------------------------

# Every gated rewrite: (pattern, needles) as the steps call it.
_GATED = [
    (normalize_module._CR_BEFORE_LF, "\r"),
    (normalize_module._OTHER_LINE_END, "\r\u2028\u2029"),
    (normalize_module._ASCII_PUNCT_IN_CHINESE, ",;:?!"),
    (normalize_module._RANGE_DASH, normalize_module._RANGE_DASHES),
    (normalize_module._STRAY_SYMBOL_LINE, normalize_module._STRAY_SYMBOLS),
]


@pytest.mark.parametrize(("pattern", "needles"), _GATED, ids=lambda v: getattr(v, "pattern", repr(v))[:30])
@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_a_gated_rewrite_gives_the_rewrite_of_the_whole_scan(pattern, needles, text):
    for mapped in _mapped_at_every_step(text):
        if not normalize_module.holds_any(mapped.text, needles):
            assert pattern.search(mapped.text) is None  # the gate never hides a match
        gated = normalize_module.rewrite(mapped, pattern, lambda m: "", "test", needles)
        assert _same(gated, normalize_module.rewrite(mapped, pattern, lambda m: "", "test"))


# Blank lines as first written: every run of line breaks matched whole, replaced
# by one line break between paragraphs and by nothing at the edges.
_BLANK_LINES_AS_WRITTEN = re.compile(r"\n{2,}|^\n+|\n+$")


def _collapse_as_written(mapped):
    def replace(found):
        return "" if found.start() == 0 or found.end() == len(found.string) else "\n"
    return normalize_module.rewrite(mapped, _BLANK_LINES_AS_WRITTEN, replace, "blank_line")


@pytest.mark.parametrize("text", [*TEXTS, "\n\n\n", "a\n\n", "\n\na\n\n\nb\n\n", "a\n\n\n\nb", "a\nb\n\nc\n"],
                         ids=range(len(TEXTS) + 5))
def test_collapsing_blank_lines_by_deletions_gives_the_collapse_as_written(text):
    for mapped in _mapped_at_every_step(text):
        assert _same(normalize_module.collapse_blank_lines(mapped), _collapse_as_written(mapped))


def test_collapsing_blank_lines_keeps_the_first_line_break_of_a_run():
    text = "\n甲\n\n\n乙\n"
    mapped = MappedText.identity(text)
    collapsed = normalize_module.collapse_blank_lines(mapped)
    assert collapsed.text == "甲\n乙"
    assert list(collapsed.origin) == [1, 2, 5, 7]
    assert [(d.start, d.end) for d in collapsed.dropped] == [(0, 1), (3, 5), (6, 7)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="\n\r\u2028 ab中，,:－1|■", max_size=30))
def test_gates_never_hide_a_match_in_any_text(text):
    mapped = MappedText.identity(text)
    for pattern, needles in _GATED:
        gated = normalize_module.rewrite(mapped, pattern, lambda m: "", "test", needles)
        assert _same(gated, normalize_module.rewrite(mapped, pattern, lambda m: "", "test"))
    assert _same(normalize_module.collapse_blank_lines(mapped), _collapse_as_written(mapped))


def _line_headers_scanning_all(text):
    return [headers.HeaderHit(rule, m.start(), m.end())
            for rule, _, pattern in headers._LINE_RULES for m in pattern.finditer(text)]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_header_rules_scan_only_texts_holding_their_literal(text):
    assert list(headers.find_line_headers(text)) == _line_headers_scanning_all(text)
    spans = headers._line_spans(text)
    blocks = headers.gov_block_lines([text[s:e] for s, e in spans])
    assert [(h.start, h.end) for h in headers.find_gov_blocks(text)] == [
        (spans[first][0], headers._through_newline(text, spans[last][1])) for first, last in blocks]


def test_the_excerpts_have_every_header_the_gates_guard():
    rules = {hit.rule for text in EXCERPTS for hit in headers.find_line_headers(text)}
    assert rules == {rule for rule, _, _ in headers._LINE_RULES}
    assert any(headers.find_gov_blocks(text) for text in EXCERPTS)


@pytest.mark.parametrize(("rule", "needles", "pattern"), headers._LINE_RULES, ids=lambda v: str(v)[:20])
def test_every_header_match_holds_one_of_its_rule_needles(rule, needles, pattern):
    matches = [m.group() for text in [*TEXTS, *EXCERPTS] for m in pattern.finditer(text)]
    assert matches  # the excerpts have every rule's header
    for matched in matches:
        assert any(needle in matched for needle in needles), (rule, matched)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="2020-04-9 1:0\n来源來：:新华社资能", max_size=40))
def test_the_byline_needles_never_hide_a_byline(text):
    assert list(headers.find_line_headers(text)) == _line_headers_scanning_all(text)


@pytest.mark.parametrize("text", [
    "探索建立数据产权制度。\n索引号：000014349/2015-00112",
    "探索建立数据产权制度。\n索 引 号： 000014349\n发文机关： 国务院\n正文",
    "探索建立数据产权制度。\n　索　引　号　： 000014349\n标　　题： 意见\n正文",
    "探索建立。索引号：在行中\n正文",
    "探索建立数据产权制度。\n索引\n号：",
])
def test_gov_blocks_are_found_in_texts_holding_the_label_only(text):
    spans = headers._line_spans(text)
    blocks = headers.gov_block_lines([text[s:e] for s, e in spans])
    assert [(h.start, h.end) for h in headers.find_gov_blocks(text)] == [
        (spans[first][0], headers._through_newline(text, spans[last][1])) for first, last in blocks]


# --- The head-line test, split into its anchored and searched parts ------------------------

# The pattern as first written: one search over the line.
_HEADER_LINE_AS_ONE = re.compile(
    rf"(?:关于.*的(?:通知|意见|实施意见|指导意见|规划|方案|决定|办法|计划|纲要|细则|措施|批复|函)"
    rf"|^[{HAN}]{{2,20}}(?:文件|人民政府|办公厅|委员会|省委|办公室)"
    r"|〔\d{4}〕|^\d{4}年\d{1,2}月\d{1,2}日|^\(?\d{4}年\d{1,2}月\d{1,2}日\)?$|来源|來源|发布时间|\d{4}-\d{2}-\d{2})"
)


def test_header_lines_read_as_the_one_pattern_did_on_every_line():
    lines = {line for text in TEXTS for mapped in _mapped_at_every_step(text) for line in mapped.text.split("\n")}
    assert len(lines) > 500
    header_lines = [line for line in lines if _HEADER_LINE_AS_ONE.search(line)]
    assert header_lines  # the seeds hold titles, dates and document numbers
    for line in lines:
        assert normalize_module._is_header_line(line) == bool(_HEADER_LINE_AS_ONE.search(line)), line


@pytest.mark.parametrize("line", [
    "四川省人民政府办公厅", "2025年12月31日", "(2024年1月5日)", "川府发〔2024〕5号", "关于印发方案的通知",
    "来源：新华社", "發布时间", "2020-04-09", "数据2020-04-09", "（2024年1月5日）", "各市人民政府：", "x", "",
    "到2025年12月", "四川省人民政府办公厅关于", "一二",
])
def test_header_lines_read_as_the_one_pattern_did(line):
    assert normalize_module._is_header_line(line) == bool(_HEADER_LINE_AS_ONE.search(line))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="关于的通知政府文件办公厅〔〕20年月日()-来源發布时间 ，。", max_size=30))
def test_header_lines_read_as_the_one_pattern_did_in_any_text(line):
    assert normalize_module._is_header_line(line) == bool(_HEADER_LINE_AS_ONE.search(line))


# --- Properties judged once per code point ------------------------------------------------

def _control_share_by_character(text):
    return sum(n for char, n in char_counts(text) if ingest._is_control(char)) / len(text)


def _common_share_by_character(text):
    letters = common = 0
    for char, n in char_counts(text):
        if char > "\x7f" and not ingest._is_punctuation(char):
            letters += n
            common += n if ingest._is_common(char) else 0
    return common / letters if letters else 0.0


_MIS_DECODED = [data.decode("gb18030", errors="replace") for data in (SEED_TEXTS["sichuan2024"][:400].encode("big5",
                errors="ignore"), SEED_TEXTS["jiangxi2022"][:400].encode("utf-8"))]
_ODD = ["\x00\x01abc", "\ufffd\ufeff数据", "\ue000\ue001私用", "\U0003134f\U00020000𠮷", "\ud800孤", "。，、！", "abc"]


_SHARE_TEXTS = [*(text for text in TEXTS if text), *_MIS_DECODED, *_ODD]


@pytest.mark.parametrize("text", _SHARE_TEXTS, ids=range(len(_SHARE_TEXTS)))
def test_decode_shares_by_code_point_table_are_the_shares_by_character(text):
    assert ingest._control_share(text) == _control_share_by_character(text)
    assert ingest.common_chinese_share(text) == _common_share_by_character(text)


def test_a_code_point_table_gives_its_property_and_asks_once_per_code_point():
    asked = []

    def side(char):
        asked.append(char)
        return -1 if char == "数" else int(is_han(char))

    table = CodePointTable(side)
    points = np.array([ord(c) for c in "数據A𠮷"])
    assert table.values(points).tolist() == [-1, 1, 0, 1]
    assert table.values(points[::-1]).tolist() == [1, 0, 1, -1]
    assert sorted(asked) == sorted("数據A𠮷")  # each once, whatever the order
    assert table.of_text("據数数A").tolist() == [1, -1, -1, 0]  # each character, in the text's order
    assert len(asked) == 4


def test_a_code_point_table_asks_once_for_a_code_point_first_seen_several_times_in_one_text():
    asked = []
    table = CodePointTable(lambda char: asked.append(char) or int(is_han(char)))
    assert table.of_text("据A据据𠮷A").tolist() == [1, 0, 1, 1, 1, 0]
    assert sorted(asked) == sorted("据A𠮷")


def test_script_detection_weighs_each_character_by_its_side(converter):
    for text in SEED_TEXTS.values():
        balance = 0
        for char, n in char_counts(text):
            if is_han(char):
                balance += n * ((converter.char_to_simplified(char) != char)
                                - (converter.char_to_traditional(char) != char))
        assert converter.detect(text)[0] == ("traditional" if balance > 0 else "simplified")


# --- Markers: only a position holding a marker's first character is tried --------------------

# What may follow a marker's first character (一、 第三章 (一) 1. ① ——).
_MARKER_TAILS = ["、", "部分", "章", "节", "条", ")", "一)", "1)", "、x", ".x", ")x", "—文", " 文", "-文", "一、", "十章",
                 "百条", "1、", "0、"]


def test_no_marker_starts_with_a_character_outside_the_first_characters():
    from pipeline import markers
    for point in range(0x10000):
        char = chr(point)
        if char in markers._MARKER_FIRST or char.isdecimal():
            continue
        for tail in _MARKER_TAILS:
            assert markers._ANY_MARKER.match(char + tail) is None, char + tail


class _EveryCharacter:
    def __contains__(self, char):
        return True


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_markers_are_found_as_without_the_first_character_test(text, monkeypatch):
    from pipeline import markers
    positions = [(line, pos) for line in text.split("\n") for pos in range(len(line) + 1)]
    gated = [markers.match_marker(line, pos) for line, pos in positions]
    monkeypatch.setattr(markers, "_MARKER_FIRST", _EveryCharacter())
    assert gated == [markers.match_marker(line, pos) for line, pos in positions]


# --- The segmenter: line-start markers read once, mid-line markers only where one can start ---------

@functools.cache
def _canonical(text):
    """The canonical text the segmenter reads (the Markdown excerpt's markup dropped first)."""
    return normalize_module.normalize(text, _converter(), "markdown" if text.startswith("## ") else None).text


@functools.cache
def _converter():
    return normalize_module.ScriptConverter()


def _tree(text):
    tree = clauses.segment(text)
    return [(c.clause_id, c.parent_id, c.kind, c.label, c.number, c.spans, c.end, c.heading, c.seq)
            for c in tree.clauses], tree.warnings


_SEGMENTED = [text for text in TEXTS if text.strip()] + [
    # Run-together lines: a title running into its clause, markers after a colon.
    "二、提高利用外资质量(一)加大重点领域引进外资力度。内容。(二)拓宽渠道。\n三、保障措施。(三)加强领导。",
    "前言。现提出以下意见：一、总体要求。(一)指导思想。内容；1.甲。2.乙！①丙？——丁。" * 60,
]


@pytest.mark.parametrize("text", _SEGMENTED, ids=range(len(_SEGMENTED)))
def test_mid_line_markers_tried_only_where_one_can_start_give_the_tree_of_every_clause_end(text, monkeypatch):
    canonical = _canonical(text)
    fast = _tree(canonical)
    monkeypatch.setattr(clauses, "_MARKER_AFTER_CLAUSE_END", clauses._AFTER_CLAUSE_END)
    assert fast == _tree(canonical)


@pytest.mark.parametrize("text", _SEGMENTED, ids=range(len(_SEGMENTED)))
def test_the_plan_reads_each_line_start_marker_as_the_body_start_marker(text):
    lines = _canonical(text).split("\n") + ["## 第一章 总则", "**一、总体要求**", "> (一)甲", "##", "—— 乙"]
    plan = clauses._Plan(lines)
    for line, decoration, marker in zip(lines, plan.decorations, plan.markers):
        assert decoration == markers.decoration_end(line)
        body = line[decoration:]
        found = markers.match_marker(body, 0) if body else None
        shifted = None if found is None else markers.Marker(found.kind, found.number, found.label,
                                                            found.start + decoration, found.end + decoration)
        assert marker == shifted, line


def test_the_marker_class_holds_exactly_the_characters_a_marker_starts_with():
    first = re.compile(markers.MARKER_FIRST_CLASS)
    for point in [*range(0x10000), *range(0x1D7CE, 0x1D800), *range(0x1FBF0, 0x1FBFA), 0x20000, 0x10FFFF]:
        char = chr(point)
        assert (first.fullmatch(char) is not None) == (char in markers._MARKER_FIRST or char.isdecimal()), hex(point)


# The Han-space pattern as first written: a lookbehind first.
_HAN_SPACE_AS_WRITTEN = re.compile(rf"(?<=[{HAN}]) +(?=[{HAN}])")


@pytest.mark.parametrize("text", [*TEXTS, "第 一 章  总 则", " 中 文 ", "中  文a 中 ", "中 𠮷", "a b"], ids=range(len(TEXTS) + 5))
def test_the_han_space_pattern_consuming_its_space_first_keeps_the_matches(text):
    assert [m.span() for m in clauses._HAN_SPACE.finditer(text)] == \
        [m.span() for m in _HAN_SPACE_AS_WRITTEN.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" 中文a𠮷\n", max_size=30))
def test_the_han_space_pattern_keeps_the_matches_of_any_text(text):
    assert [m.span() for m in clauses._HAN_SPACE.finditer(text)] == \
        [m.span() for m in _HAN_SPACE_AS_WRITTEN.finditer(text)]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_script_detection_by_per_character_sides_weighs_each_distinct_character(text, converter):
    balance = 0
    for char, n in char_counts(text):
        if is_han(char):
            balance += n * ((converter.char_to_simplified(char) != char) - (converter.char_to_traditional(char) != char))
    assert converter.detect(text)[0] == ("traditional" if balance > 0 else "simplified")

"""The shortcuts of decode, normalize and the header finders give what the general path gives.

Each shortcut (a literal gate before a scan, a split pattern, a per-code-point
table) is checked against the general way written out here: on the seeds
(Simplified and Traditional, PDF-layout), on short real excerpts (Markdown,
database and news headers, CR LF files) and on edge cases.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import headers, ingest
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
]
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

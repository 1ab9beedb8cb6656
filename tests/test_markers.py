"""Clause markers (pipeline.markers); their numerals are tests/test_chinese.py's."""

from __future__ import annotations

import re

import pytest

from pipeline.markers import MARKER_PATTERNS, _marker, match_marker, starts_with_marker
from tests.conftest import SEEDS


@pytest.mark.parametrize(
    ("line", "kind", "number", "label"),
    [
        ("第一部分 总体要求", "part", 1, "第一部分"),
        ("第三章 政务数据的采集与汇聚", "chapter", 3, "第三章"),
        ("第二节 运行管理", "chapter_section", 2, "第二节"),
        ("第十七条 政务部门应当", "article", 17, "第十七条"),
        ("第一百二十条 本条例自公布之日起施行。", "article", 120, "第一百二十条"),
        ("第42条 本办法自2020年6月15日起施行。", "article", 42, "第42条"),
        ("十二、加强组织实施", "section", 12, "十二、"),
        ("(十二)加强人才支撑", "clause", 12, "(十二)"),
        ("1.强化协同", "item", 1, "1."),
        ("17、推进建设", "item", 17, "17、"),
        ("3)支持新型食品研发", "item", 3, "3)"),
        ("(2)糖类", "subitem", 2, "(2)"),
        ("⑳产品", "subitem", 20, "⑳"),
        ("——经济保持恢复发展", "bullet", None, "——"),
        ("--经济保持恢复发展", "bullet", None, "--"),
        ("—经济保持恢复发展", "bullet", None, "—"),
    ],
)
def test_markers(line, kind, number, label):
    marker = match_marker(line, 0)
    assert marker is not None
    assert (marker.kind, marker.number, marker.label) == (kind, number, label)


@pytest.mark.parametrize(
    "line",
    ["第十二条规定的事项", "第三条第二款", "第五章的规定", "1.5亿元", "2023.12", "---", "--", "———", "第一节约用水",
     "(2023年12月28日)", "(州)"],
)
def test_not_markers(line):
    assert match_marker(line, 0) is None


@pytest.mark.parametrize("line", ["## 第一章 总 则", "**一、工作目标**", "  (一)指导思想", "> 1.强化协同"])
def test_markers_after_markdown_decoration_and_indentation(line):
    assert starts_with_marker(line)


# --- One combined match against the patterns tried one by one -------------------------------------

def _marker_one_by_one(text, pos):
    """The general form the combined match replaces: each pattern in turn, the first that reads."""
    for kind, _, pattern in MARKER_PATTERNS:
        found = pattern.match(text, pos)
        if found is not None and (marker := _marker(kind, found)) is not None:
            return marker
    return None


def test_the_patterns_combine_without_back_references():
    assert not any(re.search(r"\\\d|\(\?P=", pattern.pattern) for _, _, pattern in MARKER_PATTERNS)


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_the_combined_match_finds_the_marker_of_each_pattern_in_turn_at_every_position(seed):
    text = SEEDS[seed].read_text(encoding="utf-8")
    found = [match_marker(text, pos) for pos in range(len(text))]
    assert found == [_marker_one_by_one(text, pos) for pos in range(len(text))]
    assert sum(marker is not None for marker in found) > 10


@pytest.mark.parametrize("text", [
    "第零条 本条例", "第零章", "十百、", "零、", "(零)", "(0)甲", "0.5亿", "0、", "①②", "(1)(一)", "第三条第二款",
    "——", "---", "- 3 -", "1.1.1", "(十二)", "百、", "", "第", "第一百零一条",
])
def test_the_combined_match_reads_numbers_that_do_not_read_as_before(text):
    assert [match_marker(text, pos) for pos in range(len(text) + 1)] == \
        [_marker_one_by_one(text, pos) for pos in range(len(text) + 1)]

"""Clause markers (pipeline.markers); their numerals are tests/test_chinese.py's."""

from __future__ import annotations

import pytest

from pipeline.markers import match_marker, starts_with_marker


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

"""find_table_targets on real indicator tables (主要指标) as the canonical text keeps them."""
from __future__ import annotations

import doctest

import pytest

from pipeline.extract import indicator_tables
from pipeline.extract.indicator_tables import find_table_targets

# d003 (“十三五”国家信息化规划), the text layer of its PDF table: numbered rows, wrapped names,
# category lines between rows, a growth column and cumulative changes in 〔〕.
D003_TABLE = (
    "“十三五”信息化发展主要指标\n指 标2015年2020年\n年均增速\n(%)\n总体发展水平\n"
    "1.信息化发展指数72.45 88 —\n信息技术与产业\n"
    "2.信息产业收入规模(万亿元) 17.1 26.2 8.9\n"
    "4.IT项目投资占全社会固定资产投资总额的\n比例(%)\n2.2 5〔2.8〕\n信息基础设施\n"
    "11.电子商务交易规模(万亿元) 21.79 >38 >11.8\n"
    "17.电子诉讼占比(%) <1 >15〔>14〕\n注：〔 〕表示五年累计数，单位为百分点。\n"
    "三、主攻方向\n统筹实施网络强国战略，到2020年建成10个示范区。"
)


def test_a_numbered_pdf_table_gives_a_baseline_and_a_goal_per_row():
    hits = [(h.text, h.indicator, h.comparator, h.value, h.unit, h.kind, h.deadline_year)
            for h in find_table_targets(D003_TABLE)]
    assert hits == [
        ("72.45", "信息化发展指数", "=", 72.45, "", "baseline", None),
        ("88", "信息化发展指数", "=", 88.0, "", "target", 2020),
        ("17.1", "信息产业收入规模", "=", 17.1, "万亿元", "baseline", None),
        ("26.2", "信息产业收入规模", "=", 26.2, "万亿元", "target", 2020),
        ("2.2", "IT项目投资占全社会固定资产投资总额的比例", "=", 2.2, "%", "baseline", None),
        ("5", "IT项目投资占全社会固定资产投资总额的比例", "=", 5.0, "%", "target", 2020),
        ("21.79", "电子商务交易规模", "=", 21.79, "万亿元", "baseline", None),
        (">38", "电子商务交易规模", ">", 38.0, "万亿元", "target", 2020),
        ("<1", "电子诉讼占比", "<", 1.0, "%", "baseline", None),
        (">15", "电子诉讼占比", ">", 15.0, "%", "target", 2020),
    ]
    for hit in find_table_targets(D003_TABLE):
        assert D003_TABLE[hit.start:hit.end] == hit.text


def test_a_markdown_table_after_normalization(converter):
    from pipeline.normalize import normalize

    # The 十四五 digital-economy plan's indicator table as a web page prints it (d009's PDF has it as an image).
    markdown = ("| 指标 | 2020年 | 2025年 | 属性 |\n|---|---|---|---|\n"
                "| 数字经济核心产业增加值占GDP比重（%） | 7.8 | 10 | 预期性 |\n"
                "| 千兆宽带用户数（万户） | 640 | 6000 | 预期性 |\n\n## 二、总体要求\n")
    text = normalize(markdown, converter, "markdown").text
    hits = [(h.text, h.unit, h.kind, h.deadline_year, h.indicator_id) for h in find_table_targets(text)]
    assert hits == [("7.8", "%", "baseline", None, "digital_core_industries_share_gdp"),
                    ("10", "%", "target", 2025, "digital_core_industries_share_gdp"),
                    ("640", "万户", "baseline", None, "gigabit_users"),
                    ("6000", "万户", "target", 2025, "gigabit_users")]


@pytest.mark.parametrize("text", [
    "到2020年，信息消费规模达到6万亿元，电子商务交易规模超过38万亿元。",  # prose, no table header
    "指标2025年2020年\n1.信息化发展指数72.45 88 —",  # the goal year must follow the base year
])
def test_no_table_no_rows(text):
    assert list(find_table_targets(text)) == []


def test_the_pipeline_puts_table_rows_in_their_clauses_once(tmp_path, toolkit):
    from pipeline.process import analyse_document

    path = tmp_path / "plan.txt"
    path.write_text("关于印发某规划的通知\n一、发展目标\n(一)主要目标。\n" + D003_TABLE + "\n", encoding="utf-8")
    rows = analyse_document(path, toolkit, tmp_path).result.rows["targets"]
    table = [r for r in rows if r["indicator"] == "电子商务交易规模"]
    assert [(r["text"], r["kind"], r["deadline_year"]) for r in table] == [("21.79", "baseline", None),
                                                                           (">38", "target", 2020)]
    assert all(r["clause_id"] for r in rows)
    assert len({(r["start"], r["end"]) for r in rows}) == len(rows)


def test_docstring_examples():
    assert doctest.testmod(indicator_tables).failed == 0

"""Plan indicator tables read row by row (pipeline.extract.indicator_tables)."""

from pipeline.extract.indicator_tables import find_indicator_tables

# d003, “十三五”国家信息化规划 (a PDF): numbered rows, a wrapped row, group labels,
# 〔 〕 cumulative changes in 百分点 and > / < cells.
D003 = """“十三五”信息化发展主要指标
指 标2015年2020年
年均增速
(%)
总体发展水平
1.信息化发展指数72.45 88 —
信息技术与产业
2.信息产业收入规模(万亿元) 17.1 26.2 8.9
4.IT项目投资占全社会固定资产投资总额的
比例(%)
2.2 5〔2.8〕
17.电子诉讼占比(%) <1 >15〔>14〕
注：〔 〕表示五年累计数，单位为百分点。
三、主攻方向"""

# 《“十四五”数字经济发展规划》's table: unnumbered rows and a 属性 column.
PLAN_14 = """“十四五”数字经济发展主要指标
指标 2020年 2025年 属性
数字经济核心产业增加值占GDP比重(%) 7.8 10 预期性
IPv6活跃用户数(亿户) 4.6 8 预期性
千兆宽带用户数(万户) 640 6000 预期性"""


def _cells(text, year):
    [table] = find_indicator_tables(text, year)
    return table, [(h.text, h.comparator, h.value, h.unit, h.kind, h.deadline_year) for h in table.hits]


def test_numbered_rows_with_growth_and_cumulative_columns():
    table, cells = _cells(D003, 2016)
    assert cells == [
        ("72.45", "=", 72.45, "", "baseline", None), ("88", "=", 88.0, "", "target", 2020),
        ("17.1", "=", 17.1, "万亿元", "baseline", None), ("26.2", "=", 26.2, "万亿元", "target", 2020),
        ("8.9", "=", 8.9, "%", "target", 2020),
        ("2.2", "=", 2.2, "%", "baseline", None), ("5", "=", 5.0, "%", "target", 2020),
        ("2.8", "=", 2.8, "百分点", "target", 2020),
        ("<1", "<", 1.0, "%", "baseline", None), (">15", ">", 15.0, "%", "target", 2020),
        (">14", ">", 14.0, "百分点", "target", 2020),
    ]
    # offsets point at the cells; the wrapped row keeps its whole indicator
    assert all(D003[h.start:h.end] == h.text for h in table.hits)
    assert table.hits[5].indicator == "IT项目投资占全社会固定资产投资总额的比例"
    assert [(D003[y.start:y.end], y.role) for y in table.header_years] == [("2015年", "baseline"), ("2020年", "deadline")]
    assert D003[table.end - 1] == "〕"  # the table stops before its note


def test_unnumbered_rows_and_an_attribute_column():
    table, cells = _cells(PLAN_14, 2021)
    assert cells == [
        ("7.8", "=", 7.8, "%", "baseline", None), ("10", "=", 10.0, "%", "target", 2025),
        ("4.6", "=", 4.6, "亿户", "baseline", None), ("8", "=", 8.0, "亿户", "target", 2025),
        ("640", "=", 640.0, "万户", "baseline", None), ("6000", "=", 6000.0, "万户", "target", 2025),
    ]
    assert table.hits[1].indicator == "数字经济核心产业增加值占GDP比重"


def test_sentences_with_two_years_are_not_tables():
    text = "2015年到2020年，信息产业收入规模由17.1万亿元增加到26.2万亿元。"
    assert find_indicator_tables(text, 2016) == []
    # a header with no rows under it is no table either
    assert find_indicator_tables("指 标2015年2020年\n下面是正文。", 2016) == []


def test_the_stage_uses_the_table_rows_and_header_roles(tmp_path, toolkit):
    from pipeline.process import run_document

    path = tmp_path / "plan.txt"
    path.write_text("国务院关于印发“十三五”国家信息化规划的通知\n国务院\n2016年12月15日\n"
                    "(三)发展目标。\n到2020年，信息消费规模达到6万亿元。\n" + D003, encoding="utf-8")
    result = run_document(path, toolkit)
    targets = result.rows["targets"]
    assert [(t["text"], t["kind"], t["deadline_year"]) for t in targets][:3] == [
        ("达到6万亿元", "target", 2020), ("72.45", "baseline", None), ("88", "target", 2020)]
    assert len(targets) == 12  # the sentence goal and the 11 cells, nothing read twice
    roles = {(d["text"], d["role"]) for d in result.rows["dates"] if d["text"] in ("2015年", "2020年")}
    assert roles == {("2020年", "deadline"), ("2015年", "baseline")}

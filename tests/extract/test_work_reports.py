"""A work report read whole: the review's figures and dates report, the plan's goals are for the report's year."""
from __future__ import annotations


def _rows(tmp_path, toolkit, text: str) -> dict[str, list[dict]]:
    from pipeline.process import run_document

    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return run_document(path, toolkit, seeds_dir=tmp_path).rows


def test_the_plan_part_headed_by_its_year_scopes_its_goals(tmp_path, toolkit):
    # d012 (the 2022 national work report): 三、2022年政府工作任务 heads the plan part.
    rows = _rows(tmp_path, toolkit, (
        "各位代表：\n一、2021年工作回顾\n过去一年，国内生产总值达到114万亿元。\n"
        "三、2022年政府工作任务\n(一)扩大有效投资。\n中央预算内投资安排6400亿元。政府投资更多向民生项目倾斜。\n"))
    assert [(r["text"], r["kind"], r["deadline_year"]) for r in rows["targets"]] == [
        ("达到114万亿元", "baseline", None), ("6400亿元", "target", 2022)]


def test_the_reviews_dates_report_and_its_last_year_is_two_years_back(tmp_path, toolkit):
    # d023 (Sanya 2024): the review of 2023 and the plan for 2024.
    rows = _rows(tmp_path, toolkit, (
        "各位代表：\n一、2023年工作回顾\n"
        "一年来，我们精准施策。固定资产投资累计同比增速2023年8月实现由负转正。"
        "全市每万人发明专利拥有量7.6件，较上年增长一倍以上。\n"
        "二、2024年工作安排\n今年我市发展的主要预期目标是：地区生产总值同比增长8%左右。\n"))
    assert [(r["text"], r["kind"], r["role"], r["start_date"].year if r["start_date"] else None)
            for r in rows["dates"]] == [
        ("2023年", "year", "baseline", 2023), ("一年", "duration", "reference", None),
        ("2023年8月", "month", "baseline", 2023),
        ("上年", "year", "baseline", 2022), ("2024年", "year", "deadline", 2024),
        ("今年", "year", "deadline", 2024)]

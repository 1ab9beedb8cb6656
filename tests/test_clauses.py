from __future__ import annotations

import pytest

from pipeline.clauses import segment
from pipeline.normalize import normalize
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def trees(converter):
    result = {}
    for name, path in SEEDS.items():
        doc = normalize(path.read_text(encoding="utf-8"), converter)
        result[name] = (doc.text, segment(doc.text))
    return result


def ids(trees, seed, kind=None):
    return [c.clause_id for c in trees[seed][1].clauses if kind is None or c.kind == kind]


def by_id(trees, seed):
    return {c.clause_id: c for c in trees[seed][1].clauses}


def test_sichuan_2024_has_six_sections_and_clauses_one_to_eighteen(trees):
    assert ids(trees, "sichuan2024", "section") == [str(n) for n in range(1, 7)]
    clauses = [c for c in trees["sichuan2024"][1].clauses if c.kind == "clause"]
    assert [c.number for c in clauses] == list(range(1, 19))
    # Numbered continuously across sections, the path is still section.clause.
    assert [c.clause_id for c in clauses][:7] == ["2.1", "2.2", "2.3", "3.4", "3.5", "3.6", "4.7"]
    assert ids(trees, "sichuan2024")[-1] == "closing"


def test_jiangxi_restarts_clause_numbers_in_each_of_ten_sections(trees):
    assert ids(trees, "jiangxi2022", "section") == [str(n) for n in range(1, 11)]
    clauses = by_id(trees, "jiangxi2022")
    for section, count in {1: 5, 2: 3, 3: 6, 4: 4, 5: 4, 6: 4, 7: 3, 8: 3, 9: 5, 10: 5}.items():
        children = [cid for cid in clauses if cid.startswith(f"{section}.") and clauses[cid].kind == "clause"]
        assert children == [f"{section}.{n}" for n in range(1, count + 1)]
    assert trees["jiangxi2022"][1].warnings == ()


def test_jiangxi_bullets_hang_under_the_targets_clause(trees):
    clauses = by_id(trees, "jiangxi2022")
    bullets = [c for c in clauses.values() if c.kind == "bullet"]
    assert [b.clause_id for b in bullets] == [f"2.3.b{n}" for n in range(1, 7)]
    assert all(b.parent_id == "2.3" and b.level == 3 for b in bullets)
    assert bullets[0].heading == "数字产业化实现新跨越"
    # The caption after the last bullet goes back to the clause, not into the bullet.
    assert "全省“十四五”数字经济发展主要指标" in clauses["2.3"].own_text(trees["jiangxi2022"][0])
    assert "主要指标" not in bullets[-1].own_text(trees["jiangxi2022"][0])


def test_sichuan_2025_items_one_to_seventeen_under_the_five_clauses_of_section_two(trees):
    clauses = by_id(trees, "sichuan2025")
    items = [c for c in clauses.values() if c.kind == "item"]
    assert [c.number for c in items] == list(range(1, 18))
    assert [c.clause_id for c in items if c.parent_id == "2.1"] == ["2.1.1", "2.1.2", "2.1.3", "2.1.4"]
    assert [c.clause_id for c in items if c.parent_id == "2.5"] == ["2.5.15", "2.5.16", "2.5.17"]
    assert clauses["2.1.4"].heading == "培育数字经济创新型企业"
    assert clauses["2.1"].heading == "积极探索数字产业集群发展新机制，构建区域联动、梯次发展新格局"
    assert ids(trees, "sichuan2025", "section") == ["1", "2", "3"]


def test_shandong_on_one_line_still_has_nine_sections_and_26_clauses(trees):
    assert ids(trees, "shandong2023", "section") == [str(n) for n in range(1, 10)]
    clauses = [c for c in trees["shandong2023"][1].clauses if c.kind == "clause"]
    assert [c.number for c in clauses] == list(range(1, 27))
    assert clauses[-1].clause_id == "9.26"


def test_sichuan_2019_glossary_and_closing(trees):
    clauses = by_id(trees, "sichuan2019")
    assert [c.number for c in clauses.values() if c.kind == "clause"] == list(range(1, 29))
    entries = [c for c in clauses.values() if c.kind == "glossary" and c.parent_id == "glossary"]
    assert [e.clause_id for e in entries] == [f"glossary.{n}" for n in range(1, 10)]
    assert clauses["glossary.4"].heading == "4K/8K"
    assert clauses["glossary.1"].heading == "一杆多用"
    closing = clauses["closing"].own_text(trees["sichuan2019"][0])
    assert closing.startswith("信息公开选项") and closing.endswith("2019年8月5日印发")


@pytest.mark.parametrize(
    ("seed", "clause_id", "label", "heading"),
    [
        ("sichuan2024", "1", "一、", "总体要求"),
        ("sichuan2024", "2.1", "(一)", "促进数据资源有序开发利用"),
        ("sichuan2024", "3.4", "(四)", "加快网络设施提质扩容"),
        ("sichuan2024", "6.18", "(十八)", "加强人才支撑"),
        ("sichuan2019", "1.2", "(二)", "发展目标"),
        ("sichuan2019", "6.28", "(二十八)", "建立统计指标体系和考评机制"),
        ("sichuan2025", "2.4.13", "13.", "深入推进算电融合试点"),
        ("sichuan2025", "3", "三、", "工作要求"),
        ("jiangxi2022", "2.2", "(二)", "基本原则"),
        ("jiangxi2022", "10.5", "(五)", "实施监测评估"),
        ("jiangxi2022", "3", "三、", "深耕产业赛道，提升数字产业发展位势能级"),
        ("shandong2023", "6.14", "(十四)", "提升“计算山东”能力"),
        ("shandong2023", "2", "二、", "突破重点数字产业，壮大数字经济核心动能"),
    ],
)
def test_labels_and_headings(trees, seed, clause_id, label, heading):
    clause = by_id(trees, seed)[clause_id]
    assert (clause.label, clause.heading) == (label, heading)


def test_preamble_holds_the_text_before_the_first_section(trees):
    text, tree = trees["sichuan2024"]
    preamble = tree.clauses[0]
    assert preamble.clause_id == "0" and preamble.kind == "preamble"
    assert preamble.own_text(text).endswith("现提出如下实施意见。")


@pytest.mark.parametrize("seed", list(SEEDS))
def test_segmentation_neither_loses_nor_duplicates_body_text(trees, seed):
    text, tree = trees[seed]
    owned = [0] * len(text)
    for clause in tree.clauses:
        for start, end in clause.spans:
            for i in range(start, end):
                owned[i] += 1
        # The marker label is the clause's own too.
        for i in range(clause.start, clause.start + len(clause.label)):
            owned[i] += 1
    unowned = {text[i] for i, n in enumerate(owned) if n == 0}
    assert unowned <= {"\n", " "}
    assert max(owned) == 1


def test_markers_inside_sentences_are_text():
    text = ("一、总体要求\n各市(州)和(四川)的企业，在(2023年12月28日)发布。全面贯彻二十届二中、三中全会精神，"
            "发展4、4K/8K产业。\n(一)指导思想。内容。")
    tree = segment(text)
    assert [c.clause_id for c in tree.clauses] == ["1", "1.1"]


def test_a_marker_after_a_full_stop_continues_the_numbering():
    tree = segment("一、总体要求。(一)第一条。内容。(二)第二条。内容。\n二、保障措施")
    assert [c.clause_id for c in tree.clauses] == ["1", "1.1", "1.2", "2"]


def test_gaps_and_repeats_are_warned_not_renumbered():
    tree = segment("一、甲\n(一)子。\n(三)子。\n(三)子。\n三、乙")
    # Numbers stay as printed; a repeated path gets ~n so that ids stay unique.
    assert [c.clause_id for c in tree.clauses] == ["1", "1.1", "1.3", "1.3~2", "3"]
    assert [c.number for c in tree.clauses] == [1, 1, 3, 3, 3]
    assert len(tree.warnings) == 3
    assert tree.warnings[0] == "numbering: clause (三) under 一、 follows (一), skipping (二)"
    assert tree.warnings[1] == "numbering: clause (三) under 一、 repeats after (三)"
    assert tree.warnings[2] == "numbering: section 三、 at top level follows 一、, skipping 二、"


def test_no_markers_is_one_preamble_clause():
    tree = segment("这是一段没有编号的说明文字。\n第二段。")
    assert [c.clause_id for c in tree.clauses] == ["0"]
    assert not tree.has_markers


def test_subitems_and_circled_numbers_nest_under_items():
    tree = segment("一、甲\n(一)乙。\n1.丙。\n(1)丁。\n(2)戊。\n②己。")
    kinds = {c.clause_id: c.kind for c in tree.clauses}
    assert kinds == {"1": "section", "1.1": "clause", "1.1.1": "item", "1.1.1.1": "subitem",
                     "1.1.1.2": "subitem", "1.1.1.2~2": "subitem"}
    assert tree.warnings  # ② repeats (2)

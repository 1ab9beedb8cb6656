"""Clause numbering as documents really print it: gaps, repeats, restarts, out of order, none at all.

The segmenter keeps every clause with its number as printed, records what
is odd in ``ClauseTree.warnings`` (``documents.warnings``), and keeps every
``clause_id`` unique: a path already taken gets ``~n`` (``1.3``, ``1.3~2``).
"""

from __future__ import annotations

import hashlib

import pytest

from pipeline.clauses import segment
from pipeline.errors import PipelineError
from pipeline.process import NO_MARKERS_WARNING, run_document
from tests.test_properties import check_tree


def ids(text: str) -> list[str]:
    return [c.clause_id for c in segment(text).clauses]


def test_a_gap_keeps_the_printed_numbers_and_is_warned():
    text = "一、总体要求\n坚持创新。\n二、重点任务\n推进建设。\n四、保障措施\n加强领导。"
    tree = segment(text)
    assert [(c.clause_id, c.number) for c in tree.clauses] == [("1", 1), ("2", 2), ("4", 4)]
    assert tree.warnings == ("numbering: section 四、 at top level follows 二、, skipping 三、",)
    check_tree(text, tree)


def test_a_gap_inside_a_section_names_the_section():
    tree = segment("一、甲\n(一)子。\n(二)子。\n(五)子。")
    assert [c.clause_id for c in tree.clauses] == ["1", "1.1", "1.2", "1.5"]
    assert tree.warnings == ("numbering: clause (五) under 一、 follows (二), skipping (三)",)


def test_a_repeated_clause_gets_a_unique_id_and_a_warning():
    text = "一、甲\n(一)第一条。内容。\n(一)又是第一条。内容。\n(二)第二条。"
    tree = segment(text)
    assert [c.clause_id for c in tree.clauses] == ["1", "1.1", "1.1~2", "1.2"]
    repeated = tree.clauses[2]
    assert (repeated.label, repeated.number, repeated.heading) == ("(一)", 1, "又是第一条")
    assert tree.warnings == ("numbering: clause (一) under 一、 repeats after (一)",)
    check_tree(text, tree)


def test_children_of_a_repeated_clause_build_on_its_unique_id():
    text = "一、甲\n(一)乙。\n1.丙。\n(一)丁。\n1.戊。\n——己。\n二、庚"
    tree = segment(text)
    rows = [(c.clause_id, c.parent_id) for c in tree.clauses]
    assert rows == [("1", None), ("1.1", "1"), ("1.1.1", "1.1"), ("1.1~2", "1"), ("1.1~2.1", "1.1~2"),
                    ("1.1~2.1.b1", "1.1~2.1"), ("2", None)]
    check_tree(text, tree)


def test_a_repeated_section_and_a_third_use_of_the_same_path():
    tree = segment("一、甲\n(一)乙。\n一、丙\n(一)丁。\n一、戊")
    assert [c.clause_id for c in tree.clauses] == ["1", "1.1", "1~2", "1~2.1", "1~3"]
    assert tree.warnings == ("numbering: section 一、 at top level repeats after 一、",) * 2


@pytest.mark.parametrize(
    ("text", "expected", "warning"),
    [
        # An item 1. and a clause (一) both directly under 一、 take the path 1.1.
        ("一、甲\n1.乙\n(一)丙", ["1", "1.1", "1.1~2"],
         "clause_id: clause (一) under 一、 reuses the id 1.1, kept as 1.1~2"),
        # Items in the preamble and the sections after it: both number from 1.
        ("前言：\n1.说明。\n一、总体要求", ["0", "1", "1~2"],
         "clause_id: section 一、 at top level reuses the id 1, kept as 1~2"),
        # A second glossary, and its entries.
        ("一、甲\n名词解释\n1.甲：乙\n名词解释\n1.丙：丁", ["1", "glossary", "glossary.1", "glossary~2", "glossary~2.1"],
         "clause_id: glossary 名词解释 reuses the id glossary, kept as glossary~2"),
    ],
)
def test_two_kinds_of_marker_on_one_path_get_unique_ids(text, expected, warning):
    tree = segment(text)
    assert [c.clause_id for c in tree.clauses] == expected
    assert warning in tree.warnings
    check_tree(text, tree)


def test_clause_numbers_restarting_in_each_section_are_not_warned():
    # Jiangxi 2022: (一) again in every section.
    text = "一、甲\n(一)子。\n(二)子。\n二、乙\n(一)子。\n1.项。\n2.项。\n(二)子。\n1.项。"
    tree = segment(text)
    assert [c.clause_id for c in tree.clauses] == ["1", "1.1", "1.2", "2", "2.1", "2.1.1", "2.1.2", "2.2", "2.2.1"]
    assert tree.warnings == ()


def test_clause_numbers_running_on_across_sections_are_not_warned():
    # Sichuan 2024: 二 holds (一)-(三), 三 holds (四)-(五); the path is still section.clause.
    tree = segment("一、甲\n(一)子。\n(二)子。\n二、乙\n(三)子。\n(四)子。")
    assert [c.clause_id for c in tree.clauses] == ["1", "1.1", "1.2", "2", "2.3", "2.4"]
    assert tree.warnings == ()


def test_out_of_order_numbers_are_kept_as_printed_and_warned():
    text = "一、甲\n(一)子。\n(三)子。\n(二)子。\n(三)子。"
    tree = segment(text)
    assert [c.clause_id for c in tree.clauses] == ["1", "1.1", "1.3", "1.2", "1.3~2"]
    assert [c.number for c in tree.clauses] == [1, 1, 3, 2, 3]
    assert tree.warnings == (
        "numbering: clause (三) under 一、 follows (一), skipping (二)",
        "numbering: clause (二) under 一、 is out of order after (三)",
        # (三) after (二) continues the numbering; only its id is a repeat.
        "clause_id: clause (三) under 一、 reuses the id 1.3, kept as 1.3~2",
    )
    check_tree(text, tree)


def test_subitem_warnings_show_the_subitem_label():
    tree = segment("一、甲\n(一)乙。\n1.丙。\n(1)丁。\n(2)戊。\n②己。")
    assert [c.clause_id for c in tree.clauses][-2:] == ["1.1.1.2", "1.1.1.2~2"]
    assert tree.warnings == ("numbering: subitem (2) under 1. repeats after (2)",)


def test_a_document_without_markers_is_one_preamble_clause_holding_all_its_text():
    text = "这是一段没有编号的说明文字。\n第二段：2025年12月31日前完成。\n"
    tree = segment(text)
    assert [(c.clause_id, c.kind, c.parent_id) for c in tree.clauses] == [("0", "preamble", None)]
    assert not tree.has_markers and tree.warnings == ()
    assert tree.clauses[0].own_text(text) == text.rstrip("\n")
    check_tree(text, tree)


@pytest.mark.parametrize("text", ["", "\n\n", "一、", "(一)", "——", "一、\n一、\n一、"])
def test_degenerate_documents_do_not_crash(text):
    check_tree(text, segment(text))


# --- Through the whole pipeline ---------------------------------------------

DOCUMENT = (
    "四川省人民政府关于推进数据要素市场化配置的实施意见\n"
    "各市(州)人民政府：\n为贯彻落实国家部署，现提出如下意见。\n"
    "一、总体要求\n(一)指导思想。坚持创新驱动。\n(一)基本原则。坚持统筹发展。\n"
    "二、重点任务\n(一)培育数据市场。到2025年，数据交易额达到100亿元。\n"
    "四、保障措施\n(一)加强组织领导。\n"
    "四川省人民政府\n2024年12月16日\n"
)


def test_a_file_named_with_spaces_and_chinese_goes_through_the_pipeline(tmp_path, toolkit):
    path = tmp_path / "四川 数据 条例 (2024).txt"
    path.write_text(DOCUMENT, encoding="utf-8")

    result = run_document(path, toolkit)

    assert (result.doc_id, result.source_file) == ("四川 数据 条例 (2024).txt", "四川 数据 条例 (2024).txt")
    document = result.rows["documents"][0]
    assert (document["doc_id"], document["source_file"]) == (result.doc_id, result.source_file)
    assert document["source_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert all(row["doc_id"] == result.doc_id for rows in result.rows.values() for row in rows)
    clause_ids = [row["clause_id"] for row in result.rows["clauses"]]
    assert clause_ids == ["0", "1", "1.1", "1.1~2", "2", "2.1", "4", "4.1", "closing"]
    assert len(set(clause_ids)) == len(clause_ids)
    assert document["n_clauses"] == len(clause_ids)
    assert document["warnings"] == [
        "numbering: clause (一) under 一、 repeats after (一)",
        "numbering: section 四、 at top level follows 二、, skipping 三、",
    ]
    assert result.has_markers
    # Rows of the other tables point at clauses that exist.
    for table in ("targets", "dates", "parties"):
        assert {row["clause_id"] for row in result.rows[table]} <= set(clause_ids)


def test_a_folder_relative_doc_id_is_the_same_for_a_top_level_file(tmp_path, toolkit):
    path = tmp_path / "川府发〔2024〕1号 v1.2.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert run_document(path, toolkit, seeds_dir=tmp_path).doc_id == "川府发〔2024〕1号 v1.2.txt"


def test_a_file_without_markers_is_kept_as_one_preamble_clause_with_the_warning(tmp_path, toolkit):
    path = tmp_path / "没有 编号 的 说明.txt"
    text = "关于做好数据工作的说明\n这是一份没有编号条款的说明。\n第二段说明，到2025年完成。\n"
    path.write_text(text, encoding="utf-8")

    result = run_document(path, toolkit)

    assert not result.has_markers
    assert result.rows["documents"][0]["warnings"] == [NO_MARKERS_WARNING]
    (clause,) = result.rows["clauses"]
    assert (clause["clause_id"], clause["kind"], clause["parent_id"]) == ("0", "preamble", None)
    assert clause["text"] == text.strip()
    assert result.rows["documents"][0]["n_clauses"] == 1


def test_a_file_of_blanks_is_a_named_error_not_a_crash(tmp_path, toolkit):
    path = tmp_path / "空白 文件.txt"
    path.write_text(" \u3000\n\n\t\n", encoding="utf-8")
    with pytest.raises(PipelineError, match="空白 文件"):
        run_document(path, toolkit)


def test_a_reused_id_is_warned_when_the_numbering_warning_does_not_say_repeat():
    tree = segment("一、甲\n(一)子。\n(三)子。\n(一)子。\n(三)子。")
    assert [c.clause_id for c in tree.clauses] == ["1", "1.1", "1.3", "1.1~2", "1.3~2"]
    assert tree.warnings == (
        "numbering: clause (三) under 一、 follows (一), skipping (二)",
        "numbering: clause (一) under 一、 is out of order after (三)",
        "clause_id: clause (一) under 一、 reuses the id 1.1, kept as 1.1~2",
        "numbering: clause (三) under 一、 follows (一), skipping (二)",
        "clause_id: clause (三) under 一、 reuses the id 1.3, kept as 1.3~2",
    )

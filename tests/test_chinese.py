"""The facts of written Chinese (pipeline.chinese): Han characters, sentence ends, numerals, clause kinds."""

from __future__ import annotations

import re

import pytest

from pipeline import chinese, clauses, evaluate
from pipeline.chinese import (CLAUSE_END, HAN, PARAGRAPH_END, SENTENCE_END, int_to_chinese, is_han, numeral_value,
                              parse_chinese_integer, with_half_width)
from pipeline.extract import targets
from pipeline.store import validation

# --- Han characters ------------------------------------------------------------

@pytest.mark.parametrize(("char", "han"), [
    ("数", True), ("〇", False), ("㐀", True), ("䶵", True),  # extension A
    ("豈", True), ("﨑", True),  # compatibility ideographs
    ("𠮷", True), ("\U0002a6a5", True), ("\U0003134a", True),  # extensions B to H
    ("䷀", False),  # a Yijing hexagram, between extension A and the unified block
    ("⼀", False), ("㇀", False),  # a Kangxi radical, a stroke
    ("A", False), ("1", False), ("，", False), ("。", False),
])
def test_han_class_and_is_han_agree(char, han):
    assert is_han(char) is han
    assert (re.fullmatch(rf"[{HAN}]", char) is not None) is han


def test_no_module_writes_its_own_narrower_han_class():
    from pathlib import Path

    import pipeline

    narrow = "\\u4e00-\\u9fff"  # as written in a regex
    sources = [p for p in Path(pipeline.__file__).parent.rglob("*.py") if p.name != "chinese.py"]
    assert [str(p) for p in sources if narrow in p.read_text(encoding="utf-8")] == []


def test_a_rare_character_of_a_name_is_part_of_the_word():
    # 𠮷 (U+20BB7) is written in place names and surnames: a regex knowing only
    # U+4E00-U+9FFF cut the issuer's name in two.
    assert re.fullmatch(rf"[{HAN}]{{2,8}}", "𠮷林镇人民政府") is not None


# --- Sentence ends ---------------------------------------------------------------

def test_sentence_ends_nest():
    assert set(SENTENCE_END) < set(CLAUSE_END) < set(PARAGRAPH_END)
    assert set(SENTENCE_END) == set("。！？")
    assert set(CLAUSE_END) - set(SENTENCE_END) == {"；"}
    assert set(PARAGRAPH_END) - set(CLAUSE_END) == {"："}


def test_half_width_forms_are_added_for_the_marks_that_have_one():
    assert set(with_half_width(PARAGRAPH_END)) == set("。！？；：!?;:")
    assert set(with_half_width(SENTENCE_END)) == set("。！？!?")


def test_targets_read_one_sentence_up_to_its_end():
    # targets cuts a sentence at 。！？ or a line end, not at a semicolon.
    assert set(targets._SENTENCE_END) == set(SENTENCE_END + "\n")


# --- Numerals ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十八", 28), ("六十四", 64), ("一百", 100),
     ("一百零五", 105), ("一百一十", 110), ("一百二十", 120), ("二百三十四", 234), ("一千零十", 1010),
     ("一千二百", 1200), ("两百", 200), ("零", 0), ("〇", 0),
     # Above ten thousand, and bare units.
     ("一万五千", 15000), ("两亿", 200_000_000), ("三万亿", 3 * 10**12), ("百", 100), ("千", 1000), ("万", 10_000),
     # Written digit by digit, as years are.
     ("二〇三五", 2035), ("二○二二", 2022), ("一二三", 123)],
)
def test_chinese_numerals(numeral, value):
    assert parse_chinese_integer(numeral) == value


@pytest.mark.parametrize("number", [1, 9, 10, 11, 20, 28, 99, 100, 105, 110, 120, 234, 1010, 1200, 9999])
def test_chinese_numerals_round_trip(number):
    assert parse_chinese_integer(int_to_chinese(number)) == number


# 十百千万 is a programme's name (d021: 实施“十百千万”无废细胞工程), not a number.
@pytest.mark.parametrize("bad", ["", "十百", "百百", "十十", "二十十", "十百千", "百千", "甲", "十a"])
def test_not_chinese_numerals(bad):
    with pytest.raises(ValueError):
        parse_chinese_integer(bad)


@pytest.mark.parametrize(("written", "value"), [("12", 12), ("2035", 2035), ("十二", 12), ("二〇三五", 2035)])
def test_numeral_value_reads_arabic_and_chinese(written, value):
    assert numeral_value(written) == value


@pytest.mark.parametrize("text", [
    "实施“十百千万”无废细胞工程，培育十百千家企业",  # d021's programme, with a unit after it
    "到2025年，培育百千家企业",
    "建设十十个园区",
])
def test_numeral_characters_that_make_no_number_are_no_target(text):
    # The lenient parser read 十百千 as 1110; the strict one raises, and the
    # extractor leaves the figure out rather than failing the document.
    assert [hit.text for hit in targets.find_targets(text, 2025) if "百" in hit.text or "十" in hit.text] == []


# --- Clause kinds --------------------------------------------------------------------

def test_clause_kinds_are_declared_once():
    assert validation.CLAUSE_KINDS is chinese.CLAUSE_KINDS
    # The gold may also mark an enumeration, which is never scored.
    assert evaluate.STRUCTURE_KINDS == set(chinese.CLAUSE_KINDS) | evaluate.UNSCORED_KINDS


def test_the_segmenter_makes_only_declared_kinds():
    text = ("关于印发方案的通知\n各市人民政府：\n第一章 总则\n第一条 为了规范管理，制定本办法。\n一、总体要求\n"
            "(一)指导思想。\n1.坚持创新。\n(1)加强研究。\n——推进建设。\n专栏1 重点工程\n名词解释\n附件：清单\n"
            "四川省人民政府\n2024年1月1日")
    kinds = {clause.kind for clause in clauses.segment(text).clauses}
    assert kinds <= set(chinese.CLAUSE_KINDS)
    assert {"preamble", "chapter", "article"} <= kinds

"""Formulas and key codes (pipeline/store/formulas.py): the same answers as pyarrow Expressions, joins and group-bys."""

from __future__ import annotations

import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pipeline.store import formulas as fx
from pipeline.store import validation
from pipeline.tables import SCHEMAS


def as_expression(formula: fx.Formula) -> pc.Expression:
    """The same formula as a pyarrow Expression, to be evaluated by Acero: the reference."""
    if formula.function == "field":
        return pc.field(formula.arguments[0])
    arguments = [as_expression(a) if isinstance(a, fx.Formula) else pc.scalar(a) for a in formula.arguments]
    return pc.Expression._call(formula.function, arguments, formula.options)


def _project(table: pa.Table, formula: fx.Formula) -> list:
    from pyarrow import acero

    plan = acero.Declaration.from_sequence([
        acero.Declaration("table_source", acero.TableSourceNodeOptions(table)),
        acero.Declaration("project", acero.ProjectNodeOptions([as_expression(formula)], ["value"])),
    ])
    return plan.to_table(use_threads=False)["value"].to_pylist()


# Columns with nulls, NaN, dates and strings: every operator the declarations use.
EDGES = pa.table({
    "a": pa.array([0, 1, None, 5, -3], pa.int32()),
    "b": pa.array([0, 2, 4, None, -3], pa.int8()),
    "x": pa.array([0.5, float("nan"), None, 1.0, 0.0], pa.float64()),
    "d": pa.array([datetime.date(2020, 1, 1), None, datetime.date(1800, 5, 1), datetime.date(2100, 12, 31),
                   datetime.date(2024, 2, 29)], pa.date32()),
    "s": pa.array(["3.5", "p2.1", None, "中文", "3~4.1"], pa.string()),
})
a, b, x, d, s = (fx.field(name) for name in "abxds")
FORMULAS = {
    "and": (a >= 0) & (b <= 2),
    "or": (a > 0) | b.is_null(),
    "not": ~(a == b),
    "not-equal": a != 1,
    "less": a < b,
    "arithmetic": (a - b) + 1 == a * 1,
    "float and NaN": (x > 0.0) & (x <= 1.0),
    "dates": (d >= datetime.date(1000, 1, 1)) & (d <= datetime.date(2100, 12, 31)),
    "null tests": d.is_null() | x.is_valid(),
    "in set": s.isin(["3.5", "中文"]),
    "cast": b.cast(pa.int16()) + 1 == a,
    "utf8 length": s.utf8_length() == a,
    "regex": s.matches(r"^[0-9]+(?:~[0-9]+)?(?:\.[0-9]+(?:~[0-9]+)?)*$"),
    "if else": fx.if_else(s.isin(["3.5"]), a > b, a.cast(pa.int16()) == b.cast(pa.int16()) + 1),
}


@pytest.mark.parametrize("formula", FORMULAS.values(), ids=FORMULAS.keys())
def test_a_formula_gives_what_the_expression_gives(formula):
    assert formula.evaluate(fx.Columns(EDGES)).to_pylist() == _project(EDGES, formula)


@pytest.fixture(scope="module")
def seed_arrow(seed_data_dir) -> dict[str, pa.Table]:
    return {name: pq.read_table(seed_data_dir / f"{name}.parquet") for name in SCHEMAS}


def test_every_declared_predicate_gives_what_its_expression_gives_on_the_seeds(seed_arrow):
    checked = 0
    for check in validation.CHECKS:
        if check.predicate is None:
            continue
        table = seed_arrow[check.table]
        formula = check.predicate()
        assert formula.evaluate(fx.Columns(table)).to_pylist() == _project(table, formula), check.name
        checked += 1
    assert checked > 40


def test_a_shared_part_is_evaluated_once_and_failing_rows_are_false_or_null():
    shared = a >= 0
    columns = fx.Columns(EDGES)
    (shared & (b >= 0)).evaluate(columns, columns.memo)
    kept = columns.memo[id(shared)][1]
    (shared | b.is_null()).evaluate(columns, columns.memo)
    assert columns.memo[id(shared)][1] is kept
    assert fx.failing(columns, shared).tolist() == [2, 4]  # a is null on row 2, negative on row 4


# --- Keys -----------------------------------------------------------------------------

def _joined_rows(child: pa.Table, parent: pa.Table, keys: list[str]) -> list[int]:
    """The reference: each child row's first parent row by an Acero join (-1: none)."""
    child = child.append_column("_c", pa.array(np.arange(child.num_rows)))
    parent = parent.append_column("_p", pa.array(np.arange(parent.num_rows)))
    first = parent.group_by(keys, use_threads=False).aggregate([("_p", "min")])
    joined = child.join(first, keys, join_type="left outer", use_threads=False).sort_by("_c")
    return [-1 if p is None else p for p in joined["_p_min"].to_pylist()]


CHILD = pa.table({"doc_id": ["a", "a", "b", None, "a", "c"], "clause_id": ["1", None, "1", "1", "2", "1"]})
PARENT = pa.table({"doc_id": ["a", "a", "b", "a", None], "clause_id": ["2", "1", "1", "2", "1"]})


@pytest.mark.parametrize("keys", [["doc_id"], ["doc_id", "clause_id"], ["clause_id"]])
def test_first_match_is_the_join_with_the_first_parent_row(keys):
    codes, parent_codes = fx.shared_key_codes([CHILD[k].combine_chunks() for k in keys],
                                              [PARENT[k].combine_chunks() for k in keys])
    assert fx.first_match(codes, parent_codes).tolist() == _joined_rows(CHILD, PARENT, keys)


def test_first_match_with_no_parent_rows():
    codes, parent_codes = fx.shared_key_codes([CHILD["doc_id"].combine_chunks()], [pa.array([], pa.string())])
    assert fx.first_match(codes, parent_codes).tolist() == [-1] * CHILD.num_rows


def test_codes_renumbered_before_overflow_keep_equal_keys_equal(monkeypatch):
    columns = [CHILD["doc_id"].combine_chunks(), CHILD["clause_id"].combine_chunks(), CHILD["doc_id"].combine_chunks()]
    expected = fx.key_codes(columns, nulls_match=True)
    monkeypatch.setattr(fx, "MAX_CODES", 4)  # renumber after every column
    renumbered = fx.key_codes(columns, nulls_match=True)
    assert (expected[:, None] == expected[None, :]).tolist() == (renumbered[:, None] == renumbered[None, :]).tolist()


def test_groups_come_in_the_order_of_a_group_by_nulls_together():
    column = pa.array(["b", None, "a", "b", None, "c"])
    group, first = fx.groups(column)
    by_acero = pa.table({"k": column}).group_by("k", use_threads=False).aggregate([([], "count_all")])
    assert column.take(pa.array(first)).to_pylist() == by_acero["k"].to_pylist()
    assert np.bincount(group).tolist() == by_acero["count_all"].to_pylist()


# --- The aggregates behind the checks over groups, against pyarrow's group-by ---------------

def _check(name: str) -> validation.Check:
    return next(check for check in validation.CHECKS if check.name == name)


def test_seq_groups_are_what_a_group_by_gives(seed_arrow):
    clauses = seed_arrow["clauses"]
    shifted = clauses.set_column(clauses.schema.get_field_index("seq"), "seq",
                                 pc.add(clauses["seq"], pa.scalar(1, pa.int32())))  # every document fails
    [violation] = validation.validate_tables({"clauses": shifted}, [_check("seq_in_reading_order")], max_rows=1000)
    expected = shifted.group_by("doc_id", use_threads=False).aggregate(
        [("seq", "count_distinct"), ("seq", "min"), ("seq", "max")]).to_pandas()
    assert violation.rows[["doc_id", "seq_count_distinct", "seq_min", "seq_max"]].to_dict("records") == \
        expected[["doc_id", "seq_count_distinct", "seq_min", "seq_max"]].to_dict("records")


def test_share_sums_are_what_a_group_by_gives(seed_arrow):
    shares = seed_arrow["theme_shares"]
    tripled = shares.set_column(shares.schema.get_field_index("share"), "share", pc.multiply(shares["share"], 3.0))
    [violation] = validation.validate_tables({"theme_shares": tripled}, [_check("shares_sum_at_most_1")],
                                             max_rows=1000)
    expected = tripled.group_by("doc_id", use_threads=False).aggregate([("share", "sum"), ("share", "count")])
    assert violation.rows.to_dict("records") == expected.select(["doc_id", "share_count", "share_sum"]) \
        .to_pandas().to_dict("records")


# --- Reading Arrow's buffers directly (booleans, key codes), on slices and with nulls ---------

FLAGS = pa.array([True, None, False, True, True, None, False, False, True, True, None, True, False])


@pytest.mark.parametrize(("offset", "length"), [(0, 13), (1, 7), (3, 10), (9, 4), (5, 0)])
def test_booleans_read_the_bits_of_a_slice_and_null_is_false(offset, length):
    part = FLAGS.slice(offset, length)
    assert fx.booleans(part).tolist() == [value is True for value in part.to_pylist()]


def test_booleans_of_nulls_without_a_type_are_false():
    assert fx.booleans(pa.nulls(3)).tolist() == [False, False, False]


@pytest.mark.parametrize("nulls_match", [False, True])
@pytest.mark.parametrize("offset", [0, 2])
def test_key_codes_of_sliced_columns_with_nulls_are_equal_exactly_for_equal_keys(offset, nulls_match):
    first = pa.array(["a", "b", None, "a", "b", None, "a", "c"]).slice(offset)
    second = pa.array([1, 1, 2, 1, None, 2, 1, 3], pa.int32()).slice(offset)
    codes = fx.key_codes([first, second], nulls_match=nulls_match)
    keys = list(zip(first.to_pylist(), second.to_pylist()))
    for i, key in enumerate(keys):
        if not nulls_match and None in key:
            assert codes[i] == fx.NO_KEY
            continue
        assert codes[i] != fx.NO_KEY
        assert [codes[j] == codes[i] for j in range(len(keys))] == [other == key for other in keys]


def test_key_codes_of_empty_columns():
    assert fx.key_codes([pa.array([], pa.string())]).tolist() == []


@pytest.mark.parametrize("codes", [[], [5], [3, 1, 3, 2, 1, 7], [4, 4, 4], [0, 1, 2, 3], [-1, 2, -1, 2, 9]])
def test_repeated_codes_are_the_rows_of_a_code_counted_more_than_once(codes):
    codes = np.array(codes, dtype=np.int64)
    _, group, size = np.unique(codes, return_inverse=True, return_counts=True)  # the reference
    assert fx.repeated(codes).tolist() == np.flatnonzero(size[group] > 1).tolist()


def test_columns_read_row_positions_under_their_name_and_sliced_chunks_as_they_are():
    table = pa.table({"v": [10, 20, 30, 40]}).slice(1, 2)
    columns = fx.Columns(table, positions="row")
    assert columns["row"].to_pylist() == [0, 1] and columns["v"].to_pylist() == [20, 30]
    assert list(columns) == ["v", "row"] and len(columns) == 2
    assert "row" not in fx.Columns(table)


def test_a_nullable_value_set_holds_null_as_is_null_or_is_in_does():
    nullable = validation.in_set("t", "s", ["3.5", "中文"], nullable=True).predicate()
    reference = (s.is_null() | s.isin(["3.5", "中文"]))
    assert nullable.evaluate(fx.Columns(EDGES)).to_pylist() == reference.evaluate(fx.Columns(EDGES)).to_pylist()

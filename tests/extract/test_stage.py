"""The extract stage's glue: own-text offsets mapped to the document, terms rows that point at their term."""

from __future__ import annotations

from datetime import date
from operator import itemgetter

import pyarrow as pa
import pytest

from pipeline.clauses import Clause
from pipeline.extract.dates import find_dates
from pipeline.extract.nlp import doc_words
from pipeline.extract.stage import _Located, _span_table, _TermColumns, one_piece_shift, own_offset_map
from pipeline.process import run_document, segment_document
from pipeline.tables import PART_SCHEMAS, SCHEMAS, SORT_KEYS
from pipeline.terms import clause_terms

ALL_SEEDS = ["sichuan2024", "sichuan2019", "sichuan2025", "jiangxi2022", "shandong2023"]


@pytest.mark.parametrize("seed", ["sichuan2024", "sichuan2019", "sichuan2025", "jiangxi2022", "shandong2023"])
def test_every_own_offset_maps_to_its_character(seeds, converter, seed: str) -> None:
    segmented = segment_document(seeds[seed], converter)
    canonical = segmented.canonical.normalized.text
    clauses = segmented.tree.clauses
    if seed == "jiangxi2022":  # a clause of several pieces: the bisect path, not the shift
        assert any(len([s for s in c.spans if s[1] > s[0]]) > 1 for c in clauses)
    for clause in clauses:
        own = clause.own_text(canonical)
        to_document = own_offset_map(clause)
        pieces = [(start, end) for start, end in clause.spans if end > start]
        joins = {sum(end - start + 1 for start, end in pieces[:i + 1]) - 1 for i in range(len(pieces) - 1)}
        for offset, char in enumerate(own):
            if offset in joins:
                # The "\n" joining two pieces maps to the end of the piece before it.
                assert char == "\n" and any(to_document(offset) == end for _, end in pieces)
            else:
                assert canonical[to_document(offset)] == char
        assert to_document(len(own)) == (pieces[-1][1] if pieces else clause.start)
        shift = one_piece_shift(clause)
        assert (shift is not None) == (len(pieces) == 1)
        if shift is not None:
            assert all(to_document(offset) == offset + shift for offset in range(len(own)))


def test_one_piece_and_many_pieces_map_the_same_way() -> None:
    from pipeline.clauses import Clause

    one = Clause("1", None, 1, "paragraph", "", None, 10, spans=[(10, 20)], end=20)
    # An empty span is no piece; the join after the first piece is own offset 10.
    many = Clause("2", None, 1, "paragraph", "", None, 10, spans=[(10, 20), (20, 20), (30, 40)], end=40)
    assert [own_offset_map(one)(o) for o in (0, 5, 10, 11)] == [10, 15, 20, 20]
    assert [own_offset_map(many)(o) for o in (0, 5, 10, 11, 15, 21)] == [10, 15, 20, 30, 34, 40]


def test_terms_rows_point_at_their_term(seeds, toolkit) -> None:
    tables = run_document(seeds["jiangxi2022"], toolkit)
    canonical = tables.normalized.text
    rows = tables.rows["terms"]
    assert rows
    for row in rows:
        assert canonical[row["start"]:row["end"]] == row["term"]


# --- Rows gathered as columns give the table one dict per row gave ----------------------------

def _from_dicts(table: str, rows: list[dict]) -> pa.Table:
    """The reference: dict rows sorted in Python, then pyarrow's from_pylist."""
    return pa.Table.from_pylist(sorted(rows, key=itemgetter(*SORT_KEYS[table])), schema=PART_SCHEMAS[table])


def _dict_terms(doc_id: str, clauses, canonical: str, nlp) -> list[dict]:
    """The terms rows as the stage built them before the columns: a dict per term, each offset mapped alone."""
    rows = []
    for clause in clauses:
        found = clause_terms(*doc_words(nlp.make_doc(clause.own_text(canonical))))
        to_document = own_offset_map(clause)
        for term, count, start in zip(*found):
            rows.append({"doc_id": doc_id, "clause_id": clause.clause_id, "term": term, "count": count,
                         "start": to_document(start), "end": to_document(start + len(term) - 1) + 1})
    return rows


@pytest.mark.parametrize("seed", ALL_SEEDS)
def test_the_terms_columns_are_the_table_of_a_dict_per_term(seeds, toolkit, seed) -> None:
    """Shifted at once for one-piece clauses, mapped one by one for the others (jiangxi2022 has both)."""
    document = run_document(seeds[seed], toolkit)
    rows = _dict_terms(document.doc_id, document.tree.clauses, document.normalized.text, toolkit.nlp)
    assert len(rows) > 100
    assert document.tables["terms"].equals(_from_dicts("terms", rows))
    assert document.rows["terms"] == sorted(rows, key=itemgetter(*SORT_KEYS["terms"]))


def test_terms_of_a_clause_of_several_pieces_and_of_none(toolkit) -> None:
    canonical = "一、推进数据要素市场建设\n（一）培育数据要素市场。\n建设数据要素市场体系，推进数据开放。"
    first = canonical.index("（一）")
    second = canonical.index("建设数据")
    pieces = Clause("1", None, 1, "section", "一、", 1, 0, spans=[(2, first - 1), (second, len(canonical))],
                    end=len(canonical))
    empty = Clause("1.1", "1", 2, "clause", "（一）", 1, first, spans=[(first + 3, first + 3)], end=second)
    columns = _TermColumns()
    for clause in (empty, pieces, empty):
        columns.add(clause, clause_terms(*doc_words(toolkit.nlp.make_doc(clause.own_text(canonical)))))
    table = columns.table("x.txt")
    assert table.equals(_from_dicts("terms", _dict_terms("x.txt", [empty, pieces], canonical, toolkit.nlp)))
    assert {canonical[row["start"]:row["end"]] == row["term"] for row in table.to_pylist()} == {True}
    starts = dict(zip(table["term"].to_pylist(), table["start"].to_pylist()))
    assert starts["数据要素"] < first and starts["开放"] > second  # a term of each piece
    assert _TermColumns().table("x.txt").equals(_from_dicts("terms", []))


def _dict_row(doc_id: str, located: _Located, table: str) -> dict:
    """A span table's row as the stage built it before the columns: getattr per field, ISO days read one by one."""
    row = {"doc_id": doc_id, "clause_id": located.clause_id, "start": located.start, "end": located.end}
    for name in SCHEMAS[table].names[4:]:
        value = getattr(located.hit, name)
        row[name] = date.fromisoformat(value) if name.endswith("_date") and isinstance(value, str) else value
    return row


@pytest.mark.parametrize("seed", ["sichuan2025", "jiangxi2022"])
def test_the_span_columns_are_the_table_of_a_dict_per_hit(seeds, converter, seed) -> None:
    """Real date hits, days and nulls (3—5年, 一年: a duration has no days), located through clauses
    of one piece and of several (jiangxi2022), given out of order."""
    segmented = segment_document(seeds[seed], converter)
    canonical = segmented.canonical.normalized.text
    located = []
    for clause in segmented.tree.clauses:
        to_document = own_offset_map(clause)
        located += [_Located(clause.clause_id, to_document(hit.start), to_document(hit.end - 1) + 1, hit)
                    for hit in find_dates(clause.own_text(canonical), 2024)]
    rows = [_dict_row(segmented.doc_id, row, "dates") for row in reversed(located)]
    assert any(row["start_date"] is None for row in rows) and any(row["start_date"] for row in rows)
    assert _span_table("dates", segmented.doc_id, located[::-1]).equals(_from_dicts("dates", rows))


@pytest.mark.parametrize("table", ["targets", "dates", "parties"])
def test_no_hits_give_an_empty_table_of_the_part_schema(table) -> None:
    built = _span_table(table, "x.txt", [])
    assert built.num_rows == 0 and built.schema.equals(PART_SCHEMAS[table], check_metadata=True)

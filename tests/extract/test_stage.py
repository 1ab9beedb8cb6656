"""The extract stage's glue: own-text offsets mapped to the document, terms rows that point at their term."""

from __future__ import annotations

import pytest

from pipeline.extract.stage import own_offset_map
from pipeline.process import run_document, segment_document


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

"""Extraction quality on the seeds, measured against the hand-made gold in tests/gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluate import GoldError, Score, _locate, evaluate, report_lines
from tests.conftest import SEEDS_DIR

GOLD_DIR = Path(__file__).resolve().parent / "gold"
# The product's goals on the seeds: 0.95 F1 for targets and dates, 0.90 for parties.
FLOORS = {"targets": 0.95, "dates": 0.95, "parties": 0.90}


@pytest.fixture(scope="module")
def evaluation(toolkit):
    return evaluate(SEEDS_DIR, GOLD_DIR, toolkit)


def test_every_seed_has_gold_for_every_table(evaluation):
    seeds = sorted(p.stem for p in SEEDS_DIR.glob("*.txt"))
    for table in FLOORS:
        assert sorted(doc for name, doc in evaluation.scores if name == table) == seeds


@pytest.mark.parametrize("table", list(FLOORS))
def test_f1_on_the_seeds_stays_above_its_floor(evaluation, table):
    total = evaluation.total(table)
    assert total.gold > 0
    assert total.f1 >= FLOORS[table], "\n".join(report_lines(evaluation))


def test_scores_count_matches_as_a_researcher_would():
    score = Score(gold=4, predicted=5, matched=3)
    assert (score.precision, score.recall) == (0.6, 0.75)
    assert round(score.f1, 4) == round(2 * 0.6 * 0.75 / 1.35, 4)
    assert Score().f1 == 1.0


def test_a_gold_row_that_points_nowhere_is_an_error(toolkit):
    from pipeline.process import analyse_document

    analysis = analyse_document(SEEDS_DIR / "000_df46c3d2f2ee2b45.txt", toolkit, SEEDS_DIR)
    clauses = {c.clause_id: c for c in analysis.tree.clauses}
    row = {"clause_id": "1", "text": "不存在的文字", "occurrence": "1"}
    with pytest.raises(GoldError, match="text not found"):
        _locate(row, clauses, analysis.normalized.text, GOLD_DIR / "x", "targets")

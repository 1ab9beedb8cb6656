"""Extraction quality against hand-checked gold annotations.

Gold rows (``tests/gold/<doc_id>/{targets,dates,parties}.csv``, see
``tests/gold/GUIDELINES.md``) name a clause, a surface text and its
occurrence in that clause.  A predicted row matches a gold row when it lies
in the same clause, the spans overlap and the compared fields are equal;
each gold row matches at most one prediction.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.extract.stage import own_offset_map
from pipeline.process import Toolkit, analyse_document

TABLES = ("targets", "dates", "parties")
COMPARED: dict[str, tuple[str, ...]] = {
    "targets": ("comparator", "value", "value_max", "unit", "deadline_year", "kind"),
    "dates": ("kind", "role", "start_date", "end_date"),
    "parties": ("name", "kind", "role"),
}


class GoldError(ValueError):
    """A gold row that does not point at text in its clause."""


@dataclass
class Score:
    """Counts for one table, in one document or in all of them."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    span_only: int = 0  # spans overlap but a compared field differs

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Score") -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched
        self.span_only += other.span_only


@dataclass
class Evaluation:
    """Scores by (table, doc_id), plus the rows that did not match, for reading."""

    scores: dict[tuple[str, str], Score] = field(default_factory=dict)
    misses: list[tuple[str, str, str, dict]] = field(default_factory=list)  # (table, doc_id, why, row)

    def total(self, table: str) -> Score:
        total = Score()
        for (name, _), score in self.scores.items():
            if name == table:
                total.add(score)
        return total


def read_gold(folder: Path, table: str) -> list[dict]:
    """Gold rows of one table for one document (a folder may be split into part-* folders)."""
    files = [folder / f"{table}.csv"] + sorted(folder.glob(f"part-*/{table}.csv"))
    rows = []
    for path in files:
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                rows.extend(csv.DictReader(handle))
    return rows


def evaluate(seeds_dir: Path, gold_dir: Path, toolkit: Toolkit | None = None,
             doc_ids: Iterable[str] | None = None) -> Evaluation:
    """Run the pipeline on every document that has gold, and score each table."""
    toolkit = toolkit or Toolkit()
    evaluation = Evaluation()
    folders = sorted(p for p in Path(gold_dir).iterdir() if p.is_dir())
    wanted = set(doc_ids) if doc_ids is not None else None
    for folder in folders:
        if wanted is not None and folder.name not in wanted:
            continue
        analysis = analyse_document(Path(seeds_dir) / f"{folder.name}.txt", toolkit, Path(seeds_dir))
        clauses = {c.clause_id: c for c in analysis.tree.clauses}
        for table in TABLES:
            gold = [_locate(row, clauses, analysis.normalized.text, folder, table) for row in read_gold(folder, table)]
            predicted = analysis.result.rows[table]
            evaluation.scores[(table, folder.name)] = _score(table, folder.name, gold, predicted, evaluation)
    return evaluation


def _locate(row: dict, clauses: dict, canonical: str, folder: Path, table: str) -> dict:
    clause = clauses.get(row["clause_id"])
    where = f"{folder.name}/{table}.csv: clause {row['clause_id']} {row['text']!r}"
    if clause is None:
        raise GoldError(f"{where}: no such clause")
    own = clause.own_text(canonical)
    position, occurrence = -1, int(row.get("occurrence") or 1)
    for _ in range(occurrence):
        position = own.find(row["text"], position + 1)
        if position < 0:
            raise GoldError(f"{where}: text not found (occurrence {occurrence})")
    to_document = own_offset_map(clause)
    located = dict(row)
    located["start"] = to_document(position)
    located["end"] = to_document(position + len(row["text"]) - 1) + 1
    return located


def _score(table: str, doc_id: str, gold: list[dict], predicted: list[dict], evaluation: Evaluation) -> Score:
    score = Score(gold=len(gold), predicted=len(predicted))
    unused = list(range(len(predicted)))
    for gold_row in gold:
        overlapping = [i for i in unused if _overlaps(gold_row, predicted[i])]
        exact = [i for i in overlapping if _same_fields(table, gold_row, predicted[i])]
        if exact:
            score.matched += 1
            unused.remove(exact[0])
        else:
            if overlapping:
                score.span_only += 1
                evaluation.misses.append((table, doc_id, "fields differ", {
                    "gold": _shown(table, gold_row), "predicted": _shown(table, predicted[overlapping[0]])}))
            else:
                evaluation.misses.append((table, doc_id, "missed", _shown(table, gold_row)))
    for i in unused:
        if not any(_overlaps(g, predicted[i]) for g in gold):
            evaluation.misses.append((table, doc_id, "spurious", _shown(table, predicted[i])))
    return score


def _overlaps(gold_row: dict, predicted: dict) -> bool:
    return (gold_row["clause_id"] == predicted["clause_id"]
            and gold_row["start"] < predicted["end"] and predicted["start"] < gold_row["end"])


def _same_fields(table: str, gold_row: dict, predicted: dict) -> bool:
    return all(_equal(gold_row.get(name), predicted.get(name)) for name in COMPARED[table])


def _equal(gold_value: object, predicted: object) -> bool:
    if gold_value in (None, "") or (isinstance(gold_value, float) and math.isnan(gold_value)):
        return predicted in (None, "") or (isinstance(predicted, float) and math.isnan(predicted))
    if predicted is None or (isinstance(predicted, float) and math.isnan(predicted)):
        return False
    if isinstance(predicted, date):
        return str(gold_value) == predicted.isoformat()
    if isinstance(predicted, (int, float)):
        try:
            return math.isclose(float(gold_value), float(predicted), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    return str(gold_value).strip() == str(predicted).strip()


def _shown(table: str, row: dict) -> dict:
    keys = ("clause_id", "text") + COMPARED[table]
    return {k: (row.get(k).isoformat() if isinstance(row.get(k), date) else row.get(k)) for k in keys}


def report_lines(evaluation: Evaluation) -> list[str]:
    """A table of precision, recall and F1 by table and document."""
    lines = [f"{'table':<9} {'document':<22} {'gold':>5} {'pred':>5} {'match':>5} {'P':>6} {'R':>6} {'F1':>6}"]
    for table in TABLES:
        docs = sorted(doc for name, doc in evaluation.scores if name == table)
        for doc_id in docs + ["ALL"]:
            score = evaluation.total(table) if doc_id == "ALL" else evaluation.scores[(table, doc_id)]
            lines.append(f"{table:<9} {doc_id:<22} {score.gold:>5} {score.predicted:>5} {score.matched:>5} "
                         f"{score.precision:>6.3f} {score.recall:>6.3f} {score.f1:>6.3f}")
    return lines


def normalize_report(folders: Iterable[Path], top: int = 20) -> list[str]:
    """`policy evaluate --normalize`: Taiwan-style renderings of the mainland documents in ``folders``
    converted back by OpenCC t2s, OpenCC tw2sp and this project (see :mod:`pipeline.conversion_eval`)."""
    from pipeline.conversion_eval import evaluate_folders

    return evaluate_folders(folders, top)

"""How a general-purpose extractor does on our gold: JioNLP's time and money extractors.

Runs ``jionlp.ner.extract_time`` and ``jionlp.ner.extract_money`` on the same
clause texts our extractors read, and scores both against the same gold
(``tests/gold``) with the criterion both can meet: a row is right when it
lies in the right clause, overlaps the gold span and gives the same value
(dates: the same first and last day; money: the same amount in yuan).
Roles, kinds and comparators, which JioNLP does not produce, are not scored
here; ``policy evaluate`` scores them for our extractors.

Run: ``make bench-jionlp`` (installs the optional ``bench`` extra).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import jionlp

from pipeline.config import DEFAULT_GOLD_DIR, DEFAULT_SEEDS_DIR
from pipeline.evaluate import Score, _locate, read_gold
from pipeline.extract.numbers import to_base
from pipeline.extract.stage import own_offset_map
from pipeline.process import Toolkit, run_document


def _overlap(a: dict, b: dict) -> bool:
    return a["clause_id"] == b["clause_id"] and a["start"] < b["end"] and b["start"] < a["end"]


def _score(gold: list[dict], predicted: list[dict], same) -> Score:
    score = Score(gold=len(gold), predicted=len(predicted))
    unused = list(range(len(predicted)))
    for row in gold:
        hit = next((i for i in unused if _overlap(row, predicted[i]) and same(row, predicted[i])), None)
        if hit is not None:
            score.matched += 1
            unused.remove(hit)
    return score


def _same_days(gold: dict, predicted: dict) -> bool:
    return gold["start_date"] == str(predicted["start_date"]) and gold["end_date"] == str(predicted["end_date"])


def _same_money(gold: dict, predicted: dict) -> bool:
    return math.isclose(gold["yuan"], predicted["yuan"], rel_tol=1e-9)


def _jionlp_rows(clause, text: str, year: int | None) -> tuple[list[dict], list[dict]]:
    to_document = own_offset_map(clause)
    dates, money = [], []

    def place(start: int, end: int) -> dict:
        return {"clause_id": clause.clause_id, "start": to_document(start), "end": to_document(end - 1) + 1}

    base = {"year": year} if year else None
    for found in jionlp.ner.extract_time(text, time_base=base or {"year": 2000}, with_parsing=True):
        span = found["detail"].get("time")
        if isinstance(span, list) and len(span) == 2 and all(isinstance(t, str) for t in span):
            row = place(*found["offset"])
            row.update(start_date=span[0][:10], end_date=span[1][:10])
            dates.append(row)
    for found in jionlp.ner.extract_money(text, with_parsing=True):
        try:
            yuan = float(found["detail"]["num"])
        except (TypeError, ValueError):
            continue
        if found["detail"].get("case") == "元":
            row = place(*found["offset"])
            row["yuan"] = yuan
            money.append(row)
    return dates, money


def main(seeds_dir: Path = DEFAULT_SEEDS_DIR, gold_dir: Path = DEFAULT_GOLD_DIR) -> None:
    toolkit = Toolkit()
    totals = {key: Score() for key in ("dates ours", "dates jionlp", "money ours", "money jionlp")}
    for folder in sorted(p for p in gold_dir.iterdir() if p.is_dir()):
        document = run_document(seeds_dir / f"{folder.name}.txt", toolkit, seeds_dir=seeds_dir)
        clauses = {c.clause_id: c for c in document.tree.clauses}
        canonical = document.normalized.text
        gold_dates = [_locate(r, clauses, canonical, folder, "dates") for r in read_gold(folder, "dates")]
        gold_dates = [r for r in gold_dates if r["start_date"]]  # JioNLP has no durations
        gold_money = []
        for row in read_gold(folder, "targets"):
            value_base, base_unit = to_base(float(row["value"]), row["unit"]) if row["value"] else (None, None)
            if base_unit == "CNY":
                located = _locate(row, clauses, canonical, folder, "targets")
                located["yuan"] = value_base
                gold_money.append(located)
        year = document.rows["documents"][0]["issue_date"]
        jio_dates, jio_money = [], []
        for clause in document.tree.clauses:
            found_dates, found_money = _jionlp_rows(clause, clause.own_text(canonical), year.year if year else None)
            jio_dates += found_dates
            jio_money += found_money
        ours = document.rows
        our_dates = [r for r in ours["dates"] if r["start_date"]]
        our_money = [dict(r, yuan=r["value_base"]) for r in ours["targets"] if r["base_unit"] == "CNY"]
        totals["dates ours"].add(_score(gold_dates, our_dates, _same_days))
        totals["dates jionlp"].add(_score(gold_dates, jio_dates, _same_days))
        totals["money ours"].add(_score(gold_money, our_money, _same_money))
        totals["money jionlp"].add(_score(gold_money, jio_money, _same_money))
    print(f"{'extractor':<14} {'gold':>5} {'pred':>5} {'match':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for name, score in totals.items():
        print(f"{name:<14} {score.gold:>5} {score.predicted:>5} {score.matched:>5} "
              f"{score.precision:>6.3f} {score.recall:>6.3f} {score.f1:>6.3f}")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:]))

"""Clause-structure scoring, and the gold clause trees of tests/gold/structure."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import GoldError
from pipeline.evaluate import (
    STRUCTURE_COLUMNS,
    STRUCTURE_KINDS,
    evaluate_structure,
    heading_key,
    read_structure_gold,
    score_structure,
    structure_gold_problems,
    structure_report_lines,
)

STRUCTURE_GOLD_DIR = Path(__file__).resolve().parent / "gold" / "structure"
GOLD_FILES = sorted(STRUCTURE_GOLD_DIR.glob("*.csv"))
# ../shared/corpus next to a clone (also found from a worktree one folder deeper)
_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = next((d for d in (_ROOT.parent / "shared" / "corpus", _ROOT.parents[1] / "shared" / "corpus")
                   if d.is_dir()), _ROOT.parent / "shared" / "corpus")


def row(clause_id, parent_id="", kind="section", heading=""):
    return {"clause_id": clause_id, "parent_id": parent_id, "kind": kind, "label": "", "heading": heading}


# A regulation excerpt shaped like d028 (第七条 with a list, then a second paragraph).
GOLD = [
    row("0", kind="preamble"),
    row("c2", kind="chapter", heading="设立、变更和终止"),
    row("a7", "c2", "article"),
    row("a7.1", "a7", "clause"),
    row("a7.2", "a7", "clause"),
    row("a7.k2", "a7", "paragraph"),
]


# --- score_structure ----------------------------------------------------------

def test_a_perfect_prediction_scores_one_everywhere():
    score = score_structure([dict(r, parent_id=r["parent_id"] or None) for r in GOLD], GOLD)
    assert (score.jaccard, score.kind_f1, score.parent_accuracy, score.heading_accuracy) == (1.0, 1.0, 1.0, 1.0)
    assert score.misses == ()


def test_missed_and_spurious_ids_lower_the_jaccard():
    predicted = GOLD[:4] + [row("a7~2", "c2", "clause")]  # a7.2 and a7.k2 missed, one invented
    score = score_structure(predicted, GOLD)
    assert (score.gold, score.predicted, score.matched) == (6, 5, 4)
    assert score.jaccard == pytest.approx(4 / 7)
    assert "missed a7.k2 (paragraph)" in score.misses
    assert "spurious a7~2 (clause)" in score.misses


def test_a_wrong_parent_lowers_parent_accuracy_only():
    predicted = [dict(r) for r in GOLD]
    predicted[3]["parent_id"] = "c2"   # a7.1 hung under the chapter instead of its article
    score = score_structure(predicted, GOLD)
    assert score.jaccard == 1.0
    assert score.parent_accuracy == pytest.approx(5 / 6)
    assert "parent a7.1: gold a7, predicted c2" in score.misses


def test_a_wrong_kind_lowers_the_kind_f1_but_not_the_jaccard():
    predicted = [dict(r) for r in GOLD]
    predicted[3]["kind"] = "item"
    score = score_structure(predicted, GOLD)
    assert score.jaccard == 1.0
    assert score.kind_f1 == pytest.approx(2 * 5 / 12)


def test_headings_compare_without_whitespace_or_width_differences():
    gold = [row("c1", kind="chapter", heading="总 则"), row("1", heading="(一)指导思想"), row("2", heading="加强统筹")]
    predicted = [row("c1", kind="chapter", heading="总\u3000则"), row("1", heading="（一）指导思想"),
                 row("2", heading="加强统筹协调")]
    score = score_structure(predicted, gold)
    assert score.heading_accuracy == pytest.approx(2 / 3)
    assert heading_key(" 第 一 章 ") == "第一章"
    assert heading_key(None) == ""


def test_the_gold_can_be_given_as_its_csv_file(tmp_path):
    write_gold(tmp_path, "d028_rules", GOLD)
    predicted = [dict(r) for r in GOLD[:-1]]
    score = score_structure(predicted, tmp_path / "d028_rules.csv")
    assert (score.document, score.matched, score.jaccard) == ("d028_rules", 5, pytest.approx(5 / 6))


def test_an_empty_heading_is_wrong_when_the_gold_has_one():
    score = score_structure([row("1", heading="")], [row("1", heading="总体要求")])
    assert score.heading_accuracy == 0.0


def test_enumerations_are_not_scored_and_duplicate_predictions_count_once():
    predicted = GOLD + [row("a7.e1", "a7", "enumeration"), dict(GOLD[2], parent_id="0")]
    gold = GOLD + [row("a7.e2", "a7", "enumeration")]
    score = score_structure(predicted, gold)
    assert (score.gold, score.predicted, score.jaccard, score.parent_accuracy) == (6, 6, 1.0, 1.0)


def test_nothing_predicted_scores_zero():
    score = score_structure([], GOLD)
    assert (score.jaccard, score.kind_f1, score.parent_accuracy, score.heading_accuracy) == (0.0, 0.0, 0.0, 0.0)


def test_the_report_prints_one_line_per_document_and_the_mean():
    scores = [score_structure(GOLD, GOLD, "d028_x"), score_structure(GOLD[:3], GOLD, "d006_y")]
    lines = structure_report_lines(scores)
    assert len(lines) == 4
    assert lines[1].startswith("d028_x") and lines[2].startswith("d006_y")
    assert lines[3].startswith("MEAN (2 documents)")
    assert f"{(1.0 + 0.5) / 2:.3f}" in lines[3]


# --- gold well-formedness -----------------------------------------------------

def test_the_gold_checker_finds_duplicates_orphans_and_unknown_kinds():
    rows = [row("0", kind="preamble"), row("1"), row("1"), row("1.1", "9", "clause"), row("2", kind="chapterr")]
    problems = structure_gold_problems(rows)
    assert any("1 appears twice" in p for p in problems)
    assert any("parent_id 9" in p for p in problems)
    assert any("'chapterr'" in p for p in problems)
    assert structure_gold_problems(GOLD) == []


def test_a_malformed_gold_file_is_a_one_line_named_error(tmp_path):
    path = tmp_path / "d999.csv"
    path.write_text("clause_id,parent_id,kind\n1,,section\n", encoding="utf-8")
    with pytest.raises(GoldError, match="d999.csv: columns must be"):
        read_structure_gold(path)


def test_there_is_gold_for_at_least_twelve_documents():
    assert len(GOLD_FILES) >= 12


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem[:4])
def test_every_gold_tree_is_well_formed(path):
    with path.open(encoding="utf-8", newline="") as handle:
        assert tuple(csv.DictReader(handle).fieldnames) == STRUCTURE_COLUMNS
    rows = read_structure_gold(path)  # unique ids, known parents and kinds
    assert {r["kind"] for r in rows} <= STRUCTURE_KINDS - {"enumeration"}
    position = {r["clause_id"]: i for i, r in enumerate(rows)}
    for r in rows:
        if r["parent_id"]:
            assert position[r["parent_id"]] < position[r["clause_id"]], f"{r['clause_id']} comes before its parent"
        assert r["heading"] == r["heading"].strip() and not r["heading"].endswith("。"), r["clause_id"]
        assert not re.search(r"[（）０-９]", r["heading"]), f"{r['clause_id']}: heading not in canonical width"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem[:4])
def test_every_gold_id_extends_its_parents_path(path):
    """docs/clause-ids.md: an id is its parent's path plus its own number, except where the
    convention says otherwise: articles are numbered continuously (no chapter prefix), and a
    paragraph's list keeps the article's path."""
    rows = read_structure_gold(path)
    kinds = {r["clause_id"]: r["kind"] for r in rows}
    for r in rows:
        parent = r["parent_id"]
        if not parent:
            assert r["kind"] in ("preamble", "chapter", "section", "article", "attachment", "part", "closing",
                                 "glossary"), r
            continue
        if kinds[parent] == "paragraph":
            assert r["clause_id"].startswith(parent.rsplit(".k", 1)[0] + "."), r
        elif r["kind"] == "article":
            assert kinds[parent] in ("chapter", "section", "part", "attachment"), r
        else:
            assert r["clause_id"].startswith(parent + "."), r


@pytest.mark.skipif(not CORPUS_DIR.is_dir(), reason="the shared corpus is not next to this clone")
@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem[:4])
def test_every_gold_tree_names_a_corpus_document(path):
    assert len([p for p in CORPUS_DIR.glob(f"{path.stem}.*") if p.stem == path.stem]) == 1


# --- the evaluator on files ---------------------------------------------------

def write_gold(folder: Path, stem: str, rows: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{stem}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=STRUCTURE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def small_corpus(tmp_path):
    corpus, gold = tmp_path / "corpus", tmp_path / "gold"
    corpus.mkdir()
    # d027's shape, shortened: a preamble, a section, two clauses with a title before 。
    (corpus / "d900_plan.md").write_text(
        "为深化科技成果转化机制改革，制定本方案。\n\n二、建设概念验证平台\n\n"
        "（一）功能定位。概念验证是将创新概念转化为产品的关键环节。\n\n"
        "（二）布局原则。采取“自上而下”与“自下而上”相结合的方式。\n", encoding="utf-8")
    write_gold(gold, "d900_plan", [row("0", kind="preamble"), row("2", heading="建设概念验证平台"),
                                   row("2.1", "2", "clause", "功能定位"), row("2.2", "2", "clause", "布局原则")])
    (corpus / "d901_empty.txt").write_text("\n\n", encoding="utf-8")
    write_gold(gold, "d901_empty", [row("0", kind="preamble")])
    return corpus, gold


def test_evaluate_structure_segments_each_gold_document_by_the_pipeline_path(small_corpus):
    corpus, gold = small_corpus
    scores = {s.document: s for s in evaluate_structure(corpus, gold)}
    assert set(scores) == {"d900_plan", "d901_empty"}
    plan = scores["d900_plan"]
    assert (plan.gold, plan.jaccard, plan.parent_accuracy) == (4, 1.0, 1.0), plan.misses
    empty = scores["d901_empty"]
    assert empty.jaccard == 0.0 and "d901_empty.txt" in empty.error


def test_a_gold_tree_without_its_document_is_a_named_error(small_corpus):
    corpus, gold = small_corpus
    write_gold(gold, "d902_missing", [row("0", kind="preamble")])
    with pytest.raises(GoldError, match="no document named d902_missing"):
        evaluate_structure(corpus, gold)


def test_policy_evaluate_structure_prints_documents_and_the_mean(small_corpus):
    corpus, gold = small_corpus
    result = CliRunner().invoke(app, ["evaluate", "--structure", "--corpus", str(corpus), "--gold", str(gold),
                                      "--misses"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:5] == ["document", "gold", "pred", "match", "jaccard"]
    assert any(line.startswith("d900_plan") for line in lines)
    assert any(line.startswith("MEAN (2 documents)") for line in lines)
    assert any(line.startswith("d901_empty missed 0") for line in lines)


def test_policy_evaluate_structure_refuses_a_folder_without_gold(tmp_path):
    result = CliRunner().invoke(app, ["evaluate", "--structure", "--corpus", str(tmp_path), "--gold", str(tmp_path)])
    assert result.exit_code == 1
    assert "not a folder of gold clause trees" in result.output
    assert "Traceback" not in result.output

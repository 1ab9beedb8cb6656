"""The researcher's views, and the compare and search commands built on them."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline import views
from pipeline.cli import app
from pipeline.errors import MissingTablesError
from pipeline.corpus import extract_corpus

runner = CliRunner()


def test_documents_are_labelled_by_place_and_year(seed_tables):
    labels = views.document_labels(seed_tables["documents"])
    assert labels["000_df46c3d2f2ee2b45"] == "四川 2024"
    assert labels["004_675e57c38d26c4aa"] == "山东 2023"
    assert labels.is_unique


def test_matrices_have_every_document(seed_tables):
    assert views.theme_matrix(seed_tables).shape == (5, 10)
    matrix = views.alignment_matrix(seed_tables, "share")
    assert matrix.shape == (5, 5)
    assert matrix.loc["四川 2024", "四川 2025"] > matrix.loc["四川 2024", "四川 2019"]
    assert views.alignment_matrix(seed_tables, "reuse").loc["四川 2024", "四川 2025"] >= 1
    with pytest.raises(ValueError):
        views.alignment_matrix(seed_tables, "nonsense")


def test_counts_targets_parties_terms(seed_tables):
    counts = views.clause_counts(seed_tables)
    assert counts.loc["江西 2022", "bullet"] == 6
    assert views.targets_by_year(seed_tables).loc["江西 2022", "2025"] >= 5
    parties = views.top_parties(seed_tables, 3)
    assert parties.groupby("document").size().max() == 3
    terms = views.distinctive_terms(seed_tables, 5)
    assert "山东" in set(terms[terms["document"] == "山东 2023"]["term"])


@pytest.mark.parametrize("query", ["人工智慧", "人工智能", "數據要素", "数据要素"])
def test_search_matches_either_script(seed_tables, converter, query):
    found = views.search_clauses(seed_tables, query, converter)
    assert found["doc_id"].nunique() >= 3
    assert found["snippet"].str.contains(views.canonical_query(query, converter)).all()


@pytest.mark.parametrize(("name", "doc_id"), [
    ("000", "000_df46c3d2f2ee2b45"), ("四川 2025", "002_dba2baabc91e1179"),
    ("seeds/003_a8cd71ea5b437bb0.txt", "003_a8cd71ea5b437bb0"),
])
def test_resolve_document(seed_tables, name, doc_id):
    assert views.resolve_document(seed_tables["documents"], name) == doc_id


def test_resolve_document_names_the_choices(seed_tables):
    with pytest.raises(ValueError, match="四川 2024"):
        views.resolve_document(seed_tables["documents"], "0")


def test_load_tables_says_to_run_extract(tmp_path):
    with pytest.raises(MissingTablesError, match="policy extract"):
        views.load_tables(tmp_path)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, toolkit):
    from tests.conftest import SEEDS_DIR

    out = tmp_path_factory.mktemp("data")
    extract_corpus(SEEDS_DIR, out, toolkit)
    return out


def test_compare_command_prints_the_reuse_pair_side_by_side(data_dir):
    result = runner.invoke(app, ["compare", "四川 2024", "002", "--data", str(data_dir), "--reuse"])
    assert result.exit_code == 0, result.output
    assert "[2.3]" in result.output and "[2.5.17]" in result.output and "REUSE" in result.output
    assert "数据出境安全评估" in result.output
    # Either order of the documents shows the same pairs, each document in its own column.
    swapped = runner.invoke(app, ["compare", "002", "000", "--data", str(data_dir), "--reuse"])
    assert "[2.5.17]  ↔" in swapped.output


def test_compare_and_search_fail_clearly_without_tables(tmp_path):
    result = runner.invoke(app, ["compare", "000", "002", "--data", str(tmp_path)])
    assert result.exit_code == 1 and "policy extract" in result.output
    result = runner.invoke(app, ["search", "算力", "--data", str(tmp_path)])
    assert result.exit_code == 1 and "policy extract" in result.output


def test_search_command(data_dir):
    result = runner.invoke(app, ["search", "人工智慧", "--data", str(data_dir), "--limit", "2"])
    assert result.exit_code == 0
    assert "canonical: 人工智能" in result.output and "more (--limit)" in result.output
    missing = runner.invoke(app, ["search", "不存在的词语", "--data", str(data_dir)])
    assert missing.exit_code == 1 and missing.output.startswith("0 clauses")


def test_search_words_are_all_required_and_or_gives_alternatives(seed_tables, converter):
    both = views.search_clauses(seed_tables, "数据 要素", converter)
    assert len(both) > len(views.search_clauses(seed_tables, "数据要素", converter))
    assert all("数据" in text and "要素" in text
               for text in seed_tables["clauses"].set_index(["doc_id", "clause_id"]).loc[
                   list(zip(both["doc_id"], both["clause_id"])), "text"])
    first, second = (views.search_clauses(seed_tables, q, converter) for q in ("低空", "海洋"))
    either = views.search_clauses(seed_tables, "低空 OR 海洋", converter)
    assert len(either) == len(first) + len(second) > 0  # no clause names both
    traditional = views.search_clauses(seed_tables, "數據 要素", converter)
    assert traditional["clause_id"].tolist() == both["clause_id"].tolist()


def test_regex_search(seed_tables, converter):
    found = views.search_clauses(seed_tables, "数据(要素|资源)", converter, regex=True)
    plain = views.search_clauses(seed_tables, "数据要素 OR 数据资源", converter)
    assert found[["doc_id", "clause_id"]].equals(plain[["doc_id", "clause_id"]])
    with pytest.raises(ValueError, match="not a regular expression"):
        views.search_clauses(seed_tables, "数据(", converter, regex=True)


def test_kwic_gives_every_occurrence(seed_tables, converter):
    rows = views.kwic(seed_tables, "算力", converter, width=10)
    assert len(rows) == seed_tables["clauses"]["text"].str.count("算力").sum()
    assert (rows["keyword"] == "算力").all()
    assert rows["left"].str.len().max() <= 10 and rows["right"].str.len().max() <= 10
    first = rows.iloc[0]
    text = seed_tables["clauses"].set_index(["doc_id", "clause_id"]).loc[(first.doc_id, first.clause_id), "text"]
    assert text[first.offset:first.offset + 2] == "算力"


def test_kwic_command_prints_clause_ids_and_context(data_dir):
    result = runner.invoke(app, ["kwic", "算力", "--data", str(data_dir)])
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if "【算力】" in line]
    assert lines and all(re.match(r"^\S+ \d{4} \[[\w.]+\]\t", line) for line in lines)
    assert re.search(r"^\d+ occurrences in \d+ clauses of 4 documents$", result.output, re.M)


def test_search_command_with_several_words_and_regex(data_dir):
    result = runner.invoke(app, ["search", "数据", "要素", "OR", "算力", "--data", str(data_dir), "--limit", "1"])
    assert result.exit_code == 0 and "match 数据 要素 OR 算力" in result.output
    result = runner.invoke(app, ["search", "--regex", "数据(", "--data", str(data_dir)])
    assert result.exit_code == 1 and result.output.strip().startswith("error: --regex:")


def test_labels_stay_unique_for_ids_with_a_common_start(seed_tables):
    documents = seed_tables["documents"].head(2).copy()
    documents["doc_id"] = ["guizhou_2024_a", "guizhou_2024_b"]
    documents["issuer"] = "贵州省人民政府"
    documents["issue_date"] = pd.Timestamp("2024-03-01")
    labels = views.document_labels(documents)
    assert labels.is_unique and labels.tolist() == ["贵州 2024 (guizhou_2024_a)", "贵州 2024 (guizhou_2024_b)"]

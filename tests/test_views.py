"""The researcher's views, and the compare and search commands built on them."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pipeline import views
from pipeline.cli import app
from pipeline.errors import MissingTablesError
from pipeline.corpus import extract_corpus

runner = CliRunner()


def test_documents_are_labelled_by_place_and_year(seed_tables):
    labels = views.document_labels(seed_tables["documents"])
    assert labels["000_df46c3d2f2ee2b45.txt"] == "四川 2024"
    assert labels["004_675e57c38d26c4aa.txt"] == "山东 2023"
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
    ("000", "000_df46c3d2f2ee2b45.txt"), ("四川 2025", "002_dba2baabc91e1179.txt"),
    ("seeds/003_a8cd71ea5b437bb0.txt", "003_a8cd71ea5b437bb0.txt"),
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

"""pipeline.load: the tables in pandas with the dtypes a researcher expects."""

from __future__ import annotations

import pandas as pd
import pytest

import pipeline
from pipeline.errors import MissingTablesError
from pipeline.store import validation


def test_dates_are_datetimes(seed_data_dir):
    documents = pipeline.load("documents", data=seed_data_dir)
    assert str(documents["issue_date"].dtype) == "datetime64[ms]"
    years = dict(zip(documents["doc_id"], documents["issue_date"].dt.year))
    assert years["000_df46c3d2f2ee2b45.txt"] == 2024
    dates = pipeline.load("dates", data=seed_data_dir)
    assert pd.api.types.is_datetime64_any_dtype(dates["start_date"])


def test_integers_with_nulls_stay_integers(seed_data_dir):
    targets = pipeline.load("targets", data=seed_data_dir)
    assert targets["deadline_year"].dtype == pd.Int16Dtype()
    assert targets["deadline_year"].isna().any() and 2025 in set(targets["deadline_year"].dropna())
    assert str(targets["deadline_year"].dropna().iloc[0]) in {str(y) for y in range(2000, 2100)}  # not 2025.0
    clauses = pipeline.load("clauses", data=seed_data_dir)
    assert clauses["number"].dtype == pd.Int32Dtype()
    assert clauses["seq"].dtype == "int32"  # never null: a plain numpy integer


def test_kinds_and_roles_are_categoricals_in_declared_order(seed_data_dir):
    parties = pipeline.load("parties", data=seed_data_dir)
    assert isinstance(parties["role"].dtype, pd.CategoricalDtype)
    assert list(parties["role"].cat.categories[:len(validation.PARTY_ROLES)]) == list(validation.PARTY_ROLES)
    clauses = pipeline.load("clauses", data=seed_data_dir)
    assert list(clauses["kind"].cat.categories) == list(validation.CLAUSE_KINDS)
    assert clauses["kind"].notna().all()


def test_list_and_map_columns_are_python_lists_and_dicts(seed_data_dir):
    themes = pipeline.load("themes", data=seed_data_dir)
    assert all(isinstance(keywords, list) for keywords in themes["keywords"])
    documents = pipeline.load("documents", data=seed_data_dir)
    assert all(isinstance(value, dict) for value in documents["dropped_chars"])


def test_columns_and_all_tables(seed_data_dir):
    assert list(pipeline.load("targets", data=seed_data_dir, columns=["doc_id", "value"]).columns) == ["doc_id", "value"]
    assert set(pipeline.load_all(seed_data_dir)) == set(pipeline.tables.SCHEMAS)


def test_missing_and_unknown_tables_are_named(tmp_path, seed_data_dir):
    with pytest.raises(MissingTablesError, match=r"targets\.parquet: table not found \(run `policy extract` first\)"):
        pipeline.load("targets", data=tmp_path)
    with pytest.raises(MissingTablesError, match="'target' is not a table; the tables are documents, clauses"):
        pipeline.load("target", data=seed_data_dir)

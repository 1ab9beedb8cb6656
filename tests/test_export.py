"""policy export: CSV for Excel, Stata, an Excel workbook and the document × term matrix."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import pipeline
from pipeline import export
from pipeline.cli import app
from tests.test_codebook import errors_of, frictionless_validate

runner = CliRunner()


@pytest.fixture(scope="module")
def exported(tmp_path_factory, seed_data_dir):
    def run(fmt):
        out = tmp_path_factory.mktemp(f"export-{fmt}")
        result = runner.invoke(app, ["export", "--format", fmt, "--data", str(seed_data_dir), "--out", str(out)])
        assert result.exit_code == 0, result.output
        return out
    return run


def test_csv_is_utf8_with_bom_and_joins_lists(exported, seed_data_dir):
    out = exported("csv")
    raw = (out / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdoc_id,")
    rows = list(csv.DictReader((out / "themes.csv").open(encoding="utf-8-sig")))
    themes = pipeline.load("themes", data=seed_data_dir)
    assert [row["keywords"] for row in rows] == ["|".join(k) for k in themes["keywords"]]
    assert all("[" not in row["keywords"] and "'" not in row["keywords"] for row in rows)
    documents = list(csv.DictReader((out / "documents.csv").open(encoding="utf-8-sig")))
    assert documents[0]["issue_date"] == "2024-11-26"
    assert "=" in documents[0]["dropped_chars"]  # rule=count|rule=count
    targets = list(csv.DictReader((out / "targets.csv").open(encoding="utf-8-sig")))
    assert {row["deadline_year"] for row in targets} >= {"2025", ""}  # not 2025.0


def test_csv_export_has_a_codebook_that_frictionless_validates(exported):
    out = exported("csv")
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    themes = next(r for r in package["resources"] if r["name"] == "themes")
    keywords = next(f for f in themes["schema"]["fields"] if f["name"] == "keywords")
    assert keywords["type"] == "list" and keywords["delimiter"] == "|"
    report = frictionless_validate(out / "datapackage.json")
    assert errors_of(report) == [] and report["valid"] is True


def test_stata_files_have_safe_names_labels_and_dates(exported, seed_data_dir):
    out = exported("stata")
    with pd.io.stata.StataReader(out / "targets.dta") as reader:
        frame = reader.read()
        labels = reader.variable_labels()
        data_label = reader.data_label
    assert "end_" in frame.columns and "end" not in frame.columns  # `end` is reserved in Stata
    assert labels["deadline_year"].startswith("The year the goal is due")
    assert all(len(label) <= 80 for label in labels.values())
    assert data_label.startswith("One row per quantitative goal")
    assert set(frame["kind"].astype(str)) <= {"target", "baseline", "parameter"}  # labelled values
    with pd.io.stata.StataReader(out / "documents.dta") as reader:
        documents = reader.read()
    assert documents["issue_date"].dt.year.tolist()[0] == 2024
    assert len(documents) == len(pipeline.load("documents", data=seed_data_dir))


@pytest.mark.parametrize(("name", "expected"), [
    ("doc_id", "doc_id"), ("end", "end_"), ("in", "in_"), ("2025年", "_2025_"), ("a" * 40, "a" * 32),
    ("shared-start", "shared_start"),
])
def test_stata_names(name, expected):
    assert export.stata_name(name) == expected


def test_stata_names_stay_unique():
    assert export.stata_name("a" * 40, taken={"a" * 32}) == "a" * 30 + "_1"


def test_xlsx_has_a_sheet_per_table_and_a_codebook(exported, seed_data_dir):
    from openpyxl import load_workbook

    book = load_workbook(exported("xlsx") / "policy-tables.xlsx", read_only=True)
    assert book.sheetnames == ["codebook", *pipeline.tables.SCHEMAS]
    codebook_rows = list(book["codebook"].iter_rows(values_only=True))
    assert codebook_rows[0] == ("table", "column", "type", "required", "description", "allowed values")
    assert ("parties", "role") in {row[:2] for row in codebook_rows}
    clauses = list(book["clauses"].iter_rows(values_only=True))
    assert len(clauses) == len(pipeline.load("clauses", data=seed_data_dir)) + 1


def test_document_term_matrix(exported, seed_data_dir):
    from scipy import io, sparse

    out = exported("dtm")
    matrix = io.mmread(out / "dtm.mtx").tocsr()
    assert (matrix != sparse.load_npz(out / "dtm.npz")).nnz == 0
    documents = pd.read_csv(out / "dtm_documents.csv", encoding="utf-8-sig")
    vocabulary = pd.read_csv(out / "dtm_terms.csv", encoding="utf-8-sig", keep_default_na=False)
    assert matrix.shape == (len(documents), len(vocabulary)) == (5, vocabulary["term"].nunique())
    terms = pipeline.load("terms", data=seed_data_dir)
    assert matrix.sum() == terms["count"].sum()
    row = documents.index[documents["doc_id"] == "004_675e57c38d26c4aa"][0]
    column = vocabulary.index[vocabulary["term"] == "海洋"][0]
    expected = terms[(terms["doc_id"] == "004_675e57c38d26c4aa") & (terms["term"] == "海洋")]["count"].sum()
    assert matrix[row, column] == expected > 0
    assert documents["label"].tolist()[4] == "山东 2023"


def test_bad_format_and_missing_tables_are_one_line(tmp_path):
    result = runner.invoke(app, ["export", "--format", "sav", "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and result.output.strip().splitlines() == [
        "error: --format must be one of csv, stata, xlsx, dtm, not 'sav'"]
    result = runner.invoke(app, ["export", "--format", "csv", "--data", str(tmp_path), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "documents.parquet: table not found" in result.output

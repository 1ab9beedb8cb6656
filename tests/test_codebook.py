"""The codebook (datapackage.json): generated from the schemas, complete, and valid for a Frictionless validator."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import codebook, tables
from pipeline.errors import CodebookError
from pipeline.store import validation

FRICTIONLESS = Path(sys.executable).with_name("frictionless")


def frictionless_validate(package: Path) -> dict:
    """``frictionless validate PACKAGE --json``, the command a user runs, as its JSON report."""
    if not FRICTIONLESS.is_file():
        pytest.fail(f"{FRICTIONLESS} not found: install the dev extra (make install-dev)", pytrace=False)
    run = subprocess.run([str(FRICTIONLESS), "validate", package.name, "--json"], cwd=package.parent,
                         capture_output=True, text=True, timeout=600)
    return json.loads(run.stdout)


def errors_of(report: dict) -> list[tuple[str, str, str | None]]:
    return [(task["name"], error["type"], error.get("fieldName")) for task in report["tasks"] for error in task["errors"]]


def test_every_column_of_every_table_has_a_description():
    # A new column in pipeline/tables.py needs its line in COLUMN_DESCRIPTIONS.
    assert tables.undocumented_columns() == []


def test_an_undocumented_column_fails_loudly_and_names_itself(monkeypatch):
    schemas = dict(tables.SCHEMAS)
    schemas["targets"] = schemas["targets"].append(pa.field("indicator_code", pa.string()))
    monkeypatch.setattr(tables, "SCHEMAS", schemas)
    monkeypatch.setattr(codebook, "SCHEMAS", schemas)
    assert tables.undocumented_columns() == ["targets.indicator_code: no description"]
    with pytest.raises(CodebookError, match=r"targets\.indicator_code: no description"):
        codebook.datapackage()
    lenient = codebook.datapackage(strict=False)  # what `policy extract` writes meanwhile
    targets = next(r for r in lenient["resources"] if r["name"] == "targets")
    assert targets["schema"]["fields"][-1] == {"name": "indicator_code", "type": "string", "description": "",
                                               "arrowType": "string"}


def test_every_table_and_column_is_described_with_its_type():
    package = codebook.datapackage()
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert list(resources) == list(tables.SCHEMAS)
    for name, schema in tables.SCHEMAS.items():
        fields = resources[name]["schema"]["fields"]
        assert [f["name"] for f in fields] == schema.names
        assert resources[name]["path"] == f"{name}.parquet"
        for entry, arrow_field in zip(fields, schema):
            assert entry["description"]
            assert entry.get("constraints", {}).get("required", False) == (not arrow_field.nullable)


@pytest.mark.parametrize(("table", "column", "expected"), [
    ("documents", "issue_date", "date"), ("clauses", "level", "integer"), ("targets", "value", "number"),
    ("targets", "deadline_year", "integer"), ("alignments", "reuse", "boolean"), ("clauses", "text", "string"),
    ("documents", "warnings", "any"), ("documents", "dropped_chars", "any"),
])
def test_column_types(table, column, expected):
    fields = {f["name"]: f for f in codebook.table_schema(table)["fields"]}
    assert fields[column]["type"] == expected
    assert fields[column]["arrowType"] == codebook.type_label(tables.SCHEMAS[table].field(column).type)


def test_allowed_values_keys_and_ranges_come_from_the_declared_checks():
    parties = codebook.table_schema("parties")
    role = next(f for f in parties["fields"] if f["name"] == "role")
    assert role["constraints"]["enum"] == list(validation.PARTY_ROLES)
    clauses = codebook.table_schema("clauses")
    assert clauses["primaryKey"] == ["doc_id", "clause_id"]
    assert clauses["uniqueKeys"] == [["doc_id", "seq"]]
    assert {"fields": ["doc_id"], "reference": {"resource": "documents", "fields": ["doc_id"]}} in clauses["foreignKeys"]
    assert codebook.table_schema("documents")["primaryKey"] == ["doc_id"]
    assert "primaryKey" not in codebook.table_schema("targets")  # a clause may state the same figure twice
    targets = {f["name"]: f for f in codebook.table_schema("targets")["fields"]}
    assert targets["deadline_year"]["constraints"] == {"minimum": 1000, "maximum": 2100}
    dates = {f["name"]: f for f in codebook.table_schema("dates")["fields"]}
    assert dates["start_date"]["constraints"]["minimum"] == "1000-01-01"
    terms = {f["name"]: f for f in codebook.table_schema("terms")["fields"]}
    assert terms["tfidf"]["constraints"] == {"required": True, "exclusiveMinimum": 0.0, "maximum": 1.0}
    themes = {f["name"]: f for f in codebook.table_schema("themes")["fields"]}
    assert themes["theme"]["constraints"]["enum"] == list(validation.theme_ids())  # the taxonomy's ids
    assert "data_elements" in themes["theme"]["constraints"]["enum"]


def test_the_same_code_gives_the_same_bytes():
    assert codebook.render(codebook.datapackage()) == codebook.render(codebook.datapackage())


@pytest.fixture(scope="module")
def extracted(tmp_path_factory, seed_data_dir):
    """A copy of the seeds' tables with the datapackage.json that `policy extract` writes."""
    out = tmp_path_factory.mktemp("codebook") / "data"
    shutil.copytree(seed_data_dir, out, ignore=shutil.ignore_patterns("interim"))
    codebook.write_datapackage(out, strict=True)
    return out


def test_frictionless_validates_the_tables_of_the_seeds(extracted):
    report = frictionless_validate(extracted / "datapackage.json")
    assert errors_of(report) == []
    assert report["valid"] is True
    assert [task["name"] for task in report["tasks"]] == list(tables.SCHEMAS)


def test_frictionless_finds_a_value_outside_the_codebook(extracted, tmp_path):
    broken = tmp_path / "data"
    shutil.copytree(extracted, broken)
    parties = pq.read_table(broken / "parties.parquet")
    roles = parties["role"].to_pylist()
    roles[0] = "boss"
    pq.write_table(parties.set_column(parties.schema.get_field_index("role"), "role",
                                      pa.array(roles, pa.string())), broken / "parties.parquet")
    report = frictionless_validate(broken / "datapackage.json")
    assert report["valid"] is False
    assert errors_of(report) == [("parties", "constraint-error", "role")]

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import tables
from pipeline.errors import SchemaDriftError
from tests.conftest import SEEDS_DIR


@pytest.fixture(scope="module")
def extracted(seed_extraction):
    return seed_extraction


def test_written_schemas_are_exactly_the_declared_ones(extracted):
    out, _ = extracted
    for name, schema in tables.SCHEMAS.items():
        assert pq.read_schema(out / f"{name}.parquet").remove_metadata().equals(schema)


def test_one_document_row_per_seed_and_clauses_point_into_the_text(extracted):
    out, report = extracted
    documents = pq.read_table(out / "documents.parquet").to_pylist()
    clauses = pq.read_table(out / "clauses.parquet").to_pylist()
    assert not report.failures
    assert [d["doc_id"] for d in documents] == sorted(p.name for p in SEEDS_DIR.glob("*.txt"))
    counts = {d["doc_id"]: d["n_clauses"] for d in documents}
    for doc_id, n in counts.items():
        rows = [c for c in clauses if c["doc_id"] == doc_id]
        assert len(rows) == n
        assert [c["seq"] for c in rows] == list(range(n))
        assert len({c["clause_id"] for c in rows}) == n
        assert all(0 <= c["start"] <= c["end"] for c in rows)


def test_clause_text_original_is_the_source_script(extracted):
    out, _ = extracted
    clauses = pq.read_table(out / "clauses.parquet").to_pandas()
    row = clauses[(clauses.doc_id == "000_df46c3d2f2ee2b45.txt") & (clauses.clause_id == "2.1")].iloc[0]
    assert row.text.startswith("促进数据资源有序开发利用。")
    assert row.text_original.startswith("促進數據資源有序開發利用。")
    assert row.parent_id == "2" and row.level == 2 and row.label == "(一)" and row.number == 1


TARGET_ROW = {"doc_id": "x", "clause_id": "1", "start": 0, "end": 4, "text": "40%", "indicator": "占比",
              "comparator": ">=", "value": 40.0, "value_max": None, "unit": "%", "value_base": 0.4,
              "base_unit": "ratio", "deadline_year": 2025, "kind": "target", "per": None,
              "indicator_id": "share_generic", "indicator_en": "Share of a total"}


def test_a_complete_row_becomes_a_table():
    table = tables.to_table("targets", [TARGET_ROW])
    assert table.schema == tables.SCHEMAS["targets"] and table.column("deadline_year").to_pylist() == [2025]


def test_a_wrong_type_fails_loudly():
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        tables.to_table("targets", [dict(TARGET_ROW, value="not a number")])


@pytest.mark.parametrize(("change", "message"), [
    (lambda row: {**{k: v for k, v in row.items() if k != "deadline_year"}, "deadlin_year": 2025},
     "unknown deadlin_year; missing deadline_year"),
    (lambda row: {k: v for k, v in row.items() if k != "value_max"}, "missing value_max"),
    (lambda row: dict(row, note="extra"), "unknown note"),
])
def test_a_misspelled_missing_or_extra_key_is_an_error_not_a_null(change, message):
    with pytest.raises(SchemaDriftError, match=f"targets row 1: keys do not match the schema \\({message}\\)"):
        tables.to_table("targets", [TARGET_ROW, change(TARGET_ROW)])


@pytest.mark.parametrize(
    ("seed", "encoding"),
    [("001_abf5e99d2b5f1a8f", "gb18030"), ("004_675e57c38d26c4aa", "big5"), ("003_a8cd71ea5b437bb0", "utf-16"),
     ("000_df46c3d2f2ee2b45", "utf-8-sig")],
)
def test_a_reencoded_seed_gives_the_same_rows(tmp_path, toolkit, seed, encoding):
    from pipeline.process import run_document

    source = SEEDS_DIR / f"{seed}.txt"
    copy = tmp_path / source.name
    copy.write_bytes(source.read_text(encoding="utf-8").encode(encoding))
    plain = run_document(source, toolkit, seeds_dir=SEEDS_DIR).rows
    encoded = run_document(copy, toolkit, seeds_dir=tmp_path).rows
    for table in tables.DOCUMENT_TABLES:
        if table == "documents":
            skip = {"encoding", "source_sha256"}
            assert [{k: v for k, v in r.items() if k not in skip} for r in encoded[table]] == \
                   [{k: v for k, v in r.items() if k not in skip} for r in plain[table]]
        else:
            assert encoded[table] == plain[table]


def test_a_frame_gives_the_same_table_as_its_rows_and_refuses_drift():
    import pandas as pd

    rows = [dict(TARGET_ROW, start=5, end=9), TARGET_ROW, dict(TARGET_ROW, doc_id="a")]
    frame = pd.DataFrame(rows)
    assert tables.frame_to_table("targets", frame).equals(tables.to_table("targets", rows))
    with pytest.raises(SchemaDriftError, match="missing value_max"):
        tables.frame_to_table("targets", frame.drop(columns="value_max"))


def test_the_data_folders_table_names_are_the_schemas():
    """An up-to-date run checks the tables by the names in store.files (no pyarrow there): they must be the schemas'."""
    from pipeline.store.files import CORPUS_TABLES, DOCUMENT_TABLES, TABLE_NAMES

    assert TABLE_NAMES == tuple(tables.SCHEMAS) == DOCUMENT_TABLES + CORPUS_TABLES


def _from_pylist(name, rows, schema):
    """The earlier path, kept here as the reference: the rows sorted in Python, then pyarrow's from_pylist."""
    ordered = sorted(rows, key=lambda row: tuple(row[key] for key in tables.SORT_KEYS[name]))
    return pa.Table.from_pylist(ordered, schema=schema)


@pytest.mark.parametrize("seed", sorted(path.name for path in SEEDS_DIR.glob("*.txt")))
def test_a_real_documents_tables_equal_from_pylist(toolkit, seed):
    """Nulls (parent_id, value_max), lists (warnings, keywords), a map (dropped_chars), rows out of order:
    as dicts (to_table) and as columns (columns_to_table), the table from_pylist makes of the rows."""
    from pipeline.process import run_document

    document = run_document(SEEDS_DIR / seed, toolkit, seeds_dir=SEEDS_DIR)
    built = document.to_arrow()
    for name, schema in tables.PART_SCHEMAS.items():
        rows = list(reversed(document.rows[name]))  # the sort must not lean on the order rows come in
        expected = _from_pylist(name, rows, schema)
        columns = {column: [row[column] for row in rows] for column in reversed(schema.names)}
        assert built[name].equals(expected) and tables.part_table(name, rows).equals(expected), name
        assert tables.columns_to_table(name, columns, schema).equals(expected), name
        assert built[name].schema.equals(schema, check_metadata=True), name


def test_the_seeds_rows_hold_every_kind_of_value(toolkit):
    """What the test above covers: nulls and lists and maps, or it would prove less than it says."""
    from pipeline.process import run_document

    rows = {name: [] for name in tables.DOCUMENT_TABLES}
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        for name, table_rows in run_document(path, toolkit, seeds_dir=SEEDS_DIR).rows.items():
            rows[name] += table_rows
    assert any(row["parent_id"] is None for row in rows["clauses"]) and any(row["value_max"] is None for row in rows["targets"])
    assert any(row["keywords"] for row in rows["themes"]) and any(row["dropped_chars"] for row in rows["documents"])


@pytest.mark.parametrize("name", tables.DOCUMENT_TABLES)
def test_no_rows_give_an_empty_table_of_the_schema(name):
    schema = tables.PART_SCHEMAS[name]
    table = tables.part_table(name, [])
    assert table.num_rows == 0 and table.schema.equals(schema, check_metadata=True)
    assert table.equals(_from_pylist(name, [], schema))
    assert tables.columns_to_table(name, {column: [] for column in schema.names}, schema).equals(table)


def test_columns_that_are_not_the_schemas_or_of_other_lengths_are_an_error():
    columns = {name: [value, value] for name, value in TARGET_ROW.items()}
    with pytest.raises(SchemaDriftError, match=r"targets row 0: keys do not match the schema \(unknown note; missing per\)"):
        tables.columns_to_table("targets", {**{k: v for k, v in columns.items() if k != "per"}, "note": ["", ""]})
    with pytest.raises(ValueError):
        tables.columns_to_table("targets", {**columns, "end": [9]})
    shifted = tables.columns_to_table("targets", {**columns, "start": [7, 3], "end": [9, 5]})
    assert shifted["start"].to_pylist() == [3, 7] and shifted.schema == tables.SCHEMAS["targets"]


def test_nulls_empty_lists_and_ties_convert_as_from_pylist():
    rows = [dict(TARGET_ROW, start=5, end=9, value_base=None, deadline_year=None, per="家/年"),
            dict(TARGET_ROW, doc_id="a", text="第二"), dict(TARGET_ROW, doc_id="a", text="第一")]  # a tie on the sort key keeps the order
    assert tables.to_table("targets", rows).equals(_from_pylist("targets", rows, tables.SCHEMAS["targets"]))
    assert tables.to_table("targets", rows)["text"].to_pylist()[:2] == ["第二", "第一"]
    theme = {"doc_id": "x", "clause_id": "1", "start": 0, "end": 3, "theme": "t", "theme_zh": "主题", "score": 1.0,
             "hits": 1, "rank": 1, "keywords": []}
    themes = [theme, dict(theme, rank=2, keywords=["数据", "算力"]), dict(theme, clause_id="0", start=0, rank=3, keywords=["x"])]
    assert tables.to_table("themes", themes).equals(_from_pylist("themes", themes, tables.SCHEMAS["themes"]))

"""Table schemas, declared once, and atomic, deterministic Parquet writing.

Rows become tables through :func:`to_table`, which refuses a row whose keys
are not exactly the declared columns (so drift fails loudly). Tables are
written with fixed settings by :class:`pipeline.store.TableAssembler`
(one-shot tables through :func:`write_table`), which replaces each file
atomically: a reader sees the old table or the new one, never half of one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import SchemaDriftError, TableWriteError

if TYPE_CHECKING:
    import pandas as pd

DOCUMENTS = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("source_file", pa.string(), nullable=False),
    pa.field("source_sha256", pa.string(), nullable=False),
    pa.field("encoding", pa.string(), nullable=False),
    pa.field("title", pa.string()),
    pa.field("issuer", pa.string()),
    pa.field("doc_number", pa.string()),
    pa.field("issue_date", pa.date32()),
    pa.field("publish_date", pa.date32()),
    pa.field("recipients", pa.string()),
    pa.field("effective_date", pa.date32()),
    pa.field("bundled_title", pa.string()),
    pa.field("source", pa.string()),
    pa.field("province", pa.string()),
    pa.field("city", pa.string()),
    pa.field("admin_level", pa.string()),
    pa.field("genre", pa.string()),
    pa.field("script", pa.string(), nullable=False),
    pa.field("variant", pa.string(), nullable=False),
    pa.field("n_chars", pa.int32(), nullable=False),
    pa.field("n_clauses", pa.int32(), nullable=False),
    pa.field("dropped_chars", pa.map_(pa.string(), pa.int32())),
    pa.field("warnings", pa.list_(pa.string())),
    pa.field("pipeline_version", pa.string(), nullable=False),
])

CLAUSES = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("clause_id", pa.string(), nullable=False),
    pa.field("parent_id", pa.string()),
    pa.field("level", pa.int8(), nullable=False),
    pa.field("kind", pa.string(), nullable=False),
    pa.field("label", pa.string(), nullable=False),
    pa.field("number", pa.int32()),
    pa.field("heading", pa.string(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("text_original", pa.string(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("seq", pa.int32(), nullable=False),
])

_POINTER = [
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("clause_id", pa.string(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
]

TARGETS = pa.schema(_POINTER + [
    pa.field("indicator", pa.string(), nullable=False),
    pa.field("comparator", pa.string(), nullable=False),
    pa.field("value", pa.float64(), nullable=False),
    pa.field("value_max", pa.float64()),
    pa.field("unit", pa.string(), nullable=False),
    pa.field("value_base", pa.float64()),
    pa.field("base_unit", pa.string()),
    pa.field("deadline_year", pa.int16()),
    pa.field("kind", pa.string(), nullable=False),
])

DATES = pa.schema(_POINTER + [
    pa.field("kind", pa.string(), nullable=False),
    pa.field("role", pa.string(), nullable=False),
    pa.field("start_date", pa.date32()),
    pa.field("end_date", pa.date32()),
    pa.field("duration_min_years", pa.float64()),
    pa.field("duration_max_years", pa.float64()),
])

PARTIES = pa.schema(_POINTER + [
    pa.field("name", pa.string(), nullable=False),
    pa.field("kind", pa.string(), nullable=False),
    pa.field("role", pa.string(), nullable=False),
    pa.field("name_en", pa.string()),
])

TERMS = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("clause_id", pa.string(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("term", pa.string(), nullable=False),
    pa.field("count", pa.int32(), nullable=False),
    pa.field("tfidf", pa.float64(), nullable=False),
])

THEMES = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("clause_id", pa.string(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("theme", pa.string(), nullable=False),
    pa.field("theme_zh", pa.string(), nullable=False),
    pa.field("score", pa.float64(), nullable=False),
    pa.field("hits", pa.int32(), nullable=False),
    pa.field("rank", pa.int8(), nullable=False),
    pa.field("keywords", pa.list_(pa.string()), nullable=False),
])

THEME_SHARES = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("theme", pa.string(), nullable=False),
    pa.field("theme_zh", pa.string(), nullable=False),
    pa.field("theme_en", pa.string(), nullable=False),
    pa.field("n_clauses", pa.int32(), nullable=False),
    pa.field("share", pa.float64(), nullable=False),
])

ALIGNMENTS = pa.schema([
    pa.field("doc_a", pa.string(), nullable=False),
    pa.field("clause_a", pa.string(), nullable=False),
    pa.field("doc_b", pa.string(), nullable=False),
    pa.field("clause_b", pa.string(), nullable=False),
    pa.field("score", pa.float64(), nullable=False),
    pa.field("shared_text", pa.string(), nullable=False),
    pa.field("shared_chars", pa.int32(), nullable=False),
    pa.field("shared_start_a", pa.int32(), nullable=False),
    pa.field("shared_end_a", pa.int32(), nullable=False),
    pa.field("shared_start_b", pa.int32(), nullable=False),
    pa.field("shared_end_b", pa.int32(), nullable=False),
    pa.field("reuse", pa.bool_(), nullable=False),
    pa.field("reuse_chars", pa.int32(), nullable=False),
])

# Tables each document contributes rows to on its own, and tables that need the whole corpus.
DOCUMENT_TABLES = ("documents", "clauses", "targets", "dates", "parties", "terms", "themes", "theme_shares")
CORPUS_TABLES = ("alignments",)

SCHEMAS: Mapping[str, pa.Schema] = {
    "documents": DOCUMENTS, "clauses": CLAUSES, "targets": TARGETS, "dates": DATES, "parties": PARTIES,
    "terms": TERMS, "themes": THEMES, "theme_shares": THEME_SHARES, "alignments": ALIGNMENTS,
}
SORT_KEYS: Mapping[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "clauses": ("doc_id", "seq"),
    "targets": ("doc_id", "start", "end"),
    "dates": ("doc_id", "start", "end"),
    "parties": ("doc_id", "start", "end"),
    "terms": ("doc_id", "start", "end", "term"),
    "themes": ("doc_id", "start", "clause_id", "rank"),
    "theme_shares": ("doc_id", "theme"),
    "alignments": ("doc_a", "doc_b", "clause_a", "clause_b"),
}


# A document's own part of each table (data/interim): terms have counts but no
# weights yet, since a weight depends on every document.
PART_SCHEMAS: Mapping[str, pa.Schema] = {
    name: SCHEMAS[name].remove(SCHEMAS[name].get_field_index("tfidf")) if name == "terms" else SCHEMAS[name]
    for name in DOCUMENT_TABLES
}


def part_table(name: str, rows: Sequence[Mapping[str, object]]) -> pa.Table:
    """One document's rows as a table of its part schema, in the table's sort order."""
    return to_table(name, rows, PART_SCHEMAS[name])


def to_table(name: str, rows: Sequence[Mapping[str, object]], schema: pa.Schema | None = None) -> pa.Table:
    """Rows (dicts) as a table of the declared schema ``name``, in its sort order.

    Every row must have exactly the schema's columns: a misspelled or missing
    key (``deadlin_year``) raises :class:`SchemaDriftError` instead of
    leaving a column silently null. A null value is written as ``None``.
    """
    schema = schema or SCHEMAS[name]
    expected = set(schema.names)
    for number, row in enumerate(rows):
        if row.keys() != expected:
            raise SchemaDriftError(name, number, sorted(row.keys() - expected), sorted(expected - row.keys()))
    keys = SORT_KEYS[name]
    ordered = sorted(rows, key=lambda row: tuple(row[k] for k in keys))
    columns = {field.name: [row[field.name] for row in ordered] for field in schema}
    return pa.Table.from_pydict(columns, schema=schema)


def frame_to_table(name: str, frame: "pd.DataFrame", schema: pa.Schema | None = None) -> pa.Table:
    """A data frame as a table of the declared schema ``name``, in its sort order, without per-row dicts.

    The frame's columns must be exactly the schema's (:class:`SchemaDriftError` otherwise),
    as with :func:`to_table`; this is the path for large tables built column-wise (alignments).
    """
    schema = schema or SCHEMAS[name]
    if set(frame.columns) != set(schema.names):
        raise SchemaDriftError(name, 0, sorted(set(frame.columns) - set(schema.names)),
                               sorted(set(schema.names) - set(frame.columns)))
    ordered = frame.sort_values(list(SORT_KEYS[name]), kind="stable") if len(frame) else frame
    return pa.Table.from_pandas(ordered[schema.names], schema=schema, preserve_index=False)


def write_table(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` atomically: a temporary file in the same folder, then a rename.

    Settings are fixed so that the same rows give the same bytes; the tables
    assembled part by part (:class:`pipeline.store.TableAssembler`) are written the same way.
    """
    from pipeline.store import TableAssembler

    path = Path(path)
    assembler = None
    try:
        assembler = TableAssembler(path, table.schema)
        assembler.add(table)
        os.replace(assembler.close(), path)
    except (OSError, pa.ArrowException) as error:
        if assembler is not None:
            assembler.discard()
        raise TableWriteError(path, str(error)) from error


def read_table(path: Path) -> pa.Table:
    """Read a table written by :func:`write_table`."""
    return pq.read_table(path)

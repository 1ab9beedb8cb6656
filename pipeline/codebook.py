"""The codebook: ``datapackage.json``, a Frictionless Data Package (v2) describing every table.

Nothing here is written by hand: column names, types and which columns may be
null come from the pyarrow schemas (:data:`pipeline.tables.SCHEMAS`), what each
table and column means from :data:`pipeline.tables.COLUMN_DESCRIPTIONS`, and
keys, allowed values and ranges from the declared checks
(:data:`pipeline.store.validation.CHECKS`), the same rules every extraction must pass.
So the codebook cannot drift from the tables it describes.

The package is one JSON object, the same bytes for the same code (no clock).
``frictionless validate datapackage.json`` reads the Parquet files it points
to and checks them against it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa

from pipeline import __version__
from pipeline.errors import CodebookError
from pipeline.store.files import CODEBOOK_NAME, write_atomically
from pipeline.tables import COLUMN_DESCRIPTIONS, SCHEMAS, TABLE_DESCRIPTIONS, undocumented_columns

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
DIALECT_PROFILE = "https://datapackage.org/profiles/2.0/tabledialect.json"
FILE_NAME = CODEBOOK_NAME


def field_type(data_type: pa.DataType, container: str = "parquet") -> dict[str, object]:
    """The Table Schema type of a pyarrow type, as a file of ``container`` (parquet or csv) holds it.

    A list or map inside a Parquet file has no Table Schema type that
    validators read from Parquet (they see numpy arrays), so it is ``any``, its
    Arrow type in ``arrowType``; in CSV a list is ``|``-joined (type ``list``)
    and a map written ``key=value|key=value`` (a string).
    """
    nested = pa.types.is_list(data_type) or pa.types.is_large_list(data_type) or pa.types.is_map(data_type)
    if nested and container == "parquet":
        return {"type": "any"}
    if pa.types.is_map(data_type) and container == "csv":
        return {"type": "string"}
    if pa.types.is_list(data_type) and container == "csv":
        return {"type": "list", "delimiter": "|", "itemType": "string"}
    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type):
        return {"type": "string"}
    if pa.types.is_boolean(data_type):
        return {"type": "boolean"}
    if pa.types.is_integer(data_type):
        return {"type": "integer"}
    if pa.types.is_floating(data_type):
        return {"type": "number"}
    if pa.types.is_date(data_type):
        return {"type": "date"}
    if pa.types.is_timestamp(data_type):
        return {"type": "datetime"}
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        return {"type": "array"}
    if pa.types.is_map(data_type) or pa.types.is_struct(data_type):
        return {"type": "object"}
    raise CodebookError(FILE_NAME, f"no Table Schema type for the pyarrow type {data_type}")


def type_label(data_type: pa.DataType) -> str:
    """The pyarrow type as the README writes it: ``int32``, ``list<string>``, ``map<string, int32>``."""
    if pa.types.is_list(data_type):
        return f"list<{type_label(data_type.value_type)}>"
    if pa.types.is_map(data_type):
        return f"map<{type_label(data_type.key_type)}, {type_label(data_type.item_type)}>"
    return str(data_type)


def allowed_values(table: str, column: str) -> tuple[str, ...] | None:
    """The values a column may hold, from its ``in_set`` check; None for a free column."""
    return _constraints()["enum"].get((table, column))


def primary_key(table: str) -> tuple[str, ...]:
    """The first declared unique key of a table (the others become ``uniqueKeys``); empty if none."""
    keys = _constraints()["unique"].get(table, [])
    return keys[0] if keys else ()


def table_schema(name: str, strict: bool = True, container: str = "parquet") -> dict[str, object]:
    """The Table Schema of one table.

    Args:
        strict: raise when a column has no description; else leave it empty.
        container: ``parquet`` (the tables of ``policy extract``) or ``csv`` (``policy export``).

    Raises:
        CodebookError: a column has no description (``strict``), or a type has no Table Schema type.
    """
    constraints = _constraints()
    descriptions = COLUMN_DESCRIPTIONS.get(name, {})
    fields = []
    for arrow_field in SCHEMAS[name]:
        description = descriptions.get(arrow_field.name, "")
        if strict and not description:
            raise CodebookError(FILE_NAME, f"{name}.{arrow_field.name} has no description in pipeline/tables.py")
        entry: dict[str, object] = {"name": arrow_field.name, **field_type(arrow_field.type, container),
                                    "description": description}
        if arrow_field.nullable and entry["type"] in ("integer", "number") and container == "parquet":
            # Readers of Parquet through pandas see a null number as NaN.
            entry["missingValues"] = ["nan"]
        if entry["type"] == "string" and container == "csv":
            # An empty string is a value (a clause without heading), not a null.
            entry["missingValues"] = []
        if entry["type"] == "boolean" and container == "csv":
            entry.update(trueValues=["True"], falseValues=["False"])
        rules: dict[str, object] = {}
        if not arrow_field.nullable:
            rules["required"] = True
        values = constraints["enum"].get((name, arrow_field.name))
        if values is not None:
            rules["enum"] = list(values)
            if arrow_field.nullable and entry["type"] == "string" and container == "csv":
                # A coded column (indicator_id, duration_unit) has no empty value: an empty cell is its null.
                entry["missingValues"] = [""]
        rules.update(constraints["range"].get((name, arrow_field.name), {}))
        if rules:
            entry["constraints"] = rules
        entry["arrowType"] = type_label(arrow_field.type)
        fields.append(entry)
    # In Parquet a null is a null and "" an empty string; in CSV an empty cell is a null.
    missing = [] if container == "parquet" else [""]
    schema: dict[str, object] = {"$schema": SCHEMA_PROFILE, "fields": fields, "missingValues": missing}
    keys = constraints["unique"].get(name, [])
    if keys:
        schema["primaryKey"] = list(keys[0])
    if len(keys) > 1:
        schema["uniqueKeys"] = [list(key) for key in keys[1:]]
    # A key with a nullable column (clauses.parent_id) is left out: validators
    # check a composite key unless all of it is null, so every top-level clause
    # would fail. The column's description says what it refers to.
    foreign = [
        {"fields": list(columns), "reference": {"resource": "" if parent == name else parent,
                                                "fields": list(parent_columns)}}
        for columns, parent, parent_columns, nullable in constraints["foreign_key"].get(name, []) if not nullable
    ]
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def datapackage(names: Iterable[str] | None = None, strict: bool = True,
                container: str = "parquet") -> dict[str, object]:
    """The whole Data Package: one resource per table, each with its Table Schema.

    Args:
        names: the tables to describe (default: every table in :data:`SCHEMAS`).
        strict: raise on an undocumented column (see :func:`table_schema`).
        container: ``parquet`` for the tables (``NAME.parquet``), ``csv`` for
            ``policy export --format csv`` (``NAME.csv``, UTF-8 with BOM).
    """
    if strict:
        problems = undocumented_columns()
        if problems:
            raise CodebookError(FILE_NAME, "; ".join(problems))
    resources = []
    for name in names or SCHEMAS:
        resource = {
            "$schema": RESOURCE_PROFILE,
            "name": name,
            "path": f"{name}.{container}",
            "type": "table",
            "format": container,
            "mediatype": _MEDIATYPES[container],
        }
        if container == "csv":
            resource["encoding"] = "utf-8-sig"
            resource["dialect"] = {"$schema": DIALECT_PROFILE, "delimiter": ",", "header": True}
        resource["description"] = TABLE_DESCRIPTIONS.get(name, "")
        resource["schema"] = table_schema(name, strict=strict, container=container)
        resources.append(resource)
    return {
        "$schema": PACKAGE_PROFILE,
        "name": "policy-text-tables",
        "title": "Policy-text tables: Chinese government policy documents as comparable tables",
        "description": ("Tables written by `policy extract` (policy-text-pipeline). Chinese values are canonical "
                        "Simplified with mainland vocabulary, except columns named *_original. Offsets (start, end) "
                        "point into each document's canonical text."),
        "version": __version__,
        "resources": resources,
    }


def render(package: Mapping[str, object]) -> bytes:
    """The package as JSON bytes: indented, keys in declared order, non-ASCII kept, a final newline."""
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_datapackage(data_dir: Path, strict: bool = False, **options) -> Path:
    """Write ``datapackage.json`` into ``data_dir`` atomically and return its path.

    Raises:
        CodebookError: the file could not be written (or, when ``strict``, a column is undocumented).
    """
    path = Path(data_dir) / FILE_NAME
    try:
        write_atomically(path, render(datapackage(strict=strict, **options)))
    except OSError as error:
        raise CodebookError(path, str(error)) from error
    return path


_MEDIATYPES = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv"}


def _constraints() -> dict[str, dict]:
    """Keys, foreign keys, value sets and ranges, from the declared checks, by table (and column)."""
    from pipeline.store.validation import CHECKS

    found: dict[str, dict] = {"unique": {}, "foreign_key": {}, "enum": {}, "range": {}}
    for check in CHECKS:
        rule = check.constraint
        if "unique" in rule:
            found["unique"].setdefault(check.table, []).append(tuple(rule["unique"]))
        if "foreign_key" in rule:
            found["foreign_key"].setdefault(check.table, []).append(tuple(rule["foreign_key"]))
        if "enum" in rule:
            column, allowed = rule["enum"]
            found["enum"][(check.table, column)] = tuple(allowed() if callable(allowed) else allowed)
        if "range" in rule:
            column, low, high, low_open, high_open = rule["range"]
            bounds = {}
            if low is not None:
                bounds["exclusiveMinimum" if low_open else "minimum"] = _json_value(low)
            if high is not None:
                bounds["exclusiveMaximum" if high_open else "maximum"] = _json_value(high)
            found["range"][(check.table, column)] = bounds
    return found


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime.date) else value


def descriptions(name: str) -> dict[str, str]:
    """Column descriptions of one table, in schema order (empty for an undocumented column)."""
    described = COLUMN_DESCRIPTIONS.get(name, {})
    return {column: described.get(column, "") for column in SCHEMAS[name].names}


__all__ = ["FILE_NAME", "allowed_values", "datapackage", "descriptions", "field_type", "primary_key",
           "render", "table_schema", "type_label", "write_datapackage"]

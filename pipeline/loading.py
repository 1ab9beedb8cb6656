"""Read the tables into pandas with the types a researcher expects.

``pd.read_parquet`` gives dates as ``object`` (``.dt.year`` fails), integer
columns with a null (``deadline_year``, ``number``) as float64 (2025.0), and
kinds and roles as plain strings. :func:`load` gives instead:

- dates as ``datetime64[ms]`` (missing dates are ``NaT``);
- integers that may be null as pandas' nullable integers (``Int16`` for
  ``deadline_year``: 2025 or ``<NA>``; ``Int32`` for ``number``), the others as numpy integers;
- columns with a declared value set (``kind``, ``role``, ``comparator``,
  ``script``, ``theme`` ...) as categoricals whose categories are the declared
  values in their declared order (the codebook's ``enum``);
- list columns as Python lists and map columns as dicts.

Example::

    import pipeline
    targets = pipeline.load("targets", data="data")
    targets[targets.kind == "target"].groupby("deadline_year").size()
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline import config
from pipeline.errors import MissingTablesError
from pipeline.tables import SCHEMAS, read_table

_NULLABLE_INTEGERS = {
    pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(), pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
}


def load(name: str, data: Path | str = config.DEFAULT_DATA_DIR, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """One table written by ``policy extract`` as a DataFrame with proper dtypes.

    Args:
        name: the table: ``documents``, ``clauses``, ``targets``, ``dates``, ``parties``,
            ``terms``, ``themes``, ``theme_shares`` or ``alignments``.
        data: the folder of the tables (``policy extract --out``).
        columns: read only these columns.

    Raises:
        MissingTablesError: the table is not there, or ``name`` is not a table.
    """
    path = Path(data) / f"{name}.parquet"
    if name not in SCHEMAS:
        raise MissingTablesError(path, f"{name!r} is not a table; the tables are {', '.join(SCHEMAS)}")
    if not path.is_file():
        raise MissingTablesError(path, "run `policy extract` first")
    table = read_table(path)
    if columns is not None:
        table = table.select(list(columns))
    return to_frame(name, table)


def load_all(data: Path | str = config.DEFAULT_DATA_DIR, names: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Several tables (default: all nine) by name, each as :func:`load` gives it."""
    return {name: load(name, data) for name in (names or SCHEMAS)}


def to_frame(name: str, table: pa.Table) -> pd.DataFrame:
    """An Arrow table of the declared schema ``name`` as a DataFrame with the dtypes of :func:`load`."""
    from pipeline.codebook import allowed_values

    frame = table.to_pandas(date_as_object=False, types_mapper=_NULLABLE_INTEGERS.get)
    for arrow_field in table.schema:
        column = arrow_field.name
        if pa.types.is_list(arrow_field.type):
            frame[column] = [list(value) if value is not None else None for value in frame[column]]
        elif pa.types.is_map(arrow_field.type):
            frame[column] = [dict(value) if value is not None else None for value in frame[column]]
        elif pa.types.is_date(arrow_field.type):
            frame[column] = frame[column].astype("datetime64[ms]")
        elif pa.types.is_integer(arrow_field.type) and not arrow_field.nullable:
            # A column that is never null keeps a plain numpy integer type.
            frame[column] = frame[column].astype(frame[column].dtype.numpy_dtype)
        else:
            declared = allowed_values(name, column)
            if declared is not None:
                # Values outside the declared set (a table of an older or newer
                # pipeline) are kept as extra categories, never turned into NaN.
                extra = sorted(set(frame[column].dropna()) - set(declared))
                frame[column] = pd.Categorical(frame[column], categories=[*declared, *extra])
    return frame


__all__ = ["load", "load_all", "to_frame"]

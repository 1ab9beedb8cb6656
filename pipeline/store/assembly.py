"""Tables assembled part by part into Parquet with fixed settings, so the same rows give the same bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.store.files import temporary_beside

# Rows buffered before a row group is written: bounds memory, and the same
# rows always give the same row groups, so the bytes stay reproducible.
ROW_GROUP_ROWS = 64_000
PARQUET_OPTIONS = dict(compression="zstd", use_dictionary=True, write_statistics=True,
                       data_page_version="2.0", version="2.6")


class TableAssembler:
    """Stream record batches into a temporary Parquet file in fixed-size row groups; ``close`` returns it, unrenamed.

    :func:`pipeline.store.files.switch_files` then puts every table in place as one set.
    """

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, self.temporary = temporary_beside(self.path)
        os.close(handle)
        self.schema = schema
        self.writer = pq.ParquetWriter(self.temporary, schema, **PARQUET_OPTIONS)
        self.pending: list[pa.Table] = []
        self.pending_rows = 0

    def add(self, table: pa.Table) -> None:
        if table.num_rows:
            self.pending.append(table.cast(self.schema))
            self.pending_rows += table.num_rows
        if self.pending_rows >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.writer.write_table(pa.concat_tables(self.pending), row_group_size=ROW_GROUP_ROWS)
        self.pending, self.pending_rows = [], 0

    def close(self) -> Path:
        """Finish the temporary file (flushed to disk) and return its path; the table is not in place yet."""
        self._flush()
        if self.writer.is_open:
            self.writer.close()  # a table with no rows still carries its schema
        with open(self.temporary, "rb") as written:
            os.fsync(written.fileno())
        return Path(self.temporary)

    def discard(self) -> None:
        if self.writer.is_open:
            self.writer.close()
        Path(self.temporary).unlink(missing_ok=True)

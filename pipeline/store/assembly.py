"""Tables assembled part by part into Parquet with fixed settings, so the same rows give the same bytes.

:func:`assemble_tables` builds every table of a run from the parts in
``interim/`` (TF-IDF weights included, and the alignments from the clauses),
:func:`check_assembled` runs the corpus-level checks on what it kept, and
:class:`TableAssembler` writes one table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import TableValidationError, TableWriteError
from pipeline.store.engines import CallFailed, ForkedCall
from pipeline.store.files import CORPUS_TABLES, DOCUMENT_TABLES, temporary_beside
from pipeline.store.parts import read_part_table
from pipeline.store.validation import CORPUS_CHECKS, check_tables, validate_tables
from pipeline.tables import SCHEMAS, read_table
from pipeline.terms import corpus_idf, weight_part
from pipeline.timing import OnStage, stage

# Parts read and appended together: per-call overhead paid once per batch,
# memory bounded by the batch, not the corpus.
DOCUMENTS_PER_BATCH = 64
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
            table = table if table.schema.equals(self.schema, check_metadata=True) else table.cast(self.schema)
            # One chunk a column: Parquet's writer works chunk by chunk, and a
            # chunk per part made it two to three times slower (README, Scaling).
            self.pending.append(table.combine_chunks())
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


def assemble_tables(out_dir: Path, interim: Path, doc_ids: Sequence[str], comparer=None,
                    on_stage: OnStage | None = None,
                    checked: dict[str, pa.Table | None] | None = None) -> dict[str, Path]:
    """Every table as a temporary Parquet file beside its final place, built part by part.

    The per-document tables are concatenated in doc_id order (each part is
    sorted, and every sort key starts with doc_id, so the result is sorted).
    Term weights need the whole corpus's document frequencies: a first pass
    counts them, a second writes the weights. Alignments need every clause's
    text at once: it is kept from the pass that writes the clauses, not read
    again, unless ``comparer`` is a :class:`BackgroundAlignment`, which reads
    the clauses and aligns them in its own process while this one assembles.
    ``on_stage`` is told ``assemble`` (the per-document tables) and ``align``
    (the alignment, or what is left of it once the other tables are written).

    ``checked``, when given, receives what the corpus-level checks read
    (:func:`check_assembled`), kept from the assembly so that nothing written
    is read back: the documents' ids, the clauses' ids and texts, the
    alignments; the term weights are checked batch by batch as they are
    made, and ``checked["terms"]`` is ``None`` when a batch failed (the whole
    table is then read back, for the message).
    """
    term_checks = [check for check in CORPUS_CHECKS if check.tables_needed() == ("terms",)]
    kept: dict[str, list[pa.Table]] = {"documents": [], "clauses": []}
    terms_pass = True
    paths: dict[str, Path] = {}
    assemblers: list[TableAssembler] = []
    background = isinstance(comparer, BackgroundAlignment)
    if background:
        comparer.start(interim, doc_ids)
    try:
        with stage(on_stage, "assemble"):
            for name in DOCUMENT_TABLES:
                assembler = TableAssembler(out_dir / f"{name}.parquet", SCHEMAS[name])
                assemblers.append(assembler)
                if name == "terms":
                    idf = corpus_idf(_term_parts(interim, doc_ids))
                for batch in _batches(doc_ids, DOCUMENTS_PER_BATCH):
                    # One chunk a column (the assembler's too): what is kept holds no part it was read from.
                    part = pa.concat_tables([read_part_table(interim, doc_id, name) for doc_id in batch]).combine_chunks()
                    if name == "terms":
                        weights = weight_part(part, idf)
                        part = part.append_column("tfidf", pa.array(weights, pa.float64()))
                        terms_pass = terms_pass and not validate_tables({"terms": part}, term_checks, max_rows=1)
                    elif name in kept:
                        kept[name].append(part.select(_KEPT_COLUMNS[name]))
                    assembler.add(part)
                paths[name] = assembler.close()
        with stage(on_stage, "align"):
            clauses = _concat(kept["clauses"], _KEPT_COLUMNS["clauses"], SCHEMAS["clauses"])
            alignments = comparer.result(out_dir) if background else _align(clauses, comparer)
            assembler = TableAssembler(out_dir / "alignments.parquet", SCHEMAS["alignments"])
            assemblers.append(assembler)
            assembler.add(alignments)
            paths["alignments"] = assembler.close()
    except BaseException:
        for assembler in assemblers:
            assembler.discard()
        raise
    assert set(paths) == set(DOCUMENT_TABLES) | set(CORPUS_TABLES)
    if checked is not None:
        checked.update(documents=_concat(kept["documents"], _KEPT_COLUMNS["documents"], SCHEMAS["documents"]),
                       clauses=clauses, alignments=alignments)
        if not terms_pass:
            checked["terms"] = None
    return paths


# What the alignment and the corpus-level checks read of the per-document tables.
_KEPT_COLUMNS = {"documents": ["doc_id"], "clauses": ["doc_id", "clause_id", "kind", "text"]}


def _concat(tables: list[pa.Table], columns: list[str], schema: pa.Schema) -> pa.Table:
    if tables:
        return pa.concat_tables(tables)
    return pa.schema([schema.field(name) for name in columns]).empty_table()


def check_assembled(out_dir: Path, temporary: Mapping[str, Path], checked: Mapping[str, pa.Table | None]) -> None:
    """The corpus-level checks on what :func:`assemble_tables` kept; a table it could not vouch for is read back.

    Raises:
        TableValidationError: a check failed; nothing is replaced.
    """
    tables = {name: table for name, table in checked.items() if table is not None}
    for name in checked:
        if checked[name] is None:
            tables[name] = read_table(temporary[name])
    try:
        check_tables(tables, out_dir, CORPUS_CHECKS)
    except TableValidationError as error:
        raise TableValidationError(
            out_dir, f"{error.detail.strip()}\nThese checks look across documents, so no document "
                     f"can be left out for them: this is a bug of the pipeline, not of your documents; "
                     f"nothing was replaced. Please report it with this message.", error.violations) from error


def _batches(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def _term_parts(interim: Path, doc_ids: Sequence[str]):
    """The terms of the parts, a batch of documents at a time: the first pass over them (:func:`pipeline.terms.corpus_idf`)."""
    for batch in _batches(doc_ids, DOCUMENTS_PER_BATCH):
        yield pa.concat_tables([read_part_table(interim, doc_id, "terms") for doc_id in batch])


def _align(clauses: pa.Table, comparer) -> pa.Table:
    return (comparer or _comparer()).fit(clauses.to_pandas()).align_table()


def _comparer(n_jobs: int = 1):
    from pipeline.compare import ClauseComparer  # scikit-learn, loaded only when no comparer is given

    return ClauseComparer(n_jobs=n_jobs)


class BackgroundAlignment:
    """A run's alignment in a process of its own, beside the assembly (:class:`pipeline.store.engines.ForkedCall`).

    :meth:`prepare`, before the documents are processed, forks the process;
    it imports the comparison (scikit-learn, about a second) while this one
    builds the toolkit for the workers, then waits. :func:`assemble_tables`
    hands it the parts (:meth:`start`): it reads the clauses and aligns them
    while this process assembles the per-document tables, and hands back the
    alignments (:meth:`result`). It reads the same clauses in the same order as
    the assembly, so they are the alignments :func:`assemble_tables` makes in
    process. ``comparer`` (a fitted-to-be :class:`pipeline.compare.ClauseComparer`)
    is inherited by the fork; without one, a ``ClauseComparer(n_jobs=n_jobs)``
    is built there. As a context manager, the process is killed on leaving,
    whatever happened.
    """

    def __init__(self, comparer=None, n_jobs: int = 1) -> None:
        self.comparer, self.n_jobs = comparer, n_jobs
        self._call: ForkedCall | None = None

    def prepare(self) -> None:
        """Fork the process now (once), so that it is ready when the parts are."""
        if self._call is None:
            self._call = ForkedCall(_align_parts, self._prepared)

    def _prepared(self):
        return self.comparer or _comparer(self.n_jobs)

    def start(self, interim: Path, doc_ids: Sequence[str]) -> None:
        self.prepare()
        self._call.start(Path(interim), list(doc_ids))

    def result(self, out_dir: Path) -> pa.Table:
        """The alignments (the ``alignments`` table), waiting for them.

        Raises:
            TableWriteError: the alignment failed, or its process died.
        """
        try:
            return self._call.result()
        except CallFailed as error:
            raise TableWriteError(Path(out_dir) / "alignments.parquet", f"the alignment failed: {error}") from None

    def close(self) -> None:
        if self._call is not None:
            self._call.close()

    def __enter__(self) -> BackgroundAlignment:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _align_parts(comparer, interim: Path, doc_ids: Sequence[str]) -> pa.Table:
    """The alignments of the clauses in the parts, read in the assembly's batches and order."""
    columns = _KEPT_COLUMNS["clauses"]
    batches = [pa.concat_tables([read_part_table(interim, doc_id, "clauses") for doc_id in batch]).select(columns)
               for batch in _batches(doc_ids, DOCUMENTS_PER_BATCH)]
    return _align(_concat(batches, columns, SCHEMAS["clauses"]), comparer)

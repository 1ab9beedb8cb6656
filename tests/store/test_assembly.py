"""Assembled tables: the same rows give the same bytes, and a failed write leaves the old tables whole."""

from __future__ import annotations

import os
import shutil
import signal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import tables
from pipeline.corpus import extract_corpus
from pipeline.errors import TableWriteError
from pipeline.store import assembly
from pipeline.store.assembly import TableAssembler
from pipeline.store.files import MANIFEST_NAME
from pipeline.store.parts import read_part_table
from tests.conftest import SEEDS_DIR


def test_two_runs_give_identical_bytes(seed_extraction, tmp_path, toolkit):
    out, _ = seed_extraction
    extract_corpus(SEEDS_DIR, tmp_path, toolkit)
    for name in tables.SCHEMAS:
        assert (out / f"{name}.parquet").read_bytes() == (tmp_path / f"{name}.parquet").read_bytes()


def test_a_failed_write_leaves_the_old_tables_whole(seed_data_dir, tmp_path, toolkit, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(seed_data_dir, data)
    (data / MANIFEST_NAME).unlink()  # the tables are written again (from the cached parts)
    old = {name: (data / f"{name}.parquet").read_bytes() for name in tables.SCHEMAS}

    real_writer = pq.ParquetWriter

    class BrokenWriter(real_writer):
        def write_table(self, table, **kwargs):
            super().write_table(table, **kwargs)
            raise OSError("disk full")

    monkeypatch.setattr(pq, "ParquetWriter", BrokenWriter)
    with pytest.raises(TableWriteError, match="disk full"):
        extract_corpus(SEEDS_DIR, data, toolkit)
    assert {name: (data / f"{name}.parquet").read_bytes() for name in tables.SCHEMAS} == old
    assert sorted(path.name for path in data.iterdir() if path.name.endswith(".tmp")) == []


def test_the_assembler_writes_fixed_row_groups_and_an_empty_table_keeps_its_schema(tmp_path, monkeypatch):
    monkeypatch.setattr(assembly, "ROW_GROUP_ROWS", 3)
    schema = pa.schema([("doc_id", pa.string()), ("n", pa.int64())])
    written = []
    for name in ("a", "b"):
        assembler = TableAssembler(tmp_path / f"{name}.parquet", schema)
        for start in range(0, 7, 2):
            assembler.add(pa.table({"doc_id": ["x", "y"], "n": [start, start + 1]}))
        written.append(assembler.close())
    assert written[0].read_bytes() == written[1].read_bytes()  # the same rows, the same bytes
    assert written[0].parent == tmp_path and not (tmp_path / "a.parquet").exists()  # not in place yet
    metadata = pq.ParquetFile(written[0]).metadata
    groups = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert sum(groups) == 8 and max(groups) == 3  # memory bounded by ROW_GROUP_ROWS
    empty = TableAssembler(tmp_path / "empty.parquet", schema)
    assert pq.read_table(empty.close()).schema.equals(schema)


class _Aligned:
    """A comparer that hands back alignments already made, so the assembly alone is tested."""

    def __init__(self, alignments: pa.Table) -> None:
        self.alignments = alignments

    def fit(self, clauses):
        return self

    def align_table(self) -> pa.Table:
        return self.alignments


@pytest.mark.parametrize("per_batch", [1, 2, 64])
def test_batched_differently_the_parts_give_the_same_bytes_and_what_is_kept_is_a_copy(seed_data_dir, tmp_path,
                                                                                      monkeypatch, per_batch):
    """However many parts are read at a time, the same bytes; the columns kept for the alignment and the
    corpus-level checks are copied out of what was read, so they do not hold every part's file until the end."""
    monkeypatch.setattr(assembly, "DOCUMENTS_PER_BATCH", per_batch)
    doc_ids = pq.read_table(seed_data_dir / "documents.parquet")["doc_id"].to_pylist()
    alignments = pq.read_table(seed_data_dir / "alignments.parquet")
    checked: dict = {}
    paths = assembly.assemble_tables(tmp_path, seed_data_dir / "interim", doc_ids, _Aligned(alignments), checked=checked)
    for name in tables.SCHEMAS:
        assert paths[name].read_bytes() == (seed_data_dir / f"{name}.parquet").read_bytes(), name
    assert checked["clauses"].num_rows == pq.read_metadata(seed_data_dir / "clauses.parquet").num_rows
    assert checked["documents"]["doc_id"].to_pylist() == doc_ids
    if per_batch > 1:  # a batch of one part is one chunk already, and kept as it was read
        first = checked["clauses"]["text"].chunks[0]
        assert [buffer.parent for buffer in first.buffers() if buffer is not None] == [None, None]
    assembly.check_assembled(tmp_path, paths, checked)


def test_one_document_assembles_its_part_and_a_table_without_rows_keeps_its_schema(seed_data_dir, tmp_path):
    """A one-document corpus: each table holds that part's rows (terms with their weights), an empty one its schema."""
    doc_id = pq.read_table(seed_data_dir / "documents.parquet")["doc_id"][0].as_py()
    checked: dict = {}
    paths = assembly.assemble_tables(tmp_path, seed_data_dir / "interim", [doc_id],
                                     _Aligned(tables.SCHEMAS["alignments"].empty_table()), checked=checked)
    for name, path in paths.items():
        written = pq.read_table(path)
        assert written.schema.equals(tables.SCHEMAS[name]), name
        if name == "alignments":
            assert written.num_rows == 0
        else:
            part = read_part_table(seed_data_dir / "interim", doc_id, name)
            assert written.select(part.column_names).equals(part.cast(written.select(part.column_names).schema)), name
    assert checked["documents"]["doc_id"].to_pylist() == [doc_id]
    assembly.check_assembled(tmp_path, paths, checked)


def test_the_assembler_writes_the_same_bytes_however_the_rows_are_chunked(tmp_path):
    """Each batch is written as one chunk: Parquet's writer cuts its pages at chunk boundaries (here, 3.6 MB of text in
    three chunks gives other bytes than in one), so the bytes now depend on the rows alone, not on how they were read."""
    import random

    rows = random.Random(16)
    texts = ["".join(rows.choice("政策文本数据要素市场建设") for _ in range(400)) for _ in range(3000)]
    table = pa.table({"doc_id": [f"d{n // 100:02d}" for n in range(3000)], "text": texts})
    chunked = pa.concat_tables([table.slice(0, 1000), table.slice(1000, 1000), table.slice(2000)])
    written = []
    for name, rows_in in (("one", table), ("three", chunked)):
        assembler = TableAssembler(tmp_path / f"{name}.parquet", table.schema)
        assembler.add(rows_in)
        written.append(assembler.close())
    assert chunked["text"].num_chunks == 3
    assert written[0].read_bytes() == written[1].read_bytes()
    assert pq.read_table(written[1]).equals(table)


def test_the_alignment_in_its_own_process_gives_the_alignments_made_in_process(seed_data_dir, tmp_path, monkeypatch):
    """BackgroundAlignment reads the clauses from the parts itself (in batches, here of two) and aligns them on
    forked processes of its own (chunks of three texts): the same bytes as the assembly aligning in process."""
    import pipeline.compare as compare

    monkeypatch.setattr(assembly, "DOCUMENTS_PER_BATCH", 2)
    monkeypatch.setattr(compare, "_CHUNK_ROWS", 3)
    monkeypatch.setattr(compare, "_CHUNK_PASSAGES", 4)
    doc_ids = pq.read_table(seed_data_dir / "documents.parquet")["doc_id"].to_pylist()
    in_process = assembly.assemble_tables(tmp_path / "in", seed_data_dir / "interim", doc_ids,
                                          compare.ClauseComparer())
    with assembly.BackgroundAlignment(n_jobs=2) as aligner:
        aligner.prepare()
        checked: dict = {}
        beside = assembly.assemble_tables(tmp_path / "beside", seed_data_dir / "interim", doc_ids, aligner,
                                          checked=checked)
    assert pq.read_metadata(beside["alignments"]).num_rows > 50
    for name in tables.SCHEMAS:
        assert beside[name].read_bytes() == in_process[name].read_bytes(), name
    assert checked["alignments"].equals(pq.read_table(beside["alignments"]))
    assert aligner._call.reaped  # its process is gone


class _Failing:
    def __init__(self, how: str) -> None:
        self.how = how

    def fit(self, clauses):
        if self.how == "dies":
            os.kill(os.getpid(), signal.SIGKILL)
        raise ValueError("no vocabulary")


@pytest.mark.parametrize("how, message", [("raises", "the alignment failed: ValueError: no vocabulary"),
                                          ("dies", "the alignment failed: the worker was killed by SIGKILL")])
def test_an_alignment_that_fails_in_its_process_is_a_named_error_and_leaves_no_temporary_file(seed_data_dir, tmp_path,
                                                                                             how, message):
    doc_ids = pq.read_table(seed_data_dir / "documents.parquet")["doc_id"].to_pylist()
    with assembly.BackgroundAlignment(_Failing(how)) as aligner:
        aligner.prepare()
        with pytest.raises(TableWriteError, match=message):
            assembly.assemble_tables(tmp_path, seed_data_dir / "interim", doc_ids, aligner)
    assert aligner._call.reaped
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_an_alignment_process_never_started_is_killed_on_leaving(tmp_path):
    with assembly.BackgroundAlignment() as aligner:
        aligner.prepare()
        pid = aligner._call.pid
    assert aligner._call.reaped
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)

"""Assembled tables: the same rows give the same bytes, and a failed write leaves the old tables whole."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
import pytest

from pipeline import tables
from pipeline.corpus import extract_corpus
from pipeline.errors import TableWriteError
from pipeline.store.files import MANIFEST_NAME
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

"""The Dask engine writes the same tables, byte for byte, as the local one."""

from __future__ import annotations

import shutil
import time

import pytest

from pipeline.corpus import extract_corpus
from pipeline.errors import EngineError
from pipeline.store.engines import Failure, Limits, _bounded
from pipeline.tables import SCHEMAS
from tests.conftest import SEEDS

distributed = pytest.importorskip("distributed", reason="the dask extra is part of the dev extra")


@pytest.fixture(scope="module")
def small_seeds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seeds")
    for name in ("sichuan2024", "sichuan2025", "shandong2023"):
        shutil.copy(SEEDS[name], folder)
    return folder


def _bytes(folder):
    files = [f"{name}.parquet" for name in SCHEMAS] + ["manifest.json"]
    return {name: (folder / name).read_bytes() for name in files}


def test_a_local_dask_cluster_writes_the_same_bytes_as_the_local_engine(small_seeds, tmp_path, toolkit):
    extract_corpus(small_seeds, tmp_path / "local", toolkit)
    report = extract_corpus(small_seeds, tmp_path / "dask", engine="dask", workers=2)
    assert report.ok and len(report.processed) == 3
    assert _bytes(tmp_path / "dask") == _bytes(tmp_path / "local")


def test_a_running_scheduler_is_used_by_address(small_seeds, tmp_path, toolkit):
    extract_corpus(small_seeds, tmp_path / "local", toolkit)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        report = extract_corpus(small_seeds, tmp_path / "remote", engine="dask", scheduler=cluster.scheduler_address)
        assert len(report.processed) == 3
    assert _bytes(tmp_path / "remote") == _bytes(tmp_path / "local")


def test_an_unreachable_scheduler_is_a_named_error(small_seeds, tmp_path):
    with pytest.raises(EngineError, match="tcp://127.0.0.1:1"):
        extract_corpus(small_seeds, tmp_path / "data", engine="dask", scheduler="tcp://127.0.0.1:1")


def test_a_dask_task_is_bounded_like_a_local_one(tmp_path):
    outcome = _bounded((time.sleep, 30, Limits(seconds=1)))
    assert outcome == Failure("too slow", "still running after 1 s; stopped")
    assert _bounded((len, "abc", Limits(seconds=5))) == 3

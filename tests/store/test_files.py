"""The data folder as files: one run at a time, tables switched in as one set, leftovers of killed runs cleaned."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.corpus import check_corpus, extract_corpus
from pipeline.errors import DataLockedError, TableWriteError
from pipeline.store import files
from pipeline.store.files import INTERIM_NAME, SWITCH_NAME, DataLock, write_atomically
from pipeline.store.manifest import Manifest, file_sha256
from pipeline.store.parts import part_path
from tests.hostile import document
from tests.test_reliability import ROOT, _assert_valid, _corpus, _documents

runner = CliRunner()


def test_a_second_run_on_a_locked_data_folder_refuses(tmp_path, toolkit):
    seeds, data = _corpus(tmp_path / "seeds"), tmp_path / "data"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pipeline.store.files import DataLock; lock = DataLock(sys.argv[1]); lock.__enter__();"
                               " print('held', flush=True); time.sleep(120)", str(data)],
        env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DataLockedError, match="is being written by another run"):
            extract_corpus(seeds, data, toolkit)
        result = runner.invoke(app, ["extract", str(seeds), "--out", str(data)])
        assert result.exit_code == 1
        assert result.output.count("\n") == 1 and f"process {holder.pid} holds" in result.output
    finally:
        holder.kill()
        holder.wait()
    with DataLock(data):  # and twice from one process
        with pytest.raises(DataLockedError, match="already writing it"):
            extract_corpus(seeds, data, toolkit)
    assert extract_corpus(seeds, data, toolkit).ok


@pytest.mark.big
def test_two_concurrent_runs_never_corrupt_the_data_folder(tmp_path):
    seeds, data = _corpus(tmp_path / "seeds", other=document("一、目标\n（一）到2026年，建成算力中心。")), tmp_path / "data"
    command = [sys.executable, "-m", "pipeline.cli", "extract", str(seeds), "--out", str(data), "--workers", "1"]
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    runs = [subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = [(run.wait(), run.stderr.read()) for run in runs]
    assert sorted(code for code, _ in results) in ([0, 0], [0, 1])
    for code, errors in results:
        if code:
            assert "is being written by another run" in errors and errors.count("\n") == 1
    _assert_valid(data)
    assert _documents(data) == {"good.txt", "other.txt"}


def test_a_run_stopped_between_the_renames_is_completed_by_the_next(tmp_path, toolkit, monkeypatch):
    seeds, data = _corpus(tmp_path / "seeds"), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    (seeds / "new.txt").write_text(document("一、目标\n（一）到2026年，建成算力中心。"), encoding="utf-8")
    real_replace, calls = os.replace, []

    def dying_replace(source, target):
        calls.append(target)
        if str(target).endswith(".parquet") and len([c for c in calls if str(c).endswith(".parquet")]) == 4:
            raise SystemExit("killed")  # as a kill would: after three of the nine tables were renamed
        real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", dying_replace)
    with pytest.raises(SystemExit):
        extract_corpus(seeds, data, toolkit)
    monkeypatch.setattr(files.os, "replace", real_replace)
    assert (data / SWITCH_NAME).exists()
    assert any("stopped while putting its tables in place" in line for line in check_corpus(seeds, data, toolkit=toolkit))
    report = extract_corpus(seeds, data, toolkit)
    assert not (data / SWITCH_NAME).exists() and report.processed == []
    assert _documents(data) == {"good.txt", "new.txt"}
    _assert_valid(data)
    assert not list(data.glob(".*.tmp"))


@pytest.mark.big
def test_a_kill_at_twenty_random_moments_leaves_a_consistent_set(tmp_path, toolkit):
    seeds, data = _corpus(tmp_path / "seeds", other=document("一、目标\n（一）到2026年，建成算力中心。")), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    command = [sys.executable, "-m", "pipeline.cli", "extract", str(seeds), "--out", str(data), "--workers", "1"]
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    rng = random.Random(18)
    for moment in range(20):
        for path in seeds.iterdir():  # every document changes: each run has everything to redo
            path.write_text(path.read_text(encoding="utf-8") + f"\n第{moment}次修改。", encoding="utf-8")
        process_ = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 8.0))
        process_.send_signal(signal.SIGKILL)
        process_.wait()
        files.finish_switch(data)  # what the next run does first
        manifest = Manifest.read(data)
        assert manifest is not None, moment
        for name, digest in manifest.tables.items():
            assert file_sha256(data / f"{name}.parquet") == digest, (moment, name)
    assert extract_corpus(seeds, data, toolkit).ok
    _assert_valid(data)


def test_temporary_leftovers_of_killed_runs_are_cleaned(tmp_path, toolkit):
    seeds, data = _corpus(tmp_path / "seeds"), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    part = part_path(data / INTERIM_NAME, "good.txt")
    leftovers = [data / ".clauses.parquet.x1.tmp", part.with_name(f".{part.name}.x2.tmp")]
    for path in leftovers:
        path.write_bytes(b"half")
    extract_corpus(seeds, data, toolkit)
    assert not any(path.exists() for path in leftovers)


def test_an_output_path_that_is_a_file_is_one_line(tmp_path, toolkit):
    seeds, out = _corpus(tmp_path / "seeds"), tmp_path / "out"
    out.write_text("not a folder")
    with pytest.raises(TableWriteError, match="--out is a file"):
        extract_corpus(seeds, out, toolkit)
    result = runner.invoke(app, ["extract", str(seeds), "--out", str(out)])
    assert result.exit_code == 1 and result.output == f"error: {out}: table could not be written (--out is a file, not a folder)\n"


def test_an_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "folder" / "note.json"
    write_atomically(target, b"first")
    write_atomically(target, b"second")
    assert target.read_bytes() == b"second" and sorted(p.name for p in target.parent.iterdir()) == ["note.json"]

"""A run survives bad documents, bounds each one, holds its data folder alone and replaces the tables as one set.

Every failure is asserted as the user sees it: the one-line message, the exit
status of `policy extract`, the other documents' rows intact and the tables
valid.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipeline import corpus, process, store
from pipeline.cli import app
from pipeline.corpus import check_corpus, extract_corpus
from pipeline.engines import Failure, Limits, _bounded
from pipeline.errors import CorpusMismatchError, DataLockedError, TableWriteError
from pipeline.store import INTERIM_NAME, MANIFEST_NAME, SWITCH_NAME, DataLock, Manifest, file_sha256, part_dir
from pipeline.tables import SCHEMAS
from pipeline.validate import errors_only, validate_tables
from tests.hostile import GOOD, document

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def _corpus(folder: Path, **documents: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    for name, text in documents.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def _bad(marker: str) -> str:
    return document(f"一、目标\n（一）到2025年，{marker}建成数据平台。\n（二）加强保障。")


def _documents(data: Path) -> set[str]:
    return set(pq.read_table(data / "documents.parquet")["doc_id"].to_pylist())


def _assert_valid(data: Path) -> None:
    tables = {name: pq.read_table(data / f"{name}.parquet") for name in SCHEMAS}
    assert errors_only(validate_tables(tables)) == []
    manifest = Manifest.read(data)
    assert manifest is not None
    assert all(file_sha256(data / f"{name}.parquet") == digest for name, digest in manifest.tables.items())


def _failures(report) -> dict[str, str]:
    return {Path(error.path).name: str(error) for error in report.failures}


# --- Quarantine -------------------------------------------------------------------

def _spoil_themes_of(marker: str, monkeypatch) -> None:
    """Give the document whose text holds ``marker`` a theme score of 5 (outside (0, 1])."""
    original = process.themes

    def spoiled(described):
        themed = original(described)
        if any(marker in row["text"] for row in described.segmented.clause_rows) and themed.theme_rows:
            themed.theme_rows[0] = dict(themed.theme_rows[0], score=5.0)
        return themed

    monkeypatch.setattr(process, "themes", spoiled)


def test_a_document_whose_rows_break_a_check_is_left_out_and_the_others_written(tmp_path, toolkit, monkeypatch):
    seeds = _corpus(tmp_path / "seeds", bad=_bad("坏"))
    data = tmp_path / "data"
    _spoil_themes_of("坏", monkeypatch)
    report = extract_corpus(seeds, data, toolkit)
    message = _failures(report)["bad.txt"]
    assert "left out: its rows break a declared check" in message
    assert "themes: between(score): 1 row, first row 0: doc_id='bad.txt'" in message and "\n" not in message
    assert report.processed == ["good.txt"] and _documents(data) == {"good.txt"}
    assert Manifest.read(data).documents["bad.txt"]["error"] == message
    _assert_valid(data)
    # Reported again on the next run, from the manifest, without processing it again.
    result = runner.invoke(app, ["extract", str(seeds), "--out", str(data)])
    assert result.exit_code == 1 and "bad.txt: left out: its rows break a declared check" in result.output
    assert "up to date" in result.output


def test_a_real_fact_before_1949_is_not_a_violation(tmp_path, toolkit):
    seeds = _corpus(tmp_path / "seeds", history=document(
        "一、沿革\n（一）1911年以来的档案均予保存。\n（二）到2027年，数字化率达到80%。", signed="1948年10月1日"))
    report = extract_corpus(seeds, tmp_path / "data", toolkit)
    assert report.ok and sorted(report.processed) == ["good.txt", "history.txt"]
    documents = pq.read_table(tmp_path / "data" / "documents.parquet").to_pandas().set_index("doc_id")
    assert documents.loc["history.txt", "issue_date"].year == 1948


def test_an_exception_inside_one_document_is_that_documents_one_line_failure(tmp_path, toolkit, monkeypatch):
    seeds = _corpus(tmp_path / "seeds", crash=_bad("崩"))
    original = process.segment

    def segment(canonical):  # the segment stage: a canonical text in
        text = canonical.normalized.text
        if "崩" in text:
            raise KeyError("/Resources")  # what pdfminer raises on a damaged page
        return original(canonical)

    monkeypatch.setattr(process, "segment", segment)
    report = extract_corpus(seeds, tmp_path / "data", toolkit)
    assert _failures(report)["crash.txt"].endswith("crash.txt: could not be processed (KeyError: '/Resources')")
    assert _documents(tmp_path / "data") == {"good.txt"}
    _assert_valid(tmp_path / "data")


@pytest.mark.parametrize("what, expected", [
    ("sleep", "too slow (still running after 2 s; stopped)"),
    ("allocate", "document is too large (over the memory limit of 256 MB)"),
    ("segfault", "processing crashed (the worker was killed by SIGSEGV)"),
    ("exit", "processing crashed (the worker exited with status 3)"),
])
def test_a_document_over_a_bound_or_killing_its_worker_fails_alone(tmp_path, toolkit, monkeypatch, what, expected):
    seeds = _corpus(tmp_path / "seeds", hostile=_bad("毒"), other=document("一、目标\n（一）到2026年，建成算力中心。"))
    original = process.segment

    def segment(canonical):  # the segment stage: a canonical text in
        text = canonical.normalized.text
        if "毒" in text:
            if what == "sleep":
                time.sleep(600)
            elif what == "allocate":
                _ = bytearray(2 * 2**30)
            elif what == "segfault":
                os.kill(os.getpid(), signal.SIGSEGV)
            else:
                os._exit(3)
        return original(canonical)

    monkeypatch.setattr(process, "segment", segment)
    report = extract_corpus(seeds, tmp_path / "data", toolkit, workers=2, limits=Limits(seconds=2, memory=256 * 2**20))
    assert _failures(report)["hostile.txt"].endswith(f"hostile.txt: {expected}")
    assert sorted(report.processed) == ["good.txt", "other.txt"]
    _assert_valid(tmp_path / "data")


def test_a_too_slow_document_is_remembered_and_retried_once_the_limit_is_raised(tmp_path, toolkit, monkeypatch):
    seeds, data = _corpus(tmp_path / "seeds", slow=_bad("慢")), tmp_path / "data"
    original = process.segment

    def segment(canonical):  # the segment stage: a canonical text in
        text = canonical.normalized.text
        if "慢" in text:
            time.sleep(4)
        return original(canonical)

    monkeypatch.setattr(process, "segment", segment)
    first = extract_corpus(seeds, data, toolkit, limits=Limits(seconds=1))
    assert "too slow" in _failures(first)["slow.txt"]
    again = extract_corpus(seeds, data, toolkit, limits=Limits(seconds=1))
    assert again.up_to_date and "too slow" in _failures(again)["slow.txt"]
    raised = extract_corpus(seeds, data, toolkit, limits=Limits(seconds=60))
    assert raised.ok and raised.processed == ["slow.txt"] and _documents(data) == {"good.txt", "slow.txt"}


def test_a_full_disk_while_writing_a_part_fails_that_document_now_and_is_retried(tmp_path, toolkit, monkeypatch):
    import errno

    seeds, data = _corpus(tmp_path / "seeds", full=_bad("满")), tmp_path / "data"
    original = corpus.write_part

    def write_part(interim, source, *args):
        if source.doc_id == "full.txt":
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(interim, source, *args)

    monkeypatch.setattr(corpus, "write_part", write_part)
    first = extract_corpus(seeds, data, toolkit)
    assert "table could not be written (full.txt: OSError: [Errno 28] No space left on device)" in _failures(first)["full.txt"]
    assert _documents(data) == {"good.txt"}
    monkeypatch.setattr(corpus, "write_part", original)
    assert extract_corpus(seeds, data, toolkit).processed == ["full.txt"]


def test_a_dask_task_is_bounded_like_a_local_one(tmp_path):
    outcome = _bounded((time.sleep, 30, Limits(seconds=1)))
    assert outcome == Failure("too slow", "still running after 1 s; stopped")
    assert _bounded((len, "abc", Limits(seconds=5))) == 3


# --- The data folder --------------------------------------------------------------

def test_a_second_run_on_a_locked_data_folder_refuses(tmp_path, toolkit):
    seeds, data = _corpus(tmp_path / "seeds"), tmp_path / "data"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pipeline.store import DataLock; lock = DataLock(sys.argv[1]); lock.__enter__();"
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

    monkeypatch.setattr(store.os, "replace", dying_replace)
    with pytest.raises(SystemExit):
        extract_corpus(seeds, data, toolkit)
    monkeypatch.setattr(store.os, "replace", real_replace)
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
        store.finish_switch(data)  # what the next run does first
        manifest = Manifest.read(data)
        assert manifest is not None, moment
        for name, digest in manifest.tables.items():
            assert file_sha256(data / f"{name}.parquet") == digest, (moment, name)
    assert extract_corpus(seeds, data, toolkit).ok
    _assert_valid(data)


@pytest.mark.parametrize("body", ["[]", '"text"', "{}", '{"code": 1}', '{"code": "x", "documents": "x", "tables": {}}',
                                  '{"code": "x", "documents": {"a.txt": "b"}, "tables": {}}', "{not json", ""])
def test_a_manifest_of_any_shape_is_rebuilt(tmp_path, toolkit, body):
    seeds, data = _corpus(tmp_path / "seeds"), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    (data / MANIFEST_NAME).write_text(body, encoding="utf-8")
    report = extract_corpus(seeds, data, toolkit)
    assert report.ok and not report.up_to_date and report.reused == ["good.txt"]
    _assert_valid(data)


@pytest.mark.parametrize("damage", ["truncate", "delete", "garbage", "part.json list"])
def test_a_damaged_cache_part_is_detected_and_rebuilt(tmp_path, toolkit, damage):
    seeds, data = _corpus(tmp_path / "seeds"), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    part = part_dir(data / INTERIM_NAME, "good.txt")
    clauses = part / "clauses.arrow"
    if damage == "truncate":
        clauses.write_bytes(clauses.read_bytes()[:100])
    elif damage == "delete":
        clauses.unlink()
    elif damage == "garbage":
        clauses.write_bytes(b"x" * clauses.stat().st_size)
    else:
        (part / "part.json").write_text("[1, 2]", encoding="utf-8")
    (data / "clauses.parquet").unlink()  # and a table gone, so the run cannot be up to date
    report = extract_corpus(seeds, data, toolkit)
    assert report.processed == ["good.txt"]
    _assert_valid(data)


def test_temporary_leftovers_of_killed_runs_are_cleaned(tmp_path, toolkit):
    seeds, data = _corpus(tmp_path / "seeds"), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    leftovers = [data / ".clauses.parquet.x1.tmp", part_dir(data / INTERIM_NAME, "good.txt") / ".part.json.x2.tmp"]
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


# --- The folder is a boundary ----------------------------------------------------

def test_the_output_folder_inside_the_input_is_never_read(tmp_path, toolkit):
    seeds = _corpus(tmp_path / "seeds")
    data = seeds / "data"
    extract_corpus(seeds, data, toolkit)
    (data / "report.html").write_text("<html><body>" + "<p>一、报告正文。</p>" * 40 + "</body></html>", encoding="utf-8")
    (data / "note.txt").write_text(document("一、目标\n（一）不是输入。"), encoding="utf-8")
    report = extract_corpus(seeds, data, toolkit)
    assert report.ok and _documents(data) == {"good.txt"}
    assert any("data: skipped" in str(note) for note in report.skipped)


def test_jieba_caches_its_dictionary_in_a_private_folder():
    from pipeline.extract.tokenizer import JiebaSegmenter

    folder = Path(JiebaSegmenter()._jieba.tmp_dir)
    assert not str(folder).startswith("/tmp") and folder.stat().st_mode & 0o022 == 0  # nobody else can plant a cache
    assert folder.stat().st_uid == os.getuid()


# --- Identity --------------------------------------------------------------------

def test_another_corpus_over_a_data_folder_is_refused_unless_replace(tmp_path, toolkit):
    first, second, data = _corpus(tmp_path / "first"), tmp_path / "second", tmp_path / "data"
    second.mkdir()
    (second / "other.txt").write_text(document("一、目标\n（一）到2026年，建成算力中心。"), encoding="utf-8")
    extract_corpus(first, data, toolkit)
    with pytest.raises(CorpusMismatchError, match="holds the 1 documents of first; extracting .* would remove 1"):
        extract_corpus(second, data, toolkit)
    result = runner.invoke(app, ["extract", str(second), "--out", str(data)])
    assert result.exit_code == 1 and "Pass --replace" in result.output and result.output.count("\n") == 1
    assert _documents(data) == {"good.txt"}
    result = runner.invoke(app, ["extract", str(second), "--out", str(data), "--replace"])
    assert result.exit_code == 0 and "1 removed (good.txt)" in result.output
    assert _documents(data) == {"other.txt"}
    # Removing a document from one's own corpus needs no --replace, and names it.
    (second / "more.txt").write_text(GOOD, encoding="utf-8")
    extract_corpus(second, data, toolkit)
    (second / "other.txt").unlink()
    assert extract_corpus(second, data, toolkit).removed == ["other.txt"]


def test_doc_ids_never_collide_and_depend_only_on_the_path(tmp_path, toolkit):
    seeds = _corpus(tmp_path / "seeds")
    for name in ("plan.txt", "x/a.txt", "x_a.txt", "x__a.txt"):
        (seeds / name).parent.mkdir(exist_ok=True)
        (seeds / name).write_text(document(f"一、目标\n（一）到2025年，{name}建成数据平台。"), encoding="utf-8")
    (seeds / "plan.html").write_text("<html><head><title>关于数据的通知</title></head><body>"
                                     + "".join(f"<p>{line}</p>" for line in document(
                                         "一、目标\n（一）到2026年，网页版建成数据交易所。").splitlines())
                                     + "</body></html>", encoding="utf-8")
    report = extract_corpus(seeds, tmp_path / "data", toolkit)
    wanted = {"good.txt", "plan.txt", "plan.html", "x/a.txt", "x_a.txt", "x__a.txt"}
    assert report.ok and set(report.processed) == wanted and _documents(tmp_path / "data") == wanted
    again = extract_corpus(seeds, tmp_path / "other", toolkit)
    assert sorted(again.processed) == sorted(report.processed)


def test_labels_are_unique_and_do_not_change_when_another_document_arrives():
    from pipeline.views import clause_counts, document_labels

    def frame(*rows):
        return pd.DataFrame([{"doc_id": d, "issuer": i, "title": "", "issue_date": pd.Timestamp(y, 1, 1),
                              "publish_date": pd.NaT} for d, i, y in rows])

    two = frame(("guizhou_2024_a.txt", "贵州省人民政府", 2024), ("guizhou_2024_b.txt", "贵州省人民政府", 2024),
                ("sichuan_2019.txt", "四川省人民政府", 2019))
    labels = document_labels(two)
    assert labels.is_unique
    assert labels["guizhou_2024_a.txt"] == "贵州 2024 (guizhou_2024_a)" and labels["sichuan_2019.txt"] == "四川 2019"
    more = pd.concat([two, frame(("sichuan_2024.txt", "四川省人民政府", 2024),
                                 ("x/guizhou_2024_a.txt", "贵州省人民政府", 2023))])
    assert document_labels(more)[two["doc_id"]].tolist() == labels.tolist()
    same_stem = frame(("a/p.txt", "贵州省人民政府", 2024), ("b/p.txt", "贵州省人民政府", 2024))
    assert document_labels(same_stem).tolist() == ["贵州 2024 (a/p.txt)", "贵州 2024 (b/p.txt)"]
    clauses = pd.DataFrame({"doc_id": two["doc_id"], "clause_id": "1", "kind": "section"})
    assert len(clause_counts({"documents": two, "clauses": clauses})) == 3  # pivots no longer fail on duplicates


# --- Real corpora -----------------------------------------------------------------

REAL_CORPUS = ROOT.parent / "shared" / "corpus"  # CI lays shared/ beside the clone


@pytest.mark.big
@pytest.mark.skipif(not REAL_CORPUS.is_dir(), reason="the development corpus ../shared/corpus is not on this machine")
def test_the_real_corpus_and_the_seeds_together_write_tables(tmp_path):
    import shutil

    folder = tmp_path / "corpus"
    shutil.copytree(REAL_CORPUS, folder / "shared")
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    result = runner.invoke(app, ["extract", str(folder), "--out", str(tmp_path / "data"), "--workers", "2"])
    documents = _documents(tmp_path / "data")
    assert {f"seeds/{path.name}" for path in (ROOT / "seeds").glob("*.txt")} <= documents
    corpus_files = {f"shared/{path.name}" for path in REAL_CORPUS.iterdir() if path.name.startswith("d")}
    assert corpus_files <= documents, result.output
    assert result.exit_code == 0 and "error:" not in result.output, result.output
    _assert_valid(tmp_path / "data")



@pytest.mark.skipif(not REAL_CORPUS.is_dir(), reason="../shared/corpus is not beside this clone")
def test_real_documents_pass_the_default_memory_limit_in_bounded_workers(tmp_path):
    # Arrow's default allocator reserved gigabytes of address space on the
    # first check of each document, after RLIMIT_AS was set: every real
    # document failed as "too large" in the pool (but not in-process).
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("d001_national_internet_plus_guideline_2015.pdf", "d006_zhongshan_gov_data_measures_2020.txt",
                 "d031_shanghai_basic_research_measures_2025.md"):
        (seeds / name).write_bytes((REAL_CORPUS / name).read_bytes())
    report = extract_corpus(seeds, tmp_path / "data", workers=2, limits=Limits())
    assert [str(f) for f in report.failures] == [] and len(report.processed) == 3

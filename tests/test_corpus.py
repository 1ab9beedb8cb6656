"""A folder to tables: incremental runs, the manifest, --check, failures, symlink loops, interrupted runs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipeline import corpus
from pipeline.cli import app
from pipeline.corpus import check_corpus, extract_corpus
from pipeline.store.files import INTERIM_NAME, MANIFEST_NAME
from pipeline.store.manifest import Manifest
from pipeline.store.parts import part_path
from pipeline.tables import SCHEMAS
from tests.conftest import SEEDS

runner = CliRunner()
SMALL = ("sichuan2025", "shandong2023")


def _seeds(folder: Path, names=SMALL) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SEEDS[name], folder / SEEDS[name].name)
    return folder


def _table_bytes(data: Path) -> dict[str, bytes]:
    return {name: (data / f"{name}.parquet").read_bytes() for name in SCHEMAS}


def _doc_ids(data: Path, table: str) -> set[str]:
    column = "doc_a" if table == "alignments" else "doc_id"
    frame = pq.read_table(data / f"{table}.parquet", columns=[column]).to_pandas()
    return set(frame[column])


def test_a_second_run_with_nothing_changed_does_no_document_work(tmp_path, toolkit, monkeypatch):
    seeds, data = _seeds(tmp_path / "seeds"), tmp_path / "data"
    first = extract_corpus(seeds, data, toolkit)
    assert sorted(first.processed) == sorted(SEEDS[n].name for n in SMALL) and first.ok
    before = _table_bytes(data)

    def no_work(*args, **kwargs):
        raise AssertionError("a document was processed although nothing changed")

    monkeypatch.setattr(corpus, "build_part", no_work)
    started = time.perf_counter()
    second = extract_corpus(seeds, data, toolkit)
    elapsed = time.perf_counter() - started
    assert second.up_to_date and second.processed == [] and len(second.reused) == 2
    assert _table_bytes(data) == before
    print(f"no-change run: {elapsed * 1000:.1f} ms")


def test_adding_a_document_processes_only_that_one_and_removing_one_drops_its_rows(tmp_path, toolkit):
    seeds, data = _seeds(tmp_path / "seeds"), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    shutil.copy(SEEDS["sichuan2024"], seeds)
    added = extract_corpus(seeds, data, toolkit)
    assert added.processed == [SEEDS["sichuan2024"].name] and len(added.reused) == 2
    assert SEEDS["sichuan2024"].name in _doc_ids(data, "clauses")
    # The new document is aligned with the others: the free-trade-zone sentence it shares with Sichuan 2025.
    assert SEEDS["sichuan2024"].name in _doc_ids(data, "alignments")

    (seeds / SEEDS["shandong2023"].name).unlink()
    removed = extract_corpus(seeds, data, toolkit)
    gone = SEEDS["shandong2023"].name
    assert removed.removed == [gone] and removed.processed == []
    for table in SCHEMAS:
        assert gone not in _doc_ids(data, table), table
    assert not part_path(data / INTERIM_NAME, gone).exists() and len(list((data / INTERIM_NAME).iterdir())) == 2
    assert gone not in Manifest.read(data).documents


def test_incremental_tables_equal_a_fresh_run(tmp_path, toolkit):
    seeds, data, fresh = _seeds(tmp_path / "seeds"), tmp_path / "data", tmp_path / "fresh"
    extract_corpus(seeds, data, toolkit)
    shutil.copy(SEEDS["jiangxi2022"], seeds)
    extract_corpus(seeds, data, toolkit)
    extract_corpus(seeds, fresh, toolkit)
    assert _table_bytes(data) == _table_bytes(fresh)
    assert (data / MANIFEST_NAME).read_bytes() == (fresh / MANIFEST_NAME).read_bytes()


def test_worker_processes_write_the_same_bytes(tmp_path, toolkit):
    seeds = _seeds(tmp_path / "seeds")
    extract_corpus(seeds, tmp_path / "one", toolkit, workers=1)
    parallel = extract_corpus(seeds, tmp_path / "two", workers=2)
    assert len(parallel.processed) == 2
    assert _table_bytes(tmp_path / "one") == _table_bytes(tmp_path / "two")


def test_check_catches_a_hand_edited_table_and_the_next_run_repairs_it(tmp_path, toolkit):
    seeds, data = _seeds(tmp_path / "seeds"), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    assert check_corpus(seeds, data, toolkit=toolkit) == []
    original = (data / "documents.parquet").read_bytes()
    table = pq.read_table(data / "documents.parquet")
    titles = table.column("title").to_pylist()
    edited = table.set_column(table.schema.get_field_index("title"), "title", pa.array(["手工修改的标题"] + titles[1:]))
    pq.write_table(edited, data / "documents.parquet")
    differences = check_corpus(seeds, data, toolkit=toolkit)
    assert len(differences) == 1 and "documents.parquet" in differences[0]
    result = runner.invoke(app, ["extract", str(seeds), "--out", str(data), "--check"])
    assert result.exit_code == 1 and "documents.parquet" in result.output
    # A normal run sees the table does not match the manifest and rewrites it from the cached parts.
    repaired = extract_corpus(seeds, data, toolkit)
    assert not repaired.up_to_date and repaired.processed == []
    assert (data / "documents.parquet").read_bytes() == original


def test_check_reports_missing_tables(tmp_path, toolkit):
    seeds = _seeds(tmp_path / "seeds", ("sichuan2025",))
    differences = check_corpus(seeds, tmp_path / "empty", toolkit=toolkit)
    assert any("manifest.json: missing" in line for line in differences)
    assert any("clauses.parquet: missing" in line for line in differences)


def test_a_bad_document_is_reported_on_every_run_without_being_retried(tmp_path, toolkit, monkeypatch):
    seeds, data = _seeds(tmp_path / "seeds", ("sichuan2025",)), tmp_path / "data"
    (seeds / "empty.txt").write_bytes(b"")
    first = extract_corpus(seeds, data, toolkit)
    assert [error.path.name for error in first.failures] == ["empty.txt"]
    assert "file is empty" in str(first.failures[0]) and not first.ok
    assert _doc_ids(data, "documents") == {SEEDS["sichuan2025"].name}
    monkeypatch.setattr(corpus, "build_part", lambda *a, **k: pytest.fail("retried"))
    again = extract_corpus(seeds, data, toolkit)
    assert again.up_to_date and [str(e) for e in again.failures] == [str(e) for e in first.failures]
    assert not again.ok


def test_an_interrupted_run_leaves_the_previous_tables_intact(tmp_path, toolkit):
    """Kill `policy extract` at several moments of a run; every table stays readable and whole."""
    seeds, data, expected = _seeds(tmp_path / "seeds", ("sichuan2025", "shandong2023", "jiangxi2022")), \
        tmp_path / "data", tmp_path / "expected"
    extract_corpus(seeds, data, toolkit)
    previous = _table_bytes(data)
    # Change every document so the next run has everything to redo.
    for path in seeds.iterdir():
        path.write_bytes(path.read_bytes() + "\n".encode())
    extract_corpus(seeds, expected, toolkit)
    following = _table_bytes(expected)
    command = [sys.executable, "-m", "pipeline.cli", "extract", str(seeds), "--out", str(data), "--workers", "1"]
    environment = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    for delay in (0.5, 2.0, 4.0, 6.0):
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        for name in SCHEMAS:
            written = (data / f"{name}.parquet").read_bytes()
            assert written in (previous[name], following[name]), name
            pq.read_table(data / f"{name}.parquet")
    leftovers = [p.name for p in data.iterdir() if p.name.endswith(".tmp")]
    # A killed run may leave its temporary files; they are never mistaken for tables.
    assert all(name.startswith(".") for name in leftovers)
    finished = extract_corpus(seeds, data, toolkit)
    assert finished.ok
    assert _table_bytes(data) == following


# --- Parts are checked by the run's parent, many at once; a stopped run reuses none unchecked ----

class Killed(BaseException):
    """The run stopped here, as by a kill: nothing after it runs (a BaseException, so no handler takes it)."""


def test_a_run_stopped_before_checking_its_parts_leaves_them_unchecked_and_the_next_run_checks_them(
        tmp_path, toolkit, monkeypatch):
    from tests.test_reliability import _assert_valid, _bad, _corpus, _documents, _failures, _spoil_themes_of

    seeds, data, fresh = _corpus(tmp_path / "seeds", bad=_bad("坏"), fine=_bad("好")), tmp_path / "data", \
        tmp_path / "fresh"
    _spoil_themes_of("坏", monkeypatch)  # bad.txt's rows break between(score)
    check_parts = corpus.check_parts

    def stopped(interim, sources, code):  # good.txt's part is checked, then the run is stopped
        check_parts(interim, [source for source in sources if source.doc_id == "good.txt"], code)
        raise Killed

    monkeypatch.setattr(corpus, "check_parts", stopped)
    with pytest.raises(Killed):
        extract_corpus(seeds, data, toolkit)
    interim = data / INTERIM_NAME
    assert sorted(path.name.rsplit("-", 1)[0] + path.suffix for path in interim.iterdir()) == \
        ["bad.txt.unchecked", "fine.txt.unchecked", "good.txt.part"]
    assert not (data / "documents.parquet").exists() and not (data / MANIFEST_NAME).exists()

    monkeypatch.setattr(corpus, "check_parts", check_parts)
    monkeypatch.setattr(corpus, "build_part", lambda *a, **k: pytest.fail("processed again"))
    report = extract_corpus(seeds, data, toolkit)
    assert sorted(report.processed) == ["fine.txt"] and report.reused == ["good.txt"]
    message = _failures(report)["bad.txt"]
    assert "themes: between(score): 1 row, first row 0: doc_id='bad.txt'" in message and "\n" not in message
    assert _documents(data) == {"good.txt", "fine.txt"}
    assert sorted(path.name.rsplit("-", 1)[0] + path.suffix for path in interim.iterdir()) == \
        ["fine.txt.part", "good.txt.part"]  # the part that failed its check is gone, never assembled
    _assert_valid(data)
    # As a run that was never stopped: the same tables, manifest and message.
    monkeypatch.undo()
    _spoil_themes_of("坏", monkeypatch)
    whole = extract_corpus(seeds, fresh, toolkit)
    assert _failures(whole)["bad.txt"] == message
    assert _table_bytes(data) == _table_bytes(fresh)
    assert (data / MANIFEST_NAME).read_bytes() == (fresh / MANIFEST_NAME).read_bytes()


def test_a_warning_check_lands_in_documents_warnings_and_the_part_as_before(tmp_path, toolkit, monkeypatch):
    import dataclasses
    import datetime

    from pipeline import process
    from pipeline.store.parts import read_part_info
    from pipeline.store.sources import list_sources
    from pipeline.store.validation import check_document
    from tests.test_reliability import _corpus

    seeds, data = _corpus(tmp_path / "seeds", late=_seeds_text("sichuan2025")), tmp_path / "data"
    original = process.metadata

    def published_before_issued(segmented):  # a site that prints a publication date before the signing date
        described = original(segmented)
        row = described.document_row
        if row["doc_id"] == "late.txt":
            row = dict(row, publish_date=row["issue_date"] - datetime.timedelta(days=1))
        return dataclasses.replace(described, document_row=row)

    monkeypatch.setattr(process, "metadata", published_before_issued)
    # What a document's own check before its part was written gave, and where it went.
    source = next(source for source in list_sources(seeds)[0] if source.doc_id == "late.txt")
    document = process.run_document(source, toolkit)
    reason, warnings = check_document(document.to_arrow())
    assert reason is None and [w.split(":")[0] for w in warnings] == ["issued_before_published"]
    expected = [*document.warnings, *warnings]

    report = extract_corpus(seeds, data, toolkit)
    assert report.ok and sorted(report.processed) == ["good.txt", "late.txt"]
    documents = pq.read_table(data / "documents.parquet").to_pandas().set_index("doc_id")
    assert list(documents.loc["late.txt", "warnings"]) == expected
    assert list(documents.loc["good.txt", "warnings"]) == []
    assert read_part_info(data / INTERIM_NAME, "late.txt")["warnings"] == expected
    assert not part_path(data / INTERIM_NAME, "late.txt", checked=False).exists()
    # The checked part is reused as it is: its warnings are not added twice.
    before = _table_bytes(data)
    (data / MANIFEST_NAME).unlink()
    again = extract_corpus(seeds, data, toolkit)
    assert sorted(again.reused) == ["good.txt", "late.txt"] and _table_bytes(data) == before


def _seeds_text(name: str) -> str:
    return SEEDS[name].read_text(encoding="utf-8")

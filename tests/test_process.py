"""The one path of a document: its declared stages, the stage hook, and bytes read once."""

from __future__ import annotations

import shutil

import pytest

from pipeline import config, corpus, process
from pipeline.errors import UnreadableDocumentError
from pipeline.process import STAGES, run_document, segment_document
from pipeline.store.sources import list_sources, read_source
from pipeline.tables import DOCUMENT_TABLES, PART_SCHEMAS
from tests.conftest import SEEDS

SEED = SEEDS["sichuan2025"]


@pytest.fixture
def folder(tmp_path):
    shutil.copy(SEED, tmp_path / SEED.name)
    return tmp_path


def test_every_stage_is_reported_once_in_the_declared_order(folder, toolkit):
    reported = []
    document = run_document(folder / SEED.name, toolkit, seeds_dir=folder,
                            on_stage=lambda name, seconds: reported.append((name, seconds)))
    assert [name for name, _ in reported] == list(STAGES)
    assert all(seconds >= 0 for _, seconds in reported)
    # Every table gets rows whose keys are exactly its part's columns.
    assert set(document.rows) == set(DOCUMENT_TABLES)
    for table, rows in document.rows.items():
        assert all(row.keys() == set(PART_SCHEMAS[table].names) for row in rows), table
    assert document.rows["documents"][0]["n_clauses"] == len(document.rows["clauses"]) > 20


def test_segment_document_is_the_first_stages_of_the_path(folder, toolkit, converter):
    reported = []
    segmented = segment_document(folder / SEED.name, converter, on_stage=lambda name, _: reported.append(name))
    assert reported == list(STAGES[:3])
    assert segmented.clause_rows == run_document(folder / SEED.name, toolkit).rows["clauses"]


def test_a_listed_document_is_not_read_again(folder, toolkit):
    (source,), _ = list_sources(folder)
    (folder / SEED.name).unlink()  # the listing's bytes are all the path has
    document = run_document(source, toolkit)
    assert document.rows["documents"][0]["source_sha256"] == source.sha256
    assert document.doc_id == source.doc_id == SEED.name


def test_past_the_kept_bytes_a_document_is_read_again_and_must_not_have_changed(folder, toolkit, monkeypatch):
    monkeypatch.setattr(config, "KEPT_SOURCE_BYTES", 0)
    (source,), _ = list_sources(folder)
    assert source.data is None
    assert run_document(source, toolkit).rows == run_document(read_source(folder / SEED.name), toolkit).rows
    with open(folder / SEED.name, "a", encoding="utf-8") as handle:
        handle.write("\n附：后来加上的一行。\n")
    with pytest.raises(UnreadableDocumentError, match="changed while the run was reading it"):
        process.decode(source)


def test_the_corpus_run_reports_its_own_stages(folder, tmp_path_factory, toolkit):
    reported = []
    report = corpus.extract_corpus(folder, tmp_path_factory.mktemp("data"), toolkit,
                                   on_stage=lambda name, seconds: reported.append(name))
    assert report.ok and report.processed == [SEED.name], [str(f) for f in report.failures]
    assert reported == ["documents", "check", "assemble", "align", "validate", "switch"]


def test_a_saved_part_reports_its_stage(folder, tmp_path, toolkit):
    (source,), _ = list_sources(folder)
    reported = []
    outcome = corpus.save_part(run_document(source, toolkit), source, tmp_path / "interim", "code",
                               on_stage=lambda name, _: reported.append(name))
    assert outcome.error is None and reported == ["part"]

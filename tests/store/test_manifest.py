"""The manifest: any damaged shape is rebuilt, and it names the corpus a data folder belongs to."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from pipeline import config
from pipeline.cli import app
from pipeline.corpus import extract_corpus
from pipeline.errors import CorpusMismatchError
from pipeline.store.files import MANIFEST_NAME
from pipeline.store.manifest import Manifest, code_fingerprint
from tests.hostile import GOOD, document
from tests.test_reliability import _assert_valid, _corpus, _documents

runner = CliRunner()


@pytest.mark.parametrize("body", ["[]", '"text"', "{}", '{"code": 1}', '{"code": "x", "documents": "x", "tables": {}}',
                                  '{"code": "x", "documents": {"a.txt": "b"}, "tables": {}}', "{not json", ""])
def test_a_manifest_of_any_shape_is_rebuilt(tmp_path, toolkit, body):
    seeds, data = _corpus(tmp_path / "seeds"), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    (data / MANIFEST_NAME).write_text(body, encoding="utf-8")
    report = extract_corpus(seeds, data, toolkit)
    assert report.ok and not report.up_to_date and report.reused == ["good.txt"]
    _assert_valid(data)


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


def test_the_manifest_reads_back_what_was_written(tmp_path):
    manifest = Manifest("code", {"a.txt": {"sha256": "1", "source_file": "a.txt"}}, {"documents": "2"}, "seeds")
    manifest.write(tmp_path)
    assert Manifest.read(tmp_path) == manifest
    assert Manifest.read(tmp_path / "missing") is None


def test_the_code_fingerprint_covers_the_storage_sub_package_but_not_the_report(tmp_path, monkeypatch):
    package = tmp_path / "pipeline"
    shutil.copytree(config.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(config, "PACKAGE_DIR", package)
    before = code_fingerprint()
    (package / "report.py").write_text("# reads the tables, never shapes them\n", encoding="utf-8")
    assert code_fingerprint() == before
    with open(package / "store" / "parts.py", "a", encoding="utf-8") as handle:
        handle.write("# a change to storage\n")
    assert code_fingerprint() != before

"""The two families of named errors (pipeline.errors): a document's, recorded with it, and the run's, exit 1."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from pipeline import errors
from pipeline.errors import DocumentError, PipelineError, RunError

DEFINED = [cls for _, cls in inspect.getmembers(errors, inspect.isclass)
           if issubclass(cls, Exception) and cls.__module__ == errors.__name__]
NAMED = [cls for cls in DEFINED if cls not in (PipelineError, DocumentError, RunError, errors.SchemaDriftError)]

# Each stops what it says: a document (the run goes on), or the run (exit 1).
RUN_FATAL = {"TableWriteError", "TableValidationError", "CorpusMismatchError", "DataLockedError", "EngineError",
             "MissingTablesError", "ReportWriteError", "CodebookError", "ExportError", "NotAFolderError", "GoldError",
             "DictionaryError", "MissingFontError"}


@pytest.mark.parametrize("cls", NAMED, ids=lambda cls: cls.__name__)
def test_every_named_error_is_of_exactly_one_family(cls):
    assert issubclass(cls, DocumentError) != issubclass(cls, RunError)
    assert issubclass(cls, RunError) == (cls.__name__ in RUN_FATAL)


def test_the_errors_live_in_errors_py():
    from pipeline import corpus, evaluate, plotting, vocabulary

    assert corpus.RecordedError is errors.RecordedError
    assert evaluate.GoldError is errors.GoldError
    assert plotting.MissingFontError is errors.MissingFontError
    assert vocabulary.DictionaryError is errors.DictionaryError
    assert not hasattr(errors, "NoClausesError")  # a document without markers is kept and flagged, never refused


@pytest.mark.parametrize(("error", "message"), [
    (errors.EmptyDocumentError("seeds/a.txt"), "seeds/a.txt: file is empty"),
    (errors.TooSlowError("seeds/a.txt", "still running after 60 s; stopped"),
     "seeds/a.txt: too slow (still running after 60 s; stopped)"),
    (errors.TableWriteError("data", "--out is a file, not a folder"),
     "data: table could not be written (--out is a file, not a folder)"),
    # Classes without a reason of their own: the detail says it.
    (errors.GoldError("d005/targets.csv", "clause 1 '10家': no such clause"), "d005/targets.csv: clause 1 '10家': no such clause"),
    (errors.DictionaryError("x.txt:3", "not `key<TAB>value`: 'a'"), "x.txt:3: not `key<TAB>value`: 'a'"),
    (errors.NotAFolderError("nosuch"), "nosuch: not a folder of documents"),
])
def test_a_message_names_the_file_and_the_reason(error, message):
    assert str(error) == message
    assert error.path == Path(str(error.path))


def test_a_recorded_failure_is_reported_again_as_it_was_recorded():
    recorded = str(errors.EmptyDocumentError("seeds/a.txt"))
    again = errors.RecordedError("seeds/a.txt", recorded)
    assert str(again) == recorded
    # Built by the common constructor: the attributes every error has.
    assert again.path == Path("seeds/a.txt") and again.detail == recorded and again.skipped is False
    assert isinstance(again, DocumentError)


def test_the_cli_turns_a_run_error_into_one_line_and_exit_1(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["report", "--data", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {tmp_path}") and "table not found" in lines[0]

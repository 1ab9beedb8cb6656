"""Named errors in two families; every message names the file (or the folder, the table) and the reason.

- :class:`DocumentError`: one document could not be processed.  It is
  recorded with the document (the manifest remembers it for those bytes and
  that code) and reported in one line; the run goes on with the others and
  exits 1 at the end.  A single-document command (``policy normalize``)
  prints it and exits 1.
- :class:`RunError`: the run cannot go on (the tables cannot be written,
  another run holds the folder, a gold file is malformed, a dictionary is
  missing).  The command prints the one line and exits 1.

Both are :class:`PipelineError`, which the CLI turns into ``error: MESSAGE``.
"""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """An error of the pipeline, about ``path``: its message is ``path: reason (detail)``.

    ``reason`` says what went wrong for every error of the class; a class
    whose messages each say it in their own words has none, and reads
    ``path: detail``.
    """

    reason = ""

    def __init__(self, path: Path | str, detail: str = "") -> None:
        self.path = Path(path)
        self.detail = detail
        super().__init__(self.message())

    def message(self) -> str:
        if not self.reason:
            return f"{self.path}: {self.detail}"
        return f"{self.path}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


class DocumentError(PipelineError):
    """A document could not be processed: recorded with the document, the run goes on with the others."""

    reason = "could not be processed"
    skipped = False  # True for entries left out on purpose, reported as notes


class RunError(PipelineError):
    """The run cannot go on: the command prints this one line and exits 1."""

    reason = "cannot go on"


# --- A document: recorded with it, the run goes on ------------------------------

class EmptyDocumentError(DocumentError):
    reason = "file is empty"


class BinaryDocumentError(DocumentError):
    reason = "file is binary, not text"


class UndecodableDocumentError(DocumentError):
    reason = "text encoding could not be determined"


class NoTextError(DocumentError):
    reason = "file holds no text after normalization"


class SymlinkLoopError(DocumentError):
    reason = "symbolic link loop"


class UnreadableDocumentError(DocumentError):
    reason = "file cannot be read"


class CorruptContainerError(DocumentError):
    reason = "file is damaged or truncated"


class NoTextLayerError(DocumentError):
    reason = "PDF has no text layer"


class NoArticleError(DocumentError):
    reason = "web page holds no article body"


class DocumentTooLargeError(DocumentError):
    reason = "document is too large"


class OutsideFolderError(DocumentError):
    reason = "refused: outside the input folder"


class NotARegularFileError(DocumentError):
    reason = "refused: not a regular file"


class DuplicateDocumentError(DocumentError):
    reason = "duplicate document"


class SkippedEntry(DocumentError):
    """An entry of the input folder deliberately not read (hidden, a data folder): a note, not a failure."""

    reason = "skipped"
    skipped = True


class DocumentCheckError(DocumentError):
    """The document's rows break a declared check (``pipeline.store.validation``): the document is left out, the others are written."""

    reason = "left out: its rows break a declared check"


class PartWriteError(DocumentError):
    """The document's rows could not be written to the data folder (a full disk): not the document's fault, retried next run."""

    reason = "table could not be written"


class TooSlowError(DocumentError):
    reason = "too slow"


class WorkerDiedError(DocumentError):
    reason = "processing crashed"


class UnexpectedError(DocumentError):
    """Any other exception raised while processing one document: that document fails, the run goes on."""

    reason = "could not be processed"


class RecordedError(DocumentError):
    """A failure an earlier run found for the same bytes and code: reported again as it was recorded, not retried."""

    def message(self) -> str:
        return self.detail  # the recorded message, which names the file and the reason


# --- The run: the command exits 1 ------------------------------------------------

class TableWriteError(RunError):
    reason = "table could not be written"


class TableValidationError(RunError):
    """Tables break declared checks (``pipeline.store.validation``); ``violations`` holds each failed check and its rows."""

    reason = "tables break declared checks"

    def __init__(self, path: Path | str, detail: str = "", violations: tuple = ()) -> None:
        super().__init__(path, detail)
        self.violations = tuple(violations)


class CorpusMismatchError(RunError):
    reason = "holds another corpus"


class DataLockedError(RunError):
    reason = "is being written by another run"


class EngineError(RunError):
    reason = "the execution engine failed"


class MissingTablesError(RunError):
    reason = "table not found"


class ReportWriteError(RunError):
    reason = "report could not be written"


class CodebookError(RunError):
    reason = "codebook could not be written"


class ExportError(RunError):
    reason = "export could not be written"


class NotAFolderError(RunError):
    reason = "not a folder of documents"


class GoldError(RunError):
    """A gold annotation that does not point at text of its document, or a malformed gold file."""

    reason = ""


class DictionaryError(RunError):
    """An OpenCC dictionary or one of the project's tables could not be read: the installation is broken."""

    reason = ""


class MissingFontError(RunError):
    """No font that draws Chinese text, for the figures (``pipeline.plotting``)."""

    reason = ""


class SchemaDriftError(ValueError):
    """A row's keys are not the declared columns of its table: a bug in the code, not in a document."""

    def __init__(self, table: str, row: int, unknown: list[str], missing: list[str]) -> None:
        parts = [f"unknown {', '.join(unknown)}" if unknown else "", f"missing {', '.join(missing)}" if missing else ""]
        super().__init__(f"{table} row {row}: keys do not match the schema ({'; '.join(p for p in parts if p)})")
        self.table, self.row, self.unknown, self.missing = table, row, tuple(unknown), tuple(missing)

"""Named errors: every message names the file and the reason."""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """A document could not be processed; the run goes on with the others."""

    reason = "could not be processed"

    def __init__(self, path: Path | str, detail: str = "") -> None:
        self.path = Path(path)
        self.detail = detail
        message = f"{self.path}: {self.reason}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)


class EmptyDocumentError(PipelineError):
    reason = "file is empty"


class BinaryDocumentError(PipelineError):
    reason = "file is binary, not text"


class UndecodableDocumentError(PipelineError):
    reason = "text encoding could not be determined"


class NoTextError(PipelineError):
    reason = "file holds no text after normalization"


class NoClausesError(PipelineError):
    reason = "no numbered clauses found"


class TableWriteError(PipelineError):
    reason = "table could not be written"


class SymlinkLoopError(PipelineError):
    reason = "symbolic link loop"


class UnreadableDocumentError(PipelineError):
    reason = "file cannot be read"


class ReportWriteError(PipelineError):
    reason = "report could not be written"


class EngineError(PipelineError):
    reason = "the execution engine failed"


class MissingTablesError(PipelineError):
    reason = "table not found"


class CorruptContainerError(PipelineError):
    reason = "file is damaged or truncated"


class NoTextLayerError(PipelineError):
    reason = "PDF has no text layer"


class NoArticleError(PipelineError):
    reason = "web page holds no article body"


class DocumentTooLargeError(PipelineError):
    reason = "document is too large"


class TableValidationError(PipelineError):
    """Tables break declared checks (``pipeline.validate``); ``violations`` holds each failed check and its rows."""

    reason = "tables break declared checks"

    def __init__(self, path: Path | str, detail: str = "", violations: tuple = ()) -> None:
        super().__init__(path, detail)
        self.violations = tuple(violations)


class CodebookError(PipelineError):
    reason = "codebook could not be written"


class ExportError(PipelineError):
    reason = "export could not be written"


class SchemaDriftError(ValueError):
    """A row's keys are not the declared columns of its table: a bug in the code, not in a document."""

    def __init__(self, table: str, row: int, unknown: list[str], missing: list[str]) -> None:
        parts = [f"unknown {', '.join(unknown)}" if unknown else "", f"missing {', '.join(missing)}" if missing else ""]
        super().__init__(f"{table} row {row}: keys do not match the schema ({'; '.join(p for p in parts if p)})")
        self.table, self.row, self.unknown, self.missing = table, row, tuple(unknown), tuple(missing)

"""A folder of documents to tables: which documents need work, who does it, and the assembled tables.

A run lists the documents and hashes them, works out which have no current
part in ``data/interim`` (:mod:`pipeline.store`), processes only those, on
this process, on worker processes or on a Dask cluster (the same function
everywhere: :func:`build_part`), then assembles every table from the parts,
aligns clauses across documents, validates the tables and only then puts them
in place, the manifest last.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

import pyarrow as pa

from pipeline.clauses import NO_MARKERS_WARNING, structure_summary
from pipeline.errors import PipelineError, TableWriteError
from pipeline.store import (
    INTERIM_NAME, MANIFEST_NAME, Manifest, SkippedFile, Source, TableAssembler, code_fingerprint, file_sha256,
    is_up_to_date, list_sources, part_is_current, read_part_info, read_part_table, remove_stale_parts, write_part,
)
from pipeline.tables import CORPUS_TABLES, DOCUMENT_TABLES, SCHEMAS, frame_to_table, part_table, read_table, to_table

ENGINES = ("local", "dask")
T = TypeVar("T")
# Parts read and appended together: per-call overhead paid once per batch,
# memory bounded by the batch, not the corpus.
_DOCUMENTS_PER_BATCH = 64
Progress = Callable[[Iterable[T], int], Iterable[T]]


class RecordedError(PipelineError):
    """A failure an earlier run found for the same bytes and code: reported again, not retried."""

    def __init__(self, path: Path | str, message: str) -> None:
        Exception.__init__(self, message)
        self.path = Path(path)
        self.detail = message


@dataclass(frozen=True)
class PartOutcome:
    """What processing one document gave: its part was written, or why not."""

    doc_id: str
    source_file: str
    warnings: tuple[str, ...] = ()
    error: str | None = None


@dataclass
class CorpusReport:
    """What a run over a folder did."""

    processed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failures: list[PipelineError] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    warned: dict[str, str] = field(default_factory=dict)  # source file -> its structure warnings, summarized
    written: list[Path] = field(default_factory=list)
    up_to_date: bool = False
    # Files of the folder that are not documents (notes, tables, hidden files), with the reason.
    skipped: list[SkippedFile] = field(default_factory=list)

    @property
    def n_documents(self) -> int:
        return len(self.processed) + len(self.reused)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.flagged


def _no_progress(items: Iterable[T], total: int) -> Iterable[T]:
    return items


# --- One document -------------------------------------------------------------

_WORKER_TOOLKIT = None


def _worker_toolkit():
    """The toolkit of this process, built on first use: each worker builds its own once."""
    global _WORKER_TOOLKIT
    if _WORKER_TOOLKIT is None:
        from pipeline.process import Toolkit

        _WORKER_TOOLKIT = Toolkit()
    return _WORKER_TOOLKIT


def build_part(source: Source, seeds_dir: Path, interim_dir: Path, code: str, toolkit=None) -> PartOutcome:
    """Process one document and write its part; a bad document gives an outcome with the error, not an exception."""
    from pipeline.process import analyse_document

    toolkit = toolkit or _worker_toolkit()
    name = source.path.name
    try:
        analysis = analyse_document(source.path, toolkit, seeds_dir)
    except PipelineError as error:
        return PartOutcome(source.doc_id, name, error=str(error))
    result = analysis.result
    tables = {table: part_table(table, result.rows[table]) for table in DOCUMENT_TABLES}
    write_part(interim_dir, source, code, tables, {"source_file": name, "warnings": list(result.warnings)})
    return PartOutcome(source.doc_id, name, result.warnings)


def _build_part_job(job: tuple[Source, Path, Path, str]) -> PartOutcome:
    return build_part(*job)


# --- Engines ------------------------------------------------------------------

def run_jobs(jobs: Sequence[Source], seeds_dir: Path, interim_dir: Path, code: str, *, toolkit=None,
             workers: int = 1, engine: str = "local", scheduler: str | None = None,
             progress: Progress = _no_progress) -> list[PartOutcome]:
    """Build the parts of ``jobs`` on this process, on ``workers`` processes, or on a Dask cluster."""
    arguments = [(source, Path(seeds_dir), Path(interim_dir), code) for source in jobs]
    if not arguments:
        return []
    if engine == "dask":
        from pipeline.engines import run_on_dask

        return list(progress(run_on_dask(_build_part_job, arguments, scheduler, workers), len(arguments)))
    if engine != "local":
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if workers <= 1 or len(arguments) == 1:
        toolkit = toolkit or _worker_toolkit()
        return [build_part(*job, toolkit=toolkit) for job in progress(arguments, len(arguments))]
    workers = min(workers, len(arguments))
    # fork: workers start with the parent's imports; each builds its toolkit once.
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        chunk = max(1, min(16, len(arguments) // (workers * 4)))
        return list(progress(pool.map(_build_part_job, arguments, chunksize=chunk), len(arguments)))


# --- A folder -------------------------------------------------------------------

def extract_corpus(
    seeds_dir: Path,
    out_dir: Path,
    toolkit=None,
    *,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Progress = _no_progress,
    comparer=None,
    validate: bool = True,
) -> CorpusReport:
    """Bring the tables in ``out_dir`` up to date with the documents in ``seeds_dir``.

    A document that fails is reported and left out; the others are written.
    Nothing in ``out_dir`` is replaced until every table has been assembled
    and validated.

    Raises:
        TableWriteError: a table could not be written.
        TableValidationError: the assembled tables break a declared check (nothing is replaced).
    """
    seeds_dir, out_dir = Path(seeds_dir), Path(out_dir)
    code = code_fingerprint()
    skipped: list[SkippedFile] = []
    sources, problems = list_sources(seeds_dir, skipped)
    manifest = Manifest.read(out_dir)
    interim = out_dir / INTERIM_NAME
    report = CorpusReport(failures=list(problems), skipped=skipped)
    if not problems and is_up_to_date(manifest, code, sources, out_dir, SCHEMAS):
        return _report_from_manifest(manifest, sources, report)
    recorded = manifest.documents if manifest is not None and manifest.code == code else {}
    entries: dict[str, dict] = {}
    jobs = []
    for source in sources:
        entry = recorded.get(source.doc_id)
        if entry and entry.get("error") and entry.get("sha256") == source.sha256:
            report.failures.append(RecordedError(source.path, entry["error"]))
            entries[source.doc_id] = entry
        elif part_is_current(interim, source, code):
            report.reused.append(source.doc_id)
        else:
            jobs.append(source)
    outcomes = run_jobs(jobs, seeds_dir, interim, code, toolkit=toolkit, workers=workers, engine=engine,
                        scheduler=scheduler, progress=progress)
    by_id = {source.doc_id: source for source in sources}
    for outcome in outcomes:
        if outcome.error:
            report.failures.append(RecordedError(by_id[outcome.doc_id].path, outcome.error))
            entries[outcome.doc_id] = {"source_file": outcome.source_file, "sha256": by_id[outcome.doc_id].sha256,
                                       "error": outcome.error}
        else:
            report.processed.append(outcome.doc_id)
    done = sorted(report.processed + report.reused)
    report.removed = remove_stale_parts(interim, done)
    for doc_id in done:
        info = read_part_info(interim, doc_id) or {}
        entries[doc_id] = {"source_file": info.get("source_file", ""), "sha256": by_id[doc_id].sha256}
        if NO_MARKERS_WARNING in info.get("warnings", []):
            report.flagged.append(info.get("source_file", doc_id))
            entries[doc_id]["no_markers"] = True
        elif summary := structure_summary(info.get("warnings", [])):
            report.warned[info.get("source_file", doc_id)] = summary
    report.written = _write_tables(out_dir, interim, done, comparer, validate)
    tables = {name: file_sha256(out_dir / f"{name}.parquet") for name in SCHEMAS}
    report.written.append(Manifest(code, entries, tables).write(out_dir))
    report.failures.sort(key=lambda error: str(error.path))
    return report


def _report_from_manifest(manifest: Manifest, sources: Sequence[Source], report: CorpusReport) -> CorpusReport:
    """Nothing to do: say so, and report again what earlier runs found wrong."""
    report.up_to_date = True
    for source in sources:
        entry = manifest.documents[source.doc_id]
        if entry.get("error"):
            report.failures.append(RecordedError(source.path, entry["error"]))
        else:
            report.reused.append(source.doc_id)
            if entry.get("no_markers"):
                report.flagged.append(entry.get("source_file", source.doc_id))
    return report


def _write_tables(out_dir: Path, interim: Path, doc_ids: Sequence[str], comparer, validate: bool) -> list[Path]:
    """Assemble every table into temporary files, validate them, then move them into place."""
    temporary: dict[str, Path] = {}
    try:
        temporary = assemble_tables(out_dir, interim, doc_ids, comparer)
        if validate:
            from pipeline.validate import check_tables

            check_tables({name: read_table(path) for name, path in temporary.items()}, out_dir)
        written = []
        for name in SCHEMAS:
            target = out_dir / f"{name}.parquet"
            os.replace(temporary.pop(name), target)
            written.append(target)
        return written
    except OSError as error:
        raise TableWriteError(out_dir, str(error)) from error
    finally:
        for leftover in temporary.values():
            Path(leftover).unlink(missing_ok=True)


def assemble_tables(out_dir: Path, interim: Path, doc_ids: Sequence[str], comparer=None) -> dict[str, Path]:
    """Every table as a temporary Parquet file beside its final place, built part by part.

    The per-document tables are concatenated in doc_id order (each part is
    sorted, and every sort key starts with doc_id, so the result is sorted).
    Term weights need the whole corpus's document frequencies: a first pass
    counts them, a second writes the weights. Alignments need every clause's
    text at once.
    """
    import pandas as pd

    from pipeline.terms import smoothed_idf, weight_part

    paths: dict[str, Path] = {}
    assemblers: list[TableAssembler] = []
    try:
        for name in DOCUMENT_TABLES:
            assembler = TableAssembler(out_dir / f"{name}.parquet", SCHEMAS[name])
            assemblers.append(assembler)
            if name == "terms":
                frequency, n_clauses = _term_frequencies(interim, doc_ids)
                idf = smoothed_idf(pd.Series(frequency, dtype="float64"), n_clauses)
            for batch in _batches(doc_ids, _DOCUMENTS_PER_BATCH):
                part = pa.concat_tables([read_part_table(interim, doc_id, name) for doc_id in batch])
                if name == "terms":
                    weights = weight_part(part.select(["doc_id", "clause_id", "term", "count"]).to_pandas(), idf)
                    part = part.append_column("tfidf", pa.array(weights, pa.float64()))
                assembler.add(part)
            paths[name] = assembler.close()
        alignments = _align(interim, doc_ids, comparer)
        assembler = TableAssembler(out_dir / "alignments.parquet", SCHEMAS["alignments"])
        assemblers.append(assembler)
        assembler.add(alignments)
        paths["alignments"] = assembler.close()
    except BaseException:
        for assembler in assemblers:
            assembler.discard()
        raise
    assert set(paths) == set(DOCUMENT_TABLES) | set(CORPUS_TABLES)
    return paths


def _batches(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def _term_frequencies(interim: Path, doc_ids: Sequence[str]) -> tuple[Counter, int]:
    """In how many clauses each term appears, and how many clauses have terms: the first pass over the parts."""
    frequency: Counter = Counter()
    n_clauses = 0
    for batch in _batches(doc_ids, _DOCUMENTS_PER_BATCH):
        tables = [read_part_table(interim, doc_id, "terms").select(["doc_id", "clause_id", "term"]) for doc_id in batch]
        part = pa.concat_tables(tables).to_pandas()
        frequency.update(part["term"].value_counts().to_dict())
        n_clauses += len(part[["doc_id", "clause_id"]].drop_duplicates())
    return frequency, n_clauses


def _align(interim: Path, doc_ids: Sequence[str], comparer) -> pa.Table:
    import pandas as pd

    from pipeline.compare import ClauseComparer

    columns = ["doc_id", "clause_id", "kind", "text"]
    frames = [read_part_table(interim, doc_id, "clauses").select(columns).to_pandas() for doc_id in doc_ids]
    clauses = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    aligned = (comparer or ClauseComparer()).fit(clauses).align()
    return frame_to_table("alignments", aligned)


# --- Checking -------------------------------------------------------------------

def check_corpus(seeds_dir: Path, data_dir: Path, **options) -> list[str]:
    """What differs between ``data_dir`` and what the current seeds and code produce; empty when nothing does.

    The tables are regenerated from scratch in a temporary folder (no cache:
    the check must not trust what it checks) and compared byte for byte.
    """
    differences = []
    with tempfile.TemporaryDirectory(prefix="policy-check-") as scratch:
        fresh = Path(scratch)
        extract_corpus(seeds_dir, fresh, **options)
        for name in [*(f"{table}.parquet" for table in SCHEMAS), MANIFEST_NAME]:
            ours, theirs = file_sha256(fresh / name), file_sha256(Path(data_dir) / name)
            if theirs is None:
                differences.append(f"{Path(data_dir) / name}: missing")
            elif ours != theirs:
                differences.append(f"{Path(data_dir) / name}: differs from what the seeds and code produce")
    return differences

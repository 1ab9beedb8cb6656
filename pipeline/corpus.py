"""A folder of documents to tables: which documents need work, who does it, and the assembled tables.

A run lists the documents and hashes those whose stat changed since their
sha256 was recorded (:class:`pipeline.store.manifest.StatCache`), works out which have no current
part in ``data/interim`` (:mod:`pipeline.store.parts`), processes only those, on
this process, on worker processes or on a Dask cluster (the same function
everywhere: :func:`build_part`, which runs the one path of a document,
:func:`pipeline.process.run_document`, and saves its rows as a part), then
assembles every table from the parts and aligns clauses across documents
(:mod:`pipeline.store.assembly`), validates the tables and only then puts
them in place, the manifest last.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pipeline.errors import (
    CorpusMismatchError, DocumentCheckError, DocumentTooLargeError, PartWriteError, PipelineError, RecordedError,
    TableWriteError, TooSlowError, UnexpectedError, WorkerDiedError,
)
from pipeline.store.engines import Failure, Limits, one_line, run_supervised
from pipeline.store.files import (
    CODEBOOK_NAME, INTERIM_NAME, MANIFEST_NAME, TABLE_NAMES, DataLock, finish_switch, remove_leftovers, switch_files,
    switch_pending, temporary_beside,
)
from pipeline.store.manifest import Manifest, StatCache, code_fingerprint, file_sha256, is_up_to_date, sources_cache
from pipeline.store.sources import Source, list_sources, readable_name
from pipeline.timing import OnStage, stage

# What only work needs is imported in the functions that do it: the parts,
# the assembly and the checks (pyarrow, numpy, pandas), the clause grammar,
# spaCy. A run with nothing to do answers from the manifest without them:
# they were most of its time (README, "Assembly and the no-change re-run").
if TYPE_CHECKING:
    import pyarrow as pa

ENGINES = ("local", "dask")
T = TypeVar("T")
Progress = Callable[[Iterable[T], int], Iterable[T]]


@dataclass(frozen=True)
class PartOutcome:
    """What processing one document gave: its part was written, or why not."""

    doc_id: str
    source_file: str
    warnings: tuple[str, ...] = ()
    error: str | None = None
    bound: dict | None = None  # the bound that stopped it: {"kind": "seconds" | "memory", "limit": ...}
    transient: bool = False    # not the document's fault (the part could not be written): not remembered


@dataclass
class CorpusReport:
    """What a run over a folder did."""

    processed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failures: list[PipelineError] = field(default_factory=list)
    skipped: list[PipelineError] = field(default_factory=list)  # left out on purpose: reported as notes
    flagged: list[str] = field(default_factory=list)
    warned: dict[str, str] = field(default_factory=dict)  # source file -> its structure warnings, summarized
    written: list[Path] = field(default_factory=list)
    up_to_date: bool = False

    @property
    def n_documents(self) -> int:
        return len(self.processed) + len(self.reused)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.flagged

    def summary_lines(self, out_dir: Path) -> list[tuple[str, bool]]:
        """What ``policy extract`` prints about this run, line by line: (text, whether it goes to stderr)."""
        if self.up_to_date:
            lines = [(f"{out_dir} is up to date: {self.n_documents} documents unchanged", False)]
        else:
            tables = sum(1 for path in self.written if path.suffix == ".parquet")
            lines = [(f"wrote {tables} tables, the manifest and {CODEBOOK_NAME} to {out_dir}", False),
                     (f"{self.n_documents} documents: {len(self.processed)} processed, {len(self.reused)} unchanged, "
                      f"{len(self.removed)} removed{_named(self.removed)}, "
                      f"{len(self.failures)} failed{_named(self.failures)}", False)]
        lines += [(f"note: {entry}", True) for entry in self.skipped]
        lines += [(f"error: {error}", True) for error in self.failures]
        lines += [(f"error: {source_file}: no numbered clauses found (kept as one preamble clause)", True)
                  for source_file in self.flagged]
        lines += [(f"warning: {source_file}: {summary} (documents.warnings)", True)
                  for source_file, summary in self.warned.items()]
        return lines


def _named(items: list, shown: int = 5) -> str:
    names = [str(getattr(item, "path", item)) for item in items]
    more = f", … {len(names) - shown} more" if len(names) > shown else ""
    return f" ({', '.join(names[:shown])}{more})" if names else ""


def _no_progress(items: Iterable[T], total: int) -> Iterable[T]:
    return items


@dataclass(frozen=True)
class Listing:
    """The documents of ``seeds_dir`` as a run listed them for ``out_dir`` (:func:`list_sources`), and when.

    :mod:`pipeline.entry` lists a folder to tell whether it is up to date; when
    it is not, the command that does the work is handed this listing
    (:func:`hand_over`) instead of listing, reading and hashing every source again.
    """

    seeds_dir: Path   # both resolved
    out_dir: Path
    sources: tuple[Source, ...]
    problems: tuple[PipelineError, ...]
    started_ns: int   # time.time_ns() as the listing began: the stat cache's reference (StatCache.entry)

    def is_of(self, seeds_dir: Path, out_dir: Path) -> bool:
        return (self.seeds_dir, self.out_dir) == (Path(seeds_dir).resolve(), Path(out_dir).resolve())


def list_folder(seeds_dir: Path, out_dir: Path, cache: StatCache) -> Listing:
    """List ``seeds_dir`` for a run writing ``out_dir``: sources whose stat ``cache`` knows are not read again."""
    started = time.time_ns()
    sources, problems = list_sources(seeds_dir, exclude=[out_dir], known=cache.known_sources())
    return Listing(Path(seeds_dir).resolve(), Path(out_dir).resolve(), tuple(sources), tuple(problems), started)


_HANDED_OVER: Listing | None = None


def hand_over(listing: Listing) -> None:
    """Keep ``listing`` for the next run over its folders in this process (:func:`take_handed_over`)."""
    global _HANDED_OVER
    _HANDED_OVER = listing


def take_handed_over(seeds_dir: Path, out_dir: Path) -> Listing | None:
    """The listing handed over for these folders, once; None when there is none."""
    global _HANDED_OVER
    listing, _HANDED_OVER = _HANDED_OVER, None
    return listing if listing is not None and listing.is_of(seeds_dir, out_dir) else None


# --- One document -------------------------------------------------------------

_WORKER_TOOLKIT = None


def _worker_toolkit():
    """The toolkit of this process, built on first use: once by a run's parent before it forks its workers, once per Dask worker."""
    global _WORKER_TOOLKIT
    if _WORKER_TOOLKIT is None:
        from pipeline.process import Toolkit

        _WORKER_TOOLKIT = Toolkit()
    return _WORKER_TOOLKIT


def _prepare_worker():
    """Ready a bounded worker before its memory limit is set; returns its toolkit.

    It also loads what every document uses later: the declared checks, and
    Arrow's allocator. Arrow's default allocator reserves a large stretch of
    address space on its first allocation, which under ``RLIMIT_AS`` made the
    first check of every document fail as ``too large``; workers use the
    system allocator and one Arrow thread instead (a document is small, and
    the workers are the parallelism). This holds for a worker that inherits
    its caller's toolkit too: the caller's Arrow may never have allocated.
    """
    import pyarrow as pa  # see the note at the imports

    # Some Arrow code (the IPC writer, conversions to numpy) allocates from the
    # built-in default pool whatever pool is set: its reservation is made now.
    pa.allocate_buffer(64, memory_pool=pa.default_memory_pool())
    pa.set_memory_pool(pa.system_memory_pool())
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    from pipeline.store import validation  # noqa: F401 - declares the checks (Arrow expressions) now

    return _worker_toolkit()


def build_part(source: Source, interim_dir: Path, code: str, toolkit=None, on_stage: OnStage | None = None) -> PartOutcome:
    """Process one document (:func:`pipeline.process.run_document`) and save its part; a bad document gives an outcome with the error.

    Nothing raised while processing one document escapes (a damaged PDF's
    ``ValueError`` inside pdfminer is that document's failure, in one line).
    ``MemoryError`` alone is raised: the bounded worker names it ``too large``.
    ``on_stage`` is told each stage of the document (:data:`pipeline.process.STAGES`, then ``part``).
    """
    from pipeline.process import run_document  # here: the parent of a run, and an up-to-date run, never load spaCy

    name = readable_name(source.path.name)
    try:
        toolkit = toolkit or _worker_toolkit()
        document = run_document(source, toolkit, on_stage=on_stage)
        return save_part(document, source, interim_dir, code, on_stage=on_stage)
    except PipelineError as error:
        return PartOutcome(source.doc_id, name, error=" ".join(str(error).split()))
    except MemoryError:
        raise  # the worker reports it with its memory limit (pipeline.store.engines), then replaces itself
    except RecursionError as error:
        return PartOutcome(source.doc_id, name, error=str(DocumentTooLargeError(source.path, one_line(error))))
    except Exception as error:  # noqa: BLE001 - any failure is this document's, never the run's
        return PartOutcome(source.doc_id, name, error=str(UnexpectedError(source.path, one_line(error))))


def save_part(document, source: Source, interim_dir: Path, code: str, on_stage: OnStage | None = None) -> PartOutcome:
    """Check one document's rows (:class:`~pipeline.process.DocumentTables`) and write them as its part (stage ``part``).

    Rows that break a declared check on one document
    (:data:`pipeline.store.validation.DOCUMENT_CHECKS`) leave that document out: its
    part is not written, so it can never block the assembled tables. A part
    that cannot be written (a full disk) is a transient failure, retried next run.
    """
    from pipeline.store.parts import write_part  # these two here, as run_document: see the note at the imports
    from pipeline.store.validation import check_document

    name = document.source_file
    with stage(on_stage, "part"):
        tables = document.to_arrow()
        reason, warnings = check_document(tables)
        if reason is not None:
            return PartOutcome(source.doc_id, name, error=str(DocumentCheckError(source.path, reason)))
        if warnings:
            tables["documents"] = _with_warnings(tables["documents"], warnings)
        try:
            write_part(interim_dir, source, code, tables, {"source_file": name,
                                                            "warnings": list(document.warnings) + warnings})
        except OSError as error:  # a full disk, a read-only folder: the data folder's fault, retried next run
            return PartOutcome(source.doc_id, name, transient=True,
                               error=str(PartWriteError(interim_dir, f"{source.doc_id}: {one_line(error)}")))
    return PartOutcome(source.doc_id, name, document.warnings + tuple(warnings))


def _with_warnings(documents: pa.Table, warnings: Sequence[str]) -> pa.Table:
    import pyarrow as pa  # see the note at the imports

    column = documents.schema.get_field_index("warnings")
    values = [list(existing or []) + list(warnings) for existing in documents["warnings"].to_pylist()]
    return documents.set_column(column, documents.schema.field(column), pa.array(values, documents.schema.field(column).type))


def _build_part_job(job: tuple[Source, Path, str]) -> PartOutcome:
    return build_part(*job)


# --- Engines ------------------------------------------------------------------

def run_jobs(jobs: Sequence[Source], interim_dir: Path, code: str, *, toolkit=None,
             workers: int = 1, engine: str = "local", scheduler: str | None = None,
             progress: Progress = _no_progress, limits: Limits | None = None,
             usage: dict | None = None) -> list[PartOutcome]:
    """Build the parts of ``jobs`` in bounded worker processes, or on a Dask cluster.

    Every document runs under ``limits`` (time and memory) in a worker
    process forked from this one (:func:`pipeline.store.engines.run_supervised`),
    which inherits ``toolkit`` (built here, once, when none is given); a document over a bound, or
    one that kills its worker, is a failed outcome, and the run goes on.
    """
    global _WORKER_TOOLKIT
    limits = limits or Limits()
    arguments = [(source, Path(interim_dir), code) for source in jobs]
    if not arguments:
        return []
    if engine == "dask":
        from pipeline.store.engines import run_on_dask

        results = run_on_dask(_build_part_job, arguments, scheduler, workers, limits, _prepare_worker)
        return [_outcome(job, result, limits) for job, result in zip(arguments, progress(results, len(arguments)))]
    if engine != "local":
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    workers = max(1, min(workers, len(arguments)))
    previous = _WORKER_TOOLKIT
    if toolkit is not None:
        _WORKER_TOOLKIT = toolkit
    try:
        # Built here, once, before the workers are forked: they inherit the
        # toolkit and the declared checks instead of each building its own,
        # about 3 s of CPU per worker (README, "Start-up, transfer and the no-change run").
        _worker_toolkit()
        from pipeline.store import validation  # noqa: F401 - the parent checks the assembled tables with them too

        finished = run_supervised(_build_part_job, arguments, workers, limits, usage, prepare=_prepare_worker)
        return [_outcome(arguments[index], result, limits) for index, result in progress(finished, len(arguments))]
    finally:
        _WORKER_TOOLKIT = previous


def _outcome(job: tuple, result, limits: Limits) -> PartOutcome:
    """A worker's outcome, or the failed outcome of a document over a bound (retried once the bound is raised)."""
    if not isinstance(result, Failure):
        return result
    source = job[0]
    error = {"too slow": TooSlowError, "too large": DocumentTooLargeError}.get(result.kind, WorkerDiedError)
    bound = {"too slow": {"kind": "seconds", "limit": limits.seconds},
             "too large": {"kind": "memory", "limit": limits.memory}}.get(result.kind)
    return PartOutcome(source.doc_id, readable_name(source.path.name), error=str(error(source.path, result.detail)),
                       bound=bound)


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
    replace: bool = False,
    limits: Limits | None = None,
    usage: dict | None = None,
    on_stage: OnStage | None = None,
    only_if_up_to_date: bool = False,
    listing: Listing | None = None,
) -> CorpusReport | Listing:
    """Bring the tables in ``out_dir`` up to date with the documents in ``seeds_dir``.

    A document that fails (unreadable, over a bound, crashing, or breaking a
    declared check on its own rows) is reported and left out; the others are
    written. One run at a time holds ``out_dir`` (:class:`DataLock`); the
    tables and the manifest are put in place as one set
    (:func:`pipeline.store.files.switch_files`), after every table has been
    assembled and the corpus-level checks passed.

    ``on_stage(name, seconds)`` is told the run's own stages as they end:
    ``documents`` (every document's part, on the engine), ``assemble`` (the
    per-document tables, from the parts), ``align`` (clauses across
    documents), ``validate`` (the corpus-level checks) and ``switch`` (the
    manifest, and the set put in place). The documents' own stages run in the
    workers; :func:`build_part` takes a hook for them.

    ``only_if_up_to_date`` changes nothing but the stat cache: the report of
    a folder already up to date, or, when there is work to do, the
    :class:`Listing` a later run can be given as ``listing`` instead of
    listing the folder again (:mod:`pipeline.entry` answers an up-to-date
    ``policy extract`` this way, and hands the listing over otherwise). A
    ``listing`` of other folders is not used.

    A source is read and hashed only when its stat (size, mtime, ctime,
    inode) differs from the one the data folder's stat cache recorded with
    its sha256 (:class:`pipeline.store.manifest.StatCache`); the tables likewise.

    Raises:
        DataLockedError: another run is writing ``out_dir``.
        CorpusMismatchError: ``out_dir`` holds the tables of another corpus (pass ``replace=True``).
        TableWriteError: a table could not be written.
        TableValidationError: the assembled tables break a corpus-level check (nothing is replaced).
    """
    seeds_dir, out_dir = Path(seeds_dir), Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise TableWriteError(out_dir, "--out is a file, not a folder")
    if out_dir.resolve() == seeds_dir.resolve():
        raise TableWriteError(out_dir, "--out is the input folder; choose another folder for the tables")
    try:
        with DataLock(out_dir), ExitStack() as helpers:  # helpers: processes the run starts beside this one
            return _extract_locked(seeds_dir, out_dir, toolkit, workers=workers, engine=engine, scheduler=scheduler,
                                   progress=progress, comparer=comparer, validate=validate, replace=replace,
                                   limits=limits, usage=usage, on_stage=on_stage,
                                   only_if_up_to_date=only_if_up_to_date, listing=listing, helpers=helpers)
    except OSError as error:
        raise TableWriteError(out_dir, one_line(error)) from error


def _extract_locked(seeds_dir: Path, out_dir: Path, toolkit, *, workers, engine, scheduler, progress, comparer,
                    validate, replace, limits, usage, on_stage, only_if_up_to_date,
                    listing, helpers: ExitStack) -> CorpusReport | Listing:
    finish_switch(out_dir)      # a run killed while switching tables: complete its set first
    remove_leftovers(out_dir)   # then nothing temporary is wanted any more
    code = code_fingerprint()
    cache = StatCache.read(out_dir)
    cached = (dict(cache.sources), dict(cache.tables))
    if listing is None or not listing.is_of(seeds_dir, out_dir):
        listing = list_folder(seeds_dir, out_dir, cache)
    sources, problems = list(listing.sources), list(listing.problems)
    manifest = Manifest.read(out_dir)
    interim = out_dir / INTERIM_NAME
    report = CorpusReport(failures=[p for p in problems if not p.skipped], skipped=[p for p in problems if p.skipped])
    corpus_name = _corpus_name(seeds_dir)
    if manifest is not None and not replace:
        _refuse_another_corpus(manifest, sources, seeds_dir, out_dir, corpus_name)
    limits = limits or Limits()
    # Entries refused while listing (a FIFO, a duplicate) are reported again from the listing, not the manifest.
    if (is_up_to_date(manifest, code, sources, out_dir, TABLE_NAMES, cache) and manifest.corpus == corpus_name
            and not any(_bounds_raised(entry, limits) for entry in manifest.documents.values())):
        cache.sources = sources_cache(sources, listing.started_ns)
        if (cache.sources, cache.tables) != cached:  # what this run hashed is known next time
            cache.write(out_dir)
        return _report_from_manifest(manifest, sources, report)
    if only_if_up_to_date:
        return listing
    from pipeline.clauses import NO_MARKERS_WARNING, structure_summary  # there is work: see the note at the imports
    from pipeline.store.assembly import BackgroundAlignment
    from pipeline.store.parts import part_is_current, read_part_info, remove_stale_parts

    recorded = manifest.documents if manifest is not None and manifest.code == code else {}
    entries: dict[str, dict] = {}
    jobs = []
    for source in sources:
        entry = recorded.get(source.doc_id)
        if entry and entry.get("error") and entry.get("sha256") == source.sha256 and not _bounds_raised(entry, limits):
            report.failures.append(RecordedError(source.path, str(entry["error"])))
            entries[source.doc_id] = entry
        elif part_is_current(interim, source, code):
            report.reused.append(source.doc_id)
        else:
            jobs.append(source)
    # Its process imports scikit-learn while this one builds the toolkit, and
    # aligns while this one assembles the tables (README, Scaling).
    aligner = helpers.enter_context(BackgroundAlignment(comparer, n_jobs=min(workers, os.cpu_count() or 1)))
    aligner.prepare()
    with stage(on_stage, "documents"):
        outcomes = run_jobs(jobs, interim, code, toolkit=toolkit, workers=workers, engine=engine,
                            scheduler=scheduler, progress=progress, limits=limits, usage=usage)
    by_id = {source.doc_id: source for source in sources}
    for outcome in outcomes:
        if outcome.error:
            report.failures.append(RecordedError(by_id[outcome.doc_id].path, outcome.error))
            if outcome.transient:
                continue
            entries[outcome.doc_id] = {"source_file": outcome.source_file, "sha256": by_id[outcome.doc_id].sha256,
                                       "error": outcome.error}
            if outcome.bound:
                entries[outcome.doc_id]["bound"] = outcome.bound
        else:
            report.processed.append(outcome.doc_id)
    done = sorted(report.processed + report.reused)
    remove_stale_parts(interim, done)
    previous = set(manifest.documents) if manifest is not None else set()
    report.removed = sorted(previous - set(by_id))
    for doc_id in done:
        info = read_part_info(interim, doc_id) or {}
        entries[doc_id] = {"source_file": info.get("source_file", ""), "sha256": by_id[doc_id].sha256}
        if NO_MARKERS_WARNING in info.get("warnings", []):
            report.flagged.append(info.get("source_file", doc_id))
            entries[doc_id]["no_markers"] = True
        elif summary := structure_summary(info.get("warnings", [])):
            report.warned[info.get("source_file", doc_id)] = summary
    report.written = _write_tables(out_dir, interim, done, aligner, validate, code, entries, corpus_name, on_stage)
    # A document that failed now may have been read by its worker and found
    # changed since it was listed: it is hashed again next time. The tables
    # were just written: hashed by the next run, once they are old enough.
    failed = {outcome.doc_id for outcome in outcomes if outcome.error}
    StatCache(sources_cache([source for source in sources if source.doc_id not in failed], listing.started_ns),
              {}).write(out_dir)
    report.failures.sort(key=lambda error: str(error.path))
    return report


def _bounds_raised(entry: dict, limits: Limits) -> bool:
    """Whether a document stopped by a bound (``too slow``, ``too large``) now gets more room, and so is retried."""
    bound = entry.get("bound")
    if not isinstance(bound, dict):
        return False
    wanted = {"seconds": limits.seconds, "memory": limits.memory}.get(bound.get("kind"))
    recorded = bound.get("limit")
    if wanted is None or not isinstance(recorded, (int, float)):
        return False
    return wanted == 0 or wanted > recorded  # 0: no limit


def _corpus_name(seeds_dir: Path) -> str:
    """The input folder's name, recorded in the manifest: the same on every machine, unlike its full path."""
    return readable_name(Path(seeds_dir).resolve().name)


def _refuse_another_corpus(manifest: Manifest, sources: Sequence[Source], seeds_dir: Path, out_dir: Path,
                           corpus_name: str) -> None:
    """Refuse to replace the tables of another folder's documents, unless told to (``--replace``)."""
    previous = set(manifest.documents)
    kept = previous & {source.doc_id for source in sources}
    removed = previous - kept
    if not removed or not manifest.corpus:
        # A manifest from before corpora were named (and before doc_ids kept
        # their file ending) cannot tell: it is taken to be this folder's.
        return
    if manifest.corpus != corpus_name or not kept:
        holds = f"the {len(previous)} documents of {manifest.corpus or 'another folder'}"
        raise CorpusMismatchError(
            out_dir, f"{out_dir} holds {holds}; extracting {seeds_dir} would remove {len(removed)} of them. "
                     f"Pass --replace to replace them, or --out another folder")


def _report_from_manifest(manifest: Manifest, sources: Sequence[Source], report: CorpusReport) -> CorpusReport:
    """Nothing to do: say so, and report again what earlier runs found wrong."""
    report.up_to_date = True
    for source in sources:
        entry = manifest.documents[source.doc_id]
        if entry.get("error"):
            report.failures.append(RecordedError(source.path, str(entry["error"])))
        else:
            report.reused.append(source.doc_id)
            if entry.get("no_markers"):
                report.flagged.append(entry.get("source_file", source.doc_id))
    return report


def _write_tables(out_dir: Path, interim: Path, doc_ids: Sequence[str], comparer, validate: bool, code: str,
                  entries: dict, corpus_name: str, on_stage: OnStage | None = None) -> list[Path]:
    """Assemble every table into temporary files, run the corpus-level checks, then switch the set into place."""
    from pipeline.store.assembly import assemble_tables, check_assembled  # see the note at the imports

    temporary: dict[str, Path] = {}
    try:
        checked: dict[str, pa.Table | None] = {}
        temporary = assemble_tables(out_dir, interim, doc_ids, comparer, on_stage, checked)
        if validate:
            with stage(on_stage, "validate"):
                check_assembled(out_dir, temporary, checked)
        with stage(on_stage, "switch"):
            tables = {name: file_sha256(temporary[name]) for name in TABLE_NAMES}
            manifest_path = out_dir / MANIFEST_NAME
            handle, staged_manifest = temporary_beside(manifest_path)
            with os.fdopen(handle, "wb") as out:
                out.write(Manifest(code, entries, tables, corpus_name).to_json().encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
            staged = {f"{name}.parquet": temporary[name] for name in TABLE_NAMES}
            staged[MANIFEST_NAME] = Path(staged_manifest)  # last: the manifest says the set is whole
            temporary["manifest"] = Path(staged_manifest)
            switch_files(out_dir, staged)
            temporary = {}
        return [out_dir / name for name in staged]
    except OSError as error:
        raise TableWriteError(out_dir, one_line(error)) from error
    finally:
        for leftover in temporary.values():
            Path(leftover).unlink(missing_ok=True)


# --- Checking -------------------------------------------------------------------

def check_corpus(seeds_dir: Path, data_dir: Path, **options) -> list[str]:
    """What differs between ``data_dir`` and what the current seeds and code produce; empty when nothing does.

    The tables are regenerated from scratch in a temporary folder (no cache:
    the check must not trust what it checks) and compared byte for byte.
    """
    differences = []
    if switch_pending(data_dir):
        differences.append(f"{data_dir}: a run was stopped while putting its tables in place; "
                           f"`policy extract` finishes it")
    with tempfile.TemporaryDirectory(prefix="policy-check-") as scratch:
        fresh = Path(scratch)
        extract_corpus(seeds_dir, fresh, **options)
        for name in [*(f"{table}.parquet" for table in TABLE_NAMES), MANIFEST_NAME]:
            ours, theirs = file_sha256(fresh / name), file_sha256(Path(data_dir) / name)
            if theirs is None:
                differences.append(f"{Path(data_dir) / name}: missing")
            elif ours != theirs:
                differences.append(f"{Path(data_dir) / name}: differs from what the seeds and code produce")
    return differences

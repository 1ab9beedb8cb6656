"""How fast the pipeline goes: stage by stage, end to end, and against bare jieba and OpenCC.

On the benchmark corpus (``benchmarks/make_corpus.py``) this prints and
writes to ``benchmarks/results-N.json``:

1. every stage on one process: ingest, normalize, segment, extract, compare
   and write, in documents/s and MB/s (MB of input bytes for scan and
   ingest, of canonical text, as UTF-8, for the rest), with CPU seconds;
2. ``extract_corpus`` on all cores from an empty folder, in a subprocess so
   that its peak memory is its own: parent and worker peak RSS, and the
   time of its serial phases (reported by its ``on_stage`` hook);
3. bare jieba and bare OpenCC on the same canonical texts and cores
   (``benchmarks/bare.py``), and end-to-end docs/s as a share of bare jieba's;
4. a run with nothing to do: the ``policy extract`` command's wall time and
   ``extract_corpus``'s own;
5. alignment growth: ``ClauseComparer`` fit + align on the clauses of the
   first N/2 documents and of all N (time ratio ~2 when linear, ~4 when quadratic).

The stages are timed through the pipeline's ``on_stage`` hook: every
document goes through ``process.run_document`` on this process, one at a
time, as a worker runs it, and the hook reports each stage's seconds; the
end-to-end run reports its phases through ``extract_corpus``'s hook.  The
``write`` stage is each document's part (checks, Arrow IPC, written by the
worker that made it), then what a run does after the documents: the tables
assembled from the parts (Parquet, TF-IDF weights), then validation; the
alignment inside the assembly is handed the one already computed, so it is
counted once, under ``compare``.

Run::

    make bench            # N=1000; builds benchmarks/corpus when missing or of another size
    make bench N=10000
    .venv/bin/python benchmarks/bench.py --n 1000

Other sessions on the machine slow every wall-clock figure; the load average
and CPU seconds are printed beside them so the figures can be read in context.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR.parent) not in sys.path:   # run as a script, `benchmarks` is not importable otherwise
    sys.path.insert(0, str(BENCH_DIR.parent))

# The end-to-end child runs this file, and its peak memory must be that of
# `policy extract`, whose parent imports no spaCy, jieba, OpenCC or
# scikit-learn (its workers do): modules that pull those in are imported
# in the functions that use them.
from pipeline import __version__, corpus  # noqa: E402
from pipeline.errors import PipelineError  # noqa: E402
from pipeline.store.assembly import assemble_tables, check_assembled  # noqa: E402
from pipeline.store.files import INTERIM_NAME  # noqa: E402
from pipeline.store.manifest import code_fingerprint  # noqa: E402
from pipeline.store.sources import Source, list_sources  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from benchmarks.bare import Figures
    from pipeline.process import Toolkit

DEFAULT_CORPUS = BENCH_DIR / "corpus"
CORPUS_GLOB = "bench_*.txt"
BARE_JIEBA_GOAL = 1.0        # end-to-end docs/s at least bare jieba's on the same cores (issue 16)
NO_CHANGE_GOAL_SECONDS = 0.5
MB = 1e6


# --- Figures ------------------------------------------------------------------

@dataclass(frozen=True)
class Timing:
    """One timed piece of work over ``documents`` documents holding ``megabytes`` MB."""

    name: str
    documents: int
    megabytes: float
    seconds: float
    cpu_seconds: float | None = None
    level: int = 0               # 1: a part of the stage above it

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else math.inf

    @property
    def megabytes_per_second(self) -> float:
        return self.megabytes / self.seconds if self.seconds else math.inf

    def as_dict(self) -> dict:
        return dict(asdict(self), documents_per_second=self.documents_per_second,
                    megabytes_per_second=self.megabytes_per_second)


class Clock:
    """Wall and CPU seconds (user + system, this process) summed over every ``with clock:``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.cpu_seconds = 0.0

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds += time.perf_counter() - self._wall
        self.cpu_seconds += time.process_time() - self._cpu

    def timing(self, name: str, documents: int, megabytes: float, level: int = 0) -> Timing:
        return Timing(name, documents, megabytes, self.seconds, self.cpu_seconds, level)


def code_state() -> dict[str, float]:
    """Modification time of every file of the pipeline package: other sessions may edit it during a run."""
    package = BENCH_DIR.parent / "pipeline"
    return {path.relative_to(package).as_posix(): path.stat().st_mtime
            for path in sorted(package.rglob("*")) if path.is_file() and "__pycache__" not in path.parts}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    """Cores, processor, Python and the load other work puts on the machine now."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count() or 1, "cpu": model or platform.processor(), "platform": platform.platform(),
            "python": platform.python_version(), "pipeline_version": __version__,
            "load_average_start": load_average()}


# --- The corpus ----------------------------------------------------------------

def corpus_size(folder: Path) -> int:
    return len(list(Path(folder).glob(CORPUS_GLOB))) if Path(folder).is_dir() else 0


def ensure_corpus(n: int, folder: Path = DEFAULT_CORPUS) -> bool:
    """Generate ``n`` documents into ``folder`` unless it holds exactly ``n``; whether it did.

    The generator is deterministic, so a folder of the right size holds the
    documents it would write again.
    """
    if corpus_size(folder) == n:
        return False
    from benchmarks import make_corpus

    print(make_corpus.generate_corpus(n, folder).report(), file=sys.stderr)
    return True


# --- 1. Stages on one process ----------------------------------------------------

@dataclass
class StageRun:
    """The single-process stage timings, and what later measurements reuse."""

    timings: list[Timing]
    parts: Timing                    # writing each document's part: shown under write
    sources: list[Source]
    texts: list[str]                 # canonical text of every document, in doc_id order
    clauses: pd.DataFrame            # doc_id, clause_id, kind, text of every clause
    input_megabytes: float
    canonical_megabytes: float
    characters: int
    failures: list[str]


class StageClocks:
    """The ``on_stage`` hook of the pipeline: wall seconds per stage as the pipeline reports them, and CPU seconds.

    Stages run one after the other on this process, so the CPU time between
    one report and the next is the stage just reported (the hook's own
    bookkeeping falls into the next stage, a few microseconds).
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu_seconds: dict[str, float] = defaultdict(float)
        self._cpu = time.process_time()

    def start(self) -> None:
        """Before a document's first stage: what ran since the last report is no stage's."""
        self._cpu = time.process_time()

    def __call__(self, name: str, seconds: float) -> None:
        now = time.process_time()
        self.seconds[name] += seconds
        self.cpu_seconds[name] += now - self._cpu
        self._cpu = now

    def timing(self, names: Sequence[str], label: str, documents: int, megabytes: float, level: int = 0) -> Timing:
        return Timing(label, documents, megabytes, sum(self.seconds[n] for n in names),
                      sum(self.cpu_seconds[n] for n in names), level)


def measure_stages(folder: Path, toolkit: Toolkit, scratch: Path) -> StageRun:
    """Every document through the pipeline's own path on this process, its stages timed by the ``on_stage`` hook.

    Each document goes through :func:`pipeline.process.run_document` and its
    part is written by :func:`pipeline.corpus.save_part`, as a worker does;
    parts go to ``scratch/interim``; the compare and assembly stages are
    measured later, on what this run gathered.
    """
    import pandas as pd

    from pipeline.process import STAGES, run_document

    folder = Path(folder)
    scan = Clock()
    with scan:
        sources, problems = list_sources(folder)
        code = code_fingerprint()
    clocks = StageClocks()
    interim = Path(scratch) / INTERIM_NAME
    texts, frames, failures = [], [], [str(problem) for problem in problems]
    input_bytes = 0
    for source in sources:
        clocks.start()
        try:
            document = run_document(source, toolkit, on_stage=clocks)
        except PipelineError as error:
            failures.append(str(error))
            continue
        outcome = corpus.save_part(document, source, interim, code, on_stage=clocks)
        if outcome.error:
            failures.append(outcome.error)
        input_bytes += source.size
        texts.append(document.normalized.text)
        frames.append(pd.DataFrame(document.rows["clauses"], columns=["doc_id", "clause_id", "kind", "text"]))
    n = len(texts)
    input_mb = input_bytes / MB
    canonical_mb = sum(len(text.encode("utf-8")) for text in texts) / MB
    extract = ("metadata", "themes", "extract")
    timings = [
        scan.timing("scan (list, read, sha256, code fingerprint)", len(sources), sum(s.size for s in sources) / MB),
        # The scan reads each document's bytes once; decode reads again only past config.KEPT_SOURCE_BYTES.
        clocks.timing(["decode"], "ingest (read + decode)", n, input_mb),
        clocks.timing(["normalize"], "normalize (OpenCC + layout)", n, canonical_mb),
        clocks.timing(["segment"], "segment (clause tree)", n, canonical_mb),
        clocks.timing(extract, "extract", n, canonical_mb),
        clocks.timing(["metadata"], "metadata (documents row)", n, canonical_mb, level=1),
        clocks.timing(["themes"], "themes", n, canonical_mb, level=1),
        clocks.timing(["extract"], "spaCy: targets, dates, parties, terms", n, canonical_mb, level=1),
    ]
    assert set(clocks.seconds) <= {*STAGES, "part"}, sorted(clocks.seconds)
    parts = clocks.timing(["part"], "parts (Arrow IPC, per document)", n, canonical_mb, level=1)
    clauses = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["doc_id", "clause_id", "kind", "text"])
    return StageRun(timings, parts, sources, texts, clauses, input_mb, canonical_mb, sum(map(len, texts)), failures)


class _Aligned:
    """A comparer that hands back alignments already computed, so assembly is timed without aligning again."""

    def __init__(self, aligned: pd.DataFrame) -> None:
        self.aligned = aligned

    def fit(self, clauses: pd.DataFrame) -> _Aligned:
        return self

    def align_table(self) -> pa.Table:
        from pipeline.tables import frame_to_table

        return frame_to_table("alignments", self.aligned)


def measure_assembly(scratch: Path, sources: Sequence[Source], aligned: pd.DataFrame, megabytes: float) -> list[Timing]:
    """Check the parts in ``scratch/interim``, assemble the tables from them, run the corpus-level checks, as a run does.

    The parts are checked many documents at once (:func:`pipeline.corpus.check_parts`); the corpus-level
    checks read what the assembly kept (:func:`pipeline.store.assembly.check_assembled`), not the tables read back.
    """
    check, assemble, validate = Clock(), Clock(), Clock()
    paths: dict[str, Path] = {}
    with check:
        outcomes = corpus.check_parts(scratch / INTERIM_NAME, sources, code_fingerprint())
    doc_ids = sorted(outcome.doc_id for outcome in outcomes if not outcome.error)
    try:
        with assemble:
            checked: dict = {}
            paths = assemble_tables(scratch, scratch / INTERIM_NAME, doc_ids, _Aligned(aligned), checked=checked)
        with validate:
            check_assembled(scratch, paths, checked)
    finally:
        for path in paths.values():
            Path(path).unlink(missing_ok=True)
    n = len(doc_ids)
    return [check.timing("check (document checks, many documents at once)", n, megabytes, level=1),
            assemble.timing("assemble tables (Parquet, TF-IDF)", n, megabytes, level=1),
            validate.timing("validate (corpus-level checks)", n, megabytes, level=1)]


# --- 5. Alignment, and its growth ------------------------------------------------

@dataclass(frozen=True)
class Alignment:
    """ClauseComparer fit + align on the clauses of ``documents`` documents."""

    documents: int
    clauses: int                 # clauses compared (long enough, of an aligned kind)
    pairs: int                   # alignment rows
    fit_seconds: float
    align_seconds: float
    cpu_seconds: float
    peak_megabytes: float | None  # growth of resident memory at its peak (None where Linux cannot tell)

    @property
    def seconds(self) -> float:
        return self.fit_seconds + self.align_seconds


class PeakRSS:
    """How far this process's resident memory rose above where it started, at its highest, over a ``with`` block.

    Linux keeps the high-water mark (VmHWM) and lets a process reset it
    (``/proc/self/clear_refs``), so one run gives both time and memory:
    tracemalloc would slow difflib's pure-Python matching several times over.
    ``megabytes`` stays None where that is not possible.
    """

    megabytes: float | None = None

    def __enter__(self) -> PeakRSS:
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self._start = _proc_status_kb("VmRSS")
        except OSError:
            self._start = None
        return self

    def __exit__(self, *exc) -> None:
        if self._start is not None:
            self.megabytes = (_proc_status_kb("VmHWM") - self._start) * 1024 / MB


def _proc_status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise OSError(f"no {field} in /proc/self/status")


def measure_alignment(clauses: pd.DataFrame, documents: int) -> tuple[Alignment, pd.DataFrame]:
    """Time fit + align, and the rise in resident memory they cause, in a forked copy of this process.

    Each size starts from the same memory: in this process, the second run
    would reuse what the first freed, and its rise would read too low.
    """
    from multiprocessing import get_context

    with get_context("fork").Pool(1) as pool:
        return pool.apply(_measure_alignment_here, (clauses, documents))


def _measure_alignment_here(clauses: pd.DataFrame, documents: int) -> tuple[Alignment, pd.DataFrame]:
    from pipeline.compare import ClauseComparer

    with PeakRSS() as peak:
        started, cpu = time.perf_counter(), time.process_time()
        comparer = ClauseComparer().fit(clauses)
        fitted = time.perf_counter()
        aligned = comparer.align()
        ended, cpu = time.perf_counter(), time.process_time() - cpu
    return Alignment(documents, len(comparer.clauses_), len(aligned), fitted - started, ended - fitted, cpu,
                     peak.megabytes), aligned


def alignment_growth(clauses: pd.DataFrame) -> tuple[list[Alignment], pd.DataFrame]:
    """Alignment on the first half of the documents and on all of them; the alignments of all."""
    doc_ids = sorted(clauses["doc_id"].unique())
    half = doc_ids[: max(1, len(doc_ids) // 2)]
    small, _ = measure_alignment(clauses[clauses["doc_id"].isin(half)], len(half))
    full, aligned = measure_alignment(clauses, len(doc_ids))
    return [small, full], aligned


# --- 2. and 4. End to end, in a subprocess ----------------------------------------

def _instrumented_extract(folder: str, out: str, workers: int) -> dict:
    """Run ``extract_corpus`` in this (child) process, its phases timed by its ``on_stage`` hook; JSON-ready figures.

    ``documents`` is the parallel part (the worker pool), everything else runs
    on this process; ``other`` is what the run's stages leave (the scan, the lock).
    """
    phases: dict[str, float] = defaultdict(float)

    def record(name: str, seconds: float) -> None:
        phases[name] += seconds

    sampler = MemorySampler()
    started, cpu = time.perf_counter(), time.process_time()
    with sampler:
        report = corpus.extract_corpus(Path(folder), Path(out), workers=workers, on_stage=record)
    seconds = time.perf_counter() - started
    own, workers_usage = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        "parent_cpu_seconds": own.ru_utime + own.ru_stime,
        "workers_cpu_seconds": workers_usage.ru_utime + workers_usage.ru_stime,
        "run_cpu_seconds": time.process_time() - cpu,
        # Linux reports ru_maxrss in KiB; for children it is the largest one, not a sum.
        "parent_peak_rss_mb": own.ru_maxrss * 1024 / MB,
        # Includes the alignment's helpers, forked from the parent late in the run: a forked
        # process's RSS counts every page it shares with the parent, so this is at least the
        # parent's size when they fork. worker_peak_uss_mb is each child's own memory.
        "worker_peak_rss_mb": workers_usage.ru_maxrss * 1024 / MB,
        "worker_peak_uss_mb": sampler.peak_child_uss_mb,
        "total_peak_pss_mb": sampler.peak_pss_mb,
        "phases": {"documents": phases["documents"], "check": phases["check"], "assemble": phases["assemble"],
                   "align": phases["align"],
                   "validate": phases["validate"] + phases["switch"], "other": seconds - sum(phases.values())},
        "processed": len(report.processed), "reused": len(report.reused), "failures": len(report.failures),
        "up_to_date": report.up_to_date,
    }


class MemorySampler:
    """Peak proportional set size of this process and its workers together, sampled every 0.2 s.

    Forked workers share their parent's pages until they write to them, so
    summing RSS counts those pages once per process; PSS splits them.  Needs
    psutil; ``peak_pss_mb`` stays None without it.  ``peak_child_uss_mb`` is
    the largest unique set size of one child: the memory only it holds, which
    a forked process's RSS (every page it shares with its parent) hides.
    """

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_pss_mb: float | None = None
        self.peak_child_uss_mb: float | None = None
        self._stop = threading.Event()

    def __enter__(self) -> MemorySampler:
        try:
            import psutil
        except ImportError:
            return self
        self._process = psutil.Process()
        self._thread = threading.Thread(target=self._run, args=(psutil,), daemon=True)
        self._thread.start()
        return self

    def _run(self, psutil) -> None:
        while True:
            total = 0
            for process in [self._process, *self._process.children(recursive=True)]:
                try:
                    memory = process.memory_full_info()
                except (psutil.Error, AttributeError):
                    continue
                total += memory.pss
                if process is not self._process:
                    self.peak_child_uss_mb = max(self.peak_child_uss_mb or 0.0, memory.uss / MB)
            self.peak_pss_mb = max(self.peak_pss_mb or 0.0, total / MB)
            if self._stop.wait(self.interval):
                return

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if hasattr(self, "_thread"):
            self._thread.join()


def _child_command(*arguments: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "_extract", *arguments]


def end_to_end(folder: Path, out: Path, workers: int) -> dict:
    """``extract_corpus(folder, out, workers=workers)`` in a fresh process; its figures and the command's wall time."""
    started = time.perf_counter()
    done = subprocess.run(_child_command(str(folder), str(out), str(workers)), capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"end-to-end run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["command_seconds"] = wall
    figures["workers"] = workers
    return figures


def policy_command() -> list[str]:
    """The installed ``policy`` command beside this Python, else the module."""
    script = Path(sys.executable).with_name("policy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.entry"]


def no_change_rerun(folder: Path, out: Path, repeats: int = 3) -> dict:
    """``policy extract`` on an up-to-date folder, ``repeats`` times; then ``extract_corpus``'s own time.

    ``extract_corpus`` is timed in a fresh process too: this one imported the
    pipeline when the benchmark began, and other sessions may have changed it since.
    """
    runs = []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([*policy_command(), "extract", str(folder), "--out", str(out)],
                              capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if "is up to date" not in done.stdout:
            raise SystemExit(f"the re-run did work; expected 'is up to date':\n{done.stdout[-1000:]}{done.stderr[-1000:]}")
        runs.append({"seconds": wall, "cpu_seconds": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)})
    child = end_to_end(folder, out, 1)
    in_process = {"seconds": child["seconds"], "cpu_seconds": child["run_cpu_seconds"],
                  "up_to_date": child["up_to_date"]}
    median = sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]
    return {"command": " ".join(["policy", "extract", str(folder), "--out", str(out)]), "runs": runs,
            "command_seconds_median": median["seconds"], "command_cpu_seconds_median": median["cpu_seconds"],
            "extract_corpus": in_process}


# --- 3. The bare reference -------------------------------------------------------

def bare_reference(texts: Sequence[str], workers: int) -> list[Figures]:
    """Bare jieba and bare rjieba on one process and on ``workers``; bare OpenCC t2s on ``workers``."""
    from benchmarks import bare

    figures = []
    for measure in (bare.measure_jieba, bare.measure_rjieba):
        figures.append(measure(texts, workers=1))
        if workers > 1:
            figures.append(measure(texts, workers=workers))
    figures.append(bare.measure_opencc(texts, workers=workers))
    return figures


# --- Everything ----------------------------------------------------------------------

def run_benchmark(folder: Path, workers: int | None = None, toolkit: Toolkit | None = None, repeats: int = 3,
                  log=print) -> dict:
    """Every measurement on the documents in ``folder``; the figures as a JSON-ready dict."""
    from pipeline.process import Toolkit

    workers = workers or os.cpu_count() or 1
    results: dict = {"machine": machine(), "loads": {}}
    code_before = code_state()
    loads = results["loads"]
    with tempfile.TemporaryDirectory(prefix="policy-bench-") as scratch_name:
        scratch = Path(scratch_name)
        log("building the toolkit (OpenCC, spaCy + jieba, gazetteer)")
        toolkit = toolkit or Toolkit()
        loads["stages"] = load_average()
        log("1/5 stages on one process")
        stages = measure_stages(folder, toolkit, scratch / "stages")
        n = len(stages.texts)
        results["corpus"] = {"folder": str(folder), "documents": n, "input_megabytes": stages.input_megabytes,
                             "canonical_megabytes": stages.canonical_megabytes, "characters": stages.characters,
                             "clauses": len(stages.clauses), "failures": stages.failures}
        log("2/5 compare: alignment on N/2 and N documents")
        loads["compare"] = load_average()
        growth, aligned = alignment_growth(stages.clauses)
        full = growth[-1]
        compare = Timing("compare (ClauseComparer fit + align)", n, stages.canonical_megabytes, full.seconds,
                         full.cpu_seconds)
        written = set(stages.clauses["doc_id"])
        write = measure_assembly(scratch / "stages", [s for s in stages.sources if s.doc_id in written], aligned,
                                 stages.canonical_megabytes)
        timings, parts = stages.timings, stages.parts
        write_total = Timing("write", n, stages.canonical_megabytes, parts.seconds + sum(t.seconds for t in write),
                             parts.cpu_seconds + sum(t.cpu_seconds for t in write))
        timings += [compare, write_total, parts, *write]
        stage_rows = [t for t in timings if t.level == 0 and not t.name.startswith("scan")]
        timings.append(Timing("all stages, one process", n, stages.canonical_megabytes,
                              sum(t.seconds for t in stage_rows), sum(t.cpu_seconds for t in stage_rows)))
        results["stages"] = [t.as_dict() for t in timings]
        results["alignment_growth"] = {
            "sizes": [dict(asdict(a), seconds=a.seconds) for a in growth],
            "time_ratio": growth[-1].seconds / growth[0].seconds if growth[0].seconds else None,
            "cpu_ratio": growth[-1].cpu_seconds / growth[0].cpu_seconds if growth[0].cpu_seconds else None,
            "memory_ratio": (growth[-1].peak_megabytes / growth[0].peak_megabytes
                             if growth[0].peak_megabytes and growth[-1].peak_megabytes else None),
            "clause_ratio": growth[-1].clauses / growth[0].clauses if growth[0].clauses else None,
        }
        del aligned

        log(f"3/5 end to end: extract_corpus(workers={workers}) in a subprocess")
        out = scratch / "out"
        loads["end_to_end"] = load_average()
        e2e = end_to_end(folder, out, workers)
        e2e["documents_per_second"] = n / e2e["seconds"]
        e2e["megabytes_per_second"] = stages.input_megabytes / e2e["seconds"]
        results["end_to_end"] = e2e

        log(f"4/5 no-change re-run ({repeats}x the policy command)")
        loads["no_change"] = load_average()
        results["no_change"] = no_change_rerun(folder, out, repeats)

        log(f"5/5 bare jieba and OpenCC on {workers} processes")
        loads["bare"] = load_average()
        figures = bare_reference(stages.texts, workers)
        results["bare"] = [dict(asdict(f), documents_per_second=f.documents_per_second,
                                megabytes_per_second=f.megabytes_per_second) for f in figures]
        pooled_jieba = [f for f in figures if f.task == "jieba.lcut"][-1]
        results["end_to_end_vs_bare_jieba"] = e2e["documents_per_second"] / pooled_jieba.documents_per_second
    results["machine"]["load_average_end"] = load_average()
    code_after = code_state()
    results["code_changed_during_run"] = sorted(name for name in code_before.keys() | code_after.keys()
                                                if code_before.get(name) != code_after.get(name))
    return results


# --- Printing ------------------------------------------------------------------------

def _goal(met: bool) -> str:
    return "met" if met else "NOT met"


def render(results: dict) -> str:
    """The figures as fixed-width tables."""
    from benchmarks import bare

    m, c = results["machine"], results["corpus"]
    loads = results["loads"]
    lines = [
        f"machine: {m['cores']} cores ({m['cpu']}), {m['platform']}, Python {m['python']}, pipeline {m['pipeline_version']}",
        f"load average (1, 5, 15 min): {' '.join(map(str, m['load_average_start']))} at start, "
        f"{' '.join(map(str, m['load_average_end']))} at end",
        f"corpus: {c['folder']}: {c['documents']:,} documents, {c['input_megabytes']:.1f} MB of input, "
        f"{c['canonical_megabytes']:.1f} MB of canonical text ({c['characters']:,} characters), "
        f"{c['clauses']:,} clauses, {len(c['failures'])} failed",
        "",
        f"1. Stages, one process (load {loads['stages'][0]}); MB of input for scan and ingest, of canonical text after",
        f"   {'stage':<42} {'seconds':>8} {'CPU s':>8} {'docs/s':>9} {'MB/s':>8} {'ms/doc':>7}",
    ]
    for t in results["stages"]:
        name = ("  " * t["level"]) + t["name"]
        if t["name"].startswith("all stages"):
            lines.append("   " + "-" * 86)
        lines.append(f"   {name:<42} {t['seconds']:>8.2f} {t['cpu_seconds']:>8.2f} {t['documents_per_second']:>9.1f} "
                     f"{t['megabytes_per_second']:>8.2f} {1000 * t['seconds'] / max(1, t['documents']):>7.1f}")
    e = results["end_to_end"]
    cpu = e["parent_cpu_seconds"] + e["workers_cpu_seconds"]
    p = e["phases"]
    pss = f"{e['total_peak_pss_mb']:.0f} MB" if e["total_peak_pss_mb"] else "n/a (no psutil)"
    uss = f"{e['worker_peak_uss_mb']:.0f} MB" if e.get("worker_peak_uss_mb") else "n/a (no psutil)"
    lines += [
        "",
        f"2. End to end: extract_corpus(workers={e['workers']}) from an empty folder, in a subprocess "
        f"(load {loads['end_to_end'][0]})",
        f"   {c['documents'] / e['seconds']:.1f} docs/s, {e['megabytes_per_second']:.2f} MB/s of input; "
        f"extract_corpus {e['seconds']:.2f} s, whole command {e['command_seconds']:.2f} s (with start-up)",
        f"   CPU {cpu:.1f} s: parent {e['parent_cpu_seconds']:.1f} s, workers {e['workers_cpu_seconds']:.1f} s "
        f"({100 * cpu / (e['command_seconds'] * results['machine']['cores']):.0f}% of {results['machine']['cores']} cores "
        f"over the command)",
        f"   phases: documents (worker pool) {p['documents']:.2f} s, check {p.get('check', 0):.2f} s, "
        f"assemble {p['assemble']:.2f} s, align {p['align']:.2f} s, validate + rename {p['validate']:.2f} s, "
        f"other (scan, manifest) {p['other']:.2f} s (serial, outside the pool: "
        f"{p.get('check', 0) + p['assemble'] + p['align'] + p['validate'] + p['other']:.2f} s)",
        f"   peak memory: parent {e['parent_peak_rss_mb']:.0f} MB RSS, largest child {e['worker_peak_rss_mb']:.0f} MB RSS "
        f"(the alignment's forked helpers count the parent's pages), largest child's own memory {uss} USS, "
        f"parent + workers {pss} PSS (sampled)",
        f"   {e['processed']} processed, {e['failures']} failed",
    ]
    lines += ["", f"3. Bare reference on the same canonical texts (load {loads['bare'][0]})",
              "   " + bare.table([bare.Figures(**{k: f[k] for k in ("task", "workers", "documents", "megabytes",
                                                                    "seconds", "cpu_seconds")})
                                  for f in results["bare"]]).replace("\n", "\n   ")]
    ratio = results["end_to_end_vs_bare_jieba"]
    lines.append(f"   end-to-end docs/s / bare jieba docs/s on {e['workers']} processes: {100 * ratio:.0f}% "
                 f"(goal >= {100 * BARE_JIEBA_GOAL:.0f}%: {_goal(ratio >= BARE_JIEBA_GOAL)})")
    r = results["no_change"]
    each = ", ".join(f"{run['seconds']:.2f}" for run in r["runs"])
    lines += [
        "",
        f"4. No-change re-run (load {loads['no_change'][0]}): `policy extract` on the up-to-date folder",
        f"   command wall {r['command_seconds_median']:.2f} s median of {len(r['runs'])} ({each}), "
        f"CPU {r['command_cpu_seconds_median']:.2f} s "
        f"(goal < {NO_CHANGE_GOAL_SECONDS:g} s: {_goal(r['command_seconds_median'] < NO_CHANGE_GOAL_SECONDS)})",
        f"   extract_corpus alone (timed inside a fresh process) {r['extract_corpus']['seconds']:.2f} s "
        f"(CPU {r['extract_corpus']['cpu_seconds']:.2f} s), up to date: {r['extract_corpus']['up_to_date']}",
    ]
    g = results["alignment_growth"]
    lines += ["", f"5. Alignment growth: ClauseComparer fit + align (load {loads['compare'][0]})",
              f"   {'documents':>9} {'clauses':>8} {'pairs':>7} {'fit s':>7} {'align s':>8} {'total s':>8} "
              f"{'CPU s':>7} {'peak MB':>8}"]
    for a in g["sizes"]:
        lines.append(f"   {a['documents']:>9,} {a['clauses']:>8,} {a['pairs']:>7,} {a['fit_seconds']:>7.2f} "
                     f"{a['align_seconds']:>8.2f} {a['seconds']:>8.2f} {a['cpu_seconds']:>7.2f} "
                     f"{a['peak_megabytes'] if a['peak_megabytes'] is None else round(a['peak_megabytes']):>8}")

    def ratio_text(value):
        return f"{value:.2f}" if value else "n/a"

    lines.append(f"   ratio all/half: clauses {ratio_text(g['clause_ratio'])}, time {ratio_text(g['time_ratio'])}, "
                 f"CPU {ratio_text(g['cpu_ratio'])}, peak memory {ratio_text(g['memory_ratio'])} "
                 f"(linear ~2, quadratic ~4); peak MB: rise of resident memory (VmHWM) over the start")
    changed = results.get("code_changed_during_run")
    if changed:
        lines += ["", f"warning: pipeline/ changed during the benchmark ({', '.join(changed[:6])}"
                      f"{', ...' if len(changed) > 6 else ''}): the one-process stages ran the code imported at the "
                      f"start, each subprocess the code on disk when it started"]
    lines += ["", summary_line(results)]
    return "\n".join(lines)


def summary_line(results: dict) -> str:
    """The headline figures on one ``key=value`` line, for scripts: ``grep '^bench:'``."""
    e2e = results["end_to_end"]
    pooled = {f["task"]: f for f in results["bare"] if f["workers"] == e2e["workers"]}

    def bare(task: str, key: str) -> str:
        return f"{pooled[task][key]:.2f}" if task in pooled else "n/a"

    stages = {_stage_key(t["name"]): 1000 * t["seconds"] / max(1, t["documents"]) for t in results["stages"]}
    growth = results["alignment_growth"]
    return " ".join([
        "bench:",
        f"documents={results['corpus']['documents']}",
        f"workers={e2e['workers']}",
        f"docs_per_s={e2e['documents_per_second']:.2f}",
        f"mb_per_s={e2e['megabytes_per_second']:.3f}",
        f"bare_jieba_docs_per_s={bare('jieba.lcut', 'documents_per_second')}",
        f"bare_jieba_mb_per_s={bare('jieba.lcut', 'megabytes_per_second')}",
        f"bare_rjieba_docs_per_s={bare('rjieba.cut', 'documents_per_second')}",
        f"bare_rjieba_mb_per_s={bare('rjieba.cut', 'megabytes_per_second')}",
        f"vs_bare_jieba={results['end_to_end_vs_bare_jieba']:.3f}",
        *(f"ms_per_doc_{key}={value:.2f}" for key, value in stages.items() if key),
        f"align_s={growth['sizes'][-1]['seconds']:.2f}",
        f"align_time_ratio={growth['time_ratio'] or 0:.2f}",
        f"parent_peak_mb={e2e['parent_peak_rss_mb']:.0f}",
        f"worker_uss_mb={e2e.get('worker_peak_uss_mb') or 0:.0f}",
        f"worker_peak_mb={e2e['worker_peak_rss_mb']:.0f}",
        f"no_change_s={results['no_change']['command_seconds_median']:.2f}",
        f"no_change_cpu_s={results['no_change']['command_cpu_seconds_median']:.2f}",
    ])


def _stage_key(name: str) -> str:
    """``"write"``, ``"assemble"``, ...: the first word of a stage's name, as a key ("" for the scan)."""
    word = name.split()[0].strip(":").lower()
    return "" if word == "scan" else {"clause": "metadata", "all": "total"}.get(word, word)


def results_path(n: int) -> Path:
    return BENCH_DIR / f"results-{n}.json"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_extract"]:           # the end-to-end child: see end_to_end
        folder, out, workers = argv[1:4]
        print(json.dumps(_instrumented_extract(folder, out, int(workers))))
        return 0
    parser = argparse.ArgumentParser(
        description="Time every stage, the whole extraction on all cores and bare jieba/OpenCC on a benchmark corpus.",
        epilog="example: .venv/bin/python benchmarks/bench.py --n 1000",
    )
    parser.add_argument("--n", type=int, default=1000, help="documents in the corpus (default 1000)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="the corpus folder; regenerated when it does not hold N documents (default benchmarks/corpus)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)")
    parser.add_argument("--json", type=Path, default=None, help="where to write the figures (default benchmarks/results-N.json)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    started = time.perf_counter()
    load_before = load_average()
    if ensure_corpus(args.n, args.corpus):
        print(f"generated {args.n} documents in {args.corpus}", file=sys.stderr)
    results = run_benchmark(args.corpus, args.workers, log=lambda message: print(message, file=sys.stderr, flush=True))
    results["machine"]["load_average_start"] = load_before
    results["benchmark_seconds"] = time.perf_counter() - started
    path = args.json or results_path(args.n)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(render(results))
    print(f"\nfigures written to {path} ({results['benchmark_seconds']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

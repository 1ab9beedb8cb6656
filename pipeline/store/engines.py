"""Running the per-document function under bounds: worker processes on this machine, or a Dask cluster.

The work is the same on every engine: :func:`pipeline.corpus.build_part`
processes one document and writes its part under ``data/interim``.

Every document is processed in a worker process under two bounds
(:class:`Limits`): a time limit, enforced from outside (the worker is
killed when its document takes too long, whatever it is doing, even inside C
code), and a memory limit (``RLIMIT_AS`` set in the worker, so a decompression
bomb or a runaway allocation raises ``MemoryError`` there, or kills that
worker, not the machine). A document over a bound, or one that kills its
worker, gives a failed outcome named ``too slow`` / ``too large`` /
``processing crashed``; the worker is replaced and the run goes on.

On this machine (:func:`run_supervised`) a few long-lived workers are forked
from the caller, so they inherit its imports and toolkit. On Dask
(:func:`run_on_dask`) each task runs its document in such a worker forked
from the Dask worker, so the same bounds hold there; the future's result also
has a timeout. Workers must see the seeds and the data folder at the same
paths (a shared file system), since each writes its part there; the tables
are then assembled by the caller exactly as on the local engine, so they are
the same bytes.

A :class:`ForkedCall` is one call in a process forked early, beside the
caller: a run's alignment (:class:`pipeline.store.assembly.BackgroundAlignment`).
"""

from __future__ import annotations

import faulthandler
import logging
import math
import os
import pickle
import resource
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe, wait
from typing import TypeVar

from pipeline import config
from pipeline.errors import EngineError

Job = TypeVar("Job")
Outcome = TypeVar("Outcome")


@dataclass(frozen=True)
class Limits:
    """Bounds on one document: seconds of wall time, and bytes of memory a worker may add while processing it."""

    seconds: float = config.DOCUMENT_SECONDS
    memory: int = config.DOCUMENT_MEMORY_BYTES


@dataclass(frozen=True)
class Failure:
    """Why a job gave no outcome: ``too slow``, ``too large`` or a crash; ``fail`` turns it into the job's outcome."""

    kind: str
    detail: str


@dataclass(frozen=True)
class Usage:
    """What one job cost its worker, for the fuzz harness's table."""

    seconds: float
    peak_mb: float


# --- The worker ---------------------------------------------------------------

def _address_space() -> int:
    """Bytes of virtual memory this process maps now."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _limit_memory(budget: int) -> None:
    """Let this process map at most ``budget`` bytes more than it maps now."""
    if budget <= 0:
        return
    wanted = _address_space() + budget
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):
        pass


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when its parent dies (Linux), so a killed run leaves no worker writing parts."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)


def _worker_loop(connection: Connection, function: Callable, limits: Limits, prepare: Callable | None = None) -> None:
    """Run jobs received on ``connection`` until told to stop (None); send back ``("ok", outcome)`` or a failure.

    ``prepare`` (building the toolkit) runs before the memory limit is set, so
    only what a document adds counts against it.
    """
    _quiet_child()  # a worker that crashes is reported in one line by the parent, not by a dump
    # pdfminer logs a warning per damaged font; the document's outcome says what matters.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if prepare is not None:
        prepare()
    _limit_memory(limits.memory)
    connection.send(("ready", None))  # the parent starts the clock of the first document now
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            reply = ("ok", function(job))
        except MemoryError:
            reply = ("too large", f"over the memory limit of {limits.memory // 2**20:,} MB")
        except BaseException as error:  # noqa: BLE001 - any failure is this document's, reported in one line
            reply = ("crash", one_line(error))
        try:
            connection.send(reply)
        except MemoryError:
            connection.send(("too large", f"over the memory limit of {limits.memory // 2**20:,} MB"))
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            connection.send(("crash", one_line(error)))


def one_line(error: BaseException, width: int = 300) -> str:
    """``ValueError: what it says`` on one line, at most ``width`` characters."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _fork(main: Callable[[Connection], object]) -> tuple[int, Connection]:
    """Fork a child that runs ``main`` on its end of a pipe, then exits; the child's pid and this process's end.

    The child dies with this process (Linux) and never returns into the caller's code.
    """
    parent, child = Pipe()
    caller = os.getpid()
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            _die_with_parent(caller)
            parent.close()
            main(child)
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    child.close()
    return pid, parent


def _quiet_child() -> None:
    """Signals and crash dumps in a forked child: Ctrl-C is the parent's (it kills its children), a crash is its to report."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    faulthandler.disable()


class _Worker:
    def __init__(self, function: Callable, limits: Limits, prepare: Callable | None = None) -> None:
        self.pid, self.connection = _fork(lambda child: _worker_loop(child, function, limits, prepare))
        self.job: int | None = None
        self.ready = False
        self.started = 0.0

    def give(self, index: int, job) -> None:
        self.job, self.started = index, time.monotonic()
        self.connection.send(job)

    def deadline(self, seconds: float) -> float:
        """When the current job runs out of time; a worker still starting up gets the time it needs."""
        return self.started + seconds if self.ready else math.inf

    def kill(self) -> tuple[int, float]:
        """Kill the worker and reap it: its wait status and peak resident MB."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return self.reap()

    def reap(self) -> tuple[int, float]:
        _, status, usage = os.wait4(self.pid, 0)
        self.connection.close()
        return status, usage.ru_maxrss / 1024

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except OSError:
            pass
        self.kill()


def run_supervised(function: Callable[[Job], Outcome], jobs: Sequence[Job], workers: int = 1,
                   limits: Limits = Limits(), usage: dict[int, Usage] | None = None,
                   prepare: Callable[[], object] | None = None) -> Iterator[tuple[int, Outcome | Failure]]:
    """Yield ``(index, function(jobs[index]))`` for every job as it finishes, each run in a bounded worker process.

    A job over its time limit, over its memory limit, or that kills its
    worker yields a :class:`Failure` instead; its worker is replaced. Workers
    are forked from this process (POSIX only). ``usage``, when given, is
    filled with each job's seconds (as seen from here) and its worker's peak MB.
    ``prepare`` runs in each new worker before its memory limit is set.
    """
    pending = list(enumerate(jobs))
    pending.reverse()
    pool: list[_Worker] = []
    try:
        while pending or any(worker.job is not None for worker in pool):
            while pending and len([w for w in pool if w.job is not None]) < max(1, workers):
                idle = next((w for w in pool if w.job is None), None)
                if idle is None:
                    idle = _Worker(function, limits, prepare)
                    pool.append(idle)
                idle.give(*pending.pop())
            busy = [w for w in pool if w.job is not None]
            now = time.monotonic()
            timeout = None
            if limits.seconds > 0:
                first = min(w.deadline(limits.seconds) for w in busy)
                timeout = None if first == math.inf else max(0.0, first - now)
            ready = wait([w.connection for w in busy], timeout=timeout)
            for worker in busy:
                index = worker.job
                elapsed = time.monotonic() - worker.started
                if worker.connection in ready:
                    try:
                        kind, value = worker.connection.recv()
                        if kind == "ready":
                            worker.ready, worker.started = True, time.monotonic()
                            continue
                    except (EOFError, OSError):
                        status, peak = worker.reap()
                        pool.remove(worker)
                        _record(usage, index, elapsed, peak)
                        yield index, _died(status, limits)
                        continue
                    worker.job = None
                    _record(usage, index, elapsed, _peak_mb(worker.pid))
                    if kind == "ok":
                        yield index, value
                    else:
                        # A worker that ran out of memory may be in a bad state: replace it.
                        if kind == "too large":
                            worker.kill()
                            pool.remove(worker)
                        yield index, Failure(kind, value)
                elif limits.seconds > 0 and worker.ready and elapsed >= limits.seconds:
                    _, peak = worker.kill()
                    pool.remove(worker)
                    _record(usage, index, elapsed, peak)
                    yield index, Failure("too slow", f"still running after {limits.seconds:g} s; stopped")
    finally:
        for worker in pool:
            worker.stop()


def _peak_mb(pid: int) -> float:
    """The peak resident memory of a live process, in MB (VmHWM)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def _record(usage: dict | None, index: int, seconds: float, peak: float) -> None:
    if usage is not None:
        usage[index] = Usage(seconds, peak)


def _died(status: int, limits: Limits) -> Failure:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        if number == signal.SIGKILL:
            # Not killed by us (a timeout is reported before): the kernel's OOM killer ends workers this way.
            return Failure("too large", f"the worker was killed by {name}, most likely out of memory")
        return Failure("crash", f"the worker was killed by {name}")
    return Failure("crash", f"the worker exited with status {os.WEXITSTATUS(status)}")


# --- One call beside this process ---------------------------------------------

class CallFailed(Exception):
    """A :class:`ForkedCall` raised, or its process died; the message says why, in one line."""


class ForkedCall:
    """``function(prepare(), *arguments)`` in a process forked now, its arguments sent later (:meth:`start`).

    ``prepare`` runs in the new process at once (imports, a model), so it is
    done when the arguments come; meanwhile this process goes on with its own
    work, and again while ``function`` runs, until it asks for the
    :meth:`result` (pickled back). Both run with the caller's state as it was
    at the fork, nothing pickled but the arguments and the result. The
    process dies with this one (Linux) and is killed by :meth:`close`.
    """

    def __init__(self, function: Callable, prepare: Callable[[], object] | None = None) -> None:
        self.pid, self.connection = _fork(lambda child: _call_once(child, function, prepare))
        self.reaped = False

    def start(self, *arguments) -> None:
        self.connection.send(arguments)

    def result(self):
        """What the call returned (waiting for it).

        Raises:
            CallFailed: it raised (its one-line message), or its process died.
        """
        try:
            kind, value = self.connection.recv()
        except (EOFError, OSError):
            kind, value = "died", _died(self._reap(), Limits()).detail
        self.close()
        if kind != "ok":
            raise CallFailed(value)
        return value

    def close(self) -> None:
        """Kill the process (when it still runs) and reap it; calling it again does nothing."""
        if not self.reaped:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def _reap(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        self.reaped = True
        self.connection.close()
        return status


def _call_once(connection: Connection, function: Callable, prepare: Callable[[], object] | None) -> None:
    _quiet_child()
    reply = prepared = None
    try:
        prepared = prepare() if prepare is not None else None
    except Exception as error:  # noqa: BLE001 - reported when the result is asked for
        reply = ("error", one_line(error))
    try:
        arguments = connection.recv()
    except (EOFError, OSError):  # the caller closed it: nothing to do
        return
    if reply is None:
        try:
            reply = ("ok", function(prepared, *arguments))
        except Exception as error:  # noqa: BLE001 - any failure is reported in one line
            reply = ("error", one_line(error))
    try:
        connection.send(reply)
    except (pickle.PicklingError, TypeError, AttributeError, MemoryError) as error:
        connection.send(("error", one_line(error)))


# --- Dask -----------------------------------------------------------------------

def _bounded(task: tuple):
    """A Dask task: the job run in a bounded worker forked from the Dask worker.

    ``prepare`` runs in the Dask worker itself, once (it caches what it
    builds), so every forked child inherits the toolkit instead of building it.
    """
    function, job, limits, *rest = task
    prepare = rest[0] if rest else None
    if prepare is not None:
        prepare()
    for _, outcome in run_supervised(function, [job], 1, limits):
        return outcome
    return Failure("crash", "no outcome")


def run_on_dask(function: Callable[[Job], Outcome], jobs: Sequence[Job], scheduler: str | None = None,
                workers: int = 1, limits: Limits = Limits(),
                prepare: Callable[[], object] | None = None) -> Iterator[Outcome | Failure]:
    """Yield ``function(job)`` (or a :class:`Failure`) for every job, computed on Dask workers, in the order of ``jobs``.

    Args:
        scheduler: address of a running scheduler (``tcp://host:8786``); when
            ``None``, a local cluster of ``workers`` single-threaded worker
            processes is started and closed around the run.

    Raises:
        EngineError: Dask is not installed, or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise EngineError("dask", "install the dask extra: pip install -e '.[dask]'") from error
    cluster = None
    try:
        if scheduler is None:
            # One thread per worker process: spaCy and jieba hold the GIL.
            cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="5s")
    except (OSError, TimeoutError) as error:
        if cluster is not None:
            cluster.close()
        raise EngineError(scheduler or "local cluster", f"cannot start or reach the Dask scheduler: {error}") from error
    try:
        # pure=False: a document processed twice (a retry) is simply rewritten.
        futures = client.map(_bounded, [(function, job, limits, prepare) for job in jobs], pure=False)
        # Each task bounds itself; this timeout covers a task that never starts (a lost worker).
        backstop = None if limits.seconds <= 0 else limits.seconds * 2 + 120
        for future in futures:
            try:
                yield future.result(timeout=backstop)
            except TimeoutError:
                future.cancel()
                yield Failure("too slow", f"no result from the Dask cluster after {backstop:g} s")
            except Exception as error:  # noqa: BLE001 - a task's failure is its document's
                yield Failure("crash", one_line(error))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

"""Running the per-document function on a Dask cluster.

The work is the same on every engine: :func:`pipeline.corpus.build_part`
processes one document and writes its part under ``data/interim``. Here it
runs as Dask tasks, on the cluster at ``scheduler`` or on a local cluster
started for the run. Workers must see the seeds and the data folder at the
same paths (a shared file system), since each writes its part there; the
tables are then assembled by the caller exactly as on the local engine, so
they are the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from pipeline.errors import EngineError

Job = TypeVar("Job")
Outcome = TypeVar("Outcome")


def run_on_dask(function: Callable[[Job], Outcome], jobs: Sequence[Job], scheduler: str | None = None,
                workers: int = 1) -> Iterator[Outcome]:
    """Yield ``function(job)`` for every job, computed on Dask workers, in the order of ``jobs``.

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
        futures = client.map(function, list(jobs), pure=False)
        for future in futures:
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

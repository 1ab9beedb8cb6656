"""The stage hook: ``on_stage(name, seconds)``, called as each named stage of a run finishes.

The per-document path (:func:`pipeline.process.run_document`) and the corpus
run (:func:`pipeline.corpus.extract_corpus`) take it, so a benchmark times
their stages without copying or patching them. This module imports nothing
heavy: the corpus runner's parent process uses it too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

OnStage = Callable[[str, float], None]


@contextmanager
def stage(on_stage: OnStage | None, name: str) -> Iterator[None]:
    """Time the ``with`` block and report it to ``on_stage`` as stage ``name``; a stage that raises is not reported."""
    started = time.perf_counter()
    yield
    if on_stage is not None:
        on_stage(name, time.perf_counter() - started)

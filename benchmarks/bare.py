"""The reference limit: how fast bare jieba and bare OpenCC go over a corpus on this machine.

The pipeline segments every clause with jieba (through spaCy) and converts
every Traditional document with OpenCC, so no run of it can be faster than
those two libraries alone on the same text.  This script measures them,
single process and over a ``multiprocessing`` pool of all cores:

(a) ``jieba.lcut`` over each document's canonical text, jieba's default
    dictionary loaded once before the clock starts (in every worker too);
(b) ``rjieba.cut`` (jieba-rs, the pipeline's default segmenter) likewise;
(c) OpenCC ``t2s`` over the same text, the converter built once.

Throughput is documents per second and megabytes per second of canonical
text, counted as UTF-8 bytes.  The canonical texts come from the pipeline
(``process.segment_document``), before any timing.  Pool figures include sending the
texts to the workers, which any parallel pipeline pays too; only token and
character counts come back.

Run::

    .venv/bin/python benchmarks/make_corpus.py --n 1000
    .venv/bin/python benchmarks/bare.py benchmarks/corpus

Other benchmark scripts import :func:`canonical_texts`, :func:`measure_jieba`
and :func:`measure_opencc`, which return :class:`Figures`.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jieba
import opencc

from pipeline.normalize import ScriptConverter
from pipeline.process import segment_document
from pipeline.store.sources import list_sources

DEFAULT_CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass(frozen=True)
class Figures:
    """One timed run: a task over ``documents`` texts of ``megabytes`` MB with ``workers`` processes."""

    task: str
    workers: int
    documents: int
    megabytes: float
    seconds: float
    cpu_seconds: float | None = None    # single process only: what other load on the machine does not inflate

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds

    @property
    def megabytes_per_second(self) -> float:
        return self.megabytes / self.seconds


def canonical_texts(folder: Path, converter: ScriptConverter | None = None) -> list[str]:
    """The canonical text of every document in ``folder``, as the pipeline makes it."""
    converter = converter or ScriptConverter()
    return [segment_document(source, converter).canonical.normalized.text for source in list_sources(folder)[0]]


def measure_jieba(texts: Sequence[str], workers: int = 1) -> Figures:
    """Time ``jieba.lcut`` over each text, jieba initialized before the clock starts."""
    return _measure("jieba.lcut", texts, workers, _init_jieba, (), _jieba_tokens)


def measure_rjieba(texts: Sequence[str], workers: int = 1) -> Figures:
    """Time ``rjieba.cut`` over each text, its default dictionary built before the clock starts."""
    return _measure("rjieba.cut", texts, workers, _init_rjieba, (), _rjieba_tokens)


def measure_opencc(texts: Sequence[str], workers: int = 1, config: str = "t2s") -> Figures:
    """Time OpenCC ``config`` conversion of each text, the converter built before the clock starts."""
    return _measure(f"opencc {config}", texts, workers, _init_opencc, (config,), _opencc_chars)


def _measure(task: str, texts: Sequence[str], workers: int, initializer: Callable[..., None],
             initargs: tuple, work: Callable[[str], int]) -> Figures:
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    if workers <= 1:
        initializer(*initargs)
        started, cpu_started = time.perf_counter(), time.process_time()
        for text in texts:
            work(text)
        return Figures(task, 1, len(texts), megabytes, time.perf_counter() - started,
                       time.process_time() - cpu_started)
    with multiprocessing.Pool(workers, initializer=initializer, initargs=initargs) as pool:
        _wait_for_workers(pool, workers)
        chunksize = max(1, len(texts) // (workers * 8))
        started = time.perf_counter()
        pool.map(work, texts, chunksize=chunksize)
        seconds = time.perf_counter() - started
    return Figures(task, workers, len(texts), megabytes, seconds)


def _wait_for_workers(pool, workers: int, tries: int = 20) -> None:
    """Return once every worker has run its initializer (each answers a ping that holds it busy)."""
    seen: set[int] = set()
    for _ in range(tries):
        seen.update(pool.map(_ping, range(workers), chunksize=1))
        if len(seen) >= workers:
            return


def _ping(_: int) -> int:
    time.sleep(0.05)
    return os.getpid()


def _init_jieba() -> None:
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()


def _jieba_tokens(text: str) -> int:
    return len(jieba.lcut(text))


_rjieba = None


def _init_rjieba() -> None:
    global _rjieba
    import rjieba

    _rjieba = rjieba.Jieba()


def _rjieba_tokens(text: str) -> int:
    return len(_rjieba.cut(text))


_converter: opencc.OpenCC | None = None


def _init_opencc(config: str) -> None:
    global _converter
    _converter = opencc.OpenCC(config)


def _opencc_chars(text: str) -> int:
    return len(_converter.convert(text))


def table(figures: Sequence[Figures]) -> str:
    """The figures as a small fixed-width table."""
    lines = [f"{'task':<12} {'workers':>7} {'seconds':>8} {'docs/s':>9} {'MB/s':>7} {'CPU s':>7} {'MB/CPU-s':>8}"]
    for f in figures:
        cpu = f"{f.cpu_seconds:>7.2f} {f.megabytes / f.cpu_seconds:>8.2f}" if f.cpu_seconds else f"{'':>7} {'':>8}"
        lines.append(f"{f.task:<12} {f.workers:>7} {f.seconds:>8.2f} {f.documents_per_second:>9.1f} "
                     f"{f.megabytes_per_second:>7.2f} {cpu}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Throughput of bare jieba, bare rjieba and bare OpenCC over a folder's canonical texts.",
        epilog="example: .venv/bin/python benchmarks/bare.py benchmarks/corpus --workers 4",
    )
    parser.add_argument("folder", type=Path, nargs="?", default=DEFAULT_CORPUS,
                        help="documents to read (default benchmarks/corpus)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes in the pool (default: all cores)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    texts = canonical_texts(args.folder)
    if not texts:
        parser.error(f"no documents in {args.folder}")
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    print(f"{len(texts)} documents, {megabytes:.1f} MB of canonical text ({sum(map(len, texts)):,} characters), "
          f"read and normalized in {time.perf_counter() - started:.1f} s")
    # Other work on the machine slows every figure; say how busy it was.
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    runs = [1] + ([args.workers] if args.workers > 1 else [])
    figures = [measure(texts, workers) for measure in (measure_jieba, measure_rjieba, measure_opencc) for workers in runs]
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

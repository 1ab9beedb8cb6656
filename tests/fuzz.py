"""`make fuzz`: every hostile case of tests/hostile.py, plus generated documents, in bounded time; one table row each.

Each case is built in a scratch folder beside one good document and run
through ``extract_corpus`` under the default bounds (``config.DOCUMENT_SECONDS``,
``config.DOCUMENT_MEMORY_BYTES``); the row says what happened, how long the
run took and the peak resident memory of the worker that processed it.
``clean`` means: the good document was written, every other file was
processed or named in a one-line error as the case expects, nothing from
outside the folder reached the tables, and the tables validate. Then
hypothesis generates documents from the characters that trip segmenters
(markers, digits, dashes, invisible characters, long runs) and checks that
each ends in rows or a one-line error, never an exception.

Exit status 1 when a row is not clean.

    python -m tests.fuzz [--small] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.hostile import CASES, run_case


def _row(case: str, outcome: str, clean: bool, seconds: float, peak: float) -> str:
    return f"| {case:<36} | {'clean' if clean else 'FAIL':<5} | {seconds:>7.1f} | {peak:>7.0f} | {outcome}"


def generated(examples: int) -> tuple[bool, str, float, float]:
    """Hypothesis documents through build_part and the parent's check: every one gives rows or a one-line error."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    from pipeline.corpus import build_part, check_parts
    from pipeline.process import Toolkit
    from pipeline.store.manifest import code_fingerprint
    from pipeline.store.sources import list_sources

    toolkit, code = Toolkit(), code_fingerprint()
    pieces = st.sampled_from(["一、", "（一）", "1.", "1、", "（1）", "——", "第一条", "第一章", "到2025年", "达到",
                              "10%", "亿元", "\n", "。", "；", "\u200b", "\u202e", "９", "1e400", "年", "月", "日"])
    text = st.lists(st.one_of(pieces, st.text(min_size=1, max_size=20)), min_size=1, max_size=200).map("".join)
    failures: list[str] = []
    started = time.perf_counter()

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(text)
    def one(body: str) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "in"
            folder.mkdir()
            (folder / "doc.txt").write_text(body, encoding="utf-8", errors="surrogatepass")
            sources, _ = list_sources(folder)
            for source in sources:
                try:
                    outcome = build_part(source, Path(scratch) / "interim", code, toolkit)
                    if not outcome.error:
                        (outcome,) = check_parts(Path(scratch) / "interim", [source], code)
                except BaseException as error:  # noqa: BLE001 - the point: nothing may escape
                    failures.append(f"{type(error).__name__}: {error}")
                    continue
                if outcome.error and "\n" in outcome.error:
                    failures.append(f"error of several lines: {outcome.error[:80]}")
                if outcome.error and "could not be processed" in outcome.error:
                    failures.append(outcome.error[:160])

    one()
    return not failures, (failures[0] if failures else f"{examples} documents: rows or a named error"), \
        time.perf_counter() - started, 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="leave out the big cases (seconds each)")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    parser.add_argument("--examples", type=int, default=60, help="generated documents")
    arguments = parser.parse_args(argv)
    from pipeline.process import Toolkit

    toolkit = Toolkit()  # built once; the forked workers inherit it
    print(f"| {'case':<36} | {'':<5} | {'seconds':>7} | {'peak MB':>7} | outcome")
    print(f"|{'-' * 38}|{'-' * 7}|{'-' * 9}|{'-' * 9}|{'-' * 40}")
    every_clean = True
    for case in CASES:
        if (arguments.small and case.big) or arguments.only not in case.name:
            continue
        with tempfile.TemporaryDirectory(prefix="policy-fuzz-") as scratch:
            outcome = run_case(case, Path(scratch), toolkit)
        detail = outcome.summary() if outcome.clean else "; ".join(outcome.problems)[:300]
        print(_row(case.name, detail, outcome.clean, outcome.seconds, outcome.peak_mb), flush=True)
        every_clean &= outcome.clean
    if arguments.examples > 0 and arguments.only in "generated documents (hypothesis)":
        clean, detail, seconds, peak = generated(arguments.examples)
        print(_row("generated documents (hypothesis)", detail, clean, seconds, peak), flush=True)
        every_clean &= clean
    return 0 if every_clean else 1


if __name__ == "__main__":
    sys.exit(main())

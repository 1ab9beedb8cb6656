"""The benchmark script on ten generated documents: every figure is there and well-formed (speed is not tested)."""

from __future__ import annotations

import json
import math

import pytest

from benchmarks import bench, make_corpus

N = 10


@pytest.fixture(scope="module")
def folder(tmp_path_factory, converter):
    out = tmp_path_factory.mktemp("bench_corpus")
    make_corpus.generate_corpus(N, out, random_seed=0, converter=converter)
    return out


@pytest.fixture(scope="module")
def results(folder, toolkit):
    return bench.run_benchmark(folder, workers=2, toolkit=toolkit, repeats=1, log=lambda message: None)


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


def _parts_of(stages: list[dict], name: str) -> list[dict]:
    """The level-1 rows printed under the stage ``name``."""
    start = next(i for i, stage in enumerate(stages) if stage["name"] == name) + 1
    end = next((i for i in range(start, len(stages)) if stages[i]["level"] == 0), len(stages))
    return stages[start:end]


def test_corpus_is_built_only_when_its_size_differs(folder):
    assert bench.corpus_size(folder) == N
    assert bench.ensure_corpus(N, folder) is False


def test_every_stage_is_timed(results):
    stages = {stage["name"]: stage for stage in results["stages"]}
    top = [name.split(" ")[0] for name, stage in stages.items() if stage["level"] == 0]
    assert top == ["scan", "ingest", "normalize", "segment", "extract", "compare", "write", "all"]
    for stage in stages.values():
        assert stage["documents"] == N, stage["name"]
        assert _positive(stage["seconds"]) and _positive(stage["megabytes"]), stage["name"]
        assert _positive(stage["documents_per_second"]) and _positive(stage["megabytes_per_second"])
        assert stage["cpu_seconds"] >= 0
    # Write is the sum of its parts; the total is the sum of the stages after scan.
    assert sum(s["seconds"] for s in _parts_of(results["stages"], "write")) == pytest.approx(stages["write"]["seconds"])
    assert len(_parts_of(results["stages"], "extract")) == 3
    assert stages["all stages, one process"]["seconds"] == pytest.approx(
        sum(stages[name]["seconds"] for name in stages if stages[name]["level"] == 0
            and not name.startswith(("scan", "all"))))
    corpus = results["corpus"]
    assert corpus["documents"] == N and corpus["failures"] == []
    assert stages["ingest (read + decode)"]["megabytes"] == corpus["input_megabytes"]
    assert stages["segment (clause tree)"]["megabytes"] == corpus["canonical_megabytes"]


def test_end_to_end_reports_time_memory_and_phases(results):
    e2e = results["end_to_end"]
    assert e2e["processed"] == N and e2e["failures"] == 0 and not e2e["up_to_date"]
    assert e2e["workers"] == 2
    for key in ("seconds", "command_seconds", "documents_per_second", "megabytes_per_second",
                "parent_peak_rss_mb", "worker_peak_rss_mb", "parent_cpu_seconds", "workers_cpu_seconds"):
        assert _positive(e2e[key]), key
    assert e2e["command_seconds"] > e2e["seconds"]
    assert set(e2e["phases"]) == {"documents", "check", "assemble", "align", "validate", "other"}
    assert sum(e2e["phases"].values()) == pytest.approx(e2e["seconds"])
    if e2e["total_peak_pss_mb"] is not None:  # sampled (psutil): a child's own memory is part of its resident set
        assert 0 < e2e["worker_peak_uss_mb"] <= e2e["worker_peak_rss_mb"]
    assert _positive(results["end_to_end_vs_bare_jieba"])


def test_no_change_rerun_does_no_work(results):
    rerun = results["no_change"]
    assert len(rerun["runs"]) == 1 and _positive(rerun["command_seconds_median"])
    assert rerun["extract_corpus"]["up_to_date"] is True


def test_bare_reference_and_alignment_growth(results):
    assert [(f["task"], f["workers"]) for f in results["bare"]] == [
        ("jieba.lcut", 1), ("jieba.lcut", 2), ("rjieba.cut", 1), ("rjieba.cut", 2), ("opencc t2s", 2)]
    growth = results["alignment_growth"]
    half, full = growth["sizes"]
    assert (half["documents"], full["documents"]) == (N // 2, N)
    assert 0 < half["clauses"] < full["clauses"]
    assert _positive(half["peak_megabytes"]) and _positive(full["seconds"])
    assert growth["clause_ratio"] == pytest.approx(full["clauses"] / half["clauses"])


def test_printed_table_and_json(results):
    printed = bench.render(results)
    for heading in ("machine:", "corpus:", "1. Stages", "2. End to end", "3. Bare reference",
                    "4. No-change re-run", "5. Alignment growth"):
        assert heading in printed
    assert json.loads(json.dumps(results, default=str))["corpus"]["documents"] == N
    summary = printed.splitlines()[-1]
    fields = dict(item.split("=") for item in summary.split()[1:])
    assert summary.startswith("bench: ") and fields["documents"] == str(N)
    assert float(fields["docs_per_s"]) > 0 and float(fields["bare_rjieba_docs_per_s"]) > 0
    # Per-stage cost, memory and the re-run are on the line too, each a number a script can read.
    for key in ("ms_per_doc_extract", "ms_per_doc_compare", "ms_per_doc_write", "ms_per_doc_total", "align_s",
                "parent_peak_mb", "worker_peak_mb", "no_change_s", "bare_jieba_mb_per_s", "vs_bare_jieba"):
        assert float(fields[key]) >= 0, key

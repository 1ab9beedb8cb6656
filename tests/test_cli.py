from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.conftest import SEEDS, SEEDS_DIR

README = Path(__file__).resolve().parent.parent / "README.md"
runner = CliRunner()


def command_names():
    return [command.name or command.callback.__name__ for command in app.registered_commands]


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_with_an_example_and_is_in_the_readme(name):
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "Example: policy " + name in result.output
    assert f"policy {name}" in README.read_text(encoding="utf-8")


def test_extract_writes_both_tables(tmp_path):
    result = runner.invoke(app, ["extract", str(SEEDS_DIR), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "5 documents: 5 processed, 0 unchanged, 0 removed, 0 failed" in result.output
    again = runner.invoke(app, ["extract", str(SEEDS_DIR), "--out", str(tmp_path)])
    assert again.exit_code == 0 and "is up to date: 5 documents unchanged" in again.output
    assert pq.read_table(tmp_path / "documents.parquet").num_rows == 5


def test_bad_files_are_named_and_skipped_and_the_rest_is_written(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS["jiangxi2022"], seeds / "江西 2022.txt")
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (seeds / "undecodable.txt").write_bytes(b"\x81\x30\x81" * 40 + b"\xff\xff")
    (seeds / "no markers.txt").write_text("这是一份没有编号条款的说明。\n第二段说明。", encoding="utf-8")
    (seeds / "README.md").write_text("not a document", encoding="utf-8")
    (seeds / "SOURCES.tsv").write_text("file\ttitle\n", encoding="utf-8")
    out = tmp_path / "data"

    result = runner.invoke(app, ["extract", str(seeds), "--out", str(out)])

    assert result.exit_code == 1
    assert re.search(r"error: .*empty\.txt: file is empty", result.output)
    assert re.search(r"error: .*binary\.txt: file is binary", result.output)
    assert re.search(r"error: .*undecodable\.txt: text encoding could not be determined", result.output)
    assert "error: no markers.txt: no numbered clauses found" in result.output
    # Files that are not documents are named with the reason, and fail nothing.
    assert re.search(r"note: .*README\.md: skipped \(the folder's own notes", result.output)
    assert re.search(r"note: .*SOURCES\.tsv: skipped \(the ending \.tsv is not a document type", result.output)
    documents = pq.read_table(out / "documents.parquet").to_pydict()
    assert documents["doc_id"] == ["no markers.txt", "江西 2022.txt"]
    clauses = pq.read_table(out / "clauses.parquet").to_pandas()
    assert clauses[clauses.doc_id == "no markers.txt"].kind.tolist() == ["preamble"]


def test_normalize_prints_canonical_text():
    result = runner.invoke(app, ["normalize", str(SEEDS["sichuan2024"])])
    assert result.exit_code == 0
    assert result.output.startswith("四川省人民政府关于加快数字经济高质量发展的实施意见\n")
    assert "人工智能" in result.output and "人工智慧" not in result.output


def test_clauses_prints_an_indented_outline_of_jiangxi():
    result = runner.invoke(app, ["clauses", str(SEEDS["jiangxi2022"])])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "一、 发展基础  [1]" in lines
    assert "  (一) 政策体系加快完善  [1.1]" in lines
    assert "    —— 数字产业化实现新跨越  [2.3.b1]" in lines
    assert "十、 保障措施  [10]" in lines
    assert lines[-1] == "  (五) 实施监测评估  [10.5]"


def test_a_missing_file_is_one_line_and_a_non_zero_exit(tmp_path):
    result = runner.invoke(app, ["clauses", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert result.output.strip().startswith("error:")
    assert "nope.txt" in result.output


# --- every failure is one line ----------------------------------------------------------------

def _failures(tmp_path):
    """(command line, what the one line must name) for a missing file, an empty folder and a bad option."""
    empty = tmp_path / "empty"
    empty.mkdir(exist_ok=True)
    missing = tmp_path / "nosuch"
    cases = [
        (["extract", str(missing), "--out", str(tmp_path / "out")], "nosuch"),
        (["extract", str(empty), "--out", str(tmp_path / "out")], "empty"),
        (["extract", str(SEEDS_DIR), "--workers", "0"], "--workers"),
        (["normalize", str(missing / "a.txt")], "a.txt"),
        (["normalize", str(empty)], "empty"),
        (["normalize", "--bogus", str(SEEDS["jiangxi2022"])], "--bogus"),
        (["clauses", str(missing / "a.txt")], "a.txt"),
        (["clauses", str(empty)], "empty"),
        (["clauses"], "file"),
        (["evaluate", str(missing)], "nosuch"),
        (["evaluate", str(empty)], "empty"),
        (["evaluate", str(SEEDS_DIR), "--gold", str(missing)], "nosuch"),
        (["compare", "000", "002", "--data", str(missing)], "nosuch"),
        (["compare", "000", "002", "--data", str(empty)], "empty"),
        (["compare", "000", "--width"], "--width"),
        (["search", "算力", "--data", str(missing)], "nosuch"),
        (["search", "算力", "--data", str(empty)], "empty"),
        (["search", "算力", "--limit", "zero"], "--limit"),
        (["kwic", "算力", "--data", str(missing)], "nosuch"),
        (["kwic", "算力", "--data", str(empty)], "empty"),
        (["kwic"], "query"),
        (["report", "--data", str(missing)], "nosuch"),
        (["report", "--data", str(empty)], "empty"),
        (["report", "--bogus"], "--bogus"),
        (["export", "--out", str(tmp_path / "x"), "--data", str(missing)], "nosuch"),
        (["export", "--out", str(tmp_path / "x"), "--data", str(empty)], "empty"),
        (["export", "--out", str(tmp_path / "x"), "--format", "sav"], "--format"),
        (["nosuchcommand"], "nosuchcommand"),
    ]
    return cases


@pytest.mark.parametrize("case", range(len(_failures(Path("/tmp")))))
def test_every_failure_is_one_line_naming_the_file_or_argument(tmp_path, case):
    args, named = _failures(tmp_path)[case]
    result = runner.invoke(app, args)
    lines = result.output.strip().splitlines()
    assert result.exit_code != 0, result.output
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert named in lines[0], lines[0]
    assert "Traceback" not in result.output and "Errno" not in result.output


def test_every_command_is_covered_by_the_failure_cases():
    covered = {args[0] for args, _ in _failures(Path("/tmp"))}
    assert set(command_names()) <= covered


def test_flags_show_as_flags_in_help():
    result = runner.invoke(app, ["extract", "--help"])
    line = next(line for line in result.output.splitlines() if "--check" in line)
    assert "<bool>" not in line and "BOOLEAN" not in line


def test_piped_progress_is_a_line_per_batch_and_the_summary_names_what_was_removed(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    out = tmp_path / "data"
    result = runner.invoke(app, ["extract", str(seeds), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "processed 5/5 documents" in lines
    assert not any(line.startswith("wrote ") and line.endswith(".parquet") for line in lines)
    assert f"wrote 9 tables, the manifest and datapackage.json to {out}" in lines
    assert (out / "datapackage.json").is_file()
    (seeds / "001_abf5e99d2b5f1a8f.txt").unlink()
    again = runner.invoke(app, ["extract", str(seeds), "--out", str(out), "--workers", "1"])
    assert "1 removed (001_abf5e99d2b5f1a8f" in again.output, again.output


def test_check_finds_a_stale_codebook(tmp_path):
    out = tmp_path / "data"
    assert runner.invoke(app, ["extract", str(SEEDS_DIR), "--out", str(out), "--workers", "1"]).exit_code == 0
    assert runner.invoke(app, ["extract", str(SEEDS_DIR), "--out", str(out), "--check"]).exit_code == 0
    (out / "datapackage.json").write_text("{}", encoding="utf-8")
    stale = runner.invoke(app, ["extract", str(SEEDS_DIR), "--out", str(out), "--check"])
    assert stale.exit_code == 1 and "datapackage.json: not the codebook the code describes" in stale.output


def test_extract_report_writes_the_report(tmp_path):
    out = tmp_path / "data"
    result = runner.invoke(app, ["extract", str(SEEDS_DIR), "--out", str(out), "--workers", "1", "--report"])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").read_bytes().startswith(b"<!DOCTYPE html>")


def test_an_up_to_date_run_answers_without_loading_pyarrow_pandas_or_spacy(seed_data_dir, tmp_path):
    """What made a no-change run slow was loading these (README, "Assembly and the no-change re-run")."""
    import subprocess
    import sys

    from pipeline.codebook import write_datapackage

    data = tmp_path / "data"
    shutil.copytree(seed_data_dir, data)
    write_datapackage(data)  # as `policy extract` leaves it
    probe = ("import sys\nfrom pipeline.cli import app\n"
             f"try:\n    app([\"extract\", {str(SEEDS_DIR)!r}, \"--out\", {str(data)!r}])\n"
             "except SystemExit as end:\n    print('exit', end.code)\n"
             "print('loaded', sorted(set(sys.modules) & {'pyarrow', 'numpy', 'pandas', 'spacy', 'sklearn'}))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert "is up to date: 5 documents unchanged" in done.stdout, done.stdout + done.stderr
    assert "exit 0\nloaded []" in done.stdout, done.stdout + done.stderr

"""The entry point's answer to an up-to-date ``policy extract``: the same lines and exit code as the full command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import entry
from pipeline.cli import app
from pipeline.store.files import CODEBOOK_NAME, MANIFEST_NAME
from tests.conftest import SEEDS, SEEDS_DIR

runner = CliRunner()


@pytest.mark.parametrize(("args", "folders"), [
    (["extract"], ("seeds", "data")),
    (["extract", "corpus"], ("corpus", "data")),
    (["extract", "corpus", "--out", "tables"], ("corpus", "tables")),
    (["extract", "-o", "tables", "corpus"], ("corpus", "tables")),
    (["extract", "corpus", "--out=tables"], ("corpus", "tables")),
    (["extract", "--out", "tables"], ("seeds", "tables")),
])
def test_the_plain_extract_command_line_is_recognised(args, folders):
    assert entry.plain_extract(args) == tuple(Path(folder) for folder in folders)


@pytest.mark.parametrize("args", [
    [], ["clauses", "seeds/a.txt"], ["extract", "--help"], ["extract", "seeds", "--workers", "1"],
    ["extract", "seeds", "--report"], ["extract", "seeds", "--check"], ["extract", "a", "b"],
    ["extract", "seeds", "--out"], ["extract", "seeds", "--out="], ["extract", "seeds", "-o", "--report"],
    ["extract", "seeds", "--out", "a", "--out", "b"], ["extract", "-oa"], ["extract", "seeds", "--replace"],
])
def test_any_other_command_line_goes_to_the_full_command(args):
    assert entry.plain_extract(args) is None


def _run_entry(capsys, args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        entry.main(args)
    captured = capsys.readouterr()
    return ended.value.code, captured.out, captured.err


def test_an_up_to_date_folder_gets_the_full_commands_lines_and_exit_code(tmp_path, capsys, monkeypatch):
    seeds, out = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    shutil.copy(SEEDS["jiangxi2022"], seeds / "江西 2022.txt")
    (seeds / "empty.txt").write_bytes(b"")  # a failure, recorded: exit 1 on every run
    (seeds / "no markers.txt").write_text("这是一份没有编号条款的说明。\n第二段说明。", encoding="utf-8")
    (seeds / "README.md").write_text("not a document", encoding="utf-8")  # a note
    args = ["extract", str(seeds), "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 1  # the first run does the work
    full = runner.invoke(app, args)
    assert "is up to date: 2 documents unchanged" in full.stdout
    monkeypatch.setattr("pipeline.cli.app", lambda **_: pytest.fail("went to the full command"))
    answered = _run_entry(capsys, args)
    assert answered == (full.exit_code, full.stdout, full.stderr)
    assert "note: " in full.stderr and "empty.txt: file is empty" in full.stderr
    assert "no markers.txt: no numbered clauses found" in full.stderr


def test_a_folder_with_work_to_do_is_left_to_the_full_command_untouched(seed_data_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seed_data_dir, data)
    (data / CODEBOOK_NAME).write_text("{}", encoding="utf-8")
    (data / "documents.parquet").write_bytes(b"damaged")  # not up to date any more
    before = {path.name: path.read_bytes() for path in data.iterdir() if path.is_file()}
    assert entry._up_to_date_answer(SEEDS_DIR, data) is None
    assert {path.name: path.read_bytes() for path in data.iterdir() if path.is_file()} == before
    (data / MANIFEST_NAME).unlink()
    assert entry._up_to_date_answer(SEEDS_DIR, data) is None
    assert entry._up_to_date_answer(tmp_path / "missing", data) is None

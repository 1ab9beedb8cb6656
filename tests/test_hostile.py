"""Every hostile case of tests/hostile.py ends in clean processing or a one-line named error for its files only.

The good document beside each case is always written, the tables always
validate, nothing from outside the input folder reaches them. Cases marked
``big`` (seconds each) run under the ``big`` marker; CI runs them too.
"""

from __future__ import annotations

import pytest

from pipeline.store.engines import Limits
from tests.hostile import CASES, run_case

LIMITS = Limits(seconds=30, memory=2**30)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name, marks=[pytest.mark.big] if c.big else [])
                                  for c in CASES])
def test_hostile_case_is_handled(case, tmp_path, toolkit):
    outcome = run_case(case, tmp_path, toolkit, LIMITS)
    assert outcome.problems == [], outcome.summary()


def test_the_command_names_every_refused_file_in_one_line_and_exits_1(tmp_path):
    """All the small cases in one folder, through `policy extract` as a user runs it."""
    from typer.testing import CliRunner

    from pipeline.cli import app
    from pipeline.store.sources import readable_name
    from tests.hostile import build

    folder, refused = tmp_path / "input", {}
    for index, case in enumerate(c for c in CASES if not c.big and "outside" not in c.name
                                 and "passwd" not in c.name and "data folder" not in c.name):
        for name, wanted in build(case, folder / f"{index:02d}").items():
            if wanted not in (None, "*"):
                refused[f"{index:02d}/{name}"] = wanted
    (folder / "link.txt").symlink_to(".hidden/secret.txt")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "secret.txt").write_text("token", encoding="utf-8")
    refused["link.txt"] = "leads into a hidden file or folder"
    result = CliRunner().invoke(app, ["extract", str(folder), "--out", str(tmp_path / "data"),
                                                      "--workers", "2"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    for name, wanted in refused.items():
        lines = [line for line in errors if readable_name(f"{folder}/{name}") + ": " in line]
        assert len(lines) == 1 and wanted in lines[0], (name, wanted, lines)
    assert "Traceback" not in result.stderr + result.stdout

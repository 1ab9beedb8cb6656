"""What a clean machine needs: registry-only pins, every import declared, relative defaults.

`make smoke` (part of `make check`, so of CI) installs the package
non-editable into a throwaway venv and runs it; these tests catch the same
faults in seconds, from the files alone.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import config
from pipeline.cli import app

ROOT = Path(__file__).resolve().parent.parent
PINNED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!_-]+")


def pin_problems(text: str) -> list[str]:
    """The lines of a constraints file that are not a plain `name==version` pin."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not PINNED.fullmatch(stripped):
            problems.append(f"line {number}: {stripped}")
    return problems


def test_constraints_pin_registry_packages_only():
    assert pin_problems((ROOT / "constraints.txt").read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("line", [
    "mpl-font @ file:///tmp/fontpkgs/mpl_font-1.1.0-py2.py3-none-any.whl#sha256=b408",
    "-e git+https://example.org/x.git#egg=x",
    "./wheels/pkg-1.0-py3-none-any.whl",
    "/tmp/pkg.tar.gz",
    "pkg @ https://example.org/pkg-1.0.tar.gz",
    "pkg>=1.0",
    "--find-links /tmp/wheels",
])
def test_the_pin_check_refuses_anything_but_name_equals_version(line):
    assert pin_problems(f"# header\njieba==0.42.1\n{line}\n") == [f"line 3: {line}"]


def _declared_distributions() -> dict[str, set[str]]:
    """Normalised distribution names per extra ("" for the runtime dependencies)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def name(requirement: str) -> str:
        return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")

    declared = {"": {name(r) for r in project["dependencies"]}}
    for extra, requirements in project["optional-dependencies"].items():
        declared[extra] = {name(r) for r in requirements}
    return declared


# Modules that need an extra, and which one; every other module's third-party
# imports must be runtime dependencies.
OPTIONAL_MODULES = {"plotting.py": "notebook", "engines.py": "dask"}


def _third_party_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in {"pipeline", "__future__"}}


def test_every_module_the_pipeline_imports_is_a_declared_dependency():
    declared = _declared_distributions()
    providers = packages_distributions()
    missing = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        allowed = declared[""] | declared.get(OPTIONAL_MODULES.get(path.name, ""), set())
        for module in sorted(_third_party_imports(path)):
            distributions = {d.lower().replace("_", "-").replace(".", "-") for d in providers.get(module, [])}
            if not distributions & allowed:
                missing.append(f"{path.relative_to(ROOT)} imports {module} ({', '.join(sorted(distributions)) or 'not installed'})")
    assert missing == []


def test_the_license_is_an_spdx_string():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"


def test_command_line_defaults_are_relative_to_the_working_folder():
    for default in (config.DEFAULT_SEEDS_DIR, config.DEFAULT_DATA_DIR, config.DEFAULT_GOLD_DIR):
        assert not default.is_absolute()
    help_text = CliRunner().invoke(app, ["extract", "--help"], env={"COLUMNS": "200"}).output
    assert str(ROOT) not in help_text
    assert "default: seeds" in help_text

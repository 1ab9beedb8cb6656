"""The researcher's notebook runs top to bottom on freshly extracted tables, with readable Chinese labels."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook extra is not installed")
nbclient = pytest.importorskip("nbclient", reason="the notebook extra is not installed")
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402  (installed with nbclient)
from jupyter_client.manager import KernelManager  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from pipeline.cli import app  # noqa: E402
from tests.conftest import SEEDS_DIR  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "1.0-policy-comparison.ipynb"


def _streams(notebook, name: str) -> list[str]:
    return [output["text"] for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs if output.output_type == "stream" and output.name == name]


def _texts(notebook) -> str:
    """Everything the cells showed as text: printed lines and the plain and HTML forms of tables."""
    parts = _streams(notebook, "stdout")
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts += [data.get("text/plain", ""), data.get("text/html", "")]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook executed in a kernel of this interpreter, reading tables extracted from the seeds."""
    root = tmp_path_factory.mktemp("notebook")
    data_dir = root / "data"
    extracted = CliRunner().invoke(app, ["extract", str(SEEDS_DIR), "--out", str(data_dir)])
    assert extracted.exit_code == 0, extracted.output

    # A kernel spec of our own, so the kernel is this .venv's python, whatever
    # python3 kernel the user or the system has registered.
    spec_dir = root / "kernels" / "policy-python"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "policy .venv", "language": "python",
        "env": {"POLICY_DATA_DIR": str(data_dir)},
    }))
    specs = KernelSpecManager(kernel_dirs=[str(root / "kernels")], ensure_native_kernel=False)
    manager = KernelManager(kernel_name="policy-python", kernel_spec_manager=specs)

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import sys; print('kernel python:', sys.executable)"))
    client = nbclient.NotebookClient(notebook, km=manager, timeout=120,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    return notebook


def test_notebook_is_saved_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def test_notebook_defines_no_pipeline_logic():
    source = "\n".join(cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells if cell.cell_type == "code")
    for forbidden in ("import re", "def ", "groupby", "pivot_table", "crosstab", "str.contains", "opencc", "jieba"):
        assert forbidden not in source, forbidden


def test_kernel_runs_this_interpreter(executed):
    assert f"kernel python: {sys.executable}\n" in _streams(executed, "stdout")


def test_no_cell_errors(executed):
    errors = [output for cell in executed.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert errors == []


def test_figures_are_drawn(executed):
    figures = [cell.id for cell in executed.cells if cell.cell_type == "code"
               if any("image/png" in output.get("data", {}) for output in cell.outputs)]
    assert figures == ["clause-counts-chart", "targets", "timeline", "themes", "alignment", "reuse-graph"]


def _cell_text(notebook, cell_id: str) -> str:
    cell = next(cell for cell in notebook.cells if cell.get("id") == cell_id)
    return "\n".join(output.get("data", {}).get("text/plain", "") for output in cell.outputs)


def test_new_views_are_shown(executed):
    assert "40 EFLOPS" in _cell_text(executed, "target-values")
    assert "四川 2025" in _cell_text(executed, "reuse-graph")
    network = _cell_text(executed, "network")
    assert "金融机构" in network and "龙头企业" not in network and "各部门" not in network
    assert "算力" in _cell_text(executed, "kwic") and "clause_id" in _cell_text(executed, "kwic")


def test_heatmap_colour_bar_reads_like_its_cells():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from pipeline import plotting

    frame = pd.DataFrame([[0.05, 0.2], [0.1, 0.0]], index=pd.Index(["四川 2024", "江西 2022"], name="文件 document"),
                         columns=pd.Index(["算力", "人才"], name="主题 theme"))
    plotting.use_cjk_font()
    fig, ax = plt.subplots()
    plotting.heatmap(frame, ax, fmt="{:.0%}")
    fig.canvas.draw()
    bar = fig.axes[-1]
    ticks = [label.get_text() for label in bar.get_yticklabels() if label.get_text()]
    assert ticks and all(tick.endswith("%") for tick in ticks), ticks
    assert ax.get_xlabel() == "主题 theme" and ax.get_ylabel() == "文件 document"
    plt.close(fig)


def test_chinese_labels_have_glyphs(executed):
    stderr = "\n".join(_streams(executed, "stderr"))
    assert "missing from" not in stderr  # matplotlib: "Glyph 22235 (\N{CJK UNIFIED IDEOGRAPH-56DB}) missing from font(s) ..."
    assert "findfont" not in stderr
    assert "Chinese labels drawn in " in _texts(executed)  # plotting.use_cjk_font() found a font


def test_reuse_between_sichuan_2024_and_2025_is_listed(executed):
    texts = _texts(executed)
    assert "区内需要纳入数据出境安全评估、个人信息出境标准合同、个人信息保护认证管理范围的数据清单" in texts
    assert "四川 2024" in texts and "四川 2025" in texts


def test_taiwan_query_finds_the_canonical_clauses(executed):
    texts = _texts(executed)
    assert "query as searched: 人工智能" in texts
    assert "same clauses as 人工智能: True" in texts
    assert "大力发展人工智能产业" in texts  # Sichuan 2024 (4.8) in canonical form ...
    assert "四川 2024 4.8 大力發展人工智慧" in texts  # ... and as its Traditional, Taiwan-vocabulary original wrote it


def test_missing_cjk_font_names_what_to_install(monkeypatch):
    plotting = pytest.importorskip("pipeline.plotting")
    monkeypatch.setattr(plotting, "PACKAGED_FONTS", ())
    monkeypatch.setattr(plotting, "SYSTEM_FAMILIES", ("No Such Font",))
    with pytest.raises(plotting.MissingFontError, match=r"pip install -e '\.\[notebook\]'.*apt-get install fonts-noto-cjk"):
        plotting.find_cjk_font()
    latin_only = Path(plotting.font_manager.findfont("DejaVu Sans"))
    with pytest.raises(plotting.MissingFontError, match="not a font file that draws Chinese text"):
        plotting.use_cjk_font(latin_only)

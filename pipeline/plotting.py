"""Plotting helpers for the notebook: a Chinese font for matplotlib and annotated heatmaps.

matplotlib's own font (DejaVu Sans) has no Chinese glyphs, so every label in
the tables (``四川 2024``, ``数据要素``) would draw as an empty box. The font
comes from the ``notebook`` extra (the ``mpl-font`` package ships Noto Sans
CJK SC as package data, so ``pip`` alone is enough), else from the system
(``apt-get install fonts-noto-cjk`` and the like).

Only display lives here; every number plotted comes from :mod:`pipeline.views`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import matplotlib
import matplotlib.dates
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import FuncFormatter

from pipeline.errors import MissingFontError

# Font files shipped inside PyPI packages, as (package, path inside it). The
# package is located, never imported: importing mpl_font sets rcParams itself.
PACKAGED_FONTS = (
    ("mpl_font", "fonts/noto/NotoSansCJKsc-Regular.otf"),
    ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf"),
)

# Installed fonts tried next, by family name, Simplified Chinese designs first.
SYSTEM_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC",
    "Hiragino Sans GB", "Heiti SC", "SimHei", "Noto Sans CJK JP", "Noto Sans CJK TC",
)

# A font is only taken if it draws these: document labels, theme names, and the
# characters that differ between Simplified and Traditional (数 據 经 經).
PROBE = "四川山东江西数据要素算力人工智能经济产业數據經濟≥−"

INSTALL_HINT = (
    "install the notebook extra (pip install -e '.[notebook]', which ships Noto Sans CJK SC "
    "in the mpl-font package) or a system CJK font (apt-get install fonts-noto-cjk)"
)


def find_cjk_font() -> Path:
    """The path of a font file that draws Simplified Chinese, packaged fonts first.

    Raises:
        MissingFontError: neither a packaged nor a system CJK font is found.
    """
    for package, relative in PACKAGED_FONTS:
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            path = Path(folder) / relative
            if path.is_file() and _draws(path, PROBE):
                return path
    installed = {entry.name: Path(entry.fname) for entry in reversed(font_manager.fontManager.ttflist)}
    for family in SYSTEM_FAMILIES:
        path = installed.get(family)
        if path is not None and _draws(path, PROBE):
            return path
    raise MissingFontError("matplotlib", f"no font that draws Chinese text was found; {INSTALL_HINT}")


def use_cjk_font(path: Path | str | None = None) -> str:
    """Make matplotlib draw Chinese labels: register a CJK font and put it first.

    Args:
        path: a font file to use; by default :func:`find_cjk_font` picks one.

    Returns:
        The font's family name, e.g. ``Noto Sans CJK SC``.

    Raises:
        MissingFontError: no CJK font is found, or ``path`` does not draw Chinese.
    """
    path = Path(path) if path is not None else find_cjk_font()
    if not path.is_file() or not _draws(path, PROBE):
        raise MissingFontError(path, f"not a font file that draws Chinese text; {INSTALL_HINT}")
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    sans = [name for name in matplotlib.rcParams["font.sans-serif"] if name != family]
    matplotlib.rcParams["font.sans-serif"] = [family, *sans]
    return family


def _draws(path: Path, text: str) -> bool:
    try:
        charmap = FT2Font(str(path)).get_charmap()
    except (OSError, RuntimeError):  # unreadable or not a font
        return False
    return all(ord(char) in charmap for char in text)


def heatmap(frame: pd.DataFrame, ax: Axes, fmt: str | Callable[[float], str] = "{:.2f}",
            cmap: str = "Blues", title: str = "", colorbar: bool = True) -> Axes:
    """Draw ``frame`` as a heatmap with every value written in its cell.

    Rows and columns keep the frame's order; NaN cells (a document against
    itself) stay blank.

    Args:
        fmt: a format string (``"{:.0%}"``) or a function from value to text.
    """
    values = frame.to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, aspect="auto")
    ax.set_xticks(range(frame.shape[1]), [str(c) for c in frame.columns], rotation=40, ha="right")
    ax.set_yticks(range(frame.shape[0]), [str(i) for i in frame.index])
    ax.set_xlabel(str(frame.columns.name or ""))
    ax.set_ylabel(str(frame.index.name or ""))
    ax.set_title(title)
    text_of = fmt.format if isinstance(fmt, str) else fmt
    finite = values[np.isfinite(values)]
    # white text only on the darkest cells, where black would not read
    dark = finite.min() + 0.6 * (finite.max() - finite.min()) if finite.size else 0.0
    for (row, column), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(column, row, text_of(value), ha="center", va="center", fontsize=8,
                    color="white" if value > dark else "black")
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
        # The bar reads in the cells' unit: 0%–24%, not 0–0.24.
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: text_of(value)))
    return ax


def timeline(spans: pd.DataFrame, ax: Axes, title: str = "Deadlines and plan periods") -> Axes:
    """Draw :func:`pipeline.views.timeline`: a bar per plan period, a diamond per deadline year, a row per document."""
    documents = sorted(set(spans["document"]))
    row = {document: i for i, document in enumerate(documents)}
    for span in spans.itertuples(index=False):
        start, end = pd.Timestamp(span.start_date), pd.Timestamp(span.end_date) + pd.Timedelta(days=1)
        y = row[span.document]
        if span.what == "period":
            ax.barh(y, end - start, left=start, height=0.4, color="#9ecae1", edgecolor="#3182bd")
            ax.text(start + (end - start) / 2, y, span.text, ha="center", va="center", fontsize=8)
        else:
            ax.plot(start + (end - start) / 2, y, marker="D", color="#de2d26", markersize=7, linestyle="none")
    ax.set_yticks(range(len(documents)), documents)
    ax.invert_yaxis()
    ax.set(xlabel="年 year", title=title)
    ax.grid(axis="x", color="#e5e7eb")
    return ax


def reuse_graph(edges: pd.DataFrame, ax: Axes, title: str = "Which document reuses which") -> Axes:
    """Draw :func:`pipeline.views.reuse_graph`: documents on a time axis, an arc from earlier to later per pair.

    Line width grows with the aligned clause pairs; red arcs carry near-verbatim copies.
    """
    from matplotlib.patches import FancyArrowPatch

    dates = {}
    for edge in edges.itertuples(index=False):
        dates[edge.earlier], dates[edge.later] = pd.Timestamp(edge.earlier_date), pd.Timestamp(edge.later_date)
    most = max(int(edges["aligned"].max()), 1) if len(edges) else 1
    for edge in edges.itertuples(index=False):
        start, end = matplotlib.dates.date2num(dates[edge.earlier]), matplotlib.dates.date2num(dates[edge.later])
        ax.add_patch(FancyArrowPatch((start, 0), (end, 0), connectionstyle="arc3,rad=-0.45", arrowstyle="-|>",
                                     mutation_scale=10, linewidth=0.8 + 4 * edge.aligned / most,
                                     color="#cb181d" if edge.reuse else "#9ca3af", alpha=0.85))
    for document, when in dates.items():
        ax.plot(matplotlib.dates.date2num(when), 0, "o", color="#1f2328")
        ax.annotate(document, (matplotlib.dates.date2num(when), 0), xytext=(0, -16), textcoords="offset points",
                    ha="center", fontsize=9)
    if dates:
        low, high = matplotlib.dates.date2num(min(dates.values())), matplotlib.dates.date2num(max(dates.values()))
        ax.set_xlim(low - 200, high + 200)
        ax.set_ylim(-0.1 * (high - low + 400) / 1000, 0.45 * (high - low + 400) / 1000 + 0.2)
    ax.xaxis_date()
    ax.get_yaxis().set_visible(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set(title=title)
    return ax


__all__ = ["MissingFontError", "find_cjk_font", "heatmap", "reuse_graph", "timeline", "use_cjk_font"]

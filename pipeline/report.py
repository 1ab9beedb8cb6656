"""The researcher's views as one self-contained, static HTML page (``policy report``).

Every figure comes from :mod:`pipeline.views`; this module only lays them out:
it turns each view into plain values (text, numbers, colours, SVG coordinates)
and renders ``resources/report/report.html.j2`` with Jinja2, autoescaping on.
The page makes no request of its own: CSS and a little JavaScript are inlined
from ``resources/report/``, fonts come from the reader's system (a stack that
finds a CJK font on Linux, macOS and Windows), and every clause pair of the
clause browser is rendered in advance, so the script only shows and hides.
The same tables give the same bytes: there is no clock, the only dates shown
are the documents' own.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping
import json
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from pipeline import config, views
from pipeline.errors import ReportWriteError
from pipeline.store.files import write_atomically

REPORT_RESOURCES = config.RESOURCES_DIR / "report"

# Stops of ColorBrewer's sequential "Blues": light enough at 0 for black text,
# dark enough at the top for white text.
_BLUES = ((247, 251, 255), (222, 235, 247), (198, 219, 239), (158, 202, 225), (107, 174, 214),
          (66, 146, 198), (33, 113, 181), (8, 81, 156), (8, 48, 107))
_REDS = ((255, 245, 240), (254, 224, 210), (252, 187, 161), (252, 146, 114), (251, 106, 74),
         (239, 59, 44), (203, 24, 29), (165, 15, 21), (103, 0, 13))
_DARK_FROM = 0.55  # above this fraction of the scale, cell text turns white

_SCRIPTS = {"simplified": "简体", "traditional": "繁体"}
_VARIANTS = {"mainland": "大陆用语", "taiwan": "台湾用语"}

SECTIONS = (
    ("documents", "文件 Documents"),
    ("clauses", "条款数 Clauses"),
    ("targets", "目标 Targets by deadline"),
    ("values", "目标值 Target values"),
    ("timeline", "时间线 Deadlines and periods"),
    ("themes", "主题 Themes"),
    ("alignment", "对齐 Alignment"),
    ("reuse", "近乎照抄 Near-verbatim copies"),
    ("reuse-graph", "复用关系 Reuse over time"),
    ("parties", "主体 Parties"),
    ("network", "主体网络 Who acts where"),
    ("terms", "特色词 Distinctive terms"),
    ("kwic", "关键词 Keyword in context"),
    ("browser", "条款对照 Clause browser"),
)
TEMPLATE = "report.html.j2"




def write_report(tables: Mapping[str, pd.DataFrame], path: Path) -> Path:
    """Write the report for ``tables`` (from :func:`pipeline.views.load_tables`) to ``path`` atomically.

    Returns:
        The path written.

    Raises:
        ReportWriteError: the folder or the file could not be written.
    """
    path = Path(path)
    data = render_report(tables).encode("utf-8")
    try:
        write_atomically(path, data)
    except OSError as error:
        raise ReportWriteError(path, str(error)) from error
    return path


def render_report(tables: Mapping[str, pd.DataFrame], converter=None) -> str:
    """The whole page as a string.

    Args:
        converter: a :class:`pipeline.normalize.ScriptConverter` for the search
            box's Traditional-to-Simplified table (one is built when omitted).
    """
    documents = tables["documents"]
    labels = views.document_labels(documents)
    css = (REPORT_RESOURCES / "report.css").read_text(encoding="utf-8")
    script = (REPORT_RESOURCES / "report.js").read_text(encoding="utf-8")
    if "</script" in script.lower() or "</style" in css.lower():
        raise ValueError("report resources must not close their own <script>/<style> element")
    versions = ", ".join(sorted(set(documents["pipeline_version"].astype(str))))
    context = {
        "titles": dict(SECTIONS), "sections": SECTIONS, "versions": versions, "css": Markup(css),
        "script": Markup(script), "corpus_line": _corpus_line(documents),
        "documents": _documents(documents, labels),
        "counts": _counts(views.clause_counts(tables)),
        "targets": _targets(views.targets_by_year(tables)),
        "values": _values(views.target_values(tables)),
        "timeline": _timeline(views.timeline(tables), documents, labels),
        "themes": _themes(views.theme_matrix(tables), tables["theme_shares"]),
        "alignment": _alignment(tables),
        "reuse": _reuse(views.reuse_summary(tables), labels),
        "graph": _reuse_graph(views.reuse_graph(tables)),
        "parties": _cards(views.top_parties(tables), _party_row),
        "network": _network(views.party_network(tables)),
        "terms": _terms(views.distinctive_terms(tables)),
        "kwic_json": _kwic_data(tables, labels, converter),
        "browser": _browser(tables, labels),
    }
    return _environment().get_template(TEMPLATE).render(**context) + "\n"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(REPORT_RESOURCES), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
                              undefined=jinja2.StrictUndefined)


# --- view models: plain values for the template -----------------------------------------------


def _corpus_line(documents: pd.DataFrame) -> str:
    dates = sorted(_date(d) for d in documents["issue_date"] if _present(d))
    span = f", issued {dates[0]} – {dates[-1]}" if dates else ""
    return f"{len(documents)} documents{span}"


def _documents(documents: pd.DataFrame, labels: pd.Series) -> list[dict]:
    ordered = documents.assign(label=documents["doc_id"].map(labels)).sort_values(["label", "doc_id"])
    rows = []
    for doc in ordered.itertuples(index=False):
        rows.append({
            "label": doc.label, "title": _text(doc.title), "doc_id": doc.doc_id,
            "cells": [("issuer", _text(doc.issuer)), ("number", _text(doc.doc_number)),
                      ("date", _date(doc.issue_date)), ("date", _date(doc.publish_date))],
            "script": f"{_SCRIPTS.get(str(doc.script), doc.script)} / {_VARIANTS.get(str(doc.variant), doc.variant)}",
            "script_raw": f"{doc.script} / {doc.variant}",
            "n_clauses": int(doc.n_clauses), "n_chars": int(doc.n_chars),
        })
    return rows


def _counts(counts: pd.DataFrame) -> dict:
    kinds = [str(kind) for kind in counts.columns]
    totals = counts.sum(axis=1)
    widest = max(int(totals.max()), 1) if len(counts) else 1
    rows = []
    for document, row in counts.iterrows():
        values = [int(v) for v in row]
        rows.append({"document": str(document), "counts": values, "total": int(totals[document]),
                     "segments": [{"kind": kind, "n": n, "width": f"{100 * n / widest:.3f}"}
                                  for kind, n in zip(kinds, values) if n]})
    return {"kinds": kinds, "rows": rows}


def _targets(by_year: pd.DataFrame) -> dict | None:
    if by_year.empty:
        return None
    return _heatmap(by_year, _count, _REDS, corner="文件 \\ 年 year", total=True)


def _values(values: pd.DataFrame) -> dict:
    return {"documents": [str(c) for c in values.columns],
            "rows": [{"indicator": str(indicator), "cells": [str(v) for v in row]} for indicator, row in values.iterrows()]}


def _themes(matrix: pd.DataFrame, theme_shares: pd.DataFrame) -> dict | None:
    if matrix.empty:
        return None
    english = dict(zip(theme_shares["theme_zh"], theme_shares["theme_en"]))
    return _heatmap(matrix, _percent, _BLUES, corner="文件 \\ 主题 theme",
                    columns=[{"name": str(c), "en": english.get(c, "")} for c in matrix.columns])


def _alignment(tables: Mapping[str, pd.DataFrame]) -> list | None:
    share = views.alignment_matrix(tables, "share")
    if share.empty:
        return None
    corner = "行 row \\ 列 column"
    return [
        ("Share of row clauses aligned", _heatmap(share, _percent, _BLUES, corner=corner)),
        ("Aligned clause pairs", _heatmap(views.alignment_matrix(tables, "pairs"), _count, _BLUES, corner=corner)),
        ("Near-verbatim copies (REUSE)", _heatmap(views.alignment_matrix(tables, "reuse"), _count, _REDS, corner=corner)),
    ]


def _reuse(reused: pd.DataFrame, labels: pd.Series) -> list[dict]:
    doc_ids = {label: doc_id for doc_id, label in labels.items()}
    formulae = views.declared_list(views.BOILERPLATE_TERMS_FILE)
    rows = []
    for row in reused.itertuples(index=False):
        hits = sum(1 for term in formulae if len(term) > 1 and term in row.shared_text)
        rows.append({
            "anchor": _pair_anchor(doc_ids[row.document_a], row.clause_a, doc_ids[row.document_b], row.clause_b),
            "document_a": row.document_a, "clause_a": row.clause_a, "document_b": row.document_b,
            "clause_b": row.clause_b, "reuse_chars": int(row.reuse_chars), "score": f"{row.score:.2f}",
            "shared_text": row.shared_text, "boilerplate": hits >= 2,
        })
    return rows


def _cards(frame: pd.DataFrame, row_of: Callable) -> list[dict]:
    return [{"document": str(document), "rows": [row_of(row) for row in group.itertuples(index=False)]}
            for document, group in frame.groupby("document", sort=True)] if not frame.empty else []


def _party_row(row) -> dict:
    return {"name": row.name, "kind": str(row.kind), "roles": row.roles, "mentions": int(row.mentions)}


def _terms(terms: pd.DataFrame) -> list[dict]:
    cards = []
    for document, group in terms.groupby("document", sort=True):
        top = max(float(group["weight"].max()), 1e-9)
        cards.append({"document": str(document), "rows": [
            {"term": row.term, "width": f"{100 * row.weight / top:.1f}", "weight": f"{row.weight:.3f}",
             "count": int(row.count)} for row in group.sort_values("rank").itertuples(index=False)]})
    return cards


_LANE = 34  # pixels per document row of the timeline
_LABEL = 110  # pixels for the labels left of a chart


def _timeline(spans: pd.DataFrame, documents: pd.DataFrame, labels: pd.Series, width: int = 900) -> dict:
    issued = {labels[d.doc_id]: d.issue_date for d in documents.itertuples(index=False) if _present(d.issue_date)}
    if spans.empty:
        return {"rows": []}
    years = [pd.Timestamp(v).year for v in (*spans["start_date"], *spans["end_date"], *issued.values())]
    first, last = min(years), max(years) + 1
    top = 24

    def x(when) -> float:
        when = pd.Timestamp(when)
        return round(_LABEL + (width - _LABEL - 20) * ((when.year + (when.day_of_year - 1) / 366) - first) / (last - first), 1)

    rows = []
    # Every document gets a lane: one without dated deadlines or periods shows its issue date alone.
    for i, document in enumerate(sorted(labels)):
        group = spans[spans["document"] == document]
        y = top + _LANE * i + _LANE // 2
        items = []
        for span in group.itertuples(index=False):
            title = (f"{document} [{span.clause_id}] {span.text}: {_date(span.start_date)} – {_date(span.end_date)}"
                     + (f" ({span.mentions}×)" if span.mentions > 1 else ""))
            end = pd.Timestamp(span.end_date) + pd.Timedelta(days=1)
            items.append({"what": span.what, "x": x(span.start_date), "width": round(x(end) - x(span.start_date), 1),
                          "cx": round((x(span.start_date) + x(end)) / 2, 1), "title": title})
        when = issued.get(document)
        rows.append({"document": document, "y": y, "spans": items, "issued": x(when) if when is not None else None,
                     "issued_text": _date(when) if when is not None else ""})
    height = top + _LANE * len(rows) + 24
    ticks = [{"year": year, "x": x(pd.Timestamp(year=year, month=1, day=1))} for year in range(first, last + 1)]
    return {"rows": rows, "ticks": ticks, "width": width, "height": height, "top": top}


def _reuse_graph(edges: pd.DataFrame, width: int = 900) -> dict:
    if edges.empty:
        return {"edges": []}
    dates = {}
    for row in edges.itertuples(index=False):
        dates[row.earlier], dates[row.later] = row.earlier_date, row.later_date
    order = sorted(dates, key=lambda d: (pd.isna(dates[d]), dates[d] if _present(dates[d]) else 0, d))
    known = [pd.Timestamp(dates[d]) for d in order if _present(dates[d])]
    low, high = (min(known), max(known)) if known else (None, None)
    span = (high - low).days if known and high > low else 1
    xs = {}
    for i, document in enumerate(order):
        if _present(dates[document]) and known:
            xs[document] = 60 + (width - 120) * (pd.Timestamp(dates[document]) - low).days / span
        else:
            xs[document] = width - 60
    # Documents issued close together would overlap: keep at least 90 px between neighbours.
    previous = None
    for document in order:
        if previous is not None and xs[document] - xs[previous] < 90:
            xs[document] = xs[previous] + 90
        previous = document
    axis = 40 + max(abs(xs[a] - xs[b]) for a, b in zip(edges["earlier"], edges["later"])) / 2.6
    most = max(int(edges["aligned"].max()), 1)
    drawn = []
    for row in edges.itertuples(index=False):
        x1, x2 = xs[row.earlier], xs[row.later]
        lift = abs(x2 - x1) / 2.6
        drawn.append({
            "earlier": row.earlier, "later": row.later, "aligned": int(row.aligned), "reuse": int(row.reuse),
            "longest": int(row.longest_copy), "stroke": f"{1 + 7 * row.aligned / most:.1f}",
            "d": f"M{x1:.1f} {axis:.1f} Q{(x1 + x2) / 2:.1f} {axis - 2 * lift:.1f} {x2:.1f} {axis:.1f}",
            "title": f"{row.later} reuses {row.earlier}: {row.aligned} aligned pairs, {row.reuse} REUSE",
        })
    nodes = [{"document": d, "x": f"{xs[d]:.1f}", "date": _date(dates[d])} for d in order]
    return {"edges": drawn, "nodes": nodes, "axis": round(axis, 1), "width": max(width, int(max(xs.values())) + 60),
            "height": int(axis) + 50}


def _network(edges: pd.DataFrame, width: int = 900) -> dict:
    if edges.empty:
        return {"edges": []}
    parties = list(dict.fromkeys(edges["name"]))
    documents = sorted(set(edges["document"]))
    row = 26
    height = 20 + row * max(len(parties), len(documents))
    party_y = {name: 20 + row * i for i, name in enumerate(parties)}
    offset = (len(parties) - len(documents)) * row / 2 if len(parties) > len(documents) else 0
    document_y = {name: 20 + offset + row * i for i, name in enumerate(documents)}
    kinds = dict(zip(edges["name"], edges["kind"]))
    drawn = [{"name": e.name, "document": e.document, "role": e.role, "y1": party_y[e.name],
              "y2": round(document_y[e.document], 1), "stroke": f"{1 + min(int(e.n_clauses), 6):.0f}",
              "title": f"{e.name} ({e.role}) in {e.document}: {e.clauses}"} for e in edges.itertuples(index=False)]
    return {"edges": drawn, "width": width, "height": int(height), "left": 330, "right": width - 140,
            "parties": [{"name": name, "y": party_y[name], "kind": kinds[name]} for name in parties],
            "documents": [{"document": name, "y": round(document_y[name], 1)} for name in documents],
            "roles": [role for role in views.ACTING_ROLES if role in set(edges["role"])]}


def _kwic_data(tables: Mapping[str, pd.DataFrame], labels: pd.Series, converter=None) -> Markup:
    """The clauses and a Traditional-to-Simplified table for the offline search box, as JSON for a script element."""
    if converter is None:
        from pipeline.normalize import ScriptConverter

        converter = ScriptConverter()
    clauses = tables["clauses"].sort_values(["doc_id", "seq"])
    chars = sorted(set("".join(clauses["text"])) | set("".join(clauses["text_original"])))
    table = {}
    for char in chars:
        for variant in (converter.char_to_traditional(char), char):
            simple = converter.taiwan.convert(variant)
            if len(variant) == 1 and len(simple) == 1 and simple != variant:
                table[variant] = simple
    phrases = {converter.char_to_simplified(k) if len(k) == 1 else k: v for k, v in converter.taiwan_terms.items()}
    data = {
        "clauses": [[labels[c.doc_id], c.clause_id, c.text] for c in clauses.itertuples(index=False)],
        "chars": "".join(f"{k}{v}" for k, v in sorted(table.items())),
        "phrases": sorted(phrases.items(), key=lambda item: (-len(item[0]), item[0])),
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Inside a <script> element only "</" could end it early; JSON allows "\/" for "/".
    return Markup(text.replace("</", "<\\/"))


def _browser(tables: Mapping[str, pd.DataFrame], labels: pd.Series) -> dict:
    pairs = views.aligned_clauses(tables)
    if pairs.empty:
        return {"blocks": []}
    reused = views.reuse_summary(tables)
    doc_ids = {label: doc_id for doc_id, label in labels.items()}
    default = (doc_ids[reused["document_a"].iloc[0]], doc_ids[reused["document_b"].iloc[0]]) if len(reused) else None
    options, blocks = [], []
    for (doc_a, doc_b), group in pairs.groupby(["doc_a", "doc_b"], sort=True):
        key = _pair_key(doc_a, doc_b)
        n_reuse = int(group["reuse"].sum())
        summary = f"{len(group)} aligned pairs" + (f", {n_reuse} REUSE" if n_reuse else "")
        selected = (doc_a, doc_b) == default or (default is None and not options)
        options.append({"key": key, "selected": selected, "text": f"{labels[doc_a]} ↔ {labels[doc_b]} ({summary})"})
        blocks.append({"key": key, "doc_a": doc_a, "doc_b": doc_b, "summary": summary,
                       "title": f"{labels[doc_a]} ↔ {labels[doc_b]}",
                       "pairs": [_aligned_pair(row) for row in group.itertuples(index=False)]})
    return {"options": options, "blocks": blocks}


def _aligned_pair(row) -> dict:
    return {
        "reuse": bool(row.reuse), "anchor": _pair_anchor(row.doc_a, row.clause_a, row.doc_b, row.clause_b),
        "score": f"{row.score:.2f}", "shared_chars": int(row.shared_chars), "reuse_chars": int(row.reuse_chars),
        "sides": [
            _clause_side("a", row.document_a, row.label_a, row.clause_a, row.heading_a, row.text_a,
                         row.shared_start_a, row.shared_end_a),
            _clause_side("b", row.document_b, row.label_b, row.clause_b, row.heading_b, row.text_b,
                         row.shared_start_b, row.shared_end_b),
        ],
    }


def _clause_side(side: str, document: str, label: str, clause_id: str, heading: str, text: str,
                 start: int, end: int) -> dict:
    start, end = max(0, int(start)), min(len(text), int(end))
    if start >= end:
        start = end = len(text)
    return {"side": side, "document": document, "label": _text(label), "clause_id": clause_id,
            "heading": _text(heading), "before": text[:start], "marked": text[start:end], "after": text[end:]}


# --- pieces -----------------------------------------------------------------------------------


def _heatmap(matrix: pd.DataFrame, fmt: Callable[[float], str], scale: tuple, corner: str = "",
             columns: Iterable[dict] | None = None, total: bool = False) -> dict:
    """A matrix as cells shaded by value (0 = lightest, the maximum = darkest), with its legend.

    The legend's two ends are written with the same ``fmt`` as the cells (a
    percentage matrix reads 0.0% to 24.1%, not 0 to 0.24).
    """
    values = [float(v) for v in matrix.to_numpy().ravel() if _number(v)]
    top = max(values, default=0.0) or 1.0
    rows = []
    for index, row in matrix.iterrows():
        cells = []
        for value in row:
            if not _number(value):
                cells.append(None)
                continue
            fraction = float(value) / top
            cells.append({"color": _shade(scale, fraction), "text": fmt(float(value)),
                          "ink": "#ffffff" if fraction > _DARK_FROM else "#1f2328"})
        rows.append({"name": str(index), "cells": cells,
                     "total": fmt(float(sum(v for v in row if _number(v)))) if total else ""})
    return {
        "corner": corner, "total": total, "rows": rows,
        "columns": list(columns) if columns is not None else [{"name": str(c), "en": ""} for c in matrix.columns],
        "low": fmt(0.0), "high": fmt(top),
        "ramp": f"linear-gradient(to right,{_shade(scale, 0)},{_shade(scale, 0.5)},{_shade(scale, 1)})",
    }


def _shade(scale: tuple, fraction: float) -> str:
    fraction = min(max(fraction, 0.0), 1.0) * (len(scale) - 1)
    low = min(int(fraction), len(scale) - 2)
    mix = fraction - low
    rgb = (round(a + (b - a) * mix) for a, b in zip(scale[low], scale[low + 1]))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _pair_key(doc_a: str, doc_b: str) -> str:
    return "pair-" + "--".join("_".join(str(doc).split()) for doc in (doc_a, doc_b))


def _pair_anchor(doc_a: str, clause_a: str, doc_b: str, clause_b: str) -> str:
    return "align-" + "--".join("_".join(str(part).split()) for part in (doc_a, clause_a, doc_b, clause_b))


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _count(value: float) -> str:
    return str(int(round(value)))


def _number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and not math.isnan(value)


def _date(value) -> str:
    """A date as ``YYYY-MM-DD``; empty when missing."""
    return pd.Timestamp(value).strftime("%Y-%m-%d") if _present(value) else ""


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and not pd.isna(value)


def _text(value) -> str:
    return str(value) if _present(value) else ""

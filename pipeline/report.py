"""The researcher's views as one self-contained, static HTML page (``policy report``).

Every figure comes from :mod:`pipeline.views`; this module only lays them out.
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
from html import escape
from pathlib import Path

import pandas as pd

from pipeline import config, views
from pipeline.errors import ReportWriteError
from pipeline.store import write_atomically

REPORT_RESOURCES = config.RESOURCES_DIR / "report"

# Stops of ColorBrewer's sequential "Blues": light enough at 0 for black text,
# dark enough at the top for white text.
_BLUES = ((247, 251, 255), (222, 235, 247), (198, 219, 239), (158, 202, 225), (107, 174, 214),
          (66, 146, 198), (33, 113, 181), (8, 81, 156), (8, 48, 107))
_REDS = ((255, 245, 240), (254, 224, 210), (252, 187, 161), (252, 146, 114), (251, 106, 74),
         (239, 59, 44), (203, 24, 29), (165, 15, 21), (103, 0, 13))
_DARK_FROM = 0.55  # above this fraction of the scale, cell text turns white

_KINDS = ("preamble", "section", "clause", "item", "subitem", "bullet", "glossary", "closing")
_SCRIPTS = {"simplified": "简体", "traditional": "繁体"}
_VARIANTS = {"mainland": "大陆用语", "taiwan": "台湾用语"}

SECTIONS = (
    ("documents", "文件 Documents"),
    ("clauses", "条款数 Clauses"),
    ("targets", "目标 Targets by deadline"),
    ("themes", "主题 Themes"),
    ("alignment", "对齐 Alignment"),
    ("reuse", "近乎照抄 Near-verbatim copies"),
    ("parties", "主体 Parties"),
    ("terms", "特色词 Distinctive terms"),
    ("browser", "条款对照 Clause browser"),
)




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


def render_report(tables: Mapping[str, pd.DataFrame]) -> str:
    """The whole page as a string."""
    documents = tables["documents"]
    labels = views.document_labels(documents)
    css = (REPORT_RESOURCES / "report.css").read_text(encoding="utf-8")
    script = (REPORT_RESOURCES / "report.js").read_text(encoding="utf-8")
    if "</script" in script.lower() or "</style" in css.lower():
        raise ValueError("report resources must not close their own <script>/<style> element")
    body = [
        _documents_section(documents, labels),
        _clauses_section(views.clause_counts(tables)),
        _targets_section(views.targets_by_year(tables)),
        _themes_section(views.theme_matrix(tables), tables["theme_shares"]),
        _alignment_section(tables),
        _reuse_section(views.reuse_summary(tables), labels),
        _parties_section(views.top_parties(tables)),
        _terms_section(views.distinctive_terms(tables)),
        _browser_section(tables, labels),
    ]
    versions = ", ".join(sorted(set(documents["pipeline_version"].astype(str))))
    nav = " ".join(f'<a href="#{key}">{escape(title)}</a>' for key, title in SECTIONS)
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="policy-text-pipeline {escape(versions)}">',
        "<title>政策文本对比报告 · Policy documents report</title>",
        f"<style>\n{css}</style>",
        "</head>",
        "<body>",
        '<header class="top">',
        "<h1>政策文本对比报告 <span class=\"en\">Policy documents report</span></h1>",
        f'<p class="lede">{_corpus_line(documents)} · pipeline {escape(versions)}</p>',
        f"<nav>{nav}</nav>",
        "</header>",
        "<main>",
        *body,
        "</main>",
        f"<script>\n{script}</script>",
        "</body>",
        "</html>",
        "",
    ])


# --- sections ---------------------------------------------------------------------------------


def _section(key: str, intro: str, *parts: str) -> str:
    title = dict(SECTIONS)[key]
    return "\n".join([f'<section id="{key}">', f"<h2>{escape(title)}</h2>",
                      f'<p class="intro">{escape(intro)}</p>' if intro else "", *parts, "</section>"])


def _corpus_line(documents: pd.DataFrame) -> str:
    dates = sorted(str(d) for d in documents["issue_date"] if _present(d))
    span = f", issued {dates[0]} – {dates[-1]}" if dates else ""
    return escape(f"{len(documents)} documents{span}")


def _documents_section(documents: pd.DataFrame, labels: pd.Series) -> str:
    rows = []
    ordered = documents.assign(label=documents["doc_id"].map(labels)).sort_values(["label", "doc_id"])
    for doc in ordered.itertuples(index=False):
        script = f"{_SCRIPTS.get(doc.script, doc.script)} / {_VARIANTS.get(doc.variant, doc.variant)}"
        rows.append("".join([
            "<tr>",
            f'<th scope="row" class="doc-label">{escape(doc.label)}</th>',
            f'<td class="title">{escape(_text(doc.title))}<div class="doc-id">{escape(doc.doc_id)}</div></td>',
            _cell(doc.issuer, "issuer"),
            _cell(doc.doc_number, "number"),
            _cell(doc.issue_date, "date"),
            _cell(doc.publish_date, "date"),
            f'<td>{escape(script)}<div class="doc-id">{escape(doc.script)} / {escape(doc.variant)}</div></td>',
            f'<td class="num">{int(doc.n_clauses)}</td>',
            f'<td class="num">{int(doc.n_chars):,}</td>',
            "</tr>",
        ]))
    head = _header_row(["文件 document", "标题 title", "发文机关 issuer", "文号 number", "成文日期 issued",
                        "发布日期 published", "原文字形 script / vocabulary", "条款 clauses", "字数 chars"],
                       numeric={7, 8})
    table = f'<table class="documents">\n<thead>{head}</thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>"
    return _section("documents", "The documents compared, labelled by place and year as everywhere below.", table)


def _clauses_section(counts: pd.DataFrame) -> str:
    if counts.empty:
        return _section("clauses", "", _none())
    kinds = list(counts.columns)
    totals = counts.sum(axis=1)
    widest = max(int(totals.max()), 1)
    rows = []
    for document, row in counts.iterrows():
        segments = "".join(
            f'<span class="seg k-{escape(kind)}" style="width:{100 * int(row[kind]) / widest:.3f}%" '
            f'title="{escape(kind)}: {int(row[kind])}"></span>'
            for kind in kinds if int(row[kind]))
        cells = "".join(f'<td class="num">{int(row[kind])}</td>' for kind in kinds)
        rows.append(f'<tr><th scope="row">{escape(str(document))}</th>{cells}'
                    f'<td class="num total">{int(totals[document])}</td>'
                    f'<td class="bar-cell"><div class="bar">{segments}</div></td></tr>')
    head = _header_row(["文件 document", *kinds, "total", ""], numeric=set(range(1, len(kinds) + 2)))
    legend = "".join(f'<span class="key"><span class="swatch k-{escape(k)}"></span>{escape(k)}</span>' for k in kinds)
    table = (f'<table class="counts">\n<thead>{head}</thead>\n<tbody>\n' + "\n".join(rows)
             + f'\n</tbody>\n</table>\n<p class="legend">{legend}</p>')
    return _section("clauses", "Clauses per document and kind; the bar is the total, split by kind.", table)


def _targets_section(by_year: pd.DataFrame) -> str:
    intro = ("Quantitative goals (kind = target) per document and deadline year; "
             "“no year” when neither the clause nor its parents set one.")
    if by_year.empty:
        return _section("targets", intro, _none())
    return _section("targets", intro, _heatmap(by_year, _count, _REDS, corner="文件 \\ 年 year", total=True))


def _themes_section(matrix: pd.DataFrame, theme_shares: pd.DataFrame) -> str:
    intro = ("Share of each document's text given to each theme, clauses weighed by length; the rest of a row is "
             "text no theme claims. Darker is more.")
    if matrix.empty:
        return _section("themes", intro, _none())
    english = dict(zip(theme_shares["theme_zh"], theme_shares["theme_en"]))
    headers = [f'{escape(str(c))}<span class="en">{escape(english.get(c, ""))}</span>' for c in matrix.columns]
    return _section("themes", intro, _heatmap(matrix, _percent, _BLUES, corner="文件 \\ 主题 theme",
                                              column_html=headers))


def _alignment_section(tables: Mapping[str, pd.DataFrame]) -> str:
    share = views.alignment_matrix(tables, "share")
    pairs = views.alignment_matrix(tables, "pairs")
    reuse = views.alignment_matrix(tables, "reuse")
    intro = ("Row document's clauses that say what a clause of the column document says (share of its clauses "
             "with an aligned partner), the aligned clause pairs, and the pairs copied near verbatim.")
    if share.empty:
        return _section("alignment", intro, _none())
    corner = "行 row \\ 列 column"
    return _section(
        "alignment", intro,
        '<div class="matrices">',
        _figure("Share of row clauses aligned", _heatmap(share, _percent, _BLUES, corner=corner)),
        _figure("Aligned clause pairs", _heatmap(pairs, _count, _BLUES, corner=corner)),
        _figure("Near-verbatim copies (REUSE)", _heatmap(reuse, _count, _REDS, corner=corner)),
        "</div>",
    )


def _reuse_section(reused: pd.DataFrame, labels: pd.Series) -> str:
    intro = "Clause pairs where a long passage is copied near verbatim, longest first; click to read them side by side."
    if reused.empty:
        return _section("reuse", intro, _none("No near-verbatim copies between these documents."))
    doc_ids = {label: doc_id for doc_id, label in labels.items()}
    rows = []
    for row in reused.itertuples(index=False):
        anchor = _pair_anchor(doc_ids[row.document_a], row.clause_a, doc_ids[row.document_b], row.clause_b)
        rows.append("".join([
            "<tr>",
            f'<td><a href="#{escape(anchor)}">{escape(row.document_a)} [{escape(row.clause_a)}] ↔ '
            f"{escape(row.document_b)} [{escape(row.clause_b)}]</a></td>",
            f'<td class="num">{int(row.reuse_chars)}</td>',
            f'<td class="num">{row.score:.2f}</td>',
            f'<td class="passage">{escape(row.shared_text)}</td>',
            "</tr>",
        ]))
    head = _header_row(["条款对 clause pair", "照抄字数 copied chars", "score", "最长共同段落 longest shared passage"],
                       numeric={1, 2})
    return _section("reuse", intro, f'<table class="reuse">\n<thead>{head}</thead>\n<tbody>\n'
                    + "\n".join(rows) + "\n</tbody>\n</table>")


def _parties_section(parties: pd.DataFrame) -> str:
    intro = "The organizations and places each document names most often, with their kind and roles."
    if parties.empty:
        return _section("parties", intro, _none())
    cards = []
    for document, group in parties.groupby("document", sort=True):
        rows = "\n".join(
            f'<tr><td>{escape(row.name)}</td><td class="kind">{escape(row.kind)}</td>'
            f'<td class="roles">{escape(row.roles)}</td><td class="num">{int(row.mentions)}</td></tr>'
            for row in group.itertuples(index=False))
        cards.append(f'<div class="card"><h3>{escape(str(document))}</h3><table class="small">'
                     f'<thead>{_header_row(["name", "kind", "roles", "×"], numeric={3})}</thead>'
                     f"<tbody>\n{rows}\n</tbody></table></div>")
    return _section("parties", intro, '<div class="cards">', *cards, "</div>")


def _terms_section(terms: pd.DataFrame) -> str:
    intro = "Terms that set each document apart from the others (TF-IDF over documents); bar = weight, × = count."
    if terms.empty:
        return _section("terms", intro, _none())
    cards = []
    for document, group in terms.groupby("document", sort=True):
        top = max(float(group["weight"].max()), 1e-9)
        items = "\n".join(
            f'<li><span class="term">{escape(row.term)}</span>'
            f'<span class="wbar"><span style="width:{100 * row.weight / top:.1f}%"></span></span>'
            f'<span class="num">{row.weight:.3f}</span><span class="num count">×{int(row.count)}</span></li>'
            for row in group.sort_values("rank").itertuples(index=False))
        cards.append(f'<div class="card"><h3>{escape(str(document))}</h3><ol class="terms">\n{items}\n</ol></div>')
    return _section("terms", intro, '<div class="cards">', *cards, "</div>")


def _browser_section(tables: Mapping[str, pd.DataFrame], labels: pd.Series) -> str:
    intro = ("Aligned clauses of two documents side by side, in reading order; the longest shared passage is "
             "marked in both. Choose the pair of documents:")
    pairs = views.aligned_clauses(tables)
    if pairs.empty:
        return _section("browser", intro, _none("No aligned clauses."))
    reused = views.reuse_summary(tables)
    doc_ids = {label: doc_id for doc_id, label in labels.items()}
    default = (doc_ids[reused["document_a"].iloc[0]], doc_ids[reused["document_b"].iloc[0]]) if len(reused) else None
    options, blocks = [], []
    for (doc_a, doc_b), group in pairs.groupby(["doc_a", "doc_b"], sort=True):
        key = _pair_key(doc_a, doc_b)
        n_reuse = int(group["reuse"].sum())
        summary = f"{len(group)} aligned pairs" + (f", {n_reuse} REUSE" if n_reuse else "")
        selected = " selected" if (doc_a, doc_b) == default or (default is None and not options) else ""
        options.append(f'<option value="{escape(key)}"{selected}>{escape(labels[doc_a])} ↔ '
                       f"{escape(labels[doc_b])} ({escape(summary)})</option>")
        articles = "\n".join(_aligned_pair(row) for row in group.itertuples(index=False))
        blocks.append("\n".join([
            f'<div class="pair" id="{escape(key)}" data-doc-a="{escape(doc_a)}" data-doc-b="{escape(doc_b)}">',
            f'<h3>{escape(labels[doc_a])} ↔ {escape(labels[doc_b])} <span class="muted">{escape(summary)}</span></h3>',
            articles,
            "</div>",
        ]))
    controls = "\n".join([
        '<div class="controls">',
        '<label>文件对 document pair <select id="pair-select">',
        *options,
        "</select></label>",
        '<label><input type="checkbox" id="reuse-only"> 只看照抄 only REUSE</label>',
        "</div>",
    ])
    return _section("browser", intro, controls, '<div id="pairs">', *blocks, "</div>")


def _aligned_pair(row) -> str:
    reuse = bool(row.reuse)
    badge = '<span class="badge">REUSE</span>' if reuse else ""
    copied = f" · copied near verbatim: {int(row.reuse_chars)} chars" if reuse else ""
    anchor = _pair_anchor(row.doc_a, row.clause_a, row.doc_b, row.clause_b)
    return "\n".join([
        f'<article class="aligned{" reuse" if reuse else ""}" id="{escape(anchor)}">',
        f'<div class="meta"><span class="score">score {row.score:.2f}</span>{badge}'
        f'<span class="muted">shared passage: {int(row.shared_chars)} chars{copied}</span></div>',
        _clause_side("a", row.document_a, row.label_a, row.clause_a, row.heading_a, row.text_a,
                     row.shared_start_a, row.shared_end_a),
        _clause_side("b", row.document_b, row.label_b, row.clause_b, row.heading_b, row.text_b,
                     row.shared_start_b, row.shared_end_b),
        "</article>",
    ])


def _clause_side(side: str, document: str, label: str, clause_id: str, heading: str, text: str,
                 start: int, end: int) -> str:
    start, end = max(0, int(start)), min(len(text), int(end))
    if start < end:
        body = f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"
    else:
        body = escape(text)
    return "".join([
        f'<div class="side side-{side}" data-clause="{escape(clause_id)}">',
        f'<div class="clause-head"><span class="doc">{escape(document)}</span>',
        f'<span class="label">{escape(_text(label))}</span><span class="cid">[{escape(clause_id)}]</span>',
        f'<span class="heading">{escape(_text(heading))}</span></div>',
        f'<p class="text">{body}</p>',
        "</div>",
    ])


# --- pieces -----------------------------------------------------------------------------------


def _heatmap(matrix: pd.DataFrame, fmt: Callable[[float], str], scale: tuple, corner: str = "",
             column_html: Iterable[str] | None = None, total: bool = False) -> str:
    """A matrix as an HTML table whose cells are shaded by value (0 = lightest, the maximum = darkest)."""
    values = [float(v) for v in matrix.to_numpy().ravel() if _number(v)]
    top = max(values, default=0.0) or 1.0
    columns = list(column_html) if column_html is not None else [escape(str(c)) for c in matrix.columns]
    head = "<tr>" + f'<th class="corner">{escape(corner)}</th>' + "".join(f'<th scope="col">{c}</th>' for c in columns)
    head += '<th scope="col" class="num">total</th></tr>' if total else "</tr>"
    rows = []
    for index, row in matrix.iterrows():
        cells = []
        for value in row:
            if not _number(value):
                cells.append('<td class="cell na">—</td>')
                continue
            fraction = float(value) / top
            color = _shade(scale, fraction)
            ink = "#ffffff" if fraction > _DARK_FROM else "#1f2328"
            cells.append(f'<td class="cell" style="background:{color};color:{ink}">{escape(fmt(float(value)))}</td>')
        if total:
            cells.append(f'<td class="num total">{escape(fmt(float(sum(v for v in row if _number(v)))))}</td>')
        rows.append(f'<tr><th scope="row">{escape(str(index))}</th>{"".join(cells)}</tr>')
    legend = (f'<div class="scale"><span>{escape(fmt(0.0))}</span>'
              f'<span class="ramp" style="background:linear-gradient(to right,{_shade(scale, 0)},{_shade(scale, 0.5)},'
              f'{_shade(scale, 1)})"></span><span>{escape(fmt(top))}</span></div>')
    return (f'<table class="heat">\n<thead>{head}</thead>\n<tbody>\n' + "\n".join(rows)
            + f"\n</tbody>\n</table>\n{legend}")


def _figure(caption: str, body: str) -> str:
    return f"<figure><figcaption>{escape(caption)}</figcaption>{body}</figure>"


def _shade(scale: tuple, fraction: float) -> str:
    fraction = min(max(fraction, 0.0), 1.0) * (len(scale) - 1)
    low = min(int(fraction), len(scale) - 2)
    mix = fraction - low
    rgb = (round(a + (b - a) * mix) for a, b in zip(scale[low], scale[low + 1]))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _header_row(titles: list[str], numeric: set[int] = frozenset()) -> str:
    cells = []
    for i, title in enumerate(titles):
        numeric_class = ' class="num"' if i in numeric else ""
        cells.append(f'<th scope="col"{numeric_class}>{escape(title)}</th>')
    return "<tr>" + "".join(cells) + "</tr>"


def _pair_key(doc_a: str, doc_b: str) -> str:
    return "pair-" + "--".join("_".join(str(doc).split()) for doc in (doc_a, doc_b))


def _pair_anchor(doc_a: str, clause_a: str, doc_b: str, clause_b: str) -> str:
    return "align-" + "--".join("_".join(str(part).split()) for part in (doc_a, clause_a, doc_b, clause_b))


def _cell(value, css_class: str) -> str:
    """A table cell for a value that may be missing (shown as a dash)."""
    if _present(value) and str(value):
        return f'<td class="{css_class}">{escape(str(value))}</td>'
    return f'<td class="{css_class} missing">—</td>'


def _none(message: str = "Nothing to show for these documents.") -> str:
    return f'<p class="none">{escape(message)}</p>'


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _count(value: float) -> str:
    return str(int(round(value)))


def _number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and not math.isnan(value)


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and not pd.isna(value)


def _text(value) -> str:
    return str(value) if _present(value) else ""

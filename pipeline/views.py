"""The researcher's views of the tables: what the notebook, the report and the CLI show.

Each function takes the tables as pandas DataFrames (:func:`load_tables`) and
returns a small DataFrame ready to print or plot, so the notebook and the
HTML report show the same figures and define no pipeline logic of their own.
Documents are labelled by place and year (``四川 2024``), not by file id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfTransformer

from pipeline import config
from pipeline.errors import MissingTablesError
from pipeline.normalize import ScriptConverter
from pipeline.tables import SCHEMAS

# Declared lists of what "top" lists and distinctive terms leave out (one entry a line).
GENERIC_PARTIES_FILE = config.RESOURCES_DIR / "generic_parties.txt"
BOILERPLATE_TERMS_FILE = config.RESOURCES_DIR / "boilerplate_terms.txt"
# Roles of a party that acts in a clause, for the party network.
ACTING_ROLES = ("lead", "responsible", "support", "actor")
DOCUMENT_AXIS = "文件 document"

_PLACE = re.compile(r"^(?:中共)?(\S{2,3}?)(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)")


def load_tables(data_dir: Path, names: tuple[str, ...] | None = None) -> dict[str, pd.DataFrame]:
    """Read the tables written by ``policy extract`` as DataFrames (dtypes of :func:`pipeline.loading.load`).

    Raises:
        MissingTablesError: a table is not there (``policy extract`` has not been run).
    """
    from pipeline.loading import load

    return {name: load(name, data_dir) for name in names or tuple(SCHEMAS)}


def declared_list(path: Path) -> frozenset[str]:
    """The entries of a list file in resources/: one a line, ``#`` starts a comment."""
    entries = (line.split("#", 1)[0].strip() for line in Path(path).read_text(encoding="utf-8").splitlines())
    return frozenset(entry for entry in entries if entry)


def document_labels(documents: pd.DataFrame) -> pd.Series:
    """A short label per doc_id: the issuing place and the year, ``四川 2024``.

    Two documents of one place and year get their doc_id's first characters
    appended, so labels stay unique.
    """
    if "label" in documents:  # the corpus gives each document a stable, unique label
        return pd.Series(documents["label"].astype(str).to_numpy(), index=documents["doc_id"].to_numpy(), name="label")
    labels = {}
    for row in documents.itertuples(index=False):
        # A missing value may come back as None or NaN, depending on pandas.
        named = next((value for value in (row.issuer, row.title) if isinstance(value, str) and value.strip()), "")
        issuer = named.split()[-1] if named else ""
        place = _PLACE.match(issuer)
        dated = row.issue_date if pd.notna(row.issue_date) else row.publish_date
        year = f" {pd.Timestamp(dated).year}" if pd.notna(dated) else ""
        labels[row.doc_id] = f"{place.group(1) if place else row.doc_id[:8]}{year}"
    series = pd.Series(labels, name="label")
    repeated = series.duplicated(keep=False)
    series[repeated] = series[repeated] + " (" + series.index[repeated].str[:6] + ")"
    # Ids sharing their first characters (guizhou_2024_a, guizhou_2024_b) get the whole id.
    repeated = series.duplicated(keep=False)
    series[repeated] = series[repeated].str.replace(r" \([^)]*\)$", "", regex=True) + " (" + series.index[repeated] + ")"
    return series


def _labelled(frame: pd.DataFrame, labels: pd.Series, column: str = "doc_id") -> pd.DataFrame:
    return frame.assign(document=frame[column].map(labels))


def clause_counts(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Clauses per document and kind (section, clause, item, ...), documents as rows."""
    labels = document_labels(tables["documents"])
    clauses = _labelled(tables["clauses"], labels)
    counts = clauses.pivot_table(index="document", columns="kind", values="clause_id", aggfunc="count", fill_value=0)
    order = [k for k in ("preamble", "section", "clause", "item", "subitem", "bullet", "glossary", "closing") if k in counts]
    return counts[order].loc[sorted(counts.index)]


def targets_by_year(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Quantitative goals per document and deadline year (``no year`` when the clause sets none)."""
    labels = document_labels(tables["documents"])
    targets = _labelled(tables["targets"], labels)
    targets = targets[targets["kind"] == "target"]
    year = targets["deadline_year"].map(lambda y: str(int(y)) if pd.notna(y) else "no year")
    table = pd.crosstab(targets["document"], year.rename("截止年 deadline year")).sort_index()
    table.index.name = DOCUMENT_AXIS
    return table


def theme_matrix(tables: Mapping[str, pd.DataFrame], language: str = "zh") -> pd.DataFrame:
    """Document × theme: the share of each document's text given to each theme."""
    labels = document_labels(tables["documents"])
    shares = _labelled(tables["theme_shares"], labels)
    column = "theme_zh" if language == "zh" else "theme_en"
    matrix = shares.pivot(index="document", columns=column, values="share").sort_index()
    matrix.index.name, matrix.columns.name = DOCUMENT_AXIS, "主题 theme"
    return matrix


def alignment_matrix(tables: Mapping[str, pd.DataFrame], value: str = "share") -> pd.DataFrame:
    """Document × document: how much of one says what the other says.

    Args:
        value: ``share`` (of the row document's aligned clauses that have a
            match in the column document), ``pairs`` (aligned clause pairs) or
            ``reuse`` (pairs copied near verbatim).
    """
    labels = document_labels(tables["documents"])
    alignments = tables["alignments"]
    both = pd.concat([
        alignments.rename(columns={"doc_a": "row", "clause_a": "clause", "doc_b": "column"}),
        alignments.rename(columns={"doc_b": "row", "clause_b": "clause", "doc_a": "column"}),
    ])
    names = sorted(labels.index)
    matrix = pd.DataFrame(0.0, index=names, columns=names)
    if value == "share":
        clauses = tables["clauses"]
        body = clauses[~clauses["kind"].isin(["closing"])].groupby("doc_id").size()
        matched = both.groupby(["row", "column"])["clause"].nunique()
        for (row, column), n in matched.items():
            matrix.loc[row, column] = n / body[row]
    elif value in ("pairs", "reuse"):
        chosen = both[both["reuse"]] if value == "reuse" else both
        for (row, column), n in chosen.groupby(["row", "column"]).size().items():
            matrix.loc[row, column] = n
    else:
        raise ValueError(f"value must be share, pairs or reuse, not {value!r}")
    for name in names:
        matrix.loc[name, name] = float("nan")  # a document is not compared with itself
    matrix.index = matrix.index.map(labels)
    matrix.columns = matrix.columns.map(labels)
    matrix = matrix.sort_index().sort_index(axis=1)
    matrix.index.name, matrix.columns.name = "行 row document", "列 column document"
    return matrix


def top_parties(tables: Mapping[str, pd.DataFrame], n: int = 8) -> pd.DataFrame:
    """The parties each document names most often, with how often and in what roles."""
    labels = document_labels(tables["documents"])
    parties = _labelled(tables["parties"], labels)
    parties = parties[~_generic_parties(parties["name"])]
    parties = parties.assign(kind=parties["kind"].astype(str), role=parties["role"].astype(str))
    grouped = parties.groupby(["document", "name"]).agg(
        mentions=("role", "size"), kind=("kind", "first"),
        roles=("role", lambda roles: ", ".join(sorted(set(roles)))))
    grouped = grouped.reset_index().sort_values(["document", "mentions", "name"], ascending=[True, False, True])
    return grouped.groupby("document").head(n).reset_index(drop=True)


def distinctive_terms(tables: Mapping[str, pd.DataFrame], n: int = 12) -> pd.DataFrame:
    """The terms that set each document apart: TF-IDF with documents (not clauses) as the corpus.

    The declared boilerplate (``resources/boilerplate_terms.txt``: words of
    procedure, layout and the shared political formulae) is left out.
    """
    labels = document_labels(tables["documents"])
    terms = tables["terms"]
    boilerplate = declared_list(BOILERPLATE_TERMS_FILE)
    counts = terms[~terms["term"].isin(boilerplate)].groupby(["doc_id", "term"])["count"].sum().unstack(fill_value=0)
    weights = TfidfTransformer(sublinear_tf=True).fit_transform(counts.to_numpy()).toarray()
    frame = pd.DataFrame(weights, index=counts.index, columns=counts.columns)
    rows = []
    for doc_id, row in frame.iterrows():
        top = row[row > 0].sort_values(ascending=False, kind="stable").head(n)
        for rank, (term, weight) in enumerate(top.items(), start=1):
            rows.append({"document": labels[doc_id], "rank": rank, "term": term, "weight": round(float(weight), 4),
                         "count": int(counts.loc[doc_id, term])})
    frame = pd.DataFrame(rows, columns=["document", "rank", "term", "weight", "count"])
    return frame.sort_values(["document", "rank"], kind="stable").reset_index(drop=True)


def _value_text(row) -> str:
    symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "~": "≈", "=": "", "range": ""}.get(str(row.comparator), "")
    value = f"{row.value:g}" + (f"–{row.value_max:g}" if pd.notna(row.value_max) else "")
    year = f" ({int(row.deadline_year)})" if pd.notna(row.deadline_year) else ""
    return f"{symbol}{value} {row.unit}{year}".strip()


def target_values(tables: Mapping[str, pd.DataFrame], n: int = 20) -> pd.DataFrame:
    """Goals by indicator and document: ``≥40 EFLOPS (2027)`` in each cell, indicators as rows.

    The indicator is the canonical ``indicator_id`` where the targets table has
    one (the same goal in different wording compares across documents), else the
    indicator as written. The ``n`` indicators named by the most documents come
    first, then those with the most goals; a document's several goals for one
    indicator are joined with ``; ``.
    """
    labels = document_labels(tables["documents"])
    targets = _labelled(tables["targets"], labels)
    targets = targets[targets["kind"].astype(str) == "target"]
    key = "indicator_id" if "indicator_id" in targets else "indicator"
    if key == "indicator_id":
        # indicator_id is a coded (categorical) column; the fallback is free text.
        targets = targets.assign(indicator_id=targets["indicator_id"].astype(object).fillna(targets["indicator"]))
    if targets.empty:
        return pd.DataFrame(index=pd.Index([], name="指标 indicator"))
    targets = targets.sort_values(["doc_id", "start"]).assign(shown=[_value_text(r) for r in targets.itertuples()])
    cells = targets.groupby([key, "document"])["shown"].agg("; ".join).unstack()
    spread = targets.groupby(key).agg(documents=("document", "nunique"), goals=("shown", "size"))
    order = spread.sort_values(["documents", "goals"], ascending=False, kind="stable").head(n).index
    table = cells.loc[order].reindex(columns=sorted(cells.columns)).fillna("")
    table.index.name, table.columns.name = "指标 indicator", DOCUMENT_AXIS
    return table


def timeline(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Deadlines and plan periods of every document: one row per distinct span, earliest first.

    Rows: ``document``, ``doc_id``, ``what`` (``deadline`` or ``period``), ``text``
    as written (first occurrence), ``start_date``, ``end_date``, ``mentions`` and
    the clause of the first mention. Durations without dates are left out.
    """
    labels = document_labels(tables["documents"])
    dates = _labelled(tables["dates"], labels)
    role, kind = dates["role"].astype(str), dates["kind"].astype(str)
    chosen = dates[((role == "deadline") | (kind == "period")) & dates["start_date"].notna()].copy()
    chosen["what"] = ["deadline" if r == "deadline" else "period" for r in chosen["role"].astype(str)]
    chosen = chosen.sort_values(["doc_id", "start"])
    grouped = chosen.groupby(["document", "doc_id", "what", "start_date", "end_date"], observed=True).agg(
        text=("text", "first"), mentions=("text", "size"), clause_id=("clause_id", "first")).reset_index()
    columns = ["document", "doc_id", "what", "text", "start_date", "end_date", "mentions", "clause_id"]
    return grouped[columns].sort_values(["document", "start_date", "what"]).reset_index(drop=True)


def _generic_parties(names: pd.Series) -> pd.Series:
    """Which names are declared generic groups, also with a modifier: party names keep
    their modifiers (行业龙头企业 is still 龙头企业), so a declared name of three or more
    characters also matches as the end of a name; 企业 matches only itself."""
    generic = declared_list(GENERIC_PARTIES_FILE)
    endings = tuple(g for g in generic if len(g) >= 3)
    return names.astype(str).map(lambda text: text in generic or text.endswith(endings))


def party_network(tables: Mapping[str, pd.DataFrame], n: int = 15) -> pd.DataFrame:
    """Who acts in which document: edges party → document with the role and the clauses.

    Only acting roles (lead, responsible, support, actor: not mentions, issuers
    or addressees) and not the declared generic groups
    (``resources/generic_parties.txt``). The ``n`` parties active in the most
    documents, then clauses, are kept.
    """
    labels = document_labels(tables["documents"])
    parties = _labelled(tables["parties"], labels)
    parties = parties[parties["role"].astype(str).isin(ACTING_ROLES)
                      & ~_generic_parties(parties["name"])]
    parties = parties.assign(role=parties["role"].astype(str), kind=parties["kind"].astype(str))
    edges = parties.groupby(["name", "document", "role"]).agg(
        kind=("kind", "first"), clauses=("clause_id", lambda c: ", ".join(dict.fromkeys(c))),
        n_clauses=("clause_id", "nunique")).reset_index()
    reach = edges.groupby("name").agg(documents=("document", "nunique"), n=("n_clauses", "sum"))
    keep = reach.sort_values(["documents", "n"], ascending=False, kind="stable").head(n).index
    edges = edges[edges["name"].isin(keep)]
    order = {name: i for i, name in enumerate(keep)}
    edges = edges.assign(order=edges["name"].map(order)).sort_values(["order", "document", "role"])
    return edges.drop(columns="order").reset_index(drop=True)


def reuse_graph(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Which document reuses which: one row per pair of documents with aligned clauses, earlier first.

    ``earlier``/``later`` by issue date (publish date when there is none), the
    aligned clause pairs, those copied near verbatim (``reuse``) and the longest
    copied stretch. A later document can only reuse an earlier one, so the
    direction is read from the dates.
    """
    documents = tables["documents"]
    labels = document_labels(documents)
    dated = documents.set_index("doc_id")["issue_date"].fillna(documents.set_index("doc_id")["publish_date"])
    rows = []
    for (doc_a, doc_b), group in tables["alignments"].groupby(["doc_a", "doc_b"]):
        first, second = sorted((doc_a, doc_b), key=lambda d: (pd.isna(dated[d]), dated[d] if pd.notna(dated[d]) else 0, d))
        rows.append({"earlier": labels[first], "later": labels[second], "earlier_date": dated[first],
                     "later_date": dated[second], "aligned": len(group), "reuse": int(group["reuse"].sum()),
                     "longest_copy": int(group["reuse_chars"].max())})
    columns = ["earlier", "later", "earlier_date", "later_date", "aligned", "reuse", "longest_copy"]
    return pd.DataFrame(rows, columns=columns).sort_values(["later_date", "earlier_date", "later", "earlier"]
                                                        ).reset_index(drop=True)


def aligned_clauses(tables: Mapping[str, pd.DataFrame], doc_a: str | None = None, doc_b: str | None = None) -> pd.DataFrame:
    """Aligned pairs with both clauses' headings and texts, for reading side by side.

    With ``doc_a`` and ``doc_b`` (doc_ids), only that pair of documents, in
    that order (columns ``*_a`` belong to ``doc_a``).
    """
    alignments = tables["alignments"]
    if doc_a is not None and doc_b is not None:
        forward = alignments[(alignments["doc_a"] == doc_a) & (alignments["doc_b"] == doc_b)]
        backward = alignments[(alignments["doc_a"] == doc_b) & (alignments["doc_b"] == doc_a)]
        alignments = pd.concat([forward, _swap_sides(backward)], ignore_index=True)
    clauses = tables["clauses"][["doc_id", "clause_id", "label", "heading", "text", "seq"]]
    merged = alignments.merge(clauses.add_suffix("_a"), left_on=["doc_a", "clause_a"], right_on=["doc_id_a", "clause_id_a"])
    merged = merged.merge(clauses.add_suffix("_b"), left_on=["doc_b", "clause_b"], right_on=["doc_id_b", "clause_id_b"])
    labels = document_labels(tables["documents"])
    merged["document_a"] = merged["doc_a"].map(labels)
    merged["document_b"] = merged["doc_b"].map(labels)
    merged = merged.drop(columns=["doc_id_a", "clause_id_a", "doc_id_b", "clause_id_b"])
    return merged.sort_values(["doc_a", "doc_b", "seq_a", "seq_b"]).reset_index(drop=True)


def _swap_sides(frame: pd.DataFrame) -> pd.DataFrame:
    renamed = {}
    for column in frame.columns:
        if column.endswith("_a"):
            renamed[column] = column[:-2] + "_b"
        elif column.endswith("_b"):
            renamed[column] = column[:-2] + "_a"
    return frame.rename(columns=renamed)


def canonical_query(query: str, converter: ScriptConverter) -> str:
    """A search query in canonical form: ``人工智慧`` and ``人工智能`` both become ``人工智能``.

    A query is too short to tell its script, so it always goes through the
    Taiwan converter, which also converts Traditional characters and leaves
    Simplified text and mainland words as they are.
    """
    return converter.taiwan.convert(query.strip())


def parse_query(query: str, converter: ScriptConverter, regex: bool = False) -> list[list[re.Pattern]]:
    """A search query as alternatives of patterns that must all match: ``数据 要素 OR 算力``.

    Words separated by spaces must all occur in a clause (AND); ``OR`` (or ``|``
    between spaces) separates alternatives. Each word is put in canonical form
    first, so either script finds the same clauses. With ``regex`` each word is
    a regular expression (``算力|智算``, ``数据\\w{2}``), also canonicalized.

    Raises:
        ValueError: the query is empty, or a regular expression does not compile.
    """
    alternatives, current = [], []
    for word in query.split():
        if word in ("OR", "|"):
            if current:
                alternatives.append(current)
            current = []
            continue
        canonical = canonical_query(word, converter)
        try:
            current.append(re.compile(canonical if regex else re.escape(canonical)))
        except re.error as error:
            raise ValueError(f"--regex: {word!r} is not a regular expression ({error})") from None
    if current:
        alternatives.append(current)
    if not alternatives:
        raise ValueError("the search query is empty")
    return alternatives


def _matches(text: str, alternatives: list[list[re.Pattern]]) -> bool:
    return any(all(pattern.search(text) for pattern in patterns) for patterns in alternatives)


def _spans(text: str, alternatives: list[list[re.Pattern]]) -> list[tuple[int, int]]:
    """Every non-empty occurrence of any word of the query in ``text``, in order."""
    spans = {(m.start(), m.end()) for patterns in alternatives for pattern in patterns
             for m in pattern.finditer(text) if m.end() > m.start()}
    return sorted(spans)


def search_clauses(tables: Mapping[str, pd.DataFrame], query: str, converter: ScriptConverter,
                   context: int = 30, regex: bool = False) -> pd.DataFrame:
    """Clauses whose canonical text matches the query (see :func:`parse_query`), with a snippet around the first hit.

    ``hits`` counts the occurrences of the query's words in the clause.
    """
    alternatives = parse_query(query, converter, regex)
    labels = document_labels(tables["documents"])
    clauses = tables["clauses"]
    found = clauses[[_matches(text, alternatives) for text in clauses["text"]]].copy()
    found["document"] = found["doc_id"].map(labels)
    spans = [_spans(text, alternatives) for text in found["text"]]
    found["hits"] = [len(found_spans) for found_spans in spans]
    found["snippet"] = [_snippet(text, *(found_spans[0] if found_spans else (0, 0)), context)
                        for text, found_spans in zip(found["text"], spans)]
    columns = ["document", "doc_id", "clause_id", "label", "heading", "hits", "snippet", "text_original", "seq"]
    return found[columns].sort_values(["doc_id", "seq"]).drop(columns="seq").reset_index(drop=True)


def _snippet(text: str, at: int, until: int, context: int) -> str:
    start, end = max(at - context, 0), min(until + context, len(text))
    flat = text[start:end].replace("\n", " ")
    return ("…" if start else "") + flat + ("…" if end < len(text) else "")


def kwic(tables: Mapping[str, pd.DataFrame], query: str, converter: ScriptConverter, width: int = 20,
         regex: bool = False) -> pd.DataFrame:
    """Keyword in context: every occurrence of the query's words in the clauses that match the query.

    One row per occurrence, in reading order: the document, the clause, ``left``
    and ``right`` (up to ``width`` characters of context, line breaks as spaces),
    ``keyword`` as it stands in the canonical text and ``offset``, its position in
    the clause text. ``policy kwic 算力`` prints it; the report searches the same way.
    """
    alternatives = parse_query(query, converter, regex)
    labels = document_labels(tables["documents"])
    clauses = tables["clauses"].sort_values(["doc_id", "seq"])
    rows = []
    for clause in clauses.itertuples(index=False):
        if not _matches(clause.text, alternatives):
            continue
        for start, end in _spans(clause.text, alternatives):
            rows.append({
                "document": labels[clause.doc_id], "doc_id": clause.doc_id, "clause_id": clause.clause_id,
                "left": clause.text[max(start - width, 0):start].replace("\n", " "),
                "keyword": clause.text[start:end],
                "right": clause.text[end:end + width].replace("\n", " "),
                "offset": start,
            })
    return pd.DataFrame(rows, columns=["document", "doc_id", "clause_id", "left", "keyword", "right", "offset"])


def resolve_document(documents: pd.DataFrame, name: str) -> str:
    """The doc_id a user means: a doc_id, its unique prefix, a source file name or path, or a label.

    Raises:
        ValueError: no document or more than one matches.
    """
    labels = document_labels(documents)
    wanted = Path(name).name
    exact = documents[(documents["doc_id"] == name) | (documents["source_file"] == wanted)]
    if len(exact) == 1:
        return str(exact["doc_id"].iloc[0])
    by_label = labels[labels == name]
    if len(by_label) == 1:
        return str(by_label.index[0])
    prefixed = documents[documents["doc_id"].str.startswith(name)]
    if len(prefixed) == 1:
        return str(prefixed["doc_id"].iloc[0])
    known = ", ".join(f"{doc_id} ({labels[doc_id]})" for doc_id in documents["doc_id"])
    what = "matches more than one document" if len(prefixed) > 1 else "is not a document in the tables"
    raise ValueError(f"{name!r} {what}; known: {known}")


def reuse_summary(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The near-verbatim copies, longest first: which clause of which document repeats which."""
    pairs = aligned_clauses(tables)
    reused = pairs[pairs["reuse"]]
    columns = ["document_a", "clause_a", "document_b", "clause_b", "reuse_chars", "score", "shared_text"]
    return reused.sort_values(["reuse_chars", "score"], ascending=False)[columns].reset_index(drop=True)


__all__ = [
    "aligned_clauses", "alignment_matrix", "canonical_query", "clause_counts", "declared_list", "distinctive_terms",
    "party_network", "reuse_graph", "target_values", "timeline",
    "document_labels", "kwic", "load_tables", "parse_query", "resolve_document", "reuse_summary", "search_clauses",
    "targets_by_year", "theme_matrix", "top_parties",
]

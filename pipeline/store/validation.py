"""Declared checks on the nine tables: keys, references, offsets, value sets and ranges.

Every check is a :class:`Check` record in :data:`CHECKS`, built by a few small
declarative helpers (:func:`unique`, :func:`foreign_key`, :func:`in_set`,
:func:`between`, :func:`holds`, :func:`holds_joined`) or, for the handful that
need an aggregate or Python string slicing, a named function. A check finds
the rows that break it; :func:`validate_tables` runs them all and returns one
:class:`Violation` per failed check, :func:`check_tables` raises
:class:`~pipeline.errors.TableValidationError` listing them.

Tables come in as pyarrow Tables (what the extractor holds and reads back) or
pandas DataFrames (cast to the declared schema first). Row checks are
formulas (:mod:`pipeline.store.formulas`) run by ``pyarrow.compute`` on the
columns directly; keys are matched through integer codes shared by the two
tables (one lookup per key, shared by the foreign key and the checks that read
the parent row), and groups are counted with numpy: no Acero plan, whose fixed
cost per call was most of the time on one document's tables of tens of rows.
Only the alignment passages are compared in Python, one short string per pair.
The same engine runs the document checks and the corpus-level ones (0.4 to
0.5 s for 1,000 documents, from 1.5). The document checks cost about 200
compute calls whatever the rows: one document at a time that was 6 to 7 ms of
CPU per benchmark document, so a run checks the rows of many documents at once
(:func:`check_documents`, under 1 ms per document).

A check reads one or more tables (``Check.needs``); when any of them is absent
from the mapping the check is skipped. Validating a partial set is useful in
tests; the extractor passes all nine.

A check that looks across tables reports only what it alone can see: a span
that points at a missing clause fails the foreign key, not the offset check
(its join finds no clause to compare with), and a shared passage whose offsets
run past its clause fails the offset check, not the text check.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline import chinese, config, tables
from pipeline.errors import TableValidationError
from pipeline.store import formulas as fx
from pipeline.store.formulas import Columns, Formula
from pipeline.tables import SCHEMAS

ROW = "row"  # the position of a row in the table it came from, added before checking
MAX_ROWS = 10  # offending rows kept per violation
MESSAGE_ROWS = 3  # offending rows shown per violation in an error message

# Policy text mentions real years long before 1949 (1911, 1840, signatures of
# 1948): a date is only implausible outside the four-digit years; a document
# is dated after 1900 (no government document in this format is older).
EARLIEST_DATE = datetime.date(1000, 1, 1)
EARLIEST_DOCUMENT_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)

# The value sets of the data contract (../shared/SPEC.md and README.md), declared
# here rather than imported from the extractors, so an extractor that starts
# emitting a new value fails loudly instead of widening the contract silently.
# The clause kinds are a fact of the documents (pipeline.chinese), which the
# segmenter writes as literals: a kind it starts writing fails here too.
COMPARATORS = (">=", ">", "<=", "<", "~", "range", "=")
TARGET_KINDS = ("target", "baseline", "parameter")
DATE_KINDS = ("date", "month", "month_end", "year", "year_end", "period", "duration", "datetime")
DATE_ROLES = ("deadline", "baseline", "issued", "published", "effective", "expires", "reference")
DURATION_UNITS = ("年", "月", "周", "日", "工作日", "小时", "分钟")
PARTY_KINDS, PARTY_ROLES = tables.PARTY_KINDS, tables.PARTY_ROLES
CLAUSE_KINDS = chinese.CLAUSE_KINDS


def _indicator_ids() -> list[str]:
    from pipeline.extract.indicators import load_indicators

    return [indicator.indicator_id for indicator in load_indicators()]
SCRIPTS = ("simplified", "traditional")
VARIANTS = ("mainland", "taiwan")
ADMIN_LEVELS = ("national", "provincial", "prefecture", "county")
# Levels fixed by the marker in a document's plain body (ids that are dotted
# numbers only: 3, 3.5, 2.1.4); inside a part, an attachment, a heading-only
# section, an article or a box (prefixed ids: p2.1, att1.2, h1.3, a17.2) the
# same kinds sit below their parent.  Every other kind is at level 1 when it
# has no parent, else exactly one below it.
KIND_LEVELS = {"section": 1, "clause": 2, "item": 3, "subitem": 4}
_PLAIN_PATH = r"^[0-9]+(?:~[0-9]+)?(?:\.[0-9]+(?:~[0-9]+)?)*$"
# Tables whose rows point into one clause of one document.
SPAN_TABLES = ("targets", "dates", "parties", "terms", "themes")
# Columns that name a row in messages.
ID_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "clauses": ("doc_id", "clause_id"),
    "targets": ("doc_id", "clause_id"),
    "dates": ("doc_id", "clause_id"),
    "parties": ("doc_id", "clause_id"),
    "terms": ("doc_id", "clause_id", "term"),
    "themes": ("doc_id", "clause_id", "theme"),
    "theme_shares": ("doc_id", "theme"),
    "alignments": ("doc_a", "clause_a", "doc_b", "clause_b"),
}


def genre_names() -> tuple[str, ...]:
    """The genres of ``resources/genres.csv``, the data table the metadata reads them from."""
    import csv

    with (config.RESOURCES_DIR / "genres.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(row["genre"] for row in csv.DictReader(handle))


def theme_ids() -> tuple[str, ...]:
    """The theme ids of the shipped taxonomy."""
    from pipeline.themes import load_taxonomy

    return tuple(theme.theme for theme in load_taxonomy().themes)


class Tables:
    """The tables of one validation run by name; their columns read a ROW column too (each row's position).

    Key lookups are kept once computed: the foreign key of spans to clauses
    and the checks that read a span's clause share one.

    ``part`` names a column every table has when the tables hold the rows of
    many documents' parts at once (:func:`check_documents`): the part each row
    came from. Every key, join and group of the checks then starts with it
    (:meth:`key`, :meth:`by_document`), so no row is matched with, counted with
    or repeated by another part's rows, whatever its doc_id says.
    """

    def __init__(self, tables: Mapping[str, pa.Table], part: str | None = None) -> None:
        self.tables = dict(tables)
        self.part = part
        self._columns: dict[str, Columns] = {}
        self._lookups: dict[tuple, np.ndarray] = {}

    def columns(self, table: str) -> Columns:
        """The columns of ``table`` as single arrays, for formulas and key codes."""
        if table not in self._columns:
            self._columns[table] = Columns(self[table], positions=ROW)
        return self._columns[table]

    def key(self, table: str, columns: Sequence[str]) -> list[pa.Array]:
        """The arrays of a key of ``table``: ``columns``, after the part column when there is one."""
        values = self.columns(table)
        return [values[name] for name in ((self.part, *columns) if self.part else columns)]

    def by_document(self, table: str) -> tuple[np.ndarray, dict[str, pa.Array]]:
        """The rows of ``table`` grouped by doc_id (and part), groups in order of first appearance.

        Returns:
            Each row's group, and the columns naming each group (``doc_id``, and the part column when there is one).
        """
        columns = self.columns(table)
        keys = self.key(table, ["doc_id"])
        group, first = fx.groups(keys[0] if len(keys) == 1 else pa.array(fx.key_codes(keys, nulls_match=True)))
        first = pa.array(first)
        return group, {name: columns[name].take(first) for name in ([self.part] if self.part else []) + ["doc_id"]}

    def parent_rows(self, table: str, keys: Sequence[str], parent: str, parent_keys: Sequence[str]) -> np.ndarray:
        """For each row of ``table``, the first row of ``parent`` with the same key, or -1.

        A key with a null part matches nothing, as in a join; a key the parent
        repeats (left to its unique check) brings its first row.
        """
        cache_key = (table, tuple(keys), parent, tuple(parent_keys))
        if cache_key not in self._lookups:
            codes, parent_codes = fx.shared_key_codes(self.key(table, keys), self.key(parent, parent_keys))
            self._lookups[cache_key] = fx.first_match(codes, parent_codes)
        return self._lookups[cache_key]

    def __getitem__(self, name: str) -> pa.Table:
        return self.tables[name]

    def __contains__(self, name: object) -> bool:
        return name in self.tables


# A check's finder gets the tables and returns the offending rows: a table with
# a ROW column (positions in ``Check.table``) and optionally extra columns worth
# showing (the n_chars compared with), or, for a check over groups, the
# offending groups themselves without a ROW column.
Finder = Callable[[Tables], pa.Table]


@dataclass(frozen=True)
class Check:
    """One declared rule: the table it reports on, its name, what it says, and how to find offenders."""

    table: str
    name: str
    description: str
    find: Finder = field(repr=False, compare=False)
    needs: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()  # columns worth showing, besides the table's ID_COLUMNS
    # "error": rows that break it are wrong (the document is left out);
    # "warning": a fact of the source worth telling (kept, with a warning).
    severity: str = "error"
    # The row predicate of a check that is one (holds, in_set, between), a function giving it.
    predicate: Callable[[], Formula] | None = field(default=None, repr=False, compare=False)
    # What the rule says, as data, for the codebook (pipeline/codebook.py): ``unique``
    # (key columns), ``foreign_key`` (columns, parent, parent columns), ``enum`` (column,
    # allowed values or a function giving them), ``range`` (column, low, high, open sides).
    constraint: Mapping[str, object] = field(default_factory=dict, repr=False, compare=False)

    def tables_needed(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.table, *self.needs)))


@dataclass(frozen=True)
class Violation:
    """A failed check: how many rows break it and the first few of them."""

    table: str
    check: str
    description: str
    count: int
    rows: pd.DataFrame = field(repr=False, compare=False)
    columns: tuple[str, ...] = ()

    def render(self, max_rows: int = MESSAGE_ROWS) -> str:
        """``targets: in_set(comparator): 1 row (comparator is one of …)`` and the first rows, one per line."""
        noun = "row" if self.count == 1 else "rows"
        lines = [f"  {self.table}: {self.check}: {self.count} {noun} ({self.description})"]
        shown = [c for c in self.columns if c in self.rows.columns] or list(self.rows.columns)
        for record in self.rows.head(max_rows).to_dict("records"):
            where = f"row {record[ROW]}: " if ROW in record else ""
            lines.append("      " + where + ", ".join(f"{c}={_short(record[c])}" for c in shown if c != ROW))
        if self.count > max_rows:
            lines.append(f"      ... and {self.count - max_rows} more")
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Declarative helpers


def unique(table: str, keys: Sequence[str]) -> Check:
    """No two rows of ``table`` share ``keys``; every row of a repeated key is reported."""
    keys = list(keys)

    def find(tables: Tables) -> pa.Table:
        # As in a group-by, nulls are put together: two rows with a null key part are a repeat too.
        codes = fx.key_codes(tables.key(table, keys), nulls_match=True)
        return _rows(fx.repeated(codes))

    return Check(table, f"unique({', '.join(keys)})", f"one row per ({', '.join(keys)})", find, columns=tuple(keys),
                 constraint={"unique": tuple(keys)})


def foreign_key(table: str, columns: Sequence[str], parent: str, parent_columns: Sequence[str],
                nullable: bool = False) -> Check:
    """Every row's ``columns`` exist as ``parent_columns`` in ``parent`` (null skipped when ``nullable``)."""
    columns, parent_columns = list(columns), list(parent_columns)

    def find(tables: Tables) -> pa.Table:
        # A null key part matches nothing: such a row is missing unless ``nullable``.
        missing = tables.parent_rows(table, columns, parent, parent_columns) < 0
        if nullable:
            values = tables.columns(table)
            for column in columns:
                missing &= fx.booleans(values[column].is_valid())
        return _rows(np.flatnonzero(missing))

    target = f"{parent}({', '.join(parent_columns)})"
    description = f"({', '.join(columns)}) exists in {target}" + (" or is null" if nullable else "")
    return Check(table, f"foreign_key({', '.join(columns)} -> {target})", description, find,
                 needs=(parent,), columns=tuple(columns),
                 constraint={"foreign_key": (tuple(columns), parent, tuple(parent_columns), nullable)})


def holds(table: str, name: str, description: str, predicate: Formula, columns: Sequence[str]) -> Check:
    """Every row of ``table`` makes ``predicate`` true (false or null is a violation)."""

    def find(tables: Tables) -> pa.Table:
        return _rows(fx.failing(tables.columns(table), predicate))

    return Check(table, name, description, find, columns=tuple(columns), predicate=lambda: predicate)


def in_set(table: str, column: str, allowed: Collection[str] | Callable[[], Collection[str]],
           nullable: bool = False) -> Check:
    """Every value of ``column`` is one of ``allowed`` (a collection, or a function giving one)."""

    @functools.cache  # a function giving the values reads them once, when the check first runs
    def predicate() -> Formula:
        values = list(allowed() if callable(allowed) else allowed)
        return fx.field(column).isin(values + [None] if nullable else values)  # a null is in the set when it is allowed

    def find(tables: Tables) -> pa.Table:
        return _rows(fx.failing(tables.columns(table), predicate()))

    shown = "the taxonomy" if callable(allowed) else "{" + ", ".join(allowed) + "}"
    return Check(table, f"in_set({column})", f"{column} is one of {shown}", find, columns=(column,),
                 constraint={"enum": (column, allowed)}, predicate=predicate)


def between(table: str, column: str, low: object, high: object = None, *,
            low_open: bool = False, high_open: bool = False, nullable: bool = False) -> Check:
    """``low <= column <= high`` on every row (``<`` on an open side; no ``high``, no upper bound)."""
    value = fx.field(column)
    predicate = (value > low) if low_open else (value >= low)
    if high is not None:
        predicate = predicate & ((value < high) if high_open else (value <= high))
    if nullable:
        predicate = value.is_null() | predicate
    if high is None:
        description = f"{column} {'>' if low_open else '>='} {low}"
    else:
        description = f"{column} in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    description += " or null" if nullable else ""
    check = holds(table, f"between({column})", description, predicate, (column,))
    return replace(check, constraint={"range": (column, low, high, low_open, high_open)})


def holds_joined(table: str, name: str, description: str, keys: Sequence[str], parent: str,
                 parent_keys: Sequence[str], parent_columns: Mapping[str, str], predicate: Formula,
                 columns: Sequence[str]) -> Check:
    """``predicate`` holds on every row of ``table`` joined to its row in ``parent``.

    Args:
        keys, parent_keys: the join; rows without a parent row are left to the foreign key check.
        parent_columns: parent columns brought over, ``{alias: column}``; the predicate uses the aliases.
        columns: the columns of ``table`` the predicate reads.
    """
    keys, parent_keys = list(keys), list(parent_keys)

    def find(tables: Tables) -> pa.Table:
        joined = _joined(tables, table, keys, parent, parent_keys, parent_columns, columns)
        return _failing(joined, predicate).select([ROW, *parent_columns])

    return Check(table, name, description, find, needs=(parent,), columns=(*columns, *parent_columns))


def _rows(positions: np.ndarray) -> pa.Table:
    """Offending rows given by their positions in the checked table."""
    return pa.table({ROW: pa.array(positions, pa.int64())}) if len(positions) else _NO_ROWS


_NO_ROWS = pa.table({ROW: pa.array([], pa.int64())})


def _failing(table: pa.Table, predicate: Formula) -> pa.Table:
    """The rows of ``table`` where ``predicate`` is false or null."""
    positions = fx.failing(Columns(table), predicate)
    return table.take(pa.array(positions, pa.int64())) if len(positions) else table.slice(0, 0)


def _joined(tables: Tables, table: str, keys: Sequence[str], parent: str, parent_keys: Sequence[str],
            parent_columns: Mapping[str, str | Formula], columns: Sequence[str]) -> pa.Table:
    """The rows of ``table`` that have a parent row, with the parent's columns under their aliases.

    A parent column may be a formula over the parent's columns, computed once
    per parent row rather than once per row of ``table``. A key the parent
    repeats (left to its unique check) brings its first row.
    """
    found = tables.parent_rows(table, keys, parent, parent_keys)
    mine, theirs = tables.columns(table), tables.columns(parent)
    names = dict.fromkeys([*columns, ROW])
    if (found >= 0).all():  # the usual case: every row has its parent, the rows are taken as they are
        joined = {name: mine[name] for name in names}
    else:
        rows = pa.array(np.flatnonzero(found >= 0), pa.int64())
        joined = {name: mine[name].take(rows) for name in names}
        found = found[found >= 0]
    parents = pa.array(found, pa.int64())
    for alias, column in parent_columns.items():
        value = theirs[column] if isinstance(column, str) else column.evaluate(theirs, theirs.memo)
        joined[alias] = value.take(parents)
    return pa.table(joined)


# ---------------------------------------------------------------------------
# Checks that need an aggregate or a string slice


def _seq_in_order(tables: Tables) -> pa.Table:
    """Documents whose clause ``seq`` values are not 0..n-1 (repeats are left to the unique check)."""
    group, named = tables.by_document("clauses")
    n_groups = len(named["doc_id"])
    seq = tables.columns("clauses")["seq"]
    counted = np.flatnonzero(fx.booleans(seq.is_valid()))  # a null seq is not counted
    values = fx.numbers(seq)[counted].astype(np.int64)
    mine = group[counted]
    _, distinct = np.unique(fx.key_codes(tables.key("clauses", ["doc_id", "seq"]), nulls_match=True)[counted],
                            return_index=True)
    seq_count = np.bincount(mine[distinct], minlength=n_groups)
    low = np.full(n_groups, np.iinfo(np.int64).max)
    high = np.full(n_groups, np.iinfo(np.int64).min)
    np.minimum.at(low, mine, values)
    np.maximum.at(high, mine, values)
    none = np.bincount(mine, minlength=n_groups) == 0  # no seq: no min and no max
    low, high = np.where(none, 0, low), np.where(none, 0, high)
    groups = pa.table({**named, "seq_count_distinct": pa.array(seq_count, pa.int64()),
                       "seq_min": pa.array(low, seq.type, mask=none), "seq_max": pa.array(high, seq.type, mask=none)})
    return _failing(groups, _SEQ_RUNS_FROM_0)


# Formulas of the checks over groups, built once (a scalar per literal), not per document.
_SEQ_RUNS_FROM_0 = (fx.field("seq_min") == 0) & (fx.field("seq_max") == fx.field("seq_count_distinct") - 1)
_CLAUSES_COUNTED = fx.field("n_clauses") == fx.field("clause_rows")
_EFFECTIVE_DATE = (fx.field("role") == "effective") & fx.field("start_date").is_valid()
_SHARES_AT_MOST_1 = fx.field("share_sum") <= fx.field("share_count").cast(pa.float64()) * 5e-7 + (1 + 1e-6)


def _n_clauses_counted(tables: Tables) -> pa.Table:
    """Documents whose ``n_clauses`` differs from their rows in ``clauses``."""
    documents = tables.columns("documents")
    codes, clause_codes = fx.shared_key_codes(tables.key("documents", ["doc_id"]), tables.key("clauses", ["doc_id"]))
    counts = np.bincount(clause_codes[clause_codes != fx.NO_KEY], minlength=int(codes.max(initial=0)) + 1)
    clause_rows = np.where(codes != fx.NO_KEY, counts[np.maximum(codes, 0)], 0)  # a null doc_id has no clauses
    joined = pa.table({ROW: documents[ROW], "n_clauses": documents["n_clauses"],
                       "clause_rows": pa.array(clause_rows, pa.int64())})
    return _failing(joined, _CLAUSES_COUNTED).select([ROW, "clause_rows"])


def _effective_date_in_dates(tables: Tables) -> pa.Table:
    """Documents whose ``effective_date`` is none of the days their ``effective`` dates rows name.

    Metadata reads the date from the document's own 施行 article (or its promulgation date
    for 自公布之日起); the dates table reads the same words, so the two must agree when both exist.
    """
    documents, dates = tables.columns("documents"), tables.columns("dates")
    effective = fx.holding(dates, _EFFECTIVE_DATE)
    codes, date_codes = fx.shared_key_codes(tables.key("documents", ["doc_id"]), tables.key("dates", ["doc_id"]))
    days, date_days = fx.shared_key_codes(tables.key("documents", ["doc_id", "effective_date"]),
                                          tables.key("dates", ["doc_id", "start_date"]))
    date_codes, date_days = date_codes[effective], date_days[effective]
    has_dates = (codes != fx.NO_KEY) & np.isin(codes, date_codes) & fx.booleans(documents["effective_date"].is_valid())
    agrees = (days != fx.NO_KEY) & np.isin(days, date_days)
    rows = np.flatnonzero(has_dates & ~agrees)
    starts = fx.numbers(dates["start_date"].cast(pa.int32()))[effective]
    earliest = [int(starts[date_codes == codes[row]].min()) for row in rows]  # shown in the message
    return pa.table({ROW: pa.array(rows, pa.int64()), "effective_date": documents["effective_date"].take(pa.array(rows)),
                     "effective_in_dates": pa.array(earliest, pa.int32()).cast(pa.date32())})


def _shares_sum(tables: Tables) -> pa.Table:
    """Documents whose theme shares add up to more than 1.

    Each share is rounded to 6 decimals, so the sum may pass 1 by half a
    millionth per theme; the tolerance allows that and nothing more.
    """
    shares = tables.columns("theme_shares")
    group, named = tables.by_document("theme_shares")
    counted = np.flatnonzero(fx.booleans(shares["share"].is_valid()))  # a null share is not added
    values = fx.numbers(shares["share"], 0.0)[counted]
    count = np.bincount(group[counted], minlength=len(named["doc_id"]))
    total = np.bincount(group[counted], weights=values, minlength=len(named["doc_id"]))  # added in row order
    groups = pa.table({**named, "share_count": pa.array(count, pa.int64()),
                       "share_sum": pa.array(total, pa.float64(), mask=count == 0)})
    return _failing(groups, _SHARES_AT_MOST_1)


def _with_clause_chars(tables: Tables, side: str) -> pa.Table:
    """Alignment rows of one side with the length of that side's clause text (counted once per clause) and its row."""
    return _joined(tables, "alignments", [f"doc_{side}", f"clause_{side}"], "clauses", ["doc_id", "clause_id"],
                   {"clause_chars": fx.field("text").utf8_length(), "clause_row": ROW},
                   [f"shared_start_{side}", f"shared_end_{side}", "shared_text"])


def _shared_span_bounds(side: str) -> Formula:
    start, end = fx.field(f"shared_start_{side}"), fx.field(f"shared_end_{side}")
    return (start >= 0) & (start <= end) & (end <= fx.field("clause_chars"))


def _shared_span_inside(side: str) -> Finder:
    def find(tables: Tables) -> pa.Table:
        return _failing(_with_clause_chars(tables, side), _shared_span_bounds(side)).select([ROW, "clause_chars"])

    return find


_SLICE_ROWS = 16_384


def _shared_text_matches(side: str) -> Finder:
    def find(tables: Tables) -> pa.Table:
        joined = _with_clause_chars(tables, side)
        joined = joined.filter(pa.array(fx.holding(Columns(joined), _shared_span_bounds(side))))
        clause_texts = tables.columns("clauses")["text"]
        wrong, shown = [], []
        # A slice at a time: the texts as Python strings would otherwise be
        # held for every alignment row at once.
        for offset in range(0, joined.num_rows, _SLICE_ROWS):
            part = joined.slice(offset, _SLICE_ROWS)
            # Each clause's text once per slice: a clause is aligned with many others.
            needed, which = np.unique(part["clause_row"].to_numpy(), return_inverse=True)
            texts = clause_texts.take(pa.array(needed)).to_pylist()
            starts = part[f"shared_start_{side}"].to_pylist()
            ends = part[f"shared_end_{side}"].to_pylist()
            for k, (i, s, e, shared) in enumerate(zip(which.tolist(), starts, ends, part["shared_text"].to_pylist())):
                text = texts[i]
                if text[s:e] != shared:
                    wrong.append(offset + k)
                    shown.append(text[s:e])
        found = joined.take(pa.array(wrong, type=pa.int64()))
        return found.select([ROW]).append_column(
            f"clause_text[shared_start_{side}:shared_end_{side}]", pa.array(shown, type=pa.string()))

    return find


# ---------------------------------------------------------------------------
# The declared checks


def _declare() -> tuple[Check, ...]:
    start, end = fx.field("start"), fx.field("end")
    checks = [
        # Keys.
        unique("documents", ["doc_id"]),
        unique("clauses", ["doc_id", "clause_id"]),
        unique("clauses", ["doc_id", "seq"]),
        unique("terms", ["doc_id", "clause_id", "term"]),
        unique("themes", ["doc_id", "clause_id", "theme"]),
        unique("theme_shares", ["doc_id", "theme"]),
        unique("alignments", ["doc_a", "clause_a", "doc_b", "clause_b"]),
    ]
    # References.
    for table in ("clauses", *SPAN_TABLES, "theme_shares"):
        checks.append(foreign_key(table, ["doc_id"], "documents", ["doc_id"]))
    for table in SPAN_TABLES:
        checks.append(foreign_key(table, ["doc_id", "clause_id"], "clauses", ["doc_id", "clause_id"]))
    checks += [
        foreign_key("clauses", ["doc_id", "parent_id"], "clauses", ["doc_id", "clause_id"], nullable=True),
        foreign_key("alignments", ["doc_a", "clause_a"], "clauses", ["doc_id", "clause_id"]),
        foreign_key("alignments", ["doc_b", "clause_b"], "clauses", ["doc_id", "clause_id"]),
    ]
    # Offsets.
    for table in ("clauses", *SPAN_TABLES):
        checks.append(holds_joined(
            table, "offsets_in_document", "0 <= start <= end <= the document's n_chars",
            ["doc_id"], "documents", ["doc_id"], {"n_chars": "n_chars"},
            (start >= 0) & (start <= end) & (end <= fx.field("n_chars")), ("start", "end")))
    for table in SPAN_TABLES:
        checks.append(holds_joined(
            table, "span_in_clause", "the span lies inside its clause's [start, end)",
            ["doc_id", "clause_id"], "clauses", ["doc_id", "clause_id"],
            {"clause_start": "start", "clause_end": "end"},
            (start >= fx.field("clause_start")) & (end <= fx.field("clause_end")), ("start", "end")))
    for table, column in (("targets", "text"), ("dates", "text"), ("parties", "text"), ("terms", "term")):
        checks.append(holds(
            table, "text_length_matches_span", f"{column} is as long as its span: end - start characters",
            fx.field(column).utf8_length() == end - start, (column, "start", "end")))
    for side in ("a", "b"):
        checks += [
            Check("alignments", f"shared_span_in_clause_{side}",
                  f"0 <= shared_start_{side} <= shared_end_{side} <= length of clause_{side}'s text",
                  _shared_span_inside(side), needs=("clauses",),
                  columns=(f"shared_start_{side}", f"shared_end_{side}", "clause_chars")),
            Check("alignments", f"shared_text_matches_{side}",
                  f"shared_text == clause_{side}'s text[shared_start_{side}:shared_end_{side}]",
                  _shared_text_matches(side), needs=("clauses",),
                  columns=("shared_text", f"clause_text[shared_start_{side}:shared_end_{side}]")),
        ]
    checks += [
        Check("clauses", "seq_in_reading_order", "seq runs 0..n-1 in each document", _seq_in_order,
              columns=("doc_id", "seq_count_distinct", "seq_min", "seq_max")),
        Check("documents", "n_clauses_counted", "n_clauses equals the document's rows in clauses",
              _n_clauses_counted, needs=("clauses",), columns=("n_clauses", "clause_rows")),
    ]
    # Clause tree.
    marker_kind = fx.field("kind").isin(list(KIND_LEVELS))
    fixed_level = None
    for kind, level in KIND_LEVELS.items():
        at_level = (fx.field("kind") == kind) & (fx.field("level") == level)
        fixed_level = at_level if fixed_level is None else fixed_level | at_level
    plain_path = fx.field("clause_id").matches(_PLAIN_PATH)
    has_parent = fx.field("parent_id").is_valid()
    other_kind = ~marker_kind & (fx.field("kind") != "preamble")
    parent_level = fx.field("parent_level").cast(pa.int16()) + 1
    unknown_kind = ~fx.field("kind").isin(CLAUSE_KINDS)  # left to in_set(kind)
    checks += [
        in_set("clauses", "kind", CLAUSE_KINDS),
        holds("clauses", "level_matches_kind",
              "level is 0 preamble; 1 section, 2 clause, 3 item, 4 subitem in the plain body; "
              "other kinds at 1 when top-level",
              ((fx.field("kind") == "preamble") & (fx.field("level") == 0) & ~has_parent)
              | (marker_kind & plain_path & fixed_level)
              | (marker_kind & ~plain_path & has_parent & (fx.field("level") >= 1))
              | (marker_kind & ~plain_path & ~has_parent & (fx.field("level") == 1))
              | (other_kind & ~has_parent & (fx.field("level") == 1))
              | (other_kind & has_parent)
              | unknown_kind, ("kind", "level", "parent_id")),
        holds_joined("clauses", "level_below_parent",
                     "a clause sits below its parent; every kind but the marker kinds exactly one level below",
                     ["doc_id", "parent_id"], "clauses", ["doc_id", "clause_id"], {"parent_level": "level"},
                     fx.if_else(fx.field("kind").isin(list(KIND_LEVELS)),
                                fx.field("level") > fx.field("parent_level"),
                                fx.field("level").cast(pa.int16()) == parent_level),
                     ("kind", "level", "parent_id")),
        holds_joined("clauses", "span_in_parent", "a clause's [start, end) lies inside its parent's",
                     ["doc_id", "parent_id"], "clauses", ["doc_id", "clause_id"],
                     {"parent_start": "start", "parent_end": "end"},
                     (start >= fx.field("parent_start")) & (end <= fx.field("parent_end")),
                     ("parent_id", "start", "end")),
    ]
    # Documents.
    checks += [
        in_set("documents", "script", SCRIPTS),
        in_set("documents", "variant", VARIANTS),
        between("documents", "issue_date", EARLIEST_DOCUMENT_DATE, LATEST_DATE, nullable=True),
        between("documents", "publish_date", EARLIEST_DOCUMENT_DATE, LATEST_DATE, nullable=True),
        # A site that prints a publication date before the signing date is
        # wrong, but that is what the document says: kept, with a warning.
        replace(holds("documents", "issued_before_published", "issue_date <= publish_date when both are given",
                      fx.field("issue_date").is_null() | fx.field("publish_date").is_null()
                      | (fx.field("issue_date") <= fx.field("publish_date")),
                      ("issue_date", "publish_date")), severity="warning"),
        between("documents", "effective_date", EARLIEST_DOCUMENT_DATE, LATEST_DATE, nullable=True),
        Check("documents", "effective_date_in_dates",
              "effective_date is the day of one of the document's effective dates rows, when it has any",
              _effective_date_in_dates, needs=("dates",), columns=("effective_date", "effective_in_dates")),
        in_set("documents", "admin_level", ADMIN_LEVELS, nullable=True),
        in_set("documents", "genre", genre_names, nullable=True),
        holds("documents", "city_in_a_province", "a document with a city has its province",
              fx.field("city").is_null() | fx.field("province").is_valid(), ("province", "city")),
        holds("documents", "national_has_no_place", "a national document names no province or city",
              (fx.field("admin_level") != "national") | fx.field("admin_level").is_null()
              | (fx.field("province").is_null() & fx.field("city").is_null()),
              ("admin_level", "province", "city")),
        holds("documents", "place_has_a_level", "a document with a province or city has an admin_level",
              (fx.field("province").is_null() & fx.field("city").is_null()) | fx.field("admin_level").is_valid(),
              ("admin_level", "province", "city")),
    ]
    # Targets.
    value, value_max = fx.field("value"), fx.field("value_max")
    checks += [
        in_set("targets", "comparator", COMPARATORS),
        in_set("targets", "kind", TARGET_KINDS),
        between("targets", "deadline_year", EARLIEST_DATE.year, LATEST_DATE.year, nullable=True),
        holds("targets", "value_max_at_least_value", "value_max >= value when present",
              value_max.is_null() | (value_max >= value), ("value", "value_max")),
        holds("targets", "value_max_only_for_range", "value_max is given exactly when comparator is range",
              (fx.field("comparator") == "range") == value_max.is_valid(), ("comparator", "value", "value_max")),
        in_set("targets", "indicator_id", _indicator_ids, nullable=True),
        holds("targets", "indicator_en_with_id", "indicator_en is given exactly when indicator_id is",
              fx.field("indicator_id").is_valid() == fx.field("indicator_en").is_valid(),
              ("indicator_id", "indicator_en")),
    ]
    # Dates.
    duration_min, duration_max = fx.field("duration_min_years"), fx.field("duration_max_years")
    checks += [
        in_set("dates", "kind", DATE_KINDS),
        in_set("dates", "role", DATE_ROLES),
        between("dates", "start_date", EARLIEST_DATE, LATEST_DATE, nullable=True),
        between("dates", "end_date", EARLIEST_DATE, LATEST_DATE, nullable=True),
        holds("dates", "start_before_end", "start_date <= end_date when both are given",
              fx.field("start_date").is_null() | fx.field("end_date").is_null()
              | (fx.field("start_date") <= fx.field("end_date")),
              ("start_date", "end_date")),
        holds("dates", "duration_min_before_max", "duration_min_years <= duration_max_years when both are given",
              duration_min.is_null() | duration_max.is_null() | (duration_min <= duration_max),
              ("duration_min_years", "duration_max_years")),
        in_set("dates", "duration_unit", DURATION_UNITS, nullable=True),
        between("dates", "duration_value", 0, low_open=True, nullable=True),
        holds("dates", "duration_has_value_and_unit", "a duration has duration_value and duration_unit, other kinds neither",
              (fx.field("kind") == "duration") == (fx.field("duration_value").is_valid()
                                                   & fx.field("duration_unit").is_valid()),
              ("kind", "duration_value", "duration_unit")),
    ]
    # Parties.
    checks += [
        in_set("parties", "kind", PARTY_KINDS),
        in_set("parties", "role", PARTY_ROLES),
    ]
    # Terms and themes.
    checks += [
        between("terms", "count", 1),
        between("terms", "tfidf", 0.0, 1.0, low_open=True),
        in_set("themes", "theme", theme_ids),
        between("themes", "score", 0.0, 1.0, low_open=True),
        in_set("theme_shares", "theme", theme_ids),
        between("theme_shares", "share", 0.0, 1.0),
        Check("theme_shares", "shares_sum_at_most_1", "a document's theme shares sum to at most 1",
              _shares_sum, columns=("doc_id", "share_count", "share_sum")),
    ]
    # Alignments.
    checks += [
        between("alignments", "score", 0.0, 1.0),
        holds("alignments", "different_documents", "doc_a sorts before doc_b",
              fx.field("doc_a") < fx.field("doc_b"), ()),
        holds("alignments", "shared_chars_counted", "shared_chars is the length of shared_text",
              fx.field("shared_chars") == fx.field("shared_text").utf8_length(), ("shared_chars", "shared_text")),
    ]
    return tuple(checks)


CHECKS: tuple[Check, ...] = _declare()


def _corpus_level(check: Check) -> bool:
    """Whether a check looks across documents: alignments, and term weights (which need every document)."""
    return "alignments" in check.tables_needed() or (check.table == "terms" and "tfidf" in check.name) \
        or check.name == "unique(doc_id)"


# Checks on one document's rows, run on each part a run wrote before it is
# reused or assembled (many documents at once: check_documents): a document
# that breaks one is left out and named, the others are written. Only the
# corpus-level checks run on the assembled tables.
DOCUMENT_CHECKS: tuple[Check, ...] = tuple(c for c in CHECKS if not _corpus_level(c))
CORPUS_CHECKS: tuple[Check, ...] = tuple(c for c in CHECKS if _corpus_level(c))


def check_document(tables: Mapping[str, pa.Table | pd.DataFrame]) -> tuple[str | None, list[str]]:
    """One document's tables against :data:`DOCUMENT_CHECKS`: why it must be left out (None when it passes), and warnings.

    The reason is one line: the first failed check, its first row and how many rows break it.
    """
    violations = validate_tables(tables, DOCUMENT_CHECKS, max_rows=1)
    errors = [v for v in violations if _severity(v) == "error"]
    warnings = [f"{v.check}: {v.description} ({_first_row(v)})" for v in violations if _severity(v) == "warning"]
    if not errors:
        return None, warnings
    first = errors[0]
    noun = "row" if first.count == 1 else "rows"
    reason = f"{first.table}: {first.check}: {first.count} {noun}, first {_first_row(first)} ({first.description})"
    if len(errors) > 1:
        reason += f"; and {len(errors) - 1} more failed checks: " + ", ".join(f"{v.table}: {v.check}" for v in errors[1:])
    return reason, warnings


PART = "part"  # the column that says which document's part a row came from, when many are checked at once


def check_documents(documents: Sequence[Mapping[str, pa.Table | pd.DataFrame]]) -> list[tuple[str | None, list[str]]]:
    """:func:`check_document` of each of ``documents`` (each one's tables by name), the checks run once over them all.

    A check's cost on one document was mostly its fixed cost per call, not
    its rows: the rows of every document are put together instead, each
    marked with its place in ``documents`` (:data:`PART`), and every key, join
    and group of the checks starts with that mark (:class:`Tables`), so no
    row meets another document's rows. The rows a check finds name their
    documents; only those documents are checked again alone, by
    :func:`check_document`, which gives their reason and warnings exactly as
    one document's check always did. The others pass with no warning.

    A document whose tables have other names than the first's is checked
    alone. Raises what a check raises (a cast one document's values break,
    or tables of other schemas that cannot be put together): the caller may
    then check each document alone (:func:`pipeline.corpus.check_parts` does).
    """
    arrow = [{name: _as_arrow(name, table) for name, table in tables.items()} for tables in documents]
    together = [index for index, tables in enumerate(arrow) if tables.keys() == arrow[0].keys()]
    found = _documents_found(arrow, together, list(arrow[0]) if arrow else [])
    found |= set(range(len(arrow))) - set(together)
    return [check_document(documents[index]) if index in found else (None, []) for index in range(len(documents))]


def _documents_found(arrow: Sequence[Mapping[str, pa.Table]], together: Sequence[int],
                     names: Sequence[str]) -> set[int]:
    """The places, among ``together``, of the documents whose rows a document check (error or warning) finds."""
    if not together:
        return set()
    tables = {}
    for name in names:
        parts = [arrow[index][name] for index in together]
        assert PART not in parts[0].column_names, f"{name} has a column named {PART}"
        marks = np.repeat(np.asarray(together, dtype=np.int64), [part.num_rows for part in parts])
        tables[name] = pa.concat_tables(parts).append_column(PART, pa.array(marks, pa.int64()))
    checked = Tables(tables, part=PART)
    found: set[int] = set()
    for check, rows in _findings(checked, DOCUMENT_CHECKS):
        if ROW in rows.column_names:
            marks = fx.numbers(checked.columns(check.table)[PART])[rows[ROW].to_numpy()]
        else:  # groups of rows, named by their part
            marks = rows[PART].to_numpy()
        found.update(np.unique(marks).tolist())
    return found


_SEVERITY = {(c.table, c.name): c.severity for c in CHECKS}


def errors_only(violations: Iterable[Violation]) -> list[Violation]:
    """The violations of checks whose severity is ``error`` (a ``warning`` check's rows are kept, with a warning)."""
    return [v for v in violations if _severity(v) == "error"]


def _severity(violation: Violation) -> str:
    return _SEVERITY.get((violation.table, violation.check), "error")


def _first_row(violation: Violation) -> str:
    if violation.rows.empty:
        return "no row shown"
    record = violation.rows.iloc[0].to_dict()
    shown = [c for c in violation.columns if c in record] or [c for c in record if c != ROW]
    where = f"row {record[ROW]}: " if ROW in record else ""
    return where + ", ".join(f"{c}={_short(record[c])}" for c in shown if c != ROW)


# ---------------------------------------------------------------------------
# Running them


def validate_tables(tables: Mapping[str, pa.Table | pd.DataFrame],
                    checks: Iterable[Check] = CHECKS, max_rows: int = MAX_ROWS) -> list[Violation]:
    """Run every check whose tables are all given; one :class:`Violation` per failed check.

    Args:
        tables: tables by name (``clauses``, ``targets``, ...), as pyarrow Tables
            or pandas DataFrames of the declared schemas. Checks that read a table
            not given here are skipped.
        max_rows: offending rows kept per violation, in table order.

    Returns:
        The violations, in the order the checks are declared; empty when all pass.
    """
    arrow = Tables({name: _as_arrow(name, table) for name, table in tables.items()})
    return [_violation(check, arrow[check.table], found, max_rows) for check, found in _findings(arrow, checks)]


def _findings(tables: Tables, checks: Iterable[Check]) -> Iterator[tuple[Check, pa.Table]]:
    """Each check whose tables are all given and that finds rows, with the rows (or groups of rows) it finds."""
    for check in checks:
        if not all(name in tables for name in check.tables_needed()):
            continue
        if not tables[check.table].num_rows:  # every check reports rows, or groups of rows, of its table
            continue
        found = check.find(tables)
        if found.num_rows:
            yield check, found


def check_tables(tables: Mapping[str, pa.Table | pd.DataFrame], path: Path | str = config.DEFAULT_DATA_DIR,
                 checks: Iterable[Check] = CHECKS) -> None:
    """Validate ``tables`` and fail on any violation.

    Args:
        path: the data folder the tables are for, named in the error.

    Raises:
        TableValidationError: a check failed; the message names every failed
            check with its count and first rows, ``violations`` holds them all.
    """
    violations = validate_tables(tables, checks)
    if violations:
        noun = "check" if len(violations) == 1 else "checks"
        detail = f"{len(violations)} {noun} failed:\n" + "\n".join(v.render() for v in violations) + "\n"
        raise TableValidationError(path, detail, violations)


def _as_arrow(name: str, table: pa.Table | pd.DataFrame) -> pa.Table:
    if isinstance(table, pa.Table):
        return table
    schema = SCHEMAS.get(name)
    if schema is not None and set(schema.names) <= set(table.columns):
        return pa.Table.from_pandas(table, schema=schema, preserve_index=False)
    return pa.Table.from_pandas(table, preserve_index=False)


def _violation(check: Check, table: pa.Table, found: pa.Table, max_rows: int) -> Violation:
    if ROW in found.column_names:
        found = found.sort_by(ROW)
        count = found.num_rows
        head = found.slice(0, max_rows)
        rows = table.take(head[ROW]).to_pandas()
        for column in head.column_names:
            rows[column] = head[column].to_pandas()
        rows = rows[[ROW, *(c for c in rows.columns if c != ROW)]]
    else:
        count = found.num_rows
        rows = found.slice(0, max_rows).to_pandas()
    shown = tuple(dict.fromkeys(
        [c for c in ID_COLUMNS.get(check.table, ()) if c in rows.columns] + list(check.columns)))
    return Violation(check.table, check.name, check.description, count, rows, shown)


def _short(value: object, width: int = 40) -> str:
    if isinstance(value, float) and np.isnan(value):
        return "null"
    if value is None or value is pd.NA or value is pd.NaT:
        return "null"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"

"""Declared table checks: the seeds' tables pass them all, and each corruption fails exactly its check."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pipeline.errors import PipelineError, TableValidationError
from pipeline.store import validation
from pipeline.store.validation import CHECKS, MAX_ROWS, check_tables, validate_tables
from pipeline.tables import SCHEMAS

Frames = dict[str, pd.DataFrame]


@pytest.fixture(scope="module")
def seed_arrow(seed_data_dir) -> dict[str, pa.Table]:
    """The nine tables of the five seeds (extracted once per session), read back with pyarrow."""
    return {name: pq.read_table(seed_data_dir / f"{name}.parquet") for name in SCHEMAS}


@pytest.fixture(scope="module")
def seed_frames(seed_arrow) -> Frames:
    return {name: table.to_pandas() for name, table in seed_arrow.items()}


@pytest.fixture
def frames(seed_frames) -> Frames:
    """A copy of the seed tables a test may corrupt."""
    return {name: frame.copy() for name, frame in seed_frames.items()}


def _render(violations) -> str:
    return "\n".join(v.render() for v in violations)


# ---------------------------------------------------------------------------
# The real tables


def test_seed_tables_are_not_empty(seed_arrow):
    # Checks over empty tables would pass for nothing.
    assert {name: table.num_rows > 0 for name, table in seed_arrow.items()} == {name: True for name in SCHEMAS}


def test_seed_tables_pass_every_check(seed_arrow):
    violations = validate_tables(seed_arrow)
    assert not violations, _render(violations)


def test_seed_frames_pass_every_check(seed_frames):
    violations = validate_tables(seed_frames)
    assert not violations, _render(violations)


def test_check_tables_passes_on_seeds(seed_arrow, tmp_path):
    assert check_tables(seed_arrow, tmp_path) is None


def test_check_names_are_unique():
    keys = [(check.table, check.name) for check in CHECKS]
    assert len(keys) == len(set(keys))


# ---------------------------------------------------------------------------
# Corruptions: each returns the column values of one row the failed check must report.


def _append(frames: Frames, table: str, position: int, **changes) -> int:
    """Append a copy of row ``position`` of ``table`` with ``changes``; its new position."""
    frame = frames[table]
    extra = frame.iloc[[position]].copy()
    for column, value in changes.items():
        extra[column] = value
    frames[table] = pd.concat([frame, extra], ignore_index=True)
    return len(frame)


def _set(frames: Frames, table: str, position: int, **changes) -> None:
    for column, value in changes.items():
        frames[table].at[position, column] = value


def _first(frame: pd.DataFrame, mask) -> int:
    positions = list(frame.index[mask])
    assert positions, "the seed tables have no row to corrupt here"
    return int(positions[0])


def _last_clause(frames: Frames, doc_id: str) -> int:
    clauses = frames["clauses"]
    mine = clauses[clauses["doc_id"] == doc_id]
    return int(mine["seq"].idxmax())


def _bump_n_clauses(frames: Frames, doc_id: str) -> None:
    documents = frames["documents"]
    position = _first(documents, documents["doc_id"] == doc_id)
    _set(frames, "documents", position, n_clauses=int(documents.at[position, "n_clauses"]) + 1)


def _leaf(frames: Frames, mask) -> int:
    """A clause selected by ``mask`` that has no children."""
    clauses = frames["clauses"]
    parents = set(zip(clauses["doc_id"], clauses["parent_id"]))
    leaves = [(d, c) not in parents for d, c in zip(clauses["doc_id"], clauses["clause_id"])]
    return _first(clauses, mask & pd.Series(leaves, index=clauses.index))


def _n_chars(frames: Frames, doc_id: str) -> int:
    documents = frames["documents"]
    return int(documents.loc[documents["doc_id"] == doc_id, "n_chars"].iloc[0])


def _clause_text(frames: Frames, doc_id: str, clause_id: str) -> str:
    clauses = frames["clauses"]
    return clauses.loc[(clauses["doc_id"] == doc_id) & (clauses["clause_id"] == clause_id), "text"].iloc[0]


def duplicate_row(table: str) -> Callable[[Frames], dict]:
    def corrupt(frames: Frames) -> dict:
        return {"row": _append(frames, table, 0)}
    return corrupt


def duplicate_clause_id(frames: Frames) -> dict:
    doc_id = frames["clauses"].at[0, "doc_id"]
    last = _last_clause(frames, doc_id)
    row = _append(frames, "clauses", last, seq=int(frames["clauses"].at[last, "seq"]) + 1)
    _bump_n_clauses(frames, doc_id)
    return {"row": row}


def duplicate_seq(frames: Frames) -> dict:
    doc_id = frames["clauses"].at[0, "doc_id"]
    row = _append(frames, "clauses", _last_clause(frames, doc_id), clause_id="extra")
    _bump_n_clauses(frames, doc_id)
    return {"row": row}


def duplicate_theme_share(frames: Frames) -> dict:
    shares = frames["theme_shares"]
    room = 1 - shares.groupby("doc_id")["share"].transform("sum")
    return {"row": _append(frames, "theme_shares", _first(shares, shares["share"] <= room))}


def clause_of_missing_document(frames: Frames) -> dict:
    clauses = frames["clauses"]
    return {"row": _append(frames, "clauses", _first(clauses, clauses["kind"] == "preamble"), doc_id="ghost")}


def set_value(table: str, column: str, value: object, where: Callable[[pd.DataFrame], object] | None = None):
    def corrupt(frames: Frames) -> dict:
        frame = frames[table]
        position = _first(frame, where(frame)) if where else 0
        _set(frames, table, position, **{column: value})
        return {"row": position}
    return corrupt


def share_of_missing_document(frames: Frames) -> dict:
    return {"row": _append(frames, "theme_shares", 0, doc_id="ghost")}


def dangling_parent(frames: Frames) -> dict:
    clauses = frames["clauses"]
    position = _first(clauses, (clauses["kind"] == "clause") & clauses["parent_id"].notna())
    _set(frames, "clauses", position, parent_id="99")
    return {"row": position}


def clause_past_document_end(frames: Frames) -> dict:
    clauses = frames["clauses"]
    position = _first(clauses, clauses["kind"] == "closing")
    _set(frames, "clauses", position, end=_n_chars(frames, clauses.at[position, "doc_id"]) + 1)
    return {"row": position}


def span_past_document_end(table: str) -> Callable[[Frames], dict]:
    def corrupt(frames: Frames) -> dict:
        frame = frames[table]
        length = int(frame.at[0, "end"] - frame.at[0, "start"])
        end = _n_chars(frames, frame.at[0, "doc_id"]) + 1
        _set(frames, table, 0, start=end - length, end=end)  # same length, so the text still fits
        return {"row": 0}
    return corrupt


def span_outside_clause(table: str) -> Callable[[Frames], dict]:
    def corrupt(frames: Frames) -> dict:
        frame = frames[table]
        length = frame["end"] - frame["start"]
        starts = frames["clauses"].set_index(["doc_id", "clause_id"])["start"]
        clause_start = pd.Series(starts.reindex(pd.MultiIndex.from_frame(frame[["doc_id", "clause_id"]])).to_numpy(),
                                 index=frame.index)
        position = _first(frame, clause_start > length)
        _set(frames, table, position, start=0, end=int(length[position]))  # inside the document, before the clause
        return {"row": position}
    return corrupt


def longer_text(table: str, column: str) -> Callable[[Frames], dict]:
    def corrupt(frames: Frames) -> dict:
        _set(frames, table, 0, **{column: frames[table].at[0, column] + "☃"})
        return {"row": 0}
    return corrupt


def shared_span_past_clause(side: str) -> Callable[[Frames], dict]:
    def corrupt(frames: Frames) -> dict:
        alignments = frames["alignments"]
        text = _clause_text(frames, alignments.at[0, f"doc_{side}"], alignments.at[0, f"clause_{side}"])
        _set(frames, "alignments", 0, **{f"shared_end_{side}": len(text) + 5})
        return {"row": 0}
    return corrupt


def shared_span_shifted(side: str) -> Callable[[Frames], dict]:
    def corrupt(frames: Frames) -> dict:
        alignments = frames["alignments"]
        for position, row in alignments.iterrows():
            text = _clause_text(frames, row[f"doc_{side}"], row[f"clause_{side}"])
            start, end = int(row[f"shared_start_{side}"]) + 1, int(row[f"shared_end_{side}"]) + 1
            if end <= len(text) and text[start:end] != row["shared_text"]:
                _set(frames, "alignments", position, **{f"shared_start_{side}": start, f"shared_end_{side}": end})
                return {"row": position}
        raise AssertionError("no alignment to shift")
    return corrupt


def shared_text_replaced(frames: Frames) -> dict:
    _set(frames, "alignments", 0, shared_text="☃" + frames["alignments"].at[0, "shared_text"][1:])
    return {"row": 0}


def sides_swapped(frames: Frames) -> dict:
    row = frames["alignments"].loc[0]
    _set(frames, "alignments", 0, **{
        f"{name}_{side}": row[f"{name}_{other}"]
        for name in ("doc", "clause", "shared_start", "shared_end") for side, other in (("a", "b"), ("b", "a"))
    })
    return {"row": 0}


def seq_gap(frames: Frames) -> dict:
    doc_id = frames["clauses"].at[0, "doc_id"]
    last = _last_clause(frames, doc_id)
    _set(frames, "clauses", last, seq=int(frames["clauses"].at[last, "seq"]) + 5)
    return {"doc_id": doc_id}


def seq_from_one(frames: Frames) -> dict:
    """Every seq of one document one higher: no gap, no repeat, but the first clause is not 0."""
    clauses = frames["clauses"]
    doc_id = clauses.at[0, "doc_id"]
    mine = clauses["doc_id"] == doc_id
    clauses.loc[mine, "seq"] = clauses.loc[mine, "seq"] + 1
    return {"doc_id": doc_id, "seq_min": 1}


def n_clauses_off_by_one(frames: Frames) -> dict:
    _bump_n_clauses(frames, frames["documents"].at[0, "doc_id"])
    return {"row": 0}


def leaf_kind(kind: str) -> Callable[[Frames], dict]:
    def corrupt(frames: Frames) -> dict:
        clauses = frames["clauses"]
        position = _leaf(frames, clauses["kind"] == "clause")
        _set(frames, "clauses", position, kind=kind)
        return {"row": position}
    return corrupt


def _leaf_one_level_deeper(frames: Frames, kind: str) -> dict:
    clauses = frames["clauses"]
    position = _leaf(frames, clauses["kind"] == kind)
    _set(frames, "clauses", position, level=int(clauses.at[position, "level"]) + 1)
    return {"row": position}


def leaf_one_level_deeper(frames: Frames) -> dict:
    return _leaf_one_level_deeper(frames, "clause")


def bullet_two_levels_below(frames: Frames) -> dict:
    return _leaf_one_level_deeper(frames, "bullet")  # a bullet sits one level below its parent


def clause_starts_before_parent(frames: Frames) -> dict:
    clauses = frames["clauses"]
    parents = clauses.set_index(["doc_id", "clause_id"])["start"]
    position = _first(clauses, clauses["parent_id"].notna() & (clauses["kind"] == "clause"))
    parent_start = int(parents[(clauses.at[position, "doc_id"], clauses.at[position, "parent_id"])])
    assert parent_start > 0
    _set(frames, "clauses", position, start=parent_start - 1)
    return {"row": position}


def published_before_issued(frames: Frames) -> dict:
    documents = frames["documents"]
    position = _first(documents, documents["publish_date"].notna() & documents["issue_date"].notna())
    _set(frames, "documents", position, publish_date=documents.at[position, "issue_date"] - datetime.timedelta(days=1))
    return {"row": position}


def effective_date_disagrees(frames: Frames) -> dict:
    """A dates row reads 自2021年3月1日起施行 as one day, the document's metadata says the next."""
    dates, documents = frames["dates"], frames["documents"]
    row = _first(dates, (dates["kind"] == "date") & dates["start_date"].notna())
    _set(frames, "dates", row, role="effective")
    position = _first(documents, documents["doc_id"] == dates.at[row, "doc_id"])
    _set(frames, "documents", position, effective_date=dates.at[row, "start_date"] + datetime.timedelta(days=1))
    return {"row": position}


def city_without_province(frames: Frames) -> dict:
    documents = frames["documents"]
    position = _first(documents, documents["province"].notna())
    _set(frames, "documents", position, province=None, city="成都市")
    return {"row": position}


def value_max_below_value(frames: Frames) -> dict:
    targets = frames["targets"]
    position = _first(targets, targets["comparator"] == "range")
    _set(frames, "targets", position, value_max=float(targets.at[position, "value"]) - 1)
    return {"row": position}


def value_max_without_range(frames: Frames) -> dict:
    targets = frames["targets"]
    position = _first(targets, targets["comparator"] != "range")
    _set(frames, "targets", position, value_max=float(targets.at[position, "value"]) + 1)
    return {"row": position}


def dates_swapped(frames: Frames) -> dict:
    dates = frames["dates"]
    position = _first(dates, dates["kind"] == "year")
    start_date, end_date = dates.at[position, "start_date"], dates.at[position, "end_date"]
    _set(frames, "dates", position, start_date=end_date, end_date=start_date)
    return {"row": position}


def duration_reversed(frames: Frames) -> dict:
    dates = frames["dates"]
    position = _first(dates, dates["kind"] == "duration")
    _set(frames, "dates", position, duration_min_years=float(dates.at[position, "duration_max_years"]) + 1)
    return {"row": position}


def shares_over_one(frames: Frames) -> dict:
    shares = frames["theme_shares"]
    doc_id = shares.at[0, "doc_id"]
    mine = shares[shares["doc_id"] == doc_id]
    _set(frames, "theme_shares", int(mine["share"].idxmin()), share=0.9)
    return {"doc_id": doc_id}


def _ghost_document(table: str):
    return set_value(table, "doc_id", "ghost")


def _ghost_clause(table: str):
    return set_value(table, "clause_id", "9.9.9")


DOC_FK = "foreign_key(doc_id -> documents(doc_id))"
CLAUSE_FK = "foreign_key(doc_id, clause_id -> clauses(doc_id, clause_id))"
SPAN_TABLES = ("targets", "dates", "parties", "terms", "themes")
has_start_date = {"where": lambda f: f["start_date"].notna()}


def is_duration(frame):
    return frame["kind"] == "duration"


def unknown_indicator(frames: Frames) -> dict:
    position = 0
    _set(frames, "targets", position, indicator_id="no_such_indicator", indicator_en="No such indicator")
    return {"row": position}

# (id, corruption, the checks that must fail: the first one must report the row the corruption names)
CASES: list[tuple[str, Callable[[Frames], dict], list[tuple[str, str]]]] = [
    ("documents-duplicate-doc_id", duplicate_row("documents"), [("documents", "unique(doc_id)")]),
    ("clauses-duplicate-clause_id", duplicate_clause_id, [("clauses", "unique(doc_id, clause_id)")]),
    ("clauses-duplicate-seq", duplicate_seq, [("clauses", "unique(doc_id, seq)")]),
    ("terms-duplicate", duplicate_row("terms"), [("terms", "unique(doc_id, clause_id, term)")]),
    ("themes-duplicate", duplicate_row("themes"), [("themes", "unique(doc_id, clause_id, theme)")]),
    ("theme_shares-duplicate", duplicate_theme_share, [("theme_shares", "unique(doc_id, theme)")]),
    ("alignments-duplicate", duplicate_row("alignments"),
     [("alignments", "unique(doc_a, clause_a, doc_b, clause_b)")]),
    ("clauses-missing-document", clause_of_missing_document, [("clauses", DOC_FK)]),
    *[(f"{table}-missing-document", _ghost_document(table), [(table, DOC_FK), (table, CLAUSE_FK)])
      for table in SPAN_TABLES],
    ("theme_shares-missing-document", share_of_missing_document, [("theme_shares", DOC_FK)]),
    *[(f"{table}-missing-clause", _ghost_clause(table), [(table, CLAUSE_FK)]) for table in SPAN_TABLES],
    ("clauses-missing-parent", dangling_parent,
     [("clauses", "foreign_key(doc_id, parent_id -> clauses(doc_id, clause_id))")]),
    ("alignments-missing-clause_a", set_value("alignments", "clause_a", "9.9.9"),
     [("alignments", "foreign_key(doc_a, clause_a -> clauses(doc_id, clause_id))")]),
    ("alignments-missing-clause_b", set_value("alignments", "clause_b", "9.9.9"),
     [("alignments", "foreign_key(doc_b, clause_b -> clauses(doc_id, clause_id))")]),
    ("clauses-past-n_chars", clause_past_document_end, [("clauses", "offsets_in_document")]),
    *[(f"{table}-past-n_chars", span_past_document_end(table),
       [(table, "offsets_in_document"), (table, "span_in_clause")]) for table in SPAN_TABLES],
    *[(f"{table}-outside-clause", span_outside_clause(table), [(table, "span_in_clause")]) for table in SPAN_TABLES],
    *[(f"{table}-text-longer-than-span", longer_text(table, column), [(table, "text_length_matches_span")])
      for table, column in (("targets", "text"), ("dates", "text"), ("parties", "text"), ("terms", "term"))],
    ("alignments-shared-span-past-clause_a", shared_span_past_clause("a"),
     [("alignments", "shared_span_in_clause_a")]),
    ("alignments-shared-span-past-clause_b", shared_span_past_clause("b"),
     [("alignments", "shared_span_in_clause_b")]),
    ("alignments-shared-span-shifted_a", shared_span_shifted("a"), [("alignments", "shared_text_matches_a")]),
    ("alignments-shared-span-shifted_b", shared_span_shifted("b"), [("alignments", "shared_text_matches_b")]),
    ("alignments-shared-text-replaced", shared_text_replaced,
     [("alignments", "shared_text_matches_a"), ("alignments", "shared_text_matches_b")]),
    ("clauses-seq-gap", seq_gap, [("clauses", "seq_in_reading_order")]),
    ("clauses-seq-from-1", seq_from_one, [("clauses", "seq_in_reading_order")]),
    ("documents-n_clauses-wrong", n_clauses_off_by_one, [("documents", "n_clauses_counted")]),
    ("clauses-unknown-kind", leaf_kind("annex"), [("clauses", "in_set(kind)")]),
    ("clauses-level-not-kind", leaf_one_level_deeper, [("clauses", "level_matches_kind")]),
    ("clauses-bullet-too-deep", bullet_two_levels_below, [("clauses", "level_below_parent")]),
    ("clauses-outside-parent", clause_starts_before_parent, [("clauses", "span_in_parent")]),
    ("documents-script", set_value("documents", "script", "cantonese"), [("documents", "in_set(script)")]),
    ("documents-variant", set_value("documents", "variant", "hongkong"), [("documents", "in_set(variant)")]),
    ("documents-issue_date-1800", set_value("documents", "issue_date", datetime.date(1800, 1, 1)),
     [("documents", "between(issue_date)")]),
    ("documents-publish_date-2200", set_value("documents", "publish_date", datetime.date(2200, 1, 1),
                                              lambda f: f["publish_date"].notna()),
     [("documents", "between(publish_date)")]),
    ("documents-published-before-issued", published_before_issued, [("documents", "issued_before_published")]),
    ("documents-effective_date-1800", set_value("documents", "effective_date", datetime.date(1800, 1, 1)),
     [("documents", "between(effective_date)")]),
    ("documents-effective_date-not-in-dates", effective_date_disagrees,
     [("documents", "effective_date_in_dates")]),
    ("documents-unknown-admin_level", set_value("documents", "admin_level", "township"),
     [("documents", "in_set(admin_level)")]),
    ("documents-unknown-genre", set_value("documents", "genre", "小说"), [("documents", "in_set(genre)")]),
    ("documents-city-without-province", city_without_province, [("documents", "city_in_a_province")]),
    ("documents-national-with-a-province", set_value("documents", "admin_level", "national",
                                                     lambda f: f["province"].notna()),
     [("documents", "national_has_no_place")]),
    ("documents-place-without-level", set_value("documents", "admin_level", None, lambda f: f["province"].notna()),
     [("documents", "place_has_a_level")]),
    ("targets-unknown-comparator", set_value("targets", "comparator", "≈", lambda f: f["comparator"] != "range"),
     [("targets", "in_set(comparator)")]),
    ("targets-unknown-kind", set_value("targets", "kind", "goal"), [("targets", "in_set(kind)")]),
    ("targets-deadline-900", set_value("targets", "deadline_year", 900), [("targets", "between(deadline_year)")]),
    ("targets-value_max-below-value", value_max_below_value, [("targets", "value_max_at_least_value")]),
    ("targets-value_max-without-range", value_max_without_range, [("targets", "value_max_only_for_range")]),
    ("dates-unknown-kind", set_value("dates", "kind", "decade"), [("dates", "in_set(kind)")]),
    ("dates-unknown-role", set_value("dates", "role", "someday"), [("dates", "in_set(role)")]),
    ("dates-start-900", set_value("dates", "start_date", datetime.date(900, 1, 1), **has_start_date),
     [("dates", "between(start_date)")]),
    ("dates-end-2200", set_value("dates", "end_date", datetime.date(2200, 12, 31), **has_start_date),
     [("dates", "between(end_date)")]),
    ("dates-end-before-start", dates_swapped, [("dates", "start_before_end")]),
    ("dates-duration-reversed", duration_reversed, [("dates", "duration_min_before_max")]),
    ("dates-unknown-duration-unit", set_value("dates", "duration_unit", "fortnight", where=is_duration),
     [("dates", "in_set(duration_unit)")]),
    ("dates-duration-0", set_value("dates", "duration_value", 0.0, where=is_duration),
     [("dates", "between(duration_value)")]),
    ("dates-duration-without-unit", set_value("dates", "duration_unit", None, where=is_duration),
     [("dates", "duration_has_value_and_unit")]),
    ("targets-unknown-indicator", unknown_indicator, [("targets", "in_set(indicator_id)")]),
    ("targets-indicator_en-without-id", set_value("targets", "indicator_en", "GDP", where=lambda f: f["indicator_id"].isna()),
     [("targets", "indicator_en_with_id")]),
    ("parties-unknown-kind", set_value("parties", "kind", "club"), [("parties", "in_set(kind)")]),
    ("parties-unknown-role", set_value("parties", "role", "spectator"), [("parties", "in_set(role)")]),
    ("terms-count-0", set_value("terms", "count", 0), [("terms", "between(count)")]),
    ("terms-tfidf-0", set_value("terms", "tfidf", 0.0), [("terms", "between(tfidf)")]),
    ("terms-tfidf-1.5", set_value("terms", "tfidf", 1.5), [("terms", "between(tfidf)")]),
    ("themes-unknown-theme", set_value("themes", "theme", "astrology"), [("themes", "in_set(theme)")]),
    ("themes-score-0", set_value("themes", "score", 0.0), [("themes", "between(score)")]),
    ("theme_shares-unknown-theme", set_value("theme_shares", "theme", "astrology"),
     [("theme_shares", "in_set(theme)")]),
    ("theme_shares-negative", set_value("theme_shares", "share", -0.1), [("theme_shares", "between(share)")]),
    ("theme_shares-sum-over-1", shares_over_one, [("theme_shares", "shares_sum_at_most_1")]),
    ("alignments-score-1.5", set_value("alignments", "score", 1.5), [("alignments", "between(score)")]),
    ("alignments-sides-swapped", sides_swapped, [("alignments", "different_documents")]),
    ("alignments-shared_chars-wrong", set_value("alignments", "shared_chars", 999),
     [("alignments", "shared_chars_counted")]),
]


@pytest.mark.parametrize(("corrupt", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_corruption_fails_exactly_its_check(frames, corrupt, expected):
    where = corrupt(frames)
    violations = validate_tables(frames)
    assert sorted((v.table, v.check) for v in violations) == sorted(expected), _render(violations)
    reported = next(v for v in violations if (v.table, v.check) == expected[0])
    rows = reported.rows.to_dict("records")
    assert any(all(row.get(column) == value for column, value in where.items()) for row in rows), reported.render()


def test_every_check_has_a_corruption():
    covered = {check for case in CASES for check in case[2]}
    assert {(check.table, check.name) for check in CHECKS} <= covered


# ---------------------------------------------------------------------------
# The error and the API around it


def test_check_tables_raises_with_the_check_and_the_row(frames, tmp_path):
    targets = frames["targets"]
    position = _first(targets, targets["comparator"] != "range")
    _set(frames, "targets", position, comparator="≈")
    with pytest.raises(TableValidationError) as raised:
        check_tables(frames, tmp_path)
    error = raised.value
    assert isinstance(error, PipelineError)
    assert error.path == tmp_path
    message = str(error)
    assert message.startswith(f"{tmp_path}: tables break declared checks")
    assert "targets: in_set(comparator): 1 row" in message
    assert f"row {position}: doc_id='{targets.at[position, 'doc_id']}'" in message
    assert "comparator='≈'" in message
    assert [(v.table, v.check, v.count) for v in error.violations] == [("targets", "in_set(comparator)", 1)]


def test_a_violation_keeps_the_count_and_the_first_rows(frames):
    frames["terms"]["count"] = 0
    (violation,) = validate_tables(frames)
    assert violation.count == len(frames["terms"])
    assert list(violation.rows["row"]) == list(range(MAX_ROWS))
    assert f"... and {len(frames['terms']) - 3} more" in violation.render()


def test_checks_of_absent_tables_are_skipped(frames):
    # Without clauses, a target pointing at a missing clause cannot be seen; its comparator still can.
    _set(frames, "targets", 0, clause_id="9.9.9")
    position = _first(frames["targets"], frames["targets"]["comparator"] != "range")
    _set(frames, "targets", position, comparator="≈")
    only_targets = validate_tables({"targets": frames["targets"]})
    assert [(v.table, v.check) for v in only_targets] == [("targets", "in_set(comparator)")]
    with_clauses = validate_tables({name: frames[name] for name in ("targets", "clauses")})
    assert [(v.table, v.check) for v in with_clauses] == [("targets", CLAUSE_FK), ("targets", "in_set(comparator)")]


def test_empty_tables_pass():
    assert validate_tables({name: schema.empty_table() for name, schema in SCHEMAS.items()}) == []


def test_support_role_is_valid(frames):
    """Issue 13: `support` (配合 / 参与 / 协同) is a role of the parties table."""
    set_value("parties", "role", "support")(frames)
    assert not [v for v in validate_tables(frames) if v.table == "parties"]
    assert "support" in SCHEMAS["parties"].field("role").metadata[b"values"].decode().split("|")


# --- The joins behind the checks, on tables of a few rows ------------------------

def _rows_of(violations) -> list[int]:
    [violation] = violations
    return violation.rows[validation.ROW].tolist()


def test_a_foreign_key_with_a_null_part_is_missing_unless_nullable():
    child = pa.table({"doc_id": ["a", "a", "b", None], "clause_id": ["1", None, "1", "1"]})
    parent = pa.table({"doc_id": ["a", "a"], "clause_id": ["1", "2"]})
    strict = validation.foreign_key("child", ["doc_id", "clause_id"], "parent", ["doc_id", "clause_id"])
    assert _rows_of(validation.validate_tables({"child": child, "parent": parent}, [strict])) == [1, 2, 3]
    lenient = validation.foreign_key("child", ["doc_id", "clause_id"], "parent", ["doc_id", "clause_id"], nullable=True)
    assert _rows_of(validation.validate_tables({"child": child, "parent": parent}, [lenient])) == [2]


def test_a_repeated_key_reports_every_row_of_it_nulls_included():
    table = pa.table({"doc_id": ["a", "a", "b", "b", "c"], "term": ["x", "x", None, None, "x"]})
    check = validation.unique("table", ["doc_id", "term"])
    assert _rows_of(validation.validate_tables({"table": table}, [check])) == [0, 1, 2, 3]


def test_a_joined_check_reads_the_first_parent_row_of_a_repeated_key():
    child = pa.table({"doc_id": ["a", "b", "c"], "end": [5, 5, 5]})
    parent = pa.table({"doc_id": ["a", "a", "b"], "n_chars": [9, 1, 3]})  # a repeats: its first row counts
    check = validation.holds_joined("child", "end_inside", "end <= n_chars", ["doc_id"], "parent", ["doc_id"],
                                  {"n_chars": "n_chars"}, validation.fx.field("end") <= validation.fx.field("n_chars"), ("end",))
    [violation] = validation.validate_tables({"child": child, "parent": parent}, [check])
    # b breaks it (5 > 3); c has no parent row, which is the foreign key's to report.
    assert violation.rows[validation.ROW].tolist() == [1] and violation.rows["n_chars"].tolist() == [3]


# --- One document's checks (what save_part runs before writing a part) -----------------

_DOCUMENT_CHECK_NAMES = {(check.table, check.name) for check in validation.DOCUMENT_CHECKS}


@pytest.mark.parametrize(("corrupt", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_corrupted_document_alone_is_refused_naming_only_its_checks(frames, corrupt, expected):
    where = corrupt(frames)
    errors = [key for key in expected if key in _DOCUMENT_CHECK_NAMES and validation._SEVERITY[key] == "error"]
    refused = {}
    for doc_id in frames["documents"]["doc_id"].dropna().unique():
        own = {name: frame[frame["doc_id"] == doc_id].reset_index(drop=True)
               for name, frame in frames.items() if name != "alignments"}
        reason, _ = validation.check_document(own)
        if reason is not None:
            refused[doc_id] = reason
    for reason in refused.values():
        assert "\n" not in reason
        first, _, more = reason.partition("; and ")
        named = [tuple(first.split(": ")[:2])] + [tuple(part.split(": ")) for part in more.split(": ", 1)[-1].split(", ")
                                                  if more]
        assert set(named) <= set(expected), reason
    if errors and where.get("doc_id") in set(frames["documents"]["doc_id"]):
        assert where["doc_id"] in refused, f"{where['doc_id']} passes, though it breaks {errors}"
    if not errors:
        assert not refused, refused


# --- Many documents' checks at once (what a run's parent runs on the parts it wrote) ------

def _parts_of(frames: Frames) -> list[dict[str, pd.DataFrame]]:
    """The per-document tables as the documents' parts hold them: rows by doc_id, and a row whose
    doc_id names no document in the first document's part (as a part holding a stray row would)."""
    doc_ids = list(frames["documents"]["doc_id"].dropna().unique())
    parts = []
    for doc_id in doc_ids:
        own = {}
        for name, frame in frames.items():
            if name == "alignments":
                continue
            mine = frame["doc_id"] == doc_id
            if doc_id == doc_ids[0]:
                mine |= ~frame["doc_id"].isin(doc_ids)
            own[name] = frame[mine].reset_index(drop=True)
        parts.append(own)
    return parts


@pytest.mark.parametrize(("corrupt", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_the_batch_check_gives_each_document_what_its_own_check_gives(frames, corrupt, expected):
    corrupt(frames)
    parts = _parts_of(frames)
    alone = [validation.check_document(part) for part in parts]
    assert validation.check_documents(parts) == alone
    errors = [key for key in expected if key in _DOCUMENT_CHECK_NAMES and validation._SEVERITY[key] == "error"]
    if errors:  # the case can fail: the comparison above compared a refusal
        assert any(reason is not None for reason, _ in alone), expected


@pytest.mark.parametrize("table", ["clauses", "targets", "dates", "parties", "terms", "themes", "theme_shares"])
def test_no_check_matches_rows_across_documents(seed_arrow, table):
    """A row of one document's part that carries another document's doc_id matches nothing of that document.

    Checked alone, the part breaks its foreign key to documents (its own
    documents row is not that doc_id); checked with the other document's part,
    it must break it still, and the other document must pass.
    """
    doc_ids = seed_arrow["documents"]["doc_id"].to_pylist()
    own, other = doc_ids[0], doc_ids[1]
    parts = [{name: seed_arrow[name].filter(pc.equal(seed_arrow[name]["doc_id"], doc_id))
              for name in SCHEMAS if name not in ("alignments",)} for doc_id in (own, other)]
    for part in parts:
        part["terms"] = part["terms"].drop_columns(["tfidf"])  # a part's terms are not weighted yet
    stray = parts[0][table]
    column = stray.schema.get_field_index("doc_id")
    values = stray["doc_id"].to_pylist()
    parts[0][table] = stray.set_column(column, stray.schema.field(column), pa.array([other] + values[1:], pa.string()))
    alone = [validation.check_document(part) for part in parts]
    assert alone[0][0] is not None and f"{table}: {DOC_FK}" in alone[0][0] and alone[1] == (None, [])
    assert validation.check_documents(parts) == alone
    # Without the part marks, the rows put together would hide it: the stray row finds the other's documents row.
    together = {name: pa.concat_tables([part[name] for part in parts]) for name in parts[0]}
    assert (table, DOC_FK) not in {(v.table, v.check) for v in validate_tables(together, validation.DOCUMENT_CHECKS)}


def test_a_document_with_other_tables_is_checked_alone(seed_arrow):
    doc_ids = seed_arrow["documents"]["doc_id"].to_pylist()
    parts = [{name: seed_arrow[name].filter(pc.equal(seed_arrow[name]["doc_id"], doc_id))
              for name in ("documents", "clauses")} for doc_id in doc_ids[:2]]
    parts[1]["clauses"] = parts[1]["clauses"].slice(1)  # n_clauses no longer counted
    del parts[0]["clauses"]  # its checks of clauses are skipped, as when it is checked alone
    alone = [validation.check_document(part) for part in parts]
    assert alone[0] == (None, []) and "n_clauses_counted" in alone[1][0]
    assert validation.check_documents(parts) == alone
    assert validation.check_documents([]) == []

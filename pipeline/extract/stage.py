"""Run the spaCy pipeline over a document's clauses; spans become table rows.

Each clause is read on its own text, with the context a reader brings to it:
the document's year (for 今年, and to tell a past figure from a goal), the
到YYYY年 scope of its enclosing clauses, and whether its section reports the
past (发展基础).  Offsets in the rows are offsets into the canonical text of
the whole document.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from operator import attrgetter
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.chinese import HAN
from pipeline.clauses import CLOSING_ID, PREAMBLE_ID, Clause, ancestors
from pipeline.extract.dates import DateHit, find_dates, uses_document_days
from pipeline.extract.indicator_tables import find_indicator_tables
from pipeline.extract.nlp import doc_words, records, set_doc_dates, table_date_options
from pipeline.extract.parties import Gazetteer, document_home, issuer_parties
from pipeline.metadata import genre_families
from pipeline.tables import PART_SCHEMAS, columns_to_table
from pipeline.terms import ClauseTerms, clause_terms

_PAST_SECTION = re.compile(r"发展基础|发展现状|基本情况|现状与形势|发展成效|主要成就|工作成效|工作回顾|过去一年|过去五年")
# Regulations and measures state rules: a figure without a goal cue is a parameter there
# (the families of resources/genres.csv).
_RULE_FAMILIES = frozenset({"办法", "条例", "规定", "细则", "措施", "规则"})
# A work report's review heading names the year before the report's own (一、2023年工作回顾).
_HEAD_DATE = re.compile(r"((?:19|20)\d{2})年\d{1,2}月\d{1,2}日")
_HEAD_CHARS = 600
_REVIEW_YEAR = re.compile(r"(?m)^\s*(?:[一二三四五六七八九十]+、\s*)?(\d{4})年工作回顾\s*$")
# The parts of a work report, found on the text whatever the clause tree makes of them:
# the review (2023年工作回顾, 过去五年工作回顾) runs to the plan (2024年工作安排, 今年工作).
_REVIEW_HEAD = re.compile(r"(?m)^\s*(?:[一二三四五六七八九十]+、\s*)?(?:\d{4}年|过去一年|过去五年|过去的一年)[^\n]{0,4}工作回顾\s*$")
_PLAN_HEAD = re.compile(r"(?m)^\s*(?:[一二三四五六七八九十]+、\s*)?(?:\d{4}年|今年)(?:工作安排|重点工作|工作任务|主要任务|政府工作|经济社会发展)[^\n]{0,16}$")


# A work report's plan part headed by its year: 2024年重点工作, 2022年政府工作任务, 2024年工作安排建议.
_PLAN_YEAR_HEADING = re.compile(r"(\d{4})年(?:重点工作|经济社会发展|工作安排|主要任务|目标任务|政府工作)")


@dataclass(frozen=True)
class DocumentContext:
    """What the extractors need to know about the document as a whole."""

    doc_id: str
    reference_year: int | None
    issuer: str | None
    title: str
    issued: str | None = None  # ISO issue date: the day of 自印发之日起施行
    published: str | None = None  # ISO promulgation/publication date: 自公布之日起施行
    genre: str | None = None  # the documents row's genre (resources/genres.csv)


def extract_rows(
    nlp: Language, gazetteer: Gazetteer, canonical: str, clauses: Sequence[Clause], context: DocumentContext
) -> dict[str, pa.Table]:
    """The targets, dates, parties and terms tables of one document (their part schemas, in their sort order).

    Terms rows carry counts only; their TF-IDF weight needs the whole corpus
    (:func:`pipeline.terms.weight_part`, when the tables are assembled).
    """
    by_id = {clause.clause_id: clause for clause in clauses}
    reference_year = context.reference_year or _year_of_report(canonical)
    rules = genre_families().get(context.genre) in _RULE_FAMILIES
    review = _review_span(canonical)
    home = document_home(context.issuer, context.title, gazetteer,
                         getattr(context, "province", None), getattr(context, "city", None))
    # Each clause's own text, and its dates read once: by the dates and targets
    # components and for the deadline scope of the clauses under it.
    own_texts = {clause.clause_id: clause.own_text(canonical) for clause in clauses}
    dates = {clause_id: list(find_dates(own, reference_year)) for clause_id, own in own_texts.items()}
    days = {"issued": context.issued, "published": context.published}
    docs = []
    for clause in clauses:
        own = own_texts[clause.clause_id]
        doc = nlp.make_doc(own)
        in_review = review[0] <= clause.start < review[1]
        past = _reports_the_past(clause, by_id) or in_review
        past_from = None
        if not past and review[1] > review[0] and clause.start < review[0] < clause.end:
            head = canonical[review[0]:canonical.find("\n", review[0] + 1) % (len(canonical) + 1)].strip()
            found = own.find(head) if head else -1
            past_from = found if found >= 0 else None
        doc.user_data.update({
            "past_from": past_from,
            "reference_year": reference_year,
            "document_days": days,
            "deadline_year": None if past else _scope_deadline(clause, by_id, dates, reference_year),
            "default_kind": "baseline" if past else ("parameter" if rules else "target"),
            "past": past,
            # The review covers the year before the report's own: its 上年 is two years back.
            "reported_year": reference_year - 1 if in_review and reference_year is not None else None,
            "party_home": home,
        })
        _share_dates(doc, own, reference_year, dates[clause.clause_id])
        docs.append(doc)
    spans: dict[str, list[_Located]] = {table: [] for table in _SPAN_TABLES}
    terms = _TermColumns()
    issuer_names = {hit.name for hit in issuer_parties(context.issuer or "", gazetteer)}
    for clause, doc in zip(clauses, nlp.pipe(docs)):
        own = own_texts[clause.clause_id]
        to_document = own_offset_map(clause)
        for table, located in spans.items():
            for hit in records(doc, table):
                if table == "parties" and _is_issuer_mention(clause, own, hit, issuer_names):
                    hit = replace(hit, role="issuer")
                located.append(_Located(clause.clause_id, to_document(hit.start), to_document(hit.end - 1) + 1, hit))
        terms.add(clause, clause_terms(*doc_words(doc)))
    _read_indicator_tables(spans, canonical, clauses, reference_year)
    tables = {table: _span_table(table, context.doc_id, located) for table, located in spans.items()}
    tables["terms"] = terms.table(context.doc_id)
    return tables


class _Located(NamedTuple):
    """An extractor's hit and where it lies in the document: one row of a span table (targets, dates, parties)."""

    clause_id: str
    start: int
    end: int
    hit: Any


def _read_indicator_tables(spans: dict[str, list[_Located]], canonical: str, clauses: Sequence[Clause],
                           reference_year: int | None) -> None:
    """A plan's indicator table replaces what the sentence grammar made of its lines; its header
    years are the baseline and the deadline of the columns."""
    tables = find_indicator_tables(canonical, reference_year)
    clause_at = _clause_locator(clauses) if tables else None
    for table in tables:
        spans["targets"] = [row for row in spans["targets"] if not table.start <= row.start < table.end]
        for hit in table.hits:
            clause = clause_at(hit.start)
            if clause is not None:
                spans["targets"].append(_Located(clause.clause_id, hit.start, hit.end, hit))
        roles = {(year.start, year.end): year.role for year in table.header_years}
        spans["dates"] = [row._replace(hit=replace(row.hit, role=roles[(row.start, row.end)]))
                          if (row.start, row.end) in roles else row for row in spans["dates"]]
    spans["targets"].sort(key=attrgetter("start"))


def _clause_locator(clauses: Sequence[Clause]):
    """``clause_at(position)``: the clause whose own text holds ``position`` of the canonical text, or None.

    The clauses' own spans do not overlap; sorted once, each cell of an indicator table finds its
    clause by bisection instead of a scan of every clause.
    """
    spans = sorted(((start, end, clause) for clause in clauses for start, end in clause.spans if end > start),
                   key=lambda span: span[0])
    starts = [start for start, _, _ in spans]

    def clause_at(position: int) -> Clause | None:
        i = bisect_right(starts, position) - 1
        return spans[i][2] if i >= 0 and position < spans[i][1] else None

    return clause_at


def _share_dates(doc: Doc, own: str, reference_year: int | None, plain: list[DateHit]) -> None:
    """Give the clause's ``Doc`` its date hits: ``plain`` for the targets' cues, and the same
    list for the dates table unless the table's reading differs.

    The targets and the deadline scopes read the dates with the reference year
    alone; the dates table with the clause's context as well (a past section,
    the year a review reports, the document's own days). That reading differs
    only in a past section, a review, or a clause that names the document's
    day (自印发之日起); only those clauses are read twice.
    """
    set_doc_dates(doc, reference_year, plain)
    options = table_date_options(doc.user_data)
    contextual = options["past"] or options["reported_year"] is not None or (
        (options.get("issued") or options.get("published")) and uses_document_days(own))
    set_doc_dates(doc, reference_year, list(find_dates(own, reference_year, **options)) if contextual else plain,
                  **options)


_SPAN_TABLES = ("targets", "dates", "parties")
_WHERE = ("doc_id", "clause_id", "start", "end")  # the columns a located hit gives; the hit gives the others


def _span_table(table: str, doc_id: str, located: Sequence[_Located]) -> pa.Table:
    """The part table of located hits, a column at a time: where each hit lies, then each other column
    from the hits' attribute of the column's name."""
    schema = PART_SCHEMAS[table]
    columns: dict[str, Sequence[object]] = {
        "doc_id": [doc_id] * len(located), "clause_id": [row.clause_id for row in located],
        "start": [row.start for row in located], "end": [row.end for row in located]}
    hits = [row.hit for row in located]
    for field in schema:
        if field.name not in _WHERE:
            values = list(map(attrgetter(field.name), hits))
            # The date grammar gives ISO days.
            columns[field.name] = _days(values) if pa.types.is_date(field.type) else values
    return columns_to_table(table, columns, schema)


def _days(values: Sequence[str | None]) -> list[date | None]:
    return [None if value is None else date.fromisoformat(value) for value in values]


class _TermColumns:
    """The terms rows of a document's clauses, gathered as columns (:func:`pipeline.terms.clause_terms`).

    A term's offsets in the clause's own text are moved to the document's
    text at once, for the whole document, by each clause's shift when the
    clause is one piece (most are); a clause of several pieces maps its
    terms' offsets one by one (:func:`own_offset_map`). A term is word
    characters only, never the "\n" that joins the pieces of the own text: it
    ends as far from its start in the document as in the clause.
    """

    def __init__(self) -> None:
        self.clause_ids: list[str] = []
        self.terms: list[str] = []
        self.counts: list[int] = []
        self.starts: list[int] = []  # in the own text of a one-piece clause, else already in the document
        self.shifts: list[int] = []  # one per clause
        self.sizes: list[int] = []  # the clause's terms

    def add(self, clause: Clause, found: ClauseTerms) -> None:
        shift = one_piece_shift(clause)
        self.clause_ids += [clause.clause_id] * len(found.terms)
        self.terms += found.terms
        self.counts += found.counts
        self.starts += found.starts if shift is not None else map(own_offset_map(clause), found.starts)
        self.shifts.append(0 if shift is None else shift)
        self.sizes.append(len(found.terms))

    def table(self, doc_id: str) -> pa.Table:
        starts = np.asarray(self.starts, np.int64) + np.repeat(np.asarray(self.shifts, np.int64), self.sizes)
        ends = starts + np.fromiter(map(len, self.terms), np.int64, len(self.terms))
        return columns_to_table("terms", {
            "doc_id": [doc_id] * len(self.terms), "clause_id": self.clause_ids, "term": self.terms,
            "count": self.counts, "start": starts.tolist(), "end": ends.tolist()}, PART_SCHEMAS["terms"])


def _pieces(clause: Clause) -> list[tuple[int, int, int]]:
    """``(own start, document start, length)`` of each piece of the clause's own text, in order."""
    pieces = []
    position = 0
    for start, end in clause.spans:
        if end > start:
            pieces.append((position, start, end - start))
            position += end - start + 1  # the "\n" that joins the pieces
    return pieces


def one_piece_shift(clause: Clause) -> int | None:
    """What an offset in the own text of a clause of one piece adds to be in the document; None for other clauses.

    Within the piece, ``own_offset_map(clause)(offset) == offset + shift``.
    """
    pieces = _pieces(clause)
    return pieces[0][1] - pieces[0][0] if len(pieces) == 1 else None


def own_offset_map(clause: Clause) -> Callable[[int], int]:
    """Offset in the clause's own text -> offset in the document's canonical text.

    The own text is the clause's spans joined by ``"\n"``; an offset on a
    joining ``"\n"`` maps to the end of the piece before it.
    """
    pieces = _pieces(clause)
    if len(pieces) == 1:
        # Most clauses are one piece: the map is a shift.
        _, doc_start, length = pieces[0]
        return lambda offset: doc_start + min(offset, length) if offset >= 0 else clause.start
    own_starts = [own_start for own_start, _, _ in pieces]

    def to_document(offset: int) -> int:
        piece = bisect_right(own_starts, offset) - 1
        if piece < 0:
            return clause.start
        own_start, doc_start, length = pieces[piece]
        return doc_start + min(offset - own_start, length)

    return to_document


def _scope_deadline(clause: Clause, by_id: dict[str, Clause], dates: Mapping[str, Sequence[DateHit]],
                    reference_year: int | None) -> int | None:
    """The 到YYYY年 scope an enclosing clause sets for its children (Jiangxi's bullets under 到2025年).

    A section of a work report headed by the report's own year (二、2024年重点工作) scopes
    its goals to that year. ``dates`` are each clause's ``find_dates`` hits, by clause id.
    """
    if _heads_plan_of(clause, reference_year):
        return reference_year
    for ancestor in ancestors(clause, by_id):
        years = [
            int(hit.start_date[:4])
            for hit in dates[ancestor.clause_id]
            if hit.role == "deadline" and hit.start_date
        ]
        if years:
            return years[-1]
        if _heads_plan_of(ancestor, reference_year):
            return reference_year
    return None


def _heads_plan_of(clause: Clause, reference_year: int | None) -> bool:
    """The clause's heading opens the plan for the report's own year (2024年重点工作)."""
    heading = _PLAN_YEAR_HEADING.match(clause.heading or "")
    return heading is not None and reference_year is not None and int(heading.group(1)) == reference_year


def _year_of_report(canonical: str) -> int | None:
    """The document's year when its metadata has no date: the year after a work report's review
    heading (一、2023年工作回顾), else the first full date in its head (a report's date line, a
    web page's 发布日期)."""
    match = _REVIEW_YEAR.search(canonical)
    if match:
        return int(match.group(1)) + 1
    head = _HEAD_DATE.search(canonical[:_HEAD_CHARS])
    return int(head.group(1)) if head else None


def _reports_the_past(clause: Clause, by_id: dict[str, Clause]) -> bool:
    chain = [clause, *ancestors(clause, by_id)]
    return any(c.kind in ("section", "part", "chapter") and _PAST_SECTION.search(c.heading) for c in chain)


def _review_span(canonical: str) -> tuple[int, int]:
    """Offsets of a work report's review part (empty when there is none)."""
    review = _REVIEW_HEAD.search(canonical)
    if review is None:
        return 0, 0
    plan = _PLAN_HEAD.search(canonical, review.end())
    return review.start(), plan.start() if plan else review.end()


def _is_issuer_mention(clause: Clause, text: str, hit, issuer_names: set[str]) -> bool:
    """The issuer named in the title line or signing the closing is the issuer, not a mention."""
    if clause.clause_id not in (PREAMBLE_ID, CLOSING_ID):
        return False
    line_start = text.rfind("\n", 0, hit.start) + 1
    line_end = text.find("\n", hit.end)
    line = text[line_start: len(text) if line_end == -1 else line_end]
    if clause.clause_id == CLOSING_ID and hit.kind in ("government", "party_organ"):
        # A body signing the closing on a line of its own issued (or printed) the document.
        return line == hit.text or re.fullmatch(rf"{re.escape(hit.text)}\d{{4}}年\d{{1,2}}月\d{{1,2}}日印发", line) is not None
    if hit.name not in issuer_names:
        return False
    return "关于" in line or line == hit.text or re.fullmatch(rf"[{HAN}() ]+", line) is not None

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
from datetime import date
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.chinese import HAN
from pipeline.clauses import CLOSING_ID, PREAMBLE_ID, Clause, ancestors
from pipeline.extract.dates import DateHit, find_dates, uses_document_days
from pipeline.extract.indicator_tables import find_indicator_tables
from pipeline.extract.nlp import records, set_doc_dates, table_date_options
from pipeline.extract.parties import Gazetteer, document_home, issuer_parties
from pipeline.metadata import genre_families
from pipeline.tables import SCHEMAS
from pipeline.terms import clause_terms

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
) -> dict[str, list[dict]]:
    """The targets, dates, parties and terms rows of one document.

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
    rows: dict[str, list[dict]] = {"targets": [], "dates": [], "parties": [], "terms": []}
    issuer_names = {hit.name for hit in issuer_parties(context.issuer or "", gazetteer)}
    for clause, doc in zip(clauses, nlp.pipe(docs)):
        own = own_texts[clause.clause_id]
        to_document = own_offset_map(clause)
        for hit in records(doc, "targets"):
            rows["targets"].append(_row(context, clause, to_document, hit, _TARGET_FIELDS))
        for hit in records(doc, "dates"):
            rows["dates"].append(_row(context, clause, to_document, hit, _DATE_FIELDS))
        for hit in records(doc, "parties"):
            row = _row(context, clause, to_document, hit, _PARTY_FIELDS)
            if _is_issuer_mention(clause, own, hit, issuer_names):
                row["role"] = "issuer"
            rows["parties"].append(row)
        for term, count, start, end in clause_terms((token.text, token.idx) for token in doc):
            rows["terms"].append({"doc_id": context.doc_id, "clause_id": clause.clause_id, "term": term,
                                  "count": count, "start": to_document(start), "end": to_document(end - 1) + 1})
    _read_indicator_tables(rows, canonical, clauses, context, reference_year)
    return rows


def _read_indicator_tables(rows: dict[str, list[dict]], canonical: str, clauses: Sequence[Clause],
                           context: DocumentContext, reference_year: int | None) -> None:
    """A plan's indicator table replaces what the sentence grammar made of its lines; its header
    years are the baseline and the deadline of the columns."""
    tables = find_indicator_tables(canonical, reference_year)
    clause_at = _clause_locator(clauses) if tables else None
    for table in tables:
        rows["targets"] = [row for row in rows["targets"] if not table.start <= row["start"] < table.end]
        for hit in table.hits:
            clause = clause_at(hit.start)
            if clause is None:
                continue
            row = {"doc_id": context.doc_id, "clause_id": clause.clause_id, "start": hit.start, "end": hit.end}
            row.update({name: getattr(hit, name) for name in _TARGET_FIELDS})
            rows["targets"].append(row)
        roles = {(year.start, year.end): year.role for year in table.header_years}
        for row in rows["dates"]:
            if (row["start"], row["end"]) in roles:
                row["role"] = roles[(row["start"], row["end"])]
    rows["targets"].sort(key=lambda row: row["start"])


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


def _hit_fields(table: str) -> tuple[str, ...]:
    """The columns of ``table`` a hit gives by its attribute of the same name: all but where the hit is."""
    return tuple(name for name in SCHEMAS[table].names if name not in ("doc_id", "clause_id", "start", "end"))


_TARGET_FIELDS = _hit_fields("targets")
_DATE_FIELDS = _hit_fields("dates")
_PARTY_FIELDS = _hit_fields("parties")


def _row(context: DocumentContext, clause: Clause, to_document, hit, fields: tuple[str, ...]) -> dict:
    row = {"doc_id": context.doc_id, "clause_id": clause.clause_id,
           "start": to_document(hit.start), "end": to_document(hit.end - 1) + 1}
    for name in fields:
        value = getattr(hit, name)
        if name.endswith("_date") and isinstance(value, str):
            value = date.fromisoformat(value)
        row[name] = value
    return row


def own_offset_map(clause: Clause):
    """Offset in the clause's own text -> offset in the document's canonical text."""
    pieces = []
    position = 0
    for start, end in clause.spans:
        if end > start:
            pieces.append((position, start, end - start))
            position += end - start + 1  # the "\n" that joins the pieces

    def to_document(offset: int) -> int:
        for own_start, doc_start, length in reversed(pieces):
            if offset >= own_start:
                return doc_start + min(offset - own_start, length)
        return clause.start

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

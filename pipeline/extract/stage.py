"""Run the spaCy pipeline over a document's clauses; spans become table rows.

Each clause is read on its own text, with the context a reader brings to it:
the document's year (for 今年, and to tell a past figure from a goal), the
到YYYY年 scope of its enclosing clauses, and whether its section reports the
past (发展基础).  Offsets in the rows are offsets into the canonical text of
the whole document.
"""

from __future__ import annotations

import re
from datetime import date
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.clauses import CLOSING_ID, PREAMBLE_ID, Clause
from pipeline.extract.dates import find_dates
from pipeline.extract.parties import Gazetteer, document_home, issuer_parties
from pipeline.terms import clause_terms

_PAST_SECTION = re.compile(r"发展基础|发展现状|基本情况|现状与形势|发展成效|主要成就|工作成效")


@dataclass(frozen=True)
class DocumentContext:
    """What the extractors need to know about the document as a whole."""

    doc_id: str
    reference_year: int | None
    issuer: str | None
    title: str


def extract_rows(
    nlp: Language, gazetteer: Gazetteer, canonical: str, clauses: Sequence[Clause], context: DocumentContext
) -> dict[str, list[dict]]:
    """The targets, dates, parties and terms rows of one document.

    Terms rows carry counts only; their TF-IDF weight needs the whole corpus
    (:func:`pipeline.terms.weight_terms`).
    """
    by_id = {clause.clause_id: clause for clause in clauses}
    home = document_home(context.issuer, context.title, gazetteer,
                         getattr(context, "province", None), getattr(context, "city", None))
    docs = []
    for clause in clauses:
        doc = nlp.make_doc(clause.own_text(canonical))
        doc.user_data.update({
            "reference_year": context.reference_year,
            "deadline_year": _scope_deadline(clause, by_id, canonical, context.reference_year),
            "default_kind": "baseline" if _reports_the_past(clause, by_id) else "target",
            "party_home": home,
        })
        docs.append(doc)
    rows: dict[str, list[dict]] = {"targets": [], "dates": [], "parties": [], "terms": []}
    issuer_names = {hit.name for hit in issuer_parties(context.issuer or "", gazetteer)}
    for clause, doc in zip(clauses, nlp.pipe(docs)):
        to_document = own_offset_map(clause)
        for span in doc.spans["targets"]:
            rows["targets"].append(_row(context, clause, to_document, span._.record, _TARGET_FIELDS))
        for span in doc.spans["dates"]:
            rows["dates"].append(_row(context, clause, to_document, span._.record, _DATE_FIELDS))
        for span in doc.spans["parties"]:
            hit = span._.record
            row = _row(context, clause, to_document, hit, _PARTY_FIELDS)
            if _is_issuer_mention(clause, doc.text, hit, issuer_names):
                row["role"] = "issuer"
            rows["parties"].append(row)
        for term, count, start, end in clause_terms((token.text, token.idx) for token in doc):
            rows["terms"].append({"doc_id": context.doc_id, "clause_id": clause.clause_id, "term": term,
                                  "count": count, "start": to_document(start), "end": to_document(end - 1) + 1})
    return rows


_TARGET_FIELDS = ("text", "indicator", "comparator", "value", "value_max", "unit", "value_base", "base_unit",
                  "deadline_year", "kind")
_DATE_FIELDS = ("text", "kind", "role", "start_date", "end_date", "duration_min_years", "duration_max_years")
_PARTY_FIELDS = ("text", "name", "kind", "role", "name_en")


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


def _ancestors(clause: Clause, by_id: dict[str, Clause]) -> Iterator[Clause]:
    parent_id = clause.parent_id
    while parent_id is not None and parent_id in by_id:
        parent = by_id[parent_id]
        yield parent
        parent_id = parent.parent_id


def _scope_deadline(clause: Clause, by_id: dict[str, Clause], canonical: str, reference_year: int | None) -> int | None:
    """The 到YYYY年 scope an enclosing clause sets for its children (Jiangxi's bullets under 到2025年)."""
    for ancestor in _ancestors(clause, by_id):
        years = [
            int(hit.start_date[:4])
            for hit in find_dates(ancestor.own_text(canonical), reference_year)
            if hit.role == "deadline" and hit.start_date
        ]
        if years:
            return years[-1]
    return None


def _reports_the_past(clause: Clause, by_id: dict[str, Clause]) -> bool:
    chain = [clause, *_ancestors(clause, by_id)]
    return any(c.kind == "section" and _PAST_SECTION.search(c.heading) for c in chain)


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
    return "关于" in line or line == hit.text or re.fullmatch(r"[\u4e00-\u9fff() ]+", line) is not None

"""Table schemas, declared once, and the rows that must match them.

Rows become tables through :func:`columns_to_table` (one list per column, as
the extract stage gathers them) or :func:`to_table` (rows as dicts), which
end in the same conversion; both refuse columns (keys) that are not exactly
the declared ones, so drift fails loudly. Tables are
written with fixed settings by :class:`pipeline.store.assembly.TableAssembler` into
temporary files, which :func:`pipeline.store.files.switch_files` puts in place as
one set: a reader sees the old tables or the new ones, never half of one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import SchemaDriftError
from pipeline.store.files import CORPUS_TABLES, DOCUMENT_TABLES  # the tables' names, declared with the data folder's layout

if TYPE_CHECKING:
    import pandas as pd

DOCUMENTS = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("source_file", pa.string(), nullable=False),
    pa.field("source_sha256", pa.string(), nullable=False),
    pa.field("encoding", pa.string(), nullable=False),
    pa.field("title", pa.string()),
    pa.field("issuer", pa.string()),
    pa.field("doc_number", pa.string()),
    pa.field("issue_date", pa.date32()),
    pa.field("publish_date", pa.date32()),
    pa.field("recipients", pa.string()),
    pa.field("effective_date", pa.date32()),
    pa.field("bundled_title", pa.string()),
    pa.field("source", pa.string()),
    pa.field("province", pa.string()),
    pa.field("city", pa.string()),
    pa.field("admin_level", pa.string()),
    pa.field("genre", pa.string()),
    pa.field("script", pa.string(), nullable=False),
    pa.field("variant", pa.string(), nullable=False),
    pa.field("n_chars", pa.int32(), nullable=False),
    pa.field("n_clauses", pa.int32(), nullable=False),
    pa.field("dropped_chars", pa.map_(pa.string(), pa.int32())),
    pa.field("warnings", pa.list_(pa.string())),
    pa.field("pipeline_version", pa.string(), nullable=False),
])

CLAUSES = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("clause_id", pa.string(), nullable=False),
    pa.field("parent_id", pa.string()),
    pa.field("level", pa.int8(), nullable=False),
    pa.field("kind", pa.string(), nullable=False),
    pa.field("label", pa.string(), nullable=False),
    pa.field("number", pa.int32()),
    pa.field("heading", pa.string(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("text_original", pa.string(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("seq", pa.int32(), nullable=False),
])

_POINTER = [
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("clause_id", pa.string(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
]

TARGETS = pa.schema(_POINTER + [
    pa.field("indicator", pa.string(), nullable=False),
    pa.field("comparator", pa.string(), nullable=False),
    pa.field("value", pa.float64(), nullable=False),
    pa.field("value_max", pa.float64()),
    pa.field("unit", pa.string(), nullable=False),
    pa.field("value_base", pa.float64()),
    pa.field("base_unit", pa.string()),
    pa.field("deadline_year", pa.int16()),
    pa.field("kind", pa.string(), nullable=False),
    pa.field("per", pa.string()),
    pa.field("indicator_id", pa.string()),
    pa.field("indicator_en", pa.string()),
])

DATES = pa.schema(_POINTER + [
    pa.field("kind", pa.string(), nullable=False),
    pa.field("role", pa.string(), nullable=False),
    pa.field("start_date", pa.date32()),
    pa.field("end_date", pa.date32()),
    pa.field("duration_min_years", pa.float64()),
    pa.field("duration_max_years", pa.float64()),
    pa.field("duration_value", pa.float64()),
    pa.field("duration_unit", pa.string()),
])

# The values of parties.kind and parties.role (README: the roles table); the
# extractor and the validator read them from here.
PARTY_KINDS = ("government", "party_organ", "region", "enterprise", "financial", "institution")
PARTY_ROLES = ("issuer", "addressee", "lead", "responsible", "support", "actor", "mentioned")

PARTIES = pa.schema(_POINTER + [
    pa.field("name", pa.string(), nullable=False),
    pa.field("kind", pa.string(), nullable=False, metadata={"values": "|".join(PARTY_KINDS)}),
    pa.field("role", pa.string(), nullable=False, metadata={"values": "|".join(PARTY_ROLES)}),
    pa.field("name_en", pa.string()),
])

TERMS = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("clause_id", pa.string(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("term", pa.string(), nullable=False),
    pa.field("count", pa.int32(), nullable=False),
    pa.field("tfidf", pa.float64(), nullable=False),
])

THEMES = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("clause_id", pa.string(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("theme", pa.string(), nullable=False),
    pa.field("theme_zh", pa.string(), nullable=False),
    pa.field("score", pa.float64(), nullable=False),
    pa.field("hits", pa.int32(), nullable=False),
    pa.field("rank", pa.int8(), nullable=False),
    pa.field("keywords", pa.list_(pa.string()), nullable=False),
])

THEME_SHARES = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("theme", pa.string(), nullable=False),
    pa.field("theme_zh", pa.string(), nullable=False),
    pa.field("theme_en", pa.string(), nullable=False),
    pa.field("n_clauses", pa.int32(), nullable=False),
    pa.field("share", pa.float64(), nullable=False),
])

ALIGNMENTS = pa.schema([
    pa.field("doc_a", pa.string(), nullable=False),
    pa.field("clause_a", pa.string(), nullable=False),
    pa.field("doc_b", pa.string(), nullable=False),
    pa.field("clause_b", pa.string(), nullable=False),
    pa.field("score", pa.float64(), nullable=False),
    pa.field("shared_text", pa.string(), nullable=False),
    pa.field("shared_chars", pa.int32(), nullable=False),
    pa.field("shared_start_a", pa.int32(), nullable=False),
    pa.field("shared_end_a", pa.int32(), nullable=False),
    pa.field("shared_start_b", pa.int32(), nullable=False),
    pa.field("shared_end_b", pa.int32(), nullable=False),
    pa.field("reuse", pa.bool_(), nullable=False),
    pa.field("reuse_chars", pa.int32(), nullable=False),
])

SCHEMAS: Mapping[str, pa.Schema] = {
    "documents": DOCUMENTS, "clauses": CLAUSES, "targets": TARGETS, "dates": DATES, "parties": PARTIES,
    "terms": TERMS, "themes": THEMES, "theme_shares": THEME_SHARES, "alignments": ALIGNMENTS,
}
SORT_KEYS: Mapping[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "clauses": ("doc_id", "seq"),
    "targets": ("doc_id", "start", "end"),
    "dates": ("doc_id", "start", "end"),
    "parties": ("doc_id", "start", "end"),
    "terms": ("doc_id", "start", "end", "term"),
    "themes": ("doc_id", "start", "clause_id", "rank"),
    "theme_shares": ("doc_id", "theme"),
    "alignments": ("doc_a", "doc_b", "clause_a", "clause_b"),
}


# A document's own part of each table (data/interim): terms have counts but no
# weights yet, since a weight depends on every document.
PART_SCHEMAS: Mapping[str, pa.Schema] = {
    name: SCHEMAS[name].remove(SCHEMAS[name].get_field_index("tfidf")) if name == "terms" else SCHEMAS[name]
    for name in DOCUMENT_TABLES
}


def part_table(name: str, rows: Sequence[Mapping[str, object]]) -> pa.Table:
    """One document's rows (dicts) as a table of its part schema, in the table's sort order."""
    return to_table(name, rows, PART_SCHEMAS[name])


def to_table(name: str, rows: Sequence[Mapping[str, object]], schema: pa.Schema | None = None) -> pa.Table:
    """Rows (dicts) as a table of the declared schema ``name``, in its sort order.

    Every row must have exactly the schema's columns: a misspelled or missing
    key (``deadlin_year``) raises :class:`SchemaDriftError` instead of
    leaving a column silently null. A null value is written as ``None``.
    """
    schema = schema or SCHEMAS[name]
    expected = set(schema.names)
    for number, row in enumerate(rows):
        if row.keys() != expected:
            raise SchemaDriftError(name, number, sorted(row.keys() - expected), sorted(expected - row.keys()))
    return _table_of_tuples(name, list(map(itemgetter(*schema.names), rows)), schema)


def columns_to_table(name: str, columns: Mapping[str, Sequence[object]], schema: pa.Schema | None = None) -> pa.Table:
    """Rows given as one list per column as a table of the declared schema ``name``, in its sort order.

    The columns must be exactly the schema's (:class:`SchemaDriftError`
    otherwise, naming row 0) and of one length (``ValueError``). A null is
    ``None``, a date a ``datetime.date``.
    """
    schema = schema or SCHEMAS[name]
    if columns.keys() != set(schema.names):
        raise SchemaDriftError(name, 0, sorted(columns.keys() - set(schema.names)),
                               sorted(set(schema.names) - columns.keys()))
    return _table_of_tuples(name, list(zip(*(columns[column] for column in schema.names), strict=True)), schema)


def _table_of_tuples(name: str, rows: list[tuple], schema: pa.Schema) -> pa.Table:
    """Rows as tuples of the schema's columns -> the table, in the table's sort order.

    The rows are sorted in Python (stable: rows that tie keep the order they
    came in; a document's rows mostly come in order, which costs one pass),
    then become one struct array of the schema's columns in compiled code:
    each column is made once, of its declared type, in one call for the
    whole table (a call per column costs more on the small tables than the
    values do), then the struct is split into its columns.
    """
    rows.sort(key=_sort_key(schema, SORT_KEYS[name]))
    return pa.Table.from_arrays(pa.array(rows, _row_type(schema)).flatten(), schema=schema)


@cache  # a schema is hashable; its row type and sort key are asked for once per table of every document
def _row_type(schema: pa.Schema) -> pa.StructType:
    return pa.struct(schema)


@cache
def _sort_key(schema: pa.Schema, keys: tuple[str, ...]) -> itemgetter:
    return itemgetter(*(schema.names.index(key) for key in keys))


def frame_to_table(name: str, frame: "pd.DataFrame", schema: pa.Schema | None = None) -> pa.Table:
    """A data frame as a table of the declared schema ``name``, in its sort order, without per-row dicts.

    The frame's columns must be exactly the schema's (:class:`SchemaDriftError` otherwise),
    as with :func:`to_table`; this is the path for large tables built column-wise (alignments).
    """
    schema = schema or SCHEMAS[name]
    if set(frame.columns) != set(schema.names):
        raise SchemaDriftError(name, 0, sorted(set(frame.columns) - set(schema.names)),
                               sorted(set(schema.names) - set(frame.columns)))
    ordered = frame.sort_values(list(SORT_KEYS[name]), kind="stable") if len(frame) else frame
    return pa.Table.from_pandas(ordered[schema.names], schema=schema, preserve_index=False)


def read_table(path: Path) -> pa.Table:
    """Read a table written by :class:`pipeline.store.assembly.TableAssembler`."""
    return pq.read_table(path)


# --- The codebook: what each table and column means ---------------------------------------------
# Declared here, beside the schemas, once: pipeline/codebook.py turns them into
# data/datapackage.json, the CSV/Stata/Excel exports use them as labels, and
# tests/test_codebook.py fails, naming the column, when a column of SCHEMAS has
# no description here (or a description names a column that is gone). A new
# column needs a line here in the same commit.

TABLE_DESCRIPTIONS: Mapping[str, str] = {
    "documents": "One row per document of the corpus: where it came from, its metadata and its size.",
    "clauses": "One row per clause of the numbered clause tree of each document, in reading order.",
    "targets": "One row per quantitative goal, reported past figure or policy parameter found in a clause.",
    "dates": "One row per date, period or duration found in a clause, with its role.",
    "parties": "One row per mention of an organization or place that acts or is addressed.",
    "terms": "Jieba-segmented terms per clause, with counts and TF-IDF weights over every clause.",
    "themes": "The themes of the bilingual taxonomy each clause is about, ranked.",
    "theme_shares": "Document x theme: the share of each document's text given to each theme.",
    "alignments": ("Clause pairs of different documents that say the same thing, with the longest shared passage. "
                   "A text copied into more than 11 documents: its copies in the first 11 (doc_id order) are paired "
                   "with each other, every later copy with the text's first clause only."),
}

_SPAN_DESCRIPTIONS = {
    "doc_id": "The document (documents.doc_id).",
    "clause_id": "The clause the row lies in (clauses.clause_id within the document).",
    "start": "Offset of the first character of the match in the document's canonical text.",
    "end": "Offset after the last character of the match in the document's canonical text.",
    "text": "The matched words, as they stand in the canonical text (text == canonical[start:end]).",
}

COLUMN_DESCRIPTIONS: Mapping[str, Mapping[str, str]] = {
    "documents": {
        "doc_id": "Identifier of the document: its path under the input folder, ending included, / between folders (000_df46c3d2f2ee2b45.txt); unique in the corpus, the same on every run and machine.",
        "source_file": "The file the document was read from, relative to the corpus folder.",
        "source_sha256": "SHA-256 of the file's bytes.",
        "encoding": "What was read: the text encoding (utf-8, gb18030, cp950, ...), html:<encoding>, markdown:<encoding>, pdf or docx.",
        "title": "The document's title, canonical Simplified; a crawler header's when the text has none; null if none.",
        "issuer": "The issuing body or bodies (、-joined): the title's part before 关于/印发, else the signature, a decree, the adopting congress.",
        "doc_number": "The document number as printed (川府发〔2019〕20号, 国务院令第716号); null when none is given.",
        "issue_date": "The signature date (成文日期).",
        "publish_date": "The publication date a header gives (web page, gov.cn block, news byline), else a regulation's 公布 date.",
        "recipients": "The addressee line, without its colon.",
        "effective_date": "When the document takes effect (自2021年3月1日起施行); 自公布之日起施行 gives the publish date.",
        "bundled_title": "The document a notice issues or transmits: 关于印发《X》的通知 gives X; null otherwise.",
        "source": "Where the text was collected from: a header's URL (来源, 原文链接) or a news byline's agency.",
        "province": "The issuer's province-level division (上海市, 湖北省), from resources/divisions.csv; null if national.",
        "city": "The issuer's prefecture- or county-level city (中山市, 潜江市); null above city level.",
        "admin_level": "The issuer's level: national, provincial, prefecture or county.",
        "genre": "The kind of document by its title (意见, 实施意见, 规划, 行动方案, 办法, 条例, 政府工作报告, ...), from resources/genres.csv.",
        "script": "The script of the original: simplified or traditional.",
        "variant": "The vocabulary of the original: mainland or taiwan.",
        "n_chars": "Length of the canonical text in characters.",
        "n_clauses": "Rows of this document in clauses.",
        "dropped_chars": "Original characters dropped on purpose, counted by the rule that dropped them.",
        "warnings": "Numbering gaps and repeats, a missing clause structure, and other oddities of the document.",
        "pipeline_version": "Version of the pipeline that wrote the row.",
    },
    "clauses": {
        "doc_id": "The document (documents.doc_id).",
        "clause_id": "Dotted path of the marker numbers (三、(五) -> 3.5); 0 preamble; see docs/clause-ids.md.",
        "parent_id": "The enclosing clause's clause_id; null for top-level clauses.",
        "level": "Depth in the tree: 0 preamble, 1 section, 2 clause, 3 item, 4 subitem; a bullet is its parent's + 1.",
        "kind": "What the marker makes the clause: section, clause, item, bullet, ...",
        "label": "The marker as printed, canonical form: (十二), 1., ——.",
        "number": "The number in the marker (12 for (十二)), the bullet's rank; null otherwise.",
        "heading": "The short title at the start of the clause; empty when it has none.",
        "text": "The clause's own text, canonical, without its label and its children.",
        "text_original": "The same text as it stands in the original file (script and vocabulary as written).",
        "start": "Offset of the clause's label in the document's canonical text.",
        "end": "Offset after the end of the clause's last descendant in the canonical text.",
        "seq": "Reading order of the clause within the document, from 0.",
    },
    "targets": {
        **_SPAN_DESCRIPTIONS,
        "indicator": "What is measured (算力总规模), as written before the figure.",
        "comparator": "How the figure bounds the indicator: >= 达到/以上, > 超过, <= 不超过, < 低于, ~ 左右, range, = a bare figure.",
        "value": "The figure as written, in unit.",
        "value_max": "The upper end of a range (3—5); null otherwise.",
        "unit": "The unit as written (EFLOPS, 亿元, %, 家).",
        "value_base": "The value in base units (2万亿元 -> 2e12 CNY); null when the unit has no base.",
        "base_unit": "The base unit of value_base (CNY, FLOPS, s, count, %).",
        "deadline_year": "The year the goal is due, from the clause's 到2025年 scope; null when none is set.",
        "kind": "target (a goal), baseline (a reported past figure) or parameter (an instrument's amount).",
        "per": "What the figure is counted per, from 每家企业每年 or a trailing /年 (家/年); null when none.",
        "indicator_id": "Canonical indicator from pipeline/resources/indicators.csv (digital_economy_share_gdp); null when unknown.",
        "indicator_en": "English name of indicator_id; null exactly when indicator_id is.",
    },
    "dates": {
        **_SPAN_DESCRIPTIONS,
        "kind": ("What the expression is: date, month, month_end (6月底), year, year_end (年底), period (十四五, "
                 "上半年, 3月1日至31日), duration, datetime."),
        "role": ("What the date does: deadline (到…年, 6月底前, a time limit), baseline (截至), issued, published, "
                 "effective (自…起施行), expires (有效期至), reference."),
        "start_date": "First day the expression covers.",
        "end_date": "Last day the expression covers.",
        "duration_min_years": "For a duration, its length (lower end of a range) in years.",
        "duration_max_years": "For a duration, its length (upper end of a range) in years.",
        "duration_value": "For a duration, its length in duration_unit (the lower end of a range): 15 for 十五个工作日.",
        "duration_unit": "For a duration, its unit: 年, 月, 周, 日, 工作日, 小时 or 分钟.",
    },
    "parties": {
        **_SPAN_DESCRIPTIONS,
        "name": "Canonical name of the organization or place (省发展改革委).",
        "kind": "government, party_organ, region, enterprise, financial or institution.",
        "role": "How the clause involves it: issuer, addressee, lead 牵头, responsible 负责, support 配合, actor, mentioned.",
        "name_en": "English name: the gazetteer's official one, else composed from the name's parts.",
    },
    "terms": {
        "doc_id": "The document (documents.doc_id).",
        "clause_id": "The clause (clauses.clause_id within the document).",
        "start": "Offset of the term's first occurrence in the clause, in the canonical text.",
        "end": "Offset after the term's first occurrence in the canonical text.",
        "term": "A jieba term (stop words, single characters and numbers left out).",
        "count": "How often the clause uses the term.",
        "tfidf": "count x smoothed inverse document frequency over every clause, L2-normalised per clause.",
    },
    "themes": {
        "doc_id": "The document (documents.doc_id).",
        "clause_id": "The clause (clauses.clause_id within the document).",
        "start": "Offset of the clause in the canonical text.",
        "end": "Offset after the clause in the canonical text.",
        "theme": "Theme id from the taxonomy (pipeline/resources/themes.csv).",
        "theme_zh": "The theme's Chinese name.",
        "score": "The theme's share of the clause's keyword hits (a clause's scores sum to 1).",
        "hits": "Weighted keyword hits in the clause text, its heading and the headings above it.",
        "rank": "1 for the clause's main theme, then 2, 3, ...",
        "keywords": "The taxonomy keywords found.",
    },
    "theme_shares": {
        "doc_id": "The document (documents.doc_id).",
        "theme": "Theme id from the taxonomy.",
        "theme_zh": "The theme's Chinese name.",
        "theme_en": "The theme's English name.",
        "n_clauses": "Clauses whose main theme it is.",
        "share": "Share of the document's text given to the theme (clauses weighed by length times score).",
    },
    "alignments": {
        "doc_a": "The first document (documents.doc_id); sorts before doc_b.",
        "clause_a": "The clause of doc_a.",
        "doc_b": "The second document (documents.doc_id).",
        "clause_b": "The clause of doc_b.",
        "score": "Cosine similarity of the two clauses' TF-IDF vectors, 0 to 1.",
        "shared_text": "The longest common passage of the two clauses (exact).",
        "shared_chars": "Length of shared_text in characters.",
        "shared_start_a": "Where shared_text starts in clause_a's text (offset into clauses.text).",
        "shared_end_a": "Where shared_text ends in clause_a's text.",
        "shared_start_b": "Where shared_text starts in clause_b's text.",
        "shared_end_b": "Where shared_text ends in clause_b's text.",
        "reuse": "True when a long passage (reuse_chars >= 40) is copied near verbatim.",
        "reuse_chars": "Characters of the longest near-verbatim stretch (exact runs chained across small edits).",
    },
}


def undocumented_columns() -> list[str]:
    """``table.column`` for every column of :data:`SCHEMAS` without a description, and every stale description."""
    problems = []
    for name, schema in SCHEMAS.items():
        described = COLUMN_DESCRIPTIONS.get(name, {})
        problems += [f"{name}.{column}: no description" for column in schema.names if not described.get(column)]
        problems += [f"{name}.{column}: described but not in the schema" for column in described
                     if column not in schema.names]
        if not TABLE_DESCRIPTIONS.get(name):
            problems.append(f"{name}: no table description")
    return problems

"""One document from bytes to table rows: the one declared path every caller takes.

::

    Source ─decode─▶ Decoded ─normalize─▶ Canonical ─segment─▶ Segmented
        ─metadata─▶ Described ─themes─▶ Themed ─extract─▶ DocumentTables

Each stage is a function below, from one frozen record to the next, in the
order of :data:`STAGES`; :func:`run_document` composes them and reports each
stage's seconds to an optional ``on_stage(name, seconds)`` hook
(:mod:`pipeline.timing`). The corpus runner (:func:`pipeline.corpus.build_part`,
on every engine), the evaluators, the benchmark and the CLI call
:func:`run_document`, or :func:`segment_document` for its first three stages
(no NLP: ``policy clauses``, ``policy evaluate --structure``). What happens to
the rows afterwards (a part under ``data/interim``, the assembled tables) is
:mod:`pipeline.corpus` and :mod:`pipeline.store`.

A document's bytes are read once, when it is listed (:func:`pipeline.store.sources.read_source`),
and travel in its :class:`~pipeline.store.sources.Source` to :func:`decode`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import pyarrow as pa

from pipeline import __version__
from pipeline import clauses as clause_tree
from pipeline import normalize as normalization
from pipeline.clauses import NO_MARKERS_WARNING, ClauseTree
from pipeline.errors import NoTextError, UnreadableDocumentError
from pipeline.extract.nlp import build_nlp
from pipeline.extract.parties import Gazetteer, load_gazetteer
from pipeline.extract.stage import DocumentContext, extract_rows
from pipeline.ingest import decode_document
from pipeline.metadata import header_fields_of, read_metadata
from pipeline.normalize import Normalized, ScriptConverter
from pipeline.store.sources import Source, read_source, readable_name
from pipeline.tables import CLAUSES, DOCUMENT_TABLES, part_table
from pipeline.themes import theme_rows, theme_share_rows
from pipeline.timing import OnStage, stage

STAGES = ("decode", "normalize", "segment", "metadata", "themes", "extract")


class Toolkit:
    """What every document needs, built once per run: OpenCC converters, the spaCy pipeline, the gazetteer."""

    def __init__(self, converter: ScriptConverter | None = None) -> None:
        self.converter = converter or ScriptConverter()
        self.gazetteer: Gazetteer = load_gazetteer()
        self.nlp = build_nlp()


# --- What each stage hands the next ----------------------------------------------

@dataclass(frozen=True)
class Decoded:
    """decode: the document's text as its bytes give it, and what was read (``utf-8``, ``pdf``, ``html:gb18030``)."""

    source: Source
    source_file: str      # the file name as valid UTF-8
    text: str
    encoding: str
    markup: str | None    # markup the text is still written in (``markdown``), for normalize to drop


@dataclass(frozen=True)
class Canonical:
    """normalize: the canonical text (Simplified, mainland vocabulary, layout repaired), mapped to the original."""

    decoded: Decoded
    normalized: Normalized


@dataclass(frozen=True)
class Segmented:
    """segment: the clause tree, its ``clauses`` rows, and the document's structure warnings."""

    canonical: Canonical
    tree: ClauseTree
    clause_rows: list[dict]
    warnings: tuple[str, ...]

    @property
    def doc_id(self) -> str:
        return self.canonical.decoded.source.doc_id


@dataclass(frozen=True)
class Described:
    """metadata: the ``documents`` row, and what the extractors need to know of the whole document."""

    segmented: Segmented
    document_row: dict
    context: DocumentContext


@dataclass(frozen=True)
class Themed:
    """themes: the ``themes`` and ``theme_shares`` rows of the document's clauses."""

    described: Described
    theme_rows: list[dict]
    theme_share_rows: list[dict]


@dataclass(frozen=True)
class DocumentTables:
    """extract: every table one document gives, with the text and clause tree the rows point into.

    ``tables`` maps each of :data:`pipeline.tables.DOCUMENT_TABLES` to an Arrow
    table of its part schema (:data:`pipeline.tables.PART_SCHEMAS`: terms carry
    counts; their weights need the whole corpus), in the table's sort order.
    """

    doc_id: str
    source_file: str
    normalized: Normalized
    tree: ClauseTree
    tables: Mapping[str, pa.Table]
    warnings: tuple[str, ...]

    @property
    def has_markers(self) -> bool:
        return NO_MARKERS_WARNING not in self.warnings

    def to_arrow(self) -> dict[str, pa.Table]:
        """The tables, each in its table's sort order (a new dict: the caller may replace a table in it)."""
        return dict(self.tables)

    @cached_property
    def rows(self) -> dict[str, list[dict]]:
        """The tables' rows as dicts, in the tables' order, for readers that score or show rows (the evaluators).

        Read from the tables, so they are the rows that are written: dates are
        ``datetime.date``, a null is ``None``, a map is a list of pairs.
        """
        return {name: table.to_pylist() for name, table in self.tables.items()}


# --- The path ---------------------------------------------------------------------

def run_document(source: Source | Path, toolkit: Toolkit, *, seeds_dir: Path | None = None,
                 on_stage: OnStage | None = None) -> DocumentTables:
    """Every table row of one document: each stage of :data:`STAGES` in turn.

    ``source`` is a listed :class:`~pipeline.store.sources.Source` (its bytes read
    already), or a file path, read here with its doc_id taken under
    ``seeds_dir``. ``on_stage(name, seconds)`` is called as each stage ends.

    Raises:
        PipelineError: the document could not be read, or holds no text.
    """
    segmented = segment_document(source, toolkit.converter, seeds_dir=seeds_dir, on_stage=on_stage)
    with stage(on_stage, "metadata"):
        described = metadata(segmented)
    with stage(on_stage, "themes"):
        themed = themes(described)
    with stage(on_stage, "extract"):
        return extract(themed, toolkit)


def segment_document(source: Source | Path, converter: ScriptConverter, *, seeds_dir: Path | None = None,
                     on_stage: OnStage | None = None) -> Segmented:
    """The first stages of :func:`run_document`, up to the clause rows: decode, normalize, segment (no NLP).

    ``policy clauses`` and the structure evaluator stop here, so they see
    exactly the clause rows the tables get.

    Raises:
        PipelineError: the document could not be read, or holds no text.
    """
    if not isinstance(source, Source):
        source = read_source(source, seeds_dir)
    with stage(on_stage, "decode"):
        decoded = decode(source)
    with stage(on_stage, "normalize"):
        canonical = normalize(decoded, converter)
    with stage(on_stage, "segment"):
        return segment(canonical)


# --- The stages ---------------------------------------------------------------------

def decode(source: Source) -> Decoded:
    """Bytes -> text, whatever the container (:func:`pipeline.ingest.decode_document`).

    A source listed without its bytes (past ``config.KEPT_SOURCE_BYTES``) is
    read now, and must still have the sha256 it was listed with.

    Raises:
        PipelineError: the bytes are empty, binary, undecodable, a damaged container, too large.
    """
    data = source.data
    if data is None:
        again = read_source(source.path)
        if again.sha256 != source.sha256:
            raise UnreadableDocumentError(source.path, "it changed while the run was reading it; run again")
        data = again.data
    text = decode_document(data, source.path)
    return Decoded(source, readable_name(source.path.name), text.text, text.encoding, text.markup)


def normalize(decoded: Decoded, converter: ScriptConverter) -> Canonical:
    """Text -> canonical text with its offset map (:func:`pipeline.normalize.normalize`).

    Raises:
        NoTextError: nothing is left once layout, markup and headers are taken out.
    """
    normalized = normalization.normalize(decoded.text, converter, decoded.markup)
    if not normalized.text.strip():
        raise NoTextError(decoded.source.path)
    return Canonical(decoded, normalized)


# Columns of a ``clauses`` row read off the clause as they are; ``text`` and
# ``text_original`` are cut from the canonical and original texts.
_CLAUSE_ATTRIBUTES = tuple(name for name in CLAUSES.names if name not in ("doc_id", "text", "text_original"))


def segment(canonical: Canonical) -> Segmented:
    """Canonical text -> clause tree (:func:`pipeline.clauses.segment`) and one ``clauses`` row per clause."""
    normalized = canonical.normalized
    text = normalized.text
    tree = clause_tree.segment(text)
    doc_id = canonical.decoded.source.doc_id
    rows = [{"doc_id": doc_id, **{name: getattr(clause, name) for name in _CLAUSE_ATTRIBUTES},
             "text": clause.own_text(text),
             "text_original": "\n".join(normalized.original_text(s, e) for s, e in clause.spans if e > s)}
            for clause in tree.clauses]
    warnings = tree.warnings if tree.has_markers else (*tree.warnings, NO_MARKERS_WARNING)
    return Segmented(canonical, tree, rows, warnings)


def metadata(segmented: Segmented) -> Described:
    """The document's own facts (:func:`pipeline.metadata.read_metadata`) -> its ``documents`` row."""
    normalized = segmented.canonical.normalized
    decoded = segmented.canonical.decoded
    facts = read_metadata(normalized.text, segmented.tree,
                          header_fields_of(normalized.original, normalized.mapped.dropped))
    row = {
        "doc_id": decoded.source.doc_id,
        "source_file": decoded.source_file,
        "source_sha256": decoded.source.sha256,
        "encoding": decoded.encoding,
        **asdict(facts),  # title, issuer, doc_number, dates, recipients, ... : named as their columns
        "script": normalized.script,
        "variant": normalized.variant,
        "n_chars": len(normalized.text),
        "n_clauses": len(segmented.clause_rows),
        "dropped_chars": _dropped_chars(normalized),
        "warnings": list(segmented.warnings),
        "pipeline_version": __version__,
    }
    dated = facts.issue_date or facts.publish_date
    context = DocumentContext(segmented.doc_id, dated.year if dated else None, facts.issuer, facts.title,
                              facts.issue_date.isoformat() if facts.issue_date else None,
                              facts.publish_date.isoformat() if facts.publish_date else None, facts.genre)
    return Described(segmented, row, context)


def themes(described: Described) -> Themed:
    """The themes of each clause, by the taxonomy's keywords (:mod:`pipeline.themes`), and the document's shares."""
    clause_rows = described.segmented.clause_rows
    themed = theme_rows(clause_rows)
    return Themed(described, themed, theme_share_rows(clause_rows, themed))


def extract(themed: Themed, toolkit: Toolkit) -> DocumentTables:
    """The spaCy pipeline over each clause (:func:`pipeline.extract.stage.extract_rows`): targets, dates, parties, terms."""
    described = themed.described
    segmented = described.segmented
    canonical = segmented.canonical
    rows = {"documents": [described.document_row], "clauses": segmented.clause_rows,
            "themes": themed.theme_rows, "theme_shares": themed.theme_share_rows}
    tables = {name: part_table(name, table_rows) for name, table_rows in rows.items()}
    tables.update(extract_rows(toolkit.nlp, toolkit.gazetteer, canonical.normalized.text, segmented.tree.clauses,
                               described.context))
    return DocumentTables(segmented.doc_id, canonical.decoded.source_file, canonical.normalized, segmented.tree,
                          {name: tables[name] for name in DOCUMENT_TABLES}, segmented.warnings)


def _dropped_chars(normalized: Normalized) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for drop in normalized.mapped.dropped:
        totals[drop.rule] = totals.get(drop.rule, 0) + drop.end - drop.start
    return sorted(totals.items())

"""One document from file to table rows.

This is the path a reader follows: ingest -> normalize -> segment ->
metadata -> extract -> rows. A whole folder to tables is :mod:`pipeline.corpus`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.clauses import NO_MARKERS_WARNING, ClauseTree, segment
from pipeline.errors import NoTextError
from pipeline.extract.nlp import build_nlp
from pipeline.extract.parties import Gazetteer, load_gazetteer
from pipeline.extract.stage import DocumentContext, extract_rows
from pipeline.ingest import decode_document
from pipeline.metadata import header_fields_of, read_metadata
from pipeline.normalize import Normalized, ScriptConverter, normalize
from pipeline.store import doc_id_for, list_sources, readable_name
from pipeline.themes import theme_rows, theme_share_rows



class Toolkit:
    """What every document needs, built once per run: OpenCC converters, the spaCy pipeline, the gazetteer."""

    def __init__(self, converter: ScriptConverter | None = None) -> None:
        self.converter = converter or ScriptConverter()
        self.gazetteer: Gazetteer = load_gazetteer()
        self.nlp = build_nlp()


@dataclass(frozen=True)
class DocumentResult:
    """The rows one document contributes to each table."""

    doc_id: str
    source_file: str
    rows: dict[str, list[dict]]
    warnings: tuple[str, ...]

    @property
    def has_markers(self) -> bool:
        return NO_MARKERS_WARNING not in self.warnings


def list_documents(seeds_dir: Path) -> list[Path]:
    """The document files under a folder, in doc_id order (files that cannot be listed are left out)."""
    return [source.path for source in list_sources(seeds_dir)[0]]


def normalize_file(path: Path, converter: ScriptConverter) -> tuple[bytes, str, Normalized]:
    """Read and normalize one file: its bytes, the encoding used and the canonical text."""
    data = Path(path).read_bytes()
    decoded = decode_document(data, path)
    normalized = normalize(decoded.text, converter, decoded.markup)
    if not normalized.text.strip():
        raise NoTextError(path)
    return data, decoded.encoding, normalized


@dataclass(frozen=True)
class Analysis:
    """One document worked through: canonical text, clause tree, metadata and every table row."""

    normalized: Normalized
    tree: ClauseTree
    result: DocumentResult


@dataclass(frozen=True)
class Described:
    """A segmented document's own facts: its id, its ``documents`` row, its clause rows and what the extractors need."""

    doc_id: str
    document: dict
    clause_rows: list[dict]
    context: DocumentContext
    warnings: tuple[str, ...]


def describe_document(path: Path, seeds_dir: Path | None, data: bytes, encoding: str,
                      normalized: Normalized, tree: ClauseTree) -> Described:
    """The ``documents`` and ``clauses`` rows of a segmented document, and its metadata for the extractors."""
    doc_id = doc_id_for(Path(path), seeds_dir)
    warnings = list(tree.warnings)
    if not tree.has_markers:
        warnings.append(NO_MARKERS_WARNING)
    clause_rows = list(_clause_rows(doc_id, normalized, tree))
    meta = read_metadata(normalized.text, tree, header_fields_of(normalized.original, normalized.mapped.dropped))
    document = {
        "doc_id": doc_id,
        "source_file": readable_name(Path(path).name),
        "source_sha256": hashlib.sha256(data).hexdigest(),
        "encoding": encoding,
        "title": meta.title,
        "issuer": meta.issuer,
        "doc_number": meta.doc_number,
        "issue_date": meta.issue_date,
        "publish_date": meta.publish_date,
        "recipients": meta.recipients,
        "effective_date": meta.effective_date,
        "bundled_title": meta.bundled_title,
        "source": meta.source,
        "province": meta.province,
        "city": meta.city,
        "admin_level": meta.admin_level,
        "genre": meta.genre,
        "script": normalized.script,
        "variant": normalized.variant,
        "n_chars": len(normalized.text),
        "n_clauses": len(clause_rows),
        "dropped_chars": _dropped_chars(normalized),
        "warnings": warnings,
        "pipeline_version": __version__,
    }
    dated = meta.issue_date or meta.publish_date
    context = DocumentContext(doc_id, dated.year if dated else None, meta.issuer, meta.title,
                              meta.issue_date.isoformat() if meta.issue_date else None,
                              meta.publish_date.isoformat() if meta.publish_date else None)
    return Described(doc_id, document, clause_rows, context, tuple(warnings))


def theme_tables(clause_rows: list[dict]) -> dict[str, list[dict]]:
    """The ``themes`` and ``theme_shares`` rows of one document's clauses."""
    themes = theme_rows(clause_rows)
    return {"themes": themes, "theme_shares": theme_share_rows(clause_rows, themes)}


def segment_file(path: Path, converter: ScriptConverter,
                 seeds_dir: Path | None = None) -> tuple[Normalized, ClauseTree, Described]:
    """Read, normalize and segment one file: the part of :func:`analyse_document` that needs no NLP.

    The structure evaluator calls it, so it scores exactly the clause rows the tables get.

    Raises:
        PipelineError: the file could not be read or holds no text.
    """
    data, encoding, normalized = normalize_file(path, converter)
    tree = segment(normalized.text)
    return normalized, tree, describe_document(path, seeds_dir, data, encoding, normalized, tree)


def analyse_document(path: Path, toolkit: Toolkit, seeds_dir: Path | None = None) -> Analysis:
    """Work one document through every stage, keeping the intermediate results.

    Raises:
        PipelineError: the file could not be read or holds no text.
    """
    normalized, tree, described = segment_file(path, toolkit.converter, seeds_dir)
    rows = {"documents": [described.document], "clauses": described.clause_rows}
    rows.update(theme_tables(described.clause_rows))
    rows.update(extract_rows(toolkit.nlp, toolkit.gazetteer, normalized.text, tree.clauses, described.context))
    return Analysis(normalized, tree, DocumentResult(described.doc_id, readable_name(Path(path).name), rows,
                                                     described.warnings))


def process_document(path: Path, toolkit: Toolkit, seeds_dir: Path | None = None) -> DocumentResult:
    """Every table row of one document.

    Raises:
        PipelineError: the file could not be read or holds no text.
    """
    return analyse_document(path, toolkit, seeds_dir).result


def _clause_rows(doc_id: str, normalized: Normalized, tree: ClauseTree) -> Iterator[dict]:
    canonical = normalized.text
    for clause in tree.clauses:
        yield {
            "doc_id": doc_id,
            "clause_id": clause.clause_id,
            "parent_id": clause.parent_id,
            "level": clause.level,
            "kind": clause.kind,
            "label": clause.label,
            "number": clause.number,
            "heading": clause.heading,
            "text": clause.own_text(canonical),
            "text_original": "\n".join(normalized.original_text(s, e) for s, e in clause.spans if e > s),
            "start": clause.start,
            "end": clause.end,
            "seq": clause.seq,
        }


def _dropped_chars(normalized: Normalized) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for drop in normalized.mapped.dropped:
        totals[drop.rule] = totals.get(drop.rule, 0) + drop.end - drop.start
    return sorted(totals.items())

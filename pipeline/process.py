"""One document from file to table rows, and a whole folder to tables.

This is the path a reader follows: ingest -> normalize -> segment ->
metadata -> rows -> write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline import __version__, config
from pipeline.clauses import ClauseTree, segment
from pipeline.compare import ClauseComparer
from pipeline.errors import NoTextError, PipelineError
from pipeline.extract.nlp import build_nlp
from pipeline.extract.parties import Gazetteer, load_gazetteer
from pipeline.extract.stage import DocumentContext, extract_rows
from pipeline.ingest import decode_bytes
from pipeline.metadata import read_metadata
from pipeline.normalize import Normalized, ScriptConverter, normalize
from pipeline.tables import DOCUMENT_TABLES, SCHEMAS, to_table, write_table
from pipeline.terms import weight_terms
from pipeline.themes import theme_rows, theme_share_rows

NO_MARKERS_WARNING = "no clause markers: the whole text is kept as one preamble clause"


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


@dataclass
class CorpusReport:
    """What a run over a folder did: documents done, and files that failed with why."""

    results: list[DocumentResult] = field(default_factory=list)
    failures: list[PipelineError] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def flagged(self) -> list[DocumentResult]:
        return [result for result in self.results if not result.has_markers]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.flagged


def list_documents(seeds_dir: Path) -> list[Path]:
    """The document files in a folder, in a stable order."""
    return sorted(
        path for path in Path(seeds_dir).iterdir()
        if path.is_file() and not path.name.startswith(".") and path.suffix.lower() in config.DOCUMENT_SUFFIXES
    )


def doc_id_for(path: Path, seeds_dir: Path | None = None) -> str:
    """A document's id: its file name without the ending (seed names are unique)."""
    relative = path.relative_to(seeds_dir) if seeds_dir else Path(path.name)
    return relative.with_suffix("").as_posix().replace("/", "__")


def normalize_file(path: Path, converter: ScriptConverter) -> tuple[bytes, str, Normalized]:
    """Read and normalize one file: its bytes, the encoding used and the canonical text."""
    data = Path(path).read_bytes()
    decoded = decode_bytes(data, path)
    normalized = normalize(decoded.text, converter)
    if not normalized.text.strip():
        raise NoTextError(path)
    return data, decoded.encoding, normalized


@dataclass(frozen=True)
class Analysis:
    """One document worked through: canonical text, clause tree, metadata and every table row."""

    normalized: Normalized
    tree: ClauseTree
    result: DocumentResult


def analyse_document(path: Path, toolkit: Toolkit, seeds_dir: Path | None = None) -> Analysis:
    """Work one document through every stage, keeping the intermediate results.

    Raises:
        PipelineError: the file could not be read or holds no text.
    """
    data, encoding, normalized = normalize_file(path, toolkit.converter)
    tree = segment(normalized.text)
    doc_id = doc_id_for(Path(path), seeds_dir)
    warnings = list(tree.warnings)
    if not tree.has_markers:
        warnings.append(NO_MARKERS_WARNING)
    clause_rows = list(_clause_rows(doc_id, normalized, tree))
    meta = read_metadata(normalized.text, tree)
    document = {
        "doc_id": doc_id,
        "source_file": Path(path).name,
        "source_sha256": hashlib.sha256(data).hexdigest(),
        "encoding": encoding,
        "title": meta.title,
        "issuer": meta.issuer,
        "doc_number": meta.doc_number,
        "issue_date": meta.issue_date,
        "publish_date": meta.publish_date,
        "recipients": meta.recipients,
        "script": normalized.script,
        "variant": normalized.variant,
        "n_chars": len(normalized.text),
        "n_clauses": len(clause_rows),
        "dropped_chars": _dropped_chars(normalized),
        "warnings": warnings,
        "pipeline_version": __version__,
    }
    dated = meta.issue_date or meta.publish_date
    context = DocumentContext(doc_id, dated.year if dated else None, meta.issuer, meta.title)
    rows = {"documents": [document], "clauses": clause_rows, "themes": theme_rows(clause_rows)}
    rows.update(extract_rows(toolkit.nlp, toolkit.gazetteer, normalized.text, tree.clauses, context))
    return Analysis(normalized, tree, DocumentResult(doc_id, Path(path).name, rows, tuple(warnings)))


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


def extract_corpus(
    seeds_dir: Path,
    out_dir: Path,
    toolkit: Toolkit | None = None,
    progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda paths: paths,
) -> CorpusReport:
    """Process every document in ``seeds_dir`` and write the tables to ``out_dir``.

    A document that fails is reported and left out; the others are written.
    Tables are only replaced once every document has been processed.
    """
    toolkit = toolkit or Toolkit()
    report = CorpusReport()
    for path in progress(list_documents(seeds_dir)):
        try:
            report.results.append(process_document(path, toolkit, Path(seeds_dir)))
        except PipelineError as error:
            report.failures.append(error)
    rows = {name: [row for result in report.results for row in result.rows[name]] for name in DOCUMENT_TABLES}
    rows.update(compare_corpus(rows))
    for name in SCHEMAS:
        target = Path(out_dir) / f"{name}.parquet"
        write_table(to_table(name, rows[name]), target)
        report.written.append(target)
    return report


def compare_corpus(rows: dict[str, list[dict]], comparer: ClauseComparer | None = None) -> dict[str, list[dict]]:
    """The rows that need every document: term weights, theme shares and clause alignments.

    Args:
        rows: the per-document rows of every document, by table; the ``terms``
            rows get their ``tfidf`` weight in place.

    Returns:
        The ``theme_shares`` and ``alignments`` rows.
    """
    for row, weight in zip(rows["terms"], weight_terms(rows["terms"])):
        row["tfidf"] = weight
    comparer = comparer or ClauseComparer()
    clauses = pd.DataFrame(rows["clauses"], columns=list(SCHEMAS["clauses"].names))
    return {
        "theme_shares": theme_share_rows(rows["clauses"], rows["themes"]),
        "alignments": comparer.fit(clauses).align().to_dict("records"),
    }

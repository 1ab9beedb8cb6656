"""The `policy` command: a thin shell over the library."""

from __future__ import annotations

import os
import sys
import unicodedata
from pathlib import Path

import typer

from pipeline import config
from pipeline.errors import PipelineError
# Commands import what they need when they run: `policy extract` on an
# up-to-date folder must not pay for loading spaCy, scikit-learn or pandas.

app = typer.Typer(
    help="Turn Chinese policy documents into clean, comparable Parquet tables.",
    no_args_is_help=True,
    add_completion=False,
)

_OUTLINE_WIDTH = 40
_COLUMN_WIDTH = 56


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@app.command()
def extract(
    seeds_dir: Path = typer.Argument(config.DEFAULT_SEEDS_DIR, help="Folder of documents (.txt, .html, .pdf, .docx)."),
    out: Path = typer.Option(config.DEFAULT_DATA_DIR, "--out", "-o", help="Folder for the Parquet tables."),
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", "-w", min=1,
                                help="Worker processes for the documents that need processing."),
    engine: str = typer.Option("local", "--engine", help="local (this machine) or dask (a Dask cluster)."),
    scheduler: str = typer.Option(None, "--scheduler",
                                  help="Dask scheduler address (tcp://host:8786); a local cluster when omitted."),
    check: bool = typer.Option(False, "--check",
                               help="Change nothing; exit 1 when --out is not what the seeds and code produce."),
) -> None:
    """Process the documents in SEEDS_DIR and write the tables to --out, redoing only what changed.

    Example: policy extract seeds --out data --workers 2
    """
    from pipeline.corpus import ENGINES, check_corpus, extract_corpus

    if not seeds_dir.is_dir():
        _fail(f"{seeds_dir}: not a folder")
    if engine not in ENGINES:
        _fail(f"--engine must be one of {', '.join(ENGINES)}, not {engine}")
    options = {"workers": workers, "engine": engine, "scheduler": scheduler}
    if check:
        try:
            differences = check_corpus(seeds_dir, out, **options)
        except PipelineError as error:
            _fail(str(error))
        for line in differences:
            typer.echo(f"error: {line}", err=True)
        if differences:
            _fail(f"{out} is not what `policy extract {seeds_dir}` would write; run it and commit the result")
        typer.echo(f"{out} is up to date with {seeds_dir} and the code")
        return

    def progress(items, total):
        with typer.progressbar(items, length=total, label="documents", file=sys.stderr) as bar:
            yield from bar

    try:
        report = extract_corpus(seeds_dir, out, progress=progress, **options)
    except PipelineError as error:
        _fail(str(error))
    if report.up_to_date:
        typer.echo(f"{out} is up to date: {report.n_documents} documents unchanged")
    else:
        for path in report.written:
            typer.echo(f"wrote {path}")
        typer.echo(f"{report.n_documents} documents: {len(report.processed)} processed, {len(report.reused)} unchanged, "
                   f"{len(report.removed)} removed, {len(report.failures)} failed")
    for entry in report.skipped:
        typer.echo(f"note: {entry}", err=True)
    for error in report.failures:
        typer.echo(f"error: {error}", err=True)
    for source_file in report.flagged:
        typer.echo(f"error: {source_file}: no numbered clauses found (kept as one preamble clause)", err=True)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def normalize(file: Path = typer.Argument(..., help="A document file.")) -> None:
    """Print the canonical text of FILE: Simplified, mainland vocabulary, layout repaired.

    Example: policy normalize seeds/000_df46c3d2f2ee2b45.txt
    """
    from pipeline.normalize import ScriptConverter
    from pipeline.process import normalize_file

    try:
        _, _, normalized = normalize_file(file, ScriptConverter())
    except (PipelineError, OSError) as error:
        _fail(str(error))
    typer.echo(normalized.text)


@app.command()
def clauses(file: Path = typer.Argument(..., help="A document file.")) -> None:
    """Print the clause tree of FILE as an indented outline.

    Each line: label, heading (or the start of the text) and the clause_id.

    Example: policy clauses seeds/003_a8cd71ea5b437bb0.txt
    """
    from pipeline.clauses import segment
    from pipeline.normalize import ScriptConverter
    from pipeline.process import normalize_file

    try:
        _, _, normalized = normalize_file(file, ScriptConverter())
    except (PipelineError, OSError) as error:
        _fail(str(error))
    tree = segment(normalized.text)
    for clause in tree.clauses:
        text = clause.own_text(normalized.text).replace("\n", " ")
        shown = clause.heading or text[:_OUTLINE_WIDTH] + ("…" if len(text) > _OUTLINE_WIDTH else "")
        label = clause.label or f"[{clause.kind}]"
        indent = "  " * max(clause.level - 1, 0)
        typer.echo(f"{indent}{label} {shown}  [{clause.clause_id}]")
    for warning in tree.warnings:
        typer.echo(f"warning: {warning}", err=True)


@app.command()
def evaluate(
    seeds_dir: Path = typer.Argument(config.DEFAULT_SEEDS_DIR, help="Folder of the seed documents."),
    gold: Path = typer.Option(None, "--gold",
                              help=f"Folder of gold annotations (default {config.DEFAULT_GOLD_DIR}; "
                                   f"with --structure {config.DEFAULT_STRUCTURE_GOLD_DIR})."),
    show_misses: bool = typer.Option(False, "--misses", help="Also list every unmatched row."),
    structure: bool = typer.Option(False, "--structure",
                                   help="Score clause trees (ids, kinds, parents, headings) of --corpus "
                                        "documents against gold trees instead."),
    corpus: Path = typer.Option(config.DEFAULT_CORPUS_DIR, "--corpus",
                                help="With --structure: folder of the documents the gold trees describe."),
) -> None:
    """Print precision, recall and F1 of targets, dates and parties against gold annotations.

    With --structure: clause-id Jaccard, (id, kind) F1, parent and heading accuracy per document.

    Example: policy evaluate seeds --gold tests/gold --misses

    Example: policy evaluate --structure --corpus ../shared/corpus --gold tests/gold/structure
    """
    if structure:
        _evaluate_structure(corpus, gold or config.DEFAULT_STRUCTURE_GOLD_DIR, show_misses)
        return
    from pipeline.evaluate import GoldError, evaluate as run_evaluation, report_lines

    gold = gold or config.DEFAULT_GOLD_DIR
    if not gold.is_dir():
        _fail(f"{gold}: not a folder of gold annotations")
    try:
        result = run_evaluation(seeds_dir, gold)
    except (GoldError, PipelineError) as error:
        _fail(str(error))
    for line in report_lines(result):
        typer.echo(line)
    if show_misses:
        for table, doc_id, why, row in result.misses:
            typer.echo(f"{table} {doc_id} {why}: {row}")


def _evaluate_structure(corpus: Path, gold: Path, show_misses: bool) -> None:
    from pipeline.evaluate import GoldError, evaluate_structure, structure_report_lines

    if not corpus.is_dir():
        _fail(f"{corpus}: not a folder of documents")
    if not gold.is_dir() or not any(gold.glob("*.csv")):
        _fail(f"{gold}: not a folder of gold clause trees (<file stem>.csv)")
    try:
        scores = evaluate_structure(corpus, gold)
    except GoldError as error:
        _fail(str(error))
    for line in structure_report_lines(scores):
        typer.echo(line)
    if show_misses:
        for score in scores:
            for miss in score.misses:
                typer.echo(f"{score.document} {miss}")


@app.command()
def compare(
    doc_a: str = typer.Argument(..., help="A document: doc_id, its prefix, source file or label (四川 2024)."),
    doc_b: str = typer.Argument(..., help="The other document."),
    data: Path = typer.Option(config.DEFAULT_DATA_DIR, "--data", help="Folder of the tables."),
    width: int = typer.Option(_COLUMN_WIDTH, "--width", help="Characters of each clause shown per column."),
    reuse_only: bool = typer.Option(False, "--reuse", help="Only pairs copied near verbatim."),
) -> None:
    """Print the aligned clauses of two documents side by side, with score and shared passage.

    Example: policy compare 000 002
    """
    from pipeline.views import aligned_clauses, document_labels, load_tables, resolve_document

    try:
        tables = load_tables(data, ("documents", "clauses", "alignments"))
        first = resolve_document(tables["documents"], doc_a)
        second = resolve_document(tables["documents"], doc_b)
    except (PipelineError, ValueError) as error:
        _fail(str(error))
    pairs = aligned_clauses(tables, first, second)
    if reuse_only:
        pairs = pairs[pairs["reuse"]]
    labels = document_labels(tables["documents"])
    typer.echo(f"{labels[first]} ({first})  ↔  {labels[second]} ({second}): {len(pairs)} aligned clause pairs")
    for pair in pairs.itertuples(index=False):
        flag = "  REUSE" if pair.reuse else ""
        typer.echo("")
        typer.echo(f"{pair.label_a or pair.clause_a} [{pair.clause_a}]  ↔  {pair.label_b or pair.clause_b} "
                   f"[{pair.clause_b}]  score {pair.score:.2f}{flag}")
        for left, right in _side_by_side(pair.text_a, pair.text_b, width):
            typer.echo(f"  {left}  │ {right}")
        typer.echo(f"  shared: {pair.shared_text}")


def _side_by_side(left: str, right: str, width: int) -> list[tuple[str, str]]:
    """Two texts wrapped to ``width`` columns of display (a Chinese character is two columns)."""
    a, b = _wrap(left, width), _wrap(right, width)
    a += [""] * (len(b) - len(a))
    b += [""] * (len(a) - len(b))
    return [(x + " " * (width - _display_width(x)), y) for x, y in zip(a, b)]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for char in text.replace("\n", " "):
        if _display_width(current + char) > width:
            lines.append(current)
            current = ""
        current += char
    return lines + [current] if current else lines


@app.command()
def search(
    query: str = typer.Argument(..., help="Text to find, in Simplified or Traditional script."),
    data: Path = typer.Option(config.DEFAULT_DATA_DIR, "--data", help="Folder of the tables."),
    limit: int = typer.Option(50, "--limit", help="Show at most this many clauses."),
) -> None:
    """Find the clauses of every document that contain QUERY (both scripts match: the text is canonical).

    Example: policy search 算力
    """
    from pipeline.normalize import ScriptConverter
    from pipeline.views import canonical_query, load_tables, search_clauses

    converter = ScriptConverter()
    try:
        tables = load_tables(data, ("documents", "clauses"))
        found = search_clauses(tables, query, converter)
    except (PipelineError, ValueError) as error:
        _fail(str(error))
    canonical = canonical_query(query, converter)
    shown = query if canonical == query else f"{query} (canonical: {canonical})"
    typer.echo(f"{len(found)} clauses in {found['doc_id'].nunique()} documents contain {shown}")
    for row in found.head(limit).itertuples(index=False):
        typer.echo(f"{row.document} [{row.clause_id}] {row.heading}  ({row.hits}×)")
        typer.echo(f"    {row.snippet}")
    if len(found) > limit:
        typer.echo(f"… {len(found) - limit} more (--limit)")
    if found.empty:
        raise typer.Exit(1)


@app.command()
def report(
    data: Path = typer.Option(config.DEFAULT_DATA_DIR, "--data", help="Folder of the tables."),
    out: Path = typer.Option(None, "--out", "-o", help="HTML file to write (default: DATA/report.html)."),
) -> None:
    """Write one self-contained HTML page of the researcher's views, readable offline.

    Example: policy report --data data --out data/report.html
    """
    from pipeline.report import write_report
    from pipeline.views import load_tables

    try:
        path = write_report(load_tables(data), out or data / "report.html")
    except PipelineError as error:
        _fail(str(error))
    typer.echo(f"wrote {path}")


if __name__ == "__main__":
    app()

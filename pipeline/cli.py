"""The `policy` command: a thin shell over the library."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from pipeline import config
from pipeline.clauses import segment
from pipeline.errors import PipelineError
from pipeline.normalize import ScriptConverter
from pipeline.process import extract_corpus, normalize_file

app = typer.Typer(
    help="Turn Chinese policy documents into clean, comparable Parquet tables.",
    no_args_is_help=True,
    add_completion=False,
)

_OUTLINE_WIDTH = 40


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@app.command()
def extract(
    seeds_dir: Path = typer.Argument(config.DEFAULT_SEEDS_DIR, help="Folder of documents (.txt)."),
    out: Path = typer.Option(config.DEFAULT_DATA_DIR, "--out", "-o", help="Folder for the Parquet tables."),
) -> None:
    """Process every document in SEEDS_DIR and write the tables to --out.

    Example: policy extract seeds --out data
    """
    if not seeds_dir.is_dir():
        _fail(f"{seeds_dir}: not a folder")

    def progress(paths):
        paths = list(paths)
        with typer.progressbar(paths, label="documents", file=sys.stderr,
                               item_show_func=lambda p: p.name if p else "") as bar:
            yield from bar

    try:
        report = extract_corpus(seeds_dir, out, progress=progress)
    except PipelineError as error:
        _fail(str(error))
    for path in report.written:
        typer.echo(f"wrote {path}")
    typer.echo(f"{len(report.results)} documents processed, {len(report.failures)} failed")
    for error in report.failures:
        typer.echo(f"error: {error}", err=True)
    for result in report.flagged:
        typer.echo(f"error: {result.source_file}: no numbered clauses found "
                   "(kept as one preamble clause)", err=True)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def normalize(file: Path = typer.Argument(..., help="A document file.")) -> None:
    """Print the canonical text of FILE: Simplified, mainland vocabulary, layout repaired.

    Example: policy normalize seeds/000_df46c3d2f2ee2b45.txt
    """
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
    gold: Path = typer.Option(config.DEFAULT_GOLD_DIR, "--gold", help="Folder of gold annotations."),
    show_misses: bool = typer.Option(False, "--misses", help="Also list every unmatched row."),
) -> None:
    """Print precision, recall and F1 of targets, dates and parties against gold annotations.

    Example: policy evaluate seeds --gold tests/gold --misses
    """
    from pipeline.evaluate import GoldError, evaluate as run_evaluation, report_lines

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


if __name__ == "__main__":
    app()

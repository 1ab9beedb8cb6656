"""The `policy` command: a thin shell over the library."""

from __future__ import annotations

import os
import sys
import unicodedata
from pathlib import Path

import typer
from typer.core import TyperGroup

try:  # typer 0.26+ carries its own copy of click
    from typer._click import exceptions as click_errors
except ImportError:  # older typer raises click's own (imported by name: typer brings it)
    import importlib

    click_errors = importlib.import_module("click.exceptions")

from pipeline import config
from pipeline.errors import PipelineError
# Commands import what they need when they run: `policy extract` on an
# up-to-date folder must not pay for loading spaCy, scikit-learn or pandas.

# Piped progress: one line per this many documents (and one for the last).
PROGRESS_EVERY = 10


class OneLineErrors(TyperGroup):
    """Every failure is one line on stderr, ``error: WHAT: WHY``, and a non-zero exit.

    Usage errors (a bad option or value, a missing argument) name the command
    and point at its --help instead of drawing a box; an error of the library
    (:class:`~pipeline.errors.PipelineError`) or of the system (a file that
    cannot be read) names the file and the reason instead of a traceback.
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                                standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError as error:
            typer.echo(error.ctx.get_help() if error.ctx else error.format_message())
            code = 0
        except click_errors.UsageError as error:
            where = error.ctx.command_path if error.ctx else "policy"
            message = " ".join(error.format_message().split())
            typer.echo(f"error: {where}: {message} (see {where} --help)", err=True)
            code = error.exit_code
        except click_errors.ClickException as error:
            typer.echo(f"error: {' '.join(error.format_message().split())}", err=True)
            code = error.exit_code
        except typer.Abort:
            typer.echo("error: aborted", err=True)
            code = 1
        except PipelineError as error:
            typer.echo(f"error: {_one_line(str(error))}", err=True)
            code = 1
        except OSError as error:
            typer.echo(f"error: {_os_error(error)}", err=True)
            code = 1
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _one_line(message: str) -> str:
    first, _, rest = message.partition("\n")
    return first if not rest.strip() else f"{first} (and {len(rest.strip().splitlines())} more lines)"


def _os_error(error: OSError) -> str:
    where = error.filename if error.filename is not None else "policy"
    return f"{where}: {error.strerror or error}"


app = typer.Typer(
    cls=OneLineErrors,
    help="Turn Chinese policy documents into clean, comparable Parquet tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: the rich help of this typer shows every flag as `--check <bool>`.
    rich_markup_mode=None,
)

_OUTLINE_WIDTH = 40
_COLUMN_WIDTH = 56
# Options several commands share, declared once.
DATA_OPTION = typer.Option(config.DEFAULT_DATA_DIR, "--data", help="Folder of the tables.")
REGEX_OPTION = typer.Option(False, "--regex", help="Each word is a regular expression.")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _require_file(path: Path) -> None:
    """Fail in one line unless ``path`` is a readable file."""
    if path.is_dir():
        _fail(f"{path}: is a folder, not a document file")
    if not path.is_file():
        _fail(f"{path}: no such file")


def _require_documents(folder: Path) -> None:
    """Fail in one line unless ``folder`` is a folder holding at least one document."""
    if not folder.is_dir():
        _fail(f"{folder}: not a folder" if folder.exists() else f"{folder}: no such folder")
    if not any(path.is_file() and path.suffix.lower() in config.DOCUMENT_SUFFIXES for path in folder.rglob("*")):
        _fail(f"{folder}: no documents in it ({' '.join(config.DOCUMENT_SUFFIXES)})")


def _progress(items, total):
    """A progress bar in a terminal; piped, a line per PROGRESS_EVERY documents and one at the end."""
    if sys.stderr.isatty():
        with typer.progressbar(items, length=total, label="processing documents", file=sys.stderr,
                               show_eta=False, show_pos=True) as bar:
            yield from bar
        return
    for done, item in enumerate(items, start=1):
        yield item
        if done % PROGRESS_EVERY == 0 or done == total:
            typer.echo(f"processed {done}/{total} documents", err=True)


@app.command()
def extract(
    seeds_dir: Path = typer.Argument(config.DEFAULT_SEEDS_DIR, help="Folder of the documents to read."),
    out: Path = typer.Option(config.DEFAULT_DATA_DIR, "--out", "-o", help="Folder for the Parquet tables."),
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", "-w", min=1,
                                help="Worker processes for the documents that need processing."),
    engine: str = typer.Option("local", "--engine", help="local (this machine) or dask (a Dask cluster)."),
    scheduler: str = typer.Option(None, "--scheduler",
                                  help="Dask scheduler address (tcp://host:8786); a local cluster when omitted."),
    check: bool = typer.Option(False, "--check",
                               help="Change nothing; exit 1 when --out is not what the seeds and code produce."),
    report: bool = typer.Option(False, "--report",
                                help="Also write OUT/report.html (what `policy report` writes)."),
    replace: bool = typer.Option(False, "--replace", help="Replace the tables of another corpus held in --out."),
    timeout: float = typer.Option(config.DOCUMENT_SECONDS, "--timeout", min=0,
                                  help="Seconds one document may take before it is stopped (too slow); 0: no limit."),
    memory_mb: int = typer.Option(config.DOCUMENT_MEMORY_BYTES // 2**20, "--memory-mb", min=0,
                                  help="MB of memory one document may use before it is stopped (too large); 0: no limit."),
) -> None:
    """Process the documents in SEEDS_DIR and write the tables to --out, redoing only what changed.

    Also writes OUT/datapackage.json, the codebook of the tables.

    Example: policy extract seeds --out data --workers 2
    """
    # The codebook imports pyarrow: here only when it is written or checked, not on an up-to-date folder.
    from pipeline.corpus import ENGINES, check_corpus, extract_corpus, take_handed_over
    from pipeline.store.engines import Limits
    from pipeline.store.files import CODEBOOK_NAME

    _require_documents(seeds_dir)
    if engine not in ENGINES:
        _fail(f"--engine must be one of {', '.join(ENGINES)}, not {engine}")
    options = {"workers": workers, "engine": engine, "scheduler": scheduler,
               "limits": Limits(timeout, memory_mb * 2**20)}
    if check:
        from pipeline.codebook import datapackage, render

        try:
            differences = check_corpus(seeds_dir, out, **options)
        except PipelineError as error:
            _fail(str(error))
        codebook = out / CODEBOOK_NAME
        if not codebook.is_file() or codebook.read_bytes() != render(datapackage(strict=False)):
            differences.append(f"{codebook}: not the codebook the code describes")
        for line in differences:
            typer.echo(f"error: {line}", err=True)
        if differences:
            _fail(f"{out} is not what `policy extract {seeds_dir}` would write; run it and commit the result")
        typer.echo(f"{out} is up to date with {seeds_dir} and the code")
        return

    try:
        # The folder as pipeline.entry listed it, when it did (a plain `policy extract` with work to do).
        result = extract_corpus(seeds_dir, out, progress=_progress, replace=replace,
                                listing=take_handed_over(seeds_dir, out), **options)
        # The codebook depends on the code alone: a folder up to date with this
        # code already has it (rendering it imports what the checks need, most
        # of a no-change run's time). `--check` compares its bytes.
        if not (result.up_to_date and (out / CODEBOOK_NAME).is_file()):
            from pipeline.codebook import write_datapackage

            write_datapackage(out)
    except PipelineError as error:
        _fail(str(error))
    for line, to_stderr in result.summary_lines(out):
        typer.echo(line, err=to_stderr)
    if report:
        from pipeline.report import write_report
        from pipeline.views import load_tables

        try:
            typer.echo(f"wrote {write_report(load_tables(out), out / 'report.html')}")
        except PipelineError as error:
            _fail(str(error))
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def normalize(file: Path = typer.Argument(..., help="A document file.")) -> None:
    """Print the canonical text of FILE: Simplified, mainland vocabulary, layout repaired.

    Example: policy normalize seeds/000_df46c3d2f2ee2b45.txt
    """
    typer.echo(_segmented(file).canonical.normalized.text)


def _segmented(file: Path):
    """One document file read, normalized and segmented (``process.segment_document``), or a one-line failure."""
    from pipeline.normalize import ScriptConverter
    from pipeline.process import segment_document

    _require_file(file)
    try:
        return segment_document(file, ScriptConverter())
    except PipelineError as error:
        _fail(str(error))
    except OSError as error:
        _fail(_os_error(error))


@app.command()
def clauses(file: Path = typer.Argument(..., help="A document file.")) -> None:
    """Print the clause tree of FILE as an indented outline.

    Each line: label, heading (or the start of the text) and the clause_id.

    Example: policy clauses seeds/003_a8cd71ea5b437bb0.txt
    """
    segmented = _segmented(file)
    tree, canonical = segmented.tree, segmented.canonical.normalized.text
    for clause in tree.clauses:
        text = clause.own_text(canonical).replace("\n", " ")
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
    parties: bool = typer.Option(False, "--parties",
                                 help="Parties per document and per role, role accuracy, English names, "
                                      "on the seeds' gold and on GOLD/corpus."),
    structure: bool = typer.Option(False, "--structure",
                                   help="Score clause trees (ids, kinds, parents, headings) of --corpus "
                                        "documents against gold trees instead."),
    normalize: bool = typer.Option(False, "--normalize",
                                   help="Instead: score Taiwan-style script conversion on the mainland documents "
                                        "of SEEDS_DIR and --corpus."),
    corpus: Path = typer.Option(config.DEFAULT_CORPUS_DIR, "--corpus",
                                help="Folder of the corpus documents: the gold trees describe them (--structure), "
                                     "GOLD/corpus annotates them (--parties, --spans); with --normalize: a folder of "
                                     "mainland documents, beside the seeds."),
    spans: bool = typer.Option(False, "--spans",
                               help="Also score targets and dates of --corpus documents against the span gold."),
    corpus_gold: Path = typer.Option(config.DEFAULT_GOLD_DIR / "corpus", "--corpus-gold",
                                     help="With --spans: folder of span gold, one sub-folder per corpus file stem."),
) -> None:
    """Print precision, recall and F1 of targets, dates and parties against gold annotations.

    Targets and dates also get P/R/F1 by kind and the field accuracy (comparator, value_base,
    deadline_year, kind) of span-matched rows; --spans adds the same on the corpus span gold.
    With --structure: clause-id Jaccard, (id, kind) F1, parent and heading accuracy per document.

    With --normalize: render every Simplified mainland document of SEEDS_DIR and
    --corpus Taiwan-style (OpenCC s2twp), convert it back, and print Han-character
    accuracy of OpenCC t2s, OpenCC tw2sp and this project, with the commonest errors.

    Example: policy evaluate seeds --gold tests/gold --misses
    Example: policy evaluate seeds --parties --corpus ../shared/corpus

    Example: policy evaluate seeds --spans --corpus ../shared/corpus

    Example: policy evaluate --structure --corpus ../shared/corpus --gold tests/gold/structure

    Example: policy evaluate seeds --normalize --corpus ../shared/corpus
    """
    if structure:
        _evaluate_structure(corpus, gold or config.DEFAULT_STRUCTURE_GOLD_DIR, show_misses)
        return
    if normalize:
        from pipeline.evaluate import normalize_report

        try:
            lines = normalize_report([seeds_dir, corpus])
        except PipelineError as error:
            _fail(str(error))
        for line in lines:
            typer.echo(line)
        return
    from pipeline.evaluate import (evaluate as run_evaluation, evaluate_corpus, kind_report_lines, report_lines,
                                   span_report_lines)

    _require_documents(seeds_dir)
    gold = gold or config.DEFAULT_GOLD_DIR
    if not gold.is_dir():
        _fail(f"{gold}: not a folder of gold annotations")
    if parties:
        from pipeline.evaluate import evaluate_parties, party_report_lines

        if not corpus.is_dir():
            typer.echo(f"warning: {corpus}: not a folder of documents; scoring the seeds' gold only", err=True)
        try:
            party_result = evaluate_parties(seeds_dir, gold, corpus if corpus.is_dir() else None)
        except PipelineError as error:
            _fail(_one_line(str(error)))
        except OSError as error:
            _fail(f"{_os_error(error)} (the gold in {gold} names a document that {seeds_dir} does not hold)")
        for line in party_report_lines(party_result):
            typer.echo(line)
        if show_misses:
            for gold_set, doc_id, why, row in party_result.misses:
                typer.echo(f"parties {gold_set} {doc_id} {why}: {row}")
        return
    try:
        from pipeline.process import Toolkit

        toolkit = Toolkit()
        result = run_evaluation(seeds_dir, gold, toolkit)
    except PipelineError as error:
        _fail(_one_line(str(error)))
    except OSError as error:
        _fail(f"{_os_error(error)} (the gold in {gold} names a document that {seeds_dir} does not hold)")
    for line in report_lines(result) + kind_report_lines(result.kinds):
        typer.echo(line)
    if show_misses:
        for table, doc_id, why, row in result.misses:
            typer.echo(f"{table} {doc_id} {why}: {row}")
    if spans:
        if not corpus.is_dir() or not corpus_gold.is_dir():
            _fail(f"{corpus if not corpus.is_dir() else corpus_gold}: not a folder")
        try:
            span_result = evaluate_corpus(corpus, corpus_gold, toolkit)
        except PipelineError as error:
            _fail(_one_line(str(error)))
        for line in span_report_lines(span_result):
            typer.echo(line)
        if show_misses:
            for table, doc_id, why, row in span_result.misses:
                typer.echo(f"{table} {doc_id} {why}: {row}")


def _evaluate_structure(corpus: Path, gold: Path, show_misses: bool) -> None:
    from pipeline.evaluate import evaluate_structure, structure_report_lines

    if not corpus.is_dir():
        _fail(f"{corpus}: not a folder of documents")
    if not gold.is_dir() or not any(gold.glob("*.csv")):
        _fail(f"{gold}: not a folder of gold clause trees (<file stem>.csv)")
    try:
        scores = evaluate_structure(corpus, gold)
    except PipelineError as error:
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
    data: Path = DATA_OPTION,
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
    query: list[str] = typer.Argument(..., help="Words to find (all of them; OR between alternatives), either script."),
    data: Path = DATA_OPTION,
    limit: int = typer.Option(50, "--limit", min=1, help="Show at most this many clauses."),
    regex: bool = REGEX_OPTION,
) -> None:
    """Find the clauses of every document that contain all the words of QUERY, or one of its OR alternatives.

    The text is canonical, so a query in either script matches both. `数据 要素`
    finds clauses with both words; `算力 OR 人工智能` clauses with either;
    `--regex '数据(要素|资源)'` a regular expression.

    Example: policy search 数据 要素 OR 算力
    """
    from pipeline.normalize import ScriptConverter
    from pipeline.views import canonical_query, load_tables, search_clauses

    converter = ScriptConverter()
    text = " ".join(query)
    try:
        tables = load_tables(data, ("documents", "clauses"))
        found = search_clauses(tables, text, converter, regex=regex)
    except (PipelineError, ValueError) as error:
        _fail(str(error))
    canonical = " ".join(word if word in ("OR", "|") else canonical_query(word, converter) for word in text.split())
    shown = text if canonical == text else f"{text} (canonical: {canonical})"
    typer.echo(f"{len(found)} clauses in {found['doc_id'].nunique()} documents match {shown}")
    for row in found.head(limit).itertuples(index=False):
        typer.echo(f"{row.document} [{row.clause_id}] {row.heading}  ({row.hits}×)")
        typer.echo(f"    {row.snippet}")
    if len(found) > limit:
        typer.echo(f"… {len(found) - limit} more (--limit)")
    if found.empty:
        raise typer.Exit(1)


@app.command()
def kwic(
    query: list[str] = typer.Argument(..., help="Words to find, as for `policy search`."),
    data: Path = DATA_OPTION,
    width: int = typer.Option(20, "--width", min=1, help="Characters of context on each side."),
    regex: bool = REGEX_OPTION,
) -> None:
    """Keyword in context: print every occurrence of QUERY with its document, clause id and context.

    Example: policy kwic 算力
    """
    from pipeline.normalize import ScriptConverter
    from pipeline.views import kwic as keyword_in_context, load_tables

    try:
        tables = load_tables(data, ("documents", "clauses"))
        found = keyword_in_context(tables, " ".join(query), ScriptConverter(), width=width, regex=regex)
    except (PipelineError, ValueError) as error:
        _fail(str(error))
    left_width = max((_display_width(left) for left in found["left"]), default=0)
    for row in found.itertuples(index=False):
        pad = " " * (left_width - _display_width(row.left))
        typer.echo(f"{row.document} [{row.clause_id}]\t{pad}{row.left} 【{row.keyword}】 {row.right}")
    clauses = len(found[["doc_id", "clause_id"]].drop_duplicates())
    typer.echo(f"{len(found)} occurrences in {clauses} clauses of {found['doc_id'].nunique()} documents", err=True)
    if found.empty:
        raise typer.Exit(1)


@app.command()
def export(
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the files into (created if missing)."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv, stata, xlsx, or dtm (document × term matrix)."),
    data: Path = DATA_OPTION,
) -> None:
    """Write the tables as CSV (UTF-8 with BOM, lists joined with |), Stata .dta, one Excel workbook,
    or a sparse document × term matrix (Matrix Market and .npz with its vocabulary).

    Example: policy export --format csv --out exports
    """
    from pipeline.export import FORMATS, export_tables

    if fmt not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    try:
        written = export_tables(data, out, fmt)
    except PipelineError as error:
        _fail(str(error))
    typer.echo(f"wrote {len(written)} files to {out}: {', '.join(path.name for path in written)}")


@app.command()
def report(
    data: Path = DATA_OPTION,
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

"""``policy export``: the tables as CSV, Stata or Excel files, and a document × term matrix.

Every format starts from :func:`pipeline.loading.load` (proper dtypes), then
flattens what the format cannot hold:

- list columns (``warnings``, ``keywords``) become one string joined with ``|``;
  the map ``dropped_chars`` becomes ``rule=count|rule=count``;
- dates are written ``YYYY-MM-DD`` (Stata: daily dates ``%td``);
- CSV is UTF-8 with a byte-order mark, so Excel opens Chinese text right, and
  comes with a ``datapackage.json`` of its own (the codebook, for the CSV files);
- Stata files (format 118, Unicode) carry each column's description as its
  variable label, the table's as the data label, and kinds and roles as
  labelled values;
- the Excel workbook has one sheet per table and a ``codebook`` sheet.

The document × term matrix (``--format dtm``) is the sum of ``terms.count`` per
document and term, for quanteda (``Matrix::readMM``) or scikit-learn
(``scipy.sparse.load_npz``): ``dtm.mtx`` (Matrix Market), ``dtm.npz``, and the
row and column names in ``dtm_documents.csv`` and ``dtm_terms.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline import codebook
from pipeline.errors import ExportError
from pipeline.loading import load
from pipeline.tables import SCHEMAS

FORMATS = ("csv", "stata", "xlsx", "dtm")
LIST_SEPARATOR = "|"
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a BOM: Excel reads it as UTF-8, every other tool ignores the BOM

# Stata: names of at most 32 characters of [A-Za-z0-9_], not starting with a
# digit and not a reserved word; labels of at most 80 characters.
STATA_NAME_CHARS = 32
STATA_LABEL_CHARS = 80
STATA_RESERVED = frozenset(
    "_all _b byte _coef _cons double float if in int long _n _N _pi _pred _rc _se _skip strL using with "
    # and the words of Stata's Mata language, which pandas refuses too
    "aggregate array boolean break case catch class colvector complex const continue default delegate delete do "
    "else eltypedef end enum explicit export external for friend function global goto inline local NULL pragma "
    "protected quad rowvector short typedef typename virtual".split())
STATA_STR_MAX = 2045  # longer strings go to strL

# Excel: rows per sheet (one for the header) and characters per cell.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELL = 32_767


def export_tables(data: Path, out: Path, fmt: str, names: Sequence[str] | None = None) -> list[Path]:
    """Write the tables of ``data`` to ``out`` in format ``fmt``; return the files written.

    Raises:
        ExportError: an unknown format, or a file that cannot be written.
        MissingTablesError: a table is not in ``data``.
    """
    if fmt not in FORMATS:
        raise ExportError(out, f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    names = list(names or SCHEMAS)
    if fmt == "dtm":
        frames = {name: load(name, data) for name in ("documents", "terms")}
    else:
        frames = {name: load(name, data) for name in names}
    try:
        Path(out).mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            return write_csv(frames, Path(out))
        if fmt == "stata":
            return write_stata(frames, Path(out))
        if fmt == "xlsx":
            return [write_xlsx(frames, Path(out) / "policy-tables.xlsx")]
        return write_dtm(frames["documents"], frames["terms"], Path(out))
    except OSError as error:
        raise ExportError(getattr(error, "filename", None) or out, error.strerror or str(error)) from error


# --- flattening ---------------------------------------------------------------------------------


def flat(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table with list and map columns as ``|``-joined strings and categories as plain strings."""
    frame = frame.copy()
    for arrow_field in SCHEMAS[name]:
        column = arrow_field.name
        if column not in frame:
            continue
        if pa.types.is_list(arrow_field.type):
            frame[column] = [None if value is None else LIST_SEPARATOR.join(map(str, value)) for value in frame[column]]
        elif pa.types.is_map(arrow_field.type):
            frame[column] = [None if value is None else LIST_SEPARATOR.join(f"{k}={v}" for k, v in value.items())
                             for value in frame[column]]
    return frame


# --- CSV ----------------------------------------------------------------------------------------


def write_csv(frames: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """One ``NAME.csv`` per table (UTF-8 with BOM, ``|``-joined lists) and their ``datapackage.json``."""
    written = []
    for name, frame in frames.items():
        path = out / f"{name}.csv"
        flat(name, frame).to_csv(path, index=False, encoding=CSV_ENCODING, date_format="%Y-%m-%d", lineterminator="\n")
        written.append(path)
    package = codebook.datapackage(frames, strict=False, container="csv")
    path = out / codebook.FILE_NAME
    path.write_bytes(codebook.render(package))
    written.append(path)
    return written


# --- Stata --------------------------------------------------------------------------------------


def stata_name(name: str, taken: Iterable[str] = ()) -> str:
    """A valid Stata variable name for ``name``, different from the names already ``taken``."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", name) or "v"
    if cleaned[0].isdigit():
        cleaned = "_" + cleaned
    if cleaned in STATA_RESERVED:
        cleaned += "_"
    cleaned = cleaned[:STATA_NAME_CHARS]
    taken = set(taken)
    candidate, n = cleaned, 1
    while candidate in taken:
        suffix = f"_{n}"
        candidate, n = cleaned[:STATA_NAME_CHARS - len(suffix)] + suffix, n + 1
    return candidate


def stata_label(text: str) -> str:
    """``text`` cut to Stata's 80 characters, an ellipsis marking a cut."""
    text = " ".join(text.split())
    return text if len(text) <= STATA_LABEL_CHARS else text[:STATA_LABEL_CHARS - 1] + "…"


def write_stata(frames: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """One ``NAME.dta`` per table, Stata 14+ format (118, Unicode)."""
    written = []
    for name, frame in frames.items():
        frame = flat(name, frame)
        renamed: dict[str, str] = {}
        for column in frame.columns:
            renamed[column] = stata_name(column, renamed.values())
        labels = {renamed[column]: stata_label(text) for column, text in codebook.descriptions(name).items()
                  if column in renamed and text}
        frame = frame.rename(columns=renamed)
        dates, strl = {}, []
        for column in frame.columns:
            series = frame[column]
            if pd.api.types.is_datetime64_any_dtype(series):
                dates[column] = "td"
            elif pd.api.types.is_bool_dtype(series):
                frame[column] = series.astype("int8")
            elif isinstance(series.dtype, pd.CategoricalDtype):
                continue  # written as labelled integers
            elif pd.api.types.is_string_dtype(series) or series.dtype == object:
                # Stata has no missing string: null becomes "".
                frame[column] = series.astype(object).where(series.notna(), "").astype(str)
                if len(frame) and frame[column].str.len().max() > STATA_STR_MAX:
                    strl.append(column)
            elif pd.api.types.is_extension_array_dtype(series) and pd.api.types.is_integer_dtype(series):
                # Nullable integers: Stata's missing value '.' stands for <NA>.
                frame[column] = series.astype("float64") if series.isna().any() else series.astype(
                    series.dtype.numpy_dtype)
        path = out / f"{name}.dta"
        frame.to_stata(path, write_index=False, version=118, convert_dates=dates, convert_strl=strl,
                       variable_labels=labels, data_label=stata_label(codebook.TABLE_DESCRIPTIONS.get(name, name)))
        written.append(path)
    return written


# --- Excel --------------------------------------------------------------------------------------


def write_xlsx(frames: dict[str, pd.DataFrame], path: Path) -> Path:
    """One workbook: a sheet per table and a ``codebook`` sheet (table, column, type, meaning, values).

    Raises:
        ExportError: a table has more rows than a sheet holds.
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    sheet.title = "codebook"
    sheet.append(["table", "column", "type", "required", "description", "allowed values"])
    for name in frames:
        schema = codebook.table_schema(name, strict=False)
        for entry in schema["fields"]:
            rules = entry.get("constraints", {})
            sheet.append([name, entry["name"], entry["arrowType"], "yes" if rules.get("required") else "",
                          entry["description"], ", ".join(map(str, rules.get("enum", [])))])
    for name, frame in frames.items():
        if len(frame) + 1 > XLSX_MAX_ROWS:
            raise ExportError(path, f"{name} has {len(frame):,} rows, more than an Excel sheet holds; "
                                    "use --format csv")
        frame = flat(name, frame)
        sheet = book.create_sheet(name[:31])
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append([_xlsx_value(value, ILLEGAL_CHARACTERS_RE) for value in row])
        sheet.freeze_panes = "A2"
    book.save(path)
    return path


def _xlsx_value(value, illegal: re.Pattern):
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, str):
        value = illegal.sub("", value)
        return value if len(value) <= XLSX_MAX_CELL else value[:XLSX_MAX_CELL - 1] + "…"
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


# --- document × term matrix ---------------------------------------------------------------------


def document_term_matrix(documents: pd.DataFrame, terms: pd.DataFrame):
    """The sparse document × term count matrix with its row and column names.

    Returns:
        ``(matrix, rows, columns)``: a ``scipy.sparse.csr_matrix`` of int64 counts,
        the documents (doc_id, label) in doc_id order and the terms (term,
        n_documents, count) in code-point order.
    """
    import numpy as np
    from scipy import sparse

    from pipeline.views import document_labels

    doc_ids = sorted(documents["doc_id"])
    counts = terms.groupby(["doc_id", "term"], observed=True)["count"].sum().reset_index()
    vocabulary = sorted(set(counts["term"]))
    row_of = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    column_of = {term: j for j, term in enumerate(vocabulary)}
    matrix = sparse.csr_matrix(
        (counts["count"].to_numpy(dtype=np.int64),
         (counts["doc_id"].map(row_of).to_numpy(), counts["term"].map(column_of).to_numpy())),
        shape=(len(doc_ids), len(vocabulary)), dtype=np.int64)
    labels = document_labels(documents)
    rows = pd.DataFrame({"row": range(1, len(doc_ids) + 1), "doc_id": doc_ids,
                         "label": [labels[doc_id] for doc_id in doc_ids]})
    columns = pd.DataFrame({"column": range(1, len(vocabulary) + 1), "term": vocabulary,
                            "n_documents": np.diff(matrix.tocsc().indptr),
                            "count": np.asarray(matrix.sum(axis=0)).ravel()})
    return matrix, rows, columns


def write_dtm(documents: pd.DataFrame, terms: pd.DataFrame, out: Path) -> list[Path]:
    """``dtm.mtx``, ``dtm.npz``, ``dtm_documents.csv`` and ``dtm_terms.csv`` (rows and columns numbered from 1)."""
    from scipy import io, sparse

    matrix, rows, columns = document_term_matrix(documents, terms)
    written = [out / "dtm.mtx", out / "dtm.npz", out / "dtm_documents.csv", out / "dtm_terms.csv"]
    io.mmwrite(written[0], matrix.tocoo(), comment="documents x terms: sum of terms.count; "
               "row names in dtm_documents.csv, column names in dtm_terms.csv", field="integer")
    sparse.save_npz(written[1], matrix, compressed=True)
    rows.to_csv(written[2], index=False, encoding=CSV_ENCODING, lineterminator="\n")
    columns.to_csv(written[3], index=False, encoding=CSV_ENCODING, lineterminator="\n")
    return written


__all__ = ["FORMATS", "document_term_matrix", "export_tables", "flat", "stata_label", "stata_name",
           "write_csv", "write_dtm", "write_stata", "write_xlsx"]

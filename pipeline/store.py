"""The data folder: a manifest, per-document parts cached under ``interim/``, tables assembled from them.

Layout of ``data/``::

    manifest.json            inputs (sha256), pipeline version and code fingerprint, table hashes
    documents.parquet ...    the tables, committed and reproducible byte for byte
    interim/<doc_id>/        one document's rows, table by table (Arrow IPC), and part.json

A document's part is reused while its bytes (sha256) and the pipeline code
are unchanged, so adding one document processes only that one and removing
one drops its rows. Tables are assembled part by part in ``doc_id`` order,
so a table is never held in memory whole, and each is replaced atomically.
The manifest is written last: a run killed half-way leaves the previous
tables readable, and the next run sees the manifest does not match and
regenerates.

This module reads files and hashes them; it imports nothing heavy, so a run
with nothing to do costs a few milliseconds after start-up.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import __version__, config
from pipeline.errors import DocumentTooLargeError, PipelineError, SymlinkLoopError, UnreadableDocumentError

MANIFEST_NAME = "manifest.json"
INTERIM_NAME = "interim"
PART_NAME = "part.json"
# Rows buffered before a row group is written: bounds memory, and the same
# rows always give the same row groups, so the bytes stay reproducible.
ROW_GROUP_ROWS = 64_000
PARQUET_OPTIONS = dict(compression="zstd", use_dictionary=True, write_statistics=True,
                       data_page_version="2.0", version="2.6")


# --- Inputs -----------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """One input document: where it is, its id, and the sha256 of its bytes."""

    path: Path
    doc_id: str
    sha256: str
    size: int


@dataclass(frozen=True)
class SkippedFile:
    """A file in an input folder that is not read as a document, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: skipped ({self.reason})"


def skip_reason(path: Path) -> str | None:
    """Why a file in an input folder is not a document, or ``None`` when it is read as one."""
    name = path.name
    if name.startswith("."):
        return "hidden file"
    suffix = path.suffix.lower()
    if suffix not in config.DOCUMENT_SUFFIXES:
        ending = f"the ending {suffix}" if suffix else "no file ending"
        return f"{ending} is not a document type; read are {' '.join(config.DOCUMENT_SUFFIXES)}"
    if path.stem.lower().split(".")[0] in config.FOLDER_NOTE_NAMES:
        return "the folder's own notes, by its name"
    return None


def list_sources(seeds_dir: Path, skipped: list[SkippedFile] | None = None
                 ) -> tuple[list[Source], list[PipelineError]]:
    """Every document under ``seeds_dir`` (sub-folders too), in doc_id order, and the entries that cannot be read.

    Every other file is appended to ``skipped``, when given, with the reason
    (:func:`skip_reason`); hidden folders are not entered and are reported
    there too.  Symbolic links are followed; a link that loops, or that leads
    back into a folder already being read, is reported rather than followed
    forever.
    """
    seeds_dir = Path(seeds_dir)
    sources, problems = [], []
    seen_dirs = {seeds_dir.resolve()}
    for folder, dirs, files in os.walk(seeds_dir, followlinks=True):
        kept_dirs = []
        for name in sorted(dirs):
            real = Path(folder, name).resolve()
            if name.startswith("."):
                if skipped is not None:
                    skipped.append(SkippedFile(Path(folder, name), "hidden folder, not entered"))
                continue
            if real in seen_dirs:
                problems.append(SymlinkLoopError(Path(folder, name), "it leads back into a folder already read"))
                continue
            seen_dirs.add(real)
            kept_dirs.append(name)
        dirs[:] = kept_dirs
        for name in sorted(files):
            path = Path(folder, name)
            reason = skip_reason(path)
            if reason is not None:
                if skipped is not None:
                    skipped.append(SkippedFile(path, reason))
                continue
            if path.is_symlink() and not path.exists():
                problems.append(_unreadable(path, _stat_error(path)))
                continue
            try:
                size = path.stat().st_size
                if size > config.MAX_DOCUMENT_BYTES:
                    problems.append(DocumentTooLargeError(path, f"{size:,} bytes; the limit is {config.MAX_DOCUMENT_BYTES:,}"))
                    continue
                data = path.read_bytes()
            except OSError as error:
                problems.append(_unreadable(path, error))
                continue
            sources.append(Source(path, doc_id_for(path, seeds_dir), hashlib.sha256(data).hexdigest(), len(data)))
    if skipped is not None:
        skipped.sort(key=lambda entry: str(entry.path))
    return sorted(sources, key=lambda source: source.doc_id), sorted(problems, key=lambda p: str(p.path))


def _stat_error(path: Path) -> OSError:
    try:
        os.stat(path)
    except OSError as error:
        return error
    return OSError("not a file")


def _unreadable(path: Path, error: OSError) -> PipelineError:
    if error.errno == errno.ELOOP:
        return SymlinkLoopError(path, "the symbolic link leads back to itself")
    if error.errno == errno.ENOENT:
        return UnreadableDocumentError(path, "the symbolic link points at nothing")
    return UnreadableDocumentError(path, error.strerror or str(error))


def doc_id_for(path: Path, seeds_dir: Path | None = None) -> str:
    """A document's id: its path under the seeds folder without the ending, ``/`` as ``__``."""
    relative = Path(path).relative_to(seeds_dir) if seeds_dir else Path(Path(path).name)
    return relative.with_suffix("").as_posix().replace("/", "__")


# Code that reads the tables but never shapes them: changing it must not
# invalidate the cache or make committed tables look stale.
_CODE_SUFFIXES = frozenset({".py", ".txt", ".csv", ".json"})
_NOT_TABLE_CODE = ("cli.py", "evaluate.py", "plotting.py", "report.py", "views.py", "resources/report")


def code_fingerprint() -> str:
    """sha256 over the code and resources that make the tables: a change invalidates every cached part."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(config.PACKAGE_DIR).as_posix()
        if relative.startswith(_NOT_TABLE_CODE):
            continue
        # Only the kinds of file the package is made of, so that a stray
        # editor backup does not make committed tables look stale.
        if path.is_file() and path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(relative.encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


# --- Manifest -----------------------------------------------------------------

@dataclass
class Manifest:
    """What ``data/`` was made from, and what it holds."""

    code: str
    documents: dict[str, dict] = field(default_factory=dict)   # doc_id -> source_file, sha256, error
    tables: dict[str, str] = field(default_factory=dict)       # table -> sha256 of the file

    def to_json(self) -> str:
        body = {"pipeline_version": __version__, "code": self.code,
                "documents": dict(sorted(self.documents.items())), "tables": dict(sorted(self.tables.items()))}
        return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def read(cls, data_dir: Path) -> Manifest | None:
        path = Path(data_dir) / MANIFEST_NAME
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            return cls(body["code"], body["documents"], body["tables"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, data_dir: Path) -> Path:
        path = Path(data_dir) / MANIFEST_NAME
        write_atomically(path, self.to_json().encode("utf-8"))
        return path


def file_sha256(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def is_up_to_date(manifest: Manifest | None, code: str, sources: Iterable[Source], data_dir: Path,
                  tables: Iterable[str]) -> bool:
    """Whether ``data_dir`` already holds what these sources and this code make, tables untouched."""
    if manifest is None or manifest.code != code:
        return False
    wanted = {source.doc_id: source.sha256 for source in sources}
    if {doc_id: entry["sha256"] for doc_id, entry in manifest.documents.items()} != wanted:
        return False
    return set(manifest.tables) == set(tables) and all(
        file_sha256(Path(data_dir) / f"{name}.parquet") == digest for name, digest in manifest.tables.items()
    )


# --- Parts --------------------------------------------------------------------

def part_dir(interim_dir: Path, doc_id: str) -> Path:
    return Path(interim_dir) / doc_id


def read_part_info(interim_dir: Path, doc_id: str) -> dict | None:
    try:
        return json.loads((part_dir(interim_dir, doc_id) / PART_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def part_is_current(interim_dir: Path, source: Source, code: str) -> bool:
    info = read_part_info(interim_dir, source.doc_id)
    return info is not None and info.get("sha256") == source.sha256 and info.get("code") == code


def write_part(interim_dir: Path, source: Source, code: str, tables: Mapping[str, pa.Table], info: dict) -> None:
    """Write one document's tables, then its part.json: a part without part.json is not a part."""
    folder = part_dir(interim_dir, source.doc_id)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, table in tables.items():
        with pa.OSFile(str(folder / f"{name}.arrow"), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    body = dict(info, doc_id=source.doc_id, sha256=source.sha256, code=code)
    write_atomically(folder / PART_NAME, json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def read_part_table(interim_dir: Path, doc_id: str, name: str) -> pa.Table:
    with pa.memory_map(str(part_dir(interim_dir, doc_id) / f"{name}.arrow")) as source:
        return pa.ipc.open_file(source).read_all()


def remove_stale_parts(interim_dir: Path, keep: Iterable[str]) -> list[str]:
    """Delete the parts of documents that are no longer in the seeds; returns their doc_ids."""
    interim_dir = Path(interim_dir)
    if not interim_dir.is_dir():
        return []
    kept = set(keep)
    removed = sorted(entry.name for entry in interim_dir.iterdir() if entry.is_dir() and entry.name not in kept)
    for name in removed:
        shutil.rmtree(interim_dir / name)
    return removed


# --- Writing ------------------------------------------------------------------

def temporary_beside(path: Path) -> tuple[int, str]:
    """A new temporary file in ``path``'s folder (so a rename replaces ``path`` atomically), readable as files are."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    # mkstemp makes the file private; a table should get the usual permissions.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    return handle, temporary


def write_atomically(path: Path, data: bytes) -> None:
    """Write bytes to a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = temporary_beside(path)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise


class TableAssembler:
    """Stream record batches into a temporary Parquet file in fixed-size row groups; ``finish`` renames it."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, self.temporary = temporary_beside(self.path)
        os.close(handle)
        self.schema = schema
        self.writer = pq.ParquetWriter(self.temporary, schema, **PARQUET_OPTIONS)
        self.pending: list[pa.Table] = []
        self.pending_rows = 0

    def add(self, table: pa.Table) -> None:
        if table.num_rows:
            self.pending.append(table.cast(self.schema))
            self.pending_rows += table.num_rows
        if self.pending_rows >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.writer.write_table(pa.concat_tables(self.pending), row_group_size=ROW_GROUP_ROWS)
        self.pending, self.pending_rows = [], 0

    def close(self) -> Path:
        """Finish the temporary file (flushed to disk) and return its path; the table is not in place yet."""
        self._flush()
        if self.writer.is_open:
            self.writer.close()  # a table with no rows still carries its schema
        with open(self.temporary, "rb") as written:
            os.fsync(written.fileno())
        return Path(self.temporary)

    def discard(self) -> None:
        if self.writer.is_open:
            self.writer.close()
        Path(self.temporary).unlink(missing_ok=True)

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
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import __version__, config
from pipeline.errors import (
    DataLockedError, DocumentError, DocumentTooLargeError, DuplicateDocumentError, NotARegularFileError, OutsideFolderError, SkippedEntry,
    SymlinkLoopError, UnreadableDocumentError,
)

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
    """One input document: where it is, its id, the sha256 of its bytes, and the bytes themselves.

    The bytes are read once, by :func:`read_source`, and carried to
    :func:`pipeline.process.decode`; ``data`` is None for a source listed
    past :data:`pipeline.config.KEPT_SOURCE_BYTES` (decode reads it then,
    and checks it still has this sha256).
    """

    path: Path
    doc_id: str
    sha256: str
    size: int
    data: bytes | None = field(default=None, repr=False, compare=False)


def read_source(path: Path, seeds_dir: Path | None = None) -> Source:
    """Read one document file, once: its bytes, their sha256, and its id under ``seeds_dir``.

    Raises:
        DocumentTooLargeError: the file holds more than ``config.MAX_DOCUMENT_BYTES`` (refused before it is read
            when its size says so).
        UnreadableDocumentError, SymlinkLoopError: the file cannot be opened or read.
    """
    path = Path(path)
    limit = config.MAX_DOCUMENT_BYTES
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise DocumentTooLargeError(path, f"{size:,} bytes; limit {limit:,} bytes")
            # What is read counts, not what stat says (a file that grows, a /proc file of size 0).
            data = handle.read(limit + 1)
    except OSError as error:
        raise _unreadable(path, error) from error
    if len(data) > limit:
        raise DocumentTooLargeError(path, f"over {limit:,} bytes")
    return Source(path, doc_id_for(path, seeds_dir), hashlib.sha256(data).hexdigest(), len(data), data)


def skip_reason(path: Path) -> str | None:
    """Why a file in an input folder is not read as a document, or ``None`` when it is."""
    name = path.name
    if name.startswith("."):
        return "hidden file; rename it without the leading dot to include it"
    suffix = path.suffix.lower()
    if suffix not in config.DOCUMENT_SUFFIXES:
        ending = f"the ending {suffix}" if suffix else "no file ending"
        return f"{ending} is not a document type; read are {' '.join(config.DOCUMENT_SUFFIXES)}"
    if path.stem.lower().split(".")[0] in config.FOLDER_NOTE_NAMES:
        return "the folder's own notes, by its name"
    return None


def list_sources(seeds_dir: Path, exclude: Iterable[Path] = ()) -> tuple[list[Source], list[DocumentError]]:
    """Every document under ``seeds_dir`` (sub-folders too), in doc_id order, and the entries left out, each with its reason.

    The folder is a boundary: a symbolic link is followed only while it stays
    inside ``seeds_dir`` (a link that loops, or leads back into a folder
    already read, is reported rather than followed forever); device files,
    FIFOs and sockets are refused without being opened, so a FIFO cannot
    block the listing; the folders in ``exclude`` (the data folder) and any
    folder holding a data folder's manifest are never read as input. Hidden
    files and folders named like documents are reported as skipped
    (:class:`SkippedEntry`), and a file with the same bytes as one listed
    before it as a duplicate (:class:`DuplicateDocumentError`), not listed twice.
    Every other file is reported as skipped with its reason (:func:`skip_reason`).
    Each document is read once (:func:`read_source`) and keeps its bytes for
    processing, up to ``config.KEPT_SOURCE_BYTES`` over the listing.
    """
    seeds_dir = Path(seeds_dir)
    root = seeds_dir.resolve()
    excluded = {Path(folder).resolve() for folder in exclude}
    sources, problems = [], []
    kept = 0  # bytes of the listed documents kept in memory for processing
    seen_dirs = {root}
    for folder, dirs, files in os.walk(seeds_dir, followlinks=True):
        kept_dirs = []
        for name in sorted(dirs):
            path = Path(folder, name)
            if name.startswith("."):
                if Path(name).suffix.lower() in config.DOCUMENT_SUFFIXES:
                    problems.append(SkippedEntry(path, "hidden folder"))
                continue
            try:
                real = path.resolve(strict=True)
            except (OSError, RuntimeError):
                problems.append(SymlinkLoopError(path, "the symbolic link cannot be resolved"))
                continue
            if not real.is_relative_to(root):
                problems.append(OutsideFolderError(path, f"the symbolic link leads outside {seeds_dir}"))
                continue
            if real in seen_dirs:
                problems.append(SymlinkLoopError(path, "it leads back into a folder already read"))
                continue
            if real in excluded or (real / MANIFEST_NAME).is_file() and (real / INTERIM_NAME).is_dir():
                problems.append(SkippedEntry(path, "a data folder of policy extract, not input"))
                continue
            if Path(name).suffix.lower() in config.DOCUMENT_SUFFIXES:
                problems.append(SkippedEntry(path, "a folder, not a document; its documents are read"))
            seen_dirs.add(real)
            kept_dirs.append(name)
        dirs[:] = kept_dirs
        for name in sorted(files):
            path = Path(folder, name)
            reason = skip_reason(path)
            if reason is not None:
                problems.append(SkippedEntry(path, reason))
                continue
            refused = _refusal(path, root, seeds_dir)
            if refused is not None:
                problems.append(refused)
                continue
            try:
                source = read_source(path, seeds_dir)
            except DocumentError as error:
                problems.append(error)
                continue
            if kept + source.size > config.KEPT_SOURCE_BYTES:
                source = replace(source, data=None)  # past the budget: decode reads it again
            else:
                kept += source.size
            sources.append(source)
    sources.sort(key=lambda source: source.doc_id)
    unique: list[Source] = []
    first_by_bytes: dict[str, Source] = {}
    first_by_id: dict[str, Source] = {}
    for source in sources:
        if source.sha256 in first_by_bytes:
            problems.append(DuplicateDocumentError(
                source.path, f"same bytes as {first_by_bytes[source.sha256].path}; read once, as that file"))
        elif source.doc_id in first_by_id:
            problems.append(DuplicateDocumentError(
                source.path, f"its doc_id {source.doc_id!r} is taken by {first_by_id[source.doc_id].path}; rename one"))
        else:
            first_by_bytes[source.sha256] = first_by_id[source.doc_id] = source
            unique.append(source)
    return unique, sorted(problems, key=lambda p: str(p.path))


def _refusal(path: Path, root: Path, seeds_dir: Path) -> DocumentError | None:
    """Why ``path`` may not be read (a link out of the folder, a device, a FIFO, a socket), or None; never opens it."""
    try:
        status = os.stat(path)
    except OSError as error:
        return _unreadable(path, error)
    if path.is_symlink():
        real = Path(os.path.realpath(path))
        if not real.is_relative_to(root):
            return OutsideFolderError(path, f"the symbolic link leads outside {seeds_dir}")
        if any(part.startswith(".") for part in real.relative_to(root).parts):
            # Hidden folders are not read (.git holds a CI job's token in .git/config): nor are links into them.
            return OutsideFolderError(path, "the symbolic link leads into a hidden file or folder")
    if stat.S_ISREG(status.st_mode):
        return None
    kind = ("a FIFO" if stat.S_ISFIFO(status.st_mode) else "a socket" if stat.S_ISSOCK(status.st_mode)
            else "a device" if stat.S_ISCHR(status.st_mode) or stat.S_ISBLK(status.st_mode) else "a special file")
    return NotARegularFileError(path, f"{kind}; not opened")


def _unreadable(path: Path, error: OSError) -> DocumentError:
    if error.errno == errno.ELOOP:
        return SymlinkLoopError(path, "the symbolic link leads back to itself")
    if error.errno == errno.ENOENT and Path(path).is_symlink():
        return UnreadableDocumentError(path, "the symbolic link points at nothing")
    return UnreadableDocumentError(path, error.strerror or str(error))


def doc_id_for(path: Path, seeds_dir: Path | None = None) -> str:
    """A document's id: its path under the seeds folder, ending included, ``/`` between folders.

    Two files of one folder never share an id (``plan.txt`` and ``plan.html``,
    ``x/a.txt`` and ``x__a.txt`` stay apart), and the id depends on nothing
    but the path, so it is the same on every run and every machine. A file
    name that is not valid UTF-8 (a GBK name unpacked from an archive) is read
    as GB18030, else its undecodable bytes are written as ``\\xNN``.
    """
    relative = Path(path).relative_to(seeds_dir) if seeds_dir else Path(Path(path).name)
    return readable_name(relative.as_posix())


def readable_name(name: str) -> str:
    """``name`` as valid UTF-8: file names holding undecodable bytes (surrogates) are decoded as GB18030 or escaped."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="backslashreplace")


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
    corpus: str = ""                                           # the input folder's name

    def to_json(self) -> str:
        body = {"pipeline_version": __version__, "code": self.code, "corpus": self.corpus,
                "documents": dict(sorted(self.documents.items())), "tables": dict(sorted(self.tables.items()))}
        return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def read(cls, data_dir: Path) -> Manifest | None:
        """The manifest of ``data_dir``; None when it is missing or damaged in any way (the run then rebuilds it)."""
        path = Path(data_dir) / MANIFEST_NAME
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(body, dict):
            return None
        code, documents, tables = body.get("code"), body.get("documents"), body.get("tables")
        corpus = body.get("corpus", "")
        if not (isinstance(code, str) and isinstance(documents, dict) and isinstance(tables, dict)
                and isinstance(corpus, str)):
            return None
        if not all(isinstance(entry, dict) and isinstance(entry.get("sha256"), str) for entry in documents.values()):
            return None
        if not all(isinstance(name, str) and isinstance(digest, str) for name, digest in tables.items()):
            return None
        return cls(code, documents, tables, corpus)

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
    if {doc_id: entry.get("sha256") for doc_id, entry in manifest.documents.items()} != wanted:
        return False
    return set(manifest.tables) == set(tables) and all(
        file_sha256(Path(data_dir) / f"{name}.parquet") == digest for name, digest in manifest.tables.items()
    )


# --- Parts --------------------------------------------------------------------

def part_key(doc_id: str) -> str:
    """The folder name of a document's part: readable, safe on every file system, never too long, unique per doc_id."""
    readable = re.sub(r"[^\w.-]+", "_", doc_id)[:60].lstrip(".")
    return f"{readable}-{hashlib.sha256(doc_id.encode('utf-8')).hexdigest()[:16]}"


def part_dir(interim_dir: Path, doc_id: str) -> Path:
    return Path(interim_dir) / part_key(doc_id)


def read_part_info(interim_dir: Path, doc_id: str, *, key: str | None = None) -> dict | None:
    """A part's part.json, or None when it is missing or damaged (any shape but an object is damaged)."""
    folder = Path(interim_dir) / key if key is not None else part_dir(interim_dir, doc_id)
    try:
        info = json.loads((folder / PART_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def part_is_current(interim_dir: Path, source: Source, code: str) -> bool:
    """Whether the cached part was made from these bytes by this code, and every table of it is whole (sha256)."""
    info = read_part_info(interim_dir, source.doc_id)
    if not isinstance(info, dict) or info.get("sha256") != source.sha256 or info.get("code") != code:
        return False
    if info.get("doc_id") != source.doc_id:
        return False
    folder = part_dir(interim_dir, source.doc_id)
    digests = info.get("tables")
    if not isinstance(digests, dict) or not digests:
        return False
    return all(isinstance(name, str) and file_sha256(folder / f"{name}.arrow") == digest
               for name, digest in digests.items())


def write_part(interim_dir: Path, source: Source, code: str, tables: Mapping[str, pa.Table], info: dict) -> None:
    """Write one document's tables, then its part.json: a part without part.json is not a part."""
    folder = part_dir(interim_dir, source.doc_id)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    # The digests let a later run tell a damaged, truncated or deleted table
    # from a whole one; each is taken from the bytes in memory, as they are
    # written, not by reading the file back.
    digests = {}
    for name, table in tables.items():
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        data = sink.getvalue()
        with open(folder / f"{name}.arrow", "wb") as out:
            out.write(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    body = dict(info, doc_id=source.doc_id, sha256=source.sha256, code=code, tables=digests)
    write_atomically(folder / PART_NAME, json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def read_part_table(interim_dir: Path, doc_id: str, name: str) -> pa.Table:
    with pa.memory_map(str(part_dir(interim_dir, doc_id) / f"{name}.arrow")) as source:
        return pa.ipc.open_file(source).read_all()


def remove_stale_parts(interim_dir: Path, keep: Iterable[str]) -> list[str]:
    """Delete the parts of documents that are no longer in the seeds, and anything else in ``interim``; their doc_ids."""
    interim_dir = Path(interim_dir)
    if not interim_dir.is_dir():
        return []
    kept = {part_key(doc_id) for doc_id in keep}
    removed = []
    for entry in sorted(interim_dir.iterdir()):
        if entry.name in kept:
            continue
        info = read_part_info(interim_dir, "", key=entry.name) if entry.is_dir() else None
        if isinstance(info, dict) and isinstance(info.get("doc_id"), str):
            removed.append(info["doc_id"])
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return sorted(removed)


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


# --- One run at a time, and tables replaced as one set -------------------------

LOCK_NAME = ".lock"
SWITCH_NAME = ".switch.json"


class DataLock:
    """An exclusive lock on a data folder for one run; a second run refuses at once with :class:`DataLockedError`.

    The lock is a POSIX record lock (``lockf``) on ``DATA/.lock``: the kernel
    releases it when the process ends, however it ends, so a killed run never
    leaves a stale lock, and worker processes forked by the run do not inherit
    it (as they would an ``flock``), so one that outlives a killed run for a
    moment cannot block the next.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.handle = None

    _held: set[Path] = set()  # record locks are per process: a second lock from this process is refused here

    def __enter__(self) -> DataLock:
        import fcntl

        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = self.data_dir.resolve()
        if key in DataLock._held:
            raise DataLockedError(self.data_dir, f"this process (pid {os.getpid()}) is already writing it")
        handle = open(self.data_dir / LOCK_NAME, "a+")
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            raise DataLockedError(self.data_dir, f"process {holder or '?'} holds {self.data_dir / LOCK_NAME}; "
                                                 "wait for it to finish, or use another --out") from error
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self.handle = handle
        DataLock._held.add(key)
        return self

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            self.handle.close()  # closing releases the lock
            self.handle = None
            DataLock._held.discard(self.data_dir.resolve())


def switch_files(data_dir: Path, staged: Mapping[str, Path]) -> None:
    """Put every staged file in place as one set: ``staged`` maps final names in ``data_dir`` to finished temporary files.

    First a marker listing every rename is written (atomically, to disk),
    then the renames are done, then the marker is removed. A run killed
    between two renames leaves the marker: :func:`finish_switch`, called by
    the next run, completes the renames, so the folder holds the new set
    whole; ``--check`` reports a folder left half-switched.
    """
    data_dir = Path(data_dir)
    renames = [[Path(temporary).name, final] for final, temporary in staged.items()]
    write_atomically(data_dir / SWITCH_NAME, json.dumps({"renames": renames}, ensure_ascii=False).encode("utf-8"))
    finish_switch(data_dir)


def finish_switch(data_dir: Path) -> bool:
    """Complete the renames of an interrupted :func:`switch_files`; True when there was one to complete."""
    marker = Path(data_dir) / SWITCH_NAME
    try:
        body = json.loads(marker.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        body = None
    renames = body.get("renames") if isinstance(body, dict) else None
    if isinstance(renames, list):
        for pair in renames:
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
                continue
            temporary, final = (Path(data_dir) / Path(name).name for name in pair)
            if temporary.exists():
                os.replace(temporary, final)
        _fsync_folder(data_dir)
    marker.unlink(missing_ok=True)
    return True


def switch_pending(data_dir: Path) -> bool:
    """Whether a run was killed while putting its tables in place (the next run finishes it)."""
    return (Path(data_dir) / SWITCH_NAME).exists()


def remove_leftovers(data_dir: Path) -> list[Path]:
    """Delete the temporary files killed runs left in ``data_dir`` and its parts (call after :func:`finish_switch`)."""
    data_dir = Path(data_dir)
    leftovers = list(data_dir.glob(".*.tmp")) + list((data_dir / INTERIM_NAME).glob("*/.*.tmp"))
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)

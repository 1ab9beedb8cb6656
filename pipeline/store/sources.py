"""The input folder: the documents a run reads, each with its id, sha256 and bytes (read once)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from pipeline import config
from pipeline.errors import (
    DocumentError, DocumentTooLargeError, DuplicateDocumentError, NotARegularFileError, OutsideFolderError, SkippedEntry,
    SymlinkLoopError, UnreadableDocumentError,
)
from pipeline.store.files import INTERIM_NAME, MANIFEST_NAME


class FileStat(NamedTuple):
    """What ``stat`` says of a file, as far as telling it changed goes (git's index keeps the same)."""

    size: int
    mtime_ns: int
    ctime_ns: int  # no program can set it back: a rewrite that restores the mtime still changes it
    inode: int

    @classmethod
    def of(cls, status: os.stat_result) -> FileStat:
        return cls(status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


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
    stat: FileStat | None = field(default=None, repr=False, compare=False)  # taken before the bytes were read


def read_source(path: Path, seeds_dir: Path | None = None, doc_id: str | None = None) -> Source:
    """Read one document file, once: its bytes, their sha256, and its id under ``seeds_dir``.

    ``doc_id`` is that id when the caller has it already (a listing names every file by its folder).

    Raises:
        DocumentTooLargeError: the file holds more than ``config.MAX_DOCUMENT_BYTES`` (refused before it is read
            when its size says so).
        UnreadableDocumentError, SymlinkLoopError: the file cannot be opened or read.
    """
    path = Path(path)
    limit = config.MAX_DOCUMENT_BYTES
    try:
        with open(path, "rb") as handle:
            status = FileStat.of(os.fstat(handle.fileno()))  # before reading: a later change then changes it
            size = status.size
            if size > limit:
                raise DocumentTooLargeError(path, f"{size:,} bytes; limit {limit:,} bytes")
            # What is read counts, not what stat says (a file that grows, a /proc file of size 0).
            data = handle.read(limit + 1)
    except OSError as error:
        raise _unreadable(path, error) from error
    if len(data) > limit:
        raise DocumentTooLargeError(path, f"over {limit:,} bytes")
    return Source(path, doc_id or doc_id_for(path, seeds_dir), hashlib.sha256(data).hexdigest(), len(data), data, status)


def skip_reason(path: Path | str) -> str | None:
    """Why a file in an input folder is not read as a document, or ``None`` when it is.

    Only the file's name counts: it is read as a string (``Path.suffix`` and
    ``Path.stem``'s rule), not parsed as a path, since every file of a listing is asked.
    """
    name = os.path.basename(path)
    if name.startswith("."):
        return "hidden file; rename it without the leading dot to include it"
    dot = name.rfind(".")
    stem, suffix = (name[:dot], name[dot:].lower()) if 0 < dot < len(name) - 1 else (name, "")
    if suffix not in config.DOCUMENT_SUFFIXES:
        ending = f"the ending {suffix}" if suffix else "no file ending"
        return f"{ending} is not a document type; read are {' '.join(config.DOCUMENT_SUFFIXES)}"
    if stem.lower().split(".")[0] in config.FOLDER_NOTE_NAMES:
        return "the folder's own notes, by its name"
    return None


def list_sources(seeds_dir: Path, exclude: Iterable[Path] = (),
                 known: Mapping[str, tuple[FileStat, str]] | None = None) -> tuple[list[Source], list[DocumentError]]:
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

    ``known`` maps a doc_id to the :class:`FileStat` its file had when its
    bytes had a sha256 (:class:`pipeline.store.manifest.StatCache`): a file
    whose stat is still that one is listed with that sha256 and without its
    bytes, unread (decode reads it if it is processed).
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
        under = Path(folder).relative_to(seeds_dir).as_posix()  # once per folder, not a Path per file
        for name in sorted(files):
            path = Path(folder, name)
            reason = skip_reason(name)
            if reason is not None:
                problems.append(SkippedEntry(path, reason))
                continue
            refused, status = _refusal(path, root, seeds_dir)
            if refused is not None:
                problems.append(refused)
                continue
            doc_id = doc_id_in(under, name)
            seen = known.get(doc_id) if known else None
            if seen is not None and seen[0] == FileStat.of(status) and status.st_size <= config.MAX_DOCUMENT_BYTES:
                sources.append(Source(path, doc_id, seen[1], status.st_size, stat=seen[0]))
                continue
            try:
                source = read_source(path, doc_id=doc_id)
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


def _refusal(path: Path, root: Path, seeds_dir: Path) -> tuple[DocumentError | None, os.stat_result | None]:
    """Why ``path`` may not be read (a link out of the folder, a device, a FIFO, a socket), or None, and its stat; never opens it."""
    try:
        status = os.lstat(path)
        link = stat.S_ISLNK(status.st_mode)
        if link:
            status = os.stat(path)
    except OSError as error:
        return _unreadable(path, error), None
    if link:
        real = Path(os.path.realpath(path))
        if not real.is_relative_to(root):
            return OutsideFolderError(path, f"the symbolic link leads outside {seeds_dir}"), status
        if any(part.startswith(".") for part in real.relative_to(root).parts):
            # Hidden folders are not read (.git holds a CI job's token in .git/config): nor are links into them.
            return OutsideFolderError(path, "the symbolic link leads into a hidden file or folder"), status
    if stat.S_ISREG(status.st_mode):
        return None, status
    kind = ("a FIFO" if stat.S_ISFIFO(status.st_mode) else "a socket" if stat.S_ISSOCK(status.st_mode)
            else "a device" if stat.S_ISCHR(status.st_mode) or stat.S_ISBLK(status.st_mode) else "a special file")
    return NotARegularFileError(path, f"{kind}; not opened"), status


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
    return doc_id_in(relative.parent.as_posix(), relative.name)


def doc_id_in(folder: str, name: str) -> str:
    """The id of the file ``name`` in ``folder``, the folder's path under the seeds (``"."`` for the seeds themselves)."""
    return readable_name(name if folder == "." else f"{folder}/{name}")


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

"""Per-document parts cached under ``data/interim/``: one file per document, ``<part_key>.part`` once checked.

A part file is two lines of JSON followed by each of the document's tables as
an Arrow IPC stream, back to back:

1. where each table's bytes lie after the second line (``{"clauses": [0, 5120], ...}``);
2. the part's description: the document's doc_id and sha256, the code
   fingerprint, the sha256 of each table's bytes, and what the run reports
   about the document (its source file, its warnings).

A reader of one table parses the short first line only. A part is reused
while its document's bytes (sha256) and the pipeline code are unchanged. It is
written to a temporary file, flushed to disk and renamed into place, so a part
is whole or absent; a damaged one (truncated, garbage, a table's bytes
changed) fails to parse or to match its digests, and is rebuilt.

Whether a part's rows passed the document checks is its file name: a worker
writes ``<part_key>.unchecked``; the run's parent checks many at once and
renames each that passes to ``<part_key>.part`` (:func:`mark_checked`, one
atomic rename; a part the checks add warnings to is written again, checked,
with them) and deletes each that fails. Only ``.part`` files are reused or
assembled. A run stopped before it checked its parts leaves them
``.unchecked``: the next run checks those still current instead of
processing their documents again, and removes the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import pyarrow as pa

from pipeline.store.files import write_atomically
from pipeline.store.sources import Source

PART_SUFFIX = ".part"            # a part whose rows passed the document checks: the only kind reused or assembled
UNCHECKED_SUFFIX = ".unchecked"  # a part as its worker wrote it, not checked yet
# The current IPC format, stated once: pyarrow's default reads two environment variables per writer.
_IPC_OPTIONS = pa.ipc.IpcWriteOptions()


@cache  # asked for every table of every part while the tables are assembled
def part_key(doc_id: str) -> str:
    """A part's file name less its ending: readable, safe on every file system, never too long, unique per doc_id."""
    readable = re.sub(r"[^\w.-]+", "_", doc_id)[:60].lstrip(".")
    return f"{readable}-{hashlib.sha256(doc_id.encode('utf-8')).hexdigest()[:16]}"


def part_path(interim_dir: Path, doc_id: str, checked: bool = True) -> Path:
    """Where a document's part lies: checked (``.part``) or as its worker wrote it (``.unchecked``)."""
    return Path(interim_dir) / f"{part_key(doc_id)}{PART_SUFFIX if checked else UNCHECKED_SUFFIX}"


def write_part(interim_dir: Path, source: Source, code: str, tables: Mapping[str, pa.Table], info: dict, *,
               checked: bool = False) -> None:
    """Write one document's tables and description as one file, atomically: the part is whole or absent.

    A part is written unchecked unless ``checked`` says its rows passed the document checks.
    """
    sink = pa.BufferOutputStream()
    extents = {}
    for name, table in tables.items():
        start = sink.tell()
        with pa.ipc.new_stream(sink, table.schema, options=_IPC_OPTIONS) as writer:
            writer.write_table(table)
        extents[name] = [start, sink.tell()]
    streams = sink.getvalue().to_pybytes()
    # The digests let a later run tell a damaged table from a whole one; each
    # is taken from the bytes in memory, not by reading the file back.
    digests = {name: hashlib.sha256(streams[start:end]).hexdigest() for name, (start, end) in extents.items()}
    body = dict(info, doc_id=source.doc_id, sha256=source.sha256, code=code, tables=digests)
    # json.dumps escapes every line break inside strings: each JSON value is exactly one line.
    lines = [json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n" for value in (extents, body)]
    write_atomically(part_path(interim_dir, source.doc_id, checked), b"".join(lines) + streams)


def mark_checked(interim_dir: Path, doc_id: str) -> None:
    """Record that an unchecked part's rows passed the document checks: it becomes the document's part (one rename)."""
    os.replace(part_path(interim_dir, doc_id, checked=False), part_path(interim_dir, doc_id))


def _json_object(line: bytes) -> dict | None:
    try:
        value = json.loads(line)
    except ValueError:  # not JSON, or not UTF-8
        return None
    return value if isinstance(value, dict) else None


def read_part_info(interim_dir: Path, doc_id: str) -> dict | None:
    """A part's description, or None when the part is missing or damaged (any shape but an object is damaged)."""
    return _read_description(part_path(interim_dir, doc_id))


def _read_description(path: Path) -> dict | None:
    try:
        with open(path, "rb") as handle:
            handle.readline()
            return _json_object(handle.readline())
    except OSError:
        return None


def part_is_current(interim_dir: Path, source: Source, code: str, checked: bool = True) -> bool:
    """Whether the cached part was made from these bytes by this code, and every table of it is whole (sha256).

    The checked part, or with ``checked=False`` the unchecked one a stopped run left.
    """
    try:
        extents, info, streams = _read_whole(part_path(interim_dir, source.doc_id, checked))
    except OSError:
        return False
    if extents is None or info is None or info.get("sha256") != source.sha256 or info.get("code") != code:
        return False
    digests = info.get("tables")
    if info.get("doc_id") != source.doc_id or not isinstance(digests, dict) or not digests or digests.keys() != extents.keys():
        return False
    return all(_is_extent(extents[name], len(streams))
               and hashlib.sha256(streams[extents[name][0]:extents[name][1]]).hexdigest() == digest
               for name, digest in digests.items())


def _read_whole(path: Path) -> tuple[dict | None, dict | None, bytes]:
    """A part file's two JSON lines (None for one that is not an object) and the table streams after them."""
    with open(path, "rb") as handle:
        return _json_object(handle.readline()), _json_object(handle.readline()), handle.read()


def _is_extent(extent: object, size: int) -> bool:
    return (isinstance(extent, list) and len(extent) == 2 and all(type(end) is int for end in extent)
            and 0 <= extent[0] <= extent[1] <= size)


def read_part(interim_dir: Path, doc_id: str, checked: bool = True) -> tuple[dict, dict[str, pa.Table]]:
    """A part's description and every table of it, the file read once.

    Raises:
        OSError: the part is missing.
        ValueError: the part is damaged (``pyarrow.ArrowInvalid`` is one).
    """
    path = part_path(interim_dir, doc_id, checked)
    extents, info, streams = _read_whole(path)
    if extents is None or info is None or not all(_is_extent(extent, len(streams)) for extent in extents.values()):
        raise ValueError(f"{path}: damaged part")
    data = pa.py_buffer(streams)
    return info, {name: pa.ipc.open_stream(data.slice(start, end - start)).read_all()
                  for name, (start, end) in extents.items()}


def read_part_table(interim_dir: Path, doc_id: str, name: str) -> pa.Table:
    """One table of a document's part: only the first line and the table's own bytes are parsed.

    Called for every table of every part while the tables are assembled: parts
    this run wrote, or that :func:`part_is_current` vouched for.

    Raises:
        OSError: the part is missing, or holds no such table (as a missing table file did).
        pyarrow.ArrowInvalid: the part is damaged.
    """
    path = os.path.join(interim_dir, part_key(doc_id) + PART_SUFFIX)  # a plain path, not three pathlib objects
    with open(path, "rb") as handle:
        extent = (_json_object(handle.readline()) or {}).get(name)
        if extent is None:
            raise FileNotFoundError(f"{path}: the part holds no {name} table")
        handle.readline()  # the description
        handle.seek(extent[0], os.SEEK_CUR)
        data = handle.read(extent[1] - extent[0])
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def remove_stale_parts(interim_dir: Path, keep: Iterable[str]) -> list[str]:
    """Delete the parts of documents that are no longer in the seeds, and anything else in ``interim``; their doc_ids.

    Anything else includes unchecked parts (``keep`` names checked ones) and
    the folders of parts in an earlier layout (a folder per document).
    """
    interim_dir = Path(interim_dir)
    if not interim_dir.is_dir():
        return []
    kept = {f"{part_key(doc_id)}{PART_SUFFIX}" for doc_id in keep}
    removed = []
    for entry in sorted(interim_dir.iterdir()):
        if entry.name in kept:
            continue
        is_part = entry.name.endswith((PART_SUFFIX, UNCHECKED_SUFFIX)) and entry.is_file()
        info = _read_description(entry) if is_part else None
        if info is not None and isinstance(info.get("doc_id"), str):
            removed.append(info["doc_id"])
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return sorted(set(removed))

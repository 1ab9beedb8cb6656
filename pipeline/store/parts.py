"""Per-document parts cached under ``data/interim/<part_key>/``: one Arrow IPC file per table, and part.json.

A part is reused while its document's bytes (sha256) and the pipeline code
are unchanged; part.json is written last, so a part without it is not a part.
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

from pipeline.store.files import PART_NAME, write_atomically
from pipeline.store.manifest import file_sha256
from pipeline.store.sources import Source

@cache  # asked for every table of every part while the tables are assembled
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
    # Called for every table of every part while the tables are assembled: a
    # plain path (not three pathlib objects), read whole and parsed in memory
    # (half the CPU of a memory map for files of a few KB).
    with open(os.path.join(interim_dir, part_key(doc_id), f"{name}.arrow"), "rb") as handle:
        return pa.ipc.open_file(pa.py_buffer(handle.read())).read_all()


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

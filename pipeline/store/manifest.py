"""``data/manifest.json``: what the data folder was made from (inputs, code fingerprint) and what it holds."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__, config
from pipeline.store.files import MANIFEST_NAME, write_atomically
from pipeline.store.sources import FileStat, Source

# The stat cache of a data folder: machine-local, never part of the dataset (see StatCache).
STAT_CACHE_NAME = ".stat.json"
# A file changed less than this before its stat was taken may change again
# with the same stat (timestamps have a granularity: 2 s on FAT, 1 s on some
# network file systems); it is hashed until it is older (see StatCache).
RACY_NS = 2_000_000_000

# Code that reads the tables but never shapes them: changing it must not
# invalidate the cache or make committed tables look stale.
_CODE_SUFFIXES = frozenset({".py", ".txt", ".csv", ".json"})
_NOT_TABLE_CODE = ("cli.py", "entry.py", "evaluate.py", "plotting.py", "report.py", "views.py", "resources/report")


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


@dataclass
class StatCache:
    """What each file's stat was when its bytes had a sha256: an unchanged stat stands for the sha256 (git's index).

    ``sources`` is keyed by doc_id, ``tables`` by table name; each value is
    ``[size, mtime_ns, ctime_ns, inode, sha256]`` (:class:`FileStat`). The
    cache lives in the data folder as ``.stat.json``: it describes files on
    this machine, so it is not part of the dataset, and a missing or damaged
    cache is an empty one (every file is hashed, as before there was one).

    A stat is recorded only when the file had not changed for :data:`RACY_NS`
    before the stat was taken (``since_ns``, the start of the run's listing):
    a file written in the same tick of the clock as its stat could be written
    again within that tick, same size, and keep that stat. git calls such
    index entries "racy" and compares their contents; here they are simply
    hashed again next time, when they are old enough to be recorded. The
    ctime is part of the stat because no program can set it back: a file
    rewritten with its size and mtime restored (``touch -r``, ``cp -p``,
    ``rsync``) still shows a new ctime. The stat is taken before the bytes are
    read, so a change while they are read leaves a stat that no longer matches.
    """

    sources: dict[str, list] = field(default_factory=dict)
    tables: dict[str, list] = field(default_factory=dict)

    @classmethod
    def read(cls, data_dir: Path) -> StatCache:
        """The cache of ``data_dir``; empty when it is missing or damaged. A damaged entry is left out when it is used."""
        try:
            body = json.loads((Path(data_dir) / STAT_CACHE_NAME).read_text(encoding="utf-8"))
            sources, tables = body["sources"], body["tables"]
        except (OSError, ValueError, KeyError, TypeError):
            return cls()
        return cls(sources, tables) if isinstance(sources, dict) and isinstance(tables, dict) else cls()

    def write(self, data_dir: Path) -> None:
        """Write the cache; a data folder that cannot take it (read-only) simply has none."""
        body = {"sources": dict(sorted(self.sources.items())), "tables": dict(sorted(self.tables.items()))}
        try:
            write_atomically(Path(data_dir) / STAT_CACHE_NAME, json.dumps(body, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass

    def known_sources(self) -> dict[str, tuple[FileStat, str]]:
        """doc_id -> (its file's stat, its sha256), for :func:`pipeline.store.sources.list_sources`."""
        return {doc_id: known for doc_id, entry in self.sources.items() if (known := _known(entry)) is not None}

    def known_table(self, name: str) -> tuple[FileStat, str] | None:
        return _known(self.tables.get(name))

    @staticmethod
    def entry(stat: FileStat | None, sha256: str, since_ns: int) -> list | None:
        """The cache entry of a file with this stat and sha256, or None when the stat is too recent to stand for it."""
        if stat is None or max(stat.mtime_ns, stat.ctime_ns) >= since_ns - RACY_NS:
            return None
        return [*stat, sha256]


def _known(entry) -> tuple[FileStat, str] | None:
    """(stat, sha256) of a cache entry; None for a damaged one (its file is hashed)."""
    if not (isinstance(entry, list) and len(entry) == 5 and isinstance(entry[4], str)):
        return None
    stat = FileStat(*entry[:4])
    return (stat, entry[4]) if all(type(number) is int for number in stat) else None


def sources_cache(sources: Iterable[Source], since_ns: int) -> dict[str, list]:
    """The stat cache entries of listed sources, listed from ``since_ns`` on: those whose stat is old enough to stand for their bytes."""
    entries = {}
    for source in sources:
        entry = StatCache.entry(source.stat, source.sha256, since_ns)
        if entry is not None:
            entries[source.doc_id] = entry
    return entries


def file_sha256(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def is_up_to_date(manifest: Manifest | None, code: str, sources: Iterable[Source], data_dir: Path,
                  tables: Iterable[str], cache: StatCache | None = None) -> bool:
    """Whether ``data_dir`` already holds what these sources and this code make, tables untouched.

    A table whose stat is the one ``cache`` recorded is not hashed again; the
    tables hashed are recorded in ``cache`` (:meth:`StatCache.entry`).
    """
    if manifest is None or manifest.code != code:
        return False
    wanted = {source.doc_id: source.sha256 for source in sources}
    if {doc_id: entry.get("sha256") for doc_id, entry in manifest.documents.items()} != wanted:
        return False
    if set(manifest.tables) != set(tables):
        return False
    cache = cache if cache is not None else StatCache()
    since = time.time_ns()
    for name, digest in manifest.tables.items():
        if table_sha256(Path(data_dir) / f"{name}.parquet", cache, name, since) != digest:
            return False
    return True


def table_sha256(path: Path, cache: StatCache, name: str, since_ns: int) -> str | None:
    """The sha256 of a table file: the cached one while its stat is unchanged, else hashed (and then cached)."""
    try:
        stat = FileStat.of(os.stat(path))  # before hashing, as for the sources
    except OSError:
        return None
    known = cache.known_table(name)
    if known is not None and known[0] == stat:
        return known[1]
    digest = file_sha256(path)
    if digest is not None and (fresh := StatCache.entry(stat, digest, since_ns)) is not None:
        cache.tables[name] = fresh
    else:
        cache.tables.pop(name, None)
    return digest

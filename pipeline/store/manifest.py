"""``data/manifest.json``: what the data folder was made from (inputs, code fingerprint) and what it holds."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__, config
from pipeline.store.files import MANIFEST_NAME, write_atomically
from pipeline.store.sources import Source

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

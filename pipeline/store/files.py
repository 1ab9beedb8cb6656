"""Files replaced atomically, one run at a time per data folder, and a set of tables switched in as one."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from pipeline.errors import DataLockedError

# The data folder's layout: the manifest, the parts' folder (one file per
# document: pipeline.store.parts), the run's lock, and the marker of a switch under way.
MANIFEST_NAME = "manifest.json"
INTERIM_NAME = "interim"
CODEBOOK_NAME = "datapackage.json"
# The tables, each ``<name>.parquet`` (their schemas: pipeline.tables): those
# each document contributes rows to on its own, and those that need the whole
# corpus. Named here, where nothing heavy is imported, so that a run with
# nothing to do checks them without loading pyarrow and numpy.
DOCUMENT_TABLES = ("documents", "clauses", "targets", "dates", "parties", "terms", "themes", "theme_shares")
CORPUS_TABLES = ("alignments",)
TABLE_NAMES = DOCUMENT_TABLES + CORPUS_TABLES
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
    leftovers = list(data_dir.glob(".*.tmp")) + list((data_dir / INTERIM_NAME).glob(".*.tmp"))
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

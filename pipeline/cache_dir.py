"""A private cache folder: jieba's dictionary cache must not live in the world-writable /tmp.

jieba caches its parsed dictionary as ``/tmp/jieba.cache`` by default and
loads whatever file it finds there: another user of the machine could plant a
dictionary that changes every segmentation. The cache goes instead to
``$XDG_CACHE_HOME/policy-text-pipeline/<name>`` (``~/.cache/...``), created
with user-only permissions and used only when this user owns it and nobody
else can write to it; otherwise to a new private temporary folder.
"""

from __future__ import annotations

import os
import stat
import tempfile
from functools import cache
from pathlib import Path


def _is_private(folder: Path) -> bool:
    status = folder.lstat()
    return (stat.S_ISDIR(status.st_mode) and status.st_uid == os.getuid()
            and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


@cache
def private_cache_dir(name: str) -> Path:
    """A folder only this user can write to, for caches of ``name``; the same one on every call of a user."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "policy-text-pipeline" / name
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        if base.lstat().st_uid == os.getuid():
            os.chmod(base, 0o700)
        if _is_private(base) and _is_private(base.parent):
            return base
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix=f"policy-{name}-"))


def use_private_jieba_cache() -> Path:
    """Point jieba's dictionary cache at :func:`private_cache_dir` (before jieba first loads its dictionary)."""
    import jieba

    folder = private_cache_dir("jieba")
    if jieba.dt.tmp_dir != str(folder):
        jieba.dt.tmp_dir = str(folder)
    return folder

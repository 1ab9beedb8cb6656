"""Paths and defaults, declared once."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
OPENCC_DIR = RESOURCES_DIR / "opencc"
OPENCC_ADDITIONS = OPENCC_DIR / "policy_additions.txt"
OPENCC_PROTECTED = OPENCC_DIR / "protected.txt"

# Defaults for the command line, relative to the folder the command runs in,
# as with every data tool: `policy extract` in a clone reads ./seeds and writes
# ./data, whether the package is installed editable or into site-packages.
DEFAULT_SEEDS_DIR = Path("seeds")
DEFAULT_DATA_DIR = Path("data")
DEFAULT_GOLD_DIR = Path("tests") / "gold"
DEFAULT_STRUCTURE_GOLD_DIR = DEFAULT_GOLD_DIR / "structure"
# The shared development corpus sits next to a clone (../shared/corpus).
DEFAULT_CORPUS_DIR = Path("..") / "shared" / "corpus"

# File endings the extractor reads as documents; any other file in a seeds
# folder is reported as skipped, with the reason.
DOCUMENT_SUFFIXES = (".txt", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx", ".md", ".markdown")
# A folder's own notes, by the names every repository uses for them: skipped
# (and reported) even when their ending is one that documents have. Only
# names no policy document would take: "notice", "history" or "changes" can
# name a 通知 or a 沿革 as well as a repository note, so they are read.
FOLDER_NOTE_NAMES = ("readme", "license", "licence", "changelog", "contributing", "authors", "copying")

# Limits on one document: its bytes are checked before it is read, its text
# once decoded.  The largest seed is 14,661 characters (42 KB of UTF-8); a
# plan with all its annexes stays well under these, while a runaway file (a
# log, a dump, a PDF of scanned books) stops here, not in the segmenter.
MAX_DOCUMENT_CHARS = 2_000_000
MAX_DOCUMENT_BYTES = 200_000_000  # PDFs with embedded fonts and images are large for their text
# Bytes of listed documents kept in memory from the listing (which reads and hashes
# each one) to decode, so that a document is read once; past it, decode reads again.
KEPT_SOURCE_BYTES = 64_000_000

# Bounds on processing one document, enforced in the worker process
# (pipeline.store.engines): wall time, and memory the worker may map beyond what it
# maps when idle (spaCy, jieba's dictionary and the gazetteer already loaded).
# The slowest real document takes a few seconds; these stop a pathological
# one (a hang, a decompression bomb) without stopping the run.
DOCUMENT_SECONDS = 60.0
DOCUMENT_MEMORY_BYTES = 2**30  # the real corpus peaks at 284 MB resident per worker

# The word segmenter (pipeline/extract/tokenizer.py): "rjieba" (jieba-rs, the
# default) or "jieba" (the Python original). Both read the same dictionaries.
SEGMENTER = "rjieba"

# Private caches (jieba's prefix dictionary), never the world-writable /tmp.
CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "policy-text-pipeline"

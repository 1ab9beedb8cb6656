"""Paths and defaults, declared once."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
OPENCC_DIR = RESOURCES_DIR / "opencc"
OPENCC_TAIWAN_CONFIG = OPENCC_DIR / "policy_tw2s.json"
OPENCC_TRADITIONAL_CONFIG = OPENCC_DIR / "policy_t2s.json"

REPO_DIR = PACKAGE_DIR.parent
DEFAULT_SEEDS_DIR = REPO_DIR / "seeds"
DEFAULT_DATA_DIR = REPO_DIR / "data"
DEFAULT_GOLD_DIR = REPO_DIR / "tests" / "gold"

# File endings the extractor reads as documents; anything else in a seeds
# folder (READMEs, notes) is left alone.
DOCUMENT_SUFFIXES = (".txt",)

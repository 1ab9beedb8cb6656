"""Shared fixtures: the seed documents and one OpenCC converter for the session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.normalize import ScriptConverter
from pipeline.process import Toolkit

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
SEEDS = {
    "sichuan2024": SEEDS_DIR / "000_df46c3d2f2ee2b45.txt",
    "sichuan2019": SEEDS_DIR / "001_abf5e99d2b5f1a8f.txt",
    "sichuan2025": SEEDS_DIR / "002_dba2baabc91e1179.txt",
    "jiangxi2022": SEEDS_DIR / "003_a8cd71ea5b437bb0.txt",
    "shandong2023": SEEDS_DIR / "004_675e57c38d26c4aa.txt",
}


@pytest.fixture(scope="session")
def converter() -> ScriptConverter:
    return ScriptConverter()


@pytest.fixture(scope="session")
def seeds() -> dict[str, Path]:
    return SEEDS


@pytest.fixture(scope="session")
def toolkit(converter) -> Toolkit:
    return Toolkit(converter)


@pytest.fixture(scope="session")
def seed_extraction(tmp_path_factory, toolkit):
    """The five seeds extracted once per session: the data folder (treat it as read-only) and the run's report."""
    from pipeline.corpus import extract_corpus

    out = tmp_path_factory.mktemp("seed_tables")
    return out, extract_corpus(SEEDS_DIR, out, toolkit)


@pytest.fixture(scope="session")
def seed_data_dir(seed_extraction) -> Path:
    """A folder with every table of the five seeds, extracted once per session (treat it as read-only)."""
    return seed_extraction[0]


@pytest.fixture(scope="session")
def seed_tables(seed_data_dir) -> dict:
    """Every table of the five seeds, read back as DataFrames."""
    from pipeline.views import load_tables

    return load_tables(seed_data_dir)

"""Per-document parts: written whole or not at all, and a damaged one is detected and rebuilt."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipeline.corpus import extract_corpus
from pipeline.store import parts
from pipeline.store.files import INTERIM_NAME
from pipeline.store.parts import (
    part_dir, part_is_current, part_key, read_part_info, read_part_table, remove_stale_parts, write_part,
)
from pipeline.store.sources import Source
from tests.test_reliability import _assert_valid, _bad, _corpus, _documents, _failures


def test_a_full_disk_while_writing_a_part_fails_that_document_now_and_is_retried(tmp_path, toolkit, monkeypatch):
    import errno

    seeds, data = _corpus(tmp_path / "seeds", full=_bad("满")), tmp_path / "data"
    original = parts.write_part

    def write_part(interim, source, *args):
        if source.doc_id == "full.txt":
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(interim, source, *args)

    monkeypatch.setattr(parts, "write_part", write_part)
    first = extract_corpus(seeds, data, toolkit)
    assert "table could not be written (full.txt: OSError: [Errno 28] No space left on device)" in _failures(first)["full.txt"]
    assert _documents(data) == {"good.txt"}
    monkeypatch.setattr(parts, "write_part", original)
    assert extract_corpus(seeds, data, toolkit).processed == ["full.txt"]


@pytest.mark.parametrize("damage", ["truncate", "delete", "garbage", "part.json list"])
def test_a_damaged_cache_part_is_detected_and_rebuilt(tmp_path, toolkit, damage):
    seeds, data = _corpus(tmp_path / "seeds"), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    part = part_dir(data / INTERIM_NAME, "good.txt")
    clauses = part / "clauses.arrow"
    if damage == "truncate":
        clauses.write_bytes(clauses.read_bytes()[:100])
    elif damage == "delete":
        clauses.unlink()
    elif damage == "garbage":
        clauses.write_bytes(b"x" * clauses.stat().st_size)
    else:
        (part / "part.json").write_text("[1, 2]", encoding="utf-8")
    (data / "clauses.parquet").unlink()  # and a table gone, so the run cannot be up to date
    report = extract_corpus(seeds, data, toolkit)
    assert report.processed == ["good.txt"]
    _assert_valid(data)


@pytest.mark.parametrize(("doc_id", "readable"), [("plan.txt", "plan.txt"), ("x/a.txt", "x_a.txt"), ("..hidden", "hidden"),
                                                  ("国务院/通知.txt", "国务院_通知.txt")])
def test_a_part_key_is_readable_and_unique(doc_id, readable):
    key = part_key(doc_id)
    assert key.rsplit("-", 1)[0] == readable and len(key.rsplit("-", 1)[1]) == 16
    assert part_key("x_a.txt") != part_key("x/a.txt")  # the same readable name, different documents
    assert len(part_key("长" * 500)) <= 77


def test_a_written_part_is_current_until_its_bytes_or_the_code_change(tmp_path):
    source = Source(tmp_path / "a.txt", "a.txt", "1" * 64, 5)
    table = pa.table({"doc_id": ["a.txt"], "n": [1]})
    write_part(tmp_path, source, "code", {"clauses": table}, {"source_file": "a.txt"})
    assert part_is_current(tmp_path, source, "code")
    assert read_part_table(tmp_path, "a.txt", "clauses").equals(table)
    assert read_part_info(tmp_path, "a.txt")["source_file"] == "a.txt"
    assert not part_is_current(tmp_path, source, "other code")
    assert not part_is_current(tmp_path, Source(source.path, "a.txt", "2" * 64, 5), "code")
    assert remove_stale_parts(tmp_path, keep=[]) == ["a.txt"] and not any(tmp_path.iterdir())

"""Per-document parts: written whole or not at all, and a damaged one is detected and rebuilt."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipeline.corpus import extract_corpus
from pipeline.store import parts
from pipeline.store.files import INTERIM_NAME
from pipeline.store.parts import (
    part_is_current, part_key, part_path, read_part_info, read_part_table, remove_stale_parts, write_part,
)
from pipeline.store.sources import Source
from tests.test_reliability import _assert_valid, _bad, _corpus, _documents, _failures


def test_a_full_disk_while_writing_a_part_fails_that_document_now_and_is_retried(tmp_path, toolkit, monkeypatch):
    import errno

    seeds, data = _corpus(tmp_path / "seeds", full=_bad("满")), tmp_path / "data"
    original = parts.write_part

    def write_part(interim, source, *args, **kwargs):
        if source.doc_id == "full.txt":
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(interim, source, *args, **kwargs)

    monkeypatch.setattr(parts, "write_part", write_part)
    first = extract_corpus(seeds, data, toolkit)
    assert "table could not be written (full.txt: OSError: [Errno 28] No space left on device)" in _failures(first)["full.txt"]
    assert _documents(data) == {"good.txt"}
    monkeypatch.setattr(parts, "write_part", original)
    assert extract_corpus(seeds, data, toolkit).processed == ["full.txt"]


def _damage(path, damage):
    data = path.read_bytes()
    extents, description, streams = data.split(b"\n", 2)
    if damage == "truncate":
        path.write_bytes(data[:100])
    elif damage == "truncate in a table":
        path.write_bytes(data[:-10])
    elif damage == "delete":
        path.unlink()
    elif damage == "garbage":
        path.write_bytes(b"x" * len(data))
    elif damage == "a table's byte changed":
        middle = len(streams) // 2
        path.write_bytes(b"\n".join([extents, description, streams[:middle] + bytes([streams[middle] ^ 1]) + streams[middle + 1:]]))
    elif damage == "description list":
        path.write_bytes(b"\n".join([extents, b"[1, 2]", streams]))
    else:  # "extents past the end"
        path.write_bytes(b"\n".join([extents.replace(b"]", b"0]"), description, streams]))


DAMAGES = ["truncate", "truncate in a table", "delete", "garbage", "a table's byte changed", "description list",
           "extents past the end"]


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_cache_part_is_detected_and_rebuilt(tmp_path, toolkit, damage):
    seeds, data = _corpus(tmp_path / "seeds"), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    _damage(part_path(data / INTERIM_NAME, "good.txt"), damage)
    (data / "clauses.parquet").unlink()  # and a table gone, so the run cannot be up to date
    report = extract_corpus(seeds, data, toolkit)
    assert report.processed == ["good.txt"]
    _assert_valid(data)


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_part_is_not_current(tmp_path, damage):
    source = Source(tmp_path / "a.txt", "a.txt", "1" * 64, 5)
    write_part(tmp_path, source, "code", {"clauses": pa.table({"doc_id": ["a.txt"] * 50}), "terms": pa.table({"n": [1]})},
               {"source_file": "a.txt"}, checked=True)
    _damage(part_path(tmp_path, "a.txt"), damage)
    assert not part_is_current(tmp_path, source, "code")


def test_a_part_is_one_file_and_a_write_that_fails_leaves_the_old_part_whole(tmp_path, monkeypatch):
    import os

    source = Source(tmp_path / "a.txt", "a.txt", "1" * 64, 5)
    old = {"clauses": pa.table({"doc_id": ["a.txt"]})}
    write_part(tmp_path, source, "code", old, {"source_file": "a.txt"}, checked=True)
    assert [path.name for path in tmp_path.iterdir()] == [part_path(tmp_path, "a.txt").name]

    def killed(*args):
        raise OSError("killed before the rename")

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(OSError, match="killed"):
        write_part(tmp_path, source, "new code", {"clauses": pa.table({"doc_id": ["b"] * 9})}, {"source_file": "a.txt"},
                   checked=True)
    assert [path.name for path in tmp_path.iterdir()] == [part_path(tmp_path, "a.txt").name]  # no temporary left
    assert part_is_current(tmp_path, source, "code") and not part_is_current(tmp_path, source, "new code")
    assert read_part_table(tmp_path, "a.txt", "clauses").equals(old["clauses"])


def test_every_table_of_a_real_document_reads_back_as_written(tmp_path, toolkit):
    from pipeline.process import run_document
    from tests.conftest import SEEDS_DIR

    path = sorted(SEEDS_DIR.glob("*.txt"))[0]
    source = Source(path, path.name, "1" * 64, path.stat().st_size)
    tables = run_document(path, toolkit, seeds_dir=SEEDS_DIR).to_arrow()
    tables["targets"] = tables["targets"].schema.empty_table()  # an empty table too
    write_part(tmp_path, source, "code", tables, {"source_file": path.name}, checked=True)
    for name, table in tables.items():
        read = read_part_table(tmp_path, path.name, name)
        assert read.equals(table) and read.schema.equals(table.schema, check_metadata=True), name
    with pytest.raises(FileNotFoundError, match="holds no alignments table"):
        read_part_table(tmp_path, path.name, "alignments")


def test_parts_of_the_earlier_layout_are_removed(tmp_path):
    old = tmp_path / f"{part_key('a.txt')}"  # a folder per document, a file per table and part.json
    old.mkdir()
    (old / "part.json").write_text('{"doc_id": "a.txt"}', encoding="utf-8")
    (old / "clauses.arrow").write_bytes(b"x")
    source = Source(tmp_path / "a.txt", "a.txt", "1" * 64, 5)
    assert not part_is_current(tmp_path, source, "code")
    write_part(tmp_path, source, "code", {"clauses": pa.table({"n": [1]})}, {"source_file": "a.txt"}, checked=True)
    assert remove_stale_parts(tmp_path, keep=["a.txt"]) == []
    assert [path.name for path in tmp_path.iterdir()] == [part_path(tmp_path, "a.txt").name]


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
    write_part(tmp_path, source, "code", {"clauses": table}, {"source_file": "a.txt"}, checked=True)
    assert part_is_current(tmp_path, source, "code")
    assert read_part_table(tmp_path, "a.txt", "clauses").equals(table)
    assert read_part_info(tmp_path, "a.txt")["source_file"] == "a.txt"
    assert not part_is_current(tmp_path, source, "other code")
    assert not part_is_current(tmp_path, Source(source.path, "a.txt", "2" * 64, 5), "code")
    assert remove_stale_parts(tmp_path, keep=[]) == ["a.txt"] and not any(tmp_path.iterdir())


def test_a_part_is_written_unchecked_and_only_a_checked_part_is_current(tmp_path):
    source = Source(tmp_path / "a.txt", "a.txt", "1" * 64, 5)
    table = pa.table({"doc_id": ["a.txt"], "n": [1]})
    write_part(tmp_path, source, "code", {"clauses": table}, {"source_file": "a.txt", "warnings": []})
    assert [path.name for path in tmp_path.iterdir()] == [part_path(tmp_path, "a.txt", checked=False).name]
    assert not part_is_current(tmp_path, source, "code") and part_is_current(tmp_path, source, "code", checked=False)
    info, tables = parts.read_part(tmp_path, "a.txt", checked=False)
    assert info["source_file"] == "a.txt" and tables["clauses"].equals(table)
    with pytest.raises(FileNotFoundError):
        read_part_table(tmp_path, "a.txt", "clauses")  # an unchecked part is never assembled
    parts.mark_checked(tmp_path, "a.txt")
    assert [path.name for path in tmp_path.iterdir()] == [part_path(tmp_path, "a.txt").name]
    assert part_is_current(tmp_path, source, "code") and read_part_table(tmp_path, "a.txt", "clauses").equals(table)


def test_unchecked_parts_are_stale_even_of_documents_kept(tmp_path):
    for doc_id in ("a.txt", "b.txt"):
        write_part(tmp_path, Source(tmp_path / doc_id, doc_id, "1" * 64, 5), "code", {"clauses": pa.table({"n": [1]})},
                   {"source_file": doc_id})
    parts.mark_checked(tmp_path, "a.txt")
    assert remove_stale_parts(tmp_path, keep=["a.txt", "b.txt"]) == ["b.txt"]
    assert [path.name for path in tmp_path.iterdir()] == [part_path(tmp_path, "a.txt").name]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "a table's byte changed"])
def test_a_damaged_unchecked_part_is_processed_again(tmp_path, toolkit, monkeypatch, damage):
    from pipeline import corpus
    from tests.test_corpus import Killed

    def stopped(*args):
        raise Killed  # the run is stopped before it checks the parts it wrote

    seeds, data = _corpus(tmp_path / "seeds"), tmp_path / "data"
    monkeypatch.setattr(corpus, "check_parts", stopped)
    with pytest.raises(Killed):
        extract_corpus(seeds, data, toolkit)
    monkeypatch.undo()
    _damage(part_path(data / INTERIM_NAME, "good.txt", checked=False), damage)
    report = extract_corpus(seeds, data, toolkit)
    assert report.processed == ["good.txt"] and report.ok
    _assert_valid(data)

"""The stat cache: an unchanged stat stands for a file's sha256, a changed or too recent one gets it hashed again."""

from __future__ import annotations

import json
import os

import pytest

from pipeline import corpus
from pipeline.corpus import Listing, extract_corpus, hand_over, take_handed_over
from pipeline.store import manifest as manifest_module
from pipeline.store import sources as sources_module
from pipeline.store.files import INTERIM_NAME
from pipeline.store.manifest import RACY_NS, STAT_CACHE_NAME, StatCache
from pipeline.store.sources import FileStat, list_sources
from tests.hostile import document
from tests.test_reliability import _corpus, _documents

CHANGED = document("一、目标\n（一）到2025年，全省建成数据平台。")
# The same number of bytes as CHANGED, other characters: a rewrite a size check alone cannot see.
SAME_SIZE = CHANGED.replace("全省", "全市")


@pytest.fixture
def old_enough(monkeypatch):
    """Files written by the test count as long unchanged (their ctime is now, and cannot be set back)."""
    monkeypatch.setattr(manifest_module, "RACY_NS", -10 * 10**9)


def _reads(monkeypatch) -> list[str]:
    """The file names read_source reads from now on, in listing and in decode."""
    read, real = [], sources_module.read_source

    def counting(path, *args, **kwargs):
        read.append(os.path.basename(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(sources_module, "read_source", counting)
    monkeypatch.setattr("pipeline.process.read_source", counting)
    return read


def _source_shas(data) -> dict[str, str]:
    import pyarrow.parquet as pq

    table = pq.read_table(data / "documents.parquet", columns=["doc_id", "source_sha256"]).to_pydict()
    return dict(zip(table["doc_id"], table["source_sha256"]))


def test_an_unchanged_folder_is_answered_without_reading_its_sources_or_tables(tmp_path, toolkit, old_enough,
                                                                              monkeypatch):
    seeds, data = _corpus(tmp_path / "seeds", plan=CHANGED), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    assert extract_corpus(seeds, data, toolkit).up_to_date  # hashes the tables once, and records them
    reads = _reads(monkeypatch)
    monkeypatch.setattr(manifest_module, "file_sha256", lambda path: pytest.fail(f"hashed {path}"))
    report = extract_corpus(seeds, data, toolkit)
    assert report.up_to_date and report.reused == ["good.txt", "plan.txt"]
    assert reads == []


def test_a_rewrite_with_the_same_size_and_the_mtime_put_back_is_seen(tmp_path, toolkit, old_enough):
    seeds, data = _corpus(tmp_path / "seeds", plan=CHANGED), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    plan = seeds / "plan.txt"
    before = os.stat(plan)
    assert "plan.txt" in json.loads((data / STAT_CACHE_NAME).read_text(encoding="utf-8"))["sources"]
    plan.write_text(SAME_SIZE, encoding="utf-8")
    os.utime(plan, ns=(before.st_atime_ns, before.st_mtime_ns))  # touch -r, cp -p, rsync: the mtime as it was
    after = os.stat(plan)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    old_sha = _source_shas(data)["plan.txt"]
    report = extract_corpus(seeds, data, toolkit)
    assert report.processed == ["plan.txt"] and report.reused == ["good.txt"]
    assert _source_shas(data)["plan.txt"] != old_sha


def test_a_rewrite_with_its_whole_stat_put_back_is_trusted_as_git_trusts_its_index(tmp_path, toolkit, old_enough):
    """What the cache cannot see, stated: only a stat that comes back whole (ctime and inode too) hides a change."""
    seeds, data = _corpus(tmp_path / "seeds", plan=CHANGED), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    cache = StatCache.read(data)
    plan = seeds / "plan.txt"
    plan.write_text(SAME_SIZE, encoding="utf-8")
    cache.sources["plan.txt"][:4] = list(FileStat.of(os.stat(plan)))  # as if the stat had not changed
    cache.write(data)
    assert extract_corpus(seeds, data, toolkit).up_to_date
    (data / STAT_CACHE_NAME).unlink()  # no cache: every source is hashed, the rewrite is seen
    assert extract_corpus(seeds, data, toolkit).processed == ["plan.txt"]


def test_files_changed_just_before_the_listing_are_racy_and_hashed_again(tmp_path, toolkit, monkeypatch):
    seeds, data = _corpus(tmp_path / "seeds", plan=CHANGED), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)  # the files were written a moment ago: too recent to stand for their bytes
    assert StatCache.read(data).sources == {}
    plan = seeds / "plan.txt"
    plan.write_text(SAME_SIZE, encoding="utf-8")  # within the same second, the same size
    reads = _reads(monkeypatch)
    report = extract_corpus(seeds, data, toolkit)
    assert report.processed == ["plan.txt"]
    assert sorted(set(reads)) == ["good.txt", "plan.txt"]


@pytest.mark.parametrize(("mtime_before", "ctime_before", "recorded"), [
    (RACY_NS + 1, RACY_NS + 1, True),
    (RACY_NS, RACY_NS + 10**9, False),   # changed RACY_NS before the listing: not older, racy
    (RACY_NS + 10**9, 10**9, False),     # ctime of a second ago: its mtime was put back
    (-5 * 10**9, RACY_NS + 1, False),    # a file from the future (a clock ahead): racy until the clock passes it
])
def test_a_stat_is_recorded_only_when_older_than_the_listing_by_the_racy_margin(mtime_before, ctime_before, recorded):
    listed = 1_700_000_000 * 10**9
    stat = FileStat(10, listed - mtime_before, listed - ctime_before, 42)
    assert (StatCache.entry(stat, "ab" * 32, listed) is not None) is recorded


@pytest.mark.parametrize("body", ["", "[]", "{not json", '{"sources": []}', '{"sources": {}, "tables": 3}',
                                  '{"sources": {"plan.txt": [1, 2]}, "tables": {}}',
                                  '{"sources": {"plan.txt": ["1", 2, 3, 4, "x"]}, "tables": {"clauses": null}}',
                                  '{"sources": {"plan.txt": [1.5, 2, 3, 4, 5]}, "tables": {}}'])
def test_a_damaged_stat_cache_is_an_empty_one(tmp_path, toolkit, old_enough, body):
    seeds, data = _corpus(tmp_path / "seeds", plan=CHANGED), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    shas = _source_shas(data)
    (data / STAT_CACHE_NAME).write_text(body, encoding="utf-8")
    assert extract_corpus(seeds, data, toolkit).up_to_date
    (seeds / "plan.txt").write_text(SAME_SIZE, encoding="utf-8")
    (data / STAT_CACHE_NAME).write_text(body, encoding="utf-8")
    assert extract_corpus(seeds, data, toolkit).processed == ["plan.txt"]
    assert _source_shas(data)["good.txt"] == shas["good.txt"]


def test_a_listing_from_the_cache_is_the_listing_from_the_bytes(tmp_path, toolkit, old_enough):
    seeds, data = _corpus(tmp_path / "seeds", plan=CHANGED), tmp_path / "data"
    (seeds / "sub").mkdir()
    (seeds / "sub" / "a.txt").write_text(SAME_SIZE, encoding="utf-8")
    (seeds / "copy.txt").write_text(CHANGED, encoding="utf-8")  # plan.txt is now a duplicate of it: not listed
    (seeds / "README.md").write_text("notes", encoding="utf-8")
    extract_corpus(seeds, data, toolkit)
    known = StatCache.read(data).known_sources()
    assert set(known) == {"good.txt", "copy.txt", "sub/a.txt"}
    cached, cached_problems = list_sources(seeds, exclude=[data], known=known)
    fresh, fresh_problems = list_sources(seeds, exclude=[data])
    assert cached == fresh  # path, doc_id, sha256 and size
    assert [str(problem) for problem in cached_problems] == [str(problem) for problem in fresh_problems]
    assert all(source.data is None for source in cached) and all(source.data is not None for source in fresh)
    assert [source.stat for source in cached] == [source.stat for source in fresh]


def test_a_source_trusted_by_its_stat_and_processed_again_gives_the_same_tables(tmp_path, toolkit, old_enough,
                                                                               monkeypatch):
    seeds, data = _corpus(tmp_path / "seeds", plan=CHANGED), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    tables = {path.name: path.read_bytes() for path in data.glob("*.parquet")}
    (plan_part,) = [part for part in (data / INTERIM_NAME).iterdir() if part.name.startswith("plan.txt")]
    plan_part.unlink()
    (data / "manifest.json").unlink()  # else the intact tables are up to date, parts or not
    reads = _reads(monkeypatch)
    report = extract_corpus(seeds, data, toolkit)
    assert not report.failures, report.failures
    assert report.processed == ["plan.txt"] and reads == []  # the listing read nothing: decode did, in the worker
    assert {path.name: path.read_bytes() for path in data.glob("*.parquet")} == tables


def test_the_listing_handed_over_is_the_listing_of_a_fresh_run(tmp_path, toolkit, old_enough):
    seeds, data = _corpus(tmp_path / "seeds", plan=CHANGED), tmp_path / "data"
    extract_corpus(seeds, data, toolkit)
    (seeds / "new.txt").write_text(SAME_SIZE, encoding="utf-8")
    (seeds / ".hidden.txt").write_text("x", encoding="utf-8")
    listing = extract_corpus(seeds, data, toolkit, only_if_up_to_date=True)
    assert isinstance(listing, Listing)
    fresh, problems = list_sources(seeds, exclude=[data])
    assert list(listing.sources) == fresh and [str(p) for p in listing.problems] == [str(p) for p in problems]
    hand_over(listing)
    assert take_handed_over(tmp_path / "other", data) is None  # another folder's listing is not used, and is gone
    assert take_handed_over(seeds, data) is None
    hand_over(listing)
    given = extract_corpus(seeds, data, toolkit, listing=take_handed_over(seeds, data))
    assert given.processed == ["new.txt"] and _documents(data) == {"good.txt", "plan.txt", "new.txt"}
    assert any("hidden" in str(note) for note in given.skipped)


def test_the_plain_command_with_work_to_do_lists_the_folder_once(tmp_path, toolkit, old_enough, monkeypatch, capsys):
    from pipeline import entry

    seeds, data = _corpus(tmp_path / "seeds", plan=CHANGED), tmp_path / "data"
    args = ["extract", str(seeds), "--out", str(data)]
    with pytest.raises(SystemExit):
        entry.main(args)  # the first run: no codebook yet, the full command alone
    (seeds / "new.txt").write_text(SAME_SIZE, encoding="utf-8")
    listings = []
    real = corpus.list_folder
    monkeypatch.setattr(corpus, "list_folder", lambda *a: listings.append(a) or real(*a))
    with pytest.raises(SystemExit) as ended:
        entry.main(args)
    assert ended.value.code == 0 and len(listings) == 1
    assert "1 processed, 2 unchanged" in capsys.readouterr().out


def test_the_workers_inherit_the_toolkit_the_parent_built_once(tmp_path, monkeypatch):
    """No toolkit given: the parent builds one before it forks, and no worker builds its own (each did, 3 s apiece)."""
    from pipeline import process

    built = tmp_path / "built"
    real = process.Toolkit

    class Counted(real):
        def __init__(self, *args, **kwargs):
            with open(built, "a") as out:
                out.write(f"{os.getpid()}\n")
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(process, "Toolkit", Counted)
    monkeypatch.setattr(corpus, "_WORKER_TOOLKIT", None)
    seeds = _corpus(tmp_path / "seeds", plan=CHANGED, other=SAME_SIZE)
    report = extract_corpus(seeds, tmp_path / "data", workers=2)
    assert report.ok and sorted(report.processed) == ["good.txt", "other.txt", "plan.txt"]
    assert built.read_text().split() == [str(os.getpid())]
    assert corpus._WORKER_TOOLKIT is None  # not kept by the parent after the run

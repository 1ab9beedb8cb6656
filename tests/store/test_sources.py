"""The input folder: what is listed, what is skipped and why, doc_ids, symlink loops, a data folder inside it."""

from __future__ import annotations

import os

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.corpus import extract_corpus
from pipeline.errors import SymlinkLoopError
from pipeline.store.sources import list_sources
from tests.conftest import SEEDS
from tests.hostile import document
from tests.test_containers import LAWREFBOOK_MARKDOWN
from tests.test_corpus import _seeds
from tests.test_reliability import _corpus, _documents

runner = CliRunner()


def test_the_folder_listing_takes_the_container_endings(tmp_path):
    for name in ("a.txt", "b.html", "c.htm", "d.shtml", "e.xhtml", "f.pdf", "g.docx", "h.md", "i.xlsx", "j.markdown"):
        (tmp_path / name).write_bytes(name.encode())  # different bytes: a copy would be a duplicate

    assert [source.path.name for source in list_sources(tmp_path)[0]] == [
        "a.txt", "b.html", "c.htm", "d.shtml", "e.xhtml", "f.pdf", "g.docx", "h.md", "j.markdown"]


def test_every_file_of_a_folder_is_read_or_skipped_with_a_reason(tmp_path):
    for name, text in (("d007.md", LAWREFBOOK_MARKDOWN), ("README.md", "# notes"), ("SOURCES.tsv", "file\n"),
                       ("scan.jpg", "x"), (".hidden.txt", "x"), ("notes", "x")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    sources, problems = list_sources(tmp_path)

    assert [source.path.name for source in sources] == ["d007.md"]
    assert all(getattr(problem, "skipped", False) for problem in problems)
    reasons = {entry.path.name: entry.detail for entry in problems}
    assert set(reasons) == {"README.md", "SOURCES.tsv", "scan.jpg", ".hidden.txt", "notes"}
    assert "the ending .tsv is not a document type" in reasons["SOURCES.tsv"]
    assert reasons["notes"].startswith("no file ending")
    assert reasons["README.md"] == "the folder's own notes, by its name"


def test_the_output_folder_inside_the_input_is_never_read(tmp_path, toolkit):
    seeds = _corpus(tmp_path / "seeds")
    data = seeds / "data"
    extract_corpus(seeds, data, toolkit)
    (data / "report.html").write_text("<html><body>" + "<p>一、报告正文。</p>" * 40 + "</body></html>", encoding="utf-8")
    (data / "note.txt").write_text(document("一、目标\n（一）不是输入。"), encoding="utf-8")
    report = extract_corpus(seeds, data, toolkit)
    assert report.ok and _documents(data) == {"good.txt"}
    assert any("data: skipped" in str(note) for note in report.skipped)


def test_doc_ids_never_collide_and_depend_only_on_the_path(tmp_path, toolkit):
    seeds = _corpus(tmp_path / "seeds")
    for name in ("plan.txt", "x/a.txt", "x_a.txt", "x__a.txt"):
        (seeds / name).parent.mkdir(exist_ok=True)
        (seeds / name).write_text(document(f"一、目标\n（一）到2025年，{name}建成数据平台。"), encoding="utf-8")
    (seeds / "plan.html").write_text("<html><head><title>关于数据的通知</title></head><body>"
                                     + "".join(f"<p>{line}</p>" for line in document(
                                         "一、目标\n（一）到2026年，网页版建成数据交易所。").splitlines())
                                     + "</body></html>", encoding="utf-8")
    report = extract_corpus(seeds, tmp_path / "data", toolkit)
    wanted = {"good.txt", "plan.txt", "plan.html", "x/a.txt", "x_a.txt", "x__a.txt"}
    assert report.ok and set(report.processed) == wanted and _documents(tmp_path / "data") == wanted
    again = extract_corpus(seeds, tmp_path / "other", toolkit)
    assert sorted(again.processed) == sorted(report.processed)


def test_symlink_loops_are_reported_and_the_other_documents_processed(tmp_path, toolkit):
    seeds, data = _seeds(tmp_path / "seeds", ("sichuan2025",)), tmp_path / "data"
    os.symlink("loop.txt", seeds / "loop.txt")                # a file link to itself
    os.symlink(".", seeds / "again")                          # a folder link back to the folder
    os.symlink("missing.txt", seeds / "dangling.txt")         # a link to nothing
    report = extract_corpus(seeds, data, toolkit)
    named = {error.path.name: error for error in report.failures}
    assert set(named) == {"loop.txt", "again", "dangling.txt"}
    assert isinstance(named["loop.txt"], SymlinkLoopError) and isinstance(named["again"], SymlinkLoopError)
    assert "points at nothing" in str(named["dangling.txt"])
    assert report.processed == [SEEDS["sichuan2025"].name]
    result = runner.invoke(app, ["extract", str(seeds), "--out", str(data), "--workers", "1"])
    assert result.exit_code == 1 and "loop.txt" in result.output


def test_documents_in_sub_folders_get_path_ids(tmp_path, toolkit):
    seeds = tmp_path / "seeds"
    _seeds(seeds / "四川", ("sichuan2025",))
    report = extract_corpus(seeds, tmp_path / "data", toolkit)
    assert report.processed == [f"四川/{SEEDS['sichuan2025'].name}"]

"""The benchmark corpus generator: deterministic, mixed in script and encoding, made of seed clauses."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks import make_corpus
from pipeline.process import run_document, segment_document
from tests.conftest import SEEDS

N = 30
NUMBERED = ("section", "clause", "item", "subitem", "bullet")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, converter):
    return make_corpus.generate_corpus(N, tmp_path_factory.mktemp("corpus"), random_seed=0, converter=converter)


@pytest.fixture(scope="module")
def analyses(corpus, toolkit):
    return {doc.path.name: run_document(doc.path, toolkit) for doc in corpus.documents}


@pytest.fixture(scope="module")
def seed_clauses(converter):
    """Every numbered clause text of the seeds, canonical, with the seed it comes from."""
    texts = {}
    for name, path in SEEDS.items():
        segmented = segment_document(path, converter)
        canonical = segmented.canonical.normalized.text
        for clause in segmented.tree.clauses:
            if clause.kind in NUMBERED:
                texts.setdefault(clause.own_text(canonical), name)
    return texts


def test_same_seed_gives_byte_identical_files(corpus, tmp_path, converter):
    again = make_corpus.generate_corpus(N, tmp_path / "again", random_seed=0, converter=converter)
    assert [d.path.name for d in again.documents] == [d.path.name for d in corpus.documents]
    assert sorted(p.name for p in corpus.out_dir.iterdir()) == [f"bench_{i:05d}.txt" for i in range(1, N + 1)]
    for first, second in zip(corpus.documents, again.documents):
        assert first.path.read_bytes() == second.path.read_bytes(), first.path.name


def test_another_seed_gives_other_documents(corpus, tmp_path, converter):
    other = make_corpus.generate_corpus(3, tmp_path, random_seed=1, converter=converter)
    assert other.documents[0].path.read_bytes() != corpus.documents[0].path.read_bytes()


def test_scripts_and_encodings_are_mixed(corpus, analyses):
    encodings = Counter(analyses[doc.path.name].rows["documents"][0]["encoding"] for doc in corpus.documents)
    assert set(encodings) == {"utf-8", "gb18030", "cp950", "utf-16-le"}
    assert encodings["utf-8"] > N / 2
    scripts = Counter((a.normalized.script, a.normalized.variant) for a in analyses.values())
    assert scripts[("simplified", "mainland")] > N / 2
    assert scripts[("traditional", "taiwan")] >= 2
    assert scripts[("traditional", "mainland")] >= 2          # the Big5 documents: s2t keeps mainland words
    assert sum(doc.noisy for doc in corpus.documents) == 3
    # Documents are not one file repeated: lengths and titles differ.
    assert len({doc.n_chars for doc in corpus.documents}) > N * 0.9
    assert len({a.normalized.text.split("\n", 1)[0] for a in analyses.values()}) > N * 0.8


def test_pdf_noise_is_repaired_by_the_pipeline(corpus, analyses):
    for doc in corpus.documents:
        rules = analyses[doc.path.name].normalized.rule_counts
        assert bool(rules.get("page_footer")) == doc.noisy, doc.path.name
        if doc.noisy:
            assert rules["broken_line"] > 10


def test_every_document_segments_without_numbering_warnings(corpus, analyses):
    for doc in corpus.documents:
        analysis = analyses[doc.path.name]
        assert analysis.tree.warnings == (), doc.path.name
        assert analysis.warnings == (), doc.path.name
        kinds = Counter(c.kind for c in analysis.tree.clauses)
        assert 3 <= kinds["section"] <= 8, doc.path.name
        assert kinds["preamble"] == 1


def test_clause_texts_are_the_seeds_clauses(corpus, analyses, converter, seed_clauses):
    """Each numbered clause reads back as a seed clause, written in the document's script and
    normalized by the pipeline (for Simplified documents: exactly the seed's canonical text)."""
    writer = make_corpus.ScriptWriter()
    expected: dict[tuple, dict[str, str]] = {}
    seeds_per_document = []
    for doc in corpus.documents:
        normalized = analyses[doc.path.name].normalized
        key = (doc.form.name, normalized.script, normalized.variant)
        if key not in expected:
            back = converter.converter_for(normalized.script, normalized.variant)
            expected[key] = {}
            for text, seed in seed_clauses.items():
                written = writer.write(text, doc.form)[0]
                expected[key].setdefault(back.convert(written) if back else written, seed)
        if doc.form.simplified:
            assert set(expected[key]) == set(seed_clauses)
        seeds = set()
        clauses = [c for c in analyses[doc.path.name].tree.clauses if c.kind in NUMBERED]
        assert len(clauses) >= 4, doc.path.name
        for clause in clauses:
            text = clause.own_text(normalized.text)
            assert text in expected[key], (doc.path.name, doc.form.name, clause.clause_id, text[:40])
            seeds.add(expected[key][text])
        seeds_per_document.append(len(seeds))
    assert max(seeds_per_document) >= 3          # sections from different seeds, mixed


def test_command_line_replaces_earlier_files_and_prints_a_summary(tmp_path, capsys):
    (tmp_path / "bench_99999.txt").write_text("left over", encoding="utf-8")
    (tmp_path / "notes.md").write_text("kept", encoding="utf-8")
    assert make_corpus.main(["--n", "4", "--out", str(tmp_path), "--random-seed", "3"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"bench_{i:05d}.txt" for i in range(1, 5)] + ["notes.md"]
    printed = capsys.readouterr().out
    assert "wrote 4 documents" in printed
    assert "traditional, Big5" in printed and "median" in printed


def test_bare_reference_measures_jieba_and_opencc(corpus):
    from benchmarks import bare

    texts = bare.canonical_texts(corpus.out_dir)[:4]
    single = bare.measure_jieba(texts, workers=1)
    pooled = bare.measure_opencc(texts, workers=2)
    assert (single.task, single.workers, single.documents) == ("jieba.lcut", 1, 4)
    assert (pooled.task, pooled.workers, pooled.documents) == ("opencc t2s", 2, 4)
    assert single.megabytes == pooled.megabytes > 0
    assert single.cpu_seconds > 0 and pooled.cpu_seconds is None
    assert "jieba.lcut" in bare.table([single, pooled])

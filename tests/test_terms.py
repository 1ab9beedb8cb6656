"""Terms per clause: which words count, their counts and offsets, and TF-IDF weights."""

from __future__ import annotations

import math

import pytest

import numpy as np
import pandas as pd
import pyarrow as pa
from sklearn.feature_extraction.text import TfidfTransformer

from pipeline.terms import clause_terms, corpus_idf, is_term, load_stopwords, smoothed_idf, weight_part


@pytest.mark.parametrize(("word", "kept"), [
    ("数据要素", True), ("5G", True), ("IPv6", True), ("算力", True),
    ("的", False), ("2025", False), ("40%", False), ("以及", False), ("，", False), (" ", False),
])
def test_is_term(word, kept):
    assert is_term(word, load_stopwords()) is kept


def test_clause_terms_counts_and_keeps_the_first_offsets():
    words = ["培育", "数据", "要素", "的", "市场", "，", "数据", "2025"]
    starts = [0, 2, 4, 6, 7, 9, 10, 12]
    assert clause_terms(words, starts, frozenset({"培育"})) == (["数据", "要素", "市场"], [2, 1, 1], [2, 4, 7])



# Real excerpts (seeds and corpus): each clause's words, counted twice so the second reading comes from
# the remembered verdicts.
_EXCERPTS = ("到2025年，全省数据要素市场体系基本建成，数据要素市场规模达到500亿元",
             "支持5G、IPv6等新型基础设施建设，培育一批数据要素型企业",
             "（一）加快建设全国一体化算力网络国家枢纽节点")


@pytest.mark.parametrize("text", _EXCERPTS)
def test_clause_terms_remembered_verdicts_are_is_term(text, monkeypatch):
    from pipeline import terms
    from pipeline.extract.tokenizer import get_segmenter, word_starts

    words = get_segmenter().cut(text)
    starts = word_starts(words, [False] * len(words))
    stopwords = load_stopwords()
    expected = [(w, words.count(w), starts[words.index(w)]) for w in dict.fromkeys(words) if is_term(w, stopwords)]
    assert _rows(clause_terms(words, starts)) == expected
    assert _rows(clause_terms(words, starts)) == expected  # from the remembered verdicts
    # Another stop-word list has verdicts of its own.
    other = stopwords | {expected[0][0]}
    assert _rows(clause_terms(words, starts, other)) == [row for row in expected if row[0] not in other]
    # Past the bound the verdicts are forgotten and computed again.
    monkeypatch.setattr(terms, "_MAX_VERDICTS", 0)
    assert _rows(clause_terms(words, starts)) == expected


def _rows(found):
    """(term, count, start) per term: the columns of clause_terms read across."""
    return list(zip(*found))


_TERMS = pa.schema([("doc_id", pa.string()), ("clause_id", pa.string()), ("term", pa.string()), ("count", pa.int32())])


def terms_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=_TERMS)


def weights_over(rows: list[dict]) -> list[float]:
    """TF-IDF weights of terms rows as the assembly computes them: idf over the parts, then each part's weights."""
    table = terms_table(rows)
    return weight_part(table, corpus_idf([table])).tolist()


def test_weights_are_tf_idf_normalised_per_clause():
    rows = [
        {"doc_id": "a", "clause_id": "1", "term": "算力", "count": 2},
        {"doc_id": "a", "clause_id": "1", "term": "数据", "count": 1},
        {"doc_id": "b", "clause_id": "1", "term": "数据", "count": 3},
    ]
    weights = weights_over(rows)
    # 数据 is in every clause: idf 1; 算力 in one of two: idf 1 + ln(3/2).
    idf = 1 + math.log(3 / 2)
    norm = math.hypot(2 * idf, 1)
    assert weights == pytest.approx([2 * idf / norm, 1 / norm, 1.0])
    assert weights_over([]) == []
    # The corpus is read part by part (a batch of documents each): the weights do not depend on the cut.
    assert weight_part(terms_table(rows), corpus_idf([terms_table(rows[:2]), terms_table(rows[2:])])).tolist() \
        == weights


def test_terms_table_of_the_seeds(seed_tables):
    terms, clauses = seed_tables["terms"], seed_tables["clauses"]
    stopwords = load_stopwords()
    assert not terms["term"].isin(stopwords).any()
    assert (terms["term"].str.len() > 1).all() and not terms["term"].str.fullmatch(r"[0-9.%]+").any()
    assert not terms.duplicated(["doc_id", "clause_id", "term"]).any()
    # Each clause's weights form a unit vector.
    norms = terms.assign(sq=terms["tfidf"] ** 2).groupby(["doc_id", "clause_id"])["sq"].sum()
    assert norms.to_numpy() == pytest.approx(1.0)
    # Offsets point at the term inside its clause (the clause spans [start, end) of the canonical text).
    spans = clauses[["doc_id", "clause_id", "start", "end"]]
    joined = terms.merge(spans, on=["doc_id", "clause_id"], suffixes=("", "_clause"))
    assert len(joined) == len(terms)
    assert ((joined["start"] >= joined["start_clause"]) & (joined["end"] <= joined["end_clause"])).all()
    assert (joined["end"] - joined["start"] == joined["term"].str.len()).all()
    # Traditional-script Sichuan 2024 is counted in canonical words.
    sichuan_2024 = terms[terms["doc_id"] == "000_df46c3d2f2ee2b45.txt"]["term"]
    assert "人工智能" in set(sichuan_2024) and "人工智慧" not in set(sichuan_2024)


def test_weights_equal_scikit_learns_tfidf_transformer():
    rng = np.random.default_rng(0)
    counts = rng.integers(0, 4, size=(30, 12))
    counts[:, 0] = 0
    counts[0, 0] = 2
    expected = TfidfTransformer().fit_transform(counts).toarray()
    rows = [{"doc_id": f"d{i % 3}", "clause_id": str(i), "term": f"t{j}", "count": int(counts[i, j])}
            for i in range(30) for j in range(12) if counts[i, j]]
    weights = weights_over(rows)
    assert weights == pytest.approx([expected[int(r["clause_id"]), int(r["term"][1:])] for r in rows], abs=1e-8)
    frequency = pd.Series((counts > 0).sum(axis=0), index=[f"t{j}" for j in range(12)])
    nonempty = int((counts.sum(axis=1) > 0).sum())
    assert smoothed_idf(frequency, nonempty).to_numpy() == pytest.approx(TfidfTransformer().fit(counts).idf_)


def test_weights_do_not_depend_on_how_documents_are_batched():
    """The assembly weighs 64 documents at a time: the same rows weighed a document at a time give the same floats."""
    rows = [{"doc_id": doc, "clause_id": clause, "term": term, "count": count}
            for doc, clause, term, count in [("a", "1", "数据", 2), ("a", "1.1", "数据", 1), ("a", "1", "要素", 1),
                                              ("b", "1", "算力", 3), ("b", "1", "数据", 1), ("b", "2", "要素", 4)]]
    idf = corpus_idf([terms_table(rows[:3]), terms_table(rows[3:])])
    together = weight_part(terms_table(rows), idf).tolist()
    apart = weight_part(terms_table(rows[:3]), idf).tolist() + weight_part(terms_table(rows[3:]), idf).tolist()
    assert together == apart
    assert sorted(idf["term"].to_pylist()) == ["数据", "算力", "要素"]
    assert dict(zip(idf["term"].to_pylist(), idf["idf"].to_pylist()))["数据"] == pytest.approx(1 + math.log(5 / 4))  # 3 of 4 clauses


@pytest.mark.parametrize("pending_rows", [1, 2, 1 << 16])
def test_idf_is_the_same_however_often_the_counts_are_summed(monkeypatch, pending_rows):
    """corpus_idf sums the parts' counts when they outgrow the vocabulary: after every part, or only at the end."""
    import pipeline.terms as terms

    parts = [[("a", "1", "数据"), ("a", "1", "要素"), ("a", "2", "数据")], [("b", "1", "算力"), ("b", "1", "数据")],
             [("c", "1", "要素")], [("d", "1", "数据"), ("d", "2", "算力"), ("d", "3", "新词")]]
    tables = [terms_table([{"doc_id": d, "clause_id": c, "term": t, "count": 1} for d, c, t in part]) for part in parts]
    monkeypatch.setattr(terms, "_PENDING_ROWS", pending_rows)
    idf = terms.corpus_idf(tables)
    by_term = dict(zip(idf["term"].to_pylist(), idf["idf"].to_pylist()))
    clauses = {"数据": 4, "要素": 2, "算力": 2, "新词": 1}  # of the 7 clauses
    assert by_term == pytest.approx({term: 1 + math.log(8 / (1 + n)) for term, n in clauses.items()})

"""Clause alignment: the estimator, shared passages, and the known copies between the seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.compare import CharNgrams, ClauseComparer, meaningful_chars, shared_passage
from pipeline.terms import JiebaAnalyzer

SICHUAN_2024 = "000_df46c3d2f2ee2b45.txt"
SICHUAN_2025 = "002_dba2baabc91e1179.txt"


def _clauses(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"doc_id": d, "clause_id": c, "kind": "clause", "text": t} for d, c, t in rows])


@pytest.mark.parametrize(("text", "grams"), [
    ("数据要素", ["数据", "据要", "要素", "数据要", "据要素"]),
    ("算力。5G", ["算力", "5G"]),            # no n-gram across the full stop
    ("。、；", []),
])
def test_char_ngrams_stay_inside_runs_of_words(text, grams):
    assert CharNgrams((2, 3))(text) == grams


@pytest.mark.parametrize(("a", "b", "shared", "reuse"), [
    # One edit (区内 → 试验区内) splits the exact match but not the near-verbatim stretch.
    ("支持自由贸易试验区制定区内数据清单", "支持自由贸易试验区制定试验区内数据清单", "支持自由贸易试验区制定", 17),
    ("加强组织领导", "完善财政政策", "", 0),
    ("\n为深入贯彻落实", "\n为深入贯彻落实", "为深入贯彻落实", 8),   # line breaks at the edge are not shown
])
def test_shared_passage(a, b, shared, reuse):
    passage = shared_passage(a, b)
    assert passage.text == shared
    assert passage.reuse_chars == reuse
    assert a[passage.start_a:passage.end_a] == shared == b[passage.start_b:passage.end_b]


def test_fit_sets_trailing_underscore_attributes_and_keeps_parameters():
    comparer = ClauseComparer(min_score=0.3)
    assert not hasattr(comparer, "matrix_")
    clauses = _clauses(("a", "1", "推动数据要素市场化配置改革，培育数据交易市场。"),
                       ("b", "1", "推动数据要素市场化配置改革，建设数据交易所。"),
                       ("b", "2", "短"))
    fitted = comparer.fit(clauses)
    assert fitted is comparer and comparer.min_score == 0.3
    assert list(comparer.clauses_["clause_id"]) == ["1", "1"]  # the bare one-character clause is left out
    assert comparer.matrix_.shape[0] == 2


def test_similarity_is_cosine_in_the_fitted_space():
    comparer = ClauseComparer(min_chars=5).fit(_clauses(("a", "1", "建设全国一体化算力网络国家枢纽节点"),
                                                     ("b", "1", "加强个人信息保护和数据安全监管工作")))
    scores = comparer.similarity(["建设全国一体化算力网络国家枢纽节点", "加强个人信息保护"],
                                 ["建设全国一体化算力网络国家枢纽节点"])
    assert scores[0, 0] == pytest.approx(1.0)
    assert scores[1, 0] == pytest.approx(0.0)


def test_align_keeps_mutual_best_matches_of_different_documents_only():
    clauses = _clauses(
        ("a", "1", "加快建设全国一体化算力网络国家枢纽节点，提升算力调度能力。"),
        ("a", "2", "加强数字经济领域人才队伍建设，引进高层次人才。"),
        ("b", "1", "建设全国一体化算力网络国家枢纽节点，增强算力调度能力。"),
        ("b", "2", "培育数字经济领域人才队伍，引进培养高层次人才。"),
        ("b", "3", "建设全国一体化算力网络成渝枢纽节点。"),
    )
    aligned = ClauseComparer(min_score=0.2).fit(clauses).align()
    pairs = set(zip(aligned["clause_a"], aligned["clause_b"]))
    assert pairs == {("1", "1"), ("2", "2")}
    assert (aligned["doc_a"] == "a").all() and (aligned["doc_b"] == "b").all()


def test_reuse_is_kept_even_below_the_score_threshold():
    copied = "支持自由贸易试验区在国家数据分类分级保护制度框架下制定需要纳入数据出境安全评估范围的数据清单"
    clauses = _clauses(("a", "1", "加强安全治理。" + copied + "。大力发展网络安全产业，培育一批龙头企业，完善产业生态。"),
                       ("b", "1", "推进规则互通，加强对接合作，参与国际标准制定。" + copied + "。"))
    aligned = ClauseComparer(min_score=0.99).fit(clauses).align()
    assert len(aligned) == 1
    row = aligned.iloc[0]
    assert row["reuse"] and row["reuse_chars"] >= 40 and row["score"] < 0.99
    assert row["shared_text"] == copied + "。"


def test_blocking_on_rare_features_gives_the_same_pairs_on_the_seeds(seed_tables):
    clauses = seed_tables["clauses"]
    exact = ClauseComparer(block_max_df=None).fit(clauses).align()
    blocked = ClauseComparer(block_max_df=40).fit(clauses).align()
    # Pruning the commonest features only removes candidates, never invents them.
    key = ["doc_a", "clause_a", "doc_b", "clause_b"]
    assert set(map(tuple, blocked[key].to_numpy())) <= set(map(tuple, exact[key].to_numpy()))
    assert len(blocked) >= 0.8 * len(exact)


def test_jieba_words_can_be_the_analyzer(seed_tables):
    aligned = ClauseComparer(analyzer=JiebaAnalyzer()).fit(seed_tables["clauses"]).align()
    reused = aligned[aligned["reuse"]]
    assert ((reused["doc_a"] == SICHUAN_2024) & (reused["clause_a"] == "2.3") & (reused["clause_b"] == "2.5.17")).any()


def test_the_free_trade_zone_data_export_sentence_is_found_as_reuse(seed_tables):
    """Sichuan 2024 is Traditional with Taiwan words, Sichuan 2025 Simplified: this works only after normalization."""
    alignments = seed_tables["alignments"]
    pair = alignments[(alignments["doc_a"] == SICHUAN_2024) & (alignments["clause_a"] == "2.3")
                      & (alignments["doc_b"] == SICHUAN_2025) & (alignments["clause_b"] == "2.5.17")]
    assert len(pair) == 1
    row = pair.iloc[0]
    assert bool(row["reuse"])
    assert "数据出境安全评估" in row["shared_text"]
    clauses = seed_tables["clauses"].set_index(["doc_id", "clause_id"])
    assert clauses.loc[(SICHUAN_2024, "2.3"), "text"][row["shared_start_a"]:row["shared_end_a"]] == row["shared_text"]
    assert clauses.loc[(SICHUAN_2025, "2.5.17"), "text"][row["shared_start_b"]:row["shared_end_b"]] == row["shared_text"]
    assert "中国(四川)自由贸易试验区" in clauses.loc[(SICHUAN_2024, "2.3"), "text"]


def test_alignments_are_between_documents_and_scored(seed_tables):
    alignments = seed_tables["alignments"]
    assert len(alignments) >= 20
    assert (alignments["doc_a"] < alignments["doc_b"]).all()
    assert alignments["score"].between(0, 1 + 1e-9).all()
    assert not alignments.duplicated(["doc_a", "clause_a", "doc_b", "clause_b"]).any()
    clauses = set(map(tuple, seed_tables["clauses"][["doc_id", "clause_id"]].to_numpy()))
    assert all((d, c) in clauses for d, c in alignments[["doc_a", "clause_a"]].to_numpy())
    assert all((d, c) in clauses for d, c in alignments[["doc_b", "clause_b"]].to_numpy())
    # The 2024 and 2025 Sichuan documents repeat each other more than either repeats Sichuan 2019.
    per_pair = alignments.groupby(["doc_a", "doc_b"]).size()
    assert per_pair[(SICHUAN_2024, SICHUAN_2025)] > per_pair[("000_df46c3d2f2ee2b45.txt", "001_abf5e99d2b5f1a8f.txt")]


def test_meaningful_chars_ignores_punctuation_and_space():
    assert meaningful_chars("（一）加强组织领导。 ") == 7


# --- The fast paths give what the plain ones give ------------------------------------

@pytest.mark.parametrize("ngram_range", [(2, 3), (1, 2), (3, 3)])
def test_array_counting_gives_scikit_learns_matrix_bit_for_bit(seed_tables, ngram_range):
    """Same vocabulary, same entries in the same order within each row: products of the matrix give the same bits."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from pipeline.compare import _Vectorizer

    texts = seed_tables["clauses"]["text"].tolist() + ["", "。、；", "𠀀𠀁𠀂 ABC-12", "数据要素。数据要素"]
    plain = TfidfVectorizer(analyzer=CharNgrams(ngram_range), sublinear_tf=True)
    fast = _Vectorizer(analyzer=CharNgrams(ngram_range), sublinear_tf=True)
    expected, got = plain.fit_transform(texts), fast.fit_transform(texts)
    assert fast.vocabulary_ == plain.vocabulary_
    for attribute in ("indptr", "indices", "data"):
        assert getattr(got, attribute).tobytes() == getattr(expected, attribute).tobytes(), attribute
    assert (got @ got.T).toarray().tobytes() == (expected @ expected.T).toarray().tobytes()


@pytest.mark.parametrize("analyzer", [CharNgrams((2, 3)), JiebaAnalyzer()], ids=["char-ngrams", "jieba"])
def test_one_row_per_distinct_text_is_each_copys_row_bit_for_bit(seed_tables, analyzer):
    """Copies count in the document frequencies; each distinct text's row is the row every copy gets."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from pipeline.compare import _Vectorizer

    texts = seed_tables["clauses"]["text"].tolist()
    texts = texts + texts[:40] * 3 + ["数据要素。数据要素"] * 5  # copied clauses, as corpora copy them
    text_of, distinct = pd.factorize(pd.Series(texts))
    plain = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, dtype=np.float64)
    expected = plain.fit_transform(texts).tocsr()
    fast = _Vectorizer(analyzer=analyzer, sublinear_tf=True, dtype=np.float64)
    got = fast.fit_transform_copies(list(distinct), np.bincount(text_of)).tocsr()
    assert fast.idf_.tobytes() == plain.idf_.tobytes()
    rows = expected[np.unique(text_of, return_index=True)[1]]
    for attribute in ("indptr", "indices", "data"):
        assert getattr(got, attribute).tobytes() == getattr(rows, attribute).tobytes(), attribute


def test_alignments_of_copied_clauses_are_the_alignments_of_every_copy(seed_tables):
    """A clause copied into other documents aligns as its copies do: the same passage for every copy."""
    clauses = seed_tables["clauses"]
    copied = clauses[clauses["doc_id"] == SICHUAN_2024].assign(doc_id="zz_copy_of_sichuan_2024.txt")
    aligned = ClauseComparer().fit(pd.concat([clauses, copied], ignore_index=True)).align()
    original = aligned[(aligned["doc_a"] == SICHUAN_2024) & (aligned["doc_b"] == SICHUAN_2025)]
    again = aligned[(aligned["doc_a"] == SICHUAN_2025) & (aligned["doc_b"] == "zz_copy_of_sichuan_2024.txt")]
    columns = ["clause_a", "clause_b", "score", "shared_text", "reuse_chars"]
    assert len(original) > 0
    swapped = again.rename(columns={"clause_a": "clause_b", "clause_b": "clause_a"})
    swapped[["shared_start_a", "shared_start_b"]] = again[["shared_start_b", "shared_start_a"]].to_numpy()
    assert set(map(tuple, original[columns].to_numpy())) <= set(map(tuple, swapped[columns].to_numpy()))
    whole = aligned[(aligned["doc_a"] == SICHUAN_2024) & (aligned["doc_b"] == "zz_copy_of_sichuan_2024.txt")]
    assert (whole["clause_a"] == whole["clause_b"]).all() and whole["reuse"].any()


def test_forked_processes_give_the_same_alignments(seed_tables, monkeypatch):
    """Candidates and shared passages searched in two processes, a few texts per task, as in one."""
    import pipeline.compare as compare

    clauses = seed_tables["clauses"]
    alone = ClauseComparer().fit(clauses).align_table()
    monkeypatch.setattr(compare, "_CHUNK_ROWS", 7)
    monkeypatch.setattr(compare, "_CHUNK_PASSAGES", 5)
    forked = ClauseComparer(n_jobs=2).fit(clauses).align_table()
    assert alone.num_rows > 20 and forked.equals(alone)


def test_a_pool_worker_aligns_in_its_own_process(seed_tables, monkeypatch):
    """A daemonic process may not fork helpers: n_jobs > 1 there runs the tasks in place, with the same result."""
    from multiprocessing import get_context

    import pipeline.compare as compare

    monkeypatch.setattr(compare, "_CHUNK_ROWS", 7)  # several tasks, inherited by the pool's worker
    clauses = seed_tables["clauses"]
    with get_context("fork").Pool(1) as pool:
        inside = pool.apply(_align_with_two_jobs, (clauses,))
    assert inside.equals(ClauseComparer().fit(clauses).align_table())


def _align_with_two_jobs(clauses):
    return ClauseComparer(n_jobs=2).fit(clauses).align_table()


def test_the_alignments_table_has_its_schema_and_sort_order(seed_tables):
    from pipeline.tables import SCHEMAS, frame_to_table

    table = ClauseComparer().fit(seed_tables["clauses"]).align_table()
    assert table.schema == SCHEMAS["alignments"]
    assert table.equals(frame_to_table("alignments", table.to_pandas().sample(frac=1, random_state=0)))
    empty = ClauseComparer().fit(seed_tables["clauses"].iloc[:0]).align_table()
    assert empty.num_rows == 0 and empty.schema == SCHEMAS["alignments"]


def test_the_reuse_bound_skips_no_pair_that_is_reuse(seed_tables, monkeypatch):
    """Searching every candidate's shared passage, as before the bound, keeps exactly the same rows."""
    clauses = seed_tables["clauses"]
    bounded = ClauseComparer(reuse_min_chars=20).fit(clauses).align()
    monkeypatch.setattr(ClauseComparer, "_may_be_reuse", lambda self, a, b: np.ones(len(a), dtype=bool))
    searched = ClauseComparer(reuse_min_chars=20).fit(clauses).align()
    pd.testing.assert_frame_equal(bounded, searched)
    assert bounded["reuse"].sum() > 0


@pytest.mark.parametrize(("a", "b"), [
    ("制定区内需要纳入数据清单的范围", "制定试验区内需要纳入数据清单的范围"),
    ("甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉"),
    ("数据数据数据数据数据数据", "数据数据数据"),
])
def test_the_window_bound_is_never_below_the_near_verbatim_stretch(a, b):
    from pipeline.compare import _MIN_BLOCK, _REUSE_BOUND_N, _window_counts

    windows = _window_counts([a, b], _REUSE_BOUND_N)
    shared = windows[[0]].minimum(windows[[1]]).sum()
    assert shared * _MIN_BLOCK >= shared_passage(a, b).reuse_chars * (_MIN_BLOCK - _REUSE_BOUND_N + 1)


def test_counting_in_small_chunks_gives_the_same_columns(seed_tables):
    """Texts read a few at a time keep the corpus-wide order of first appearance."""
    from sklearn.feature_extraction.text import CountVectorizer

    from pipeline.compare import char_ngram_counts

    texts = seed_tables["clauses"]["text"].tolist()
    expected = CountVectorizer(analyzer=CharNgrams((2, 3)))
    counts = expected.fit_transform(texts)
    for chunk_chars in (1, 300, 10**9):
        vocabulary, matrix = char_ngram_counts(texts, (2, 3), chunk_chars=chunk_chars)
        order = sorted(vocabulary, key=vocabulary.get)
        # CountVectorizer sorts its columns by term; put ours in that order to compare.
        remap = np.array([expected.vocabulary_[term] for term in order])
        assert sorted(vocabulary) == sorted(expected.vocabulary_)
        ours = matrix.tocoo()
        assert sorted(zip(ours.row, remap[ours.col], ours.data)) == sorted(zip(*counts.nonzero(), counts.data))
        assert (np.diff(matrix.indptr) == np.diff(counts.indptr)).all()


# Sentences of the seeds: Sichuan 2024's data-export sentence, which Sichuan 2025 copies
# with one edit, and the opening of Sichuan 2025's 总体要求 (the formula many documents open with).
FREE_TRADE_ZONE = "支持中国(四川)自由贸易试验区在国家数据分类分级保护制度框架下，制定区内需要纳入数据出境安全评估、个人信息出境标准合同、个人信息保护认证管理范围的数据清单。"
FREE_TRADE_ZONE_2025 = FREE_TRADE_ZONE.replace("制定区内", "制定试验区内")
FORMULA = "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届二中、三中全会精神，落实省委十二届历次全会部署。"
OWN_CLAUSES = ("加快建设全国一体化算力网络国家枢纽节点，提升算力调度能力。", "加强数字经济领域人才队伍建设，引进高层次人才。",
               "推进规则互通，加强对接合作，参与国际标准制定。", "大力发展网络安全产业，培育一批龙头企业，完善产业生态。")


def _copied_into(documents: int, copied: str) -> pd.DataFrame:
    """``documents`` documents that each hold ``copied`` and a clause of their own (numbered, so no two are copies)."""
    rows = []
    for k in range(documents):
        rows.append((f"d{k:03d}", "1", copied))
        rows.append((f"d{k:03d}", "2", f"{OWN_CLAUSES[k % len(OWN_CLAUSES)]}第{k}项任务由各地落实。"))
    return _clauses(*rows)


def _copy_pairs(aligned: pd.DataFrame) -> set[tuple[str, str]]:
    copies = aligned[(aligned["clause_a"] == "1") & (aligned["clause_b"] == "1")]
    return set(zip(copies["doc_a"], copies["doc_b"]))


@pytest.mark.parametrize("copied", [FREE_TRADE_ZONE, FORMULA])
@pytest.mark.parametrize("block_max_df", [5, 0])
def test_a_clause_copied_into_more_documents_than_the_blocking_limit_is_paired_with_its_copies(copied, block_max_df):
    """30 copies, a limit of 5 (or 0: every feature left out): every copy is still paired, by its text."""
    aligned = ClauseComparer(block_max_df=block_max_df, n_neighbors=3).fit(_copied_into(30, copied)).align()
    pairs = _copy_pairs(aligned)
    paired = {doc for pair in pairs for doc in pair}
    assert paired == {f"d{k:03d}" for k in range(30)}
    # The copies in the text's first n_neighbors + 1 = 4 documents are paired with each other,
    # and every later copy with the first one (the representative) only.
    first = [f"d{k:03d}" for k in range(4)]
    assert pairs == {(a, b) for a in first for b in first if a < b} | {("d000", f"d{k:03d}") for k in range(4, 30)}
    copies = aligned[(aligned["clause_a"] == "1") & (aligned["clause_b"] == "1")]
    assert copies["reuse"].all() and (copies["shared_text"] == copied.rstrip("。") + "。").all()
    assert copies["score"].to_numpy() == pytest.approx(1.0)


def test_a_text_in_few_documents_pairs_every_two_copies():
    """Up to n_neighbors + 1 documents, every pair of copies is reported, as without the representative."""
    aligned = ClauseComparer(n_neighbors=3).fit(_copied_into(4, FREE_TRADE_ZONE)).align()
    assert len(_copy_pairs(aligned)) == 6


def test_a_near_copy_of_a_widely_copied_clause_is_paired_with_it():
    clauses = pd.concat([_copied_into(30, FREE_TRADE_ZONE),
                         _clauses(("e999", "1", FREE_TRADE_ZONE_2025), ("e999", "2", OWN_CLAUSES[0]))],
                        ignore_index=True)
    aligned = ClauseComparer(block_max_df=5, n_neighbors=3).fit(clauses).align()
    near = aligned[(aligned["doc_b"] == "e999") & (aligned["clause_b"] == "1")]
    # Its best matches: the copies in the first documents that hold the text.
    assert set(near["doc_a"]) == {"d000", "d001", "d002"}
    assert near["reuse"].all() and (near["reuse_chars"] >= 70).all()


def test_pairs_are_bounded_by_the_searching_clauses_and_the_later_copies(seed_tables):
    """At most n_neighbors pairs per clause in its text's first n_neighbors + 1 documents, and one per later copy."""
    clauses = seed_tables["clauses"]
    sichuan = clauses[clauses["doc_id"] == SICHUAN_2024]
    copies = [sichuan.assign(doc_id=f"zz_copy_{k:02d}.txt") for k in range(15)]
    comparer = ClauseComparer().fit(pd.concat([clauses, *copies], ignore_index=True))
    aligned = comparer.align()
    compared = comparer.clauses_.assign(text_id=comparer.text_of_)
    documents = compared.drop_duplicates(["text_id", "doc_id"]).assign(rank=lambda f: f.groupby("text_id").cumcount())
    rank = compared.merge(documents[["text_id", "doc_id", "rank"]], on=["text_id", "doc_id"])["rank"]
    searching, later = int((rank <= comparer.n_neighbors).sum()), int((rank > comparer.n_neighbors).sum())
    assert later > 0 and len(aligned) <= comparer.n_neighbors * searching + later
    # Every copied clause of at least 40 characters is in a pair with a copy.
    long_copies = compared[compared["doc_id"].str.startswith("zz_copy")
                           & (compared["text"].map(meaningful_chars) >= 40)]
    in_pairs = set(zip(aligned["doc_a"], aligned["clause_a"])) | set(zip(aligned["doc_b"], aligned["clause_b"]))
    assert len(long_copies) > 0 and all(key in in_pairs for key in zip(long_copies["doc_id"], long_copies["clause_id"]))


def test_widely_copied_clauses_align_the_same_in_forked_processes_and_on_every_run(monkeypatch):
    import pipeline.compare as compare

    clauses = pd.concat([_copied_into(30, FREE_TRADE_ZONE), _copied_into(25, FORMULA).assign(
        doc_id=lambda f: "f" + f["doc_id"])], ignore_index=True)
    alone = ClauseComparer(block_max_df=5, n_neighbors=3).fit(clauses).align_table()
    monkeypatch.setattr(compare, "_CHUNK_ROWS", 3)
    forked = ClauseComparer(block_max_df=5, n_neighbors=3, n_jobs=2).fit(clauses).align_table()
    again = ClauseComparer(block_max_df=5, n_neighbors=3).fit(clauses).align_table()
    assert alone.num_rows > 50 and forked.equals(alone) and again.equals(alone)


def test_handing_the_search_only_first_copies_gives_what_every_copy_gives(seed_tables, monkeypatch):
    """A matched text's later copies in one document never win: the search may leave them out."""
    clauses = seed_tables["clauses"]
    sichuan = clauses[clauses["doc_id"] == SICHUAN_2024]
    twice = pd.concat([sichuan, sichuan.assign(clause_id=sichuan["clause_id"] + "b")]).assign(doc_id="zz_twice.txt")
    copies = [sichuan.assign(doc_id=f"zz_copy_{k:02d}.txt") for k in range(14)]
    corpus = pd.concat([clauses, twice, *copies], ignore_index=True)
    first_only = ClauseComparer().fit(corpus).align_table()
    ranks = ClauseComparer._document_ranks
    monkeypatch.setattr(ClauseComparer, "_document_ranks",
                        staticmethod(lambda members, text_of, groups: (ranks(members, text_of, groups)[0],
                                                                       np.ones(len(members), dtype=bool))))
    every_copy = ClauseComparer().fit(corpus).align_table()
    assert first_only.num_rows > 100 and first_only.equals(every_copy)


def test_fit_keeps_the_rows_and_numbers_the_texts_as_filtering_the_frame_does(seed_tables):
    """fit works out the kept rows on integer codes and takes them once; the result is the straightforward filter's:
    closing lines and bare headings out, texts numbered in the order they first appear in the kept rows (here a
    text whose first row is a closing line, and a short one that is kept nowhere)."""
    clauses = seed_tables["clauses"][["doc_id", "clause_id", "kind", "text"]]
    extra = pd.DataFrame({"doc_id": ["zz_a.txt", "zz_a.txt", "zz_b.txt", "zz_b.txt"],
                          "clause_id": ["0", "1", "0", "1"], "kind": ["closing", "clause", "clause", "section"],
                          "text": [FORMULA, FREE_TRADE_ZONE, FORMULA, "二、保障措施"]})
    corpus = pd.concat([extra, clauses], ignore_index=True)
    comparer = ClauseComparer().fit(corpus)
    kept = corpus[corpus["kind"].isin({"preamble", "section", "clause", "item", "subitem", "bullet", "glossary"})]
    kept = kept[kept["text"].map(meaningful_chars) >= 20][["doc_id", "clause_id", "text"]].reset_index(drop=True)
    text_of, texts = pd.factorize(kept["text"])
    assert comparer.clauses_.equals(kept)
    assert comparer.text_of_.tolist() == text_of.tolist() and comparer.texts_.tolist() == list(texts)
    assert comparer.texts_[0] == FREE_TRADE_ZONE and FORMULA in comparer.texts_.tolist()

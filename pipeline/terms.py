"""Terms per clause: jieba words with counts, weighted by TF-IDF across the corpus.

The words come from the same jieba segmentation (with the policy-term user
dictionary) that the extractors read, so counting them costs no second pass.
Stop words (``resources/stopwords.txt``), single characters, numbers and
punctuation are left out: what remains says what a clause is about.

Counting is per document (:func:`clause_terms`); the weights need the whole
corpus (:func:`weight_terms`), since a term's inverse document frequency is
over every clause of every document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from pipeline.config import RESOURCES_DIR

STOPWORDS_PATH = RESOURCES_DIR / "stopwords.txt"
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# A term has a Chinese character or a Latin letter; "5G" and "IPv6" are
# terms, "2025" and "40%" are not.
_HAS_WORD = re.compile(rf"[{_CJK}A-Za-z]")
_ONLY_WORD_CHARS = re.compile(rf"[{_CJK}A-Za-z0-9+]+")


@cache
def load_stopwords(path: Path = STOPWORDS_PATH) -> frozenset[str]:
    """The stop-word list: one word a line, ``#`` starts a comment line."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_term(word: str, stopwords: frozenset[str]) -> bool:
    """Whether a segmented word belongs in the terms table: ``数据要素`` yes; ``的``, ``2025``, ``以及`` no."""
    return (
        len(word) > 1
        and _ONLY_WORD_CHARS.fullmatch(word) is not None
        and _HAS_WORD.search(word) is not None
        and word not in stopwords
    )


def clause_terms(words: Iterable[tuple[str, int]], stopwords: frozenset[str] | None = None) -> list[tuple[str, int, int, int]]:
    """Count the terms among a clause's segmented words.

    Args:
        words: ``(word, offset)`` pairs in text order, offsets into the clause's own text.

    Returns:
        ``(term, count, first_start, first_end)`` in order of first appearance.

    >>> clause_terms([("培育", 0), ("数据", 2), ("要素", 4), ("市场", 6), ("数据", 8)])
    [('培育', 1, 0, 2), ('数据', 2, 2, 4), ('要素', 1, 4, 6), ('市场', 1, 6, 8)]
    """
    stopwords = load_stopwords() if stopwords is None else stopwords
    counted: dict[str, list[int]] = {}
    for word, offset in words:
        if not is_term(word, stopwords):
            continue
        if word in counted:
            counted[word][0] += 1
        else:
            counted[word] = [1, offset, offset + len(word)]
    return [(term, count, start, end) for term, (count, start, end) in counted.items()]


class JiebaAnalyzer:
    """jieba words that are terms, as an ``analyzer`` for scikit-learn vectorizers and :class:`ClauseComparer`."""

    def __call__(self, text: str) -> list[str]:
        import jieba

        from pipeline.extract.nlp import load_user_dict

        load_user_dict()
        stopwords = load_stopwords()
        return [word for word in jieba.lcut(text) if is_term(word, stopwords)]

    def __repr__(self) -> str:
        return "JiebaAnalyzer()"


def weight_terms(rows: Sequence[Mapping[str, object]]) -> list[float]:
    """TF-IDF weight of each term row, the clauses of every document being the corpus.

    Rows are ``terms`` rows (doc_id, clause_id, term, count). The weight is
    count × smoothed inverse document frequency, L2-normalised within each
    clause (scikit-learn's ``TfidfTransformer`` defaults), so weights compare
    across clauses of different lengths.
    """
    if not rows:
        return []
    clause_index: dict[tuple[object, object], int] = {}
    term_index: dict[object, int] = {}
    row_of, col_of = np.empty(len(rows), np.int64), np.empty(len(rows), np.int64)
    for k, row in enumerate(rows):
        row_of[k] = clause_index.setdefault((row["doc_id"], row["clause_id"]), len(clause_index))
        col_of[k] = term_index.setdefault(row["term"], len(term_index))
    counts = np.array([row["count"] for row in rows], dtype=np.float64)
    matrix = sparse.csr_matrix((counts, (row_of, col_of)), shape=(len(clause_index), len(term_index)))
    idf = TfidfTransformer().fit(matrix).idf_
    # What fit_transform would give, computed per row instead of by indexing the matrix.
    raw = counts * idf[col_of]
    norms = np.sqrt(np.bincount(row_of, weights=raw * raw))
    return [round(float(w), 9) for w in raw / norms[row_of]]

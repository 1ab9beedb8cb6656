"""Terms per clause: jieba words with counts, weighted by TF-IDF across the corpus.

The words come from the same jieba segmentation (with the policy-term user
dictionary) that the extractors read, so counting them costs no second pass.
Stop words (``resources/stopwords.txt``), single characters, numbers and
punctuation are left out: what remains says what a clause is about.

Counting is per document (:func:`clause_terms`); the weights need the whole
corpus (:func:`corpus_idf`, then :func:`weight_part`), since a term's inverse
document frequency is over every clause of every document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.chinese import HAN
from pipeline.config import RESOURCES_DIR

STOPWORDS_PATH = RESOURCES_DIR / "stopwords.txt"
# A term is word characters only (fullmatch), one at least a Chinese
# character or a Latin letter; "5G" and "IPv6" are terms, "2025" and "40%" are not.
_TERM = re.compile(rf"[{HAN}A-Za-z0-9+]*[{HAN}A-Za-z][{HAN}A-Za-z0-9+]*")


@cache
def load_stopwords(path: Path = STOPWORDS_PATH) -> frozenset[str]:
    """The stop-word list: one word a line, ``#`` starts a comment line."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_term(word: str, stopwords: frozenset[str]) -> bool:
    """Whether a segmented word belongs in the terms table: ``数据要素`` yes; ``的``, ``2025``, ``以及`` no."""
    return len(word) > 1 and word not in stopwords and _TERM.fullmatch(word) is not None


class ClauseTerms(NamedTuple):
    """A clause's terms as three columns, in order of first appearance."""

    terms: list[str]
    counts: list[int]
    starts: list[int]  # the offset of each term's first occurrence in the clause's own text


def clause_terms(words: Sequence[str], starts: Sequence[int],
                 stopwords: frozenset[str] | None = None) -> ClauseTerms:
    """Count the terms among a clause's segmented words.

    Args:
        words: the words in text order.
        starts: the offset of each word in the clause's own text.

    Returns:
        The terms, their counts and the offsets of their first occurrences, in
        order of first appearance (a term's first occurrence ends ``len(term)`` after it starts).

    >>> clause_terms(["培育", "数据", "要素", "市场", "数据"], [0, 2, 4, 6, 8])
    ClauseTerms(terms=['培育', '数据', '要素', '市场'], counts=[1, 2, 1, 1], starts=[0, 2, 4, 6])
    """
    verdicts = _verdicts(load_stopwords() if stopwords is None else stopwords)
    if len(verdicts) > _MAX_VERDICTS:
        verdicts.clear()  # memory stays bounded on a corpus of any size
    # Counted in C, in order of first appearance; each distinct word is looked
    # up once, not at every occurrence.
    counts = Counter(words)
    # Read backwards, the last offset a word is given is its first.
    first = dict(zip(reversed(words), reversed(starts)))
    terms = list(filter(verdicts.__getitem__, counts))
    return ClauseTerms(terms, list(map(counts.__getitem__, terms)), list(map(first.__getitem__, terms)))


_MAX_VERDICTS = 1 << 18  # distinct words remembered per stop-word list (a few tens of MB at most)


class _TermVerdicts(dict):
    """``is_term(word, stopwords)`` by word, each computed the first time it is asked for.

    Most words of a clause were seen in an earlier clause: a dictionary lookup
    is then all they cost (the regular expression ran once per word of each
    clause before, about a fifth of the terms' time).
    """

    def __init__(self, stopwords: frozenset[str]) -> None:
        super().__init__()
        self.stopwords = stopwords

    def __missing__(self, word: str) -> bool:
        verdict = self[word] = is_term(word, self.stopwords)
        return verdict


@cache
def _verdicts(stopwords: frozenset[str]) -> _TermVerdicts:
    return _TermVerdicts(stopwords)


class JiebaAnalyzer:
    """jieba words that are terms, as an ``analyzer`` for scikit-learn vectorizers and :class:`ClauseComparer`."""

    def __call__(self, text: str) -> list[str]:
        from pipeline.extract.tokenizer import get_segmenter

        stopwords = load_stopwords()
        return [word for word in get_segmenter().cut(text) if is_term(word, stopwords)]

    def __repr__(self) -> str:
        return "JiebaAnalyzer()"


_PENDING_ROWS = 1 << 16  # the least pending counts worth a sum


def corpus_idf(parts: Iterable[pa.Table]) -> pa.Table:
    """Smoothed inverse document frequency of every term, the clauses of every part being the corpus.

    ``parts`` are ``terms`` tables (doc_id, clause_id, term), read one at a
    time, so the corpus's terms are never in memory at once: the first pass of
    the weighting, :func:`weight_part` the second. Returns a table of
    ``term`` and ``idf``. Each part holds whole documents, so the clauses of
    the corpus are the sum of each part's.
    """
    frequency = pa.table({"term": pa.array([], pa.string()), "clauses": pa.array([], pa.int64())})
    pending: list[pa.Table] = []  # counts of parts not yet summed into ``frequency``
    pending_rows = n_clauses = 0
    for part in parts:
        # A term has one row per clause it is in: its rows count its clauses.
        terms, clauses = pc.value_counts(part["term"]).flatten()
        pending.append(pa.table({"term": terms, "clauses": clauses}))
        pending_rows += len(terms)
        n_clauses += pc.count_distinct(_clause_keys(part)).as_py()
        # Summed once the pending counts outgrow the vocabulary so far: each row is summed a
        # bounded number of times (not once per part, as the vocabulary grows) and memory
        # stays within a few times the vocabulary.
        if pending_rows > max(len(frequency), _PENDING_ROWS):
            frequency, pending, pending_rows = _summed(frequency, pending), [], 0
    frequency = _summed(frequency, pending)
    idf = smoothed_idf(frequency["clauses"].to_numpy(), n_clauses)
    return pa.table({"term": frequency["term"], "idf": pa.array(idf, pa.float64())})


def _summed(frequency: pa.Table, counts: list[pa.Table]) -> pa.Table:
    """``frequency`` with ``counts`` (tables of term and clauses) added in, one row per term."""
    summed = pa.concat_tables([frequency, *counts]).group_by("term").aggregate([("clauses", "sum")])
    return pa.table({"term": summed["term"], "clauses": summed["clauses_sum"]})


def _clause_keys(terms: pa.Table) -> pa.Array:
    """One value per clause of a ``terms`` table: its doc_id and clause_id joined (a NUL never occurs in either)."""
    return pc.binary_join_element_wise(terms["doc_id"], terms["clause_id"], "\0").combine_chunks()


def smoothed_idf(document_frequency, n_clauses: int):
    """Inverse document frequency per term, smoothed as scikit-learn's ``TfidfTransformer`` does it.

    ``ln((1 + n) / (1 + df)) + 1``: computed from counts rather than by fitting
    on a matrix, so the corpus never has to be in memory at once.
    ``document_frequency`` is a numpy array or a pandas Series; the result is of the same kind.
    """
    return np.log((1 + n_clauses) / (1 + document_frequency.astype(np.float64))) + 1


def weight_part(terms: pa.Table, idf: pa.Table) -> np.ndarray:
    """TF-IDF weight of each row of a ``terms`` table (doc_id, clause_id, term, count), L2-normalised per clause.

    The weight is count × ``idf`` (:func:`corpus_idf`), L2-normalised within
    each clause (scikit-learn's ``TfidfTransformer`` defaults), so weights
    compare across clauses of different lengths. The norms are pandas'
    grouped sums (compensated, in row order), so the weights are the same
    bytes whichever way the groups are labelled.
    """
    # A term the idf table does not know (none, when both come from the same parts) weighs NaN.
    known = np.append(idf["idf"].to_numpy(), np.nan)
    position = pc.fill_null(pc.index_in(terms["term"], value_set=idf["term"]), len(known) - 1)
    raw = terms["count"].to_numpy().astype(np.float64) * known[position.to_numpy()]
    clause = pc.dictionary_encode(_clause_keys(terms)).indices.to_numpy()
    norms = np.sqrt(pd.Series(raw * raw).groupby(clause).transform("sum").to_numpy())
    return np.round(raw / norms, 9)

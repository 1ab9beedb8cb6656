"""Clause alignment across documents: TF-IDF, cosine similarity, shared passages.

:class:`ClauseComparer` follows scikit-learn's estimator conventions:
``__init__`` stores parameters, :meth:`~ClauseComparer.fit` learns the
vocabulary of a corpus of clauses and sets trailing-underscore attributes,
:meth:`~ClauseComparer.similarity` scores texts against each other and
:meth:`~ClauseComparer.align` lists the clause pairs of different documents
that say the same thing.

Texts are compared in canonical form (Simplified, mainland vocabulary), so a
Traditional document with Taiwan words aligns with a Simplified one.
Unsegmented Chinese defeats the vectorizer's default token pattern, so terms
enter through a callable ``analyzer``: character n-grams by default
(:class:`CharNgrams`), or jieba words (:class:`pipeline.terms.JiebaAnalyzer`).

Alignment does not compare every clause with every other one: candidates
come from the features that are rare in the corpus (a blocking step), so the
work grows with the number of clauses times the number of candidates, not
with its square. Candidates are then scored exactly. Exact copies are found
by their text, whatever the blocking; a text copied into more documents than
a clause has candidates is paired through a representative (its first
clause), so the pairs too grow linearly with the corpus.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing import current_process, get_context

import numpy as np
import pandas as pd
import pyarrow as pa
from cydifflib import SequenceMatcher
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.utils._sparse import _align_api_if_sparse  # what _count_vocab returns: the type it gives

from pipeline.chinese import HAN
from pipeline.tables import SCHEMAS, SORT_KEYS

# Runs of characters that carry meaning; punctuation and spaces split them so
# that no n-gram spans a sentence break.
_WORD_RUN = re.compile(rf"[{HAN}A-Za-z0-9]+")
# Closing and separating punctuation (。，、；：) but not opening brackets or quotes.
_LEADING_PUNCTUATION = frozenset({"Po", "Pe", "Pf", "Pd"})
_ALIGNED_KINDS = frozenset({"preamble", "section", "clause", "item", "subitem", "bullet", "glossary"})
# Rows of the similarity product computed at a time: bounds memory, which
# would otherwise grow with the square of the clauses (and the rows x documents
# of the best-match cells).
_CHUNK_ROWS = 256
_CHUNK_PAIRS = 8192
# Shared passages searched per task of a forked process (_in_processes).
_CHUNK_PASSAGES = 2048
# Characters of clause text counted at a time (char_ngram_counts).
_CHUNK_CHARS = 1 << 19
# Blocks shorter than this do not count as reuse (shared_passage's min_block),
# and windows of this many characters bound the reuse two texts can share.
_MIN_BLOCK = 5
_REUSE_BOUND_N = 4
_WINDOW_BUCKETS = 1 << 24
# What a text scores against itself while candidates are ranked: above any
# cosine (at most 1), so a clause's exact copies are its first candidates.
_EXACT_COPY = 2.0


class CharNgrams:
    """Character n-grams of the meaningful runs of a text: ``"数据要素。"`` → ``数据, 据要, 要素, 数据要, 据要素``."""

    def __init__(self, ngram_range: tuple[int, int] = (2, 3)) -> None:
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        low, high = self.ngram_range
        grams = []
        for run in _WORD_RUN.findall(text):
            for n in range(low, high + 1):
                grams.extend(run[i:i + n] for i in range(len(run) - n + 1))
        return grams

    def __repr__(self) -> str:
        return f"CharNgrams(ngram_range={self.ngram_range})"


# The code points _WORD_RUN matches, as closed ranges: the same class, for arrays of code points.
_WORD_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F),
                (ord("A"), ord("Z")), (ord("a"), ord("z")), (ord("0"), ord("9")))
_CODE_BITS = 18  # every code point of _WORD_RANGES is below 2**18


def _in_word_run(codes: np.ndarray) -> np.ndarray:
    inside = np.zeros(len(codes), dtype=bool)
    for low, high in _WORD_RANGES:
        inside |= (codes >= low) & (codes <= high)
    return inside


def char_ngram_counts(texts: Sequence[str], ngram_range: tuple[int, int],
                      chunk_chars: int = _CHUNK_CHARS) -> tuple[dict[str, int], sparse.csr_array]:
    """What ``CountVectorizer(analyzer=CharNgrams(ngram_range))`` counts, computed on arrays of code points.

    scikit-learn's counting loops over every n-gram in Python (most of the
    fit). This gives the same vocabulary and the same matrix, entry for entry
    and in the same order: a term's column is the order in which it first
    appears in the corpus (runs in text order, then n, then position), as in
    ``CountVectorizer._count_vocab``, so what scikit-learn does next (sorting
    the terms, TF-IDF weights, normalising) and every product computed from
    the matrix give the same bits. Texts are read about ``chunk_chars``
    characters at a time, so the work arrays do not grow with the corpus.
    """
    low, high = ngram_range
    if not 1 <= low <= high <= 3:
        raise ValueError(f"ngram_range must be within (1, 3) for the array counter, not {ngram_range}")
    known = np.zeros(0, dtype=np.int64)        # every key seen so far, sorted
    known_column = np.zeros(0, dtype=np.int64)  # its column: the order of first appearance
    indices, counts, row_lengths = [], [], []
    start = 0
    while start < len(texts):
        stop, size = start, 0
        while stop < len(texts) and (stop == start or size + len(texts[stop]) <= chunk_chars):
            size += len(texts[stop]) + 1
            stop += 1
        key, row = _ngram_stream(texts[start:stop], low, high)
        unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        place = np.searchsorted(known, unique)
        seen = place < len(known)
        seen[seen] = known[place[seen]] == unique[seen]
        column = np.empty(len(unique), dtype=np.int64)
        column[seen] = known_column[place[seen]]
        new = np.flatnonzero(~seen)
        new = new[np.argsort(first[new], kind="stable")]   # new terms in the order they appear
        column[new] = len(known) + np.arange(len(new))
        merged = np.concatenate((known, unique[new]))
        order = np.argsort(merged, kind="stable")
        known, known_column = merged[order], np.concatenate((known_column, column[new]))[order]
        # Count each (row, column) cell: sorted by row, then column, as sort_indices leaves them.
        width = max(1, int(column.max(initial=0)) + 1)
        cell, count = np.unique(row * width + column[inverse.ravel()], return_counts=True)
        indices.append(cell % width)
        counts.append(count)
        row_lengths.append(np.bincount(cell // width, minlength=stop - start))
        start = stop
    n_terms = len(known)
    indices_all = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
    indptr = np.concatenate(([0], np.cumsum(np.concatenate(row_lengths)))) if row_lengths else np.zeros(1, np.int64)
    index_type = np.int64 if len(indices_all) > np.iinfo(np.int32).max else np.int32
    matrix = sparse.csr_array((np.concatenate(counts).astype(np.intc) if counts else np.zeros(0, np.intc),
                               indices_all.astype(index_type), indptr.astype(index_type)),
                              shape=(len(texts), n_terms))
    by_column = np.empty(n_terms, dtype=np.int64)
    by_column[known_column] = known
    vocabulary = {_gram(int(value)): index for index, value in enumerate(by_column)}
    return vocabulary, matrix


def _ngram_stream(texts: Sequence[str], low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """Every n-gram of ``texts`` as an integer key, in the order CharNgrams yields them, and the text it is in."""
    lengths = np.fromiter((len(text) + 1 for text in texts), dtype=np.int64, count=len(texts))
    joined = "\n".join(texts) + "\n"  # a newline ends every text, and no run crosses it
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    inside = _in_word_run(codes)
    row_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    run_of = np.cumsum(inside & ~np.concatenate(([False], inside[:-1])))
    filled = np.concatenate(([0], np.cumsum(inside)))
    keys, runs, sizes, positions = [], [], [], []
    for n in range(low, high + 1):
        start = np.flatnonzero(filled[n:] - filled[:-n] == n)   # n meaningful characters from here
        key = np.zeros(len(start), dtype=np.int64)
        for k in range(n):
            # Each character in its own 18 bits, the third shifted by one so
            # that a shorter gram (0 there) sorts before the longer ones it starts.
            key |= (codes[start + k] + (1 if k == 2 else 0)) << (_CODE_BITS * (2 - k))
        keys.append(key)
        runs.append(run_of[start])
        sizes.append(np.full(len(start), n, dtype=np.int8))
        positions.append(start)
    key, run, size, position = (np.concatenate(x) for x in (keys, runs, sizes, positions))
    stream = np.lexsort((position, size, run))
    return key[stream], row_of[position[stream]]


def _gram(key: int) -> str:
    mask = (1 << _CODE_BITS) - 1
    first, second, third = key >> (2 * _CODE_BITS), (key >> _CODE_BITS) & mask, key & mask
    return chr(first) + (chr(second) if second else "") + (chr(third - 1) if third else "")


class _Vectorizer(TfidfVectorizer):
    """TfidfVectorizer that counts :class:`CharNgrams` on arrays (:func:`char_ngram_counts`); any other analyzer as usual."""

    def _count_vocab(self, raw_documents, fixed_vocab):
        analyzer = self.analyzer
        if fixed_vocab or not isinstance(analyzer, CharNgrams) or analyzer.ngram_range[1] > 3:
            return super()._count_vocab(raw_documents, fixed_vocab)
        vocabulary, counts = char_ngram_counts(list(raw_documents), analyzer.ngram_range)
        if not vocabulary:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        matrix = sparse.csr_array((counts.data, counts.indices, counts.indptr), shape=counts.shape, dtype=self.dtype)
        matrix.sort_indices()
        return vocabulary, _align_api_if_sparse(matrix)

    def fit_transform_copies(self, texts: Sequence[str], copies: np.ndarray) -> sparse.csr_matrix:
        """``fit_transform`` of a corpus in which ``texts[k]`` occurs ``copies[k]`` times, one row per distinct text.

        The rows are those ``fit_transform`` gives each copy, bit for bit: the
        counts of a text do not depend on its copies, and the document
        frequencies (the only corpus-wide figure) count every copy, with
        scikit-learn's own formula (``TfidfTransformer.fit``, smoothed).
        """
        self._check_params()
        self._tfidf = TfidfTransformer(norm=self.norm, use_idf=self.use_idf, smooth_idf=self.smooth_idf,
                                       sublinear_tf=self.sublinear_tf)
        counts = CountVectorizer.fit_transform(self, texts)
        self._tfidf.fit(counts)
        if self.use_idf:
            frequency = np.bincount(counts.indices, weights=np.repeat(copies, np.diff(counts.indptr)),
                                    minlength=counts.shape[1]) + float(self.smooth_idf)
            idf = np.full_like(frequency, fill_value=int(copies.sum()) + int(self.smooth_idf), dtype=np.float64)
            idf /= frequency
            np.log(idf, out=idf)
            self._tfidf.idf_ = idf + 1.0
        return self._tfidf.transform(counts, copy=False)


def meaningful_chars(text: str) -> int:
    """How many characters of ``text`` are not punctuation or space."""
    return sum(len(run) for run in _WORD_RUN.findall(text))


@dataclass(frozen=True)
class SharedPassage:
    """What two clause texts have in common, as offsets into each text."""

    text: str
    start_a: int
    start_b: int
    reuse_chars: int

    @property
    def end_a(self) -> int:
        return self.start_a + len(self.text)

    @property
    def end_b(self) -> int:
        return self.start_b + len(self.text)


def shared_passage(a: str, b: str, *, min_block: int = _MIN_BLOCK, max_gap: int = 6) -> SharedPassage:
    """The longest common passage of two texts, and the length of their longest near-verbatim stretch.

    A near-verbatim stretch chains exact matches of at least ``min_block``
    characters separated by small edits (at most ``max_gap`` characters on
    either side): "制定区内需要纳入" and "制定试验区内需要纳入" are one stretch.
    Its length counts the matched characters only.

    >>> shared_passage("支持自由贸易试验区制定区内数据清单", "支持自由贸易试验区制定试验区内数据清单").reuse_chars
    17
    """
    if a == b:
        # Copied whole, as corpora often do: nothing to search.
        start_a = start_b = 0
        size = best = len(a)
    else:
        start_a, start_b, size, best = _longest_and_near_verbatim(a, b, min_block, max_gap)
    text = a[start_a: start_a + size]
    # A passage is shown from its first word: not from the line break or the
    # full stop that ended the sentence before it.
    lead = 0
    while lead < len(text) and (text[lead].isspace() or unicodedata.category(text[lead]) in _LEADING_PUNCTUATION):
        lead += 1
    text = text[lead:].rstrip()
    return SharedPassage(text, start_a + lead, start_b + lead, best)


def _longest_and_near_verbatim(a: str, b: str, min_block: int, max_gap: int) -> tuple[int, int, int, int]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    longest = matcher.find_longest_match(0, len(a), 0, len(b))
    best = run = 0
    previous = None
    for block in matcher.get_matching_blocks():
        if block.size < min_block:
            continue
        close = previous is not None and (
            block.a - (previous.a + previous.size) <= max_gap and block.b - (previous.b + previous.size) <= max_gap
        )
        run = run + block.size if close else block.size
        best = max(best, run)
        previous = block
    return longest.a, longest.b, longest.size, best


class ClauseComparer:
    """Find the clauses of different documents that say the same thing.

    Args:
        analyzer: callable ``text -> list of terms``; defaults to character
            2- and 3-grams (:class:`CharNgrams`).
        min_score: cosine similarity a pair needs to be kept, unless it is reuse.
        n_neighbors: how many other documents' best matches each clause keeps as
            candidates (exact copies first, ties to the earlier document). The
            copies of a text in its first ``n_neighbors + 1`` documents search
            for candidates; a copy in a later document is paired with the
            text's first clause (its representative) only.
        block_max_df: features found in more distinct clause texts than this are
            ignored when looking for candidates (not when scoring them, and not
            for exact copies); ``None`` uses every feature.
        reuse_min_chars: a near-verbatim stretch at least this long is reuse.
        min_chars: clauses with fewer meaningful characters (bare headings) are not aligned.
        n_jobs: processes that search candidates and shared passages (forked
            from this one, POSIX); the result does not depend on it.

    Example:
        >>> comparer = ClauseComparer().fit(clauses)            # doctest: +SKIP
        >>> comparer.align()                                     # doctest: +SKIP
    """

    def __init__(
        self,
        analyzer: Callable[[str], list[str]] | None = None,
        min_score: float = 0.12,
        n_neighbors: int = 10,
        block_max_df: int | None = 200,
        reuse_min_chars: int = 40,
        min_chars: int = 20,
        n_jobs: int = 1,
    ) -> None:
        self.analyzer = analyzer
        self.min_score = min_score
        self.n_neighbors = n_neighbors
        self.block_max_df = block_max_df
        self.reuse_min_chars = reuse_min_chars
        self.min_chars = min_chars
        self.n_jobs = n_jobs

    def fit(self, clauses: pd.DataFrame) -> ClauseComparer:
        """Learn the vocabulary and weights of a corpus of clauses.

        Args:
            clauses: rows of the ``clauses`` table (at least doc_id, clause_id,
                kind and text). Closing lines and clauses shorter than
                ``min_chars`` are left out.

        Sets ``clauses_`` (the clauses compared), ``texts_`` (their distinct
        texts, in order of first appearance), ``text_of_`` (each clause's
        text), ``vectorizer_`` and ``matrix_`` (one L2-normalised TF-IDF row
        per distinct text: corpora copy clauses, and a copy's row is its
        text's row; every copy counts in the document frequencies).
        """
        # Which rows are kept is worked out on integer codes, and the kept rows
        # are taken once: each take copies every text (a second a take at 10,000 documents).
        codes, texts = pd.factorize(clauses["text"])
        rows = np.flatnonzero(clauses["kind"].isin(_ALIGNED_KINDS).to_numpy())
        # Texts numbered in the order in which they first appear in the kept rows, as factorizing those rows would.
        seen, first = np.unique(codes[rows], return_index=True)
        ordered = seen[np.argsort(first, kind="stable")]
        long_enough = np.fromiter((meaningful_chars(texts[code]) >= self.min_chars for code in ordered), bool,
                                  len(ordered))
        ordered = ordered[long_enough]
        number = np.full(len(texts), -1, dtype=np.int64)
        number[ordered] = np.arange(len(ordered))
        rows = rows[number[codes[rows]] >= 0]
        self.clauses_ = clauses[["doc_id", "clause_id", "text"]].iloc[rows].reset_index(drop=True)
        self.text_of_, self.texts_ = number[codes[rows]], np.asarray(texts[ordered], dtype=object)
        self.vectorizer_ = _Vectorizer(analyzer=self.analyzer or CharNgrams(), sublinear_tf=True, dtype=np.float64)
        if len(self.clauses_):
            copies = np.bincount(self.text_of_, minlength=len(self.texts_))
            self.matrix_ = self.vectorizer_.fit_transform_copies(self.texts_, copies).tocsr()
        else:
            self.matrix_ = sparse.csr_matrix((0, 0))
        self.groups_ = pd.factorize(self.clauses_["doc_id"], sort=True)[0]
        return self

    def similarity(self, texts_a: Sequence[str], texts_b: Sequence[str]) -> np.ndarray:
        """Cosine similarity of every text in ``texts_a`` to every text in ``texts_b``, in the fitted space."""
        a = self.vectorizer_.transform(list(texts_a))
        b = self.vectorizer_.transform(list(texts_b))
        return (a @ b.T).toarray()

    def align(self) -> pd.DataFrame:
        """:meth:`align_table` as a data frame."""
        return self.align_table().to_pandas()

    def align_table(self) -> pa.Table:
        """Clause pairs of different documents that say the same thing, one row per pair, as the ``alignments`` table.

        A pair is kept when each clause is the other's best match in the other
        document and the score reaches ``min_score``, or when the clauses share
        a near-verbatim stretch of ``reuse_min_chars`` (``reuse``). Copies of a
        text in more than ``n_neighbors + 1`` documents: those in the first
        ``n_neighbors + 1`` are paired as any clause, each later one with the
        text's representative only, so there are at most ``n_neighbors`` pairs
        per searching clause plus one per later copy. ``doc_a`` sorts
        before ``doc_b``; shared-passage offsets are offsets into each clause's text.
        Rows are in the table's sort order (doc_a, doc_b, clause_a, clause_b),
        built as Arrow arrays: a shared passage is computed once per pair of
        distinct texts and taken for every pair of clauses that copy them.
        """
        pairs = self._candidates()
        if pairs.empty:
            return SCHEMAS["alignments"].empty_table()
        i, j = pairs["i"].to_numpy(), pairs["j"].to_numpy()
        similar = (pairs["mutual"] & (pairs["score"] >= self.min_score)).to_numpy()
        # Each pair of clauses is a pair of distinct texts (a, b).
        n_texts = len(self.texts_)
        text_pairs, pair_of = np.unique(self.text_of_[i] * n_texts + self.text_of_[j], return_inverse=True)
        a, b = text_pairs // n_texts, text_pairs % n_texts
        # The shared passage is the costly part (difflib's matching): it is
        # computed for the pairs kept by their score, and for the others only
        # where the n-grams they share leave room for reuse.
        bound = self._may_be_reuse(a, b)
        searched = similar | bound[pair_of]
        wanted = np.zeros(len(text_pairs), dtype=bool)
        wanted[pair_of[searched]] = True
        found = np.flatnonzero(wanted)
        passages = [passage for part in _in_processes(_shared_passages, _chunks(len(found), _CHUNK_PASSAGES),
                                                      self.n_jobs, (self.texts_, a[found], b[found]))
                    for passage in part]
        passage_of = np.full(len(text_pairs), -1, dtype=np.int64)
        passage_of[found] = np.arange(len(found))
        found_reuse = np.array([p.reuse_chars for p in passages], dtype=np.int64)
        reuse_chars = np.zeros(len(pairs), dtype=np.int64)
        reuse_chars[searched] = found_reuse[passage_of[pair_of[searched]]]
        reuse = reuse_chars >= self.reuse_min_chars
        kept = np.flatnonzero(similar | reuse)
        # Each kept row takes its passage (computed once per pair of texts) and its clauses' ids.
        passage = passage_of[pair_of[kept]]
        shared_text = pa.array([p.text for p in passages], pa.string())
        shared_chars = np.array([len(p.text) for p in passages], dtype=np.int64)[passage]
        start_a = np.array([p.start_a for p in passages], dtype=np.int64)[passage]
        start_b = np.array([p.start_b for p in passages], dtype=np.int64)[passage]
        doc_ids = pa.array(self.clauses_["doc_id"], pa.string())
        clause_ids = pa.array(self.clauses_["clause_id"], pa.string())
        i, j = pa.array(i[kept]), pa.array(j[kept])
        columns = {
            "doc_a": doc_ids.take(i), "clause_a": clause_ids.take(i),
            "doc_b": doc_ids.take(j), "clause_b": clause_ids.take(j),
            "score": pairs["score"].to_numpy()[kept].round(6),
            "shared_text": shared_text.take(pa.array(passage)), "shared_chars": shared_chars,
            "shared_start_a": start_a, "shared_end_a": start_a + shared_chars,
            "shared_start_b": start_b, "shared_end_b": start_b + shared_chars,
            "reuse": reuse[kept], "reuse_chars": reuse_chars[kept],
        }
        schema = SCHEMAS["alignments"]
        table = pa.table([pa.array(columns[field.name], field.type) for field in schema], schema=schema)
        return table.sort_by([(key, "ascending") for key in SORT_KEYS["alignments"]])

    def _may_be_reuse(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether distinct texts ``(a, b)`` can share a near-verbatim stretch of ``reuse_min_chars``: a bound, never a miss.

        The stretch is made of blocks of at least ``min_block`` = 5 equal
        characters; a block of ``s`` characters holds ``s - n + 1`` equal
        n-grams at distinct places, so the stretch is at most
        ``shared n-grams * 5 / (5 - n + 1)`` characters long, counting a
        shared n-gram as often as it occurs in both texts. Hash collisions
        only raise that count. Identical texts are always searched.
        """
        n = _REUSE_BOUND_N
        windows = _window_counts(self.texts_.tolist(), n)
        possible = a == b
        for part in _chunks(len(a), _CHUNK_PAIRS):
            shared = np.asarray(windows[a[part]].minimum(windows[b[part]]).sum(axis=1)).ravel()
            possible[part.start:part.stop] |= shared * _MIN_BLOCK >= self.reuse_min_chars * (_MIN_BLOCK - n + 1)
        return possible

    def _candidates(self) -> pd.DataFrame:
        """Candidate pairs (i < j by document) with their exact score and whether they are mutual best matches."""
        matrix, groups, text_of = self.matrix_, self.groups_, self.text_of_
        if matrix.shape[0] == 0:
            return pd.DataFrame(columns=["i", "j", "score", "mutual"])
        blocked = matrix
        if self.block_max_df is not None:
            # Distinct texts, not clauses: the product runs over distinct texts,
            # so this is what bounds its work. Copies of a text do not make its
            # features common, and they find each other by their text (_neighbours).
            document_frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
            blocked = matrix[:, np.flatnonzero(document_frequency <= self.block_max_df)]
        # The product runs over distinct texts, and each clause takes its text's matches.
        transposed = blocked.T.tocsr()  # the product converts its right operand on every call: once here
        members = np.argsort(text_of, kind="stable")  # clauses by text, in clause order within a text
        member_starts = _starts(text_of[members], matrix.shape[0])
        # Copies in a text's first n_neighbors + 1 documents search for
        # candidates; a copy in a later document is paired with the text's
        # first clause (its representative) only.
        rank, first_in_document = self._document_ranks(members, text_of, groups)
        searching = rank <= self.n_neighbors
        firsts = members[first_in_document & searching]
        found = _in_processes(self._neighbours, _chunks(matrix.shape[0], _CHUNK_ROWS), self.n_jobs,
                              (blocked, transposed, groups, text_of, members, member_starts, searching,
                               firsts, _starts(text_of[firsts], matrix.shape[0])))
        later = members[~searching]
        edge_i = np.concatenate([i for i, _ in found] + [later])
        edge_j = np.concatenate([j for _, j in found] + [members[member_starts[text_of[later]]]])
        # Each direction found separately; score each unordered pair once, exactly.
        low = np.minimum(edge_i, edge_j)
        high = np.maximum(edge_i, edge_j)
        pairs = pd.DataFrame({"i": low, "j": high}).drop_duplicates().reset_index(drop=True)
        if pairs.empty:
            return pairs.assign(score=[], mutual=[])
        i, j = pairs["i"].to_numpy(), pairs["j"].to_numpy()
        # A pair of clauses scores what its pair of texts scores: each pair of texts once.
        n_texts = matrix.shape[0]
        text_pairs, pair_of = np.unique(text_of[i] * n_texts + text_of[j], return_inverse=True)
        a, b = text_pairs // n_texts, text_pairs % n_texts
        scores = np.concatenate([
            np.asarray(matrix[a[part]].multiply(matrix[b[part]]).sum(axis=1)).ravel()
            for part in _chunks(len(a), _CHUNK_PAIRS)
        ])
        pairs["score"] = scores[pair_of]
        # Orient every pair so that doc_a sorts first, then mark mutual best matches.
        swap = groups[i] > groups[j]
        pairs["i"], pairs["j"] = np.where(swap, j, i), np.where(swap, i, j)
        pairs["doc_i"], pairs["doc_j"] = groups[pairs["i"]], groups[pairs["j"]]
        best_for_i = pairs.loc[pairs.sort_values(["score", "j"], ascending=[False, True])
                               .groupby(["i", "doc_j"]).head(1).index]
        best_for_j = pairs.loc[pairs.sort_values(["score", "i"], ascending=[False, True])
                               .groupby(["j", "doc_i"]).head(1).index]
        pairs["mutual"] = pairs.index.isin(best_for_i.index.intersection(best_for_j.index))
        return pairs.sort_values(["i", "j"]).reset_index(drop=True)

    @staticmethod
    def _document_ranks(members: np.ndarray, text_of: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each clause of ``members`` (by text, in clause order): its document's rank among its text's documents, and whether it is the text's first clause there.

        Documents are ranked in the order in which the text first appears in
        them (clause order: the run's clauses are in doc_id order).
        """
        text = text_of[members]
        key = text * (int(groups.max(initial=0)) + 1) + groups[members]
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        first_in_document = np.zeros(len(members), dtype=bool)
        first_in_document[first] = True
        # The first clauses are in (text, clause) order: count them within each text.
        firsts = np.flatnonzero(first_in_document)
        firsts_rank = np.arange(len(firsts)) - np.searchsorted(text[firsts], text[firsts])
        rank_of_key = np.empty(len(first), dtype=np.int64)
        rank_of_key[inverse.ravel()[firsts]] = firsts_rank
        return rank_of_key[inverse.ravel()], first_in_document

    def _neighbours(self, blocked: sparse.csr_matrix, transposed: sparse.csr_matrix, groups: np.ndarray,
                    text_of: np.ndarray, members: np.ndarray, member_starts: np.ndarray, searching: np.ndarray,
                    firsts: np.ndarray, first_starts: np.ndarray, texts: range) -> tuple[np.ndarray, np.ndarray]:
        """For each searching clause whose text is in ``texts``: its best match in each other document, the ``n_neighbors`` strongest.

        ``blocked`` has one row per distinct text; ``members[member_starts[t]:member_starts[t + 1]]``
        are the clauses of text ``t`` (``searching`` says which of them look
        for candidates), and ``firsts[first_starts[t]:first_starts[t + 1]]``
        those that can be found: the text's first clause in each of its first
        ``n_neighbors + 1`` documents. No other copy can be: a later copy in a
        document ties with its first one there, and a later document has
        ``n_neighbors + 1`` documents before it at the same score. So a matched
        text costs at most ``n_neighbors + 1`` entries, however often it is
        copied. A clause's exact copies come first, whatever the blocking left
        of their features: they are found by their text, not by the features.
        """
        rows = np.arange(len(texts))
        itself = sparse.csr_matrix((np.full(len(texts), _EXACT_COPY), (rows, rows + texts.start)),
                                   shape=(len(texts), blocked.shape[0]))
        product = (blocked[texts.start:texts.stop] @ transposed + itself).tocoo()
        t, other_text, score = product.row.astype(np.int64), product.col.astype(np.int64), product.data
        # The candidate clauses of each matched text: (text, clause j, score).
        sizes = first_starts[other_text + 1] - first_starts[other_text]
        t, score = np.repeat(t, sizes), np.repeat(score, sizes)
        offsets = np.arange(len(t)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        j = firsts[np.repeat(first_starts[other_text], sizes) + offsets]
        # Each (text, document)'s best match: the highest score, ties to the
        # earlier clause. One cell per text and document, filled in place
        # (no sort of the product, which has thousands of entries per row).
        n_groups = int(groups.max(initial=0)) + 1
        cell = t * n_groups + groups[j]
        best = np.full(len(texts) * n_groups, -np.inf)
        np.maximum.at(best, cell, score)
        top = score == best[cell]
        first = np.full(len(best), np.iinfo(np.int64).max)
        np.minimum.at(first, cell[top], j[top])
        filled = np.flatnonzero(first != np.iinfo(np.int64).max)
        t, group, j, score = filled // n_groups, filled % n_groups, first[filled], best[filled]
        # Each text's strongest documents (ties: the earlier clause): one more
        # than a clause keeps, since a clause skips its own document.
        order = np.lexsort((j, -score, t))
        t, group, j = t[order], group[order], j[order]
        starts = np.searchsorted(t, t, side="left")
        keep = (np.arange(len(t)) - starts) < self.n_neighbors + 1
        t, group, j = t[keep], group[keep], j[keep]
        # Hand each clause of a text that text's list, less its own document, first n_neighbors.
        list_starts = np.searchsorted(t, np.arange(len(texts)), side="left")
        list_sizes = np.searchsorted(t, np.arange(len(texts)), side="right") - list_starts
        clauses = members[member_starts[texts.start]:member_starts[texts.stop]]
        clauses = clauses[searching[member_starts[texts.start]:member_starts[texts.stop]]]
        counts = list_sizes[text_of[clauses] - texts.start]
        i = np.repeat(clauses, counts)
        entry = np.repeat(list_starts[text_of[clauses] - texts.start], counts) + (
            np.arange(len(i)) - np.repeat(np.cumsum(counts) - counts, counts))
        other = group[entry] != groups[i]
        i, entry = i[other], entry[other]
        order = np.argsort(i, kind="stable")  # by clause, each clause's entries still strongest first
        i, entry = i[order], entry[order]
        rank = np.arange(len(i)) - np.searchsorted(i, i, side="left")
        keep = rank < self.n_neighbors
        return i[keep], j[entry[keep]]


def _window_counts(texts: Sequence[str], n: int, chunk_chars: int = _CHUNK_CHARS) -> sparse.csr_matrix:
    """How often each n-character window (any characters) occurs in each text, one row per text.

    Windows are hashed into ``_WINDOW_BUCKETS`` columns: two windows that
    share a column are counted as one, which can only raise the shared
    count, so the bound it gives stays a bound. Texts are read about
    ``chunk_chars`` characters at a time.
    """
    rows = []
    start = 0
    while start < len(texts):
        stop, size = start, 0
        while stop < len(texts) and (stop == start or size + len(texts[stop]) <= chunk_chars):
            size += len(texts[stop])
            stop += 1
        part = texts[start:stop]
        lengths = np.fromiter((len(text) for text in part), dtype=np.int64, count=len(part))
        codes = np.frombuffer("".join(part).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
        row_of = np.repeat(np.arange(len(part), dtype=np.int64), lengths)
        starts = np.flatnonzero(np.repeat(lengths >= n, lengths)[: max(0, len(codes) - n + 1)])
        starts = starts[row_of[starts] == row_of[starts + n - 1]] if len(starts) else starts
        key = np.zeros(len(starts), dtype=np.uint64)
        for k in range(n):
            key = key * np.uint64(0x100000001B3) + codes[starts + k]  # wraps modulo 2**64
        column = (key % np.uint64(_WINDOW_BUCKETS)).astype(np.int64)
        rows.append(sparse.csr_matrix((np.ones(len(starts), dtype=np.int64), (row_of[starts], column)),
                                      shape=(len(part), _WINDOW_BUCKETS)))  # duplicates summed
        start = stop
    return sparse.vstack(rows, format="csr") if rows else sparse.csr_matrix((0, _WINDOW_BUCKETS), dtype=np.int64)


def _shared_passages(texts: np.ndarray, a: np.ndarray, b: np.ndarray, pairs: range) -> list[SharedPassage]:
    return [shared_passage(texts[a[k]], texts[b[k]]) for k in pairs]


# What the forked processes of _in_processes call, set in each as it starts.
_FORKED: tuple[Callable, tuple] | None = None


def _in_processes(function: Callable, tasks: Sequence, n_jobs: int, state: tuple = ()) -> list:
    """``[function(*state, task) for task in tasks]``, in ``n_jobs`` processes forked from this one when it is above 1.

    The processes inherit ``function`` and ``state`` (the fork copies them,
    nothing is pickled); each task and its result are pickled. Results come
    back in the order of the tasks. A daemonic process (a pool's worker)
    may not start processes: it runs the tasks itself.
    """
    if n_jobs <= 1 or len(tasks) <= 1 or current_process().daemon:
        return [function(*state, task) for task in tasks]
    with get_context("fork").Pool(min(n_jobs, len(tasks)), initializer=_hold, initargs=(function, state)) as pool:
        return pool.map(_run_held, tasks, chunksize=1)


def _hold(function: Callable, state: tuple) -> None:
    global _FORKED
    _FORKED = (function, state)


def _run_held(task):
    function, state = _FORKED
    return function(*state, task)


def _starts(sorted_keys: np.ndarray, n: int) -> np.ndarray:
    """Where each key ``0..n-1`` starts in ``sorted_keys``, and its end: ``n + 1`` offsets."""
    return np.concatenate(([0], np.cumsum(np.bincount(sorted_keys, minlength=n))))


def _chunks(n: int, size: int) -> list[range]:
    return [range(start, min(start + size, n)) for start in range(0, n, size)]

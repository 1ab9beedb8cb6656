"""Word segmentation: jieba's dictionary and algorithm, at Rust speed by default.

Two segmenters share one interface and one user dictionary (the policy terms
of ``resources/policy_terms.txt`` plus every gazetteer name and alias):

- ``"rjieba"``, the Python binding of jieba-rs: the same dictionary, the same
  DAG and HMM, about 14 times faster than jieba on the corpus;
- ``"jieba"``, the Python original, kept as the reference and a fallback.

``config.SEGMENTER`` chooses one. The two differ only on ASCII runs that join
words with ``-`` or ``.``: jieba cuts ``NB-IoT`` into ``NB`` ``-`` ``IoT``
and ``2024-12-16`` into five tokens, jieba-rs keeps each run whole. Those
runs are cut here the way jieba cuts them at hyphens, and at dots that do not
stand between two digits (``3.5`` stays one token), so the terms table is the
same with either segmenter except for dotted identifiers such as
``CLI.11.1598088`` (README, "Terms").

Each segmenter is built once per process (:func:`get_segmenter`); nothing is
read from or written to jieba's shared cache in ``/tmp``: rjieba builds its
dictionary in memory, and jieba is pointed at a private cache file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache
from itertools import accumulate
from operator import add
from pathlib import Path
from typing import Protocol

from spacy.tokens import Doc
from spacy.util import get_words_and_spaces
from spacy.vocab import Vocab

from pipeline import config

POLICY_TERMS_PATH = config.RESOURCES_DIR / "policy_terms.txt"
SEGMENTERS = ("rjieba", "jieba")
# ``doc.user_data`` keys of the text a Doc was made from (see ``nlp.doc_text``), and of
# its tokens' texts and start offsets (``nlp.doc_words``).
TEXT_KEY = "text"
WORDS_KEY = "words"

# An ASCII run that jieba would cut at its hyphens or word dots.
_JOINED_ASCII = re.compile(r"[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)+")
_ASCII_CUT = re.compile(r"(-|(?<![0-9])\.|\.(?![0-9]))")
_WHITESPACE = re.compile(r"\s")


class Segmenter(Protocol):
    """What the pipeline needs of a word segmenter."""

    name: str

    def cut(self, text: str) -> list[str]:
        """The words of ``text`` in order; joined, they give ``text`` back."""


def _user_words(user_dict: Path) -> Iterable[tuple[str, int | None, str | None]]:
    """(word, frequency, tag) from a jieba user dictionary, then every gazetteer surface."""
    from pipeline.extract.parties import load_gazetteer

    for line in Path(user_dict).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        frequency = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        yield parts[0], frequency, tag
    for surface in load_gazetteer(None).surfaces():
        # No frequency: the segmenter then suggests one just high enough to
        # keep the name in one piece.
        yield surface, None, None


class RJiebaSegmenter:
    """jieba-rs with the policy user dictionary."""

    name = "rjieba"

    def __init__(self, user_dict: Path = POLICY_TERMS_PATH) -> None:
        import rjieba

        self._jieba = rjieba.Jieba()
        for word, frequency, tag in _user_words(user_dict):
            self._jieba.add_word(word, frequency, tag)

    def cut(self, text: str) -> list[str]:
        if _JOINED_ASCII.search(text) is None:
            return self._jieba.cut(text)  # no word can be a joined ASCII run: the words as they are
        words = []
        for word in self._jieba.cut(text):
            if ("-" in word or "." in word) and _JOINED_ASCII.fullmatch(word):
                words.extend(piece for piece in _ASCII_CUT.split(word) if piece)
            else:
                words.append(word)
        return words


class JiebaSegmenter:
    """The Python jieba with the policy user dictionary, in a tokenizer of its own."""

    name = "jieba"

    def __init__(self, user_dict: Path = POLICY_TERMS_PATH) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        # Its prefix dictionary is cached as a pickle; keep it out of the
        # world-writable /tmp, where another user could plant one.
        cache_dir = config.CACHE_DIR
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._jieba.tmp_dir = str(cache_dir)
        for word, frequency, tag in _user_words(user_dict):
            self._jieba.add_word(word, frequency, tag)

    def cut(self, text: str) -> list[str]:
        return [word for word in self._jieba.cut(text) if word]


def get_segmenter(name: str | None = None) -> Segmenter:
    """The segmenter called ``name`` (``"rjieba"`` or ``"jieba"``; ``config.SEGMENTER`` when None), built once per process."""
    return _segmenter(name or config.SEGMENTER)


@cache
def _segmenter(name: str) -> Segmenter:
    if name == "rjieba":
        return RJiebaSegmenter()
    if name == "jieba":
        return JiebaSegmenter()
    raise ValueError(f"unknown segmenter {name!r}: use one of {', '.join(SEGMENTERS)}")


class SegmenterTokenizer:
    """A spaCy tokenizer over a :class:`Segmenter`, as spaCy's own jieba tokenizer builds its ``Doc``."""

    def __init__(self, vocab: Vocab, segmenter: Segmenter) -> None:
        self.vocab = vocab
        self.segmenter = segmenter
        # The StringStore hash of each word met: a ``Doc`` made from hashes finds each
        # lexeme in one C lookup, where a word given as a string costs spaCy two calls
        # into its StringStore per token (hash, then check) before the same lookup.
        self._orths: dict[str, int] = {}

    def __call__(self, text: str) -> Doc:
        words, spaces, starts = tokens_and_starts(self.segmenter.cut(text), text)
        doc = Doc(self.vocab, words=self._orths_of(words), spaces=spaces)
        # The words and spaces spell ``text`` exactly (spaCy checks), so the
        # components read it here instead of joining the tokens again
        # (``nlp.doc_text``), and the terms are counted from the words and
        # their offsets instead of a Token object made for each (``nlp.doc_words``).
        doc.user_data[TEXT_KEY] = text
        doc.user_data[WORDS_KEY] = (words, starts)
        return doc

    def _orths_of(self, words: list[str]) -> list[int]:
        """The hash of each word in the vocab's StringStore, the word added to it the first time it is met."""
        orths = self._orths
        if len(orths) > _MAX_ORTHS:
            orths.clear()  # memory stays bounded on a corpus of any size; the StringStore keeps every word
        known, add = orths.get, self.vocab.strings.add
        # A segmenter gives no empty word (spaCy refuses one as a token either way).
        return [known(word) or orths.setdefault(word, add(word)) for word in words]


_MAX_ORTHS = 1 << 18  # distinct words whose hash is remembered (a few tens of MB at most)


def word_starts(words: list[str], spaces: list[bool]) -> list[int]:
    """The offset of each word in the text that ``words`` and ``spaces`` spell (spaCy's ``token.idx``)."""
    # A word takes its length, and one more for its trailing space.
    return list(accumulate(map(add, map(len, words), spaces), initial=0))[:-1]


def tokens_and_starts(words: list[str], text: str) -> tuple[list[str], list[bool], list[int]]:
    """:func:`words_and_spaces` and the :func:`word_starts` of its tokens, in one pass for text without whitespace.

    Most clauses hold no whitespace: every word is then a token with no space
    after it, and a token starts where the words before it end.
    """
    if "".join(words) == text and not _WHITESPACE.search(text):
        starts = list(accumulate(map(len, words), initial=0))
        del starts[-1]  # the end of the last word
        return words, [False] * len(words), starts
    tokens, spaces = words_and_spaces(words, text)
    return tokens, spaces, word_starts(tokens, spaces)


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's ``get_words_and_spaces`` in one pass, for words that spell ``text`` exactly.

    As spaCy does it: one space after a word is that token's trailing space,
    other whitespace is a token of its own. spaCy's version searches the rest
    of the text again for every word (quadratic in the length of a clause);
    words from a segmenter are the text cut in pieces, so no search is needed.
    Anything else (words that do not spell the text, a word that starts with
    whitespace) goes to spaCy's own function.
    """
    if "".join(words) != text:
        return get_words_and_spaces(words, text)
    if not _WHITESPACE.search(text):
        return words, [False] * len(words)  # every word is a token, none has a space after it
    tokens: list[str] = []
    spaces: list[bool] = []
    gap = ""

    def close_gap() -> None:
        rest = gap
        if tokens and rest[0] == " ":
            spaces[-1] = True
            rest = rest[1:]
        if rest:
            tokens.append(rest)
            spaces.append(False)

    for word in words:
        if word.isspace():
            gap += word
            continue
        if word[0].isspace():
            return get_words_and_spaces(words, text)
        if gap:
            close_gap()
            gap = ""
        tokens.append(word)
        spaces.append(False)
    if gap:
        close_gap()
    return tokens, spaces

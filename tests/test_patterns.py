"""A word list as a trie regex (pipeline.patterns): the matches of the alternation sorted longest first."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.patterns import any_word
from pipeline.themes import load_taxonomy
from tests.conftest import SEEDS

KEYWORDS = sorted(load_taxonomy().theme_of)


def _alternation(words, latin_edges=False):
    """The general form the trie replaces: every word an alternative, the longest first."""
    def one(word):
        escaped = re.escape(word)
        if latin_edges and word[0].isascii() and word[0].isalnum():
            escaped = rf"(?<![A-Za-z0-9]){escaped}"
        if latin_edges and word[-1].isascii() and word[-1].isalnum():
            escaped = rf"{escaped}(?![A-Za-z0-9])"
        return escaped
    words = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return re.compile("|".join(map(one, words)) if words else r"(?!)")


def _matches(pattern, text):
    return [(m.span(), m.group()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_the_theme_keywords_match_as_the_alternation_does_on_each_seed(seed):
    text = SEEDS[seed].read_text(encoding="utf-8")
    trie, general = any_word(KEYWORDS, latin_edges=True), _alternation(KEYWORDS, latin_edges=True)
    assert _matches(trie, text) == _matches(general, text)
    assert _matches(trie, text)  # the seeds do hold keywords


@pytest.mark.parametrize(("words", "text"), [
    (["数据", "数据安全", "数字"], "加强数据安全和数字化，数据要素"),       # the longest at each position
    (["数据安全", "安全"], "数据安全保障，网络安全"),                      # a shorter word inside a longer one
    (["公共数据", "数据交易", "数据"], "推进公共数据交易"),                # overlapping words: leftmost first
    (["AI", "5G", "IPv6", "人工智能+"], "AI赋能FAIR AI，5G网络与IPv6，人工智能+行动，5GHz"),  # Latin edges
    (["AI", "AIGC"], "AIGC与AI"),                                        # a Latin word with a longer one
    (["a.b", "a"], "a.b axb"),                                          # regex metacharacters are literal
    ([], "任何文本"),
    (["", "数"], "数字"),                                               # empty words are left out
])
def test_edge_cases_match_as_the_alternation_does(words, text):
    assert _matches(any_word(words, latin_edges=True), text) == _matches(_alternation(words, True), text)
    assert _matches(any_word(words), text) == _matches(_alternation(words), text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="数据安全AI5Gx.", min_size=1, max_size=4), max_size=8),
       st.text(alphabet="数据安全AI5Gx. ", max_size=40))
def test_any_word_list_matches_as_the_alternation_does(words, text):
    assert _matches(any_word(words, latin_edges=True), text) == _matches(_alternation(words, True), text)
    assert _matches(any_word(words), text) == _matches(_alternation(words), text)

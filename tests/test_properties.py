"""Property-based tests of normalization and segmentation, on arbitrary and on policy-like text.

The seed tests pin what the pipeline does on five real documents; these pin
what it promises on any text: it never fails, every canonical character maps
back inside the original, nothing is lost without a named rule, normalizing
canonical text again changes nothing, and the clause spans cover the text
exactly once under unique clause_ids.

Determinism: every test runs with ``derandomize=True`` and ``database=None``.
CI (``.ci/run``) must give the same answer on every run and every machine,
so the examples are a fixed function of each test, not of a random seed or
of a local ``.hypothesis`` folder that CI does not keep.  The price is that
CI explores no new inputs: to hunt for new failures run
``HYPOTHESIS_PROFILE=explore pytest tests/test_properties.py`` (random, 30
times the examples, some ten minutes) and add what it finds as an
``@example`` here, as was done for every bug found so far.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pipeline.clauses import ClauseTree, segment
from pipeline.normalize import _RANGE_DASHES, _WIDTH_TABLE, Normalized, normalize

settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", derandomize=False, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
SCALE = 30 if PROFILE == "explore" else 1


def examples(n: int) -> settings:
    """Run ``n`` examples under the chosen profile (30 times more when exploring)."""
    return settings(settings.get_profile(PROFILE), max_examples=n * SCALE)


# --- Strategies -------------------------------------------------------------

SECTION_MARKERS = ["一、", "二、", "三、", "四、", "十、", "十二、", "二十八、"]
CLAUSE_MARKERS = ["（一）", "（二）", "(三)", "（十二）", "(一)", "(二十)"]
ITEM_MARKERS = ["1.", "2.", "1．", "１．", "1、", "3、", "17.", "２、"]
SUBITEM_MARKERS = ["（1）", "(2)", "（３）", "①", "②", "⑳"]
BULLET_MARKERS = ["——", "—— ", "――"]
MARKERS = SECTION_MARKERS + CLAUSE_MARKERS + ITEM_MARKERS + SUBITEM_MARKERS + BULLET_MARKERS

SENTENCES = [
    # Simplified and Traditional, Taiwan and mainland vocabulary, headings.
    "坚持创新驱动发展。", "加快建设数字经济创新发展试验区。", "到2025年，数字经济核心产业增加值占GDP比重达到10%以上。",
    "支援人工智慧與網際網路產業發展。", "推動資訊軟體高品質發展，提升水準。", "智慧財產權保護", "建立智慧城市，整合核心技術",
    "發展目標", "总体要求", "主要指标：", "名词解释", "抄送：省委办公厅。", "四川省人民政府办公厅",
    # Dates and numbers with spaces, full-width digits, document numbers.
    "2025 年 12 月 31 日", "新增上云企业 10000 家", "到２０２５年达到１５％", "川办发〔2025〕57号",
    # Inline pinyin left by scrapers.
    "數(shù)據(jù)要素", "關(guan) 於(yu)推進",
    # Brackets and numbers that are not markers.
    "各市(州)、县(市、区)人民政府：", "（2023年12月28日）", "二十届二中、三中全会", "4K/8K", "5G",
    "窄带物联网(NB-IoT)应用", "GDP(地区生产总值)",
    # A sentence broken by a PDF page, and an open quote.
    "积极建设创新平台，加强人工智能领域基础研究，推动工业", "互联网标识解析体系建设。", "以“创新驱动、", "融合发展”为原则。",
    # Stray separators and ASCII punctuation.
    "|", "■", "* * *", "：", ";", ",", "!", "::",
]
NOISE = [
    # Page footers.
    "— 2 —", "- 3 -", "第 4 页", "第 5 页 共 12 页", "12/30",
    # Spaces of every width, zero-width characters, control characters.
    " ", "  ", "\t", "\u3000", "\u00a0", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
    "\x00", "\x07", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\x7f", "\u2028", "\u2029",
    # Combining marks, emoji (with joiners and flags), astral-plane CJK, specials.
    "\u0301", "\u0308", "e\u0301", "😀", "👨\u200d👩\u200d👧", "🇨🇳", "\U00020000", "\U0002a6a5", "\U0002b820", "𠮷",
    "\ufffd", "\U0010ffff",
    # Unbalanced brackets and quotes.
    "（", "）", "(", ")", "《", "》", "“", "”",
]
LINE_ENDINGS = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n \n", "\u2028"]

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
astral_han = st.characters(min_codepoint=0x20000, max_codepoint=0x3134F)
any_char = st.characters(blacklist_categories=("Cs",))  # every code point a str can hold
fragment = st.one_of(
    st.sampled_from(SENTENCES),
    st.sampled_from(NOISE),
    st.text(han, min_size=1, max_size=12),
    st.text(st.one_of(han, astral_han, any_char), min_size=1, max_size=6),
    st.integers(0, 99999).map(str),
)


def flattened(body: str) -> str:
    """``body`` doubled until it reads as a page flattened onto one line."""
    while len(body) < 2100:
        body = body + " " + body
    return body


@st.composite
def policy_line(draw) -> str:
    """One line of a policy document: indentation, maybe a marker, sentences and noise."""
    parts = [draw(st.sampled_from(["", "", "  ", "\u3000\u3000", "\t"]))]
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(MARKERS)))
    parts.extend(draw(st.lists(fragment, max_size=5)))
    return "".join(parts)


@st.composite
def policy_documents(draw) -> str:
    """A policy-like document: marked lines, any line endings, sometimes flattened onto one line."""
    lines = draw(st.lists(policy_line(), max_size=25))
    if draw(st.integers(0, 9)) == 0:
        # A web page serving the whole document as one line (Shandong 2023),
        # long enough for the run-on repair to split it.
        return flattened(" ".join(lines) or "坚持创新驱动发展。")
    return "".join(line + draw(st.sampled_from(LINE_ENDINGS)) for line in lines)


documents = st.one_of(st.text(), st.text(st.one_of(han, astral_han, any_char)), policy_documents())
RULES = {"page_footer", "broken_line", "number_space", "pinyin_noise", "indentation", "blank_line", "line_endings",
         "stray_symbol", "vocabulary", "punctuation_width", "run_on_paragraph"}
SICHUAN_2019_PAGE_BREAK = "(四)加快发展人工智能产业。积极建设创新平台，加强人工\n— 2 —\n\n智能领域研究。"


# --- Normalization ----------------------------------------------------------

@examples(300)
@given(text=documents)
@example(text="")
@example(text="\x00\ufeff\u200b")
@example(text=SICHUAN_2019_PAGE_BREAK)
def test_normalize_never_fails_and_maps_every_character_inside_the_original(converter, text):
    doc = normalize(text, converter)
    origin = doc.mapped.origin
    assert isinstance(doc, Normalized) and doc.original == text
    # MappedText: one entry per canonical character, plus the end of the original.
    assert len(origin) == len(doc.text) + 1
    assert origin[-1] == len(text)
    assert all(0 <= o < len(text) for o in origin[:-1])
    # Never decreasing, as MappedText promises and original_span relies on;
    # equal neighbours are allowed (a phrase that grows repeats its source).
    assert all(a <= b for a, b in zip(origin, origin[1:]))
    for drop in doc.mapped.dropped:
        assert drop.rule in RULES
        assert 0 <= drop.start < drop.end <= len(text)
    assert doc.rule_counts == dict(sorted(Counter(d.rule for d in doc.mapped.dropped).items()))
    for start in range(0, len(doc.text), 7):
        assert doc.original_text(start, min(start + 7, len(doc.text))) in text


def accounted(doc: Normalized) -> list[int]:
    """For each original character, how many times it is kept or dropped by a rule."""
    times = [0] * len(doc.original)
    for offset in set(doc.mapped.origin[:-1]):
        times[offset] += 1
    for drop in doc.mapped.dropped:
        for i in range(drop.start, drop.end):
            times[i] += 1
    return times


@examples(300)
@given(text=documents)
@example(text=SICHUAN_2019_PAGE_BREAK)
@example(text="网际网路\r\n\r\n  數(shù)據(jù) 2025 年\n|\n")
def test_every_original_character_is_kept_or_dropped_by_a_named_rule(converter, text):
    # tests/test_normalize.py checks this on the seeds; here it holds for any text.
    doc = normalize(text, converter)
    lost = [(i, text[i]) for i, n in enumerate(accounted(doc)) if n == 0]
    assert lost == []


# A drop is recorded as the original characters its own canonical characters
# map to, so a later rule never counts again what an earlier one dropped:
# Sichuan 2019's broken_line over the page footer `— 2 —` once counted the
# footer a second time (dropped_chars totalled 115 for 109 characters).
@examples(100)
@given(text=documents)
@example(text="\n\r\n")
@example(text=SICHUAN_2019_PAGE_BREAK)
def test_no_original_character_is_accounted_for_twice(converter, text):
    doc = normalize(text, converter)
    twice = [(i, text[i]) for i, n in enumerate(accounted(doc)) if n > 1]
    assert twice == []


_WHITESPACE = "\r\n\u2028\u2029 \t\x0b\x0c"
_FULL_WIDTH_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


@examples(300)
@given(text=documents)
def test_without_script_conversion_each_canonical_character_is_its_source_or_a_layout_form(converter, text):
    # Checks the offsets themselves: a map that pointed at the wrong source
    # character would show here.  (A converted phrase may map anywhere inside it.)
    doc = normalize(text, converter)
    assume(converter.converter_for(doc.script, doc.variant) is None)
    for index, char in enumerate(doc.text):
        source = text[doc.mapped.origin[index]]
        width = source.translate(_WIDTH_TABLE)
        allowed = {source, width, _FULL_WIDTH_PUNCT.get(width, width)}
        if source in _RANGE_DASHES:
            allowed.add("—")  # a range between numbers
        if source.translate(_WIDTH_TABLE) in _WHITESPACE:
            allowed.add("\n")  # a line ending, or the space that ended a paragraph of a one-line page
        assert char in allowed, (index, char, source)


@examples(300)
@given(text=documents)
@example(text="㐀::")  # the second : follows a full-width one only after the first pass
@example(text="中文" * 15 + "\n\n:abc")  # joining the lines brings : next to Chinese text
@example(text="积极建设创新平台，加强人工智能领域基础理论研究，推动工业\n互联\n网标识解析体系建设。")  # a paragraph over three lines
@example(text=" ".join(["一、\u2028坚持创新驱动发展。"] * 200))  # joined lines become a one-line page
@example(text="第0页\n亂")  # without the footer's 页 the text reads as Traditional
# Split into many short fragments after a long line: one joined per pass, more than the passes allowed.
@example(text=flattened("— 2 — 第 5 页 共 12 页 坚持创新驱动发展。坚持创新驱动发展。智慧財產權保護 第 5 页 共 12 页"))
def test_normalizing_canonical_text_changes_nothing(converter, text):
    # Nothing may change: not the text, and no rule may fire (no drops).
    once = normalize(text, converter)
    twice = normalize(once.text, converter)
    assert twice.text == once.text
    assert twice.mapped.dropped == ()
    assert list(twice.mapped.origin) == list(range(len(once.text) + 1))


# --- Segmentation -----------------------------------------------------------

def check_tree(text: str, tree: ClauseTree) -> None:
    """The clause tree's contract, on any text."""
    clauses = tree.clauses
    assert clauses, "a document always has at least one clause"
    ids = [c.clause_id for c in clauses]
    assert len(ids) == len(set(ids)), f"duplicate clause_ids: {ids}"
    by_id = {c.clause_id: c for c in clauses}
    owned = [0] * len(text)
    for seq, clause in enumerate(clauses):
        where = f"clause {clause.clause_id}"
        assert clause.seq == seq, where
        assert 0 <= clause.start <= clause.end <= len(text), where
        assert text[clause.start:clause.start + len(clause.label)] == clause.label, where
        last = clause.start + len(clause.label)
        for start, end in clause.spans:
            assert last <= start <= end <= len(text), f"{where}: spans {clause.spans} out of order or bounds"
            last = end
            for i in range(start, end):
                owned[i] += 1
        for i in range(clause.start, clause.start + len(clause.label)):
            owned[i] += 1
        assert clause.end >= last, f"{where}: end {clause.end} before its own text ends at {last}"
        if clause.parent_id is not None:
            parent = by_id.get(clause.parent_id)
            assert parent is not None, f"{where}: parent {clause.parent_id} is not in the tree"
            assert parent.seq < clause.seq and parent.level < clause.level, where
            assert parent.start <= clause.start and clause.end <= parent.end, f"{where} is outside its parent"
    starts = [c.start for c in clauses]
    assert starts == sorted(starts), "clauses are in reading order"
    # Every character belongs to exactly one clause, as its label or its own
    # text, except what the segmenter deliberately gives to none: the line
    # breaks between lines and the spaces between a marker and its text.
    assert max(owned, default=0) <= 1, "a character belongs to two clauses"
    unowned = {text[i] for i, n in enumerate(owned) if n == 0}
    assert unowned <= {"\n", " "}, f"characters in no clause: {unowned}"


@examples(400)
@given(text=documents)
@example(text="1、\n1、")  # a repeated number gave two clauses the id 1
@example(text="一、甲\n1.乙\n(一)丙")  # an item and a clause both directly under 一、: 1.1 twice
@example(text="一、甲\n名词解释\n1.甲：乙\n名词解释\n1.丙：丁")  # two glossaries: glossary twice
@example(text="——0")  # a bullet's parent was the preamble, left out for holding no text
@example(text="前言\n——甲\n一、乙")  # a bullet's parent was the preamble, which does not span it
@example(text="一、总体要求\n(一)")  # a clause with no text ended before its own label
def test_segment_never_fails_and_covers_any_text_once(text):
    check_tree(text, segment(text))


@examples(300)
@given(text=documents)
def test_segment_covers_canonical_text_once(converter, text):
    canonical = normalize(text, converter).text
    check_tree(canonical, segment(canonical))

"""Text -> canonical text with an offset map back to the original.

Every step is a pure function from :class:`MappedText` to :class:`MappedText`;
:func:`normalize` composes them.  A step either keeps a character (maybe
changing its form: width, script), or drops it under a named rule, so that
everything in the original is accounted for (SPEC "Normalization").
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from pipeline import config, headers, vocabulary
from pipeline.chinese import HAN, PARAGRAPH_END, CodePointTable, code_point_counts, is_han, with_half_width
from pipeline.headers import HeaderHit
from pipeline.markers import match_marker, starts_with_marker
from pipeline.patterns import any_word

# The numpy type of an ``array("l")`` item, the offset map's type.
_OFFSET_DTYPE = np.dtype(f"i{array('l').itemsize}")

CJK_PUNCT = "，。、；：？！“”‘’《》〈〉【】〔〕…—·"


@dataclass(frozen=True, slots=True)
class Drop:
    """Original characters ``start:end`` left out of the canonical text by ``rule``.

    ``continued``: this drop goes on the one before it, one canonical span
    whose original has characters an earlier rule dropped in between
    (:func:`drops_of`); :func:`whole_drops` joins such pieces again.
    """

    rule: str
    start: int
    end: int
    continued: bool = False


@dataclass(frozen=True)
class MappedText:
    """A text and, for each of its characters, the offset of its source in the original.

    ``origin`` has one entry more than ``text``: the end of the original, so
    that a span ``[s, e)`` maps to ``[origin[s], origin_end(e))``.  It never
    decreases (steps keep reading order; a phrase that grows repeats its
    source offset), which :meth:`original_span` relies on.
    """

    text: str
    origin: array
    dropped: tuple[Drop, ...] = ()

    @classmethod
    def identity(cls, text: str) -> "MappedText":
        # numpy writes the offsets 0..n at C speed; ``array("l", range(n))`` makes an int object each.
        origin = array("l")
        origin.frombytes(np.arange(len(text) + 1, dtype=_OFFSET_DTYPE).tobytes())
        return cls(text, origin)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that canonical ``[start, end)`` came from."""
        if end <= start:
            point = self.origin[start]
            return point, point
        return self.origin[start], self.origin[end - 1] + 1


@dataclass(frozen=True)
class Normalized:
    """The canonical text of a document and how it was made."""

    original: str
    mapped: MappedText
    script: str
    variant: str
    rule_counts: dict[str, int] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.mapped.text

    def original_text(self, start: int, end: int) -> str:
        """The original characters behind canonical ``[start, end)``."""
        o_start, o_end = self.mapped.original_span(start, end)
        return self.original[o_start:o_end]


Step = Callable[[MappedText], MappedText]


# --- Editing machinery ------------------------------------------------------

def guarded(first: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` behind a lookahead on ``first``, the characters every match starts with
    (a character-class body).

    The same matches: the engine rejects every other position at the
    lookahead instead of trying each alternative there, three to six times
    faster on a document where the pattern rarely matches.
    """
    return re.compile(f"(?=[{first}])(?:{pattern})", flags)


# Faster still is a pattern that starts by consuming its first character:
# ``re`` finds the positions where a leading character class or literal
# matches in a tight C loop, and tries a leading lookbehind or lookahead at
# every position.  So a context before the match is checked after that
# character, by a lookbehind one character wider: ``(?<=[0-9])[－～]`` is
# written ``[－～](?<=[0-9].)``, the same matches (``.`` is the character just
# consumed, never a newline), two to forty times faster where they are rare.


def rewrite(mapped: MappedText, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str],
            rule: str, needles: str = "") -> MappedText:
    """Replace every match of ``pattern`` by ``replace(match)``, keeping the offset map.

    Replacement characters map, in order, onto the matched ones; characters
    the replacement does not cover are dropped under ``rule``.  ``needles``:
    characters one of which every match holds; a text with none of them is
    not scanned (:func:`holds_any`).
    """
    text, origin = mapped.text, mapped.origin
    if needles and not holds_any(text, needles):
        return mapped
    pieces: list[str] = []
    new_origin = array("l")
    runs: list[tuple[str, int, int]] = []
    last = 0
    for found in pattern.finditer(text):
        start, end = found.span()
        replacement = replace(found)
        pieces.append(text[last:start])
        new_origin.extend(origin[last:start])
        last = end
        # The common edits without a loop over characters: a deletion drops
        # the match as one run; a replacement of the same length maps one to one.
        if not replacement:
            if end > start:
                runs.append((rule, start, end))
            continue
        pieces.append(replacement)
        if len(replacement) == end - start:
            new_origin.extend(origin[start:end])
            continue
        kept = _map_replacement(found.group(), replacement)
        for char_index in kept:
            new_origin.append(origin[start + char_index])
        kept_set = set(kept)
        run_start = None
        for i in range(end - start + 1):
            inside = i < end - start and i not in kept_set
            if inside and run_start is None:
                run_start = i
            elif not inside and run_start is not None:
                runs.append((rule, start + run_start, start + i))
                run_start = None
    if not pieces:
        return mapped
    pieces.append(text[last:])
    new_origin.extend(origin[last:])
    return MappedText("".join(pieces), new_origin, mapped.dropped + drops_of(origin, runs))


def holds_any(text: str, needles: Iterable[str]) -> bool:
    """Whether ``text`` holds one of ``needles``: the characters of a string, or the words of a tuple.

    ``re`` looks for a class of a few rare characters (``[\\r\\u2028]``) by
    trying every position, ``str.__contains__`` at memchr speed: a few such
    tests cost less than one scan, and most texts hold none of them.
    """
    return any(needle in text for needle in needles)


def drops_of(origin: array, runs: Sequence[tuple[str, int, int]]) -> tuple[Drop, ...]:
    """The drops that leaving out canonical ``runs`` ``(rule, start, end)`` (sorted, disjoint) adds.

    Every original character is accounted for once, kept or dropped (SPEC
    "Normalization"), so a run drops only the original offsets its own
    characters map to: not those an earlier step dropped between them (a page
    footer inside a broken line, the CR of a CR LF inside a header), nor one a
    kept neighbour still maps to (a phrase that grew repeats its source), nor
    one an earlier run of the same step already dropped.  A run over an
    earlier drop so becomes one drop for each stretch of the original around it.
    """
    size = len(origin) - 1
    # The offset of the nearest kept character before and after each run (-1: none).
    before, kept, previous_end = [], -1, 0
    for _, start, end in runs:
        if start > previous_end:
            kept = origin[start - 1]
        before.append(kept)
        previous_end = end
    after, kept, next_start = [0] * len(runs), -1, size
    for k in range(len(runs) - 1, -1, -1):
        _, start, end = runs[k]
        if end < next_start:
            kept = origin[end]
        after[k] = kept
        next_start = start
    drops: list[Drop] = []
    done = -1  # the last offset dropped
    for (rule, start, end), first_kept, next_kept in zip(runs, before, after):
        low, high = origin[start], origin[end - 1]
        if high - low == end - start - 1 and low > max(done, first_kept) and high != next_kept:
            drops.append(Drop(rule, low, high + 1))  # the common case: one stretch of the original
            done = high
            continue
        pieces = len(drops)
        span_start = span_end = -1
        for index in range(start, end):
            offset = origin[index]
            if offset <= done or offset == first_kept or offset == next_kept:
                continue
            if offset != span_end:
                if span_end > span_start:
                    drops.append(Drop(rule, span_start, span_end, len(drops) > pieces))
                span_start = offset
            span_end = offset + 1
            done = offset
        if span_end > span_start:
            drops.append(Drop(rule, span_start, span_end, len(drops) > pieces))
    return tuple(drops)


def whole_drops(dropped: Iterable[Drop]) -> Iterator[Drop]:
    """The drops with the pieces of each put together again: one original span each, as the rule saw it.

    A header's text (``metadata.header_fields_of``) is read so, the CR of
    its CR LF line endings included.
    """
    whole = None
    for drop in dropped:
        if drop.continued and whole is not None:
            whole = Drop(whole.rule, whole.start, drop.end)
            continue
        if whole is not None:
            yield whole
        whole = Drop(drop.rule, drop.start, drop.end)
    if whole is not None:
        yield whole


def _map_replacement(matched: str, replacement: str) -> list[int]:
    """For each replacement character, the index of the matched character it stands for."""
    if len(replacement) == len(matched):
        return list(range(len(matched)))
    # A deletion keeps characters in order: find them greedily.
    kept, i = [], 0
    for char in replacement:
        while i < len(matched) and matched[i] != char:
            i += 1
        if i == len(matched):
            # Not a pure deletion: map the rest onto the last kept character.
            anchor = kept[-1] if kept else 0
            return kept + [anchor] * (len(replacement) - len(kept))
        kept.append(i)
        i += 1
    return kept


def translate(mapped: MappedText, table: dict[int, str], chars: re.Pattern[str] | None = None) -> MappedText:
    """Replace characters one for one; the offset map is unchanged.

    ``chars``, a character class of the table's keys, makes it faster:
    ``str.translate`` looks every character up in a dict at Python speed,
    the class finds the few to replace (most texts have none) at C speed.
    """
    if chars is None:
        return MappedText(mapped.text.translate(table), mapped.origin, mapped.dropped)
    if chars.search(mapped.text) is None:
        return mapped
    return MappedText(chars.sub(lambda m: table[ord(m.group())], mapped.text), mapped.origin, mapped.dropped)


def char_class(table: dict[int, str]) -> re.Pattern[str]:
    """The characters a :func:`translate` table replaces, as one compiled character class."""
    return re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(table)) + "]")


# --- Layout steps -----------------------------------------------------------

# The CR of a CR LF is dropped (a deletion, which rewrite does without a loop
# over characters); a CR or Unicode separator left alone becomes LF, one for one.
_CR_BEFORE_LF = re.compile(r"\r(?=\n)")
_OTHER_LINE_END = re.compile(r"[\r\u2028\u2029]")


def unify_line_endings(mapped: MappedText) -> MappedText:
    """CR LF, CR and Unicode line separators become LF."""
    mapped = rewrite(mapped, _CR_BEFORE_LF, lambda m: "", "line_endings", "\r")
    return rewrite(mapped, _OTHER_LINE_END, lambda m: "\n", "line_endings", "\r\u2028\u2029")


# Compatibility forms whose NFKC form is the canonical one: full-width ASCII,
# half-width CJK punctuation, small and vertical presentation forms (﹒ is
# `.` as ． is). The full-width ， ； ： ？ ！ are kept: canonical text writes
# them so in Chinese text (ASCII ones there are converted to them).
_COMPATIBILITY_RANGES = ((0xFF01, 0xFF5E), (0xFF61, 0xFF64), (0xFE10, 0xFE19), (0xFE30, 0xFE4F),
                         (0xFE50, 0xFE6B))
_KEPT_FULL_WIDTH = "，；：？！"


def _width_table() -> dict[int, str]:
    table = {}
    for first, last in _COMPATIBILITY_RANGES:
        for cp in range(first, last + 1):
            compatible = unicodedata.normalize("NFKC", chr(cp))
            if len(compatible) == 1 and compatible != chr(cp) and chr(cp) not in _KEPT_FULL_WIDTH:
                table[cp] = compatible
    table.update({0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x200B: " ", 0xFEFF: " ",
                  0x09: " ", 0x2015: "—", 0x2500: "—"})
    return table


_WIDTH_TABLE = _width_table()
_WIDTH_CHARS = char_class(_WIDTH_TABLE)
# ASCII punctuation written inside Chinese text: canonical text uses the
# full-width forms, so sentences split the same way whatever the source.
# A run of marks after Chinese text is converted whole (`中::` -> `中：：`):
# once the first is full-width the next one follows Chinese punctuation too,
# so converting one at a time would leave work for a second pass.
_ASCII_PUNCT_IN_CHINESE = re.compile(rf"[,;:?!](?:(?<=[{HAN}{CJK_PUNCT})].)[,;:?!]*|(?=[{HAN}“《]))")
_FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！"})


def full_width_punctuation(mapped: MappedText) -> MappedText:
    """`,` `;` `:` `?` `!` inside Chinese text become `，` `；` `：` `？` `！`."""
    return rewrite(mapped, _ASCII_PUNCT_IN_CHINESE, lambda m: m.group().translate(_FULL_WIDTH),
                   "punctuation_width", ",;:?!")


# A range between two numbers (3－5年, 2023～2025年, 20%〜30%) is written with
# the dash mainland text uses, which the extractors read as a range; `——`
# and ASCII `-` (2025-12-31) are left as they are.
_RANGE_DASHES = "－–～〜﹣"
_RANGE_DASH = re.compile(rf"[{_RANGE_DASHES}](?<=[0-9０-９%％].)(?=[0-9０-９])")


def unify_range_dashes(mapped: MappedText) -> MappedText:
    """`－` `–` `～` `〜` between numbers become `—` (3—5年), one for one."""
    return rewrite(mapped, _RANGE_DASH, lambda m: "—", "range_dash", _RANGE_DASHES)


def unify_widths(mapped: MappedText) -> MappedText:
    """Compatibility forms (full-width digits, letters, brackets; ﹒) become NFKC; ranges take `—`;
    Chinese-context , ; : become full-width."""
    return full_width_punctuation(translate(unify_range_dashes(mapped), _WIDTH_TABLE, _WIDTH_CHARS))


_PINYIN_SYLLABLE = re.compile(
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:[aāáǎàoōóǒòeēéěèiīíǐìuūúǔùüǖǘǚǜv]{1,3}(?:ng|n|r)?)[1-5]?"
)
_PINYIN_NOISE = re.compile(rf"\((?<=[{HAN}].)([a-zāáǎàōóǒòēéěèīíǐìūúǔùüǖǘǚǜv1-5]{{1,7}})\)( ?)(?=[{HAN}]|$)",
                           re.MULTILINE)


def strip_pinyin_noise(mapped: MappedText) -> MappedText:
    """Drop inline pinyin left by scrapers: 數(shù)據(jù) -> 數據, 關(guan) 於(yu) -> 關於."""
    def replace(found: re.Match[str]) -> str:
        return "" if _PINYIN_SYLLABLE.fullmatch(found.group(1)) else found.group()
    return rewrite(mapped, _PINYIN_NOISE, replace, "pinyin_noise")


_PAGE_FOOTER = re.compile(
    r"^[ \t]*(?:[—－\-–]{1,2}[ \t]*\d{1,4}[ \t]*[—－\-–]{1,2}|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*共[ \t]*\d{1,4}[ \t]*页)?"
    r"|\d{1,4}[ \t]*/[ \t]*\d{1,4})[ \t]*(?:\n|$)",
    re.MULTILINE,
)


def drop_page_footers(mapped: MappedText) -> MappedText:
    """Drop page-number lines from PDF extractions: `— 2 —`, `- 3 -`, `第 4 页`."""
    return rewrite(mapped, _PAGE_FOOTER, lambda m: "", "page_footer")


_STRAY_SYMBOLS = "|｜*＊#·•■□◆"
_STRAY_SYMBOL_LINE = re.compile(rf"^[ \t]*[{re.escape(_STRAY_SYMBOLS)}]+[ \t]*(?:\n|$)", re.MULTILINE)


def drop_stray_symbol_lines(mapped: MappedText) -> MappedText:
    """Drop lines holding only a separator glyph (`|`, `*`, `■`) left by page scraping."""
    return rewrite(mapped, _STRAY_SYMBOL_LINE, lambda m: "", "stray_symbol", _STRAY_SYMBOLS)


_RUN_ON_SPACE = guarded(" ", rf"(?<=[{HAN}{CJK_PUNCT}).,;:|]) +(?=\S)")


def split_run_on_text(mapped: MappedText) -> MappedText:
    """A document flattened onto one line gets its paragraphs back.

    Some sites serve the whole document as one line with a space where each
    paragraph ended (Shandong 2023).  In such a text a space after Chinese
    text is a paragraph break.
    """
    lines = mapped.text.split("\n")
    longest = max(len(line) for line in lines)
    if longest < 2000 or longest < 0.8 * len(mapped.text):
        return mapped
    return rewrite(mapped, _RUN_ON_SPACE, lambda m: "\n", "run_on_paragraph")


# Blanks at a line's start (the one before the first blank is no character
# but a line break: the class first, see _ASCII_PUNCT_IN_CHINESE), or at its end.
_EDGE_SPACE = re.compile(r"[ \t\f\v](?:(?<![^\n].)[ \t\f\v]*|[ \t\f\v]*$)", re.MULTILINE)


def strip_line_edges(mapped: MappedText) -> MappedText:
    """Drop indentation and trailing blanks on every line."""
    return rewrite(mapped, _EDGE_SPACE, lambda m: "", "indentation")


_NUMBER_SPACE = re.compile(rf" (?:(?<=\d.) *(?=[{HAN}〔〕%])|(?<=[{HAN}〔〕].) *(?=\d))")


def remove_number_spaces(mapped: MappedText) -> MappedText:
    """Drop spaces around numbers inside Chinese text: `2025 年 12 月 31 日` -> `2025年12月31日`."""
    return rewrite(mapped, _NUMBER_SPACE, lambda m: "", "number_space")


_SENTENCE_END = with_half_width(PARAGRAPH_END)
_CLOSERS = "”’》)」』】"
# A line of a document's head (its title, issuer, number, date, a site's
# source line): never joined.  What must start the line is matched there
# alone, the rest searched from the few characters it starts with (see
# guarded): one pattern searched whole tried every alternative at every
# position, most of join_broken_lines' time.
_HEADER_LINE_START = re.compile(
    rf"[{HAN}]{{2,20}}(?:文件|人民政府|办公厅|委员会|省委|办公室)"
    r"|\d{4}年\d{1,2}月\d{1,2}日|\(?\d{4}年\d{1,2}月\d{1,2}日\)?$"
)
_HEADER_LINE_ANYWHERE = guarded(
    r"关〔来來发\d",
    r"关于.*的(?:通知|意见|实施意见|指导意见|规划|方案|决定|办法|计划|纲要|细则|措施|批复|函)"
    r"|〔\d{4}〕|来源|來源|发布时间|\d{4}-\d{2}-\d{2}"
)


def _is_header_line(line: str) -> bool:
    """Whether a line (no line break in it) reads as part of a document's head."""
    return _HEADER_LINE_START.match(line) is not None or _HEADER_LINE_ANYWHERE.search(line) is not None


# A wrapped text: most lines stop within a few characters of one width (a
# fixed-width PDF extraction); a clean text has one paragraph a line, of any length.
_WRAP_TOLERANCE = 3
_MIN_WRAP_WIDTH = 20
_MIN_WRAPPED_SHARE = 0.4
_MIN_WRAPPED_LINES = 8
# No line of a wrapped text is longer than its width (a few may be: a title, a table row).
_MAX_OVERLONG_SHARE = 0.05
# Marks a paragraph never ends on: the line goes on.
_OPEN_END = "、，,“《("
# Punctuation inside a line that shows it holds sentences: such a line that
# stops without a sentence end was cut inside its last sentence.
_INNER_PUNCTUATION = re.compile(r"[。；！？，]")
# Lines that start a block of their own, and Markdown rules (`---`, `***`).
_BLOCK_LINE = re.compile(r"^(?:名词解释|附件|专栏)|^[-*_=—]{3,}$")


@dataclass(frozen=True)
class _Layout:
    """What the file itself says about its line breaks: its wrap width, and where its pages broke."""

    wrap_width: int | None
    page_breaks: tuple[int, ...]  # original offsets of dropped page footers, sorted

    @classmethod
    def of(cls, mapped: MappedText, lines: list[str]) -> "_Layout":
        every_length = Counter(map(len, lines))
        lengths = {length: n for length, n in every_length.items() if length >= _MIN_WRAP_WIDTH}
        filled = len(lines) - every_length[0]
        width = None
        if lengths and filled:
            mode = max(lengths, key=lambda n: (lengths[n], n))
            near = sum(n for length, n in lengths.items() if abs(length - mode) <= _WRAP_TOLERANCE)
            longer = sum(n for length, n in lengths.items() if length > mode + _WRAP_TOLERANCE)
            if near >= _MIN_WRAPPED_LINES and near >= _MIN_WRAPPED_SHARE * filled \
                    and longer <= _MAX_OVERLONG_SHARE * filled:
                width = mode
        breaks = tuple(sorted(drop.start for drop in mapped.dropped if drop.rule == "page_footer"))
        return cls(width, breaks)

    def is_full(self, line: str) -> bool:
        return self.wrap_width is not None and len(line) >= self.wrap_width - _WRAP_TOLERANCE

    def page_break_between(self, start: int, end: int) -> bool:
        """Whether a page footer was dropped in original ``[start, end]``."""
        index = bisect_left(self.page_breaks, start)
        return index < len(self.page_breaks) and self.page_breaks[index] <= end


def join_broken_lines(mapped: MappedText) -> MappedText:
    """Join a paragraph that a page break or a fixed-width wrap split in two, and nothing else.

    A line goes on in the next non-blank line only when it does not end a
    sentence, the next line does not open a clause, and the file shows that
    the break is not a paragraph end: a page footer was dropped between the
    two lines, the file is wrapped at a fixed width and the line fills it,
    the line stops on a mark no paragraph ends on (、 ， “ 《 or an open
    bracket), or it holds sentences and stops inside its last one.  A title
    (a line with no sentence in it) is never joined to the text after it.
    The line break and any blank lines between are dropped.
    """
    text = mapped.text
    lines = text.split("\n")
    layout = _Layout.of(mapped, lines)
    cuts: list[tuple[int, int]] = []
    paragraph = _Paragraph()
    # Only a line that does not end on a sentence end can go on (the first
    # test of _continues): those are found at C speed, the others skipped.
    for found in _OPEN_LINE_END.finditer(text):
        end = found.start()
        following = _NEXT_LINE.match(text, end)
        if following is None:
            continue  # the last non-blank line
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if not cuts or cuts[-1][1] != start:
            paragraph = _Paragraph()  # the line before did not go on in this one
        paragraph.add(line)
        page_break = bool(layout.page_breaks) and layout.page_break_between(
            mapped.origin[end], mapped.origin[following.start(1)])
        if _continues(line, following.group(1), paragraph, page_break=page_break, full=layout.is_full(line)):
            cuts.append((end, following.start(1)))
    if not cuts:
        return mapped
    return _drop_spans(mapped, [("broken_line", start, end) for start, end in cuts])


# The line break after a line whose last character is no sentence end (the
# class after the literal: see above _ASCII_PUNCT_IN_CHINESE), and the next non-blank line.
_OPEN_LINE_END = re.compile(rf"\n(?<=[^\n{re.escape(_SENTENCE_END)}]\n)")
_NEXT_LINE = re.compile(r"\n+([^\n]+)")


_BRACKETS = (("《", "》"), ("“", "”"), ("(", ")"))


class _Paragraph:
    """Length, bracket balance and punctuation of the lines joined so far, kept as lines are added (linear time)."""

    def __init__(self) -> None:
        self.length = 0
        self.balance = [0] * len(_BRACKETS)
        self.has_sentences = False

    def add(self, line: str) -> None:
        self.length += len(line)
        for k, (opener, closer) in enumerate(_BRACKETS):
            self.balance[k] += line.count(opener) - line.count(closer)
        self.has_sentences = self.has_sentences or _INNER_PUNCTUATION.search(line) is not None

    @property
    def open_bracket(self) -> bool:
        return any(n > 0 for n in self.balance)


def _continues(line: str, following: str, paragraph: _Paragraph | None = None, *, page_break: bool = False,
               full: bool = False) -> bool:
    """Whether ``line``, the last line of ``paragraph`` (by default its own), goes on in ``following``.

    Args:
        page_break: a page footer was dropped between the two lines.
        full: the file is wrapped at a fixed width and ``line`` fills it.
    """
    if paragraph is None:
        paragraph = _Paragraph()
        paragraph.add(line)
    if line[-1] in _SENTENCE_END or (line[-1] in _CLOSERS and len(line) > 1 and line[-2] in _SENTENCE_END):
        return False
    open_end = line[-1] in _OPEN_END or paragraph.open_bracket
    if not (open_end or page_break or full or paragraph.has_sentences):
        return False  # none of the reasons below to go on: a title (一、总体要求), without the tests
    if starts_with_marker(following) or _BLOCK_LINE.match(following):
        return False
    if following[-1] in "：:" or _is_header_line(line) or _is_header_line(following):
        return False
    if open_end:
        return True
    if page_break or full:
        return True
    if line[-1] == ")":
        return False  # a closed annotation, （…负责）, ends its paragraph
    marker = match_marker(line, 0)
    if marker is not None and "。" not in line:
        return False  # a heading such as 一、总体要求 or (一)坚持创新驱动，加快构建新格局
    return paragraph.has_sentences


def _drop_spans(mapped: MappedText, runs: Sequence[tuple[str, int, int]]) -> MappedText:
    """Drop the canonical spans ``(rule, start, end)`` (sorted, disjoint), each under its rule."""
    text, origin = mapped.text, mapped.origin
    pieces, new_origin = [], array("l")
    last = 0
    for _, start, end in runs:
        pieces.append(text[last:start])
        new_origin.extend(origin[last:start])
        last = end
    pieces.append(text[last:])
    new_origin.extend(origin[last:])
    return MappedText("".join(pieces), new_origin, mapped.dropped + drops_of(origin, runs))


# The line breaks to drop: all of them at the start and the end of the text,
# all but the first of a run between paragraphs.  Each alternative consumes
# a line break first (re then finds them at C speed), and every match is a
# deletion, which rewrite makes without a loop over characters.
_BLANK_LINES = re.compile(r"\n(?:(?<=\A\n)\n*|\n*\Z|(?<=\n\n)\n*)")


def collapse_blank_lines(mapped: MappedText) -> MappedText:
    """One paragraph a line: blank lines between paragraphs are dropped."""
    text = mapped.text
    if "\n\n" not in text and not text.startswith("\n") and not text.endswith("\n"):
        return mapped  # no match of _BLANK_LINES: found without trying every line break
    return rewrite(mapped, _BLANK_LINES, lambda m: "", "blank_line")


# --- Headers and markup -------------------------------------------------------
#
# What sites, databases and collectors wrapped around the document: found by
# ``pipeline.headers`` (which also reads the fields back for the metadata),
# dropped here by the name of the header kind.

def drop_named_spans(mapped: MappedText, hits: Iterable[HeaderHit]) -> MappedText:
    """Drop each hit's canonical span under the hit's own rule; overlapping hits are merged into the first."""
    kept: list[HeaderHit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if hit.end <= hit.start:
            continue
        if kept and hit.start < kept[-1].end:
            if hit.end > kept[-1].end:
                kept[-1] = HeaderHit(kept[-1].rule, kept[-1].start, hit.end)
            continue
        kept.append(hit)
    if not kept:
        return mapped
    return _drop_spans(mapped, [(hit.rule, hit.start, hit.end) for hit in kept])


def drop_headers(mapped: MappedText) -> MappedText:
    """Drop database, news-site and gov.cn headers and collectors' labels (``pipeline.headers``)."""
    text = mapped.text
    hits = [*headers.find_line_headers(text), *headers.find_gov_blocks(text), *headers.find_collector_label(text)]
    return drop_named_spans(mapped, hits)


def drop_markdown_headers(mapped: MappedText) -> MappedText:
    """Drop front matter and a crawler's header block and footer from a Markdown file."""
    text = mapped.text
    # A download list is found while its items are still Markdown links.
    downloads = [hit for hit in headers.find_line_headers(text) if hit.rule == "download_links"]
    return drop_named_spans(mapped, [*headers.find_markdown_headers(text), *downloads])


_MD_COMMENT = re.compile(r"[ \t]*<!--.*?-->[ \t]*\n?", re.DOTALL)
_MD_FENCE = re.compile(r"^[ \t]*(?:```|~~~)[^\n]*(?:\n|$)", re.MULTILINE)
_MD_RULE = re.compile(r"^[ \t]*(?:-[ \t]*){3,}$\n?|^[ \t]*(?:\*[ \t]*){3,}$\n?|^[ \t]*(?:_[ \t]*){3,}$\n?",
                      re.MULTILINE)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+([^\n]*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_MD_TABLE_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?\|?[ \t]*(?:\n|$)",
                            re.MULTILINE)
_MD_TABLE_EDGE = guarded(r" \t|", r"^[ \t]*\|[ \t]*(?=[^\n]*\|[ \t]*$)|(?<=\S)[ \t]*\|[ \t]*$", re.MULTILINE)
# A list item's bullet, but not a page number printed as "- 3 -".
_MD_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+(?=\S)(?!\d{1,4}[ \t]*[-—－]?[ \t]*$)", re.MULTILINE)
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\([^)\n]*\)|<(https?://[^>\s]+)>")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)([^\n]+?)(?<=\S)\1")
_MD_EMPHASIS = re.compile(r"(?<![*\w\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_MD_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


_MD_TABLE_ROW = re.compile(r"^([ \t]*\|)([^\n]*)(\|[ \t]*)$", re.MULTILINE)


def _table_row_cells(mapped: MappedText) -> MappedText:
    """Table rows lose their pipes: a space between cells, nothing at the edges."""
    def cells(found: re.Match[str]) -> str:
        # Same length as the row, so the offset map stays one to one.
        return found.group(1) + re.sub(r"(?<!\\)\|", " ", found.group(2)) + found.group(3)
    mapped = rewrite(mapped, _MD_TABLE_ROW, cells, "markdown_table")
    return rewrite(mapped, _MD_TABLE_EDGE, lambda m: "", "markdown_table")


def strip_markdown(mapped: MappedText) -> MappedText:
    """Markdown markup out, its text in: headers, comments, headings, rules, tables, lists, links, emphasis.

    Every mark is dropped under a ``markdown_*`` rule (a crawler header under
    its own), so the offset map leads back into the Markdown file; the words
    of headings, cells, links and emphasis stay.  Numbered lists keep their
    numbers, which are the document's own item marks (1. 2.).
    """
    mapped = drop_markdown_headers(mapped)
    mapped = rewrite(mapped, _MD_COMMENT, lambda m: "", "markdown_comment")
    mapped = rewrite(mapped, _MD_FENCE, lambda m: "", "markdown_code")
    mapped = rewrite(mapped, _MD_TABLE_RULE, lambda m: "", "markdown_table")
    mapped = _table_row_cells(mapped)
    mapped = rewrite(mapped, _MD_RULE, lambda m: "", "markdown_rule")
    mapped = rewrite(mapped, _MD_HEADING, lambda m: m.group(1), "markdown_heading")
    mapped = rewrite(mapped, _MD_BULLET, lambda m: "", "markdown_list")
    mapped = rewrite(mapped, _MD_IMAGE, lambda m: "", "markdown_image")
    mapped = rewrite(mapped, _MD_LINK, lambda m: m.group(1) or m.group(2), "markdown_link")
    mapped = rewrite(mapped, _MD_STRONG, lambda m: m.group(2), "markdown_emphasis")
    mapped = rewrite(mapped, _MD_EMPHASIS, lambda m: m.group(1), "markdown_emphasis")
    mapped = rewrite(mapped, _MD_ESCAPE, lambda m: m.group(1), "markdown_escape")
    return rewrite(mapped, _MD_BREAK, lambda m: "\n", "markdown_break")


# Markup a document's container leaves in its text, and the step that takes it out.
MARKUP_STEPS: dict[str, Step] = {"markdown": strip_markdown}


LAYOUT_STEPS: tuple[Step, ...] = (
    unify_line_endings,
    unify_widths,
    strip_pinyin_noise,
    drop_page_footers,
    split_run_on_text,
    strip_line_edges,
    drop_headers,
    drop_stray_symbol_lines,
    remove_number_spaces,
    join_broken_lines,
    collapse_blank_lines,
)


def make_pipeline(steps: Iterable[Step]) -> Step:
    """Compose steps left to right into one step (textacy's make_pipeline)."""
    steps = tuple(steps)

    def run(mapped: MappedText) -> MappedText:
        for step in steps:
            mapped = step(mapped)
        return mapped

    return run


_layout_pass = make_pipeline(LAYOUT_STEPS)
# Each pass only drops characters or turns them into their final form, so
# passes stop changing anything after a few; the cap is a guard, not a limit
# any text has been seen to reach.
_MAX_LAYOUT_PASSES = 10


def repair_layout(mapped: MappedText) -> MappedText:
    """Run the layout steps until the text stops changing.

    One pass can leave work for another: joining broken lines can bring a
    `:` next to Chinese text, or make one line most of the text, which then
    reads as a page flattened onto one line and is split at its paragraphs.
    Canonical text must come out of a second normalization unchanged, so the
    steps are repeated until it does.
    """
    for _ in range(_MAX_LAYOUT_PASSES):
        repaired = _layout_pass(mapped)
        if repaired.text == mapped.text:
            return repaired
        mapped = repaired
    return mapped


# --- Script and vocabulary --------------------------------------------------

class ScriptConverter:
    """Converters to the canonical script and vocabulary, built once and passed in.

    ``taiwan`` converts Taiwan-style Traditional text with OpenCC's complete
    Taiwan dictionaries, minus the mainland words of ``protected.txt``, plus
    ``policy_additions.txt``; ``traditional`` converts Traditional script
    written with mainland vocabulary (OpenCC ``t2s``).  See
    ``resources/opencc/README.md``.
    """

    def __init__(self) -> None:
        variants = vocabulary.first_values(vocabulary.read_table(config.OPENCC_DIR / "PolicyVariants.txt"))
        additions = vocabulary.first_values(vocabulary.read_table(config.OPENCC_ADDITIONS))
        self.protected = vocabulary.read_words(config.OPENCC_PROTECTED)
        self.taiwan = vocabulary.taiwan_to_mainland(self.protected, additions, variants)
        self.traditional = vocabulary.traditional_to_simplified(variants)
        self._s2t = vocabulary.simplified_to_traditional()
        t2s = self.traditional
        # Detection counts the additions that rewrite a word (not those that
        # keep one in context, 申請資料), as they read in Simplified script,
        # converted once here rather than for every document.
        self.taiwan_terms = {k: v for k, v in additions.items() if t2s.convert(k) != v}
        self.mainland_terms = tuple(sorted({self._s2t.convert(v) for v in self.taiwan_terms.values()}))
        # Each form with its code points (:meth:`detect` counts only the forms
        # whose characters all occur in the text).
        self._taiwan_forms = tuple((form, frozenset(map(ord, form))) for form in map(t2s.convert, self.taiwan_terms))
        self._mainland_forms = tuple((form, frozenset(map(ord, form)))
                                     for form in map(t2s.convert, self.mainland_terms))
        # Whether a text holds any Taiwan form at all, in one scan: most do not,
        # and then no form need be counted.
        self._any_taiwan_form = any_word(form for form, _ in self._taiwan_forms)
        # Each code point's side (:meth:`_side_of`), judged once per process.
        self._script_side = CodePointTable(self._side_of)

    @lru_cache(maxsize=None)
    def char_to_simplified(self, char: str) -> str:
        return self.traditional.convert_char(char)

    @lru_cache(maxsize=None)
    def char_to_traditional(self, char: str) -> str:
        return self._s2t.convert(char)

    def detect(self, text: str) -> tuple[str, str]:
        """``(script, variant)``: simplified/traditional, and mainland/taiwan vocabulary.

        Script is the side with more characters that only it uses; the
        vocabulary is Taiwan-style when Taiwan words outnumber their mainland
        counterparts.
        """
        # Each character's side, looked up by code point in one numpy call,
        # and summed: normalize detects twice per document (original, then
        # canonical text).
        balance = int(self._script_side.of_text(text).sum(dtype=np.int64))
        script = "traditional" if balance > 0 else "simplified"
        simplified_text = self.traditional.convert(text) if script == "traditional" else text
        if self._any_taiwan_form.search(simplified_text) is None:
            return script, "mainland"
        # A word can only occur if all its characters do: the others, most
        # of the table, count 0 without a scan of the text.
        present = set(code_point_counts(simplified_text)[0].tolist())
        taiwan_counts = [simplified_text.count(form) for form, chars in self._taiwan_forms if chars <= present]
        # Mainland words such as 数字 and 支持 are everywhere, so Taiwan words
        # need only be a quarter as frequent, but of at least two kinds.
        distinct = sum(1 for n in taiwan_counts if n)
        if distinct < 2:
            return script, "mainland"
        taiwan = sum(taiwan_counts)
        mainland = sum(simplified_text.count(form) for form, chars in self._mainland_forms if chars <= present)
        variant = "taiwan" if 4 * taiwan >= mainland else "mainland"
        return script, variant

    def _side_of(self, char: str) -> int:
        """+1 for a Han character only Traditional script uses, -1 for one only Simplified uses, else 0."""
        if not is_han(char):
            return 0
        return (self.char_to_simplified(char) != char) - (self.char_to_traditional(char) != char)

    def converter_for(self, script: str, variant: str) -> vocabulary.PhraseConverter | None:
        if variant == "taiwan":
            return self.taiwan
        if script == "traditional":
            return self.traditional
        return None

    def to_canonical(self, text: str) -> str:
        """The script conversion alone, as :func:`normalize` chooses it (no layout repair)."""
        chosen = self.converter_for(*self.detect(text))
        return chosen.convert(text) if chosen is not None else text


_CHUNK_MARKS = f"\n{CJK_PUNCT}，。"
_CHUNK = re.compile(rf"[^{_CHUNK_MARKS}]+|[{_CHUNK_MARKS}]+")


def convert_script(mapped: MappedText, converter: vocabulary.PhraseConverter) -> MappedText:
    """Convert script and vocabulary, keeping the offset map, in linear time.

    A phrase never spans punctuation, so each chunk between punctuation
    marks converts on its own, at OpenCC's speed.  A chunk holding no phrase
    that changes length converts one character for one.  In the others the
    converter's phrases are located: one that changes length
    (網際網路 -> 互联网) spreads its new characters over the old ones in
    order, first onto first and last onto last, and the old characters no
    new one maps to are dropped under the rule ``vocabulary``.

    The chunks between two that hold such a phrase are converted in one
    call (OpenCC's cost is mostly per call): the same as chunk by chunk,
    since no phrase key holds a chunk mark, except the marks of
    :func:`_joining_marks` (a name such as 詹姆斯·卡麥隆), which are
    converted on their own as chunks.
    """
    text = converter.fold(mapped.text)
    origin = mapped.origin
    resizing = converter.resizing
    if resizing is None or resizing.search(text) is None:
        converted = converter.convert_folded(text)
        return mapped if converted == mapped.text else MappedText(converted, origin, mapped.dropped)
    joining = _joining_marks(converter)
    pieces, new_origin = [], array("l")
    runs: list[tuple[str, int, int]] = []
    pending = 0  # text[pending:] is not converted yet: chunks that convert with their neighbours

    for found in _CHUNK.finditer(text):
        chunk, offset = found.group(), found.start()
        resizes = resizing.search(chunk) is not None
        if not resizes and (joining is None or joining.search(chunk) is None):
            continue
        # The chunks before this one, in one call; then this one alone.
        if offset > pending:
            pieces.append(converter.convert_folded(text[pending:offset]))
            new_origin.extend(origin[pending:offset])
        pending = found.end()
        if resizes:
            convert_located(chunk, offset, origin, converter, pieces, new_origin, runs)
        else:
            pieces.append(converter.convert_folded(chunk))
            new_origin.extend(origin[offset:pending])
    pieces.append(converter.convert_folded(text[pending:]))
    new_origin.extend(origin[pending:len(text)])
    new_origin.append(origin[len(text)])
    return MappedText("".join(pieces), new_origin, mapped.dropped + drops_of(origin, runs))


def convert_located(chunk: str, offset: int, origin: array, converter: vocabulary.PhraseConverter,
                    pieces: list[str], new_origin: array, runs: list[tuple[str, int, int]]) -> None:
    """Convert a chunk holding a phrase that changes length, each phrase located (:func:`convert_script`).

    The converted text goes onto ``pieces``, its offsets onto ``new_origin``,
    and the old characters no new one maps to onto ``runs`` (rule ``vocabulary``).
    """
    last = 0
    for start, end, replacement in converter.edits(chunk):
        pieces.append(converter.convert_chars(chunk[last:start]))
        new_origin.extend(origin[offset + last:offset + start])
        pieces.append(replacement)
        width, length = end - start, len(replacement)
        if width == length:
            new_origin.extend(origin[offset + start:offset + end])
        else:
            # First onto first and last onto last, so that the span of
            # the new phrase is the whole old one.
            sources = [offset + start + (k * (width - 1)) // max(length - 1, 1) for k in range(length)]
            new_origin.extend(origin[i] for i in sources)
            kept = set(sources)
            for index in range(offset + start, offset + end):
                if index not in kept:
                    runs.append(("vocabulary", index, index + 1))
        last = end
    pieces.append(converter.convert_chars(chunk[last:]))
    new_origin.extend(origin[offset + last:offset + len(chunk)])


@lru_cache(maxsize=None)
def _joining_marks(converter: vocabulary.PhraseConverter) -> re.Pattern[str] | None:
    """The chunk marks that some phrase key of ``converter`` holds (the · of 詹姆斯·卡麥隆), as a class; None if none."""
    marks = sorted({char for key in converter.phrases for char in key if char in _CHUNK_MARKS})
    return re.compile("[" + re.escape("".join(marks)) + "]") if marks else None


# --- The whole normalization ------------------------------------------------

# A second conversion is rare (a text whose script counts were nearly even)
# and a third has not been seen; the cap only guards against a loop.
_MAX_CONVERSION_ROUNDS = 3


def normalize(original: str, converter: ScriptConverter, markup: str | None = None) -> Normalized:
    """Canonical text of a document: markup out, layout repaired, Simplified script, mainland vocabulary.

    ``markup`` names the markup the text is written in (``"markdown"``, see
    :data:`MARKUP_STEPS`); its marks are dropped first, by named rules.

    >>> normalize("支援人工智慧發展", ScriptConverter()).text
    '支持人工智能发展'
    """
    script, variant = converter.detect(original)
    mapped = MappedText.identity(original)
    if markup is not None:
        mapped = MARKUP_STEPS[markup](mapped)
    chosen = converter.converter_for(script, variant)
    if chosen is not None:
        mapped = convert_script(mapped, chosen)
    mapped = repair_layout(mapped)
    # What the layout dropped (a footer's 页, pinyin noise) can tip a close
    # script or vocabulary count: the canonical text must read as canonical
    # to the same detector, or normalizing it again would convert it.
    for _ in range(_MAX_CONVERSION_ROUNDS):
        chosen = converter.converter_for(*converter.detect(mapped.text))
        if chosen is None:
            break
        converted = convert_script(mapped, chosen)
        if converted.text == mapped.text:
            break
        mapped = repair_layout(converted)
    counts = Counter(drop.rule for drop in mapped.dropped)
    return Normalized(original, mapped, script, variant, dict(sorted(counts.items())))

"""Text -> canonical text with an offset map back to the original.

Every step is a pure function from :class:`MappedText` to :class:`MappedText`;
:func:`normalize` composes them.  A step either keeps a character (maybe
changing its form: width, script), or drops it under a named rule, so that
everything in the original is accounted for (SPEC "Normalization").
"""

from __future__ import annotations

import json
import re
import tempfile
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import opencc

from pipeline import config, headers
from pipeline.headers import HeaderHit
from pipeline.markers import match_marker, starts_with_marker

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！“”‘’《》〈〉【】〔〕…—·"


@dataclass(frozen=True, slots=True)
class Drop:
    """Original characters ``start:end`` left out of the canonical text by ``rule``."""

    rule: str
    start: int
    end: int


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
        return cls(text, array("l", range(len(text) + 1)))

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

def rewrite(mapped: MappedText, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str],
            rule: str) -> MappedText:
    """Replace every match of ``pattern`` by ``replace(match)``, keeping the offset map.

    Replacement characters map, in order, onto the matched ones; characters
    the replacement does not cover are dropped under ``rule``.
    """
    text, origin = mapped.text, mapped.origin
    pieces: list[str] = []
    new_origin = array("l")
    dropped = list(mapped.dropped)
    last = 0
    for found in pattern.finditer(text):
        start, end = found.span()
        replacement = replace(found)
        pieces.append(text[last:start])
        new_origin.extend(origin[last:start])
        kept = _map_replacement(found.group(), replacement)
        for char_index in kept:
            new_origin.append(origin[start + char_index])
        pieces.append(replacement)
        kept_set = set(kept)
        run_start = None
        for i in range(end - start + 1):
            inside = i < end - start and i not in kept_set
            if inside and run_start is None:
                run_start = i
            elif not inside and run_start is not None:
                dropped.append(Drop(rule, origin[start + run_start], origin[start + i - 1] + 1))
                run_start = None
        last = end
    if not pieces:
        return mapped
    pieces.append(text[last:])
    new_origin.extend(origin[last:])
    return MappedText("".join(pieces), new_origin, tuple(dropped))


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


def translate(mapped: MappedText, table: dict[int, str]) -> MappedText:
    """Replace characters one for one; the offset map is unchanged."""
    return MappedText(mapped.text.translate(table), mapped.origin, mapped.dropped)


# --- Layout steps -----------------------------------------------------------

_LINE_ENDINGS = re.compile(r"\r\n?|\u2028|\u2029")


def unify_line_endings(mapped: MappedText) -> MappedText:
    """CR LF, CR and Unicode line separators become LF."""
    return rewrite(mapped, _LINE_ENDINGS, lambda m: "\n", "line_endings")


def _width_table() -> dict[int, str]:
    table = {cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)}        # ０-９
    table.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
    table.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF41, 0xFF5B)})  # ａ-ｚ
    table.update({0xFF08: "(", 0xFF09: ")", 0xFF0E: ".", 0xFF05: "%", 0x3000: " ", 0x00A0: " ",
                  0x2002: " ", 0x2003: " ", 0x2009: " ", 0x200B: " ", 0xFEFF: " ", 0x09: " ",
                  0x2015: "—", 0x2500: "—"})
    return table


_WIDTH_TABLE = _width_table()
# ASCII punctuation written inside Chinese text: canonical text uses the
# full-width forms, so sentences split the same way whatever the source.
# A run of marks after Chinese text is converted whole (`中::` -> `中：：`):
# once the first is full-width the next one follows Chinese punctuation too,
# so converting one at a time would leave work for a second pass.
_ASCII_PUNCT_IN_CHINESE = re.compile(rf"(?<=[{HAN}{CJK_PUNCT})])[,;:?!]+|[,;:?!](?=[{HAN}“《])")
_FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！"})


def full_width_punctuation(mapped: MappedText) -> MappedText:
    """`,` `;` `:` `?` `!` inside Chinese text become `，` `；` `：` `？` `！`."""
    return rewrite(mapped, _ASCII_PUNCT_IN_CHINESE, lambda m: m.group().translate(_FULL_WIDTH),
                   "punctuation_width")


def unify_widths(mapped: MappedText) -> MappedText:
    """Full-width digits, letters, brackets become ASCII; Chinese-context , ; : become full-width."""
    return full_width_punctuation(translate(mapped, _WIDTH_TABLE))


_PINYIN_SYLLABLE = re.compile(
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:[aāáǎàoōóǒòeēéěèiīíǐìuūúǔùüǖǘǚǜv]{1,3}(?:ng|n|r)?)[1-5]?"
)
_PINYIN_NOISE = re.compile(rf"(?<=[{HAN}])\(([a-zāáǎàōóǒòēéěèīíǐìūúǔùüǖǘǚǜv1-5]{{1,7}})\)( ?)(?=[{HAN}]|$)",
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


_STRAY_SYMBOL_LINE = re.compile(r"^[ \t]*[|｜*＊#·•■□◆]+[ \t]*(?:\n|$)", re.MULTILINE)


def drop_stray_symbol_lines(mapped: MappedText) -> MappedText:
    """Drop lines holding only a separator glyph (`|`, `*`, `■`) left by page scraping."""
    return rewrite(mapped, _STRAY_SYMBOL_LINE, lambda m: "", "stray_symbol")


_RUN_ON_SPACE = re.compile(rf"(?<=[{HAN}{CJK_PUNCT}).,;:|]) +(?=\S)")


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


_EDGE_SPACE = re.compile(r"^[ \t\f\v]+|[ \t\f\v]+$", re.MULTILINE)


def strip_line_edges(mapped: MappedText) -> MappedText:
    """Drop indentation and trailing blanks on every line."""
    return rewrite(mapped, _EDGE_SPACE, lambda m: "", "indentation")


_NUMBER_SPACE = re.compile(rf"(?<=\d) +(?=[{HAN}〔〕%])|(?<=[{HAN}〔〕]) +(?=\d)")


def remove_number_spaces(mapped: MappedText) -> MappedText:
    """Drop spaces around numbers inside Chinese text: `2025 年 12 月 31 日` -> `2025年12月31日`."""
    return rewrite(mapped, _NUMBER_SPACE, lambda m: "", "number_space")


_SENTENCE_END = "。！？；：:;!?"
_CLOSERS = "”’》)」』】"
_HEADER_LINE = re.compile(
    rf"(?:关于.*的(?:通知|意见|实施意见|指导意见|规划|方案|决定|办法|计划|纲要|细则|措施|批复|函)"
    rf"|^[{HAN}]{{2,20}}(?:文件|人民政府|办公厅|委员会|省委|办公室)"
    r"|〔\d{4}〕|^\d{4}年\d{1,2}月\d{1,2}日|^\(?\d{4}年\d{1,2}月\d{1,2}日\)?$|来源|來源|发布时间|\d{4}-\d{2}-\d{2})"
)
_MIN_BROKEN_LINE = 25


def join_broken_lines(mapped: MappedText) -> MappedText:
    """Join a paragraph that a PDF page break split in two.

    A line is continued on the next non-blank line when it does not end a
    sentence, the next line does not open a clause, and the line is body text
    rather than a heading: it is long, or it stops inside a bracket, a quote
    or after an enumeration comma.  Length and brackets are those of the
    paragraph joined so far, so a short fragment between two page breaks
    does not end a long paragraph.  The line break and any blank lines
    between are dropped.
    """
    text = mapped.text
    lines = text.split("\n")
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    cuts: list[tuple[int, int]] = []
    paragraph = _Paragraph()
    i = 0
    while i < len(lines):
        paragraph.add(lines[i])
        j = i + 1
        while j < len(lines) and not lines[j]:
            j += 1
        if j < len(lines) and lines[i] and _continues(lines[i], lines[j], paragraph):
            cuts.append((offsets[i] + len(lines[i]), offsets[j]))
        else:
            paragraph = _Paragraph()
        i = j
    if not cuts:
        return mapped
    return _drop_spans(mapped, cuts, "broken_line")


_BRACKETS = (("《", "》"), ("“", "”"), ("(", ")"))


class _Paragraph:
    """Length and bracket balance of the lines joined so far, kept as lines are added (linear time)."""

    def __init__(self) -> None:
        self.length = 0
        self.balance = [0] * len(_BRACKETS)

    def add(self, line: str) -> None:
        self.length += len(line)
        for k, (opener, closer) in enumerate(_BRACKETS):
            self.balance[k] += line.count(opener) - line.count(closer)

    @property
    def open_bracket(self) -> bool:
        return any(n > 0 for n in self.balance)


def _continues(line: str, following: str, paragraph: _Paragraph | None = None) -> bool:
    """Whether ``line``, the last line of ``paragraph`` (by default its own), goes on in ``following``."""
    if paragraph is None:
        paragraph = _Paragraph()
        paragraph.add(line)
    if line[-1] in _SENTENCE_END or (line[-1] in _CLOSERS and len(line) > 1 and line[-2] in _SENTENCE_END):
        return False
    if starts_with_marker(following) or following.startswith("名词解释"):
        return False
    marker = match_marker(line, 0)
    if marker is not None and marker.kind == "section" and "。" not in line:
        return False  # a section heading such as 一、总体要求
    if _HEADER_LINE.search(line) or _HEADER_LINE.search(following) or following[-1] in "：:":
        return False
    return paragraph.length >= _MIN_BROKEN_LINE or paragraph.open_bracket or line[-1] in "、，,“《("


def _drop_spans(mapped: MappedText, spans: Sequence[tuple[int, int]], rule: str) -> MappedText:
    """Drop the canonical spans ``[start, end)`` (sorted, disjoint) under ``rule``."""
    text, origin = mapped.text, mapped.origin
    pieces, new_origin, dropped = [], array("l"), list(mapped.dropped)
    last = 0
    for start, end in spans:
        pieces.append(text[last:start])
        new_origin.extend(origin[last:start])
        dropped.append(Drop(rule, origin[start], origin[end - 1] + 1))
        last = end
    pieces.append(text[last:])
    new_origin.extend(origin[last:])
    return MappedText("".join(pieces), new_origin, tuple(dropped))


_BLANK_LINES = re.compile(r"\n{2,}|^\n+|\n+$")


def collapse_blank_lines(mapped: MappedText) -> MappedText:
    """One paragraph a line: blank lines between paragraphs are dropped."""
    def replace(found: re.Match[str]) -> str:
        at_edge = found.start() == 0 or found.end() == len(found.string)
        return "" if at_edge else "\n"
    return rewrite(mapped, _BLANK_LINES, replace, "blank_line")


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
    text, origin = mapped.text, mapped.origin
    pieces, new_origin, dropped = [], array("l"), list(mapped.dropped)
    last = 0
    for hit in kept:
        pieces.append(text[last:hit.start])
        new_origin.extend(origin[last:hit.start])
        dropped.append(Drop(hit.rule, origin[hit.start], origin[hit.end - 1] + 1))
        last = hit.end
    pieces.append(text[last:])
    new_origin.extend(origin[last:])
    return MappedText("".join(pieces), new_origin, tuple(dropped))


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
_MD_TABLE_EDGE = re.compile(r"^[ \t]*\|[ \t]*(?=[^\n]*\|[ \t]*$)|(?<=\S)[ \t]*\|[ \t]*$", re.MULTILINE)
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
    """OpenCC converters for the canonical script, built once and passed in."""

    def __init__(self) -> None:
        self.taiwan = load_opencc(config.OPENCC_TAIWAN_CONFIG)
        self.traditional = load_opencc(config.OPENCC_TRADITIONAL_CONFIG)
        self._t2s = opencc.OpenCC("t2s")
        self._s2t = opencc.OpenCC("s2t")
        self.taiwan_terms = _load_phrase_keys(config.OPENCC_DIR / "PolicyTWPhrases.txt")
        self.mainland_terms = tuple(sorted({self._s2t.convert(v) for v in self.taiwan_terms.values()}))
        # Both word lists as they read in Simplified script, converted once
        # here rather than for every document.
        self._taiwan_forms = tuple(self._t2s.convert(k) for k in self.taiwan_terms)
        self._mainland_forms = tuple(self._t2s.convert(t) for t in self.mainland_terms)

    @lru_cache(maxsize=None)
    def char_to_simplified(self, char: str) -> str:
        return self._t2s.convert(char)

    @lru_cache(maxsize=None)
    def char_to_traditional(self, char: str) -> str:
        return self._s2t.convert(char)

    def detect(self, text: str) -> tuple[str, str]:
        """``(script, variant)``: simplified/traditional, and mainland/taiwan vocabulary.

        Script is the side with more characters that only it uses; the
        vocabulary is Taiwan-style when Taiwan words outnumber their mainland
        counterparts.
        """
        # Count every character at C speed, then keep the Han ones: normalize
        # detects twice per document (original, then canonical text).
        han = {c: n for c, n in Counter(text).items() if _is_han(c)}
        traditional_only = sum(n for c, n in han.items() if self.char_to_simplified(c) != c)
        simplified_only = sum(n for c, n in han.items() if self.char_to_traditional(c) != c)
        script = "traditional" if traditional_only > simplified_only else "simplified"
        simplified_text = text if script == "simplified" else self._t2s.convert(text)
        taiwan_counts = [simplified_text.count(form) for form in self._taiwan_forms]
        taiwan = sum(taiwan_counts)
        mainland = sum(simplified_text.count(form) for form in self._mainland_forms)
        # Mainland words such as 数字 and 支持 are everywhere, so Taiwan words
        # need only be a quarter as frequent, but of at least two kinds.
        distinct = sum(1 for n in taiwan_counts if n)
        variant = "taiwan" if distinct >= 2 and 4 * taiwan >= mainland else "mainland"
        return script, variant

    def converter_for(self, script: str, variant: str) -> opencc.OpenCC | None:
        if variant == "taiwan":
            return self.taiwan
        if script == "traditional":
            return self.traditional
        return None


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _load_phrase_keys(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("\t", 1)
            pairs[key] = value.strip()
    return pairs


def load_opencc(config_path: Path) -> opencc.OpenCC:
    """Load an OpenCC config whose dictionary files are named without folders.

    OpenCC looks for dictionaries only next to the config and in its own
    build-time data folder, which a pip-installed OpenCC does not have; so
    each name is resolved here, to our resources or to the package's data.
    """
    spec = json.loads(Path(config_path).read_text(encoding="utf-8"))
    share_dir = Path(opencc.__file__).resolve().parent / "clib" / "share" / "opencc"

    def resolve(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                local = Path(config_path).parent / node["file"]
                node["file"] = str(local if local.exists() else share_dir / node["file"])
            for value in node.values():
                resolve(value)
        elif isinstance(node, list):
            for value in node:
                resolve(value)

    resolve(spec)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(spec, handle, ensure_ascii=False)
    try:
        return opencc.OpenCC(handle.name)
    finally:
        Path(handle.name).unlink()


_CHUNK = re.compile(rf"[^\n{CJK_PUNCT}，。]+|[\n{CJK_PUNCT}，。]+")


def convert_script(mapped: MappedText, converter: opencc.OpenCC, char_map: Callable[[str], str]) -> MappedText:
    """Convert with OpenCC, chunk by chunk, keeping the offset map.

    A phrase never spans punctuation, so each chunk between punctuation marks
    converts on its own.  Where a phrase changes length (網際網路 -> 互联网),
    the chunk is aligned with its character-by-character conversion.
    """
    pieces, new_origin = [], array("l")
    origin = mapped.origin
    dropped = list(mapped.dropped)
    for found in _CHUNK.finditer(mapped.text):
        chunk, start = found.group(), found.start()
        converted = converter.convert(chunk)
        pieces.append(converted)
        if len(converted) == len(chunk):
            new_origin.extend(origin[start:start + len(chunk)])
            continue
        plain = "".join(char_map(c)[:1] or c for c in chunk)
        sources = _align(plain, converted)
        new_origin.extend(origin[start + index] for index in sources)
        # Characters a shorter phrase absorbed (網際網路 -> 互联网) are accounted for by name.
        for index in sorted(set(range(len(chunk))) - set(sources)):
            dropped.append(Drop("vocabulary", origin[start + index], origin[start + index] + 1))
    new_origin.append(origin[len(mapped.text)])
    return MappedText("".join(pieces), new_origin, tuple(dropped))


def _align(source: str, target: str) -> list[int]:
    """For each character of ``target``, the index in ``source`` it came from."""
    result = [0] * len(target)
    matcher = SequenceMatcher(None, source, target, autojunk=False)
    for tag, s1, s2, t1, t2 in matcher.get_opcodes():
        width = t2 - t1
        for k in range(width):
            if tag == "equal":
                result[t1 + k] = s1 + k
            elif s2 > s1:
                # Inside a replaced phrase, spread the new characters over the old ones.
                result[t1 + k] = s1 + (k * (s2 - s1)) // width
            else:
                # An insertion belongs to the source character it precedes.
                result[t1 + k] = min(s1, len(source) - 1)
    return result


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
        mapped = convert_script(mapped, chosen, converter.char_to_simplified)
    mapped = repair_layout(mapped)
    # What the layout dropped (a footer's 页, pinyin noise) can tip a close
    # script or vocabulary count: the canonical text must read as canonical
    # to the same detector, or normalizing it again would convert it.
    for _ in range(_MAX_CONVERSION_ROUNDS):
        chosen = converter.converter_for(*converter.detect(mapped.text))
        if chosen is None:
            break
        converted = convert_script(mapped, chosen, converter.char_to_simplified)
        if converted.text == mapped.text:
            break
        mapped = repair_layout(converted)
    counts = Counter(drop.rule for drop in mapped.dropped)
    return Normalized(original, mapped, script, variant, dict(sorted(counts.items())))

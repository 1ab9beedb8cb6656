"""Clause markers: the one place that says what a marker looks like (numerals: ``pipeline.chinese``).

Shared by the normalizer, which must not join a line onto one that starts a
clause, and by the segmenter, which builds the tree from them.  Patterns
match canonical text: ASCII digits and parentheses, `．` and `﹒` already
turned into `.`.

Markers by rank (a smaller rank holds a larger one):

| rank | printed | kind |
|---|---|---|
| part | 第一部分 | part |
| chapter | 第三章 | chapter |
| chapter_section | 第二节 | section (of a chapter) |
| article | 第十七条 | article |
| section | 一、 | section |
| clause | (一) | clause (an item inside an article) |
| item | 1. 1、 1) | item |
| subitem | (1) ① | subitem |
| bullet | —— -- — | bullet, under whatever holds it |

Lines that open a block without a printed marker of this kind (附件, 专栏,
Markdown heading prefixes) are matched by the patterns at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.chinese import int_to_chinese, parse_chinese_integer

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

_CN_NUM = "[一二三四五六七八九十百]{1,4}"
# Article and chapter numbers run past a hundred: 第一百二十条, 第一千零十条.
_CN_LONG = "[零〇一二两三四五六七八九十百千]{1,8}"
# What may follow 第X条 / 第X章 as a marker: a space or the text itself, but not
# the rest of a cross-reference such as 第十二条规定的 or 第三条第二款.
_NOT_A_REFERENCE = r"(?![的规所中之第、，和至或及项款])"
# Order matters: a clause "(一)" must be tried before a subitem "(1)", and
# both before an item, whose "1、" would otherwise eat "1、" of a date line.
MARKER_PATTERNS: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("part", 20, re.compile(rf"第(?P<num>{_CN_LONG}|\d{{1,3}})部分{_NOT_A_REFERENCE}")),
    ("chapter", 40, re.compile(rf"第(?P<num>{_CN_LONG}|\d{{1,3}})章{_NOT_A_REFERENCE}")),
    ("chapter_section", 50, re.compile(rf"第(?P<num>{_CN_LONG}|\d{{1,3}})节{_NOT_A_REFERENCE}(?!约|能|点|日)")),
    ("article", 60, re.compile(rf"第(?P<num>{_CN_LONG}|\d{{1,4}})条{_NOT_A_REFERENCE}")),
    ("section", 70, re.compile(rf"(?P<num>{_CN_NUM})、")),
    ("clause", 80, re.compile(rf"\((?P<num>{_CN_NUM})\)")),
    ("subitem", 100, re.compile(rf"\((?P<num>\d{{1,2}})\)|(?P<circled>[{CIRCLED}])")),
    ("item", 90, re.compile(r"(?P<num>\d{1,3})(?:、|\.(?![\d.])|\)(?!\)))")),
    # A dash with text after it: `---` and a lone `--` are Markdown rules, not bullets.
    ("bullet", 110, re.compile(r"(?:——|--|—)(?=[ ]*[^\s—\-])")),
)


def _any_marker(patterns: tuple[tuple[str, int, re.Pattern[str]], ...]) -> re.Pattern[str]:
    """The patterns as one alternation, in order, each in a group named by its kind, its own groups prefixed ``kind_``."""
    def grouped(kind: str, pattern: re.Pattern[str]) -> str:
        return pattern.pattern.replace("(?P<", f"(?P<{kind}_")
    return re.compile("|".join(f"(?P<{kind}>{grouped(kind, pattern)})" for kind, _, pattern in patterns))


# One match tries every pattern, in their order, at C speed.
_ANY_MARKER = _any_marker(MARKER_PATTERNS)
# The characters a marker of MARKER_PATTERNS starts with, besides a decimal
# digit (``\\d`` is any Unicode one): 第, a Chinese numeral of a section, an
# open parenthesis, a circled number, a dash.  Most positions the segmenter
# asks about (after every full stop) hold none of them.
_MARKER_FIRST = frozenset("第一二三四五六七八九十百(" + CIRCLED + "—-")
# The same characters as a regex class, for a lookahead: ``\d`` is what ``str.isdecimal`` accepts.
MARKER_FIRST_CLASS = "[" + re.escape("".join(sorted(_MARKER_FIRST))) + r"\d]"
_KIND_INDEX = {kind: index for index, (kind, _, _) in enumerate(MARKER_PATTERNS)}
RANK_OF_KIND = {kind: rank for kind, rank, _ in MARKER_PATTERNS}
# How the marker of each numbered kind is printed: {cn} its number in Chinese, {n} in digits.
PRINTED = {"part": "第{cn}部分", "chapter": "第{cn}章", "chapter_section": "第{cn}节", "article": "第{cn}条",
           "section": "{cn}、", "clause": "({cn})", "item": "{n}.", "subitem": "({n})"}
# The levels of the SPEC's clause table, for the marker kinds it names.
LEVEL_OF_KIND = {"section": 1, "clause": 2, "item": 3, "subitem": 4}
# Markers of a regulation's frame: numbered in Chinese words after 第.
FRAME_KINDS = ("part", "chapter", "chapter_section", "article")

# 附件 / 附件1 / 附件：title / 附件一 (a line that opens an annexed document).
ATTACHMENT_LINE = re.compile(
    rf"^附件\s*(?P<num>\d{{1,2}}|{_CN_NUM})?\s*(?:[:：]\s*(?P<title>.*)|\s+(?P<bare>\S.*)|)$")
# 专栏1 title / 专栏：title / 专栏 title (a box set in the text).
BOX_LINE = re.compile(rf"^专栏\s*(?P<num>\d{{1,2}}|{_CN_NUM})?\s*[:：]?\s*(?P<title>.{{0,60}})$")
# Markdown (and crawler) decoration in front of a line: `## `, `**`, `> `.
_LINE_DECORATION = re.compile(r"(?:#{1,6}[ \t]+|\*\*|__|>[ \t]*)+")


@dataclass(frozen=True, slots=True)
class Marker:
    """A clause marker found at ``start``; ``label`` as printed."""

    kind: str
    number: int | None
    label: str
    start: int
    end: int


def printed_marker(kind: str, number: int) -> str:
    """The marker of ``kind`` numbered ``number`` as a document prints it.

    >>> [printed_marker(kind, 12) for kind in ("section", "clause", "item", "article")]
    ['十二、', '(十二)', '12.', '第十二条']
    """
    return PRINTED.get(kind, PRINTED["item"]).format(cn=int_to_chinese(number), n=number)


def match_marker(text: str, pos: int) -> Marker | None:
    """The clause marker starting exactly at ``pos``, if any: the first of :data:`MARKER_PATTERNS` to match.

    All are tried in one match; when the first to match has a number that
    does not read (第零条, 十百、), the later ones are tried one by one.
    """
    if pos >= len(text) or not (text[pos] in _MARKER_FIRST or text[pos].isdecimal()):
        return None
    found = _ANY_MARKER.match(text, pos)
    if found is None:
        return None
    kind = found.lastgroup
    marker = _marker(kind, found, f"{kind}_")
    if marker is not None:
        return marker
    for later, _, pattern in MARKER_PATTERNS[_KIND_INDEX[kind] + 1:]:
        found = pattern.match(text, pos)
        if found is not None and (marker := _marker(later, found)) is not None:
            return marker
    return None


def _marker(kind: str, found: re.Match[str], prefix: str = "") -> Marker | None:
    """The marker a match of ``kind``'s pattern (groups named ``prefix`` + name) reads as; None if its number does not read."""
    if kind == "bullet":
        return Marker(kind, None, found.group(), found.start(), found.end())
    circled = found.group(prefix + "circled") if kind == "subitem" else None
    numeral = found.group(prefix + "num")
    if circled:
        number = CIRCLED.index(circled) + 1
    elif numeral.isdigit():
        number = int(numeral)
    else:
        try:
            number = parse_chinese_integer(numeral)
        except ValueError:
            return None
    if number == 0:
        return None
    return Marker(kind, number, found.group(), found.start(), found.end())


def decoration_end(line: str) -> int:
    """Where a line's text starts after Markdown decoration (`## `, `**`), 0 when it has none."""
    found = _LINE_DECORATION.match(line)
    return found.end() if found else 0


def starts_with_marker(line: str) -> bool:
    """Whether a line opens a clause (any marker above, after indentation or Markdown decoration)."""
    line = line.lstrip()
    return match_marker(line, decoration_end(line)) is not None

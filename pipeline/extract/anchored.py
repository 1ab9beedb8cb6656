"""Regular expressions tried only where a match can start.

Python's ``re`` skips ahead on its own when a pattern opens with a literal or
a character class (``第(?P<n>…)个五年``), but a pattern that opens with a
lookbehind or an optional prefix (``(?<![\\d.])\\d{4}年``, ``(?:达到|超过)?\\d+``)
is tried at every character of the text. The date and figure grammars are
written that way, and trying fifteen of them at every character of every
clause was most of what the matchers cost.

An :class:`AnchoredPattern` is told a character every match holds (the 年 of a
year, the first character of a numeral) and how many characters a match can
have before it (its *lead*: 4 for ``\\d{4}年``). It finds those characters with
one scan of a character class, which ``re`` runs at C speed, and tries the
pattern only at the ``lead + 1`` starts before each. As long as the anchor
and the lead hold for every match the pattern can make, it gives exactly what
``re.Pattern.finditer`` gives (``tests/extract/test_anchored.py`` checks each
grammar's patterns against ``finditer`` on the seeds and the corpus).

A pattern with a long lead may also be told the characters a match can open
with (its *opens*: the first character of a comparator or of a numeral for a
figure). Of the starts before an anchor only those are then tried: most
numerals of a text (进一步, 统一) have no comparator before them. On the
benchmark documents this cut the figure pattern from 0.42 to 0.27 ms of CPU a
document; the date patterns, whose leads are short, cost their call and not
their tries, and gain nothing from it.

An alternation read from a table (``resources/not_numbers.csv``) is another
case: ``re`` skips ahead only when every alternative opens with a literal, so
eleven alternatives opening with ``\\d`` or a class were all tried at every
character. :func:`opening_guarded` puts a lookahead for the characters the
matches can open with in front of such a pattern (``normalize.guarded``), the
characters worked out from the pattern itself (:func:`opening_class`), so
that each character costs one class test. On the benchmark documents the
not-numbers scan fell from 0.59 to 0.11 ms of CPU a document.

A clause holding none of the characters that any pattern of a grammar holds
(:func:`held_class`) is not read at all: a third of the benchmark clauses
hold no numeral, no 年 or 月, no range dash.
"""

from __future__ import annotations

import re
from re import _constants as sre, _parser  # the parse tree of a pattern, for opening_class
from typing import Iterator

from pipeline.normalize import guarded


class AnchoredPattern:
    """A compiled pattern that every match of holds one of ``anchors`` within ``lead`` characters of its start.

    Args:
        pattern: the regular expression; it must not match the empty string.
        anchors: the body of a character class (``"年"``, ``r"\\d一二三"``): every
            match contains one of these characters ...
        lead: ... at most this many characters after the match's start.
        opens: the body of a character class every match starts with (lookbehinds
            see the text before the start, so they do not count); None: any.

    Example:
        >>> year = AnchoredPattern(r"(?<![\\d.])(?P<y>\\d{4})年", anchors="年", lead=4, opens=r"\\d")
        >>> [m.group() for m in year.finditer("到2025年，12025年不是年份，2030年")]
        ['2025年', '2030年']
    """

    __slots__ = ("pattern", "anchors", "lead", "opens")

    def __init__(self, pattern: str, *, anchors: str, lead: int, opens: str | None = None) -> None:
        self.pattern = re.compile(pattern)
        self.anchors = re.compile(f"[{anchors}]")
        self.lead = lead
        self.opens = re.compile(f"[{opens}]") if opens is not None else None

    def finditer(self, text: str) -> Iterator[re.Match]:
        """The matches ``self.pattern.finditer(text)`` gives, left to right, not overlapping."""
        first = self.anchors.search(text)
        # Most clauses hold none of a pattern's anchors (no 年, no 月): they cost one scan, not a generator.
        return iter(()) if first is None else self._matches(text, first.start())

    def _matches(self, text: str, first: int) -> Iterator[re.Match]:
        """``finditer``'s matches, the first anchor being at ``first``."""
        match_at = self.pattern.match
        next_open = self.opens.search if self.opens is not None else None
        start = 0  # the first start not tried yet, or the end of the last match
        for anchor in self.anchors.finditer(text, first):
            last = anchor.start()
            start = max(start, last - self.lead)
            while start <= last:
                if next_open is not None:
                    opening = next_open(text, start, last + 1)  # the next start a match can have
                    if opening is None:
                        start = last + 1
                        break
                    start = opening.start()
                match = match_at(text, start)  # lookbehinds still see the text before ``start``
                if match is None:
                    start += 1
                else:
                    yield match
                    start = max(match.end(), start + 1)

    def search(self, text: str) -> re.Match | None:
        """The first match in ``text``, as ``self.pattern.search(text)``."""
        return next(self.finditer(text), None)


def ends_with(pattern: re.Pattern, text: str, end: int) -> bool:
    """``pattern.search(text[:end])`` for a ``$``-anchored pattern one character wide
    (``[，。；]$``, ``(?:^|[，。])$``), without copying and scanning ``text[:end]``: the last
    character decides, or the one before a final newline, where ``$`` matches too.

    >>> pattern = re.compile(r"(?:^|[，。])$")
    >>> [ends_with(pattern, "到2025年，", end) for end in (0, 3, 7)]
    [True, False, True]
    """
    return pattern.search(text, max(0, end - 2), end) is not None


def held_class(patterns) -> re.Pattern:
    """One character class that every match of every pattern of ``patterns`` holds a character of.

    A text with none of these characters matches none of the patterns: one scan
    tells, instead of one try of each pattern. An :class:`AnchoredPattern` holds
    one of its anchors, a plain pattern one of its :func:`opening_class`.

    Raises:
        ValueError: a plain pattern whose opening characters cannot be told.

    >>> held_class([AnchoredPattern(r"\\d{4}年", anchors="年", lead=4), re.compile(r"翻一?番")]).pattern
    '[年翻]'
    """
    bodies = []
    for pattern in patterns:
        # An anchored pattern's anchors were compiled as a class of their own: its characters, escaped.
        held = opening_class(pattern.anchors.pattern if isinstance(pattern, AnchoredPattern) else pattern.pattern)
        if held is None:
            raise ValueError(f"no character every match of {pattern.pattern!r} opens with")
        bodies.append(held)
    return re.compile(f"[{''.join(bodies)}]")


def opening_guarded(pattern: str) -> re.Pattern:
    """:func:`pipeline.normalize.guarded` with the characters every match opens with worked out from the
    pattern (:func:`opening_class`), for a pattern that ``re`` would try at every character.

    The same matches, for any ``search``, ``match`` or ``finditer``: the
    lookahead is true wherever a match can start. A pattern that ``re`` skips
    ahead for by itself (it opens with a literal, a class, alternatives that
    all open with a literal, or ``^``) is compiled as it is, and so is one
    whose opening characters cannot be told.

    >>> opening_guarded(r"\\d+个月|第\\d+次").pattern
    '(?=[\\\\d第])(?:\\\\d+个月|第\\\\d+次)'
    >>> opening_guarded(r"截至|以来").pattern
    '截至|以来'
    """
    opens = opening_class(pattern)
    if opens is None or _skipped_ahead_by_re(_parser.parse(pattern).data):
        return re.compile(pattern)
    return guarded(opens, pattern)


def _skipped_ahead_by_re(items) -> bool:
    """Whether ``re``'s compiler gives the pattern a literal prefix or a first-character set of its own
    (what ``re._compiler._compile_info`` looks for), or the pattern opens with ``^`` (it is matched, not searched)."""
    while items and items[0][0] is sre.SUBPATTERN:
        items = items[0][1][3].data
    if not items:
        return False
    op, value = items[0]
    if op in (sre.LITERAL, sre.IN) or (op is sre.AT and value in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING)):
        return True
    return op is sre.BRANCH and all(branch.data and branch.data[0][0] is sre.LITERAL for branch in value[1])


def opening_class(pattern: str) -> str | None:
    """The body of a character class that holds the first character of every match of ``pattern``.

    None when it cannot be told: the pattern can match the empty string, can open
    with any character or with one outside a class (``.``, ``[^…]``), ignores case,
    is verbose, or uses what this reading does not know (a backreference).
    Lookarounds and anchors are zero-width: they are passed over, which can only
    make the class larger than it needs to be, never too small.

    >>> opening_class(r"(?<![\\d.])(?:达到|超过)?\\d+[%％]")
    '\\\\d超达'
    """
    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    opens, empty = _openings(parsed.data)
    return None if opens is None or empty else "".join(sorted(set(opens)))


_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_WORD: r"\w"}


def _openings(items) -> tuple[list[str] | None, bool]:
    """(class items a match of the sequence ``items`` can open with, or None for unknown; whether it can be empty)."""
    opens: list[str] = []
    for op, value in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            first, empty = [re.escape(chr(value))], False
        elif op is sre.IN:
            first, empty = _class_items(value), False
        elif op is sre.BRANCH:
            branches = [_openings(branch.data) for branch in value[1]]
            first = None if any(b is None for b, _ in branches) else [item for b, _ in branches for item in b]
            empty = any(e for _, e in branches)
        elif op is sre.SUBPATTERN:
            _, added_flags, _, group = value
            if added_flags & re.IGNORECASE:  # (?i:…): a letter may open in either case
                return None, True
            first, empty = _openings(group.data)
        elif op is sre.ATOMIC_GROUP:
            first, empty = _openings(value.data)
        elif op in _REPEATS:
            low, _, item = value
            first, empty = _openings(item.data)
            empty = empty or low == 0
        else:
            return None, True
        if first is None:
            return None, True
        opens += first
        if not empty:
            return opens, False
    return opens, True


def _class_items(items) -> list[str] | None:
    """A parsed character class as class items (``a``, ``0-9``, ``\\d``); None for a negated one or a rare category."""
    out = []
    for op, value in items:
        if op is sre.LITERAL:
            out.append(re.escape(chr(value)))
        elif op is sre.RANGE:
            out.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif op is sre.CATEGORY and value in _CATEGORIES:
            out.append(_CATEGORIES[value])
        else:
            return None
    return out

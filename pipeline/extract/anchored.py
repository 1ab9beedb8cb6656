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
"""

from __future__ import annotations

import re
from typing import Iterator


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

"""Canonical text -> the tree of numbered clauses.

Levels come from the markers (SPEC "Clause tree"): 一、 section, (一) clause,
1. item, (1)/① subitem, —— bullet under whatever holds it.  Text before the
first section is the preamble; signature, date and distribution lines after
the body are the closing; a 名词解释 block is a glossary with its entries.

A ``clause_id`` is unique within a document.  When the path a marker gives is
already taken (a repeated (三), an item 1. and a clause (一) both directly
under 一、, a second 名词解释 block), the later clause gets ``~n`` for the
n-th use of that path: ``1.3``, ``1.3~2``; its children build on it
(``1.3~2.1``).  The label and number stay as printed, and the repeat is
recorded in the warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.markers import LEVEL_OF_KIND, Marker, int_to_chinese, match_marker

PREAMBLE_ID, GLOSSARY_ID, CLOSING_ID = "0", "glossary", "closing"
# Recorded with a document whose text has no clause marker at all.
NO_MARKERS_WARNING = "no clause markers: the whole text is kept as one preamble clause"

_SENTENCE_END = "。；！？"
_GLOSSARY_HEAD = re.compile(r"^(?:名词解释|名词术语解释|术语解释)[:：]?$")
_CLOSING_LINE = re.compile(
    r"^(?:抄送|主送|信息公开选项|公开方式|附件|\(此件|\(本文|\(联系人|联系人|印发|\(信息公开)"
    r"|^\d{4}年\d{1,2}月\d{1,2}日(?:印发)?$"
    r"|^[\u4e00-\u9fff()]{2,40}(?:人民政府|办公厅|办公室|委员会|省委|政府|厅|局)(?: [\u4e00-\u9fff()]{2,40})*$"
)
# A clause's first sentence is its heading when it reads as a title: the
# whole line, or a short phrase with no comma before the first 。.
_MAX_LINE_HEADING = 60
_MAX_INLINE_HEADING = 25


@dataclass
class Clause:
    """One node of the clause tree, with its own text as spans of the canonical text."""

    clause_id: str
    parent_id: str | None
    level: int
    kind: str
    label: str
    number: int | None
    start: int
    spans: list[tuple[int, int]] = field(default_factory=list)
    end: int = 0
    heading: str = ""
    seq: int = 0
    children: list["Clause"] = field(default_factory=list, repr=False)

    def own_text(self, canonical: str) -> str:
        return "\n".join(canonical[s:e] for s, e in self.spans if e > s)


@dataclass(frozen=True)
class ClauseTree:
    """The clauses of one document in reading order, and numbering warnings."""

    clauses: tuple[Clause, ...]
    warnings: tuple[str, ...]

    @property
    def has_markers(self) -> bool:
        return any(c.kind in LEVEL_OF_KIND for c in self.clauses)


def segment(canonical: str) -> ClauseTree:
    """Build the clause tree of a canonical text.

    >>> [c.clause_id for c in segment("前言。\\n一、总体要求\\n(一)指导思想。内容。").clauses]
    ['0', '1', '1.1']
    """
    return _Segmenter(canonical).run()


class _Segmenter:
    def __init__(self, canonical: str) -> None:
        self.text = canonical
        self.clauses: list[Clause] = []
        self.warnings: list[str] = []
        self.stack: list[Clause] = []
        self.last_number: dict[str, int] = {}          # by kind, across the document
        self.mode = "body"                              # body | glossary | closing
        self.bullet_counts: dict[str, int] = {}
        self.id_uses: dict[str, int] = {}               # path -> how many clauses claimed it
        self.glossary: Clause | None = None

    # -- driving ----------------------------------------------------------
    def run(self) -> ClauseTree:
        preamble = self._open(Clause(PREAMBLE_ID, None, 0, "preamble", "", None, 0))
        self.stack = [preamble]
        pos = 0
        for line in self.text.split("\n"):
            self._line(pos, line)
            pos += len(line) + 1
        for clause in self.clauses:
            # A marker with no text after it (the last line, or a line of
            # markers only) still spans its label.
            clause.end = max([clause.start + len(clause.label)] + [e for _, e in clause.spans])
        for clause in reversed(self.clauses):
            if clause.kind == "preamble":
                continue  # top-level sections hang off the preamble's slot, not inside it
            for child in clause.children:
                clause.end = max(clause.end, child.end)
        for clause in self.clauses:
            clause.heading = _heading(clause, self.text)
        kept = [c for c in self.clauses if c.kind != "preamble" or c.spans or len(self.clauses) == 1]
        for seq, clause in enumerate(kept):
            clause.seq = seq
        return ClauseTree(tuple(kept), tuple(self.warnings))

    def _line(self, start: int, line: str) -> None:
        if not line:
            return
        if self.mode != "closing" and self._has_body() and _GLOSSARY_HEAD.match(line):
            self.mode = "glossary"
            clause_id = self._unique_id(GLOSSARY_ID, f"glossary {line}", repeat_reported=False)
            self.glossary = self._open(Clause(clause_id, None, 1, "glossary", line, None, start))
            self.stack = [self.glossary]
            return
        if self._has_body() and _CLOSING_LINE.match(line) and match_marker(line, 0) is None:
            if self.mode != "closing":
                self.mode = "closing"
                closing = self._open(Clause(CLOSING_ID, None, 1, "closing", "", None, start))
                self.stack = [closing]
            self._add_text(start, start + len(line), line_start=True)
            return
        if self.mode == "closing":
            self._add_text(start, start + len(line), line_start=True)
            return
        if self.mode == "glossary":
            marker = match_marker(line, 0)
            if marker is not None and marker.kind == "item":
                self._open_glossary_entry(marker, start)
                self._add_text(start + marker.end, start + len(line), line_start=False)
            else:
                self._add_text(start, start + len(line), line_start=True)
            return
        cursor, line_start = start, True
        for marker in self._markers_in(line, start):
            if marker.start > cursor:
                self._add_text(cursor, marker.start, line_start)
            self._open_marker(marker)
            cursor, line_start = _skip_spaces(self.text, marker.end), False
        if cursor < start + len(line) or line_start:
            self._add_text(cursor, start + len(line), line_start)

    def _has_body(self) -> bool:
        return any(c.kind == "section" for c in self.clauses)

    # -- markers ----------------------------------------------------------
    def _markers_in(self, line: str, offset: int) -> Iterator[Marker]:
        """Markers at the start of the line or after sentence-ending punctuation."""
        positions = [0] + [m.end() for m in re.finditer(rf"[{_SENTENCE_END}]\s*", line)]
        for position in positions:
            if position >= len(line):
                continue
            found = match_marker(line, position)
            if found is None:
                continue
            marker = Marker(found.kind, found.number, found.label, found.start + offset, found.end + offset)
            if position == 0 or self._expected(marker):
                yield marker

    def _expected(self, marker: Marker) -> bool:
        """Whether a marker in mid-line continues the numbering exactly (else it is text)."""
        if marker.kind == "bullet":
            return False
        previous = self._previous_sibling_number(marker.kind)
        if previous is not None:
            return marker.number == previous + 1
        return marker.number in (1, self.last_number.get(marker.kind, 0) + 1)

    def _previous_sibling_number(self, kind: str) -> int | None:
        parent = self._parent_for(LEVEL_OF_KIND[kind])
        numbers = [c.number for c in parent.children if c.kind == kind]
        return numbers[-1] if numbers else None

    def _parent_for(self, level: int) -> Clause:
        for clause in reversed(self.stack):
            if clause.level < level and clause.kind not in ("bullet",):
                return clause
        return self.stack[0]

    def _open_marker(self, marker: Marker) -> None:
        if marker.kind == "bullet":
            parent = self._parent_for(99)
            count = self.bullet_counts.get(parent.clause_id, 0) + 1
            self.bullet_counts[parent.clause_id] = count
            # Bullets before the first section are top-level rows like
            # everything else there: the preamble is not their parent (it
            # does not span them, and is left out when it holds no text).
            clause = Clause(f"{parent.clause_id}.b{count}" if parent.level else f"b{count}",
                            parent.clause_id if parent.level else None, parent.level + 1, "bullet",
                            marker.label, count, marker.start)
            self.stack = self._stack_to(parent) + [clause]
            self._attach(parent, clause)
            return
        level = LEVEL_OF_KIND[marker.kind]
        parent = self._parent_for(level)
        repeat_reported = self._check_numbering(marker, parent)
        path = f"{parent.clause_id}.{marker.number}" if parent.level > 0 else str(marker.number)
        clause_id = self._unique_id(path, f"{marker.kind} {marker.label} {_where(parent)}", repeat_reported)
        clause = Clause(clause_id, parent.clause_id if parent.level > 0 else None, level, marker.kind,
                        marker.label, marker.number, marker.start)
        self.last_number[marker.kind] = marker.number
        self.stack = self._stack_to(parent) + [clause]
        self._attach(parent, clause)

    def _open_glossary_entry(self, marker: Marker, start: int) -> None:
        glossary = self.glossary
        assert glossary is not None  # glossary mode starts by opening it
        path = f"{glossary.clause_id}.{marker.number}"
        clause = Clause(self._unique_id(path, f"glossary entry {marker.label}", repeat_reported=False),
                        glossary.clause_id, 2, "glossary", marker.label, marker.number, start)
        self.stack = [glossary, clause]
        self._attach(glossary, clause)

    def _check_numbering(self, marker: Marker, parent: Clause) -> bool:
        """Record a warning when the marker does not continue the numbering.

        Returns:
            Whether the warning says the marker repeats its previous sibling's number.
        """
        previous = self._previous_sibling_number(marker.kind)
        continued = self.last_number.get(marker.kind, 0)
        if previous is not None:
            expected = {previous + 1}
        else:
            expected = {1, continued + 1}
        if marker.number in expected:
            return False
        before = previous if previous is not None else continued
        repeat = previous is not None and marker.number == previous
        if repeat:
            problem = f"repeats after {_shown(marker.kind, before)}"
        elif previous is not None and marker.number < previous:
            problem = f"is out of order after {_shown(marker.kind, before)}"
        else:
            problem = f"follows {_shown(marker.kind, before)}, skipping {_shown(marker.kind, before + 1)}"
        self.warnings.append(
            f"numbering: {marker.kind} {_shown(marker.kind, marker.number)} {_where(parent)} {problem}")
        return repeat

    def _unique_id(self, path: str, what: str, repeat_reported: bool) -> str:
        """``path``, or ``path~n`` when ``n - 1`` clauses of the document already took it.

        Unless the numbering check already reported the marker as a repeat of
        its previous sibling, the reuse is recorded here: an item 1. and a
        clause (一) both directly under 一、, or (三) back after (一)(三)(二).
        """
        uses = self.id_uses.get(path, 0) + 1
        self.id_uses[path] = uses
        if uses == 1:
            return path
        clause_id = f"{path}~{uses}"
        while clause_id in self.id_uses:  # never a marker's path, but ids must be unique whatever comes
            uses += 1
            clause_id = f"{path}~{uses}"
        self.id_uses[clause_id] = 1
        if not repeat_reported:
            self.warnings.append(f"clause_id: {what} reuses the id {path}, kept as {clause_id}")
        return clause_id

    def _stack_to(self, parent: Clause) -> list[Clause]:
        index = next(i for i, c in enumerate(self.stack) if c is parent)
        return self.stack[: index + 1]

    # -- tree building ------------------------------------------------------
    def _open(self, clause: Clause) -> Clause:
        self.clauses.append(clause)
        return clause

    def _attach(self, parent: Clause, clause: Clause) -> None:
        parent.children.append(clause)
        self.clauses.append(clause)

    def _add_text(self, start: int, end: int, line_start: bool) -> None:
        current = self.stack[-1]
        # A bullet is one paragraph: the next unmarked paragraph belongs to
        # what holds the bullet.
        if line_start and current.kind == "bullet" and current.spans:
            self.stack.pop()
            current = self.stack[-1]
        if end <= start and current.spans:
            return
        if current.spans and current.spans[-1][1] + 1 == start and line_start:
            current.spans[-1] = (current.spans[-1][0], end)  # same clause, next line: one span
        else:
            current.spans.append((start, end))


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def _where(parent: Clause) -> str:
    return f"under {parent.label or parent.clause_id}" if parent.level else "at top level"


def _shown(kind: str, number: int | None) -> str:
    if number is None:
        return "nothing"
    if kind == "section":
        return f"{int_to_chinese(number)}、"
    if kind == "clause":
        return f"({int_to_chinese(number)})"
    if kind == "subitem":
        return f"({number})"
    return f"{number}."


def _heading(clause: Clause, canonical: str) -> str:
    if clause.kind in ("preamble", "closing") or not clause.spans:
        return ""
    if clause.clause_id == GLOSSARY_ID:
        return canonical[clause.start:clause.start + len(clause.label)].rstrip("：:")
    first_start, first_end = clause.spans[0]
    line_end = canonical.find("\n", first_start)
    line = canonical[first_start: first_end if line_end == -1 else min(line_end, first_end)]
    if clause.kind == "glossary":
        head, colon, _ = line.partition("：")
        return head.strip() if colon and len(head) <= _MAX_LINE_HEADING else ""
    if clause.kind == "section" and "。" not in line:
        return line.strip().rstrip("：:")
    head, stop, rest = line.partition("。")
    if not stop:
        return ""
    if not rest.strip() and len(head) <= _MAX_LINE_HEADING:
        return head.strip()
    if len(head) <= _MAX_INLINE_HEADING and not re.search("[，；：,;]", head):
        return head.strip()
    return ""

"""Canonical text -> the tree of numbered clauses.

Levels come from the markers (SPEC "Clause tree", ``pipeline.markers``):
一、 section, (一) clause, 1. item, (1)/① subitem, —— bullet under whatever
holds it; a regulation's 第X部分 part, 第X章 chapter, 第X节 section and 第X条
article, with its 款 paragraphs and (一) items.  Blocks without a printed
number of that kind are opened by their lines: an 附件 after the body is an
attachment with its own tree, a 专栏 is a box, a title line that heads a block
of numbered clauses is a heading-only section (``h1``), and a second document
bundled in the file is a part (``p2``).  Text before the first clause is the
preamble; signature, date and distribution lines after the body are the
closing; a 名词解释 block is a glossary with its entries.  The ids of every
kind are written down in ``docs/clause-ids.md``.

A ``clause_id`` is unique within a document.  When the path a marker gives is
already taken (a repeated (三), an item 1. and a clause (一) both directly
under 一、, a second 名词解释 block), the later clause gets ``~n`` for the
n-th use of that path: ``1.3``, ``1.3~2``; its children build on it
(``1.3~2.1``).  The label and number stay as printed, and the repeat is
recorded in the warnings.

The segmenter reads each line once, after one linear planning pass that
finds the lines opening attachments, parts and heading-only sections.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TypeVar

from pipeline.chinese import CLAUSE_END, HAN, parse_chinese_integer
from pipeline.markers import (ATTACHMENT_LINE, BOX_LINE, LEVEL_OF_KIND, MARKER_FIRST_CLASS, RANK_OF_KIND, Marker,
                              decoration_end, match_marker, printed_marker)

PREAMBLE_ID, GLOSSARY_ID, CLOSING_ID = "0", "glossary", "closing"
# Recorded with a document whose text has no clause marker at all.
NO_MARKERS_WARNING = "no clause markers: the whole text is kept as one preamble clause"
# The share of a document's text left in its preamble and closing above
# which the document is flagged: the seeds keep 2-5% there (title, issuer,
# addressees, signature), a document whose structure was missed most of it.
# A few short lines are never worth a warning, whatever their share.
OUTSIDE_WARNING_SHARE = 0.25
OUTSIDE_WARNING_MIN_CHARS = 500

_GLOSSARY_HEAD = re.compile(r"^(?:名词解释|名词术语解释|术语解释)[:：]?$")
_ISSUER_LINE = re.compile(
    rf"^[{HAN}()]{{2,40}}(?:人民政府|办公厅|办公室|委员会|省委|政府|厅|局)(?: [{HAN}()]{{2,40}})*$")
_DATE_LINE = re.compile(r"^\(?\d{4}年\d{1,2}月\d{1,2}日(?:印发)?\)?$")
# An unnumbered last line about the document itself: 本措施自2025年6月1日起施行，有效期至….
_VALIDITY_LINE = rf"^本[{HAN}]{{1,6}}自\d{{4}}年[^。]{{0,40}}(?:施行|实施|执行)"
_CLOSING_LINE = re.compile(
    r"^(?:抄送|主送|信息公开选项|公开方式|附件|\(此件|\(本文|\(联系人|联系人|印发|\(信息公开)|" + _VALIDITY_LINE + "|"
    r"^\d{4}年\d{1,2}月\d{1,2}日(?:印发)?$|" + _ISSUER_LINE.pattern[1:]
)
# A title line: short, no sentence punctuation.  A document's title ends in
# its genre; a block heading (2023年工作回顾) does not.
_TITLE_PUNCTUATION = re.compile(r"[。；！？，：:、;,!?]")
_DOCUMENT_TITLE = re.compile(
    r"(?:意见|方案|计划|规划|办法|条例|规定|细则|措施|政策|通知|决定|纲要|报告|要点|指南|清单|公告|通告|章程|标准)"
    r"(?:\([^()]{1,20}\))?[*#》”]*$|^《")
_MAX_TITLE = 60
# A document number on a line of its own: 沪府办规〔2025〕5号, 国发〔2015〕24号.
_DOC_NUMBER = re.compile(rf"^[{HAN}]{{1,12}}〔\d{{4}}〕\d{{1,4}}号$")
_MAX_HEADING_LINE = 30
# Lines an attachment listing in the closing is followed by within this many
# lines (the signature's date); an attachment's own text is not.
_LISTING_LOOKAHEAD = 6
# A clause's first sentence is its heading when it reads as a title: the
# whole line, or a short phrase with no comma before the first 。.
_MAX_LINE_HEADING = 60
_MAX_INLINE_HEADING = 25
_MAX_COLON_HEADING = 15
_MAX_LEAD_HEADING = 45
_MAX_PART_HEAD_LINES = 12
# Ranks of the blocks opened by a line rather than a marker (pipeline.markers ranks the rest).
_RANK = dict(RANK_OF_KIND, preamble=0, attachment=10, closing=10, glossary=10, heading=30, paragraph=65)
_CONTAINERS = ("part", "attachment", "heading")
# A line this long holds many paragraphs run together (see _markers_in).
_RUN_TOGETHER_LINE = 2000
_MAX_RUN_IN_TITLE = 40
_AFTER_CLAUSE_END = re.compile(rf"[{CLAUSE_END}]\s*")
# The same, only where a marker can start after it (most sentences go on in text).
_MARKER_AFTER_CLAUSE_END = re.compile(rf"[{CLAUSE_END}]\s*(?={MARKER_FIRST_CLASS})")
_AFTER_COLON = re.compile(r"[：:)]\s*")
_CLAUSE_OPENING = re.compile(r"\((?=[一二三四五六七八九十]{1,3}\))")
# Spaces between Han characters; the space consumed first, its context checked
# after it, so that re finds candidates at C speed (see pipeline.normalize).
_HAN_SPACE = re.compile(rf" (?<=[{HAN}] ) *(?=[{HAN}])")
# What a heading cannot hold: a clause end; inside a short head phrase, a comma
# or semicolon; inside a lead phrase, a semicolon or colon.
_CLAUSE_END_MARK = re.compile(f"[{CLAUSE_END}]")
_HEAD_BREAK = re.compile("[，；：,;]")
_LEAD_BREAK = re.compile("[；：;:]")


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
    # How the segmenter placed it: rank of its marker, the block kind it opens
    # (heading-only sections are kind section, block heading), whether its
    # level is the SPEC's fixed one, its article when inside one.
    rank: int = field(default=0, repr=False)
    block: str = field(default="", repr=False)
    fixed_level: bool = field(default=False, repr=False)
    article: "Clause | None" = field(default=None, repr=False)
    paragraphs: int = field(default=1, repr=False)

    def own_text(self, canonical: str) -> str:
        return "\n".join(canonical[s:e] for s, e in self.spans if e > s)

    @property
    def has_text(self) -> bool:
        return any(e > s for s, e in self.spans)


@dataclass(frozen=True)
class ClauseTree:
    """The clauses of one document in reading order, and numbering warnings."""

    clauses: tuple[Clause, ...]
    warnings: tuple[str, ...]
    outside_share: float = 0.0

    @property
    def has_markers(self) -> bool:
        return any(c.kind not in ("preamble", "closing", "glossary") for c in self.clauses)


def segment(canonical: str) -> ClauseTree:
    """Build the clause tree of a canonical text.

    >>> [c.clause_id for c in segment("前言。\\n一、总体要求\\n(一)指导思想。内容。").clauses]
    ['0', '1', '1.1']
    >>> [c.clause_id for c in segment("第一章 总则\\n第一条 为了规范管理，制定本办法。\\n(一)甲；").clauses]
    ['c1', 'a1', 'a1.1']
    """
    return _Segmenter(canonical).run()


Node = TypeVar("Node")


def ancestors(node: Node, by_id: Mapping[str, Node],
              parent_of: Callable[[Node], str | None] = attrgetter("parent_id")) -> Iterator[Node]:
    """The clauses above ``node``, nearest first; ``by_id`` holds them by clause id.

    Clauses or ``clauses`` table rows alike: for rows pass ``parent_of=itemgetter("parent_id")``.
    """
    parent_id = parent_of(node)
    while parent_id is not None and parent_id in by_id:
        node = by_id[parent_id]
        yield node
        parent_id = parent_of(node)


def outside_share(canonical: str, clauses: tuple[Clause, ...] | list[Clause]) -> float:
    """The share of a document's clause text that sits in its preamble and closing."""
    total = outside = 0
    for clause in clauses:
        size = sum(e - s for s, e in clause.spans if e > s)
        total += size
        if clause.kind in ("preamble", "closing"):
            outside += size
    return outside / total if total else 0.0


def structure_summary(warnings: list[str] | tuple[str, ...]) -> str:
    """One line for a researcher: the share outside numbered clauses and how many numbering warnings.

    >>> structure_summary(["numbering: clause (三) under 一、 follows (一), skipping (二)",
    ...                    "structure: 31% of the text is outside numbered clauses (in the preamble or closing)"])
    '31% of the text is outside numbered clauses (in the preamble or closing); 1 numbering warning'
    """
    parts = [w.removeprefix("structure: ") for w in warnings if w.startswith("structure: ")]
    numbering = sum(1 for w in warnings if w.startswith(("numbering: ", "clause_id: ")))
    if numbering:
        parts.append(f"{numbering} numbering warning{'s' if numbering > 1 else ''}")
    return "; ".join(parts)


def _is_title(line: str) -> bool:
    return 0 < len(line) <= _MAX_TITLE and not _TITLE_PUNCTUATION.search(line) \
        and not _DATE_LINE.match(line) and not _ISSUER_LINE.match(line)


class _Plan:
    """Lines that open a block without a marker of their own, found in one pass over the lines.

    ``opens`` maps a line index to ``attachment``, ``part`` or ``heading``.
    ``decorations`` and ``markers`` give each line's Markdown decoration end
    (:func:`~pipeline.markers.decoration_end`) and the marker right after it
    (offsets in the line), read once here for the segmenter as well.
    """

    def __init__(self, lines: list[str]) -> None:
        self.opens: dict[int, str] = {}
        self.top = "section"
        self.decorations = [decoration_end(line) for line in lines]
        self.markers = [match_marker(line, decoration) for line, decoration in zip(lines, self.decorations)]
        starts = [(index, marker) for index, marker in enumerate(self.markers)
                  if marker is not None and marker.kind != "bullet"]
        bodies = [line[decoration:] for line, decoration in zip(lines, self.decorations)]
        if not starts:
            return
        present = {marker.kind for _, marker in starts}
        top = self.top = min(present, key=lambda kind: RANK_OF_KIND[kind])
        first_top = next(index for index, marker in starts if marker.kind == top)
        attachment_at = self._attachments(lines, bodies, first_top)
        end = min(attachment_at, default=len(lines))
        self._headings(bodies, starts, top, end)
        if "part" not in present:
            self._parts(bodies, starts, first_top, end)

    def _attachments(self, lines: list[str], bodies: list[str], first_top: int) -> list[int]:
        """附件 lines after the body that open an annexed text (not a listing above the signature)."""
        found = []
        for index in range(first_top + 1, len(lines)):
            if not bodies[index].startswith("附件") or not ATTACHMENT_LINE.match(bodies[index]):
                continue
            following = bodies[index + 1: index + 1 + _LISTING_LOOKAHEAD]
            if any(_DATE_LINE.match(line) for line in following):
                continue
            self.opens[index] = "attachment"
            found.append(index)
        return found

    def _headings(self, bodies: list[str], starts: list[tuple[int, Marker]], top: str, end: int) -> None:
        """Title lines each followed by a block of top-level clauses numbered from 1; only when two or more."""
        candidates: list[int] = []
        cursor = 0
        for index, marker in starts:
            if index >= end:
                break
            if marker.kind == top and marker.number == 1:
                # The nearest title line before the marker heads the block; a
                # signature, a date or a document's title or number in between
                # means the block starts a document, not a heading-only section.
                for line_index in range(index - 1, cursor - 1, -1):
                    body = bodies[line_index]
                    if not body:
                        continue
                    if _DATE_LINE.match(body) or _ISSUER_LINE.match(body) or _DOC_NUMBER.search(body) \
                            or _DOCUMENT_TITLE.search(body):
                        break
                    if len(body) <= _MAX_HEADING_LINE and _is_title(body) and not _GLOSSARY_HEAD.match(body) \
                            and not body.startswith(("附件", "专栏")):
                        candidates.append(line_index)
                        break
            cursor = index + 1
        if len(candidates) >= 2:
            for index in candidates:
                self.opens[index] = "heading"

    def _parts(self, bodies: list[str], starts: list[tuple[int, Marker]], first_top: int, end: int) -> None:
        """A second document: the top-level numbering restarts at 1 after a document title or a closing."""
        top = next(marker.kind for index, marker in starts if index == first_top)
        highest, previous_marker = 0, -1
        for index, marker in starts:
            if index >= end:
                break
            if marker.kind != top:
                previous_marker = index
                continue
            if marker.number == 1 and highest >= 2:
                # The second document's title, or failing that the end of the
                # first one's signature, among the lines since the last marker.
                title = None
                for k in range(previous_marker + 1, index):
                    if k in self.opens:
                        continue
                    if _DOC_NUMBER.search(bodies[k]) or (_is_title(bodies[k]) and _DOCUMENT_TITLE.search(bodies[k])):
                        title = k  # the second document's number or title
                        break
                    if _DATE_LINE.match(bodies[k]):
                        title = k + 1  # right after the first one's signature
                if title is not None:
                    self.opens[title] = "part"
                    highest = 0
            highest = max(highest, marker.number or 0)
            previous_marker = index


class _Segmenter:
    def __init__(self, canonical: str) -> None:
        self.text = canonical
        self.clauses: list[Clause] = []
        self.warnings: list[str] = []
        self.stack: list[Clause] = []
        self.mode = "body"                              # body | glossary | closing
        self.body_started = False
        self.bullet_counts: dict[str, int] = {}
        self.id_uses: dict[str, int] = {}               # path -> how many clauses claimed it
        self.glossary: Clause | None = None
        self.last_child: dict[tuple[int, str], int] = {}   # (holder, marker kind) -> last number
        self.last_number: dict[tuple[str, str], int] = {}  # (root id, marker kind) -> last number
        self.block_counts: dict[str, int] = {}

    # -- driving ----------------------------------------------------------
    def run(self) -> ClauseTree:
        self.preamble = self._open(Clause(PREAMBLE_ID, None, 0, "preamble", "", None, 0, rank=0))
        self.stack = [self.preamble]
        lines = self.text.split("\n")
        plan = _Plan(lines)
        self.top = plan.top
        pos = 0
        for index, line in enumerate(lines):
            opener = plan.opens.get(index)
            if opener is not None:
                self._open_block(opener, pos, line)
            else:
                self._line(pos, line, plan.decorations[index], plan.markers[index])
            pos += len(line) + 1
        for clause in self.clauses:
            # A marker with no text after it (the last line, or a line of
            # markers only) still spans its label.
            clause.end = max([clause.start + len(clause.label)] + [e for _, e in clause.spans])
        for clause in reversed(self.clauses):
            for child in clause.children:
                # Top-level clauses hang off the preamble's slot, not inside
                # it; only the bullets of its text are its children.
                if clause.kind != "preamble" or child.parent_id == PREAMBLE_ID:
                    clause.end = max(clause.end, child.end)
        for clause in self.clauses:
            clause.heading = _heading(clause, self.text)
        kept = [c for c in self.clauses
                if c.kind != "preamble" or c.spans or len(self.clauses) == 1
                or any(child.parent_id == PREAMBLE_ID for child in c.children)]
        for seq, clause in enumerate(kept):
            clause.seq = seq
        share = outside_share(self.text, kept)
        outside = sum(e - s for c in kept if c.kind in ("preamble", "closing") for s, e in c.spans if e > s)
        if len(kept) > 1 and share >= OUTSIDE_WARNING_SHARE and outside >= OUTSIDE_WARNING_MIN_CHARS:
            self.warnings.append(f"structure: {share:.0%} of the text is outside numbered clauses "
                                 f"(in the preamble or closing)")
        return ClauseTree(tuple(kept), tuple(self.warnings), share)

    def _line(self, start: int, line: str, decoration: int, first: Marker | None) -> None:
        """One line at ``start``: ``decoration`` its decoration end, ``first`` the marker there (:class:`_Plan`)."""
        if not line:
            return
        body = line[decoration:]
        if self.mode != "closing" and self.body_started and _GLOSSARY_HEAD.match(line):
            self.mode = "glossary"
            clause_id = self._unique_id(GLOSSARY_ID, f"glossary {line}", repeat_reported=False)
            self.glossary = self._open(Clause(clause_id, None, 1, "glossary", line, None, start, rank=10))
            self.stack = [self.glossary]
            return
        if self.body_started and _CLOSING_LINE.match(line) and match_marker(line, 0) is None:
            if self.mode != "closing":
                self._open_closing(start)
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
        box = BOX_LINE.match(body) if body.startswith("专栏") else None
        if box is not None:
            self._open_box(box, start, decoration, line)
            return
        cursor, line_start = start, True
        for marker in self._markers_in(line, start, decoration, first):
            if marker.start > cursor and line_start and cursor - start < decoration:
                self._add_markup(cursor, marker.start)
            elif marker.start > cursor:
                self._add_text(cursor, marker.start, line_start)
            self._open_marker(marker)
            cursor, line_start = _skip_spaces(self.text, marker.end), False
        if cursor < start + len(line) or line_start:
            self._add_text(cursor, start + len(line), line_start)

    # -- blocks opened by a line --------------------------------------------
    def _open_block(self, block: str, start: int, line: str) -> None:
        self.mode = "body"
        # A part or an attachment has a head of its own (a notice, its signature,
        # a title) before its body: no closing until its first numbered clause.
        self.body_started = block == "heading"
        count = self.block_counts.get(block, 0) + 1
        self.block_counts[block] = count
        decoration = decoration_end(line)
        label, number = "", count
        if block == "attachment":
            found = ATTACHMENT_LINE.match(line[decoration:])
            assert found is not None  # the plan matched this line
            printed = found.group("num")
            if printed:
                number = int(printed) if printed.isdigit() else _cn_number(printed, count)
            label = line[decoration: decoration + (found.end("num") if printed else 2)]
            clause_id, kind = f"att{number}", "attachment"
            if decoration:
                self._add_markup(start, start + decoration)
        elif block == "part":
            number = count + 1  # the first document is the body itself
            clause_id, kind = f"p{number}", "part"
        else:
            clause_id, kind = f"h{count}", "section"
        clause_id = self._unique_id(clause_id, f"{kind} {clause_id}", repeat_reported=False)
        label_start = start + (decoration if label else 0)
        clause = Clause(clause_id, None, 1, kind, label, number, label_start, rank=_RANK[block], block=block)
        self.stack = [self.preamble, clause]
        self._attach(self.preamble, clause)
        cursor = _skip_spaces(self.text, label_start + len(label))
        self._add_text(cursor, start + len(line), line_start=not label)

    def _open_closing(self, start: int) -> None:
        self.mode = "closing"
        root = next((c for c in reversed(self.stack) if c.block in ("part", "attachment")), None)
        if root is None:
            closing = self._open(Clause(CLOSING_ID, None, 1, "closing", "", None, start, rank=10))
            self.stack = [closing]
            return
        clause_id = self._unique_id(f"{root.clause_id}.{CLOSING_ID}", "closing", repeat_reported=False)
        closing = Clause(clause_id, root.clause_id, root.level + 1, "closing", "", None, start, rank=_RANK["closing"])
        self.stack = self._stack_to(root) + [closing]
        self._attach(root, closing)

    def _open_box(self, found: re.Match[str], start: int, decoration: int, line: str) -> None:
        if decoration:
            self._add_text(start, start + decoration, line_start=True)  # Markdown `## ` stays with the text before
        holder = self._holder()
        while holder.kind == "box":
            holder = self._parent_of(holder)
        count = self.block_counts.get("box", 0) + 1
        self.block_counts["box"] = count
        printed = found.group("num")
        number = (int(printed) if printed.isdigit() else _cn_number(printed, count)) if printed else count
        label = line[decoration: decoration + (found.end("num") if printed else 2)]
        root = self._root()
        path = f"{root.clause_id}.box{number}" if root is not None else f"box{number}"
        clause_id = self._unique_id(path, f"box {label}", repeat_reported=False)
        label_start = start + decoration
        clause = Clause(clause_id, holder.clause_id if holder.level else None, holder.level + 1, "box", label,
                        number, label_start, rank=holder.rank + 1, block="box", article=holder.article)
        self.stack = self._stack_to(holder) + [clause]
        self._attach(holder, clause)
        self._add_text(_skip_spaces(self.text, label_start + len(label)), start + len(line), line_start=False)

    # -- markers ----------------------------------------------------------
    def _markers_in(self, line: str, offset: int, decoration: int, first: Marker | None) -> Iterator[Marker]:
        """Markers at the start of the line (``first``, found by the plan) or after sentence-ending punctuation.

        A document run together onto a few very long lines (a PDF whose text
        has no paragraph breaks) also prints markers after a colon and right
        after a section title (现提出以下意见：一、…主要目标(一)指导思想。);
        there they are markers only when they continue the numbering exactly.
        """
        # The clause ends where no marker can start matter only to a title
        # running into its clause (the search below); without one they are not listed.
        run_in = len(line) > _RUN_TOGETHER_LINE or _CLAUSE_OPENING.search(line) is not None
        after_end = _AFTER_CLAUSE_END if run_in else _MARKER_AFTER_CLAUSE_END
        positions = [decoration] + [m.end() for m in after_end.finditer(line)]
        if len(line) > _RUN_TOGETHER_LINE:
            positions += [m.end() for m in _AFTER_COLON.finditer(line)]
            positions += [m.start() for m in _CLAUSE_OPENING.finditer(line)]
        # A section title runs straight into its first clause: 二、提高利用外资质量(一)加大….
        for opening in _CLAUSE_OPENING.finditer(line):
            before = max((p for p in positions if p < opening.start()), default=None)
            if before is None or opening.start() - before > _MAX_RUN_IN_TITLE:
                continue
            found = match_marker(line, before)
            if found is not None and found.kind == "section" \
                    and not _TITLE_PUNCTUATION.search(line, found.end, opening.start()):
                positions.append(opening.start())
        positions = sorted(set(positions))
        for position in positions:
            if position >= len(line):
                continue
            found = first if position == decoration else match_marker(line, position)
            if found is None:
                continue
            marker = Marker(found.kind, found.number, found.label, found.start + offset, found.end + offset)
            if position == decoration or self._expected(marker):
                yield marker

    def _expected(self, marker: Marker) -> bool:
        """Whether a marker in mid-line continues the numbering exactly (else it is text)."""
        if marker.kind in ("bullet", "part", "chapter", "chapter_section"):
            return False
        parent = self._parent_for(_RANK[marker.kind])
        previous = self.last_child.get(self._numbering_key(marker.kind, parent))
        if previous is not None:
            return marker.number == previous + 1
        return marker.number in (1, self._continued(marker.kind) + 1)

    def _numbering_key(self, kind: str, parent: Clause) -> tuple[int, str]:
        # Articles are numbered through the whole regulation, across chapters.
        holder = (self._root() or self.stack[0]) if kind == "article" else parent
        return id(holder), kind

    def _continued(self, kind: str) -> int:
        root = self._root()
        return self.last_number.get((root.clause_id if root else "", kind), 0)

    def _parent_for(self, rank: int) -> Clause:
        for clause in reversed(self.stack):
            if clause.rank < rank and clause.kind not in ("bullet", "paragraph"):
                return clause
        return self.stack[0]

    def _holder(self) -> Clause:
        """The clause that text and bullets at this point belong to."""
        for clause in reversed(self.stack):
            if clause.kind not in ("bullet", "paragraph"):
                return clause
        return self.stack[0]

    def _parent_of(self, clause: Clause) -> Clause:
        index = next(i for i, c in enumerate(self.stack) if c is clause)
        return self.stack[index - 1] if index else self.stack[0]

    def _root(self) -> Clause | None:
        """The part, attachment or heading-only section the current point is in."""
        for clause in reversed(self.stack):
            if clause.block in _CONTAINERS:
                return clause
        return None

    def _open_marker(self, marker: Marker) -> None:
        if marker.kind == "bullet":
            self._open_bullet(marker)
            return
        rank = _RANK[marker.kind]
        if any(c.kind == "box" for c in self.stack) and rank < _RANK["item"]:
            box = next(c for c in self.stack if c.kind == "box")
            self.stack = self._stack_to(self._parent_of(box))
        parent = self._parent_for(rank)
        root = self._root()
        root_id = root.clause_id if root is not None else ""
        article = parent if parent.kind == "article" else parent.article
        # A list after an article's second or later paragraph (…履行下列职责：) hangs
        # under that paragraph; a 款 has no printed number, so the id keeps the article's path.
        holder = parent
        if parent.kind == "article" and self.stack[-1].kind == "paragraph" and self.stack[-1].article is parent:
            holder = self.stack[-1]
        elif parent.kind == "article" and parent.children and parent.children[-1].kind == "paragraph" \
                and any(c is parent.children[-1] for c in self.stack):
            holder = parent.children[-1]
        kind = _output_kind(marker.kind)
        repeat_reported = self._check_numbering(marker, parent, kind)
        number = marker.number
        if marker.kind == "part":
            path = f"p{number}"
        elif marker.kind == "chapter":
            path = _join(root_id, f"c{number}")
        elif marker.kind == "chapter_section":
            path = _join(parent.clause_id if parent.kind == "chapter" else root_id, f"s{number}")
        elif marker.kind == "article":
            path = _join(root_id, f"a{number}")
        elif parent.level == 0 or parent is root:
            path = _join(root_id, str(number))
        else:
            path = f"{parent.clause_id}.{number}"
        clause_id = self._unique_id(path, f"{kind} {marker.label} {_where(parent)}", repeat_reported)
        fixed = marker.kind in LEVEL_OF_KIND and article is None and (parent.level == 0 or parent.fixed_level)
        level = LEVEL_OF_KIND[marker.kind] if fixed else holder.level + 1
        clause = Clause(clause_id, holder.clause_id if holder.level > 0 else None, level, kind,
                        marker.label, number, marker.start, rank=rank, fixed_level=fixed,
                        article=article, block=marker.kind if marker.kind == "part" else "")
        self.last_child[self._numbering_key(marker.kind, parent)] = number
        self.last_number[(root_id, marker.kind)] = number
        if marker.kind in ("part", "chapter", "chapter_section", "article", "section") or marker.kind == self.top:
            self.body_started = True
        self.stack = self._stack_to(holder) + [clause]
        self._attach(holder, clause)

    def _open_bullet(self, marker: Marker) -> None:
        parent = self._holder()
        count = self.bullet_counts.get(parent.clause_id, 0) + 1
        self.bullet_counts[parent.clause_id] = count
        clause = Clause(f"{parent.clause_id}.b{count}", parent.clause_id, parent.level + 1, "bullet",
                        marker.label, count, marker.start, rank=_RANK["bullet"], article=parent.article)
        self.stack = self._stack_to(parent) + [clause]
        self._attach(parent, clause)

    def _open_glossary_entry(self, marker: Marker, start: int) -> None:
        glossary = self.glossary
        assert glossary is not None  # glossary mode starts by opening it
        path = f"{glossary.clause_id}.{marker.number}"
        clause = Clause(self._unique_id(path, f"glossary entry {marker.label}", repeat_reported=False),
                        glossary.clause_id, 2, "glossary", marker.label, marker.number, start, rank=11)
        self.stack = [glossary, clause]
        self._attach(glossary, clause)

    def _check_numbering(self, marker: Marker, parent: Clause, kind: str) -> bool:
        """Record a warning when the marker does not continue the numbering.

        Returns:
            Whether the warning says the marker repeats its previous sibling's number.
        """
        previous = self.last_child.get(self._numbering_key(marker.kind, parent))
        continued = self._continued(marker.kind)
        if previous is not None:
            expected = {previous + 1}
        else:
            expected = {1, continued + 1}
        if marker.number in expected:
            return False
        before = previous if previous is not None else continued
        shown = marker.kind
        repeat = previous is not None and marker.number == previous
        if repeat:
            problem = f"repeats after {_shown(shown, before)}"
        elif previous is not None and marker.number is not None and marker.number < previous:
            problem = f"is out of order after {_shown(shown, before)}"
        else:
            problem = f"follows {_shown(shown, before)}, skipping {_shown(shown, before + 1)}"
        self.warnings.append(
            f"numbering: {kind} {_shown(shown, marker.number)} {_where(parent)} {problem}")
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
        article = current if current.kind == "article" else current.article
        if line_start and article is not None and end > start and self.mode == "body" \
                and current.kind in ("article", "clause", "item", "subitem", "paragraph") \
                and (article.has_text or article.children):
            current = self._open_paragraph(article, start)
        if end <= start and current.spans:
            return
        if current.spans and current.spans[-1][1] + 1 == start and line_start:
            current.spans[-1] = (current.spans[-1][0], end)  # same clause, next line: one span
        else:
            current.spans.append((start, end))

    def _add_markup(self, start: int, end: int) -> None:
        """Markdown decoration in front of a marker (`## 第一章`): kept with the text before, never a paragraph."""
        current = self.stack[-1]
        if current.spans and current.spans[-1][1] + 1 == start:
            current.spans[-1] = (current.spans[-1][0], end)
        else:
            current.spans.append((start, end))

    def _open_paragraph(self, article: Clause, start: int) -> Clause:
        """A further 款 of an article: an unmarked paragraph after its first one or after its items."""
        article.paragraphs += 1
        path = f"{article.clause_id}.k{article.paragraphs}"
        clause = Clause(self._unique_id(path, f"paragraph of {article.label}", repeat_reported=False),
                        article.clause_id, article.level + 1, "paragraph", "", article.paragraphs, start,
                        rank=_RANK["paragraph"], article=article)
        self.stack = self._stack_to(article) + [clause]
        self._attach(article, clause)
        return clause


def _output_kind(marker_kind: str) -> str:
    """The clause kind of a marker: a chapter's 第X节 is a section; (一) in an article stays a clause."""
    return "section" if marker_kind == "chapter_section" else marker_kind


def _join(prefix: str, token: str) -> str:
    return f"{prefix}.{token}" if prefix else token


def _cn_number(numeral: str, default: int) -> int:
    try:
        return parse_chinese_integer(numeral)
    except ValueError:
        return default


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def _where(parent: Clause) -> str:
    return f"under {parent.label or parent.clause_id}" if parent.level else "at top level"


def _shown(kind: str, number: int | None) -> str:
    return printed_marker(kind, number) if number else "nothing"


def _first_line(clause: Clause, canonical: str) -> str:
    first_start, first_end = clause.spans[0]
    while first_start < first_end and canonical[first_start] in "\n ":
        first_start += 1
    line_end = canonical.find("\n", first_start)
    return canonical[first_start: first_end if line_end == -1 else min(line_end, first_end)]


def _has_more(clause: Clause, canonical: str, line: str) -> bool:
    """Whether a clause holds more than its first line: further text or children."""
    return bool(clause.children) or sum(e - s for s, e in clause.spans) > len(line) + 1


def _heading(clause: Clause, canonical: str) -> str:
    if clause.kind in ("preamble", "closing") or not clause.spans:
        return ""
    if clause.clause_id == GLOSSARY_ID:
        return canonical[clause.start:clause.start + len(clause.label)].rstrip("：:")
    line = _first_line(clause, canonical)
    if clause.kind == "glossary":
        head, colon, _ = line.partition("：")
        return head.strip() if colon and len(head) <= _MAX_LINE_HEADING else ""
    if clause.block == "part":
        # The second document's title, wherever its head (number, notice) puts it.
        for candidate in clause.own_text(canonical).split("\n")[:_MAX_PART_HEAD_LINES]:
            candidate = candidate[decoration_end(candidate):].strip().strip("*#").strip()
            if _is_title(candidate) and _DOCUMENT_TITLE.search(candidate):
                line = candidate
                break
    title = _HAN_SPACE.sub("", line.strip().strip("*#").strip()).lstrip("：:").rstrip("：:")
    if clause.block in _CONTAINERS or clause.kind in ("chapter", "box") \
            or (clause.kind == "section" and clause.article is None and clause.label.startswith("第")):
        return title if len(title) <= _MAX_LINE_HEADING and _CLAUSE_END_MARK.search(title) is None else ""
    if clause.kind == "section" and "。" not in line:
        return line.strip().strip("*#").strip().rstrip("：:")
    if clause.kind in ("article", "paragraph"):
        return ""  # a regulation's sentence is never a heading
    if clause.article is not None:
        # An article's list element is a sentence, unless it names a principle: (二)无偿共享原则。政务部门….
        head, stop, rest = line.partition("。")
        short = len(head) <= _MAX_INLINE_HEADING and _HEAD_BREAK.search(head) is None
        return head.strip() if stop and rest.strip() and short else ""
    if _CLAUSE_END_MARK.search(line) is None and len(line) <= _MAX_LINE_HEADING \
            and _has_more(clause, canonical, line):
        # A title-only line: (一)指导思想, then its text on the next lines.
        if not line.rstrip().endswith(("：", ":")) or (len(line) <= _MAX_COLON_HEADING and "，" not in line):
            return title
        return ""
    head, stop, rest = line.partition("。")
    if not stop:
        return ""
    if not rest.strip() and len(head) <= _MAX_LINE_HEADING:
        return head.strip()
    if len(head) <= _MAX_INLINE_HEADING and _HEAD_BREAK.search(head) is None:
        return head.strip()
    # A lead phrase of paired clauses the text goes on to explain (work reports:
    # (一)坚定不移推动经济稳中有进，加快实现质的有效提升和量的合理增长。深入落实…);
    # a definition or a statement (…，是…) is a sentence.
    if rest.strip() and len(head) <= _MAX_LEAD_HEADING and _LEAD_BREAK.search(head) is None and "，是" not in head:
        return head.strip()
    return ""

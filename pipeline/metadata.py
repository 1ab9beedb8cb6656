"""Document metadata from the canonical text: title, issuer, number, dates, recipients.

Official documents follow GB/T 9704: issuer and title at the top, the
document number (川府发〔2019〕20号), a recipients line ending in a colon,
and a signature date at the end (or, for transmitting notices and web
reprints, near the top).  Web pages add a publish time in their header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.clauses import CLOSING_ID, PREAMBLE_ID, ClauseTree

_DOC_TYPES = "实施意见|指导意见|意见|通知|规划|方案|行动计划|计划|决定|办法|纲要|细则|措施|批复|函|条例|规定|报告"
_TITLE_LINE = re.compile(rf"关于.{{2,120}}的(?:{_DOC_TYPES})$")
_BARE_TITLE_LINE = re.compile(rf"^[^，。：:；]{{4,60}}(?:{_DOC_TYPES})$")
_ISSUER_LINE = re.compile(r"^(?:中共)?[\u4e00-\u9fff()]{2,30}(?:人民政府|办公厅|办公室|委员会|省委|市委|政府|厅|局|部)$")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}〔\d{4}〕\d{1,4}号")
_DATE_LINE = re.compile(r"^\(?(\d{4})年(\d{1,2})月(\d{1,2})日(印发|发布)?\)?$")
_PUBLISHED = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?.{0,6}(?:来源|发布)"
                        r"|(?:发布时间|发布日期)[：:]\s*(\d{4})[-年](\d{1,2})[-月](\d{1,2})")
_RECIPIENTS = re.compile(r"(?:人民政府|各部门|单位|机构|各市|各县|有关|党委)")
_HEAD_LINES = 15


@dataclass(frozen=True, slots=True)
class DocumentMetadata:
    """What the document says about itself."""

    title: str
    issuer: str | None
    doc_number: str | None
    issue_date: date | None
    publish_date: date | None
    recipients: str | None


def read_metadata(canonical: str, tree: ClauseTree) -> DocumentMetadata:
    """Read the metadata from the preamble and closing of a segmented document."""
    preamble = _lines_of(tree, canonical, PREAMBLE_ID)
    closing = _lines_of(tree, canonical, CLOSING_ID)
    head = preamble[:_HEAD_LINES] or canonical.split("\n")[:_HEAD_LINES]
    title, issuer = _title_and_issuer(head, closing)
    number = _DOC_NUMBER.search("\n".join(head))
    return DocumentMetadata(
        title=title,
        issuer=issuer,
        doc_number=number.group() if number else None,
        issue_date=_issue_date(head, closing),
        publish_date=_publish_date(head),
        recipients=_recipients(head),
    )


def _lines_of(tree: ClauseTree, canonical: str, clause_id: str) -> list[str]:
    for clause in tree.clauses:
        if clause.clause_id == clause_id:
            return [line for line in clause.own_text(canonical).split("\n") if line]
    return []


def _title_and_issuer(head: list[str], closing: list[str]) -> tuple[str, str | None]:
    index = next((i for i, line in enumerate(head) if _TITLE_LINE.search(line)), None)
    if index is None:
        index = next((i for i, line in enumerate(head) if _BARE_TITLE_LINE.match(line)), 0)
    title = head[index] if head else ""
    issuers = []
    for line in reversed(head[:index]):
        if not _ISSUER_LINE.match(line):
            break
        issuers.insert(0, line)
    if issuers and title.startswith("关于"):
        title = " ".join(issuers) + title
    title = re.sub(r"\s+(?=关于)", "", title)
    issuer = title.split("关于", 1)[0].strip() if "关于" in title else ""
    if not issuer:
        issuer = next((line for line in closing if _ISSUER_LINE.match(line)), "")
    return title, issuer or None


def _issue_date(head: list[str], closing: list[str]) -> date | None:
    for line in head + closing:
        found = _DATE_LINE.match(line)
        if found:
            return _date(found.group(1), found.group(2), found.group(3))
    return None


def _publish_date(head: list[str]) -> date | None:
    for line in head:
        found = _PUBLISHED.search(line)
        if found:
            parts = [g for g in found.groups() if g is not None]
            return _date(*parts[:3])
    return None


def _recipients(head: list[str]) -> str | None:
    for line in head:
        if line.endswith(("：", ":")) and _RECIPIENTS.search(line) and len(line) <= 120:
            return line.rstrip("：:")
    return None


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None

"""What web sites, databases and collectors put around a document: where each header is, and what it says.

A policy text arrives wrapped in other people's labels: a crawler's Markdown
header (``# 标题``, ``**发布日期**: …``, ``---``, ``## 政策全文``), 北大法宝's
``【法宝引证码】`` and ``原文链接：`` lines, a news site's
``2020-04-09 19:00 来源： 新华社`` line and dateline, gov.cn's
"information disclosure" block (索引号 / 主题分类 / 发文机关 / 成文日期 /
标题 / 发文字号 / 发布日期), a ``【原文下载】`` list of links, a collector's
label line (``…的意见，国务院``).  None of it is the document's text, all of
it is metadata.

Each ``find_*`` function returns :class:`HeaderHit` records: the rule's name
and the span of the text it covers.  Normalization drops the spans under the
rule's name, so the offset map accounts for them
(:func:`pipeline.normalize.drop_headers`); metadata reads the fields back
from the original text of those spans (:func:`header_fields`).  Pure
functions on strings, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pipeline.chinese import HAN

# gov.cn's 信息公开 block, as printed above every State Council document
# page; a browser print repeats it where a page break cuts the page.
GOV_BLOCK_LABELS = ("索引号", "主题分类", "发文机关", "成文日期", "标题", "发文字号", "发布日期", "时效", "有效性")

# Labels people and programs give header fields, mapped to what they are.
# Bold crawler labels, 北大法宝 lines and gov.cn's block all use these.
FIELD_OF_LABEL = {
    "标题": "title", "文件名称": "title", "名称": "title",
    "发文机关": "issuer", "发文单位": "issuer", "制定机关": "issuer",
    # A crawler's 发布机构 is the site that posted the text, often not the issuer.
    "发布机构": "publisher", "来源机构": "publisher",
    "发文字号": "doc_number", "文件编号": "doc_number", "文号": "doc_number",
    "成文日期": "issue_date", "发文日期": "issue_date",
    "发布日期": "publish_date", "发布时间": "publish_date", "公布日期": "publish_date",
    "施行日期": "effective_date", "实施日期": "effective_date",
    "来源": "source", "原文链接": "source", "链接": "source",
    # Front matter keys written by note tools and static-site crawlers.
    "title": "title", "issuer": "issuer", "publisher": "issuer", "doc_number": "doc_number",
    "date": "publish_date", "publish_date": "publish_date", "issue_date": "issue_date",
    "source": "source", "url": "source", "link": "source",
}

# The rules whose spans carry metadata (the others only drop markup).
METADATA_RULES = ("front_matter", "crawler_header", "crawler_footer", "gov_metadata_block", "citation_code",
                  "source_link", "news_wrapper", "news_dateline", "collector_label", "download_links")


@dataclass(frozen=True, slots=True)
class HeaderHit:
    """Characters ``start:end`` of a text are a header of kind ``rule``."""

    rule: str
    start: int
    end: int


def _spaced(label: str) -> str:
    # Printed labels are letter-spaced to a common width: 索 引 号, 标　　题.
    return r"[ \t\u3000]*".join(re.escape(char) for char in label)


_COLON = r"[ \t\u3000]*[:：]"
_GOV_LABEL = re.compile("(?:" + "|".join(_spaced(label) for label in GOV_BLOCK_LABELS) + ")" + _COLON)
_GOV_BLOCK_START = re.compile(r"^[ \t\u3000]*" + _spaced("索引号") + _COLON)
# The label every block start holds, searched anywhere in the text: it starts
# with 索, which re finds at C speed (索 alone is in most texts: 探索).
_GOV_BLOCK_LABEL = re.compile(_spaced("索引号") + _COLON)
# Lines inside a block that hold no label: a long value wrapped in its cell
# (工业、交通\信息产业（含电 | 信）) or a page number.  A block has at most a few.
_MAX_UNLABELLED_RUN = 3


def gov_block_lines(lines: list[str]) -> list[tuple[int, int]]:
    """The gov.cn metadata blocks among ``lines``: ``(first, last)`` line indices, inclusive.

    A block opens with a 索引号 line and runs to its last labelled line;
    lines without a label inside it are the wrapped parts of a value.

    >>> gov_block_lines(["正文", "索 引 号： 000014349/2015-00112 主题分类：", "信息产业", "发文机关： 国务院", "正文"])
    [(1, 3)]
    """
    blocks, index = [], 0
    while index < len(lines):
        if not _GOV_BLOCK_START.match(lines[index]):
            index += 1
            continue
        last, unlabelled = index, 0
        for following in range(index + 1, len(lines)):
            if _GOV_LABEL.match(lines[following].lstrip(" \t\u3000")):
                last, unlabelled = following, 0
            else:
                unlabelled += 1
                if unlabelled > _MAX_UNLABELLED_RUN:
                    break
        blocks.append((index, last))
        index = last + 1
    return blocks


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _through_newline(text: str, end: int) -> int:
    return end + 1 if end < len(text) and text[end] == "\n" else end


def find_gov_blocks(text: str) -> Iterator[HeaderHit]:
    """gov.cn metadata blocks, whole lines with their line breaks."""
    if _GOV_BLOCK_LABEL.search(text) is None:
        return  # no block opens: the lines need not be cut
    spans = _line_spans(text)
    lines = [text[s:e] for s, e in spans]
    for first, last in gov_block_lines(lines):
        yield HeaderHit("gov_metadata_block", spans[first][0], _through_newline(text, spans[last][1]))


# Each rule with the literals one of which every match of it holds: a text
# without them is not scanned (most texts have none of these headers, and a
# pattern anchored at line starts is tried at every position).
_LINE_RULES = (
    # 北大法宝: "【法宝引证码】 CLI.11.1598088"
    ("citation_code", ("【法宝引证码】",), re.compile(r"^[ \t\u3000]*【法宝引证码】[^\n]*(?:\n|$)", re.MULTILINE)),
    ("source_link", ("原文链接",),
     re.compile(r"^[ \t\u3000]*原文链接[:：][ \t\u3000]*\S+[ \t\u3000]*(?:\n|$)", re.MULTILINE)),
    # A news site's byline: "2020-04-09 19:00 来源： 新华社" (源 alone is in most texts: 资源, 能源)
    ("news_wrapper", ("源：", "源:"), re.compile(
        r"^[ \t\u3000]*\d{4}-\d{1,2}-\d{1,2}[ \t\u3000]+\d{1,2}:\d{2}(?::\d{2})?[ \t\u3000]*(?:来源|來源)[:：]"
        r"[ \t\u3000]*[^\s，。]{1,20}[ \t\u3000]*(?:\n|$)", re.MULTILINE)),
    # A wire-service dateline opening the first paragraph: "新华社北京4月9日电"
    ("news_dateline", ("日电",), re.compile(
        rf"^[ \t\u3000]*(?:新华社|中新社|人民日报|人民网|央视网|中国新闻社)[{HAN}]{{2,6}}\d{{1,2}}月\d{{1,2}}日电"
        r"(?:[（(]记者[^）)\n]{1,30}[）)])?[ \t\u3000]*(?:\n)?", re.MULTILINE)),
    # A site's list of attachments to download, to the end of the list.
    ("download_links", ("【",), re.compile(
        r"^[ \t\u3000]*【(?:原文下载|附件下载|相关附件|附件)】[ \t\u3000]*(?:\n[ \t\u3000]*(?:[-*+][ \t]+)?"
        r"(?:\[[^\]\n]*\]\([^)\n]*\)|https?://\S+|[^\n]{1,200}\.(?:pdf|docx?|xlsx?|wps|ofd|zip|rar))[^\n]*)*"
        r"(?:\n|$)", re.MULTILINE | re.IGNORECASE)),
)


def find_line_headers(text: str) -> Iterator[HeaderHit]:
    """Database citation codes, source links, news bylines and datelines, download lists."""
    for rule, needles, pattern in _LINE_RULES:
        if not any(needle in text for needle in needles):
            continue
        for found in pattern.finditer(text):
            yield HeaderHit(rule, found.start(), found.end())


_GENRE_END = ("意见", "通知", "规划", "方案", "计划", "办法", "条例", "规定", "细则", "措施", "决定", "纲要", "报告",
              "政策", "批复", "函", "公告", "通告")
_LABEL_LINE = re.compile(rf"^([^\n，,]{{6,120}})[，,]([{HAN}、]{{2,30}})[ \t]*$")
_LABEL_LOOKAHEAD = 5


def find_collector_label(text: str) -> Iterator[HeaderHit]:
    """A collector's file label as the first line: ``<title>，<issuer>`` when the title follows below.

    Course materials and personal collections name a file ``…的意见，国务院``
    and print that name above the document; the document's own title line
    comes right after, so the label repeats it.
    """
    start = len(text) - len(text.lstrip("\n \t\u3000\ufeff"))
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    found = _LABEL_LINE.match(text[start:end].strip())
    if not found or not found.group(1).endswith(_GENRE_END):
        return
    title = _squash(found.group(1))
    following = "".join(_squash(line) for line in text[end:].split("\n", _LABEL_LOOKAHEAD + 1)[:_LABEL_LOOKAHEAD + 1])
    if title in following:
        yield HeaderHit("collector_label", start, _through_newline(text, end))


def _squash(text: str) -> str:
    return "".join(text.split())


# --- Markdown headers ----------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?:[^\n]*\n)*?(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
# "**发布日期**: 2021年2月21日" or "- **发布机构**：工业和信息化部"
_BOLD_FIELD = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?\*\*([^*\n]{1,12})\*\*[ \t]*[:：][^\n]*$")
_HEADING = re.compile(r"^#{1,6}[ \t]+[^\n]*$")
_RULE_LINE = re.compile(r"^[ \t]*(?:-{2,}|\*{3,}|_{3,})[ \t]*$")
_BODY_HEADING = re.compile(r"^#{1,6}[ \t]*(?:政策全文|正文|全文|原文)[ \t]*$")
_MIN_FIELDS = 2


def find_markdown_headers(text: str) -> Iterator[HeaderHit]:
    """Front matter, and a crawler's header block and footer, in a Markdown file.

    The header is an optional ``#`` title line (or a ``### 基本信息``
    heading), at least two bold ``**label**: value`` lines, and an optional
    ``---`` rule and ``## 政策全文`` heading.  The footer is the same kind of
    field lines at the very end (``**更新时间**: …``), with the rule above them.
    """
    found = _FRONT_MATTER.match(text)
    offset = 0
    if found:
        yield HeaderHit("front_matter", 0, found.end())
        offset = found.end()
    spans = [(s + offset, e + offset) for s, e in _line_spans(text[offset:])]
    lines = [text[s:e] for s, e in spans]
    header_end = _header_end(lines)
    if header_end is not None:
        start = spans[0][0]
        title = _title_line(lines)
        if title is not None and not _repeated_below(lines[title], lines[header_end + 1:]):
            # The crawler's title is the only one the file has (the page printed it above
            # the text, as an <h1>): it stays, as a heading, and the block starts below it.
            start = _through_newline(text, spans[title][1])
        yield HeaderHit("crawler_header", start, _through_newline(text, spans[header_end][1]))
    footer_start = _footer_start(lines)
    if footer_start is not None and (header_end is None or footer_start > header_end):
        yield HeaderHit("crawler_footer", spans[footer_start][0], len(text))


_TITLE_LOOKAHEAD = 12


def _title_line(lines: list[str]) -> int | None:
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None or not _HEADING.match(lines[index]) or _BODY_HEADING.match(lines[index]):
        return None
    heading = _HEADING_TEXT.match(lines[index])
    return index if heading and heading.group(1).strip() not in ("基本信息",) else None


def _repeated_below(title_line: str, body: list[str]) -> bool:
    """Whether the body's first lines print the title too (also split over lines, or inside a 通知's 《》)."""
    heading = _HEADING_TEXT.match(title_line)
    title = _squash(heading.group(1) if heading else title_line).translate(_PAREN_FORMS)
    lines = []
    for line in body:
        if _DOWNLOADS_OPEN.match(line):
            break  # a download list names the file after the title: not the text repeating it
        if line.strip():
            lines.append(_squash(line).strip("*#"))
    return title in "".join(lines[:_TITLE_LOOKAHEAD]).translate(_PAREN_FORMS)


_DOWNLOADS_OPEN = re.compile(r"^[ \t\u3000]*【(?:原文下载|附件下载|相关附件|附件)】")


# Copies of a title differ in bracket widths and in the 《》 a crawler leaves out.
_PAREN_FORMS = str.maketrans({"（": "(", "）": ")", "《": None, "》": None, "<": None, ">": None})


def _header_end(lines: list[str]) -> int | None:
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index < len(lines) and _HEADING.match(lines[index]):
        index += 1
    fields, last = 0, None
    while index < len(lines):
        line = lines[index]
        if _BOLD_FIELD.match(line):
            fields, last = fields + 1, index
        elif line.strip():
            break
        index += 1
    if fields < _MIN_FIELDS or last is None:
        return None
    # The rule and the body heading that may close the header, blank lines between.
    index = last + 1
    while index < len(lines):
        line = lines[index]
        if _RULE_LINE.match(line) or _BODY_HEADING.match(line):
            last = index
        elif line.strip():
            break
        index += 1
    return last


def _footer_start(lines: list[str]) -> int | None:
    index = len(lines) - 1
    while index >= 0 and not lines[index].strip():
        index -= 1
    start = None
    while index >= 0 and (_BOLD_FIELD.match(lines[index]) or not lines[index].strip()):
        if lines[index].strip():
            start = index
        index -= 1
    if start is None:
        return None
    # A footer is what a collecting tool appends (更新时间, 检索时间), never a label of the text.
    if index >= 0 and _RULE_LINE.match(lines[index]):
        start = index
    return start


# --- Reading the fields back ---------------------------------------------------

_FIELD_LINE = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*)?([^*:：\n]{1,12}?)(?:\*\*)?[ \t]*[:：][ \t]*(.*)$")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_NEWS_WRAPPER = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})[ \t\u3000]+\d{1,2}:\d{2}(?::\d{2})?[ \t\u3000]*(?:来源|來源)[:：]"
                           r"[ \t\u3000]*(\S+)")
_HEADING_TEXT = re.compile(r"^#{1,6}[ \t]+(.*?)[ \t#]*$")


def parse_fields(rule: str, text: str) -> dict[str, str]:
    """The fields a header span says: ``{"issuer": "国务院", "doc_number": "国发〔2015〕40号", …}``.

    Labels are read through :data:`FIELD_OF_LABEL`; a label it does not know
    is kept under its own (Chinese) name, so nothing a header says is lost.
    Empty values and placeholders (暂无) are left out.
    """
    fields: dict[str, str] = {}
    if rule == "gov_metadata_block":
        fields.update(_gov_block_fields(text))
    elif rule == "news_wrapper":
        found = _NEWS_WRAPPER.search(text)
        if found:
            fields.update(publish_date=found.group(1), source=found.group(2))
    elif rule == "citation_code":
        fields["法宝引证码"] = text.replace("【法宝引证码】", "").strip()
    elif rule == "collector_label":
        fields["collector_label"] = text.strip()
    elif rule == "news_dateline":
        fields["dateline"] = text.strip()
    elif rule == "download_links":
        fields["downloads"] = " ".join(url for _, url in _MARKDOWN_LINK.findall(text)) or text.strip()
    else:
        lines = text.split("\n")
        for line in lines:
            heading = _HEADING_TEXT.match(line)
            if heading and rule == "crawler_header" and "title" not in fields:
                if not _BODY_HEADING.match(line) and heading.group(1).strip() not in ("基本信息",):
                    fields["title"] = heading.group(1).strip()
                continue
            found = _FIELD_LINE.match(line)
            if found:
                _put(fields, found.group(1), _MARKDOWN_LINK.sub(r"\2", found.group(2)))
    return fields


def _put(fields: dict[str, str], label: str, value: str) -> None:
    label = _squash(label)
    value = value.strip().strip("*").strip()
    if not value or value in ("暂无", "无", "-", "—"):
        return
    fields.setdefault(FIELD_OF_LABEL.get(label, label), value)


def _gov_block_fields(text: str) -> dict[str, str]:
    joined = " ".join(line.strip() for line in text.split("\n"))
    fields: dict[str, str] = {}
    marks = list(_GOV_LABEL.finditer(joined))
    for found, following in zip(marks, marks[1:] + [None]):
        label = re.sub(r"[\s:：]", "", found.group())
        value = joined[found.end(): following.start() if following else len(joined)]
        # Wrapped cells lost their line break, not a space: 含电 信 -> 含电信.
        value = re.sub(rf"(?<=[{HAN}（）])\s+(?=[{HAN}（）])", "", value.strip())
        _put(fields, label, value)
    return fields


def header_fields(hits: Iterable[tuple[str, str]]) -> dict[str, str]:
    """All fields of ``(rule, original text)`` header spans, the first value of a field winning."""
    fields: dict[str, str] = {}
    for rule, text in hits:
        for key, value in parse_fields(rule, text).items():
            fields.setdefault(key, value)
    return fields

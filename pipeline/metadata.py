"""Document metadata: title, issuer, number, dates, recipients, place, level and genre.

Official documents follow GB/T 9704: issuer and title at the top, the
document number (川府发〔2019〕20号) on its own line, a recipients line
ending in a colon, and a signature with the date at the end (or, for
transmitting notices and web reprints, near the top).  Regulations name
their promulgation (X人民政府令 第16号; 2019年4月26日 国务院令第716号公布;
X第十三届人民代表大会常务委员会第二十六次会议通过) and their entry into
force (自2023年7月1日起施行).  What a web site, a database or gov.cn's
disclosure block says about the document was dropped from the text by
normalization (``pipeline.headers``) and is read back here as ``fields``;
the document's own words come first, the block's official fields next, a
crawler's labels last.  Place and level come from the divisions table
(``pipeline.divisions``), the genre from ``resources/genres.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping
import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType

from pipeline import config, divisions, headers
from pipeline.chinese import HAN
from pipeline.clauses import CLOSING_ID, PREAMBLE_ID, ClauseTree
from pipeline.normalize import whole_drops

GENRES_PATH = config.RESOURCES_DIR / "genres.csv"
_DOC_TYPES = "实施意见|指导意见|意见|通知|规划|方案|行动计划|计划|决定|办法|纲要|细则|措施|批复|函|条例|规定|报告|政策"
_TITLE_LINE = re.compile(rf"关于.{{2,120}}的(?:{_DOC_TYPES})(?:[(（][^()（）]{{2,20}}[)）])?$")
_BARE_TITLE_LINE = re.compile(rf"^[^，。：:；]{{4,60}}(?:{_DOC_TYPES})(?:[(（][^()（）]{{2,20}}[)）])?$")
_ISSUER_LINE = re.compile(rf"^(?:中共中央|(?:中共)?[{HAN}()]{{2,30}}(?:人民政府|办公厅|办公室|委员会|省委|市委|政府|厅|局|部|署|院|行))$")
# Document numbers: 川府发〔2019〕20号, with the brackets web copies use for 〔〕.
_DOC_NUMBER_RAW = re.compile(rf"([{HAN}]{{1,12}})[〔\[［【(（](\d{{4}})[〕\]］】)）]\s*(\d{{1,4}})号")
# The issuing organ's code (国发, 川府发, 工信部联科) never holds a title's last words.
_NOT_IN_CODE = re.compile(rf"^.*(?:的|{_DOC_TYPES})")
_DECREE = re.compile(rf"((?:中华人民共和国)?[{HAN}]{{0,20}}?(?:人民政府|国务院))令\s*[(（]?\s*第\s*([\d一二三四五六七八九十百零〇]{{1,8}})\s*号")
_DECREE_LINE = re.compile(rf"^((?:中华人民共和国)?[{HAN}]{{2,20}}?(?:人民政府|国务院))令$")
_DECREE_NUMBER_LINE = re.compile(r"^[(（]?第\s*([\d一二三四五六七八九十百零〇]{1,8})\s*号[)）]?$")
_ADOPTED = re.compile(rf"([{HAN}]{{2,12}}?)第[一二三四五六七八九十]{{1,4}}届(人民代表大会(?:常务委员会)?)第[一二三四五六七八九十]{{1,4}}次会议(?:通过|批准)")
_DATE_LINE = re.compile(r"^\(?(\d{4})年(\d{1,2})月(\d{1,2})日(印发|发布)?\)?$")
_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
_PUBLISHED = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?.{0,6}(?:来源|发布)"
                        r"|(?:发布时间|发布日期)[：:]\s*(\d{4})[-年](\d{1,2})[-月](\d{1,2})")
_PROMULGATED = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日[^。\n]{0,30}?(?:公布|发布)")
_EFFECTIVE = re.compile(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起(?:施行|实施|执行|生效)")
_EFFECTIVE_ON = re.compile(r"自(公布|发布|印发)之日起(?:施行|实施|执行|生效)")
_RECIPIENTS = re.compile(r"(?:人民政府|各部门|单位|机构|各市|各县|有关|党委)")
# A work report: the head of government addresses the congress (各位代表：…我代表市人民政府).
_WORK_REPORT = re.compile(r"^各位代表[：:]")
_SPEAKER = re.compile(r"我代表(国务院|[省市县区州]?人民政府|[省市县区州]?政府)")
_ISSUING = re.compile(r"(?:关于|印发|转发|批转|发布|公布)")
_BUNDLED = re.compile(r"(?:印发|转发|批转|发布|公布)《([^《》]+)》|关于(?:印发|转发|批转|发布)([^《》]{4,80}?)的通知$")
_JOINT_SEPARATOR = re.compile(r"[ \u3000]+")
_HEAD_LINES = 15
# Header values are read from the original text: give their brackets and digits the canonical widths.
_FIELD_FORMS = {0xFF08: "(", 0xFF09: ")", **{cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)}}
_SIGNATURE_LINES = 12


@dataclass(frozen=True, slots=True)
class DocumentMetadata:
    """What the document says about itself."""

    title: str | None
    issuer: str | None
    doc_number: str | None
    issue_date: date | None
    publish_date: date | None
    recipients: str | None
    effective_date: date | None = None
    bundled_title: str | None = None
    source: str | None = None
    province: str | None = None
    city: str | None = None
    admin_level: str | None = None
    genre: str | None = None


def read_metadata(canonical: str, tree: ClauseTree, fields: dict[str, str] | None = None) -> DocumentMetadata:
    """Read the metadata from the preamble and closing of a segmented document and its header ``fields``.

    ``fields`` are what the dropped headers said (:func:`header_fields_of`).
    """
    fields = {key: value.translate(_FIELD_FORMS) for key, value in (fields or {}).items()}
    preamble = _lines_of(tree, canonical, PREAMBLE_ID)
    closing = _lines_of(tree, canonical, CLOSING_ID)
    all_lines = [line for line in canonical.split("\n") if line]
    head = preamble[:_HEAD_LINES] or all_lines[:_HEAD_LINES]
    tail = closing if len(closing) >= _SIGNATURE_LINES else all_lines[-_SIGNATURE_LINES:]
    title, issuer = _title_and_issuer(head, tail, fields.get("title"))
    issuer = issuer or _adopting_body(head) or _decree_issuer(head) or _speaker(canonical, head)
    issuer = issuer or fields.get("issuer") or fields.get("publisher")
    doc_number = _doc_number(head, title) or _normal_number(fields.get("doc_number"))
    issue_date = _issue_date(head, tail) or _field_date(fields.get("issue_date"))
    publish_date = _field_date(fields.get("publish_date")) or _publish_date(head) or _promulgated(head)
    bundled = _bundled_title(title)
    genre = _genre(bundled or title, head)
    place = _place(issuer, title, doc_number, fields)
    return DocumentMetadata(
        title=title,
        issuer=issuer,
        doc_number=doc_number,
        issue_date=issue_date,
        publish_date=publish_date,
        recipients=_recipients(head),
        effective_date=_effective_date(canonical, issue_date, publish_date),
        bundled_title=bundled,
        source=fields.get("source"),
        province=place.province if place else None,
        city=place.city if place else None,
        admin_level=place.admin_level if place else None,
        genre=genre,
    )


def header_fields_of(original: str, dropped) -> dict[str, str]:
    """The fields of every header normalization dropped: ``dropped`` are its drops, ``original`` the text they index."""
    return headers.header_fields((drop.rule, original[drop.start:drop.end])
                                 for drop in whole_drops(dropped) if drop.rule in headers.METADATA_RULES)


def _lines_of(tree: ClauseTree, canonical: str, clause_id: str) -> list[str]:
    for clause in tree.clauses:
        if clause.clause_id == clause_id:
            return [line for line in clause.own_text(canonical).split("\n") if line]
    return []


# --- Title and issuer ---------------------------------------------------------

def _title_and_issuer(head: list[str], tail: list[str], header_title: str | None) -> tuple[str | None, str | None]:
    index, title = _title_line(head)
    if title is not None:
        issuers = []
        for line in reversed(head[:index]):
            if not is_issuer_line(line):
                break
            issuers.insert(0, line)
        if issuers and title.startswith("关于"):
            title = " ".join(issuers) + title
        title = re.sub(r"\s+(?=关于)", "", title)
    title = _better_title(title, header_title)
    if title is None and head and _could_be_title(head[0]):
        title = head[0]
    issuer = _issuer_of_title(title) if title else None
    if issuer and _is_place_only(issuer):
        issuer = None  # 上海关于…: a place, not an organ; the signature names the organ
    if not issuer or re.search(r"等[一二三四五六七八九十\d]+(?:个)?部门$", issuer):
        signed = _signature(head) or _signature(tail)
        if signed:
            issuer = signed
        elif issuer is None:
            issuer = next((line for line in tail if _ISSUER_LINE.match(line)), None)
    return title, issuer


def _title_line(head: list[str]) -> tuple[int | None, str | None]:
    """The title line of the head and its text; a title run together with its number (…的意见国发〔2015〕24号…) is cut there."""
    for pattern in (_TITLE_LINE, _BARE_TITLE_LINE):
        for index, line in enumerate(head):
            numbers = _numbers(line)
            candidate = line[: numbers[0].start].strip() if numbers and numbers[0].start > 0 else line
            if pattern.search(candidate) if pattern is _TITLE_LINE else pattern.match(candidate):
                return index, candidate
    return None, None


def _could_be_title(line: str) -> bool:
    """A first line that is no salutation, number or date: a title in a form the patterns do not know."""
    return not (line.endswith(("：", ":")) or any(n.start == 0 for n in _numbers(line.strip("()（） ")))
                or _DATE_LINE.match(line) or len(line) > 80)


def is_issuer_line(line: str) -> bool:
    """An organ's name alone, or organs side by side (中共中央 国务院): a signature's line."""
    # Joint issuers share a line, a space between them: 中共中央 国务院.
    parts = _JOINT_SEPARATOR.split(line.strip())
    return bool(parts) and all(_ISSUER_LINE.match(part) for part in parts)


def _better_title(body: str | None, header: str | None) -> str | None:
    """The document's own title line, or the header's when one contains the other or the body has none."""
    if not header:
        return body
    if not body:
        return header
    squash_body, squash_header = _squash(body), _squash(header)
    if squash_body in squash_header:
        return header
    return body


def _issuer_of_title(title: str) -> str | None:
    """The organ before 关于/印发 in a title, outside any 《》: 某某局印发《关于…》的通知 -> 某某局."""
    masked = re.sub(r"《[^《》]*》", lambda m: "《" + "□" * (len(m.group()) - 2) + "》", title)
    found = _ISSUING.search(masked)
    if not found or found.start() == 0:
        return None
    issuer = title[: found.start()].strip()
    return _JOINT_SEPARATOR.sub("、", issuer) or None


def _is_place_only(name: str) -> bool:
    place = divisions.place_in(name)
    return place is not None and len(name) <= 5 and not re.search(r"(?:政府|委|局|厅|办|部|院|会)$", name)


def _signature(lines: list[str]) -> str | None:
    """Organs signing together: the run of organ lines just above a date line (GB/T 9704 signature)."""
    best = None
    for index, line in enumerate(lines):
        if not _DATE_LINE.match(line):
            continue
        organs = []
        for above in reversed(lines[:index]):
            if not _ISSUER_LINE.match(above):
                break
            organs.insert(0, above)
        if organs and (best is None or len(organs) > len(best)):
            best = organs
    return "、".join(best) if best else None


def _adopting_body(head: list[str]) -> str | None:
    """The congress that adopted a regulation: 浙江省第十三届人民代表大会常务委员会第二十六次会议通过."""
    for line in head:
        found = _ADOPTED.search(line)
        if found:
            return found.group(1) + found.group(2)
    return None


def _decree_issuer(head: list[str]) -> str | None:
    for line in head:
        found = _DECREE_LINE.match(line) or _DECREE.search(line)
        if found:
            return re.sub(r"^中华人民共和国", "", found.group(1))
    return None


def _speaker(canonical: str, head: list[str]) -> str | None:
    """A work report's government: 我代表国务院 / 我代表市人民政府 and the city the report names most."""
    if not any(_WORK_REPORT.match(line) for line in head[:3]):
        return None
    found = _SPEAKER.search(canonical[:3000])
    if not found:
        return None
    organ = found.group(1)
    if organ == "国务院":
        return organ
    level = {"省": "provincial", "市": "prefecture", "县": "county", "区": "county", "州": "prefecture"}.get(organ[:1])
    if level is None:
        return None
    # A 市 is prefecture-level or a county-level city (潜江): the city the report names most.
    division = divisions.most_named(canonical, ("prefecture", "county") if level == "prefecture" else (level,))
    if division is None:
        return None
    return division.name + "人民政府"


def _bundled_title(title: str | None) -> str | None:
    """The document a notice issues or transmits: 关于印发《X》的通知 -> X."""
    if not title:
        return None
    found = _BUNDLED.search(title)
    return (found.group(1) or found.group(2)) if found else None


# --- Numbers and dates -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Number:
    code: str
    year: str
    serial: str
    start: int
    end: int

    def group(self) -> str:
        return f"{self.code}〔{self.year}〕{self.serial}号"


def _numbers(line: str) -> list[_Number]:
    """Document numbers in a line, each starting where its organ code starts (after a run-on title)."""
    found = []
    for match in _DOC_NUMBER_RAW.finditer(line):
        code = _NOT_IN_CODE.sub("", match.group(1))
        if code:
            start = match.start(1) + len(match.group(1)) - len(code)
            found.append(_Number(code, match.group(2), match.group(3), start, match.end()))
    return found


def _doc_number(head: list[str], title: str | None) -> str | None:
    """The document's own number: on its own line, right after the title, or a decree's 令 and 第N号."""
    for index, line in enumerate(head):
        decree = _DECREE_LINE.match(line)
        if decree and index + 1 < len(head):
            number = _DECREE_NUMBER_LINE.match(head[index + 1])
            if number:
                return f"{re.sub(r'^中华人民共和国', '', decree.group(1))}令第{number.group(1)}号"
        found = _DECREE.search(line)
        if found and len(line) <= 60:
            return f"{re.sub(r'^中华人民共和国', '', found.group(1))}令第{found.group(2)}号"
    for line in head:
        for found in _numbers(line):
            alone = not line[: found.start].strip(" (（") and not line[found.end:].strip(" )）")
            after_title = title is not None and _squash(line[: found.start]).endswith(_squash(title)[-8:])
            if alone or after_title or found.start == 0:
                return found.group()
    return None


def _normal_number(number: str | None) -> str | None:
    if not number:
        return None
    found = _numbers(number)
    return found[0].group() if found else number.strip()


_SIGNED_DATE = re.compile(r"^(.{2,40}?)[ \u3000]*(\d{4})年(\d{1,2})月(\d{1,2})日$")


def _issue_date(head: list[str], closing: list[str]) -> date | None:
    for line in head + closing:
        found = _DATE_LINE.match(line)
        if found:
            return _date(found.group(1), found.group(2), found.group(3))
        # Signature and date run together: 国务院2015年5月4日.
        signed = _SIGNED_DATE.match(line)
        if signed and is_issuer_line(signed.group(1)):
            return _date(*signed.groups()[1:])
    return None


def _publish_date(head: list[str]) -> date | None:
    for line in head:
        found = _PUBLISHED.search(line)
        if found:
            parts = [g for g in found.groups() if g is not None]
            return _date(*parts[:3])
    return None


def _promulgated(head: list[str]) -> date | None:
    """A regulation's promulgation line: 2019年4月26日 中华人民共和国国务院令第716号公布."""
    for line in head:
        found = _PROMULGATED.match(line)
        if found:
            return _date(*found.groups())
    return None


def _field_date(value: str | None) -> date | None:
    if not value:
        return None
    found = _DATE.search(value)
    return _date(*found.groups()) if found else None


def _effective_date(canonical: str, issue_date: date | None, publish_date: date | None) -> date | None:
    """When the document takes effect: 自2023年7月1日起施行, or 自公布之日起施行 (its publication date)."""
    found = None
    for found in _EFFECTIVE.finditer(canonical):
        pass  # the last one: a regulation's own 施行 article closes it; earlier ones quote others
    if found is not None:
        return _date(*found.groups())
    relative = _EFFECTIVE_ON.search(canonical)
    if relative:
        return (publish_date or issue_date) if relative.group(1) in ("公布", "发布") else (issue_date or publish_date)
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


# --- Genre and place -------------------------------------------------------------

@lru_cache(maxsize=1)
def _genres() -> tuple[str, ...]:
    with GENRES_PATH.open(encoding="utf-8", newline="") as handle:
        names = [row["genre"] for row in csv.DictReader(handle)]
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def genre_families() -> Mapping[str, str]:
    """Each genre and the family it belongs to (实施意见 -> 意见), from ``resources/genres.csv``."""
    with GENRES_PATH.open(encoding="utf-8", newline="") as handle:
        return MappingProxyType({row["genre"]: row["family"] for row in csv.DictReader(handle)})


def _genre(title: str | None, head: list[str]) -> str | None:
    """The kind of document a title names by its last word: …的实施意见 -> 实施意见, …行动方案（2025—2027年） -> 行动方案."""
    if any(_WORK_REPORT.match(line) for line in head[:3]):
        return "政府工作报告"
    if not title:
        return None
    name = re.sub(r"《[^《》]*》", "", title)
    name = re.sub(r"[(（][^()（）]*[)）]$", "", name.strip()).strip()
    for genre in _genres():
        if name.endswith(genre):
            return genre
    return None


def _place(issuer: str | None, title: str | None, doc_number: str | None, fields: dict[str, str]) -> divisions.Place | None:
    """Where the document comes from: the issuer's place, else the title's, else the number's province."""
    for name in (issuer, title):
        place = divisions.place_in(name)
        if place is not None:
            return place
    first_issuer = re.split(r"[、，,]", issuer)[0] if issuer else None
    if divisions.is_national(first_issuer) or divisions.is_national(title):
        return divisions.Place(None, None, "national")
    return (divisions.province_of_abbreviation(doc_number)
            or divisions.place_in(fields.get("issuer")) or divisions.place_in(fields.get("publisher")))


def _squash(text: str) -> str:
    return "".join(text.split())

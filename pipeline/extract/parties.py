"""Responsible parties: names from their parts, roles from the grammar of duty.

Names come from three sources, merged leftmost-longest:

- the composed names of :mod:`pipeline.extract.party_names` (any province's,
  city's or county's bodies: 市审批服务局, 宁波市发改委, 县级以上人民政府网信部门);
- the gazetteer (``resources/gazetteer.csv``) for canonical forms, aliases,
  official English names and the bodies no grammar composes (国务院, 中央网信办);
- the open classes of :mod:`pipeline.extract.party_patterns`: groups
  (龙头企业, 有条件的市(州), bare 企业) and named facilities (天府数据中心集群).

Roles (tests/gold/GUIDELINES.md):

- ``addressee``: units on a recipients line or a cc line (``抄送：``), one row per unit;
- ``lead`` / ``responsible`` / ``support``: annotations (``(责任单位：…)``,
  ``(市科委牵头，市财政局配合)``) and the grammar of duty: X牵头 / X会同Y (X lead,
  Y support), X负责 / 由X负责 / 由X受理 / X要… / X应当… / X依据职责…
  (responsible), X配合 / X参与 / X应当…配合 (support);
- ``actor``: the object of 支持 / 鼓励 / 引导 / 推动 / 培育 / 督促 / 指导 / 帮助;
- ``issuer``: the body before 关于 or 印发 on the title line, and the bodies of
  a signature block (one per line, before the date), one row each;
- ``mentioned``: a named body anywhere else.

What a party is not: a facility, platform, zone or place that only locates
something, a group that neither acts nor is addressed, the issuing region
naming itself, a web page's header fields and download links, an alias in
``(以下简称“X”)``. Those mentions are found and then dropped, so that they
never stand in for the party around them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from pipeline.chinese import CLAUSE_END, HAN, with_half_width
from pipeline.config import RESOURCES_DIR
from pipeline.normalize import guarded, holds_any
from pipeline.tables import PARTY_KINDS, PARTY_ROLES
from pipeline.extract.party_names import NameGrammar, Place, WordScanner, load_grammar
from pipeline.extract.party_patterns import actor_groups, guess_kind, named_facilities

GAZETTEER_PATH = RESOURCES_DIR / "gazetteer.csv"

KINDS, ROLES = PARTY_KINDS, PARTY_ROLES


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One organization, place or actor group with its canonical Simplified name."""

    name: str
    kind: str
    name_en: str
    aliases: tuple[str, ...] = ()

    @property
    def generic(self) -> bool:
        """A class of bodies or a group (有关部门, 龙头企业), not a proper name: its English is lower-case."""
        return not self.name_en[:1].isupper()


@dataclass(frozen=True, slots=True, eq=False)
class Gazetteer:
    """Entries, a surface-form index, and the name grammar used with them."""

    entries: tuple[GazetteerEntry, ...]
    by_surface: Mapping[str, GazetteerEntry]
    surface_words: WordScanner  # every surface, for leftmost-longest scanning
    # 市州 and 市（州） are the written variants of the alias 市(州).
    variant_of: Mapping[str, str]
    grammar: NameGrammar

    def lookup(self, surface: str) -> GazetteerEntry | None:
        """The entry whose name or alias is exactly ``surface``, if any."""
        return self.by_surface.get(surface)

    def surfaces(self) -> tuple[str, ...]:
        """Every name and alias form, sorted (for the jieba user dictionary)."""
        return tuple(sorted(self.by_surface))


@dataclass(frozen=True, slots=True)
class PartyHit:
    """A party found in a text: offsets, surface, canonical name, kind and role."""

    start: int
    end: int
    text: str
    name: str
    kind: str
    role: str
    name_en: str


def _surface_variants(surface: str) -> tuple[str, ...]:
    """The surface as written plus its 市(州) / 市（州） / 市州 forms."""
    variants = [surface]
    if "(" in surface:
        variants.append(surface.replace("(", "（").replace(")", "）"))
        variants.append(surface.replace("(", "").replace(")", ""))
    return tuple(variants)


def load_gazetteer(path: Path | str | None = None) -> Gazetteer:
    """Read the shipped bilingual gazetteer (or another CSV with the same columns).

    Args:
        path: CSV with columns ``name,kind,name_en,aliases`` (aliases split
            on ``|``); defaults to ``pipeline/resources/gazetteer.csv``.

    Returns:
        The gazetteer, compiled for leftmost-longest scanning, with the name grammar.

    Raises:
        ValueError: a row has an unknown kind, or two entries claim the same
            surface form (the file is named in the message).

    A file is read once per process while it is unchanged: the toolkit, the
    parties component and the segmenter's user dictionary share one gazetteer.
    """
    path = Path(path) if path is not None else GAZETTEER_PATH
    stat = path.stat()
    return _load_gazetteer(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_gazetteer(path: Path, mtime_ns: int, size: int) -> Gazetteer:
    """:func:`load_gazetteer` of one version of a file (its modification time and size)."""
    entries: list[GazetteerEntry] = []
    by_surface: dict[str, GazetteerEntry] = {}
    variant_of: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            entry = GazetteerEntry(row["name"].strip(), row["kind"].strip(), row["name_en"].strip(), aliases)
            if entry.kind not in KINDS:
                raise ValueError(f"{path}:{line_no}: unknown kind {entry.kind!r}")
            entries.append(entry)
            for surface in (entry.name, *entry.aliases):
                for variant in _surface_variants(surface):
                    variant_of.setdefault(variant, surface)
                    owner = by_surface.setdefault(variant, entry)
                    if owner is not entry:
                        raise ValueError(
                            f"{path}:{line_no}: {variant!r} already belongs to {owner.name!r}"
                        )
    return Gazetteer(
        entries=tuple(entries),
        by_surface=MappingProxyType(by_surface),
        surface_words=WordScanner(by_surface),
        variant_of=MappingProxyType(variant_of),
        grammar=load_grammar(),
    )


# --- what is not a party -----------------------------------------------------

# A web page's header fields (发布机构: …, value on the same or the next line),
# its download links and its source line: the page, not the document.
_WEB_HEADER = guarded(
    r"*\t \-\[【来",  # the characters its matches start with
    r"^\*\*(?:发布机构|发文机关|发文机构|来源|发布日期|原文链接|检索时间|检索关键词|分类|更新时间|索引号|主题分类)\*\*[:：]"
    r"[ \t]*(?:[^\n]+|\n[^\n*]*)$"
    r"|^[ \t]*-?[ \t]*\[[^\]\n]*\]\([^)\n]*\)[ \t]*$|^【原文下载】$|来源[：:][^\n]*网站"
    r"|^\*\*[^*\n]{4,80}(?:措施|方案|意见|办法|规定|细则|计划|条例|规划)(?:\([^)\n]*\))?\*\*",
    re.M,
)
# Words one of which every match of _WEB_HEADER holds: a clause without them is not scanned.
_WEB_HEADER_WORDS = ("**", "[", "【原文下载】", "来源")
_ALIAS = re.compile(r"[(（]以下(?:简称|称)[“\"]?[^)）\n]{1,20}[)）]")
# Quoted programme names and titles: 数字四川, “光网四川”, 《四川省…目录》.
_QUOTED = re.compile(r"“[^”\n]*”|《[^》\n]*》|\"[^\"\n]*\"")
# A name run on into an event: 中小微企业云服务大会, 中国国际软件合作洽谈会.
_EVENT_AFTER = re.compile(rf"[{HAN}A-Za-z0-9]{{0,8}}?(?:大会|博览会|洽谈会|交易会|论坛|峰会|年会|大赛)")
# 中国人民银行金融信用信息基础数据库: the bank names a database, it is not a party there.
_SYSTEM_AFTER = re.compile(rf"[{HAN}]{{0,10}}?(?:数据库|信息系统|信息平台)")
# 张某 省发展改革委主任: a job title names a person, not the body.
_JOB_TITLE_AFTER = re.compile(r"(?:党组)?(?:常务)?(?:副)?(?:主任|局长|厅长|部长|书记|主席|秘书长|司长|处长|署长|行长|院长|市长|省长|县长|区长|委员)(?![会])")
# One pattern for the three: a mention followed by any of them is dropped.
_NOT_A_PARTY_AFTER = re.compile("|".join(p.pattern for p in (_EVENT_AFTER, _SYSTEM_AFTER, _JOB_TITLE_AFTER)))
_SLOGAN_PREFIXES = ("数字", "智联", "智慧", "全景", "计算", "连接", "感知", "工赋")
# Facilities, platforms, zones: parties only when they act or are addressed.
_FACILITY_NAME = re.compile(
    r"(?:集群|集聚区|聚集区|产业园|园区|园|实验室|基地|通信谷|硅谷|示范区|试验区|先导区|实验场|测试场|中心|平台|节点"
    r"|走廊|城|港|机场|网|大脑|数据库|新区|开发区|高新区|产业带|经济圈|都市圈|区域|商务区|合作区)(?:\([^)]*\))?$"
)

# --- the grammar of duty --------------------------------------------------------

# Verbs whose object is the acting party: 支持成都优化算力结构 -> 成都 acts.
# 组织, 招引, 吸引 and 引进 bring a party in; the party does not act (GUIDELINES).
_ACTOR_TRIGGERS = re.compile(r"支持|鼓励|引导|推动|培育|培强|督促|指导|帮助|调动")
# Words that, between a trigger and a name, show the name is the object of a
# nested verb or a preposition (推动建设四川省能源大数据中心), not the actor.
_NESTED_VERBS = re.compile(
    r"建设|开展|实施|打造|构建|加快|形成|推进|提升|参与|引进|完善|落实|开放|加强|深化|申报|进入|纳入"
    r"|建立|设立|发挥|提供|实现|促进|推广|探索|制定|运用|利用|融入|对接|围绕|面向|通过|依托|吸引|招引"
    r"|按照|结合|针对|投资|开发|挖掘|联合|组建|争创|创建|申建|争取|发展|[在向对为将把从以]"
)
_MAX_TRIGGER_GAP = 24
# Between two names of one enumeration: 东营、烟台 / 金融机构和社会资本 /
# 领导小组办公室(省发展改革委) / 龙头企业、知名高校院所 / 外资企业与医疗机构.
_CHAIN_GAP = re.compile(r"(?:[、和及与或(]|以及)[^，。；：！？\n、]{0,6}")
# Places listed with their industries act together: 支持九江电子元器件、抚州大数据.
_REGION_CHAIN_GAP = re.compile(r"[^，。；：！？\n、]{1,8}、")
# 推动国家新型互联网交换中心建设: the name is the object of the noun 建设.
_NOMINAL_OBJECT = re.compile(r"(?:等[^，。；]{0,10})?(?:建设|运营|落地)(?=[，。；]|$)")
# 支持各地各类算力资源接入: 各地 qualifies the resources, which are the object.
_QUALIFIER_AFTER = re.compile(r"各类|的")
# Sentence pieces: a role is read inside the clause piece that holds the name.
_PIECE_BOUNDARY = re.compile(r"[，,。；;：:！？!?\n(（]")
# The last boundary before a position: the run takes the whole window at once,
# then gives back characters up to the last boundary (``re`` cannot search backwards).
_LAST_BOUNDARY = re.compile(r"(?s:.*)" + _PIECE_BOUNDARY.pattern)
_SENTENCE_END = re.compile(rf"[{with_half_width(CLAUSE_END)}\n]")
_SUBJECT_LEAD_IN = re.compile(r"(?:\*\*)?(?:第[一二三四五六七八九十百零]+条[ \t\u3000]*)?(?:同时|并由|由|其中|另外|此外)?")
_BY = re.compile(r"(?:并|同时)?由(?:[^，。；由]{0,10}的)?$")
_LEAD_AFTER = re.compile(r"(?:等|共同)?牵头|(?:切实|要|应当)?承担牵头|(?:要|应当|应)?会同")
_SUPPORT_AFTER = re.compile(r"(?:等|按职责分工|按照职责分工|按职责|应当|应|要|须|积极|依法|主动|予以)*(?:配合(?!下)|参与|协同|协助)")
_RESPONSIBLE_AFTER = re.compile(r"(?:等|共同|具体|统一)?负责(?![制人])|(?:依据|按照|根据|依照)?(?:各自)?职责|按职责分工")
# 各地要…, 各部门应…, 技术交易场所应当…, …不得…; not 要素, 应用, 应急.
_OBLIGATION = re.compile(r"(?:要(?![素求点])|应当|应(?![用急对])|须|必须|不得|还应当)")
# What a subject's verb may follow: 等依法负责, )积极配合.
_BEFORE_VERB = re.compile(r"^[)）]?等?(?:依法|积极|切实|严格|统一|共同)?")

_ANNOTATION = re.compile(
    rf"(?P<label>(?:牵头|责任|负责|主责|配合|参与|协同|协办)[{HAN}]{{0,4}}?(?:单位|部门))[：:]"
    r"(?P<units>(?:[^：:；;。()（）\n]|[(（][^()（）\n]*[)）])+)"
)
_LABEL_ROLE = {"牵头": "lead", "配合": "support", "参与": "support", "协同": "support", "协办": "support"}
# (市科委牵头，市财政局配合) / (市科委、市财政局按职责分工负责)
_VERB_ANNOTATION = re.compile(r"[(（](?P<body>[^()（）\n：:]{2,120}?)[)）]")
_ANNOTATION_VERB = re.compile(
    r"(?P<units>.+?)(?P<verb>(?:等)?(?:按职责分工)?(?:共同)?(?:牵头|负责|配合|参与|协同)(?:落实|实施)?)$"
)

_ADDRESSEE_LINE = re.compile(r"^[ \t\u3000]*(?:主送[：:])?(?P<body>[^。：:\n]{2,300})[：:][ \t\u3000]*$", re.M)
_CC_LINE = re.compile(r"^[ \t\u3000]*抄送[：:](?P<body>[^\n]+?)[。.]?[ \t\u3000]*$", re.M)
_UNIT_END = re.compile(
    r"(?:政府|部门|机构|单位|办公厅|机关|委|厅|局|院|办|战区|军区|领导小组|海关|分署|办公室|中心|部|署|总局|委员会)(?:\([^)]*\))?$"
)
# 市政府各委、办、局 and 各省、自治区、直辖市 are one unit, not three.
_UNSPLIT = re.compile(r"委、办、局|省、自治区、直辖市")

_TITLE_ISSUER = re.compile(r"^(?:#+[ \t]*)?(?P<issuer>[^\n，。、《》“”：:]{2,60}?)(?:关于|印发)")
_LINE = re.compile(r"^[^\n]*$", re.M)
_DATE_LINE = re.compile(r"^[ \t\u3000]*\d{4}年\d{1,2}月\d{1,2}日")


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    for span_start, span_end in spans:  # a loop, not any(): most lists are empty or short
        if span_start <= start and end <= span_end:
            return True
    return False


# --- scanning ---------------------------------------------------------------------


class _Name(NamedTuple):
    """A candidate mention before its role is known (a tuple: thousands are made per document)."""

    start: int
    end: int
    name: str
    kind: str
    name_en: str
    source: str  # gazetteer | grammar | place | group | facility
    generic: bool = False


def _english(entry: GazetteerEntry, home: Place | None, grammar: NameGrammar) -> str:
    """The gazetteer's English, with the document's place for 省…/市… (Provincial → Zhejiang Provincial)."""
    english = entry.name_en
    if home is not None and entry.name[:1] in "省市" and english.startswith(("Provincial", "Municipal", "General Office of the Provincial")):
        level = entry.name[0]
        named = grammar.prefix_english(level, home)
        adjective = "Provincial" if level == "省" else "Municipal"
        if named != adjective:
            english = english.replace(adjective, named, 1)
    return english


def _entry_name(text: str, start: int, end: int, entry: GazetteerEntry, home: Place | None,
                grammar: NameGrammar, form: str | None = None) -> _Name:
    """A gazetteer entry as a mention; a group keeps the words it is written with.

    GUIDELINES: modifiers that change the meaning stay in the name (行业龙头企业,
    not 龙头企业; 各县(区)人民政府, not 各县(市、区)人民政府).
    """
    surface = form or text[start:end]
    name = surface if entry.generic else entry.name
    return _Name(start, end, name, entry.kind, _english(entry, home, grammar), "gazetteer", entry.generic)


Mentions = dict[str, tuple]
"""A document's memo of gazetteer mentions: surface -> the fields of its mention after the offsets.

A gazetteer surface is the same mention wherever a document of one ``home``
writes it: its canonical name (or, for a group, the form as written, which is
the surface's variant), kind and English are read once per document, not at
every match. The caller makes one (``{}``) per document and passes it to
every :func:`find_parties` of that document; it is filled as surfaces are met.
"""


def _gazetteer_names(text: str, gazetteer: Gazetteer, home: Place | None, mentions: Mentions) -> list[_Name]:
    names = []
    for start, end, surface in gazetteer.surface_words.find(text):
        fields = mentions.get(surface)
        if fields is None:
            entry = gazetteer.by_surface[surface]
            fields = mentions[surface] = _entry_name(text, start, end, entry, home, gazetteer.grammar,
                                                     gazetteer.variant_of[surface])[2:]
        names.append(_Name(start, end, *fields))
    return names


def _grammar_names(text: str, grammar: NameGrammar, home: Place | None) -> list[_Name]:
    return [_Name(b.start, b.end, b.name, b.kind, b.name_en, "grammar") for b in grammar.find(text, home)]


def _place_names(text: str, grammar: NameGrammar) -> list[_Name]:
    names = []
    for start, end, surface in grammar.place_words.find(text):
        place = grammar.places[surface]
        names.append(_Name(start, end, place.short, "region", place.name_en, "place"))
    return names


_SOURCE_PRIORITY = {"gazetteer": 0, "grammar": 1, "place": 2, "facility": 3, "group": 4}


def _leftmost_longest(candidates: list[_Name]) -> list[_Name]:
    """Non-overlapping names: the longest at each start wins; the gazetteer wins a tie."""
    ordered = sorted(candidates, key=lambda n: (n.start, -n.end, _SOURCE_PRIORITY[n.source]))
    kept: list[_Name] = []
    for name in ordered:
        if kept and name.start < kept[-1].end:
            continue
        kept.append(name)
    return kept


def _scan(text: str, gazetteer: Gazetteer, home: Place | None, mentions: Mentions | None = None) -> list[_Name]:
    """Every candidate name in a text: bodies, places, groups and facilities, leftmost-longest.

    ``mentions``: the document's memo (:data:`Mentions`); without one, a memo of this text only.
    """
    grammar = gazetteer.grammar
    mentions = {} if mentions is None else mentions
    known = _leftmost_longest(_gazetteer_names(text, gazetteer, home, mentions) + _grammar_names(text, grammar, home)
                              + _place_names(text, grammar))
    proper_ends = {n.start: n.end for n in known if n.kind in ("region", "enterprise") and not n.generic}
    patterns = [_Name(s, e, name, kind, "", "facility") for s, e, name, kind in named_facilities(text, proper_ends)]
    patterns += [_Name(s, e, name, kind, "", "group", True) for s, e, name, kind in actor_groups(text)]
    kept = []
    for candidate in patterns:
        # A known name that the pattern only partly covers, or that ends it
        # (五大支柱产业龙头企业 ends in 龙头企业), wins unless the pattern is longer and generic.
        clash = [k for k in known if k.start < candidate.end and candidate.start < k.end]
        if candidate.source == "group":
            if any(not (candidate.start <= k.start and k.end <= candidate.end) for k in clash):
                continue
            if any(k.kind != "region" and not k.generic for k in clash):
                continue
        elif any(not (candidate.start <= k.start and k.end <= candidate.end) for k in clash):
            continue
        kept.append(candidate)
    if not (kept or known):
        return []
    merged = _leftmost_longest(kept + known)
    last_branch = _last_branch(text)
    return [_with_branch(text, n, grammar, last_branch) for n in merged]


# 中国科学院上海分院, 中国银行浙江省分行: a named organization's branch in a place is one party.
_BRANCH_SUFFIX = re.compile(r"分院|分会|分公司|分行|支行|分署|分局|分中心|办事处")


def _last_branch(text: str) -> int:
    """Where the last :data:`_BRANCH_SUFFIX` of the text starts, -1 when it has none."""
    return max((m.start() for m in _BRANCH_SUFFIX.finditer(text)), default=-1)


def _with_branch(text: str, name: _Name, grammar: NameGrammar, last_branch: int) -> _Name:
    """``name`` with the branch after it, if any; ``last_branch`` is where the text's last :data:`_BRANCH_SUFFIX` starts (-1: none)."""
    if name.end >= last_branch or name.generic or name.kind == "region" or name.source not in ("gazetteer", "grammar"):
        return name  # a branch suffix starts after a place after the name: none is left after it
    place = grammar.place_words.match(text, name.end)
    if place is None:
        return name
    _, place_end, surface = place
    branch = _BRANCH_SUFFIX.match(text, place_end)
    if branch is None:
        return name
    where = grammar.places[surface]
    english = f"{name.name_en} {where.name_en} Branch".strip() if name.name_en else ""
    return _Name(name.start, branch.end(), name.name + surface + branch.group(), name.kind, english, name.source)


# --- lists: annotations and recipients ------------------------------------------


def _split_top_level(text: str, start: int, end: int, separators: str) -> list[tuple[int, int]]:
    """Split text[start:end] on separators outside parentheses: 县(市、区) stays whole."""
    protected = [(m.start(), m.end()) for m in _UNSPLIT.finditer(text, start, end)]
    parts, depth, piece_start = [], 0, start
    for i in range(start, end):
        char = text[i]
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        elif char in separators and depth == 0 and not any(s <= i < e for s, e in protected):
            parts.append((piece_start, i))
            piece_start = i + 1
    parts.append((piece_start, end))
    return [(s, e) for s, e in ((_strip(text, s, e)) for s, e in parts) if e > s]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\u3000*":
        start += 1
    while end > start and text[end - 1] in " \t\u3000。.*":
        end -= 1
    return start, end


def _known_name(text: str, start: int, end: int, forms: list[str], resolved: str, prefix: str,
                gazetteer: Gazetteer, home: Place | None) -> list[_Name]:
    """The body ``text[start:end]`` names: the first of ``forms`` the gazetteer knows, else ``resolved`` by the grammar."""
    for form in forms:
        entry = gazetteer.lookup(form)
        if entry is not None:
            return [_entry_name(text, start, end, entry, home, gazetteer.grammar, form)]
    body = gazetteer.grammar.resolve(resolved, prefix, home)
    return [_Name(start, end, body.name, body.kind, body.name_en, "grammar")] if body is not None else []


def _unit_names(text: str, start: int, end: int, gazetteer: Gazetteer, home: Place | None,
                prefix: str = "", head: str = "", government: str = "") -> list[_Name]:
    """The bodies one unit of a list names, with its list's shared prefix or head.

    ``审批服务局`` after ``市住建局`` is 市审批服务局; ``浦东新区等相关区政府`` is
    浦东新区人民政府 and 相关区人民政府; ``各市(州)`` before ``县(市、区)人民政府``
    is 各市(州)人民政府.
    """
    unit = text[start:end]
    if unit.endswith("等") and len(unit) > 1:
        end -= 1
        unit = unit[:-1]
    grammar = gazetteer.grammar
    if _UNSPLIT.search(unit) and unit.endswith("局"):
        return [_Name(start, end, unit, "government", "", "group", True)]  # 市政府各委、办、局
    if prefix:
        inherited = grammar.resolve(unit, prefix, home)
        if inherited is not None and inherited.name != unit:
            return [_Name(start, end, inherited.name, inherited.kind, inherited.name_en, "grammar")]
    forms = [government + unit] if government and not unit.startswith(government) else []
    if head and not unit.endswith(head):
        forms += [unit + head, "各" + unit + head]
    named = _known_name(text, start, end, forms + [unit], unit, prefix, gazetteer, home)
    if named:
        return named
    if "等" in unit:
        # 浦东新区等相关区政府: the place shares the head of the group after 等.
        first, _, rest = unit.partition("等")
        later = _unit_names(text, start + len(first) + 1, end, gazetteer, home)
        place = grammar.places.get(first)
        if later and place is not None:
            core = later[-1].name.split("区", 1)[-1] if "区" in later[-1].name else ""
            if core:
                composed = grammar.resolve(first + core, "", home) or grammar.resolve(first + "政府", "", home)
                if composed is not None:
                    return [_Name(start, start + len(first), composed.name, composed.kind, composed.name_en, "grammar")] + later
        return _unit_names(text, start, start + len(first), gazetteer, home) + later
    if not unit.startswith("各"):
        named = _known_name(text, start, end, ["各" + unit], "各" + unit, prefix, gazetteer, home)
        if named:
            return named
    inner = [n for n in _scan(text[:end], gazetteer, home) if n.start >= start]
    if inner:
        return inner
    if _UNIT_END.search(unit) or unit.startswith(("各", "有关", "相关")):
        return [_Name(start, end, unit, guess_kind(unit), "", "group", True)]
    return []


_HEADS = ("人民政府", "政府")
# 省政府各部门、各直属机构: the government that owns the first unit owns the next.
_GOVERNMENT_PREFIX = re.compile(rf"(?:[省市县区]|[{HAN}]{{2,8}}[省市县区])(?:人民)?政府(?=各|有关)")


def _list_names(text: str, start: int, end: int, gazetteer: Gazetteer, home: Place | None) -> list[_Name]:
    """Every unit of a list: groups split on "，", units on "、", prefixes and heads shared in a group."""
    names = []
    for group_start, group_end in _split_top_level(text, start, end, "，,；;"):
        units = _split_top_level(text, group_start, group_end, "、")
        last = text[units[-1][0]:units[-1][1]] if units else ""
        head = next((h for h in _HEADS if last.endswith(h)), "")
        prefix = ""
        first = text[units[0][0]:units[0][1]] if units else ""
        government = _GOVERNMENT_PREFIX.match(first)
        for unit_start, unit_end in units:
            found = _unit_names(text, unit_start, unit_end, gazetteer, home, prefix, head,
                                government.group() if government else "")
            names.extend(found)
            grammar_found = [n for n in found if n.source == "grammar"]
            if grammar_found:
                body = gazetteer.grammar.resolve(text[grammar_found[0].start:grammar_found[0].end], prefix, home)
                if body is not None and body.prefix:
                    prefix = body.prefix
    return names


def _annotations(text: str, gazetteer: Gazetteer, home: Place | None) -> tuple[list[PartyHit], list[tuple[int, int]]]:
    hits, covered = [], []
    if not holds_any(text, "：:(（"):
        return hits, covered  # every annotation has a label's colon or a bracket
    for match in _ANNOTATION.finditer(text):
        label = match.group("label")
        role = next((r for word, r in _LABEL_ROLE.items() if label.startswith(word)), "responsible")
        for name in _list_names(text, match.start("units"), match.end("units"), gazetteer, home):
            hits.append(_hit(text, name, role))
        covered.append((match.start(), match.end()))
    for match in _VERB_ANNOTATION.finditer(text):
        if _inside(covered, match.start(), match.end()):
            continue
        pieces = _split_top_level(text, match.start("body"), match.end("body"), "，,；;")
        found = []
        for piece_start, piece_end in pieces:
            verb = _ANNOTATION_VERB.fullmatch(text, piece_start, piece_end)
            if verb is None:
                found = []
                break
            role = next((r for word, r in _LABEL_ROLE.items() if word in verb.group("verb")), "responsible")
            names = _list_names(text, verb.start("units"), verb.end("units"), gazetteer, home)
            if not names or any(n.kind not in ("government", "party_organ", "financial", "institution") for n in names):
                found = []
                break
            found.extend(_hit(text, n, role) for n in names)
        if found:
            hits.extend(found)
            covered.append((match.start(), match.end()))
    return hits, covered


def _is_recipients(names: list[_Name], text: str, start: int, end: int) -> bool:
    """Every unit of the line names an administrative unit."""
    units = [u for g in _split_top_level(text, start, end, "，,") for u in _split_top_level(text, g[0], g[1], "、")]
    return bool(names) and len(names) >= len(units) and all(
        n.kind in ("government", "party_organ", "institution", "region") for n in names)


def _addressees(text: str, gazetteer: Gazetteer, home: Place | None) -> tuple[list[PartyHit], list[tuple[int, int]]]:
    hits, covered = [], []
    if not holds_any(text, "：:"):
        return hits, covered  # a recipients line and a cc line end or start with a colon
    for match in _ADDRESSEE_LINE.finditer(text):
        body = match.group("body")
        if not _UNIT_END.search(body) and not body.endswith(("各有关单位", "有关单位", "各单位")):
            continue
        names = _list_names(text, match.start("body"), match.end("body"), gazetteer, home)
        if _is_recipients(names, text, match.start("body"), match.end("body")):
            hits.extend(_hit(text, n, "addressee") for n in names)
            covered.append((match.start(), match.end()))
    for match in _CC_LINE.finditer(text) if "抄送" in text else ():
        names = _list_names(text, match.start("body"), match.end("body"), gazetteer, home)
        hits.extend(_hit(text, n, "addressee") for n in names)
        covered.append((match.start(), match.end()))
    return hits, covered


def _hit(text: str, name: _Name, role: str) -> PartyHit:
    return PartyHit(name.start, name.end, text[name.start:name.end], name.name, name.kind, role, name.name_en)


# --- roles ---------------------------------------------------------------------------


def _is_dropped(text: str, name: _Name, quoted: list[tuple[int, int]]) -> bool:
    """Matches that are not parties: inside a quoted name, a qualifier, a list's category noun."""
    start, end = name.start, name.end
    if _inside(quoted, start, end) and not (name.kind in ("institution", "enterprise") and start > 0
                                              and text[start - 1] == "“" and text[end:end + 1] == "”"):
        return True
    if _NOT_A_PARTY_AFTER.match(text, end):
        return True
    if name.kind == "region":
        if 0 < start and text[start - 1] in "(（" and end < len(text) and text[end] in ")）":
            return True
        if text[max(0, start - 2):start] in _SLOGAN_PREFIXES:
            return True
        if start > 0 and text[start - 1] == "等" and (name.name.startswith("各") or name.generic):
            return True
    return False


def _piece_start(text: str, position: int) -> int:
    """Where the piece holding ``position`` starts: after the last boundary before it, at most 200 characters back.

    Only the characters between the position and that boundary are read, not
    every boundary of the clause.
    """
    floor = max(0, position - 200)
    last = _LAST_BOUNDARY.match(text, floor, position)
    return last.end() if last is not None else floor


def _piece_end(text: str, position: int) -> int:
    match = _PIECE_BOUNDARY.search(text, position)
    # A bracket opening right after the name belongs to it (办公室(省发展改革委)).
    while match is not None and match.group() in "(（" and match.start() == position:
        match = _PIECE_BOUNDARY.search(text, match.end())
    return match.start() if match else len(text)


def _chains(text: str, names: list[_Name]) -> list[list[_Name]]:
    """Group adjacent names joined by 、/和/及/与 (an enumeration acts together)."""
    chains: list[list[_Name]] = []
    for name in names:
        if chains:
            previous = chains[-1][-1]
            gap = text[previous.end:name.start]
            if gap == "" or (_CHAIN_GAP.fullmatch(gap) and not _NESTED_VERBS.search(gap[1:])):
                chains[-1].append(name)
                continue
            if (name.kind == previous.kind == "region" and _REGION_CHAIN_GAP.fullmatch(gap)
                    and not _NESTED_VERBS.search(gap) and not _ACTOR_TRIGGERS.search(gap)):
                chains[-1].append(name)
                continue
        chains.append([name])
    return chains


def _is_trigger_object(text: str, chain_start: int, piece_start: int, spans: list[tuple[int, int]]) -> bool:
    """True when the chain is the object of 支持/鼓励/引导/推动 in its piece."""
    for trigger in _ACTOR_TRIGGERS.finditer(text, piece_start, chain_start):
        if _inside(spans, trigger.start(), trigger.end()):
            continue  # 引导 inside 省现代产业发展引导基金 is part of a name
        gap = text[trigger.end():chain_start]
        if len(gap) <= _MAX_TRIGGER_GAP and not _NESTED_VERBS.search(gap) and not _ACTOR_TRIGGERS.search(gap):
            return True
    return False


def _duty_later(text: str, end: int) -> bool:
    """A subject whose duty comes after a condition: 技术交易场所变更…的，应当… / 提供者为用户办理…，应当…"""
    sentence_end = _SENTENCE_END.search(text, end)
    sentence = text[end:sentence_end.start() if sentence_end else len(text)]
    pieces = re.split(r"[，,]", sentence)
    if len(pieces) < 2:
        return False
    return (_OBLIGATION.match(pieces[1].lstrip()) is not None
            and not re.match(r"(?:[^，]*?)(?:支持|鼓励)", pieces[0]) and 4 <= len(pieces[0]) <= 60)


def _chain_role(text: str, chain: list[_Name], spans: list[tuple[int, int]]) -> str:
    start, end = chain[0].start, chain[-1].end
    piece_start = _piece_start(text, start)
    before = text[piece_start:start]
    if before.endswith("会同"):
        return "support"  # 办公室要会同有关部门…: the departments work with the lead
    after = text[end:_piece_end(text, end)]
    if _is_trigger_object(text, start, piece_start, spans):
        if _NOMINAL_OBJECT.match(after) or _QUALIFIER_AFTER.match(after):
            return "mentioned"
        return "actor"
    by = "由" in before and _BY.search(before) is not None  # _BY would be tried at every position
    if _SUBJECT_LEAD_IN.fullmatch(before) or by:
        stripped = _BEFORE_VERB.sub("", after, count=1)
        if _LEAD_AFTER.match(stripped):
            return "lead"
        if _SUPPORT_AFTER.match(stripped):
            return "support"
        if _RESPONSIBLE_AFTER.match(stripped):
            return "responsible"
        obligation = _OBLIGATION.search(stripped)
        if obligation is not None and obligation.start() <= 12 and not _ACTOR_TRIGGERS.search(stripped, 0, obligation.start()):
            rest = stripped[obligation.end():]
            return "support" if re.match(r"(?:依法|积极|主动)?(?:予以)?配合", rest) else "responsible"
        if by and re.match(rf"[{HAN}]", after):
            return "responsible"  # 由市科委受理, 由市地方金融管理部门汇总
        if not before.strip("*") or re.fullmatch(r"(?:\*\*)?第[一二三四五六七八九十百零]+条[ \t\u3000]*", before):
            if _duty_later(text, end):
                return "responsible"
    return "mentioned"


def _keeps(name: _Name, role: str, home: Place | None) -> bool:
    """Whether a mention with this role is a party (GUIDELINES: what a party is)."""
    if role != "mentioned":
        if name.kind == "region" and home is not None and name.name in (home.short, home.full) and role != "addressee":
            return False  # the issuing region naming itself
        return True
    if name.generic or name.source == "group":
        return False  # a group that neither acts nor is addressed
    if name.kind == "region":
        return False  # a place used as a location
    if name.kind == "institution" and _FACILITY_NAME.search(name.name):
        return False  # a facility named as the place where something happens
    return True


def _issuer_spans(text: str) -> list[tuple[int, int]]:
    """Spans where a body is the issuer: the title line before 关于/印发, and a signature block."""
    spans: list[tuple[int, int]] = []
    if not holds_any(text, ("关于", "印发", "年")):
        return spans  # neither a title nor a signature block's date line
    lines = [(m.start(), m.end(), m.group()) for m in _LINE.finditer(text)]
    for start, _, line in lines:
        # Only a line with 关于 or 印发 can be a title (the pattern's lazy issuer would try 60 lengths).
        title = _TITLE_ISSUER.match(line) if "关于" in line or "印发" in line else None
        if title is not None and not line.lstrip("#* ").startswith(("关于", "印发")):
            spans.append((start + title.start("issuer"), start + title.end("issuer")))
    for index, (start, end, line) in enumerate(lines):
        if _DATE_LINE.match(line):
            block = index - 1
            while block >= 0 and 2 <= len(lines[block][2].strip()) <= 40 and re.fullmatch(
                    rf"[ \t\u3000]*[{HAN}()（）]+[ \t\u3000]*", lines[block][2]) and _UNIT_END.search(lines[block][2].strip()):
                spans.append((lines[block][0], lines[block][1]))
                block -= 1
    return spans


def find_parties(text: str, gazetteer: Gazetteer, home: Place | None = None,
                 mentions: Mentions | None = None) -> Iterator[PartyHit]:
    """Find organizations, regions and actor groups in a clause, with their roles.

    Args:
        text: canonical text of one clause (or a preamble / closing block).
        gazetteer: from :func:`load_gazetteer`.
        home: the document's own province or city (for 省… / 市… in English
            names, and to drop the issuing region naming itself).
        mentions: the document's memo of gazetteer mentions (:data:`Mentions`),
            shared by its clauses; None for a text read on its own.

    Returns:
        Hits in text order; ``text[h.start:h.end] == h.text``.

    Example:
        >>> g = load_gazetteer()
        >>> [(h.name, h.role) for h in find_parties("支持济南市、青岛市加快关键器件迭代升级", g)]
        [('济南', 'actor'), ('青岛', 'actor')]
    """
    addressees, covered = _addressees(text, gazetteer, home)
    annotated, annotation_spans = _annotations(text, gazetteer, home)
    candidates = _scan(text, gazetteer, home, mentions)
    if not (candidates or addressees or annotated):
        return iter(())  # no candidate and no list: the patterns below would have nothing to drop or place
    covered += annotation_spans
    excluded = [(m.start(), m.end()) for m in _WEB_HEADER.finditer(text)] if holds_any(text, _WEB_HEADER_WORDS) else []
    if "以下" in text:
        excluded += [(m.start(), m.end()) for m in _ALIAS.finditer(text)]
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)] if holds_any(text, "“《\"") else []
    issuer_spans = _issuer_spans(text)

    not_named = covered + excluded
    names = [n for n in candidates
             if not _inside(not_named, n.start, n.end) and not _is_dropped(text, n, quoted)]
    # A title's issuer is only names: 为深入贯彻落实党中央国务院关于… is no issuer line.
    issuer_spans = [(s, e) for s, e in issuer_spans if sum(
        n.end - n.start for n in names if s <= n.start and n.end <= e and n.kind in ("government", "party_organ")
    ) == len(re.sub(r"[\s#*、]", "", text[s:e]))]
    spans = [(n.start, n.end) for n in names]
    found = [h for h in addressees + annotated if not _inside(excluded, h.start, h.end)]
    for chain in _chains(text, names):
        role = _chain_role(text, chain, spans)
        for name in chain:
            own_role = role
            if name.kind in ("government", "party_organ") and _inside(issuer_spans, name.start, name.end):
                own_role = "issuer"
            elif role == "mentioned" and "牵头" in name.name:
                own_role = "lead"  # 会商机制牵头部门: the name itself says it leads
            if _keeps(name, own_role, home):
                found.append(_hit(text, name, own_role))
    # An iterator over the sorted list, not a generator resumed once per hit.
    return iter(sorted(found, key=lambda h: (h.start, h.end)))


def document_home(issuer: str | None, title: str | None, gazetteer: Gazetteer,
                  province: str | None = None, city: str | None = None) -> Place | None:
    """The document's own place: its city or province from metadata, else the first place in issuer or title."""
    places = gazetteer.grammar.places
    for named in (city, province):
        if named and named in places:
            return places[named]
    return gazetteer.grammar.place_in(issuer or "") or gazetteer.grammar.place_in(title or "")


def issuer_parties(issuer: str, gazetteer: Gazetteer) -> list[PartyHit]:
    """Split an issuer line into its organs, each with role ``issuer``.

    Offsets point into ``issuer``.

    Example:
        >>> [h.name for h in issuer_parties("中共山东省委 山东省人民政府", load_gazetteer())]
        ['中共山东省委', '山东省人民政府']
    """
    home = gazetteer.grammar.place_in(issuer)
    hits = []
    for start, end in _split_top_level(issuer, 0, len(issuer), " \t\u3000、，,"):
        unit = [n for n in _scan(issuer[:end], gazetteer, home) if n.start >= start]
        if len(unit) == 1 and (unit[0].start, unit[0].end) == (start, end):
            hits.append(_hit(issuer, unit[0], "issuer"))
        elif unit and (unit[0].start, unit[-1].end) == (start, end) and all(
                a.end == b.start for a, b in zip(unit, unit[1:])):
            # 中共四川省委四川省人民政府 written without a space.
            hits.extend(_hit(issuer, n, "issuer") for n in unit)
        else:
            name = issuer[start:end]
            hits.append(PartyHit(start, end, name, name, guess_kind(name, "government"), "issuer", ""))
    return hits

"""Responsible parties: gazetteer matching and role assignment inside one clause.

The gazetteer (``resources/gazetteer.csv``) is the only source of names; this
module holds the grammar that decides what role a matched name plays:

- ``addressee``: units on a recipients line (``各市(州)人民政府，省政府各部门、
  各直属机构，有关单位：``) or a cc line (``抄送：``), one row per unit.
- ``lead`` / ``responsible``: explicit annotations (``(牵头单位：…；责任单位：…)``)
  and subjects of ``…牵头`` / ``…负责``.
- ``actor``: the subject of ``支持X…`` / ``鼓励X…`` / ``引导X…`` / ``推动X…`` and
  the subject of an obligation (``各地要…``).
- ``mentioned``: everything else.
- ``issuer`` comes from document metadata through :func:`issuer_parties`.

Named free-trade zones such as ``中国(四川)自由贸易试验区`` are kind
``institution``: they act through their own management body, are not an
administrative division, and the province in their name is not a party.
Named facilities (labs, computing centres, exchanges, parks, platforms) are
kind ``institution`` too, so that the city in ``成都超算中心`` is never read as
the region acting.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from pipeline.config import RESOURCES_DIR
from pipeline.extract.party_patterns import actor_groups, named_facilities

GAZETTEER_PATH = RESOURCES_DIR / "gazetteer.csv"

KINDS = ("government", "party_organ", "region", "enterprise", "financial", "institution")
ROLES = ("issuer", "addressee", "lead", "responsible", "actor", "mentioned")


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One organization, place or actor group with its canonical Simplified name."""

    name: str
    kind: str
    name_en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Gazetteer:
    """Entries plus a surface-form index for longest-match lookup."""

    entries: tuple[GazetteerEntry, ...]
    by_surface: Mapping[str, GazetteerEntry]
    # For each first character, the surface lengths starting with it, longest
    # first: matching tries only lengths that can succeed.
    lengths_by_first_char: Mapping[str, tuple[int, ...]]

    def lookup(self, surface: str) -> GazetteerEntry | None:
        """The entry whose name or alias is exactly ``surface``, if any."""
        return self.by_surface.get(surface)

    def surfaces(self) -> tuple[str, ...]:
        """Every name and alias form, sorted (for the jieba user dictionary)."""
        return tuple(sorted(self.by_surface))

    def match_at(self, text: str, start: int) -> tuple[int, GazetteerEntry] | None:
        """The longest surface starting at ``start``: (end, entry), or None."""
        remaining = len(text) - start
        for length in self.lengths_by_first_char.get(text[start], ()):
            if length > remaining:
                continue
            entry = self.by_surface.get(text[start : start + length])
            if entry is not None:
                return start + length, entry
        return None


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
        The gazetteer, indexed for longest-match scanning.

    Raises:
        ValueError: a row has an unknown kind, or two entries claim the same
            surface form (the file is named in the message).
    """
    path = Path(path) if path is not None else GAZETTEER_PATH
    entries: list[GazetteerEntry] = []
    by_surface: dict[str, GazetteerEntry] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            entry = GazetteerEntry(row["name"].strip(), row["kind"].strip(), row["name_en"].strip(), aliases)
            if entry.kind not in KINDS:
                raise ValueError(f"{path}:{line_no}: unknown kind {entry.kind!r}")
            entries.append(entry)
            for surface in (entry.name, *entry.aliases):
                for variant in _surface_variants(surface):
                    owner = by_surface.setdefault(variant, entry)
                    if owner is not entry:
                        raise ValueError(
                            f"{path}:{line_no}: {variant!r} already belongs to {owner.name!r}"
                        )
    lengths: dict[str, set[int]] = {}
    for surface in by_surface:
        lengths.setdefault(surface[0], set()).add(len(surface))
    return Gazetteer(
        entries=tuple(entries),
        by_surface=MappingProxyType(by_surface),
        lengths_by_first_char=MappingProxyType(
            {char: tuple(sorted(ls, reverse=True)) for char, ls in lengths.items()}
        ),
    )


# --- grammar ---------------------------------------------------------------

# Verbs whose object is the acting party: 支持成都优化算力结构 -> 成都 acts.
# 组织 and 招引 are not among them: 招引人工智能头部企业 brings the enterprise in,
# the enterprise does not act (GUIDELINES).
_ACTOR_TRIGGERS = re.compile(r"支持|鼓励|引导|推动|督促|指导|帮助|调动")
# Words that, between a trigger and a name, show the name is the object of a
# nested verb or a preposition (推动建设四川省能源大数据中心), not the actor.
_NESTED_VERBS = re.compile(
    r"建设|开展|实施|打造|构建|加快|形成|推进|提升|参与|培育|引进|完善|落实|开放|加强|深化"
    r"|建立|设立|发挥|提供|实现|促进|推广|探索|制定|运用|利用|融入|对接|围绕|面向|通过|依托"
    r"|按照|结合|针对|投资|开发|挖掘|[在向对为将把从以]"
)
_MAX_TRIGGER_GAP = 10
# Between two names of one enumeration: 东营、烟台 / 金融机构和社会资本 /
# 领导小组办公室(省发展改革委) / 龙头企业、知名高校院所.
_CHAIN_GAP = re.compile(r"(?:[、和及与或(]|以及)[^，。；：！？\n、]{0,6}")
# Places listed with their industries act together: 支持九江电子元器件、抚州大数据.
_REGION_CHAIN_GAP = re.compile(r"[^，。；：！？\n、]{1,8}、")
# 推动国家新型互联网交换中心建设: the name is the object of the noun 建设.
_NOMINAL_OBJECT = re.compile(r"(?:等[^，。；]{0,10})?(?:建设|运营|落地)(?=[，。；]|$)")
# 支持各地各类算力资源接入: 各地 qualifies the resources, which are the object.
_QUALIFIER_AFTER = re.compile(r"各类|的")
# Sentence pieces: a role is read inside the clause piece that holds the name.
_PIECE_BOUNDARY = re.compile(r"[，,。；;：:！？!?\n(（]")
_SUBJECT_LEAD_IN = re.compile(r"(?:同时|并由|由|其中)?")
# 各地要…, 各部门应…; not 要素, 应用, 应急.
_OBLIGATION = re.compile(r"[)）]?等?(?:要(?![素求])|应当|应(?![用急对])|须|必须)")
_RESPONSIBLE_WORD = re.compile(r"负责(?![制人])|配合(?!下)")
# Quoted programme names and titles: 数字四川, “光网四川”, 《四川省…目录》.
_QUOTED = re.compile(r"“[^”\n]*”|《[^》\n]*》|\"[^\"\n]*\"")
# A name run on into an event: 中小微企业云服务大会, 中国国际软件合作洽谈会.
_EVENT_AFTER = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{0,8}?(?:大会|博览会|洽谈会|论坛|峰会|年会)")
_SLOGAN_PREFIXES = ("数字", "智联", "智慧", "全景", "计算", "连接", "感知", "工赋")

_ANNOTATION = re.compile(
    r"(?P<label>牵头单位|牵头部门|责任单位|责任部门|负责单位|配合单位|配合部门)[：:]"
    r"(?P<units>(?:[^：:；;。()（）\n]|[(（][^()（）\n]*[)）])+)"
)
_UNIT_SEPARATORS = re.compile(r"[、，,]")

_ADDRESSEE_LINE = re.compile(r"^[ \t\u3000]*(?:主送[：:])?(?P<body>[^。：:\n]{2,120})[：:][ \t\u3000]*$", re.M)
_CC_LINE = re.compile(r"^[ \t\u3000]*抄送[：:](?P<body>[^\n]+?)[。.]?[ \t\u3000]*$", re.M)
_ADMIN_HEADS = ("人民政府", "政府", "部门", "直属机构", "机构", "单位")
_UNIT_END = re.compile(r"(?:政府|部门|机构|单位|办公厅|机关|委|厅|局|院|办|战区|军区|领导小组)$")


def _guess_kind(surface: str) -> str:
    """Kind of a unit the gazetteer does not know, from its head noun."""
    if re.search(r"党委|省委|市委|县委|宣传部|组织部|网信办|纪委", surface):
        return "party_organ"
    if re.search(r"银行|金融|基金|资本", surface):
        return "financial"
    if re.search(r"企业|公司|集团", surface):
        return "enterprise"
    if re.search(r"政府|部门|直属机构|厅|委|局|办|部$", surface):
        return "government"
    return "institution"


def _hit(text: str, start: int, end: int, role: str, entry: GazetteerEntry | None, name: str | None = None) -> PartyHit:
    surface = text[start:end]
    if entry is None:
        resolved = name or surface
        return PartyHit(start, end, surface, resolved, _guess_kind(resolved), role, "")
    return PartyHit(start, end, surface, entry.name, entry.kind, role, entry.name_en)


def _scan(text: str, gazetteer: Gazetteer, start: int = 0, end: int | None = None) -> list[tuple[int, int, GazetteerEntry]]:
    """Leftmost-longest matches: a name inside a longer name is not a match."""
    end = len(text) if end is None else end
    found = []
    i = start
    while i < end:
        match = gazetteer.match_at(text, i)
        if match is not None and match[0] <= end:
            found.append((i, match[0], match[1]))
            i = match[0]
        else:
            i += 1
    return found


def _known_name_end(text: str, gazetteer: Gazetteer, position: int) -> int | None:
    """End of a gazetteer place or enterprise at ``position``: the proper-name prefix of a facility."""
    match = gazetteer.match_at(text, position)
    if match is None or match[1].kind not in ("region", "enterprise"):
        return None
    # Proper names only (中国电信, 成都), not groups (龙头企业, 各市): the
    # gazetteer capitalizes the English name of a proper noun.
    return match[0] if match[1].name_en[:1].isupper() else None


def _pattern_matches(
    text: str, gazetteer: Gazetteer, known: list[tuple[int, int, GazetteerEntry]]
) -> list[tuple[int, int, GazetteerEntry]]:
    """Actor groups and named facilities the gazetteer does not already name, leftmost-longest."""
    candidates = [
        *named_facilities(text, lambda i: _known_name_end(text, gazetteer, i)),
        *actor_groups(text),
    ]
    kept: list[tuple[int, int, GazetteerEntry]] = []
    for start, end, name, kind in sorted(candidates, key=lambda c: (c[0], -c[1])):
        if kept and start < kept[-1][1]:
            continue
        # A known name that the candidate only partly covers, or that ends it
        # (五大支柱产业龙头企业 is 龙头企业), wins over the pattern.
        if any(s < start < e or s < end < e or (s <= start and end <= e) for s, e, _ in known):
            continue
        if kind != "institution" and any(e == end for _, e, _ in known):
            continue
        kept.append((start, end, GazetteerEntry(name, kind, "")))
    return kept


def _scan_with_patterns(text: str, gazetteer: Gazetteer) -> list[tuple[int, int, GazetteerEntry]]:
    """Gazetteer names plus pattern names; a place inside a pattern name is not a party."""
    known = _scan(text, gazetteer)
    extra = _pattern_matches(text, gazetteer, known)
    known = [k for k in known if not any(s <= k[0] and k[1] <= e for s, e, _ in extra)]
    return sorted(known + extra, key=lambda m: m[0])


def _split_top_level(text: str, start: int, end: int, separators: str) -> list[tuple[int, int]]:
    """Split text[start:end] on separators outside parentheses: 县(市、区) stays whole."""
    parts, depth, piece_start = [], 0, start
    for i in range(start, end):
        char = text[i]
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        elif char in separators and depth == 0:
            parts.append((piece_start, i))
            piece_start = i + 1
    parts.append((piece_start, end))
    return [(s, e) for s, e in ((_strip(text, s, e)) for s, e in parts) if e > s]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\u3000":
        start += 1
    while end > start and text[end - 1] in " \t\u3000。.":
        end -= 1
    return start, end


def _expanded_forms(part: str, first: str, last: str) -> list[str]:
    """Readings of a recipient that shares its head or prefix with its neighbours.

    ``各市(州)、县(市、区)人民政府`` means 各市(州)人民政府 and 各县(市、区)人民政府;
    ``省政府各部门、各直属机构`` means 省政府各直属机构. Most specific first.
    """
    forms = [part]
    head = next((h for h in _ADMIN_HEADS if last.endswith(h)), "")
    if head and not any(part.endswith(h) for h in _ADMIN_HEADS):
        forms.insert(0, part + head)
    prefix = next((p for p in ("省人民政府", "省政府", "市人民政府", "市政府") if first.startswith(p)), "")
    for form in list(forms):
        if prefix and not form.startswith(prefix):
            forms.insert(0, prefix + form)
        if first.startswith("各") and not form.startswith(("各", "有关", "省", "市")):
            forms.insert(0, "各" + form)
    return forms


def _unit_groups(text: str, start: int, end: int) -> list[list[tuple[int, int]]]:
    """Units of a list: groups split on "，", units inside a group on "、"."""
    return [
        _split_top_level(text, s, e, "、")
        for s, e in _split_top_level(text, start, end, "，,")
    ]


def _unit_hits(text: str, groups: list[list[tuple[int, int]]], role: str, gazetteer: Gazetteer) -> list[PartyHit]:
    """One hit per listed unit, resolving heads and prefixes shared inside a group."""
    hits = []
    for units in groups:
        first, last = text[units[0][0] : units[0][1]], text[units[-1][0] : units[-1][1]]
        for start, end in units:
            part = text[start:end]
            if part.endswith("等") and len(part) > 1:
                end -= 1
                part = part[:-1]
            forms = _expanded_forms(part, first, last)
            entry = next((e for e in map(gazetteer.lookup, forms) if e is not None), None)
            if entry is None:
                inner = _scan(text, gazetteer, start, end)
                if inner:
                    # A unit with a trailing remark (省财政厅按职责分工) keeps the names in it.
                    hits.extend(_hit(text, s, e, role, en) for s, e, en in inner)
                    continue
            hits.append(_hit(text, start, end, role, entry, name=forms[0]))
    return hits


def _is_recipients(text: str, groups: list[list[tuple[int, int]]]) -> bool:
    """Every unit, read with its group's shared head, names an administrative unit."""
    for units in groups:
        first, last = text[units[0][0] : units[0][1]], text[units[-1][0] : units[-1][1]]
        for start, end in units:
            if not _UNIT_END.search(_expanded_forms(text[start:end], first, last)[0]):
                return False
    return bool(groups)


def _addressee_hits(text: str, gazetteer: Gazetteer) -> tuple[list[PartyHit], list[tuple[int, int]]]:
    hits, covered = [], []
    for match in _ADDRESSEE_LINE.finditer(text):
        groups = _unit_groups(text, match.start("body"), match.end("body"))
        if _is_recipients(text, groups):
            hits.extend(_unit_hits(text, groups, "addressee", gazetteer))
            covered.append((match.start(), match.end()))
    for match in _CC_LINE.finditer(text):
        groups = _unit_groups(text, match.start("body"), match.end("body"))
        if groups:
            hits.extend(_unit_hits(text, groups, "addressee", gazetteer))
            covered.append((match.start(), match.end()))
    return hits, covered


def _annotation_hits(text: str, gazetteer: Gazetteer) -> tuple[list[PartyHit], list[tuple[int, int]]]:
    hits, covered = [], []
    for match in _ANNOTATION.finditer(text):
        role = "lead" if match.group("label").startswith("牵头") else "responsible"
        groups = _unit_groups(text, match.start("units"), match.end("units"))
        # Each unit of an annotation stands alone: no shared heads to distribute.
        singles = [[unit] for units in groups for unit in units]
        hits.extend(_unit_hits(text, singles, role, gazetteer))
        covered.append((match.start(), match.end()))
    return hits, covered


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _is_dropped(text: str, start: int, end: int, entry: GazetteerEntry, quoted: list[tuple[int, int]]) -> bool:
    """Matches that are not parties: inside a quoted name, a qualifier, a list's category noun."""
    if _inside(quoted, start, end) and not _is_quoted_facility(text, start, end, entry):
        return True
    if _EVENT_AFTER.match(text, end):
        return True  # 中小微企业云服务大会: the name belongs to the event
    if entry.kind == "region":
        # 国家碳计量中心(山东): the bracketed place qualifies the name before it.
        if 0 < start and text[start - 1] in "(（" and end < len(text) and text[end] in ")）":
            return True
        # 四川省数据企业培育认定方案, 江西省数据条例: a province written in
        # full and run on into more words begins a name, not a party.
        if text[start:end].endswith("省") and end < len(text) and ("\u4e00" <= text[end] <= "\u9fff" or text[end] == "“"):
            return True
        # 数字四川, 智联江西: a programme slogan, not the province.
        if text[max(0, start - 2) : start] in _SLOGAN_PREFIXES:
            return True
        # 攀枝花、内江、雅安等市(州): 市(州) names the category of the list.
        if start > 0 and text[start - 1] == "等" and entry.name.startswith("各"):
            return True
    return False


def _is_quoted_facility(text: str, start: int, end: int, entry: GazetteerEntry) -> bool:
    """A facility or group that fills its quotes is still a party: “天府无线通信谷”, “独角兽企业”.

    A place in quotes is a slogan (“光网四川”), which this does not cover.
    """
    return entry.kind in ("institution", "enterprise") and start > 0 and text[start - 1] == "“" and text[end : end + 1] == "”"


def _piece_start(text: str, position: int) -> int:
    boundaries = [m.end() for m in _PIECE_BOUNDARY.finditer(text, 0, position)]
    return boundaries[-1] if boundaries else 0


def _piece_end(text: str, position: int) -> int:
    match = _PIECE_BOUNDARY.search(text, position)
    # A bracket opening right after the name belongs to it (办公室(省发展改革委)).
    while match is not None and match.group() in "(（" and match.start() == position:
        match = _PIECE_BOUNDARY.search(text, match.end())
    return match.start() if match else len(text)


def _chains(text: str, matches: list[tuple[int, int, GazetteerEntry]]) -> list[list[tuple[int, int, GazetteerEntry]]]:
    """Group adjacent names joined by 、/和/及/与 (an enumeration acts together)."""
    chains: list[list[tuple[int, int, GazetteerEntry]]] = []
    for match in matches:
        if chains:
            gap = text[chains[-1][-1][1] : match[0]]
            if gap == "" or (_CHAIN_GAP.fullmatch(gap) and not _NESTED_VERBS.search(gap[1:])):
                chains[-1].append(match)
                continue
            if (
                match[2].kind == chains[-1][-1][2].kind == "region"
                and _REGION_CHAIN_GAP.fullmatch(gap)
                and not _NESTED_VERBS.search(gap)
                and not _ACTOR_TRIGGERS.search(gap)
            ):
                chains[-1].append(match)
                continue
        chains.append([match])
    return chains


def _is_trigger_object(text: str, chain_start: int, piece_start: int, hit_spans: list[tuple[int, int]]) -> bool:
    """True when the chain is the object of 支持/鼓励/引导/推动 in its piece."""
    for trigger in _ACTOR_TRIGGERS.finditer(text, piece_start, chain_start):
        if _inside(hit_spans, trigger.start(), trigger.end()):
            continue  # 引导 inside 省现代产业发展引导基金 is part of a name
        gap = text[trigger.end() : chain_start]
        if len(gap) <= _MAX_TRIGGER_GAP and not _NESTED_VERBS.search(gap) and not _ACTOR_TRIGGERS.search(gap):
            return True
    return False


def _chain_role(text: str, chain: list[tuple[int, int, GazetteerEntry]], hit_spans: list[tuple[int, int]]) -> str:
    start, end = chain[0][0], chain[-1][1]
    piece_start = _piece_start(text, start)
    if text[max(piece_start, start - 2) : start] == "会同":
        return "responsible"  # 办公室要会同有关部门…: the departments work with the lead
    after = text[end : _piece_end(text, end)]
    if _is_trigger_object(text, start, piece_start, hit_spans):
        if _NOMINAL_OBJECT.match(after) or _QUALIFIER_AFTER.match(after):
            return "mentioned"
        return "actor"
    if _SUBJECT_LEAD_IN.fullmatch(text[piece_start:start]):
        if "牵头" in after:
            return "lead"
        if _RESPONSIBLE_WORD.search(after):
            return "responsible"
        if _OBLIGATION.match(after):
            return "actor"
    return "mentioned"


def find_parties(text: str, gazetteer: Gazetteer) -> Iterator[PartyHit]:
    """Find organizations, regions and actor groups in a clause, with their roles.

    Args:
        text: canonical text of one clause (or a preamble / closing block).
        gazetteer: from :func:`load_gazetteer`.

    Returns:
        Hits in text order; ``text[h.start:h.end] == h.text``.

    Example:
        >>> g = load_gazetteer()
        >>> [(h.name, h.role) for h in find_parties("支持济南市、青岛市加快关键器件迭代升级", g)]
        [('济南', 'actor'), ('青岛', 'actor')]
    """
    addressees, covered = _addressee_hits(text, gazetteer)
    annotated, annotation_spans = _annotation_hits(text, gazetteer)
    covered += annotation_spans
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]

    matches = [
        (s, e, entry)
        for s, e, entry in _scan_with_patterns(text, gazetteer)
        if not _inside(covered, s, e) and not _is_dropped(text, s, e, entry, quoted)
    ]
    hit_spans = [(s, e) for s, e, _ in matches]
    found = addressees + annotated
    for chain in _chains(text, matches):
        role = _chain_role(text, chain, hit_spans)
        for start, end, entry in chain:
            # 会商机制牵头部门: the name itself says it leads.
            own_role = "lead" if role == "mentioned" and "牵头" in entry.name else role
            found.append(_hit(text, start, end, own_role, entry))
    yield from sorted(found, key=lambda h: (h.start, h.end))


def issuer_parties(issuer: str, gazetteer: Gazetteer) -> list[PartyHit]:
    """Split an issuer line into its organs, each with role ``issuer``.

    Offsets point into ``issuer``.

    Example:
        >>> [h.name for h in issuer_parties("中共山东省委 山东省人民政府", load_gazetteer())]
        ['中共山东省委', '山东省人民政府']
    """
    units = _split_top_level(issuer, 0, len(issuer), " \t\u3000、，,")
    hits = []
    for start, end in units:
        entry = gazetteer.lookup(issuer[start:end])
        if entry is None:
            inner = _scan(issuer, gazetteer, start, end)
            if len(inner) == 1 and inner[0][:2] == (start, end):
                entry = inner[0][2]
            elif inner and (inner[0][0], inner[-1][1]) == (start, end) and all(
                a[1] == b[0] for a, b in zip(inner, inner[1:])
            ):
                # 中共四川省委四川省人民政府 written without a space.
                hits.extend(_hit(issuer, s, e, "issuer", en) for s, e, en in inner)
                continue
        hits.append(_hit(issuer, start, end, "issuer", entry))
    return hits

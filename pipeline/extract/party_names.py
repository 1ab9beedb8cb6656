"""Names of government bodies and party organs composed from their parts.

A Chinese government body's name is compositional::

    [quantifier] prefix  core
    各           省      发展和改革 委员会      (domain + organ suffix)
                 宁波市  发改委                 (an abbreviated core)
                 浦东新区 政府                  (a government)
                 市      委 宣传部              (a party organ)

- prefix: a named place (``places.csv``: 浙江省, 宁波市, 浦东新区, and the
  short forms of provinces and cities: 浙江, 宁波) or a level (国家, 国务院,
  中央, 省, 自治区, 市, 州, 盟, 县, 区, 旗, 乡, 镇, 县级以上人民政府,
  各省、自治区、直辖市);
- core: a functional domain (``domains.csv``: 发展和改革, 审批服务, 大数据…)
  with an organ suffix (``suffixes.csv``: 委员会, 厅, 局, 办公室, 中心,
  主管部门…), or an abbreviated core (``abbreviations.csv``: 发改委, 科委,
  住建局, 人民政府, 海关, 管委会…), or a party organ (``party_organs.csv``:
  委, 委宣传部, 纪委监委…).

The tables are scanned by Aho-Corasick automata (:class:`WordScanner`, in
Rust): the places for leftmost-longest matches, the cores for the positions
where one can start, so that the regular expression composed from the tables
(a trie of each table's words, the longest word first) is tried only there.
The canonical name keeps the
level as written (市发改委 → 市发展改革委, never 发展改革委) with the
abbreviations expanded (市科委 → 市科学技术委员会); the English name is
composed from the same parts and the document's own province or city.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

from pipeline.chinese import HAN
from pipeline.config import RESOURCES_DIR
from pipeline.patterns import trie_regex

TABLES_DIR = RESOURCES_DIR / "parties"


class WordScanner:
    """Where the words of a table occur in a text, found by an Aho-Corasick automaton.

    :meth:`find` gives the matches of ``re.finditer`` over :func:`pipeline.patterns.trie_regex`
    of the same words (leftmost, the longest word at each start, not
    overlapping), in one pass in Rust instead of trying the trie at every
    position; :meth:`starts` gives every position where a word starts.

    Example:
        >>> WordScanner(["省政府", "省政府办公厅", "政府"]).find("省政府办公厅、市政府")
        [(0, 6, '省政府办公厅'), (8, 10, '政府')]
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(sorted({word for word in words if word}))
        self._longest = AhoCorasick(self.words, matchkind=MatchKind.LeftmostLongest, implementation=Implementation.DFA)
        self._every: AhoCorasick | None = None  # built on the first call to starts()
        self._span = max(map(len, self.words), default=0)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Leftmost-longest matches: (start, end, word), in text order."""
        return [(start, end, self.words[index]) for index, start, end in self._longest.find_matches_as_indexes(text)]

    def match(self, text: str, position: int) -> tuple[int, int, str] | None:
        """The longest word starting at ``position``, like ``re.match`` of the trie."""
        found = self._longest.find_matches_as_indexes(text[position:position + self._span])
        if not found or found[0][1] != 0:
            return None
        index, _, end = found[0]
        return position, position + end, self.words[index]

    def search(self, text: str) -> tuple[int, int, str] | None:
        """The first match, like ``re.search`` of the trie."""
        found = self._longest.find_matches_as_indexes(text)
        return (found[0][1], found[0][2], self.words[found[0][0]]) if found else None

    def starts(self, text: str) -> list[int]:
        """Every position where a word starts, overlapping words included, in order."""
        if self._every is None:
            self._every = AhoCorasick(self.words, implementation=Implementation.DFA)
        return sorted({start for _, start, _ in self._every.find_matches_as_indexes(text, overlapping=True)})


def finditer_at(pattern: re.Pattern, text: str, starts: Iterable[int], start: int, end: int) -> Iterator[re.Match]:
    """``pattern.finditer(text, start, end)`` for a pattern whose matches can only begin at ``starts``.

    The positions between them are never tried: where the pattern's every
    alternative begins with a word of a table, :meth:`WordScanner.starts` of
    that table gives the same matches as the plain scan.
    """
    position = start
    for candidate in starts:
        if candidate < position:
            continue
        if candidate >= end:
            break
        match = pattern.match(text, candidate, end)
        if match is not None:
            yield match
            position = match.end()


@dataclass(frozen=True, slots=True)
class Place:
    """A province, city or district: full name, short name, level, English name."""

    full: str
    short: str
    level: str
    province: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Core:
    """The part of a name after its prefix: canonical form, kind, English pattern."""

    canonical: str
    kind: str
    name_en: str  # with {p} for the prefix's English (and {d} for a domain)


@dataclass(frozen=True, slots=True)
class Body:
    """A body found in a text, with the parts it was composed from."""

    start: int
    end: int
    name: str
    kind: str
    name_en: str
    prefix: str  # canonical prefix (市, 上海市, 各区): shared by the next units of a list


def _rows(folder: Path, name: str) -> list[dict]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# Prefix levels, with the English adjective they take (the place's name is put
# in front when the document or the text names it).
_LEVELS = {
    "国家": "National", "国务院": "State Council", "中央": "Central", "省": "Provincial",
    "自治区": "Autonomous Regional", "市": "Municipal", "州": "Prefectural", "盟": "League",
    "县": "County", "区": "District", "旗": "Banner", "乡": "Township", "镇": "Town",
    "乡镇": "Township",
}
_LEVEL_OF_PLACE = {"province": "省", "municipality": "市", "autonomous_region": "自治区", "city": "市",
                   "district": "区", "prefecture": "州", "sar": "", "corps": ""}
_ADJECTIVE_OF_LEVEL = {"province": "Provincial", "municipality": "Municipal", "autonomous_region": "Autonomous Region",
                       "city": "Municipal", "district": "District", "prefecture": "Prefecture", "sar": "SAR",
                       "corps": ""}
_QUANTIFIERS = ("各有关", "各相关", "各", "有关", "相关")
_MULTI_PREFIXES = {"省、自治区、直辖市": "provincial-level", "县级以上人民政府": "people's governments at or above the county level",
                   "县级以上地方人民政府": "local people's governments at or above the county level",
                   "县级以上各级人民政府": "people's governments at or above the county level",
                   "设区的市级以上人民政府": "people's governments of cities with districts and above"}
# Suffixes that make a name without a prefix a body (公安机关, 市场监督管理部门).
_BARE_SUFFIXES = ("部门", "主管部门", "行政主管部门", "管理部门", "机关")


@dataclass(frozen=True, slots=True, eq=False)
class NameGrammar:
    """The compiled tables: one regex for bodies, one for a list's next unit."""

    places: dict[str, Place]  # by full and by short name
    domains: dict[str, tuple[str, str]]  # surface -> (canonical, English)
    suffixes: dict[str, Core]
    abbreviations: dict[str, Core]
    organs: dict[str, Core]
    body: re.Pattern  # prefix + core, for a whole unit of a list
    head: re.Pattern  # a core alone: what the scan looks for
    head_words: WordScanner  # the words a core starts with
    place_words: WordScanner  # places by full and by short name
    prefix: re.Pattern  # a prefix ending where a core starts
    continuation: re.Pattern
    zone: re.Pattern
    bank: re.Pattern

    def find(self, text: str, home: Place | None = None, start: int = 0, end: int | None = None) -> list[Body]:
        """Bodies in ``text[start:end]``, leftmost-longest, with a list's shared prefix distributed.

        ``市住建局、审批服务局`` gives 市住房和城乡建设局 and 市审批服务局;
        ``国务院投资、电信、广播电视主管部门`` gives three 国务院…主管部门.
        """
        end = len(text) if end is None else end
        # The zone pattern tries its name's characters at every position; it needs an organ word
        # (every one holds 管). Every name of the central bank holds 行.
        zoned = "管" in text and any(organ in text for organ in _ZONE_ORGANS)
        found: list[Body] = [self._zone_body(m, home) for m in self.zone.finditer(text, start, end)] if zoned else []
        if "行" in text:
            found += [self._bank_body(m) for m in self.bank.finditer(text, start, end)]
        found.sort(key=lambda b: b.start)
        if found:
            # Zone bodies first; the rest of the text is searched around them.
            rest = []
            position = start
            for body in found:
                rest += self.find(text, home, position, body.start) if body.start > position else []
                position = body.end
            rest += self.find_plain(text, home, position, end)
            return sorted(found + rest, key=lambda b: b.start)
        return self.find_plain(text, home, start, end)

    def find_plain(self, text: str, home: Place | None, start: int, end: int) -> list[Body]:
        """:meth:`find` without the zone bodies.

        The scan looks for cores only (one trie, fast), then reads the prefix
        backwards from each core: a pattern that starts with optional parts
        would make the regex engine try every position of the text.
        """
        found: list[Body] = []
        position = start
        for head in finditer_at(self.head, text, self.head_words.starts(text), start, end):
            if head.start() < position:
                continue
            prefix = self.prefix.search(text, max(position, head.start() - _MAX_PREFIX), head.start())
            bodies = self._bodies(_Parts.of(head, prefix), home)
            if not bodies:
                continue
            found.extend(bodies)
            position = bodies[-1].end
            # A list's next units inherit the prefix: 市住建局、审批服务局.
            while position < end and text[position] in "、和及与":
                unit = self.continuation.match(text, position + 1, end)
                if unit is None or not unit.group("core_unit"):
                    break
                body = self._compose(unit.start(), unit.end(), bodies[-1].prefix, unit.group("core_unit"), home,
                                     tail=unit.group("tail_unit") or "")
                if body is None:
                    break
                found.append(body)
                position = body.end
        return found

    def resolve(self, unit: str, prefix: str = "", home: Place | None = None) -> Body | None:
        """A whole unit of a list (``审批服务局``), with the prefix of its list when it has none."""
        zone = self.zone.fullmatch(unit)
        if zone is not None:
            return self._zone_body(zone, home)
        match = self.body.fullmatch(unit)
        if match is not None:
            bodies = self._bodies(_Parts.of(match, match), home)
            if len(bodies) == 1:
                return bodies[0]
        unit_match = self.continuation.fullmatch(unit)
        if unit_match is not None and unit_match.group("core_unit"):
            return self._compose(0, len(unit), prefix, unit_match.group("core_unit"), home,
                                 tail=unit_match.group("tail_unit") or "")
        return None

    def _bank_body(self, match: re.Match) -> Body:
        """人行宁波市中心支行 → 中国人民银行宁波市中心支行, a branch of the central bank (not 宁波)."""
        place = self.places.get(match.group("bank_place") or "")
        branch = match.group("branch")
        english = {"中心支行": "Central Sub-branch", "分行": "Branch", "支行": "Sub-branch",
                   "营业管理部": "Business Management Department", "总部": "Head Office"}[branch]
        where = f"{place.name_en} " if place is not None else ""
        return Body(match.start(), match.end(), "中国人民银行" + (match.group("bank_place") or "") + branch,
                    "financial", f"{where}{english} of the People's Bank of China".strip(), "")

    def _zone_body(self, match: re.Match, home: Place | None) -> Body:
        """临港新片区管委会 → 临港新片区管理委员会: a zone's own administration."""
        organ = {"管委会": "管理委员会"}.get(match.group("zone_organ"), match.group("zone_organ"))
        # The zone's own name has no English in the tables: the gazetteer gives it where official.
        return Body(match.start(), match.end(), match.group("zone") + organ, "government", "", "")

    def _bodies(self, match: "_Parts", home: Place | None) -> list[Body]:
        prefix = (match.quant or "") + (match.pre or "")
        if match.organ:
            if not match.pre:
                return []
            core = self.organs[match.organ]
            return [self._make(match.start, match.end, prefix, core, None, home, party=True,
                               communist=bool(match.cpc))]
        domains = match.domains
        if domains:
            # 投资、电信、广播电视 + 主管部门: one body per domain.
            suffix = match.suffix
            if not prefix and suffix not in _BARE_SUFFIXES:
                return []
            pieces = list(re.finditer(r"[^、]+", domains))
            bodies = []
            for index, piece in enumerate(pieces):
                start = match.start if index == 0 else match.domains_start + piece.start()
                end = match.end if index == len(pieces) - 1 else match.domains_start + piece.end()
                body = self._domain_body(start, end, prefix, piece.group().rstrip("等"), suffix, home)
                if body is None:
                    return []
                bodies.append(body)
            return bodies
        core_text = match.core
        if not core_text:
            return []
        if not prefix and not any(core_text.endswith(s) for s in _BARE_SUFFIXES):
            return []
        body = self._compose(match.start, match.end, prefix, core_text, home, tail=match.tail or "")
        return [body] if body is not None else []

    def _domain_body(self, start: int, end: int, prefix: str, domain: str, suffix: str, home: Place | None) -> Body | None:
        if domain not in self.domains:
            return None
        canonical, english = self.domains[domain]
        core = self.suffixes[suffix]
        name_core = canonical + core.canonical
        return self._make(start, end, prefix, Core(name_core, core.kind, core.name_en.replace("{d}", english)), None, home)

    def _compose(self, start: int, end: int, prefix: str, core_text: str, home: Place | None, tail: str = "") -> Body | None:
        core = self.abbreviations.get(core_text)
        if core is None:
            split = _split_core(core_text, self.domains, self.suffixes)
            if split is None:
                return None
            domain, suffix = split
            canonical, english = self.domains[domain]
            template = self.suffixes[suffix]
            core = Core(canonical + template.canonical, template.kind, template.name_en.replace("{d}", english))
        return self._make(start, end, prefix, core, tail, home)

    def _make(self, start: int, end: int, prefix: str, core: Core, tail: str | None, home: Place | None,
              party: bool = False, communist: bool = False) -> Body:
        name = prefix + core.canonical + (tail or "")
        if communist:
            name = "中共" + name
        kind = "party_organ" if party else core.kind
        return Body(start, end, name, kind, self._english(prefix, core.name_en, home), prefix)

    @lru_cache(maxsize=4096)  # noqa: B019 - the grammar lives as long as the process (load_grammar is cached)
    def _english(self, prefix: str, template: str, home: Place | None) -> str:
        """The English name of a core's ``template`` after ``prefix``, in a document of ``home``.

        The same for every mention of the body in the document, so it is composed once.
        """
        bare_prefix = prefix[next((len(q) for q in _QUANTIFIERS if prefix.startswith(q)), 0):]
        if bare_prefix in _MULTI_PREFIXES and bare_prefix.startswith(("县级", "设区")):
            # 县级以上人民政府网信部门: the Cyberspace Affairs departments of people's governments at or above…
            template = template.replace("{p}", "").strip() + " of " + self.prefix_english(prefix, home)
        english = template.replace("{p}", self.prefix_english(prefix, home))
        english = english.replace("{P}", self.prefix_english(prefix, home, bare=True)).strip()
        return re.sub(r"\s+", " ", english).replace("the  ", "the ")

    def prefix_english(self, prefix: str, home: Place | None, bare: bool = False) -> str:
        """英 of a prefix: 省 in a Zhejiang document → Zhejiang Provincial; 宁波市 → Ningbo Municipal."""
        quantifier = next((q for q in _QUANTIFIERS if prefix.startswith(q)), "")
        rest = prefix[len(quantifier):]
        lead = "all " if quantifier.startswith("各") else "relevant " if quantifier else ""
        if rest in _MULTI_PREFIXES:
            return lead + _MULTI_PREFIXES[rest]
        place = self.places.get(rest)
        if place is not None:
            if bare or place.name_en.endswith(("Area", "District", "Zone", "Corps")):
                return lead + place.name_en
            return lead + (place.name_en + " " + _ADJECTIVE_OF_LEVEL.get(place.level, "")).strip()
        if rest in _LEVELS:
            adjective = _LEVELS[rest]
            named = self._home_for(rest, home)
            if named is not None and not quantifier:
                return named.name_en if bare else named.name_en + " " + adjective
            return lead + adjective
        return lead + rest

    def _home_for(self, level: str, home: Place | None) -> Place | None:
        """The document's own place at a level: 省 in a Zhejiang document is Zhejiang."""
        if home is None:
            return None
        if level in ("省", "自治区"):
            if home.level in ("province", "autonomous_region"):
                return home
            return self.places.get(home.province) if home.province else None
        if level == "市":
            return home if home.level in ("city", "municipality") else None
        if level == "区":
            return home if home.level == "district" else None
        return None

    def place_in(self, text: str) -> Place | None:
        """The first province, city or district named in ``text`` (a title or issuer line)."""
        found = self.place_words.search(text or "")
        return self.places[found[2]] if found else None


# A zone's own administration: 临港新片区管委会, 东方枢纽国际商务合作区管理局.
_ZONE_ORGANS = ("管委会", "管理委员会", "管理局", "管理办公室")
_MAX_PREFIX = 24  # characters a prefix may take before its core (各省、自治区、直辖市, 新疆生产建设兵团)


class _Parts(NamedTuple):
    """The parts of one name: from a prefix match and a core match, or from one whole-unit match.

    A tuple, made for every core found: a frozen dataclass would set each field through object.__setattr__.
    """

    start: int
    end: int
    cpc: str | None
    quant: str | None
    pre: str | None
    organ: str | None
    domains: str | None
    domains_start: int
    suffix: str | None
    core: str | None
    tail: str | None

    @classmethod
    def of(cls, head: re.Match, prefix: re.Match | None) -> "_Parts":
        # Both patterns name these groups (the body pattern all of them): one group() call each.
        cpc, quant, pre = prefix.group("cpc", "quant", "pre") if prefix is not None else (None, None, None)
        organ, domains, suffix, core, tail = head.group("organ", "domains", "suffix", "core", "tail")
        return cls(
            start=prefix.start() if pre else head.start(), end=head.end(),
            cpc=cpc, quant=quant, pre=pre, organ=organ, domains=domains,
            domains_start=head.start("domains") if domains else -1,
            suffix=suffix, core=core, tail=tail,
        )


def _split_core(core_text: str, domains: dict, suffixes: dict) -> tuple[str, str] | None:
    """Domain and suffix of a core: 审批服务局 → (审批服务, 局); longest domain first."""
    for cut in range(len(core_text) - 1, 0, -1):
        if core_text[:cut] in domains and core_text[cut:] in suffixes:
            return core_text[:cut], core_text[cut:]
    return None


@lru_cache(maxsize=4)
def load_grammar(tables_dir: Path | str | None = None) -> NameGrammar:
    """Read and compile the name tables under ``resources/parties/``.

    Raises:
        ValueError: a table row has an unknown kind (the file is named).
    """
    folder = Path(tables_dir) if tables_dir is not None else TABLES_DIR
    places: dict[str, Place] = {}
    for row in _rows(folder, "places.csv"):
        place = Place(row["full"], row["short"], row["level"], row["province"], row["name_en"])
        places.setdefault(place.full, place)
        places.setdefault(place.short, place)
    domains = {r["domain"]: (r["canonical"], r["name_en"]) for r in _rows(folder, "domains.csv")}
    suffixes = {r["suffix"]: Core(r["canonical"], r["kind"], r["name_en"]) for r in _rows(folder, "suffixes.csv")}
    abbreviations = {r["surface"]: Core(r["canonical"], r.get("kind") or "government", r["name_en"])
                     for r in _rows(folder, "abbreviations.csv")}
    organs = {r["surface"]: Core(r["canonical"], "party_organ", r["name_en"]) for r in _rows(folder, "party_organs.csv")}
    for table, entries in (("suffixes.csv", suffixes), ("abbreviations.csv", abbreviations)):
        for surface, core in entries.items():
            if core.kind not in ("government", "party_organ", "enterprise", "financial", "institution", "region"):
                raise ValueError(f"{folder / table}: {surface!r} has unknown kind {core.kind!r}")

    full_places = trie_regex(p.full for p in places.values())
    short_places = trie_regex(p.short for p in places.values() if p.short != p.full)
    # A one-character level never ends a word: 城市, 地区, 社区, 园区 are not prefixes.
    single = "".join(level for level in _LEVELS if len(level) == 1)
    levels = (trie_regex([level for level in [*_LEVELS, *_MULTI_PREFIXES] if len(level) > 1])
              + rf"|(?<![城都地社园湾山景街辖郊片厂矿校超夜股集门港学省])[{single}]")
    quantifier = "|".join(_QUANTIFIERS)
    domain = trie_regex(domains)
    suffix = trie_regex(suffixes)
    cores = trie_regex([*abbreviations, *(d + s for d in domains for s in suffixes)])
    organ = trie_regex(organs)
    # 公安厅(局), 市场监管局(厅、委): the variants a list gives in brackets stay in the name.
    tail = r"(?:\((?:厅|局|委|办)(?:、(?:厅|局|委|办))*\))"
    prefix = rf"(?:(?P<cpc>中共)?(?P<quant>{quantifier})?(?P<pre>{full_places}|{short_places}(?=(?:{cores})|委)|{levels}))"
    pattern = (
        rf"{prefix}?(?:(?P<organ>{organ})"
        rf"|(?P<domains>(?:(?:{domain})、)+(?:{domain})等?)(?P<suffix>{suffix})"
        rf"|(?P<core>{cores})(?P<tail>{tail})?)"
    )
    body = re.compile(pattern)
    # What each alternative of the head starts with: an organ, a domain opening a
    # list (网信、), a core; the head is tried only where one of them starts (finditer_at).
    head_words = [*organs, *(d + "、" for d in domains), *abbreviations, *(d + s for d in domains for s in suffixes)]
    head = re.compile(
        rf"(?P<organ>{organ})|(?P<domains>(?:(?:{domain})、)+(?:{domain})等?)(?P<suffix>{suffix})"
        rf"|(?P<core>{cores})(?P<tail>{tail})?"
    )
    # Searched back from a core: a lookahead on the characters a prefix starts
    # with rejects the other positions before the place trie is tried there.
    prefix_first = sorted({word[0] for word in ["中共", *_QUANTIFIERS, *places, *_LEVELS, *_MULTI_PREFIXES]})
    prefix_only = re.compile(rf"(?=[{re.escape(''.join(prefix_first))}])"
                             rf"(?P<cpc>中共)?(?P<quant>{quantifier})?(?P<pre>{full_places}|{short_places}|{levels})\Z")
    continuation = re.compile(rf"(?P<core_unit>{cores})(?P<tail_unit>{tail})?")
    # A zone's administration: 临港新片区管委会, 东方枢纽国际商务合作区管理局. The
    # zone's name starts after a separator, so a verb before it is never taken in.
    zone = re.compile(
        r"(?:(?<=[、，,。；;：:(（\n \u3000])|^)"
        rf"(?P<zone>[{HAN}()（）]{{2,16}}?(?:新片区|商务区|合作区|开发区|高新区|新区|园区|试验区|自贸区|保税区|示范区))"
        rf"(?P<zone_organ>{'|'.join(_ZONE_ORGANS)})"
    )
    bank = re.compile(
        rf"(?:中国人民银行|人民银行|人行)(?P<bank_place>{full_places}|{short_places})?"
        r"(?P<branch>中心支行|分行|支行|营业管理部|总部)"
    )
    return NameGrammar(places, domains, suffixes, abbreviations, organs, body, head, WordScanner(head_words),
                       WordScanner(places), prefix_only, continuation, zone, bank)

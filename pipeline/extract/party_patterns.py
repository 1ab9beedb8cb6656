"""Parties the gazetteer cannot list: actor groups and named facilities, by pattern.

Two kinds of name are open classes in policy text:

- actor groups, a type noun with a modifier: ``数字文创企业``, ``垂直行业企业``,
  ``第三方数据服务机构``, ``数字化解决方案供应商``, ``有条件的地区``,
  ``中西部地区``. The modifier runs back from the head noun to the verb,
  particle or separator before it (``培育一批具有较强引领带动作用的垂直行业企业``
  → ``垂直行业企业``).
- named facilities, a proper-name prefix and an institution suffix:
  ``天府数据中心集群``, ``中国电信云锦天府5G应用产业园``,
  ``国家数字服务出口基地``. The prefix is a place or enterprise the gazetteer
  knows or one of :data:`NAME_PREFIXES`; a generic ``数据中心集群`` or
  ``创新中心`` is not a party, nor is a quoted brand (``“山东通”协同办公平台``,
  GUIDELINES: brands are not parties).

Each candidate is ``(start, end, name, kind)``; the name is the text as written
(GUIDELINES: "else the text").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from pipeline.chinese import HAN

# Prefixes that make the following facility a proper name: 国家/全国 (but not
# the rank adjective 国家级), 省 (but not 省级/省内), 天府 (Sichuan's epithet),
# 黄河 (the river basin that names Shandong's platforms).
# Every alternative of the scanned patterns here starts with a literal character
# (a lookbehind is written after its literal: 省(?<![全…]省)), so that the regex
# engine skips, by their first character, the positions where none can start.
NAME_PREFIXES = re.compile(r"国家(?!级)|全国|省(?<![全我本外各分跨]省)(?![级内外市域])|天府|黄河")

_FACILITY_SUFFIX = re.compile(
    r"数据中心集群|集群|集聚区|聚集区|产业园|实验室|研究院|基地|通信谷|硅谷|示范区|试验区|先导区"
    r"|实验场|测试场|中心|平台|节点|走廊|智库"
)
# Every position where a suffix starts, overlapping ones included: the lookahead consumes nothing.
_FACILITY_SUFFIX_AT = re.compile(f"(?=({_FACILITY_SUFFIX.pattern}))")
# The run a facility name may span after its prefix.
_FACILITY_BODY = re.compile(rf"[{HAN}A-Za-z0-9“”·]+")
_MAX_FACILITY_BODY = 18
# Words that end a facility name's run to the left: a verb or particle there
# means the text before it is a clause, not part of the name.
_BODY_BREAK_WORDS = (
    "建设|打造|推进|推动|加快|支持|鼓励|引导|依托|发挥|争创|创建|布局|搭建|开放|提供|实施|开展|形成|争取"
    "|落户|引进|培育|用好|建好|深化|提升|完善|优化|加强|构建|聚焦|围绕|面向|和|与|及|等|的|在|为|以|向|了"
    "|首批|同类|重要|副|个"
).split("|")


def _first_chars(words: list[str]) -> str:
    """The characters ``words`` start with, for a lookahead in front of their alternation: the
    engine then rejects every other position at once instead of trying each word there."""
    return re.escape("".join(sorted({word[0] for word in words})))


_BODY_BREAKS = re.compile(rf"(?=[{_first_chars(_BODY_BREAK_WORDS)}0-9])(?:{'|'.join(_BODY_BREAK_WORDS)}|[0-9]+个)")

# Head nouns of actor groups and the kind they give.
_UNIT_MODIFIERS = "依托|牵头|责任|承担|申报|参与|合作|实施|建设|主管|成员|协作|配合|使用|运营|管理".split("|")
_GROUP_HEADS = re.compile(
    "|".join(word + "单位" for word in _UNIT_MODIFIERS) + "|党组织|实验室|委员会|各方"
    r"|企事业单位|企业|投资人|机构|供应商|服务商|集成商|生产商|运营商|经营主体|市场主体|创新主体|产业链主体|智库|党政机关"
    r"|高校院所|高校|院校|学校|科研院所|单位|组织(?<!牵头组织)(?=[，。；、在和与等])|社会力量|社会资本|金融资本|市场力量|基金会|基金(?!会)"
    r"|提供者|生产者|组装者|销售者|场所|孵化器|公司|银行|媒体|联合体|电商平台|交易平台|互联网平台|政府(?<=[与和、]政府)(?=[、和与]|深入|合作)"
)
_MAX_MODIFIER = 14
# Where a group's modifier starts: after a verb, particle, measure word or separator.
_BREAK_WORDS = (
    "支持|鼓励|引导|推动|督促|培育|培强|培优|引进|引培|吸引|招引|打造|遴选|组织|推进|加大|加快|扶持|帮助"
    "|带动|促进|调动|规范|服务于|聚集|集聚|汇聚|面向|包括|涌现|新增|组建|发展|落户|对接|联合|依托|利用|发挥"
    "|完善|构建|提升|探索|开展|做好|实施|创建|积极|结合|回应|建立|支撑|赋能|激发|保障|推广|引领|运用"
    "|强化|整合|加强|深化|优化|统筹|健全|培训|指导|服务好|吸纳|接入|参与|建设|争创|创建|申建|选树|遴选"
    "|设立|壮大|做强|做大|直销|通知|应当|不得|可以|部门|会同|形成|协同|配合|降低|提高|委托|减轻|减少|增加|具有|具备"
    "|一批|一流|更多|左右|多家|以上"
).split("|")
_BREAK_PARTICLES = "的和与及或等为对向在了由把将让使是"
_NOT_WORD = rf"[^{HAN}A-Za-z0-9“”]"
_MODIFIER_BREAKS = re.compile(
    rf"(?={_NOT_WORD}|[{_first_chars(_BREAK_WORDS)}0-9{_BREAK_PARTICLES}])"
    rf"(?:{_NOT_WORD}|{'|'.join(_BREAK_WORDS)}|[0-9]+[家个]|[{_BREAK_PARTICLES}])"
)
# Modifiers that do not make a group: 企业 alone, 本企业, 各类企业, 相关企业.
_EMPTY_MODIFIERS = re.compile(
    r"(?:本|该|各类?|相关|有关|广大|其他|全省|我省|全国|省内外|国内外|上下游|中外|全球|重点|区内|数字|层级|国家级.*)?"
)
# Compounds where the head is not an actor: 企业上云, 机构改革, 媒体融合.
_NOT_GROUP_AFTER = re.compile(r"上云|用云|改革|融合|监督|服务(?![商机])|家|所得税|专家|用户|评价|内部|自身|名单|总部|类型|法|技术中心|中心|保险监管|业监管|规范|名称")

# 有条件的地区 / 具备条件的城市 / 有条件的市 (but 有条件的市(州) is the
# gazetteer's 各市(州)); 中部地区, 清洁能源富集地区, “长珠闽”地区.
_CAPABLE_PLACES = re.compile(r"(?:有条件|具备条件|符合条件)的(?:地区|城市|市[(（]州[)）]|市|区|县)")
_AREA = re.compile(rf"(?:“[^”\n]{{1,8}}”|[{HAN}]{{2,8}}?)地区")
_AREA_BREAKS = re.compile(r"支持|鼓励|引导|推动|承接|向|与|和|及|、|在|到|达到|的|本")


# The kind of a name nobody lists, from the words in it: the first row that
# matches wins (党委 before 委, 银行 before 企业, 监管 before 机构).
KIND_RULES: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(pattern), kind) for pattern, kind in (
    (r"基金$", "financial"),
    (r"基金会$", "institution"),
    (r"党委|党组|[省市县区]委(?!员)|宣传部|组织部|统战部|网信办|纪委|监委", "party_organ"),
    (r"监管局|监管部门|监管机构|政府|行政|党政|主管部门|管理部门|部门$|机关$|厅$|局$|委$|委员会$|办$|办公室$", "government"),
    (r"银行|金融|基金|资本|保险|投资机构|创投|支付机构|投资人", "financial"),
    (r"企业|公司|集团|供应商|服务商|集成商|生产商|运营商|经营主体|市场主体|市场力量|提供者|生产者|组装者|销售者|平台$|(?:产业链|经营|市场)主体$|[数厂商]$", "enterprise"),
    (r"地区$|城市$|[市州区县]$", "region"),
))


@lru_cache(maxsize=4096)
def guess_kind(name: str, default: str = "institution") -> str:
    """Kind of a name from :data:`KIND_RULES`; ``default`` when no rule matches.

    Example:
        >>> guess_kind("商业保险机构"), guess_kind("科技服务企业"), guess_kind("高校")
        ('financial', 'enterprise', 'institution')
    """
    for pattern, kind in KIND_RULES:
        if pattern.search(name):
            return kind
    return default


def _modifier_start(text: str, head_start: int) -> int | None:
    """Start of the modifier before a head noun, or None when it runs on too long."""
    if head_start > 0 and text[head_start - 1] == "”":
        opened = text.rfind("“", 0, head_start - 1)
        if opened >= 0:
            return opened  # “专精特新”企业: the quoted type is the whole modifier
    window_start = max(0, head_start - 2 * _MAX_MODIFIER)
    breaks = list(_MODIFIER_BREAKS.finditer(text, window_start, head_start))
    start = breaks[-1].end() if breaks else window_start  # matches come in order, none overlapping
    return start if head_start - start <= _MAX_MODIFIER else None


# Heads that make a group only with a modifier.
_NEEDS_MODIFIER = frozenset({"实验室", "委员会", "各方"})
# Quantifiers and self-references that are not part of a group's name:
# 各类创新主体 → 创新主体, 我市高校 → 高校, 相关企业 → 企业.
_NAME_QUANTIFIERS = re.compile(r"^(?:各类|各|相关|有关|广大|其他|更多|一批|我市|我省|本市|本省|全市|全省|本地)+")
# 支持康养、教育、娱乐等领域企业 / 培育一批服务型、应用型、技术型数据企业:
# an enumeration between the verb and the head belongs to the group's name.
_ENUMERATION_BEFORE = re.compile(
    r"(?:支持|鼓励|引导|推动|培育|培强|督促|指导|帮助)(?:一批|更多)?"
    rf"(?P<items>(?:[{HAN}]{{1,6}}、)+[{HAN}]{{1,6}}等|(?:[{HAN}]{{1,5}}型、)+)$"
)
# 云服务和大数据企业: two modifiers of one head, not two groups.
_JOINED_MODIFIER = re.compile(rf"(?:支持|鼓励|引导|推动|培育|培强|一批|的)([{HAN}]{{2,6}})和$")


def actor_groups(text: str) -> Iterator[tuple[int, int, str, str]]:
    """Type nouns with a modifier: 支持省内行业企业建设… → 省内行业企业 (enterprise).

    Example:
        >>> [c[2] for c in actor_groups("加快培育一批具有较强引领带动作用的垂直行业企业。")]
        ['垂直行业企业']
    """
    previous: tuple[int, int, str, str] | None = None  # start, end, name, modifier of the last group
    for head in _GROUP_HEADS.finditer(text):
        if _NOT_GROUP_AFTER.match(text, head.end()):
            continue
        start = _modifier_start(text, head.start())
        if start is None:
            continue
        opened = text.rfind("“", start, head.start())
        if opened >= 0 and "”" not in text[opened : head.start()]:
            start = opened + 1  # 数字经济领域“独角兽企业”: the quote opens the name
        window = max(0, start - 30)
        # Both forms of the enumeration hold 、: a window without one is not searched.
        enumeration = _ENUMERATION_BEFORE.search(text, window, start) if text.find("、", window, start) >= 0 else None
        if (enumeration is not None and not _GROUP_HEADS.search(enumeration.group("items"))
                and (enumeration.group("items").endswith("、") or text.startswith(("领域", "行业", "类"), start))):
            start = enumeration.start("items")
        elif start > 0 and text[start - 1] == "和" and head.start() - start >= 2:
            joined = _JOINED_MODIFIER.search(text[max(0, start - 12):start])
            if joined is not None and not _GROUP_HEADS.search(joined.group(1)):
                start -= len(joined.group(1)) + 1
        modifier = text[start : head.start()]
        if not _balanced(modifier):
            continue
        if modifier.startswith(("任何", "其他")):
            continue  # 任何个人和组织不得…: everyone, not a party
        if not modifier and head.group() in _NEEDS_MODIFIER:
            continue  # 重点实验室 and 评估各方 are groups; 实验室 and 各方 alone are not
        quantifier = _NAME_QUANTIFIERS.match(modifier)
        if quantifier is not None:
            start += quantifier.end()
        name = text[start : head.end()]
        modifier = text[start : head.start()]
        if not modifier and previous is not None and text[previous[1]:start] == "、":
            modifier = previous[3]  # 终端设备生产者、组装者: the list's first modifier is shared
            name = modifier + name
        previous = (start, head.end(), name, modifier)
        yield start, head.end(), name, guess_kind(name)
    if "条件的" in text:  # in every match: the pattern is not tried at each 有, 具 and 符 for nothing
        for match in _CAPABLE_PLACES.finditer(text):
            yield match.start(), match.end(), match.group(), "region"
    yield from _areas(text)


def _balanced(surface: str) -> bool:
    return surface.count("“") == surface.count("”")


def _areas(text: str) -> Iterator[tuple[int, int, str, str]]:
    """Kinds of area: 清洁能源富集地区, 沿海发达地区, “长珠闽”地区."""
    if "地区" not in text:
        return  # _AREA would try its classes at every character to find nothing
    for match in _AREA.finditer(text):
        start = match.start()
        breaks = list(_AREA_BREAKS.finditer(text, start, match.end() - 2))
        if breaks:
            start = breaks[-1].end()
        if match.end() - start > 2 and not text[start:].startswith(("有条件", "具备条件", "符合条件")):
            yield start, match.end(), text[start : match.end()], "region"


def named_facilities(text: str, name_ends: dict[int, int]) -> Iterator[tuple[int, int, str, str]]:
    """Facilities whose name starts with a proper name: 天府数据中心集群, 国家数字服务出口基地.

    Args:
        text: clause text.
        name_ends: start → end of the places and enterprises found in the text
            (中国电信 in 中国电信云锦天府5G应用产业园); with the prefixes of
            :data:`NAME_PREFIXES` they are the only places a name can start.

    Example:
        >>> [c[2] for c in named_facilities("以天府数据中心集群为核心", {})]
        ['天府数据中心集群']
    """
    # A facility ends in a suffix starting two characters or more into its body; every
    # suffix of the text starts before the end of its last one (matches in order, not
    # overlapping), so a body starting two characters or less before that end has none.
    last_suffix_end = max((m.end() for m in _FACILITY_SUFFIX.finditer(text)), default=0)
    if not last_suffix_end:
        return
    starts = {m.start(): m.end() for m in NAME_PREFIXES.finditer(text)
              if m.start() == 0 or not NAME_PREFIXES.match(text, m.start() - 1)}
    for position, end in name_ends.items():
        # 青岛市国家超算中心: the city locates a national facility, it is not its name.
        if not NAME_PREFIXES.match(text, end):
            starts.setdefault(position, end)
    done = 0
    for position in sorted(starts):
        if position < done or starts[position] + 2 >= last_suffix_end:
            continue
        end = _facility_end(text, starts[position])
        start = _quoted_brand_start(text, position)
        if end is None or not _balanced(text[start:end]):
            continue
        yield start, end, text[start:end], "institution"
        done = end


def _quoted_brand_start(text: str, position: int) -> int:
    """A quoted brand before the name belongs to it: “星火·链网”济南超级节点.

    A place inside the quotes (“山东通”协同办公平台) is a brand, which is not
    a party, and the unbalanced quote rejects it.
    """
    if position > 0 and text[position - 1] == "”":
        opened = text.rfind("“", max(0, position - 12), position - 1)
        if opened >= 0:
            return opened
    return position


def _facility_end(text: str, body_start: int) -> int | None:
    """End of the longest facility suffix in the run after a prefix, before any break."""
    limit = min(len(text), body_start + _MAX_FACILITY_BODY)
    body = _FACILITY_BODY.match(text, body_start, limit)
    limit = body.end() if body else body_start
    breaking = _BODY_BREAKS.search(text, body_start, limit)
    if breaking is not None:
        limit = breaking.start()
    # A body shorter than two characters is a category (省实验室, 国家平台), not a name.
    return max((m.end(1) for m in _FACILITY_SUFFIX_AT.finditer(text, body_start + 2, limit)), default=None)



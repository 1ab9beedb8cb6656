from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import normalize as normalize_module
from pipeline.normalize import MappedText, normalize, repair_layout, whole_drops
from tests.conftest import SEEDS

TAIWAN_WORDS = ["支援", "资讯", "网际网路", "人工智慧", "晶片", "伺服器", "软体", "演算法", "行动通讯",
                "网路", "高品质", "水准", "智慧财产权"]


@pytest.fixture(scope="module")
def canonical(converter):
    return {name: normalize(path.read_text(encoding="utf-8"), converter) for name, path in SEEDS.items()}


@pytest.mark.parametrize(
    ("seed", "script", "variant"),
    [
        ("sichuan2024", "traditional", "taiwan"),
        ("sichuan2019", "simplified", "mainland"),
        ("sichuan2025", "simplified", "mainland"),
        ("jiangxi2022", "simplified", "mainland"),
        ("shandong2023", "traditional", "mainland"),
    ],
)
def test_script_and_variant_are_detected(canonical, seed, script, variant):
    assert (canonical[seed].script, canonical[seed].variant) == (script, variant)


@pytest.mark.parametrize("word", TAIWAN_WORDS)
def test_no_taiwan_word_remains_in_sichuan_2024(canonical, word):
    assert word not in canonical["sichuan2024"].text


@pytest.mark.parametrize(
    ("original", "mainland"),
    [("人工智慧", "人工智能"), ("支援", "支持"), ("資訊", "信息"), ("網際網路", "互联网"),
     ("高品質", "高质量"), ("水準", "水平"), ("智慧財産權", "知识产权"), ("演算法", "算法"),
     ("行動通訊", "移动通信"), ("晶片", "芯片"), ("伺服器", "服务器")],
)
def test_taiwan_words_become_their_mainland_equivalents(canonical, original, mainland):
    source = canonical["sichuan2024"].original
    assert original in source
    assert source.count(original) <= canonical["sichuan2024"].text.count(mainland)


@pytest.mark.parametrize("word", ["核心", "建立", "整合", "智慧城市"])
def test_mainland_words_are_not_over_converted(canonical, word):
    doc = canonical["sichuan2024"]
    traditional = {"核心": "核心", "建立": "建立", "整合": "整合", "智慧城市": "智慧城市"}[word]
    assert doc.original.count(traditional) > 0
    assert doc.text.count(word) == doc.original.count(traditional)


def test_over_conversion_targets_of_opencc_tw2sp_are_absent(canonical):
    text = canonical["sichuan2024"].text
    for wrong in ("内核", "集成城市", "智能城市", "智能财产权"):
        assert wrong not in text


def test_shandong_keeps_mainland_vocabulary_and_becomes_simplified(canonical):
    text = canonical["shandong2023"].text
    assert "芯片" in text and "软件" in text and "高质量" in text
    assert "數" not in text and "關" not in text


def test_standalone_conversion(converter):
    assert normalize("支援人工智慧發展，建立智慧城市", converter).text == "支持人工智能发展，建立智慧城市"
    assert normalize("智慧農業與核心技術整合", converter).text == "智慧农业与核心技术整合"


@pytest.mark.parametrize(
    ("raw", "expected", "rule"),
    [
        # page footers
        ("(四)加快发展人工智能产业。积极建设创新平台，加强人工\n— 2 —\n\n智能领域研究。",
         "(四)加快发展人工智能产业。积极建设创新平台，加强人工智能领域研究。", "page_footer"),
        ("第一段。\n- 12 -\n第二段。", "第一段。\n第二段。", "page_footer"),
        # lines broken inside a sentence (long line, or inside quotes/after 、)
        ("以“创新驱动、\n\n融合发展”为原则。", "以“创新驱动、融合发展”为原则。", "broken_line"),
        ("积极建设创新平台，加强人工智能领域基础研究，推动工业\n\n互联网标识解析体系建设。",
         "积极建设创新平台，加强人工智能领域基础研究，推动工业互联网标识解析体系建设。", "broken_line"),
        # spaces inside dates and numbers
        ("2025 年 12 月 31 日", "2025年12月31日", "number_space"),
        ("川办发〔2025〕57 号", "川办发〔2025〕57号", "number_space"),
        ("新增上云企业 10000 家", "新增上云企业10000家", "number_space"),
        # full/half-width clause brackets and digits
        ("（十二）加强人才支撑", "(十二)加强人才支撑", None),
        ("到２０２５年达到１５％", "到2025年达到15%", None),
        ("１．强化协同", "1.强化协同", None),
        # inline pinyin noise
        ("數(shù)據(jù)要素", "数据要素", "pinyin_noise"),
        ("關(guan) 於(yu)推進", "关于推进", "pinyin_noise"),
        # indentation and blank lines
        ("  一、总体要求\n\n\n  坚持创新。", "一、总体要求\n坚持创新。", "indentation"),
    ],
)
def test_layout_rules(converter, raw, expected, rule):
    result = normalize(raw, converter)
    assert result.text == expected
    if rule:
        assert rule in result.rule_counts


@pytest.mark.parametrize(
    "kept",
    ["一、总体要求\n坚持创新。", "四川省人民政府办公厅\n2025年12月31日", "各市(州)人民政府：\n为贯彻落实。",
     "窄带物联网(NB-IoT)应用", "GDP(地区生产总值)", "6G(第六代移动通信技术)", "以下(简称数创企业)"],
)
def test_layout_rules_leave_real_text_alone(converter, kept):
    assert normalize(kept, converter).text == kept


def test_headings_are_not_joined_to_body(canonical):
    lines = canonical["jiangxi2022"].text.split("\n")
    assert "一、发展基础" in lines
    assert "二、总体要求" in lines


def test_sichuan_2019_page_footer_and_broken_lines_are_repaired(canonical):
    doc = canonical["sichuan2019"]
    assert "— 2 —" in doc.original and "— 2 —" not in doc.text
    assert "加强人工智能领域基础理论研究" in doc.text
    assert "着力推进“设计—制造—封装测试—材料设备—信息服务”" in doc.text
    assert "推动“最多跑一次”改革" in doc.text


def test_shandong_one_line_document_gets_its_paragraphs_back(canonical):
    doc = canonical["shandong2023"]
    assert doc.original.count("\n") <= 1
    lines = doc.text.split("\n")
    assert "一、总体要求" in lines
    assert any(line.startswith("(一)巩固延伸特色产业。") for line in lines)


@pytest.mark.parametrize("seed", list(SEEDS))
def test_every_canonical_character_maps_back_to_its_source(canonical, converter, seed):
    doc = canonical[seed]
    origin = doc.mapped.origin
    assert len(origin) == len(doc.text) + 1
    assert list(origin) == sorted(origin), "the map must be monotonic"
    for index, char in enumerate(doc.text):
        source = doc.original[origin[index]]
        if char == source or char == "\n":
            continue
        # Otherwise the character is a conversion of its source (script, width, or a phrase).
        assert converter.char_to_simplified(source) == char or not source.isascii() or source in ",;:?! \t"


@pytest.mark.parametrize("seed", list(SEEDS))
def test_nothing_is_lost_without_a_named_rule(canonical, seed):
    doc = canonical[seed]
    covered = set(doc.mapped.origin[:-1])
    for drop in doc.mapped.dropped:
        covered.update(range(drop.start, drop.end))
    missing = [i for i in range(len(doc.original)) if i not in covered]
    assert missing == []


# Each a rule that drops characters around ones an earlier rule dropped: the
# Sichuan 2019 seed's page footer inside a broken line, the CR of a CR LF
# (d005, d006) inside a blank line or a header, a Markdown comment (d007)
# followed by blank lines.
OVERLAPPING_DROPS = [
    ("(四)加快发展人工智能产业。积极建设创新平台，加强人工\n— 2 —\n\n智能领域研究。", None, "broken_line"),
    ("实施乡村振兴战略。\r\n\r\n\r\n二、总体要求\r\n", None, "blank_line"),
    ("【法宝引证码】 CLI.11.1598088\r\n原文链接：https://www.pkulaw.com/lar/0dc4a4.html\r\n中山市政务数据管理办法\r\n",
     None, "citation_code"),
    ("# 浙江省数字经济促进条例\n\n2020年12月24日浙江省第十三届人民代表大会常务委员会第二十六次会议通过\n\n"
     "<!-- INFO END -->\n\n## 第一章　总则\n\n第一条 为了促进数字经济发展，制定本条例。\n", "markdown", "blank_line"),
]


@pytest.mark.parametrize(("text", "markup", "rule"), OVERLAPPING_DROPS)
def test_a_drop_never_counts_again_what_an_earlier_rule_dropped(converter, text, markup, rule):
    doc = normalize(text, converter, markup)
    kept = set(doc.mapped.origin[:-1])
    dropped = [i for drop in doc.mapped.dropped for i in range(drop.start, drop.end)]
    assert len(dropped) == len(set(dropped)) and not kept & set(dropped)
    assert len(kept) + len(dropped) == len(text)
    # The rule's drop was cut around the earlier one; put together it is the span the rule saw.
    pieces = [drop for drop in doc.mapped.dropped if drop.rule == rule]
    assert any(drop.continued for drop in pieces)
    whole = [drop for drop in whole_drops(doc.mapped.dropped) if drop.rule == rule]
    assert len(whole) == len(pieces) - sum(drop.continued for drop in pieces)
    assert all(drop.start < drop.end for drop in whole)


def test_a_header_over_crlf_line_endings_is_read_whole(converter):
    text = OVERLAPPING_DROPS[2][0]
    doc = normalize(text, converter)
    [citation] = [drop for drop in whole_drops(doc.mapped.dropped) if drop.rule == "citation_code"]
    assert text[citation.start:citation.end] == "【法宝引证码】 CLI.11.1598088\r\n"


def test_original_span_recovers_the_source_of_a_converted_phrase(canonical):
    doc = canonical["sichuan2024"]
    start = doc.text.index("互联网协议")
    assert doc.original_text(start, start + len("互联网协议")) == "網際網路協議"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_layout_repair_never_fails_and_offsets_stay_inside(text):
    mapped = repair_layout(MappedText.identity(text))
    assert len(mapped.origin) == len(mapped.text) + 1
    assert all(0 <= o <= len(text) for o in mapped.origin)


_GUARDED = [name for name, value in vars(normalize_module).items()
            if isinstance(value, re.Pattern) and value.pattern.startswith("(?=[")]
_LAYOUT_ALPHABET = " \t\n\f\v|*#—－-–～〜﹣0123456789０９%％,;:?!“《)）中文年月日〔〕.页第"


def _unguarded(pattern: re.Pattern) -> re.Pattern:
    inner = pattern.pattern.split(")(?:", 1)[1][:-1]
    return re.compile(inner, pattern.flags)


def test_the_layout_patterns_are_guarded():
    assert {"_MD_TABLE_EDGE"} <= set(_GUARDED)


@pytest.mark.parametrize("name", _GUARDED)
@pytest.mark.parametrize("text", [
    "2025 年 12 月 31 日前完成",                      # number spaces (Jiangxi's date line)
    "\n\n一、总体要求\n\n\n（一）指导思想\n",            # blank lines at the edges and between
    "　　坚持创新驱动， \t\n  到2025年:数字经济",        # indentation, trailing blanks, ASCII colon
    "| 指标 | 2020年 | 2025年 |\n3－5年，20%～30%",     # table edges, range dashes
])
def test_a_guard_keeps_the_matches(name, text):
    pattern = getattr(normalize_module, name)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in _unguarded(pattern).finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_LAYOUT_ALPHABET, max_size=40))
def test_a_guard_keeps_the_matches_of_any_text(text):
    for name in _GUARDED:
        pattern = getattr(normalize_module, name)
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in _unguarded(pattern).finditer(text)]


# --- Patterns that consume their first character before looking behind it ----------------------

_HAN = normalize_module.HAN
_CJK = normalize_module.CJK_PUNCT
# Each as written before: the lookbehind first (the general, slower form).
_LOOKBEHIND_FIRST = {
    "_ASCII_PUNCT_IN_CHINESE": (rf"(?<=[{_HAN}{_CJK})])[,;:?!]+|[,;:?!](?=[{_HAN}“《])", 0),
    "_RANGE_DASH": (r"(?<=[0-9０-９%％])[－–～〜﹣](?=[0-9０-９])", 0),
    "_PINYIN_NOISE": (rf"(?<=[{_HAN}])\(([a-zāáǎàōóǒòēéěèīíǐìūúǔùüǖǘǚǜv1-5]{{1,7}})\)( ?)(?=[{_HAN}]|$)", re.MULTILINE),
    "_NUMBER_SPACE": (rf"(?<=\d) +(?=[{_HAN}〔〕%])|(?<=[{_HAN}〔〕]) +(?=\d)", 0),
    "_OPEN_LINE_END": (rf"(?<=[^\n{re.escape(normalize_module._SENTENCE_END)}])\n", 0),
    "_EDGE_SPACE": (r"^[ \t\f\v]+|[ \t\f\v]+$", re.MULTILINE),
}
_CONSUMED_FIRST_TEXTS = [
    SEEDS["jiangxi2022"].read_text(encoding="utf-8"),
    SEEDS["sichuan2019"].read_text(encoding="utf-8"),
    "2025 年 12 月 31 日前完成 , 到 2025年: 数字经济",
    "3－5年，20%～30%，２０２３〜２０２５年，a－b，3－ 5",
    "數(shù)據(jù)中心，關(guan) 於(yu)\n(一)总体要求(shu)",
    "中,;:?!“数据”:《规划》?好!\n;开头,",
    "一、总体要求\n\n坚持创新，\n驱动。\n",
    "  \t缩进\n尾随 \t\n \n\f\v\n中 间 空 格 \n ",
]


@pytest.mark.parametrize("name", sorted(_LOOKBEHIND_FIRST))
@pytest.mark.parametrize("text", _CONSUMED_FIRST_TEXTS)
def test_a_pattern_that_consumes_first_keeps_the_matches(name, text):
    pattern = getattr(normalize_module, name)
    general = re.compile(*_LOOKBEHIND_FIRST[name])
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in general.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_LAYOUT_ALPHABET + "(shùuyg)。；", max_size=40))
def test_a_pattern_that_consumes_first_keeps_the_matches_of_any_text(text):
    for name, (source, flags) in _LOOKBEHIND_FIRST.items():
        pattern = getattr(normalize_module, name)
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in re.compile(source, flags).finditer(text)]


# --- join_broken_lines: only the lines that can go on, against every line in turn ------------

def _continues_in_full(line, following, paragraph, *, page_break=False, full=False):
    """_continues as first written, every test in turn."""
    if line[-1] in normalize_module._SENTENCE_END or (
            line[-1] in normalize_module._CLOSERS and len(line) > 1 and line[-2] in normalize_module._SENTENCE_END):
        return False
    if normalize_module.starts_with_marker(following) or normalize_module._BLOCK_LINE.match(following):
        return False
    if normalize_module._is_header_line(line) or normalize_module._is_header_line(following) \
            or following[-1] in "：:":
        return False
    if line[-1] in normalize_module._OPEN_END or paragraph.open_bracket:
        return True
    if page_break or full:
        return True
    if line[-1] == ")":
        return False
    marker = normalize_module.match_marker(line, 0)
    if marker is not None and "。" not in line:
        return False
    return paragraph.has_sentences


def _join_every_line(mapped):
    """join_broken_lines as first written: a paragraph kept over every line."""
    lines = mapped.text.split("\n")
    layout = normalize_module._Layout.of(mapped, lines)
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    cuts, paragraph, i = [], normalize_module._Paragraph(), 0
    while i < len(lines):
        paragraph.add(lines[i])
        j = i + 1
        while j < len(lines) and not lines[j]:
            j += 1
        joined = False
        if j < len(lines) and lines[i]:
            end = offsets[i] + len(lines[i])
            page_break = bool(layout.page_breaks) and layout.page_break_between(
                mapped.origin[end], mapped.origin[offsets[j]])
            joined = _continues_in_full(lines[i], lines[j], paragraph, page_break=page_break,
                                        full=layout.is_full(lines[i]))
        if joined:
            cuts.append((offsets[i] + len(lines[i]), offsets[j]))
        else:
            paragraph = normalize_module._Paragraph()
        i = j
    return normalize_module._drop_spans(mapped, [("broken_line", s, e) for s, e in cuts]) if cuts else mapped


def _layout_input(text):
    """The text as join_broken_lines sees it in normalize: the layout steps before it done."""
    mapped = MappedText.identity(text)
    for step in normalize_module.LAYOUT_STEPS:
        if step is normalize_module.join_broken_lines:
            return mapped
        mapped = step(mapped)
    raise AssertionError("join_broken_lines is a layout step")


def _same_mapped(a, b):
    return a.text == b.text and a.origin == b.origin and a.dropped == b.dropped


@pytest.mark.parametrize("text", [
    SEEDS["sichuan2019"].read_text(encoding="utf-8"),      # page footers and broken lines
    SEEDS["jiangxi2022"].read_text(encoding="utf-8"),
    SEEDS["sichuan2025"].read_text(encoding="utf-8"),
    "一、总体要求\n坚持创新驱动，加快构建\n\n新发展格局。\n(一)指导思想\n到2025年，数字经济\n",
    "关于印发《规划》\n的通知\n各市（州）人民政府：\n现将《\n规划》印发给你们。",
    "甲，乙\n丙\n\n\n丁、\n戊。\n\n",
    "\n\n开头空行，\n接着", "单行", "", "\n", "句子，\n- 2 -\n续上。",
])
def test_joining_only_open_lines_gives_the_joins_of_every_line(text):
    mapped = _layout_input(text)
    assert _same_mapped(normalize_module.join_broken_lines(mapped), _join_every_line(mapped))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="\n\n\n，。、：“”《》()一、1.年第条中文 —2", max_size=80))
def test_joining_only_open_lines_gives_the_joins_of_every_line_in_any_text(text):
    mapped = _layout_input(text)
    assert _same_mapped(normalize_module.join_broken_lines(mapped), _join_every_line(mapped))


# --- Offsets and detection counted by numpy ---------------------------------------------------

@pytest.mark.parametrize("text", ["", "a", "数据𠮷\n" * 50])
def test_the_identity_map_is_every_offset(text):
    assert MappedText.identity(text).origin.tolist() == list(range(len(text) + 1))


def _detect_by_counter(converter, text):
    """detect as first written: a Counter of the characters, every Taiwan form counted."""
    from collections import Counter
    balance = sum(converter._side_of(char) * n for char, n in Counter(text).items())
    script = "traditional" if balance > 0 else "simplified"
    simplified = text if script == "simplified" else converter.traditional.convert(text)
    taiwan = [simplified.count(form) for form, _ in converter._taiwan_forms]
    if sum(1 for n in taiwan if n) < 2:
        return script, "mainland"
    mainland = sum(simplified.count(form) for form, _ in converter._mainland_forms)
    return script, "taiwan" if 4 * sum(taiwan) >= mainland else "mainland"


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_detection_by_distinct_characters_is_detection_by_every_character(converter, canonical, seed):
    original = SEEDS[seed].read_text(encoding="utf-8")
    for text in (original, canonical[seed].text, original[: len(original) // 3], "資訊軟體網路", "资讯软体", ""):
        assert converter.detect(text) == _detect_by_counter(converter, text)

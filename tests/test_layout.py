"""The broken_line rule on real excerpts: join only where the file shows a sentence was cut.

Wrapped excerpts are the text layer of d002 (a text-only PDF wrapped at 50
characters, as pdfminer reads it); clean excerpts are one paragraph a line
(d005, d017, d021, d025).  Each case names the evidence the rule uses.
"""

from __future__ import annotations

import pytest

from pipeline.normalize import normalize

# d002 国务院关于大力发展电子商务加快培育经济新动力的意见, lines 5-12 of its text layer.
D002_WRAPPED = (
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：近年来我国电子商务发展迅猛，不仅创造了新的消\n"
    "费需求，引发了新的投资热潮，开辟了就业增收新渠道，为大众创业、万众创新提供了新空间，而且电子商务正加\n"
    "速与制造业融合，推动服务业转型升级，催生新兴业态，成为提供公共产品、公共服务的新力量，成为经济发展新\n"
    "的原动力。与此同时，电子商务发展面临管理方式不适应、诚信体系不健全、市场秩序不规范等问题，亟需采取措\n"
    "施予以解决。当前，我国已进入全面建成小康社会的决定性阶段，为减少束缚电子商务发展的机制体制障碍，进一\n"
    "步发挥电子商务在培育经济新动力，打造“双引擎”、实现“双目标”等方面的重要作用，现提出以下意见：一、\n"
    "指导思想、基本原则和主要目标（一）指导思想。全面贯彻党的十八大和十八届二中、三中、四中全会精神，按照\n"
    "党中央、国务院决策部署，坚持依靠改革推动科学发展，主动适应和引领经济发展新常态，着力解决电子商务发展\n"
    "中的深层次矛盾和重大问题，大力推进政策创新、管理创新和服务创新，加快建立开放、规范、诚信、安全的电子\n"
)


def test_a_fixed_width_wrap_is_joined(converter):
    result = normalize(D002_WRAPPED, converter)
    assert result.text.count("\n") == 0
    assert "创造了新的消费需求" in result.text and "亟需采取措施予以解决" in result.text
    assert result.rule_counts["broken_line"] == 8


def test_in_a_wrapped_file_a_short_line_ends_its_paragraph(converter):
    text = D002_WRAPPED + "实现经济提质增效升级。\n二、营造宽松发展环境\n"
    lines = normalize(text, converter).text.split("\n")
    assert lines[-1] == "二、营造宽松发展环境"


@pytest.mark.parametrize(
    "kept",
    [
        # d021: a (一) title line with a comma and no 。, then its first paragraph.
        "(一)坚持科技引领、创新驱动，现代化产业体系加快构建\n科技创新动力强劲。西部(成都)科学城建设提速。",
        # d021: an unnumbered block heading.
        "2023年工作回顾\n2023年是成都发展史上极为特殊、极不平凡的一年。",
        # d005: the title and its date line.
        "中共中央 国务院关于实施乡村振兴战略的意见\n(2018年1月2日)\n实施乡村振兴战略，是党的十九大作出的重大决策部署。",
        # d017: Markdown front matter lines.
        "# 上海市促进商业航天发展打造空间信息产业高地行动计划(2023—2025年)\n**发布日期**：2023年10月26日",
        # d025: a crawler label line and a Markdown rule.
        "**检索关键词**：测绘，卫星，导航\n---\n沪府办发〔2025〕11号",
        # d002: an annotation closes its paragraph.
        "全面清理电子商务领域现有前置审批事项。(国务院审改办，有关部门按职责分工分别负责)\n进一步简化注册资本登记。",
        # d033: a signature block of organ names.
        "国家互联网信息办公室\n国家发展和改革委员会\n工业和信息化部",
    ],
)
def test_paragraph_ends_of_clean_text_are_kept(converter, kept):
    assert normalize(kept, converter).text == kept


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        # d014: a crawler copy broke a paragraph after a comma.
        ("聚焦薄弱环节，加快推进农业机械化向全程、全面、高质、高效转型升级，\n\n为保障粮食和地产蔬菜等重要农产品有效供给。",
         "聚焦薄弱环节，加快推进农业机械化向全程、全面、高质、高效转型升级，为保障粮食和地产蔬菜等重要农产品有效供给。"),
        # d014: a line of sentences that stops inside its last one (选育或引进2-3 | 个…).
        ("加快生产关键环节机械化技术创新与集成应用。选育或引进2-3\n\n个适宜机械化生产的品种。",
         "加快生产关键环节机械化技术创新与集成应用。选育或引进2-3个适宜机械化生产的品种。"),
        # Sichuan 2019 seed: a page footer between the halves of a sentence.
        ("(四)加快发展人工智能产业。积极建设创新平台，加强人工\n— 2 —\n\n智能领域研究。",
         "(四)加快发展人工智能产业。积极建设创新平台，加强人工智能领域研究。"),
        # Sichuan 2025 seed: a title broken inside 《》.
        ("关于印发《四川省国家数字经济创新发展\n试验区建设方案》的通知", "关于印发《四川省国家数字经济创新发展试验区建设方案》的通知"),
    ],
)
def test_evidence_of_a_cut_sentence_joins(converter, raw, joined):
    result = normalize(raw, converter)
    assert result.text == joined
    assert "broken_line" in result.rule_counts


def test_a_page_break_joins_even_a_line_without_sentences(converter):
    # The footer is the only evidence: without it the two lines stay apart.
    assert normalize("推动工业\n— 3 —\n互联网标识解析体系建设。", converter).text == "推动工业互联网标识解析体系建设。"
    assert normalize("推动工业\n互联网标识解析体系建设。", converter).text == "推动工业\n互联网标识解析体系建设。"

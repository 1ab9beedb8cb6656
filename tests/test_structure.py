"""Document structure beyond the seeds: one test per clause kind and per item mark.

Every excerpt is copied from a document of ``../shared/corpus`` (named in the
test) and normalized as the pipeline does before segmenting.  Where the corpus
never prints a mark (``1﹒``, ``①``, ``第二节``, ``第二部分``), a real excerpt
is shown with that mark in place of the one it has, as documents outside the
corpus print it; clause ids follow ``docs/clause-ids.md``.
"""

from __future__ import annotations

import sys

import pytest

from pipeline.clauses import OUTSIDE_WARNING_SHARE, segment
from pipeline.normalize import normalize
from tests.test_properties import check_tree


@pytest.fixture(scope="module")
def canonical(converter):
    return lambda raw: normalize(raw, converter).text


@pytest.fixture(scope="module")
def tree_of(canonical):
    def build(raw: str):
        text = canonical(raw)
        tree = segment(text)
        check_tree(text, tree)
        return tree
    return build


def rows(tree, *fields):
    fields = fields or ("clause_id", "parent_id", "kind")
    return [tuple(getattr(c, f) for f in fields) for c in tree.clauses]


def by_id(tree):
    return {c.clause_id: c for c in tree.clauses}


# d006 中山市政务数据管理办法 (北大法宝 export, U+3000 indentation).
ZHONGSHAN_REGULATION = (
    "中山市政务数据管理办法\n"
    "第一章　总　则\n"
    "　　第一条　为了加强和规范政务数据管理，促进政务数据共享利用，全面提高行政效率和政务服务水平，结合本市实际，制定本办法。\n"
    "　　第二条　本市政务部门采集汇聚、共享开放、开发利用、更新维护政务数据，以及政务数据和政务信息化系统的安全保障活动，适用本办法。\n"
    "　　本市公立学校、公立医院等使用财政资金的单位进行业务数据采集、使用、管理，以及参与政务数据共享的，应当遵守本办法。\n"
    "　　第三条　市政务数据主管部门负责统筹协调、指导监督全市政务数据管理工作，具体履行下列职责：\n"
    "　　（一）规划、建设、管理、运行和维护中山市政务大数据中心；\n"
    "　　（二）推动政务数据采集汇聚、共享开放和开发利用等工作，促进政务数据流动增值；\n"
    "　　市审计部门负责政务数据主管部门、政务部门和国有企事业单位的政务信息化项目的审计监督工作。\n"
    "第二章　目录管理与基础建设\n"
    "　　第四条　全市政务数据实行统一目录管理。\n"
)


def test_a_regulation_has_chapters_articles_paragraphs_and_items(tree_of, canonical):
    tree = tree_of(ZHONGSHAN_REGULATION)
    assert rows(tree) == [
        ("0", None, "preamble"),
        ("c1", None, "chapter"), ("a1", "c1", "article"), ("a2", "c1", "article"), ("a2.k2", "a2", "paragraph"),
        ("a3", "c1", "article"), ("a3.1", "a3", "clause"), ("a3.2", "a3", "clause"), ("a3.k2", "a3", "paragraph"),
        ("c2", None, "chapter"), ("a4", "c2", "article"),
    ]
    assert [c.level for c in tree.clauses] == [0, 1, 2, 2, 3, 2, 3, 3, 3, 1, 2]
    clauses = by_id(tree)
    assert (clauses["c1"].label, clauses["c1"].heading) == ("第一章", "总则")
    assert clauses["c2"].heading == "目录管理与基础建设"
    assert clauses["a3.k2"].own_text(canonical(ZHONGSHAN_REGULATION)).startswith("市审计部门")
    assert tree.warnings == ()


def test_a_list_after_a_second_paragraph_hangs_under_that_paragraph(tree_of):
    # d028 上海市技术交易场所管理细则, 第十一条.
    tree = tree_of("第十一条  技术交易场所应当严格按照市场监督管理部门和市科委核准的经营范围开展业务。\n\n"
                   "技术交易场所应当依据相关法律法规及政策要求，履行下列与技术交易相关的职责：\n\n"
                   "（一）制定并完善与技术交易有关的业务规则和操作细则；\n\n（二）组织开展技术交易活动；\n\n"
                   "第十二条 技术交易场所应当建立健全内部管理制度。")
    assert rows(tree, "clause_id", "parent_id", "kind", "level") == [
        ("a11", None, "article", 1), ("a11.k2", "a11", "paragraph", 2), ("a11.1", "a11.k2", "clause", 3),
        ("a11.2", "a11.k2", "clause", 3), ("a12", None, "article", 1)]


def test_articles_are_numbered_through_the_chapters_as_printed(tree_of):
    tree = tree_of("第一章 总则\n第一条 甲。\n第二条 乙。\n第二章 附则\n第三条 丙。\n第五条 丁。")
    assert [c.clause_id for c in tree.clauses if c.kind == "article"] == ["a1", "a2", "a3", "a5"]
    assert tree.warnings == ("numbering: article 第五条 under 第二章 follows 第三条, skipping 第四条",)


@pytest.mark.parametrize(("numeral", "number"), [("一百二十", 120), ("一百零五", 105), ("六十二", 62),
                                                 ("一千零十", 1010)])
def test_article_numbers_past_a_hundred(tree_of, numeral, number):
    # d007 浙江省数字经济促进条例 runs to 第六十二条; codes run past 第一百二十条.
    tree = tree_of(f"第{numeral}条 本条例自2021年3月1日起施行。")
    article = tree.clauses[-1]
    assert (article.clause_id, article.kind, article.number) == (f"a{number}", "article", number)


def test_a_section_of_a_chapter(tree_of):
    # d030 上海市重点实验室建设与运行管理办法, its 第三章 printed with 节 as larger regulations do.
    tree = tree_of("第三章 建设与运行\n第一节 立项建设\n第十条 重点实验室建设期一般为3年。\n"
                   "第二节 运行管理\n第十一条 重点实验室实行依托单位领导下的主任负责制。")
    assert rows(tree) == [("c3", None, "chapter"), ("c3.s1", "c3", "section"), ("a10", "c3.s1", "article"),
                          ("c3.s2", "c3", "section"), ("a11", "c3.s2", "article")]
    assert by_id(tree)["c3.s1"].heading == "立项建设"


def test_cross_references_to_articles_are_text(tree_of):
    tree = tree_of("第一条 甲。\n第二条 依照本办法第一条规定执行。\n第一条规定的事项，由市政府决定。")
    assert [c.clause_id for c in tree.clauses] == ["a1", "a2", "a2.k2"]


def test_markdown_heading_lines_of_a_law_collection(tree_of):
    # d020 网络数据安全管理条例 (LawRefBook Markdown, read as text).
    tree = tree_of("# 网络数据安全管理条例\n\n<!-- INFO END -->\n\n## 第一章 总 则\n\n"
                   "第一条 为了规范网络数据处理活动，保障网络数据安全，制定本条例。\n\n"
                   "第二条 在中华人民共和国境内开展网络数据处理活动及其安全监督管理，适用本条例。\n\n"
                   "## 第二章 一般规定\n\n第三条 网络数据处理者应当依照法律、行政法规的规定履行网络数据安全保护义务。")
    assert rows(tree) == [("0", None, "preamble"), ("c1", None, "chapter"), ("a1", "c1", "article"),
                          ("a2", "c1", "article"), ("c2", None, "chapter"), ("a3", "c2", "article")]
    assert [by_id(tree)[k].heading for k in ("c1", "c2")] == ["总则", "一般规定"]


# d021 成都市政府工作报告（2024年）: unnumbered block headings, —— bullets, (一) below them.
CHENGDU_REPORT = (
    "各位代表：\n\n现在，我代表市人民政府，向大会报告工作，请予审议。\n\n"
    "2023年工作回顾\n\n2023年是成都发展史上极为特殊、极不平凡的一年。\n\n"
    "——我们砥砺攻坚、接续奋斗，高质量发展成效明显。\n\n创新动能持续激发，西部地区首个国家实验室挂牌运行。\n\n"
    "——我们用心用情、民生为先，高品质生活增色添彩。\n\n一年来，主要开展了以下工作。\n\n"
    "（一）坚持科技引领、创新驱动，现代化产业体系加快构建\n\n科技创新动力强劲。西部（成都）科学城建设提速。\n\n"
    "（二）坚持优势互补、高效联动，区域协调发展扎实推进\n\n双核联建深入开展。\n\n"
    "2024年工作安排建议\n\n2024年是中华人民共和国成立75周年。\n\n"
    "（一）坚定不移推动经济稳中有进，加快实现质的有效提升和量的合理增长\n\n全力以赴扩大有效益的投资。\n"
)


def test_a_work_report_has_heading_only_sections_holding_its_clauses_and_bullets(tree_of):
    tree = tree_of(CHENGDU_REPORT)
    assert rows(tree) == [
        ("0", None, "preamble"),
        ("h1", None, "section"), ("h1.b1", "h1", "bullet"), ("h1.b2", "h1", "bullet"),
        ("h1.1", "h1", "clause"), ("h1.2", "h1", "clause"),
        ("h2", None, "section"), ("h2.1", "h2", "clause"),
    ]
    clauses = by_id(tree)
    assert (clauses["h1"].heading, clauses["h2"].heading) == ("2023年工作回顾", "2024年工作安排建议")
    # A title-only line is the clause's heading; the paragraph after it stays its own line.
    assert clauses["h1.1"].heading == "坚持科技引领、创新驱动，现代化产业体系加快构建"
    assert tree.warnings == ()


def test_a_single_title_line_before_the_body_is_not_a_heading_only_section(tree_of):
    # d014: the document's title, then 一、: one title line is the preamble, not h1.
    tree = tree_of("上海关于贯彻落实“十四五”全国农业机械化发展规划的实施意见\n一、指导思想\n以习近平新时代中国特色社会主义思想为指导。\n"
                   "二、发展目标\n到2025年，全市农作物耕种收综合机械化率保持在98%以上。")
    assert [c.clause_id for c in tree.clauses] == ["0", "1", "2"]


def test_top_level_bullets_hang_under_the_preamble(tree_of):
    # d012 政府工作报告 2022: —— bullets before the first numbered section.
    tree = tree_of("各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n"
                   "——经济保持恢复发展。国内生产总值达到114万亿元，增长8.1%。\n"
                   "——创新能力进一步增强。国家战略科技力量加快壮大。\n一、2021年工作回顾\n过去一年是党和国家历史上具有里程碑意义的一年。")
    assert rows(tree, "clause_id", "parent_id", "kind", "level") == [
        ("0", None, "preamble", 0), ("0.b1", "0", "bullet", 1), ("0.b2", "0", "bullet", 1), ("1", None, "section", 1)]


# d004 国务院关于进一步扩大和升级信息消费持续释放内需潜力的指导意见: 附件 listing, signature, then the annex.
INFORMATION_CONSUMPTION = (
    "七、加强组织实施\n各地方要因地制宜制定具体实施方案，确保各项任务措施落实到位。\n"
    "附件：重点任务分工方案\n国务院\n2017年8月13日\n（此件公开发布）\n"
    "附件\n重点任务分工方案\n（有关任务目标截至2020年）\n"
    "一、推动信息基础设施提速升级\n（一）加快第五代移动通信（5G）标准研究。\n（二）推动智能网联汽车与智能交通示范区建设。\n"
    "二、丰富信息消费内容\n（一）推进农业物联网区域试验工程。\n"
)


def test_an_attachment_after_the_signature_has_its_own_tree(tree_of, canonical):
    tree = tree_of(INFORMATION_CONSUMPTION)
    assert rows(tree) == [("7", None, "section"), ("closing", None, "closing"), ("att1", None, "attachment"),
                          ("att1.1", "att1", "section"), ("att1.1.1", "att1.1", "clause"),
                          ("att1.1.2", "att1.1", "clause"), ("att1.2", "att1", "section"),
                          ("att1.2.1", "att1.2", "clause")]
    clauses = by_id(tree)
    assert (clauses["att1"].label, clauses["att1"].heading) == ("附件", "重点任务分工方案")
    assert "附件：重点任务分工方案" in clauses["closing"].own_text(canonical(INFORMATION_CONSUMPTION))
    assert [c.level for c in tree.clauses] == [1, 1, 1, 2, 3, 3, 2, 3]


def test_numbered_attachments_with_a_title_on_the_line(tree_of):
    # d003 “十三五”国家信息化规划 ends 附件：重点任务分工方案 straight after its last paragraph.
    tree = tree_of("十、加强组织实施\n推动信息化发展取得新突破。\n附件1：重点任务分工方案\n1.打造自主先进的技术体系。\n"
                   "附件2：专项规划目录\n1.国家信息化专项规划。")
    assert rows(tree, "clause_id", "parent_id", "kind", "label", "heading") == [
        ("10", None, "section", "十、", "加强组织实施"),
        ("att1", None, "attachment", "附件1", "重点任务分工方案"), ("att1.1", "att1", "item", "1.", "打造自主先进的技术体系"),
        ("att2", None, "attachment", "附件2", "专项规划目录"), ("att2.1", "att2", "item", "1.", "国家信息化专项规划")]


def test_an_attachment_line_of_a_notice_before_the_body_stays_in_the_preamble(tree_of):
    # d027: the 印发 notice lists 附件：… and signs; the issued 方案 that follows is the body.
    tree = tree_of("各有关单位：\n现将《上海市高质量概念验证平台建设实施方案》印发给你们。\n附件：上海市高质量概念验证平台建设实施方案\n"
                   "上海市科学技术委员会\n2025年7月10日\n附件\n上海市高质量概念验证平台建设实施方案\n一、工作目标\n面向前沿科技、未来产业。")
    assert rows(tree) == [("0", None, "preamble"), ("1", None, "section")]


def test_a_box_stands_in_its_clause_and_ends_at_the_next_clause(tree_of):
    # d003 “十三五”国家信息化规划: 专栏1 inside (一), then (二).
    tree = tree_of("二、主要任务\n（一）构建先进技术体系。鼓励企业开展基础性前沿性创新研究。\n专栏1　核心技术超越工程\n"
                   "制定网络强国工程实施纲要。列出核心技术发展的详细清单和规划。\n1.攻克高端通用芯片、集成电路装备、基础软件等方面的关键核心技术。\n"
                   "（二）构建先进信息产业体系。培育一大批龙头企业。")
    assert rows(tree) == [("2", None, "section"), ("2.1", "2", "clause"), ("box1", "2.1", "box"),
                          ("box1.1", "box1", "item"), ("2.2", "2", "clause")]
    assert by_id(tree)["box1"].heading == "核心技术超越工程"


# d025 (若干意见, signed) followed in the same file by d017's 行动计划: two documents, each from 一、.
TWO_DOCUMENTS = (
    "一、强化科技服务主体培育\n（一）培育科技服务业企业。\n二、优化科技服务业发展环境\n（一）加强统筹推进。\n"
    "上海市人民政府办公厅\n2025年5月17日\n"
    "上海市促进商业航天发展打造空间信息产业高地行动计划（2023—2025年）\n"
    "为深入贯彻航天强国、数字中国国家战略，抢抓商业航天发展重要机遇。\n"
    "一、主要目标\n到2025年，商业航天产业规模达到2000亿元。\n二、重点任务\n（一）打造低成本运载火箭。\n"
)


def test_a_second_document_in_the_file_is_a_part(tree_of):
    tree = tree_of(TWO_DOCUMENTS)
    assert rows(tree) == [("1", None, "section"), ("1.1", "1", "clause"), ("2", None, "section"),
                          ("2.1", "2", "clause"), ("closing", None, "closing"), ("p2", None, "part"),
                          ("p2.1", "p2", "section"), ("p2.2", "p2", "section"), ("p2.2.1", "p2.2", "clause")]
    assert by_id(tree)["p2"].heading.startswith("上海市促进商业航天发展打造空间信息产业高地行动计划")
    assert tree.warnings == ()


def test_a_second_document_led_by_its_number_and_notice(tree_of):
    # d031's 若干措施 ends with its validity note; d029 follows: number, notice, signature, title, body.
    tree = tree_of("沪府办规〔2025〕5号\n各区人民政府，市政府各委、办、局：\n现将《若干措施》印发给你们。\n"
                   "一、支持企业参与基础研究决策咨询。健全企业参与科技决策机制。\n二、支持企业与政府深入实施“探索者计划”。\n"
                   "本措施自2025年8月1日起施行，有效期至2030年7月31日。\n"
                   "沪科〔2025〕5号\n各区人民政府，市政府有关部门：\n现将《上海市脑机接口未来产业培育行动方案（2025-2030年）》印发给你们。\n"
                   "上海市科学技术委员会\n2025年1月10日\n**上海市脑机接口未来产业培育行动方案（2025-2030年）**\n"
                   "一、主要目标\n到2027年，脑机接口关键技术取得突破。\n二、加速脑机接口产品化\n1.支持重大产品研发。")
    assert rows(tree) == [("0", None, "preamble"), ("1", None, "section"), ("2", None, "section"),
                          ("closing", None, "closing"), ("p2", None, "part"), ("p2.1", "p2", "section"),
                          ("p2.2", "p2", "section"), ("p2.2.1", "p2.2", "item")]
    assert by_id(tree)["p2"].heading == "上海市脑机接口未来产业培育行动方案(2025-2030年)"


def test_printed_parts(tree_of):
    tree = tree_of("第一部分 总体要求\n一、指导思想\n坚持创新驱动。\n第二部分 主要任务\n一、推进数字产业化\n(一)做强数字产业。")
    assert rows(tree) == [("p1", None, "part"), ("p1.1", "p1", "section"), ("p2", None, "part"),
                          ("p2.1", "p2", "section"), ("p2.1.1", "p2.1", "clause")]


def test_a_restarted_section_without_a_new_title_is_a_numbering_error_not_a_part(tree_of):
    tree = tree_of("一、甲\n坚持创新。\n二、乙\n推进建设。\n一、丙\n加强领导。")
    assert [c.clause_id for c in tree.clauses] == ["1", "2", "1~2"]
    assert tree.warnings


# Item marks: d026 上海市加快食品科技创新赋能产业发展行动方案, its 1. items in every print.
ITEM_LINE = "加快新食品原料挖掘。以功能性蛋白、糖类、脂质开发为重点，建立新食品原料发现与评价体系。"


@pytest.mark.parametrize("mark", ["1.", "1．", "1﹒", "1、", "1)", "１．"])
def test_every_item_mark(tree_of, mark):
    tree = tree_of(f"二、加快食品原料研发\n（一）强化原料创新。\n{mark}{ITEM_LINE}\n{mark.replace('1', '2').replace('１', '２')}"
                   "加快生物合成技术迭代。")
    assert rows(tree, "clause_id", "kind", "number") == [("2", "section", 2), ("2.1", "clause", 1),
                                                       ("2.1.1", "item", 1), ("2.1.2", "item", 2)]
    assert tree.clauses[2].heading == "加快新食品原料挖掘"


@pytest.mark.parametrize(("first", "second"), [("（1）", "（2）"), ("(1)", "(2)"), ("①", "②")])
def test_every_subitem_mark(tree_of, first, second):
    tree = tree_of(f"二、加快食品原料研发\n（一）强化原料创新。\n1.{ITEM_LINE}\n{first}功能性蛋白。\n{second}糖类和脂质。")
    assert rows(tree, "clause_id", "kind", "level") == [("2", "section", 1), ("2.1", "clause", 2),
                                                      ("2.1.1", "item", 3), ("2.1.1.1", "subitem", 4),
                                                      ("2.1.1.2", "subitem", 4)]


@pytest.mark.parametrize("dash", ["——", "--", "—", "―"])
def test_every_bullet_mark(tree_of, dash):
    # d012 政府工作报告 2022.
    tree = tree_of(f"一、2021年工作回顾\n{dash}经济保持恢复发展。国内生产总值达到114万亿元。\n{dash}创新能力进一步增强。")
    assert rows(tree, "clause_id", "parent_id", "kind") == [("1", None, "section"), ("1.b1", "1", "bullet"),
                                                          ("1.b2", "1", "bullet")]


def test_a_markdown_rule_is_not_a_bullet(tree_of):
    assert [c.kind for c in tree_of("一、总体要求\n---\n--\n坚持创新。").clauses] == ["section"]


# Headings.
@pytest.mark.parametrize(
    ("raw", "clause_id", "heading"),
    [
        # d014: a title-only line with a comma, its text on the next line.
        ("一、主要任务\n（一）聚焦减损提质，推动粮食生产机械化高质高效发展\n继续推进主要粮食作物生产全程机械化。", "1.1",
         "聚焦减损提质，推动粮食生产机械化高质高效发展"),
        # d011: an X。 title alone on its line.
        ("一、总体要求\n（一）指导思想。\n高举中国特色社会主义伟大旗帜。", "1.1", "指导思想"),
        # d026: a bold Markdown section line.
        ("**一、工作目标**\n树立和践行“大食物观”，守牢食品安全底线。", "1", "工作目标"),
        # d006: a regulation's sentence is never a heading, however short.
        ("第四十二条 本办法自2020年6月15日起施行。", "a42", ""),
        # d006: nor an element of an article's list.
        ("第五条 具体履行下列职责：\n（四）协调解决政务数据管理中的重大问题；\n（五）推进政务数据管理的其他职责。", "a5.5", ""),
        # d006 第十九条: unless it names a principle the rest explains.
        ("第十九条 政务数据共享应当遵循以下原则：\n（二）无偿共享原则。政务部门之间共享政务数据不得收取任何费用。", "a19.2",
         "无偿共享原则"),
        # d020 第六十二条: an article that introduces its definitions has no heading.
        ("第六十二条 本条例下列用语的含义：\n（一）网络数据，是指通过网络处理和产生的各种电子数据。", "a62", ""),
        # d012: a work report's (一) title printed as a sentence with its 。.
        ("一、2021年工作回顾\n（一）着力稳定宏观经济大盘，保持经济运行在合理区间。\n加大宏观政策实施力度。", "1.1",
         "着力稳定宏观经济大盘，保持经济运行在合理区间"),
        # d021: a lead phrase of paired clauses, then the text.
        ("2024年工作安排建议\n（一）坚定不移推动经济稳中有进，加快实现质的有效提升和量的合理增长。深入落实扩大内需战略。", "1",
         "坚定不移推动经济稳中有进，加快实现质的有效提升和量的合理增长"),
        # d005: a paragraph's first sentence that states something is not a heading.
        ("一、新时代实施乡村振兴战略的重大意义\n（一）实施乡村振兴战略，是建设现代化经济体系的重要基础。农业是国民经济的基础。", "1.1", ""),
    ],
)
def test_headings(tree_of, raw, clause_id, heading):
    assert by_id(tree_of(raw))[clause_id].heading == heading


def test_run_together_text_of_a_pdf_still_has_its_clauses(tree_of):
    # d002 国务院关于大力发展电子商务加快培育经济新动力的意见: its text layer has no paragraph breaks.
    body = ("各省、自治区、直辖市人民政府，国务院各部委、各直属机构：近年来我国电子商务发展迅猛。" * 60
            + "现提出以下意见：一、指导思想、基本原则和主要目标（一）指导思想。全面贯彻党的十八大精神。"
            "（二）基本原则。一是积极推动。主动作为、支持发展。（三）主要目标。到2020年，统一开放、竞争有序、"
            "诚信守法、安全可靠的电子商务大市场基本建成。二、营造宽松发展环境（四）降低准入门槛。"
            "全面清理电子商务领域现有前置审批事项。（国务院审改办，有关部门按职责分工分别负责）（五）合理降税减负。"
            "从事电子商务活动的企业，经认定为高新技术企业的，依法享受高新技术企业相关优惠政策。")
    tree = tree_of(body)
    assert [c.clause_id for c in tree.clauses] == ["0", "1", "1.1", "1.2", "1.3", "2", "2.4", "2.5"]
    assert by_id(tree)["1"].heading == "指导思想、基本原则和主要目标"


def test_a_validity_note_after_the_body_is_closing(tree_of):
    # d031 上海市支持企业加强基础研究…若干措施: the unnumbered last line.
    tree = tree_of("九、加强政策协同\n各相关部门要加强协同。\n本措施自2025年6月1日起施行，有效期至2030年5月31日。")
    assert rows(tree) == [("9", None, "section"), ("closing", None, "closing")]


def test_outside_share_is_measured_and_warned(tree_of):
    long_preamble = "现将有关事项通知如下，请认真贯彻执行。" * 40
    tree = tree_of(f"{long_preamble}\n一、总体要求\n坚持创新。")
    assert tree.outside_share > OUTSIDE_WARNING_SHARE
    assert tree.warnings[-1].startswith(f"structure: {tree.outside_share:.0%} of the text is outside numbered clauses")
    assert tree_of(ZHONGSHAN_REGULATION).outside_share < 0.05


# Linear time: the segmenter's work per line does not grow with the document.
def _traced_lines(text: str) -> int:
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line" and frame.f_code.co_filename.endswith(("clauses.py", "markers.py")):
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        segment(text)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("line", ["{n}、第{n}项内容。\n", "1、内容。\n", "第{n}条 内容。\n本条第二款。\n"])
def test_segmenting_is_linear_in_the_number_of_lines(line):
    small = _traced_lines("一、甲\n" + "".join(line.format(n=n) for n in range(1, 251)))
    large = _traced_lines("一、甲\n" + "".join(line.format(n=n) for n in range(1, 1001)))
    assert large < 4.6 * small  # quadratic work would be about 16 times


def test_forty_thousand_items_of_the_same_number_are_segmented():
    tree = segment("1、内容。\n" * 40_000)
    ids = [c.clause_id for c in tree.clauses]
    assert len(ids) == len(set(ids)) == 40_000 and ids[-1] == "1~40000"

"""Web pages, PDFs and DOCX files: each seed rendered into one gives the clauses of the seed's text."""

from __future__ import annotations

import datetime
import html
import io
import time
import zipfile
from functools import cache
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from pipeline import config, containers
from pipeline.errors import (
    BinaryDocumentError,
    CorruptContainerError,
    DocumentTooLargeError,
    NoArticleError,
    NoTextLayerError,
)
from pipeline.ingest import decode_document
from pipeline.normalize import normalize
from pipeline.process import decode, run_document
from pipeline.store.sources import read_source
from tests.conftest import SEEDS

CLAUSE_FIELDS = ("clause_id", "level", "kind", "label", "heading", "text")


def read(path: Path):
    """A file read and decoded as the pipeline does it: its bytes once (the listing's read), then the decode stage."""
    return decode(read_source(path))
# A CJK font built into reportlab and PDF readers: no font file is needed.
PDF_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))

# How each seed's web page is encoded: the (meta) label a site would print,
# the bytes' codec, and the encoding the reader must report.
HTML_ENCODINGS = {
    "sichuan2024": ('<meta charset="utf-8">', "utf-8", "html:utf-8"),
    "sichuan2019": ('<meta charset="gb2312">', "gb18030", "html:gb18030"),
    "sichuan2025": ('<meta http-equiv="Content-Type" content="text/html; charset=GBK">', "gbk", "html:gb18030"),
    "jiangxi2022": ("", "utf-8-sig", "html:utf-8-sig"),
    "shandong2023": ('<meta charset="big5">', "big5", "html:cp950"),
}


def seed_paragraphs(seed: str) -> list[str]:
    return [line.strip() for line in SEEDS[seed].read_text(encoding="utf-8").split("\n") if line.strip()]


def page_title(paragraphs: list[str]) -> str:
    # Shandong 2023 is one line; its title is the part before the date.
    return paragraphs[0].split(" (")[0]


def render_html(paragraphs: list[str], path: Path, meta: str = '<meta charset="utf-8">',
                codec: str = "utf-8") -> Path:
    """A government-site page: the article amid menus, breadcrumb, share buttons, scripts and footer.

    The site prints the title in an ``<h1>`` above the article; a one-line
    document (Shandong) also repeats it inside the article.
    """
    title = page_title(paragraphs)
    body = paragraphs[1:] if len(paragraphs) > 1 else paragraphs
    article = "\n".join(f"<p style=\"text-indent:2em\">{html.escape(p)}</p>" for p in body)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head>{meta}
<title>{html.escape(title)}_四川省人民政府网站</title>
<script type="text/javascript">var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script");
hm.src = "https://hm.baidu.com/hm.js?abc"; }})();</script>
<link rel="stylesheet" href="/css/common.css"></head>
<body>
<div class="top-bar"><a href="/wza">无障碍</a> | <a href="/zzms">长者模式</a> | <a href="/en">English</a></div>
<div class="header"><img src="/images/logo.png" alt="四川省人民政府">
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/yw">要闻动态</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/zwfw">政务服务</a></li><li><a href="/hdjl">互动交流</a></li><li><a href="/zjsc">走进四川</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/zcwj">政策文件</a></div>
<div class="article">
<h1 class="title">{html.escape(title)}</h1>
<div class="font-size">【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div id="UCAP-CONTENT" class="content">
{article}
</div>
<div class="share">分享到：<a class="weixin" href="#">微信</a><a class="weibo" href="#">微博</a>
<a class="qzone" href="#">QQ空间</a></div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="related"><h3>相关文章</h3><ul>
<li><a href="/a/1.html">四川省人民政府关于印发四川省数字政府建设规划的通知</a></li>
<li><a href="/a/2.html">四川省人民政府办公厅关于加快推进数字化转型的通知</a></li></ul></div>
<div class="footer"><p>主办：四川省人民政府办公厅 承办：四川省大数据中心 版权所有 © 四川省人民政府</p>
<p>网站标识码：5100000062 蜀ICP备05003827号 川公网安备51010402000507号</p></div>
<script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac' %3E%3C/span%3E"));</script>
</body></html>
"""
    # A page in a legacy encoding writes what it cannot encode as &#NNNN; references.
    path.write_bytes(page.encode(codec, errors="xmlcharrefreplace"))
    return path


def render_pdf(paragraphs: list[str], path: Path, header: str, footer: str = "— {} —") -> Path:
    """An A4 PDF: a first-line indent, a running header and a page number on every page."""
    style = ParagraphStyle("body", fontName=PDF_FONT, fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK")

    def decorate(pdf: canvas.Canvas, doc: SimpleDocTemplate) -> None:
        pdf.saveState()
        pdf.setFont(PDF_FONT, 9)
        pdf.drawCentredString(A4[0] / 2, A4[1] - 40, header)
        pdf.setFont(PDF_FONT, 11)
        pdf.drawCentredString(A4[0] / 2, 36, footer.format(doc.page))
        pdf.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, topMargin=72, bottomMargin=72, leftMargin=72, rightMargin=72)
    # reportlab's UniGB-UCS2-H table has no U+00B7 and draws the GB middle
    # dot from U+30FB, which PDF readers map back to U+00B7.
    flowables = [Paragraph(html.escape(p.replace("·", "・")), style) for p in paragraphs]
    doc.build(flowables, onFirstPage=decorate, onLaterPages=decorate)
    return path


def render_docx(paragraphs: list[str], path: Path) -> Path:
    """A DOCX: the title centred, every other paragraph with a first-line indent."""
    document = docx.Document()
    for index, text in enumerate(paragraphs):
        paragraph = document.add_paragraph(text)
        if index == 0:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph.paragraph_format.first_line_indent = Pt(24)
    document.save(path)
    return path


def render(container: str, seed: str, folder: Path) -> Path:
    paragraphs = seed_paragraphs(seed)
    if container == "html":
        meta, codec, _ = HTML_ENCODINGS[seed]
        return render_html(paragraphs, folder / f"{seed}.html", meta, codec)
    if container == "pdf":
        return render_pdf(paragraphs, folder / f"{seed}.pdf", header=page_title(paragraphs)[:40])
    return render_docx(paragraphs, folder / f"{seed}.docx")


def clause_rows(result) -> list[tuple]:
    return [tuple(row[field] for field in CLAUSE_FIELDS) for row in result.rows["clauses"]]


@pytest.fixture(scope="module")
def text_clauses(toolkit):
    """The clause rows of each plain-text seed, computed once."""
    @cache
    def clauses(seed: str) -> list[tuple]:
        return clause_rows(run_document(SEEDS[seed], toolkit))
    return clauses


@pytest.fixture(scope="module")
def pdf_of(tmp_path_factory):
    """Each seed's PDF, rendered once for the module."""
    folder = tmp_path_factory.mktemp("pdf")

    @cache
    def pdf(seed: str) -> Path:
        return render("pdf", seed, folder)
    return pdf


# --- The same clauses from every container ---------------------------------

@pytest.mark.parametrize("seed", sorted(SEEDS))
@pytest.mark.parametrize("container", ["html", "pdf", "docx"])
def test_a_container_gives_the_clauses_of_the_plain_text(container, seed, toolkit, text_clauses, pdf_of, tmp_path):
    path = pdf_of(seed) if container == "pdf" else render(container, seed, tmp_path)

    result = run_document(path, toolkit)

    expected = text_clauses(seed)
    got = clause_rows(result)
    assert len(expected) > 20
    # Clause for clause first, so that a failure names the clause that differs.
    for want_row, got_row in zip(expected, got):
        assert got_row == want_row
    assert len(got) == len(expected)
    encoding = HTML_ENCODINGS[seed][2] if container == "html" else container
    assert result.rows["documents"][0]["encoding"] == encoding


def test_pdf_running_header_and_page_numbers_are_dropped_but_the_title_is_kept(pdf_of):
    path = pdf_of("jiangxi2022")
    title = seed_paragraphs("jiangxi2022")[0]  # also the running header of every page

    lines = decode_document(path.read_bytes(), path).text.split("\n")

    assert lines.count(title) == 1
    assert lines == seed_paragraphs("jiangxi2022")


@pytest.mark.parametrize("footer", ["- {} -", "第 {} 页", "第{}页 共9页", "{}"])
def test_pdf_page_number_styles_are_dropped(footer, tmp_path):
    paragraphs = seed_paragraphs("sichuan2024")
    path = render_pdf(paragraphs, tmp_path / "numbered.pdf", header="四川省人民政府文件", footer=footer)

    lines = decode_document(path.read_bytes(), path).text.split("\n")

    assert lines == paragraphs


def test_pdf_flush_left_paragraphs_split_at_clause_markers(tmp_path):
    # Without a first-line indent, a paragraph whose last line is full looks
    # wrapped; the sentence end and the marker after it tell it is not, on the
    # same page and across the page break.  Each paragraph fills one line:
    # 36 Chinese characters, or their width with the narrower ASCII marks.
    words = "加快推进数字经济发展" * 3
    filler = [words + "推动数字化。"] * 33
    marked = ["(一)" + words + "推动。", "(二)" + words + "推动。", "1." + words + "推动化。", "2." + words + "推动化。"]
    style = ParagraphStyle("flush", fontName=PDF_FONT, fontSize=12, leading=20, wordWrap="CJK")
    path = tmp_path / "flush.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph(text, style) for text in filler + marked])

    lines = decode_document(path.read_bytes(), path).text.split("\n")

    # (二) opens page 2.  The unmarked paragraphs before (一) cannot be told
    # from one paragraph wrapped over 33 lines, and are read as one.
    assert lines == ["".join(filler)] + marked


def test_html_page_keeps_the_article_and_drops_the_frame(tmp_path):
    path = render_html(seed_paragraphs("jiangxi2022"), tmp_path / "page.html")

    text = decode_document(path.read_bytes(), path).text

    assert text.split("\n") == seed_paragraphs("jiangxi2022")
    for boilerplate in ("首页", "当前位置", "分享到", "微信", "打印本页", "版权所有", "网站标识码", "hm.baidu", "相关文章"):
        assert boilerplate not in text


def test_docx_reads_table_cells_in_document_order(tmp_path):
    document = docx.Document()
    document.add_paragraph("一、重点任务")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "任务分工表"
    table.cell(1, 0).text = "(一)建设算力网络"
    table.cell(1, 1).text = "省发展改革委"
    document.add_paragraph("二、保障措施")
    path = tmp_path / "table.docx"
    document.save(path)

    text = decode_document(path.read_bytes(), path).text

    assert text.split("\n") == ["一、重点任务", "任务分工表", "(一)建设算力网络", "省发展改革委", "二、保障措施"]


# --- Choosing the reader -----------------------------------------------------

def test_a_pdf_renamed_txt_is_read_as_a_pdf(pdf_of, tmp_path):
    renamed = tmp_path / "misnamed.txt"
    renamed.write_bytes(pdf_of("sichuan2025").read_bytes())

    decoded = read(renamed)

    assert decoded.encoding == "pdf"
    assert decoded.text.split("\n")[0] == seed_paragraphs("sichuan2025")[0]


def test_a_web_page_saved_as_txt_is_read_as_html(tmp_path):
    path = render_html(seed_paragraphs("sichuan2025"), tmp_path / "saved.txt")

    assert read(path).encoding == "html:utf-8"


def test_plain_text_still_decodes_as_text(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(SEEDS["sichuan2019"].read_text(encoding="utf-8").encode("gbk"))

    decoded = read(path)

    assert decoded.encoding == "gb18030"
    assert decoded.text == SEEDS["sichuan2019"].read_text(encoding="utf-8")


def test_a_page_whose_charset_label_is_wrong_is_detected(tmp_path):
    path = render_html(seed_paragraphs("jiangxi2022"), tmp_path / "mislabelled.html",
                       meta='<meta charset="utf-8">', codec="gbk")

    decoded = read(path)

    assert decoded.encoding == "html:gb18030"
    assert decoded.text.split("\n") == seed_paragraphs("jiangxi2022")


def test_a_zip_that_is_not_a_word_file_stays_binary(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
    path = tmp_path / "sheet.txt"
    path.write_bytes(buffer.getvalue())

    with pytest.raises(BinaryDocumentError, match="ZIP"):
        read(path)


# --- Damaged, empty and oversized containers ----------------------------------

def assert_names_file_and_reason(error: Exception, path: Path, reason: str) -> None:
    assert str(path) in str(error)
    assert reason in str(error)


def test_a_truncated_pdf_is_corrupt(pdf_of, toolkit, tmp_path):
    data = pdf_of("sichuan2024").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(CorruptContainerError) as raised:
        run_document(path, toolkit)

    assert_names_file_and_reason(raised.value, path, "truncated")


def test_a_pdf_with_a_damaged_body_is_corrupt(pdf_of, tmp_path):
    data = pdf_of("sichuan2024").read_bytes()
    path = tmp_path / "damaged.pdf"
    # Keep the header and the %%EOF, garble everything between.
    path.write_bytes(data[:20] + bytes(range(256)) * ((len(data) - 1044) // 256) + data[-1024:])

    with pytest.raises(CorruptContainerError) as raised:
        read(path)

    assert_names_file_and_reason(raised.value, path, "damaged or truncated")


def test_a_pdf_without_a_text_layer_needs_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        # What a scanner leaves: shapes and pixels, no text.
        pdf.rect(72, 72, A4[0] - 144, A4[1] - 144, fill=1)
        pdf.line(72, 400, 500, 400)
        pdf.showPage()
    pdf.save()

    with pytest.raises(NoTextLayerError) as raised:
        read(path)

    assert_names_file_and_reason(raised.value, path, "no text layer")
    assert "OCR" in str(raised.value)


def pdf_without_unicode_map() -> bytes:
    """A one-page PDF whose subset font maps glyphs to no characters: Identity-H, no ToUnicode."""
    text = b"BT /F1 12 Tf 72 700 Td <" + b"".join(b"%04X" % (100 + i) for i in range(40)) + b"> Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Song /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Song"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def test_a_pdf_whose_fonts_have_no_unicode_map_has_no_usable_text_layer(tmp_path):
    path = tmp_path / "subset-fonts.pdf"
    path.write_bytes(pdf_without_unicode_map())

    with pytest.raises(NoTextLayerError) as raised:
        read(path)

    assert_names_file_and_reason(raised.value, path, "no Unicode characters")


def test_a_page_of_navigation_and_scripts_has_no_article(tmp_path):
    path = tmp_path / "index.html"
    path.write_text("""<!DOCTYPE html><html><head><meta charset="utf-8"><title>四川省人民政府</title>
<script>var _hmt = _hmt || []; window.onload = function () { document.title = "四川"; };</script></head>
<body><div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/yw">要闻动态</a></li>
<li><a href="/zwgk">政务公开</a></li><li><a href="/zwfw">政务服务</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
<script>document.write("<span></span>");</script>
<div class="footer"><p>主办：四川省人民政府办公厅 承办：四川省大数据中心 版权所有 © 四川省人民政府</p>
<p>网站标识码：5100000062 蜀ICP备05003827号 川公网安备51010402000507号</p>
<p>地址：四川省成都市锦江区督院街30号 邮编：610016 联系我们 网站地图</p></div>
</body></html>""", encoding="utf-8")

    with pytest.raises(NoArticleError) as raised:
        read(path)

    assert_names_file_and_reason(raised.value, path, "no article body")


def garbage_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", b"\x00\x13garbage<w:body")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04" + b"garbage" * 200, garbage_zip(), b"\xd0\xcf\x11\xe0 an old .doc renamed"],
    ids=["zip-header-then-garbage", "zip-holding-garbage", "not-a-zip"],
)
def test_a_corrupt_docx_is_corrupt(data, toolkit, tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(data)

    with pytest.raises(CorruptContainerError) as raised:
        run_document(path, toolkit)

    assert_names_file_and_reason(raised.value, path, "DOCX")


@pytest.mark.parametrize("container", ["txt", "html", "pdf", "docx"])
def test_a_document_over_the_character_limit_is_refused(container, pdf_of, monkeypatch, tmp_path):
    if container == "txt":
        path = SEEDS["jiangxi2022"]
    elif container == "pdf":
        path = pdf_of("jiangxi2022")
    else:
        path = render(container, "jiangxi2022", tmp_path)
    monkeypatch.setattr(config, "MAX_DOCUMENT_CHARS", 1000)

    with pytest.raises(DocumentTooLargeError) as raised:
        read(path)

    assert_names_file_and_reason(raised.value, path, "limit 1,000 characters")


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(config, "MAX_DOCUMENT_BYTES", 10_000)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read before its size was checked"))

    with pytest.raises(DocumentTooLargeError) as raised:
        read(SEEDS["jiangxi2022"])

    assert_names_file_and_reason(raised.value, SEEDS["jiangxi2022"], "42,071 bytes; limit 10,000 bytes")


def test_a_docx_that_unpacks_past_the_byte_limit_is_refused(monkeypatch, tmp_path):
    path = render_docx(seed_paragraphs("jiangxi2022"), tmp_path / "big.docx")
    monkeypatch.setattr(config, "MAX_DOCUMENT_BYTES", path.stat().st_size + 1)

    with pytest.raises(DocumentTooLargeError) as raised:
        read(path)

    assert_names_file_and_reason(raised.value, path, "unpacks to")


def test_a_real_50_mb_text_file_fails_fast(toolkit, tmp_path):
    path = tmp_path / "huge.txt"
    line = "一、加快数字经济发展，推进数字产业化和产业数字化。\n".encode("utf-8")
    path.write_bytes(line * (50_000_000 // len(line)))
    assert path.stat().st_size > 49_000_000

    started = time.perf_counter()
    with pytest.raises(DocumentTooLargeError) as raised:
        run_document(path, toolkit)
    elapsed = time.perf_counter() - started

    assert_names_file_and_reason(raised.value, path, "limit 2,000,000 characters")
    assert elapsed < 2.0


# --- PDFs printed by a browser from gov.cn ------------------------------------

@pytest.mark.parametrize(("printed", "expected"), [
    # d001 and d008 of the development corpus, as a text layer gives the headings.
    ("国 务 院 关 于 积 极 推 进 “ 互 联 网 + ” 行 动 的 指 导 意国 务 院 关 于 积 极 推 进 “ 互 联 网 + ” 行 动 的 指 导 意",
     "国务院关于积极推进“互联网+”行动的指导意"),
    ("一 、 总 体 要 求一 、 总 体 要 求", "一、总体要求"),
    ("二、重点行动二、重点行动", "二、重点行动"),
    ("索 引 号", "索引号"),
    # A sentence with a space in it, and a short line, stay as printed.
    ("2020-04-09 19:00 来源： 新华社", "2020-04-09 19:00 来源： 新华社"),
    ("见见", "见见"),
    ("支持企业 “走出去”", "支持企业 “走出去”"),
])
def test_letter_spaced_and_doubled_headings_are_collapsed(printed, expected):
    assert containers.collapse_spaced_heading(printed) == expected


# d001: the paragraph the gov.cn block interrupted at a page break, and the block.
D001_BEFORE = ["3.有序推进实施。各地区、各部门要主动作为，完善服务，加强", "引导，以动态发展的眼光看待“互联网+”，在实践中大胆探索拓展，",
               "相互借鉴“互联网+”融合应用成功经验，促进“互联网+”新业态、"]
D001_AFTER = ["新经济发展。有关部门要加强统筹规划，提高服务和管理能力。各地", "区要结合实际，研究制定适合本地的“互联网+”行动落实方案，因地",
              "制宜，合理定位，科学组织实施，杜绝盲目建设和重复投资，务实有", "序推进“互联网+”行动。（各部门、各地方政府负责）"]
D001_BLOCK = ["索 引 号： 000014349/2015-00112 主题分类：", "工业、交通\\信息产业（含电", "信）",
              "发文机关： 国务院 成文日期： 2015年07月01日", "标 题： 国务院关于积极推进“互联网+”行动的指导意见",
              "发文字号： 国发〔2015〕40号 发布日期： 2015年07月04日"]


def browser_print(path: Path) -> Path:
    """A two-page PDF laid out like Chrome's print of a gov.cn page (d001).

    The title is drawn twice at the same place, letter-spaced (a fake bold);
    the disclosure block is printed where the page breaks, inside a paragraph.
    """
    pdf = canvas.Canvas(str(path), pagesize=A4)
    size, left, top = 14, 72, A4[1] - 90

    def line(text: str, x: float, y: float, spacing: float = 0.0) -> None:
        drawn = pdf.beginText(x, y)
        drawn.setFont(PDF_FONT, size)
        drawn.setCharSpace(spacing)
        drawn.textOut(text)
        pdf.drawText(drawn)

    for _ in range(2):
        line("国务院关于积极推进“互联网+”行动的指导意见", left + 20, top, spacing=4)
    y = top - 40
    for index, text in enumerate(D001_BEFORE):
        line(text, left + (2 * size if index == 0 else 0), y)
        y -= 24
    y -= 40
    for text in D001_BLOCK:
        line(text, left, y)
        y -= 20
    pdf.showPage()
    y = top
    for text in D001_AFTER:
        line(text, left, y)
        y -= 24
    pdf.save()
    return path


def test_a_browser_print_gives_its_paragraphs_and_lifts_the_gov_block(tmp_path):
    path = browser_print(tmp_path / "d001.pdf")

    lines = decode_document(path.read_bytes(), path).text.split("\n")

    assert lines[0] == "国务院关于积极推进“互联网+”行动的指导意见"
    assert lines[1] == "".join(D001_BEFORE + D001_AFTER)
    assert "".join(lines[2:]).replace(" ", "") == "".join(D001_BLOCK).replace(" ", "")


def test_the_gov_block_goes_from_the_text_into_the_documents_row(toolkit, tmp_path):
    path = browser_print(tmp_path / "d001.pdf")

    result = run_document(path, toolkit)

    document = result.rows["documents"][0]
    assert "索引号" not in "".join(row["text"] for row in result.rows["clauses"]).replace(" ", "")
    assert dict(document["dropped_chars"])["gov_metadata_block"] > 100
    assert (document["issuer"], document["doc_number"]) == ("国务院", "国发〔2015〕40号")
    assert (document["issue_date"], document["publish_date"]) == (datetime.date(2015, 7, 1), datetime.date(2015, 7, 4))
    assert (document["admin_level"], document["genre"]) == ("national", "指导意见")


# --- Markdown -------------------------------------------------------------------

# Excerpts of the development corpus (d011, d032, d007, d025), shortened.
CRAWLER_MARKDOWN = """# 关于全面推进乡村振兴加快农业农村现代化的意见

**发布日期**: 2021年2月21日
**发布机构**: 中共中央
**分类**: 
**来源**: https://www.gov.cn/zhengce/2021-02/21/content_5588098.htm

---

## 政策全文
新华社北京2月21日电

中共中央 国务院
关于全面推进乡村振兴加快农业农村现代化的意见
（2021年1月4日）

一、总结“十三五”农业农村发展成就，开启全面建设社会主义现代化国家新征程

（一）重要意义。党中央认为，新发展阶段“三农”工作依然极端重要。
---

**更新时间**: 2026-01-26 11:25:29
"""

BASIC_INFO_MARKDOWN = """### 基本信息
- **文档类型**：政策类
- **原文链接**：https://www.gov.cn/zhengce/zhengceku/202508/content_7038032.htm
- **发布机构**：工业和信息化部
- **发布日期**：2025年8月
- **文件名称**：工业和信息化部关于优化业务准入促进卫星通信产业发展的指导意见
- **文件编号**：工信部信管〔2025〕180号

工业和信息化部关于优化业务准入促进卫星通信产业发展的指导意见
工信部信管〔2025〕180号

一、总体要求

以习近平新时代中国特色社会主义思想为指导，加强顶层设计和政策协同。

工业和信息化部
2025年8月25日
"""

LAWREFBOOK_MARKDOWN = """# 浙江省数字经济促进条例

2020年12月24日 浙江省第十三届人民代表大会常务委员会第二十六次会议通过

<!-- INFO END -->

## 第一章　总则

第一条 为了促进数字经济发展，加快建设现代化经济体系，结合本省实际，制定本条例。

## 第九章　附则

第六十二条 本条例自2021年3月1日起施行。《浙江省信息化促进条例》同时废止。"""

DOWNLOAD_MARKDOWN = """# 上海市人民政府办公厅印发《关于进一步深化改革创新 加快科技服务业高质量发展的若干意见》

**发布日期**: 2025-05-27
**发布机构**: 上海市科学技术委员会
**原文链接**: [http://stcsm.sh.gov.cn/zwgk/kjzc/zcwj/qtzcwj/20250527/ad5cf4a2721647b18c1b9fd6f4ca8637.html](http://stcsm.sh.gov.cn/zwgk/kjzc/zcwj/qtzcwj/20250527/ad5cf4a2721647b18c1b9fd6f4ca8637.html)

---

沪府办发〔2025〕11号

　**一、提升科技服务供给质量**

**（一）推动科技创新资源开放**

优化运营管理和开放共享考核制度。（责任单位：市科委、市发展改革委）

　　上海市人民政府办公厅

　　2025年5月17日

【原文下载】
- [上海市人民政府办公厅印发《关于进一步深化改革创新 加快科技服务业高质量发展的若干意见》.pdf](/cmsres/a4/a42eb979bdf343bfad7ffc34e6cfea6a/c795767ae6dfd0ea.pdf )"""

# d003's 附件 (重点任务分工方案), written as a Markdown table with front matter.
TABLE_MARKDOWN = """---
title: 重点任务分工方案
---
| 序号 | 重点工作 | 负责单位 |
| --- | :--- | --- |
| 1 | 打造自主先进的技术体系，制定网络强国工程实施纲要 | 中央网信办、国家发展改革委、工业和信息化部牵头 |
"""


def normalized_markdown(text: str, tmp_path: Path, converter, name: str = "doc.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    decoded = decode_document(path.read_bytes(), path)
    return decoded, normalize(decoded.text, converter, decoded.markup)


@pytest.mark.parametrize("name", ["doc.md", "doc.markdown", "DOC.MD"])
def test_markdown_is_read_as_markdown(name, converter, tmp_path):
    decoded, _ = normalized_markdown(LAWREFBOOK_MARKDOWN, tmp_path, converter, name)
    assert (decoded.encoding, decoded.markup) == ("markdown:utf-8", "markdown")


@pytest.mark.parametrize(("markdown", "first_lines", "rules"), [
    (CRAWLER_MARKDOWN, ["中共中央 国务院", "关于全面推进乡村振兴加快农业农村现代化的意见", "(2021年1月4日)"],
     {"crawler_header", "crawler_footer", "news_dateline"}),
    (BASIC_INFO_MARKDOWN, ["工业和信息化部关于优化业务准入促进卫星通信产业发展的指导意见", "工信部信管〔2025〕180号"],
     {"crawler_header"}),
    (LAWREFBOOK_MARKDOWN, ["浙江省数字经济促进条例", "2020年12月24日 浙江省第十三届人民代表大会常务委员会第二十六次会议通过",
                           "第一章 总则"], {"markdown_heading", "markdown_comment"}),
    (DOWNLOAD_MARKDOWN, ["上海市人民政府办公厅印发《关于进一步深化改革创新 加快科技服务业高质量发展的若干意见》",
                         "沪府办发〔2025〕11号", "一、提升科技服务供给质量", "(一)推动科技创新资源开放"],
     {"crawler_header", "markdown_emphasis", "download_links"}),
    (TABLE_MARKDOWN, ["序号   重点工作   负责单位"], {"front_matter", "markdown_table"}),
])
def test_markdown_markup_and_headers_are_dropped_by_named_rules(markdown, first_lines, rules, converter, tmp_path):
    _, doc = normalized_markdown(markdown, tmp_path, converter)

    assert doc.text.split("\n")[: len(first_lines)] == first_lines
    assert rules <= set(doc.rule_counts)
    for mark in ("**", "<!--", "](", "---", "更新时间", "原文下载", "| "):
        assert mark not in doc.text
    # Every dropped character is in the original, under its rule, and the kept ones map back.
    for drop in doc.mapped.dropped:
        assert 0 <= drop.start < drop.end <= len(markdown)
    start = doc.text.index(first_lines[0])
    assert doc.original_text(start, start + len(first_lines[0])).replace("\u3000", " ").startswith(first_lines[0][:2])


def test_a_markdown_table_keeps_its_cells_in_order(converter, tmp_path):
    _, doc = normalized_markdown(TABLE_MARKDOWN, tmp_path, converter)
    # The space after the row number goes the way of every space between a number and Chinese text.
    assert doc.text.split("\n")[1] == "1打造自主先进的技术体系，制定网络强国工程实施纲要   中央网信办、国家发展改革委、工业和信息化部牵头"


@pytest.mark.parametrize(("markdown", "expected"), [
    (CRAWLER_MARKDOWN, dict(title="中共中央 国务院关于全面推进乡村振兴加快农业农村现代化的意见", issuer="中共中央、国务院",
                            issue_date=datetime.date(2021, 1, 4), publish_date=datetime.date(2021, 2, 21),
                            source="https://www.gov.cn/zhengce/2021-02/21/content_5588098.htm",
                            genre="意见", admin_level="national")),
    (BASIC_INFO_MARKDOWN, dict(title="工业和信息化部关于优化业务准入促进卫星通信产业发展的指导意见", issuer="工业和信息化部",
                               doc_number="工信部信管〔2025〕180号", issue_date=datetime.date(2025, 8, 25),
                               source="https://www.gov.cn/zhengce/zhengceku/202508/content_7038032.htm",
                               genre="指导意见", admin_level="national")),
    (LAWREFBOOK_MARKDOWN, dict(title="浙江省数字经济促进条例", issuer="浙江省人民代表大会常务委员会",
                               effective_date=datetime.date(2021, 3, 1), genre="条例", admin_level="provincial",
                               province="浙江省", city=None)),
    (DOWNLOAD_MARKDOWN, dict(title="上海市人民政府办公厅印发《关于进一步深化改革创新 加快科技服务业高质量发展的若干意见》",
                             issuer="上海市人民政府办公厅", doc_number="沪府办发〔2025〕11号",
                             bundled_title="关于进一步深化改革创新 加快科技服务业高质量发展的若干意见",
                             publish_date=datetime.date(2025, 5, 27), genre="若干意见", province="上海市",
                             admin_level="provincial")),
])
def test_markdown_headers_go_into_the_documents_row(markdown, expected, toolkit, tmp_path):
    path = tmp_path / "doc.md"
    path.write_text(markdown, encoding="utf-8")

    document = run_document(path, toolkit).rows["documents"][0]

    assert {key: document[key] for key in expected} == expected


def test_a_password_protected_pdf_is_named_as_encrypted(tmp_path):
    from reportlab.lib import pdfencrypt

    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    pdf.setFont(PDF_FONT, 12)
    pdf.drawString(72, 700, "一、总体要求")
    pdf.save()

    with pytest.raises(CorruptContainerError) as raised:
        read(path)

    assert_names_file_and_reason(raised.value, path, "encrypted PDF")


def test_a_centred_title_wrapped_onto_two_lines_is_one_line(tmp_path):
    # d001's title as Chrome prints it: 20 pt, centred, its last character alone on the second line.
    path = tmp_path / "title.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    centre = A4[0] / 2
    for text, size, y in (("国务院关于积极推进“互联网+”行动的指导意", 20, 760), ("见", 20, 734), ("国发〔2015〕40号", 14, 700)):
        pdf.setFont(PDF_FONT, size)
        pdf.drawCentredString(centre, y, text)
    pdf.setFont(PDF_FONT, 14)
    y = 660
    for index, text in enumerate(D001_BEFORE):
        pdf.drawString(72 + (28 if index == 0 else 0), y, text)
        y -= 24
    pdf.save()

    lines = decode_document(path.read_bytes(), path).text.split("\n")

    assert lines[:3] == ["国务院关于积极推进“互联网+”行动的指导意见", "国发〔2015〕40号", "".join(D001_BEFORE)]


def test_a_crawler_title_the_text_lacks_stays_and_one_it_repeats_goes(converter, tmp_path):
    # d024's text starts at its number: the header's # title is its only title.  d011 repeats its title.
    _, kept = normalized_markdown(DOWNLOAD_MARKDOWN, tmp_path, converter)
    _, gone = normalized_markdown(CRAWLER_MARKDOWN, tmp_path, converter)
    assert kept.text.split("\n")[0] == "上海市人民政府办公厅印发《关于进一步深化改革创新 加快科技服务业高质量发展的若干意见》"
    assert gone.text.count("关于全面推进乡村振兴加快农业农村现代化的意见") == 1

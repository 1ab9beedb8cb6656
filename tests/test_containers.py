"""Web pages, PDFs and DOCX files: each seed rendered into one gives the clauses of the seed's text."""

from __future__ import annotations

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

from pipeline import config
from pipeline.errors import (
    BinaryDocumentError,
    CorruptContainerError,
    DocumentTooLargeError,
    NoArticleError,
    NoTextLayerError,
)
from pipeline.ingest import decode_document, read_document
from pipeline.process import list_documents, process_document
from tests.conftest import SEEDS

CLAUSE_FIELDS = ("clause_id", "level", "kind", "label", "heading", "text")
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
        return clause_rows(process_document(SEEDS[seed], toolkit))
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

    result = process_document(path, toolkit)

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

    decoded = read_document(renamed)

    assert decoded.encoding == "pdf"
    assert decoded.text.split("\n")[0] == seed_paragraphs("sichuan2025")[0]


def test_a_web_page_saved_as_txt_is_read_as_html(tmp_path):
    path = render_html(seed_paragraphs("sichuan2025"), tmp_path / "saved.txt")

    assert read_document(path).encoding == "html:utf-8"


def test_plain_text_still_decodes_as_text(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(SEEDS["sichuan2019"].read_text(encoding="utf-8").encode("gbk"))

    decoded = read_document(path)

    assert decoded.encoding == "gb18030"
    assert decoded.text == SEEDS["sichuan2019"].read_text(encoding="utf-8")


def test_a_page_whose_charset_label_is_wrong_is_detected(tmp_path):
    path = render_html(seed_paragraphs("jiangxi2022"), tmp_path / "mislabelled.html",
                       meta='<meta charset="utf-8">', codec="gbk")

    decoded = read_document(path)

    assert decoded.encoding == "html:gb18030"
    assert decoded.text.split("\n") == seed_paragraphs("jiangxi2022")


def test_a_zip_that_is_not_a_word_file_stays_binary(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
    path = tmp_path / "sheet.txt"
    path.write_bytes(buffer.getvalue())

    with pytest.raises(BinaryDocumentError, match="ZIP"):
        read_document(path)


def test_the_folder_listing_takes_the_container_endings(tmp_path):
    for name in ("a.txt", "b.html", "c.htm", "d.shtml", "e.xhtml", "f.pdf", "g.docx", "h.md", "i.xlsx"):
        (tmp_path / name).write_bytes(name.encode())  # different bytes: a copy would be a duplicate

    assert [path.name for path in list_documents(tmp_path)] == [
        "a.txt", "b.html", "c.htm", "d.shtml", "e.xhtml", "f.pdf", "g.docx"]


# --- Damaged, empty and oversized containers ----------------------------------

def assert_names_file_and_reason(error: Exception, path: Path, reason: str) -> None:
    assert str(path) in str(error)
    assert reason in str(error)


def test_a_truncated_pdf_is_corrupt(pdf_of, toolkit, tmp_path):
    data = pdf_of("sichuan2024").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(CorruptContainerError) as raised:
        process_document(path, toolkit)

    assert_names_file_and_reason(raised.value, path, "truncated")


def test_a_pdf_with_a_damaged_body_is_corrupt(pdf_of, tmp_path):
    data = pdf_of("sichuan2024").read_bytes()
    path = tmp_path / "damaged.pdf"
    # Keep the header and the %%EOF, garble everything between.
    path.write_bytes(data[:20] + bytes(range(256)) * ((len(data) - 1044) // 256) + data[-1024:])

    with pytest.raises(CorruptContainerError) as raised:
        read_document(path)

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
        read_document(path)

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
        read_document(path)

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
        read_document(path)

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
        process_document(path, toolkit)

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
        read_document(path)

    assert_names_file_and_reason(raised.value, path, "limit 1,000 characters")


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(config, "MAX_DOCUMENT_BYTES", 10_000)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read before its size was checked"))

    with pytest.raises(DocumentTooLargeError) as raised:
        read_document(SEEDS["jiangxi2022"])

    assert_names_file_and_reason(raised.value, SEEDS["jiangxi2022"], "42,071 bytes; limit 10,000 bytes")


def test_a_docx_that_unpacks_past_the_byte_limit_is_refused(monkeypatch, tmp_path):
    path = render_docx(seed_paragraphs("jiangxi2022"), tmp_path / "big.docx")
    monkeypatch.setattr(config, "MAX_DOCUMENT_BYTES", path.stat().st_size + 1)

    with pytest.raises(DocumentTooLargeError) as raised:
        read_document(path)

    assert_names_file_and_reason(raised.value, path, "unpacks to")


def test_a_real_50_mb_text_file_fails_fast(toolkit, tmp_path):
    path = tmp_path / "huge.txt"
    line = "一、加快数字经济发展，推进数字产业化和产业数字化。\n".encode("utf-8")
    path.write_bytes(line * (50_000_000 // len(line)))
    assert path.stat().st_size > 49_000_000

    started = time.perf_counter()
    with pytest.raises(DocumentTooLargeError) as raised:
        process_document(path, toolkit)
    elapsed = time.perf_counter() - started

    assert_names_file_and_reason(raised.value, path, "limit 2,000,000 characters")
    assert elapsed < 2.0

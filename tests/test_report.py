"""The HTML report: its structure (parsed), then the page in a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest

from pipeline import views
from pipeline.corpus import extract_corpus
from pipeline.errors import ReportWriteError
from pipeline.report import REPORT_RESOURCES, SECTIONS, write_report
from tests import browser
from tests.conftest import SEEDS_DIR

SICHUAN_2024 = "000_df46c3d2f2ee2b45.txt"
SICHUAN_2025 = "002_dba2baabc91e1179.txt"
REUSED = f"align-{SICHUAN_2024}--2.3--{SICHUAN_2025}--2.5.17"
URL_ATTRIBUTES = ("src", "href", "action", "formaction", "data", "poster", "srcset", "background", "cite")


@pytest.fixture(scope="module")
def tables(seed_data_dir):
    return views.load_tables(seed_data_dir)


@pytest.fixture(scope="module")
def report(tables, tmp_path_factory) -> Path:
    return write_report(tables, tmp_path_factory.mktemp("report") / "report.html")


@pytest.fixture(scope="module")
def page(report):
    return lxml.html.fromstring(report.read_bytes())


def _text(element) -> str:
    return element.text_content().strip()


# --- structure --------------------------------------------------------------------------------


def test_page_is_utf8_chinese_html(report, page):
    head = report.read_bytes()[:200].decode("utf-8")
    assert head.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">")
    assert page.xpath("//meta/@charset") == ["utf-8"]
    css = "".join(page.xpath("//style/text()"))
    stack = re.search(r"html\s*\{[^}]*font-family:([^;]+);", css).group(1)
    for family in ("Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei"):
        assert f'"{family}"' in stack
    assert stack.strip().endswith("sans-serif")


def test_every_section_is_there_and_linked(page):
    nav = page.xpath("//nav/a/@href")
    assert nav == [f"#{key}" for key, _ in SECTIONS]
    for key, title in SECTIONS:
        section = page.get_element_by_id(key)
        assert section.tag == "section"
        assert _text(section.find("h2")) == title
        assert not section.find_class("none"), f"section {key} is empty"


def test_documents_header(page, tables):
    rows = page.get_element_by_id("documents").xpath(".//tbody/tr")
    labels = views.document_labels(tables["documents"])
    assert [_text(row[0]) for row in rows] == sorted(labels)
    by_label = {_text(row[0]): [_text(cell) for cell in row] for row in rows}
    sichuan = by_label["四川 2024"]
    assert sichuan[1].startswith("四川省人民政府关于加快数字经济高质量发展的实施意见")
    assert SICHUAN_2024 in sichuan[1]
    assert sichuan[2:6] == ["四川省人民政府", "—", "2024-11-26", "2024-12-16"]
    assert sichuan[6].startswith("繁体 / 台湾用语")
    assert sichuan[7] == "26"
    assert by_label["四川 2019"][3] == "川府发〔2019〕20号"


def test_views_are_shown_as_given(page, tables):
    counts = views.clause_counts(tables)
    rows = page.get_element_by_id("clauses").xpath(".//tbody/tr")
    assert [_text(row[0]) for row in rows] == list(counts.index)
    assert [_text(cell) for cell in rows[0][1:1 + len(counts.columns)]] == [str(v) for v in counts.iloc[0]]

    by_year = views.targets_by_year(tables)
    header = page.get_element_by_id("targets").xpath(".//thead/tr/th")
    assert [_text(th) for th in header[1:-1]] == list(by_year.columns)

    themes = page.get_element_by_id("themes")
    assert len(themes.xpath(".//tbody/tr")) == 5
    assert "数据要素" in _text(themes.xpath(".//thead")[0])
    cells = themes.xpath(".//td[@class='cell' and contains(@style, 'background:#')]")
    assert len(cells) == 50 and len({cell.get("style") for cell in cells}) > 10  # shaded, not one colour

    share = views.alignment_matrix(tables, "share")
    heat = page.get_element_by_id("alignment").xpath(".//table")
    assert len(heat) == 3
    row = heat[0].xpath(".//tbody/tr[th='四川 2024']")[0]
    shown = dict(zip(share.columns, (_text(td) for td in row.xpath("td"))))
    assert shown["四川 2025"] == f"{100 * share.loc['四川 2024', '四川 2025']:.1f}%"
    assert shown["四川 2024"] == "—"  # a document is not compared with itself

    labels = views.document_labels(tables["documents"])
    parties = page.get_element_by_id("parties")
    assert [_text(h) for h in parties.xpath(".//h3")] == sorted(labels)
    assert "中国(四川)自由贸易试验区" in _text(parties)
    terms = page.get_element_by_id("terms")
    assert [_text(h) for h in terms.xpath(".//h3")] == sorted(labels)
    assert len(terms.xpath(".//li")) == len(views.distinctive_terms(tables))


def test_reuse_list_links_into_the_browser(page, tables):
    reused = views.reuse_summary(tables)
    rows = page.get_element_by_id("reuse").xpath(".//tbody/tr")
    assert len(rows) == len(reused) >= 1
    first = rows[0]
    assert _text(first[0]) == "四川 2024 [2.3] ↔ 四川 2025 [2.5.17]"
    assert first.xpath(".//a/@href") == [f"#{REUSED}"]
    assert "数据出境" in _text(first)
    for href in page.get_element_by_id("reuse").xpath(".//a/@href"):
        assert page.get_element_by_id(href[1:]).get("class") == "aligned reuse"


def test_clause_browser_offers_every_pair_of_documents(page, tables):
    alignments = tables["alignments"]
    pairs = sorted(set(zip(alignments["doc_a"], alignments["doc_b"])))
    options = page.xpath("//select[@id='pair-select']/option")
    assert [o.get("value") for o in options] == [f"pair-{a}--{b}" for a, b in pairs]
    assert [o.get("value") for o in options if o.get("selected") is not None] == \
        [f"pair-{SICHUAN_2024}--{SICHUAN_2025}"]
    blocks = page.get_element_by_id("pairs").find_class("pair")
    assert [b.get("id") for b in blocks] == [o.get("value") for o in options]
    assert all(b.get("hidden") is None for b in blocks)  # without the script every pair is readable
    assert sum(len(b.find_class("aligned")) for b in blocks) == len(alignments)


def test_the_sichuan_copy_is_marked_in_both_clauses(page, tables):
    pair = page.get_element_by_id(REUSED)
    assert pair.getparent().get("id") == f"pair-{SICHUAN_2024}--{SICHUAN_2025}"
    assert [_text(b) for b in pair.find_class("badge")] == ["REUSE"]
    shared = "区内需要纳入数据出境安全评估、个人信息出境标准合同、个人信息保护认证管理范围的数据清单。"
    clauses = tables["clauses"].set_index(["doc_id", "clause_id"])["text"]
    for side, doc_id, clause_id in (("side-a", SICHUAN_2024, "2.3"), ("side-b", SICHUAN_2025, "2.5.17")):
        column = pair.find_class(side)[0]
        assert column.get("data-clause") == clause_id
        text = column.find_class("text")[0]
        assert text.text_content() == clauses[(doc_id, clause_id)]  # the whole clause, unaltered
        assert "支持中国(四川)自由贸易试验区在国家数据分类分级保护制度框架下" in text.text_content()
        assert [mark.text_content() for mark in text.iter("mark")] == [shared]
    assert "四川 2024" in _text(pair.find_class("side-a")[0].find_class("clause-head")[0])
    assert "(三)" in _text(pair.find_class("side-a")[0])
    assert "推进规则制度互通提升开放合作水平" in _text(pair.find_class("side-b")[0].find_class("clause-head")[0])


def test_every_mark_is_the_shared_passage(page, tables):
    for row in tables["alignments"].itertuples(index=False):
        article = page.get_element_by_id(f"align-{row.doc_a}--{row.clause_a}--{row.doc_b}--{row.clause_b}")
        assert ("REUSE" in _text(article.find_class("meta")[0])) == row.reuse
        for side in ("side-a", "side-b"):
            marks = [m.text_content() for m in article.find_class(side)[0].iter("mark")]
            assert marks == [row.shared_text]


def test_no_external_resources(report, page):
    for element in page.iter():
        for attribute in URL_ATTRIBUTES:
            value = element.get(attribute)
            if value is None:
                continue
            assert value.startswith("#"), f"<{element.tag} {attribute}={value!r}> leaves the page"
            assert not urlsplit(value).scheme
    assert not page.xpath("//link | //img | //iframe | //object | //embed | //script[@src]")
    text = report.read_text(encoding="utf-8")
    assert "@import" not in text and "url(" not in text
    assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text.replace("<!DOCTYPE html>", ""))


def test_text_from_the_tables_is_escaped(tables, tmp_path):
    documents = tables["documents"].copy()
    documents.loc[0, "title"] = '<script>alert("x")</script>&'
    written = write_report({**tables, "documents": documents}, tmp_path / "report.html")
    text = written.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;" in text  # Jinja2's autoescape
    # The page's script and the search box's data, nothing from the tables.
    assert text.count("<script") == 2 and text.count('<script type="application/json" id="kwic-data">') == 1


def test_same_tables_give_the_same_bytes(report, tables, tmp_path):
    again = write_report(tables, tmp_path / "again.html")
    assert again.read_bytes() == report.read_bytes()
    write_report(tables, again)  # replaced in place
    assert again.read_bytes() == report.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.html"]  # no temporary file left


def test_unwritable_path_is_a_named_error(tables, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ReportWriteError, match="report could not be written"):
        write_report(tables, blocker / "report.html")


def test_resources_are_shipped():
    assert (REPORT_RESOURCES / "report.css").is_file()
    assert (REPORT_RESOURCES / "report.js").is_file()


# --- in a real browser ------------------------------------------------------------------------


def _visible_pairs(dom: str) -> tuple[str, list[str]]:
    tree = lxml.html.fromstring(dom)
    container = tree.get_element_by_id("pairs")
    visible = [b.get("id") for b in container.find_class("pair") if b.get("hidden") is None]
    return container.get("data-shown"), visible


def test_script_runs_and_shows_one_pair(report):
    run = browser.dump_dom(report.as_uri())
    assert 'data-ready="1"' in run.stdout, "the page's script did not finish"
    assert not run.console, f"console output from the page: {run.console}"
    assert not run.page_requests, f"the page asked the network for {run.page_requests}"
    shown, visible = _visible_pairs(run.stdout)
    assert shown == f"pair-{SICHUAN_2024}--{SICHUAN_2025}"
    assert visible == [shown]


def test_a_link_opens_its_pair(report):
    wanted = "pair-003_a8cd71ea5b437bb0.txt--004_675e57c38d26c4aa.txt"
    run = browser.dump_dom(f"{report.as_uri()}#{wanted}")
    assert 'data-ready="1"' in run.stdout and not run.console
    assert _visible_pairs(run.stdout) == (wanted, [wanted])


def test_network_check_sees_external_requests(tmp_path):
    """The network log the tests rely on does record a page's requests."""
    probe = tmp_path / "probe.html"
    probe.write_text('<!DOCTYPE html><html><body><img src="http://report-test.invalid/x.png"></body></html>')
    assert browser.dump_dom(probe.as_uri()).page_requests == ("http://report-test.invalid/x.png",)


def test_screenshot_is_not_blank(report, tmp_path):
    png = tmp_path / "report.png"
    run = browser.screenshot(report.as_uri(), png, width=1400, height=700)
    assert not run.console
    image = browser.read_png(png)
    assert (image.width, image.height) == (1400, 700)
    colours = set(image.pixels())
    assert len(colours) > 200, f"only {len(colours)} distinct colours: the page did not render"


def test_chinese_renders_with_real_glyphs(tmp_path):
    """Different Chinese strings must look different, at full width: tofu boxes are all alike."""
    families = browser.require_cjk_font()
    css = (REPORT_RESOURCES / "report.css").read_text(encoding="utf-8")
    stack = re.search(r"html\s*\{[^}]*font-family:([^;]+);", css).group(1)
    lines = ("数据出境安全评估", "人工智能算力网络", "\ue000" * 8)  # the last: a code point no font draws
    rows = "".join(f'<div style="height:80px">{line}</div>' for line in lines)
    probe = tmp_path / "glyphs.html"
    probe.write_text(f'<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><style>body {{ margin: 0; '
                     f'padding: 10px; background: #fff; color: #000; font: 48px/80px {stack}; }}</style>'
                     f"<body>{rows}</body></html>", encoding="utf-8")
    png = tmp_path / "glyphs.png"
    browser.screenshot(probe.as_uri(), png, width=600, height=260)
    image = browser.read_png(png)
    white = image.pixels((0, 0, 1, 1))[0]
    bands = [(0, 10 + 80 * i, 600, 10 + 80 * (i + 1)) for i in range(3)]
    first, second, missing = (image.pixels(band) for band in bands)
    assert len(set(first)) > 2, "the Chinese line did not render at all"
    assert first != second, f"two different Chinese strings render alike (tofu); fonts found: {families}"
    assert first != missing, f"Chinese renders like a missing glyph (tofu); fonts found: {families}"
    ink = browser.Image.ink_columns(image, bands[0], white)
    assert ink[-1] - ink[0] > 0.85 * 8 * 48, "the Chinese glyphs are not full width"


# --- the researcher's new views -----------------------------------------------------------------


def test_target_values_section_shows_the_values(page, tables):
    values = views.target_values(tables)
    rows = page.get_element_by_id("values").xpath(".//tbody/tr")
    assert [_text(row[0]) for row in rows] == list(values.index)
    # The computing-power row (indicator_id computing_power) holds Sichuan 2024's 40 EFLOPS.
    at = [i for i, name in enumerate(values.index) if "EFLOPS" in values.iloc[i]["四川 2024"]][0]
    row = dict(zip(values.columns, (_text(td) for td in rows[at].xpath("td"))))
    assert row["四川 2024"] == values.iloc[at]["四川 2024"] and "EFLOPS" in row["四川 2024"]


def test_timeline_draws_every_period_and_deadline(page, tables):
    spans = views.timeline(tables)
    svg = page.get_element_by_id("timeline").xpath(".//svg")[0]
    assert len(svg.xpath(".//rect[@class='period']")) == (spans["what"] == "period").sum() > 0
    assert len(svg.xpath(".//path[@class='deadline']")) == (spans["what"] == "deadline").sum() > 0
    lanes = [g.get("data-document") for g in svg.xpath(".//g[@class='lane']")]
    assert lanes == sorted(views.document_labels(tables["documents"]))  # every document, with or without spans
    assert len(svg.xpath(".//circle[@class='issued']")) == 5
    assert "2025" in [t.text for t in svg.xpath(".//text[@class='tick']")]


def test_reuse_graph_points_from_earlier_to_later(page, tables):
    graph = views.reuse_graph(tables)
    arcs = page.get_element_by_id("reuse-graph").xpath(".//svg//path")
    assert len(arcs) == len(graph)
    reused = [(a.get("data-earlier"), a.get("data-later")) for a in arcs if "reuse" in a.get("class")]
    assert ("四川 2024", "四川 2025") in reused
    assert all(row.earlier_date <= row.later_date for row in graph.itertuples())


def test_party_network_links_parties_to_documents(page, tables):
    edges = views.party_network(tables)
    lines = page.get_element_by_id("network").xpath(".//svg//line")
    assert len(lines) == len(edges) > 0
    assert {(line.get("data-party"), line.get("data-document")) for line in lines} == set(
        zip(edges["name"], edges["document"]))
    generic = views.declared_list(views.GENERIC_PARTIES_FILE)
    assert not generic & set(edges["name"])


def test_generic_groups_and_boilerplate_are_left_out_of_top_lists(page, tables):
    names = {_text(td) for td in page.get_element_by_id("parties").xpath(".//tbody/tr/td[1]")}
    assert not names & {"龙头企业", "各地", "各部门"}
    terms = {_text(span) for span in page.get_element_by_id("terms").find_class("term")}
    assert not terms & {"4K", "缩写", "单位", "责任", "印发", "深入开展", "等市"}


def test_heatmap_legend_reads_in_the_cells_unit(page):
    scale = page.get_element_by_id("themes").find_class("scale")[0]
    ends = [_text(span) for span in scale.xpath("./span") if span.get("class") != "ramp"]
    assert ends[0] == "0.0%" and ends[1].endswith("%")


def test_kwic_data_holds_every_clause(page, tables):
    import json

    data = json.loads(page.get_element_by_id("kwic-data").text)
    assert len(data["clauses"]) == len(tables["clauses"])
    assert "數" in data["chars"]  # Traditional characters are converted in the search box
    assert ["人工智慧", "人工智能"] in data["phrases"]


def _kwic_rows(dom: str) -> list[list[str]]:
    tree = lxml.html.fromstring(dom)
    return [[td.text_content() for td in row] for row in tree.get_element_by_id("kwic-results")]


@pytest.mark.parametrize("query", ["算力", "數據 要素", "人工智慧 OR 低空"])
def test_search_box_finds_what_policy_kwic_finds(report, tables, converter, query):
    from urllib.parse import quote

    run = browser.dump_dom(f"{report.as_uri()}?q={quote(query)}")
    assert 'data-ready="1"' in run.stdout and not run.console, run.console
    expected = views.kwic(tables, query, converter)
    rows = _kwic_rows(run.stdout)
    assert len(rows) == len(expected) > 0
    assert [row[3] for row in rows] == expected["keyword"].tolist()
    assert [row[1] for row in rows] == [f"[{c}]" for c in expected["clause_id"]]


def test_screenshots_of_the_new_views(report, tmp_path):
    """Each new view renders in Chromium; with POLICY_UPDATE_SCREENSHOTS=1 the shots go to docs/ (to look at)."""
    docs = Path(__file__).resolve().parent.parent / "docs"
    html = report.read_text(encoding="utf-8")
    for key in ("values", "timeline", "reuse-graph", "network", "kwic"):
        # Headless Chromium paints only the first screen: a copy of the page with that section first.
        tree = lxml.html.fromstring(html)
        main = tree.find(".//main")
        section = tree.get_element_by_id(key)
        main.remove(section)
        main.insert(0, section)
        page = tmp_path / f"{key}.html"
        page.write_bytes(lxml.html.tostring(tree, doctype="<!DOCTYPE html>", encoding="utf-8"))
        png = tmp_path / f"{key}.png"
        url = page.as_uri() + ("?q=%E7%AE%97%E5%8A%9B" if key == "kwic" else "")
        run = browser.screenshot(url, png, width=1400, height=800)
        assert not run.console, run.console
        image = browser.read_png(png)
        assert len(set(image.pixels())) > 50, f"{key}: the view did not render"
        if os.environ.get("POLICY_UPDATE_SCREENSHOTS"):
            shutil.copy(png, docs / f"report-{key}.png")


def test_two_documents_of_one_place_and_year_do_not_break_the_report(tmp_path, toolkit):
    """Once `ValueError: Index contains duplicate entries, cannot reshape`: labels must stay unique."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = (SEEDS_DIR / "003_a8cd71ea5b437bb0.txt").read_text(encoding="utf-8")
    (seeds / "guizhou_2024_a.txt").write_text(text, encoding="utf-8")
    (seeds / "guizhou_2024_b.txt").write_text(text + "\n附：另一份文件。\n", encoding="utf-8")
    data = tmp_path / "data"
    extract_corpus(seeds, data, toolkit=toolkit)
    tables = views.load_tables(data)
    labels = views.document_labels(tables["documents"])
    assert len(labels) == 2 and labels.is_unique
    page = lxml.html.fromstring(write_report(tables, tmp_path / "report.html").read_bytes())
    assert len(page.get_element_by_id("themes").xpath(".//tbody/tr")) == 2


def test_copies_of_political_formulae_are_marked_and_real_copies_are_not(page):
    rows = page.get_element_by_id("reuse").xpath(".//tbody/tr")
    marked = {_text(row[0]): bool(row.find_class("muted-badge")) for row in rows}
    assert marked["四川 2024 [2.3] ↔ 四川 2025 [2.5.17]"] is False  # the free-trade-zone sentence
    assert any(marked.values())  # 以习近平新时代中国特色社会主义思想为指导 …

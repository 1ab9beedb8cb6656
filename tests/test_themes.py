"""Themes: the taxonomy file, clause scores and the document × theme shares."""

from __future__ import annotations

import pytest

from pipeline.themes import load_taxonomy, theme_rows, theme_share_rows


def _clause(clause_id, text, heading="", parent_id=None, kind="clause", doc_id="d"):
    return {"doc_id": doc_id, "clause_id": clause_id, "parent_id": parent_id, "kind": kind,
            "heading": heading, "text": text, "start": 0, "end": len(text)}


def test_the_taxonomy_is_bilingual_and_has_the_ten_themes():
    taxonomy = load_taxonomy()
    names = {theme.theme: theme for theme in taxonomy.themes}
    assert set(names) >= {"data_elements", "digital_infrastructure", "computing_power", "artificial_intelligence",
                          "industrial_digitalization", "digital_government", "security", "talent", "finance",
                          "safeguards"}
    assert all(theme.name_zh and theme.name_en and theme.keywords for theme in taxonomy.themes)


def test_a_keyword_listed_twice_is_refused(tmp_path):
    path = tmp_path / "themes.csv"
    path.write_text("theme,name_zh,name_en,keywords,description\n"
                    "a,甲,A,算力|数据,x\nb,乙,B,数据,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="数据"):
        load_taxonomy(path)


def test_longest_keyword_wins_and_latin_keywords_need_boundaries():
    taxonomy = load_taxonomy()
    assert taxonomy.hits("强化数据安全") == {"security": {"数据安全": 1}}
    assert taxonomy.hits("EMAIL") == {}
    assert taxonomy.hits("推广AI应用") == {"artificial_intelligence": {"AI": 1}}


def test_scores_of_a_clause_sum_to_one_and_headings_weigh_more():
    rows = theme_rows([_clause("1", "加强算力调度。培养人才。", heading="加强算力调度")])
    by_theme = {row["theme"]: row for row in rows}
    assert by_theme["computing_power"]["hits"] == 2 and by_theme["talent"]["hits"] == 1
    assert by_theme["computing_power"]["rank"] == 1
    assert sum(row["score"] for row in rows) == pytest.approx(1.0)


def test_a_clause_inherits_the_theme_of_its_section_heading():
    section = _clause("4", "保障措施", heading="保障措施", kind="section")
    child = _clause("4.1", "明确责任，抓紧推动各项任务。", parent_id="4")
    rows = [row for row in theme_rows([section, child]) if row["clause_id"] == "4.1"]
    assert [row["theme"] for row in rows] == ["safeguards"]


def test_closing_lines_are_not_themed():
    assert theme_rows([_clause("closing", "四川省人民政府 算力", kind="closing")]) == []


def test_document_shares_weigh_clauses_by_length():
    clauses = [_clause("1", "加强算力调度" * 3), _clause("2", "培养人才")]
    shares = {row["theme"]: row for row in theme_share_rows(clauses, theme_rows(clauses))}
    assert shares["computing_power"]["share"] == pytest.approx(18 / 22, abs=1e-6)
    assert shares["talent"]["share"] == pytest.approx(4 / 22, abs=1e-6)
    assert shares["finance"]["share"] == 0 and shares["finance"]["n_clauses"] == 0


def test_seed_documents_stress_what_they_are_about(seed_tables):
    shares = seed_tables["theme_shares"].pivot(index="doc_id", columns="theme", values="share")
    assert (shares.sum(axis=1) <= 1 + 1e-6).all()
    # Sichuan 2024's main line is 数据要素市场化配置改革: its largest theme is data elements.
    assert shares.loc["000_df46c3d2f2ee2b45.txt"].idxmax() == "data_elements"
    themes = seed_tables["themes"]
    assert themes["score"].between(0, 1).all()
    assert not themes.duplicated(["doc_id", "clause_id", "theme"]).any()

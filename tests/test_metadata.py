from __future__ import annotations

from datetime import date

import pytest

from pipeline.clauses import segment
from pipeline.metadata import read_metadata
from pipeline.normalize import normalize
from tests.conftest import SEEDS

EXPECTED = {
    "sichuan2024": dict(title="四川省人民政府关于加快数字经济高质量发展的实施意见", issuer="四川省人民政府",
                        doc_number=None, issue_date=date(2024, 11, 26), publish_date=date(2024, 12, 16),
                        recipients="各市(州)、县(市、区)人民政府，省政府各部门、各直属机构，有关单位"),
    "sichuan2019": dict(title="四川省人民政府关于加快推进数字经济发展的指导意见", issuer="四川省人民政府",
                        doc_number="川府发〔2019〕20号", issue_date=date(2019, 8, 5), publish_date=None,
                        recipients="各市(州)人民政府，省政府各部门、各直属机构，有关单位"),
    "sichuan2025": dict(title="四川省人民政府办公厅关于印发《四川省国家数字经济创新发展试验区建设方案》的通知",
                        issuer="四川省人民政府办公厅", doc_number="川办发〔2025〕57号",
                        issue_date=date(2025, 12, 31), publish_date=None,
                        recipients="各市(州)人民政府，省政府有关部门、有关直属机构，有关单位"),
    "jiangxi2022": dict(title="江西省人民政府关于印发江西省“十四五”数字经济发展规划的通知", issuer="江西省人民政府",
                        doc_number=None, issue_date=date(2022, 5, 25), publish_date=None,
                        recipients="各市、县(区)人民政府，省政府各部门"),
    "shandong2023": dict(title="中共山东省委 山东省人民政府关于加快数字经济高质量发展的意见",
                         issuer="中共山东省委、山东省人民政府", doc_number=None, issue_date=date(2023, 12, 28),
                         publish_date=None, recipients=None),
}


@pytest.mark.parametrize("seed", list(EXPECTED))
def test_metadata_of_each_seed(converter, seed):
    doc = normalize(SEEDS[seed].read_text(encoding="utf-8"), converter)
    meta = read_metadata(doc.text, segment(doc.text))
    assert {key: getattr(meta, key) for key in EXPECTED[seed]} == EXPECTED[seed]


def test_a_document_without_header_takes_its_first_line_as_title(converter):
    doc = normalize("关于做好数据工作的说明\n一、总体要求\n坚持创新。", converter)
    meta = read_metadata(doc.text, segment(doc.text))
    assert meta.title == "关于做好数据工作的说明"
    assert meta.doc_number is None and meta.issue_date is None

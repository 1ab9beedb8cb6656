"""The spaCy pipeline: the policy segmenter (rjieba or jieba) with its dictionary, and the span components."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from spacy.language import Language

from pipeline.extract import nlp as nlp_module
from pipeline.extract.nlp import SpanComponent, build_nlp
from pipeline.extract.tokenizer import (
    POLICY_TERMS_PATH, SEGMENTERS, JiebaSegmenter, RJiebaSegmenter, get_segmenter, tokens_and_starts, word_starts,
    words_and_spaces,
)
from spacy.util import get_words_and_spaces
from pipeline.extract.parties import PartyHit, find_parties, load_gazetteer


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


HAS_TARGETS = _available("pipeline.extract.targets")
HAS_DATES = _available("pipeline.extract.dates")


@pytest.fixture(scope="session")
def nlp() -> Language:
    # targets.py and dates.py are written alongside this module; build with
    # whichever extractors exist so the parties tests never wait on them.
    components = [
        name
        for name, present in (("policy_targets", HAS_TARGETS), ("policy_dates", HAS_DATES), ("policy_parties", True))
        if present
    ]
    return build_nlp(components=components)


def test_pipeline_is_blank_chinese_with_the_configured_segmenter(nlp: Language) -> None:
    assert nlp.lang == "zh"
    assert nlp.tokenizer.segmenter.name == "rjieba"
    assert "policy_parties" in nlp.pipe_names
    assert nlp.pipe_names == [n for n in ("policy_targets", "policy_dates", "policy_parties") if n in nlp.pipe_names]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("促进实体经济和数字经济深度融合", "数字经济"),
        ("以数据要素市场化配置改革为主线", "数据要素"),
        ("建成国家“东数西算”工程战略支点", "东数西算"),
        ("以“数字产业化、产业数字化、数字化治理”为发展主线", "数字产业化"),
        ("以“数字产业化、产业数字化、数字化治理”为发展主线", "产业数字化"),
        ("加快发展人工智能产业", "人工智能"),
        ("打造10个左右具有全国影响力的行业标杆大模型", "大模型"),
        ("建成3—5个国家级、10余个省级可信数据空间", "可信数据空间"),
        ("开展行政事业单位数据资产全过程管理试点", "数据资产"),
        ("深化“一网通办”前提下的“最多跑一次”改革", "一网通办"),
        ("深入实施制造业“智改数转”行动", "智改数转"),
        ("优化算力结构", "算力"),
        ("省发展改革委牵头", "省发展改革委"),
        ("依托国家发展改革委", "国家发展改革委"),
        ("推进建设四川省能源大数据中心", "四川省能源大数据中心"),
        ("支持济南市、青岛市加快关键器件迭代升级", "济南市"),
    ],
)
@pytest.mark.parametrize("segmenter", SEGMENTERS)
def test_policy_terms_are_single_tokens(segmenter: str, text: str, term: str) -> None:
    assert term in get_segmenter(segmenter).cut(text)


def test_the_spacy_doc_holds_the_segmenter_words_with_offsets(nlp: Language) -> None:
    doc = nlp.make_doc("省发展改革委牵头 推进NB-IoT网络")
    assert doc.text == "省发展改革委牵头 推进NB-IoT网络"
    assert [(t.text, t.idx) for t in doc] == [
        ("省发展改革委", 0), ("牵头", 6), ("推进", 9), ("NB", 11), ("-", 13), ("IoT", 14), ("网络", 17)]


@pytest.mark.parametrize(
    "text",
    [
        "推进NB-IoT、5G网络建设，2024-12-16前完成2-3个试点，精度达3.5米。",
        "到2025年，数字经济核心产业增加值占地区生产总值比重达到10%。",
        "原文链接：www.gov.cn 法宝引证码 CLI.11.1598088",
        "  全角空格　与换行\n并存的文本",
    ],
)
def test_rjieba_cuts_like_jieba(text: str) -> None:
    rust, python = RJiebaSegmenter(), JiebaSegmenter()
    assert "".join(rust.cut(text)) == text
    if "CLI.11" in text:  # dotted identifiers: the one documented difference
        assert rust.cut(text) != python.cut(text)
    else:
        assert rust.cut(text) == python.cut(text)


# Excerpts for the tokenizer's paths: no whitespace (every word a token), spaces,
# newlines and tabs, joined ASCII runs, nothing at all.
TOKENIZER_TEXTS = [
    "省发展改革委牵头 推进NB-IoT网络",
    "到2025年，数字经济核心产业增加值占地区生产总值比重达到10%。",
    "推进NB-IoT、5G网络建设，2024-12-16前完成2-3个试点，精度达3.5米。",
    "  全角空格　与换行\n并存的文本",
    "一、总体要求\n\n（一）指导思想 \n 坚持创新驱动。  ",
    " \n",
    "",
    "**发布机构**：四川省人民政府\t 2024年1月8日",
    "。，；——（）",
    "２０２５年数字经济核心产业增加值达到１０％",
    "建成二十个以上省级数字化转型促进中心，培育五十家专精特新企业",
]


@pytest.mark.parametrize("text", TOKENIZER_TEXTS)
@pytest.mark.parametrize("segmenter", SEGMENTERS)
def test_one_pass_words_and_spaces_is_spacys(segmenter: str, text: str) -> None:
    words = get_segmenter(segmenter).cut(text)
    assert words_and_spaces(words, text) == get_words_and_spaces(words, text)


@pytest.mark.parametrize("text", TOKENIZER_TEXTS)
@pytest.mark.parametrize("segmenter", SEGMENTERS)
def test_tokens_and_starts_is_words_and_spaces_then_word_starts(segmenter: str, text: str) -> None:
    tokens, spaces = words_and_spaces(get_segmenter(segmenter).cut(text), text)
    assert tokens_and_starts(get_segmenter(segmenter).cut(text), text) == (tokens, spaces, word_starts(tokens, spaces))


@pytest.mark.parametrize("text", TOKENIZER_TEXTS)
def test_the_doc_made_from_hashes_is_the_doc_made_from_strings(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from spacy.tokens import Doc

    nlp, reference = build_nlp(components=[]), build_nlp(components=[])  # two vocabs: lexemes made both ways
    words, spaces = words_and_spaces(nlp.tokenizer.segmenter.cut(text), text)

    def read(doc):
        return [(t.text, t.idx, t.whitespace_, t.is_punct, t.like_num, t.is_digit, t.shape_, t.norm_) for t in doc]

    expected = read(Doc(reference.vocab, words=words, spaces=spaces))
    assert read(nlp.make_doc(text)) == expected
    assert read(nlp.make_doc(text)) == expected  # the hashes remembered
    assert nlp.make_doc(text).text == text
    # Past the bound the hashes are forgotten and taken from the StringStore again.
    monkeypatch.setattr("pipeline.extract.tokenizer._MAX_ORTHS", 0)
    assert read(nlp.make_doc(text)) == expected
    assert len(nlp.tokenizer._orths) <= len(set(words))


@pytest.mark.parametrize("text", TOKENIZER_TEXTS)
@pytest.mark.parametrize("segmenter", SEGMENTERS)
def test_doc_words_are_the_tokens_texts_and_offsets(segmenter: str, text: str) -> None:
    doc = build_nlp(components=[], segmenter=segmenter).make_doc(text)
    assert nlp_module.doc_words(doc) == ([t.text for t in doc], [t.idx for t in doc])


def test_doc_words_of_a_doc_made_without_the_tokenizer(nlp: Language) -> None:
    from spacy.tokens import Doc

    doc = Doc(nlp.vocab, words=["数据", "要素", "市场"], spaces=[True, False, False])
    assert nlp_module.doc_words(doc) == (["数据", "要素", "市场"], [0, 3, 5])


def test_words_that_do_not_spell_the_text_go_to_spacy() -> None:
    # A word starting with whitespace, which spaCy cannot align either; words with the whitespace left out.
    with pytest.raises(ValueError):
        words_and_spaces(["a", " b"], "a b")
    assert words_and_spaces(["数据", "要素"], "数据 要素") == (["数据", "要素"], [True, False])


def test_components_read_the_text_and_the_dates_once_per_doc(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.extract import dates as dates_module

    calls = []
    real = dates_module.find_dates
    monkeypatch.setattr(dates_module, "find_dates", lambda text, year=None, **options: calls.append(text) or real(text, year, **options))
    text = "到2027年，算力总规模达到40EFLOPS；力争年底前完成。"
    doc = nlp.make_doc(text)
    doc.user_data["reference_year"] = 2024
    assert nlp_module.doc_text(doc) is text  # kept by the tokenizer, not joined from the tokens
    doc = nlp(doc)
    assert calls == [text]  # targets and dates share one run of the date grammar
    assert [s._.record for s in doc.spans["dates"]] == list(real(text, 2024))


def test_dates_given_with_no_options_are_the_default_options_reading(nlp: Language) -> None:
    """The targets' reading (no options) and a reading with every option at its default are the
    same ``find_dates`` call: either finds the hits the other stored; another option does not."""
    doc = nlp.make_doc("今年6月底前完成，自印发之日起施行")
    hits = [object()]
    nlp_module.set_doc_dates(doc, 2024, hits)
    assert nlp_module.doc_dates(doc, 2024, past=False, reported_year=None, issued=None, published=None) is hits
    options = {"issued": "2024-03-01", "past": True, "published": None}
    nlp_module.set_doc_dates(doc, 2024, [], **options)
    assert nlp_module.doc_dates(doc, 2024, past=True, issued="2024-03-01") == []
    assert nlp_module.doc_dates(doc, 2024) is hits


def test_segmenters_are_built_once_and_unknown_names_refused() -> None:
    assert get_segmenter("rjieba") is get_segmenter("rjieba")
    with pytest.raises(ValueError, match="unknown segmenter 'thulac'"):
        get_segmenter("thulac")


def test_policy_terms_file_format() -> None:
    lines = POLICY_TERMS_PATH.read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        word, freq, tag = line.split(" ")
        assert word and freq.isdigit() and tag.isalpha()
    words = [line.split(" ")[0] for line in lines]
    assert len(words) == len(set(words))


def test_jieba_keeps_its_cache_out_of_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    segmenter = JiebaSegmenter()
    segmenter.cut("数据要素")
    assert (tmp_path / "cache").stat().st_mode & 0o077 == 0
    assert list((tmp_path / "cache").iterdir())


PARTY_CASES = [
    ("支持成都优化算力结构、提质增效。", [("成都", "actor")]),
    ("鼓励金融机构面向平台企业特点创新金融产品和服务方式。", [("金融机构", "actor")]),
    ("大力建设中国移动(成都)产业技术研究院等产业载体。", [("中国移动(成都)产业技术研究院", "mentioned")]),
]


@pytest.mark.parametrize(("text", "expected"), PARTY_CASES)
def test_parties_component_wraps_find_parties(nlp: Language, text: str, expected: list[tuple[str, str]]) -> None:
    doc = nlp(text)
    spans = list(doc.spans["parties"])
    assert [(s._.record.name, s._.record.role) for s in spans] == expected
    assert [s._.record for s in spans] == list(find_parties(text, load_gazetteer()))
    for span in spans:
        record = span._.record
        assert isinstance(record, PartyHit)
        assert span.label_ == record.kind
        # expand alignment: the span covers the hit, never less.
        assert span.start_char <= record.start and record.end <= span.end_char


def test_parties_component_writes_only_its_own_key(nlp: Language) -> None:
    doc = nlp("省发展改革委牵头，省财政厅等按职责分工负责。")
    assert set(doc.spans) <= {"targets", "dates", "parties"}
    assert [(s._.record.name, s._.record.role) for s in doc.spans["parties"]] == [
        ("省发展改革委", "lead"),
        ("省财政厅", "responsible"),
    ]


class FakeHit:
    def __init__(self, start: int, end: int, text: str) -> None:
        self.start, self.end, self.text = start, end, text


def test_span_component_with_a_stand_in_extractor(nlp: Language) -> None:
    doc = nlp.make_doc("到2027年，算力总规模达到40EFLOPS")
    component = SpanComponent("targets", lambda d: iter([FakeHit(7, 22, d.text[7:22])]))
    doc = component(doc)
    (span,) = doc.spans["targets"]
    assert span._.record.text == "算力总规模达到40EFLOPS"
    assert span.text == "算力总规模达到40EFLOPS"
    assert span.label_ == "targets"  # a record without .kind is labelled by its key


@pytest.mark.skipif(not HAS_DATES, reason="pipeline/extract/dates.py not written yet")
def test_dates_component_uses_reference_year_from_user_data(nlp: Language) -> None:
    from pipeline.extract.dates import find_dates

    text = "到2027年，数字经济总量超过全国平均水平；力争年底前完成。"
    doc = nlp.make_doc(text)
    doc.user_data["reference_year"] = 2024
    doc = nlp(doc)
    records = [s._.record for s in doc.spans["dates"]]
    assert records == list(find_dates(text, 2024))
    assert records and all(text[r.start : r.end] == r.text for r in records)


@pytest.mark.skipif(not HAS_TARGETS, reason="pipeline/extract/targets.py not written yet")
def test_targets_component_wraps_find_targets(nlp: Language) -> None:
    from pipeline.extract.targets import find_targets

    text = "到2027年，算力总规模达到40EFLOPS，数字经济核心产业增加值实现翻番。"
    doc = nlp.make_doc(text)
    doc.user_data["deadline_year"] = 2027
    doc = nlp(doc)
    records = [s._.record for s in doc.spans["targets"]]
    assert records == list(find_targets(text, 2027))
    assert records and all(text[r.start : r.end] == r.text for r in records)


def test_the_gazetteer_is_read_once_per_file_version(tmp_path: Path) -> None:
    assert load_gazetteer() is load_gazetteer()
    path = tmp_path / "gazetteer.csv"
    path.write_text("name,kind,name_en,aliases\n国务院,government,State Council,\n", encoding="utf-8")
    first = load_gazetteer(path)
    assert load_gazetteer(path) is first
    path.write_text("name,kind,name_en,aliases\n国务院,government,State Council,中央人民政府\n", encoding="utf-8")
    assert load_gazetteer(path).lookup("中央人民政府") is not None


def test_factories_are_registered() -> None:
    for name in nlp_module.COMPONENTS:
        assert Language.has_factory(name)

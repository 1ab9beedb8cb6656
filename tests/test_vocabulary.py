"""Taiwan-style to mainland conversion: protected words, ambiguous words in context, offsets, idempotence."""

from __future__ import annotations

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import config, vocabulary
from pipeline.conversion_eval import Score, compare, evaluate_conversion
from pipeline.normalize import MappedText, convert_script, normalize
from tests.conftest import SEEDS

PROTECTED = vocabulary.read_words(config.OPENCC_PROTECTED)
S2T, S2TW, S2TWP = opencc.OpenCC("s2t"), opencc.OpenCC("s2tw"), opencc.OpenCC("s2twp")


@pytest.mark.parametrize("word", PROTECTED)
def test_each_protected_word_stays_as_written(converter, word):
    for written in {S2T.convert(word), S2TW.convert(word)}:
        assert converter.taiwan.convert(f"推進{written}。") == f"推进{word}。"


@pytest.mark.parametrize("word", ["核心", "建立", "整合", "智慧城市", "执行", "复制", "程序", "文件", "档案"])
def test_opencc_tw2sp_over_converts_what_is_protected(word):
    # The reason for the list: without it these words would change.
    assert opencc.OpenCC("tw2sp").convert(S2TW.convert(word)) != word


# Short excerpts of the development corpus (mainland originals), rendered
# Taiwan-style with OpenCC s2twp as gateway sites do, must come back as written.
@pytest.mark.parametrize("excerpt", [
    "开展生鲜农产品和农业生产资料电子商务试点",        # 資料 -> 资料 in 生产资料
    "加快推进政务数据资源、社会数据资源",              # 資料 -> 数据
    "评议和第三方评估为基础的数据安全流动认证体系",
    "公共数据",
    "化、经济运行、环境保护、交通运输",                # 執行 -> 运行 in 经济运行
    "严格执行义务教育法",                              # 執行 stays 执行
    "业互联网、智能电网、智慧城市等领域基础共性标准",  # 智慧 -> 智能, but 智慧城市
    "人工智能等技术及其产业化能力",
    "网络化、智能化、服务化、协同化",
    "合系统集成服务",                                  # 整合 -> 集成 in 系统集成
    "资源整合能力",                                    # 整合 stays
    "线上线下结合更加紧密",                            # 線上 -> 在线, but 线上线下
    "网络购物、在线教育、远程医疗、智慧交通",
    "按照档案管理要求及时以电子形式归档",              # 檔案 stays 档案
    "继续开展“四好农村路”示范创建",                    # 建立 -> 创建 in 示范创建
    "加快文化资源数字化进程",                          # 程序 -> 进程 after -化
    "建立健全数据资源管理制度",                        # 建立 stays
])
def test_corpus_excerpts_come_back_from_their_taiwan_rendering(converter, excerpt):
    assert converter.taiwan.convert(S2TWP.convert(excerpt)) == excerpt


@pytest.mark.parametrize(("taiwan", "mainland"), [
    # 資料: 数据 by default (OpenCC), 资料 where mainland text writes it
    ("公共資料開放", "公共数据开放"), ("資料安全", "数据安全"), ("政務資料共享", "政务数据共享"),
    ("申請資料", "申请资料"), ("學習資料", "学习资料"), ("農業生產資料", "农业生产资料"),
    # 智慧: 智能 by default, 智慧 in the mainland compounds
    ("智慧化改造", "智能化改造"), ("人工智慧", "人工智能"), ("智慧製造", "智能制造"),
    ("智慧城市", "智慧城市"), ("智慧農業", "智慧农业"), ("智慧社區", "智慧社区"), ("智慧社群", "智慧社区"),
    # terms OpenCC lacks
    ("資訊科技", "信息技术"), ("叢集", "集群"), ("視覺化", "可视化"), ("儲存", "存储"), ("最佳化", "优化"),
    ("專案", "项目"), ("排程", "调度"), ("裝置", "设备"), ("高階醫療", "高端医疗"),
    # 共用 and 高品質: 共享 / 高质量 in Taiwan usage (seed 000), as written otherwise
    ("資訊共用", "信息共享"), ("共建共用", "共建共用"), ("高品質發展", "高质量发展"), ("農產品品質", "农产品品质"),
    # protected words and their contexts
    ("平穩執行", "平稳运行"), ("執行機制", "运行机制"), ("嚴格執行", "严格执行"),
    ("系統整合", "系统集成"), ("整合資源", "整合资源"), ("示範建立", "示范创建"), ("建立機制", "建立机制"),
    ("現代化程序", "现代化进程"), ("辦事程序", "办事程序"), ("線上線下", "线上线下"), ("線上教育", "在线教育"),
])
def test_ambiguous_words_are_decided_by_their_context(converter, taiwan, mainland):
    assert converter.taiwan.convert(taiwan) == mainland


def test_seed_000_keeps_every_protected_word(converter):
    original = SEEDS["sichuan2024"].read_text(encoding="utf-8")
    doc = normalize(original, converter)
    assert doc.variant == "taiwan"
    found = 0
    for word in PROTECTED:
        written = S2TW.convert(word)
        if written in original:
            found += 1
            assert doc.text.count(word) >= original.count(written), word
    assert found >= 4


def test_opencc_and_python_phrase_matching_agree_on_the_seeds(converter):
    for path in SEEDS.values():
        text = path.read_text(encoding="utf-8")
        for chosen in (converter.taiwan, converter.traditional):
            for written in (text, S2TWP.convert(text)):
                assert chosen.convert(written) == chosen.convert_slowly(written), path.name


def test_long_unpunctuated_taiwan_text_converts_with_exact_offsets(converter):
    # 20,000 characters without a punctuation mark: one chunk, many phrases that change length.
    unit = "網際網路資訊軟體人工智慧伺服器雲端運算資安"
    text = (unit * (20_000 // len(unit) + 1))[:20_000]
    doc = normalize(text, converter)
    assert doc.text == converter.taiwan.convert(text) == converter.taiwan.convert_slowly(text)
    assert doc.text.startswith("互联网信息软件人工智能服务器云计算网络安全互联网")
    origin = list(doc.mapped.origin)
    assert origin == sorted(origin) and len(origin) == len(doc.text) + 1
    covered = set(origin[:-1])
    for drop in doc.mapped.dropped:
        assert drop.rule == "vocabulary"
        covered.update(range(drop.start, drop.end))
    assert covered == set(range(len(text)))
    start = 0
    for _ in range(50):
        start = doc.text.index("互联网", start)
        assert doc.original_text(start, start + 3) == "網際網路"
        start += 3


def test_a_phrase_that_grows_maps_onto_its_source(converter):
    mapped = convert_script(MappedText.identity("加強資安。"), converter.taiwan)
    assert mapped.text == "加强网络安全。"
    start = mapped.text.index("网络安全")
    assert mapped.original_span(start, start + 4) == (2, 4)


_PIECES = sorted({*(S2TW.convert(w) for w in PROTECTED), *vocabulary.read_table(config.OPENCC_ADDITIONS),
                  "網際網路", "資料", "智慧", "執行", "檔案", "程式", "線上", "，", "。", "\n", "發展", "數位"})


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40))
def test_normalizing_converted_text_changes_nothing(converter, pieces):
    text = "".join(pieces)
    once = normalize(text, converter)
    origin = list(once.mapped.origin)
    assert origin == sorted(origin) and len(origin) == len(once.text) + 1
    covered = set(origin[:-1])
    for drop in once.mapped.dropped:
        covered.update(range(drop.start, drop.end))
    assert covered == set(range(len(text)))
    twice = normalize(once.text, converter)
    assert twice.text == once.text
    assert twice.mapped.dropped == ()


def test_compare_counts_han_errors_of_the_original():
    score = Score("x")
    compare("推进数据安全\n建立机制", "推进资料安全\n建立机制", score)
    assert (score.han, score.errors) == (10, 2)
    assert score.accuracy == pytest.approx(0.8)
    assert list(score.differences) == [("进数据安", "进资料安")]


def test_evaluation_scores_each_converter(converter):
    documents = [("a", "加快推进政务数据资源共享，建立健全智慧城市运行管理机制。")]
    scores = evaluate_conversion(documents, [("tw2sp", opencc.OpenCC("tw2sp").convert),
                                             ("project", converter.to_canonical)], PROTECTED)
    assert scores[0].errors > 0  # 建立 -> 创建, 智慧城市 -> 智能城市
    assert scores[0].protected_changed == 2
    assert (scores[1].errors, scores[1].protected_changed) == (0, 0)


def test_policy_evaluate_normalize_prints_the_table(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    seeds, corpus = tmp_path / "seeds", tmp_path / "corpus"
    seeds.mkdir()
    corpus.mkdir()
    (seeds / "a.txt").write_text("加快推进政务数据资源共享，建立健全智慧城市运行管理机制。\n", encoding="utf-8")
    (corpus / "b.md").write_text("严格执行义务教育法，推进人工智能产业发展，支持软件和信息服务。\n", encoding="utf-8")
    (corpus / "c.txt").write_text(S2TWP.convert("推進人工智慧產業發展，支援軟體。"), encoding="utf-8")  # not mainland
    result = CliRunner().invoke(app, ["evaluate", str(seeds), "--normalize", "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "2 Simplified mainland documents" in result.output
    assert "| this project | 1.0000 | 0 | 0 |" in result.output
    assert "| OpenCC tw2sp (Taiwan phrases) |" in result.output
    missing = CliRunner().invoke(app, ["evaluate", str(tmp_path / "none"), "--normalize",
                                       "--corpus", str(tmp_path / "none2")])
    assert missing.exit_code == 1 and "not a folder" in missing.output


# --- Compatibility forms (the character-normalization step) -------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("到２０２５年达到１５％", "到2025年达到15%"),
    ("ＡＩ大模型和ｗｅｂ服务", "AI大模型和web服务"),
    ("第１﹒５条", "第1.5条"), ("增长３．５％", "增长3.5%"),
    ("力争通过3－5年努力", "力争通过3—5年努力"), ("（2023～2025年）", "(2023—2025年)"),
    ("增长20%〜30%", "增长20%—30%"), ("2023–2025年", "2023—2025年"),
    ("——加强组织领导", "——加强组织领导"), ("2025-12-31", "2025-12-31"),
    ("﹙一﹚加强", "(一)加强"), ("国发﹝2015﹞40号", "国发〔2015〕40号"), ("数据﹐算力", "数据，算力"),
    ("数据，算力；网络：", "数据，算力；网络："),
])
def test_compatibility_forms_become_canonical(converter, raw, expected):
    doc = normalize(raw, converter)
    assert doc.text == expected
    assert len(doc.mapped.origin) == len(doc.text) + 1
    assert normalize(doc.text, converter).text == doc.text


def test_seed_000_has_no_taiwan_word_left_but_protected_ones(converter):
    # Every word OpenCC's Taiwan phrases would still rewrite in the canonical
    # text must be a protected word, or inside one (智慧 of 智慧城市).
    text = normalize(SEEDS["sichuan2024"].read_text(encoding="utf-8"), converter).text
    t2s = converter.traditional
    protected_text = text
    for word in sorted(PROTECTED, key=len, reverse=True):
        protected_text = protected_text.replace(word, "□" * len(word))
    left = {}
    for key, values in vocabulary.opencc_dictionary("TWPhrasesRev").items():
        written, mainland = t2s.convert(key), t2s.convert(values[0])
        if written != mainland and written in protected_text:
            left[written] = mainland
    assert left == {}


# --- convert_script: the chunks between resizing ones in one call, against chunk by chunk --------

def _convert_chunk_by_chunk(mapped, converter):
    """convert_script as first written: one OpenCC call per chunk between punctuation marks
    (a chunk holding a phrase that changes length converted as there)."""
    from array import array

    from pipeline.normalize import _CHUNK, convert_located, drops_of
    text, origin = converter.fold(mapped.text), mapped.origin
    if converter.resizing is None or converter.resizing.search(text) is None:
        converted = converter.convert_folded(text)
        return mapped if converted == mapped.text else MappedText(converted, origin, mapped.dropped)
    pieces, new_origin, runs = [], array("l"), []
    for found in _CHUNK.finditer(text):
        chunk, offset = found.group(), found.start()
        if converter.resizing.search(chunk) is None:
            pieces.append(converter.convert_folded(chunk))
            new_origin.extend(origin[offset:offset + len(chunk)])
            continue
        convert_located(chunk, offset, origin, converter, pieces, new_origin, runs)
    new_origin.append(origin[len(text)])
    return MappedText("".join(pieces), new_origin, mapped.dropped + drops_of(origin, runs))


@pytest.mark.parametrize("text", [
    SEEDS["sichuan2024"].read_text(encoding="utf-8"),          # Taiwan-style vocabulary
    SEEDS["shandong2023"].read_text(encoding="utf-8"),         # Traditional script, mainland vocabulary
    "網際網路與資訊安全，詹姆斯·卡麥隆執導。\n網際網路·雲端運算，資料庫",   # a phrase key holding a chunk mark
    "網際網路", "，。\n", "", "資訊\0網際網路",
])
def test_converting_the_chunks_between_resizing_ones_at_once_is_chunk_by_chunk(converter, text):
    for phrases in (converter.taiwan, converter.traditional):
        mapped = MappedText.identity(text)
        fast, general = convert_script(mapped, phrases), _convert_chunk_by_chunk(mapped, phrases)
        assert (fast.text, fast.origin, fast.dropped) == (general.text, general.origin, general.dropped)


@pytest.mark.parametrize("text", ["数据资源", "資料庫與產業", "産業𠮷", "𠮷野家", "", "爲了"])
def test_folding_only_texts_with_a_variant_is_folding_every_text(converter, text):
    for phrases in (converter.taiwan, converter.traditional):
        assert phrases.fold(text) == text.translate(phrases._variant_table)

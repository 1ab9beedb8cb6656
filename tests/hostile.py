"""Hostile and messy inputs, built on the spot: the cases shared by tests/test_hostile.py and `make fuzz`.

Each :class:`Case` writes its files into an input folder beside one good
document (``good.txt``) and says what must happen to each file it wrote:
``None`` (processed, its rows in the tables) or a piece of the one-line
error that names it. A case marked ``big`` takes seconds rather than
milliseconds; the tests run those under the ``big`` marker (CI runs them),
``make fuzz`` runs every case.
"""

from __future__ import annotations

import io
import os
import socket
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

GOOD_NAME = "good.txt"
GOOD = """关于推进数字经济高质量发展的实施意见
各市（州）人民政府，省政府各部门：
一、总体要求
（一）到2025年，全省数字经济核心产业增加值占地区生产总值比重达到10%以上。
（二）新建5G基站2万个，建成省级数据中心集群。
二、保障措施
（一）加强组织领导。省发展改革委牵头，各地各部门按职责分工抓好落实。
（二）强化资金保障，统筹用好省级专项资金。
四川省人民政府
2024年3月1日
"""


def document(body: str, title: str = "关于加强数据资源管理的通知", signed: str = "2024年5月1日") -> str:
    """A small policy document around ``body`` (numbered clauses), as the cases need one."""
    return f"{title}\n各市人民政府：\n{body}\n贵州省人民政府\n{signed}\n"


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], dict[str, str | None]]  # writes files; {relative path: None or a piece of its error}
    big: bool = False
    notes: tuple[str, ...] = field(default=())  # pieces of the notes (skipped entries) expected


# --- Builders -------------------------------------------------------------------

def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def pdf(stream: bytes, filters: str = "") -> bytes:
    """A one-page PDF whose page content is ``stream`` (already encoded by ``filters``), with a correct xref."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        (f"<< /Length {len(stream)}{' /Filter ' + filters if filters else ''} >>\nstream\n").encode()
        + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def docx(document_xml: str | bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Word package around ``document_xml``."""
    content_types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                     '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                     'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                     '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                     'officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr("_rels/.rels", rels)
        package.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return out.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _paragraphs(*texts: str) -> str:
    return "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in texts)


# --- The cases ------------------------------------------------------------------

def _pre_1949(folder: Path) -> dict:
    body = ("一、历史沿革\n（一）本省自1911年辛亥革命以来即设有档案馆，1840年以后的文献均予收藏。\n"
            "二、工作目标\n（一）到2027年，数字化档案占比达到80%。")
    _write(folder, "history.txt", document(body, signed="1948年10月1日"))
    return {"history.txt": None}


def _published_before_issued(folder: Path) -> dict:
    text = document("一、总体要求\n（一）到2026年，建成一体化政务数据平台。", signed="2024年5月1日")
    _write(folder, "dates.txt", "发布时间：2024-03-01\n" + text)
    return {"dates.txt": None}


def _same_stem(folder: Path) -> dict:
    _write(folder, "plan.txt", document("一、目标\n（一）到2025年，建成数据交易所1个。"))
    html = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>关于数据要素市场的意见</title></head><body>"
            "<h1>关于数据要素市场的意见</h1><div class='content'>"
            + "".join(f"<p>{line}</p>" for line in document(
                "一、目标\n（一）到2026年，培育数据商100家，数据要素市场规模达到500亿元。").splitlines())
            + "</div></body></html>")
    _write(folder, "plan.html", html)
    return {"plan.txt": None, "plan.html": None}


def _folder_and_underscores(folder: Path) -> dict:
    _write(folder, "x/a.txt", document("一、目标\n（一）到2025年，建设算力中心3个。"))
    _write(folder, "x_a.txt", document("一、目标\n（一）到2026年，建设算力中心4个。"))
    _write(folder, "x__a.txt", document("一、目标\n（一）到2027年，建设算力中心5个。"))
    return {"x/a.txt": None, "x_a.txt": None, "x__a.txt": None}


def _duplicate_bytes(folder: Path) -> dict:
    _write(folder, "zz_copy_of_good.txt", GOOD)  # the first in doc_id order is read, the other named
    return {"zz_copy_of_good.txt": "same bytes as"}


def _link_to_etc_passwd(folder: Path) -> dict:
    os.symlink("/etc/passwd", folder / "passwd.txt")
    return {"passwd.txt": "outside the input folder"}


def _link_to_folder_outside(folder: Path) -> dict:
    outside = folder.parent / (folder.name + "-outside")
    _write(outside, "secret.txt", document("一、目标\n（一）不应被读取的内容。"))
    os.symlink(outside, folder / "elsewhere")
    return {"elsewhere": "outside the input folder"}


def _link_to_dev_zero(folder: Path) -> dict:
    os.symlink("/dev/zero", folder / "zero.txt")
    os.symlink("/dev/urandom", folder / "random.txt")
    return {"zero.txt": "outside the input folder", "random.txt": "outside the input folder"}


def _link_to_git_config(folder: Path) -> dict:
    # seeds/x.txt -> ../.git/config: the token a CI checkout leaves there must never reach the tables.
    _write(folder.parent, ".git/config", "[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n")
    os.symlink("../.git/config", folder / "x.txt")
    return {"x.txt": "outside the input folder"}


def _fifo(folder: Path) -> dict:
    os.mkfifo(folder / "pipe.txt")
    return {"pipe.txt": "not a regular file (a FIFO"}


def _socket(folder: Path) -> dict:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(folder / "sock.txt"))
    server.close()
    return {"sock.txt": "not a regular file (a socket"}


def _empty_and_binary(folder: Path) -> dict:
    _write(folder, "empty.txt", b"")
    _write(folder, "junk.txt", bytes(range(256)) * 8)
    return {"empty.txt": "file is empty", "junk.txt": "binary"}


def _bad_charsets(folder: Path) -> dict:
    body = "".join(f"<p>{line}</p>" for line in document("一、目标\n（一）到2025年，建成政务云平台。").splitlines())
    _write(folder, "base64.html", f"<html><head><meta charset=\"base64\"><title>通知</title></head><body>{body}</body></html>")
    _write(folder, "undefined.html", "<html><head><meta http-equiv='Content-Type' content='text/html; charset=undefined'>"
                                     f"<title>通知</title></head><body>{body}</body></html>")
    return {"base64.html": None, "undefined.html": None}


def _huge_numbers(folder: Path) -> dict:
    body = f"一、目标\n（一）到2025年，存储容量达到{'9' * 5000}字节。\n（二）增长1e400倍，达到{'1' * 400}.5%以上。"
    _write(folder, "digits.txt", document(body))
    return {"digits.txt": None}


def _invisible_characters(folder: Path) -> dict:
    body = "一、\u200b目标\n（一）\u202e到2025年，\u200d建成数据中心。\n（二）\u2066加强\u2069保障。"
    _write(folder, "invisible.txt", document(body))
    return {"invisible.txt": None}


def _docx_without_body(folder: Path) -> dict:
    _write(folder, "nobody.docx", docx(f'<?xml version="1.0"?><w:document {W}></w:document>'))
    _write(folder, "wrongroot.docx", docx(f'<?xml version="1.0"?><w:body {W}>{_paragraphs("一、目标")}</w:body>'))
    return {"nobody.docx": "DOCX", "wrongroot.docx": "DOCX"}


def _docx_vmerge_first_row(folder: Path) -> dict:
    cell = '<w:tc><w:tcPr><w:vMerge w:val="continue"/></w:tcPr><w:p><w:r><w:t>合并</w:t></w:r></w:p></w:tc>'
    body = _paragraphs("关于数据资源管理的通知", "一、目标", "（一）到2025年，建成数据平台。")
    xml = f'<?xml version="1.0"?><w:document {W}><w:body>{body}<w:tbl><w:tr>{cell}{cell}</w:tr></w:tbl></w:body></w:document>'
    _write(folder, "vmerge.docx", docx(xml))
    return {"vmerge.docx": "*"}  # read, or refused as damaged: either way named, one line


def _docx_bomb(folder: Path) -> dict:
    # 100 MB of XML compress to ~100 KB; the size header is not trusted, the bytes unpacked are counted.
    filler = b"<w:p/>" * (100 * 2**20 // 6)
    xml = f'<?xml version="1.0"?><w:document {W}><w:body>'.encode() + filler + b"</w:body></w:document>"
    _write(folder, "bomb.docx", docx(xml))
    return {"bomb.docx": "too large"}


def _pdf_damaged_streams(folder: Path) -> dict:
    _write(folder, "ascii85.pdf", pdf(b"BT /F1 12 Tf 72 712 Td (\xff\xfe not ascii85 \x00) Tj ET", "/ASCII85Decode"))
    _write(folder, "badflate.pdf", pdf(b"x\x9c this is not zlib at all", "/FlateDecode"))
    _write(folder, "truncated.pdf", pdf(b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET")[:200])
    return {"ascii85.pdf": "PDF", "badflate.pdf": "PDF", "truncated.pdf": "PDF"}


def _pdf_flate_bomb(folder: Path) -> dict:
    packer = zlib.compressobj(9)
    chunk = b" " * 2**20
    stream = b"".join(packer.compress(chunk) for _ in range(512)) + packer.flush()  # 512 MB inflated
    _write(folder, "flatebomb.pdf", pdf(stream, "/FlateDecode"))
    # PDFium inflates the 512 MB of spaces inside the worker's memory limit
    # and finds no text in them: a named refusal, the run goes on.
    return {"flatebomb.pdf": "PDF has no text layer"}


def _mutated_pdfs(folder: Path) -> dict:
    import random

    rng = random.Random(18)
    base = pdf(b"BT /F1 12 Tf 72 712 Td (Policy text 2025) Tj 0 -20 Td (Second line) Tj ET")
    expected = {}
    for index in range(30):
        data = bytearray(base)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(9, len(data) - 8)] = rng.randrange(256)
        _write(folder, f"mutated_{index:02d}.pdf", bytes(data))
        expected[f"mutated_{index:02d}.pdf"] = "*"
    return expected


def _gbk_file_name(folder: Path) -> dict:
    name = "四川省数据条例.txt".encode("gb18030")
    with open(os.path.join(os.fsencode(folder), name), "wb") as out:
        out.write(document("一、目标\n（一）到2025年，建成数据交易平台。").encode("utf-8"))
    return {"四川省数据条例.txt": None}


def _long_nested_names(folder: Path) -> dict:
    deep = "/".join(["关于进一步加强和改进数字经济发展工作的实施意见汇编"] * 6)
    name = f"{deep}/{'数字经济促进条例实施细则' * 4}.txt"
    _write(folder, name, document("一、目标\n（一）到2025年，建成数字经济示范区。"))
    return {name: None}


def _hidden_and_folder_named_like_a_document(folder: Path) -> dict:
    _write(folder, ".draft.txt", document("一、目标\n（一）草稿。"))
    _write(folder, "annex.txt/inside.txt", document("一、目标\n（一）到2025年，建成示范园区。"))
    return {"annex.txt/inside.txt": None}


def _data_folder_inside_input(folder: Path) -> dict:
    _write(folder, "data/report.html", "<html><body><h1>报告</h1>" + "<p>一、不是文件</p>" * 30 + "</body></html>")
    _write(folder, "data/manifest.json", "{}")
    (folder / "data" / "interim").mkdir()
    return {}


def _long_line_of_figures(folder: Path) -> dict:
    figures = "，".join(f"{i}.{i % 10}亿元" for i in range(20_000))
    _write(folder, "figures.txt", document(f"一、统计\n（一）各项指标分别为{figures}。"))
    return {"figures.txt": "*"}


def _many_numbered_lines(folder: Path) -> dict:
    _write(folder, "lines.txt", document("一、任务\n" + "".join(f"{i}、开展第{i}项工作。\n" for i in range(1, 40_001))))
    return {"lines.txt": "*"}


def _many_bullets(folder: Path) -> dict:
    parent = "（一）到2025年，" + "推进数字化转型，" * 2_000
    bullets = "".join(f"——建设第{i}个平台。\n" for i in range(2_000))
    _write(folder, "bullets.txt", document(f"一、任务\n{parent}\n{bullets}"))
    return {"bullets.txt": "*"}


def _taiwan_run(folder: Path) -> dict:
    _write(folder, "taiwan.txt", document("一、目標\n（一）" + "數位發展部推動資料治理與軟體產業發展" * 450))
    return {"taiwan.txt": "*"}


def _one_line_5mb(folder: Path) -> dict:
    _write(folder, "oneline.txt", "数据要素市场化配置改革持续推进" * 110_000)  # 1.65M characters, 5 MB
    return {"oneline.txt": "*"}


def _pdf_path_operators(folder: Path) -> dict:
    stream = b"".join(b"%d %d m %d %d l S\n" % (i % 500, i % 700, i % 300, i % 600) for i in range(3_000_000))
    _write(folder, "paths.pdf", pdf(zlib.compress(stream), "/FlateDecode"))
    return {"paths.pdf": "*"}


CASES: tuple[Case, ...] = (
    Case("year before 1949", _pre_1949),
    Case("published before issued", _published_before_issued),
    Case("a.txt + a.html", _same_stem),
    Case("x/a.txt + x_a.txt + x__a.txt", _folder_and_underscores),
    Case("duplicate bytes", _duplicate_bytes),
    Case("symlink to /etc/passwd", _link_to_etc_passwd),
    Case("symlink to a folder outside", _link_to_folder_outside),
    Case("symlink to /dev/zero, /dev/urandom", _link_to_dev_zero),
    Case("symlink to ../.git/config", _link_to_git_config),
    Case("FIFO named .txt", _fifo),
    Case("socket named .txt", _socket),
    Case("empty and binary files", _empty_and_binary),
    Case("charset base64 / undefined", _bad_charsets),
    Case("5000-digit number, 1e400", _huge_numbers),
    Case("zero-width and bidi characters", _invisible_characters),
    Case("DOCX without body / wrong root", _docx_without_body),
    Case("DOCX vMerge continue in row 1", _docx_vmerge_first_row),
    Case("DOCX bomb (100 MB of XML)", _docx_bomb),
    Case("PDF damaged streams", _pdf_damaged_streams),
    Case("30 mutated PDFs", _mutated_pdfs),
    Case("GBK-encoded file name", _gbk_file_name),
    Case("doc_id over 255 bytes", _long_nested_names),
    Case("hidden file, folder named .txt", _hidden_and_folder_named_like_a_document,
         notes=(".draft.txt: skipped", "annex.txt: skipped")),
    Case("data folder inside the input", _data_folder_inside_input, notes=("data: skipped",)),
    Case("PDF Flate bomb (512 MB)", _pdf_flate_bomb, big=True),
    Case("20,000 figures on one line", _long_line_of_figures, big=True),
    Case("40,000 numbered lines", _many_numbered_lines, big=True),
    Case("2,000 bullets under a long parent", _many_bullets, big=True),
    Case("8,000 characters of Taiwan text", _taiwan_run, big=True),
    Case("5 MB one-line document", _one_line_5mb, big=True),
    Case("PDF of 3 million path operators", _pdf_path_operators, big=True),
)


def build(case: Case, folder: Path) -> dict[str, str | None]:
    """The input folder of ``case``: its files and the good document."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder, GOOD_NAME, GOOD)
    expected = case.build(folder)
    return {GOOD_NAME: None, **expected}


# --- Running a case -------------------------------------------------------------

@dataclass
class Outcome:
    case: Case
    folder: Path
    data: Path
    expected: dict[str, str | None]
    report: object = None
    error: str | None = None       # a run-level error (a PipelineError of the whole run): never expected here
    seconds: float = 0.0
    peak_mb: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.error:
            return f"run failed: {self.error}"
        report = self.report
        reasons = sorted({_reason(str(error)) for error in report.failures})
        text = f"{len(report.processed)} processed, {len(report.failures)} refused"
        return text + (f" ({'; '.join(reasons)})" if reasons else "")


def _reason(message: str) -> str:
    """The reason part of a one-line error, without the path: ``too large``, ``damaged PDF``."""
    reason = message.split(": ", 1)[-1]
    return reason.split(" (", 1)[0][:40]


def run_case(case: Case, scratch: Path, toolkit=None, limits=None) -> Outcome:
    """Build ``case`` in ``scratch``, extract it, and judge what happened (``Outcome.problems`` empty when clean)."""
    import time

    from pipeline.corpus import extract_corpus
    from pipeline.errors import PipelineError

    folder, data = scratch / "input", scratch / "data"
    expected = build(case, folder)
    outcome = Outcome(case, folder, data, expected)
    usage: dict = {}
    started = time.perf_counter()
    try:
        outcome.report = extract_corpus(folder, data, toolkit, workers=1, limits=limits, usage=usage)
    except PipelineError as error:
        outcome.error = str(error)
    outcome.seconds = time.perf_counter() - started
    outcome.peak_mb = max((u.peak_mb for u in usage.values()), default=0.0)
    outcome.problems = judge(outcome)
    return outcome


def judge(outcome: Outcome) -> list[str]:
    """What is wrong with an outcome: files not processed or not named as they should be, tables that fail."""
    import pyarrow.parquet as pq

    from pipeline.store.sources import readable_name
    from pipeline.tables import SCHEMAS
    from pipeline.store.validation import errors_only, validate_tables

    if outcome.error is not None:
        return [f"the whole run failed: {outcome.error}"]
    report, problems = outcome.report, []
    failures = {}
    for error in report.failures:
        relative = readable_name(Path(error.path).relative_to(outcome.folder).as_posix())
        failures[relative] = str(error)
        if "\n" in str(error):
            problems.append(f"{relative}: error of several lines")
    tables = {name: pq.read_table(outcome.data / f"{name}.parquet") for name in SCHEMAS}
    in_tables = set(tables["documents"]["doc_id"].to_pylist())
    for name, wanted in outcome.expected.items():
        message = failures.pop(name, None)
        if wanted is None:
            if message is not None:
                problems.append(f"{name}: should be processed, got {message}")
            elif name not in in_tables:
                problems.append(f"{name}: not in the documents table")
        elif wanted == "*":
            if message is None and name not in in_tables:
                problems.append(f"{name}: neither processed nor named in an error")
        elif message is None or wanted not in message:
            problems.append(f"{name}: expected an error with {wanted!r}, got {message}")
        elif name in in_tables:
            problems.append(f"{name}: refused but its rows are in the tables")
    for name, message in failures.items():
        problems.append(f"unexpected failure: {message}")
    if outcome.case.name == "published before issued":
        warnings = tables["documents"].to_pandas().set_index("doc_id").loc["dates.txt", "warnings"]
        if not any("issued_before_published" in warning for warning in warnings):
            problems.append("dates.txt: no warning about its dates")
    if "etc/passwd" in str(tables["clauses"]["text"].to_pylist()) or any(
            "root:" in text or "AUTHORIZATION" in text for text in tables["clauses"]["text"].to_pylist()):
        problems.append("content from outside the input folder reached the tables")
    notes = " | ".join(str(note) for note in report.skipped)
    for piece in outcome.case.notes:
        if piece not in notes:
            problems.append(f"no note saying {piece!r} (notes: {notes or 'none'})")
    for violation in errors_only(validate_tables(tables)):
        problems.append(f"tables fail {violation.table}: {violation.check}")
    return problems

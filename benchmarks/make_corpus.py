"""Build a benchmark corpus: N policy documents made of the seeds' real clauses.

Timing the pipeline on one file copied a thousand times measures a cache, not
a corpus.  This script makes documents that read like new ones: each has its
own title, issuer, document number and preamble, three to eight sections
drawn from all five seeds, their clauses shuffled, thinned and renumbered in
the document's own marker style, and a signature.  They come in the scripts
and encodings the pipeline meets (SPEC "Normalization"), some with the
broken lines and page footers of a PDF extraction.

The clauses come from the pipeline itself (``process.segment_document``),
so every clause of a generated document is a clause of a seed, and reading
the document back gives that clause's canonical text (for Traditional
documents: the seed clause as written in Traditional, read back by the
pipeline's converter).

Run::

    .venv/bin/python benchmarks/make_corpus.py --n 1000
    .venv/bin/policy extract benchmarks/corpus --out /tmp/bench-data

The same arguments always give byte-identical files.
"""

from __future__ import annotations

import argparse
import codecs
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import opencc

from pipeline import config
from pipeline.clauses import Clause
from pipeline.markers import match_marker, printed_marker
# The PDF noise only breaks a line where the pipeline's own join rule will
# mend it: the benchmark measures throughput on repairable noise, and using
# the rule itself keeps the generator and the normalizer from drifting apart.
from pipeline.normalize import ScriptConverter, _continues
from pipeline.process import segment_document
from pipeline.store.sources import list_sources

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = BENCH_DIR / "corpus"
FILE_PREFIX = "bench_"


# --- How documents are written ------------------------------------------------

@dataclass(frozen=True)
class Form:
    """A script and an encoding, with the share of documents written that way."""

    name: str
    opencc_config: str | None     # None: Simplified, as the canonical text is
    encoding: str                 # Python codec; "utf-16" is written with a BOM
    share: float

    @property
    def simplified(self) -> bool:
        return self.opencc_config is None


FORMS: tuple[Form, ...] = (
    Form("simplified, UTF-8", None, "utf-8", 0.55),
    Form("simplified, GB18030", None, "gb18030", 0.15),
    Form("traditional, Taiwan vocabulary, UTF-8", "s2twp.json", "utf-8", 0.15),
    Form("traditional, Big5", "s2t.json", "cp950", 0.10),
    Form("simplified, UTF-16 with BOM", None, "utf-16", 0.05),
)
NOISY_SHARE = 0.10          # PDF extractions: lines broken every 30-40 characters, page footers
FULL_WIDTH_SHARE = 0.85     # （一） rather than (一), as most real documents print them
INDENT_SHARE = 0.4          # paragraphs indented with two ideographic spaces
CRLF_SHARE = 0.25           # Windows line endings (always for UTF-16)

# Provinces only: a municipality's joint signature (中共重庆市委 重庆市人民政府)
# is not yet recognised as a closing by pipeline.clauses, and would be read
# as the last clause's text.
PROVINCES: tuple[tuple[str, str, str], ...] = (
    # name, short name, abbreviation used in document numbers
    ("四川省", "四川", "川"), ("江西省", "江西", "赣"), ("山东省", "山东", "鲁"), ("广东省", "广东", "粤"),
    ("浙江省", "浙江", "浙"), ("湖南省", "湖南", "湘"), ("湖北省", "湖北", "鄂"), ("河南省", "河南", "豫"),
    ("福建省", "福建", "闽"), ("安徽省", "安徽", "皖"), ("贵州省", "贵州", "黔"), ("云南省", "云南", "云"),
    ("陕西省", "陕西", "陕"), ("河北省", "河北", "冀"), ("江苏省", "江苏", "苏"),
)
SEED_PROVINCES = ("四川", "江西", "山东")
DOCUMENT_KINDS = ("实施意见", "指导意见", "意见", "实施方案", "行动计划")
JOINT_RECIPIENTS = "各市党委和人民政府，省委各部委，省直各部门(单位)，各人民团体："
# Sections real documents put first and last.
FRONT_SECTIONS = ("发展基础", "总体要求", "总体目标")
BACK_SECTIONS = ("工作要求", "保障措施")
NOT_TOPICS = FRONT_SECTIONS + BACK_SECTIONS + ("重点任务",)


# --- The pool of seed clauses -------------------------------------------------

@dataclass(frozen=True)
class Unit:
    """A numbered clause of a seed (canonical own text, without its label) and what it holds."""

    text: str
    children: tuple["Unit", ...] = ()
    bullet: bool = False

    @property
    def heading(self) -> str:
        return self.text.split("\n", 1)[0]


@dataclass(frozen=True)
class SeedPool:
    """What documents are made of: the seeds' sections and their front-matter phrases."""

    sections: tuple[Unit, ...]
    topics: tuple[str, ...]
    intros: tuple[str, ...]
    recipients: tuple[str, ...]

    def unit_texts(self) -> list[str]:
        """Every clause text in the pool, in reading order."""
        texts: list[str] = []

        def walk(unit: Unit) -> None:
            texts.append(unit.text)
            for child in unit.children:
                walk(child)

        for section in self.sections:
            walk(section)
        return texts


_TITLE_TOPIC = re.compile(r"关于(.+?)的(?:实施意见|指导意见|意见|通知|规划|方案)")


def build_pool(seeds_dir: Path, converter: ScriptConverter) -> SeedPool:
    """Read every seed with the pipeline and collect its sections, clauses and front matter."""
    sections: list[Unit] = []
    topics: dict[str, None] = {}          # insertion-ordered: the pool must not depend on hashing
    intros: dict[str, None] = {}
    recipients: dict[str, None] = {}
    for source in list_sources(seeds_dir)[0]:
        segmented = segment_document(source, converter)
        canonical, tree = segmented.canonical.normalized.text, segmented.tree
        for clause in tree.clauses:
            if clause.kind == "preamble":
                for line in clause.own_text(canonical).split("\n"):
                    found = _TITLE_TOPIC.search(line) if "，" not in line else None   # a title, not a sentence
                    if found and not found.group(1).startswith("印发"):
                        topics[found.group(1)] = None
                    if line.startswith("为") and line.endswith("。"):
                        intros[line] = None
                    if line.startswith("各") and line.endswith("："):
                        recipients[line] = None
            elif clause.kind == "section":
                unit = _unit(clause, canonical)
                if unit is not None:
                    sections.append(unit)
                    topic = unit.heading.split("，")[0].rstrip("。")
                    if topic not in NOT_TOPICS and len(topic) >= 6:
                        topics[topic] = None
    if not sections:
        raise SystemExit(f"no numbered sections in the documents of {seeds_dir}")
    return SeedPool(tuple(sections), tuple(topics), tuple(intros), tuple(recipients))


def _unit(clause: Clause, canonical: str) -> Unit | None:
    text = clause.own_text(canonical)
    if not _usable(text):
        return None
    children = tuple(u for u in (_unit(c, canonical) for c in clause.children) if u is not None)
    return Unit(text, children, clause.kind == "bullet")


_AFTER_SENTENCE = re.compile(r"[。；！？]\s*")


def _usable(text: str) -> bool:
    """Whether a clause text stays one clause wherever it is put.

    Behind a new label, a text starting with a digit could read as part of
    it (`1.` + `5G` is `1.5G`), and a marker-like string after a full stop
    that was text in the seed could continue the new document's numbering.
    """
    if not text or text[0].isdigit() or text[0] in ".、()":
        return False
    for line in text.split("\n"):
        if any(match_marker(line, m.end()) for m in _AFTER_SENTENCE.finditer(line)):
            return False
    return True


# --- Scripts and encodings ----------------------------------------------------

class ScriptWriter:
    """Writes canonical (Simplified) text in a form's script, so that it fits the form's encoding.

    Built once: OpenCC converters are slow to load and each text is converted
    once per form, however many documents reuse it.  Characters the encoding
    lacks (Big5 has no 爲, 羣, 着 as OpenCC's s2t writes them) become their
    Taiwan variant (為, 群, 著), a look-alike Big5 documents print instead
    (〇 -> ○) or, failing those, the Simplified form; a sentence holding a
    character none of these fixes is dropped.  ``counts`` says how often
    each happened.
    """

    LOOK_ALIKES = {"〇": "○"}       # 二〇三五年: Big5 has no U+3007

    def __init__(self) -> None:
        self._converters = {f.opencc_config: opencc.OpenCC(f.opencc_config) for f in FORMS if f.opencc_config}
        self._variant = opencc.OpenCC("t2tw.json")
        self._simplified = opencc.OpenCC("t2s.json")
        self._written: dict[tuple[str, str], tuple[str, Counter]] = {}
        self._encodes: dict[tuple[str, str], bool] = {}

    def write(self, text: str, form: Form) -> tuple[str, Counter]:
        """``text`` as ``form`` writes it, and the encoding fixes that needed (by kind)."""
        if form.simplified:
            return text, Counter()
        key = (text, form.name)
        if key not in self._written:
            converted = self._converters[form.opencc_config].convert(text)
            self._written[key] = self._fit(converted, form.encoding)
        return self._written[key]

    def _fit(self, text: str, encoding: str) -> tuple[str, Counter]:
        counts: Counter = Counter()
        missing = [c for c in dict.fromkeys(text) if not self._fits(c, encoding)]
        if not missing:
            return text, counts
        table, unfixable = {}, []
        for char in missing:
            for kind, candidate in (("variant", self._variant.convert(char)),
                                    ("look-alike", self.LOOK_ALIKES.get(char, char)),
                                    ("simplified", self._simplified.convert(char))):
                if candidate != char and all(self._fits(c, encoding) for c in candidate):
                    table[char] = candidate
                    counts[f"characters as {kind}"] += text.count(char)
                    break
            else:
                unfixable.append(char)
        text = "".join(table.get(c, c) for c in text)
        if unfixable:
            sentence = re.compile(rf"[^。；！？\n]*[{''.join(map(re.escape, unfixable))}][^。；！？\n]*[。；！？]?")
            kept, dropped = sentence.subn("", text)
            if kept.strip():
                counts["sentences dropped"] += dropped
                text = kept
            else:  # nothing would be left: mark the characters instead
                counts["characters replaced"] += sum(text.count(c) for c in unfixable)
                text = "".join("□" if c in unfixable else c for c in text)
        return text, counts

    def _fits(self, char: str, encoding: str) -> bool:
        key = (char, encoding)
        if key not in self._encodes:
            try:
                char.encode(encoding)
                self._encodes[key] = True
            except UnicodeEncodeError:
                self._encodes[key] = False
        return self._encodes[key]


def encode(text: str, form: Form) -> bytes:
    """The file's bytes; UTF-16 little-endian with its BOM, whatever the machine."""
    if form.encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(form.encoding)


# --- One document -------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """A labelled piece of a document; ``text`` may hold several paragraphs."""

    label: str
    text: str
    body: bool = True           # body paragraphs get indented; title and signature lines do not


@dataclass(frozen=True)
class Numbering:
    """A document's marker style: which markers each depth uses, and whether numbers run on."""

    kinds: tuple[str, str, str]           # depth 1, 2, 3: ("section", "clause", "item") ...
    continuous: tuple[bool, bool]         # depth 2 and 3 numbers run on across parents
    item_label: str                       # "{}." "{}、" "{}．"


@dataclass(frozen=True)
class Letterhead:
    """Who issues a document and when: what its signature repeats."""

    issuer: str
    year: int
    month: int
    day: int
    dated_title: bool           # the date stands under the title (Shandong 2023), no signature


LONG_SHARE = 0.04               # full documents, every clause of 7-8 sections: the heavy tail


def compose(rng: random.Random, pool: SeedPool) -> list[Block]:
    """A new document in canonical form: front matter, sections and a signature."""
    front, letterhead = _front_matter(rng, pool)
    return front + _body(rng, pool) + _closing(rng, letterhead)


def _front_matter(rng: random.Random, pool: SeedPool) -> tuple[list[Block], Letterhead]:
    name, short, abbr = rng.choice(PROVINCES)
    party = f"中共{short}省委"
    issuer_kind = rng.choices(("government", "office", "joint"), weights=(6, 3, 2))[0]
    issuer, code = {
        "government": (f"{name}人民政府", rng.choice(("府发", "政发"))),
        "office": (f"{name}人民政府办公厅", rng.choice(("办发", "府办发", "政办发"))),
        "joint": (f"{party} {name}人民政府", "发"),
    }[issuer_kind]
    kind = rng.choice(DOCUMENT_KINDS)
    title = f"关于{rng.choice(pool.topics)}的{kind}"
    year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    number = f"{abbr}{code}〔{year}〕{rng.randint(1, 60)}号"
    recipients = JOINT_RECIPIENTS if issuer_kind == "joint" else rng.choice(pool.recipients)
    layout = rng.choice(("title first", "letterhead", "dated"))
    if layout == "title first":                                    # like Sichuan 2024
        lines = [f"{issuer}{title}", number, recipients]
    elif layout == "letterhead":                                   # like Sichuan 2019
        lines = [f"{issuer.split(' ')[-1]}文件", number, f"{issuer}{title}", recipients]
    else:                                                          # like Shandong 2023
        lines = [*issuer.split(" "), title, f"({year}年{month}月{day}日)"]
    blocks = [Block("", line, body=False) for line in lines]
    blocks.append(Block("", _intro(rng.choice(pool.intros), short, kind)))
    return blocks, Letterhead(issuer, year, month, day, layout == "dated")


def _intro(line: str, short: str, kind: str) -> str:
    """A seed's opening sentence (为…，现提出如下意见。) for another province and kind of document."""
    for province in SEED_PROVINCES:
        line = line.replace(province, short)
    ending = f"现提出如下{kind}。" if "意见" in kind else f"现制定本{kind}。"
    return re.sub(r"(?:现提出如下|现制定本|制定本)[^。，]*。$", ending, line)


def _closing(rng: random.Random, letterhead: Letterhead) -> list[Block]:
    if letterhead.dated_title:
        return []
    lines = [letterhead.issuer, f"{letterhead.year}年{letterhead.month}月{letterhead.day}日"]
    if rng.random() < 0.4:
        lines.append(rng.choice(("(此件公开发布)", "(此件主动公开)")))
    return [Block("", line, body=False) for line in lines]


def _body(rng: random.Random, pool: SeedPool) -> list[Block]:
    """3-8 sections from the pool, their clauses shuffled, thinned and renumbered."""
    if rng.random() < LONG_SHARE:
        n_sections, keep = rng.randint(7, 8), 1.0
    else:
        n_sections = rng.choices(range(3, 9), weights=(24, 22, 18, 14, 12, 10))[0]
        keep = min(1.0, max(0.15, rng.betavariate(2.0, 1.8)))
    numbering = Numbering(
        kinds=("section", "clause", "item") if rng.random() < 0.75 else ("section", "item", "subitem"),
        continuous=(rng.random() < 0.5, rng.random() < 0.5),
        item_label=rng.choices(("{}.", "{}、", "{}．"), weights=(6, 2, 1))[0],
    )
    order = list(range(len(pool.sections)))
    rng.shuffle(order)
    chosen: list[Unit] = []
    for index in order:     # one section per heading: no document has two 保障措施
        section = pool.sections[index]
        if all(other.heading != section.heading for other in chosen):
            chosen.append(section)
        if len(chosen) == n_sections:
            break
    chosen.sort(key=_section_rank)
    counters = {2: 0, 3: 0}
    blocks: list[Block] = []
    for number, section in enumerate(chosen, 1):
        blocks.append(Block(_label("section", number, numbering), section.text))
        blocks += _children(rng, section, 2, keep, numbering, counters)
    return blocks


def _section_rank(section: Unit) -> int:
    heading = section.heading
    if heading in FRONT_SECTIONS:
        return FRONT_SECTIONS.index(heading)
    if heading in BACK_SECTIONS:
        return len(FRONT_SECTIONS) + 1
    return len(FRONT_SECTIONS)


def _children(rng: random.Random, unit: Unit, depth: int, keep: float, numbering: Numbering,
              counters: dict[int, int]) -> list[Block]:
    """The clauses under ``unit`` at ``depth`` (2 or 3), labelled, and theirs below them."""
    bullets = [c for c in unit.children if c.bullet]
    numbered = [c for c in unit.children if not c.bullet]
    kept_bullets = sorted(rng.sample(range(len(bullets)), _kept(len(bullets), keep)))   # bullets keep their order
    blocks = [Block("——", bullets[i].text) for i in kept_bullets]
    if depth > len(numbering.kinds) or not numbered:
        return blocks
    rng.shuffle(numbered)
    if not numbering.continuous[depth - 2]:
        counters[depth] = 0
    for child in numbered[:_kept(len(numbered), keep)]:
        counters[depth] += 1
        blocks.append(Block(_label(numbering.kinds[depth - 1], counters[depth], numbering), child.text))
        blocks += _children(rng, child, depth + 1, keep, numbering, counters)
    return blocks


def _kept(available: int, keep: float) -> int:
    return 0 if not available else max(1, round(available * keep))


def _label(kind: str, number: int, numbering: Numbering) -> str:
    if kind == "item":
        return numbering.item_label.format(number)
    return printed_marker(kind, number)


# --- Writing a document out ---------------------------------------------------

@dataclass(frozen=True)
class Presentation:
    """How a document looks on the page, beyond its script."""

    full_width: bool
    indent: bool
    crlf: bool
    noisy: bool


_SENTENCE_STOP = "。！？；：:;!?”’》)」』】"
_NO_LINE_START = "。，、；：？！)）》”’…—%"     # typesetters never start a line with these


def render(blocks: Sequence[Block], form: Form, writer: ScriptWriter, presentation: Presentation,
           rng: random.Random) -> tuple[str, Counter]:
    """The text of a document as written: script, layout noise, brackets, indentation, line ends."""
    paragraphs: list[tuple[str, bool]] = []
    fixes: Counter = Counter()
    for block in blocks:
        text, counts = writer.write(block.text, form)
        fixes.update(counts)
        for i, line in enumerate(text.split("\n")):
            paragraphs.append(((block.label if i == 0 else "") + line, block.body))
    if presentation.noisy:
        pieces = break_lines([line for line, _ in paragraphs], rng)
    else:
        pieces = [[line] for line, _ in paragraphs]
    lines = []
    for (_, body), parts in zip(paragraphs, pieces):
        indent = "\u3000\u3000" if presentation.indent and body else ""
        lines.append(indent + parts[0])
        lines.extend(parts[1:])
    if presentation.noisy:
        lines = list(_with_page_footers(lines, rng))
    text = ("\r\n" if presentation.crlf else "\n").join(lines) + ("\r\n" if presentation.crlf else "\n")
    if presentation.full_width:
        text = text.replace("(", "（").replace(")", "）")
    return text, fixes


def break_lines(paragraphs: Sequence[str], rng: random.Random) -> list[list[str]]:
    """Each paragraph cut into lines of 30-40 characters, as a PDF extraction leaves it.

    A cut is kept only where the pipeline's join rule puts the line back
    together, and a paragraph is left whole when its broken ends would be
    joined onto its neighbours.  Works on canonical (Simplified) text.
    """
    pieces = [_settle(_cut(line, rng)) for line in paragraphs]
    changed = True
    while changed:
        changed = False
        for k in range(len(pieces) - 1):
            broken = len(pieces[k]) > 1 or len(pieces[k + 1]) > 1
            if broken and _continues(pieces[k][-1], pieces[k + 1][0]):
                pieces[k], pieces[k + 1] = [paragraphs[k]], [paragraphs[k + 1]]
                changed = True
    return pieces


def _cut(line: str, rng: random.Random) -> list[str]:
    parts, pos = [], 0
    while len(line) - pos > 40:
        target = pos + rng.randint(30, 40)
        cut = next((c for c in (target, target + 1, target - 1, target + 2, target - 2, target + 3, target - 3)
                    if c < len(line) and _cuttable(line, c)), None)
        if cut is None:
            break
        parts.append(line[pos:cut])
        pos = cut
    parts.append(line[pos:])
    return parts


def _cuttable(line: str, at: int) -> bool:
    """Whether a PDF line may end before ``line[at]``: not after a full stop, not at a space
    (the next line's leading blank would be stripped), not before punctuation or what reads
    as a marker."""
    before, after = line[at - 1], line[at]
    return (before not in _SENTENCE_STOP and not before.isspace() and not after.isspace()
            and not after.isdigit() and after not in "(" and after not in _NO_LINE_START)


def _settle(parts: list[str]) -> list[str]:
    """Merge back every cut the pipeline would not mend."""
    i = 0
    while i < len(parts) - 1:
        if _continues(parts[i], parts[i + 1]):
            i += 1
        else:
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
            i = max(0, i - 1)
    return parts


def _with_page_footers(lines: Sequence[str], rng: random.Random) -> Iterator[str]:
    page, left = 1, rng.randint(22, 30)
    for line in lines:
        yield line
        left -= 1
        if left == 0:
            yield f"— {page} —"
            page, left = page + 1, rng.randint(22, 30)


# --- The corpus ---------------------------------------------------------------

@dataclass(frozen=True)
class GeneratedDocument:
    """One file written: where, how, and how big."""

    path: Path
    form: Form
    noisy: bool
    n_chars: int
    n_bytes: int


@dataclass
class CorpusSummary:
    """What :func:`generate_corpus` wrote."""

    out_dir: Path
    documents: list[GeneratedDocument] = field(default_factory=list)
    fixes: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def report(self) -> str:
        n = len(self.documents)
        megabytes = sum(d.n_bytes for d in self.documents) / 1e6
        chars = sorted(d.n_chars for d in self.documents)
        lines = [f"wrote {n} documents to {self.out_dir}: {megabytes:.1f} MB in {self.seconds:.1f} s"]
        forms = Counter(d.form.name for d in self.documents)
        for form in FORMS:
            lines.append(f"  {form.name:<42} {forms[form.name]:>6}  {forms[form.name] / n:6.1%}")
        noisy = sum(d.noisy for d in self.documents)
        lines.append(f"  {'PDF layout noise (broken lines, footers)':<42} {noisy:>6}  {noisy / n:6.1%}")
        fixes = ", ".join(f"{count} {kind}" for kind, count in sorted(self.fixes.items())) or "none needed"
        lines.append(f"  Big5 fixes: {fixes}")
        lines.append(f"  characters per document: min {chars[0]:,}, median {statistics.median(chars):,.0f}, "
                     f"max {chars[-1]:,} (mean {statistics.fmean(chars):,.0f})")
        return "\n".join(lines)


def allocate(n: int, shares: Sequence[float], rng: random.Random) -> list[int]:
    """``n`` indices into ``shares``, as close to the shares as whole numbers allow, shuffled."""
    exact = [n * share / sum(shares) for share in shares]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    indices = [i for i, count in enumerate(counts) for _ in range(count)]
    rng.shuffle(indices)
    return indices


def generate_corpus(n: int, out_dir: Path = DEFAULT_OUT, seeds_dir: Path = config.DEFAULT_SEEDS_DIR,
                    random_seed: int = 0, converter: ScriptConverter | None = None) -> CorpusSummary:
    """Write ``n`` documents ``bench_00001.txt``... into ``out_dir``, replacing earlier ones.

    Each document depends only on ``random_seed`` and its number (its own
    ``random.Random``), its form on the allocation of forms over all ``n``.
    """
    started = time.perf_counter()
    pool = build_pool(Path(seeds_dir), converter or ScriptConverter())
    writer = ScriptWriter()
    rng = random.Random(random_seed)
    forms = [FORMS[i] for i in allocate(n, [form.share for form in FORMS], rng)]
    simplified = [i for i, form in enumerate(forms) if form.simplified]
    noisy = set(rng.sample(simplified, min(len(simplified), round(n * NOISY_SHARE))))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in sorted(out_dir.glob(f"{FILE_PREFIX}*.txt")):
        stale.unlink()
    summary = CorpusSummary(out_dir)
    width = max(5, len(str(n)))
    for index, form in enumerate(forms):
        doc_rng = random.Random(f"{random_seed}:{index}")
        blocks = compose(doc_rng, pool)
        presentation = Presentation(
            full_width=doc_rng.random() < FULL_WIDTH_SHARE,
            indent=doc_rng.random() < INDENT_SHARE,
            crlf=form.encoding == "utf-16" or doc_rng.random() < CRLF_SHARE,
            noisy=index in noisy,
        )
        text, fixes = render(blocks, form, writer, presentation, doc_rng)
        data = encode(text, form)
        path = out_dir / f"{FILE_PREFIX}{index + 1:0{width}d}.txt"
        path.write_bytes(data)
        summary.fixes.update(fixes)
        summary.documents.append(GeneratedDocument(path, form, presentation.noisy, len(text), len(data)))
    summary.seconds = time.perf_counter() - started
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write N policy documents made of the seeds' clauses, in mixed scripts and encodings.",
        epilog="example: .venv/bin/python benchmarks/make_corpus.py --n 1000 --out benchmarks/corpus",
    )
    parser.add_argument("--n", type=int, default=1000, help="number of documents (default 1000)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder to write them to; earlier bench_*.txt files there are removed "
                             "(default benchmarks/corpus)")
    parser.add_argument("--seed-dir", type=Path, default=config.DEFAULT_SEEDS_DIR,
                        help="the seed documents (default seeds/)")
    parser.add_argument("--random-seed", type=int, default=0, help="same seed, same bytes (default 0)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    print(generate_corpus(args.n, args.out, args.seed_dir, args.random_seed).report())
    return 0


if __name__ == "__main__":
    sys.exit(main())

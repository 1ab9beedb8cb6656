"""Extraction quality against hand-checked gold annotations.

Gold rows (``tests/gold/<doc_id>/{targets,dates,parties}.csv``, see
``tests/gold/GUIDELINES.md``) name a clause, a surface text and its
occurrence in that clause.  A predicted row matches a gold row when it lies
in the same clause, the spans overlap and the compared fields are equal;
each gold row matches at most one prediction.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from pipeline.chinese import CLAUSE_KINDS
from pipeline.errors import DocumentError, GoldError
from pipeline.extract.stage import own_offset_map
from pipeline.normalize import ScriptConverter
from pipeline.process import Toolkit, run_document, segment_document

TABLES = ("targets", "dates", "parties")
CORPUS_GOLD = "corpus"
COMPARED: dict[str, tuple[str, ...]] = {
    "targets": ("comparator", "value", "value_max", "unit", "deadline_year", "kind"),
    "dates": ("kind", "role", "start_date", "end_date"),
    "parties": ("name", "kind", "role"),
}


CORPUS_GOLD = "corpus"  # tests/gold/corpus/<file stem>/parties.csv, keyed by document text


def precision_recall_f1(matched: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """P, R and F1 of ``matched`` rows among ``predicted`` and ``gold`` ones; 1.0 where there is nothing to miss.

    >>> precision_recall_f1(3, 4, 6)
    (0.75, 0.5, 0.6)
    """
    precision = matched / predicted if predicted else 1.0
    recall = matched / gold if gold else 1.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


@dataclass
class _Counts:
    """Gold, predicted and matched rows, and the precision, recall and F1 they make."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        return precision_recall_f1(self.matched, self.predicted, self.gold)[0]

    @property
    def recall(self) -> float:
        return precision_recall_f1(self.matched, self.predicted, self.gold)[1]

    @property
    def f1(self) -> float:
        return precision_recall_f1(self.matched, self.predicted, self.gold)[2]


@dataclass
class Score(_Counts):
    """Counts for one table, in one document or in all of them."""

    span_only: int = 0  # spans overlap but a compared field differs

    def add(self, other: "Score") -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched
        self.span_only += other.span_only


@dataclass
class Evaluation:
    """Scores by (table, doc_id), plus the rows that did not match, for reading."""

    scores: dict[tuple[str, str], Score] = field(default_factory=dict)
    misses: list[tuple[str, str, str, dict]] = field(default_factory=list)  # (table, doc_id, why, row)
    kinds: "KindScores" = field(default_factory=lambda: KindScores())

    def total(self, table: str) -> Score:
        total = Score()
        for (name, _), score in self.scores.items():
            if name == table:
                total.add(score)
        return total


def read_gold(folder: Path, table: str) -> list[dict]:
    """Gold rows of one table for one document (a folder may be split into part-* folders)."""
    files = [folder / f"{table}.csv"] + sorted(folder.glob(f"part-*/{table}.csv"))
    rows = []
    for path in files:
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                rows.extend(csv.DictReader(handle))
    return rows


def evaluate(seeds_dir: Path, gold_dir: Path, toolkit: Toolkit | None = None,
             doc_ids: Iterable[str] | None = None) -> Evaluation:
    """Run the pipeline on every document that has gold, and score each table."""
    toolkit = toolkit or Toolkit()
    evaluation = Evaluation()
    # A seed's folder holds table CSVs; other folders (structure/, the clause trees; corpus/, the
    # span gold of evaluate_corpus and the corpus party gold) are not seeds.
    folders = sorted(p for p in Path(gold_dir).iterdir()
                     if p.is_dir() and p.name != CORPUS_GOLD and _holds_table_gold(p))
    wanted = set(doc_ids) if doc_ids is not None else None
    for folder in folders:
        if wanted is not None and folder.name not in wanted:
            continue
        document = run_document(Path(seeds_dir) / f"{folder.name}.txt", toolkit, seeds_dir=Path(seeds_dir))
        clauses = {c.clause_id: c for c in document.tree.clauses}
        for table in TABLES:
            gold = [_locate(row, clauses, document.normalized.text, folder, table) for row in read_gold(folder, table)]
            predicted = document.rows[table]
            evaluation.scores[(table, folder.name)] = _score(table, folder.name, gold, predicted, evaluation)
            if table in SPAN_TABLES:
                count_kinds(table, gold, predicted, evaluation.kinds, COMPARED[table])
    return evaluation


def _holds_table_gold(folder: Path) -> bool:
    return any((folder / f"{table}.csv").exists() or any(folder.glob(f"part-*/{table}.csv")) for table in TABLES)


def _locate(row: dict, clauses: dict, canonical: str, folder: Path, table: str) -> dict:
    clause = clauses.get(row["clause_id"])
    gold_file, where = f"{folder.name}/{table}.csv", f"clause {row['clause_id']} {row['text']!r}"
    if clause is None:
        raise GoldError(gold_file, f"{where}: no such clause")
    own = clause.own_text(canonical)
    position, occurrence = -1, int(row.get("occurrence") or 1)
    for _ in range(occurrence):
        position = own.find(row["text"], position + 1)
        if position < 0:
            raise GoldError(gold_file, f"{where}: text not found (occurrence {occurrence})")
    to_document = own_offset_map(clause)
    located = dict(row)
    located["start"] = to_document(position)
    located["end"] = to_document(position + len(row["text"]) - 1) + 1
    return located


def _score(table: str, doc_id: str, gold: list[dict], predicted: list[dict], evaluation: Evaluation) -> Score:
    return _match(table, doc_id, gold, predicted, evaluation,
                  lambda g, p: _same_fields(table, g, p), lambda row: _shown(table, row))


def _match(table: str, doc_id: str, gold: list[dict], predicted: list[dict], evaluation: Evaluation,
           same: Callable[[dict, dict], bool], shown: Callable[[dict], object]) -> Score:
    """Match gold rows to predicted ones (overlapping span, ``same`` fields), each used once; record the misses."""
    score = Score(gold=len(gold), predicted=len(predicted))
    unused = list(range(len(predicted)))
    for gold_row in gold:
        overlapping = [i for i in unused if _overlaps(gold_row, predicted[i])]
        exact = [i for i in overlapping if same(gold_row, predicted[i])]
        if exact:
            score.matched += 1
            unused.remove(exact[0])
        elif overlapping:
            score.span_only += 1
            evaluation.misses.append((table, doc_id, "fields differ", {
                "gold": shown(gold_row), "predicted": shown(predicted[overlapping[0]])}))
        else:
            evaluation.misses.append((table, doc_id, "missed", shown(gold_row)))
    for i in unused:
        if not any(_overlaps(g, predicted[i]) for g in gold):
            evaluation.misses.append((table, doc_id, "spurious", shown(predicted[i])))
    return score


def _overlaps(gold_row: dict, predicted: dict) -> bool:
    return (gold_row["clause_id"] == predicted["clause_id"]
            and gold_row["start"] < predicted["end"] and predicted["start"] < gold_row["end"])


def _same_fields(table: str, gold_row: dict, predicted: dict) -> bool:
    return all(_equal(gold_row.get(name), predicted.get(name)) for name in COMPARED[table])


def _equal(gold_value: object, predicted: object) -> bool:
    if gold_value in (None, "") or (isinstance(gold_value, float) and math.isnan(gold_value)):
        return predicted in (None, "") or (isinstance(predicted, float) and math.isnan(predicted))
    if predicted is None or (isinstance(predicted, float) and math.isnan(predicted)):
        return False
    if isinstance(predicted, date):
        return str(gold_value) == predicted.isoformat()
    if isinstance(predicted, (int, float)):
        try:
            return math.isclose(float(gold_value), float(predicted), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    return str(gold_value).strip() == str(predicted).strip()


def _shown(table: str, row: dict) -> dict:
    keys = ("clause_id", "text") + COMPARED[table]
    return {k: (row.get(k).isoformat() if isinstance(row.get(k), date) else row.get(k)) for k in keys}


def report_lines(evaluation: Evaluation) -> list[str]:
    """A table of precision, recall and F1 by table and document."""
    return _score_table(evaluation, TABLES, 22)


def _score_table(evaluation, tables: Sequence[str], width: int) -> list[str]:
    """A header, then one line per (table, document) score and each table's ALL."""
    lines = [f"{'table':<9} {'document':<{width}} {'gold':>5} {'pred':>5} {'match':>5} {'P':>6} {'R':>6} {'F1':>6}"]
    for table in tables:
        docs = sorted(doc for name, doc in evaluation.scores if name == table)
        for doc_id in docs + ["ALL"]:
            score = evaluation.total(table) if doc_id == "ALL" else evaluation.scores[(table, doc_id)]
            lines.append(f"{table:<9} {doc_id:<{width}} {score.gold:>5} {score.predicted:>5} {score.matched:>5} "
                         f"{score.precision:>6.3f} {score.recall:>6.3f} {score.f1:>6.3f}")
    return lines


# --- Corpus gold: targets and dates located by text span (tests/gold/corpus/GUIDELINES.md) ---

SPAN_TABLES = ("targets", "dates")
SPAN_COMPARED: dict[str, tuple[str, ...]] = {
    "targets": ("comparator", "value", "value_max", "unit", "deadline_year", "kind"),
    "dates": ("kind", "role", "start_date", "end_date", "duration_value", "duration_unit"),
}
# Field accuracy is reported on span-matched pairs for these fields.
ACCURACY_FIELDS: dict[str, tuple[str, ...]] = {
    "targets": ("comparator", "value_base", "deadline_year", "kind"),
    "dates": ("kind", "role", "start_date", "end_date"),
}
# One character for one character, so offsets survive: full-width ASCII forms
# and the ideographic space fold to their half-width forms.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _fold(text: str) -> str:
    return text.translate(_FOLD)


@dataclass
class KindScores:
    """P/R/F1 by kind and the share of span-matched pairs that agree on each field."""

    by_kind: dict[tuple[str, str], Score] = field(default_factory=dict)  # (table, kind)
    agree: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (table, field) -> [equal, pairs]

    def kind(self, table: str, kind: str) -> Score:
        return self.by_kind.setdefault((table, kind), Score())

    def count(self, table: str, name: str, equal: bool) -> None:
        counts = self.agree.setdefault((table, name), [0, 0])
        counts[0] += equal
        counts[1] += 1


SpanEvaluation = Evaluation  # the corpus evaluation has the same parts


def find_corpus_file(corpus_dir: Path, stem: str) -> Path:
    """The corpus document a gold folder is named after (any extension)."""
    matches = sorted(p for p in Path(corpus_dir).glob(f"{stem}.*") if p.is_file())
    if not matches:
        raise GoldError(stem, f"no document of that name in {corpus_dir}")
    return matches[0]


def read_regions(folder: Path, canonical: str) -> list[tuple[int, int]]:
    """The annotated regions of ``scope.txt`` (start/end passage pairs); the whole text without it."""
    path = folder / "scope.txt"
    if not path.exists():
        return [(0, len(canonical))]
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if len(lines) % 2:
        raise GoldError(path, "passages must come in start/end pairs")
    folded, regions, position = _fold(canonical), [], 0
    for first, last in zip(lines[::2], lines[1::2]):
        start = folded.find(_fold(first), position)
        end = folded.find(_fold(last), max(start, 0))
        if start < 0 or end < 0:
            raise GoldError(path, f"passage not found: {first if start < 0 else last!r}")
        regions.append((start, end + len(last)))
        position = end + len(last)
    return regions


def locate_span(row: dict, canonical: str, where: str, origin: int = 0) -> dict:
    """Offsets of a gold row named by text, optional context and occurrence counted from ``origin``."""
    text, context = _fold(row["text"]), _fold(row.get("context") or "")
    folded = _fold(canonical)
    needle = context or text
    if context and text not in context:
        raise GoldError(where, f"{row['text']!r} is not inside its context {row['context']!r}")
    position = origin - 1
    for _ in range(int(row.get("occurrence") or 1)):
        position = folded.find(needle, position + 1)
        if position < 0:
            raise GoldError(where, f"{needle!r} not found (occurrence {row.get('occurrence') or 1})")
    if context:
        position += context.index(text)
    located = dict(row)
    located["start"], located["end"] = position, position + len(text)
    return located


def evaluate_corpus(corpus_dir: Path, gold_dir: Path, toolkit: Toolkit | None = None,
                    doc_ids: Iterable[str] | None = None) -> SpanEvaluation:
    """Score targets and dates on the corpus documents that have span gold (``gold_dir/<file stem>/``)."""
    toolkit = toolkit or Toolkit()
    evaluation = SpanEvaluation()
    wanted = set(doc_ids) if doc_ids is not None else None
    # tests/gold/corpus also holds party gold: a folder counts here when it has targets or dates gold.
    folders = sorted(p for p in Path(gold_dir).iterdir()
                     if p.is_dir() and any((p / f"{table}.csv").exists() for table in SPAN_TABLES))
    for folder in folders:
        if wanted is not None and folder.name not in wanted:
            continue
        document = run_document(find_corpus_file(corpus_dir, folder.name), toolkit, seeds_dir=Path(corpus_dir))
        canonical = document.normalized.text
        regions = read_regions(folder, canonical)
        for table in SPAN_TABLES:
            if not (folder / f"{table}.csv").exists():
                continue
            gold = [locate_span(row, canonical, f"{folder.name}/{table}.csv", regions[0][0])
                    for row in read_gold(folder, table)]
            predicted = [dict(row) for row in document.rows[table]
                         if any(start <= row["start"] < end for start, end in regions)]
            for row in gold + predicted:
                row["clause_id"] = ""  # spans are compared in the whole document
            evaluation.scores[(table, folder.name)] = _score_spans(table, folder.name, gold, predicted, evaluation)
    return evaluation


def _score_spans(table: str, doc_id: str, gold: list[dict], predicted: list[dict],
                 evaluation: Evaluation) -> Score:
    compared = SPAN_COMPARED[table]
    count_kinds(table, gold, predicted, evaluation.kinds, compared)
    return _match(table, doc_id, gold, predicted, evaluation,
                  lambda g, p: _all_equal(g, p, compared), lambda row: _span_shown(table, row))


def _all_equal(gold_row: dict, predicted: dict, compared: tuple[str, ...]) -> bool:
    return all(_equal(gold_row.get(name), predicted.get(name)) for name in compared)


def count_kinds(table: str, gold: list[dict], predicted: list[dict], kinds: KindScores,
                compared: tuple[str, ...]) -> None:
    """Add P/R/F1 by kind and field agreement of span-matched pairs (gold rows located, in one document)."""
    for row in gold:
        kinds.kind(table, row.get("kind") or "").gold += 1
    for row in predicted:
        kinds.kind(table, row.get("kind") or "").predicted += 1
    unused = list(range(len(predicted)))
    for gold_row in gold:
        overlapping = [i for i in unused if _overlaps(gold_row, predicted[i])]
        if not overlapping:
            continue
        exact = [i for i in overlapping if _all_equal(gold_row, predicted[i], compared)]
        chosen = (exact or overlapping)[0]
        for name in ACCURACY_FIELDS[table]:
            gold_value = _gold_value_base(gold_row) if name == "value_base" else gold_row.get(name)
            kinds.count(table, name, _equal(gold_value, predicted[chosen].get(name)))
        if exact:
            kinds.kind(table, gold_row.get("kind") or "").matched += 1
        unused.remove(chosen)


def _gold_value_base(row: dict) -> float | None:
    from pipeline.extract.numbers import to_base

    try:
        return to_base(row["value"], row.get("unit") or "")[0]
    except (KeyError, ValueError, ArithmeticError):
        return None


def _span_shown(table: str, row: dict) -> dict:
    keys = ("text",) + SPAN_COMPARED[table]
    return {k: (row.get(k).isoformat() if isinstance(row.get(k), date) else row.get(k)) for k in keys}


def span_report_lines(evaluation: SpanEvaluation, label: str = "corpus") -> list[str]:
    """Per-document and total P/R/F1, P/R/F1 by kind, and field accuracy on span-matched pairs."""
    lines = [f"{label} gold (by text span)"] + _score_table(evaluation, SPAN_TABLES, 46)
    lines += kind_report_lines(evaluation.kinds)
    return lines


def kind_report_lines(kinds: KindScores) -> list[str]:
    """The by-kind and field-accuracy part of a report."""
    lines = [f"{'table':<9} {'kind':<12} {'gold':>5} {'pred':>5} {'match':>5} {'P':>6} {'R':>6} {'F1':>6}"]
    for (table, kind), score in sorted(kinds.by_kind.items()):
        lines.append(f"{table:<9} {kind or '-':<12} {score.gold:>5} {score.predicted:>5} {score.matched:>5} "
                     f"{score.precision:>6.3f} {score.recall:>6.3f} {score.f1:>6.3f}")
    for (table, name), (equal, pairs) in sorted(kinds.agree.items()):
        share = equal / pairs if pairs else 1.0
        lines.append(f"{table:<9} accuracy of {name:<14} {equal:>4}/{pairs:<4} {share:>6.3f}")
    return lines


# --- parties: per document, per role, role accuracy, English names -------------

PARTY_ROLES = ("issuer", "addressee", "lead", "responsible", "support", "actor", "mentioned")


@dataclass
class PartyScore(_Counts):
    """Party rows of one document (or of several): ``matched`` on span, name and kind; roles on top."""

    role_matched: int = 0  # ... and the role is equal too
    by_role: dict[str, list[int]] = field(default_factory=lambda: {r: [0, 0, 0] for r in PARTY_ROLES})
    government: int = 0  # predicted government bodies
    government_en: int = 0  # ... with an English name

    @property
    def f1_with_role(self) -> float:
        return precision_recall_f1(self.role_matched, self.predicted, self.gold)[2]

    @property
    def role_accuracy(self) -> float:
        return self.role_matched / self.matched if self.matched else 1.0

    @property
    def english_share(self) -> float:
        return self.government_en / self.government if self.government else 1.0

    def add(self, other: "PartyScore") -> None:
        for name in ("gold", "predicted", "matched", "role_matched", "government", "government_en"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for role, counts in other.by_role.items():
            mine = self.by_role.setdefault(role, [0, 0, 0])
            for i in range(3):
                mine[i] += counts[i]


@dataclass
class PartyEvaluation:
    """Party scores by (gold set, document), and the unmatched rows."""

    scores: dict[tuple[str, str], PartyScore] = field(default_factory=dict)
    misses: list[tuple[str, str, str, dict]] = field(default_factory=list)

    def total(self, gold_set: str | None = None) -> PartyScore:
        total = PartyScore()
        for (name, _), score in self.scores.items():
            if gold_set is None or name == gold_set:
                total.add(score)
        return total


def evaluate_parties(seeds_dir: Path, gold_dir: Path, corpus_dir: Path | None = None,
                     toolkit: Toolkit | None = None) -> PartyEvaluation:
    """Score the parties table on the seeds' gold and, when ``corpus_dir`` is given, on the corpus gold.

    Seed gold is keyed by clause (``clause_id,text,occurrence``); corpus gold
    (``<gold_dir>/corpus/<file stem>/parties.csv``) by the text's occurrence in
    the whole canonical document, so that it survives changes of the clause tree.
    """
    toolkit = toolkit or Toolkit()
    result = PartyEvaluation()
    gold_dir = Path(gold_dir)
    for folder in sorted(p for p in gold_dir.iterdir() if p.is_dir() and p.name != CORPUS_GOLD and _holds_table_gold(p)):
        document = run_document(Path(seeds_dir) / f"{folder.name}.txt", toolkit, seeds_dir=Path(seeds_dir))
        clauses = {c.clause_id: c for c in document.tree.clauses}
        gold = [_locate(row, clauses, document.normalized.text, folder, "parties") for row in read_gold(folder, "parties")]
        result.scores[("seeds", folder.name)] = _score_parties(
            "seeds", folder.name, gold, document.rows["parties"], result, by_clause=True)
    corpus_gold = gold_dir / CORPUS_GOLD
    if corpus_dir is not None and corpus_gold.is_dir():
        # The same folders hold targets and dates span gold: a folder counts here when it has parties gold.
        for folder in sorted(p for p in corpus_gold.iterdir() if p.is_dir() and (p / "parties.csv").exists()):
            sources = [p for p in Path(corpus_dir).glob(f"{folder.name}.*") if p.is_file()]
            if not sources:
                raise GoldError(folder, f"no document {folder.name}.* in {corpus_dir}")
            document = run_document(sources[0], toolkit, seeds_dir=Path(corpus_dir))
            canonical = document.normalized.text
            gold = [_locate_in_document(row, canonical, folder) for row in read_gold(folder, "parties")]
            result.scores[("corpus", folder.name)] = _score_parties(
                "corpus", folder.name, gold, document.rows["parties"], result, by_clause=False)
    return result


def _locate_in_document(row: dict, canonical: str, folder: Path) -> dict:
    """Offsets of the occurrence-th ``text`` in the whole document (brackets in either width)."""
    occurrence = int(row.get("occurrence") or 1)
    for text in dict.fromkeys((row["text"], row["text"].replace("（", "(").replace("）", ")"),
                               row["text"].replace("(", "（").replace(")", "）"))):
        position = -1
        for _ in range(occurrence):
            position = canonical.find(text, position + 1)
            if position < 0:
                break
        if position >= 0:
            return dict(row, start=position, end=position + len(text))
    raise GoldError(f"{folder.name}/parties.csv", f"{row['text']!r} occurrence {occurrence} not in the document")


def _score_parties(gold_set: str, doc_id: str, gold: list[dict], predicted: list[dict],
                   evaluation: PartyEvaluation, by_clause: bool) -> PartyScore:
    score = PartyScore(gold=len(gold), predicted=len(predicted))
    for row in predicted:
        score.by_role.setdefault(row["role"], [0, 0, 0])[1] += 1
        if row["kind"] == "government":
            score.government += 1
            score.government_en += bool(row.get("name_en"))
    unused = set(range(len(predicted)))

    def overlaps(g: dict, p: dict) -> bool:
        same = g["clause_id"] == p["clause_id"] if by_clause else True
        return same and g["start"] < p["end"] and p["start"] < g["end"]

    for row in gold:
        score.by_role.setdefault(row["role"], [0, 0, 0])[0] += 1
        near = sorted((i for i in unused if overlaps(row, predicted[i])), key=lambda i: predicted[i]["start"])
        same = [i for i in near if _equal(row["name"], predicted[i]["name"]) and _equal(row["kind"], predicted[i]["kind"])]
        exact = [i for i in same if _equal(row["role"], predicted[i]["role"])]
        chosen = (exact or same or [None])[0]
        if chosen is None:
            why = "fields differ" if near else "missed"
            shown = {"gold": _party_shown(row), "predicted": _party_shown(predicted[near[0]])} if near else _party_shown(row)
            evaluation.misses.append((gold_set, doc_id, why, shown))
            continue
        unused.discard(chosen)
        score.matched += 1
        if chosen in exact:
            score.role_matched += 1
            score.by_role[row["role"]][2] += 1
        else:
            evaluation.misses.append((gold_set, doc_id, "role differs",
                                      {"gold": _party_shown(row), "predicted": _party_shown(predicted[chosen])}))
    for i in sorted(unused):
        evaluation.misses.append((gold_set, doc_id, "spurious", _party_shown(predicted[i])))
    return score


def _party_shown(row: dict) -> dict:
    return {k: row.get(k) for k in ("clause_id", "text", "name", "kind", "role", "name_en") if k in row}


def party_report_lines(evaluation: PartyEvaluation) -> list[str]:
    """Parties P/R/F1 per document and per role, role accuracy on matched rows, share of English names."""
    header = (f"{'gold':<7} {'document':<48} {'gold':>5} {'pred':>5} {'match':>5} {'P':>6} {'R':>6} {'F1':>6} "
              f"{'F1+role':>7} {'roleacc':>7} {'gov_en':>6}")
    lines = [header]
    for gold_set in ("seeds", "corpus"):
        docs = sorted(doc for name, doc in evaluation.scores if name == gold_set)
        if not docs:
            continue
        for doc_id in docs + ["ALL"]:
            s = evaluation.total(gold_set) if doc_id == "ALL" else evaluation.scores[(gold_set, doc_id)]
            lines.append(f"{gold_set:<7} {doc_id[:48]:<48} {s.gold:>5} {s.predicted:>5} {s.matched:>5} "
                         f"{s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} {s.f1_with_role:>7.3f} "
                         f"{s.role_accuracy:>7.3f} {s.english_share:>6.3f}")
    lines.append("")
    lines.append(f"{'gold':<7} {'role':<12} {'gold':>5} {'pred':>5} {'match':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for gold_set in ("seeds", "corpus"):
        if not any(name == gold_set for name, _ in evaluation.scores):
            continue
        total = evaluation.total(gold_set)
        for role in PARTY_ROLES:
            g, p, m = total.by_role.get(role, [0, 0, 0])
            precision, recall, f1 = precision_recall_f1(m, p, g)
            lines.append(f"{gold_set:<7} {role:<12} {g:>5} {p:>5} {m:>5} {precision:>6.3f} {recall:>6.3f} {f1:>6.3f}")
    return lines


# --- Clause structure ------------------------------------------------------
#
# Gold clause trees (``tests/gold/structure/<file stem>.csv``, see the
# GUIDELINES.md there) give every clause of a corpus document: clause_id,
# parent_id, kind, label, heading.  A predicted clause matches a gold one when
# the ids are equal; kinds, parents and headings are then compared.

STRUCTURE_COLUMNS = ("clause_id", "parent_id", "kind", "label", "heading")
# The kinds of docs/clause-ids.md, the convention the gold follows.
# `enumeration` is allowed there but optional, so it is never scored.
UNSCORED_KINDS = frozenset({"enumeration"})
STRUCTURE_KINDS = frozenset(CLAUSE_KINDS) | UNSCORED_KINDS
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class StructureScore:
    """How well one document's predicted clause tree matches its gold tree."""

    document: str
    gold: int
    predicted: int
    matched: int
    jaccard: float          # |gold ids & predicted ids| / |gold ids | predicted ids|
    kind_f1: float          # F1 of (clause_id, kind) pairs
    parent_accuracy: float  # matched ids with the same parent_id
    heading_accuracy: float  # matched ids with the same heading, whitespace and width aside
    error: str = ""         # why the document could not be segmented (then nothing is predicted)
    misses: tuple[str, ...] = ()  # the differences, for reading


def heading_key(heading: object) -> str:
    """A heading as compared: full/half width unified (NFKC), all whitespace removed."""
    if heading is None or (isinstance(heading, float) and math.isnan(heading)):
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(heading)))


def _parent_key(parent: object) -> str:
    return "" if parent is None or (isinstance(parent, float) and math.isnan(parent)) else str(parent)


def score_structure(predicted: Iterable[Mapping], gold: Iterable[Mapping] | Path,
                    document: str = "") -> StructureScore:
    """Score predicted clause rows (clause_id, parent_id, kind, heading) against gold rows or a gold CSV.

    Rows of kind ``enumeration`` are left out on both sides (the kind is optional).
    A predicted id that occurs twice counts once (its first row).

    >>> gold = [{"clause_id": "1", "parent_id": "", "kind": "section", "heading": "总体要求"}]
    >>> score_structure([{"clause_id": "1", "parent_id": None, "kind": "section", "heading": "总体 要求"}], gold).jaccard
    1.0
    """
    if isinstance(gold, (str, Path)):
        document = document or Path(gold).stem
        gold = read_structure_gold(Path(gold))
    gold_rows = _by_id(gold)
    predicted_rows = _by_id(predicted)
    gold_ids, predicted_ids = set(gold_rows), set(predicted_rows)
    matched = [cid for cid in gold_rows if cid in predicted_ids]
    union = gold_ids | predicted_ids
    same_kind = sum(1 for cid in matched if gold_rows[cid]["kind"] == predicted_rows[cid]["kind"])
    kind_f1 = 2 * same_kind / (len(gold_ids) + len(predicted_ids)) if gold_ids or predicted_ids else 1.0
    misses: list[str] = [f"missed {cid} ({gold_rows[cid]['kind']})" for cid in gold_rows if cid not in predicted_ids]
    misses += [f"spurious {cid} ({predicted_rows[cid]['kind']})" for cid in predicted_rows if cid not in gold_ids]
    right_parent = right_heading = 0
    for cid in matched:
        want, got = gold_rows[cid], predicted_rows[cid]
        if want["kind"] != got["kind"]:
            misses.append(f"kind {cid}: gold {want['kind']}, predicted {got['kind']}")
        if _parent_key(want.get("parent_id")) == _parent_key(got.get("parent_id")):
            right_parent += 1
        else:
            misses.append(f"parent {cid}: gold {_parent_key(want.get('parent_id')) or '-'}, "
                          f"predicted {_parent_key(got.get('parent_id')) or '-'}")
        if heading_key(want.get("heading")) == heading_key(got.get("heading")):
            right_heading += 1
        else:
            misses.append(f"heading {cid}: gold {heading_key(want.get('heading'))!r}, "
                          f"predicted {heading_key(got.get('heading'))!r}")
    return StructureScore(
        document=document,
        gold=len(gold_ids),
        predicted=len(predicted_ids),
        matched=len(matched),
        jaccard=len(matched) / len(union) if union else 1.0,
        kind_f1=kind_f1,
        parent_accuracy=right_parent / len(matched) if matched else 0.0,
        heading_accuracy=right_heading / len(matched) if matched else 0.0,
        misses=tuple(misses),
    )


def _by_id(rows: Iterable[Mapping]) -> dict[str, Mapping]:
    by_id: dict[str, Mapping] = {}
    for row in rows:
        if row.get("kind") in UNSCORED_KINDS:
            continue
        by_id.setdefault(str(row["clause_id"]), row)
    return by_id


def read_structure_gold(path: Path) -> list[dict]:
    """The rows of one gold clause tree, checked.

    Raises:
        GoldError: the file is not a well-formed gold tree (see :func:`structure_gold_problems`).
    """
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != STRUCTURE_COLUMNS:
            raise GoldError(path, f"columns must be {','.join(STRUCTURE_COLUMNS)}, not {','.join(reader.fieldnames or ())}")
        rows = list(reader)
    problems = structure_gold_problems(rows)
    if problems:
        raise GoldError(path, problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    return rows


def structure_gold_problems(rows: list[Mapping]) -> list[str]:
    """What is wrong with gold rows: duplicate or empty ids, unknown parents, unknown kinds."""
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        cid = row.get("clause_id") or ""
        if not cid:
            problems.append(f"line {number}: empty clause_id")
        elif cid in seen:
            problems.append(f"line {number}: clause_id {cid} appears twice")
        seen.add(cid)
        if row.get("kind") not in STRUCTURE_KINDS:
            problems.append(f"line {number}: kind {row.get('kind')!r} is not one of docs/clause-ids.md")
    for number, row in enumerate(rows, start=2):
        parent = row.get("parent_id") or ""
        if parent and parent not in seen:
            problems.append(f"line {number}: parent_id {parent} of {row.get('clause_id')} is not in the file")
        if parent and parent == row.get("clause_id"):
            problems.append(f"line {number}: {parent} is its own parent")
    return problems


def find_document(corpus_dir: Path, stem: str) -> Path:
    """The corpus file whose name without suffix is ``stem``.

    Raises:
        GoldError: no such file, or more than one.
    """
    found = sorted(p for p in Path(corpus_dir).glob(f"{stem}.*") if p.is_file() and p.stem == stem)
    if len(found) != 1:
        why = "no document" if not found else f"{len(found)} documents"
        raise GoldError(corpus_dir, f"{why} named {stem}.* for the gold tree {stem}.csv")
    return found[0]


def evaluate_structure(corpus_dir: Path, gold_dir: Path, converter: ScriptConverter | None = None,
                       stems: Iterable[str] | None = None) -> list[StructureScore]:
    """Segment every document that has a gold tree, by the pipeline's own path, and score it.

    A document the pipeline cannot read is scored with nothing predicted, and its error kept.

    Raises:
        GoldError: a gold file is malformed or names no document of the corpus.
    """
    converter = converter or ScriptConverter()
    wanted = set(stems) if stems is not None else None
    scores = []
    for gold_path in sorted(Path(gold_dir).glob("*.csv")):
        if wanted is not None and gold_path.stem not in wanted:
            continue
        gold = read_structure_gold(gold_path)
        path = find_document(corpus_dir, gold_path.stem)
        try:
            segmented = segment_document(path, converter, seeds_dir=Path(corpus_dir))
        except DocumentError as error:
            scores.append(replace(score_structure([], gold, gold_path.stem), error=str(error)))
            continue
        scores.append(score_structure(segmented.clause_rows, gold, gold_path.stem))
    return scores


def structure_report_lines(scores: list[StructureScore], width: int = 44) -> list[str]:
    """One line per document (ids, Jaccard, kind F1, parent and heading accuracy) and the means."""
    lines = [f"{'document':<{width}} {'gold':>5} {'pred':>5} {'match':>5} {'jaccard':>8} {'kind_f1':>8} "
             f"{'parent':>7} {'heading':>8}"]
    for score in scores:
        line = (f"{score.document[:width]:<{width}} {score.gold:>5} {score.predicted:>5} {score.matched:>5} "
                f"{score.jaccard:>8.3f} {score.kind_f1:>8.3f} {score.parent_accuracy:>7.3f} "
                f"{score.heading_accuracy:>8.3f}")
        lines.append(line + (f"  error: {score.error}" if score.error else ""))
    if scores:
        n = len(scores)
        lines.append(f"{'MEAN (' + str(n) + ' documents)':<{width}} {sum(s.gold for s in scores):>5} "
                     f"{sum(s.predicted for s in scores):>5} {sum(s.matched for s in scores):>5} "
                     f"{sum(s.jaccard for s in scores) / n:>8.3f} {sum(s.kind_f1 for s in scores) / n:>8.3f} "
                     f"{sum(s.parent_accuracy for s in scores) / n:>7.3f} "
                     f"{sum(s.heading_accuracy for s in scores) / n:>8.3f}")
    return lines


def normalize_report(folders: Iterable[Path], top: int = 20) -> list[str]:
    """`policy evaluate --normalize`: Taiwan-style renderings of the mainland documents in ``folders``
    converted back by OpenCC t2s, OpenCC tw2sp and this project (see :mod:`pipeline.conversion_eval`)."""
    from pipeline.conversion_eval import evaluate_folders

    return evaluate_folders(folders, top)

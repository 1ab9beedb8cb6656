"""Themes: each clause scored against a small bilingual taxonomy shipped as data.

The taxonomy (``resources/themes.csv``) lists, for each theme, its Chinese and
English names and the keywords that signal it (数据要素: 公共数据, 数据交易,
授权运营, ...). A clause's keyword hits are counted in its own text, in its
heading (counted twice: a heading says what the clause is about) and in the
headings of the sections above it (once: a clause under 保障措施 is about
safeguards even when it never says so). Overlapping keywords are matched
longest first, so 数据安全 counts for security and not also for 数据.

A theme's ``score`` in a clause is its share of the clause's hits, so the
scores of a clause sum to 1. A document's share of a theme weighs each
clause by its length: the share of the document's text given to the theme.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path

from pipeline.clauses import ancestors
from pipeline.config import RESOURCES_DIR
from pipeline.patterns import any_word

THEMES_PATH = RESOURCES_DIR / "themes.csv"
_HEADING_WEIGHT = 2
_ANCESTOR_WEIGHT = 1
_PARENT = itemgetter("parent_id")
# Clauses that are not policy content: the signature block and the title lines.
_UNTHEMED_KINDS = frozenset({"closing"})


@dataclass(frozen=True)
class Theme:
    """One theme of the taxonomy."""

    theme: str
    name_zh: str
    name_en: str
    keywords: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Taxonomy:
    """The themes, and one pattern matching any of their keywords, longest first (:func:`pipeline.patterns.any_word`)."""

    themes: tuple[Theme, ...]
    pattern: re.Pattern[str]
    theme_of: Mapping[str, str]

    def hits(self, text: str) -> dict[str, dict[str, int]]:
        """Keyword counts per theme in ``text``: ``{"security": {"数据安全": 2}}``."""
        found: dict[str, dict[str, int]] = {}
        for match in self.pattern.finditer(text):
            keyword = match.group()
            per_theme = found.setdefault(self.theme_of[keyword], {})
            per_theme[keyword] = per_theme.get(keyword, 0) + 1
        return found


@cache
def load_taxonomy(path: Path = THEMES_PATH) -> Taxonomy:
    """Read the taxonomy file; a keyword may belong to one theme only.

    Raises:
        ValueError: a keyword is listed under two themes, or a row is incomplete.
    """
    themes, theme_of = [], {}
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            keywords = tuple(k.strip() for k in (row.get("keywords") or "").split("|") if k.strip())
            if not row.get("theme") or not row.get("name_zh") or not keywords:
                raise ValueError(f"{path}:{line}: a theme needs an id, a Chinese name and keywords")
            for keyword in keywords:
                if keyword in theme_of:
                    raise ValueError(f"{path}:{line}: keyword {keyword} is already under {theme_of[keyword]}")
                theme_of[keyword] = row["theme"]
            themes.append(Theme(row["theme"], row["name_zh"], row["name_en"], keywords, row["description"]))
    # Latin keywords (AI, 5G, IPv6) must not match inside longer Latin words.
    return Taxonomy(tuple(themes), any_word(theme_of, latin_edges=True), theme_of)


def theme_rows(clause_rows: Sequence[Mapping[str, object]], taxonomy: Taxonomy | None = None) -> list[dict]:
    """The ``themes`` rows of one document's clauses: one row per clause and theme it touches."""
    taxonomy = taxonomy or load_taxonomy()
    names = {theme.theme: theme for theme in taxonomy.themes}
    by_id = {row["clause_id"]: row for row in clause_rows}
    rows = []
    for clause in clause_rows:
        if clause["kind"] in _UNTHEMED_KINDS:
            continue
        weighted: dict[str, float] = {}
        keywords: dict[str, set[str]] = {}
        sources = [(str(clause["text"]), 1), (str(clause["heading"]), _HEADING_WEIGHT - 1)]
        sources += [(str(a["heading"]), _ANCESTOR_WEIGHT) for a in ancestors(clause, by_id, _PARENT)]
        for text, weight in sources:
            for theme, counts in taxonomy.hits(text).items():
                weighted[theme] = weighted.get(theme, 0.0) + weight * sum(counts.values())
                keywords.setdefault(theme, set()).update(counts)
        total = sum(weighted.values())
        ranked = sorted(weighted.items(), key=lambda item: (-item[1], item[0]))
        for rank, (theme, hits) in enumerate(ranked, start=1):
            rows.append({
                "doc_id": clause["doc_id"], "clause_id": clause["clause_id"],
                "start": clause["start"], "end": clause["end"],
                "theme": theme, "theme_zh": names[theme].name_zh,
                "score": round(hits / total, 6), "hits": int(hits), "rank": rank,
                "keywords": sorted(keywords[theme]),
            })
    return rows


def theme_share_rows(clause_rows: Sequence[Mapping[str, object]], themed: Sequence[Mapping[str, object]],
                     taxonomy: Taxonomy | None = None) -> list[dict]:
    """The document × theme matrix, long form: the share of each document's text given to each theme.

    A clause contributes its length times its score for the theme; the share
    divides by the length of the document's themable clauses, so a document's
    shares sum to at most 1 (the rest is text no theme claims).
    """
    taxonomy = taxonomy or load_taxonomy()
    lengths = {(r["doc_id"], r["clause_id"]): len(str(r["text"])) for r in clause_rows if r["kind"] not in _UNTHEMED_KINDS}
    doc_total: dict[object, int] = {}
    for (doc_id, _), length in lengths.items():
        doc_total[doc_id] = doc_total.get(doc_id, 0) + length
    weight: dict[tuple[object, str], float] = {}
    count: dict[tuple[object, str], int] = {}
    for row in themed:
        key = (row["doc_id"], row["theme"])
        weight[key] = weight.get(key, 0.0) + float(row["score"]) * lengths[(row["doc_id"], row["clause_id"])]
        count[key] = count.get(key, 0) + (row["rank"] == 1)
    rows = []
    for doc_id in sorted(doc_total):
        for theme in taxonomy.themes:
            key = (doc_id, theme.theme)
            share = weight.get(key, 0.0) / doc_total[doc_id] if doc_total[doc_id] else 0.0
            rows.append({"doc_id": doc_id, "theme": theme.theme, "theme_zh": theme.name_zh,
                         "theme_en": theme.name_en, "n_clauses": count.get(key, 0), "share": round(share, 6)})
    return rows

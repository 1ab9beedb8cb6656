"""The Chinese spaCy pipeline: jieba segmentation plus the three policy extractors.

``build_nlp()`` returns ``spacy.blank("zh")`` with the jieba segmenter and the
components ``policy_targets``, ``policy_dates`` and ``policy_parties``. Each
component wraps one plain extractor (``find_targets``, ``find_dates``,
``find_parties``) and only writes its own span group; the extractor's record
(TargetHit, DateHit, PartyHit) is kept on ``span._.record``.

Document context enters through ``doc.user_data`` (set it before calling
``nlp``, or pass ``Doc`` objects through ``nlp.pipe``): ``"reference_year"``
for dates and targets (the document's issue year), ``"deadline_year"`` for
targets (the ``到2027年`` scope of the enclosing clause) and ``"default_kind"``
(``"baseline"`` for clauses that report the past, such as 发展基础). There is
no clock.

spaCy's jieba segmenter calls the module-level ``jieba`` tokenizer and has no
user-dictionary setting of its own, so the policy terms are loaded into that
global tokenizer, once per process, by :func:`load_user_dict`. The user
dictionary holds the policy terms only; every gazetteer name and alias is
added from ``gazetteer.csv`` at load time, so names are kept in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jieba
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.config import RESOURCES_DIR
from pipeline.extract.parties import find_parties, load_gazetteer

POLICY_TERMS_PATH = RESOURCES_DIR / "policy_terms.txt"
COMPONENTS = ("policy_targets", "policy_dates", "policy_parties")

if not Span.has_extension("record"):
    Span.set_extension("record", default=None)


@cache
def load_user_dict(user_dict: Path = POLICY_TERMS_PATH, gazetteer_path: Path | None = None) -> None:
    """Load the policy terms and the gazetteer names into jieba, once per process.

    jieba's dictionary is global, so a second call with the same paths is a
    no-op rather than a reload.
    """
    jieba.setLogLevel(logging.WARNING)
    jieba.load_userdict(str(user_dict))
    for surface in load_gazetteer(gazetteer_path).surfaces():
        # No frequency: jieba then suggests one just high enough to keep the
        # name in one piece.
        jieba.add_word(surface)


def build_nlp(user_dict: Path | None = None, components: Iterable[str] = COMPONENTS) -> Language:
    """A blank Chinese pipeline with jieba and the policy components.

    Args:
        user_dict: jieba user dictionary (``word freq tag`` lines); defaults
            to ``pipeline/resources/policy_terms.txt``.
        components: which of ``policy_targets``, ``policy_dates``,
            ``policy_parties`` to add, in order.

    Returns:
        The pipeline; ``nlp(text).spans["parties"]`` etc. hold the results.
    """
    load_user_dict(Path(user_dict) if user_dict is not None else POLICY_TERMS_PATH)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    for name in components:
        nlp.add_pipe(name)
    return nlp


class SpanComponent:
    """Run one extractor on ``doc.text`` and store its hits as spans under ``key``."""

    def __init__(self, key: str, find: Callable[[Doc], Iterator[Any]]) -> None:
        self.key = key
        self.find = find

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for hit in self.find(doc):
            # expand: a name may start or end inside a jieba token.
            span = doc.char_span(hit.start, hit.end, label=getattr(hit, "kind", self.key), alignment_mode="expand")
            if span is None:
                continue
            span._.record = hit
            spans.append(span)
        doc.spans[self.key] = spans
        return doc


@Language.factory(
    "policy_targets",
    assigns=["doc.spans"],
    default_config={"spans_key": "targets", "deadline_year": None},
)
def make_targets(nlp: Language, name: str, spans_key: str, deadline_year: int | None) -> SpanComponent:
    """``doc.spans["targets"]`` from ``find_targets``; deadline from ``doc.user_data``."""
    # Imported here so the parties component works while targets.py is
    # developed on its own.
    from pipeline.extract.targets import find_targets

    return SpanComponent(
        spans_key,
        lambda doc: find_targets(
            doc.text,
            doc.user_data.get("deadline_year", deadline_year),
            reference_year=doc.user_data.get("reference_year"),
            default_kind=doc.user_data.get("default_kind", "target"),
        ),
    )


@Language.factory(
    "policy_dates",
    assigns=["doc.spans"],
    default_config={"spans_key": "dates", "reference_year": None},
)
def make_dates(nlp: Language, name: str, spans_key: str, reference_year: int | None) -> SpanComponent:
    """``doc.spans["dates"]`` from ``find_dates``; reference year from ``doc.user_data``."""
    from pipeline.extract.dates import find_dates

    return SpanComponent(
        spans_key,
        lambda doc: find_dates(doc.text, doc.user_data.get("reference_year", reference_year)),
    )


@Language.factory(
    "policy_parties",
    assigns=["doc.spans"],
    default_config={"spans_key": "parties", "gazetteer_path": None},
)
def make_parties(nlp: Language, name: str, spans_key: str, gazetteer_path: str | None) -> SpanComponent:
    """``doc.spans["parties"]`` from ``find_parties`` with the shipped gazetteer.

    The document's own place comes from ``doc.user_data["party_home"]``.
    """
    gazetteer = load_gazetteer(gazetteer_path)
    return SpanComponent(spans_key, lambda doc: find_parties(doc.text, gazetteer, doc.user_data.get("party_home")))

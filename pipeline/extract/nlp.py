"""The Chinese spaCy pipeline: jieba segmentation plus the three policy extractors.

``build_nlp()`` returns ``spacy.blank("zh")`` whose tokenizer is the policy
segmenter (:mod:`pipeline.extract.tokenizer`: jieba's dictionary and algorithm,
by default at Rust speed through rjieba) and the components ``policy_targets``, ``policy_dates`` and ``policy_parties``. Each
component wraps one plain extractor (``find_targets``, ``find_dates``,
``find_parties``) and only writes its own span group; the extractor's record
(TargetHit, DateHit, PartyHit) is kept on ``span._.record``.

The components read the text once per ``Doc`` (:func:`doc_text`: spaCy's
``doc.text`` joins the tokens again at every access) and run the date grammar
once per ``Doc`` (:func:`doc_dates`: the targets component reads the same
date hits as the dates component). The tokenizer also keeps the words and
their offsets (:func:`doc_words`), which the stage counts terms from without
making a ``Token`` object for each word.

Document context enters through ``doc.user_data`` (set it before calling
``nlp``, or pass ``Doc`` objects through ``nlp.pipe``): ``"reference_year"``
for dates and targets (the document's issue year), ``"deadline_year"`` for
targets (the ``到2027年`` scope of the enclosing clause) and ``"default_kind"``
(``"baseline"`` for clauses that report the past, such as 发展基础). There is
no clock.

spaCy's own jieba segmenter calls the module-level ``jieba`` tokenizer, whose
dictionary is global state; the segmenter here is an object of its own, built
once per process with the policy terms and every gazetteer name and alias
(added from ``gazetteer.csv`` at load time, so names are kept in one place).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.config import MAX_DOCUMENT_CHARS
from pipeline.extract.parties import Gazetteer, Mentions, find_parties, load_gazetteer
from pipeline.extract.tokenizer import TEXT_KEY, WORDS_KEY, SegmenterTokenizer, get_segmenter

COMPONENTS = ("policy_targets", "policy_dates", "policy_parties")

if not Span.has_extension("record"):
    Span.set_extension("record", default=None)


def build_nlp(components: Iterable[str] = COMPONENTS, segmenter: str | None = None) -> Language:
    """A blank Chinese pipeline with the policy segmenter and the policy components.

    Args:
        components: which of ``policy_targets``, ``policy_dates``,
            ``policy_parties`` to add, in order.
        segmenter: ``"rjieba"`` or ``"jieba"`` (:mod:`pipeline.extract.tokenizer`);
            ``config.SEGMENTER`` when None.

    Returns:
        The pipeline; ``nlp(text).spans["parties"]`` etc. hold the results.
    """
    # "char" only so that spaCy builds no jieba of its own; the tokenizer is replaced.
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.tokenizer = SegmenterTokenizer(nlp.vocab, get_segmenter(segmenter))
    # Every Doc is one clause, and no clause is longer than its document: a
    # clause of a long one-line document is read, not refused (spaCy's
    # default max_length of 1,000,000 guards parsers this pipeline lacks).
    nlp.max_length = MAX_DOCUMENT_CHARS + 1
    for name in components:
        nlp.add_pipe(name)
    return nlp


class SpanComponent:
    """Run one extractor on the doc's text and store its hits as spans under ``key``."""

    def __init__(self, key: str, find: Callable[[Doc], Iterator[Any]]) -> None:
        self.key = key
        self.find = find

    def __call__(self, doc: Doc) -> Doc:
        return self.keep(doc, self.find(doc))

    def keep(self, doc: Doc, found: Iterable[Any]) -> Doc:
        """Store the extractor's hits ``found`` on ``doc`` as spans under ``key``."""
        spans, hits = [], []
        for hit in found:
            # expand: a name may start or end inside a jieba token.
            span = doc.char_span(hit.start, hit.end, label=getattr(hit, "kind", self.key), alignment_mode="expand")
            if span is None:
                continue
            span._.record = hit
            spans.append(span)
            hits.append(hit)
        doc.spans[self.key] = spans
        # span._.record is keyed by offsets only, so a target and a date on the
        # same characters (15分钟) would share it; records() keeps each group's own.
        doc.user_data[("records", self.key)] = hits
        return doc


def doc_text(doc: Doc) -> str:
    """The text of ``doc``, built once and kept in ``doc.user_data["text"]``.

    The tokenizer stores the text it was given; a ``Doc`` made otherwise gets
    ``doc.text`` on its first read.
    """
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def doc_words(doc: Doc) -> tuple[list[str], list[int]]:
    """The texts of the tokens of ``doc`` and their start offsets (``token.text``, ``token.idx``), as two lists.

    The tokenizer keeps the words it built the ``Doc`` from; a ``Doc`` made
    otherwise is read token by token.
    """
    words = doc.user_data.get(WORDS_KEY)
    if words is None:
        words = doc.user_data[WORDS_KEY] = ([token.text for token in doc], [token.idx for token in doc])
    return words


def doc_dates(doc: Doc, reference_year: int | None, **options: Any) -> list[Any]:
    """``find_dates(doc_text(doc), reference_year, **options)``, computed once per ``Doc`` and options.

    ``options`` are ``find_dates``'s keywords (``past``, ``reported_year``,
    the document's ``issued`` and ``published`` days). A caller that has the
    hits already (the extract stage, which also reads them for the deadline
    scope of child clauses) stores them with :func:`set_doc_dates`.
    """
    key = _dates_key(reference_year, options)
    hits = doc.user_data.get(key)
    if hits is None:
        from pipeline.extract.dates import find_dates

        hits = doc.user_data[key] = list(find_dates(doc_text(doc), reference_year, **options))
    return hits


def set_doc_dates(doc: Doc, reference_year: int | None, hits: list[Any], **options: Any) -> None:
    """Give ``doc`` its ``find_dates(doc_text(doc), reference_year, **options)`` hits, computed by the caller."""
    doc.user_data[_dates_key(reference_year, options)] = hits


def _dates_key(reference_year: int | None, options: dict[str, Any]) -> tuple:
    # Options at their defaults (False, None) are left out: the same call either way. The targets'
    # reading has no options at all (half the calls): no sorting then.
    given = tuple(sorted((k, v) for k, v in options.items() if v not in (None, False))) if options else ()
    return ("find_dates", reference_year, given)


def records(doc: Doc, key: str) -> list[Any]:
    """The extractor records of one span group, in the order of ``doc.spans[key]``."""
    hits = doc.user_data.get(("records", key))
    return list(hits) if hits is not None else [span._.record for span in doc.spans.get(key, [])]


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

    def find(doc: Doc) -> Iterator[Any]:
        reference_year = doc.user_data.get("reference_year")
        return find_targets(
            doc_text(doc),
            doc.user_data.get("deadline_year", deadline_year),
            reference_year=reference_year,
            default_kind=doc.user_data.get("default_kind", "target"),
            past_from=doc.user_data.get("past_from"),
            dates=doc_dates(doc, reference_year),
        )

    return SpanComponent(spans_key, find)


@Language.factory(
    "policy_dates",
    assigns=["doc.spans"],
    default_config={"spans_key": "dates", "reference_year": None},
)
def make_dates(nlp: Language, name: str, spans_key: str, reference_year: int | None) -> SpanComponent:
    """``doc.spans["dates"]`` from ``find_dates``; reference year from ``doc.user_data``."""
    return SpanComponent(spans_key, lambda doc: iter(doc_dates(
        doc, doc.user_data.get("reference_year", reference_year), **table_date_options(doc.user_data))))


def table_date_options(user_data: dict) -> dict[str, Any]:
    """The ``find_dates`` keywords the dates table is read with, from a doc's ``user_data``."""
    return {"past": user_data.get("past", False), "reported_year": user_data.get("reported_year"),
            **user_data.get("document_days", {})}


@Language.factory(
    "policy_parties",
    assigns=["doc.spans"],
    default_config={"spans_key": "parties", "gazetteer_path": None},
)
def make_parties(nlp: Language, name: str, spans_key: str, gazetteer_path: str | None) -> SpanComponent:
    """``doc.spans["parties"]`` from ``find_parties`` with the shipped gazetteer.

    The document's own place comes from ``doc.user_data["party_home"]``.
    """
    return PartiesComponent(spans_key, load_gazetteer(gazetteer_path))


class PartiesComponent(SpanComponent):
    """``find_parties`` on each Doc; the Docs of one ``nlp.pipe`` call share a memo of gazetteer mentions.

    The extract stage pipes one document's clauses at a time, so each gazetteer
    surface's mention is read once per document (:data:`pipeline.extract.parties.Mentions`);
    a Doc passed on its own has a memo of its own.
    """

    def __init__(self, key: str, gazetteer: Gazetteer) -> None:
        super().__init__(key, lambda doc: self._find(doc, {}))
        self.gazetteer = gazetteer

    def pipe(self, docs: Iterable[Doc], **_: Any) -> Iterator[Doc]:
        memo: dict[Any, Mentions] = {}  # by home: a memo answers for one document's place only
        for doc in docs:
            yield self.keep(doc, self._find(doc, memo))

    def _find(self, doc: Doc, memo: dict[Any, Mentions]) -> Iterator[Any]:
        home = doc.user_data.get("party_home")
        return find_parties(doc_text(doc), self.gazetteer, home, memo.setdefault(home, {}))

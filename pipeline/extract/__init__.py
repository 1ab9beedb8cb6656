"""Extraction: targets, dates and parties inside each clause (SPEC stage 4).

The matching logic lives in plain functions (``find_targets``,
``find_dates``, ``find_parties``); ``nlp`` wraps them as spaCy components;
``stage`` runs the pipeline over a document's clauses and turns the spans
into table rows with document offsets.
"""

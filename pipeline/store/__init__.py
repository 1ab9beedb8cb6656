"""Storage: the data folder, a manifest, per-document parts cached under ``interim/``, tables assembled from them.

Layout of ``data/``::

    manifest.json            inputs (sha256), pipeline version and code fingerprint, table hashes
    documents.parquet ...    the tables, committed and reproducible byte for byte
    interim/<part_key>.part  one document's rows, every table (Arrow IPC streams), and its description

A document's part is reused while its bytes (sha256) and the pipeline code
are unchanged, so adding one document processes only that one and removing
one drops its rows. Tables are assembled part by part in ``doc_id`` order,
so a table is never held in memory whole, and each is replaced atomically.
The manifest is written last: a run killed half-way leaves the previous
tables readable, and the next run sees the manifest does not match and
regenerates.

Modules: :mod:`~pipeline.store.sources` (the input folder),
:mod:`~pipeline.store.manifest`, :mod:`~pipeline.store.parts`,
:mod:`~pipeline.store.files` (atomic writes, the lock, the switch),
:mod:`~pipeline.store.assembly` (Parquet), :mod:`~pipeline.store.validation`
(declared checks on the tables, evaluated by :mod:`~pipeline.store.formulas`) and :mod:`~pipeline.store.engines` (where
documents run: local processes or Dask). Storage consumes
:class:`pipeline.process.DocumentTables` only. The sources, manifest and parts
read files and hash them; they import nothing heavy, so a run with nothing to
do costs a few milliseconds after start-up.
"""

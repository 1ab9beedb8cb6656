"""Policy-text pipeline: Chinese policy documents in, comparable Parquet tables out.

``pipeline.load("targets", data="data")`` reads a table into pandas with proper
dtypes (see :mod:`pipeline.loading`).
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    # Loaded on first use: `policy extract` on an up-to-date folder must not pay for pandas.
    if name in ("load", "load_all"):
        from pipeline import loading

        return getattr(loading, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")

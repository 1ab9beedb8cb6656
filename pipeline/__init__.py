"""Policy-text pipeline: Chinese policy documents in, comparable Parquet tables out."""

__version__ = "0.1.0"

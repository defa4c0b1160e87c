"""The package version, in one place (al_ner.__version__, provenance records)."""

__version__ = "0.1.0"

"""Prodigy's `prodigy.components` modules (loaders, stream, preprocess, sorters, filters, db) as
faces of al-ner's own parts, so that recipes written for Prodigy need only their import changed.

Each module re-exports or wraps the one implementation in al_ner.stream, al_ner.sorters and
al_ner.storage; nothing in al-ner imports these faces (docs/prodigy.md lists what they honour).
"""

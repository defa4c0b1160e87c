"""Prodigy's database access (`prodigy.components.db`): `connect()` returns al-ner's dataset
store, whose Database has the methods Prodigy's recipes call (`name in db`, get_dataset,
add_dataset, get_input_hashes, add_examples(examples, datasets), ...)."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from ..storage import Database, get_db

__all__ = ["Database", "connect"]


def connect(db_id: str | None = None, db_settings: dict[str, Any] | None = None) -> Database:
    """al-ner's store: $AL_NER_DB, else ~/.al_ner/db (db_settings={"path": DIR} picks another)."""
    if db_id not in (None, "al_ner"):
        raise ConfigError(f"connect({db_id!r}): al-ner keeps datasets as JSONL files, not in "
                          f"{db_id}; call connect() (or pass --db DIR / set AL_NER_DB)")
    return get_db((db_settings or {}).get("path"))

"""The public surface: what a recipe or a script needs, and not the internals."""

from __future__ import annotations

from pathlib import Path

import pytest

import al_ner


def test_the_public_names_are_what_users_need() -> None:
    assert {"QueryStrategy", "make_strategy", "Window", "write_jsonl", "read_jsonl", "recipe", "get_stream",
            "Database", "train", "AlNerError"} <= set(al_ner.__all__)
    internals = {"GoldIndex", "GoldAnnotator", "Controller", "SessionReport", "ONTONOTES_TO_CONLL", "set_hash",
                 "make_gold_annotator", "model_path", "stored_scores", "constants"}
    assert not internals & set(al_ner.__all__)
    assert all(hasattr(al_ner, name) for name in al_ner.__all__)


def test_write_jsonl_writes_what_read_jsonl_reads(tmp_path: Path) -> None:
    tasks = [{"text": "Acme hired Zoë.", "meta": {"i": 0}}, {"text": "Globex fell."}]
    path = tmp_path / "out" / "tasks.jsonl"
    assert al_ner.write_jsonl(path, iter(tasks)) == 2
    assert list(al_ner.read_jsonl(path)) == tasks
    with pytest.raises(al_ner.InvalidTaskError):  # all or nothing: the file stays as it was
        al_ner.write_jsonl(path, ({"text": "ok"} if i == 0 else {"text": 1} for i in range(2)))
    assert list(al_ner.read_jsonl(path)) == tasks

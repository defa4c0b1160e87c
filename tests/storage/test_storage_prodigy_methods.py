"""The Database methods Prodigy's recipes call (its docs, api-database), on al-ner's store:
`name in db`, get_dataset, add_dataset, the hashes, add_examples in Prodigy's argument order."""

from __future__ import annotations

import pytest

from al_ner.errors import DatasetError, InvalidTaskError
from al_ner.storage import Database


def example(i: int, answer: str = "accept") -> dict:
    return {"text": f"Text {i}", "answer": answer, "_input_hash": 100 + i, "_task_hash": 200 + i}


@pytest.fixture
def db(tmp_path) -> Database:
    return Database(tmp_path / "db")


def test_contains_and_len(db):
    assert "news" not in db and len(db) == 0
    db.add_examples("news", [example(1)])
    assert "news" in db and "other" not in db and "../bad" not in db and len(db) == 1


def test_add_examples_in_prodigy_order_to_several_datasets(db):
    db.add_examples([example(1), example(2)], datasets=["a", "b"])
    db.add_examples([example(3)], ["a"])
    assert [eg["text"] for eg in db.get_dataset("a")] == ["Text 1", "Text 2", "Text 3"]
    assert db.count_dataset("b") == 2


def test_add_examples_in_prodigy_order_is_all_or_nothing(db):
    with pytest.raises(InvalidTaskError, match="nothing was written"):
        db.add_examples([example(1), {"text": "no hashes", "answer": "accept"}], datasets=["a"])
    assert "a" not in db


def test_add_examples_without_a_dataset_says_so(db):
    with pytest.raises(DatasetError, match="datasets=\\[NAME\\]"):
        db.add_examples([example(1)])


def test_get_dataset_of_a_missing_dataset_is_none_as_in_prodigy(db):
    assert db.get_dataset("missing") is None
    assert db.get_dataset_examples("missing") == []


def test_add_dataset_creates_an_empty_dataset_with_its_meta(db):
    db.add_dataset("fresh", {"description": "new"})
    assert "fresh" in db and db.get_dataset("fresh") == [] and "fresh" in db.datasets
    assert db.get_meta("fresh") == {"description": "new"}
    db.add_dataset("fresh")  # again: nothing changes
    assert db.get_meta("fresh") == {"description": "new"}


def test_hashes_of_several_datasets(db):
    db.add_examples([example(1)], datasets=["a"])
    db.add_examples([example(2)], datasets=["b"])
    assert db.get_input_hashes("a", "b") == {101, 102}
    assert db.get_task_hashes("a") == {201}


def test_datasets_is_a_list_and_still_callable(db):
    db.add_examples([example(1)], datasets=["b", "a"])
    assert db.datasets == ["a", "b"] and db.datasets() == ["a", "b"]


def test_drop_dataset(db):
    db.add_examples([example(1)], datasets=["a"])
    assert db.drop_dataset("a") is True and "a" not in db

"""get_stream: loader inference, stdin, stored datasets, options and errors."""

from __future__ import annotations

import io
import sys

import catalogue
import pytest

from al_ner import registry
from al_ner.errors import ConfigError, DatasetError, InputError
from al_ner.stream import SkipCounter, get_loader, get_stream, infer_loader


class FakeDB:
    """The one method get_stream needs from the dataset store."""

    def __init__(self, datasets: dict[str, list[dict]]) -> None:
        self.datasets = datasets
        self.asked: list[str] = []

    def get_examples(self, name: str):
        self.asked.append(name)
        if name not in self.datasets:
            raise DatasetError(f"dataset '{name}' doesn't exist")
        return iter(self.datasets[name])


@pytest.fixture
def files(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "jsonl"}\n', encoding="utf8")
    (tmp_path / "a.json").write_text('[{"text": "json"}]', encoding="utf8")
    (tmp_path / "a.csv").write_text("text\ncsv\n", encoding="utf8")
    (tmp_path / "a.txt").write_text("txt\n", encoding="utf8")
    (tmp_path / "a.conll").write_text("conll O\n", encoding="utf8")
    (tmp_path / "a.IOB").write_text("iob O\n", encoding="utf8")
    return tmp_path


@pytest.mark.parametrize("name,text", [("a.jsonl", "jsonl"), ("a.json", "json"), ("a.csv", "csv"),
                                       ("a.txt", "txt"), ("a.conll", "conll"), ("a.IOB", "iob")])
def test_loader_is_inferred_from_the_extension(files, name, text):
    assert [t["text"] for t in get_stream(str(files / name))] == [text]


def test_named_loader_overrides_the_extension(files):
    assert next(get_stream(files / "a.conll", loader="txt")) == {"text": "conll O"}
    assert next(get_stream(files / "a.txt", loader="al_ner.txt.v1")) == {"text": "txt"}


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"^source file '.*missing.jsonl' not found; check the path"):
        get_stream(str(tmp_path / "missing.jsonl"))


def test_unknown_extension_and_directory(tmp_path):
    (tmp_path / "a.xml").write_text("<a/>", encoding="utf8")
    with pytest.raises(ConfigError, match=r"from its extension '.xml'; pass a loader: jsonl, json, csv"):
        get_stream(str(tmp_path / "a.xml"))
    with pytest.raises(InputError, match="is a directory, not a file or a dataset saved with save_to_disk"):
        infer_loader(str(tmp_path))


def test_unknown_loader_lists_the_valid_ones(files):
    with pytest.raises(ConfigError, match="unknown loader 'xml'; choose one of: jsonl, json, csv, txt, conll, datasets"):
        get_stream(files / "a.txt", loader="xml")


def test_registered_third_party_loader(files, monkeypatch):
    def read_upper(source, *, on_invalid=None):
        return ({"text": line.upper()} for line in open(source, encoding="utf8").read().split())

    # registered the way @registry.loaders("test.upper.v1") does it, undone after the test
    monkeypatch.setitem(catalogue.REGISTRY, (*registry.loaders.namespace, "test.upper.v1"), read_upper)
    assert list(get_stream(files / "a.txt", loader="test.upper.v1")) == [{"text": "TXT"}]
    assert get_loader("test.upper.v1") is read_upper
    with pytest.raises(ConfigError, match=r"choose one of: .*datasets, test.upper.v1"):
        get_loader("nope")


def test_unknown_option_names_the_valid_ones(files):
    with pytest.raises(ConfigError, match="loader 'csv' has no option 'text_col'; its options: text_column, "
                                          "delimiter, ag_news, clean"):
        get_stream(files / "a.csv", text_col="body")
    assert next(get_stream(files / "a.csv", clean=True)) == {"text": "csv"}


def test_options_reach_the_loader(files):
    (files / "b.conll").write_text("A O\nB I-PER\n", encoding="utf8")
    with pytest.raises(InputError, match="IOB2 doesn't allow"):
        list(get_stream(files / "b.conll", scheme="iob2"))


def test_stdin_is_jsonl_unless_a_loader_is_named(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"text": "a"}\n')))
    assert list(get_stream("-")) == [{"text": "a"}]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"A B-PER\n\nC O\n")))
    tasks = list(get_stream("-", loader="conll"))
    assert [t["meta"] for t in tasks] == [{"source": "<stdin>", "doc": 0, "sent": 0},
                                         {"source": "<stdin>", "doc": 0, "sent": 1}]


def test_stored_dataset_is_copied_and_checked():
    examples = [{"text": "a", "answer": "accept"}, {"text": "b", "answer": "reject"}, {"txt": "c"}]
    db = FakeDB({"news": examples})
    skipped = SkipCounter()
    tasks = list(get_stream("dataset:news", db=db, on_invalid=skipped))
    assert tasks == examples[:2] and tasks[0] is not examples[0]
    assert skipped.count == 1 and "dataset:news: example 2: task has no 'text' field" in skipped.messages[0]
    assert list(get_stream("dataset:news:reject", db=db)) == [examples[1]]


def test_stored_dataset_errors():
    with pytest.raises(ConfigError, match="source 'dataset:news' needs a database"):
        get_stream("dataset:news")
    with pytest.raises(ConfigError, match="write dataset:NAME or dataset:NAME:ANSWER"):
        get_stream("dataset:news:maybe", db=FakeDB({}))
    with pytest.raises(ConfigError, match=r"loader options \(split\) don't apply to a stored dataset"):
        get_stream("dataset:news", db=FakeDB({}), split="test")
    with pytest.raises(DatasetError, match="dataset 'other' doesn't exist"):
        get_stream("dataset:other", db=FakeDB({}))  # fails when called, not when iterated


def test_stored_dataset_is_read_lazily():
    def examples():
        yield {"text": "a"}
        raise AssertionError("read ahead")

    db = FakeDB({})
    db.get_examples = lambda name: examples()
    assert next(get_stream("dataset:x", db=db)) == {"text": "a"}

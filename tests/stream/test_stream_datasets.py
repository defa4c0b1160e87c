"""The Hugging Face datasets loader on local files made in tmp_path (no network)."""

from __future__ import annotations

import json

import pytest

from al_ner.errors import ConfigError, InputError
from al_ner.stream import SkipCounter, get_stream, read_datasets

datasets = pytest.importorskip("datasets")

TOKENS = [["Angela", "Merkel", "visited", "Paris"], ["Hello"]]
NAMES = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
TAGS = [[1, 2, 0, 3], [0]]
EXPECTED_SPANS = [[(0, 13, "PER"), (22, 27, "LOC")], []]


def spans_of(tasks):
    return [[(s["start"], s["end"], s["label"]) for s in t["spans"]] for t in tasks]


@pytest.fixture
def cache(tmp_path):
    return str(tmp_path / "hf-cache")


@pytest.fixture
def ner_dataset():
    features = datasets.Features({
        "id": datasets.Value("string"),
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=NAMES)),
    })
    return datasets.Dataset.from_dict({"id": ["a", "b"], "tokens": TOKENS, "ner_tags": TAGS},
                                      features=features)


def test_local_csv_text_rows(tmp_path, cache):
    path = tmp_path / "news.csv"
    path.write_text("text,label\nFirst text,1\nSecond text,2\n", encoding="utf8")
    tasks = list(read_datasets(path, cache_dir=cache))
    assert tasks == [
        {"text": "First text", "meta": {"source": "news.csv", "split": "train", "row": 0, "label": 1}},
        {"text": "Second text", "meta": {"source": "news.csv", "split": "train", "row": 1, "label": 2}},
    ]


def test_builder_name_with_data_files(tmp_path, cache):
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps({"body": "Some text", "n": 3}) + "\n", encoding="utf8")
    tasks = list(read_datasets("json", data_files=str(path), text_field="body", cache_dir=cache))
    assert tasks == [{"text": "Some text", "meta": {"source": "json", "split": "train", "row": 0, "n": 3}}]


def test_local_json_with_string_tags(tmp_path, cache):
    path = tmp_path / "ner.json"
    rows = [{"words": words, "tags": [NAMES[t] for t in tags]} for words, tags in zip(TOKENS, TAGS)]
    path.write_text(json.dumps(rows), encoding="utf8")
    tasks = list(read_datasets(path, cache_dir=cache))
    assert spans_of(tasks) == EXPECTED_SPANS
    assert tasks[0]["text"] == "Angela Merkel visited Paris"


def test_local_parquet_with_tag_names(tmp_path, cache, ner_dataset):
    path = tmp_path / "ner.parquet"
    ner_dataset.cast_column("ner_tags", datasets.Sequence(datasets.Value("int64"))).to_parquet(str(path))
    with pytest.raises(InputError, match=r"row 0: tag 1 of field 'ner_tags' has no name"):
        list(read_datasets(path, cache_dir=cache))
    tasks = list(read_datasets(path, tag_names=NAMES, cache_dir=cache))
    assert spans_of(tasks) == EXPECTED_SPANS


def test_save_to_disk_uses_class_label_names(tmp_path, ner_dataset):
    ner_dataset.save_to_disk(str(tmp_path / "saved"))
    tasks = list(get_stream(tmp_path / "saved"))  # loader inferred from the directory
    assert spans_of(tasks) == EXPECTED_SPANS
    assert tasks[0]["meta"] == {"source": "saved", "split": "", "row": 0, "id": "a"}
    assert tasks[0]["tokens"][1] == {"text": "Merkel", "start": 7, "end": 13, "id": 1, "ws": True}


def test_saved_dataset_dict_needs_a_split(tmp_path, ner_dataset):
    datasets.DatasetDict({"train": ner_dataset, "test": ner_dataset}).save_to_disk(str(tmp_path / "dd"))
    with pytest.raises(ConfigError, match="has splits train, test; pass split=NAME"):
        read_datasets(tmp_path / "dd")
    assert len(list(read_datasets(tmp_path / "dd", split="test"))) == 2


def test_unknown_field_and_undetectable_fields(tmp_path, ner_dataset):
    ner_dataset.save_to_disk(str(tmp_path / "saved"))
    with pytest.raises(ConfigError, match="has no field 'words'; its fields: id, tokens, ner_tags"):
        read_datasets(tmp_path / "saved", tokens_field="words")
    ner_dataset.remove_columns(["tokens"]).save_to_disk(str(tmp_path / "no-text"))
    with pytest.raises(ConfigError, match="can't tell which field .* holds the text"):
        read_datasets(tmp_path / "no-text")


def test_strict_scheme_and_skipping(tmp_path, ner_dataset):
    ner_dataset.save_to_disk(str(tmp_path / "saved"))
    skipped = SkipCounter()
    tasks = list(read_datasets(tmp_path / "saved", scheme="iob1", on_invalid=skipped))
    assert [t["text"] for t in tasks] == ["Hello"]
    assert skipped.count == 1 and "row 0, token 0: tag 'B-PER' after 'O'" in skipped.messages[0]


def test_missing_local_builder_file_is_an_input_error(tmp_path, cache):
    with pytest.raises(InputError, match="can't load Hugging Face dataset 'csv'"):
        read_datasets("csv", data_files=str(tmp_path / "missing.csv"), cache_dir=cache)


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "data.xml"
    path.write_text("<a/>", encoding="utf8")
    with pytest.raises(ConfigError, match=r"can't read '.xml' files"):
        read_datasets(path)

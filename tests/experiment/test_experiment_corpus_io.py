"""Reading CoNLL column files and `datasets` rows; the loader specs."""

from __future__ import annotations

from pathlib import Path

import pytest

from al_ner.errors import ConfigError, InputError
from al_ner.experiment.data.corpus import (from_datasets_rows, load_spec, read_iob, read_split, to_iob2,
                                           write_iob)

CORPORA = Path(__file__).resolve().parents[2] / "corpora"


def test_reads_four_columns_skips_docstart_and_repairs_iob1(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\n\n"
                    "Peter NNP B-NP I-PER\nBlackburn NNP I-NP I-PER\n")
    first, second = read_iob(path)
    assert first.tokens == ("EU", "rejects") and first.tags == ("B-ORG", "O")
    assert second.tags == ("B-PER", "I-PER") and second.text == "Peter Blackburn"
    write_iob(tmp_path / "y.iob", [first, second])
    assert read_iob(tmp_path / "y.iob") == [first, second]


def test_to_iob2_starts_a_new_entity_on_type_change() -> None:
    assert to_iob2(["I-ORG", "I-LOC", "I-LOC", "O", "B-PER"]) == ["B-ORG", "B-LOC", "I-LOC", "O", "B-PER"]


def test_a_line_without_a_tag_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("EU B-ORG\nrejects\n")
    with pytest.raises(InputError, match="bad.txt:2"):
        read_iob(path)


def test_datasets_rows_use_the_classlabel_names() -> None:
    names = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]
    rows = [{"tokens": ["Ann", "Lee", "joined", "Acme"], "ner_tags": [1, 2, 0, 3]}, {"tokens": [], "ner_tags": []}]
    (only,) = from_datasets_rows(rows, names)
    assert only.tags == ("B-PER", "I-PER", "O", "B-ORG")


def test_specs_load_and_the_news_spec_reads_local_files() -> None:
    for name in ("news", "conll2003", "ag_news"):
        assert load_spec(CORPORA / f"{name}.json").name == name
    spec = load_spec(CORPORA / "news.json")
    assert len(read_split(spec, "test", path=str(CORPORA / "news"))) == 60
    with pytest.raises(ConfigError, match="no 'train' split"):
        read_split(spec, "train")
    with pytest.raises(ConfigError, match="without gold"):
        read_split(load_spec(CORPORA / "ag_news.json"), "pool")


@pytest.mark.corpora
def test_conll_spec_reads_the_shared_files(conll_dir: Path) -> None:
    spec = load_spec(CORPORA / "conll2003.json")
    assert len(read_split(spec, "test", path=str(conll_dir))) == 3453

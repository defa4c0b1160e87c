"""CoNLL loader and IOB helpers: IOB1 vs IOB2, documents, columns, errors, the real test set."""

from __future__ import annotations

from collections import Counter

import pytest

from al_ner.errors import ConfigError, InputError
from al_ner.stream import SkipCounter, check_iob, iob_to_spans, read_conll, spans_to_iob

IOB2 = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

New B-LOC
York I-LOC
Paris B-LOC
"""

# The same sentences in IOB1: entities start with I-, B- only between two same-type entities.
IOB1 = """-DOCSTART- -X- -X- O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
. . O O

Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

New I-LOC
York I-LOC
Paris B-LOC
"""


def write(tmp_path, text, name="data.conll"):
    path = tmp_path / name
    path.write_text(text, encoding="utf8")
    return path


def spans_of(tasks):
    return [[(s["token_start"], s["token_end"], s["label"]) for s in t["spans"]] for t in tasks]


def test_iob2_file(tmp_path):
    tasks = list(read_conll(write(tmp_path, IOB2)))
    assert [t["text"] for t in tasks] == ["EU rejects German call .", "Peter Blackburn", "New York Paris"]
    assert spans_of(tasks) == [[(0, 0, "ORG"), (2, 2, "MISC")], [(0, 1, "PER")], [(0, 1, "LOC"), (2, 2, "LOC")]]
    assert [t["meta"] for t in tasks] == [
        {"source": "data.conll", "doc": 0, "sent": 0},
        {"source": "data.conll", "doc": 0, "sent": 1},
        {"source": "data.conll", "doc": 1, "sent": 0},
    ]


def test_task_schema(tmp_path):
    task = next(read_conll(write(tmp_path, IOB2)))
    assert set(task) == {"text", "tokens", "spans", "meta"}
    assert task["tokens"][2] == {"text": "German", "start": 11, "end": 17, "id": 2, "ws": True}
    assert task["tokens"][-1]["ws"] is False
    assert task["spans"][1] == {"start": 11, "end": 17, "token_start": 2, "token_end": 2, "label": "MISC"}
    for span in task["spans"]:
        assert task["text"][span["start"]:span["end"]] in {"EU", "German"}


@pytest.mark.parametrize("scheme", [None, "auto", "iob1"])
def test_iob1_file_gives_the_same_spans(tmp_path, scheme):
    iob1 = list(read_conll(write(tmp_path, IOB1), scheme=scheme))
    iob2 = list(read_conll(write(tmp_path, IOB2, "b.conll")))
    assert spans_of(iob1) == spans_of(iob2)


def test_strict_schemes_reject_the_other_one(tmp_path):
    with pytest.raises(InputError, match=r"data.conll:3: tag 'I-ORG' after 'O' starts an entity with I-"):
        list(read_conll(write(tmp_path, IOB1), scheme="iob2"))
    with pytest.raises(InputError, match=r"data.conll:3: tag 'B-ORG' after 'O': IOB1 uses B-"):
        list(read_conll(write(tmp_path, IOB2), scheme="IOB1"))


def test_unknown_scheme():
    with pytest.raises(ConfigError, match="unknown tag scheme 'bilou'; choose one of: auto, iob1, iob2"):
        read_conll("whatever.conll", scheme="bilou")


def test_tab_separated_two_columns_and_no_docstart(tmp_path):
    path = write(tmp_path, "Angela\tB-PER\nMerkel\tI-PER\nspoke\tO\n\n\n\nBerlin\tB-LOC\n")
    tasks = list(read_conll(path))
    assert [t["meta"] for t in tasks] == [{"source": "data.conll", "doc": 0, "sent": 0},
                                         {"source": "data.conll", "doc": 0, "sent": 1}]
    assert tasks[0]["spans"][0]["end"] == len("Angela Merkel")


def test_bad_lines_name_file_and_line(tmp_path):
    path = write(tmp_path, "A B-PER\n\nlonely\nB O\n\nC X-PER\n\nD O\n")
    with pytest.raises(InputError, match=r"data.conll:3: expected a token and a tag"):
        list(read_conll(path))
    skipped = SkipCounter()
    tasks = list(read_conll(path, on_invalid=skipped))
    assert [t["text"] for t in tasks] == ["A", "D"]
    assert [t["meta"]["sent"] for t in tasks] == [0, 3]  # indices stay those of the file
    assert skipped.count == 2 and "data.conll:6: tag 'X-PER' is not IOB" in skipped.messages[1]


def test_non_utf8_line(tmp_path):
    path = tmp_path / "data.conll"
    path.write_bytes(b"A O\n\nM\xfcller B-PER\n")
    with pytest.raises(InputError, match=r"data.conll:3: line is not valid UTF-8 \(byte 0xfc"):
        list(read_conll(path))


def test_conll_is_lazy(tmp_path):
    path = write(tmp_path, "A O\n\nB BAD-TAG\n")
    stream = read_conll(path)
    assert next(stream)["text"] == "A"
    with pytest.raises(InputError):
        next(stream)


def test_iob_helpers_round_trip():
    tags = ["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"]
    spans = iob_to_spans(tags)
    assert spans == [(0, 1, "PER"), (3, 3, "LOC"), (4, 4, "LOC"), (5, 5, "ORG")]
    assert iob_to_spans(spans_to_iob(len(tags), spans)) == spans
    assert check_iob(tags) is None
    assert check_iob(["O", "I-LOC"], "iob2") == (1, check_iob(["O", "I-LOC"], "iob2")[1])


@pytest.mark.corpora
def test_real_conll_test_set(conll_dir):
    tasks = list(read_conll(conll_dir / "test.txt"))
    assert len(tasks) == 3453
    labels = Counter(span["label"] for task in tasks for span in task["spans"])
    assert labels["ORG"] == 1661
    assert list(read_conll(conll_dir / "test.txt", scheme="iob2"))[-1] == tasks[-1]


def test_a_docstart_line_may_name_its_document(tmp_path) -> None:
    from al_ner.stream.loaders import read_conll

    path = tmp_path / "named.iob"
    path.write_text("-DOCSTART- d17\n\nAcme B-ORG\n\n-DOCSTART- -X- -X- O\n\nTim B-PER\n", encoding="utf8")
    first, second = read_conll(path)
    assert first["meta"]["doc_id"] == "d17" and first["meta"]["doc"] == 0
    assert "doc_id" not in second["meta"] and second["meta"]["doc"] == 1

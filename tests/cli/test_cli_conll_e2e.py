"""Recipes on the real CoNLL-2003 data with the simulated annotator (skips without the corpora)."""

import json

import pytest

from al_ner.cli import main
from al_ner.stream import get_stream

pytestmark = [pytest.mark.corpora, pytest.mark.model, pytest.mark.slow]


def rows(db, name):
    return [json.loads(line) for line in (db / f"{name}.jsonl").read_text().splitlines()]


def gold_spans(path):
    return {t["text"]: {(s["start"], s["end"], s["label"]) for s in t["spans"]}
            for t in get_stream(str(path), loader="conll")}


def test_teach_correct_and_data_to_spacy_on_conll(tmp_path, conll_dir, nlp_sm, capsys):
    source = conll_dir / "valid.txt"
    common = [str(source), "--label", "ORG", "--loader", "conll", "--unsegmented", "--annotator",
              "gold", "--gold", str(source), "--gold-loader", "conll", "--db", str(tmp_path)]
    assert main(["ner.teach", "teach", "en_core_web_sm", *common, "--limit", "60"]) == 0
    assert main(["ner.correct", "corr", "en_core_web_sm", *common, "--limit", "40",
                 "--order", "uncertain", "--window", "200"]) == 0
    gold = gold_spans(source)
    teach = rows(tmp_path, "teach")
    assert len(teach) == 60 and {r["_view_id"] for r in teach} == {"ner"}
    for row in teach:
        span = row["spans"][0]
        is_gold = (span["start"], span["end"], "ORG") in gold[row["text"]]
        assert row["answer"] == ("accept" if is_gold else "reject")
    for row in rows(tmp_path, "corr"):
        got = {(s["start"], s["end"], s["label"]) for s in row["spans"]}
        assert got == {s for s in gold[row["text"]] if s[2] == "ORG"}
    out = tmp_path / "corpus"
    assert main(["data-to-spacy", str(out), "--ner", "teach,corr", "--db", str(tmp_path),
                 "--eval-split", "0.2", "--base-model", "en_core_web_sm"]) == 0
    assert (out / "train.spacy").is_file() and (out / "dev.spacy").is_file()

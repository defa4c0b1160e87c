import pytest

from al_ner.annotators.gold import GoldAnnotator, GoldIndex, make_gold_annotator
from al_ner.constants import ACCEPT, IGNORE, REJECT
from al_ner.errors import ConfigError
from al_ner.stream.hashing import input_hash

GOLD = [
    {"text": "Acme Corp hired John Smith .", "spans": [
        {"start": 0, "end": 9, "label": "ORG"}, {"start": 16, "end": 26, "label": "PER"}]},
    {"text": "Nothing here .", "spans": []},
]


def question(text, start, end, label="ORG", view="ner"):
    return {"text": text, "_view_id": view, "_input_hash": input_hash({"text": text}),
            "spans": [{"start": start, "end": end, "label": label}]}


def test_binary_accepts_exactly_gold_spans():
    ann = GoldAnnotator(GoldIndex(GOLD))
    text = GOLD[0]["text"]
    assert ann.answer(question(text, 0, 9))["answer"] == ACCEPT
    assert ann.answer(question(text, 0, 4))["answer"] == REJECT  # partial span
    assert ann.answer(question(text, 16, 26, "ORG"))["answer"] == REJECT  # wrong label
    assert ann.stats["decisions"] == 3 and ann.stats["sentences"] == 1


def test_manual_gets_gold_spans_of_requested_labels():
    ann = GoldAnnotator(GoldIndex(GOLD), labels=["ORG"])
    text = GOLD[0]["text"]
    task = {"text": text, "_view_id": "ner_manual", "spans": [{"start": 16, "end": 26, "label": "ORG"}]}
    out = ann.answer(task)
    assert out["answer"] == ACCEPT
    assert [(s["start"], s["end"], s["label"]) for s in out["spans"]] == [(0, 9, "ORG")]
    assert ann.stats["decisions"] == 1 + 2  # one sentence, remove one span, add one
    assert task["spans"][0]["end"] == 26  # input not mutated


def test_sentence_cut_from_a_gold_text_is_found():
    index = GoldIndex([{"text": "First part . Acme Corp rose .", "spans": [
        {"start": 13, "end": 22, "label": "ORG"}]}])
    assert index.spans("Acme Corp rose .") == [(0, 9, "ORG")]
    assert index.spans("not there") is None


def test_unknown_text_is_ignored_and_counted():
    ann = GoldAnnotator(GoldIndex(GOLD))
    assert ann.answer(question("Unseen text .", 0, 6))["answer"] == IGNORE
    assert ann.stats["unknown"] == 1


def test_noise_flips_a_share_of_decisions():
    ann = GoldAnnotator(GoldIndex(GOLD), noise=0.3, seed=1)
    text = GOLD[0]["text"]
    answers = [ann.answer(question(text, 0, 9))["answer"] for _ in range(1000)]
    assert 0.25 < answers.count(REJECT) / 1000 < 0.35


def test_label_map_and_settings():
    index = GoldIndex(GOLD, label_map={"PER": "PERSON"})
    assert (16, 26, "PERSON") in index.spans(GOLD[0]["text"])
    with pytest.raises(ConfigError):
        GoldAnnotator(index, noise=1.5)
    with pytest.raises(ConfigError, match="--gold"):
        make_gold_annotator(gold=None)


def test_the_terminal_annotator_refuses_views_it_cannot_show(MemDB):
    from al_ner.annotators.terminal import TerminalAnnotator
    from al_ner.controller import Controller

    ctrl = Controller({"dataset": "ds", "view_id": "choice", "stream": iter([])}, MemDB())
    with pytest.raises(ConfigError, match="use --annotator web"):
        TerminalAnnotator()(ctrl)

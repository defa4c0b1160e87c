"""ner.teach's --sorter and --bias: passed to prefer_uncertain (.v2) and recorded in "config"."""

from __future__ import annotations

import json

import pytest

from al_ner.errors import ConfigError
from al_ner.recipe import get_recipe


def teach(model: str, source: str, **options):
    return get_recipe("ner.teach")(dataset="d", spacy_model=model, source=source, label="ORG",
                                   unsegmented=True, **options)


def test_defaults_to_the_faithful_ema_and_records_it(tiny_model, source):
    components = teach(tiny_model, source)
    assert components["config"] == {"model": tiny_model, "sorter": "ema", "bias": 0.0,
                                    "sorter_name": "al_ner.prefer_uncertain.v2",
                                    "conversion": "fill", "full_every": 0, "control": 0.0,
                                    "decoding": "lattice"}
    tasks = list(components["stream"])
    assert tasks and all("score" in task["meta"] for task in tasks)


@pytest.mark.slow
def test_sorter_and_bias_choose_the_questions(tiny_model, source):
    asked = {}
    for sorter, bias in [("ema", 0.0), ("mean", 0.0), ("probability", 0.0), ("ema", 0.3)]:
        components = teach(tiny_model, source, sorter=sorter, bias=bias)
        assert components["config"]["sorter"] == sorter and components["config"]["bias"] == bias
        stream = components["stream"]
        asked[sorter, bias] = [(task["text"], task["spans"][0]["start"]) for task in stream]
    assert len(asked["ema", 0.0]) < len(asked["mean", 0.0])  # mean + sd asks fewer than mean
    assert len({tuple(questions) for questions in asked.values()}) == 4  # each picks its own


@pytest.mark.parametrize(("options", "message"), [
    ({"sorter": "greedy"}, "unknown --sorter 'greedy'; choose one of: ema, probability, mean"),
    ({"bias": 0.9}, r"'bias' must be in \[-0.5, 0.5\], got 0.9"),
])
def test_bad_sorter_settings_fail_before_the_model_loads(source, options, message):
    with pytest.raises(ConfigError, match=message):
        teach("no_such_model", source, **options)


@pytest.mark.model
def test_patterns_are_highlighted_in_manual_and_proposed_in_teach_for_a_new_label(tmp_path, nlp_sm):
    from al_ner.controller import Controller
    from al_ner.storage import get_db

    patterns = tmp_path / "patterns.jsonl"
    patterns.write_text('{"label": "GADGET", "pattern": [{"lower": "zorbo"}]}\n'
                        '{"label": "GADGET", "pattern": "Fonix 3"}\n')
    source = tmp_path / "src.jsonl"
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t in [
        "I bought a Zorbo phone in Paris .", "The Fonix 3 sold well .", "Rain fell ."]))
    manual = get_recipe("ner.manual")(dataset="m", spacy_model="blank:en", source=str(source),
                                      label="GADGET", unsegmented=True, patterns=str(patterns))
    assert [[s["text"] for s in t.get("spans", [])] for t in manual["stream"]] == [
        ["Zorbo"], ["Fonix 3"], []]
    # cold start: en_core_web_sm has no GADGET; the patterns propose it and the model learns it
    teach = get_recipe("ner.teach")(dataset="t", spacy_model="en_core_web_sm", source=str(source),
                                    label="GADGET", unsegmented=True, patterns=str(patterns))
    ctrl = Controller(teach, get_db(tmp_path / "db"), batch_size=5)
    questions = ctrl.get_questions()
    proposed = [(q["spans"][0]["text"], q["meta"].get("pattern")) for q in questions]
    assert ("Zorbo", '[{"lower": "zorbo"}]') in proposed and ("Fonix 3", "Fonix 3") in proposed
    ctrl.receive_answers([{"_task_hash": q["_task_hash"], "answer": "accept"} for q in questions])
    assert ctrl.answered == len(questions)


def test_manual_shows_only_the_source_spans_of_the_labels_asked_for(tmp_path):
    # a CoNLL source's PER spans were pre-highlighted in an ORG session, then refused on saving
    source = tmp_path / "src.conll"
    source.write_text("Acme B-ORG\nhired O\nBob B-PER\n. O\n")
    components = get_recipe("ner.manual")(dataset="m", spacy_model="blank:en", source=str(source),
                                          label="ORG", unsegmented=True)
    [task] = components["stream"]
    assert [(task["text"][s["start"]:s["end"]], s["label"]) for s in task["spans"]] == [("Acme", "ORG")]

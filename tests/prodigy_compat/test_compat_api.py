"""Prodigy's documented recipe API under al_ner's module paths (api-loaders, api-components,
api-database, prodigy.util, prodigy.models): each name, called as Prodigy's docs call it."""

from __future__ import annotations

import json

import pytest

from al_ner.components.db import connect
from al_ner.components.filters import filter_duplicates, filter_inputs, filter_seen_before, filter_tasks
from al_ner.components.loaders import CSV, JSON, JSONL, TXT, get_stream
from al_ner.components.preprocess import add_tokens, split_sentences
from al_ner.components.sorters import prefer_high_scores, prefer_low_scores, prefer_uncertain
from al_ner.components.stream import Stream
from al_ner.errors import ConfigError, InputError, InvalidTaskError
from al_ner.models.matcher import PatternMatcher
from al_ner.util import INPUT_HASH_ATTR, TASK_HASH_ATTR, combine_models, get_labels, set_hashes, split_string


def write(path, lines):
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


@pytest.fixture
def source(tmp_path):
    return write(tmp_path / "news.jsonl", [{"text": "Acme Corp hired Ann. Globex sued Acme Corp today."},
                                           {"text": "Rain fell."},
                                           {"text": "Rain fell."}])


@pytest.fixture
def patterns(tmp_path):
    return write(tmp_path / "patterns.jsonl", [{"label": "ORG", "pattern": "Acme Corp"},
                                               {"label": "ORG", "pattern": [{"lower": "globex"}]}])


# ------------------------------------------------------------------------------ loaders


def test_jsonl_reads_a_patterns_file_without_text(patterns):
    assert [p["label"] for p in JSONL(patterns)] == ["ORG", "ORG"]


def test_jsonl_bad_line_is_one_line_with_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a"}\n{oops\n')
    with pytest.raises(InputError, match="bad.jsonl:2: invalid JSON"):
        list(JSONL(path))


def test_json_csv_txt(tmp_path):
    (tmp_path / "a.json").write_text('[{"text": "One."}]')
    (tmp_path / "a.csv").write_text("Text,Label\nTwo.,X\n")
    (tmp_path / "a.txt").write_text("Three.\n\n")
    assert [t["text"] for t in JSON(tmp_path / "a.json")] == ["One."]
    assert [t["text"] for t in CSV(tmp_path / "a.csv")] == ["Two."]
    assert [t["text"] for t in TXT(tmp_path / "a.txt")] == ["Three."]


def test_get_stream_with_prodigys_options(source):
    stream = get_stream(str(source), rehash=True, dedup=True, input_key="text", is_binary=False)
    tasks = list(stream)
    assert [t["text"] for t in tasks] == ["Acme Corp hired Ann. Globex sued Acme Corp today.", "Rain fell."]
    assert all(INPUT_HASH_ATTR in t and TASK_HASH_ATTR in t for t in tasks)


def test_get_stream_of_an_iterable_and_the_loader_option(tmp_path):
    path = tmp_path / "lines.data"
    path.write_text("One.\nTwo.\n")
    assert [t["text"] for t in get_stream(str(path), loader="txt")] == ["One.", "Two."]
    assert [t["text"] for t in get_stream([{"text": "x"}])] == ["x"]
    with pytest.raises(ConfigError, match="API loaders"):
        get_stream("x", api="guardian")


def test_stream_apply_runs_steps_in_place(nlp, source):
    stream = get_stream(str(source), dedup=True)
    stream.apply(split_sentences, nlp=nlp, stream=stream)
    stream.apply(add_tokens, nlp, stream)
    tasks = list(stream)
    assert [t["text"] for t in tasks] == ["Acme Corp hired Ann.", "Globex sued Acme Corp today.", "Rain fell."]
    assert all("tokens" in t for t in tasks)
    plain = Stream.from_iterable([{"text": "x y"}]).apply(lambda stream, nlp: add_tokens(nlp, stream), nlp=nlp)
    assert [len(t["tokens"]) for t in plain] == [2]


# -------------------------------------------------------------------- preprocess, sorters


def test_add_tokens_options(nlp):
    tasks = [{"text": "Ab c", "tokens": [{"text": "Ab c", "start": 0, "end": 4, "id": 0, "ws": False}]}]
    assert len(next(add_tokens(nlp, tasks, overwrite=True))["tokens"]) == 2
    assert len(next(add_tokens(nlp, [{"text": "Ab c"}], use_chars=True))["tokens"]) == 3
    bad = [{"text": "Ab c", "spans": [{"start": 1, "end": 3, "label": "X"}]}, {"text": "ok"}]
    assert [t["text"] for t in add_tokens(nlp, bad, skip=True)] == ["ok"]
    with pytest.raises(InvalidTaskError, match="token boundary"):
        list(add_tokens(nlp, bad))


def test_split_sentences_min_length(nlp):
    tasks = [{"text": "One. Two."}]
    assert len(list(split_sentences(nlp, tasks))) == 2
    assert len(list(split_sentences(nlp, tasks, min_length=100))) == 1


def test_sorters_take_scored_pairs():
    scored = [(0.5, {"text": "a"}), (0.99, {"text": "b"}), (0.01, {"text": "c"})]
    assert [t["text"] for t in prefer_uncertain(iter(scored))][0] == "a"
    assert list(prefer_uncertain(iter(scored), algorithm="probability"))  # Prodigy's other algorithm
    assert [t["text"] for t in prefer_high_scores(iter(scored))][0] == "a"
    assert [t["text"] for t in prefer_low_scores(iter(scored))][0] == "a"


# ---------------------------------------------------------------------- filters, db, util


def test_filters():
    tasks = [set_hashes({"text": t}) for t in ("a", "b", "a")]
    assert [t["text"] for t in filter_duplicates(tasks, by_input=True)] == ["a", "b"]
    seen_input, seen_task = tasks[0][INPUT_HASH_ATTR], tasks[1][TASK_HASH_ATTR]
    assert [t["text"] for t in filter_inputs(tasks, {seen_input})] == ["b"]
    assert [t["text"] for t in filter_tasks(tasks, {seen_task})] == ["a", "a"]
    assert list(filter_seen_before(tasks, input_hashes={seen_input}, task_hashes={seen_task})) == []


def test_connect_is_the_store_of_the_command(tmp_path, monkeypatch):
    monkeypatch.setenv("AL_NER_DB", str(tmp_path / "env_db"))
    db = connect()
    db.add_examples([{**set_hashes({"text": "a"}), "answer": "accept"}], datasets=["news"])
    assert "news" in db and (tmp_path / "env_db" / "news.jsonl").is_file()
    assert connect(db_settings={"path": str(tmp_path / "other")}).path == tmp_path / "other"
    with pytest.raises(ConfigError, match="JSONL files"):
        connect("postgresql")


def test_util_helpers(tmp_path):
    assert split_string("ORG, PERSON,,") == ["ORG", "PERSON"] and split_string("") == []
    labels = tmp_path / "labels.txt"
    labels.write_text("ORG\n\nPERSON\n")
    assert get_labels(str(labels)) == ["ORG", "PERSON"] and get_labels("A,B") == ["A", "B"]
    task = set_hashes({"text": "a", "label": "X"})
    assert set(task) == {"text", "label", "_input_hash", "_task_hash"}
    with pytest.raises(ConfigError, match="one task"):
        set_hashes([{"text": "a"}])


# -------------------------------------------------------------------------------- models


def test_pattern_matcher_from_disk_on_untokenized_tasks(nlp, patterns):
    matcher = PatternMatcher(nlp).from_disk(patterns)
    pairs = list(matcher([{"text": "Acme Corp hired Ann. Globex sued Acme Corp today."}, {"text": "Rain."}]))
    assert [(t["spans"][0]["text"], s) for s, t in pairs] == [("Acme Corp", 0.5), ("Globex", 0.5),
                                                              ("Acme Corp", 0.5)]
    assert all("tokens" not in t and t["meta"]["pattern"] for _, t in pairs)


def test_pattern_matcher_combine_matches_and_all_examples(nlp, patterns):
    matcher = PatternMatcher(nlp, combine_matches=True, all_examples=True).from_disk(patterns)
    tasks = [eg for _, eg in matcher([{"text": "Acme Corp hired Ann. Globex sued Acme Corp today."},
                                      {"text": "Rain."}])]
    assert [[s["text"] for s in t.get("spans", [])] for t in tasks] == [["Acme Corp", "Globex", "Acme Corp"], []]


def test_pattern_matcher_update_moves_the_scores(nlp):
    matcher = PatternMatcher(nlp).add_patterns([{"label": "ORG", "pattern": "Acme"}])
    (score, task), = matcher([{"text": "Acme rose."}])
    matcher.update([{**task, "answer": "accept"}] * 2)
    (score_after, _), = matcher([{"text": "Acme rose."}])
    assert score == 0.5 and score_after > score


def test_pattern_matcher_bad_pattern_names_it(nlp):
    with pytest.raises(InputError, match="patterns:2: a pattern needs a 'label'"):
        PatternMatcher(nlp).add_patterns([{"label": "ORG", "pattern": "x"}, {"pattern": "y"}])


def test_combine_models_interleaves_and_updates_both(nlp):
    class Model:
        def __init__(self):
            self.updates = 0

        def __call__(self, stream):
            for task in stream:
                yield 0.9, {**task, "from": "model"}

        def update(self, answers):
            self.updates += 1
            return 1.5

    model = Model()
    matcher = PatternMatcher(nlp).add_patterns([{"label": "ORG", "pattern": "Acme"}])
    predict, update = combine_models(model, matcher)
    pairs = list(predict([{"text": "Acme rose."}, {"text": "Rain."}]))
    assert [t.get("from", "patterns") for _, t in pairs] == ["patterns", "model", "model"]
    assert update([{"text": "x", "answer": "accept"}]) == 1.5 and model.updates == 1


@pytest.mark.model
def test_entity_recognizer_scores_updates_and_makes_best(nlp_sm):
    import spacy

    from al_ner.models.ner import EntityRecognizer

    nlp = spacy.load("en_core_web_sm")  # a copy of its own: update changes the weights
    model = EntityRecognizer(nlp, label=["ORG"])
    pairs = list(model([{"text": "Apple hired Tim Cook in California."}]))
    assert pairs and all(0.0 <= s <= 1.0 and t["spans"][0]["label"] == "ORG" for s, t in pairs)
    answer = {**pairs[0][1], "answer": "accept"}
    assert isinstance(model.update([answer]), float)
    best = list(model.make_best([set_hashes(answer)]))
    assert [s["label"] for s in best[0]["spans"]] == ["ORG"]

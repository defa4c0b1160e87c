"""Recipes that use the database, in the style of Prodigy's docs: connect(), `name in db`,
get_dataset, add_dataset, add_examples(examples, datasets), the hashes and the filters, binary
answers merged by EntityRecognizer.make_best, and a choice view whose on_exit reads ctrl.db."""

from typing import List, Optional

import spacy

import al_ner
from al_ner.components.db import connect
from al_ner.components.filters import filter_seen_before
from al_ner.components.loaders import JSONL
from al_ner.components.preprocess import add_tokens
from al_ner.models.matcher import PatternMatcher
from al_ner.models.ner import EntityRecognizer
from al_ner.util import INPUT_HASH_ATTR, msg, set_hashes, split_string


@al_ner.recipe(
    "compat.import",
    dataset=("Dataset to add the texts to", "positional", None, str),
    source=("JSONL file with answered texts", "positional", None, str),
)
def import_answers(dataset: str, source: str):
    """Add answered texts to a dataset, leaving out texts it already has."""
    db = connect()
    if dataset not in db:
        db.add_dataset(dataset, {"description": "imported"})
    seen = db.get_input_hashes(dataset)
    examples = [set_hashes(eg) for eg in JSONL(source)]
    new = list(filter_seen_before(examples, input_hashes=seen))
    for eg in new:
        eg.setdefault("answer", "accept")
    db.add_examples(new, datasets=[dataset])
    msg.good(f"Imported {len(new)} examples to '{dataset}'")


@al_ner.recipe(
    "compat.silver",
    silver_dataset=("Dataset with binary answers", "positional", None, str),
    gold_dataset=("Dataset to save the corrected answers to", "positional", None, str),
    spacy_model=("Loadable spaCy pipeline", "positional", None, str),
    label=("Comma-separated labels", "option", "l", split_string),
)
def silver(silver_dataset: str, gold_dataset: str, spacy_model: str,
           label: Optional[List[str]] = None):
    """Merge binary answers into complete analyses, to correct by hand."""
    db = connect()
    if silver_dataset not in db:
        raise ValueError(f"Can't find dataset '{silver_dataset}'")
    silver_data = db.get_dataset(silver_dataset)
    nlp = spacy.load(spacy_model)
    model = EntityRecognizer(nlp, label=label)
    stream = add_tokens(nlp, model.make_best(silver_data))
    return {"view_id": "ner_manual", "dataset": gold_dataset, "stream": stream,
            "config": {"lang": nlp.lang, "labels": label}}


@al_ner.recipe(
    "compat.match",
    dataset=("Dataset to save answers to", "positional", None, str),
    spacy_model=("Loadable spaCy pipeline", "positional", None, str),
    source=("JSONL file with texts", "positional", None, str),
    patterns=("Match patterns", "option", "p", str),
    resume=("Resume from the dataset's answers", "flag", "R", bool),
)
def match(dataset: str, spacy_model: str, source: str, patterns: Optional[str] = None,
          resume: bool = False):
    """Accept or reject each match of the patterns."""
    nlp = spacy.load(spacy_model)
    matcher = PatternMatcher(nlp).from_disk(patterns)
    if resume:
        db = connect()
        if dataset in db:
            matcher.update(db.get_dataset(dataset))
    stream = (eg for score, eg in matcher(JSONL(source)))
    return {"view_id": "ner", "dataset": dataset, "stream": stream, "update": matcher.update}


def compare_tasks(stream):
    for i, eg in enumerate(stream):
        words = eg["text"].split(" ")
        first = {"id": "A", "text": eg["text"], "spans": [{"start": 0, "end": len(words[0]), "label": "ORG"}]}
        second = {"id": "B", "text": eg["text"], "spans": []}
        yield set_hashes({"text": eg["text"], "options": [first, second], "meta": {"i": i}})


@al_ner.recipe(
    "compat.choose",
    dataset=("Dataset to save the choices to", "positional", None, str),
    source=("JSONL file with texts", "positional", None, str),
    unsaved=("Save nothing", "flag", "N", bool),
)
def choose(dataset: str, source: str, unsaved: bool = False):
    """Choose the better of two analyses; on exit, count the choices."""

    def on_exit(ctrl):
        examples = ctrl.db.get_dataset(ctrl.dataset) or []
        chosen = [eg["accept"][0] for eg in examples if eg.get("accept")]
        return f"compat.choose: A chosen {chosen.count('A')}x, B {chosen.count('B')}x"

    return {"view_id": "choice", "dataset": dataset, "stream": list(compare_tasks(JSONL(source))),
            "on_exit": on_exit, "db": False if unsaved else None,
            "config": {"choice_style": "single", "choice_auto_accept": True, "auto_count_stream": True}}


@al_ner.recipe(
    "compat.classify",
    dataset=("Dataset to save the answers to", "positional", None, str),
    source=("JSONL file with texts", "positional", None, str),
    label=("The label", "option", "l", str),
)
def classify(dataset: str, source: str, label: str = "NEWS"):
    """Does the label apply to the text?"""
    stream = ({**eg, "label": label} for eg in JSONL(source))
    return {"view_id": "classification", "dataset": dataset, "stream": stream,
            "config": {"label": label, "hide_meta": True, "buttons": ["accept", "reject", "undo"]}}


@al_ner.recipe(
    "compat.controller",
    dataset=("Dataset to save answers to", "positional", None, str),
    source=("JSONL file with texts", "positional", None, str),
)
def controller_recipe(dataset: str, source: str):
    """Return a Controller instead of the components (Prodigy allows both)."""
    from al_ner.core import Controller

    components = {"dataset": dataset, "view_id": "text", "stream": JSONL(source)}
    return Controller.from_components("compat.controller", components, {"batch_size": 1})

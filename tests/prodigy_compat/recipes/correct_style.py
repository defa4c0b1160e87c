"""Correcting a model's entities, in the style of Prodigy's docs: spacy.load inside the recipe,
a stream step that adds the model's spans and rehashes with set_hashes, an update callback, and
the components a recipe may add (progress, on_load, get_session_id)."""

import copy
from typing import List, Optional

import spacy

import al_ner
from al_ner.components.loaders import JSONL
from al_ner.components.preprocess import add_tokens, split_sentences
from al_ner.util import set_hashes, split_string


def make_tasks(nlp, stream, labels):
    texts = ((eg["text"], eg) for eg in stream)
    for doc, eg in nlp.pipe(texts, as_tuples=True):
        task = copy.deepcopy(eg)
        task["spans"] = [{"token_start": ent.start, "token_end": ent.end - 1, "start": ent.start_char,
                          "end": ent.end_char, "text": ent.text, "label": ent.label_}
                         for ent in doc.ents if not labels or ent.label_ in labels]
        yield set_hashes(task)


@al_ner.recipe(
    "compat.correct",
    dataset=("Dataset to save answers to", "positional", None, str),
    spacy_model=("Loadable spaCy pipeline", "positional", None, str),
    source=("JSONL file with texts", "positional", None, str),
    label=("Comma-separated labels", "option", "l", split_string),
    unsegmented=("Don't split sentences", "flag", "U", bool),
    who=("Who annotates (names the session)", "option", "w", str),
)
def correct(dataset: str, spacy_model: str, source: str, label: Optional[List[str]] = None,
            unsegmented: bool = False, who: Optional[str] = None):
    """Fix the model's entities sentence by sentence."""
    nlp = spacy.load(spacy_model)
    stream = JSONL(source)
    if not unsegmented:
        stream = split_sentences(nlp, stream)
    stream = make_tasks(nlp, add_tokens(nlp, stream), label)
    seen = {"loaded": 0, "answers": 0}

    def on_load(ctrl):
        seen["loaded"] += 1

    def update(answers):
        seen["answers"] += len(answers)
        return seen["answers"]

    def progress(ctrl, answered):
        return min(1.0, (answered or 0) / 10)

    return {
        "view_id": "ner_manual",
        "dataset": dataset,
        "stream": stream,
        "update": update,
        "on_load": on_load,
        "progress": progress,
        "get_session_id": (lambda: f"{dataset}-{who}") if who else None,
        "on_exit": lambda ctrl: f"compat.correct: loaded {seen['loaded']}x, learnt from {seen['answers']} answers",
        "config": {"lang": nlp.lang, "labels": label, "exclude_by": "input", "batch_size": 2},
    }

"""A binary NER recipe with the model in the loop, written in the style of Prodigy's docs
(plac-tuple arguments, JSONL loader, EntityRecognizer, PatternMatcher, combine_models)."""

from typing import List, Optional

import spacy

import al_ner
from al_ner.components.loaders import JSONL
from al_ner.components.preprocess import split_sentences
from al_ner.components.sorters import prefer_uncertain
from al_ner.models.matcher import PatternMatcher
from al_ner.models.ner import EntityRecognizer
from al_ner.util import combine_models, split_string


@al_ner.recipe(
    "compat.teach",
    dataset=("Dataset to save answers to", "positional", None, str),
    spacy_model=("Loadable spaCy pipeline", "positional", None, str),
    source=("JSONL file with texts", "positional", None, str),
    label=("Comma-separated labels", "option", "l", split_string),
    patterns=("Match patterns (JSONL)", "option", "pt", str),
    exclude=("Datasets whose answers to skip", "option", "e", split_string),
    unsegmented=("Don't split sentences", "flag", "U", bool),
)
def teach(dataset: str, spacy_model: str, source: str, label: Optional[List[str]] = None,
          patterns: Optional[str] = None, exclude: Optional[List[str]] = None,
          unsegmented: bool = False):
    """Accept or reject the entities the model is least sure about."""
    nlp = spacy.load(spacy_model)
    stream = JSONL(source)
    model = EntityRecognizer(nlp, label=label)
    if patterns is None:
        predict, update = model, model.update
    else:
        matcher = PatternMatcher(nlp).from_disk(patterns)
        predict, update = combine_models(model, matcher)
    if not unsegmented:
        stream = split_sentences(nlp, stream)
    stream = prefer_uncertain(predict(stream))
    return {
        "view_id": "ner",
        "dataset": dataset,
        "stream": stream,
        "update": update,
        "exclude": exclude,
        "config": {"lang": nlp.lang},
    }

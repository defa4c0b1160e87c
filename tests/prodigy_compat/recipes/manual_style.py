"""Manual NER recipes in the style of Prodigy 1.12's docs (Arg annotations, get_stream with its
options, Stream.apply, before_db, validate_answer, instructions) and an older one (ner_manual
with patterns pre-highlighted, character highlighting)."""

from typing import List, Optional

import spacy

from al_ner.components.preprocess import add_tokens
from al_ner.components.stream import get_stream
from al_ner.core import Arg, recipe
from al_ner.models.matcher import PatternMatcher
from al_ner.protocols import ControllerComponentsDict
from al_ner.recipes.ner import remove_tokens
from al_ner.util import get_labels, log, split_string


def require_an_entity(eg):
    if eg["answer"] == "accept" and not eg.get("spans"):
        raise ValueError("Accepted without any entity: mark one, or reject the text.")


@recipe(
    "compat.manual",
    dataset=Arg(help="Dataset to save answers to"),
    spacy_model=Arg(help="Pipeline for tokenization, or blank:en"),
    source=Arg(help="Data to annotate"),
    label=Arg("--label", "-l", help="Labels, comma-separated or a file", converter=get_labels),
    patterns=Arg("--patterns", "-pt", help="Match patterns to pre-highlight"),
    exclude=Arg("--exclude", "-e", help="Datasets to exclude", converter=split_string),
    highlight_chars=Arg("--highlight-chars", "-C", help="Highlight characters, not tokens"),
    instructions=Arg("--instructions", help="HTML file with instructions"),
    strict=Arg("--strict", help="Refuse accepts without an entity"),
)
def manual(dataset: str, spacy_model: str, source: str, label: Optional[List[str]] = None,
           patterns: Optional[str] = None, exclude: Optional[List[str]] = None,
           highlight_chars: bool = False, instructions: Optional[str] = None,
           strict: bool = False) -> ControllerComponentsDict:
    """Mark entities by hand, matches of the patterns pre-highlighted."""
    log("RECIPE: starting compat.manual", locals())
    nlp = spacy.load(spacy_model)
    stream = get_stream(source, rehash=True, dedup=True, input_key="text", is_binary=False)
    if patterns is not None:
        matcher = PatternMatcher(nlp, combine_matches=True, all_examples=True).from_disk(patterns)
        stream.apply(lambda stream: (eg for _, eg in matcher(stream)), stream=stream)
    stream.apply(add_tokens, nlp=nlp, stream=stream, use_chars=highlight_chars)
    return {
        "view_id": "ner_manual",
        "dataset": dataset,
        "stream": stream,
        "exclude": exclude,
        "before_db": remove_tokens if highlight_chars else None,
        "validate_answer": require_an_entity if strict else None,
        "config": {
            "lang": nlp.lang,
            "labels": label,
            "exclude_by": "input",
            "ner_manual_highlight_chars": highlight_chars,
            "instructions": instructions,
        },
    }

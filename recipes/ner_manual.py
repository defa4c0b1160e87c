"""ner.manual: mark every entity of the given labels by hand (full-span answers)."""

from __future__ import annotations

from al_ner.constants import VIEW_NER_MANUAL
from al_ner.models import check_labels, load_model
from al_ner.recipe import recipe
from al_ner.stream import SkipCounter
from al_ner.types import Components

from ._shared import (Dataset, Exclude, Labels, Loader, Model, Order, PreScored, Seed, SkipInvalid,
                      Source, Unsegmented, Window, load_sentences, split_labels, split_names)
from ._order import order_sentences


@recipe("ner.manual")
def ner_manual(dataset: Dataset, spacy_model: Model, source: Source, label: Labels = "",
               loader: Loader = None, unsegmented: Unsegmented = False, exclude: Exclude = "",
               order: Order = "source", seed: Seed = 0, window: Window = 256,
               pre_scored: PreScored = False, skip_invalid: SkipInvalid = False) -> Components:
    """Highlight entities by hand; the model only tokenizes (and ranks, with --order uncertain)."""
    nlp = load_model(spacy_model)
    labels = split_labels(label)
    if order == "uncertain":
        check_labels(nlp, labels, name=spacy_model)
    invalid = SkipCounter() if skip_invalid else None
    # a pre-scored source holds the sentences its scores are about: don't split them again
    stream = load_sentences(nlp, source, loader=loader, unsegmented=unsegmented or pre_scored,
                            invalid=invalid)
    stream = order_sentences(nlp, stream, order=order, seed=seed, labels=labels, window=window,
                             predict=False, pre_scored=pre_scored)
    return {"dataset": dataset, "view_id": VIEW_NER_MANUAL, "stream": stream, "labels": labels,
            "update": None, "exclude": split_names(exclude), "exclude_by": "input",
            "invalid": invalid, "config": {"model": spacy_model, "order": order, "seed": seed,
                       "pre_scored": pre_scored}}

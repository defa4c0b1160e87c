"""ner.teach: binary accept/reject of single spans the model is most uncertain about."""

from __future__ import annotations

from al_ner.constants import VIEW_NER
from al_ner.models import check_labels, load_model
from al_ner.recipe import recipe
from al_ner.scoring import EntityScorer
from al_ner.stream import SkipCounter
from al_ner.training import make_update
from al_ner.types import Components

from ._shared import (TextColumn, TEACH_SORTER, Bias, Dataset, Exclude, Labels, Loader, Model, SkipInvalid,
                      SorterName, Source, Unsegmented, load_sentences, split_labels, split_names,
                      uncertainty_sorter)


@recipe("ner.teach")
def ner_teach(dataset: Dataset, spacy_model: Model, source: Source, label: Labels,
              loader: Loader = None, text_column: TextColumn = None,
              unsegmented: Unsegmented = False, exclude: Exclude = "",
              skip_invalid: SkipInvalid = False, sorter: SorterName = "ema",
              bias: Bias = 0.0) -> Components:
    """Accept or reject single spans the model is unsure about; the model learns as you go."""
    sort = uncertainty_sorter(sorter, bias)
    nlp = load_model(spacy_model)
    labels = check_labels(nlp, split_labels(label), name=spacy_model)
    invalid = SkipCounter() if skip_invalid else None
    stream = load_sentences(nlp, source, loader=loader, unsegmented=unsegmented, invalid=invalid,
                            text_column=text_column)
    stream = sort(EntityScorer(nlp, labels)(stream))
    return {"dataset": dataset, "view_id": VIEW_NER, "stream": stream, "labels": labels,
            "update": make_update(nlp, labels), "exclude": split_names(exclude),
            "exclude_by": "task", "invalid": invalid,
            "config": {"model": spacy_model, "sorter": sorter, "bias": bias,
                       "sorter_name": TEACH_SORTER}}

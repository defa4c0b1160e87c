"""ner.teach: binary accept/reject of single spans the model is most uncertain about."""

from __future__ import annotations

from al_ner.constants import VIEW_NER
from al_ner.models import load_model
from al_ner.recipe import recipe
from al_ner.scoring import EntityScorer
from al_ner.stream import SkipCounter
from al_ner.stream.patterns import combine
from al_ner.training import make_update
from al_ner.types import Components

from ._shared import (TEACH_SORTER, Bias, Dataset, Exclude, Labels, Loader, Model, Patterns,
                      SkipInvalid, SorterName, Source, TextColumn, Unsegmented, learn_both,
                      load_sentences, pattern_matcher, source_progress, split_labels, split_names,
                      teach_labels, uncertainty_sorter)

INSTRUCTIONS = ("Is the highlighted span an entity of that label, exactly these words? Accept if "
                "it is, reject if not (wrong label or wrong boundaries), ignore when you can't "
                "tell. Proposals of a pattern show the pattern under the text.")


@recipe("ner.teach")
def ner_teach(dataset: Dataset, spacy_model: Model, source: Source, label: Labels,
              loader: Loader = None, text_column: TextColumn = None,
              unsegmented: Unsegmented = False, exclude: Exclude = "",
              skip_invalid: SkipInvalid = False, sorter: SorterName = "ema",
              bias: Bias = 0.0, patterns: Patterns = None) -> Components:
    """Accept or reject single spans the model is unsure about; the model learns as you go."""
    sort = uncertainty_sorter(sorter, bias)
    nlp = load_model(spacy_model)
    matcher = pattern_matcher(nlp, patterns, split_labels(label))
    labels = teach_labels(nlp, split_labels(label), matcher, name=spacy_model)
    invalid = SkipCounter() if skip_invalid else None
    progress = source_progress(source, loader=loader, text_column=text_column, exact=False)
    stream = load_sentences(nlp, source, loader=loader, unsegmented=unsegmented, invalid=invalid,
                            text_column=text_column, progress=progress)
    scorer = EntityScorer(nlp, labels)
    stream = sort(combine(scorer, matcher, stream) if matcher else scorer(stream))
    return {"dataset": dataset, "view_id": VIEW_NER, "stream": stream, "labels": labels,
            "update": learn_both(make_update(nlp, labels), matcher),
            "exclude": split_names(exclude), "exclude_by": "task", "invalid": invalid,
            "progress": progress, "instructions": INSTRUCTIONS,
            "config": {"model": spacy_model, "sorter": sorter, "bias": bias,
                       "sorter_name": TEACH_SORTER,
                       **({"patterns": patterns} if patterns else {})}}

"""ner.correct: fix the model's entities on whole sentences (full-span answers)."""

from __future__ import annotations

from al_ner.constants import VIEW_NER_MANUAL
from al_ner.models import check_labels, load_model
from al_ner.recipe import recipe
from al_ner.stream import SkipCounter
from al_ner.stream.patterns import add_pattern_spans
from al_ner.training import make_update
from al_ner.types import Components

from ._health import HealthCheck
from ._order import Ordering
from ._shared import (Control, ControlBase, Dataset, DbDir, Exclude, Labels, Loader, Model, Order,
                      Patterns, PreScored, Seed, SkipInvalid, Source, StrategyName, StrategySettings,
                      Subsequence, TextColumn, Unsegmented, Window, load_sentences, parse_settings,
                      pattern_matcher, source_progress, split_labels, split_names)

INSTRUCTIONS = ("The model's entities are highlighted: remove the wrong ones (click them), mark "
                "the missing ones (drag over their words, or arrow keys and Enter), then accept.")


@recipe("ner.correct")
def ner_correct(dataset: Dataset, spacy_model: Model, source: Source, label: Labels,
                loader: Loader = None, text_column: TextColumn = None,
                unsegmented: Unsegmented = False, exclude: Exclude = "",
                order: Order = "uncertain", seed: Seed = 0, window: Window = 256,
                pre_scored: PreScored = False, update: bool = False,
                skip_invalid: SkipInvalid = False, patterns: Patterns = None,
                strategy: StrategyName = "", strategy_settings: StrategySettings = "",
                subsequence: Subsequence = False, control: Control = 0.1,
                control_base: ControlBase = "", db: DbDir = None) -> Components:
    """Correct the model's predicted spans sentence by sentence; --update learns from each batch.

    By default the adaptive strategy orders the questions (random always among its arms) and
    one question in ten is a random control question: the live F1 estimate, the stopping rule's
    second opinion and a test set for `al-ner compare`.
    """
    settings = parse_settings(strategy_settings)
    ordering = Ordering.create(order=order, seed=seed, strategy=strategy, settings=settings,
                               subsequence=subsequence, pre_scored=pre_scored)
    nlp = load_model(spacy_model)
    labels = check_labels(nlp, split_labels(label), name=spacy_model)
    matcher = pattern_matcher(nlp, patterns, labels)
    invalid = SkipCounter() if skip_invalid else None
    health = HealthCheck.create(nlp, labels, share=control, seed=seed, base=control_base,
                                highlight=True, recipe="ner.correct", stop=True, learns=update,
                                db=db, dataset=dataset, source=source)
    # a pre-scored source holds the sentences its scores are about: don't split them again
    progress = source_progress(source, loader=loader, text_column=text_column, exact=unsegmented or pre_scored)
    stream = load_sentences(nlp, source, loader=loader, unsegmented=unsegmented or pre_scored, invalid=invalid,
                            text_column=text_column, progress=progress,
                            shuffle_seed=seed if order == "random" else None)
    stream = health.set_aside(health.watch(stream))
    stream = ordering.apply(nlp, stream, labels=labels, window=window, predict=True)
    health.follow(ordering.learner, exclude=split_names(exclude))
    if matcher:
        stream = add_pattern_spans(matcher, stream)
    stream = health.mix(stream)
    return {"dataset": dataset, "view_id": VIEW_NER_MANUAL, "stream": stream, "labels": labels,
            "exclude": split_names(exclude), "exclude_by": "input", "invalid": invalid,
            **health.components(make_update(nlp, labels) if update else None),
            "progress": progress, "instructions": INSTRUCTIONS,
            "config": {"model": spacy_model, "order": order, "seed": seed, "pre_scored": pre_scored,
                       "strategy": strategy, "strategy_settings": settings,
                       "subsequence": subsequence, "control": control,
                       **({"patterns": patterns} if patterns else {})}}

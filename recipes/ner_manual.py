"""ner.manual: mark every entity of the given labels by hand (full-span answers)."""

from __future__ import annotations

from al_ner.constants import VIEW_NER_MANUAL
from al_ner.models import check_labels, load_model
from al_ner.recipe import recipe
from al_ner.recipe_components import keep_labels
from al_ner.stream import SkipCounter
from al_ner.stream.patterns import add_pattern_spans
from al_ner.types import Components

from ._health import HealthCheck
from ._order import Ordering
from ._shared import (Control, ControlBase, Dataset, DbDir, Exclude, Labels, Loader, Model, Order,
                      Patterns, PreScored, Seed, SkipInvalid, Source, StrategyName, StrategySettings,
                      TextColumn, Unsegmented, Window, load_sentences, new_label_notices,
                      parse_settings, pattern_matcher, source_progress, split_labels, split_names)

INSTRUCTIONS = ("Mark every entity of the labels shown, and only those: drag over its words (or "
                "move with the arrow keys, extend with Shift and press Enter), then accept. Reject "
                "a text you can't annotate; ignore to skip it.")


@recipe("ner.manual")
def ner_manual(dataset: Dataset, spacy_model: Model, source: Source, label: Labels,
               loader: Loader = None, text_column: TextColumn = None,
               unsegmented: Unsegmented = False, exclude: Exclude = "",
               order: Order = "source", seed: Seed = 0, window: Window = 256,
               pre_scored: PreScored = False, skip_invalid: SkipInvalid = False,
               patterns: Patterns = None, strategy: StrategyName = "",
               strategy_settings: StrategySettings = "", control: Control = 0.0,
               control_base: ControlBase = "", db: DbDir = None) -> Components:
    """Highlight entities by hand; the model only tokenizes (and ranks, with --order uncertain).

    The order stays the source's unless you choose: ner.manual is also how a test set is
    annotated (--order random), and a model-chosen default would bias it. --order uncertain
    without --strategy asks what the adaptive strategy chooses.
    """
    settings = parse_settings(strategy_settings)
    ordering = Ordering.create(order=order, seed=seed, strategy=strategy, settings=settings,
                               pre_scored=pre_scored)
    nlp = load_model(spacy_model)
    labels = split_labels(label)
    if order == "uncertain" or control:
        check_labels(nlp, labels, name=spacy_model)
    matcher = pattern_matcher(nlp, patterns, labels)
    invalid = SkipCounter() if skip_invalid else None
    health = HealthCheck.create(nlp, labels, share=control, seed=seed, base=control_base,
                                highlight=False, recipe="ner.manual", stop=order == "uncertain",
                                db=db, dataset=dataset, source=source)
    # a pre-scored source holds the sentences its scores are about: don't split them again
    progress = source_progress(source, loader=loader, text_column=text_column, exact=unsegmented or pre_scored)
    stream = load_sentences(nlp, source, loader=loader, unsegmented=unsegmented or pre_scored, invalid=invalid,
                            text_column=text_column, progress=progress,
                            shuffle_seed=seed if order == "random" else None)
    stream = health.set_aside(health.watch(keep_labels(stream, labels)))
    stream = ordering.apply(nlp, stream, labels=labels, window=window, predict=False)
    health.follow(ordering.learner, exclude=split_names(exclude))
    if matcher:
        stream = add_pattern_spans(matcher, stream)
    stream = health.mix(stream)
    return {"dataset": dataset, "view_id": VIEW_NER_MANUAL, "stream": stream, "labels": labels,
            "exclude": split_names(exclude), "exclude_by": "input", "invalid": invalid,
            **health.components(None),
            "progress": progress, "instructions": INSTRUCTIONS,
            "notices": new_label_notices(nlp, labels),
            "config": {"model": spacy_model, "order": order, "seed": seed, "pre_scored": pre_scored,
                       "strategy": strategy, "strategy_settings": settings, "control": control,
                       **({"patterns": patterns} if patterns else {})}}

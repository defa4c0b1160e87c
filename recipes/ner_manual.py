"""ner.manual: mark every entity of the given labels by hand (full-span answers)."""

from __future__ import annotations

from al_ner.constants import VIEW_NER_MANUAL
from al_ner.models import check_labels, load_model
from al_ner.recipe import recipe
from al_ner.stream import SkipCounter
from al_ner.types import Components

from ._health import HealthCheck
from ._order import order_sentences
from ._shared import (Control, ControlBase, Dataset, Exclude, Labels, Loader, Model, Order, Seed,
                      SkipInvalid, Source, StrategyName, StrategySettings, Unsegmented, Window,
                      load_sentences, parse_settings, split_labels, split_names)


@recipe("ner.manual")
def ner_manual(dataset: Dataset, spacy_model: Model, source: Source, label: Labels = "",
               loader: Loader = None, unsegmented: Unsegmented = False, exclude: Exclude = "",
               order: Order = "source", seed: Seed = 0, window: Window = 256,
               skip_invalid: SkipInvalid = False, strategy: StrategyName = "",
               strategy_settings: StrategySettings = "", control: Control = 0.0,
               control_base: ControlBase = "") -> Components:
    """Highlight entities by hand; the model only tokenizes (and ranks, with --order uncertain)."""
    settings = parse_settings(strategy_settings)
    nlp = load_model(spacy_model)
    labels = split_labels(label)
    if order == "uncertain" or control:
        check_labels(nlp, labels, name=spacy_model)
    invalid = SkipCounter() if skip_invalid else None
    health = HealthCheck.create(nlp, labels, share=control, seed=seed, base=control_base,
                                highlight=False, recipe="ner.manual")
    stream = load_sentences(nlp, source, loader=loader, unsegmented=unsegmented, invalid=invalid)
    stream = health.set_aside(stream)
    stream = order_sentences(nlp, stream, order=order, seed=seed, labels=labels, window=window,
                             predict=False, strategy=strategy, settings=settings)
    stream = health.mix(stream)
    return {"dataset": dataset, "view_id": VIEW_NER_MANUAL, "stream": stream, "labels": labels,
            "exclude": split_names(exclude), "exclude_by": "input", "invalid": invalid,
            **health.components(None),
            "config": {"model": spacy_model, "order": order, "seed": seed, "strategy": strategy,
                       "strategy_settings": settings, "control": control}}

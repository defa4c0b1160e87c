"""ner.silver-to-gold: binary answers -> the best consistent analysis -> manual correction."""

from __future__ import annotations

from itertools import chain

from al_ner.constants import VIEW_NER_MANUAL
from al_ner.models import check_labels, load_model
from al_ner.recipe import recipe
from al_ner.storage import get_db
from al_ner.training.merge import ConversionStats
from al_ner.training.silver import silver_tasks
from al_ner.types import Components

from ._shared import Dataset, Datasets, DbDir, Labels, Model, split_labels, split_names

INSTRUCTIONS = ("Each text comes with the entities its binary answers accepted, and the model's "
                "where no answer contradicts them. Correct them into the complete annotation: "
                "remove what is wrong, mark what is missing, then accept.")


@recipe("ner.silver-to-gold")
def ner_silver_to_gold(dataset: Dataset, silver: Datasets, spacy_model: Model, label: Labels,
                       db: DbDir = None) -> Components:
    """Turn binary (silver) answers into complete ones: the best analysis consistent with them, to correct."""
    nlp = load_model(spacy_model)
    labels = check_labels(nlp, split_labels(label), name=spacy_model)
    database = get_db(db)
    answers = chain.from_iterable([database.get_examples(name) for name in split_names(silver)])
    stats = ConversionStats()
    return {"dataset": dataset, "view_id": VIEW_NER_MANUAL, "labels": labels,
            "stream": silver_tasks(nlp, answers, labels=labels, stats=stats),
            "exclude_by": "input", "instructions": INSTRUCTIONS,
            "on_exit": lambda _: stats.messages(),
            "config": {"model": spacy_model, "silver": split_names(silver)}}

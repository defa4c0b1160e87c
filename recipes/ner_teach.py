"""ner.teach: binary accept/reject of single spans the model is most uncertain about."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import typer

from al_ner.constants import VIEW_NER, VIEW_NER_MANUAL
from al_ner.models import load_model
from al_ner.predict import full_span_question
from al_ner.recipe import recipe
from al_ner.scoring import EntityScorer
from al_ner.scoring.beam import LATTICE, check_decoding
from al_ner.stream import SkipCounter
from al_ner.stream.mix import ask_full_every, stamp, with_view
from al_ner.stream.patterns import combine
from al_ner.training import make_update
from al_ner.training.constrained import CONSTRAINED, CONVERSION
from al_ner.training.convert import check_conversion
from al_ner.types import Components

from ._health import HealthCheck
from ._shared import (TEACH_SORTER, Bias, Control, ControlBase, Dataset, DbDir, Exclude, Labels, Loader,
                      Model, Patterns, Seed, SkipInvalid, SorterName, Source, TextColumn,
                      Unsegmented, learn_both, load_sentences, pattern_matcher, source_progress,
                      split_labels, split_names, teach_labels, uncertainty_sorter)

INSTRUCTIONS = ("Is the highlighted span an entity of that label, exactly these words? Accept if "
                "it is, reject if not (wrong label or wrong boundaries), ignore when you can't "
                "tell. Proposals of a pattern show the pattern under the text.")

Conversion = Annotated[str, typer.Option(
    "--conversion", help="How the binary answers become training data: fill (unanswered tokens "
    "per the training fill) or constrained (the NER's best beam analysis agreeing with every "
    "accept and reject, like ner.silver-to-gold); recorded in each answer's meta")]
Decoding = Annotated[str, typer.Option(
    "--decoding", help="Where the span probabilities come from: lattice (exact under the model, "
    "the default) or spacy-beam (spaCy's beam, as al-ner 0.1 and Prodigy score; it favours long "
    "spans with greedily trained pipelines, see docs/teach.md)")]
FullEvery = Annotated[int, typer.Option(
    "--full-every", help="After every N binary questions, ask one sentence with full spans "
    "(0: never)")]


@recipe("ner.teach")
def ner_teach(dataset: Dataset, spacy_model: Model, source: Source, label: Labels,
              loader: Loader = None, text_column: TextColumn = None,
              unsegmented: Unsegmented = False, exclude: Exclude = "",
              skip_invalid: SkipInvalid = False, sorter: SorterName = "ema",
              bias: Bias = 0.0, patterns: Patterns = None, conversion: Conversion = "fill",
              full_every: FullEvery = 0, control: Control = 0.0, control_base: ControlBase = "",
              seed: Seed = 0, decoding: Decoding = LATTICE, db: DbDir = None) -> Components:
    """Accept or reject single spans the model is unsure about; the model learns as you go."""
    sort = uncertainty_sorter(sorter, bias)
    check_conversion(conversion)
    check_decoding(decoding)
    nlp = load_model(spacy_model)
    matcher = pattern_matcher(nlp, patterns, split_labels(label))
    labels = teach_labels(nlp, split_labels(label), matcher, name=spacy_model)
    invalid = SkipCounter() if skip_invalid else None
    health = HealthCheck.create(nlp, labels, share=control, seed=seed, base=control_base,
                                highlight=True, recipe="ner.teach", view=VIEW_NER, stop=True, learns=True,
                                db=db, dataset=dataset, source=source)
    progress = source_progress(source, loader=loader, text_column=text_column, exact=False)
    stream = load_sentences(nlp, source, loader=loader, unsegmented=unsegmented, invalid=invalid,
                            text_column=text_column, progress=progress)
    stream = health.set_aside(health.watch(stream))
    scorer = EntityScorer(nlp, labels, decoding=decoding)
    stream = sort(combine(scorer, matcher.propose, stream) if matcher else scorer(stream))
    stream = stamp(stream, **({CONVERSION: CONSTRAINED} if conversion == CONSTRAINED else {}))
    stream = with_view(stream, VIEW_NER)
    stream = ask_full_every(stream, every=full_every,
                            ask=partial(full_span_question, nlp, labels=labels))
    stream = health.mix(stream)
    update = learn_both(make_update(nlp, labels, conversion=conversion), matcher)
    return {"dataset": dataset, "view_id": VIEW_NER, "stream": stream, "labels": labels,
            "exclude": split_names(exclude), "exclude_by": "task", "invalid": invalid,
            **health.components(update),
            "views": [VIEW_NER_MANUAL] if full_every or control else [],
            "progress": progress, "instructions": INSTRUCTIONS,
            "config": {"model": spacy_model, "sorter": sorter, "bias": bias,
                       "sorter_name": TEACH_SORTER, "conversion": conversion,
                       "full_every": full_every, "control": control, "decoding": decoding,
                       **({"patterns": patterns} if patterns else {})}}

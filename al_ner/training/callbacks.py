"""Make a (sourced) NER learn from rejected spans, in memory and in training configs.

spaCy's NER reads negative examples from ``doc.spans[key]`` where ``key`` is its transition
system's ``neg_key``. A component created with ``incorrect_spans_key`` sets it, but a *sourced*
component keeps the setting of its source pipeline (null for en_core_web_*), whatever the
training config says: so the key is set on the loaded component, both in ``ner.cfg`` (saved
with the pipeline) and in ``ner.moves.cfg`` (what the oracle actually reads).

The same callback turns off the NER's ``update_with_oracle_cut_size``: for docs longer than the
cut spaCy precomputes a static oracle that takes the first zero-cost move, and with negative
spans that greedy path can run into a span whose every ending is known wrong, which aborts
training with E024 ("Could not find an optimal move"). Without the cut, updates follow the
model's own moves and a state with no zero-cost move just gives no gradient. Sentences are
shorter than the cut anyway, so only unsegmented long docs train differently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import spacy
from spacy.language import Language

from ..constants import INCORRECT_SPANS_KEY
from ..models import get_ner


def set_incorrect_spans_key(nlp: Language, key: str = INCORRECT_SPANS_KEY, *,
                            oracle_cut_size: int = 0) -> Language:
    """Make the pipeline's NER treat ``doc.spans[key]`` as known-incorrect entities.

    Works while the NER is disabled too (spaCy's initialize runs with sourced components off).
    """
    if "ner" not in nlp.component_names:
        get_ner(nlp)  # raises the ModelError that names the components there are
    ner: Any = nlp.get_pipe("ner")
    ner.cfg["incorrect_spans_key"] = key
    ner.moves.cfg["neg_key"] = key
    ner.cfg["update_with_oracle_cut_size"] = oracle_cut_size
    return nlp


@spacy.registry.callbacks("al_ner.incorrect_spans_key.v1")
def configure_incorrect_spans_key(*, key: str = INCORRECT_SPANS_KEY,
                                  oracle_cut_size: int = 0) -> Callable[[Language], Language]:
    """For ``[initialize.after_init]``: set the NER's incorrect-spans key after sourcing."""
    def callback(nlp: Language) -> Language:
        return set_incorrect_spans_key(nlp, key, oracle_cut_size=oracle_cut_size)
    return callback

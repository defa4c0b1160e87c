"""The log-probability beam: parse probabilities are the NER's own and its best parse is sane."""

from __future__ import annotations

import math

import numpy as np
import pytest

from al_ner.scoring.beam import BeamNER
from al_ner.scoring.normalized import MoveTable, log_probs, normalized_beams

pytestmark = pytest.mark.model
TEXT = "Apple hired Tim Cook of Acme Corp in London on Monday ."


def test_log_probs_normalize_over_the_masked_in_moves() -> None:
    scores = np.array([[1.0, 2.0, 50.0]], dtype=np.float32)
    out = log_probs(scores, np.array([[True, True, False]]))
    assert math.exp(out[0, 0]) + math.exp(out[0, 1]) == pytest.approx(1.0, abs=1e-6)
    assert out[0, 2] < -1000  # an invalid move's huge raw score takes no probability


def test_masks_follow_biluo(nlp_md) -> None:
    table = MoveTable.of(nlp_md.get_pipe("ner"))
    org = int(table.label[list(table.action).index("B")])
    inside = table.mask(org, last=False)
    assert set(table.action[inside]) == {"I", "L"} and set(table.label[inside]) == {org}
    assert set(table.action[table.mask(org, last=True)]) == {"L"}
    assert set(table.action[table.mask(-1, last=True)]) == {"U", "O"}


def test_parse_probabilities_are_at_most_one_and_the_best_parse_is_the_greedy_one(nlp_md) -> None:
    beam = BeamNER(nlp_md, ["ORG", "PERSON", "GPE", "DATE"], 16, 0.0)
    doc = nlp_md.make_doc(TEXT)
    parses = beam.parses([doc], normalized=True)[0]
    assert 0.5 < sum(p for p, _ in parses) <= 1.0 + 1e-6
    best = max(parses, key=lambda item: item[0])[1]
    greedy = [(e.start, e.end, e.label_) for e in nlp_md(TEXT).ents]
    assert sorted(best) == sorted(e for e in greedy if e[2] in {"ORG", "PERSON", "GPE", "DATE"})


def test_preset_entities_are_kept_in_every_parse(nlp_md) -> None:
    from spacy.tokens import Span

    doc = nlp_md.make_doc(TEXT)
    doc.set_ents([Span(doc, 2, 4, label="ORG")], default="missing")
    ner = nlp_md.get_pipe("ner")
    for _p, ents in ner.moves.get_beam_parses(normalized_beams(ner, [doc], beam_width=8, beam_density=0.0)[0]):
        assert (2, 4, "ORG") in ents

"""The lattice: exact entity probabilities under the NER's own model, and why spaCy's beam isn't.

Root cause (docs/teach.md): spaCy's `beam_parse` ranks parses by summed raw scores. A greedily
trained NER's raw scores carry a per-state offset (the log-partition) that is larger inside an
entity than outside, so a parse that stays inside an entity outranks the one the model would
take step by step, and the beam's probabilities put long spans on top.
"""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest
from spacy.tokens import Doc

from al_ner.errors import ConfigError
from al_ner.scoring import EntityScorer
from al_ner.scoring.beam import BeamNER, entity_probs
from al_ner.scoring._lattice import Lattice, Moves, lattices
from al_ner.scoring.normalized import normalized_beams

pytestmark = pytest.mark.model
HEADLINE = "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT ."
SENTENCES = [HEADLINE, "Shares of Acme Corp rose after the Reuters report on Tuesday .",
             "Apple is looking at buying a startup in London .", "Tim Cook met Angela Merkel in Berlin ."]


def greedy_entities(nlp, text: str, labels: set[str]) -> list[tuple[int, int, str]]:
    return sorted((e.start, e.end, e.label_) for e in nlp.get_pipe("ner")(nlp.make_doc(text)).ents
                  if e.label_ in labels)


def path_scores(nlp, text: str, moves: list[int]) -> tuple[float, float]:
    """(summed raw score, log-probability over the valid moves) of one parse, step by step."""
    ner = nlp.get_pipe("ner")
    names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    doc = nlp.make_doc(text)
    state, step = ner.moves.init_batch([doc])[0], ner.model.predict([doc])
    raw = logp = 0.0
    for move in moves:
        scores = step.predict([state])[0].astype(np.float64)
        valid = np.array([ner.moves.is_valid(state, name) for name in names])
        raw += scores[move]
        logp += scores[move] - np.log(np.exp(scores[valid]).sum())
        ner.moves.apply_transition(state, names[move])
    step.clear_memory()
    return raw, logp


def test_spacy_beam_ranks_an_unlikely_long_span_first_the_root_cause(nlp_sm) -> None:
    ner = nlp_sm.get_pipe("ner")
    beam = ner.beam_parse([nlp_sm.make_doc(HEADLINE)], beam_width=16, beam_density=0.0001)[0]
    top = sorted(ner.moves.get_beam_parses(beam)[0][1])
    greedy = greedy_entities(nlp_sm, HEADLINE, {label for _s, _e, label in top} | {"ORG"})
    assert any(e - s >= 6 for s, e, _label in top)  # one entity over most of the headline
    assert top != greedy and all(e - s < 6 for s, e, _label in greedy)
    greedy_moves = _greedy_moves(nlp_sm, HEADLINE)
    beam_raw, beam_logp = path_scores(nlp_sm, HEADLINE, list(beam.histories[0]))
    greedy_raw, greedy_logp = path_scores(nlp_sm, HEADLINE, greedy_moves)
    assert beam_raw > greedy_raw  # what spaCy's beam ranks by
    assert beam_logp < greedy_logp - 2.0  # what the model says: many times less likely
    old = EntityScorer(nlp_sm, ["ORG"], decoding="spacy-beam")
    new = EntityScorer(nlp_sm, ["ORG"])
    long_old = [p for p, t in old([{"text": HEADLINE}]) if _length(t) >= 6]
    long_new = [p for p, t in new([{"text": HEADLINE}]) if _length(t) >= 6]
    assert max(long_old) > 0.9  # the old decoding all but sure of a 6+ token ORG
    assert max(long_new, default=0.0) < 0.1  # the model's own chance of it


def test_the_lattice_best_parse_is_the_greedy_parse(nlp_sm) -> None:
    ner = nlp_sm.get_pipe("ner")
    labels = set(Moves.of(ner).labels)
    for text, lattice in zip(SENTENCES, lattices(ner, [nlp_sm.make_doc(t) for t in SENTENCES])):
        assert lattice.best()[1] == greedy_entities(nlp_sm, text, labels)


def test_probabilities_are_exact_on_a_short_sentence(nlp_sm) -> None:
    ner = nlp_sm.get_pipe("ner")
    doc = nlp_sm.make_doc("Acme hired Cook")
    [lattice] = lattices(ner, [doc])
    assert lattice.alpha[-1] == pytest.approx(1.0, abs=1e-9)  # the parses' probabilities sum to 1
    [beam] = normalized_beams(ner, [doc.copy()], beam_width=20_000, beam_density=0.0)  # every parse
    parses = [(math.exp(score), tuple(ents)) for score, (_p, ents) in
              zip(beam.scores, ner.moves.get_beam_parses(beam))]
    assert sum(p for p, _ in parses) == pytest.approx(1.0, abs=1e-6)
    exact = entity_probs(parses)
    got = lattice.probs(Moves.of(ner).labels, min_prob=1e-9)
    for key, p in exact.items():
        if p > 1e-9:
            assert got[key] == pytest.approx(p, rel=1e-4, abs=1e-9)
    best_p, best_ents = max(parses)
    assert lattice.best() == (pytest.approx(math.log(best_p), abs=1e-6), sorted(best_ents))


def test_a_docs_probabilities_do_not_depend_on_its_batch(nlp_sm) -> None:
    ner = nlp_sm.get_pipe("ner")
    docs = [nlp_sm.make_doc(t) for t in SENTENCES]
    alone = [lattices(ner, [doc])[0].probs(["ORG"], min_prob=0.01) for doc in docs]
    together = [lattice.probs(["ORG"], min_prob=0.01) for lattice in lattices(ner, docs)]
    for a, b in zip(alone, together):
        assert a.keys() == b.keys() and all(a[k] == pytest.approx(b[k], rel=1e-6) for k in a)


def test_no_entity_starts_on_whitespace_and_empty_docs_score_nothing(nlp_sm) -> None:
    ner = nlp_sm.get_pipe("ner")
    doc = Doc(nlp_sm.vocab, words=["Acme", "\n", "Corp", "hired", "Cook"], spaces=[True, False, True, True, False])
    empty = Doc(nlp_sm.vocab, words=[])
    lattice, nothing = lattices(ner, [doc, empty])
    probs = lattice.probs(Moves.of(ner).labels, min_prob=1e-12)
    assert probs and not [key for key in probs if key[0] == 1]
    assert nothing.probs(["ORG"]) == {} and nothing.best() == (0.0, [])
    assert lattice.alpha[-1] == pytest.approx(1.0, abs=1e-6)


def test_only_real_chances_are_candidates_and_settings_are_checked(nlp_sm) -> None:
    scored = list(EntityScorer(nlp_sm, ["ORG"], min_prob=0.2)([{"text": t} for t in SENTENCES]))
    assert scored and all(p >= 0.2 for p, _task in scored)
    with pytest.raises(ConfigError, match="unknown decoding 'viterbi'; choose one of: lattice, spacy-beam"):
        BeamNER(nlp_sm, ["ORG"], 16, 0.0, decoding="viterbi")
    with pytest.raises(ConfigError, match="'max_len'"):
        BeamNER(nlp_sm, ["ORG"], 16, 0.0, max_len=0)
    assert isinstance(lattices(nlp_sm.get_pipe("ner"), [nlp_sm.make_doc("Acme")])[0], Lattice)


def _greedy_moves(nlp, text: str) -> list[int]:
    ner = nlp.get_pipe("ner")
    names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    doc = nlp.make_doc(text)
    state, step, moves = ner.moves.init_batch([doc])[0], ner.model.predict([doc]), []
    while not state.is_final():
        scores = step.predict([state])[0]
        valid = np.array([ner.moves.is_valid(state, name) for name in names])
        moves.append(int(np.argmax(np.where(valid, scores, -np.inf))))
        ner.moves.apply_transition(state, names[moves[-1]])
    step.clear_memory()
    return moves


def _length(task: dict) -> int:
    span = task["spans"][0]
    return span["token_end"] - span["token_start"] + 1


def test_every_label_pair_is_a_move(nlp_sm) -> None:
    moves = Moves.of(nlp_sm.get_pipe("ner"))
    names = [nlp_sm.get_pipe("ner").moves.get_class_name(i) for i in range(len(moves.labels) * 4 + 2)]
    for action, label in product("BILU", moves.labels):
        assert f"{action}-{label}" in names

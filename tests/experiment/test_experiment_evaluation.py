"""Scoring against complete gold and against a run's own (manual or binary) answers."""

from __future__ import annotations

import pytest
import spacy

from al_ner.experiment.data.corpus import Sentence, to_task
from al_ner.experiment.analysis.evaluation import AnswerSet, eval_set, score_answers, score_gold


@pytest.fixture(scope="module")
def ruler():
    """A deterministic 'model': an entity ruler registered under the name 'ner'."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": "ORG", "pattern": "Acme"}, {"label": "ORG", "pattern": "Bolt"},
                        {"label": "PERSON", "pattern": "Ann"}, {"label": "DATE", "pattern": "Monday"}])
    return nlp


def task(sentence: Sentence, view: str, answer: str, spans: list[tuple[int, int, str]]) -> dict:
    out = to_task(sentence)
    tokens = out["tokens"]
    out.update(_view_id=view, answer=answer, spans=[
        {"start": tokens[s]["start"], "end": tokens[e - 1]["end"], "token_start": s, "token_end": e - 1,
         "label": label} for s, e, label in spans])
    return out


SENT = Sentence(("Ann", "left", "Acme", "for", "Bolt", "on", "Monday"),
                ("B-PER", "O", "B-ORG", "O", "O", "O", "O"))


def test_gold_scores_map_labels_and_drop_unmapped(ruler) -> None:
    scores = score_gold(ruler, eval_set([SENT]), label_map={"PERSON": "PER", "ORG": "ORG"})
    assert set(scores) == {"PER", "ORG"}
    assert (scores["PER"].f, scores["PER"].n_gold) == (1.0, 1)
    assert (scores["ORG"].p, scores["ORG"].r) == (0.5, 1.0)  # Bolt is a false positive


def test_manual_answers_are_complete_for_the_annotated_label(ruler) -> None:
    answers = AnswerSet.of(ruler, [task(SENT, "ner_manual", "accept", [(2, 3, "ORG")])])
    org = score_answers(ruler, answers, labels=["ORG"], label_map={"ORG": "ORG"})["ORG"]
    assert (org.p, org.r, org.n_gold) == (0.5, 1.0, 1)


def test_binary_answers_count_only_what_was_decided(ruler) -> None:
    answers = AnswerSet.of(ruler, [task(SENT, "ner", "accept", [(2, 3, "ORG")])])
    org = score_answers(ruler, answers, labels=["ORG"], label_map={})["ORG"]
    assert (org.p, org.r) == (1.0, 1.0)  # Bolt was never asked about: neither right nor wrong
    rejected = AnswerSet.of(ruler, [task(SENT, "ner", "accept", [(2, 3, "ORG")]),
                                    task(SENT, "ner", "reject", [(4, 5, "ORG")])])
    org = score_answers(ruler, rejected, labels=["ORG"], label_map={})["ORG"]
    assert (org.p, org.r) == (0.5, 1.0)


def test_no_answers_no_counts(ruler) -> None:
    org = score_answers(ruler, AnswerSet.of(ruler, []), labels=["ORG"], label_map={})["ORG"]
    assert (org.f, org.n_gold) == (0.0, 0)


def test_answers_are_scored_by_the_rules_of_dev_spacy(ruler) -> None:
    # as in spaCy's scorer (and data-to-spacy's dev.spacy): a prediction lying on tokens an
    # accepted span covers is judged even in a binary answer, here "Acme" inside "Acme Corp"
    sent = Sentence(("Ann", "left", "Acme", "Corp", "for", "Bolt"), ("O",) * 6)
    answers = AnswerSet.of(ruler, [task(sent, "ner", "accept", [(2, 4, "ORG")]),
                                   task(sent, "ner", "accept", [(5, 6, "ORG")])])
    org = score_answers(ruler, answers, labels=["ORG"], label_map={})["ORG"]
    assert (org.p, org.r, org.n_gold) == (0.5, 0.5, 2)

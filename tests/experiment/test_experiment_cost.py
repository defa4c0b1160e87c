"""The cost model: counts per interface and the documented linear formula."""

from __future__ import annotations

import pytest

from al_ner.errors import ConfigError
from al_ner.cost import CostModel, Rates, annotation_cost
from al_ner.stream.hashing import input_hash


def manual(text: str, spans: int, answer: str = "accept") -> dict:
    return {"text": text, "_input_hash": input_hash({"text": text}), "_view_id": "ner_manual",
            "answer": answer, "spans": [{"start": 0, "end": 1, "label": "ORG"}] * spans}


def binary(text: str, answer: str = "accept") -> dict:
    return {"text": text, "_input_hash": input_hash({"text": text}), "_view_id": "ner",
            "answer": answer, "spans": [{"start": 0, "end": 1, "label": "ORG"}]}


def test_manual_counts_one_decision_per_sentence_plus_one_per_span() -> None:
    cost = annotation_cost([manual("a b c", 2), manual("d e", 0)], CostModel())
    assert (cost.sentences, cost.tokens, cost.decisions) == (2, 5, 4)
    # 2 sentences * 1.5 + 5 tokens * 0.25 + 4 decisions * 2.0
    assert cost.est_seconds == pytest.approx(3.0 + 1.25 + 8.0)


def test_binary_reads_a_sentence_once_but_decides_each_question() -> None:
    cost = annotation_cost([binary("a b c d"), binary("a b c d", "reject"), binary("e f")], CostModel())
    assert (cost.sentences, cost.tokens, cost.decisions) == (2, 6, 3)
    assert cost.est_seconds == pytest.approx(2 * 1.0 + 6 * 0.15 + 3 * 1.0)


def test_a_rejected_manual_task_is_one_decision() -> None:
    assert annotation_cost([manual("a b", 3, "reject")], CostModel()).decisions == 1


def test_rates_come_from_config_and_keep_defaults() -> None:
    model = CostModel.from_dict({"binary": {"per_decision": 4.0}})
    assert model.binary == Rates(per_sentence=1.0, per_token=0.15, per_decision=4.0)
    assert model.manual == CostModel().manual
    assert annotation_cost([binary("x")], model).est_seconds == pytest.approx(1.0 + 0.15 + 4.0)


@pytest.mark.parametrize("config", [{"typing": {}}, {"manual": {"per_token": -1}}])
def test_bad_cost_config_raises(config: dict) -> None:
    with pytest.raises(ConfigError):
        CostModel.from_dict(config)

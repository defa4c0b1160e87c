"""The adaptive strategy: random always an arm, picks drawn one at a time, rewards move the mix."""

from __future__ import annotations

from itertools import islice

import numpy as np
import pytest

from al_ner.errors import ConfigError, StrategyError
from al_ner.strategies import lazy_query, make_strategy
from al_ner.strategies.adaptive import RANDOM
from al_ner.strategies.maths import bandit_probabilities

from .conftest import fake_window


class FakeProbe:
    """Stands in for training.probe.Probe: a fixed value per arm, and what it was asked."""

    def __init__(self, values: dict[str, float]) -> None:
        self.values = values
        self.probed: list[tuple[str, int, int]] = []

    def gradient(self, answers):
        return list(answers)

    def alignment(self, answers, reference):
        arm = answers[0]["meta"]["arm"]
        assert not {id(a) for a in answers} & {id(g) for g in reference}, "never judged on itself"
        self.probed.append((arm, len(answers), len(reference)))
        return self.values[arm]


def answer(arm: str, chance: float = 0.25, **meta) -> dict:
    return {"text": "x", "answer": "accept", "_view_id": "ner_manual",
            "meta": {"arm": arm, "arm_p": chance, **meta}}


def test_random_is_always_an_arm_and_never_below_its_floor() -> None:
    adaptive = make_strategy("adaptive", {"arms": ["mnlp", "kcenter"], "random_floor": 0.2})
    assert adaptive.names[0] == RANDOM and len(adaptive.names) == 3
    adaptive.scores = np.array([-50.0, 40.0, 10.0])
    assert adaptive.probabilities()[0] == pytest.approx(0.2)
    with pytest.raises(ConfigError, match="besides random"):
        make_strategy("adaptive", {"arms": ["random"]})
    with pytest.raises(ConfigError, match="own arms"):
        make_strategy("adaptive", {"arms": ["adaptive", "mnlp"]})


def test_bandit_probabilities_mix_exploration_and_hold_the_floor() -> None:
    p = bandit_probabilities(np.zeros(4), gamma=0.2)
    assert p == pytest.approx([0.25] * 4)
    p = bandit_probabilities(np.array([0.0, 30.0, 0.0, 0.0]), gamma=0.2, floor=0.1, floored=0)
    assert p.sum() == pytest.approx(1.0) and p[0] == pytest.approx(0.1) and p[1] > 0.8


def test_picks_cover_the_window_once_and_say_which_arm_asked() -> None:
    window = fake_window(30)
    picks = list(lazy_query(make_strategy("adaptive", seed=4), window))
    assert sorted(i for i, _ in picks) == list(range(30))
    assert {meta["arm"] for _, meta in picks} <= set(make_strategy("adaptive").names)
    assert all(0 < meta["arm_p"] <= 1 for _, meta in picks)
    again = list(lazy_query(make_strategy("adaptive", seed=4), fake_window(30)))
    assert again == picks


def test_each_pick_uses_the_probabilities_of_its_moment() -> None:
    adaptive = make_strategy("adaptive", {"arms": ["mnlp"], "random_floor": 0.0, "gamma": 0.0})
    picks = lazy_query(adaptive, fake_window(40))
    first = list(islice(picks, 5))
    adaptive.scores = np.array([0.0, 100.0])  # MNLP has won meanwhile
    later = list(islice(picks, 10))
    assert all(meta["arm"] == "al_ner.mnlp.v1" and meta["arm_p"] == 1.0 for _, meta in later)
    assert len({i for i, _ in first + later}) == 15


def test_a_strategy_repeating_a_pick_is_refused() -> None:
    class Repeats:
        def picks(self, window):
            yield 0, {}
            yield 0, {}

        def update(self, answers):
            pass
    with pytest.raises(StrategyError, match="distinct"):
        list(lazy_query(Repeats(), fake_window(5)))


def test_rewards_are_importance_weighted_and_move_the_mix() -> None:
    adaptive = make_strategy("adaptive", {"arms": ["mnlp", "kcenter"]})
    adaptive.reward("al_ner.mnlp.v1", 0.02, [answer("al_ner.mnlp.v1", 0.5)])
    adaptive.reward("al_ner.kcenter.v1", 0.02, [answer("al_ner.kcenter.v1", 0.1)])
    p = adaptive.shares()
    assert p["al_ner.kcenter.v1"] > p["al_ner.mnlp.v1"] > p[RANDOM]  # rarer arm, same gain: more credit
    assert adaptive.rewards[-1]["arm"] == "al_ner.kcenter.v1"


def test_update_probes_full_chunks_on_random_answers_it_never_trains_on() -> None:
    adaptive = make_strategy("adaptive", {"arms": ["mnlp"], "chunk": 3, "min_probe": 2})
    adaptive.model = object()
    probe = adaptive._probe = FakeProbe({RANDOM: 0.0, "al_ner.mnlp.v1": 0.01})
    adaptive.update([answer("al_ner.mnlp.v1") for _ in range(3)])
    assert probe.probed == []  # no random sample yet to judge on
    adaptive.update([answer(RANDOM), answer("x", control=True), {**answer(RANDOM), "answer": "reject"}])
    assert probe.probed == [("al_ner.mnlp.v1", 3, 2)]
    adaptive.update([answer(RANDOM) for _ in range(3)])
    assert probe.probed[-1] == (RANDOM, 3, 2) and len(adaptive.probe_answers) == 5


def test_when_only_random_pays_the_mix_turns_to_random() -> None:
    adaptive = make_strategy("adaptive", {"arms": ["mnlp", "hybrid", "kcenter"], "chunk": 4,
                                          "min_probe": 4}, seed=1)
    adaptive.model = object()
    adaptive._probe = FakeProbe({RANDOM: 0.01, "al_ner.mnlp.v1": -0.02, "al_ner.hybrid.v1": -0.02,
                                 "al_ner.kcenter.v1": -0.01})
    window = fake_window(400)
    picks = lazy_query(adaptive, window)
    for _ in range(30):
        batch = [answer(meta["arm"], meta["arm_p"]) for _, meta in islice(picks, 10)]
        adaptive.update(batch)
    assert adaptive.shares()[RANDOM] > 0.75  # at most 1 - gamma + gamma / K = 0.85
    last = [meta["arm"] for _, meta in islice(picks, 50)]
    assert last.count(RANDOM) > 30


def test_state_goes_to_the_session_log_and_back() -> None:
    adaptive = make_strategy("adaptive")
    adaptive.reward("al_ner.mnlp.v1", 0.03, [answer("al_ner.mnlp.v1")])
    state = adaptive.state()
    fresh = make_strategy("adaptive")
    assert fresh.restore(state) and fresh.shares() == adaptive.shares()
    other = make_strategy("adaptive", {"arms": ["mnlp"]})
    assert not other.restore(state) and other.shares()[RANDOM] == pytest.approx(0.5)


def test_sentences_answered_before_spend_no_arm_s_turn() -> None:
    # the embedded run: with rankings that barely change between sessions (random with the same
    # seed, k-center), an arm's first picks of a new session were sentences answered in an earlier
    # one; the controller skipped them, so random and k-center all but vanished after round 3
    from al_ner.stream.hashing import input_hash

    window = fake_window(40)
    adaptive = make_strategy("adaptive", seed=2)
    adaptive.answered(input_hash(task) for task in window.tasks[:20])
    picked = [i for i, _ in lazy_query(adaptive, window)]
    assert sorted(picked) == list(range(20, 40))


def test_a_continued_session_draws_its_own_sequence_of_arms() -> None:
    first = make_strategy("adaptive", seed=2)
    arms = [meta["arm"] for _, meta in lazy_query(first, fake_window(40))]
    second = make_strategy("adaptive", seed=2)
    assert second.restore(first.state()) and first.state()["sessions"] == 1
    again = [meta["arm"] for _, meta in lazy_query(second, fake_window(40))]
    assert again != arms and second.state()["sessions"] == 2

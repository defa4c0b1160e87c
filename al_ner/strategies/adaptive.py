"""The adaptive default: a bandit over query strategies that learns, in the session, which one pays.

Nobody can tell in advance which strategy helps on a new corpus (on CoNLL hybrid and MNLP beat
random; elsewhere none of them did). So the default does not guess: each question is drawn
from one of several strategies, the arms, random always among them, with probabilities that
follow what each arm's questions are seen to be worth on this data. The design is Active
Learning by Learning (Hsu & Lin 2015): an EXP3-style bandit (Auer et al. 2002) over strategies,
rewarded by an unbiased estimate of the model's accuracy, importance-weighted by the chance each
arm had of being drawn. What differs: ALBL retrains after every question and rewards the
accuracy after it; a spaCy fine-tune takes minutes, and a few dozen sentences' F1 barely moves
after one more answer. So here an arm's reward says, to first order, how much learning from its
last `chunk` answers would lower the model's loss on a random sample of the source (the random
arm's own answers and the health check's control answers, never the answers judged): the
alignment of the two loss gradients (`al_ner.training.probe`; Pruthi et al. 2020).

Every answer says which arm asked it and that arm's chance (`meta["arm"]`, `meta["arm_p"]`);
`state()` is what the session log keeps (the arms' scores, questions and rewards), and
`restore` continues from it in the next session of the dataset.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np

from ..constants import ACCEPT, ANSWER, ARM, ARM_P, CONTROL, META, VIEW_ID, VIEW_NER_MANUAL
from ..errors import ConfigError
from ..sorters.util import check_int, check_number
from ..stream.hashing import input_hash
from ..types import Task
from .base import QueryStrategy, make_strategy, register_strategy, strategy_name
from .maths import bandit_probabilities
from .window import Window

RANDOM = "al_ner.random.v1"
DEFAULT_ARMS = (RANDOM, "al_ner.mnlp.v1", "al_ner.hybrid.v1", "al_ner.kcenter.v1")
Pick = tuple[int, dict[str, Any]]


@dataclass
class Adaptive:
    """A bandit over `arms` (name -> strategy, random first); asks, learns from answers, keeps state."""

    arms: dict[str, QueryStrategy]
    gamma: float = 0.2
    random_floor: float = 0.1
    chunk: int = 8
    min_probe: int = 20
    scale: float = 1e-3
    seed: int = 0
    scores: np.ndarray = field(init=False)
    asked: Counter[str] = field(default_factory=Counter, init=False)  # answers per arm, this session
    rewards: list[dict[str, Any]] = field(default_factory=list, init=False)
    pending: dict[str, list[Task]] = field(default_factory=dict, init=False)
    probe_answers: list[Task] = field(default_factory=list, init=False)
    rng: np.random.Generator = field(init=False)
    model: Any = field(default=None, init=False)  # the WindowModel of the last window asked
    known: set[int] = field(default_factory=set, init=False)  # input hashes never asked again
    sessions: int = field(default=0, init=False)  # earlier sessions this one continues from
    _probe: Any = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.names = list(self.arms)
        self.scores = np.zeros(len(self.names))
        self.rng = np.random.default_rng(self.seed)
        self.pending = {name: [] for name in self.names}

    def probabilities(self) -> np.ndarray:
        """Each arm's chance of asking the next question (random's at least `random_floor`)."""
        return bandit_probabilities(self.scores, gamma=self.gamma, floor=self.random_floor,
                                    floored=self.names.index(RANDOM))

    def answered(self, hashes: Iterable[int]) -> None:
        """Sentences the dataset (or an excluded one) holds: the controller skips them, so no arm
        may spend its turn on one (a ranking that barely changes between sessions would)."""
        self.known.update(int(h) for h in hashes)

    def picks(self, window: Window) -> Iterator[Pick]:
        """Every task of the window not answered before, one at a time, each from an arm chosen then."""
        self.model = getattr(window, "model", self.model)
        rankings: dict[str, Iterator[int]] = {}
        taken = {i for i, task in enumerate(window.tasks) if self.known and input_hash(task) in self.known}
        while len(taken) < len(window):
            p = self.probabilities()
            k = int(self.rng.choice(len(self.names), p=p))
            name = self.names[k]
            if name not in rankings:  # an arm ranks the window when first drawn in it
                rankings[name] = iter(self.arms[name].query(window, len(window)))
            index = next(i for i in rankings[name] if i not in taken)
            taken.add(index)
            yield index, {ARM: name, ARM_P: round(float(p[k]), 4)}

    def query(self, window: Window, n: int) -> list[int]:
        return [index for index, _ in islice(self.picks(window), n)]

    def update(self, answers: list[Task]) -> None:
        """Learn from a batch of answers: probe each arm whose `chunk` answers are complete."""
        for task in answers:
            meta = task.get(META) or {}
            if meta.get(ARM) in self.pending:  # asked, whatever the answer (a pick the source had
                self.asked[meta[ARM]] += 1     # answered before is skipped, never asked)
            if task.get(ANSWER) != ACCEPT or task.get(VIEW_ID, VIEW_NER_MANUAL) != VIEW_NER_MANUAL:
                continue
            if meta.get(CONTROL) or (meta.get(ARM) == RANDOM and len(self.probe_answers) < self.min_probe):
                self.probe_answers.append(task)
            elif meta.get(ARM) in self.pending:
                self.pending[meta[ARM]].append(task)
        self._reward_full_chunks()

    def _reward_full_chunks(self) -> None:
        full = [name for name in self.names if len(self.pending[name]) >= self.chunk]
        if not full or len(self.probe_answers) < self.min_probe or self.model is None:
            return
        probe = self._prober()
        reference = probe.gradient(self.probe_answers)
        for name in full:
            batch, self.pending[name] = self.pending[name][:self.chunk], self.pending[name][self.chunk:]
            self.reward(name, probe.alignment(batch, reference), batch)
            if name == RANDOM:  # probed: now part of the random sample the others are judged on
                self.probe_answers += batch

    def reward(self, name: str, value: float, batch: list[Task]) -> None:
        """Credit `value` (how much `batch` helps) to arm `name`, importance-weighted by its chance."""
        chance = float(np.mean([(t.get(META) or {}).get(ARM_P, 1.0) for t in batch]))
        seen = [r["value"] for r in self.rewards] + [value]
        scale = max(self.scale, float(np.sqrt(np.mean(np.square(seen)))))  # the values' own spread
        standardized = max(-3.0, min(3.0, value / scale))
        k = self.names.index(name)
        self.scores[k] += (self.gamma / len(self.names)) * standardized / max(chance, 1e-3)
        self.rewards.append({"arm": name, "value": float(f"{value:.6g}"), "chance": round(chance, 4),
                             "answers": sum(self.asked.values()),
                             "probabilities": self.shares()})

    def shares(self) -> dict[str, float]:
        return {name: round(float(p), 4) for name, p in zip(self.names, self.probabilities())}

    def _prober(self) -> Any:
        if self._probe is None:
            from ..training.probe import Probe  # the training layer, only once answers come in

            self._probe = Probe(self.model.nlp, list(self.model.labels), seed=self.seed)
        return self._probe

    def state(self) -> dict[str, Any]:
        """What the session log keeps: the arms, their scores and chances, questions and rewards."""
        return {"arms": list(self.names), "scores": [round(float(s), 6) for s in self.scores],
                "probabilities": self.shares(), "asked": {n: self.asked[n] for n in self.names},
                "rewards": list(self.rewards), "sessions": self.sessions + 1}

    def restore(self, state: Mapping[str, Any]) -> bool:
        """Continue from a session log record of the same arms; False (nothing done) otherwise.

        The draws of this session are seeded apart from the earlier ones' (the seed and the
        number of sessions before), so sessions don't repeat one sequence of arms.
        """
        if list(state.get("arms") or []) != self.names or len(state.get("scores") or []) != len(self.names):
            return False
        self.scores = np.array([float(s) for s in state["scores"]])
        self.sessions = int(state.get("sessions", 1))
        self.rng = np.random.default_rng([self.seed, self.sessions])
        return True


@register_strategy("al_ner.adaptive.v1", alias="adaptive")
def configure_adaptive(*, arms: list[str] | None = None, arm_settings: dict[str, dict] | None = None,
                       gamma: float = 0.2, random_floor: float = 0.1, chunk: int = 8,
                       min_probe: int = 20, scale: float = 1e-3, seed: int = 0) -> Adaptive:
    """Adaptive (the default): a bandit over strategies that learns which one pays on this data.

    Each question comes from one arm, drawn with EXP3's probabilities (Auer et al. 2002): the
    softmax of the arms' scores mixed with `gamma` uniform exploration, random never below
    `random_floor`. Random is always an arm, so the worst the mix can do is mostly-random
    annotation. An arm's score grows with its reward: after every `chunk` of its accepted
    answers, how much a step on them would lower the NER's loss on a random sample of the source
    (the random arm's earlier answers and the control answers; `min_probe` of them before any
    reward): the dot product of the two mean loss gradients (Pruthi et al. 2020), in units of
    the rewards' root mean square (at least `scale`), clipped at ±3 and divided by the arm's
    chance of being drawn (importance weighting). Active Learning by Learning, Hsu & Lin 2015
    (AAAI), with a gradient probe in place of retraining after every question. Default arms:
    random, MNLP, hybrid and k-center.
    """
    for name, value, low, high in (("gamma", gamma, 0.0, 1.0), ("random_floor", random_floor, 0.0, 1.0),
                                   ("scale", scale, 1e-6, None)):
        check_number(name, value, low=low, high=high)
    for name, value in (("chunk", chunk), ("min_probe", min_probe), ("seed", seed)):
        check_int(name, value, minimum=1 if name != "seed" else 0)
    names = [strategy_name(arm) for arm in (arms or DEFAULT_ARMS)]
    names = [RANDOM] + [name for name in dict.fromkeys(names) if name != RANDOM]
    if len(names) < 2:
        raise ConfigError(f"the adaptive strategy needs an arm besides random, got arms={arms!r}")
    if "al_ner.adaptive.v1" in names:
        raise ConfigError("the adaptive strategy can't be one of its own arms; name other strategies")
    settings = {strategy_name(k): v for k, v in (arm_settings or {}).items()}
    built = {name: make_strategy(name, settings.get(name), seed=seed) for name in names}
    return Adaptive(built, gamma=float(gamma), random_floor=float(random_floor), chunk=chunk,
                    min_probe=min_probe, scale=float(scale), seed=seed)


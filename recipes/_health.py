"""The live checks of a session: control questions, the stopping rule and the adaptive strategy's arms.

    health = HealthCheck.create(nlp, labels, share=control, seed=seed, base=control_base, ...,
                                db=db, dataset=dataset)
    stream = health.watch(stream)            # the stopping rule's stop set, a sample of the source
    stream = health.set_aside(stream)        # before the strategy sees the source
    stream = ordering.apply(nlp, stream, ...)
    health.follow(ordering.learner)          # the adaptive strategy continues from the session log
    stream = health.mix(stream)
    return {..., **health.components(update)}

The progress data's `health` entry carries what each says (the web header and the terminal
summary show it); one record per session goes to the dataset's session log, and the next session
of the dataset continues from it (the stopping rule's last predictions, the bandit's scores).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language

from al_ner.constants import VIEW_NER_MANUAL
from al_ner.errors import ConfigError
from al_ner.health import (ControlPool, HealthMonitor, StoppingMonitor, StopSet, control_question,
                           mix_controls, set_aside)
from al_ner.models import load_model
from al_ner.storage import Database, get_db
from al_ner.training import base_predictor, frozen_predictor
from al_ner.types import Components, Stream, Task, UpdateCallback

STOPPING, ADAPTIVE = "stopping", "adaptive"  # keys of a session record


@dataclass
class HealthCheck:
    """Control questions for one session (share 0: none), the stopping rule, the learning strategy."""

    share: float
    seed: int
    recipe: str
    monitor: HealthMonitor
    ask: Callable[[Task], Task] | None = None
    pool: ControlPool | None = None
    stopping: StoppingMonitor | None = None
    learner: Any = None  # a query strategy that learns from the answers (al_ner.adaptive.v1)
    source: str = ""
    previous: list[dict[str, Any]] = field(default_factory=list)  # the dataset's session records
    db: Database | None = None  # where the dataset lives (None: the session reads no log)
    dataset: str = ""

    @classmethod
    def create(cls, nlp: Language, labels: list[str], *, share: float, seed: int, base: str,
               highlight: bool, recipe: str, view: str = VIEW_NER_MANUAL, stop: bool = False,
               learns: bool = False, db: str | Database | None = None, dataset: str = "",
               source: str = "") -> HealthCheck:
        """The checks of a recipe; `base` names the pipeline compared with ("" = nlp now).

        view: the session's own view (the browser draws a control question of a binary session
        as a binary one: `full_span_controls`); stop: watch for stabilizing predictions (recipes
        that use the model); learns: whether the model in the loop changes during the session;
        db and dataset: whose session log the session continues from and writes to.
        """
        check = cls(share, seed, recipe, HealthMonitor(labels, seed=seed), source=source)
        if share:
            check.ask = control_asker(nlp, labels, base=base, highlight=highlight, view=view)
        if dataset:
            check.db, check.dataset = get_db(db), dataset
            check.previous = check.db.get_sessions(dataset)
        if stop and "ner" in nlp.pipe_names:
            check.stopping = StoppingMonitor(nlp, list(labels), StopSet(seed=seed), learns=learns)
            last = latest(check.previous, STOPPING)
            if last is not None:
                check.stopping.restore(last)
        return check

    def watch(self, stream: Iterable[Task]) -> Stream:
        """The stream unchanged, sampling the stopping rule's stop set as it passes."""
        return self.stopping.stop_set.watch(stream) if self.stopping is not None else iter(stream)

    def set_aside(self, stream: Iterable[Task]) -> Stream:
        if not self.share:
            return iter(stream)
        stream, self.pool = set_aside(stream, share=self.share, seed=self.seed)
        return stream

    def mix(self, stream: Iterable[Task]) -> Stream:
        if self.pool is None or self.ask is None:
            return iter(stream)
        return mix_controls(stream, self.pool, ask=self.ask)

    def follow(self, learner: Any, *, exclude: Iterable[str] = ()) -> None:
        """Report `learner`'s arms and feed it the answers; it continues from the session log and
        knows which sentences the dataset and the `exclude` datasets hold (never asked again)."""
        self.learner = learner
        if learner is None:
            return
        state = latest(self.previous, ADAPTIVE)
        if state is not None:
            learner.restore(state)
        if self.db is not None:
            for name in [self.dataset, *exclude]:
                if self.db.exists(name):
                    learner.answered(self.db.get_hashes(name, by="input"))

    def components(self, update: UpdateCallback | None) -> Components:
        """update (chained with what learns from the answers), health, on_exit and views."""
        learner = self.learner.update if self.learner is not None else None
        watchers = [self.monitor.update if self.share else None,
                    self.stopping.update if self.stopping is not None else None]
        out: Components = {"update": chained(update, learner, *watchers)}
        if self.share or self.stopping is not None or self.learner is not None:
            out.update(health=self.progress, on_exit=self.on_exit)
        if self.share:
            out["views"] = [VIEW_NER_MANUAL]
        return out

    def progress(self) -> dict[str, Any]:
        """The control estimate (with control questions), the stopping rule and the arms' shares."""
        out = self.monitor.progress() if self.share else {}
        if self.stopping is not None:
            out[STOPPING] = self.stopping.status(out if self.share else None)
        if self.learner is not None:
            out["arms"] = self.learner.shares()
        return out

    def on_exit(self, controller: Any) -> None:
        """Record the session in the dataset's session log: what each check says at its end."""
        add_session = getattr(controller.db, "add_session", None)
        if add_session is None or not controller.answered:
            return
        record: dict[str, Any] = {"session_id": controller.session_id, "recipe": self.recipe,
                                  "timestamp": int(time.time()), "answered": controller.answered,
                                  "control": self.share, "source": self.source}
        progress = self.progress()
        if self.share:
            record["health"] = {k: v for k, v in progress.items() if k not in (STOPPING, "arms")}
        if self.stopping is not None:
            record[STOPPING] = {**self.stopping.record(), "status": progress[STOPPING]}
        if self.learner is not None:
            record[ADAPTIVE] = self.learner.state()
        add_session(controller.dataset, record)


def control_asker(nlp: Language, labels: list[str], *, base: str, highlight: bool,
                  view: str) -> Callable[[Task], Task]:
    """How control questions are asked: both models' entities kept, `base` as loaded ("" = nlp now)."""
    if "ner" not in nlp.pipe_names:
        raise ConfigError("--control scores the model's entities on the control questions, "
                          "and this pipeline has no NER; pass a pipeline with one")
    compare = base_predictor(load_model(base)) if base else frozen_predictor(nlp)
    return control_question(nlp, predict=base_predictor(nlp), base=compare, labels=labels,
                            highlight=highlight, session_view=view)


def latest(records: Sequence[dict[str, Any]], key: str) -> dict[str, Any] | None:
    """The newest session record's entry `key`, if any record has one."""
    return next((r[key] for r in reversed(records) if isinstance(r.get(key), dict)), None)


def chained(*updates: UpdateCallback | None) -> UpdateCallback | None:
    """One update callback calling each given one in turn (None when none is given); returns
    the first one's result."""
    present = [update for update in updates if update is not None]
    if not present:
        return None

    def update(answers: list[Task]) -> Any:
        results = [fn(answers) for fn in present]
        return results[0]
    return update

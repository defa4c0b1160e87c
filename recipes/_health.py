"""The health check's place in a recipe: set control questions aside, mix them in, watch them.

    health = HealthCheck.create(nlp, labels, share=control, seed=seed, base=control_base, ...)
    stream = health.set_aside(stream)        # before the strategy sees the source
    stream = order_sentences(nlp, stream, ...)
    stream = health.mix(stream)
    return {..., **health.components(update)}

With share 0 every step passes the stream through and the components add nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from spacy.language import Language

from al_ner.constants import VIEW_NER_MANUAL
from al_ner.errors import ConfigError
from al_ner.health import ControlPool, HealthMonitor, control_question, mix_controls, set_aside
from al_ner.models import load_model
from al_ner.training import base_predictor, frozen_predictor
from al_ner.types import Components, Stream, Task, UpdateCallback


@dataclass
class HealthCheck:
    """Control questions for one session (share 0: none) and the monitor that scores them."""

    share: float
    seed: int
    recipe: str
    monitor: HealthMonitor
    ask: Callable[[Task], Task] | None = None
    pool: ControlPool | None = None

    @classmethod
    def create(cls, nlp: Language, labels: list[str], *, share: float, seed: int, base: str,
               highlight: bool, recipe: str) -> HealthCheck:
        """The health check of a recipe; `base` names the pipeline compared with ("" = nlp now)."""
        check = cls(share, seed, recipe, HealthMonitor(labels, seed=seed))
        if share:
            if "ner" not in nlp.pipe_names:
                raise ConfigError("--control scores the model's entities on the control questions, "
                                  "and this pipeline has no NER; pass a pipeline with one")
            compare = base_predictor(load_model(base)) if base else frozen_predictor(nlp)
            check.ask = control_question(nlp, predict=base_predictor(nlp), base=compare,
                                         labels=labels, highlight=highlight)
        return check

    def set_aside(self, stream: Iterable[Task]) -> Stream:
        if not self.share:
            return iter(stream)
        stream, self.pool = set_aside(stream, share=self.share, seed=self.seed)
        return stream

    def mix(self, stream: Iterable[Task]) -> Stream:
        if self.pool is None or self.ask is None:
            return iter(stream)
        return mix_controls(stream, self.pool, ask=self.ask)

    def components(self, update: UpdateCallback | None) -> Components:
        """update (chained with the monitor's), health, on_exit and views for the components dict."""
        if not self.share:
            return {"update": update}
        return {"update": chained(update, self.monitor.update), "health": self.monitor.progress,
                "on_exit": self.on_exit, "views": [VIEW_NER_MANUAL]}

    def on_exit(self, controller: Any) -> None:
        """Record the session's health estimate in the dataset's session log."""
        add_session = getattr(controller.db, "add_session", None)
        if add_session is not None and controller.answered:
            add_session(controller.dataset, {"session_id": controller.session_id,
                                             "recipe": self.recipe, "timestamp": int(time.time()),
                                             "answered": controller.answered, "control": self.share,
                                             "health": self.monitor.progress()})


def chained(*updates: UpdateCallback | None) -> UpdateCallback:
    """One update callback calling each given one in turn; returns the first one's result."""
    present = [update for update in updates if update is not None]

    def update(answers: list[Task]) -> Any:
        results = [fn(answers) for fn in present]
        return results[0] if results else None
    return update

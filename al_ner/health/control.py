"""Control questions: a random share of the source set aside and asked as full spans.

    stream, controls = set_aside(stream, share=0.1, seed=0)     # before any selection
    stream = select(...)                                        # the active strategy
    stream = mix_controls(stream, controls, ask=control_question(...))

`set_aside` diverts each source task with chance `share` (a seeded Bernoulli sample, so the
set-aside tasks are a random sample of the source, whatever the strategy later prefers);
`mix_controls` makes every 1/share-th question a control question drawn at random from them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from spacy.language import Language

from ..constants import ACCEPT, ANSWER, META, SPANS, TOKENS, VIEW_ID, VIEW_NER_MANUAL
from ..scoring.docs import doc_tokens, span_dict, task_doc, task_text, token_offsets
from ..sorters.util import check_int, check_number
from ..stream.hashing import set_hash
from ..training.base_model import Predict
from ..types import Stream, Task
from .monitor import BASE_PREDICTED, CONTROL, PREDICTED, answer_spans

SESSION_VIEW = "session_view"  # meta: the view of the session that asked a control question

Ask = Callable[[Task], Task]


@dataclass
class ControlPool:
    """The tasks set aside as control questions, and the share of questions they make up."""

    share: float
    seed: int = 0
    waiting: list[Task] = field(default_factory=list)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        check_number("control", self.share, low=0.0, high=0.5)
        check_int("seed", self.seed, minimum=0)
        self.rng = random.Random(self.seed)

    def draw(self) -> Task | None:
        """A uniformly random waiting task (removed), or None when none waits."""
        if not self.waiting:
            return None
        return self.waiting.pop(self.rng.randrange(len(self.waiting)))


def set_aside(stream: Iterable[Task], *, share: float, seed: int = 0) -> tuple[Stream, ControlPool]:
    """The stream without the tasks set aside for control (chance `share` each), and the pool."""
    pool = ControlPool(share, seed)
    return _divert(stream, pool), pool


def _divert(stream: Iterable[Task], pool: ControlPool) -> Iterator[Task]:
    for task in stream:
        if pool.rng.random() < pool.share:
            pool.waiting.append(task)
        else:
            yield task


def mix_controls(stream: Iterable[Task], pool: ControlPool, *, ask: Ask) -> Stream:
    """Yield the active questions with a control question whenever one is due.

    A control question is due while controls asked < share x (questions asked + 1). When the
    active stream ends, the waiting controls are asked.
    """
    asked = controls = 0
    for task in stream:
        while controls < pool.share * (asked + 1) and (control := pool.draw()) is not None:
            yield ask(control)
            asked, controls = asked + 1, controls + 1
        yield task
        asked += 1
    while (control := pool.draw()) is not None:
        yield ask(control)


def control_question(nlp: Language, *, predict: Predict, base: Predict, labels: Sequence[str],
                     highlight: bool, session_view: str = VIEW_NER_MANUAL) -> Ask:
    """Build a control question: full spans (ner_manual), with both models' entities in meta.

    highlight: pre-highlight the model's entities (ner.correct, ner.teach); else none (ner.manual).
    session_view: the view of the session that asks it, kept in meta (`full_span_controls`).
    """
    return partial(_control, nlp=nlp, predict=predict, base=base, labels=set(labels),
                   highlight=highlight, session_view=session_view)


def _control(task: Task, *, nlp: Language, predict: Predict, base: Predict, labels: set[str],
             highlight: bool, session_view: str) -> Task:
    doc = task_doc(nlp, task)
    ents = [ent for ent in predict([doc])[0] if ent[2] in labels]
    base_ents = [ent for ent in base([doc])[0] if ent[2] in labels]
    text, offsets = task_text(task), token_offsets(task, doc)
    spans = [span_dict(text, offsets, s, e, label) for s, e, label in ents] if highlight else []
    meta: dict[str, Any] = {**task.get(META, {}), CONTROL: True, PREDICTED: [list(e) for e in ents],
                            BASE_PREDICTED: [list(e) for e in base_ents], SESSION_VIEW: session_view}
    tokens = task.get(TOKENS) or doc_tokens(doc)
    return set_hash({**task, TOKENS: tokens, SPANS: spans, META: meta, VIEW_ID: VIEW_NER_MANUAL},
                    overwrite=True)


def full_span_controls(answers: Iterable[Task]) -> list[Task]:
    """The accepted control answers known to be real full-span answers, usable as gold.

    A control question is asked with full spans, but the browser draws every question of a
    session in the session's view: in a binary session (ner.teach --control) it showed a control
    question as a binary one and "accept" saved the model's pre-highlighted spans as gold
    (issue 17). So only control answers from sessions whose own view is the full-span one
    (ner.manual, ner.correct) count, and only accepted ones with token offsets on every span.
    """
    return [task for task in answers
            if (task.get(META) or {}).get(CONTROL) and task.get(ANSWER) == ACCEPT
            and task.get(VIEW_ID) == VIEW_NER_MANUAL
            and (task.get(META) or {}).get(SESSION_VIEW) == VIEW_NER_MANUAL
            and len(answer_spans(task)) == len(task.get(SPANS) or [])]

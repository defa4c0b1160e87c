"""Drive one annotation session: questions out, answers in, to the dataset, then `update`."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .constants import (ANSWER, ANSWERS, INPUT_HASH, LABEL, SESSION_ID, SPANS, TASK_HASH,
                        TEXT, TIMESTAMP, VIEW_ID, VIEW_NER_MANUAL)
from .errors import AnswerError, ConfigError
from .stream.hashing import set_hashes
from .types import Budget, Components, Task


@dataclass
class SessionReport:
    """What one session did: how many answers of each kind, and what the annotator counted."""

    dataset: str
    session_id: str
    answered: int
    counts: dict[str, int]
    exhausted: bool
    annotator_stats: dict[str, Any] = field(default_factory=dict)
    skipped_invalid: int = 0
    interrupted: bool = False
    health: dict[str, Any] | None = None  # the recipe's health check, when it has one


class Controller:
    """Hands out each question once, checks and stores answers, and calls the recipe's `update`.

    Thread-safe: a web server's handlers and a terminal loop use the same methods.
    """

    def __init__(self, components: Components, db: Any, *, session_id: str | None = None,
                 batch_size: int = 10, limit: int | None = None, budget: Budget | None = None) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch size must be at least 1, got {batch_size}")
        if limit is not None and limit < 1:
            raise ConfigError(f"--limit must be at least 1, got {limit}")
        self.components = components
        self.db = db
        self.dataset = components["dataset"]
        self.view_id = components.get("view_id", "ner")
        self.labels = list(components.get("labels", []))
        self.total = components.get("total")
        self.session_id = session_id or f"{self.dataset}-{uuid.uuid4().hex[:8]}"
        self.batch_size = batch_size
        self.limit = limit
        self.budget = budget
        self.exclude_by = components.get("exclude_by", "task")
        # views a recipe mixes in: a question stamped with one of these keeps it (ner.teach's
        # full-span control questions); every other question gets the session's view
        self.views = set(components.get("views") or ())
        self.counts: Counter[str] = Counter()
        self.exhausted = False
        self._update = components.get("update")
        self._lock = threading.RLock()
        self._seen = self._seen_hashes()
        self._stream: Iterator[Task] = iter(set_hashes(components["stream"]))
        self._requeued: deque[Task] = deque()
        self._open: dict[int, Task] = {}
        self._answered: dict[int, Task] = {}

    def _seen_hashes(self) -> set[int]:
        """Hashes already answered in the target dataset and the --exclude datasets."""
        names = [self.dataset, *self.components.get("exclude", [])]
        seen: set[int] = set()
        for name in names:
            if name == self.dataset and not self.db.exists(name):
                continue
            seen |= self.db.get_hashes(name, by=self.exclude_by)
        return seen

    def _key(self, task: Task) -> int:
        return task[INPUT_HASH] if self.exclude_by == "input" else task[TASK_HASH]

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> bool:
        """No question left to hand out (limit or budget reached, stream exhausted) and none open."""
        with self._lock:
            at_limit = self.limit is not None and self.answered >= self.limit
            spent = self.budget is not None and not self.budget.allows([])
            return (at_limit or spent or self.exhausted) and not self._open and not self._requeued

    def get_questions(self, n: int | None = None) -> list[Task]:
        """The next `n` questions (default: the batch size), never one already handed out."""
        with self._lock:
            n = self.batch_size if n is None else n
            if self.limit is not None:
                n = min(n, self.limit - self.answered - len(self._open))
            questions: list[Task] = []
            while len(questions) < n and self._budget_allows():
                task = self._next_task()
                if task is None:
                    break
                view = task.get(VIEW_ID) if task.get(VIEW_ID) in self.views else self.view_id
                task = {**task, VIEW_ID: view, SESSION_ID: self.session_id}
                self._open[task[TASK_HASH]] = task
                questions.append(task)
            return questions

    def _budget_allows(self) -> bool:
        """Whether the budget (if any) allows one more question beside the open ones."""
        return self.budget is None or self.budget.allows(list(self._open.values()))

    def _next_task(self) -> Task | None:
        if self._requeued:
            return self._requeued.popleft()
        for task in self._stream:
            if self._key(task) in self._seen or task[TASK_HASH] in self._open:
                continue
            self._seen.add(self._key(task))
            return task
        self.exhausted = True
        return None

    def receive_answers(self, answers: Iterable[Task]) -> list[Task]:
        """Check answers against the open questions, save them, then run `update` on them.

        Nothing is saved unless every answer in the batch is valid. Returns the stored tasks.
        """
        with self._lock:
            stored = [self._merge_answer(answer) for answer in answers]
            hashes = [task[TASK_HASH] for task in stored]
            if len(set(hashes)) != len(hashes):
                raise AnswerError("the same question is answered twice in one batch; send each once")
            if not stored:
                return []
            self.db.add_examples(self.dataset, stored)
            for task in stored:
                self._open.pop(task[TASK_HASH], None)
                self._answered[task[TASK_HASH]] = task
                self.counts[task[ANSWER]] += 1
            if self.budget is not None:
                self.budget.add(stored)
            if self._update is not None:
                self._update(stored)
            return stored

    def _merge_answer(self, answer: Task) -> Task:
        """The open question with the annotator's answer (and, for manual views, spans)."""
        task_hash = answer.get(TASK_HASH) if isinstance(answer, dict) else None
        question = self._open.get(task_hash) if isinstance(task_hash, int) else None
        if question is None:
            raise AnswerError(f"no open question has _task_hash {task_hash!r}; "
                              "answer only questions this session handed out")
        value = answer.get(ANSWER)
        if value not in ANSWERS:
            raise AnswerError(f"answer {value!r} for task {task_hash} is invalid; "
                              f"use one of: {', '.join(ANSWERS)}")
        merged = {**question, ANSWER: value, TIMESTAMP: int(time.time())}
        if question[VIEW_ID] == VIEW_NER_MANUAL and SPANS in answer:
            merged[SPANS] = check_spans(question, answer[SPANS], self.labels)
        return merged

    def undo(self, task_hash: int) -> Task:
        """Ask an answered question again; its next answer supersedes the stored one."""
        with self._lock:
            task = self._answered.pop(task_hash, None)
            if task is None:
                raise AnswerError(f"no answer of this session has _task_hash {task_hash!r} to undo")
            self.counts[task[ANSWER]] -= 1
            question = {k: v for k, v in task.items() if k not in (ANSWER, TIMESTAMP)}
            self._requeued.appendleft(question)
            return question

    def last_answered(self) -> int | None:
        """The task hash of this session's most recent answer still in force, if any."""
        with self._lock:
            return next(reversed(self._answered), None)

    def release(self, task_hashes: Iterable[int]) -> None:
        """Give open questions back (a closed tab), so they are asked again."""
        with self._lock:
            for task_hash in task_hashes:
                task = self._open.pop(task_hash, None)
                if task is not None:
                    self._requeued.append(task)

    def progress(self) -> dict[str, Any]:
        with self._lock:
            return {"dataset": self.dataset, "session_id": self.session_id,
                    "view_id": self.view_id, "answered": self.answered,
                    "total": self.limit if self.total is None else min(self.total, self.limit or self.total),
                    "counts": {a: self.counts[a] for a in ANSWERS}, "done": self.done,
                    **self._health()}

    def _health(self) -> dict[str, Any]:
        """{"health": ...} from the recipe's health check (control questions), if it has one."""
        health = self.components.get("health")
        return {"health": health()} if health is not None else {}

    def report(self, annotator_stats: dict[str, Any] | None = None) -> SessionReport:
        invalid = self.components.get("invalid")
        return SessionReport(self.dataset, self.session_id, self.answered,
                             {a: self.counts[a] for a in ANSWERS}, self.exhausted,
                             dict(annotator_stats or {}), int(getattr(invalid, "count", 0) or 0),
                             health=self._health().get("health"))

    def close(self) -> None:
        on_exit = self.components.get("on_exit")
        if on_exit is not None:
            on_exit(self)


def check_spans(question: Task, spans: Any, labels: list[str]) -> list[dict[str, Any]]:
    """Validate spans sent for a manual question: inside the text, on tokens, known label."""
    if not isinstance(spans, list):
        raise AnswerError("'spans' must be a list of {start, end, label} objects")
    text = question[TEXT]
    starts = {t["start"]: t["id"] for t in question.get("tokens", [])}
    ends = {t["end"]: t["id"] for t in question.get("tokens", [])}
    return [_check_span(i, span, text, starts, ends, labels) for i, span in enumerate(spans)]


def _check_span(i: int, span: Any, text: str, starts: dict[int, int], ends: dict[int, int],
                labels: list[str]) -> dict[str, Any]:
    if not isinstance(span, dict):
        raise AnswerError(f"span {i} is not an object; send {{start, end, label}}")
    start, end, label = span.get("start"), span.get("end"), span.get(LABEL)
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise AnswerError(f"span {i} has offsets start={start!r} end={end!r} outside the text "
                          f"(length {len(text)}); send 0 <= start < end <= length")
    if starts and (start not in starts or end not in ends):
        raise AnswerError(f"span {i} ({start}-{end}) is not on token boundaries; select whole tokens")
    if labels and label not in labels:
        raise AnswerError(f"span {i} has label {label!r}; choose one of: {', '.join(labels)}")
    out = {"start": start, "end": end, LABEL: label, "text": text[start:end]}
    if starts:
        out.update(token_start=starts[start], token_end=ends[end])
    return out


ANNOTATORS = {"gold": "al_ner.gold.v1", "terminal": "al_ner.terminal.v1", "web": "al_ner.web.v1"}


def make_annotator(name: str, **options: Any) -> Any:
    """Build an annotator by short name (gold, terminal, web) or registered name."""
    import importlib

    from .registry import annotators, get

    for module in ("gold", "terminal", "web"):
        try:
            importlib.import_module(f"{__package__}.annotators.{module}")
        except ModuleNotFoundError as err:
            if err.name != f"{__package__}.annotators.{module}":
                raise
    if name not in ANNOTATORS and name not in annotators.get_all():
        raise ConfigError(f"unknown annotator '{name}'; choose one of: {', '.join(ANNOTATORS)}")
    return get(annotators, ANNOTATORS.get(name, name))(**options)


def run_components(components: Components, *, annotator: str = "gold",
                   annotator_options: dict[str, Any] | None = None, db: Any = None,
                   limit: int | None = None, batch_size: int = 10,
                   session_id: str | None = None, catch_interrupt: bool = False,
                   budget: Budget | None = None) -> SessionReport:
    """Run a recipe's components with the chosen annotator until it stops; report the session.

    With `catch_interrupt`, Ctrl-C ends the session like a normal stop and the report says
    `interrupted` (answers are saved batch by batch, so nothing answered is lost).
    `budget` stops handing out questions once it is spent (see `al_ner.types.Budget`).
    """
    from .storage import Database, get_db

    database = db if isinstance(db, Database) else get_db(db)
    controller = Controller(components, database, session_id=session_id, batch_size=batch_size,
                            limit=limit, budget=budget)
    options = dict(annotator_options or {})
    if annotator == "gold":
        options.setdefault("labels", controller.labels)
    driver = make_annotator(annotator, **options)
    interrupted = False
    try:
        driver(controller)
    except KeyboardInterrupt:
        if not catch_interrupt:
            raise
        interrupted = True
    finally:
        controller.close()
    report = controller.report(getattr(driver, "stats", None))
    report.interrupted = interrupted
    return report


def run_recipe(name: str, *, annotator: str = "gold", annotator_options: dict[str, Any] | None = None,
               db: Any = None, limit: int | None = None, batch_size: int = 10,
               session_id: str | None = None, budget: Budget | None = None,
               **recipe_args: Any) -> SessionReport:
    """Run recipe `name` with `recipe_args`, answered by `annotator`: the API experiments use."""
    from .recipe import get_recipe

    components = get_recipe(name)(**recipe_args)
    return run_components(components, annotator=annotator, annotator_options=annotator_options,
                          db=db, limit=limit, batch_size=batch_size, session_id=session_id,
                          budget=budget)

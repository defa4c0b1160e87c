"""Drive one annotation session: questions out, answers in, to the dataset, then `update`.

Several people may answer one session in the browser, each under a name (``?session=alice``):
their answers carry ``_session_id`` and ``_annotator_id`` "DATASET-alice", as in Prodigy. The
recipe's ``config["feed_overlap"]`` decides whether every named session is asked every question
(True) or each question goes to one of them (False, the default: one shared queue).
"""

from __future__ import annotations

import copy
import re
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .constants import (ACCEPT, ANNOTATOR_ID, ANSWER, ANSWERS, END, FLAGGED, INPUT_HASH, LABEL,
                        OPTIONS, SELECTED, SESSION_ID, SPANS, START, TASK_HASH, TEXT, TIMESTAMP,
                        TOKEN_END, TOKEN_START, TOKENS, VIEW_CHOICE, VIEW_ID, VIEW_NER_MANUAL)
from .errors import AnswerError, ConfigError, InvalidTaskError, RecipeError, SessionError
from .recipe_components import check_components, served
from .storage import annotator_of
from .stream.hashing import set_hash, set_hashes
from .stream.progress import QUESTIONS
from .stream.validate import check_spans, is_int, json_problem, task_problem
from .types import Budget, Components, Task

QUESTION = "question"  # an answer may carry its question, so a restarted server can check it
SESSION_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
SESSION_RULE = "1-64 letters, digits, '_', '-' or '.'"
# what an answer adds to its question: left out when a question sent back is rehashed
_ANSWER_KEYS = (ANSWER, TIMESTAMP, SESSION_ID, ANNOTATOR_ID, VIEW_ID, FLAGGED, SELECTED)
KEEP_SESSION = ("open the page with ?session=NAME, or start al-ner with --session ID, to keep one "
                "session across restarts")


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
    notes: list[str] = field(default_factory=list)  # what the recipe's on_exit had to say
    empty: bool = False  # the stream ended without giving a single question
    source: str | None = None  # the recipe's source, when it reports one (its progress)
    source_records: int | None = None  # the records (texts) in it, counted when `empty`


@dataclass
class Feed:
    """One queue of questions: the keys it never asks (again), the questions open (with the time
    each was handed out or renewed), those given back, and the answers that can be undone."""

    seen: set[int]
    open: dict[int, Task] = field(default_factory=dict)
    leased: dict[int, float] = field(default_factory=dict)
    requeued: deque[Task] = field(default_factory=deque)
    answered: dict[int, Task] = field(default_factory=dict)
    cursor: int = 0  # with feed_overlap: the next position in the shared history


class Controller:
    """Hands out each question once, checks and stores answers, and calls the recipe's `update`.

    Thread-safe: a web server's handlers and a terminal loop use the same methods. `session`
    arguments name a person's session (the web app's ``?session=NAME``); None is the default one.
    """

    def __init__(self, components: Components, db: Any, *, session_id: str | None = None,
                 batch_size: int | None = None, limit: int | None = None,
                 budget: Budget | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        components, self.notes = check_components(components)  # Prodigy's keys as al-ner's
        config = components["config"]
        batch_size = batch_size if batch_size is not None else int(config.get("batch_size") or 10)
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
        self.session_id = session_id or _recipe_session_id(components) or \
            f"{self.dataset}-{uuid.uuid4().hex[:8]}"
        self.batch_size = batch_size
        self.limit = limit
        self.budget = budget
        self.exclude_by = components.get("exclude_by", "task")
        # views a recipe mixes in: a question stamped with one of these keeps it (ner.teach's
        # full-span control questions); every other question gets the session's view
        self.views = set(components.get("views") or ())
        self.feed_overlap = bool(config.get("feed_overlap", False))
        # the names ?session=NAME may take ($PRODIGY_ALLOWED_SESSIONS); empty: any
        self.allowed_sessions = set(config.get("allowed_sessions") or ())
        self.counts: Counter[str] = Counter()
        self.exhausted = False
        self.failed: BaseException | None = None
        self._update = components.get("update")
        self._last_update: Any = None  # what `update` returned last (a Prodigy progress reads it)
        self._lock = threading.RLock()
        self._clock = clock
        self._excluded = self._excluded_hashes()
        # _given: task hash -> session -> what its answer in force said (see `said`)
        self._prior, self._dataset_before, self._by_session, self._given = self._prior_answers()
        self._stream: Iterator[Task] = iter(set_hashes(served(components)))
        self._history: list[Task] = []  # with feed_overlap: every task pulled, for every feed
        self._pulled = 0  # tasks taken from the stream
        self._version = 0  # grows with every change of the counts: a tab keeps the newest
        self._session_counts: dict[str, Counter[str]] = {}
        # Prodigy's auto_exclude_current: False asks again what the dataset already answers
        prior = self._prior if config.get("auto_exclude_current", True) else set()
        self._shared = Feed(seen=prior | self._excluded)  # every session's, without overlap
        self._feeds: dict[str, Feed] = {} if self.feed_overlap else {self.session_id: self._shared}
        if components.get("on_load") is not None:
            components["on_load"](self)

    @classmethod
    def from_components(cls, name: str, components: Components,
                        config_overrides: dict[str, Any] | None = None) -> Controller:
        """A controller over a recipe's components and the default database (Prodigy's
        Controller.from_components, for a recipe that returns a Controller)."""
        from .storage import get_db

        config = {**(components.get("config") or {}), **(config_overrides or {})}
        checked, _ = check_components({**components, "config": config})
        return cls(checked, _session_db(checked, get_db()))

    # ------------------------------------------------------------------ what was answered

    def _excluded_hashes(self) -> set[int]:
        """Hashes the --exclude datasets answer."""
        seen: set[int] = set()
        for name in self.components.get("exclude", []):
            seen |= self.db.get_hashes(name, by=self.exclude_by)
        return seen

    def _prior_answers(self) -> tuple[set[int], int, dict[str, set[int]], dict[int, dict[str, Any]]]:
        """The target dataset's keys, its size, (feed_overlap) each session's keys, and what
        each session's answer in force to each task said."""
        keys: set[int] = set()
        by_session: dict[str, set[int]] = {}
        given: dict[int, dict[str, Any]] = {}
        count = 0
        if self.db.exists(self.dataset):
            for example in self.db.get_examples(self.dataset):
                key = self._key(example)
                keys.add(key)
                count += 1
                if self.feed_overlap:
                    by_session.setdefault(str(example.get(SESSION_ID)), set()).add(key)
                given.setdefault(example[TASK_HASH], {})[annotator_of(example)] = said(example)
        return keys, count, by_session, given

    def _key(self, task: Task) -> int:
        return task[INPUT_HASH] if self.exclude_by == "input" else task[TASK_HASH]

    def session_for(self, name: str | None) -> str:
        """The session id of the person called `name` ("DATASET-name"), or the default one."""
        if name is None:
            return self.session_id
        if not isinstance(name, str) or not SESSION_NAME.fullmatch(name):
            raise ConfigError(f"invalid session name {name!r}: use {SESSION_RULE}")
        if self.allowed_sessions and name not in self.allowed_sessions:
            raise ConfigError(f"session name {name!r} is not allowed here; use one of: "
                              f"{', '.join(sorted(self.allowed_sessions))}")
        return f"{self.dataset}-{name}"

    def _feed(self, session: str | None) -> tuple[Feed, str]:
        sid = self.session_for(session)
        if not self.feed_overlap:
            return self._shared, sid
        if sid not in self._feeds:
            self._feeds[sid] = Feed(seen=self._by_session.get(sid, set()) | self._excluded)
        return self._feeds[sid], sid

    # the default feed, by the names tests and older callers know
    @property
    def _open(self) -> dict[int, Task]:
        return self._shared.open

    @property
    def _requeued(self) -> deque[Task]:
        return self._shared.requeued

    @property
    def _answered(self) -> dict[int, Task]:
        return self._shared.answered

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> bool:
        """No question left to hand out (limit or budget reached, stream exhausted) and none open."""
        with self._lock:
            return all(self._feed_done(feed) for feed in self._unique_feeds())

    def _feed_done(self, feed: Feed) -> bool:
        at_limit = self.limit is not None and self.answered >= self.limit
        spent = self.budget is not None and not self.budget.allows([])
        drained = self.exhausted and (not self.feed_overlap or feed.cursor >= len(self._history))
        return (at_limit or spent or drained) and not feed.open and not feed.requeued

    def _unique_feeds(self) -> list[Feed]:
        feeds = list({id(feed): feed for feed in self._feeds.values()}.values())
        return feeds or [self._shared]

    def _all_open(self) -> list[Task]:
        return [task for feed in self._unique_feeds() for task in feed.open.values()]

    # -------------------------------------------------------------------------- questions

    def get_questions(self, n: int | None = None, *, session: str | None = None) -> list[Task]:
        """The next `n` questions (default: the batch size), never one already handed out."""
        with self._lock:
            feed, sid = self._feed(session)
            n = self.batch_size if n is None else n
            if self.limit is not None:
                n = min(n, self.limit - self.answered - len(self._all_open()))
            questions: list[Task] = []
            while len(questions) < n and self._budget_allows():
                task = self._next_task(feed)
                if task is None:
                    break
                task = {**task, VIEW_ID: self._view_of(task), SESSION_ID: sid}
                feed.open[task[TASK_HASH]] = task
                feed.leased[task[TASK_HASH]] = self._clock()
                questions.append(task)
            return questions

    def prime(self) -> None:
        """Read the first question now, so that a broken source fails before anyone is asked
        (the web annotator calls this before it prints its address). The order is unchanged."""
        with self._lock:
            if self.feed_overlap:
                if not self._history and (task := self._next_from_stream()) is not None:
                    self._history.append(task)
            elif not self._shared.requeued and (task := self._next_task(self._shared)) is not None:
                self._shared.requeued.appendleft(task)

    def _budget_allows(self) -> bool:
        """Whether the budget (if any) allows one more question beside the open ones."""
        return self.budget is None or self.budget.allows(self._all_open())

    def _next_task(self, feed: Feed) -> Task | None:
        if feed.requeued:
            return feed.requeued.popleft()
        while (task := self._pull(feed)) is not None:
            if self._key(task) in feed.seen or task[TASK_HASH] in feed.open:
                continue
            feed.seen.add(self._key(task))
            return task
        return None

    def _pull(self, feed: Feed) -> Task | None:
        """The feed's next task from the stream (through the shared history with feed_overlap)."""
        if self.feed_overlap and feed.cursor < len(self._history):
            feed.cursor += 1
            return self._history[feed.cursor - 1]
        task = self._next_from_stream()
        if task is not None and self.feed_overlap:
            self._history.append(task)
            feed.cursor += 1
        return task

    def _next_from_stream(self) -> Task | None:
        """The stream's next task; a source that failed once fails on every later call too."""
        if self.failed is not None:
            raise self.failed
        try:
            task = next(self._stream, None)
        except Exception as err:
            self.failed = err
            raise
        if task is None:
            self.exhausted = True
        else:
            self._pulled += 1
        return task

    def _view_of(self, task: Task) -> str:
        """A question's view: its own when the recipe mixes that view in (ner.teach's full-span
        questions in a binary session), else the session's."""
        view = task.get(VIEW_ID)
        return view if isinstance(view, str) and view in self.views else self.view_id

    # ---------------------------------------------------------------------------- answers

    def receive_answers(self, answers: Iterable[Task], *, session: str | None = None) -> list[Task]:
        """Check answers against the open questions, save them, then run `update` on them.

        Nothing is saved unless every answer in the batch is valid. An answer to a question
        that isn't open (a tab that outlived a server restart, or whose lease ran out) is taken
        when it carries its question (``"question"``) and that question's hashes check out.
        An answer the session already gave, the same, is a replay (a tab that never saw the
        reply): accepted, not saved again. Returns the stored tasks.
        """
        with self._lock:
            feed, sid = self._feed(session)
            merged = [self._merge_answer(feed, sid, answer) for answer in answers]
            hashes = [task[TASK_HASH] for task, _ in merged]
            if len(set(hashes)) != len(hashes):
                raise AnswerError("the same question is answered twice in one batch; send each once")
            stored = [task for task, replay in merged if not replay]
            if not stored:
                return []
            self.db.add_examples(self.dataset, self._for_db(stored))
            for task in stored:
                self._record(feed, sid, task)
            if self.budget is not None:
                self.budget.add(stored)
            if self._update is not None:
                self._last_update = self._update(stored)
            return stored

    def check_answer(self, answer: Task, *, session: str | None = None) -> None:
        """Raise AnswerError if `answer` would be refused (the recipe's validate_answer, say),
        saving nothing: the web app asks before it moves on, so the person can fix it."""
        with self._lock:
            feed, sid = self._feed(session)
            self._merge_answer(feed, sid, answer)

    def _for_db(self, stored: list[Task]) -> list[Task]:
        """What the dataset gets: the answers, through the recipe's before_db (on copies, so
        `update` sees the answers as given)."""
        before_db = self.components.get("before_db")
        if before_db is None:
            return stored
        changed = before_db(copy.deepcopy(stored))
        if not isinstance(changed, list):
            raise RecipeError(f"the recipe's before_db returned {type(changed).__name__}, not the "
                              "list of examples to save; return the examples")
        return changed

    def _record(self, feed: Feed, sid: str, task: Task) -> None:
        task_hash = task[TASK_HASH]
        feed.open.pop(task_hash, None)
        feed.leased.pop(task_hash, None)
        if any(q[TASK_HASH] == task_hash for q in feed.requeued):
            feed.requeued = deque(q for q in feed.requeued if q[TASK_HASH] != task_hash)
        feed.seen.add(self._key(task))
        feed.answered[task_hash] = task
        self._given.setdefault(task_hash, {})[sid] = said(task)
        self.counts[task[ANSWER]] += 1
        self._session_counts.setdefault(sid, Counter())[task[ANSWER]] += 1
        self._version += 1

    def _merge_answer(self, feed: Feed, sid: str, answer: Task) -> tuple[Task, bool]:
        """The question with the annotator's answer (and spans, choices, flag), for saving, and
        whether it only repeats the answer in force (a replay: nothing to save)."""
        task_hash = answer.get(TASK_HASH) if isinstance(answer, dict) else None
        question = self._handed(feed, sid, task_hash)
        sent_back = question is None
        if sent_back:
            question = self._sent_back(answer, task_hash)
        value = answer.get(ANSWER)
        if value not in ANSWERS:
            raise AnswerError(f"answer {value!r} for task {task_hash} is invalid; "
                              f"use one of: {', '.join(ANSWERS)}")
        merged = {**question, ANSWER: value, TIMESTAMP: int(time.time()), SESSION_ID: sid,
                  ANNOTATOR_ID: sid, **self._what_was_said(question, value, answer)}
        if (problem := json_problem(merged)) is not None:
            raise AnswerError(f"the answer to question {task_hash} can't be saved: {problem}")
        _validate_answer(self.components.get("validate_answer"), merged)
        return merged, sent_back and self._replayed(merged, sid, self._handed_to(answer, sid))

    def _what_was_said(self, question: Task, value: str, answer: Task) -> dict[str, Any]:
        """What an answer adds to its question: a manual answer's spans, a choice, the flag."""
        extra: dict[str, Any] = {}
        if question[VIEW_ID] == VIEW_NER_MANUAL and SPANS in answer:
            extra[SPANS] = self._answer_spans(question, answer[SPANS])
        if question[VIEW_ID] == VIEW_CHOICE:
            extra.update(self._choice_answer(question, value, answer))
        if answer.get(FLAGGED) is True:
            extra[FLAGGED] = True
        return extra

    def _sent_back(self, answer: Any, task_hash: Any) -> Task:
        """The question an answer carries, if its hashes and spans check out (else AnswerError)."""
        question = answer.get(QUESTION) if isinstance(answer, dict) else None
        missing = f"no open question has _task_hash {task_hash!r}"
        if not (is_int(task_hash) and isinstance(question, dict)):
            raise AnswerError(f"{missing}; answer only questions this session handed out")
        problem = self._question_problem(question, task_hash)
        if problem is not None:
            raise AnswerError(f"{missing}, and the question sent with the answer {problem}")
        plain = {k: v for k, v in question.items() if k not in _ANSWER_KEYS}
        return {**plain, VIEW_ID: self._view_of(question), SESSION_ID: self.session_id}

    def _question_problem(self, question: Task, task_hash: int) -> str | None:
        """What is wrong with a question sent back: a view this session doesn't show, a broken
        task or spans, hashes not its own; None when it checks out."""
        view = question.get(VIEW_ID, self.view_id)
        if not (view == self.view_id or (isinstance(view, str) and view in self.views)):
            return f"has view {view!r}, which this session doesn't show"
        problem = task_problem(question)
        if problem is not None:
            return f"is invalid: {problem}"
        try:
            check_spans(question.get(SPANS, []), question[TEXT], tokens=question.get(TOKENS) or None,
                        labels=self.labels or None)
        except InvalidTaskError as err:
            return f"is invalid: {err}"
        rehashed = set_hash({k: v for k, v in question.items() if k not in _ANSWER_KEYS},
                            overwrite=True)
        if rehashed[INPUT_HASH] != question.get(INPUT_HASH) or rehashed[TASK_HASH] != task_hash:
            return "doesn't hash to it; answer only questions this session handed out"
        return None

    def _answer_spans(self, question: Task, spans: Any) -> list[dict[str, Any]]:
        """A manual answer's spans, checked by the one span validator (no overlaps)."""
        text = question[TEXT]
        try:
            checked = check_spans(spans, text, tokens=question.get(TOKENS) or None,
                                  labels=self.labels or None, overlap=False)
        except InvalidTaskError as err:
            raise AnswerError(str(err)) from err
        return [_plain_span(span, text) for span in checked]

    def _choice_answer(self, question: Task, value: str, answer: Task) -> dict[str, Any]:
        """{"accept": [ids]} of a choice answer: accepted, exactly one of the question's option
        ids (several with config choice_style "multiple"); otherwise any of them, or none."""
        if value != ACCEPT and SELECTED not in answer:
            return {}
        chosen = _choices(question, answer.get(SELECTED))
        multiple = (self.components.get("config") or {}).get("choice_style") == "multiple"
        if value == ACCEPT and not (len(chosen) == 1 or (multiple and chosen)):
            ids = ", ".join(map(repr, _option_ids(question)))
            how_many = "one or more" if multiple else "exactly one"
            raise AnswerError(f"an accepted choice must select {how_many} of the question's "
                              f"options ({ids}) in '{SELECTED}', got {answer.get(SELECTED)!r}")
        return {SELECTED: chosen}

    # ------------------------------------------------------- whose questions, whose answers

    def _handed(self, feed: Feed, sid: str, task_hash: Any) -> Task | None:
        """The open question `task_hash` if it was handed to `sid`; None if it isn't open
        (SessionError if another session holds it)."""
        question = feed.open.get(task_hash) if is_int(task_hash) else None
        if question is not None:
            self._check_holder(feed, sid, [task_hash])
        return question

    def _check_holder(self, feed: Feed, sid: str, task_hashes: list[int]) -> None:
        """SessionError unless every open question among `task_hashes` was handed to `sid`."""
        others = [h for h in task_hashes if h in feed.open and feed.open[h].get(SESSION_ID) != sid]
        if others:
            raise SessionError(f"question{'s' * (len(others) > 1)} {', '.join(map(str, others))} "
                               "handed to another session: a session answers, renews and releases "
                               "only the questions it was handed", task_hashes=others)

    def _handed_to(self, answer: Task, sid: str) -> str:
        """The session a question sent back was handed to, as the question says: a replay of its
        answer is no new answer even from a session restarted under another id (only its own
        session's counts with feed_overlap, where every session answers every question)."""
        question = answer.get(QUESTION)
        if self.feed_overlap or not isinstance(question, dict):
            return sid
        return str(question.get(SESSION_ID) or sid)

    def _replayed(self, task: Task, sid: str, owner: str) -> bool:
        """Whether `task` repeats the answer in force of `owner` (the session the question was
        handed to) to its question; AnswerError if the question was answered otherwise."""
        task_hash = task[TASK_HASH]
        given = self._given.get(task_hash, {})
        if owner in given and given[owner] == said(task):
            return True
        if sid in given:
            raise AnswerError(f"question {task_hash} is already answered by this session "
                              f"({given[sid][0]}); undo it first to answer it again")
        if given and not self.feed_overlap:
            raise SessionError(f"question {task_hash} was already answered by another session; a "
                               "session answers only the questions it was handed",
                               task_hashes=[task_hash])
        return False

    # ----------------------------------------------------------------- undo, release, leases

    def undo(self, task_hash: int, *, session: str | None = None) -> Task:
        """Ask an answered question again; its next answer supersedes the stored one. A session
        undoes only its own answers (of this run, or saved before a restart)."""
        with self._lock:
            feed, sid = self._feed(session)
            task = self._own_answer(feed, sid, task_hash)
            self._given.get(task_hash, {}).pop(sid, None)
            self._version += 1
            question = {k: v for k, v in task.items() if k not in (ANSWER, TIMESTAMP, FLAGGED, SELECTED)}
            feed.requeued.appendleft(question)
            return question

    def _own_answer(self, feed: Feed, sid: str, task_hash: int) -> Task:
        """This session's answer in force to `task_hash`, taken out of this run's counts."""
        task = feed.answered.get(task_hash)
        if task is not None and task.get(SESSION_ID) == sid:
            del feed.answered[task_hash]
            self.counts[task[ANSWER]] -= 1
            self._session_counts.setdefault(sid, Counter())[task[ANSWER]] -= 1
            return task
        given = self._given.get(task_hash, {})
        if sid in given:
            return self._saved_answer(sid, task_hash)
        if given:
            raise SessionError(f"question {task_hash} was answered by {', '.join(sorted(given))}, "
                               f"not by this session ({sid}): a session undoes only its own answers "
                               f"({KEEP_SESSION})", task_hashes=[task_hash])
        raise AnswerError(f"no answer of this session has _task_hash {task_hash!r} to undo")

    def _saved_answer(self, sid: str, task_hash: int) -> Task:
        """The last answer `sid` saved to `task_hash` (before a restart), from the dataset."""
        found = None
        for example in self.db.get_examples(self.dataset):
            if example[TASK_HASH] == task_hash and annotator_of(example) == sid:
                found = example
        if found is None:
            raise AnswerError(f"no answer of this session has _task_hash {task_hash!r} to undo")
        return {**found, VIEW_ID: self._view_of(found)}

    def last_answered(self, *, session: str | None = None) -> int | None:
        """The task hash of this session's most recent answer still in force, if any."""
        with self._lock:
            feed, sid = self._feed(session)
            mine = (h for h, task in reversed(feed.answered.items()) if task.get(SESSION_ID) == sid)
            return next(mine, None)

    def release(self, task_hashes: Iterable[int], *, session: str | None = None) -> None:
        """Give open questions back (a closed tab), so they are asked again."""
        with self._lock:
            feed, sid = self._feed(session)
            hashes = list(task_hashes)
            self._check_holder(feed, sid, hashes)
            for task_hash in hashes:
                task = feed.open.pop(task_hash, None)
                feed.leased.pop(task_hash, None)
                if task is not None:
                    feed.requeued.append(task)

    def renew(self, task_hashes: Iterable[int], *, session: str | None = None) -> int:
        """Renew the leases of open questions a live tab still holds, taking back those whose
        lease ran out while nobody else took them; returns how many it holds."""
        with self._lock:
            feed, sid = self._feed(session)
            hashes = list(task_hashes)
            self._check_holder(feed, sid, hashes)
            now = self._clock()
            held = [h for h in hashes if h in feed.open or self._retake(feed, sid, h)]
            for task_hash in held:
                feed.leased[task_hash] = now
            return len(held)

    def _retake(self, feed: Feed, sid: str, task_hash: int) -> bool:
        """Move `sid`'s question `task_hash` from the given-back ones to the open ones, if there."""
        for task in feed.requeued:
            if task[TASK_HASH] == task_hash and task.get(SESSION_ID) == sid:
                feed.requeued.remove(task)
                feed.open[task_hash] = task
                return True
        return False

    def reclaim(self, older_than: float) -> int:
        """Give back every open question whose lease is older than `older_than` seconds (a tab
        that died without saying so), first in line; returns how many."""
        with self._lock:
            now = self._clock()
            count = 0
            for feed in self._unique_feeds():
                expired = sorted((t, h) for h, t in feed.leased.items() if now - t > older_than)
                tasks = [feed.open.pop(h) for _, h in expired if h in feed.open]
                for _, task_hash in expired:
                    feed.leased.pop(task_hash, None)
                feed.requeued.extendleft(reversed(tasks))
                count += len(tasks)
            return count

    # ---------------------------------------------------------------------------- reports

    def progress(self, *, session: str | None = None) -> dict[str, Any]:
        """This session's counts, the dataset's total, and how far through the source it is:
        `position` of `total` (None when unknown) in `unit`: questions when each record is one,
        else the source's texts (records). Totals are counted, never estimated."""
        with self._lock:
            feed, sid = self._feed(session)
            counts = self.counts if sid == self.session_id and not self._named() else \
                self._session_counts.get(sid, Counter())
            source_total, unit = self._source_total()
            limited = self.limit is not None and (source_total is None or self.limit < source_total)
            position = self._position(feed) if unit == QUESTIONS else self.components["progress"].position
            return {"dataset": self.dataset, "session_id": sid, "view_id": self.view_id,
                    "answered": sum(counts[a] for a in ANSWERS),
                    "total": self.limit if limited else source_total,
                    "unit": QUESTIONS if limited else unit, "estimated": False,
                    "position": None if limited or source_total is None else position,
                    "counts": {a: counts[a] for a in ANSWERS},
                    "dataset_total": self._dataset_before + self.answered,
                    "done": self._feed_done(feed), "empty": self._empty(),
                    "version": self._version, **self._health(), **self._recipe_progress()}

    def _recipe_progress(self) -> dict[str, Any]:
        """{"share": 0-1} from a Prodigy recipe's progress(ctrl, update_return), if it has one."""
        progress = self.components.get("progress")
        if not callable(progress):
            return {}
        try:
            share = progress(self, self._last_update)
        except Exception as err:
            raise RecipeError(f"the recipe's progress function failed: {type(err).__name__}: "
                              f"{err}") from err
        return {"share": None if share is None else min(1.0, max(0.0, float(share)))}

    def _health(self) -> dict[str, Any]:
        """{"health": ...} from the recipe's health check (control questions), if it has one."""
        health = self.components.get("health")
        return {"health": health()} if health is not None else {}

    def _source_total(self) -> tuple[int | None, str]:
        """How many questions (or, unless each record is one question, texts) the source holds."""
        if self.total is not None:
            return self.total, QUESTIONS
        source = self.components.get("progress")
        source = None if callable(source) else source  # a Prodigy progress function: see share
        records = source.total() if source is not None else None
        if source is None or records is None:
            return None, QUESTIONS
        return records, source.unit

    def _position(self, feed: Feed) -> int:
        """Questions of the source decided so far (answered, or skipped as answered before)."""
        pulled = feed.cursor if self.feed_overlap else self._pulled
        return max(0, pulled - len(feed.open) - len(feed.requeued))

    def _named(self) -> bool:
        """Whether anyone answered under a session name (counts then differ per session)."""
        return any(sid != self.session_id for sid in self._session_counts)

    def _empty(self) -> bool:
        """Whether the stream ended without giving a single task (questions answered in an
        earlier session still count as given)."""
        return self.exhausted and self._pulled == 0

    def report(self, annotator_stats: dict[str, Any] | None = None) -> SessionReport:
        invalid = self.components.get("invalid")
        source = self.components.get("progress")
        empty = self._empty()
        return SessionReport(self.dataset, self.session_id, self.answered,
                             {a: self.counts[a] for a in ANSWERS}, self.exhausted,
                             dict(annotator_stats or {}), int(getattr(invalid, "count", 0) or 0),
                             health=self._health().get("health"), empty=empty,
                             source=getattr(source, "source", None),
                             source_records=source.wait(5) if empty and source is not None else None)

    def close(self) -> list[str]:
        """Run the recipe's on_exit; returns the lines it has to say (an A/B result, say)."""
        on_exit = self.components.get("on_exit")
        if on_exit is None:
            return []
        said = on_exit(self)
        if said is None:
            return []
        return [said] if isinstance(said, str) else [str(line) for line in said]


def _recipe_session_id(components: Components) -> str | None:
    """The session id a Prodigy recipe's get_session_id gives, if it has one."""
    make = components.get("get_session_id")
    if make is None:
        return None
    session_id = make()
    if not isinstance(session_id, str) or not session_id:
        raise RecipeError(f"the recipe's get_session_id returned {session_id!r}, not a string")
    return session_id


def _validate_answer(validate: Callable[[Task], Any] | None, answer: Task) -> None:
    """Run a recipe's validate_answer on a copy of `answer`: whatever it raises refuses the
    answer, its message (what the person sees) becoming the AnswerError's."""
    if validate is None:
        return
    try:
        validate(copy.deepcopy(answer))
    except Exception as err:
        raise AnswerError(str(err) or type(err).__name__) from err


def _plain_span(span: dict[str, Any], text: str) -> dict[str, Any]:
    """The keys a saved manual span has: offsets, label, its text and token offsets if known."""
    out = {START: span[START], END: span[END], LABEL: span[LABEL], TEXT: text[span[START]:span[END]]}
    if TOKEN_START in span:
        out.update({TOKEN_START: span[TOKEN_START], TOKEN_END: span[TOKEN_END]})
    return out


def _choices(question: Task, selected: Any) -> list[Any]:
    """The option ids a choice answer selects, each one of the question's options: the same
    value and type (JSON true or 1.0 is not option 1)."""
    ids = _option_ids(question)
    if not (isinstance(selected, list)
            and all(any(type(c) is type(i) and c == i for i in ids) for c in selected)):
        raise AnswerError(f"'{SELECTED}' must be a list of option ids ({', '.join(map(repr, ids))}), "
                          f"got {selected!r}")
    return list(dict.fromkeys(selected))


def _option_ids(question: Task) -> list[Any]:
    return [option.get("id") for option in question.get(OPTIONS) or [] if isinstance(option, dict)]


def said(answer: Task) -> tuple[Any, ...]:
    """What an answer says, to tell a replay from a new answer: the answer, the spans, the
    options chosen and the flag."""
    spans = tuple(sorted(repr((s.get(START), s.get(END), s.get(LABEL))) for s in answer.get(SPANS) or []
                         if isinstance(s, dict)))  # repr: imported spans may lack offsets
    selected = answer.get(SELECTED)
    return (answer.get(ANSWER), spans, repr(selected) if selected is not None else None,
            answer.get(FLAGGED) is True)


ANNOTATORS = {"gold": "al_ner.gold.v1", "terminal": "al_ner.terminal.v1", "web": "al_ner.web.v1"}


def make_annotator(name: str, **options: Any) -> Any:
    """Build an annotator by short name (gold, terminal, web) or registered name."""
    from .registry import annotators, get, names

    if name not in ANNOTATORS and name not in names(annotators):
        raise ConfigError(f"unknown annotator '{name}'; choose one of: {', '.join(ANNOTATORS)}")
    return get(annotators, ANNOTATORS.get(name, name))(**options)


def run_components(components: Components | Controller, *, annotator: str = "gold",
                   annotator_options: dict[str, Any] | None = None, db: Any = None,
                   limit: int | None = None, batch_size: int | None = None,
                   session_id: str | None = None, catch_interrupt: bool = False,
                   budget: Budget | None = None) -> SessionReport:
    """Run a recipe's components with the chosen annotator until it stops; report the session.

    With `catch_interrupt`, Ctrl-C ends the session like a normal stop and the report says
    `interrupted` (answers are saved batch by batch, so nothing answered is lost).
    `budget` stops handing out questions once it is spent (see `al_ner.types.Budget`).
    batch_size None: the recipe's config batch_size, else 10. The recipe's "db" (False: save
    nothing; a Database) wins over `db`; its config host and port are the web annotator's.
    A Controller (a recipe may return one) is run as it is.
    """
    if isinstance(components, Controller):
        controller = components
    else:
        components, _ = check_components(components)
        controller = Controller(components, _session_db(components, db), session_id=session_id,
                                batch_size=batch_size, limit=limit, budget=budget)
    config = controller.components["config"]
    options = dict(annotator_options or {})
    if annotator == "gold":
        options.setdefault("labels", controller.labels)
    if annotator == "web":
        options.update({key: config[key] for key in ("host", "port")
                        if config.get(key) is not None and key not in options})
    driver = make_annotator(annotator, **options)
    interrupted = False
    try:
        driver(controller)
    except KeyboardInterrupt:
        if not catch_interrupt:
            raise
        interrupted = True
    finally:
        notes = controller.close()
    report = controller.report(getattr(driver, "stats", None))
    report.interrupted = interrupted
    report.notes = notes
    return report


def _session_db(components: Components, db: Any) -> Any:
    """The store a session saves to: the recipe's own, none ("db": False), or `db`."""
    from .storage import Database, NoSaveDatabase, get_db

    own = components.get("db")
    base = db if isinstance(db, Database) else get_db(db)
    if own is False:
        return NoSaveDatabase(base.path)
    return base if own is None or own is True else own


def run_recipe(name: str, *, annotator: str = "gold", annotator_options: dict[str, Any] | None = None,
               db: Any = None, limit: int | None = None, batch_size: int | None = None,
               session_id: str | None = None, budget: Budget | None = None,
               **recipe_args: Any) -> SessionReport:
    """Run recipe `name` with `recipe_args`, answered by `annotator`: the API experiments use.

    A recipe that reads datasets (it takes `db`) reads them from the same database, as on the
    command line.
    """
    import inspect

    from .recipe import get_recipe

    func = get_recipe(name)
    if db is not None and "db" in inspect.signature(func).parameters:
        recipe_args.setdefault("db", db)
    components = func(**recipe_args)
    if components is None:
        raise RecipeError(f"recipe '{name}' returned None: it has no session to run")
    return run_components(components, annotator=annotator, annotator_options=annotator_options,
                          db=db, limit=limit, batch_size=batch_size, session_id=session_id,
                          budget=budget)

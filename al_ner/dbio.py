"""The work behind the db commands: import Prodigy exports, export datasets, dataset statistics."""

from __future__ import annotations

import itertools
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .constants import (ANSWER, ANSWERS, END, IGNORE, INPUT_HASH, LABEL, SESSION_ID,
                        SPANS, START, TASK_HASH, TEXT, TIMESTAMP, VIEW_ID, VIEW_NER, VIEW_NER_MANUAL)
from .errors import ConfigError, InputError, InvalidTaskError
from .storage import (NO_SESSION, Database, annotator_of, answer_key, encode, json_object,
                      latest_answers, replacing)
from .stream.hashing import set_hash
from .stream.validate import check_spans, is_int, task_problem, textcat_problem
from .types import Task

STDIO = "-"
_BOM = b"\xef\xbb\xbf"


@dataclass
class ImportReport:
    """What `db-in` did: tasks saved, tasks already in the dataset, invalid lines skipped."""

    imported: int = 0
    existing: int = 0  # same _task_hash as an example already saved in the dataset
    invalid: int = 0  # skipped with skip_invalid (each counted once, by its first problem)
    blank: int = 0  # of the invalid: texts that are only whitespace
    messages: list[str] = field(default_factory=list)  # the first few skip messages

    def skip(self, message: str) -> None:
        self.invalid += 1
        self.blank += "is blank" in message
        if len(self.messages) < 5:
            self.messages.append(message)


def import_file(db: Database, dataset: str, source: str | Path, *, answer: str | None = None,
                rehash: bool = False, skip_invalid: bool = False) -> ImportReport:
    """Import a Prodigy JSONL export (`source`, "-" for stdin) into `dataset`.

    Every line is checked first and the new tasks are saved in one batch, so a bad line saves
    nothing, unless `skip_invalid`: then bad lines are skipped and counted. Answers the dataset
    already holds (the same `_task_hash` from the same session; from any session for a line
    that names none) are skipped and counted, so importing a file twice adds nothing the second
    time, while another annotator's answers to the same questions are all imported.
    """
    db.path_for(dataset)  # a bad name fails before the file is read
    if answer is not None and answer not in ANSWERS:
        raise ConfigError(f"--answer must be one of {', '.join(ANSWERS)}, got {answer!r}")
    report = ImportReport()
    session = import_session(dataset)
    tasks = read_import(source, dataset=dataset, answer=answer, rehash=rehash,
                        on_invalid=report.skip if skip_invalid else None, session=session)
    held = _held_answers(db, dataset)
    new = [task for task in tasks if not _holds(held, task, session)]
    report.existing = len(tasks) - len(new)
    if new:
        db.add_examples(dataset, new)
    report.imported = len(new)
    return report


def _held_answers(db: Database, dataset: str) -> dict[int, set[str]]:
    """task hash -> the sessions (annotators) whose answer to it the dataset holds."""
    held: dict[int, set[str]] = {}
    for example in db.get_examples(dataset) if db.exists(dataset) else ():
        held.setdefault(example[TASK_HASH], set()).add(annotator_of(example))
    return held


def _holds(held: dict[int, set[str]], task: Task, session: str) -> bool:
    """Whether the dataset holds `task`'s answer: its session's, or anyone's when the line named
    no session (it got the import's `session`)."""
    sessions = held.get(task[TASK_HASH], set())
    who = annotator_of(task)
    return who in sessions or (who == session and bool(sessions))


def import_session(dataset: str) -> str:
    """The session id an import gives the lines that name none (Prodigy's shape)."""
    return f"{dataset}-{time.strftime('%Y-%m-%d_%H-%M-%S')}"


def read_import(source: str | Path, *, dataset: str, answer: str | None = None,
                rehash: bool = False, on_invalid: Callable[[str], None] | None = None,
                session: str | None = None) -> list[Task]:
    """Read and normalise every task of `source`; InputError names FILE:LINE of a bad one.

    on_invalid: called with the one-line message of each bad line, which is then skipped.
    session: the `_session_id` of the lines that have none (default: `import_session`).
    """
    label = "<stdin>" if str(source) == STDIO else str(source)
    defaults = {SESSION_ID: session or import_session(dataset), TIMESTAMP: int(time.time())}
    tasks = []
    for number, line in _numbered_lines(source, label):
        try:
            task = _parse_line(line, first=number == 1)
            if task is not None:
                tasks.append(normalize_task(task, answer=answer, rehash=rehash, defaults=defaults))
        except ValueError as err:
            error = InputError(str(err), path=label, line=number)
            if on_invalid is None:
                raise error from err
            on_invalid(str(error))
    if not tasks:
        raise InputError("no tasks found; check that this is a JSONL file with one task a line"
                         + (" (every line was invalid)" if on_invalid else ""), path=label)
    return tasks


def normalize_task(task: Task, *, answer: str | None = None, rehash: bool = False,
                   defaults: dict[str, Any] | None = None) -> Task:
    """A copy of an exported task made storable; ValueError says what's wrong and the fix.

    Fills what older or hand-made exports lack: the answer (from `answer`), the hashes, the
    view id (inferred from the spans) and the keys in `defaults` (session id, timestamp).
    Text-classification answers are refused: they would become "no entity" NER documents.
    """
    _check_text_and_spans(task)
    task = dict(task)
    # Hash before filling anything in, so an import's time never feeds a whole-task hash.
    if rehash or INPUT_HASH not in task or TASK_HASH not in task:
        task = set_hash(task, overwrite=rehash)
    if ANSWER not in task:
        if answer is None:
            raise ValueError("task has no 'answer'; pass --answer accept|reject|ignore to set one")
        task[ANSWER] = answer
    if task[ANSWER] not in ANSWERS:
        raise ValueError(f"'answer' is {task[ANSWER]!r}; use one of {', '.join(ANSWERS)}")
    task.setdefault(VIEW_ID, infer_view_id(task))
    for key, value in (defaults or {}).items():
        task.setdefault(key, value)
    for key in (INPUT_HASH, TASK_HASH):
        if not is_int(task[key]):
            raise ValueError(f"{key!r} is {task[key]!r}, not an integer; pass --rehash to "
                             "recompute the hashes")
    return task


def infer_view_id(task: Task) -> str:
    """"ner" for a binary question (one span and a top-level label, or span answers)."""
    spans = task.get(SPANS) or []
    if (len(spans) == 1 and LABEL in task) or any(ANSWER in span for span in spans):
        return VIEW_NER
    return VIEW_NER_MANUAL


def _numbered_lines(source: str | Path, label: str) -> Iterator[tuple[int, bytes]]:
    if str(source) == STDIO:
        yield from enumerate(sys.stdin.buffer, start=1)
        return
    try:
        with open(source, "rb") as file:
            yield from enumerate(file, start=1)
    except OSError as err:
        raise InputError(f"can't read the file ({err.strerror or err}); check the path",
                         path=label) from err


def _parse_line(line: bytes, *, first: bool) -> Task | None:
    if first and line.startswith(_BOM):
        line = line[len(_BOM):]
    try:
        text = line.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as err:
        raise ValueError(f"not UTF-8 (byte 0x{line[err.start]:02x} at byte {err.start + 1}); "
                         "re-save the file as UTF-8") from err
    if not text.strip():
        return None
    try:
        return json_object(text, allow_nan=False)
    except ValueError as err:
        raise ValueError(f"{err}; fix the line or delete it (one task per line)") from None


def _check_text_and_spans(task: Task) -> None:
    """The one task/token/span validator (stream.validate), and text-classification exports
    refused; overlapping spans are kept (a binary export may hold several answered proposals
    for one text)."""
    problem = task_problem(task) or textcat_problem(task)
    if problem is not None:
        raise InvalidTaskError(problem)
    check_spans(task.get(SPANS, []), task[TEXT])


def export_lines(db: Database, dataset: str, *, every: bool = False) -> Iterator[str]:
    """The examples of `dataset` as JSONL lines (without newlines).

    By default the effective answers: each session's last per `_task_hash`, as training uses
    them (an undone answer is not exported). every=True: every saved line, superseded ones included.
    """
    examples = db.get_examples(dataset)  # raises now, not on first use, if it's missing
    if not every:
        examples = iter(latest_answers(examples))
    return (encode(example).decode("utf-8")[:-1] for example in examples)


def export_file(db: Database, dataset: str, path: str | Path, *, every: bool = False) -> int:
    """Write `dataset` to the JSONL file `path` (replaced whole, never left half-written)."""
    lines = export_lines(db, dataset, every=every)  # fails before any file is made if it's missing
    with replacing(path) as file:
        return _write_lines(file, lines)


def _write_lines(file: IO[str], lines: Iterable[str]) -> int:
    count = 0
    for count, line in enumerate(lines, start=1):
        file.write(line + "\n")
    return count


@dataclass
class DatasetStats:
    """What `al-ner stats DATASET` reports."""

    name: str
    path: Path
    total: int = 0
    unique_tasks: int = 0
    in_force: int = 0  # each session's last answer per task; the rest were superseded (undo)
    answers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ANSWERS, 0))
    sessions: dict[str, int] = field(default_factory=dict)
    labels: dict[str, dict[str, int]] = field(default_factory=dict)  # label -> answer -> spans
    first: int | None = None
    last: int | None = None
    annotators: dict[str, dict[str, int]] = field(default_factory=dict)  # annotator -> answer -> n
    agreement: Agreement | None = None


@dataclass
class Agreement:
    """How often annotators gave the same answer where several answered the same question
    (binary: the same _task_hash; manual: the same input, answer and spans). Ignores don't count.

    items: questions answered by two or more annotators; unanimous: those all of them agree on;
    pairs: per pair of annotators, (answers that agree, questions both answered).
    """

    items: int = 0
    unanimous: int = 0
    pairs: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)


def dataset_stats(db: Database, dataset: str) -> DatasetStats:
    """Counts of answers, sessions and labelled spans, and the first and last timestamps."""
    stats = DatasetStats(dataset, db.path_for(dataset))
    sessions: Counter[str] = Counter()
    answers: set[tuple[str, int]] = set()
    for example in db.get_examples(dataset):
        stats.total += 1
        stats.answers[example[ANSWER]] += 1
        sessions[str(example.get(SESSION_ID, NO_SESSION))] += 1
        answers.add(answer_key(example))
        _count_labels(stats.labels, example)
        _track_time(stats, example.get(TIMESTAMP))
    stats.sessions = dict(sessions.most_common())
    stats.unique_tasks = len({task_hash for _, task_hash in answers})
    stats.in_force = len(answers)
    stats.labels = dict(sorted(stats.labels.items()))
    stats.annotators, stats.agreement = annotator_stats(db.get_examples(dataset))
    return stats


def annotator_stats(examples: Iterable[Task]) -> tuple[dict[str, dict[str, int]], Agreement | None]:
    """Answers per annotator, and their agreement (None unless two or more annotators)."""
    counts: dict[str, dict[str, int]] = {}
    decisions: dict[tuple[str, int], dict[str, Any]] = {}  # question -> annotator -> decision
    for example in examples:
        who = annotator_of(example)
        counts.setdefault(who, dict.fromkeys(ANSWERS, 0))[example[ANSWER]] += 1
        key, decision = _decision(example)
        if example[ANSWER] != IGNORE:
            decisions.setdefault(key, {})[who] = decision  # the latest answer of each annotator
    if len(counts) < 2:
        return counts, None
    return dict(sorted(counts.items())), agreement(decisions.values())


def _decision(example: Task) -> tuple[tuple[str, int], Any]:
    if example.get(VIEW_ID) == VIEW_NER_MANUAL:
        spans = frozenset((s.get(START), s.get(END), s.get(LABEL)) for s in example.get(SPANS) or []
                          if isinstance(s, dict))
        return ("input", example[INPUT_HASH]), (example[ANSWER], spans)
    return ("task", example[TASK_HASH]), example[ANSWER]


def agreement(questions: Iterable[dict[str, Any]]) -> Agreement:
    """Agreement over questions, each {annotator: decision}."""
    result = Agreement()
    pairs: dict[tuple[str, str], list[int]] = {}
    for by_annotator in questions:
        if len(by_annotator) < 2:
            continue
        result.items += 1
        result.unanimous += len(set(map(repr, by_annotator.values()))) == 1
        for a, b in itertools.combinations(sorted(by_annotator), 2):
            tally = pairs.setdefault((a, b), [0, 0])
            tally[0] += by_annotator[a] == by_annotator[b]
            tally[1] += 1
    result.pairs = {pair: (agree, both) for pair, (agree, both) in sorted(pairs.items())}
    return result


def _count_labels(labels: dict[str, dict[str, int]], example: Task) -> None:
    """Count each span under its own answer when it has one (Prodigy's per-span answers)."""
    spans = example.get(SPANS) or []
    for span in spans:
        if isinstance(span, dict) and isinstance(span.get(LABEL), str):
            counts = labels.setdefault(span[LABEL], dict.fromkeys(ANSWERS, 0))
            answer = span.get(ANSWER)
            counts[answer if answer in ANSWERS else example[ANSWER]] += 1


def _track_time(stats: DatasetStats, timestamp: Any) -> None:
    if not isinstance(timestamp, (int, float)) or isinstance(timestamp, bool):
        return
    seconds = int(timestamp)
    stats.first = seconds if stats.first is None else min(stats.first, seconds)
    stats.last = seconds if stats.last is None else max(stats.last, seconds)


def database_stats(db: Database) -> list[tuple[str, int]]:
    """(name, number of examples) of every dataset in `db`."""
    return [(name, db.count(name)) for name in db.datasets()]

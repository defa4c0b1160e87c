"""The inputs of `compare` and `diagnose`: arms of real answers, a held-out test set, and the checks.

An arm is one annotation run (a dataset in the database, or a Prodigy JSONL export) read as
its effective answers (the last per `_task_hash`) in annotation order. The held-out test set is
a dataset of answers (what they say is its gold, `convert.eval_doc`) or a gold CoNLL/IOB file.
Inputs are matched across tools by Prodigy's recomputable `_input_hash` of the text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scipy import stats as scipy_stats
from spacy.language import Language

from ...constants import ACCEPT, ANSWER, CONTROL, INPUT_HASH, LABEL, META, SPANS, TEXT
from ...cost import answer_mode
from ...dbio import read_import
from ...errors import ConfigError, DatasetError, LeakageError
from ...storage import Database, latest_answers
from ...stream.hashing import input_hash
from ...stream.validate import answer_view
from ...training import EvalSet
from ...types import Task
from ..analysis.scores import AnswerSet, Score, eval_set, score_answers, score_gold
from ..data.gold_corpus import GOLD_SUFFIXES, Sentence, read_iob

ORDER_KEYS = ("i", "row", "index", "line", "position")  # meta keys that record a source position
RANDOM_P = 0.01  # answer order correlated with the source position at p below this: not random


@dataclass(frozen=True)
class AnsweredArm:
    """An arm that was annotated (compare, diagnose): its effective answers in the order they were given."""

    name: str
    source: str
    answers: tuple[Task, ...]

    @property
    def inputs(self) -> set[int]:
        """Input hashes of its sentences, stored and recomputed from the text (both match)."""
        return {h for task in self.answers for h in _input_hashes(task)}


def _input_hashes(task: Task) -> set[int]:
    found = {input_hash({TEXT: task[TEXT]})} if isinstance(task.get(TEXT), str) else set()
    if isinstance(task.get(INPUT_HASH), int):
        found.add(task[INPUT_HASH])
    return found


def read_answers(source: str, db: Database, *, name: str) -> list[Task]:
    """The effective answers of a dataset in `db`, or of a Prodigy JSONL export at path `source`."""
    if _is_dataset(source, db):
        return db.get_answers(source)
    if Path(source).is_file():
        return latest_answers(read_import(source, dataset=name))
    names = ", ".join(db.datasets()) or "none"
    raise DatasetError(f"{source!r} is neither a dataset in {db.path} (existing: {names}) nor a JSONL "
                       "file; pass a dataset name or the path of a Prodigy export")


def _is_dataset(source: str, db: Database) -> bool:
    try:
        return db.exists(source)
    except DatasetError:  # not a valid dataset name (a path, say)
        return False


def load_arms(pairs: Sequence[tuple[str, str]], db: Database) -> list[AnsweredArm]:
    """Arms from (name, dataset or JSONL path) pairs; an arm without answers is a DatasetError."""
    arms = []
    for name, source in pairs:
        answers = read_answers(source, db, name=name)
        if not answers:
            raise DatasetError(f"arm {name!r} ({source}) holds no answers; annotate or import some first")
        arms.append(AnsweredArm(name, source, tuple(answers)))
    return arms


@dataclass(frozen=True)
class HeldOut:
    """The held-out test set: complete gold sentences from a file, or answers from a dataset."""

    source: str
    hashes: frozenset[int]
    gold: EvalSet | None = None  # a gold file (gold label names)
    answer_set: AnswerSet | None = None  # a dataset: what its answers say
    labels: tuple[str, ...] = ()  # the model labels its answers annotate
    answers: tuple[Task, ...] = ()
    sentences: tuple[Sentence, ...] = ()

    def __len__(self) -> int:
        return len(self.texts())

    def score(self, nlp: Language, *, label_map: Mapping[str, str]) -> dict[str, Score]:
        """Per gold label, the scores of `nlp` (label_map: model label -> gold label)."""
        if self.answer_set is not None:
            return score_answers(nlp, self.answer_set, labels=self.labels, label_map=label_map)
        if self.gold is None:
            raise ConfigError(f"the test set {self.source!r} holds neither gold sentences nor answers")
        return score_gold(nlp, self.gold, label_map=label_map)

    def texts(self) -> list[str]:
        """The test sentences' texts, in order."""
        if self.answer_set is not None:
            return [group[0][TEXT] for group in self.answer_set.groups]
        return [s.text for s in self.sentences]


def load_test(source: str, db: Database, base: Language, *, labels: Sequence[str]) -> HeldOut:
    """The test set at `source`: a gold .iob/.conll/.txt file, or a dataset / JSONL export of answers.

    labels: the model labels compared; a test set of answers also scores every other label its
    answers annotate (so forgetting can be measured where they do).
    """
    path = Path(source)
    if path.suffix in GOLD_SUFFIXES and path.is_file():
        sentences = read_iob(path)
        return HeldOut(source, frozenset(s.hash for s in sentences), gold=eval_set(sentences),
                       sentences=tuple(sentences))
    answers = [t for t in read_answers(source, db, name="test") if t.get(ANSWER) == ACCEPT]
    if not answers:
        raise DatasetError(f"the test set {source!r} holds no accepted answers to score against")
    annotated = sorted(set(labels) | {s[LABEL] for t in answers for s in t.get(SPANS) or [] if LABEL in s})
    answer_set = AnswerSet.of(base, answers)
    return HeldOut(source, frozenset(h for t in answers for h in _input_hashes(t)),
                   answer_set=answer_set, labels=tuple(annotated), answers=tuple(answers))


# ---------------------------------------------------------------- checks


@dataclass
class ArmSummary:
    """What kinds of answers an arm holds (the report's check table)."""

    answers: int
    sentences: int
    kinds: dict[str, int]  # "manual accept", "binary reject", ...
    spans: dict[str, dict[str, int]]  # label -> answer -> spans


@dataclass
class Checks:
    """What was checked before training: overlap, how the test set was drawn, labels, answer kinds."""

    arms: dict[str, ArmSummary]
    test_sentences: int
    test_order: str  # "random", "not random", "unknown", "gold file"
    test_order_detail: str
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"arms": {k: vars(v) for k, v in self.arms.items()}, "test_sentences": self.test_sentences,
                "test_order": self.test_order, "test_order_detail": self.test_order_detail,
                "warnings": list(self.warnings)}


def check_inputs(arms: Sequence[AnsweredArm], test: HeldOut, labels: Sequence[str]) -> Checks:
    """Refuse a test set that shares sentences with an arm; warn about order and labels."""
    check_no_overlap(arms, test)
    summaries = {arm.name: summarize(arm) for arm in arms}
    check_labels_present(summaries, labels)
    order, detail = drawn_order(test)
    checks = Checks(summaries, len(test), order, detail)
    if order in ("not random", "unknown"):
        checks.warnings.append(f"the test set may not be a random sample ({detail}); a test set drawn "
                               "by the model or in file order favours some arm; annotate one with "
                               "ner.manual --order random on a slice no arm saw")
    for name, summary in summaries.items():
        missing = [label for label in labels if not summary.spans.get(label, {}).get(ACCEPT)]
        if missing:
            checks.warnings.append(f"arm {name!r} accepts no span of {', '.join(missing)}")
    return checks


def check_no_overlap(arms: Sequence[AnsweredArm], test: HeldOut) -> None:
    """LeakageError with the counts when the test set shares an input hash with any arm."""
    shared = {arm.name: len(arm.inputs & test.hashes) for arm in arms}
    leaks = {name: n for name, n in shared.items() if n}
    if leaks:
        counts = ", ".join(f"{n} with arm {name!r}" for name, n in leaks.items())
        raise LeakageError(f"the held-out test set {test.source!r} shares sentences (by input hash): "
                           f"{counts}; a test set must be a slice no arm saw, so pick or annotate one "
                           "without those sentences")


def check_labels_present(summaries: Mapping[str, ArmSummary], labels: Sequence[str]) -> None:
    seen = {label for summary in summaries.values() for label in summary.spans}
    absent = [label for label in labels if label not in seen]
    if absent:
        raise ConfigError(f"no arm has a span of label(s) {', '.join(absent)}; the arms annotate "
                          f"{', '.join(sorted(seen)) or 'no labels'}: pass --labels from those")


def summarize(arm: AnsweredArm) -> ArmSummary:
    kinds: Counter[str] = Counter()
    spans: dict[str, dict[str, int]] = {}
    for task in arm.answers:
        kinds[f"{answer_mode(task)} {task[ANSWER]}"] += 1
        for span in task.get(SPANS) or []:
            answer = span.get(ANSWER, task[ANSWER])
            by_answer = spans.setdefault(str(span.get(LABEL)), {})
            by_answer[answer] = by_answer.get(answer, 0) + 1
    sentences = len({task.get(INPUT_HASH, task.get(TEXT)) for task in arm.answers})
    return ArmSummary(len(arm.answers), sentences, dict(sorted(kinds.items())), spans)


def drawn_order(test: HeldOut) -> tuple[str, str]:
    """Whether the test set's answers were drawn in random order, from what they record.

    A gold file is taken as drawn when the corpus was split. For answers: a recorded order
    (`config`/`meta` "order"), model scores or binary answers (chosen by a model), or the rank
    correlation between answer order and the source position in `meta` (file order).
    """
    if not test.answers:
        return "gold file", "a gold file: its sentences are as the corpus was split"
    if all((t.get(META) or {}).get(CONTROL) for t in test.answers):
        return "random", ("control answers: a seeded random share of the source, set aside before any "
                          "strategy chose")
    recorded = _recorded_order(test.answers)
    if recorded is not None:
        return ("random" if recorded == "random" else "not random"), f"its answers record order {recorded!r}"
    if any(answer_mode(t) == "binary" or answer_view(t) == "ner" for t in test.answers):
        return "not random", "it holds binary answers, which a model chose"
    if any(isinstance((t.get(META) or {}).get("score"), (int, float)) for t in test.answers):
        return "not random", "its answers carry model scores (meta.score): a model chose them"
    return _position_order(test.answers)


def _recorded_order(answers: Sequence[Task]) -> str | None:
    for task in answers:
        for holder in (task.get("config"), task.get(META)):
            if isinstance(holder, dict) and isinstance(holder.get("order"), str):
                return str(holder["order"])
    return None


def _position_order(answers: Sequence[Task]) -> tuple[str, str]:
    for key in ORDER_KEYS:
        positions = [(t.get(META) or {}).get(key) for t in answers]
        if len(positions) >= 10 and all(isinstance(p, (int, float)) for p in positions):
            rho, p = scipy_stats.spearmanr(range(len(positions)), positions)
            where = f"answer order vs meta.{key}: Spearman ρ = {rho:+.2f}, p = {p:.3g}"
            return ("not random", f"it follows the source order ({where})") if p < RANDOM_P else \
                ("random", f"consistent with random order ({where})")
    return "unknown", "nothing in its answers records how they were drawn"

"""Shared type aliases and protocols."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol, TypedDict

Task = dict[str, Any]
Stream = Iterator[Task]
ScoredStream = Iterator[tuple[float, Task]]
StreamStep = Callable[[Iterable[Task]], Stream]
Sorter = Callable[[Iterable[tuple[float, Task]]], Stream]
UpdateCallback = Callable[[list[Task]], Any]


# Prodigy's names for the same types (prodigy.types), for recipes written for Prodigy
TaskType = Task
StreamType = Iterable[Task]
ScoredStreamType = Iterable[tuple[float, Task]]


class Components(TypedDict, total=False):
    """What a recipe returns: everything a controller needs to run a session."""

    dataset: str
    view_id: str
    stream: Iterable[Task]
    update: UpdateCallback | None
    config: dict[str, Any]
    labels: list[str]
    exclude: list[str]
    exclude_by: str  # "task" or "input"
    total: int | None  # number of questions when the source size is known
    progress: Any  # a stream.SourceProgress: how far through the source (estimates `total`)
    instructions: str  # what the annotator is asked to do (the web app's help overlay)
    invalid: Any  # a stream.SkipCounter of the records skipped as invalid
    on_exit: Callable[[Any], Any] | None  # called with the controller; may return lines to say
    views: list[str]  # other views some questions carry in their _view_id (mixed sessions)
    health: Callable[[], dict[str, Any]] | None  # the health check's estimate, for progress
    notices: list[str]  # what to tell the annotator as the session starts (a new label, say)
    # Prodigy's other components (docs/prodigy.md says what each does here)
    db: Any  # False: save nothing; a Database: save there
    before_db: Callable[[list[Task]], list[Task]] | None
    validate_answer: Callable[[Task], Any] | None
    get_session_id: Callable[[], str] | None
    on_load: Callable[[Any], Any] | None


RecipeSettingsType = Components


class Annotator(Protocol):
    """Drives one session: asks the controller for questions and gives it answers."""

    def __call__(self, controller: Any) -> None: ...


class Budget(Protocol):
    """Decides whether a session hands out one more question (a cost budget, say).

    `allows` sees the questions handed out and not answered yet; `add` the answers as they
    are stored.
    """

    def allows(self, open_questions: Sequence[Task]) -> bool: ...

    def add(self, answers: Sequence[Task]) -> None: ...

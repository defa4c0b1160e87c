"""The al-ner exception tree. Library code raises these; the CLI prints one line."""

from __future__ import annotations


class AlNerError(Exception):
    """Base class of every error a user can cause and fix.

    The message is one line: what failed, the offending value, and the fix.
    """


class ConfigError(AlNerError, ValueError):
    """A setting or argument has an invalid value."""


class InputError(AlNerError, ValueError):
    """A source file or record is malformed (the message names file, line and field)."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)
        self.path = path
        self.line = line


class InvalidTaskError(InputError):
    """A task breaks the schema (no text, spans off token boundaries, ...)."""


class ModelError(AlNerError):
    """A spaCy pipeline can't be loaded or lacks what the recipe needs."""


class UnknownLabelError(ModelError):
    """A label the pipeline's NER doesn't know."""


class DatasetError(AlNerError):
    """A dataset name is invalid or a dataset is missing."""


class NoTestSetError(DatasetError):
    """No held-out test set to compare annotation runs on; the message gives the command to make one."""


class RecipeError(AlNerError):
    """An unknown recipe or a recipe file that can't be loaded."""


class EmptyPoolError(AlNerError):
    """A stream or pool has nothing left to ask."""


class StrategyError(AlNerError):
    """A query strategy chose indices that aren't a valid selection from its window."""


class AnswerError(AlNerError, ValueError):
    """An answer doesn't match an open question (unknown task hash, bad answer value or spans)."""


class LeakageError(AlNerError):
    """An evaluation set shares sentences with the pool or another evaluation set."""


class BackendError(AlNerError):
    """A compute backend is missing, can't be reached, or lost work (a worker died)."""


class SessionError(AnswerError):
    """A session acted on a question handed to another session, or on another session's answer."""

    def __init__(self, message: str, *, task_hashes: list[int] | None = None) -> None:
        super().__init__(message)
        self.task_hashes = list(task_hashes or [])

"""Stream steps that mix kinds of question: a full-span question every N binary ones, meta stamps."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..constants import INPUT_HASH, META, VIEW_ID
from ..errors import ConfigError
from ..types import Stream, Task


def ask_full_every(stream: Iterable[Task], *, every: int, ask: Callable[[Task], Task]) -> Stream:
    """After every `every` questions, ask the next question's whole sentence instead (via `ask`).

    The fix spaCy's authors give for binary-only data: some fully labelled sentences in the mix.
    A sentence asked in full is not asked about again. every=0: pass through.
    """
    if isinstance(every, bool) or not isinstance(every, int) or every < 0:
        raise ConfigError(f"--full-every must be an integer >= 0 (0: never), got {every!r}")
    return _full_every(stream, every, ask) if every else iter(stream)


def _full_every(stream: Iterable[Task], every: int, ask: Callable[[Task], Task]) -> Iterator[Task]:
    since, asked_in_full = 0, set()
    for task in stream:
        if task.get(INPUT_HASH) in asked_in_full:
            continue
        if since >= every:
            asked_in_full.add(task.get(INPUT_HASH))
            since = 0
            yield ask(task)
            continue
        since += 1
        yield task


def with_view(stream: Iterable[Task], view_id: str) -> Stream:
    """Copy each task with `_view_id` set: in a session that mixes views, each question says its own."""
    return ({**task, VIEW_ID: view_id} for task in stream)


def stamp(stream: Iterable[Task], **meta: Any) -> Stream:
    """Copy each task with these `meta` keys set (no-op without any); hashes don't cover meta."""
    if not meta:
        return iter(stream)
    return ({**task, META: {**task.get(META, {}), **meta}} for task in stream)

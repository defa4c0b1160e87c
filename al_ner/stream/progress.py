"""How far a session is through its source: records handed on so far, and how many there are
(counted cheaply, in a thread, the first time someone asks), for the web app's progress bar.

Totals are counted, never estimated: when every record is one question (`exact`) the progress
is in questions; otherwise (sentence splitting, a sorter that picks) it is in the source's
records ("texts"), which `count_records` counts without parsing them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from ..types import Stream, Task
from .loaders import count_records

QUESTIONS, TEXTS = "questions", "texts"


class SourceProgress:
    """Counts the records a loader yields and, once asked, the records in the whole source.

    exact: True when every record becomes exactly one question (no sentence splitting, no
    sorter dropping any): then the number of records *is* the number of questions.
    """

    def __init__(self, source: str, *, loader: str | None = None, exact: bool = False,
                 options: dict[str, Any] | None = None) -> None:
        self.source = source
        self.loader = loader
        self.exact = exact
        self.options = dict(options or {})
        self.read = 0
        self.split: int | None = None  # records whose sentences all came out, when split
        self._total: int | None = None
        self._counting: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def unit(self) -> str:
        """What `total` and `position` count: questions (exact) or the source's texts."""
        return QUESTIONS if self.exact else TEXTS

    @property
    def position(self) -> int:
        """The records handed on: those split into sentences when they are split, else read."""
        return self.read if self.split is None else self.split

    def wrap(self, stream: Iterable[Task]) -> Stream:
        """`stream` unchanged, counting its records as they pass."""
        for task in stream:
            self.read += 1
            yield task

    def on_split(self) -> Callable[[], None]:
        """The callback for `split_sentences(on_split=...)`: from now on the position counts the
        records split, not those the splitter read ahead."""
        self.split = 0

        def split() -> None:
            self.split = (self.split or 0) + 1
        return split

    def total(self) -> int | None:
        """The records in the source, or None while counting (or when it can't be counted)."""
        with self._lock:
            if self._counting is None:
                self._counting = threading.Thread(target=self._count, daemon=True,
                                                  name="al-ner-count-source")
                self._counting.start()
        return self._total

    def wait(self, timeout: float | None = None) -> int | None:
        """The count, waiting up to `timeout` seconds for it (for tests and scripts)."""
        self.total()
        if self._counting is not None:
            self._counting.join(timeout)
        return self._total

    def _count(self) -> None:
        try:
            self._total = count_records(self.source, loader=self.loader, **self.options)
        except Exception:  # a count is a nicety: the loader itself reports a broken source
            self._total = None

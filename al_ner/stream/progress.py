"""How far a session is through its source: records read so far, and how many there are
(counted lazily, in a thread, the first time someone asks), for the web app's progress bar."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from ..types import Stream, Task
from .loaders import count_records


class SourceProgress:
    """Counts the records a loader yields and, once asked, the records in the whole source.

    exact: True when every record becomes exactly one question (no sentence splitting, no
    sorter dropping any): then the number of records *is* the number of questions; otherwise
    the controller estimates it from the questions per record so far.
    """

    def __init__(self, source: str, *, loader: str | None = None, exact: bool = False,
                 options: dict[str, Any] | None = None) -> None:
        self.source = source
        self.loader = loader
        self.exact = exact
        self.options = dict(options or {})
        self.read = 0
        self._total: int | None = None
        self._counting: threading.Thread | None = None
        self._lock = threading.Lock()

    def wrap(self, stream: Iterable[Task]) -> Stream:
        """`stream` unchanged, counting its records as they pass."""
        for task in stream:
            self.read += 1
            yield task

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

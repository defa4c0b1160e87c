"""What every loader shares: numbered lines of a file or stdin, UTF-8 and task checks with file and
line, and a stream that raises a bad record's error or hands it to `on_invalid` and skips it."""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from ...errors import InputError, InvalidTaskError
from ...types import Stream, Task
from ..validate import task_problem

OnInvalid = Callable[[InputError], None]
Record = Callable[[], Task]  # one record of a source, parsed (or an InputError raised) when called
T = TypeVar("T")

STDIN = "-"


class SkipCounter:
    """An `on_invalid` callback that counts skipped records and keeps the first messages."""

    def __init__(self, *, keep: int = 5) -> None:
        self.count = 0
        self.keep = keep
        self.messages: list[str] = []

    def __call__(self, err: InputError) -> None:
        self.count += 1
        if len(self.messages) < self.keep:
            self.messages.append(str(err))


def check_exists(path: Path, hint: str = "") -> None:
    if not path.exists():
        raise InputError(f"source file '{path}' not found; check the path{hint}")


def _skip_or_raise(err: InputError, on_invalid: OnInvalid | None) -> None:
    if on_invalid is None:
        raise err
    on_invalid(err)


def tasks_or_errors(parsed: Iterable[Task | InputError], on_invalid: OnInvalid | None) -> Stream:
    """Yield the tasks of `parsed`, raising or reporting the errors it holds in their place."""
    for item in parsed:
        if isinstance(item, InputError):
            _skip_or_raise(item, on_invalid)
        else:
            yield item


def catch(make: Callable[..., T], *args: Any) -> T | InputError:
    try:
        return make(*args)
    except InputError as err:
        return err


def source_name(source: str | Path) -> str:
    return "<stdin>" if str(source) == STDIN else str(source)


def check_source(source: str | Path) -> None:
    if str(source) != STDIN:
        check_exists(Path(source))


@contextmanager
def binary_source(source: str | Path) -> Iterator[Iterable[bytes | str]]:
    if str(source) == STDIN:
        yield getattr(sys.stdin, "buffer", sys.stdin)
    else:
        with open(source, "rb") as file:
            yield file


def numbered_lines(source: str | Path, *, keepends: bool = False) -> Iterator[tuple[int, str]]:
    """Numbered lines of a file or stdin; bytes that aren't UTF-8 become surrogates (see _utf8_problem)."""
    with binary_source(source) as file:
        for n, raw in enumerate(file, 1):
            line = raw if isinstance(raw, str) else decode_line(raw)
            if n == 1:
                line = line.removeprefix("\ufeff")
            yield n, line if keepends else line.rstrip("\r\n")


def decode_line(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "surrogateescape")


_SURROGATE = re.compile("[\udc80-\udcff]")


def _utf8_problem(text: str) -> str | None:
    match = _SURROGATE.search(text)
    if match is None:
        return None
    byte = ord(match.group()) - 0xDC00
    return (f"line is not valid UTF-8 (byte 0x{byte:02x} at column {match.start() + 1}); "
            "re-save the file as UTF-8")


def check_text(text: str, path: str, line: int) -> None:
    problem = _utf8_problem(text)
    if problem is not None:
        raise InputError(problem, path=path, line=line)


def check_task(task: Any, path: str, line: int | None, prefix: str = "") -> Task:
    problem = task_problem(task)
    if problem is not None:
        raise InvalidTaskError(prefix + problem, path=path, line=line)
    return task


def parsed(records: Iterable[Record]) -> Iterator[Task | InputError]:
    """Each record parsed, or the InputError it raised."""
    for record in records:
        yield catch(record)


def shuffled(items: Iterable[T], seed: int) -> Iterator[T]:
    """`items` in a random order drawn from `seed`, read whole when the first one is asked for."""
    held = list(items)
    random.Random(seed).shuffle(held)
    yield from held


def line_records(source: str | Path, parse: Callable[[str, str, int], Task]) -> Iterator[Record]:
    """The non-blank lines of a file or stdin, each parsed by `parse(line, path, n)` when called."""
    path = source_name(source)
    for n, line in numbered_lines(source):
        if line.strip():
            yield partial(parse, line, path, n)

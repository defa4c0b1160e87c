"""Loaders as self-describing plugins: each format registers how it reads, how it counts its
records cheaply, its extensions, its short name and a line of help; `get_stream`, `count_records`,
the --loader help and the error listing the loaders all read these registrations.

A new format is one new file:

    @loader("my.format.v1", alias="myfmt", extensions=(".myf",), count=count_lines,
            help="one task per line of a .myf file")
    def read_myfmt(source, *, on_invalid=None): ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import registry
from ...types import Stream
from .reading import Record, numbered_lines

Reader = Callable[..., Stream]
Counter = Callable[..., "int | None"]
Records = Callable[..., Iterator[Record]]  # cut a source into records, each parsed when called


@dataclass(frozen=True)
class LoaderInfo:
    """What a registered loader says about itself.

    records: how the format cuts a source into records without parsing them; reading, counting
    and shuffling (get_stream(shuffle_seed=...)) then cost one pass of cutting, not of parsing.
    count: how to count records when there is no `records` (None: can't count cheaply).
    claims: for a directory source, whether this loader reads it (a saved Hugging Face dataset).
    """

    name: str
    alias: str
    extensions: tuple[str, ...] = ()
    count: Counter | None = None
    claims: Callable[[Path], bool] | None = None
    help: str = ""
    records: Records | None = None


_INFOS: dict[str, LoaderInfo] = {}  # registered name -> info, in registration order


def loader(name: str, *, alias: str, extensions: tuple[str, ...] = (), records: Records | None = None,
           count: Counter | None = None, claims: Callable[[Path], bool] | None = None,
           help: str = "") -> Callable[[Reader], Reader]:
    """Register a reader `read(source, *, on_invalid=None, **options) -> Stream` under `name` and
    `alias`, with what it reads (extensions, directories it claims) and how it cuts its records."""
    def register(read: Reader) -> Reader:
        registry.register(registry.loaders, name, read, alias=alias)
        _INFOS[name] = LoaderInfo(name, alias, tuple(e.lower() for e in extensions), count, claims, help,
                                  records)
        return read
    return register


def loader_info(name: str) -> LoaderInfo | None:
    """The info of the loader called `name` (alias or registered name), if it registered one."""
    return _INFOS.get(registry.resolve(registry.loaders, name))


def loader_infos() -> list[LoaderInfo]:
    return list(_INFOS.values())


def aliases() -> dict[str, str]:
    """Short name -> registered name of every loader (`--loader jsonl`)."""
    return registry.aliases(registry.loaders)


def extensions() -> dict[str, str]:
    """File extension -> the short name of the loader that reads it."""
    return {ext: info.alias for info in _INFOS.values() for ext in info.extensions}


def loader_help() -> str:
    """The --loader option's help: every short name, and the default."""
    return f"Loader: {', '.join(aliases())} (default: from the extension)"


def count_lines(source: str | Path, **options: Any) -> int:
    """Non-blank lines: the records of a line-per-record format."""
    return sum(1 for _, line in numbered_lines(source) if line.strip())

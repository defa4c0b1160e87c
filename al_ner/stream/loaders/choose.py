"""Which loader reads a source, and how many records it holds: from the loaders' registrations."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ... import registry
from ...errors import ConfigError, InputError
from ...types import Stream
from .plugins import aliases, extensions, loader_info, loader_infos
from .reading import STDIN, OnInvalid, check_exists, parsed, shuffled, tasks_or_errors
from .stored import DATASET_PREFIX, read_stored


def get_stream(source: str | Path, *, loader: str | None = None, db: Any = None,
               on_invalid: OnInvalid | None = None, shuffle_seed: int | None = None,
               **options: Any) -> Stream:
    """Tasks from a file, stdin ("-"), a stored dataset ("dataset:NAME[:ANSWER]") or the HF hub.

    loader: a short name (jsonl, json, csv, txt, conll, datasets) or a registered name;
        inferred from the extension when None (stdin reads JSONL).
    db: an object with `get_examples(name)`, needed for "dataset:" sources.
    shuffle_seed: the records in a random order drawn from this seed (still lazy: the first
        task comes once the source is cut into records; a loader that registered how to cut its
        records parses one only when it is drawn, other sources are read whole first).
    options: passed to the loader (e.g. split="test" for datasets, scheme="iob1" for conll).
    """
    source = str(source)
    if source.startswith(DATASET_PREFIX):
        if options:
            raise ConfigError(f"loader options ({', '.join(options)}) don't apply to a stored "
                              f"dataset source '{source}'; drop them")
        stream = read_stored(source[len(DATASET_PREFIX):], db=db, on_invalid=on_invalid)
        return stream if shuffle_seed is None else shuffled(stream, shuffle_seed)
    name = loader or infer_loader(source)
    read = get_loader(name)
    _check_options(read, name, options)
    info = loader_info(name)
    if shuffle_seed is None:
        return read(source, on_invalid=on_invalid, **options)
    if info is None or info.records is None:
        return shuffled(read(source, on_invalid=on_invalid, **options), shuffle_seed)
    return tasks_or_errors(parsed(shuffled(info.records(source, **options), shuffle_seed)), on_invalid)


def count_records(source: str | Path, *, loader: str | None = None, **options: Any) -> int | None:
    """How many records `source` holds (tasks, or sentences of conll), cut but not parsed, by its
    loader's registration; None for stdin, stored datasets and loaders that can't count cheaply
    (Hugging Face datasets)."""
    source = str(source)
    if source == STDIN or source.startswith(DATASET_PREFIX):
        return None
    info = loader_info(loader or infer_loader(source))
    if info is not None and info.records is not None:
        known = inspect.signature(info.records).parameters
        return sum(1 for _ in info.records(source, **{k: v for k, v in options.items() if k in known}))
    return None if info is None or info.count is None else info.count(source, **options)


def get_loader(name: str) -> Callable[..., Stream]:
    """The loader registered as `name` (short or versioned), or a ConfigError listing them."""
    full = registry.resolve(registry.loaders, name)
    if full in registry.loaders:
        return registry.loaders.get(full)
    short = aliases()
    others = sorted(set(registry.loaders.get_all()) - set(short.values()))
    raise ConfigError(f"unknown loader '{name}'; choose one of: {', '.join([*short, *others])}")


def infer_loader(source: str) -> str:
    """The short loader name for `source`, from "-", a directory a loader claims or the extension."""
    if source == STDIN:
        return "jsonl"
    path = Path(source)
    hub_hint = "" if path.suffix else " (or pass loader 'datasets' for a Hugging Face hub id)"
    check_exists(path, hint=hub_hint)
    if path.is_dir():
        claimed = [info.alias for info in loader_infos() if info.claims is not None and info.claims(path)]
        if claimed:
            return claimed[0]
        raise InputError(f"'{source}' is a directory, not a file or a dataset saved with "
                         "save_to_disk; pass a file")
    name = extensions().get(path.suffix.lower())
    if name is None:
        raise ConfigError(f"can't tell the loader of '{source}' from its extension "
                          f"'{path.suffix}'; pass a loader: {', '.join(aliases())}")
    return name


def _check_options(read: Callable[..., Any], name: str, options: dict[str, Any]) -> None:
    params = inspect.signature(read).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    unknown = sorted(set(options) - set(params))
    if unknown:
        valid = [p for p, v in params.items() if v.kind is v.KEYWORD_ONLY and p != "on_invalid"]
        raise ConfigError(f"loader '{name}' has no option {', '.join(map(repr, unknown))}; "
                          f"its options: {', '.join(valid) or 'none'}")

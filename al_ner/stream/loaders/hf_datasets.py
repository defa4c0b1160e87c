"""Hugging Face datasets: a hub id, a builder with data files, a local data file, or a directory
saved with save_to_disk (which this loader claims)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ...constants import META, SPANS, TEXT, TOKENS
from ...errors import ConfigError, InputError
from ...types import Stream, Task
from ..iob import check_iob, check_scheme, iob_to_spans, words_to_task
from .plugins import loader
from .reading import OnInvalid, catch, check_task, tasks_or_errors


def is_saved_dataset(path: Path) -> bool:
    """A directory written by save_to_disk."""
    return (path / "dataset_dict.json").is_file() or (path / "state.json").is_file()


_BUILDERS = {".csv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet",
             ".arrow": "arrow", ".txt": "text"}
_TOKENS_FIELDS = ("tokens", "words")
_TAGS_FIELDS = ("ner_tags", "tags", "ner", "labels")


@loader("al_ner.datasets.v1", alias="datasets", claims=is_saved_dataset,
        help="a Hugging Face dataset")
def read_datasets(source: str | Path, *, split: str | None = None, name: str | None = None,
                  data_files: Any = None, text_field: str | None = None,
                  tokens_field: str | None = None, tags_field: str | None = None,
                  tag_names: list[str] | None = None, scheme: str | None = None,
                  cache_dir: str | None = None, streaming: bool = False,
                  on_invalid: OnInvalid | None = None) -> Stream:
    """Tasks from a Hugging Face dataset: a hub id, a builder ("csv", "json", "parquet") with
    data_files, a local data file, or a directory saved with save_to_disk.

    Rows become text tasks (text_field, default "text"; other scalar columns go to meta) or,
    with a tokens field and a tag field (default "tokens" / "ner_tags"), tasks like the CoNLL
    loader's; integer tags are named by the ClassLabel feature, or by tag_names.
    """
    scheme = check_scheme(scheme)
    dataset = _load_hf(str(source), split=split, name=name, data_files=data_files,
                       cache_dir=cache_dir, streaming=streaming)
    features = getattr(dataset, "features", None) or {}  # None for some streamed datasets
    fields = _hf_fields(list(features), str(source), text_field, tokens_field, tags_field)
    names = tag_names or (_class_names(features, fields[2]) if fields[2] else None)
    base = {"source": Path(str(source)).name if Path(str(source)).exists() else str(source),
            "split": split or str(getattr(dataset, "split", "") or "")}
    parsed = (catch(_hf_task, row, i, fields, names, scheme, base)
              for i, row in enumerate(dataset))
    return tasks_or_errors(parsed, on_invalid)


def _load_hf(source: str, *, split: str | None, name: str | None, data_files: Any,
             cache_dir: str | None, streaming: bool) -> Any:
    import datasets  # slow to import: only when this loader is used

    path = Path(source)
    saved = path.is_dir() and is_saved_dataset(path)
    if path.is_file():
        name, data_files, source = None, source, _builder(path)
    try:
        if saved:
            loaded = datasets.load_from_disk(source)
        else:
            loaded = datasets.load_dataset(source, name, data_files=data_files, split=split,
                                           cache_dir=cache_dir, streaming=streaming)
    except (FileNotFoundError, ValueError, ConnectionError, datasets.exceptions.DatasetsError) as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InputError(f"can't load Hugging Face dataset '{path}': {message}; check the id, "
                         "the path, the config name and the split") from err
    return _pick_split(loaded, split, str(path))


def _builder(path: Path) -> str:
    builder = _BUILDERS.get(path.suffix.lower())
    if builder is None:
        raise ConfigError(f"the datasets loader can't read '{path.suffix}' files like '{path}'; "
                          f"use one of: {', '.join(_BUILDERS)}")
    return builder


def _pick_split(loaded: Any, split: str | None, source: str) -> Any:
    if not hasattr(loaded, "keys"):  # already one split
        return loaded
    splits = list(loaded.keys())
    if split is None and len(splits) == 1:
        return loaded[splits[0]]
    if split in splits:
        return loaded[split]
    raise ConfigError(f"dataset '{source}' has splits {', '.join(splits)}; pass split=NAME"
                      + (f" (not '{split}')" if split else ""))


def _hf_fields(columns: list[str], source: str, text: str | None, tokens: str | None,
               tags: str | None) -> tuple[str | None, str | None, str | None]:
    """(text_field, tokens_field, tags_field): the given ones, checked, or the usual names."""
    for field in (text, tokens, tags):
        if field is not None and columns and field not in columns:
            raise ConfigError(f"dataset '{source}' has no field '{field}'; its fields: "
                              f"{', '.join(columns)}")
    if text or tokens:
        return text, tokens, tags or (_first(columns, _TAGS_FIELDS) if tokens else None)
    if "text" in columns:
        return "text", None, None
    tokens = _first(columns, _TOKENS_FIELDS)
    if tokens is None:
        raise ConfigError(f"can't tell which field of dataset '{source}' holds the text "
                          f"(fields: {', '.join(columns) or 'unknown'}); pass text_field, or "
                          "tokens_field and tags_field")
    return None, tokens, _first(columns, _TAGS_FIELDS)


def _first(columns: list[str], names: Iterable[str]) -> str | None:
    return next((name for name in names if name in columns), None)


def _class_names(features: Any, field: str) -> list[str] | None:
    feature = (features or {}).get(field)
    inner = getattr(feature, "feature", feature)
    return getattr(inner, "names", None)


def _hf_task(row: dict[str, Any], i: int, fields: tuple[str | None, str | None, str | None],
             names: list[str] | None, scheme: str | None, base: dict[str, Any]) -> Task:
    text, tokens, tags = fields
    used = {text, tokens, tags, SPANS, TOKENS, META}
    meta = {**base, "row": i, **{k: v for k, v in row.items()
                                 if k not in used and isinstance(v, (str, int, float, bool))}}
    where = f"{base['source']}[{base['split'] or 'data'}]"
    if text is not None:
        task = {k: row[k] for k in (SPANS, TOKENS) if row.get(k) is not None}
        task[TEXT] = row[text]
        task[META] = {**(row.get(META) or {}), **meta}
        return check_task(task, where, None, f"row {i}: ")
    words = list(row[tokens]) if tokens else []
    tag_values = _tag_names(row[tags], names, tags, where, i) if tags else ["O"] * len(words)
    problem = check_iob(tag_values, scheme)
    if problem is not None:
        raise InputError(f"row {i}, token {problem[0]}: {problem[1]}", path=where)
    return check_task(words_to_task(words, iob_to_spans(tag_values), meta), where, None, f"row {i}: ")


def _tag_names(values: Iterable[Any], names: list[str] | None, field: str | None, where: str,
               i: int) -> list[str]:
    result = []
    for value in values:
        if isinstance(value, str):
            result.append(value)
        elif names is not None and isinstance(value, int) and 0 <= value < len(names):
            result.append(names[value])
        else:
            raise InputError(f"row {i}: tag {value!r} of field '{field}' has no name (no ClassLabel "
                             "feature, or out of range); pass tag_names=[...]", path=where)
    return result

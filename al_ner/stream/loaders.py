"""Lazy loaders from files, stdin, Hugging Face datasets and stored datasets to task streams.

Every loader has the signature ``loader(source, *, on_invalid=None, **options) -> Stream``,
checks eagerly what it can (the file exists, the options are valid) and then reads lazily.
A bad record raises an InputError naming file, line and fix, unless `on_invalid` is given:
then it is called with the error and the record is skipped.

The built-in file formats first cut their source into records (lines, CSV rows, CoNLL
sentences), each a small callable that parses it when called (`Record`). Reading parses them in
order, `count_records` counts them without parsing, and `get_stream(shuffle_seed=...)` shuffles
them before parsing: a random order costs one pass of cutting, not of parsing.
"""

from __future__ import annotations

import csv
import html
import inspect
import itertools
import json
import random
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO, Any, TypeVar

import srsly

from .. import registry
from ..constants import ANSWER, ANSWERS, META, SPANS, TEXT, TOKENS
from ..errors import ConfigError, InputError, InvalidTaskError
from ..types import Stream, Task
from .iob import check_iob, check_scheme, iob_to_spans, words_to_task
from .validate import task_problem

OnInvalid = Callable[[InputError], None]
Record = Callable[[], Task]  # one record of a source, parsed (or an InputError raised) when called
T = TypeVar("T")

STDIN = "-"
DATASET_PREFIX = "dataset:"
LOADERS = {
    "jsonl": "al_ner.jsonl.v1",
    "json": "al_ner.json.v1",
    "csv": "al_ner.csv.v1",
    "txt": "al_ner.txt.v1",
    "conll": "al_ner.conll.v1",
    "datasets": "al_ner.datasets.v1",
}
EXTENSIONS = {".jsonl": "jsonl", ".json": "json", ".csv": "csv", ".txt": "txt",
              ".conll": "conll", ".iob": "conll"}
AG_NEWS_TOPICS = {1: "World", 2: "Sports", 3: "Business", 4: "Sci/Tech"}


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


# ---------------------------------------------------------------------------- get_stream


def get_stream(source: str | Path, *, loader: str | None = None, db: Any = None,
               on_invalid: OnInvalid | None = None, shuffle_seed: int | None = None,
               **options: Any) -> Stream:
    """Tasks from a file, stdin ("-"), a stored dataset ("dataset:NAME[:ANSWER]") or the HF hub.

    loader: a short name (jsonl, json, csv, txt, conll, datasets) or a registered name;
        inferred from the extension when None (stdin reads JSONL).
    db: an object with `get_examples(name)`, needed for "dataset:" sources.
    shuffle_seed: the records in a random order drawn from this seed (still lazy: the first
        task comes once the source is cut into records; the built-in formats parse a record only
        when it is drawn, other sources are read whole first).
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
    records = _RECORDS.get(LOADERS.get(name, name))
    if shuffle_seed is None:
        return read(source, on_invalid=on_invalid, **options)
    if records is None:
        return shuffled(read(source, on_invalid=on_invalid, **options), shuffle_seed)
    return _tasks(_parsed(shuffled(records(source, **options), shuffle_seed)), on_invalid)


def shuffled(items: Iterable[T], seed: int) -> Iterator[T]:
    """`items` in a random order drawn from `seed`, read whole when the first one is asked for."""
    held = list(items)
    random.Random(seed).shuffle(held)
    yield from held


def count_records(source: str | Path, *, loader: str | None = None, **options: Any) -> int | None:
    """How many records `source` holds (tasks of jsonl/json/txt/csv, sentences of conll), cut
    but not parsed; None for stdin, stored datasets, Hugging Face datasets and other loaders."""
    source = str(source)
    if source == STDIN or source.startswith(DATASET_PREFIX):
        return None
    name = loader or infer_loader(source)
    records = _RECORDS.get(LOADERS.get(name, name))
    if records is None:
        return None
    known = inspect.signature(records).parameters
    return sum(1 for _ in records(source, **{k: v for k, v in options.items() if k in known}))


def get_loader(name: str) -> Callable[..., Stream]:
    """The loader registered as `name` (short or versioned), or a ConfigError listing them."""
    full = LOADERS.get(name, name)
    if full in registry.loaders:
        return registry.loaders.get(full)
    others = sorted(set(registry.loaders.get_all()) - set(LOADERS.values()))
    choices = ", ".join([*LOADERS, *others])
    raise ConfigError(f"unknown loader '{name}'; choose one of: {choices}")


def infer_loader(source: str) -> str:
    """The short loader name for `source`, from "-", a saved-dataset directory or the extension."""
    if source == STDIN:
        return "jsonl"
    path = Path(source)
    hub_hint = "" if path.suffix else " (or pass loader 'datasets' for a Hugging Face hub id)"
    _check_exists(path, hint=hub_hint)
    if path.is_dir():
        if _is_saved_dataset(path):
            return "datasets"
        raise InputError(f"'{source}' is a directory, not a file or a dataset saved with "
                         "save_to_disk; pass a file")
    name = EXTENSIONS.get(path.suffix.lower())
    if name is None:
        raise ConfigError(f"can't tell the loader of '{source}' from its extension "
                          f"'{path.suffix}'; pass a loader: {', '.join(LOADERS)}")
    return name


_IOB_TAG = re.compile(r"O|[BI]-\S+")


def looks_like_conll(path: str | Path, *, lines: int = 50) -> bool:
    """Whether a text file reads like CoNLL columns: a -DOCSTART- line, or nearly every one
    of its first non-blank `lines` a token and an IOB tag (O, B-X, I-X) in the last column."""
    rows = []
    with open(path, "rb") as file:
        for raw in itertools.islice(file, lines * 4):
            line = _decode(raw).strip()
            if line.startswith("-DOCSTART-"):
                return True
            if line:
                rows.append(line.split())
            if len(rows) >= lines:
                break
    tagged = sum(1 for row in rows if len(row) >= 2 and _IOB_TAG.fullmatch(row[-1]))
    return bool(rows) and tagged >= 0.9 * len(rows)


def _check_options(read: Callable[..., Any], name: str, options: dict[str, Any]) -> None:
    params = inspect.signature(read).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    unknown = sorted(set(options) - set(params))
    if unknown:
        valid = [p for p, v in params.items() if v.kind is v.KEYWORD_ONLY and p != "on_invalid"]
        raise ConfigError(f"loader '{name}' has no option {', '.join(map(repr, unknown))}; "
                          f"its options: {', '.join(valid) or 'none'}")


def _check_exists(path: Path, hint: str = "") -> None:
    if not path.exists():
        raise InputError(f"source file '{path}' not found; check the path{hint}")


def _is_saved_dataset(path: Path) -> bool:
    return (path / "dataset_dict.json").is_file() or (path / "state.json").is_file()


# ------------------------------------------------------------------ reading and errors


def _skip_or_raise(err: InputError, on_invalid: OnInvalid | None) -> None:
    if on_invalid is None:
        raise err
    on_invalid(err)


def _tasks(parsed: Iterable[Task | InputError], on_invalid: OnInvalid | None) -> Stream:
    """Yield the tasks of `parsed`, raising or reporting the errors it holds in their place."""
    for item in parsed:
        if isinstance(item, InputError):
            _skip_or_raise(item, on_invalid)
        else:
            yield item


def _parsed(records: Iterable[Record]) -> Iterator[Task | InputError]:
    """Each record parsed, or the InputError it raised."""
    for record in records:
        yield _catch(record)


def _catch(make: Callable[..., T], *args: Any) -> T | InputError:
    try:
        return make(*args)
    except InputError as err:
        return err


def _name(source: str | Path) -> str:
    return "<stdin>" if str(source) == STDIN else str(source)


def _check_source(source: str | Path) -> None:
    if str(source) != STDIN:
        _check_exists(Path(source))


@contextmanager
def _binary(source: str | Path) -> Iterator[Iterable[bytes | str]]:
    if str(source) == STDIN:
        yield getattr(sys.stdin, "buffer", sys.stdin)
    else:
        with open(source, "rb") as file:
            yield file


def _lines(source: str | Path, *, keepends: bool = False) -> Iterator[tuple[int, str]]:
    """Numbered lines of a file or stdin; bytes that aren't UTF-8 become surrogates (see _utf8_problem)."""
    with _binary(source) as file:
        for n, raw in enumerate(file, 1):
            line = raw if isinstance(raw, str) else _decode(raw)
            if n == 1:
                line = line.removeprefix("\ufeff")
            yield n, line if keepends else line.rstrip("\r\n")


def _decode(raw: bytes) -> str:
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


def _check_text(text: str, path: str, line: int) -> None:
    problem = _utf8_problem(text)
    if problem is not None:
        raise InputError(problem, path=path, line=line)


def _check_task(task: Any, path: str, line: int | None, prefix: str = "") -> Task:
    problem = task_problem(task)
    if problem is not None:
        raise InvalidTaskError(prefix + problem, path=path, line=line)
    return task


# --------------------------------------------------------------------- jsonl, json, txt


@registry.loaders("al_ner.jsonl.v1")
def read_jsonl(source: str | Path, *, on_invalid: OnInvalid | None = None,
               validate: bool = True) -> Stream:
    """One task per line of a JSONL file (or stdin "-"); blank lines are skipped.

    validate=False reads any JSON objects (a patterns file, say), as Prodigy's JSONL does.
    """
    return _tasks(_parsed(jsonl_records(source, validate=validate)), on_invalid)


def jsonl_records(source: str | Path, *, validate: bool = True) -> Iterator[Record]:
    """The non-blank lines of a JSONL file (checked to exist now, read lazily)."""
    _check_source(source)
    return _line_records(source, _jsonl_task if validate else _jsonl_object)


def _line_records(source: str | Path, parse: Callable[[str, str, int], Task]) -> Iterator[Record]:
    path = _name(source)
    for n, line in _lines(source):
        if line.strip():
            yield partial(parse, line, path, n)


def _jsonl_value(line: str, path: str, n: int) -> Any:
    _check_text(line, path, n)
    try:
        return _json_loads(line)
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON ({err.msg} at column {err.colno}); write one JSON object "
                         "per line", path=path, line=n) from None


def _jsonl_task(line: str, path: str, n: int) -> Task:
    return _check_task(_jsonl_value(line, path, n), path, n)


def _jsonl_object(line: str, path: str, n: int) -> Task:
    value = _jsonl_value(line, path, n)
    if not isinstance(value, dict):
        raise InputError(f"expected a JSON object, got {type(value).__name__}; write one JSON "
                         "object per line", path=path, line=n)
    return value


def _json_loads(text: str) -> Any:
    try:
        return srsly.json_loads(text)
    except ValueError:  # ujson's messages say little: let the stdlib parse it or explain
        return json.loads(text)


@registry.loaders("al_ner.json.v1")
def read_json(source: str | Path, *, on_invalid: OnInvalid | None = None) -> Stream:
    """The tasks of a JSON file holding one list of task objects (read whole, then yielded)."""
    return _tasks(_parsed(json_records(source)), on_invalid)


def json_records(source: str | Path) -> Iterator[Record]:
    """The objects of a JSON file's list (checked to exist now, read at the first record)."""
    _check_source(source)
    return _json_records(source)


def _json_records(source: str | Path) -> Iterator[Record]:
    path = _name(source)
    for i, task in enumerate(_read_json_list(source, path)):
        yield partial(_check_task, task, path, None, f"task {i}: ")


def _read_json_list(source: str | Path, path: str) -> list[Any]:
    with _binary(source) as file:
        raw = b"".join(line if isinstance(line, bytes) else line.encode() for line in file)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError(f"line is not valid UTF-8 (byte 0x{raw[err.start]:02x}); re-save the "
                         "file as UTF-8", path=path, line=line) from None
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON ({err.msg} at column {err.colno}); fix the file or "
                         "write JSONL", path=path, line=err.lineno) from None
    if not isinstance(data, list):
        raise InputError(f"expected a JSON list of tasks, got {type(data).__name__}; wrap the "
                         "tasks in [...] or write JSONL", path=path)
    return data


@registry.loaders("al_ner.txt.v1")
def read_txt(source: str | Path, *, on_invalid: OnInvalid | None = None) -> Stream:
    """One task per non-empty line of a text file, the line stripped of outer whitespace."""
    return _tasks(_parsed(txt_records(source)), on_invalid)


def txt_records(source: str | Path) -> Iterator[Record]:
    """The non-blank lines of a text file (checked to exist now, read lazily)."""
    _check_source(source)
    return _line_records(source, _txt_task)


def _txt_task(line: str, path: str, n: int) -> Task:
    _check_text(line, path, n)
    return {TEXT: line.strip()}


# ------------------------------------------------------------------------------- csv


@registry.loaders("al_ner.csv.v1")
def read_csv(source: str | Path, *, text_column: str = "text", delimiter: str = ",",
             ag_news: bool | None = None, clean: bool | None = None,
             on_invalid: OnInvalid | None = None) -> Stream:
    """Tasks from a CSV file with a header naming a text column (other columns go to meta),
    or from ag_news's header-less "class","title","description" rows.

    ag_news: None detects the shape from the first row (3 columns, the first 1-4).
    clean: undo the feed leftovers with clean_ag_news; None means on for ag_news only.
    """
    return _tasks(_parsed(csv_records(source, text_column=text_column, delimiter=delimiter,
                                      ag_news=ag_news, clean=clean)), on_invalid)


def csv_records(source: str | Path, *, text_column: str = "text", delimiter: str = ",",
                ag_news: bool | None = None, clean: bool | None = None) -> Iterator[Record]:
    """The data rows of a CSV file (checked to exist now, read lazily; see read_csv)."""
    _check_source(source)
    return _csv_records(source, text_column, delimiter, ag_news, clean)


def _csv_records(source: str | Path, text_column: str, delimiter: str, ag_news: bool | None,
                 clean: bool | None) -> Iterator[Record]:
    path = _name(source)
    rows = _csv_rows(source, path, delimiter)
    first = next(rows, None)
    if first is None:
        return
    if ag_news or (ag_news is None and _looks_like_ag_news(first[1], text_column)):
        for row_no, (n, row) in enumerate(itertools.chain([first], rows), 1):
            yield partial(_ag_news_task, row, row_no, path, n, clean is not False)
        return
    header = first[1]
    index = _text_index(header, text_column, path)
    for n, row in rows:
        yield partial(_csv_task, row, header, index, path, n, clean is True)


def _csv_rows(source: str | Path, path: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Non-empty CSV rows with the line each starts on."""
    reader = csv.reader((line for _, line in _lines(source, keepends=True)), delimiter=delimiter)
    start = 1
    try:
        for row in reader:
            if row:
                yield start, row
            start = reader.line_num + 1
    except csv.Error as err:
        raise InputError(f"can't parse the CSV ({err}); fix the quoting", path=path,
                         line=reader.line_num) from None


def _looks_like_ag_news(row: list[str], text_column: str) -> bool:
    return len(row) == 3 and row[0].strip() in {"1", "2", "3", "4"} and text_column not in row


def _ag_news_task(row: list[str], row_no: int, path: str, n: int, clean: bool) -> Task:
    _check_text("".join(row), path, n)
    if len(row) != 3 or row[0].strip() not in {"1", "2", "3", "4"}:
        raise InputError(f"expected an ag_news row \"class\",\"title\",\"description\" with class "
                         f"1-4, got {len(row)} fields starting {row[0][:20]!r}; fix the row, or "
                         "give the CSV a header with a 'text' column", path=path, line=n)
    text = join_title(row[1], row[2])
    label = int(row[0])
    task = {TEXT: clean_ag_news(text) if clean else text,
            META: {"class": label, "topic": AG_NEWS_TOPICS[label], "row": row_no}}
    return _check_task(task, path, n)


_SENTENCE_END = (".", "!", "?", '."', '?"', '!"', ".'", "...")


def join_title(title: str, description: str) -> str:
    """An ag_news title and description as one text, with a sentence boundary between them
    (a full stop unless the title ends a sentence), so split_sentences separates them."""
    title = title.rstrip()
    return f"{title}{'' if title.endswith(_SENTENCE_END) else '.'} {description}"


def _text_index(header: list[str], text_column: str, path: str) -> int:
    for names in (header, [name.lower() for name in header]):
        if text_column in names:
            return names.index(text_column)
    raise InputError(f"no '{text_column}' column in the CSV header (columns: "
                     f"{', '.join(header)}); name the text column '{text_column}' or pass "
                     "--text-column NAME", path=path, line=1)


def _csv_task(row: list[str], header: list[str], index: int, path: str, n: int,
              clean: bool) -> Task:
    _check_text("".join(row), path, n)
    if len(row) != len(header):
        raise InputError(f"row has {len(row)} fields but the header has {len(header)}; quote "
                         "fields that contain the delimiter", path=path, line=n)
    text = clean_ag_news(row[index]) if clean else row[index]
    task: Task = {TEXT: text}
    meta = {name: value for i, (name, value) in enumerate(zip(header, row)) if i != index}
    if meta:
        task[META] = meta
    return _check_task(task, path, n)


# The feed replaced the '&' of entities with a space: "doesn #39;t", "Johnson  amp; Johnson".
_BARE_ENTITY = re.compile(r"(?<!&) ?(?<![A-Za-z0-9])(#\d{2,4}|quot|amp|lt|gt|apos);")
_LINE_BREAK = re.compile(r"\\+(?=[^$])|\\+$")  # the feed wrote line breaks as backslashes
_SPACES = re.compile(r"\s+")


def clean_ag_news(text: str) -> str:
    """Undo ag_news feed leftovers: entities that lost their '&' (#36; #39; quot; ...),
    HTML entities (&lt; ...), backslash line breaks and escaped dollars (\\$); collapse spaces.
    """
    text = _BARE_ENTITY.sub(lambda m: html.unescape(f"&{m.group(1)};"), text)
    text = html.unescape(text)
    text = _LINE_BREAK.sub(" ", text).replace("\\$", "$")
    return _SPACES.sub(" ", text).strip()


# ----------------------------------------------------------------------------- conll


@registry.loaders("al_ner.conll.v1")
def read_conll(source: str | Path, *, scheme: str | None = None,
               on_invalid: OnInvalid | None = None) -> Stream:
    """One task per sentence of a CoNLL column file (token first, IOB tag last).

    scheme: "iob1" or "iob2" to check the tags strictly, None/"auto" to read either.
    Sentences end at blank lines; -DOCSTART- lines start a new document.
    Each task has text (tokens joined by single spaces), tokens, gold spans and
    meta {"source": file name, "doc": i, "sent": j}.
    """
    return _tasks(_parsed(conll_records(source, scheme=scheme)), on_invalid)


def conll_records(source: str | Path, *, scheme: str | None = None) -> Iterator[Record]:
    """The sentences of a CoNLL file (scheme and file checked now, read lazily)."""
    scheme = check_scheme(scheme)
    _check_source(source)
    return _conll_records(source, scheme)


def _conll_records(source: str | Path, scheme: str | None) -> Iterator[Record]:
    path = _name(source)
    doc, sent = 0, 0
    for rows in _conll_blocks(_lines(source)):
        if not rows:  # -DOCSTART-
            doc, sent = (doc + 1, 0) if sent else (doc, sent)
            continue
        meta = {"source": Path(path).name, "doc": doc, "sent": sent}
        yield partial(_conll_task, rows, scheme, path, meta)
        sent += 1


def _conll_blocks(lines: Iterable[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """The numbered lines of each sentence; an empty list for each -DOCSTART- line."""
    rows: list[tuple[int, str]] = []
    for n, line in lines:
        if line.startswith("-DOCSTART-") or not line.strip():
            if rows:
                yield rows
                rows = []
            if line.startswith("-DOCSTART-"):
                yield []
        else:
            rows.append((n, line))
    if rows:
        yield rows


def _conll_task(rows: list[tuple[int, str]], scheme: str | None, path: str,
                meta: dict[str, Any]) -> Task:
    words, tags = [], []
    for n, line in rows:
        _check_text(line, path, n)
        columns = line.split()
        if len(columns) < 2:
            raise InputError(f"expected a token and a tag separated by whitespace, got {line!r}; "
                             "CoNLL lines need at least 2 columns", path=path, line=n)
        words.append(columns[0])
        tags.append(columns[-1])
    problem = check_iob(tags, scheme)
    if problem is not None:
        raise InputError(problem[1], path=path, line=rows[problem[0]][0])
    return words_to_task(words, iob_to_spans(tags), meta)


# How each built-in file loader cuts its source into records (reading, counting, shuffling)
_RECORDS: dict[str, Callable[..., Iterator[Record]]] = {
    "al_ner.jsonl.v1": jsonl_records, "al_ner.json.v1": json_records,
    "al_ner.txt.v1": txt_records, "al_ner.csv.v1": csv_records, "al_ner.conll.v1": conll_records,
}


# --------------------------------------------------------------------- stored datasets


def read_stored(name: str, *, db: Any, on_invalid: OnInvalid | None = None) -> Stream:
    """Copies of the examples of a stored dataset, "NAME" or "NAME:ANSWER" (e.g. "news:accept")."""
    if db is None:
        raise ConfigError(f"source 'dataset:{name}' needs a database; pass db (an object with "
                          "get_examples)")
    name, _, answer = name.partition(":")
    if not name or (answer and answer not in ANSWERS):
        raise ConfigError(f"invalid source 'dataset:{name}:{answer}'; write dataset:NAME or "
                          f"dataset:NAME:ANSWER with ANSWER one of {', '.join(ANSWERS)}")
    examples = db.get_examples(name)
    return _tasks(_parse_stored(examples, f"dataset:{name}", answer), on_invalid)


def _parse_stored(examples: Iterable[Any], where: str, answer: str) -> Iterator[Task | InputError]:
    for i, example in enumerate(examples):
        if not answer or (isinstance(example, dict) and example.get(ANSWER) == answer):
            task = dict(example) if isinstance(example, dict) else example
            yield _catch(_check_task, task, where, None, f"example {i}: ")


# --------------------------------------------------------------------- HF datasets


_BUILDERS = {".csv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet",
             ".arrow": "arrow", ".txt": "text"}
_TOKENS_FIELDS = ("tokens", "words")
_TAGS_FIELDS = ("ner_tags", "tags", "ner", "labels")


@registry.loaders("al_ner.datasets.v1")
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
    parsed = (_catch(_hf_task, row, i, fields, names, scheme, base)
              for i, row in enumerate(dataset))
    return _tasks(parsed, on_invalid)


def _load_hf(source: str, *, split: str | None, name: str | None, data_files: Any,
             cache_dir: str | None, streaming: bool) -> Any:
    import datasets  # slow to import: only when this loader is used

    path = Path(source)
    saved = path.is_dir() and _is_saved_dataset(path)
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
        return _check_task(task, where, None, f"row {i}: ")
    words = list(row[tokens]) if tokens else []
    tag_values = _tag_names(row[tags], names, tags, where, i) if tags else ["O"] * len(words)
    problem = check_iob(tag_values, scheme)
    if problem is not None:
        raise InputError(f"row {i}, token {problem[0]}: {problem[1]}", path=where)
    return _check_task(words_to_task(words, iob_to_spans(tag_values), meta), where, None, f"row {i}: ")


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

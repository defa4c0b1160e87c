"""The dataset store: one append-only JSONL file per dataset in a database directory.

A dataset ``NAME`` is the file ``DB/NAME.jsonl``; each line is one answered task in the Prodigy
schema. Writes are crash-safe and safe between processes:

* every `Database.add_examples` call validates the whole batch first, then writes it with ONE
  ``os.write`` on an ``O_APPEND`` descriptor under an exclusive ``fcntl.flock`` and ``fsync``s it,
  so two processes appending to one dataset never interleave lines;
* a crash mid-write can leave a torn last line without its newline. Readers skip it, and the next
  writer (under the lock) truncates it before appending. A last line that lacks only its newline
  but holds a whole JSON object (a hand-edited file, saved without a final newline) is kept: a
  proper prefix of a JSON object is never itself an object, so this can't resurrect a torn write.

The same task can be answered more than once: an undo in the web UI asks a task again and
appends its new answer, and with feed_overlap several sessions answer the same question.
`latest_answers` keeps the last answer of each session (annotator) per ``_task_hash``.
POSIX only (``fcntl``).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .constants import ANNOTATOR_ID, ANSWER, ANSWERS, DB_ENV_VAR, INPUT_HASH, SESSION_ID, TASK_HASH
from .errors import ConfigError, DatasetError, InvalidTaskError
from .types import Task

DEFAULT_DB = Path("~/.al_ner/db")
SUFFIX = ".jsonl"
SESSIONS_DIR = ".sessions"  # DB/.sessions/NAME.jsonl: one record per session of dataset NAME
META_DIR = ".meta"  # DB/.meta/NAME.json: the meta a dataset was created with (add_dataset)
NAME_RULE = "1-200 letters, digits, '_', '-' and '.', not starting with '.'"
_NAME_RE = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,199}")
_HASH_KEYS = {"task": TASK_HASH, "input": INPUT_HASH}
_CHUNK = 1 << 16


_session_db: list[str | Path] = []  # the --db of the command running (innermost last)


def get_db(path: str | Path | Database | None = None) -> Database:
    """The database at `path` (a Database: itself), else the running command's --db (`using_db`),
    else $AL_NER_DB, else ~/.al_ner/db."""
    if isinstance(path, Database):
        return path
    chosen = path if path not in (None, "") else (
        (_session_db[-1] if _session_db else None) or os.environ.get(DB_ENV_VAR) or DEFAULT_DB)
    return Database(Path(chosen).expanduser())


@contextmanager
def using_db(path: str | Path | None) -> Iterator[None]:
    """Within the block, `get_db()` (and so a recipe's `connect()`) is the database at `path`
    (the command's --db); None changes nothing."""
    if path in (None, ""):
        yield
        return
    _session_db.append(path)  # type: ignore[arg-type]
    try:
        yield
    finally:
        _session_db.pop()


def check_name(name: str) -> str:
    """Return `name` if it is a valid dataset name, else raise DatasetError."""
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise DatasetError(f"invalid dataset name {name!r}: use {NAME_RULE}")
    return name


def check_example(example: Any) -> None:
    """Raise ValueError naming the problem unless `example` is a storable answered task."""
    if not isinstance(example, dict):
        raise ValueError(f"expected a JSON object (dict), got {type(example).__name__}")
    for key in (INPUT_HASH, TASK_HASH):
        value = example.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{key!r} is {value!r}, not an integer; hash tasks with set_hashes")
    if example.get(ANSWER) not in ANSWERS:
        raise ValueError(f"'answer' is {example.get(ANSWER)!r}; use one of {', '.join(ANSWERS)}")


def json_value(text: str | bytes, *, allow_nan: bool = True) -> Any:
    """One line of JSONL parsed; a ValueError naming what is wrong and where in the line.

    The one parser of JSON lines (the store, imports, the JSONL loader's diagnostics): "invalid
    JSON (MESSAGE at column N)"; with allow_nan=False, NaN and Infinity are refused too.
    """
    try:
        return json.loads(text, parse_constant=None if allow_nan else _refuse_constant)
    except json.JSONDecodeError as err:
        raise ValueError(f"invalid JSON ({err.msg} at column {err.colno})") from None


def json_object(text: str | bytes, *, allow_nan: bool = True) -> dict[str, Any]:
    """One line of JSONL that must hold an object (a task); ValueError otherwise."""
    value = json_value(text, allow_nan=allow_nan)
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    return value


def _refuse_constant(name: str) -> None:
    raise ValueError(f"invalid JSON ({name} is not a JSON number); use a number or null")


def encode(example: Task) -> bytes:
    """One JSONL line (UTF-8, with its newline)."""
    line = json.dumps(example, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return line.encode("utf-8") + b"\n"


NO_SESSION = "(no session)"


def annotator_of(example: Task) -> str:
    """Who gave an answer: its _annotator_id, else its _session_id (older answers)."""
    return str(example.get(ANNOTATOR_ID) or example.get(SESSION_ID) or NO_SESSION)


def answer_key(example: Task) -> tuple[str, int]:
    """What an answer supersedes by: the same annotator's answer to the same question."""
    return annotator_of(example), example[TASK_HASH]


def latest_answers(examples: Iterable[Task]) -> list[Task]:
    """Keep the last answer of each annotator per ``_task_hash``, in the order they were given.

    An undo in the web UI asks the task again and its new answer supersedes the old one. Answers
    of different sessions to the same question are each their own example, as in Prodigy
    (feed_overlap): an answer supersedes only its own session's earlier one.
    """
    latest: dict[tuple[str, int], Task] = {}
    for example in examples:
        key = answer_key(example)
        latest.pop(key, None)  # re-insert, so the order is that of the latest answers
        latest[key] = example
    return list(latest.values())


class DatasetNames(list[str]):
    """Dataset names: a list, as Prodigy's `db.datasets` is, and callable, as al-ner's was."""

    def __call__(self) -> DatasetNames:
        return self


class Database:
    """A directory of JSONL datasets, created on first write.

    Beside its own methods it has those of Prodigy's Database that recipes call (`name in db`,
    `get_dataset`, `add_dataset`, `get_input_hashes`, ...; docs/prodigy.md lists them).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r})"

    def path_for(self, name: str) -> Path:
        """The file of dataset `name` (validates the name; the file may not exist yet)."""
        return self.path / f"{check_name(name)}{SUFFIX}"

    @property
    def datasets(self) -> DatasetNames:
        """Names of the datasets in this database, sorted (`db.datasets` or `db.datasets()`)."""
        if not self.path.is_dir():
            return DatasetNames()
        names = (p.name[: -len(SUFFIX)] for p in self.path.glob(f"*{SUFFIX}") if p.is_file())
        return DatasetNames(sorted(name for name in names if _NAME_RE.fullmatch(name)))

    def exists(self, name: str) -> bool:
        return self.path_for(name).is_file()

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(_NAME_RE.fullmatch(name)) and self.exists(name)

    def __len__(self) -> int:
        return len(self.datasets)

    def add_examples(self, name: str | Sequence[Task], examples: Sequence[Any] | None = None, *,
                     datasets: Iterable[str] = ()) -> None:
        """Append `examples` to dataset `name` (created if new), all or nothing.

        Prodigy's order works too: ``add_examples(examples, datasets=[NAME, ...])`` (or the
        names as second argument) appends them to each dataset. Every example is checked
        before anything is written, so a bad one changes nothing.
        """
        if isinstance(name, str):
            self._append(name, _payload(name, examples or []))
            return
        names = [check_name(each) for each in (list(datasets) or list(examples or []))]
        if not names:
            raise DatasetError("add_examples(examples) got no dataset to add them to; pass "
                               "datasets=[NAME]")
        payload = _payload(names[0], name)
        for each in names:
            self._append(each, payload)

    def _append(self, name: str, payload: bytes) -> None:
        path = self.path_for(name)
        self._make_dir()
        created = not path.exists()
        fd = _lock(path, os.O_RDWR | os.O_APPEND | os.O_CREAT)
        try:
            _append_locked(fd, payload, path)
        finally:
            os.close(fd)  # also releases the lock
        if created:
            _fsync_dir(self.path)

    def get_examples(self, name: str) -> Iterator[Task]:
        """Lazily yield the examples of dataset `name` as saved when the call was made."""
        path = self._existing(name)
        return _read(path)

    def get_answers(self, name: str) -> list[Task]:
        """The examples of `name`, each session's last answer per task (see `latest_answers`)."""
        return latest_answers(self.get_examples(name))

    def count(self, name: str) -> int:
        """Number of examples in dataset `name` (lines are counted, not parsed)."""
        path = self._existing(name)
        return sum(1 for _ in _records(path))

    def get_hashes(self, name: str, *, by: str = "task") -> set[int]:
        """The task hashes (by="task") or input hashes (by="input") of dataset `name`."""
        if by not in _HASH_KEYS:
            raise ConfigError(f"'by' must be one of {', '.join(_HASH_KEYS)}, got {by!r}")
        key = _HASH_KEYS[by]
        return {example[key] for example in self.get_examples(name)}

    # ---------------------------------------------- the names Prodigy's recipes call

    def get_dataset(self, name: str, default: Any = None) -> list[Task] | Any:
        """The examples of dataset `name` as a list, or `default` when there is none (Prodigy)."""
        return list(self.get_examples(name)) if self.exists(name) else default

    def get_dataset_examples(self, name: str) -> list[Task]:
        """The examples of dataset `name` as a list ([] when there is none; Prodigy 1.12)."""
        return self.get_dataset(name, [])

    def add_dataset(self, name: str, meta: dict[str, Any] | None = None, session: bool = False) -> None:
        """Create dataset `name` if it doesn't exist, with `meta` (Prodigy's add_dataset)."""
        if self.exists(name):
            return
        self._append(name, b"")
        if meta:
            path = self.path / META_DIR / f"{name}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    def get_meta(self, name: str) -> dict[str, Any] | None:
        """The meta dataset `name` was created with (add_dataset), or None."""
        path = self.path / META_DIR / f"{check_name(name)}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def get_input_hashes(self, *names: str) -> set[int]:
        """The input hashes of the datasets `names`."""
        return set().union(*(self.get_hashes(name, by="input") for name in names))

    def get_task_hashes(self, *names: str) -> set[int]:
        """The task hashes of the datasets `names`."""
        return set().union(*(self.get_hashes(name, by="task") for name in names))

    def count_dataset(self, name: str, session: bool = False) -> int:
        """Number of examples in dataset `name` (Prodigy's name for `count`)."""
        return self.count(name)

    def drop_dataset(self, name: str, batch_size: int | None = None) -> bool:
        """Delete dataset `name` (Prodigy's name for `drop`); True when done."""
        self.drop(name)
        return True

    def close(self) -> None:
        """Nothing to close: every write opens and closes its file (Prodigy's close)."""

    def reconnect(self) -> None:
        """Nothing to reconnect (Prodigy's reconnect)."""

    def add_session(self, name: str, record: dict[str, Any]) -> None:
        """Append one session's metadata (a JSON object) to dataset `name`'s session log.

        The log is DB/.sessions/NAME.jsonl, written like a dataset (one locked, fsynced append);
        it never lists as a dataset.
        """
        try:
            payload = encode(record)
        except (TypeError, ValueError) as err:
            raise DatasetError(f"session metadata for {name!r} is not JSON ({err})") from None
        path = self.path / SESSIONS_DIR / f"{check_name(name)}{SUFFIX}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise DatasetError(f"can't create {path.parent}: {err.strerror or err}") from err
        fd = _open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            _append_locked(fd, payload, path)
        finally:
            os.close(fd)

    def get_sessions(self, name: str) -> list[dict[str, Any]]:
        """The session records of dataset `name`, oldest first (none: an empty list)."""
        path = self.path / SESSIONS_DIR / f"{check_name(name)}{SUFFIX}"
        if not path.is_file():
            return []
        return [record for _n, line in _records(path) if (record := _parse_object(line)) is not None]

    def drop(self, name: str) -> None:
        """Delete dataset `name`, waiting for a write in progress to finish first."""
        path = self._existing(name)
        fd = _lock(path, os.O_RDONLY)
        try:
            path.unlink()
        finally:
            os.close(fd)
        _fsync_dir(self.path)
        (self.path / SESSIONS_DIR / f"{name}{SUFFIX}").unlink(missing_ok=True)
        (self.path / META_DIR / f"{name}.json").unlink(missing_ok=True)

    def _existing(self, name: str) -> Path:
        path = self.path_for(name)
        if not path.is_file():
            names = ", ".join(self.datasets) or "none"
            raise DatasetError(f"no dataset {name!r} in {self.path}; existing datasets: {names}")
        return path

    def _make_dir(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise DatasetError(f"can't create database directory {self.path}: "
                               f"{err.strerror or err}; pass --db DIR or set {DB_ENV_VAR}") from err


class NoSaveDatabase(Database):
    """The store of a session that saves nothing (a recipe's ``"db": False``): answers are
    checked as for saving, then dropped. Other datasets (--exclude) are read as usual; no
    dataset counts as existing, so the session asks everything."""

    def exists(self, name: str) -> bool:
        return False

    def add_examples(self, name: str | Sequence[Task], examples: Sequence[Any] | None = None, *,
                     datasets: Iterable[str] = ()) -> None:
        target, batch = (name, examples or []) if isinstance(name, str) else ("unsaved", name)
        _payload(target, batch)


def _payload(name: str, examples: Sequence[Any]) -> bytes:
    return b"".join(_encode_checked(name, i, eg) for i, eg in enumerate(examples))


def _encode_checked(name: str, index: int, example: Any) -> bytes:
    try:
        check_example(example)
        return encode(example)
    except (TypeError, ValueError) as err:
        raise InvalidTaskError(f"example {index} of the batch for dataset {name!r} can't be "
                               f"saved: {err}; nothing was written") from err


def _open(path: Path, flags: int) -> int:
    try:
        return os.open(path, flags, 0o644)
    except OSError as err:
        raise DatasetError(f"can't open {path}: {err.strerror or err}; check the permissions "
                           f"of the database directory or pass another --db DIR") from err


_LOCK_TRIES = 100


def _lock(path: Path, flags: int) -> int:
    """An fd on the file at `path` under an exclusive lock, the file still being the one there.

    A `drop` can unlink the file between our open and our lock: writing then would go to a
    file nobody can read (the batch lost silently). So after taking the lock, check that the
    path still names the inode we hold, and open again if not.
    """
    for _ in range(_LOCK_TRIES):
        fd = _open(path, flags)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if _same_file(fd, path):
            return fd
        os.close(fd)
        if not flags & os.O_CREAT and not path.exists():
            raise DatasetError(f"dataset file {path} was removed by another process")
    raise DatasetError(f"{path} kept being replaced by another process; retry")


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _append_locked(fd: int, payload: bytes, path: Path) -> None:
    """Repair a torn tail, then write `payload` in one call and fsync (caller holds the lock)."""
    size = _repair_tail(fd)
    try:
        written = os.write(fd, payload) if payload else 0
        while written < len(payload):  # only for huge batches or a full disk
            written += os.write(fd, payload[written:])
        os.fsync(fd)
    except OSError as err:
        os.ftruncate(fd, size)  # all or nothing: don't leave half a batch
        raise DatasetError(f"can't write to {path}: {err.strerror or err}; nothing was "
                           "saved, free disk space or check permissions and retry") from err


def _repair_tail(fd: int) -> int:
    """Make the file end at a line boundary; return its size afterwards."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return size
    start = _last_line_start(fd, size)
    if _parse_object(os.pread(fd, size - start, start)) is not None:
        os.write(fd, b"\n")  # a whole record that lacks only its newline
        return size + 1
    os.ftruncate(fd, start)  # a torn write
    return start


def _last_line_start(fd: int, size: int) -> int:
    end = size
    while end > 0:
        begin = max(0, end - _CHUNK)
        newline = os.pread(fd, end - begin, begin).rfind(b"\n")
        if newline >= 0:
            return begin + newline + 1
        end = begin
    return 0


def _parse_object(line: bytes) -> dict | None:
    try:
        return json_object(line)
    except ValueError:
        return None


def _records(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of each record up to the size at the first read; skips a torn tail."""
    with path.open("rb") as file:
        remaining = os.fstat(file.fileno()).st_size
        for number, line in enumerate(file, start=1):
            if remaining <= 0:
                return
            remaining -= len(line)
            if not line.endswith(b"\n") and _parse_object(line) is None:
                return  # torn by a crash mid-write: not a record
            if line.strip():
                yield number, line


def _read(path: Path) -> Iterator[Task]:
    for number, line in _records(path):
        try:
            example = json_value(line)
            check_example(example)
        except ValueError as err:
            raise DatasetError(f"{path}:{number}: corrupt line ({err}); fix or delete that "
                               "line in a text editor, or restore the file from a backup") from err
        yield example


def _fsync_dir(path: Path) -> None:
    """Make a created or removed file name durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def replacing(path: str | Path) -> Iterator[IO[str]]:
    """A text file that replaces `path` whole when the block ends, and never if it raises.

    Written beside `path` under a temporary name, then renamed: a reader sees the old file or all
    of the new one, never part of it (exports, results files, scored pools, run records).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            yield file
        os.chmod(tmp, 0o644)  # mkstemp makes it private
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise

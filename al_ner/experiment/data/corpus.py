"""Gold corpora for the experiment: loader specs, IOB column files and `datasets` copies."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import srsly

from ...constants import END, ID, META, START, TEXT, TOKENS, WS
from ...errors import ConfigError, InputError
from ...stream.hashing import input_hash
from ...types import Task

SPLIT_NAMES = ("pool", "dev", "test")
DOCSTART = "-DOCSTART-"


@dataclass(frozen=True)
class Sentence:
    """One gold sentence: tokens and their IOB2 tags."""

    tokens: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def text(self) -> str:
        """Tokens joined by single spaces: the text the al-ner loaders build."""
        return " ".join(self.tokens)

    @property
    def hash(self) -> int:
        """The Prodigy input hash of the sentence's text (what the recipes dedupe by)."""
        return input_hash({TEXT: self.text})


@dataclass(frozen=True)
class CorpusSpec:
    """What a corpora/*.json loader spec says: where the splits are and how to read them."""

    name: str
    format: str
    path: str
    splits: dict[str, str]
    labels: list[str] = field(default_factory=list)
    datasets: dict[str, Any] = field(default_factory=dict)
    description: str = ""


def load_spec(path: str | Path) -> CorpusSpec:
    """Read a loader spec (corpora/conll2003.json, ...)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"corpus spec '{path}' not found; pass a file like corpora/news.json")
    data = srsly.read_json(path)
    known = set(CorpusSpec.__dataclass_fields__) | {"csv"}
    unknown = set(data) - known
    if unknown or not {"name", "format", "path", "splits"} <= set(data):
        raise ConfigError(f"corpus spec '{path}' needs name, format, path and splits "
                          f"(unknown keys: {sorted(unknown) or 'none'})")
    return CorpusSpec(**{k: v for k, v in data.items() if k != "csv"})


def read_iob(path: str | Path) -> list[Sentence]:
    """Sentences of a CoNLL column file: first column the token, last the NER tag.

    Blank lines end sentences, -DOCSTART- lines are skipped, IOB1 tags become IOB2.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found; check the corpus path or pass --path", path=str(path))
    sentences: list[Sentence] = []
    rows: list[tuple[str, str]] = []
    with path.open(encoding="utf8") as handle:
        for n, line in enumerate(handle, start=1):
            cols = line.split()
            if cols and cols[0] == DOCSTART:
                continue
            if not cols:
                sentences.extend(_finish(rows))
                rows = []
                continue
            if len(cols) < 2:
                raise InputError(f"expected 'token ... TAG', got {line.strip()!r}", path=str(path), line=n)
            rows.append((cols[0], cols[-1]))
    sentences.extend(_finish(rows))
    return sentences


def _finish(rows: list[tuple[str, str]]) -> list[Sentence]:
    if not rows:
        return []
    tokens, tags = zip(*rows)
    return [Sentence(tuple(tokens), tuple(to_iob2(tags)))]


def to_iob2(tags: Sequence[str]) -> list[str]:
    """Turn IOB1 (an I- may start an entity) into IOB2 (every entity starts with B-)."""
    out, previous = [], "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
        previous = tag
    return out


def iob_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity spans (token start, token end exclusive, label) of IOB2 tags."""
    spans: list[tuple[int, int, str]] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-") or (tag.startswith("I-") and (not spans or spans[-1][1] != i
                                                               or spans[-1][2] != tag[2:])):
            spans.append((i, i + 1, tag[2:]))
        elif tag.startswith("I-"):
            spans[-1] = (spans[-1][0], i + 1, spans[-1][2])
    return spans


def write_iob(path: str | Path, sentences: Iterable[Sentence]) -> None:
    """Write `token TAG` lines, a blank line between sentences."""
    blocks = ["\n".join(f"{t} {g}" for t, g in zip(s.tokens, s.tags)) for s in sentences]
    Path(path).write_text("\n\n".join(blocks) + "\n", encoding="utf8")


def to_task(sentence: Sentence, meta: dict[str, Any] | None = None) -> Task:
    """An unlabeled task (text, tokens, meta) for the recipes: the annotator never sees gold here."""
    tokens, offset = [], 0
    for i, word in enumerate(sentence.tokens):
        tokens.append({TEXT: word, START: offset, END: offset + len(word), ID: i,
                       WS: i < len(sentence.tokens) - 1})
        offset += len(word) + 1
    return {TEXT: sentence.text, TOKENS: tokens, META: dict(meta or {})}


def write_tasks(path: str | Path, sentences: Iterable[Sentence]) -> None:
    """Write the unlabeled pool as JSONL tasks."""
    srsly.write_jsonl(path, (to_task(s, {"i": i}) for i, s in enumerate(sentences)))


def from_datasets_rows(rows: Iterable[dict[str, Any]], tag_names: Sequence[str], *,
                       tokens: str = "tokens", tags: str = "ner_tags") -> Iterator[Sentence]:
    """Sentences from `datasets` rows with a token list and ClassLabel tag ids."""
    for row in rows:
        names = [tag_names[i] if isinstance(i, int) else str(i) for i in row[tags]]
        if row[tokens]:
            yield Sentence(tuple(row[tokens]), tuple(to_iob2(names)))


def read_split(spec: CorpusSpec, split: str, *, path: str | None = None,
               datasets_id: str | None = None) -> list[Sentence]:
    """One split of a labeled corpus, from local files or from the `datasets` copy."""
    if split not in spec.splits:
        raise ConfigError(f"corpus '{spec.name}' has no '{split}' split; it has: {', '.join(spec.splits)}")
    if datasets_id:
        return _read_datasets(spec, split, datasets_id)
    if spec.format != "conll":
        raise ConfigError(f"corpus '{spec.name}' is '{spec.format}' text without gold entities; "
                          "the experiment needs a labeled (conll) corpus")
    return read_iob(Path(path or spec.path) / spec.splits[split])


def _read_datasets(spec: CorpusSpec, split: str, datasets_id: str) -> list[Sentence]:
    import datasets  # slow import, only when asked for

    opts = spec.datasets
    hf_split = opts.get("splits", {}).get(split, split)
    tag_key = opts.get("tags", "ner_tags")
    try:
        data = datasets.load_dataset(datasets_id, split=hf_split)
    except Exception as err:  # datasets raises many kinds (network, missing split, ...)
        raise ConfigError(f"can't load datasets id '{datasets_id}' split '{hf_split}': {err}; "
                          "use the local files (drop --datasets-id) or check the id") from err
    feature = getattr(data.features[tag_key], "feature", None)
    names = list(getattr(feature, "names", []))
    return list(from_datasets_rows(data, names, tokens=opts.get("tokens", "tokens"), tags=tag_key))

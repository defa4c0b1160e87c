"""Gold corpora for the experiment: loader specs, IOB column files and `datasets` copies."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import srsly

from ...constants import META, TEXT, TOKENS
from ...errors import ConfigError, InputError
from ...stream.hashing import input_hash
from ...stream.iob import TokenSpan, iob_to_spans, spans_to_iob, task_token_spans, to_iob2, word_tokens
from ...stream.loaders import DOCSTART, read_conll
from ...types import Task

SPLIT_NAMES = ("pool", "dev", "test")
GOLD_SUFFIXES = (".iob", ".conll", ".txt")  # gold corpus files (CoNLL columns), not specs or datasets


@dataclass(frozen=True)
class Sentence:
    """One gold sentence: tokens, their IOB2 tags, and the document it belongs to (when known)."""

    tokens: tuple[str, ...]
    tags: tuple[str, ...]
    doc: str | None = None

    @property
    def text(self) -> str:
        """Tokens joined by single spaces: the text the al-ner loaders build."""
        return " ".join(self.tokens)

    @property
    def hash(self) -> int:
        """The Prodigy input hash of the sentence's text (what the recipes dedupe by)."""
        return input_hash({TEXT: self.text})

    @property
    def spans(self) -> list[TokenSpan]:
        """Its entities as (token_start, token_end inclusive, label)."""
        return iob_to_spans(self.tags)

    @classmethod
    def of_task(cls, task: Task) -> Sentence:
        """The gold sentence of a task with tokens and spans (what the CoNLL loader reads).

        Its document: the id the -DOCSTART- line named, else "d" and the document's number in
        the file (one file without -DOCSTART- lines is one document: see `documents`).
        """
        words = tuple(token[TEXT] for token in task[TOKENS])
        meta = task.get(META) or {}
        doc = meta.get("doc_id") or (f"d{meta['doc']}" if "doc" in meta else None)
        return cls(words, tuple(spans_to_iob(len(words), task_token_spans(task))), doc)


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

    Blank lines end sentences, -DOCSTART- lines are skipped, IOB1 tags become IOB2; read by the
    stream's CoNLL loader (one reader of IOB: a bad line or tag names file and line).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found; check the corpus path or pass --path", path=str(path))
    return [Sentence.of_task(task) for task in read_conll(path)]


def write_iob(path: str | Path, sentences: Iterable[Sentence]) -> None:
    """Write `token TAG` lines, a blank line between sentences; a `-DOCSTART- ID` line before each
    document when the sentences know their documents (more than one)."""
    sentences = list(sentences)
    marked = documents(sentences) is not None
    blocks, previous = [], None
    for s in sentences:
        if marked and s.doc != previous:
            blocks.append(f"{DOCSTART} {s.doc}")
            previous = s.doc
        blocks.append("\n".join(f"{t} {g}" for t, g in zip(s.tokens, s.tags)))
    Path(path).write_text("\n\n".join(blocks) + "\n", encoding="utf8")


def documents(sentences: Sequence[Sentence]) -> list[str] | None:
    """Each sentence's document, or None when the file marks none (all in one, or unknown)."""
    docs = [s.doc for s in sentences]
    return None if None in docs or len(set(docs)) < 2 else [str(d) for d in docs]


def to_task(sentence: Sentence, meta: dict[str, Any] | None = None) -> Task:
    """An unlabeled task (text, tokens, meta) for the recipes: the annotator never sees gold here."""
    return {TEXT: sentence.text, TOKENS: word_tokens(sentence.tokens), META: dict(meta or {})}


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

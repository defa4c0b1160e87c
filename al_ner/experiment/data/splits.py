"""Keep the evaluation sets apart: held-out test, unbiased dev, pool, and each run's annotation dev.

Every set is compared by the Prodigy input hash of its sentences' text, the same hash the
recipes use to skip questions already answered, so "no overlap" means what the annotator sees.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations
from pathlib import Path
from typing import Any

import srsly

from ...constants import INPUT_HASH
from ...errors import ConfigError, EmptyPoolError, LeakageError
from ...stream.hashing import input_hash
from ...training.split import check_share, dev_bucket, in_dev
from ...types import Task
from .gold_corpus import CorpusSpec, Sentence, documents, read_iob, read_split, write_iob


@dataclass
class Splits:
    """The pool the annotator labels and the two fixed evaluation sets."""

    pool: list[Sentence]
    dev: list[Sentence]
    test: list[Sentence]
    removed: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, list[Sentence]]:
        return {"pool": self.pool, "dev": self.dev, "test": self.test}


def make_splits(pool: Sequence[Sentence], test: Sequence[Sentence], dev: Sequence[Sentence] | None = None,
                *, dev_size: int = 0, pool_size: int | None = None, seed: int = 0) -> Splits:
    """Make pool, unbiased dev and held-out test disjoint by hash; the test set is never changed.

    Without `dev`, `dev_size` sentences are drawn at random from the pool before any selection.
    Pool sentences repeated or found in dev/test are dropped; dev sentences found in test too.
    `pool_size` then keeps a random subset of the pool. `removed` counts what was dropped.
    """
    rng = random.Random(seed)
    test_hashes = {s.hash for s in test}
    unique_pool, n_repeats = _dedupe(pool)
    clean_pool = [s for s in unique_pool if s.hash not in test_hashes]
    removed = {"pool_repeats": n_repeats, "pool_in_test": len(unique_pool) - len(clean_pool)}
    if dev is None:
        dev, clean_pool = _draw(clean_pool, dev_size, rng)
    kept_dev = [s for s in dev if s.hash not in test_hashes]
    removed["dev_in_test"] = len(dev) - len(kept_dev)
    dev_hashes = {s.hash for s in kept_dev}
    final_pool = [s for s in clean_pool if s.hash not in dev_hashes]
    removed["pool_in_dev"] = len(clean_pool) - len(final_pool)
    if pool_size is not None and pool_size < len(final_pool):
        keep = set(rng.sample(range(len(final_pool)), pool_size))
        final_pool = [s for i, s in enumerate(final_pool) if i in keep]
    if not final_pool:
        raise EmptyPoolError("no pool sentence is left after removing the dev and test sentences; "
                             "check that pool, dev and test are different files")
    splits = Splits(final_pool, list(kept_dev), list(test), removed)
    check_disjoint({name: [s.hash for s in sents] for name, sents in splits.as_dict().items()})
    return splits


def _dedupe(sentences: Sequence[Sentence]) -> tuple[list[Sentence], int]:
    """The first of each repeated sentence, and how many repeats were dropped."""
    seen: set[int] = set()
    out = []
    for sent in sentences:
        if sent.hash not in seen:
            seen.add(sent.hash)
            out.append(sent)
    return out, len(sentences) - len(out)


def _draw(pool: list[Sentence], size: int, rng: random.Random) -> tuple[list[Sentence], list[Sentence]]:
    if not 0 < size < len(pool):
        raise ConfigError(f"the corpus has no dev split, so dev_size must be between 1 and the pool "
                          f"size minus 1 ({len(pool) - 1}), got {size}")
    chosen = set(rng.sample(range(len(pool)), size))
    return ([s for i, s in enumerate(pool) if i in chosen],
            [s for i, s in enumerate(pool) if i not in chosen])


def check_disjoint(named: Mapping[str, Iterable[int]]) -> None:
    """Raise LeakageError if any two of the named hash collections share a hash."""
    sets = {name: set(hashes) for name, hashes in named.items()}
    for (a, ha), (b, hb) in combinations(sets.items(), 2):
        shared = ha & hb
        if shared:
            raise LeakageError(f"{len(shared)} sentence(s) are in both '{a}' and '{b}' "
                               f"(e.g. input hash {min(shared)}); rebuild the splits with prepare")


def task_input_hash(task: Task) -> int:
    """A task's stored input hash, else the one `set_hash` would give it."""
    value = task.get(INPUT_HASH)
    return int(value) if value is not None else input_hash(task)


def split_answers(answers: Iterable[Task], *, share: float, seed: int, at_least_one: bool = False,
                  sides: dict[int, bool] | None = None) -> tuple[list[Task], list[Task]]:
    """Cut a run's answers into (train, annotation dev), as a user holding out a share would.

    sides: input hash -> "in dev", remembered across calls as a run grows; a sentence keeps the
    side it was first given. New sentences get their side from their hash alone
    (`training.split.in_dev`, the rule data-to-spacy's split follows too).
    at_least_one: if no sentence is in dev but two or more were answered, put the NEW sentence
    with the lowest dev bucket there (small budgets would otherwise have no dev set at all);
    sentences already on the train side never move.
    """
    answers = list(answers)
    sides = {} if sides is None else sides
    check_share(share, name="annotation dev share")
    new = [h for h in dict.fromkeys(task_input_hash(task) for task in answers) if h not in sides]
    for hash_value in new:
        sides[hash_value] = in_dev(hash_value, share=share, seed=seed)
    inputs = {task_input_hash(task) for task in answers}
    if at_least_one and share > 0 and new and len(inputs) > 1 and not any(sides[h] for h in inputs):
        sides[min(new, key=lambda h: dev_bucket(h, seed=seed))] = True
    train = [task for task in answers if not sides[task_input_hash(task)]]
    dev = [task for task in answers if sides[task_input_hash(task)]]
    return train, dev


def prepare_corpus(spec: CorpusSpec, out_dir: str | Path, *, path: str | None = None,
                   datasets_id: str | None = None, dev_size: int = 0, pool_size: int | None = None,
                   seed: int = 0) -> dict[str, Any]:
    """Read a labeled corpus, make its splits disjoint and write them for the runner.

    Writes pool.iob (gold for the simulated annotator), dev.iob, test.iob and splits.json
    (sizes, what was dropped and why, and where the data came from). Returns that summary.
    """
    read = partial(read_split, spec, path=path, datasets_id=datasets_id)
    dev = read("dev") if "dev" in spec.splits and not dev_size else None
    splits = make_splits(read("pool"), read("test"), dev, dev_size=dev_size, pool_size=pool_size,
                         seed=seed)
    return write_splits(splits, out_dir, {"corpus": spec.name, "source": datasets_id or str(path or spec.path),
                                          "dev_drawn_from_pool": dev is None, "seed": seed})


def prepare_file(path: str | Path, out_dir: str | Path, *, test_share: float = 0.2, dev_share: float = 0.1,
                 pool_size: int | None = None, seed: int = 0) -> dict[str, Any]:
    """Split one labeled corpus file (CoNLL columns, IOB1 or IOB2) by document, and write the splits.

    Whole documents go to test, dev and pool (`split_by_document`), so no article is in two of
    them and the report's bootstrap can resample documents; the files keep the document ids.
    """
    sentences = read_iob(path)
    pool, dev, test = split_by_document(sentences, test_share=test_share, dev_share=dev_share, seed=seed)
    splits = make_splits(pool, test, dev, pool_size=pool_size, seed=seed)
    return write_splits(splits, out_dir, {"corpus": Path(path).stem, "source": str(path), "seed": seed,
                                          "dev_drawn_from_pool": False, "split": "by document",
                                          "shares": {"test": test_share, "dev": dev_share}})


def split_by_document(sentences: Sequence[Sentence], *, test_share: float, dev_share: float,
                      seed: int) -> tuple[list[Sentence], list[Sentence], list[Sentence]]:
    """(pool, dev, test): the documents in a seeded random order, the first ones to test until it
    holds `test_share` of the sentences, the next to dev until `dev_share`, the rest to the pool.

    Sentences keep their order within each split. A file without documents (no -DOCSTART-
    lines) is split by sentence, each sentence its own document, and says so in the summary.
    """
    if not (0 < test_share < 1 and 0 < dev_share < 1 and test_share + dev_share < 1):
        raise ConfigError(f"test and dev shares must be in (0, 1) with room for a pool, got test "
                          f"{test_share} and dev {dev_share}")
    docs = documents(sentences) or [str(i) for i in range(len(sentences))]
    order = list(dict.fromkeys(docs))
    random.Random(seed).shuffle(order)
    sizes = Counter(docs)
    side: dict[str, str] = {}
    filled = {"test": 0, "dev": 0}
    for doc in order:
        name = next((n for n, share in (("test", test_share), ("dev", dev_share))
                     if filled[n] < share * len(sentences)), "pool")
        side[doc] = name
        if name != "pool":
            filled[name] += sizes[doc]
    parts: dict[str, list[Sentence]] = {"pool": [], "dev": [], "test": []}
    for sentence, doc in zip(sentences, docs):
        parts[side[doc]].append(sentence)
    return parts["pool"], parts["dev"], parts["test"]


def write_splits(splits: Splits, out_dir: str | Path, about: dict[str, Any]) -> dict[str, Any]:
    """pool.iob (gold for the simulated annotator), dev.iob, test.iob and splits.json (sizes, what was
    dropped and why, where the data came from, how many documents); returns that summary."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, sentences in splits.as_dict().items():
        write_iob(out / f"{name}.iob", sentences)
    summary = {**about, "sizes": {name: len(s) for name, s in splits.as_dict().items()},
               "tokens": {name: sum(len(x.tokens) for x in s) for name, s in splits.as_dict().items()},
               "documents": {name: len(set(documents(s) or [])) for name, s in splits.as_dict().items()},
               "removed": splits.removed}
    srsly.write_json(out / "splits.json", summary)
    return summary

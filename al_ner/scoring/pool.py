"""Pool scoring: the sentence-level uncertainty of every task of a large source, written as it comes.

`score_pool` yields one JSON line per sentence: the task (split into sentences unless
`unsegmented`, with tokens) carrying `meta.score` from `SentenceScorer`. With the ray backend
the work is a Ray Data pipeline whose actors load the pipeline once each; lines come back in
source order, and since a sentence's score doesn't depend on what it is batched with, they are
the lines the local backend writes. The driver reads the source (any loader, stdin too) and puts
it into Ray's object store in shards, so the cluster needs no shared filesystem. `stored_scores` reads such a file back as a scored stream, so
a recipe ranks a pre-scored pool without scoring it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..backends import LOCAL, check_backend, import_ray, ray_session
from ..constants import META, SCORE
from ..errors import InvalidTaskError
from ..models import check_labels, load_model
from ..storage import replacing
from ..stream import add_tokens, get_stream, split_sentences
from ..types import ScoredStream, Stream, Task
from .beam import check_batch_size
from .sentence import SentenceScorer

SHARD = 500  # source tasks per staged block: the unit Ray Data hands an actor, so many per actor


def score_pool(source: str, model: str, *, labels: list[str], loader: str | None = None,
               unsegmented: bool = False, batch_size: int = 64, backend: str = LOCAL,
               address: str | None = None, workers: int | None = None) -> Iterator[str]:
    """JSON lines of the source's sentences with their uncertainty (`meta.score`), in source order.

    Raises a typed error for an unknown backend or label, or a model that can't load, before
    the first line. workers: Ray actors (None: one per CPU of the cluster).
    """
    if check_backend(backend) != LOCAL:
        import_ray()  # without Ray: how to install it, before the model loads
    check_batch_size(batch_size)
    nlp = load_model(model)
    labels = check_labels(nlp, labels, name=model)
    stream = get_stream(source, loader=loader)
    if backend == LOCAL:
        return scored_lines(nlp, stream, labels=labels, unsegmented=unsegmented, batch_size=batch_size)
    where = str(Path(model).resolve()) if Path(model).exists() else model  # workers start elsewhere
    options = {"model": where, "labels": labels, "unsegmented": unsegmented, "batch_size": batch_size}
    return _ray_lines(stream, options, address=address, workers=workers)


def scored_lines(nlp: Language, stream: Iterable[Task], *, labels: list[str], unsegmented: bool,
                 batch_size: int) -> Iterator[str]:
    """Sentences (with tokens) of `stream` scored by a SentenceScorer, one JSON line each."""
    tasks: Stream = iter(stream) if unsegmented else split_sentences(nlp, stream)
    scorer = SentenceScorer(nlp, labels, batch_size=batch_size)
    for _score, task in scorer(add_tokens(nlp, tasks)):
        # the standard library writes floats that read back exactly (srsly rounds them to 9 digits),
        # so a recipe ranking the file ranks exactly what scoring in the recipe would
        yield json.dumps(task, ensure_ascii=False, separators=(",", ":"))


def write_scored(path: str | Path, lines: Iterable[str]) -> int:
    """Write `lines` to a temporary file beside `path`, then rename it: all of them or none."""
    count = 0
    with replacing(path) as handle:
        for count, line in enumerate(lines, start=1):
            handle.write(line + "\n")
    return count


def stored_scores(stream: Iterable[Task]) -> ScoredStream:
    """(meta.score, task) pairs of a pre-scored source (what `al-ner score` wrote)."""
    for task in stream:
        score = task.get(META, {}).get(SCORE)
        if not isinstance(score, (int, float)) or isinstance(score, bool):
            raise InvalidTaskError(f"task {str(task.get('text', ''))[:40]!r} has no meta.score; a pre-scored "
                                   "source comes from `al-ner score SOURCE MODEL --label L --out FILE`")
        yield float(score), task


class PoolScorer:
    """A Ray Data actor: loads the pipeline once, then turns batches of task lines into scored lines."""

    def __init__(self, *, model: str, labels: list[str], unsegmented: bool, batch_size: int) -> None:
        self.nlp = load_model(model)
        self.labels, self.unsegmented, self.batch_size = labels, unsegmented, batch_size

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        tasks = (json.loads(line) for line in batch["text"])
        return {"line": list(scored_lines(self.nlp, tasks, labels=self.labels, unsegmented=self.unsegmented,
                                          batch_size=self.batch_size))}


def _ray_lines(stream: Iterable[Task], options: dict[str, Any], *, address: str | None,
               workers: int | None) -> Iterator[str]:
    """Put the source in Ray's object store in shards, score them with Ray Data actors, in order."""
    with ray_session(address) as ray:
        shards = _stage(ray, stream)
        if shards:
            yield from _ray_pipeline(ray, shards, options, workers)


def _stage(ray: Any, stream: Iterable[Task]) -> list[Any]:
    """The validated source tasks as Arrow tables of SHARD JSON lines each, in the object store.

    Read here, where the source is (a file, stdin, a dataset), so the cluster needs no shared
    filesystem; Ray spills the shards to disk when they outgrow the store.
    """
    import pyarrow

    refs, items = [], iter(stream)
    while chunk := list(islice(items, SHARD)):
        lines = [json.dumps(task, ensure_ascii=False, separators=(",", ":")) for task in chunk]
        refs.append(ray.put(pyarrow.table({"text": lines})))
    return refs


def _ray_pipeline(ray: Any, shards: list[Any], options: dict[str, Any], workers: int | None) -> Iterator[str]:
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # lines in source order
    context.enable_progress_bars = False  # library code doesn't print
    actors = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    data = ray.data.from_arrow_refs(shards).map_batches(
        PoolScorer, fn_constructor_kwargs=options, batch_size=options["batch_size"], concurrency=actors,
        num_cpus=1)
    for row in data.iter_rows():
        yield str(row["line"])

"""What every speed benchmark measures against: the NER-only greedy pass, single-threaded BLAS.

Import this module before numpy or spaCy: it pins BLAS and OpenMP to one thread in the bench
process, for the baseline and the contenders alike (with threaded BLAS the greedy pass's CPU
time is inflated by idle spinning threads, and its ratio to anything else with it).
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import time  # noqa: E402
from collections.abc import Callable, Iterable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from spacy.language import Language  # noqa: E402

from al_ner.training.base_model import ner_pipes  # noqa: E402

SHARED = Path(os.environ.get("AL_NER_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CONLL = SHARED / "corpora" / "conll2003" / "test.txt"
BASELINE = "the NER-only greedy pass (nlp.pipe with the NER and what it listens to, nothing else)"


def ner_pass(nlp: Language, texts: Iterable[str]) -> int:
    """The baseline: the NER's own greedy pass over `texts`; returns the number of docs."""
    with nlp.select_pipes(enable=ner_pipes(nlp)):
        return sum(1 for _doc in nlp.pipe(texts))


def cpu_seconds(func: Callable[[], Any]) -> tuple[float, Any]:
    """Process CPU seconds of `func()` (one thread: the wall time of an idle machine), and its result."""
    start = time.process_time()
    result = func()
    return time.process_time() - start, result


def wall_and_cpu(func: Callable[[], Any]) -> tuple[tuple[float, float], Any]:
    """(wall seconds, CPU seconds) of `func()`, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return (time.perf_counter() - wall, time.process_time() - cpu), result

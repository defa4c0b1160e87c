"""Fixtures for the web annotator: small sessions over a real dataset store, a served app."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from al_ner.annotators.web import WebAnnotator, make_web_annotator
from al_ner.constants import VIEW_NER, VIEW_NER_MANUAL
from al_ner.controller import Controller
from al_ner.storage import get_db

DATASET = "news_entities"
LABELS = ["PERSON", "ORG", "GPE"]
XSS_TEXT = '<script>window.__xss = 1</script> and <img src=x onerror="window.__xss = 2"> here'


def tokens(nlp: Any, text: str) -> list[dict[str, Any]]:
    return [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i,
             "ws": bool(t.whitespace_)} for t in nlp.make_doc(text)]


def span(nlp: Any, text: str, phrase: str, label: str) -> dict[str, Any]:
    """The span of the first occurrence of `phrase`, with token offsets."""
    start = text.index(phrase)
    end = start + len(phrase)
    toks = tokens(nlp, text)
    first = next(t["id"] for t in toks if t["start"] == start)
    last = next(t["id"] for t in toks if t["end"] == end)
    return {"start": start, "end": end, "token_start": first, "token_end": last, "label": label}


def binary_tasks(nlp: Any) -> list[dict[str, Any]]:
    rows = [("Ada Lovelace wrote the first program.", "Ada Lovelace", "PERSON", 0.91),
            ("Apple opened a store in Paris.", "Apple", "ORG", 0.48),
            ("The river Thames flows through London.", "London", "GPE", 0.55),
            ("Grace Hopper worked on COBOL.", "COBOL", "ORG", 0.12)]
    return [{"text": text, "tokens": tokens(nlp, text), "spans": [span(nlp, text, p, label)],
             "meta": {"score": score}} for text, p, label, score in rows]


def manual_tasks(nlp: Any) -> list[dict[str, Any]]:
    first = "Tim Cook visited New York with IBM staff."
    second = "Angela Merkel met Emmanuel Macron in Berlin."
    third = "Nothing to see here."
    return [{"text": first, "tokens": tokens(nlp, first)},
            {"text": second, "tokens": tokens(nlp, second),  # pre-highlighted, as ner.correct
             "spans": [span(nlp, second, "Angela Merkel", "ORG"),
                       span(nlp, second, "Berlin", "GPE")]},
            {"text": third, "tokens": tokens(nlp, third)}]


class Recorder:
    """The recipe's `update` callback: remembers every batch."""

    def __init__(self) -> None:
        self.batches: list[list[dict[str, Any]]] = []

    def __call__(self, answers: list[dict[str, Any]]) -> None:
        self.batches.append(answers)


@pytest.fixture
def make_controller(tmp_path) -> Callable[..., Controller]:
    def make(tasks: list[dict[str, Any]], *, view_id: str = VIEW_NER, labels=LABELS,
             batch_size: int = 2, total: int | None = None, **kwargs: Any) -> Controller:
        components = {"dataset": DATASET, "view_id": view_id, "stream": iter(tasks),
                      "labels": list(labels), "update": Recorder(),
                      "total": len(tasks) if total is None else total}
        return Controller(components, get_db(tmp_path / "db"), batch_size=batch_size, **kwargs)

    return make


@pytest.fixture
def binary_controller(nlp, make_controller) -> Controller:
    return make_controller(binary_tasks(nlp))


@pytest.fixture
def manual_controller(nlp, make_controller) -> Controller:
    return make_controller(manual_tasks(nlp), view_id=VIEW_NER_MANUAL)


@pytest.fixture
def no_web_env(monkeypatch) -> None:
    monkeypatch.delenv("AL_NER_WEB_TOKEN", raising=False)
    monkeypatch.delenv("AL_NER_WEB_AUTH", raising=False)


class Served:
    """An annotator serving in a thread; `stop()` ends it and waits."""

    def __init__(self, annotator: WebAnnotator, thread: threading.Thread, url: str) -> None:
        self.annotator = annotator
        self.thread = thread
        self.url = url

    def stop(self) -> None:
        self.annotator.stop()
        self.thread.join(timeout=10)


@pytest.fixture
def serve(no_web_env) -> Iterator[Callable[..., Served]]:
    """serve(controller, **options) -> Served, on 127.0.0.1 and a free port."""
    started: list[Served] = []

    def start(controller: Controller, **options: Any) -> Served:
        urls: queue.Queue[str] = queue.Queue()
        annotator = make_web_annotator(host="127.0.0.1", port=0, on_ready=urls.put, **options)
        thread = threading.Thread(target=annotator, args=(controller,), daemon=True)
        thread.start()
        served = Served(annotator, thread, urls.get(timeout=10))
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()


def stored(controller: Controller) -> list[dict[str, Any]]:
    """Every line of the session's dataset, in order."""
    if not controller.db.exists(DATASET):
        return []
    return list(controller.db.get_examples(DATASET))


@pytest.fixture
def web(nlp) -> SimpleNamespace:
    """Helpers for the test modules (conftest isn't importable under --import-mode=importlib)."""
    return SimpleNamespace(DATASET=DATASET, LABELS=LABELS, XSS_TEXT=XSS_TEXT, stored=stored,
                           tokens=lambda text: tokens(nlp, text),
                           span=lambda text, phrase, label: span(nlp, text, phrase, label),
                           binary_tasks=lambda: binary_tasks(nlp),
                           manual_tasks=lambda: manual_tasks(nlp))

"""Fixtures for the web annotator: small sessions over a real dataset store, a served app, and
a headless Chromium (Debian's `chromium`, or AL_NER_CHROMIUM=/path) driven by Playwright."""

from __future__ import annotations

import os
import queue
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
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
    def make(tasks: Any, *, view_id: str = VIEW_NER, labels=LABELS, batch_size: int = 2,
             total: int | None = None, extra: dict[str, Any] | None = None,
             **kwargs: Any) -> Controller:
        """A controller over `tasks`; `extra` adds components (config, instructions, ...)."""
        components = {"dataset": DATASET, "view_id": view_id, "stream": iter(tasks),
                      "labels": list(labels), "update": Recorder(),
                      "total": len(tasks) if total is None and isinstance(tasks, list) else total,
                      **(extra or {})}
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
        self.errors: list[BaseException] = []

    def stop(self) -> None:
        self.annotator.stop()
        self.thread.join(timeout=10)


@pytest.fixture
def serve(no_web_env) -> Iterator[Callable[..., Served]]:
    """serve(controller, **options) -> Served, on 127.0.0.1 and a free port."""
    started: list[Served] = []

    def start(controller: Controller, **options: Any) -> Served:
        urls: queue.Queue[str] = queue.Queue()
        options.setdefault("port", 0)
        annotator = make_web_annotator(host="127.0.0.1", on_ready=urls.put, **options)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                annotator(controller)
            except Exception as err:  # noqa: BLE001 - a test may look at it (served.errors)
                errors.append(err)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        served = Served(annotator, thread, urls.get(timeout=10))
        served.errors = errors
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------------------ browser

CHROMIUM = Path(os.environ.get("AL_NER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not "
                                   "installed (pip install playwright)")
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium, or set AL_NER_CHROMIUM")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser) -> Iterator[Callable]:
    """open_page(url, **context_options) -> a page in a fresh context; the test fails on any
    script error."""
    contexts, errors = [], []

    def open_(url: str, **options: Any):
        context = browser.new_context(**{"viewport": {"width": 1000, "height": 560}, **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == []


def tok(page, text: str):
    return page.locator("#text .tok").filter(has_text=re.compile(f"^{re.escape(text)}$"))


def drag(page, first: str, last: str) -> None:
    """Press the mouse on one token, move to another, release: a span over both and between."""
    tok(page, first).hover()
    page.mouse.down()
    tok(page, last).hover()
    page.mouse.up()


def shows(page, text: str) -> None:
    page.wait_for_function("t => document.getElementById('text').textContent.includes(t)", arg=text)


def marks(page) -> list[tuple[str, str]]:
    """(covered text, label) of each highlighted span, in order."""
    return [(m.evaluate("n => [...n.querySelectorAll('.tok')].map(t => t.textContent).join(' ')"),
             m.get_attribute("data-label")) for m in page.locator("#text mark").all()]


def wait_for(check: Callable[[], bool], what: str, timeout: float = 10.0, page: Any = None) -> None:
    """Poll `check`; with `page`, wait through Playwright (so its route handlers run)."""
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for {what}")
        if page is not None:
            page.wait_for_timeout(50)
        else:
            time.sleep(0.05)


@pytest.fixture
def ui() -> SimpleNamespace:
    """Page helpers for the browser tests."""
    return SimpleNamespace(tok=tok, drag=drag, shows=shows, marks=marks, wait_for=wait_for,
                           free_port=free_port)

"""The Starlette app: a static page and a small JSON API over a session's controller.

API (every POST takes a JSON object, ``Content-Type: application/json``):

* ``GET  /api/session``    dataset, view id, labels, batch size and progress
* ``POST /api/questions``  ``{"n": 10}`` -> ``{"tasks": [...], "progress": {...}}``
* ``POST /api/answers``    ``{"answers": [{"_task_hash": 1, "answer": "accept", "spans": [...]}]}``
* ``POST /api/undo``       ``{"task_hash": 1}`` -> the question again, open for this tab
* ``POST /api/release``    ``{"task_hashes": [1, 2]}`` gives a closing tab's questions back

Errors are ``{"error": "one line"}`` with 400 (malformed), 413 (too big), 415 (not JSON),
422 (an answer the controller refuses) or 500 (the dataset or the model failed).
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeGuard

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..constants import ANSWER, LABEL, SPANS, TASK_HASH
from ..errors import AlNerError, AnswerError
from ..types import Task
from .web_guard import Access, Guard

STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY_BYTES = 1_000_000
MAX_QUESTIONS = 100  # per request
MAX_ANSWERS = 1_000  # per request


class JSON(JSONResponse):
    """Compact UTF-8 JSON; numpy scalars (a model's scores) become plain numbers."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          default=_plain).encode("utf-8")


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)
    if callable(item):
        value = item()
        return None if isinstance(value, float) and not math.isfinite(value) else value
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def create_app(controller: Any, *, access: Access | None = None,
               allowed_hosts: Collection[str] | None = None, batch_size: int | None = None,
               max_body_bytes: int = MAX_BODY_BYTES,
               on_progress: Callable[[dict[str, Any]], None] | None = None) -> Starlette:
    """The web app serving `controller`.

    on_progress: sees the session's progress after each questions or answers request.
    """
    api = Api(controller, batch_size=batch_size, max_body_bytes=max_body_bytes,
              on_progress=on_progress)
    routes = [
        Route("/", index, methods=["GET"]),
        Route("/api/session", api.session, methods=["GET"]),
        Route("/api/questions", api.questions, methods=["POST"]),
        Route("/api/answers", api.answers, methods=["POST"]),
        Route("/api/undo", api.undo, methods=["POST"]),
        Route("/api/release", api.release, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    guard = Middleware(Guard, access=access or Access(), allowed_hosts=allowed_hosts)
    return Starlette(routes=routes, middleware=[guard],
                     exception_handlers={HTTPException: _error_response})


async def index(request: Request) -> Response:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")


async def _error_response(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "internal error")
    return JSON({"error": detail}, status_code=status, headers=getattr(exc, "headers", None))


class Api:
    """The JSON endpoints. Controller calls run in a worker thread: they may run the model."""

    def __init__(self, controller: Any, *, batch_size: int | None, max_body_bytes: int,
                 on_progress: Callable[[dict[str, Any]], None] | None) -> None:
        self.controller = controller
        self.batch_size = batch_size or getattr(controller, "batch_size", 10)
        self.max_body_bytes = max_body_bytes
        self.on_progress = on_progress
        # Undo hands the question back to the tab that asked: no other tab may take it between.
        self._lock = threading.Lock()

    async def session(self, request: Request) -> Response:
        c = self.controller
        data = await run_in_threadpool(lambda: {
            "dataset": c.dataset, "view_id": c.view_id, "labels": list(c.labels),
            "session_id": c.session_id, "batch_size": self.batch_size, "progress": c.progress()})
        return JSON(data)

    async def questions(self, request: Request) -> Response:
        body = await read_json(request, self.max_body_bytes)
        n = body.get("n", self.batch_size)
        if not _is_int(n) or not 1 <= n <= MAX_QUESTIONS:
            raise HTTPException(400, f"'n' must be an integer from 1 to {MAX_QUESTIONS}, got {n!r}")
        data = await self._call(self._questions, n)
        if self.on_progress is not None:
            self.on_progress(data["progress"])
        return JSON(data)

    def _questions(self, n: int) -> dict[str, Any]:
        with self._lock:
            tasks = self.controller.get_questions(n)
        return {"tasks": tasks, "progress": self.controller.progress()}

    async def answers(self, request: Request) -> Response:
        body = await read_json(request, self.max_body_bytes)
        answers = check_answers(body.get("answers"))
        data = await self._call(self._answers, answers)
        if self.on_progress is not None:
            self.on_progress(data["progress"])
        return JSON(data)

    def _answers(self, answers: list[Task]) -> dict[str, Any]:
        stored = self.controller.receive_answers(answers)
        saved = [task[TASK_HASH] for task in stored]
        return {"saved": saved, "progress": self.controller.progress()}

    async def undo(self, request: Request) -> Response:
        body = await read_json(request, self.max_body_bytes)
        task_hash = body.get("task_hash")
        if not _is_int(task_hash):
            raise HTTPException(400, f"'task_hash' must be an integer, got {task_hash!r}")
        return JSON(await self._call(self._undo, task_hash))

    def _undo(self, task_hash: int) -> dict[str, Any]:
        with self._lock:
            self.controller.undo(task_hash)
            tasks = self.controller.get_questions(1)
        if not tasks or tasks[0][TASK_HASH] != task_hash:
            self.controller.release([t[TASK_HASH] for t in tasks])
            raise AnswerError(f"question {task_hash} was undone but could not be reopened; reload")
        return {"task": tasks[0], "progress": self.controller.progress()}

    async def release(self, request: Request) -> Response:
        body = await read_json(request, self.max_body_bytes)
        hashes = body.get("task_hashes")
        if not (isinstance(hashes, list) and all(_is_int(h) for h in hashes)):
            raise HTTPException(400, "'task_hashes' must be a list of integers")
        return JSON(await self._call(self._release, hashes))

    def _release(self, hashes: list[int]) -> dict[str, Any]:
        self.controller.release(hashes)
        return {"progress": self.controller.progress()}

    async def _call(self, func: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        """Run `func` off the event loop; refused answers are 422, other user errors 500."""
        try:
            return await run_in_threadpool(func, *args)
        except AnswerError as err:
            raise HTTPException(422, str(err)) from err
        except AlNerError as err:
            raise HTTPException(500, str(err)) from err


async def read_json(request: Request, limit: int) -> dict[str, Any]:
    """The request's JSON object body: 415 unless JSON, 413 over `limit` bytes, 400 if malformed."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != "application/json":
        # also what keeps other sites out: a cross-origin JSON POST needs a CORS preflight
        raise HTTPException(415, f"send the body as application/json, not {kind or 'nothing'!r}")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise HTTPException(413, f"request body of {length} bytes is over the limit of {limit}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"request body is over the limit of {limit} bytes")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as err:
        raise HTTPException(400, f"request body is not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise HTTPException(400, f"request body must be a JSON object, got {type(data).__name__}")
    return data


def check_answers(answers: Any) -> list[Task]:
    """The answers with only the keys the controller reads; their values it checks itself."""
    if not isinstance(answers, list) or not 1 <= len(answers) <= MAX_ANSWERS:
        raise HTTPException(400, f"'answers' must be a list of 1 to {MAX_ANSWERS} answers")
    checked = []
    for i, answer in enumerate(answers):
        if not isinstance(answer, dict) or not _is_int(answer.get(TASK_HASH)):
            raise HTTPException(400, f"answer {i} must be an object with an integer {TASK_HASH}")
        keep = {TASK_HASH: answer[TASK_HASH], ANSWER: answer.get(ANSWER)}
        if SPANS in answer:
            keep[SPANS] = _check_labels(i, answer[SPANS])
        checked.append(keep)
    return checked


def _check_labels(i: int, spans: Any) -> Any:
    """Spans' labels must be strings (the controller checks them against the labels, if any)."""
    for j, span in enumerate(spans if isinstance(spans, list) else []):
        if isinstance(span, dict) and not isinstance(span.get(LABEL), str):
            raise HTTPException(422, f"span {j} of answer {i} has label {span.get(LABEL)!r}; "
                                     "send the label as a string")
    return spans


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)

"""The Starlette app: a static page and a small JSON API over a session's controller.

API (every POST takes a JSON object, ``Content-Type: application/json``; each may name the
person's session, ``"session": "alice"``, as the page does for ``/?session=alice``):

* ``GET  /api/session``    dataset, view id (and how it is drawn, and how each view id a
  question may carry is: ``drawn_as``), labels, instructions, the recipe's config settings the
  page reads, batch size, lease, progress
* ``POST /api/questions``  ``{"n": 10}`` -> ``{"tasks": [...], "progress": {...}}``
* ``POST /api/answers``    ``{"answers": [{"_task_hash": 1, "answer": "accept", "spans": [...],
  "flagged": true, "question": {...}}], "dataset": "news"}``; ``question`` (the task as it was
  handed out) lets a restarted server check and keep an answer it never handed out itself
* ``POST /api/validate``   ``{"answer": {...}}`` -> ``{"ok": true}``, or 422 with the recipe's
  validate_answer message (nothing saved: the page asks before it moves on)
* ``POST /api/undo``       ``{"task_hash": 1}`` -> the question again, open for this tab
* ``POST /api/release``    ``{"task_hashes": [1, 2]}`` gives a closing tab's questions back
* ``POST /api/renew``      ``{"task_hashes": [1, 2]}`` renews the leases of a live tab's questions;
  a question whose lease runs out (a tab that died) goes to whoever asks next

Errors are ``{"error": "one line"}`` with 400 (malformed, or JSON that can't be saved: NaN, a
lone surrogate), 409 (a tab of another dataset), 413 (too big), 415 (not JSON), 422 (an answer
the controller refuses; ``"task_hashes"`` names the questions handed to another session) or 500
(the dataset, the model or the source failed; ``"fatal": true`` when the source broke and the
server stops).
"""

from __future__ import annotations

import json
import math
import threading
import uuid
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..constants import ANSWER, FLAGGED, SELECTED, SPANS, TASK_HASH
from ..controller import QUESTION, SESSION_NAME, SESSION_RULE
from ..errors import AlNerError, AnswerError, ConfigError
from ..recipe_components import VIEWS
from ..stream.validate import is_int, json_problem
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


LEASE_SECONDS = 120.0  # a live tab renews its questions every 30 s (see app.js)


def create_app(controller: Any, *, access: Access | None = None,
               allowed_hosts: Collection[str] | None = None, batch_size: int | None = None,
               max_body_bytes: int = MAX_BODY_BYTES,
               on_progress: Callable[[dict[str, Any]], None] | None = None,
               on_fatal: Callable[[BaseException], None] | None = None,
               lease_seconds: float = LEASE_SECONDS) -> Starlette:
    """The web app serving `controller`.

    on_progress: sees the session's progress after each questions or answers request.
    on_fatal: called with the error when the source fails (the annotator stops the server).
    lease_seconds: how long a question stays with a tab that stopped renewing it.
    """
    api = Api(controller, batch_size=batch_size, max_body_bytes=max_body_bytes,
              on_progress=on_progress, on_fatal=on_fatal, lease_seconds=lease_seconds)
    routes = [
        Route("/", index, methods=["GET"]),
        Route("/api/session", api.session, methods=["GET"]),
        Route("/api/questions", api.questions, methods=["POST"]),
        Route("/api/answers", api.answers, methods=["POST"]),
        Route("/api/validate", api.validate, methods=["POST"]),
        Route("/api/undo", api.undo, methods=["POST"]),
        Route("/api/release", api.release, methods=["POST"]),
        Route("/api/renew", api.renew, methods=["POST"]),
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
    content = {"error": detail, **({"fatal": True} if getattr(exc, "fatal", False) else {})}
    if getattr(exc, "task_hashes", None):
        content["task_hashes"] = exc.task_hashes  # type: ignore[attr-defined]
    return JSON(content, status_code=status, headers=getattr(exc, "headers", None))


class Api:
    """The JSON endpoints. Controller calls run in a worker thread: they may run the model."""

    def __init__(self, controller: Any, *, batch_size: int | None, max_body_bytes: int,
                 on_progress: Callable[[dict[str, Any]], None] | None,
                 on_fatal: Callable[[BaseException], None] | None = None,
                 lease_seconds: float = LEASE_SECONDS) -> None:
        self.controller = controller
        self.batch_size = batch_size or getattr(controller, "batch_size", 10)
        self.max_body_bytes = max_body_bytes
        self.on_progress = on_progress
        self.on_fatal = on_fatal
        self.lease_seconds = lease_seconds
        self.server_id = uuid.uuid4().hex[:12]  # a tab sees from it that the server restarted
        # Undo hands the question back to the tab that asked: no other tab may take it between.
        self._lock = threading.Lock()

    async def session(self, request: Request) -> Response:
        name = _session_name(request.query_params.get("session"))
        return JSON(await self._call(self._session, name))

    def _session(self, name: str | None) -> dict[str, Any]:
        c = self.controller
        components = getattr(c, "components", {}) or {}
        return {"dataset": c.dataset, "view_id": c.view_id, "labels": list(c.labels),
                "session_id": c.session_for(name), "session": name,
                "batch_size": self.batch_size, "lease_seconds": self.lease_seconds,
                "instructions": str(components.get("instructions") or ""),
                "view": VIEWS.get(c.view_id, "binary"), "drawn_as": VIEWS,  # each question's view
                "config": page_config(components),
                "validates": components.get("validate_answer") is not None,
                "feed_overlap": bool(getattr(c, "feed_overlap", False)),
                "server_id": self.server_id, "progress": c.progress(session=name)}

    async def questions(self, request: Request) -> Response:
        body = await read_json(request, self.max_body_bytes)
        n = body.get("n", self.batch_size)
        if not is_int(n) or not 1 <= n <= MAX_QUESTIONS:
            raise HTTPException(400, f"'n' must be an integer from 1 to {MAX_QUESTIONS}, got {n!r}")
        data = await self._call(self._questions, n, _session_name(body.get("session")))
        self._progressed(data)
        return JSON(data)

    def _questions(self, n: int, name: str | None) -> dict[str, Any]:
        with self._lock:
            self.controller.reclaim(self.lease_seconds)
            tasks = self.controller.get_questions(n, session=name)
        return self._with_progress({"tasks": tasks}, name)

    async def answers(self, request: Request) -> Response:
        body = await read_json(request, self.max_body_bytes)
        dataset = body.get("dataset")
        if dataset is not None and dataset != self.controller.dataset:
            raise HTTPException(409, f"this tab annotates dataset {dataset!r}, but the server now "
                                     f"serves {self.controller.dataset!r}; reload the page")
        answers = check_answers(body.get("answers"))
        data = await self._call(self._answers, answers, _session_name(body.get("session")))
        self._progressed(data)
        return JSON(data)

    def _answers(self, answers: list[Task], name: str | None) -> dict[str, Any]:
        self.controller.receive_answers(answers, session=name)  # all or none (a replay: saved before)
        return self._with_progress({"saved": [answer[TASK_HASH] for answer in answers]}, name)

    async def validate(self, request: Request) -> Response:
        body = await read_json(request, self.max_body_bytes)
        (answer,) = check_answers([body.get("answer")])
        return JSON(await self._call(self._validate, answer, _session_name(body.get("session"))))

    def _validate(self, answer: Task, name: str | None) -> dict[str, Any]:
        self.controller.check_answer(answer, session=name)
        return {"ok": True}

    async def undo(self, request: Request) -> Response:
        body = await read_json(request, self.max_body_bytes)
        task_hash = body.get("task_hash")
        if not is_int(task_hash):
            raise HTTPException(400, f"'task_hash' must be an integer, got {task_hash!r}")
        return JSON(await self._call(self._undo, task_hash, _session_name(body.get("session"))))

    def _undo(self, task_hash: int, name: str | None) -> dict[str, Any]:
        with self._lock:
            self.controller.undo(task_hash, session=name)
            tasks = self.controller.get_questions(1, session=name)
        if not tasks or tasks[0][TASK_HASH] != task_hash:
            self.controller.release([t[TASK_HASH] for t in tasks], session=name)
            raise AnswerError(f"question {task_hash} was undone but could not be reopened; reload")
        return self._with_progress({"task": tasks[0]}, name)

    async def release(self, request: Request) -> Response:
        body = await read_json(request, self.max_body_bytes)
        hashes = _task_hashes(body)
        return JSON(await self._call(self._release, hashes, _session_name(body.get("session"))))

    def _release(self, hashes: list[int], name: str | None) -> dict[str, Any]:
        self.controller.release(hashes, session=name)
        return self._with_progress({}, name)

    async def renew(self, request: Request) -> Response:
        body = await read_json(request, self.max_body_bytes)
        hashes = _task_hashes(body)
        return JSON(await self._call(self._renew, hashes, _session_name(body.get("session"))))

    def _renew(self, hashes: list[int], name: str | None) -> dict[str, Any]:
        held = self.controller.renew(hashes, session=name)
        return self._with_progress({"renewed": held}, name)

    def _with_progress(self, data: dict[str, Any], name: str | None) -> dict[str, Any]:
        return {**data, "progress": self.controller.progress(session=name),
                "server_id": self.server_id}

    def _progressed(self, data: dict[str, Any]) -> None:
        if self.on_progress is not None:
            self.on_progress(data["progress"])

    async def _call(self, func: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        """Run `func` off the event loop: refused answers are 422, bad settings 400, other
        errors 500; a failed source also stops the server (`on_fatal`)."""
        try:
            return await run_in_threadpool(func, *args)
        except AnswerError as err:
            exc = HTTPException(422, str(err))
            exc.task_hashes = getattr(err, "task_hashes", None)  # type: ignore[attr-defined]
            raise exc from err
        except Exception as err:
            if isinstance(err, ConfigError) and getattr(self.controller, "failed", None) is not err:
                raise HTTPException(400, str(err)) from err
            raise self._server_error(err) from err

    def _server_error(self, err: Exception) -> HTTPException:
        fatal = getattr(self.controller, "failed", None) is err
        message = str(err) if isinstance(err, AlNerError) else f"{type(err).__name__}: {err}"
        if fatal and self.on_fatal is not None:
            self.on_fatal(err)
        exc = HTTPException(500, ("the source failed, the server stops: " if fatal else "") + message)
        exc.fatal = fatal  # type: ignore[attr-defined]
        return exc


PAGE_SETTINGS = ("label", "hide_meta", "show_flag", "history_size", "buttons", "lang")


def page_config(components: dict[str, Any]) -> dict[str, Any]:
    """The recipe's config settings the page reads (Prodigy's names; see recipe_components)."""
    config = components.get("config") or {}
    return {key: config[key] for key in PAGE_SETTINGS if config.get(key) is not None}


def _session_name(value: Any) -> str | None:
    """A person's session name from a request, checked (400 unless letters, digits, _ - .)."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not SESSION_NAME.fullmatch(value):
        raise HTTPException(400, f"invalid session name {value!r}: use {SESSION_RULE}")
    return value


def _task_hashes(body: dict[str, Any]) -> list[int]:
    hashes = body.get("task_hashes")
    if not (isinstance(hashes, list) and len(hashes) <= MAX_ANSWERS and all(is_int(h) for h in hashes)):
        raise HTTPException(400, "'task_hashes' must be a list of integers")
    return hashes


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
    problem = json_problem(data)  # NaN, a lone surrogate: JSON that can't be saved
    if problem is not None:
        raise HTTPException(400, f"request body can't be saved: {problem}")
    return data


def check_answers(answers: Any) -> list[Task]:
    """The answers with only the keys the controller reads; their values it checks itself."""
    if not isinstance(answers, list) or not 1 <= len(answers) <= MAX_ANSWERS:
        raise HTTPException(400, f"'answers' must be a list of 1 to {MAX_ANSWERS} answers")
    checked = []
    for i, answer in enumerate(answers):
        if not isinstance(answer, dict) or not is_int(answer.get(TASK_HASH)):
            raise HTTPException(400, f"answer {i} must be an object with an integer {TASK_HASH}")
        keep = {key: answer[key] for key in _ANSWER_KEYS if key in answer}
        checked.append({**keep, ANSWER: answer.get(ANSWER)})
    return checked


_ANSWER_KEYS = (TASK_HASH, ANSWER, SPANS, FLAGGED, SELECTED, QUESTION)

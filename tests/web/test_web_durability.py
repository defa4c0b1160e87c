"""Several named sessions answer through the HTTP API while the server is killed with SIGKILL and
started again: every answer a client was told is saved is in the dataset exactly once, every
question is answered once, and no line is torn (issue 17's 10 sessions x 60 s, scaled down)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx", reason="the clients need httpx (pip install httpx)")

from al_ner.storage import Database  # noqa: E402

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")]

SESSIONS = 4
QUESTIONS = 240
SERVER = """
import sys
from al_ner.annotators.web import make_web_annotator
from al_ner.controller import Controller
from al_ner.storage import get_db

db, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
stream = ({"text": f"Sentence number {i} is here.", "spans": []} for i in range(n))
components = {"dataset": "ds", "view_id": "ner", "stream": stream, "labels": ["ORG"]}
make_web_annotator(port=port, on_ready=lambda url: print(url, flush=True))(
    Controller(components, get_db(db), batch_size=5))
"""


def start(script: Path, db: Path, port: int) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, str(script), str(db), str(port), str(QUESTIONS)],
                              stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()  # printed once it listens
    assert url.startswith("http://"), "the server didn't start"
    return server, url


class Client(threading.Thread):
    """One session: asks, accepts, sends each batch with its questions until told it is saved
    (retrying while the server is down); a question another session took is dropped."""

    def __init__(self, url: str, name: str) -> None:
        super().__init__(daemon=True)
        self.url, self.name = url, name
        self.confirmed: list[int] = []
        self.refused = 0

    def run(self) -> None:
        with httpx.Client(timeout=10) as http:
            pending: list[dict] = []
            while True:
                try:
                    if pending:
                        self._send(http, pending)
                        pending = []
                        continue
                    reply = http.post(self.url + "api/questions", json={"n": 3, "session": self.name})
                    tasks = reply.json()["tasks"]
                    if not tasks and reply.json()["progress"]["done"]:
                        return
                    pending = [{"_task_hash": t["_task_hash"], "answer": "accept", "question": t}
                               for t in tasks]
                except httpx.TransportError:
                    time.sleep(0.02)  # the server is down: try again until it is back

    def _send(self, http: httpx.Client, answers: list[dict]) -> None:
        reply = self._post(http, answers)
        if reply.status_code == 200:
            self.confirmed += [a["_task_hash"] for a in answers]
            return
        assert reply.status_code == 422, reply.text
        for one in answers:  # one of them went to another session: send the rest one by one
            if self._post(http, [one]).status_code == 200:
                self.confirmed.append(one["_task_hash"])
            else:
                self.refused += 1

    def _post(self, http: httpx.Client, answers: list[dict]) -> httpx.Response:
        return http.post(self.url + "api/answers", json={"answers": answers, "session": self.name})


def test_sessions_lose_nothing_and_duplicate_nothing_across_a_sigkill(tmp_path: Path) -> None:
    script, db_dir = tmp_path / "serve.py", tmp_path / "db"
    script.write_text(SERVER)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server, url = start(script, db_dir, port)
    clients = [Client(url, f"s{i}") for i in range(SESSIONS)]
    for client in clients:
        client.start()
    path = Database(db_dir).path_for("ds")
    deadline = time.monotonic() + 60
    while not (path.exists() and path.read_bytes().count(b"\n") >= QUESTIONS // 3):
        assert time.monotonic() < deadline and server.poll() is None, "no progress"
        time.sleep(0.01)
    server.send_signal(signal.SIGKILL)  # mid-run: answers in flight, questions handed out
    server.wait()
    server, _ = start(script, db_dir, port)
    try:
        for client in clients:
            client.join(timeout=120)
            assert not client.is_alive(), "a client never finished"
    finally:
        server.terminate()
        server.wait(timeout=20)
    lines = path.read_bytes()
    saved = list(Database(db_dir).get_examples("ds"))  # every line parses: nothing torn
    assert len(saved) == lines.count(b"\n") and lines.endswith(b"\n")
    answered = sorted(e["_task_hash"] for e in saved)
    assert len(answered) == len(set(answered)) == QUESTIONS  # each question once, none lost
    confirmed = {(f"ds-{c.name}", h) for c in clients for h in c.confirmed}
    assert confirmed == {(e["_session_id"], e["_task_hash"]) for e in saved}

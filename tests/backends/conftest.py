"""A Ray cluster of our own on 127.0.0.1 for the backend tests, stopped (only it) at the end."""

from __future__ import annotations

import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

INSTALL = 'Ray is not installed (pip install "al-ner[ray]")'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (from /proc), children first found first."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    return bool(title(pid))  # a zombie's cmdline is empty


def title(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Cluster:
    """`ray start --head --block` on a free port with its own temp dir and token; its process tree."""

    def __init__(self, cpus: int = 2) -> None:
        self.temp = tempfile.mkdtemp(prefix="alray", dir="/tmp")  # short: Ray's socket paths have a limit
        self.port = free_port()
        self.env = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
        ray = Path(sys.executable).with_name("ray")
        command = [str(ray), "start", "--head", "--block", "--port", str(self.port), "--node-ip-address",
                   "127.0.0.1", "--num-cpus", str(cpus), "--temp-dir", self.temp, "--include-dashboard",
                   "false", "--disable-usage-stats"]
        self.log = open(Path(self.temp) / "start.log", "w")
        self.process = subprocess.Popen(command, env={**os.environ, **self.env}, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.address = f"127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "Ray runtime started" in (Path(self.temp) / "start.log").read_text():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        self.stop()
        pytest.fail("ray start did not come up: " + (Path(self.temp) / "start.log").read_text()[-2000:])

    def workers_running(self, name: str) -> list[int]:
        """Worker processes of this cluster whose title says they run `name`."""
        return [pid for pid in descendants(self.process.pid) if title(pid).strip() == f"ray::{name}"]

    def stop(self) -> None:
        """End this cluster's processes (and nothing else): TERM, then KILL what is left."""
        pids = [self.process.pid, *descendants(self.process.pid)]
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and any(alive(pid) for pid in pids):
                time.sleep(0.2)
        self.process.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.temp, ignore_errors=True)


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[Cluster]:
    """A 2-CPU Ray cluster on 127.0.0.1; the driver (this process) gets its token through the env."""
    if importlib.util.find_spec("ray") is None:
        pytest.skip(INSTALL)
    cluster = Cluster()
    saved = {key: os.environ.get(key) for key in cluster.env}
    os.environ.update(cluster.env)
    if "ray" in sys.modules:  # Ray read RAY_AUTH_MODE when it was imported: make it read it again
        from ray._raylet import Config

        Config.initialize("")
    try:
        cluster.wait_ready()
        yield cluster
    finally:
        import ray

        if ray.is_initialized():
            ray.shutdown()
        cluster.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

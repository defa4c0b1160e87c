"""Concurrent writers, SIGKILL mid-write and torn tails never leave a dataset unreadable."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest

from al_ner.storage import Database

pytestmark = pytest.mark.skipif(sys.platform == "win32" or "fork" not in
                                multiprocessing.get_all_start_methods(), reason="needs POSIX fork")
BATCH = 3


def batch(tag: str, i: int, size: int = BATCH, text: str = "x") -> list[dict]:
    return [{"text": f"{tag} {i} {j} {text}", "answer": "accept", "_input_hash": j,
             "_task_hash": i, "meta": {"tag": tag, "batch": i, "pos": j}} for j in range(size)]


def _append_batches(path: str, tag: str, n: int) -> None:
    db = Database(path)
    for i in range(n):
        db.add_examples("shared", batch(tag, i))


def _append_forever(path: str) -> None:
    db, i = Database(path), 0
    long_text = "y" * 4000
    while True:
        db.add_examples("victim", batch("k", i, size=40, text=long_text))  # ~160 kB a write
        i += 1


def test_two_processes_appending_at_once(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    writers = [ctx.Process(target=_append_batches, args=(str(tmp_path), tag, 500)) for tag in "ab"]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
        assert writer.exitcode == 0
    lines = (tmp_path / "shared.jsonl").read_bytes().split(b"\n")
    assert lines.pop() == b""
    metas = [json.loads(line)["meta"] for line in lines]  # every line parses
    assert len(metas) == 2 * 500 * BATCH
    for tag in "ab":  # each batch is contiguous and each writer's batches are in order
        mine = [(m["batch"], m["pos"]) for m in metas if m["tag"] == tag]
        assert mine == [(i, j) for i in range(500) for j in range(BATCH)]
    starts = [k for k, m in enumerate(metas) if m["pos"] == 0]
    assert all(metas[k + 1]["pos"] == 1 and metas[k + 2]["pos"] == 2 for k in starts)


def _wait_for_size(path: Path, size: int, timeout: float = 20.0) -> None:
    """Wait until the file holds at least `size` bytes (the writer's progress, not a time)."""
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.stat().st_size >= size):
        assert time.monotonic() < deadline, f"the writer never wrote {size} bytes"
        time.sleep(0.005)


def _complete_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n")


def test_sigkill_mid_write_leaves_a_readable_dataset(tmp_path: Path) -> None:
    ctx, db, rng = multiprocessing.get_context("fork"), Database(tmp_path), random.Random(0)
    path = db.path_for("victim")
    for _ in range(5):
        child = ctx.Process(target=_append_forever, args=(str(tmp_path),))
        child.start()
        # kill it once it has written a random amount more (a batch is ~160 kB): wherever the
        # kill lands, in a write or between two, the checks below must hold
        _wait_for_size(path, (path.stat().st_size if path.exists() else 0) + rng.randrange(1, 400_000))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
        examples = list(db.get_examples("victim"))  # no torn line breaks reading
        assert len(examples) == db.count("victim") == _complete_lines(path)
        db.add_examples("victim", batch("after", 0))
        assert path.read_bytes().endswith(b"\n")
        assert db.count("victim") == len(examples) + BATCH == _complete_lines(path)


def test_partial_tail_is_skipped_then_truncated_by_the_next_writer(tmp_path: Path) -> None:
    db = Database(tmp_path)
    db.add_examples("ds", batch("a", 0))
    path = db.path_for("ds")
    intact = path.read_bytes()
    with path.open("ab") as file:
        file.write(b'{"text": "torn by a crash", "answer": "acc')
    assert len(list(db.get_examples("ds"))) == db.count("ds") == BATCH
    db.add_examples("ds", batch("b", 1))
    data = path.read_bytes()
    assert data.startswith(intact) and b"torn" not in data
    assert [eg["meta"]["tag"] for eg in db.get_examples("ds")] == ["a"] * BATCH + ["b"] * BATCH


def test_partial_tail_without_any_newline(tmp_path: Path) -> None:
    db = Database(tmp_path)
    db.path_for("ds").write_bytes(b"\x00\x00\x00")  # what a power loss can leave
    assert db.count("ds") == 0 and list(db.get_examples("ds")) == []
    db.add_examples("ds", batch("a", 0))
    assert db.count("ds") == BATCH and not db.path_for("ds").read_bytes().startswith(b"\x00")


def test_whole_last_record_without_newline_is_kept(tmp_path: Path) -> None:
    db = Database(tmp_path)
    db.add_examples("ds", batch("a", 0))
    path = db.path_for("ds")
    path.write_bytes(path.read_bytes().rstrip(b"\n"))  # an editor saved it without a final newline
    assert db.count("ds") == len(list(db.get_examples("ds"))) == BATCH
    db.add_examples("ds", batch("b", 1))
    assert db.count("ds") == 2 * BATCH == _complete_lines(path)


def test_a_drop_between_open_and_lock_loses_no_batch(tmp_path, monkeypatch):
    # The writer opens the file, `drop` unlinks it, then the writer gets the lock: it used to
    # append to the unlinked file and the batch was gone without a word.
    import fcntl

    import al_ner.storage as storage

    db = Database(tmp_path)
    db.add_examples("ds", batch("old", 0))
    real_flock, calls = fcntl.flock, []

    def flock_after_a_drop(fd, op):
        calls.append(op)
        if len(calls) == 1:
            db.drop("ds")  # another process drops it in between (drop locks too: call 2)
        return real_flock(fd, op)

    monkeypatch.setattr(storage.fcntl, "flock", flock_after_a_drop)
    db.add_examples("ds", batch("new", 1))
    assert [e["meta"]["tag"] for e in db.get_examples("ds")] == ["new"] * BATCH

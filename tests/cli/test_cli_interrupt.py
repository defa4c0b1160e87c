"""Ctrl-C in the middle of a session: what was answered is saved, the exit is clean."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest


@pytest.mark.slow
def test_ctrl_c_keeps_answers(tmp_path):
    source = tmp_path / "src.jsonl"
    source.write_text("".join(json.dumps({"text": f"Acme number {i} rose ."}) + "\n" for i in range(5)))
    db = tmp_path / "db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "al_ner", "ner.manual", "t", "blank:en", str(source), "--label", "ORG",
         "-U", "--annotator", "terminal", "--db", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        # Ctrl-C as at a terminal: a job started in the background by a non-interactive shell
        # (CI scripts, `cmd &`) inherits SIGINT ignored, and Python then never raises KeyboardInterrupt
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.stdin and proc.stdout
    proc.stdin.write("a\nx\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        path = db / "t.jsonl"
        if path.exists() and len(path.read_text().splitlines()) == 2:
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    # wait before communicate() closes stdin: on a loaded machine the child could read that EOF
    # (a normal end of input, exit 0) before it handles the signal
    proc.wait(timeout=30)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "every answer given so far is saved" in err and "Traceback" not in err
    rows = [json.loads(line) for line in (db / "t.jsonl").read_text().splitlines()]
    assert [r["answer"] for r in rows] == ["accept", "reject"]

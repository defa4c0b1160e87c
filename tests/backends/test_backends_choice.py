"""Choosing a backend: the names, and one clear line when Ray isn't installed (no Ray needed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from al_ner.backends import check_backend, import_ray
from al_ner.errors import BackendError, ConfigError

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_ray(tmp_path: Path, monkeypatch) -> Path:
    """A directory whose `ray` package fails to import, first on the path (in and out of process)."""
    (tmp_path / "ray").mkdir()
    (tmp_path / "ray" / "__init__.py").write_text("raise ImportError('No module named ray')\n")
    monkeypatch.setitem(sys.modules, "ray", None)  # in this process: `import ray` raises ImportError
    return tmp_path


def test_unknown_backend_names_the_choices() -> None:
    assert check_backend("ray") == "ray"
    with pytest.raises(ConfigError, match="unknown backend 'spark'; choose one of: local, ray"):
        check_backend("spark")


def test_without_ray_the_error_says_how_to_install_it(no_ray: Path) -> None:
    with pytest.raises(BackendError, match=r'not installed: pip install "al-ner\[ray\]"'):
        import_ray()
    from al_ner.experiment.run.ray_backend import RayBackend

    with pytest.raises(BackendError, match="al-ner"):
        RayBackend(lambda: None)  # type: ignore[arg-type, return-value]


@pytest.mark.slow
def test_simulate_with_backend_ray_and_no_ray_prints_one_line(no_ray: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(no_ray), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "al_ner", "experiment", "simulate", str(REPO / "corpora" / "news"),
                           str(tmp_path / "out"), "--backend", "ray"], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ['✘ the ray backend needs Ray, which is not installed: '
                                                'pip install "al-ner[ray]"']
    assert not (tmp_path / "out").exists()


def test_a_worker_that_cannot_see_the_experiments_files_says_so(tmp_path: Path) -> None:
    from al_ner.experiment.data.config import load_config
    from al_ner.experiment.run.ray_backend import run_on_worker
    from al_ner.experiment.run.runner import RunJob, execute_run

    cfg = load_config(None)
    job = RunJob(cfg, cfg.strategy("random"), 0, Path("pools/pool_s0.jsonl"), tmp_path / "run", {})
    with pytest.raises(BackendError, match="pool_s0.jsonl is not on .*at the same paths \\(a shared filesystem\\)"):
        run_on_worker([None], execute_run, job, str(tmp_path))
    assert not (tmp_path / "run").exists()

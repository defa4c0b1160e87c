"""A non-editable install (`pip install .`) carries what `al-ner train` needs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q",
                           "-w", str(out)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"can't build the wheel here (pip needs setuptools from PyPI): {proc.stderr[-300:]}")
    return next(out.glob("al_ner-*.whl"))


@pytest.mark.slow
def test_the_wheel_packages_the_default_training_config(wheel, tmp_path):
    # `pip install .` used to break `al-ner train`: DEFAULT_CONFIG pointed beside site-packages
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "site")
    assert "al_ner/configs/ner_finetune.cfg" in names
    assert "al_ner/recipes/ner_teach.py" in names and "al_ner/annotators/static/app.js" in names
    code = ("from al_ner.training import DEFAULT_CONFIG; import al_ner; "
            "print(al_ner.__file__); print(DEFAULT_CONFIG, DEFAULT_CONFIG.is_file())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "site"), "PATH": ""})
    module, config = proc.stdout.splitlines()
    assert module.startswith(str(tmp_path / "site"))
    assert config == f"{tmp_path / 'site' / 'al_ner' / 'configs' / 'ner_finetune.cfg'} True"

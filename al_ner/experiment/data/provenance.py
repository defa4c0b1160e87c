"""What decides a run's results besides its settings: file contents, code and library versions.

A finished run is reused only when all of these match, so a changed training config, corpus
file, line of al-ner code or spaCy/model version re-runs it instead of reusing stale rows.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ... import __version__
from ... import recipes  # type: ignore[attr-defined]  # al_ner.recipes is recipes/ (package-dir)

# Modules that only read results (reports, plots, quoting), serve people (web, terminal, CLI)
# or decide where runs compute (backends: the same job gives the same rows on any of them, as
# tests/backends shows): changing them can't change a simulated run, so they stay out of the
# code digest.
NOT_IN_RUNS = ("experiment/render/", "experiment/analysis/analyse.py", "experiment/analysis/stats.py",
               "experiment/analysis/coverage.py", "experiment/analysis/recommend.py",
               "annotators/web.py", "annotators/web_app.py",
               "annotators/web_guard.py", "annotators/terminal.py", "annotators/static/", "cli/",
               # compare and diagnose read real answers; no simulated run imports them
               "experiment/run/compare.py", "experiment/run/arms.py", "experiment/run/demo.py",
               "experiment/diagnose/",
               # backends only decide where a run executes (tests show identical rows)
               "backends.py", "experiment/run/ray_backend.py", "experiment/run/simulate.py")


def file_digest(path: str | Path) -> str:
    """sha1 of a file's bytes, or 'missing' when there is no such file."""
    path = Path(path)
    return hashlib.sha1(path.read_bytes()).hexdigest() if path.is_file() else "missing"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """sha1 over the source of al-ner and its recipes (all but the modules in NOT_IN_RUNS)."""
    digest = hashlib.sha1()
    for root in (Path(__file__).parents[2], Path(recipes.__file__).parent):
        for path in _sources(root):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _sources(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if "__pycache__" not in relative and not relative.startswith(NOT_IN_RUNS):
            yield path


@lru_cache(maxsize=1)
def git_revision() -> str | None:
    """The git commit al-ner runs from (with '+dirty' for uncommitted changes), None outside git."""
    where = Path(__file__).parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=where,
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}+dirty" if dirty else head


def environment() -> dict[str, str]:
    """Versions that decide results: al-ner's version and code digest, spaCy's and thinc's."""
    import spacy
    import thinc

    return {"al_ner": __version__, "al_ner_code": code_digest(), "spacy": spacy.__version__,
            "thinc": thinc.__version__}

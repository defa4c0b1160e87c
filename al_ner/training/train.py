"""Train from a spaCy config in configs/, the base pipeline given by name.

The updates are spaCy's; the loop (`loop.run_training`) evaluates before training, every
`eval_frequency` steps and after every epoch, and model-best is the best trained checkpoint.
The dev scores it logs and picks model-best by cover only the labels the dev set annotates:
the NER's `scorer` is replaced on the initialized pipeline, so the config (and the saved
pipeline) keep spaCy's own scorer.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from spacy import util
from spacy.language import Language
from spacy.training.initialize import init_nlp
from thinc.api import ConfigValidationError

from ..errors import ConfigError
from ..models import get_ner, model_path
from . import callbacks  # noqa: F401  (registers al_ner.incorrect_spans_key.v1 for the config)
from .corpus import read_gold_labels
from .evaluate import annotated_ner_scorer
from .loop import Evaluation, run_training

REPO_CONFIGS = Path(__file__).resolve().parents[2] / "configs"
# A wheel installs configs/ as package data of al_ner.configs; an editable install or a
# checkout reads the repository's configs/ (what project.yml and the experiment configs name).
PACKAGED_CONFIGS = Path(__file__).resolve().parents[1] / "configs"
CONFIGS = PACKAGED_CONFIGS if (PACKAGED_CONFIGS / "ner_finetune.cfg").is_file() else REPO_CONFIGS
DEFAULT_CONFIG = CONFIGS / "ner_finetune.cfg"


@dataclass(frozen=True)
class TrainResult:
    """Where the pipelines are: after the last step, and the trained one with the best dev score.

    evaluations: every dev evaluation in order (the first, step 0, before training).
    best_evaluation: the one model-best holds (the best after training started).
    """

    last: Path
    best: Path | None
    evaluations: tuple[Evaluation, ...] = ()
    best_evaluation: Evaluation | None = None  # the one model-best holds

    @property
    def before_training(self) -> Evaluation | None:
        """The dev score of the pipeline before any update."""
        return next((e for e in self.evaluations if e.step == 0), None)


def base_model_overrides(base_model: str) -> dict[str, Any]:
    """``paths.base_model`` set to the directory of `base_model` (a name al-ner resolves, or a path)."""
    path = model_path(base_model)
    if path is None:
        raise ConfigError(f"base model {base_model!r} is blank; the config sources its components "
                          "from a trained pipeline such as en_core_web_md")
    return {"paths.base_model": str(path)}


def train(config: str | Path, output_dir: str | Path, *, overrides: dict[str, Any] | None = None,
          base_model: str | None = None, use_gpu: int = -1, stdout: IO[str] | None = None,
          labels: Sequence[str] | None = None) -> TrainResult:
    """Train with spaCy's updates (`loop.run_training`); return where the trained pipelines are.

    overrides: config overrides, e.g. {"paths.train": "corpus/train.spacy", "training.max_epochs": 5}.
    base_model: sets ``paths.base_model`` (what the config sources its components from); a
        config without that setting sources nothing and ignores it.
    stdout: where the progress table goes (default: discarded).
    labels: the labels the dev scores cover (logged, and what model-best is chosen by). Default:
        those data-to-spacy recorded beside ``paths.dev`` (dev.labels.json); without a record
        (complete gold) spaCy scores every label.
    """
    settings = dict(overrides or {})
    raw = util.load_config(config, interpolate=False) if Path(config).is_file() else None
    if raw is not None:  # typos first: before a missing or blank base model
        check_overrides(raw, settings, config)
    if base_model is not None and (raw is None or "base_model" in raw.get("paths", {})):
        settings.update(base_model_overrides(base_model))
    cfg, nlp = _init(Path(config), settings, use_gpu)
    scored = list(labels) if labels else _dev_labels(cfg)
    if scored:
        get_ner(nlp).scorer = annotated_ner_scorer(scored)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    sink = stdout if stdout is not None else io.StringIO()
    result = run_training(nlp, out, use_gpu=use_gpu, stdout=sink, stderr=sink)
    best = out / "model-best"
    return TrainResult(last=out / "model-last", best=best if result.best is not None else None,
                       evaluations=result.evaluations, best_evaluation=result.best)


def _init(config_path: Path, settings: dict[str, Any], use_gpu: int) -> tuple[Any, Language]:
    """The loaded config and the pipeline spaCy initialized from it."""
    if not config_path.is_file():
        raise ConfigError(f"training config {str(config_path)!r} not found; e.g. use {DEFAULT_CONFIG}")
    try:
        cfg = util.load_config(config_path, overrides=settings, interpolate=False)
        _check_paths(cfg, config_path)
        return cfg, init_nlp(cfg, use_gpu=use_gpu)
    except ConfigValidationError as err:
        raise ConfigError(f"invalid training config {config_path}: {_one_line(err)}") from err


def check_overrides(cfg: Any, overrides: dict[str, Any], config_path: Path | str) -> None:
    """Refuse an override naming a setting the config doesn't have (``--training.max_epoch``
    used to be taken silently). Sections that call a registered function (an ``@`` key) may
    also get that function's other arguments."""
    for key in overrides:
        *sections, name = key.split(".")
        section = cfg
        for depth, part in enumerate(sections):
            if not isinstance(section, dict) or part not in section:
                raise ConfigError(_unknown_setting(key, ".".join(sections[:depth + 1]), section,
                                                   config_path))
            section = section[part]
        if not isinstance(section, dict) or name in section or any(k.startswith("@") for k in section):
            continue
        raise ConfigError(_unknown_setting(key, key, section, config_path))


def _unknown_setting(key: str, missing: str, section: Any, config_path: Path | str) -> str:
    *parent, name = missing.split(".")
    known = list(section) if isinstance(section, dict) else []
    close = difflib.get_close_matches(name, known, n=1)
    where = f"[{'.'.join(parent)}]" if parent else "the top level"
    hint = f"; did you mean --{'.'.join([*parent, close[0]])}?" if close else \
        f"; settings there: {', '.join(known) or 'none'}"
    return f"config override --{key}: {config_path} has no '{name}' in {where}{hint}"


def _check_paths(cfg: Any, config_path: Path) -> None:
    paths = cfg.get("paths", {})
    if "base_model" in paths and not paths["base_model"]:
        raise ConfigError(f"{config_path} sources its components from paths.base_model, which is "
                          "unset; pass base_model='en_core_web_md' (--base-model)")
    for key in ("train", "dev"):
        if key in paths and (not paths[key] or not Path(paths[key]).exists()):
            raise ConfigError(f"paths.{key} is {paths[key]!r}, not an existing file; pass "
                              f"--paths.{key} corpus/{key}.spacy (see al-ner data-to-spacy)")


def _dev_labels(cfg: Any) -> list[str] | None:
    dev = cfg.get("paths", {}).get("dev")
    return read_gold_labels(dev) if dev else None


def _one_line(err: ConfigValidationError) -> str:
    errors = getattr(err, "errors", None) or []
    details = "; ".join(f"{'.'.join(map(str, e.get('loc', [])))}: {e.get('msg')}" for e in errors)
    return details or str(err).replace("\n", " ")

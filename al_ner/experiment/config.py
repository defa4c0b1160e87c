"""The experiment config (configs/experiment/*.cfg) and the built-in annotation strategies."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from confection import Config

from ..errors import ConfigError
from .cost import BINARY, MANUAL, CostModel

ONTONOTES_TO_CONLL = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "ORG": "ORG"}


@dataclass(frozen=True)
class Strategy:
    """How one strategy annotates: which recipe, with which order, and whether it runs in rounds.

    A strategy with rounds picks each round's questions with the model fine-tuned at the
    previous budget; one without always asks from the base model (or no model at all).
    """

    name: str
    recipe: str
    mode: str
    rounds: bool
    args: dict[str, Any] = field(default_factory=dict)


STRATEGIES: dict[str, Strategy] = {
    "random": Strategy("random", "ner.manual", MANUAL, rounds=False, args={"order": "random"}),
    "active-full": Strategy("active-full", "ner.correct", MANUAL, rounds=True,
                            args={"order": "uncertain"}),
    "active-binary": Strategy("active-binary", "ner.teach", BINARY, rounds=True),
}


def get_strategy(name: str) -> Strategy:
    if name not in STRATEGIES:
        raise ConfigError(f"unknown strategy '{name}'; choose from: {', '.join(STRATEGIES)}")
    return STRATEGIES[name]


@dataclass(frozen=True)
class ExperimentConfig:
    """Everything one experiment run varies. Labels are the base model's (what the recipes ask)."""

    base_model: str = "en_core_web_sm"
    labels: tuple[str, ...] = ("ORG",)
    label_map: dict[str, str] = field(default_factory=lambda: dict(ONTONOTES_TO_CONLL))
    strategies: tuple[str, ...] = ("random", "active-full", "active-binary")
    budgets: tuple[int, ...] = (25, 50, 100, 150)
    seeds: tuple[int, ...] = (0, 1, 2)
    noise: float = 0.0
    dev_share: float = 0.2
    fill: str = "model"
    window: int = 0
    batch_size: int = 10
    train_config: str = "configs/ner_finetune.cfg"
    max_epochs: int = 5
    checkpoint: str = "last"
    keep_models: bool = False
    cost: CostModel = field(default_factory=CostModel)

    def __post_init__(self) -> None:
        for name in self.strategies:
            get_strategy(name)
        if not self.budgets or list(self.budgets) != sorted(set(self.budgets)) or self.budgets[0] < 1:
            raise ConfigError(f"budgets must be increasing positive numbers, got {list(self.budgets)}")
        if not self.seeds:
            raise ConfigError("no seeds; pass --seeds N (N >= 1)")
        if not 0.0 <= self.noise < 1.0:
            raise ConfigError(f"noise must be in [0, 1), got {self.noise}")
        if not 0.0 < self.dev_share < 1.0:
            raise ConfigError(f"dev_share must be in (0, 1), got {self.dev_share}")
        if self.checkpoint not in ("last", "best"):
            raise ConfigError(f"checkpoint must be 'last' or 'best', got {self.checkpoint!r}")

    @property
    def gold_labels(self) -> list[str]:
        """The annotated labels under their gold names (what the report calls them)."""
        return [self.label_map.get(label, label) for label in self.labels]

    def gold_to_model(self) -> dict[str, str]:
        """The annotator's label map: gold label -> model label, for the annotated labels."""
        return {self.label_map.get(label, label): label for label in self.labels}

    def to_meta(self) -> dict[str, Any]:
        """JSON-ready settings for meta.json and the report."""
        return {"base_model": self.base_model, "labels": self.gold_labels, "model_labels": list(self.labels),
                "label_map": self.label_map, "strategies": list(self.strategies),
                "budgets": list(self.budgets), "seeds": list(self.seeds), "noise": self.noise,
                "dev_share": self.dev_share, "fill": self.fill, "max_epochs": self.max_epochs,
                "checkpoint": self.checkpoint, "window": self.window,
                "cost_model": describe_cost(self.cost)}


def describe_cost(cost: CostModel) -> str:
    return "; ".join(f"{mode}: {r.per_sentence} s/sentence + {r.per_token} s/token + {r.per_decision} "
                     "s/decision" for mode, r in ((BINARY, cost.binary), (MANUAL, cost.manual)))


def load_config(path: str | Path | None, **overrides: Any) -> ExperimentConfig:
    """Read a .cfg file ([experiment], [label_map], [training], [cost.*]) and apply CLI overrides.

    Overrides whose value is None are ignored; `seeds` may be a count (3 -> seeds 0, 1, 2).
    """
    settings: dict[str, Any] = {}
    if path is not None:
        settings = _from_cfg(Path(path))
    settings.update({k: v for k, v in overrides.items() if v is not None})
    if isinstance(settings.get("seeds"), int):
        settings["seeds"] = tuple(range(settings["seeds"]))
    for key in ("labels", "strategies", "budgets", "seeds"):
        if key in settings:
            settings[key] = tuple(_split(settings[key], int if key in ("budgets", "seeds") else str))
    known = set(ExperimentConfig.__dataclass_fields__)
    unknown = set(settings) - known
    if unknown:
        raise ConfigError(f"unknown experiment setting(s) {sorted(unknown)}; known: {', '.join(sorted(known))}")
    return replace(ExperimentConfig(), **settings)


def _from_cfg(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"experiment config '{path}' not found; e.g. configs/experiment/news.cfg")
    cfg = Config().from_disk(path, interpolate=True)
    settings = dict(cfg.get("experiment", {}))
    if "label_map" in cfg:
        settings["label_map"] = dict(cfg["label_map"])
    settings.update(cfg.get("training", {}))
    if "cost" in cfg:
        settings["cost"] = CostModel.from_dict(dict(cfg["cost"]))
    return settings


def _split(value: Any, kind: type) -> list[Any]:
    items = value.split(",") if isinstance(value, str) else list(value)
    try:
        return [kind(str(item).strip()) for item in items if str(item).strip()]
    except ValueError:
        raise ConfigError(f"can't read {value!r} as a comma-separated list of {kind.__name__}") from None

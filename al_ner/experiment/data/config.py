"""The experiment config (configs/experiment/*.cfg): settings, budgets and the strategies' recipes."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from confection import Config

from ...cost import BINARY, MANUAL, CostModel, check_unit
from ...errors import ConfigError
from ...training.evaluate import ONTONOTES_TO_CONLL
from ...training.train import DEFAULT_CONFIG

RANDOM = "random"
BINARY_RECIPES = ("ner.teach",)


# recipe arguments by which the model chooses the questions (only with order "uncertain")
MODEL_CHOICE = ("strategy", "strategy_settings", "subsequence")


@dataclass(frozen=True)
class Arm:
    """How one arm of the experiment annotates: which recipe with which arguments, whether in rounds.

    (Configs and results files call an arm a strategy: `[strategies.NAME]`, `strategies = ...`.)
    An arm with rounds picks each round's questions with the model fine-tuned at the
    previous checkpoint; one without always asks from the base model (or no model at all).
    `args` go to the recipe as keyword arguments (order, window, sorter, bias, ...).
    """

    name: str
    recipe: str
    rounds: bool
    args: dict[str, Any] = field(default_factory=dict)
    first_round: dict[str, Any] = field(default_factory=dict)  # args that differ in round 0

    def args_for(self, round_no: int) -> dict[str, Any]:
        """The recipe arguments of round `round_no`: `first_round` overrides `args` in round 0.

        A cold start in rounds: e.g. first_round = {order = "random"} asks the first checkpoint's
        questions at random, before the model has learnt anything from this data; the arm's
        choice by the model (strategy, its settings, subsequence) then waits for later rounds
        unless `first_round` gives it again.
        """
        if round_no != 0:
            return dict(self.args)
        args = {**self.args, **self.first_round}
        if args.get("order", "uncertain") != "uncertain":
            args = {k: v for k, v in args.items() if k not in MODEL_CHOICE or k in self.first_round}
        return args

    @property
    def mode(self) -> str:
        """'binary' for accept/reject recipes (ner.teach), else 'manual' (full-span answers)."""
        return BINARY if self.recipe in BINARY_RECIPES else MANUAL

    def to_dict(self) -> dict[str, Any]:
        first = {"first_round": dict(sorted(self.first_round.items()))} if self.first_round else {}
        return {"recipe": self.recipe, "rounds": self.rounds, **dict(sorted(self.args.items())), **first}

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> Arm:
        """An arm from a [strategies.NAME] config section: recipe, rounds, recipe arguments."""
        data = dict(data)
        if "recipe" not in data:
            raise ConfigError(f"strategy '{name}' needs a recipe, e.g. recipe = \"ner.teach\"")
        recipe = str(data.pop("recipe"))
        rounds = data.pop("rounds", recipe != "ner.manual" or data.get("order") == "uncertain")
        first_round = data.pop("first_round", {}) or {}
        if not isinstance(first_round, dict):
            raise ConfigError(f"strategy '{name}': first_round must be a section of recipe arguments, "
                              f"e.g. [strategies.{name}.first_round] order = \"random\"")
        return cls(name, recipe, bool(rounds), data, dict(first_round))


BUILTIN_ARMS: dict[str, Arm] = {
    RANDOM: Arm(RANDOM, "ner.manual", rounds=False, args={"order": "random"}),
    # entity uncertainty without control questions, as measured since issue 2 (ner.correct's own
    # defaults are now the adaptive strategy and one control question in ten: `adaptive`)
    "active-full": Arm("active-full", "ner.correct", rounds=True,
                       args={"order": "uncertain", "strategy": "al_ner.entity_uncertainty.v1",
                             "control": 0.0}),
    "active-binary": Arm("active-binary", "ner.teach", rounds=True),
}


@dataclass(frozen=True)
class ExperimentConfig:
    """Everything one experiment varies. Labels are the base model's (what the recipes ask).

    budgets are checkpoints of cumulative annotation cost in `budget_unit`; every strategy
    annotates until its cost reaches each one, so strategies are compared at equal cost.
    """

    base_model: str = "en_core_web_sm"
    labels: tuple[str, ...] = ("ORG",)
    label_map: dict[str, str] = field(default_factory=lambda: dict(ONTONOTES_TO_CONLL))
    strategies: tuple[str, ...] = (RANDOM, "active-full", "active-binary")
    strategy_defs: dict[str, Arm] = field(default_factory=lambda: dict(BUILTIN_ARMS))
    budget_unit: str = "tokens"
    budgets: tuple[float, ...] = (300, 600, 1200, 1800)
    seeds: tuple[int, ...] = (0, 1, 2)
    pool_share: float = 0.8
    noise: float = 0.0
    dev_share: float = 0.2
    fill: str = "model"
    window: int = 0
    batch_size: int = 10
    train_config: str = str(DEFAULT_CONFIG)  # training's own (the experiment configs name the repository's)
    max_epochs: int = 5
    checkpoint: str = "last"
    keep_models: bool = False
    cost: CostModel = field(default_factory=CostModel)

    def __post_init__(self) -> None:
        for name in self.strategies:
            self.arm(name)
        check_unit(self.budget_unit)
        if not self.budgets or list(self.budgets) != sorted(set(self.budgets)) or self.budgets[0] <= 0:
            raise ConfigError(f"budgets must be increasing positive numbers, got {list(self.budgets)}")
        if not self.seeds:
            raise ConfigError("no seeds; pass --seeds N (N >= 1)")
        for name, low, high in (("noise", 0.0, 1.0), ("dev_share", 0.0, 1.0)):
            value = getattr(self, name)
            if not low <= value < high or (name == "dev_share" and value == 0.0):
                raise ConfigError(f"{name} must be in {'[0, 1)' if name == 'noise' else '(0, 1)'}, got {value}")
        if not 0.0 < self.pool_share <= 1.0:
            raise ConfigError(f"pool_share must be in (0, 1], got {self.pool_share}")
        if self.checkpoint not in ("last", "best"):
            raise ConfigError(f"checkpoint must be 'last' or 'best', got {self.checkpoint!r}")

    def arm(self, name: str) -> Arm:
        """The arm called `name`, or a ConfigError listing the defined ones."""
        if name not in self.strategy_defs:
            raise ConfigError(f"unknown strategy '{name}'; choose from: {', '.join(self.strategy_defs)} "
                              "(or define it in a [strategies.NAME] section of the experiment config)")
        return self.strategy_defs[name]

    @property
    def gold_labels(self) -> list[str]:
        """The annotated labels under their gold names (what the report calls them)."""
        return [self.label_map.get(label, label) for label in self.labels]

    def gold_to_model(self) -> dict[str, str]:
        """The annotator's label map: gold label -> model label, for the annotated labels."""
        return {self.label_map.get(label, label): label for label in self.labels}

    def to_meta(self) -> dict[str, Any]:
        """Every setting, JSON-ready, for meta.json, the run cache and the report."""
        meta: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "strategy_defs":
                value = {name: value[name].to_dict() for name in self.strategies}
            elif item.name == "cost":
                value = value.to_dict()
            elif isinstance(value, tuple):
                value = list(value)
            meta[item.name] = value
        meta["labels"], meta["model_labels"] = self.gold_labels, list(self.labels)
        meta["cost_model"] = describe_cost(self.cost)
        return meta


def describe_cost(cost: CostModel) -> str:
    return "; ".join(f"{mode}: {r.per_sentence} s/sentence + {r.per_token} s/token + {r.per_decision} "
                     "s/decision" for mode, r in ((BINARY, cost.binary), (MANUAL, cost.manual)))


def load_config(path: str | Path | None, **overrides: Any) -> ExperimentConfig:
    """Read a .cfg file and apply CLI overrides.

    Sections: [experiment], [label_map], [training], [cost.binary]/[cost.manual] and
    [strategies.NAME] (recipe, rounds, recipe arguments). Overrides whose value is None are
    ignored; `seeds` may be a count (3 -> seeds 0, 1, 2).
    """
    settings: dict[str, Any] = _from_cfg(Path(path)) if path is not None else {}
    settings.update({k: v for k, v in overrides.items() if v is not None})
    if isinstance(settings.get("seeds"), int):
        settings["seeds"] = tuple(range(settings["seeds"]))
    for key, kind in (("labels", str), ("strategies", str), ("budgets", float), ("seeds", int)):
        if key in settings:
            settings[key] = tuple(_split(settings[key], kind))
    if "budgets" in settings:
        settings["budgets"] = tuple(int(b) if float(b).is_integer() else b for b in settings["budgets"])
    known = {f.name for f in fields(ExperimentConfig)}
    unknown = set(settings) - known
    if unknown:
        raise ConfigError(f"unknown experiment setting(s) {sorted(unknown)}; known: {', '.join(sorted(known))}")
    return replace(ExperimentConfig(), **settings)


def _from_cfg(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"experiment config '{path}' not found; e.g. configs/experiment/news.cfg")
    cfg = Config().from_disk(path, interpolate=True)
    unknown = set(cfg) - {"experiment", "label_map", "training", "cost", "strategies"}
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {sorted(unknown)}; use experiment, label_map, "
                          "training, cost, strategies")
    settings = dict(cfg.get("experiment", {}))
    if "label_map" in cfg:
        settings["label_map"] = dict(cfg["label_map"])
    settings.update(cfg.get("training", {}))
    if "cost" in cfg:
        settings["cost"] = CostModel.from_dict(dict(cfg["cost"]))
    if "strategies" in cfg:
        defined = {name: Arm.from_dict(name, dict(section)) for name, section in cfg["strategies"].items()}
        settings["strategy_defs"] = {**BUILTIN_ARMS, **defined}
    return settings


def _split(value: Any, kind: type) -> list[Any]:
    items = value.split(",") if isinstance(value, str) else list(value)
    try:
        return [kind(str(item).strip()) for item in items if str(item).strip()]
    except ValueError:
        raise ConfigError(f"can't read {value!r} as a comma-separated list of {kind.__name__}") from None


def parse_pairs(spec: str, *, what: str = "arms") -> list[tuple[str, str]]:
    """'manual:org_manual,active:org_teach' -> [("manual", "org_manual"), ("active", "org_teach")]."""
    pairs = []
    for item in (part.strip() for part in spec.split(",") if part.strip()):
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or not value.strip():
            raise ConfigError(f"can't read {item!r} in --{what}; write NAME:VALUE pairs separated by "
                              "commas, e.g. manual:org_manual,active:org_teach")
        pairs.append((name.strip(), value.strip()))
    names = [name for name, _ in pairs]
    if not pairs or len(set(names)) != len(names):
        raise ConfigError(f"--{what} needs at least one NAME:VALUE pair and distinct names, got {spec!r}")
    return pairs

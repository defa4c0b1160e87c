"""The runner's bookkeeping with fake steps: budgets, rounds, splits, rows, resuming."""

from __future__ import annotations

from pathlib import Path

import srsly

from al_ner.experiment.config import ExperimentConfig, Strategy, load_config
from al_ner.experiment.evaluation import Score
from al_ner.experiment.results import ANNOTATION_DEV, TEST, UNBIASED_DEV, read_rows
from al_ner.experiment.runner import Experiment

CONFIGS = Path(__file__).resolve().parents[2] / "configs" / "experiment"
NEWS = Path(__file__).resolve().parents[2] / "corpora" / "news"


class FakeSteps:
    """Answers `limit` made-up sentences per call; models are numbered folders."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.answers: dict[Path, list[dict]] = {}
        self.trained: list[tuple[list[dict], list[dict]]] = []

    def annotate(self, strategy: Strategy, *, db_dir: Path, model: str, source: Path, limit: int,
                 seed: int, round_no: int) -> list[dict]:
        self.calls.append((strategy.name, seed, round_no, Path(model).name, limit))
        have = self.answers.setdefault(db_dir, [])
        view = "ner_manual" if strategy.mode == "manual" else "ner"
        have += [{"text": f"s{len(have) + i} x y", "_input_hash": len(have) + i, "_view_id": view,
                  "answer": "accept", "spans": [{"start": 0, "end": 2, "label": "ORG"}]}
                 for i in range(limit)]
        return list(have)

    def train(self, train: list[dict], dev: list[dict], out_dir: Path, *, seed: int) -> Path:
        self.trained.append((train, dev))
        model = out_dir / "model"
        model.mkdir(parents=True)
        return model

    def evaluate(self, model: Path | None, dev: list[dict]) -> dict:
        f = 0.5 if model is None else 0.5 + 0.001 * len(str(model))
        scores = {TEST: {"ORG": Score(f, f, f, 10), "PER": Score(0.8, 0.8, 0.8, 5)},
                  UNBIASED_DEV: {"ORG": Score(f, f, f, 10)}}
        if dev:
            scores[ANNOTATION_DEV] = {"ORG": Score(f, f, f, len(dev))}
        return scores


def config(**changes) -> ExperimentConfig:
    return load_config(None, budgets="10,25", seeds=2, **changes)


def test_rounds_limits_and_models(tmp_path: Path) -> None:
    steps = FakeSteps()
    Experiment(config(), NEWS, tmp_path, steps).run()
    random_calls = [c for c in steps.calls if c[0] == "random"]
    active_calls = [c for c in steps.calls if c[0] == "active-full"]
    assert [c[4] for c in random_calls] == [10, 15, 10, 15]  # budget minus the previous budget
    assert {c[3] for c in random_calls} == {"en_core_web_sm"}  # random never uses a trained model
    assert [c[3] for c in active_calls] == ["en_core_web_sm", "model"] * 2  # round 2: the budget-10 model
    for train, dev in steps.trained:
        assert dev and not {t["_input_hash"] for t in train} & {t["_input_hash"] for t in dev}
    assert not any((tmp_path / "runs").rglob("model"))  # checkpoints are deleted by default


def test_rows_and_files(tmp_path: Path) -> None:
    rows = Experiment(config(), NEWS, tmp_path, FakeSteps()).run()
    base = [r for r in rows if r.strategy == "base"]
    assert {(r.eval_set, r.label) for r in base} == {(TEST, "ORG"), (TEST, "PER"), (UNBIASED_DEV, "ORG")}
    runs = [r for r in rows if r.strategy != "base"]
    # 3 strategies x 2 seeds x 2 budgets x (2 test labels + unbiased dev + annotation dev)
    assert len(runs) == 3 * 2 * 2 * 4
    first = next(r for r in runs if r.strategy == "random" and r.budget == 10 and r.eval_set == TEST)
    assert (first.sentences, first.tokens, first.decisions) == (10, 30, 20)
    assert first.base_f == 0.5 and first.est_seconds > 0
    assert len(read_rows(tmp_path / "results.jsonl")) == len(rows)
    meta = srsly.read_json(tmp_path / "meta.json")
    assert meta["labels"] == ["ORG"] and set(meta["stage_seconds"]) == {"annotate", "train", "evaluate"}
    assert len(list((tmp_path / "pools").glob("pool_s*.jsonl"))) == 2


def test_finished_runs_are_reused_unless_settings_change(tmp_path: Path) -> None:
    Experiment(config(), NEWS, tmp_path, FakeSteps()).run()
    again = FakeSteps()
    Experiment(config(), NEWS, tmp_path, again).run()
    assert again.calls == []
    changed = FakeSteps()
    Experiment(config(noise=0.1), NEWS, tmp_path, changed).run()
    assert len(changed.calls) == 3 * 2 * 2


def test_config_files_load() -> None:
    news = load_config(CONFIGS / "news.cfg")
    conll = load_config(CONFIGS / "conll.cfg", seeds=3)
    assert news.base_model == "en_core_web_sm" and news.seeds == (0, 1, 2)
    assert conll.base_model == "en_core_web_md" and conll.budgets == (100, 250, 500, 1000)
    assert news.label_map["PERSON"] == "PER" and news.gold_to_model() == {"ORG": "ORG"}


def test_more_seeds_reuse_the_finished_ones(tmp_path: Path) -> None:
    Experiment(config(), NEWS, tmp_path, FakeSteps()).run()
    more = FakeSteps()
    Experiment(load_config(None, budgets="10,25", seeds=3), NEWS, tmp_path, more).run()
    assert {c[1] for c in more.calls} == {2}

"""The runner's bookkeeping with fake steps: budgets, rounds, splits, rows, resuming."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import srsly

from al_ner.errors import BackendError
from al_ner.experiment.data import provenance
from al_ner.experiment.data.config import Arm, ExperimentConfig, load_config
from al_ner.cost import CostMeter, CostModel
from al_ner.experiment.analysis.scores import Score
from al_ner.experiment.data.layout import ANNOTATION_DEV, TEST, UNBIASED_DEV, read_rows
from al_ner.experiment.data.layout import load_counts
from al_ner.experiment.run.runner import Annotation, Checkpoint, Experiment, LocalBackend

CONFIGS = Path(__file__).resolve().parents[2] / "configs" / "experiment"
NEWS = Path(__file__).resolve().parents[2] / "corpora" / "news"


class FakeSteps:
    """Answers made-up 3-token sentences until the checkpoint's cost is reached; models are folders."""

    def __init__(self, pool_size: int = 1000) -> None:
        self.calls: list[tuple] = []
        self.answers: dict[Path, list[dict]] = {}
        self.trained: list[tuple[list[dict], list[dict]]] = []
        self.pool_size = pool_size
        self.version = "1"

    def annotate(self, strategy: Arm, *, db_dir: Path, model: str, source: Path,
                 checkpoint: Checkpoint, seed: int, round_no: int) -> Annotation:
        have = self.answers.setdefault(db_dir, [])
        view = "ner_manual" if strategy.mode == "manual" else "ner"
        meter = CostMeter(CostModel(), have)
        before = len(have)
        while meter.cost.in_unit(checkpoint.unit) < checkpoint.target and len(have) < self.pool_size:
            task = {"text": f"s{len(have)} x y", "_input_hash": len(have), "_view_id": view,
                    "answer": "accept", "spans": [{"start": 0, "end": 2, "label": "ORG"}]}
            have.append(task)
            meter.add(task)
        self.calls.append((strategy.name, seed, round_no, Path(model).name, len(have) - before))
        return Annotation(list(have), exhausted=len(have) >= self.pool_size)

    def train(self, train: list[dict], dev: list[dict], out_dir: Path, *, seed: int) -> Path:
        self.trained.append((train, dev))
        model = out_dir / "model"
        model.mkdir(parents=True)
        return model

    def evaluate(self, model: Path | None, dev: list[dict]) -> dict:
        f = 0.5 if model is None else 0.5 + 0.001 * len(str(model))
        scores = {TEST: {"ORG": Score.of([(1, 0, 1)] * 10), "PER": Score.of([(1, 1, 0)] * 5)},
                  UNBIASED_DEV: {"ORG": Score(f, f, f, 10)}}
        if dev:
            scores[ANNOTATION_DEV] = {"ORG": Score(f, f, f, len(dev))}
        return scores

    def describe(self) -> dict[str, str]:
        return {"fake_model": self.version}


def config(**changes) -> ExperimentConfig:
    return load_config(None, **{"budgets": "30,75", "seeds": 2, **changes})


def test_rounds_checkpoints_and_models(tmp_path: Path) -> None:
    steps = FakeSteps()
    Experiment(config(), NEWS, tmp_path, steps).run()
    random_calls = [c for c in steps.calls if c[0] == "random"]
    active_calls = [c for c in steps.calls if c[0] == "active-full"]
    # 30 and 75 tokens of 3-token sentences: 10, then 15 more answers
    assert [c[4] for c in random_calls] == [10, 15, 10, 15]
    assert {c[3] for c in random_calls} == {"en_core_web_sm"}  # random never uses a trained model
    assert [c[3] for c in active_calls] == ["en_core_web_sm", "model"] * 2  # round 2: the first model
    for train, dev in steps.trained:
        assert dev and not {t["_input_hash"] for t in train} & {t["_input_hash"] for t in dev}
    assert not any((tmp_path / "runs").rglob("model"))  # checkpoints are deleted by default


def test_rows_carry_the_cost_reached_and_the_files(tmp_path: Path) -> None:
    rows = Experiment(config(), NEWS, tmp_path, FakeSteps()).run()
    base = [r for r in rows if r.strategy == "base"]
    assert {(r.eval_set, r.label) for r in base} == {(TEST, "ORG"), (TEST, "PER"), (UNBIASED_DEV, "ORG")}
    runs = [r for r in rows if r.strategy != "base"]
    # 3 strategies x 2 seeds x 2 checkpoints x (2 test labels + unbiased dev + annotation dev)
    assert len(runs) == 3 * 2 * 2 * 4
    first = next(r for r in runs if r.strategy == "random" and r.budget == 30 and r.eval_set == TEST)
    assert (first.answers, first.sentences, first.tokens, first.decisions) == (10, 10, 30, 20)
    assert first.unit == "tokens" and first.cost == 30 and first.reached
    assert first.base_f == first.f and first.est_seconds > 0  # the fake scores every model alike
    assert len(read_rows(tmp_path / "results.jsonl")) == len(rows)
    meta = srsly.read_json(tmp_path / "meta.json")
    assert meta["labels"] == ["ORG"] and set(meta["stage_seconds"]) == {"annotate", "train", "evaluate"}
    assert meta["budget_unit"] == "tokens" and meta["runs"] == 6 and meta["runs_reused"] == 0
    counts = load_counts(tmp_path / "runs" / "random" / "seed0" / "counts.npz")
    assert counts["30|test|ORG|model"].shape == (10, 3)
    assert load_counts(tmp_path / "counts.npz")["0|test|PER|base"].shape == (5, 3)


def test_each_seed_draws_its_own_share_of_the_pool(tmp_path: Path) -> None:
    Experiment(config(pool_share=0.5), NEWS, tmp_path, FakeSteps()).run()
    pools = [list(srsly.read_jsonl(tmp_path / "pools" / f"pool_s{s}.jsonl")) for s in (0, 1)]
    texts = [{t["text"] for t in pool} for pool in pools]
    assert len(pools[0]) == len(pools[1]) == round(245 * 0.5)
    assert texts[0] != texts[1]


def test_a_checkpoint_the_pool_cannot_reach_is_marked_not_relabelled(tmp_path: Path) -> None:
    # Before: a run that ran out of questions still labelled its rows with the budget asked for.
    rows = Experiment(config(budgets="30,75,150"), NEWS, tmp_path, FakeSteps(pool_size=20)).run()
    random = [r for r in rows if r.strategy == "random" and r.seed == 0 and r.eval_set == TEST
              and r.label == "ORG"]
    assert [(r.budget, r.cost, r.reached) for r in random] == [(30, 30, True), (75, 60, False)]


def test_finished_runs_are_reused_unless_settings_change(tmp_path: Path) -> None:
    Experiment(config(), NEWS, tmp_path, FakeSteps()).run()
    again = FakeSteps()
    Experiment(config(), NEWS, tmp_path, again).run()
    assert again.calls == []
    assert srsly.read_json(tmp_path / "meta.json")["runs_reused"] == 6
    changed = FakeSteps()
    Experiment(config(noise=0.1), NEWS, tmp_path, changed).run()
    assert len(changed.calls) == 3 * 2 * 2


def test_changing_the_batch_size_reruns(tmp_path: Path) -> None:
    Experiment(config(), NEWS, tmp_path, FakeSteps()).run()
    changed = FakeSteps()
    Experiment(config(batch_size=3), NEWS, tmp_path, changed).run()
    assert len(changed.calls) == 3 * 2 * 2


def test_changing_the_training_config_contents_reruns(tmp_path: Path) -> None:
    train_config = tmp_path / "train.cfg"
    train_config.write_text("[training]\nmax_epochs = 5\n")
    Experiment(config(train_config=str(train_config)), NEWS, tmp_path / "out", FakeSteps()).run()
    train_config.write_text("[training]\nmax_epochs = 5\ndropout = 0.3\n")  # same path, new contents
    changed = FakeSteps()
    Experiment(config(train_config=str(train_config)), NEWS, tmp_path / "out", changed).run()
    assert len(changed.calls) == 3 * 2 * 2


def test_changing_the_code_or_the_model_version_reruns(tmp_path: Path, monkeypatch) -> None:
    Experiment(config(), NEWS, tmp_path, FakeSteps()).run()
    monkeypatch.setattr(provenance, "code_digest", lambda: "another-code-version")
    changed = FakeSteps()
    Experiment(config(), NEWS, tmp_path, changed).run()
    assert len(changed.calls) == 3 * 2 * 2
    newer_model = FakeSteps()
    newer_model.version = "2"
    Experiment(config(), NEWS, tmp_path, newer_model).run()
    assert len(newer_model.calls) == 3 * 2 * 2


def test_changing_a_strategy_definition_reruns_only_that_strategy(tmp_path: Path) -> None:
    Experiment(config(), NEWS, tmp_path, FakeSteps()).run()
    cfg = config()
    defs = dict(cfg.strategy_defs)
    defs["active-binary"] = Arm("active-binary", "ner.teach", rounds=True, args={"sorter": "mean"})
    changed = FakeSteps()
    Experiment(replace(cfg, strategy_defs=defs), NEWS, tmp_path, changed).run()
    assert {c[0] for c in changed.calls} == {"active-binary"}


def test_config_files_load() -> None:
    news = load_config(CONFIGS / "news.cfg")
    conll = load_config(CONFIGS / "conll.cfg")
    assert news.base_model == "en_core_web_sm" and news.seeds == (0, 1, 2)
    assert news.budget_unit == conll.budget_unit == "tokens"
    assert conll.base_model == "en_core_web_md" and len(conll.seeds) == 5
    assert news.label_map["PERSON"] == "PER" and news.gold_to_model() == {"ORG": "ORG"}


def test_strategies_are_defined_in_the_config(tmp_path: Path) -> None:
    path = tmp_path / "exp.cfg"
    path.write_text('[experiment]\nstrategies = ["random", "teach-mean"]\n\n'
                    '[strategies]\n\n[strategies.teach-mean]\nrecipe = "ner.teach"\nsorter = "mean"\n')
    cfg = load_config(path)
    assert cfg.arm("teach-mean") == Arm("teach-mean", "ner.teach", rounds=True, args={"sorter": "mean"})
    assert cfg.arm("teach-mean").mode == "binary"


def test_more_seeds_reuse_the_finished_ones(tmp_path: Path) -> None:
    Experiment(config(), NEWS, tmp_path, FakeSteps()).run()
    more = FakeSteps()
    Experiment(load_config(None, budgets="30,75", seeds=3), NEWS, tmp_path, more).run()
    assert {c[1] for c in more.calls} == {2}


class ReversedBackend:
    """Runs the jobs last first (as a cluster may finish them) and returns them in job order."""

    def __init__(self, steps: FakeSteps) -> None:
        self.steps = steps

    def map_runs(self, fn, jobs, bar):
        return list(reversed([fn(self.steps, job, bar) for job in reversed(jobs)]))


def test_a_backend_that_runs_jobs_in_another_order_writes_the_same_files(tmp_path: Path) -> None:
    Experiment(config(), NEWS, tmp_path / "a", FakeSteps()).run()
    steps = FakeSteps()
    Experiment(config(), NEWS, tmp_path / "b", steps, backend=ReversedBackend(steps)).run()
    assert steps.calls[0][:2] == ("active-binary", 1)  # the last job ran first
    for path in sorted((tmp_path / "a").rglob("*.jsonl")) + sorted((tmp_path / "a").rglob("*.npz")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes(), path


def test_a_torn_run_record_reruns_that_run_only(tmp_path: Path) -> None:
    Experiment(config(), NEWS, tmp_path, FakeSteps()).run()
    record = tmp_path / "runs" / "random" / "seed1" / "run.json"
    record.write_text(record.read_text()[:40])  # a crash while writing it (before it was atomic)
    again = FakeSteps()
    Experiment(config(), NEWS, tmp_path, again).run()
    assert {c[:2] for c in again.calls} == {("random", 1)}


def test_steps_with_other_models_than_the_settings_record_refuse_to_run(tmp_path: Path) -> None:
    other = FakeSteps()
    other.version = "2"  # a worker with another model version than the driver
    with pytest.raises(BackendError, match="fake_model differ"):
        Experiment(config(), NEWS, tmp_path, FakeSteps(), backend=LocalBackend(other)).run()
    assert other.calls == [] and not list((tmp_path / "runs").rglob("run.json"))


def test_adding_strategies_or_seeds_keeps_the_finished_runs_in_the_results(tmp_path: Path) -> None:
    # issue 16: simulate rewrote results.jsonl with only the strategies and seeds of the last call
    Experiment(config(strategies="random,active-full"), NEWS, tmp_path, FakeSteps()).run()
    more = FakeSteps()
    Experiment(config(strategies="active-binary", seeds=3), NEWS, tmp_path, more).run()
    assert {c[0] for c in more.calls} == {"active-binary"}
    rows = read_rows(tmp_path / "results.jsonl")
    assert {(r.strategy, r.seed) for r in rows if r.strategy != "base"} == {
        *((s, seed) for s in ("random", "active-full") for seed in (0, 1)),
        *(("active-binary", seed) for seed in (0, 1, 2))}
    meta = srsly.read_json(tmp_path / "meta.json")
    assert sorted(meta["strategies"]) == ["active-binary", "active-full", "random"] and meta["seeds"] == [0, 1, 2]
    assert set(meta["strategy_defs"]) == set(meta["strategies"]) and meta["runs_kept"] == 4


def test_a_kept_run_whose_settings_changed_is_left_out(tmp_path: Path) -> None:
    Experiment(config(strategies="random"), NEWS, tmp_path, FakeSteps()).run()
    Experiment(config(strategies="active-full", noise=0.1), NEWS, tmp_path, FakeSteps()).run()
    rows = read_rows(tmp_path / "results.jsonl")
    assert {r.strategy for r in rows} == {"base", "active-full"}  # random ran without noise: stale


class StoppingSteps(FakeSteps):
    """FakeSteps whose models predict the stop set the same from the second checkpoint on."""

    def stop_tags(self, model: Path | None) -> list[list[str]]:
        changed = model is None or model.parent.name == "budget30"
        return [["B-ORG", "O", "O"], ["O", "O", "O"] if changed else ["B-ORG", "I-ORG", "O"]] * 5


def test_each_checkpoint_records_what_the_stopping_rule_says(tmp_path: Path) -> None:
    cfg = config(strategies="random", budgets="30,75,120,150,180", seeds=1)
    Experiment(cfg, NEWS, tmp_path, StoppingSteps()).run()
    sessions = srsly.read_json(tmp_path / "runs" / "random" / "seed0" / "sessions.json")
    assert [s["budget"] for s in sessions] == [30, 75, 120, 150, 180]
    assert sessions[0]["kappa"] == 1.0 and sessions[1]["kappa"] < 0.99 and sessions[2]["kappa"] == 1.0
    assert [s["stable"] for s in sessions] == [False, False, False, False, True]  # the mean of the last 3
    lines = list(srsly.read_jsonl(tmp_path / "sessions.jsonl"))
    assert [(line["strategy"], line["seed"], line["budget"]) for line in lines] == [("random", 0, b) for b in
                                                                                    (30, 75, 120, 150, 180)]
    again = StoppingSteps()
    Experiment(cfg, NEWS, tmp_path, again).run()  # reused: the same records
    assert again.calls == [] and list(srsly.read_jsonl(tmp_path / "sessions.jsonl")) == lines

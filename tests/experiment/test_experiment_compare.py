"""compare: arms from datasets and exports, the checks, equal-cost checkpoints, costs from
timestamps, and a whole run (training faked) read by the experiment's analysis and rendered."""

from __future__ import annotations

import pickle
import random
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
import srsly

from al_ner.errors import ConfigError, DatasetError, LeakageError
from al_ner.experiment.run import compare as compare_module
from al_ner.experiment.analysis.analyse import analyse
from al_ner.experiment.run.arms import check_inputs, drawn_order, load_arms, load_test, read_answers
from al_ner.experiment.run.compare import cost_checkpoints, prefix_length, prepare
from al_ner.experiment.render.compare import render_compare
from al_ner.experiment.data.config import ExperimentConfig
from al_ner.cost import CostModel, answer_costs, timestamp_seconds
from al_ner.experiment.data.layout import read_rows
from al_ner.storage import Database
from al_ner.stream.hashing import set_hash

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "prodigy"
WORDS = ["Acme", "Corp", "hired", "Tim", "Cook", "in", "Paris", "today", "."]


def manual(i: int, *, ts: int | None = None, meta: dict | None = None, org: bool = True) -> dict:
    words = [f"Org{i}", *WORDS[1:]]
    text = " ".join(words)
    spans = [{"start": 0, "end": len(words[0]) + 5, "label": "ORG"}] if org else []
    task = {"text": text, "spans": spans, "answer": "accept", "_view_id": "ner_manual",
            "meta": dict(meta or {})}
    if ts is not None:
        task["_timestamp"] = ts
    return set_hash(task)


def binary(i: int, answer: str) -> dict:
    text = f"Firm{i} met Bank{i} in London ."
    return set_hash({"text": text, "spans": [{"start": 0, "end": len(f"Firm{i}"), "label": "ORG"}],
                     "answer": answer, "_view_id": "ner", "meta": {"score": 0.5}})


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "db")


def test_checkpoints_are_shares_of_the_cheapest_arm_and_each_full_cost() -> None:
    budgets, common = cost_checkpoints({"manual": 14_321.0, "active": 8_002.0, "correct": 10_000.0},
                                       unit="tokens")
    assert budgets == [2000, 4001, 6001, 8002, 10000, 14321] and common == 8002
    budgets, common = cost_checkpoints({"a": 12.37, "b": 30.0}, unit="minutes")
    assert budgets == [3.0, 6.1, 9.2, 12.3, 30.0] and common == 12.3
    with pytest.raises(ConfigError, match="positive cost"):
        cost_checkpoints({"a": 0.0}, unit="tokens")


def test_prefixes_reach_the_checkpoint_in_annotation_order() -> None:
    answers = [manual(i) for i in range(10)]  # 9 tokens each
    costs, source = answer_costs(answers, CostModel())
    assert source == "model" and [c.tokens for c in costs][:3] == [9, 18, 27]
    assert prefix_length(costs, "tokens", 18) == 2 and prefix_length(costs, "tokens", 19) == 3
    assert prefix_length(costs, "tokens", 10_000) == 10


def test_time_from_timestamps_caps_gaps() -> None:
    answers = [manual(i, ts=t) for i, t in enumerate([1000, 1000, 1030, 5000, 5010, 4000])]
    assert timestamp_seconds(answers, cap=300) == [0.0, 0.0, 30.0, 330.0, 340.0, 340.0]
    costs, source = answer_costs(answers, CostModel(), cap=300)
    assert source == "timestamps" and costs[-1].in_unit("minutes") == pytest.approx(340 / 60)
    instant = [manual(i, ts=1000) for i in range(5)]  # simulated answers: the cost model instead
    assert answer_costs(instant, CostModel())[1] == "model"
    with pytest.raises(ConfigError, match="no '_timestamp'"):
        answer_costs([manual(0)], CostModel(), time="timestamps")


def test_arms_come_from_datasets_or_exports(db: Database) -> None:
    db.add_examples("org_manual", [manual(i) for i in range(3)] + [{**manual(0), "spans": []}])
    arms = load_arms([("manual", "org_manual"), ("teach", str(FIXTURES / "teach_binary.jsonl"))], db)
    assert [len(a.answers) for a in arms] == [3, 6]
    assert arms[0].answers[-1]["spans"] == []  # the re-answer supersedes the first, at its own time
    with pytest.raises(DatasetError, match="neither a dataset"):
        read_answers("nope", db, name="x")


def test_a_test_set_sharing_sentences_with_an_arm_is_refused_with_the_count(db: Database, nlp) -> None:
    db.add_examples("arm", [manual(i) for i in range(5)])
    db.add_examples("test", [manual(i) for i in range(3, 9)])
    arms = load_arms([("a", "arm")], db)
    test = load_test("test", db, nlp, labels=["ORG"])
    with pytest.raises(LeakageError, match=r"shares sentences \(by input hash\): 2 with arm 'a'"):
        check_inputs(arms, test, ["ORG"])


@pytest.mark.parametrize("make, verdict", [
    (lambda: [manual(i, meta={"i": j}) for i, j in enumerate(random.Random(1).sample(range(40), 40))], "random"),
    (lambda: [manual(i, meta={"i": i}) for i in range(40)], "not random"),
    (lambda: [binary(i, "accept") for i in range(12)], "not random"),
    (lambda: [{**manual(i), "config": {"order": "source"}} for i in range(3)], "not random"),
    (lambda: [manual(i) for i in range(12)], "unknown"),
])
def test_how_the_test_set_was_drawn(db: Database, nlp, make, verdict: str) -> None:
    db.add_examples("test", make())
    assert drawn_order(load_test("test", db, nlp, labels=["ORG"]))[0] == verdict


def test_a_gold_file_test_set(tmp_path: Path, db: Database, nlp) -> None:
    gold = tmp_path / "test.iob"
    gold.write_text("Acme B-ORG\nhired O\nTim B-PER\n\nParis B-LOC\nis O\nbig O\n", encoding="utf8")
    test = load_test(str(gold), db, nlp, labels=["ORG"])
    assert len(test) == 2 and drawn_order(test)[0] == "gold file"
    assert test.texts() == ["Acme hired Tim", "Paris is big"]


def test_labels_no_arm_annotates_are_refused(db: Database, tiny_model: Path, tmp_path: Path) -> None:
    db.add_examples("arm", [manual(i) for i in range(4)])
    db.add_examples("test", [manual(i) for i in range(10, 14)])
    config = ExperimentConfig(base_model=str(tiny_model), labels=("PERSON",))
    with pytest.raises(ConfigError, match=r"no arm has a span of label\(s\) PERSON"):
        prepare(tmp_path / "out", arms="a:arm", test="test", config=config, db_dir=str(db.path))


def fake_training(tiny_model: Path):
    """train_model stand-in: copy the tiny pipeline (the base model's predictions, instantly)."""
    def train_model(cfg, base, train, dev, out_dir: Path, *, seed: int) -> Path:
        target = out_dir / "model"
        shutil.copytree(tiny_model, target)
        return target
    return train_model


@pytest.mark.slow
def test_a_whole_compare_run_reads_as_an_experiment(db: Database, tiny_model: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    db.add_examples("org_manual", [manual(i, org=i % 3 != 0) for i in range(40)])
    db.add_examples("org_teach", [binary(i, "accept" if i % 4 == 0 else "reject") for i in range(30)])
    db.add_examples("org_test", [manual(i) for i in range(100, 130)])
    monkeypatch.setattr(compare_module, "train_model", fake_training(tiny_model))
    config = ExperimentConfig(base_model=str(tiny_model), labels=("ORG",), seeds=(0, 1))
    job = prepare(tmp_path / "out", arms="manual:org_manual,active:org_teach", test="org_test",
                  config=config, db_dir=str(db.path))
    rows = job.run()
    meta = srsly.read_json(tmp_path / "out" / "meta.json")
    assert meta["baseline"] == "manual" and meta["strategies"] == ["manual", "active"]
    assert meta["area_cost"] == 180 and meta["budgets"] == [45, 90, 135, 180, 360]  # 30 x 6 vs 40 x 9 tokens
    runs = [r for r in rows if r.strategy != "base"]
    assert {r.budget for r in runs if r.strategy == "active"} == {45, 90, 135, 180}
    assert all(r.reached for r in runs) and {r.eval_set for r in runs} == {"test", "annotation_dev"}
    assert sorted(p.name for p in (tmp_path / "out" / "runs" / "active").iterdir()) == ["seed0", "seed1"]
    analysis = analyse(read_rows(tmp_path / "out" / "results.jsonl"), meta, tmp_path / "out", n_boot=200)
    assert [c.strategy + " vs " + c.baseline for c in analysis.headline] == ["active vs manual"]
    report = render_compare(analysis)
    for part in ("## Verdict", "**active vs manual, ORG:", "## Checks", "ORG F1 minus manual's", "180 tokens"):
        assert part in report
    again = replace(job, progress=job.progress)
    again.run()  # identical settings: every arm x seed is reused
    assert srsly.read_json(tmp_path / "out" / "meta.json")["runs_reused"] == 4


@dataclass
class PickledBackend:
    """Runs each job as Ray would: steps built from the pickled factory, the job pickled too."""

    make_steps: Any
    built: list = field(default_factory=list)

    def map_runs(self, fn, jobs, bar):
        steps = pickle.loads(pickle.dumps(self.make_steps))()
        self.built.append(steps)
        return [fn(steps, pickle.loads(pickle.dumps(job)), bar) for job in jobs]


@pytest.mark.slow
def test_compare_runs_its_arms_on_the_runners_backend(db: Database, tiny_model: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    db.add_examples("org_manual", [manual(i, org=i % 3 != 0) for i in range(12)])
    db.add_examples("org_teach", [binary(i, "accept" if i % 4 == 0 else "reject") for i in range(10)])
    db.add_examples("org_test", [manual(i) for i in range(100, 110)])
    monkeypatch.setattr(compare_module, "train_model", fake_training(tiny_model))
    config = ExperimentConfig(base_model=str(tiny_model), labels=("ORG",), seeds=(0, 1))
    backends: list[PickledBackend] = []

    def make_backend(make_steps: Any) -> PickledBackend:
        backends.append(PickledBackend(make_steps))
        return backends[-1]

    rows = {}
    for name in ("local", "backend"):
        job = prepare(tmp_path / name, arms="manual:org_manual,active:org_teach", test="org_test", config=config,
                      db_dir=str(db.path))
        job.backend = make_backend if name == "backend" else None
        rows[name] = [r.to_dict() for r in job.run()]
    assert rows["backend"] == rows["local"] and len(backends[0].built) == 1
    meta = srsly.read_json(tmp_path / "backend" / "meta.json")
    assert meta["runs"] == 4 and meta["runs_reused"] == 0

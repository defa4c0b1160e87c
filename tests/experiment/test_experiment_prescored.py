"""The experiment reading a pre-scored pool: the same rows as scoring the pool in the recipe."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import srsly

from al_ner.errors import ConfigError
from al_ner.experiment.data.config import Arm, load_config
from al_ner.experiment.run.runner import Experiment
from al_ner.experiment.run.spacy_steps import SpacySteps
from al_ner.scoring import score_pool, write_scored

pytestmark = [pytest.mark.model, pytest.mark.slow]

NEWS = Path(__file__).resolve().parents[2] / "corpora" / "news"
PRE = Arm("active-full", "ner.correct", rounds=True,
          args={"order": "uncertain", "pre_scored": True, "control": 0.0})


def run(out: Path, scored_pool: Path | None, pre_scored: bool):
    cfg = load_config(None, strategies="active-full", budgets="100,200", seeds=1, max_epochs=1)
    if pre_scored:
        cfg = replace(cfg, strategy_defs={**cfg.strategy_defs, "active-full": PRE})
    return Experiment(cfg, NEWS, out, SpacySteps(cfg, NEWS), scored_pool=scored_pool).run()


def test_a_pre_scored_pool_gives_the_rows_scoring_in_the_recipe_gives(tmp_path: Path, nlp_sm) -> None:
    scored = tmp_path / "pool.scored.jsonl"
    write_scored(scored, score_pool(str(NEWS / "pool.iob"), "en_core_web_sm", labels=["ORG"], loader="conll",
                                    unsegmented=True))
    inside = run(tmp_path / "inside", None, pre_scored=False)
    pre = run(tmp_path / "pre", scored, pre_scored=True)
    assert pre == inside
    answers = [srsly.read_jsonl(tmp_path / name / "runs" / "active-full" / "seed0" / "db" / "answers.jsonl")
               for name in ("inside", "pre")]
    assert [a["_task_hash"] for a in answers[0]] == [a["_task_hash"] for a in answers[1]]
    record = srsly.read_json(tmp_path / "pre" / "runs" / "active-full" / "seed0" / "run.json")
    assert "scored_pool" in record["settings"]["files"]  # a new scored pool reruns the run


def test_a_pre_scored_strategy_without_a_scored_pool_says_how_to_make_one(tmp_path: Path, nlp_sm) -> None:
    with pytest.raises(ConfigError, match="pass --scored-pool FILE, from al-ner score .*pool.iob en_core_web_sm"):
        run(tmp_path / "out", None, pre_scored=True)

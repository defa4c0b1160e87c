"""[strategies.NAME] sections: recipe arguments, and the arguments that differ in round 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from al_ner.experiment.data.config import BUILTIN_ARMS, MODEL_CHOICE, Arm, load_config

REPO = Path(__file__).resolve().parents[2]


def test_first_round_overrides_the_arguments_of_round_zero_only(tmp_path) -> None:
    cfg = tmp_path / "x.cfg"
    cfg.write_text('[strategies]\n\n[strategies.cold]\nrecipe = "ner.correct"\norder = "uncertain"\n'
                   'strategy = "mnlp"\n\n[strategies.cold.first_round]\norder = "random"\nstrategy = ""\n')
    strategy = load_config(cfg, strategies="random,cold").arm("cold")
    assert strategy.rounds and strategy.args_for(0) == {"order": "random", "strategy": ""}
    assert strategy.args_for(1) == {"order": "uncertain", "strategy": "mnlp"}
    assert strategy.to_dict()["first_round"] == {"order": "random", "strategy": ""}


def test_strategies_without_a_first_round_describe_themselves_as_before() -> None:
    # active-full keeps asking what it always asked, whatever ner.correct's defaults become
    assert BUILTIN_ARMS["active-full"].to_dict() == {
        "recipe": "ner.correct", "rounds": True, "order": "uncertain",
        "strategy": "al_ner.entity_uncertainty.v1", "control": 0.0}
    assert Arm.from_dict("x", {"recipe": "ner.teach", "conversion": "constrained"}).args == {
        "conversion": "constrained"}


def test_without_a_config_file_training_uses_al_ner_s_own_config(tmp_path, monkeypatch) -> None:
    # al-ner compare run outside the repository: "configs/ner_finetune.cfg" was relative to the cwd
    monkeypatch.chdir(tmp_path)
    from pathlib import Path

    assert Path(load_config(None).train_config).is_file()



def test_a_first_round_at_random_leaves_the_model_s_choice_to_later_rounds(tmp_path) -> None:
    # all-strategies stopped at full-cold: its first_round asks at random, but round 0 kept the
    # arm's query strategy, which the recipes refuse with any order but "uncertain"
    path = tmp_path / "x.cfg"
    path.write_text('[strategies]\n\n[strategies.cold]\nrecipe = "ner.correct"\norder = "uncertain"\n'
                    'strategy = "mnlp"\nsubsequence = true\n\n[strategies.cold.first_round]\norder = "random"\n')
    arm = load_config(path).arm("cold")
    assert arm.args_for(0)["order"] == "random" and not any(k in arm.args_for(0) for k in MODEL_CHOICE)
    assert arm.args_for(1)["strategy"] == "mnlp" and arm.args_for(1)["subsequence"] is True


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "configs" / "experiment").glob("*.cfg")))
def test_every_shipped_arm_asks_in_an_order_its_recipe_accepts(name: str) -> None:
    from recipes._order import Ordering
    config = load_config(REPO / "configs" / "experiment" / name)
    for arm_name in config.strategy_defs:
        arm = config.arm(arm_name)
        for round_no in (0, 1):
            args = arm.args_for(round_no)
            if "order" in args:
                Ordering.create(order=args["order"], seed=0, strategy=args.get("strategy", ""),
                                settings=args.get("strategy_settings") or None,
                                subsequence=bool(args.get("subsequence", False)),
                                pre_scored=bool(args.get("pre_scored", False)))

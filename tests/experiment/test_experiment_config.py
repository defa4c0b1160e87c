"""[strategies.NAME] sections: recipe arguments, and the arguments that differ in round 0."""

from __future__ import annotations

from al_ner.experiment.data.config import BUILTIN_ARMS, Arm, load_config


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

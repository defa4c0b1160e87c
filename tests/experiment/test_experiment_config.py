"""[strategies.NAME] sections: recipe arguments, and the arguments that differ in round 0."""

from __future__ import annotations

from al_ner.experiment.data.config import BUILTIN_STRATEGIES, Strategy, load_config


def test_first_round_overrides_the_arguments_of_round_zero_only(tmp_path) -> None:
    cfg = tmp_path / "x.cfg"
    cfg.write_text('[strategies]\n\n[strategies.cold]\nrecipe = "ner.correct"\norder = "uncertain"\n'
                   'strategy = "mnlp"\n\n[strategies.cold.first_round]\norder = "random"\nstrategy = ""\n')
    strategy = load_config(cfg, strategies="random,cold").strategy("cold")
    assert strategy.rounds and strategy.args_for(0) == {"order": "random", "strategy": ""}
    assert strategy.args_for(1) == {"order": "uncertain", "strategy": "mnlp"}
    assert strategy.to_dict()["first_round"] == {"order": "random", "strategy": ""}


def test_strategies_without_a_first_round_describe_themselves_as_before() -> None:
    # the run cache keys on to_dict(): existing strategies must keep their finished runs
    assert BUILTIN_STRATEGIES["active-full"].to_dict() == {"recipe": "ner.correct", "rounds": True,
                                                           "order": "uncertain"}
    assert Strategy.from_dict("x", {"recipe": "ner.teach", "conversion": "constrained"}).args == {
        "conversion": "constrained"}

"""recommend and coverage: the choice uses the unbiased dev set only; coverage matches rounds to models."""

from __future__ import annotations

import pytest

from al_ner.experiment.analysis.coverage import coverage
from al_ner.experiment.analysis.recommend import first_reaching, interpolate, recommended
from al_ner.experiment.data.layout import Row
from al_ner.experiment.analysis.stats import Estimate
from al_ner.storage import Database


def est(mean: float, low: float, high: float) -> Estimate:
    return Estimate(mean, low, high, p=0.01 if low > 0 or high < 0 else 0.5, se=0.01, n_seeds=5, n_docs=500)


def test_first_reaching_interpolates_and_says_when_never() -> None:
    curve = [(0.0, 0.4), (1500.0, 0.5), (4000.0, 0.6), (8000.0, 0.7)]
    assert first_reaching(curve, 0.65) == pytest.approx(6000.0)
    assert first_reaching(curve, 0.4) == 0.0 and first_reaching(curve, 0.8) is None
    assert interpolate(curve, 2750.0) == pytest.approx(0.55) and interpolate(curve, 9e9) == 0.7


class Hurt:
    strategy, label = "greedy", "ORG"
    estimate = est(-0.05, -0.08, -0.02)


def test_the_recommendation_skips_what_hurts_on_the_unbiased_dev_set() -> None:
    areas = {"greedy": est(0.04, 0.01, 0.07), "steady": est(0.02, 0.005, 0.05)}
    assert recommended(areas, [Hurt()]) == "steady"


def test_random_is_the_answer_unless_a_strategy_beats_it() -> None:
    # issue 16: a run with only random and active-binary recommended active-binary, whose
    # area on the unbiased dev set was -0.068 [-0.131, -0.006]
    assert recommended({"active-binary": est(-0.068, -0.131, -0.006)}, []) == "random"
    # an interval that includes zero is no gain, however large the mean
    assert recommended({"full-hybrid": est(0.026, -0.008, 0.058), "full-mnlp": est(0.010, -0.025, 0.045)},
                       []) == "random"
    assert recommended({"greedy": est(0.04, 0.01, 0.07)}, [Hurt()]) == "random"
    assert recommended({}, []) == "random"


def test_the_text_says_why_random_is_the_answer() -> None:
    from al_ner.experiment.analysis.analyse import Analysis
    from al_ner.experiment.render.recommend import recommendation_text

    analysis = Analysis({"strategies": ["random", "full-hybrid"], "strategy_defs": {
        "random": {"recipe": "ner.manual", "rounds": False, "order": "random"}}}, {})
    text = recommendation_text("random", {"full-hybrid": est(0.026, -0.008, 0.058)}, analysis)
    assert text.startswith("Recommended: **`random`** (`ner.manual --order random`)")
    assert "no strategy's area over random on the unbiased dev set has its Holm-corrected interval above 0" in text
    assert "`full-hybrid` +0.026 [-0.008, +0.058]" in text


def row(strategy: str, seed: int, budget: float, eval_set: str, f: float) -> Row:
    return Row(strategy, seed, budget, eval_set, "ORG", f, f, f, 10, 0.4, 0, 0, 0, 0.0)


def test_round_k_is_compared_with_the_model_of_checkpoint_k_minus_1(tmp_path) -> None:
    db = Database(tmp_path / "runs" / "full-control" / "seed0" / "db")
    for value, low, high in [(0.45, 0.3, 0.6), (0.7, 0.55, 0.85), (0.2, None, None)]:
        db.add_session("answers", {"health": {"n": 10, "f1": {"value": value, "low": low, "high": high}}})
    rows = [row("base", 0, 0, "test", 0.38), row("base", 0, 0, "unbiased_dev", 0.5),
            row("full-control", 0, 1500, "test", 0.5), row("full-control", 0, 1500, "unbiased_dev", 0.6),
            row("full-control", 0, 4000, "test", 0.6)]
    cov = coverage(tmp_path, rows, label="ORG", budgets=[1500, 4000])
    assert [(c.round, c.test_f1) for c in cov.cells] == [(0, 0.38), (1, 0.5), (2, 0.6)]
    assert [c.covers(c.test_f1) for c in cov.measured] == [True, False]
    assert cov.rate() == 0.5 and cov.rate("unbiased_dev") == 1.0

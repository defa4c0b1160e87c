"""Plots of many strategies (issue 17): 13 arms drew with a 10-colour palette (random and
full-kcenter shared a colour) and the legend covered the curves."""

from __future__ import annotations

from al_ner.experiment.analysis.analyse import Analysis, CostSummary, Curve, Point
from al_ner.experiment.analysis.stats import Estimate
from al_ner.experiment.render.plots import draw_curve

ARMS = ["random", "active-full", "active-binary", "full-entropy", "full-mnlp", "full-kcenter",
        "full-mmr", "full-density", "full-hybrid", "full-epsilon", "full-subsequence",
        "binary-constrained", "full-control"]


def analysis() -> Analysis:
    points = [Point(arm, budget, Estimate(0.5 + i / 100, 0.4, 0.6, 1.0, 0.01, 3, 100),
                    CostSummary(budget, budget, budget, budget, budget, budget, 3, 3))
              for i, arm in enumerate(ARMS) for budget in (100.0, 200.0)]
    return Analysis(setup={"strategies": ARMS, "unit": "tokens"}, base={},
                    curves=[Curve("test", "ORG", points)])


def test_every_arm_has_its_own_colour_and_marker_and_the_legend_is_outside_the_data():
    a = analysis()
    fig = draw_curve(a, a.curves[0])
    drawn = [c for c in fig.axes[0].containers if c.get_label() in ARMS]  # errorbar containers
    assert sorted(c.get_label() for c in drawn) == sorted(ARMS)
    lines = [c.lines[0] for c in drawn]
    assert len({str(line.get_color()) for line in lines}) == len(ARMS)
    assert len({line.get_marker() for line in lines}) == len(ARMS)
    assert not any(ax.get_legend() for ax in fig.axes)  # no legend drawn over a plot
    [legend] = fig.legends
    fig.canvas.draw()
    box = legend.get_window_extent()
    assert all(not box.overlaps(ax.get_window_extent()) for ax in fig.axes)
    assert {text.get_text() for text in legend.get_texts()} >= set(ARMS)

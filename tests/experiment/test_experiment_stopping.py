"""Where the stopping rule said stop against the held-out plateau, and the adaptive strategy's arms."""

from __future__ import annotations

from al_ner.experiment.analysis.analyse import Analysis
from al_ner.experiment.analysis.stopping import arm_shares, stop_points
from al_ner.experiment.data.layout import Row
from al_ner.experiment.render.stopping import arms_table, stopping_section, stopping_summary

BUDGETS = [100, 200, 300, 400, 500]


def row(strategy: str, seed: int, budget: float, f: float) -> Row:
    return Row(strategy, seed, budget, "test", "ORG", f, f, f, 10, 0.4, 0, 0, 0, 0.0)


def entries(strategy: str, seed: int, kappas: list[float], ok: list[bool] | None = None) -> list[dict]:
    out = []
    for i, (budget, kappa) in enumerate(zip(BUDGETS, kappas)):
        entry = {"strategy": strategy, "seed": seed, "budget": budget, "kappa": kappa,
                 "stable": len(kappas[:i + 1]) >= 3 and sum(kappas[i - 2:i + 1]) / 3 >= 0.99}
        if ok is not None:
            entry["control"] = {"n": 20, "f1": {"value": 0.6}, "ok": ok[i]}
        out.append(entry)
    return out


SESSIONS = (entries("adaptive", 0, [0.9, 0.995, 0.999, 0.999, 1.0], ok=[False] * 4 + [True])
            + entries("random", 0, [0.8, 0.9, 0.95, 0.97, 0.98]))
ROWS = ([row("adaptive", 0, b, f) for b, f in zip(BUDGETS, [0.5, 0.6, 0.65, 0.66, 0.665])]
        + [row("random", 0, b, f) for b, f in zip(BUDGETS, [0.5, 0.55, 0.6, 0.62, 0.64])])


def test_the_rule_and_the_plateau_per_run() -> None:
    adaptive, random = stop_points(SESSIONS, ROWS, "ORG")
    assert (adaptive.stable_at, adaptive.stop_at, adaptive.plateau_at) == (400, 500, 400)
    assert adaptive.f_at_stable == 0.66 and adaptive.final_f == 0.665 and adaptive.controls
    assert (random.stable_at, random.stop_at, random.plateau_at, random.controls) == (None, None, 500, False)
    summary = stopping_summary([adaptive, random], "tokens")
    assert summary.startswith("Over 2 runs the rule said stop at the plateau checkpoint in 1, before it in 0, "
                              "after it in 0, and never within the budget in 1.")


def test_the_report_section_and_the_arms_table() -> None:
    analysis = Analysis({"unit": "tokens"}, {}, stopping=stop_points(SESSIONS, ROWS, "ORG"),
                        arms=arm_shares([{"strategy": "adaptive", "seed": s, "budget": 100, "arms": {
                            "asked": {"al_ner.random.v1": 10, "al_ner.mnlp.v1": 30},
                            "probabilities": {"al_ner.random.v1": 0.2, "al_ner.mnlp.v1": 0.8}}} for s in (0, 1)]))
    section = stopping_section(analysis)
    assert "| adaptive | 0 | 0.900, 0.995, 0.999, 0.999, 1.000 | 400 | 500 | 400 | 0.660 / 0.665 |" in section
    assert "| random | 0 | 0.800, 0.900, 0.950, 0.970, 0.980 | never | (no control questions) | 500 |" in section
    arms = arms_table(analysis)
    assert "| strategy | round ending at | mnlp | random | seeds |" in arms
    assert "| adaptive | 100 | 75% (80%) | 25% (20%) | 2 |" in arms
    restored = Analysis.from_dict(analysis.to_dict() | {"curves": [], "headline": [], "checkpoints": [],
                                                        "unbiased": [], "dev_checks": [], "forgetting": []})
    assert restored.stopping == analysis.stopping and restored.arms == analysis.arms

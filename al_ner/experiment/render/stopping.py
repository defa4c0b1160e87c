"""The report's stopping-rule section and the adaptive strategy's arms, as Markdown."""

from __future__ import annotations

from collections.abc import Sequence

from ..analysis.analyse import Analysis, budget_text
from ..analysis.stopping import PLATEAU, ArmShares, StopPoint
from .markdown import table

RULE = ("Stabilizing predictions (Bloodgood & Vijay-Shanker 2009): Cohen's kappa between each checkpoint's "
        "model and the one before (the base model first) on 300 pool sentences nobody labels; the rule says "
        "stop once the mean of the last three kappas reaches 0.99, so never before the third checkpoint. "
        "With control questions it also waits for the control answers to give an F1 interval with the model "
        f"not worse than the base model. Plateau: the first checkpoint whose held-out F1 is within "
        f"{PLATEAU * 100:.0f} point of the run's F1 at its last checkpoint.")


def stopping_section(analysis: Analysis, *, title: bool = True) -> str:
    """Where the rule said stop against the plateau, per run, with a summary line."""
    if not analysis.stopping:
        return ""
    head = "## When to stop: the stopping rule against the held-out curve\n\n" if title else ""
    body = [[p.strategy, str(p.seed), ", ".join(f"{k:.3f}" for k in p.kappas), _at(p.stable_at),
             _at(p.stop_at) if p.controls else "(no control questions)", _at(p.plateau_at),
             (f"{p.f_at_stable:.3f}" if p.f_at_stable is not None else "–") + f" / {p.final_f:.3f}"]
            for p in analysis.stopping]
    unit = analysis.setup.get("unit", "tokens")
    return (head + RULE + "\n\n" + stopping_summary(analysis.stopping, unit) + "\n\n"
            + table(["strategy", "seed", "κ at each checkpoint", "predictions stable at",
                     "and the control answers agree at", "plateau at", "F1 where stable / at the end"], body))


def stopping_summary(points: Sequence[StopPoint], unit: str) -> str:
    """How often the rule said stop at, before or after the plateau, and what stopping early cost."""
    known = [p for p in points if p.stable_at is not None and p.plateau_at is not None]
    at = [p for p in known if p.stable_at == p.plateau_at]
    early = [p for p in known if p.stable_at < p.plateau_at]  # type: ignore[operator]
    late = [p for p in known if p.stable_at > p.plateau_at]  # type: ignore[operator]
    never = [p for p in points if p.stable_at is None]
    line = (f"Over {len(points)} runs the rule said stop at the plateau checkpoint in {len(at)}, before it in "
            f"{len(early)}, after it in {len(late)}, and never within the budget in {len(never)}.")
    if early:
        lost = sum(p.final_f - (p.f_at_stable or 0.0) for p in early) / len(early)
        line += f" Where it stopped early, the held-out F1 there was {lost:.3f} below the final F1 on average."
    if late:
        extra = sum(p.stable_at - p.plateau_at for p in late) / len(late)  # type: ignore[operator]
        line += f" Where it stopped late, {extra:,.0f} {unit} after the plateau on average."
    return line


def _at(budget: float | None) -> str:
    return "never" if budget is None else budget_text(budget)


def arms_table(analysis: Analysis, *, title: bool = True) -> str:
    """The adaptive strategy's share of questions per arm in each round, and its chances at the end."""
    if not analysis.arms:
        return ""
    arms = sorted({arm for a in analysis.arms for arm in (*a.asked, *a.chances)})
    head = "### The adaptive strategy's arms (mean over seeds)\n\n" if title else ""
    head += ("Share of each round's questions (control questions aside) asked by each arm, and in brackets "
             "its chance of asking the next question when the round ended.\n\n")
    body = [[a.strategy, budget_text(a.budget), *(_share(a, arm) for arm in arms), str(a.seeds)]
            for a in analysis.arms]
    names = [arm.removeprefix("al_ner.").removesuffix(".v1") for arm in arms]
    return head + table(["strategy", "round ending at", *names, "seeds"], body)


def _share(shares: ArmShares, arm: str) -> str:
    return f"{shares.asked.get(arm, 0.0):.0%} ({shares.chances.get(arm, 0.0):.0%})"

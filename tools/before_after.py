"""Binary annotation before and after the ner.teach fix, in one table per cost unit (docs tooling).

    python tools/before_after.py docs/results/binary-before-after.json \
        --tokens docs/results/archive/conll2003-strategies@2442301.json docs/results/conll2003-strategies.json \
        --minutes docs/results/archive/conll2003-binary-minutes@54f4866.json docs/results/conll2003-binary-minutes.json

Each pair is (before, after): results files `al-ner experiment report` wrote. For every arm of
interest present in both, the primary endpoint (area under the held-out F1 curve minus random's,
paired by seed, with its Holm interval) and the difference at each checkpoint, before and after,
plus random's own F1; the result is a results file whose snippets docs/teach.md quotes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from al_ner.experiment.analysis.stats import Estimate  # noqa: E402

ARMS = {"active-binary": "binary answers, fill (`ner.teach`)",
        "binary-constrained": "binary answers, constrained conversion",
        "binary-full-every": "binary answers + a full sentence every 5",
        "full-hybrid": "full spans, the dev-chosen strategy (`full-hybrid`)",
        "active-full": "full spans, entity uncertainty (`active-full`)"}
UNITS = {"tokens": "tokens", "minutes": "estimated minutes"}


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf8"))["data"]


def estimates(data: dict[str, Any], label: str) -> dict[tuple[str, Any], Estimate]:
    """(strategy, budget or "area") -> its difference from random on the held-out test."""
    out = {}
    for row in [*data["headline"], *data["checkpoints"]]:
        if row["eval_set"] == "test" and row["label"] == label and row["baseline"] == "random":
            out[row["strategy"], row["budget"]] = Estimate(**row["estimate"])
    return out


def random_f1(data: dict[str, Any], label: str) -> dict[Any, float]:
    return {point["budget"]: point["f"]["mean"] for curve in data["curves"]
            if curve["eval_set"] == "test" and curve["label"] == label
            for point in curve["points"] if point["strategy"] == "random"}


def cell(e: Estimate | None) -> str:
    if e is None:
        return "(not in that run)"
    word = e.verdict
    word = f"**{word}**" if word in ("helps", "hurts") else word
    return f"{e.mean:+.3f} [{e.low:+.3f}, {e.high:+.3f}] {word}"


def table(before: dict[str, Any], after: dict[str, Any], unit: str, label: str) -> tuple[str, dict]:
    b, a = estimates(before, label), estimates(after, label)
    budgets = list(after["setup"]["budgets"])
    header = (f"| arm | before: area vs random | after: area vs random | after, per checkpoint ("
              + " / ".join(f"{x:,g}" for x in budgets) + f" {UNITS[unit]}) |")
    rows = [header, "|---|---|---|---|"]
    data = {}
    for arm, name in ARMS.items():
        if (arm, "area") not in a and (arm, "area") not in b:
            continue
        steps = " / ".join(f"{a[arm, x].mean:+.3f}" if (arm, x) in a else "-" for x in budgets)
        rows.append(f"| {name} | {cell(b.get((arm, 'area')))} | {cell(a.get((arm, 'area')))} | {steps} |")
        data[arm] = {"before": _d(b.get((arm, "area"))), "after": _d(a.get((arm, "area"))),
                     "after_checkpoints": {str(x): _d(a.get((arm, x))) for x in budgets}}
    f_before, f_after = random_f1(before, label), random_f1(after, label)
    rows.append(f"\nRandom's held-out {label} F1 at the checkpoints: before "
                + " / ".join(f"{f_before.get(x, float('nan')):.3f}" for x in before["setup"]["budgets"])
                + ", after " + " / ".join(f"{f_after.get(x, float('nan')):.3f}" for x in budgets)
                + f". Before: revision {before['setup']['git_revision'][:7]}, {_n(before['setup']['seeds'])} seeds; after: "
                f"revision {after['setup']['git_revision'][:7]}, {_n(after['setup']['seeds'])} seeds; "
                f"{after['setup']['base_model']}, CoNLL-2003, held-out test. Intervals at Holm's level over each "
                "run's arms; bold: the interval excludes 0.")
    return "\n".join(rows), data


def _n(seeds: Any) -> int:
    return len(seeds) if isinstance(seeds, list) else int(seeds)


def _d(e: Estimate | None) -> dict | None:
    return None if e is None else {**e.to_dict(), "verdict": e.verdict}


def main(argv: list[str]) -> None:
    out = Path(argv[0])
    pairs = {unit: (Path(argv[argv.index(f"--{unit}") + 1]), Path(argv[argv.index(f"--{unit}") + 2]))
             for unit in UNITS if f"--{unit}" in argv}
    snippets, data = {}, {}
    for unit, (before, after) in pairs.items():
        snippets[unit], data[unit] = table(load(before), load(after), unit, "ORG")
        data[unit]["files"] = {"before": str(before), "after": str(after)}
    out.write_text(json.dumps({"name": out.stem, "generated_by": "python tools/before_after.py " + " ".join(argv),
                               "data": data, "snippets": snippets}, indent=2) + "\n", encoding="utf8")
    print("\n\n".join(snippets.values()))


if __name__ == "__main__":
    main(sys.argv[1:])

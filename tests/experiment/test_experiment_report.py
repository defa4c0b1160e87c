"""The analysis (areas, Holm families, dev-split stories) and the report rendered from it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import srsly

from al_ner.experiment.analysis.analyse import (OVERSTATES, REVERSES, SAME, UNCONFIRMED, Analysis, analyse,
                                                area_weights, dev_story)
from al_ner.experiment.render.plots import plot_all
from al_ner.experiment.render.report import results_document
from al_ner.experiment.render.markdown import render_report, snippets
from al_ner.experiment.data.layout import BASE, Row, read_rows, write_rows
from al_ner.experiment.data.layout import counts_key
from al_ner.experiment.analysis.stats import Estimate

BUDGETS = (100, 200)
N_TEST = 300


def counts_for(f_target: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Per-document (tp, fp, fn) whose F1 is about f_target: one gold entity per document."""
    hit = rng.random(n) < f_target
    return np.stack([hit, ~hit, ~hit], axis=1).astype(np.int32)


def make_experiment(seeds: int = 3, dev_docs: int = 60, binary_dev: float = 0.9,
                    binary_test: float = 0.25) -> tuple[list[Row], dict]:
    """active-full beats random on test; active-binary loses on test but gains on its own dev split."""
    rng = np.random.default_rng(0)
    rows, counts = [], {(BASE, 0): {counts_key(0, "test", "ORG", "base"): counts_for(0.5, N_TEST, rng),
                                    counts_key(0, "test", "PER", "base"): counts_for(0.8, N_TEST, rng)}}
    rows += [Row(BASE, 0, 0, "test", "ORG", 0.5, 0.5, 0.5, N_TEST, 0.5, 0, 0, 0, 0.0, n_docs=N_TEST),
             Row(BASE, 0, 0, "test", "PER", 0.8, 0.8, 0.8, N_TEST, 0.8, 0, 0, 0, 0.0, n_docs=N_TEST)]
    for seed in range(seeds):
        for strategy, test_f, dev_f in (("random", 0.60, 0.62), ("active-full", 0.70, 0.72),
                                        ("active-binary", binary_test, binary_dev)):
            run = counts.setdefault((strategy, seed), {})
            for budget in BUDGETS:
                gain = budget / 2000
                for eval_set, label, f, n in (("test", "ORG", test_f + gain, N_TEST), ("test", "PER", 0.7, N_TEST),
                                              ("annotation_dev", "ORG", dev_f + gain, dev_docs)):
                    run[counts_key(budget, eval_set, label)] = counts_for(f, n, rng)
                    rows.append(Row(strategy, seed, budget, eval_set, label, f, f, f, n, 0.5, budget // 10,
                                    budget, budget // 5, budget * 2.0, unit="tokens", answers=budget // 10,
                                    cost=budget + 3, reached=True, n_docs=n))
                run[counts_key(budget, "annotation_dev", "ORG", "base")] = counts_for(0.5, dev_docs, rng)
    meta = {"labels": ["ORG"], "budget_unit": "tokens", "base_model": "en_core_web_sm", "corpus": "news",
            "seeds": list(range(seeds))}
    return rows, {"meta": meta, "counts": counts}


def analysis_of(seeds: int = 3, **kwargs) -> Analysis:
    rows, extra = make_experiment(seeds, **kwargs)
    return analyse(rows, extra["meta"], counts=extra["counts"], n_boot=800)


def test_area_weights_are_the_trapezoid_cut_and_held_flat() -> None:
    ys = [0.5, 0.6, 0.7]
    assert sum(w * y for w, y in zip(area_weights([0, 100, 200], 200), ys)) == pytest.approx(
        (50 * 1.1 + 50 * 1.3) / 200)
    # a run that went past the last checkpoint is cut there (interpolated at 200)
    assert sum(w * y for w, y in zip(area_weights([0, 100, 300], 200), ys)) == pytest.approx(
        (50 * 1.1 + 100 * (0.6 + 0.65) / 2) / 200)
    # a run that ran out at 150 is held at its last F1 up to 200
    assert sum(w * y for w, y in zip(area_weights([0, 100, 150], 200), ys)) == pytest.approx(
        (50 * 1.1 + 25 * 1.3 + 50 * 0.7) / 200)


def test_headline_is_the_area_difference_with_holm_and_one_line_per_strategy() -> None:
    analysis = analysis_of()
    by_strategy = {c.strategy: c for c in analysis.headline}
    assert set(by_strategy) == {"active-full", "active-binary"}
    assert by_strategy["active-full"].estimate.verdict == "helps"
    assert by_strategy["active-binary"].estimate.verdict == "hurts"
    assert all(c.estimate.p_adjusted is not None for c in analysis.headline)
    text = render_report(analysis)
    assert text.index("**Budgets are in tokens**") < text.index("## Verdict")
    assert "**active-full vs random, ORG: helps**: area +0." in text
    assert "**active-binary vs random, ORG: hurts**: area -0." in text
    assert "Holm-corrected over these 2 comparison(s)" in text
    assert "The smallest difference this run could detect" in text


def test_per_checkpoint_differences_are_one_holm_family() -> None:
    analysis = analysis_of()
    assert len(analysis.checkpoints) == 2 * len(BUDGETS)
    levels = sorted(c.estimate.level for c in analysis.checkpoints)
    assert levels == pytest.approx([1 - 0.05 / k for k in (1, 2, 3, 4)])


def test_the_dev_split_that_says_better_while_the_test_says_worse_reverses() -> None:
    analysis = analysis_of()
    binary = [c for c in analysis.dev_checks if c.strategy == "active-binary"]
    assert binary and all(c.story == REVERSES for c in binary)
    assert all(c.story != "same story" for c in binary)
    text = render_report(analysis)
    assert "**reverses**" in text and "overstates the gain: " not in text


def test_stories_never_say_same_story_in_opposite_directions() -> None:
    def est(mean: float, low: float, high: float) -> Estimate:
        return Estimate(mean, low, high, 0.001 if low > 0 or high < 0 else 0.5, 0.01, 5, 500)
    up, down, unsure = est(0.1, 0.05, 0.15), est(-0.1, -0.15, -0.05), est(0.0, -0.05, 0.05)
    assert dev_story(up, down, up) == REVERSES
    assert dev_story(up, unsure, up) == UNCONFIRMED
    assert dev_story(up, up, unsure) == SAME
    assert dev_story(up, est(0.05, 0.01, 0.09), est(0.05, 0.01, 0.09)) == OVERSTATES
    assert dev_story(unsure, down, up) == "can't tell"
    tiny = Estimate(0.0, 0.0, 0.0, 1.0, 0.0, 3, 5, degenerate=True)
    assert dev_story(tiny, down, up) == "too few sentences"


def test_a_tiny_dev_split_says_too_few_sentences_not_zero_intervals() -> None:
    text = render_report(analysis_of(dev_docs=5))
    assert "too few sentences (n=5)" in text
    assert "+0.000 [+0.000, +0.000]" not in text


def test_one_seed_gives_no_verdict_words() -> None:
    analysis = analysis_of(seeds=1)
    text = render_report(analysis)
    assert "can't tell (one seed: training randomness unmeasured)" in text
    assert all(c.estimate.verdict == "can't tell" for c in analysis.checkpoints)
    assert "**helps**" not in text and "**hurts**" not in text


def test_labels_nobody_annotated_show_their_change_from_the_base_model() -> None:
    analysis = analysis_of()
    per = [c for c in analysis.forgetting if c.label == "PER"]
    assert len(per) == 3 * len(BUDGETS) and all(c.estimate.mean < 0 for c in per)
    assert "| PER | random |" in render_report(analysis)


def test_results_document_round_trips_and_snippets_re_render() -> None:
    analysis = analysis_of()
    document = srsly.json_loads(srsly.json_dumps(results_document(analysis, name="news")))
    again = Analysis.from_dict(document["data"])
    assert snippets(again) == document["snippets"]
    assert render_report(again) == render_report(analysis)


def test_rows_round_trip(tmp_path: Path) -> None:
    rows, _ = make_experiment()
    write_rows(tmp_path / "r.jsonl", rows[:5])
    write_rows(tmp_path / "r.jsonl", rows[5:], append=True)
    assert [r.to_dict() for r in read_rows(tmp_path / "r.jsonl")] == [r.to_dict() for r in rows]


@pytest.mark.slow
def test_plots_per_eval_set_and_label(tmp_path: Path) -> None:
    paths = plot_all(analysis_of(), tmp_path)
    assert sorted(p.name for p in paths) == ["f1_annotation_dev_ORG.png", "f1_test_ORG.png", "f1_test_PER.png"]
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

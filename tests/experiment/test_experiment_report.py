"""Results JSONL round trip, the Markdown report's verdicts and disagreements, and the plots."""

from __future__ import annotations

from pathlib import Path

from al_ner.experiment.plots import plot_all
from al_ner.experiment.reporting import render_report
from al_ner.experiment.results import BASE, Row, read_rows, write_rows

BUDGETS = (10, 20)


def row(strategy: str, seed: int, budget: int, eval_set: str, label: str, f: float, base_f: float) -> Row:
    return Row(strategy, seed, budget, eval_set, label, f, f, f, 20, base_f, budget, budget * 12,
               budget * 2, budget * 9.5)


def fake_rows() -> list[Row]:
    """active-full beats random on test; active-binary loses on test but gains on its own dev split."""
    rows = [row(BASE, 0, 0, "test", "ORG", 0.50, 0.50), row(BASE, 0, 0, "test", "PER", 0.80, 0.80),
            row(BASE, 0, 0, "unbiased_dev", "ORG", 0.52, 0.52)]
    for seed in range(3):
        jitter = 0.005 * seed
        for budget in BUDGETS:
            gain = budget / 200
            for strategy, test_f, dev_f in (("random", 0.55 + gain, 0.56 + gain),
                                            ("active-full", 0.60 + gain, 0.62 + gain),
                                            ("active-binary", 0.45 + gain, 0.75 + gain)):
                rows.append(row(strategy, seed, budget, "test", "ORG", test_f + jitter, 0.50))
                rows.append(row(strategy, seed, budget, "test", "PER", 0.70 + jitter, 0.80))
                rows.append(row(strategy, seed, budget, "unbiased_dev", "ORG", test_f + jitter, 0.52))
                rows.append(row(strategy, seed, budget, "annotation_dev", "ORG", dev_f + jitter, 0.5))
    return rows


def test_rows_round_trip(tmp_path: Path) -> None:
    rows = fake_rows()
    write_rows(tmp_path / "r.jsonl", rows[:5])
    write_rows(tmp_path / "r.jsonl", rows[5:], append=True)
    assert [r.to_dict() for r in read_rows(tmp_path / "r.jsonl")] == [r.to_dict() for r in rows]


def test_report_gives_verdicts_cis_and_flags_the_disagreement() -> None:
    text = render_report(fake_rows(), {"labels": ["ORG"], "base_model": "en_core_web_sm", "corpus": "news"})
    assert "**active-full: helps at every budget** on held-out ORG F1" in text
    assert "**active-binary: hurts at every budget**" in text
    assert "+0.050 [" in text  # active-full minus random, identical jitter -> zero-width interval
    assert "annotation dev split and the held-out test **disagree**" in text
    assert "**active-binary at 10**: the annotation dev split says better than the base model (+0.305 [" in text
    assert "Labels nobody annotated" in text and "| PER | random |" in text
    assert "paired t-interval over seeds" in text


def test_report_with_one_seed_says_there_is_no_interval() -> None:
    rows = [r for r in fake_rows() if r.seed == 0]
    text = render_report(rows, {"labels": ["ORG"]})
    assert "n=1, no CI" in text and "too few seeds" in text


def test_plots_are_pngs_per_eval_set(tmp_path: Path) -> None:
    paths = plot_all(fake_rows(), tmp_path, annotated=["ORG"])
    assert sorted(p.name for p in paths) == ["f1_annotation_dev_ORG.png", "f1_test_ORG.png",
                                             "f1_unbiased_dev_ORG.png"]
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_dev_split_too_small_to_tell_is_counted_not_called_misleading() -> None:
    rows = [row(BASE, 0, 0, "test", "ORG", 0.50, 0.50)]
    for seed, dev_change in enumerate((-0.2, 0.3, 0.05)):
        rows.append(row("random", seed, 10, "test", "ORG", 0.60 + 0.01 * seed, 0.50))
        rows.append(row("random", seed, 10, "annotation_dev", "ORG", 0.5 + dev_change, 0.5))
    text = render_report(rows, {"labels": ["ORG"]})
    assert "In 1 place(s) the annotation dev split was too small to tell" in text
    assert "**random at 10**: the annotation dev split can't tell" in text
    assert "disagrees with the held-out test** on ORG" not in text

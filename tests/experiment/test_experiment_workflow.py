"""End to end: a reduced `spacy project run all` in a copy of the project."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import srsly

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.model
def test_reduced_all_workflow_writes_results_report_and_plots(tmp_path: Path, nlp_sm) -> None:
    for name in ("project.yml", "configs", "corpora", "al_ner", "recipes"):  # the code is a dep of simulate
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    command = [sys.executable, "-m", "spacy", "project", "run", "all", str(tmp_path),
               "--vars.seeds", "1", "--vars.budgets", "100,200", "--vars.max_epochs", "1"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    rows = list(srsly.read_jsonl(tmp_path / "training" / "news" / "results.jsonl"))
    runs = [r for r in rows if r["strategy"] != "base"]
    assert {r["strategy"] for r in runs} == {"random", "active-full", "active-binary"}
    assert {r["budget"] for r in runs} == {100, 200} and {r["unit"] for r in runs} == {"tokens"}
    assert {r["eval_set"] for r in runs} == {"test", "annotation_dev", "unbiased_dev"}
    assert {r["label"] for r in runs if r["eval_set"] == "test"} == {"ORG", "PER", "LOC"}
    assert all(0.0 <= r["f"] <= 1.0 and r["sentences"] > 0 and r["est_seconds"] > 0 for r in runs)
    report = (tmp_path / "reports" / "news" / "report.md").read_text()
    assert "## Verdict" in report and "held-out test" in report
    plots = sorted(p.name for p in (tmp_path / "reports" / "news" / "plots").glob("*.png"))
    assert plots == ["f1_annotation_dev_ORG.png", "f1_test_LOC.png", "f1_test_ORG.png", "f1_test_PER.png",
                     "f1_unbiased_dev_ORG.png"]
    assert "**Budgets are in tokens**" in report
    results = srsly.read_json(tmp_path / "reports" / "news" / "results.json")
    assert results["kind"] == "experiment" and "headline" in results["snippets"]

"""End to end: a reduced `spacy project run compare` (the embedded default), and compare + diagnose
on CoNLL-derived datasets (random vs ner.teach from a CoNLL train pool, test from CoNLL test)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import srsly

from al_ner.experiment.run.compare import prepare
from al_ner.experiment.render.compare import render_compare
from al_ner.experiment.data.config import load_config
from al_ner.experiment.data.corpus import read_iob, write_iob
from al_ner.experiment.run.demo import build_demo
from al_ner.experiment.diagnose.run import DiagnoseSpec, compare_analysis, run_diagnosis

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.model
def test_reduced_compare_workflow_writes_report_with_diagnosis(tmp_path: Path, nlp_sm) -> None:
    for name in ("project.yml", "configs", "corpora", "al_ner", "recipes"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    command = [sys.executable, "-m", "spacy", "project", "run", "compare", str(tmp_path),
               "--vars.compare_seeds", "1", "--vars.compare_max_epochs", "1", "--vars.compare_demo_answers", "60"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = (tmp_path / "reports" / "compare" / "report.md").read_text()
    for part in ("## Verdict", "**active vs manual, ORG:", "## Checks", "## Diagnosis: what might be causing it?",
                 "### Likely causes, strongest evidence first", "ORG F1 on the held-out test"):
        assert part in report
    results = srsly.read_json(tmp_path / "reports" / "compare" / "results.json")
    assert results["kind"] == "compare" and results["diagnosis"]["causes"]
    assert (tmp_path / "reports" / "compare" / "plots" / "f1_test_ORG.png").is_file()


@pytest.mark.slow
@pytest.mark.corpora
@pytest.mark.model
def test_compare_and_diagnose_on_conll_random_vs_teach(tmp_path: Path, conll_dir: Path, nlp_md) -> None:
    pool, test = tmp_path / "pool.iob", tmp_path / "test.iob"
    held_out = read_iob(conll_dir / "test.txt")[:300]
    seen = {s.hash for s in held_out}  # CoNLL train and test share short lines: keep them apart, as prepare does
    write_iob(pool, [s for s in read_iob(conll_dir / "train.txt")[:700] if s.hash not in seen][:600])
    write_iob(test, held_out)
    cfg = load_config(REPO / "configs" / "experiment" / "conll.cfg", seeds=1, max_epochs=1,
                      train_config=str(REPO / "configs" / "ner_finetune.cfg"))
    done = build_demo(pool, tmp_path / "db", config=cfg, datasets=[("conll_manual", "random"),
                                                                  ("conll_teach", "active-binary")], answers=150)
    assert done["conll_manual"]["answers"] == 150 and done["conll_teach"]["answers"] > 50
    job = prepare(tmp_path / "out", arms="manual:conll_manual,active:conll_teach", test=str(test), config=cfg,
                  db_dir=str(tmp_path / "db"))
    assert job.checks.test_order == "gold file" and not job.checks.warnings
    job.run()
    analysis, rows = compare_analysis(tmp_path / "out", n_boot=300)
    assert analysis.headline and analysis.headline[0].estimate.n_docs == 300
    assert {c.label for c in analysis.forgetting} == {"PER", "LOC"}  # labels nobody annotated
    diagnosis = run_diagnosis(DiagnoseSpec.from_results(tmp_path / "out"), analysis=analysis, rows=rows)
    assert {e.strategy for e in diagnosis.errors} == {"manual", "active"}
    (arm,) = diagnosis.arms
    assert arm.arm == "active" and arm.shift is not None and 0.0 <= arm.shift.auc <= 1.0
    assert arm.evidence.reject_rate > 0 and diagnosis.reference_evidence.evidence_share == 1.0
    assert "## Diagnosis: what might be causing it?" in render_compare(analysis, diagnosis)

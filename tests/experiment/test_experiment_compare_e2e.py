"""End to end: a reduced `spacy project run compare-demo` (the embedded demo), and compare + diagnose
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
from al_ner.experiment.data.gold_corpus import read_iob, write_iob
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
    command = [sys.executable, "-m", "spacy", "project", "run", "compare-demo", str(tmp_path),
               "--vars.compare_seeds", "1", "--vars.compare_max_epochs", "1", "--vars.compare_demo_answers", "60"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "**active vs manual, ORG:" in done.stdout  # the verdict, printed
    report = (tmp_path / "reports" / "compare-demo" / "report.md").read_text()
    for part in ("## Verdict", "**active vs manual, ORG:", "## Checks", "## Diagnosis: what might be causing it?",
                 "### Likely causes, strongest evidence first", "ORG F1 on the held-out test"):
        assert part in report
    results = srsly.read_json(tmp_path / "reports" / "compare-demo" / "results.json")
    assert results["kind"] == "compare" and results["diagnosis"]["causes"]
    assert (tmp_path / "reports" / "compare-demo" / "plots" / "f1_test_ORG.png").is_file()


@pytest.mark.slow
@pytest.mark.model
def test_the_compare_workflow_never_falls_back_to_the_demo_test_set(tmp_path: Path, nlp_sm) -> None:
    # issue 16: with compare_test left out, the workflow scored the user's arms on the demo test set
    shutil.copy(REPO / "project.yml", tmp_path / "project.yml")
    shutil.copytree(REPO / "configs", tmp_path / "configs")
    from al_ner.storage import Database
    from al_ner.stream.hashing import set_hash
    from al_ner.stream.iob import words_to_task

    db = Database(tmp_path / "db")
    for name in ("mine", "theirs"):
        db.add_examples(name, [{**set_hash(words_to_task([f"Acme{i}", "hired"], [(0, 0, "ORG")], {})),
                                "answer": "accept", "_view_id": "ner_manual"} for i in range(20)])
    command = [sys.executable, "-m", "spacy", "project", "run", "compare", str(tmp_path),
               "--vars.compare_db", str(tmp_path / "db"), "--vars.compare_arms", "manual:mine,active:theirs"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "al-ner ner.manual mine_test en_core_web_sm SOURCE --label ORG --order random --exclude mine,theirs" \
        in done.stderr
    assert not (tmp_path / "reports" / "compare" / "report.md").exists()


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

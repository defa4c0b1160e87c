"""The same seed, pool and settings give the same selections, whatever runs beside and whatever the test file.

The CoNLL case of issue 7: active-binary (ner.teach, model updated in the loop) picked different
sentences when other strategies ran before it in the process, or with another held-out test
file, because its online updates drew dropout from global RNG state the earlier work had moved.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly

from al_ner.experiment.data.config import load_config
from al_ner.experiment.data.corpus import read_iob, write_iob
from al_ner.experiment.data.layout import ANNOTATION_DEV
from al_ner.experiment.run.runner import Experiment
from al_ner.experiment.run.spacy_steps import SpacySteps

pytestmark = [pytest.mark.corpora, pytest.mark.model, pytest.mark.slow]


def corpus(root: Path, conll: Path, test_slice: slice) -> Path:
    root.mkdir(parents=True)
    write_iob(root / "pool.iob", read_iob(conll / "train.txt")[:800])
    write_iob(root / "dev.iob", read_iob(conll / "valid.txt")[:50])
    write_iob(root / "test.iob", read_iob(conll / "test.txt")[test_slice])
    return root


def selections(out: Path) -> list[tuple[int, int, str]]:
    answers = srsly.read_jsonl(out / "runs" / "active-binary" / "seed0" / "db" / "answers.jsonl")
    return [(a["_input_hash"], a["_task_hash"], a["answer"]) for a in answers]


def run(tmp: Path, conll: Path, name: str, test_slice: slice, strategies: str) -> Experiment:
    cfg = load_config(None, base_model="en_core_web_md", strategies=strategies, budgets="600,1200", seeds=1,
                      max_epochs=1)
    corpus_dir = corpus(tmp / name / "corpus", conll, test_slice)
    experiment = Experiment(cfg, corpus_dir, tmp / name / "out", SpacySteps(cfg, corpus_dir))
    experiment.run()
    return experiment


def test_active_binary_selects_the_same_whatever_runs_beside_it_and_whatever_the_test_file(
        tmp_path: Path, conll_dir: Path, nlp_md) -> None:
    alone = run(tmp_path, conll_dir, "alone", slice(0, 150), "active-binary")
    beside = run(tmp_path, conll_dir, "beside", slice(150, 300), "random,active-full,active-binary")
    picked = selections(alone.out_dir)
    assert len(picked) > 20
    assert selections(beside.out_dir) == picked

    def dev_rows(experiment: Experiment) -> list[tuple]:
        rows = srsly.read_jsonl(experiment.out_dir / "runs" / "active-binary" / "seed0" / "results.jsonl")
        return [(r["budget"], r["label"], r["f"], r["cost"]) for r in rows if r["eval_set"] == ANNOTATION_DEV]
    assert dev_rows(beside) == dev_rows(alone)  # same answers, same model: same scores on its own dev split

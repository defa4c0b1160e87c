"""diagnose: the two-sample test on known distributions, evidence per token by the conversion,
selection-bias measures, the ranking of causes, and `al-ner diagnose` on Prodigy fixtures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy
import srsly
from typer.testing import CliRunner

import al_ner.cli.db  # noqa: F401  (with more than one command, Typer keeps the subcommand names)
import al_ner.cli.diagnose  # noqa: F401  (registers the command)
from al_ner.cli._app import app
from al_ner.errors import AlNerError
from al_ner.experiment.data.layout import Row
from al_ner.experiment.diagnose.causes import failure_mode, likely_causes
from al_ner.experiment.diagnose.diagnosis import ArmDiagnosis, Cause, Diagnosis, Errors, held_out_errors
from al_ner.experiment.diagnose.evidence import Evidence, answer_evidence
from al_ner.experiment.diagnose.profile import Measure, SentenceSet, mean_difference
from al_ner.experiment.diagnose.shift import auc, fit_logistic, shift_test
from al_ner.stream.hashing import set_hash

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "prodigy"


def test_auc_and_logistic_regression_are_right_on_easy_cases() -> None:
    y = np.array([0, 0, 1, 1])
    assert auc(np.array([0.1, 0.2, 0.8, 0.9]), y) == 1.0 and auc(np.array([0.5] * 4), y) == 0.5
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(-1, 1, (200, 2)), rng.normal(1, 1, (200, 2))])
    w = fit_logistic(x, np.r_[np.zeros(200), np.ones(200)])
    assert w[0] > 0.5 and w[1] > 0.5


@pytest.mark.slow
def test_the_two_sample_test_finds_a_shift_and_not_a_non_shift() -> None:
    rng = np.random.default_rng(1)
    same = shift_test(rng.normal(size=(120, 8)), rng.normal(size=(200, 8)), seed=0, space="x",
                      permutations=30)
    shifted = shift_test(rng.normal(0.6, 1, size=(120, 8)), rng.normal(size=(200, 8)), seed=0, space="x",
                         permutations=30)
    assert same is not None and shifted is not None
    assert abs(same.auc - 0.5) < 0.1 and not same.significant
    assert shifted.auc > 0.75 and shifted.significant and shifted.low > 0.5
    assert shift_test(np.zeros((3, 2)), np.zeros((50, 2)), seed=0, space="x") is None


def test_mean_difference_interval_covers_the_truth() -> None:
    rng = np.random.default_rng(2)
    m = mean_difference("x", rng.normal(1.0, 1, 400), rng.normal(0.0, 1, 400), seed=0)
    assert m.low < 1.0 < m.high and m.significant
    assert not mean_difference("x", [1.0, 2.0, 3.0], [1.0, 2.0, 3.0], seed=0).significant


def test_evidence_of_binary_and_manual_answers(nlp) -> None:
    teach = list(srsly.read_jsonl(FIXTURES / "teach_binary.jsonl"))
    e = answer_evidence(nlp, teach, labels=["ORG"], fill="missing")
    assert (e.accept_rate, e.reject_rate, e.ignore_rate) == pytest.approx((3 / 6, 2 / 6, 1 / 6))
    # Apple, IBM, Tim Cook (2 tokens), Microsoft, Amazon have answers; GPE's answer isn't about ORG
    tokens = sum(len(nlp.make_doc(t["text"])) for t in teach if t["answer"] != "ignore")
    assert e.evidence_share == pytest.approx(6 / tokens) and e.pseudo_share == 0.0
    manual = [set_hash({"text": "Acme hired Tim .", "answer": "accept", "_view_id": "ner_manual",
                        "spans": [{"start": 0, "end": 4, "label": "ORG"}]})]
    m = answer_evidence(nlp, manual, labels=["ORG"], fill="O")
    assert m.evidence_share == 1.0 and m.answer_o_per_sentence == 3 and m.pseudo_share == 0.0


def test_fill_model_pseudo_labels_are_counted(tiny_model: Path) -> None:
    base = spacy.load(tiny_model)
    teach = [t for t in srsly.read_jsonl(FIXTURES / "teach_binary.jsonl") if t["answer"] != "ignore"]
    e = answer_evidence(base, teach, labels=["ORG"], fill="model")
    assert e.pseudo_share > 0.5 and e.pseudo_o_share > 0.0  # unanswered tokens become "no entity"


def test_sentence_sets_dedupe_and_sample() -> None:
    s = SentenceSet.of_texts("x", ["a", "b", "a", "c"])
    assert [t["text"] for t in s.tasks] == ["a", "b", "c"]
    assert len(s.sample(2, seed=0).tasks) == 2 and s.sample(9, seed=0) is s


def test_causes_with_evidence_come_first() -> None:
    weak = Measure("tokens per sentence", 10.0, 5.0, 5.0, -1.0, 11.0)  # big but uncertain
    strong = Measure("entities per sentence (base model, compared labels)", 1.1, 1.0, 0.1, 0.05, 0.15)
    evidence = Evidence(10, {}, 0.5, 0.5, 0.0, 0.5, 0.5, 0.0, 0.3, 0.6, 0.55, 0.1, "model")
    arm = ArmDiagnosis("active", "manual", 10, 10, [weak, strong], {}, None, evidence)
    causes = likely_causes(Diagnosis({"reference": "manual"}, [arm], None, base_recall={"ORG": 0.4}))
    assert all(isinstance(c, Cause) for c in causes)
    flags = [c.significant for c in causes]
    assert flags == sorted(flags, reverse=True)
    assert causes[0].title.startswith("training treats the base model's misses")
    assert [c.title for c in causes if not c.significant] == ["selection bias in tokens per sentence"]


def test_al_ner_diagnose_on_prodigy_exports(tmp_path: Path, tiny_model: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "d.md"
    args = ["diagnose", "--arms", f"manual:{FIXTURES / 'fashion_brand_manual.jsonl'},"
            f"teach:{FIXTURES / 'teach_binary.jsonl'}", "--test", str(FIXTURES / "review.jsonl"),
            "--base-model", str(tiny_model), "--label", "ORG", "--db", str(tmp_path / "db"), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0 and "first cause: teach:" in result.output
    text = out.read_text()
    for part in ("# Diagnosis", "## Likely causes", "## Selection bias against manual", "## What the answers can teach"):
        assert part in text
    assert srsly.read_json(out.with_suffix(".json"))["arms"][0]["arm"] == "teach"
    result = runner.invoke(app, ["diagnose", "--arms", "a:b"])
    assert isinstance(result.exception, AlNerError) and "--results DIR" in str(result.exception)


def test_the_held_out_errors_decide_which_causes_fit() -> None:
    def row(strategy: str, budget: float, p: float, r: float) -> Row:
        return Row(strategy, 0, budget, "test", "ORG", 0.0, p, r, 10, 0.0, 1, 1, 1, 1.0)
    rows = [row("base", 0, 0.45, 0.33), row("manual", 100, 0.60, 0.70), row("manual", 200, 0.62, 0.72),
            row("active", 100, 0.63, 0.30)]
    errors = held_out_errors(rows, ["ORG"], upto=100)
    assert {(e.strategy, e.budget, e.r) for e in errors} == {("manual", 100, 0.70), ("active", 100, 0.30)}
    dense = Measure("entities per sentence (base model, compared labels)", 1.0, 0.4, 0.6, 0.5, 0.7)
    evidence = Evidence(10, {}, 0.2, 0.8, 0.0, 0.2, 0.8, 0.0, 0.3, 0.6, 0.55, 0.1, "model")
    arm = ArmDiagnosis("active", "manual", 10, 10, [dense], {}, None, evidence)
    d = Diagnosis({"reference": "manual"}, [arm], None, base_recall={"ORG": 0.33}, errors=errors)
    assert failure_mode("active", d) == "recall"
    causes = likely_causes(d)
    assert causes[0].title == "it loses held-out recall (ORG)"
    assert [c.fit for c in causes if "entities per sentence" in c.title] == ["argues against"]
    assert causes[-1].title.startswith("selection bias in entities per sentence")
    assert isinstance(errors[0], Errors)

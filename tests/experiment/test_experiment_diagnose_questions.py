"""diagnose names malformed questions: binary spans longer than the model predicts or anyone accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly
from spacy.language import Language

from al_ner.experiment.diagnose.causes import likely_causes
from al_ner.experiment.diagnose.diagnosis import ArmDiagnosis, Diagnosis
from al_ner.experiment.diagnose.evidence import Evidence
from al_ner.experiment.diagnose.questions import QuestionShapes, question_shapes

pytestmark = pytest.mark.model
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "prodigy"
TEXT = "Shares of Acme Corp rose after the Reuters report on Tuesday in New York ."


def question(nlp: Language, text: str, start: int, end: int, answer: str, view: str | None = "ner") -> dict:
    """A binary question as Prodigy's ner.teach saves it (token_end inclusive)."""
    doc = nlp.make_doc(text)
    tokens = [{"text": t.text, "start": t.idx, "end": t.idx + len(t), "id": t.i, "ws": bool(t.whitespace_)}
              for t in doc]
    span = {"start": doc[start].idx, "end": doc[end - 1].idx + len(doc[end - 1]), "token_start": start,
            "token_end": end - 1, "label": "ORG"}
    task = {"text": text, "tokens": tokens, "spans": [span], "answer": answer}
    return {**task, "_view_id": view} if view else task


def old_teach_answers(nlp: Language) -> list[dict]:
    """What the beam-scored ner.teach asked: a few fine spans, many that run over half the sentence."""
    fine = [question(nlp, TEXT, 2, 4, "accept"), question(nlp, TEXT, 7, 8, "accept"),
            question(nlp, TEXT, 13, 15, "reject")]
    long = [question(nlp, TEXT, 2, 2 + n, "reject") for n in range(7, 13)]
    return fine + long


def test_long_questions_are_counted_against_the_models_and_the_annotators_spans(nlp_sm) -> None:
    shapes = question_shapes(nlp_sm, old_teach_answers(nlp_sm), labels=["ORG"])
    assert isinstance(shapes, QuestionShapes)
    assert shapes.binary == 9 and shapes.longer == 6 and shapes.accepted_longer == 0
    assert shapes.accepted_longest == 2 and 1 <= shapes.model_longest < 7
    assert shapes.examples[0].startswith("Acme Corp rose after the Reuters report on Tuesday")
    assert shapes.significant and shapes.share == pytest.approx(6 / 9)


def test_a_prodigy_export_without_long_questions_has_none(nlp_sm) -> None:
    teach = list(srsly.read_jsonl(FIXTURES / "teach_binary.jsonl"))
    shapes = question_shapes(nlp_sm, teach, labels=["ORG"])
    assert shapes is not None and shapes.binary > 0 and shapes.longer == 0 and not shapes.significant
    manual = list(srsly.read_jsonl(FIXTURES / "fashion_brand_manual.jsonl"))
    assert question_shapes(nlp_sm, manual, labels=["ORG"]) is None  # no binary questions at all


def test_answers_without_a_view_count_as_binary_and_the_cause_is_ranked(nlp_sm) -> None:
    answers = [{k: v for k, v in task.items() if k != "_view_id"} for task in old_teach_answers(nlp_sm)]
    shapes = question_shapes(nlp_sm, answers, labels=["ORG"])
    assert shapes is not None and shapes.longer == 6
    evidence = Evidence(9, {}, 0.2, 0.8, 0.0, 0.2, 0.8, 0.0, 0.3, 0.0, 0.0, 0.1, "O")
    arm = ArmDiagnosis("teach", "manual", 1, 10, [], {}, None, evidence, shapes)
    causes = likely_causes(Diagnosis({"reference": "manual", "labels": ["ORG"]}, [arm], None))
    titles = [c.title for c in causes]
    assert "its questions were spans the model doesn't predict (malformed questions)" in titles
    cause = causes[titles.index("its questions were spans the model doesn't predict (malformed questions)")]
    assert cause.significant and "6 of 9 ORG binary questions (67%)" in cause.number
    assert "Acme Corp rose after" in cause.number and "docs/teach.md" in cause.advice
    assert all(c.significant for c in causes[:titles.index(cause.title)])  # evidence first

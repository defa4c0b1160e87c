"""Progress totals are counted, not guessed (issue 17): `0 / ≈10` for the 7,600-row ag_news CSV,
`≈77` for the 245-line pool, `≈4` at the start of ner.teach. A source whose records are split
into sentences, or whose questions a sorter picks, counts its texts; one question a record
counts questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from al_ner.controller import Controller
from al_ner.recipe import get_recipe
from al_ner.storage import get_db

POOL = Path(__file__).resolve().parents[2] / "corpora" / "news" / "pool.txt"  # 245 lines


def session(tmp_path, recipe: str, model: str, source: str, **options) -> Controller:
    components = get_recipe(recipe)(dataset="d", spacy_model=model, source=source, label="ORG",
                                    **options)
    assert components["progress"].wait(10) is not None
    return Controller(components, get_db(tmp_path / "db"), batch_size=10)


def answer_all(ctrl: Controller, questions: list[dict]) -> None:
    ctrl.receive_answers([{"_task_hash": q["_task_hash"], "answer": "accept"} for q in questions])


@pytest.mark.parametrize("order", ["source", "random"])
def test_split_sentences_count_texts(tmp_path, order):
    ctrl = session(tmp_path, "ner.manual", "blank:en", str(POOL), order=order)
    assert ctrl.progress()["total"] == 245  # known before the first question
    answer_all(ctrl, ctrl.get_questions())
    progress = ctrl.progress()
    assert (progress["total"], progress["unit"], progress["estimated"]) == (245, "texts", False)
    assert 0 < progress["position"] <= 10  # the texts handed out, not those the splitter read ahead


def test_one_question_a_record_counts_questions(tmp_path):
    ctrl = session(tmp_path, "ner.manual", "blank:en", str(POOL), unsegmented=True)
    answer_all(ctrl, ctrl.get_questions()[:3])
    progress = ctrl.progress()
    assert (progress["total"], progress["unit"], progress["position"]) == (245, "questions", 3)


def test_teach_counts_the_texts_its_sorter_read(tmp_path, tiny_model, source):
    ctrl = session(tmp_path, "ner.teach", tiny_model, source, unsegmented=True)
    assert (ctrl.progress()["total"], ctrl.progress()["unit"]) == (90, "texts")
    ctrl.get_questions()
    progress = ctrl.progress()
    assert (progress["total"], progress["estimated"]) == (90, False)
    assert 0 < progress["position"] <= 90


@pytest.mark.corpora
def test_the_ag_news_csv_counts_its_rows_in_random_order(tmp_path, ag_news_csv):
    ctrl = session(tmp_path, "ner.manual", "blank:en", str(ag_news_csv), order="random")
    ctrl.get_questions()
    progress = ctrl.progress()
    assert (progress["total"], progress["unit"], progress["estimated"]) == (7600, "texts", False)
    assert progress["position"] <= 10

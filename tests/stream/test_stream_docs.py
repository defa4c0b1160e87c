"""One task->Doc builder: the same Doc from a task's tokens on every path (issue 17)."""

from __future__ import annotations

import pytest

from al_ner.errors import InvalidTaskError

NEWLINE_TASK = {"text": "Acme\nhired Bo .",
                "tokens": [{"text": "Acme", "start": 0, "end": 4, "id": 0},
                           {"text": "hired", "start": 5, "end": 10, "id": 1},
                           {"text": "Bo", "start": 11, "end": 13, "id": 2},
                           {"text": ".", "start": 14, "end": 15, "id": 3}]}


def test_tokens_without_ws_make_one_doc_on_every_path(nlp):
    """Training built "Acmehired Bo ." (a space only before ' '), scoring "Acme hired Bo ."."""
    from al_ner.scoring.docs import task_doc as scoring_doc
    from al_ner.stream.docs import task_doc
    from al_ner.training.convert import input_doc

    texts = {task_doc(nlp, NEWLINE_TASK).text, scoring_doc(nlp, NEWLINE_TASK).text,
             input_doc(nlp, [NEWLINE_TASK]).text}
    assert texts == {"Acme hired Bo ."}


def test_ws_decides_when_present_and_tasks_without_tokens_are_tokenized(nlp):
    from al_ner.stream.docs import doc_tokens, task_doc

    tokens = [{**token, "ws": False} for token in NEWLINE_TASK["tokens"]]
    assert task_doc(nlp, {**NEWLINE_TASK, "tokens": tokens}).text == "AcmehiredBo."
    doc = task_doc(nlp, {"text": "Acme hired Bo."})
    assert [t.text for t in doc] == ["Acme", "hired", "Bo", "."]
    assert task_doc(nlp, {"text": doc.text, "tokens": doc_tokens(doc)}).text == doc.text


def test_bad_tokens_name_the_fix(nlp):
    from al_ner.stream.docs import task_doc

    with pytest.raises(InvalidTaskError, match="rebuild them with add_tokens"):
        task_doc(nlp, {"text": "Acme", "tokens": [{"text": "Acme"}]})

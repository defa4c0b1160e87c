"""Each question is drawn in its own view: ner.teach's full-span (ner_manual) questions inside a
binary (ner) session get label buttons and selectable words, and binary ones don't."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def mixed_session(make_controller, web):
    """ner.teach --full-every: a binary question, a full-span one with the model's guesses
    pre-highlighted (one of them wrong), another binary one."""
    binary = web.binary_tasks()
    full = {**web.manual_tasks()[1], "_view_id": "ner_manual"}  # Angela Merkel as ORG: wrong
    return make_controller([binary[0], full, binary[1]], view_id="ner", batch_size=3,
                           extra={"views": ["ner_manual"]})


def in_binary_view(page) -> bool:
    return page.is_hidden("#labels") and page.locator("#text .tok").count() == 0


def test_a_full_span_question_in_a_binary_session_is_drawn_as_one(ui, serve, open_page,
                                                                  make_controller, web):
    controller = mixed_session(make_controller, web)
    page = open_page(serve(controller).url)
    ui.shows(page, "wrote the first")
    assert in_binary_view(page)
    page.keyboard.press("a")

    ui.shows(page, " met ")  # before: drawn as a binary question, 0 label buttons, no words
    assert page.locator("#labels button").count() == len(web.LABELS)
    assert page.locator("#text .tok").count() > 0
    assert ui.marks(page) == [("Angela Merkel", "ORG"), ("Berlin", "GPE")]
    page.locator("#text mark", has_text="Angela").click()  # the model's wrong guess goes
    ui.drag(page, "Angela", "Merkel")  # PERSON, the first label
    ui.drag(page, "Emmanuel", "Macron")
    page.keyboard.press("a")

    ui.shows(page, "opened a store")
    assert in_binary_view(page)
    page.keyboard.press("Backspace")  # undo: back to the full-span view, with the spans given
    ui.shows(page, " met ")
    assert page.locator("#labels button").count() == len(web.LABELS)
    assert ui.marks(page) == [("Angela Merkel", "PERSON"), ("Emmanuel Macron", "PERSON"),
                              ("Berlin", "GPE")]
    page.keyboard.press("a")
    ui.shows(page, "opened a store")
    page.keyboard.press("x")
    ui.wait_for(lambda: len(web.stored(controller)) == 4, "4 saved answers")
    latest = {t["text"].split()[0]: t for t in controller.db.get_answers(web.DATASET)}
    assert {k: (t["_view_id"], t["answer"]) for k, t in latest.items()} == {
        "Ada": ("ner", "accept"), "Angela": ("ner_manual", "accept"), "Apple": ("ner", "reject")}
    # before: "accept" saved the model's guesses, [Angela Merkel ORG, Berlin GPE], as complete
    assert [(s["text"], s["label"]) for s in latest["Angela"]["spans"]] == [
        ("Angela Merkel", "PERSON"), ("Emmanuel Macron", "PERSON"), ("Berlin", "GPE")]

"""A real headless Chromium annotates through both views; we check exactly what is saved.

Needs Debian's `chromium` (or AL_NER_CHROMIUM=/path) and the `playwright` Python package; no
browser download. AL_NER_SCREENSHOTS=DIR saves a screenshot of each view there (docs/screenshots).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("AL_NER_SCREENSHOTS")


def screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.mouse.move(0, 0)
        page.screenshot(path=str(Path(SCREENSHOTS) / name))


def test_binary_view_keyboard_and_buttons(ui, serve, open_page, binary_controller, web):
    page = open_page(serve(binary_controller).url)
    ui.shows(page, "wrote the first")
    assert marks_binary(page) == [("Ada Lovelace", "PERSON")]
    assert page.text_content("#meta .score") == "score 0.91"
    assert page.text_content("#dataset") == web.DATASET
    page.keyboard.press("a")
    ui.shows(page, "opened a store")
    page.keyboard.press("x")
    ui.shows(page, "flows through")
    page.keyboard.press("Space")
    ui.shows(page, "Grace Hopper")
    page.wait_for_function("() => document.getElementById('progress-text').textContent === '3 / 4'")
    screenshot(page, "ner.png")
    page.keyboard.press("Backspace")  # undo the ignore: London comes back
    ui.shows(page, "flows through")
    page.click("#btn-accept")
    ui.shows(page, "Grace Hopper")
    page.click("#btn-reject")
    ui.shows(page, "No more questions")
    ui.wait_for(lambda: len(web.stored(binary_controller)) == 5, "5 saved answers")
    lines = [(t["text"].split()[0], t["answer"]) for t in web.stored(binary_controller)]
    assert lines == [("Ada", "accept"), ("Apple", "reject"), ("The", "ignore"),
                     ("The", "accept"), ("Grace", "reject")]
    latest = binary_controller.db.get_answers(web.DATASET)
    assert [(t["text"].split()[0], t["answer"]) for t in latest] == [
        ("Ada", "accept"), ("Apple", "reject"), ("The", "accept"), ("Grace", "reject")]
    assert latest[2]["spans"] == web.binary_tasks()[2]["spans"]
    page.wait_for_function("() => document.getElementById('count-accept').textContent === '2'")
    assert page.text_content("#count-reject") == "2" and page.text_content("#count-ignore") == "0"
    assert page.text_content("#progress-text") == "4 / 4"
    update = binary_controller.components["update"]
    assert [t["answer"] for batch in update.batches for t in batch] == [a for _, a in lines]


def marks_binary(page) -> list[tuple[str, str]]:
    return [(m.evaluate("n => n.firstChild.textContent"), m.get_attribute("data-label"))
            for m in page.locator("#text mark").all()]


def test_manual_view_mouse_and_keys(ui, serve, open_page, manual_controller, web):
    page = open_page(serve(manual_controller).url)
    ui.shows(page, "Tim Cook visited")
    ui.drag(page, "Tim", "Cook")  # the first label is active to begin with
    page.keyboard.press("3")
    ui.drag(page, "York", "New")  # dragging backwards works too
    page.click("#labels button[data-label=ORG]")
    ui.tok(page, "IBM").click()
    page.keyboard.press("1")
    ui.tok(page, "staff").click()
    assert ui.marks(page) == [("Tim Cook", "PERSON"), ("New York", "GPE"), ("IBM", "ORG"),
                           ("staff", "PERSON")]
    page.locator("#text mark", has_text="staff").click()  # a click on a span removes it
    assert ui.marks(page) == [("Tim Cook", "PERSON"), ("New York", "GPE"), ("IBM", "ORG")]
    screenshot(page, "ner_manual.png")
    page.keyboard.press("a")

    ui.shows(page, " met ")  # pre-highlighted, as in ner.correct
    assert ui.marks(page) == [("Angela Merkel", "ORG"), ("Berlin", "GPE")]
    page.locator("#text mark", has_text="Angela").click()
    ui.drag(page, "Angela", "Merkel")  # label 1 is still active
    ui.drag(page, "Emmanuel", "Macron")
    page.click("#btn-accept")
    ui.shows(page, "Nothing to see")
    page.keyboard.press("Backspace")  # undo: the question comes back with the spans given
    ui.shows(page, " met ")
    assert ui.marks(page) == [("Angela Merkel", "PERSON"), ("Emmanuel Macron", "PERSON"),
                           ("Berlin", "GPE")]
    page.locator("#text mark", has_text="Emmanuel").click()
    page.keyboard.press("a")
    ui.shows(page, "Nothing to see")
    page.keyboard.press("x")
    ui.shows(page, "No more questions")

    ui.wait_for(lambda: len(web.stored(manual_controller)) == 4, "4 saved answers")
    got = [(t["text"].split()[0], t["answer"], [(s["text"], s["label"]) for s in t["spans"]])
           for t in web.stored(manual_controller)]
    assert got == [
        ("Tim", "accept", [("Tim Cook", "PERSON"), ("New York", "GPE"), ("IBM", "ORG")]),
        ("Angela", "accept", [("Angela Merkel", "PERSON"), ("Emmanuel Macron", "PERSON"),
                              ("Berlin", "GPE")]),
        ("Angela", "accept", [("Angela Merkel", "PERSON"), ("Berlin", "GPE")]),
        ("Nothing", "reject", []),
    ]
    first = web.stored(manual_controller)[0]
    text = first["text"]
    assert first["spans"] == [{**web.span(text, phrase, label), "text": phrase}
                              for phrase, label in [("Tim Cook", "PERSON"), ("New York", "GPE"),
                                                    ("IBM", "ORG")]]
    assert len(manual_controller.db.get_answers(web.DATASET)) == 3


def no_markup_ran(page, selectors: str) -> None:
    """None of the hostile markup became elements, and no script ran once everything loaded."""
    assert page.locator(selectors).count() == 0
    page.wait_for_load_state("networkidle")  # an <img onerror> made by mistake has fired by now
    assert page.evaluate("window.__xss") is None


def test_text_with_markup_is_shown_literally(ui, serve, open_page, make_controller, web):
    text = web.XSS_TEXT
    hostile = "<img src=x onerror=window.__xss=3>"
    start = text.index("and")
    tasks = [{"text": text, "spans": [{"start": start, "end": start + 3, "label": "<b>ORG</b>"}],
              "meta": {"score": 0.5, "source": hostile}}]
    page = open_page(serve(make_controller(tasks)).url)
    ui.shows(page, "and")
    after = start + 3
    assert page.text_content("#text") == text[:after] + "<b>ORG</b>" + text[after:]  # label tag
    assert hostile in page.text_content("#meta")
    no_markup_ran(page, "#text img, #text script, #text b, #meta img")

    manual = make_controller([{"text": text, "tokens": web.tokens(text)}],
                             view_id="ner_manual", labels=["<i>X</i>"])
    page = open_page(serve(manual).url)
    ui.shows(page, "and")
    assert page.text_content("#text") == text
    assert page.text_content("#labels button") == "<i>X</i>1"
    no_markup_ran(page, "#text img, #text script, #labels i")


def test_markup_is_shown_literally_in_the_choice_review_and_mixed_views(ui, serve, open_page,
                                                                         make_controller, web):
    text = web.XSS_TEXT
    start = text.index("and")
    label = "<b onmouseover=window.__xss=4>ORG</b>"
    spans = [{"start": start, "end": start + 3, "label": label}]
    options = [{"id": 1, "spans": spans}, {"id": 2, "text": "<img src=x onerror=window.__xss=5>"}]
    choice = make_controller([{"text": text, "options": options}], view_id="choice", labels=[label])
    page = open_page(serve(choice).url)
    page.wait_for_selector("#options .option")
    assert label in page.text_content("#options") and "<img" in page.text_content("#options")
    no_markup_ran(page, "#options img, #options b, #options script")

    tokens = web.tokens(text)
    versions = [{"answer": "accept", "spans": spans, "sessions": ["<img src=x onerror=window.__xss=6>"]}]
    review = make_controller([{"text": text, "tokens": tokens, "versions": versions}],
                             view_id="ner_manual", labels=[label])
    page = open_page(serve(review).url)
    page.wait_for_selector("#versions button")
    assert "onerror=window.__xss=6" in page.text_content("#versions")
    no_markup_ran(page, "#versions img, #text img, #labels b")

    mixed = make_controller([{"text": text, "tokens": tokens, "spans": spans, "_view_id": "ner_manual"}],
                            labels=[label], extra={"views": ["ner_manual"]})
    page = open_page(serve(mixed).url)
    ui.shows(page, "and")
    assert page.locator("#text mark").get_attribute("data-label") == label
    no_markup_ran(page, "#text img, #text script, #text b, #labels b")


def accept_and_wait(page) -> str:
    """Accept the question shown, wait for the next; return the accepted text."""
    before = page.text_content("#text")
    page.keyboard.press("a")
    page.wait_for_function("t => document.getElementById('text').textContent !== t", arg=before)
    return before


def test_two_tabs_never_get_the_same_question(ui, serve, open_page, make_controller, web):
    texts = [f"Sentence number {i} is here." for i in range(6)]
    controller = make_controller([{"text": t, "spans": []} for t in texts])
    url = serve(controller, batch_size=1).url
    first, second = open_page(url), open_page(url)
    ui.shows(first, "Sentence number")
    ui.shows(second, "Sentence number")
    assert first.text_content("#text") != second.text_content("#text")
    shown = set()
    for _ in range(2):  # each tab answers what it shows, then a second question
        for page in (first, second):
            shown.add(accept_and_wait(page))
    second.wait_for_load_state("networkidle")  # no question still on its way to the tab
    second.close()  # its open question is given back...
    ui.wait_for(lambda: len(controller._open) == 1, "the closed tab's question to be released")
    for _ in range(2):  # ...and the first tab gets it
        shown.add(accept_and_wait(first))
    ui.shows(first, "No more questions")
    ui.wait_for(lambda: len(web.stored(controller)) == 6, "6 saved answers")
    saved = [t["text"] for t in web.stored(controller)]
    assert sorted(saved) == sorted(texts) and shown == set(texts)


def test_token_url_logs_the_browser_in(ui, serve, open_page, binary_controller, web):
    served = serve(binary_controller, token="s3cret")
    page = open_page(served.url)
    ui.shows(page, "wrote the first")
    assert "token" not in page.url  # the token moved into an HttpOnly cookie
    page.keyboard.press("a")
    ui.wait_for(lambda: len(web.stored(binary_controller)) == 1, "1 saved answer")
    assert open_page(served.url.split("?")[0]).text_content("body").startswith("missing or wrong")

"""Spans in the browser: offsets next to emoji and combining marks, drags that start or end in a
span, touch, and the keyboard."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# 👩‍🚀 is 3 code points (5 UTF-16 units); "e\u0301" is e + a combining acute accent
ASTRAL = "👩\u200d🚀 NASA said SpaceX launched 🛰️ Starlink for Rene\u0301 Dupont."


def char_span(text: str, phrase: str, label: str) -> dict:
    start = text.index(phrase)
    return {"start": start, "end": start + len(phrase), "label": label}


def test_binary_highlight_is_the_saved_span_next_to_emoji(ui, serve, open_page, make_controller, web):
    # the binary view sliced code point offsets as UTF-16 indices: "d Spac" for SpaceX
    tasks = [{"text": ASTRAL, "spans": [char_span(ASTRAL, "SpaceX", "ORG")]},
             {"text": ASTRAL, "spans": [char_span(ASTRAL, "Rene\u0301 Dupont", "PERSON")]}]
    controller = make_controller(tasks)
    page = open_page(serve(controller).url)
    ui.shows(page, "NASA")
    mark = page.locator("#text mark")
    assert mark.evaluate("n => n.firstChild.textContent") == "SpaceX"
    page.keyboard.press("a")
    page.wait_for_function("() => document.querySelector('#text mark').dataset.label === 'PERSON'")
    assert mark.evaluate("n => n.firstChild.textContent") == "Rene\u0301 Dupont"
    page.keyboard.press("a")
    ui.wait_for(lambda: len(web.stored(controller)) == 2, "2 saved answers")
    for line in web.stored(controller):
        span = line["spans"][0]
        assert ASTRAL[span["start"]:span["end"]] in ("SpaceX", "Rene\u0301 Dupont")


@pytest.mark.parametrize("with_tokens", [True, False])
def test_manual_spans_next_to_emoji_are_saved_where_they_are_shown(ui, serve, open_page,
                                                                   make_controller, web, with_tokens):
    task = {"text": ASTRAL, **({"tokens": web.tokens(ASTRAL)} if with_tokens else {})}
    controller = make_controller([task], view_id="ner_manual")
    page = open_page(serve(controller).url)
    ui.shows(page, "NASA")
    page.click("#labels button[data-label=ORG]")
    ui.tok(page, "SpaceX").click()
    page.click("#labels button[data-label=PERSON]")
    ui.drag(page, "Rene\u0301", "Dupont" if with_tokens else "Dupont.")  # no tokens: split at spaces
    page.keyboard.press("a")
    ui.wait_for(lambda: len(web.stored(controller)) == 1, "the saved answer")
    spans = web.stored(controller)[0]["spans"]
    shown = {s["label"]: ASTRAL[s["start"]:s["end"]] for s in spans}
    assert shown["ORG"] == "SpaceX"
    assert shown["PERSON"] in ("Rene\u0301 Dupont", "Rene\u0301 Dupont.")
    assert all(s["text"] == ASTRAL[s["start"]:s["end"]] for s in spans)


def test_drags_that_start_or_end_inside_a_span(ui, serve, open_page, manual_controller, web):
    # a press on a span used to delete it at once, and a drag ending on one stopped short
    page = open_page(serve(manual_controller).url)
    ui.shows(page, "Tim Cook visited")
    ui.drag(page, "Tim", "Cook")
    ui.drag(page, "Cook", "visited")  # starts inside "Tim Cook": the new span replaces it
    assert ui.marks(page) == [("Cook visited", "PERSON")]
    page.keyboard.press("3")
    ui.drag(page, "New", "York")
    ui.drag(page, "with", "York")  # backwards, ending inside "New York"
    assert ui.marks(page) == [("Cook visited", "PERSON"), ("York with", "GPE")]
    ui.tok(page, "with").click()  # a click on a span (no drag) still removes it
    assert ui.marks(page) == [("Cook visited", "PERSON")]


def test_touch_drag_makes_a_span(ui, serve, open_page, manual_controller, web):
    page = open_page(serve(manual_controller).url, has_touch=True, is_mobile=True,
                     viewport={"width": 420, "height": 800})
    ui.shows(page, "Tim Cook visited")
    cdp = page.context.new_cdp_session(page)

    def centre(word):
        box = ui.tok(page, word).bounding_box()
        return {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}

    start, end = centre("Tim"), centre("Cook")
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [start]})
    for step in range(1, 6):
        point = {"x": start["x"] + (end["x"] - start["x"]) * step / 5, "y": start["y"]}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_function("() => document.querySelectorAll('#text mark').length === 1")
    assert ui.marks(page) == [("Tim Cook", "PERSON")]


def test_spans_by_keyboard(ui, serve, open_page, manual_controller, web):
    page = open_page(serve(manual_controller).url)
    ui.shows(page, "Tim Cook visited")
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # Tim Cook visited [New]
    page.keyboard.press("Shift+ArrowRight")  # ... New York
    page.keyboard.press("3")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # Cook
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    assert ui.marks(page) == [("Cook", "PERSON"), ("New York", "GPE")]
    page.keyboard.press("Delete")  # the span at the cursor
    assert ui.marks(page) == [("New York", "GPE")]
    page.keyboard.press("a")
    ui.wait_for(lambda: len(web.stored(manual_controller)) == 1, "the saved answer")
    assert [(s["text"], s["label"]) for s in web.stored(manual_controller)[0]["spans"]] == [("New York", "GPE")]

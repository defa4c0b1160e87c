"""The browser loses nothing: a server restart, a dead tab, a flaky network, a broken source."""

from __future__ import annotations

import time

import pytest

from al_ner.controller import Controller
from al_ner.errors import InputError

pytestmark = pytest.mark.browser


def sentences(n: int) -> list[dict]:
    return [{"text": f"Sentence number {i} is here.", "spans": []} for i in range(n)]


def answer_shown(page, key: str = "a") -> str:
    before = page.text_content("#text")
    page.keyboard.press(key)
    page.wait_for_function("t => document.getElementById('text').textContent !== t", arg=before)
    return before


def answer_the_rest(page) -> list[str]:
    """Accept every question shown until there are no more; the texts in order."""
    given = []
    while "No more questions" not in page.text_content("#text"):
        if "Sentence" in page.text_content("#text"):
            given.append(answer_shown(page))
        else:
            page.wait_for_timeout(100)
    return given


def test_answers_given_while_the_server_was_down_are_saved_after_it_restarts(
        ui, serve, open_page, make_controller, web):
    # They used to be refused ("no open question has _task_hash ...") and so was every later
    # answer from that tab.
    port = ui.free_port()
    first = make_controller(sentences(8))
    served = serve(first, port=port, batch_size=4)
    page = open_page(served.url)
    ui.shows(page, "Sentence number 0")
    given = [answer_shown(page) for _ in range(2)]
    ui.wait_for(lambda: len(web.stored(first)) == 2, "2 saved answers")
    served.stop()
    given += [answer_shown(page, key) for key in ("x", "a", "x")]
    page.wait_for_function("() => document.getElementById('message').textContent.includes('not saved yet')")
    second = Controller(first.components | {"stream": iter(sentences(8))}, first.db, batch_size=2)
    serve(second, port=port, batch_size=4)
    ui.wait_for(lambda: len(web.stored(second)) == 5, "the 3 answers given offline", timeout=20)
    given += answer_the_rest(page)
    lines = web.stored(second)
    assert [t["text"] for t in lines] == given and len(set(given)) == 8  # none asked twice
    assert [t["answer"] for t in lines[:5]] == ["accept", "accept", "reject", "accept", "reject"]
    page.wait_for_function("() => !document.getElementById('message').textContent.includes('not saved')")


def test_a_tab_that_died_without_pagehide_gives_its_questions_back_when_its_lease_ends(
        ui, serve, open_page, make_controller, web):
    controller = make_controller(sentences(4))
    url = serve(controller, batch_size=2, lease_seconds=1).url
    dead = open_page(url)
    ui.shows(dead, "Sentence number 0")
    dead.route("**/api/release", lambda route: route.abort())  # as if it crashed: no goodbye
    dead.close()
    time.sleep(1.5)
    page = open_page(url)
    answered = set(answer_the_rest(page))
    assert len(answered) == 4  # before: two were kept by the dead tab until the server stopped
    ui.wait_for(lambda: len(web.stored(controller)) == 4, "4 saved answers")


def test_the_not_saved_message_goes_once_the_answers_are_saved(ui, serve, open_page,
                                                                binary_controller, web):
    page = open_page(serve(binary_controller).url)
    ui.shows(page, "wrote the first")
    failures = []

    def flaky(route):
        if len(failures) < 2:
            failures.append(1)
            route.abort()
        else:
            route.continue_()

    page.route("**/api/answers", flaky)
    page.keyboard.press("a")
    page.wait_for_function("() => document.getElementById('message').textContent.includes('not saved yet')")
    ui.wait_for(lambda: len(web.stored(binary_controller)) == 1, "the answer saved on a retry",
                page=page)  # the route handler runs only while Playwright waits
    page.wait_for_function("() => document.getElementById('message').textContent === 'Every answer is saved.'")


def test_a_source_that_breaks_is_shown_not_no_more_questions(ui, serve, open_page, make_controller,
                                                             web):
    def stream():
        yield from sentences(2)
        raise InputError("invalid JSON (Expecting value at column 10)", path="news.jsonl", line=3)

    # The tab asks for more as soon as it shows the first question (it keeps two ahead), so the
    # source breaks before anyone answers: wait for that, not for an answer to race it.
    page = open_page(serve(make_controller(stream(), total=0), batch_size=2).url)
    ui.shows(page, "server stopped")
    assert "news.jsonl:3: invalid JSON" in page.text_content("#text")
    assert "No more questions" not in page.text_content("#text")

"""The browser loses nothing: a server restart, a dead tab, a flaky network, a broken source."""

from __future__ import annotations

import pytest

from al_ner.controller import Controller
from al_ner.errors import InputError

pytestmark = pytest.mark.browser


class Clock:
    """The controller's clock, moved by the test: leases run out when the test says so."""

    now = 0.0

    def __call__(self) -> float:
        return self.now


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
    while True:
        page.wait_for_function(
            "() => /Sentence|No more questions/.test(document.getElementById('text').textContent)")
        if "No more questions" in page.text_content("#text"):
            return given
        given.append(answer_shown(page))


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
    ui.wait_for(lambda: len(web.stored(second)) == 8, "the last answer, sent as it was given")
    lines = web.stored(second)
    assert [t["text"] for t in lines] == given and len(set(given)) == 8  # none asked twice
    assert [t["answer"] for t in lines[:5]] == ["accept", "accept", "reject", "accept", "reject"]
    page.wait_for_function("() => !document.getElementById('message').textContent.includes('not saved')")


def test_a_tab_that_died_without_pagehide_gives_its_questions_back_when_its_lease_ends(
        ui, serve, open_page, make_controller, web):
    clock = Clock()  # the lease runs out when the test moves the clock, not after a sleep
    controller = make_controller(sentences(4), clock=clock)
    url = serve(controller, batch_size=2).url
    dead = open_page(url)
    ui.shows(dead, "Sentence number 0")
    dead.route("**/api/release", lambda route: route.abort())  # as if it crashed: no goodbye
    dead.close()
    clock.now = 1000
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


def test_a_tab_back_after_its_lease_ran_out_drops_what_another_session_took(
        ui, serve, open_page, make_controller, web):
    clock = Clock()
    controller = make_controller(sentences(4), clock=clock)
    url = serve(controller, batch_size=1, lease_seconds=3).url  # a tab holds two questions
    bob = open_page(url + "?session=bob")
    ui.shows(bob, "Sentence number 0")
    refused: list[int] = []
    bob.route("**/api/renew", lambda route: (refused.append(1), route.abort()))  # asleep
    ui.wait_for(lambda: refused, "a renewal that never arrives", page=bob)  # none in flight
    clock.now = 1000  # bob's two leases run out
    alice = open_page(url + "?session=alice")
    ui.shows(alice, "Sentence number")
    assert alice.text_content("#text")[16] in "01"  # bob's questions went to alice
    bob.unroute("**/api/renew")  # awake: bob's next renewal is refused for alice's questions
    ui.shows(bob, "Sentence number 2")  # before: bob kept (and renewed) alice's questions
    assert "went to another session" in bob.text_content("#message")
    bob.keyboard.press("a")
    for _ in range(2):
        answer_shown(alice)
    ui.wait_for(lambda: len(web.stored(controller)) == 3, "3 saved answers")
    assert sorted((t["text"][16], t["_session_id"]) for t in web.stored(controller)) == [
        ("0", f"{web.DATASET}-alice"), ("1", f"{web.DATASET}-alice"), ("2", f"{web.DATASET}-bob")]


def test_after_a_restart_a_tab_undoes_only_its_own_session_s_answers(
        ui, serve, open_page, make_controller, web):
    port = ui.free_port()
    first = make_controller(sentences(4))
    served = serve(first, port=port, batch_size=1)  # a tab holds two questions
    page, named = open_page(served.url), open_page(served.url + "?session=ann")
    ui.shows(page, "Sentence number")
    ui.shows(named, "Sentence number")
    answer_shown(page)
    answer_shown(named)
    ui.wait_for(lambda: len(web.stored(first)) == 2, "2 saved answers")
    served.stop()
    second = Controller(first.components | {"stream": iter(sentences(4))}, first.db, batch_size=2)
    serve(second, port=port, batch_size=1)
    named.keyboard.press("Backspace")  # a named session is the same session after a restart
    named.wait_for_function(
        "() => document.getElementById('message').textContent === 'Answer this question again.'")
    answer_shown(named, "x")
    page.keyboard.press("Backspace")  # the unnamed one is a new session: its answer isn't its own
    page.wait_for_function("() => document.getElementById('message').textContent.includes("
                           "'a session undoes only its own answers')")
    ui.wait_for(lambda: len(web.stored(second)) == 3, "the named session's new answer")
    lines = [(t["_session_id"], t["answer"]) for t in web.stored(second)]
    assert sorted(lines[:2]) == sorted([(first.session_id, "accept"), (f"{web.DATASET}-ann", "accept")])
    assert lines[2] == (f"{web.DATASET}-ann", "reject")  # before: the unnamed tab's undo was asked
    assert len(second.db.get_answers(web.DATASET)) == 2  # again and saved beside the first answer


def test_with_validate_answer_a_question_another_session_took_is_dropped_not_stuck(
        ui, serve, open_page, make_controller, web):
    clock = Clock()
    controller = make_controller(sentences(4), clock=clock, extra={"validate_answer": lambda eg: None})
    url = serve(controller, batch_size=1).url  # renewals every 30 s: none during the test
    bob = open_page(url + "?session=bob")
    ui.shows(bob, "Sentence number")
    held = bob.text_content("#text")
    clock.now = 1000  # bob's leases run out, and alice takes his questions
    alice = open_page(url + "?session=alice")
    ui.shows(alice, "Sentence number")
    bob.keyboard.press("a")  # the recipe's check refuses it: the question is alice's now
    bob.wait_for_function("t => document.getElementById('text').textContent !== t", arg=held)
    assert "went to another session" in bob.text_content("#message")  # before: stuck on it
    assert web.stored(controller) == []

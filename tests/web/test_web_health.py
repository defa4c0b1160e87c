"""The health check in the web app: the progress data carries it and the header shows it.

Kept apart from test_web_browser.py (the web app is being reworked); its own small browser fixture.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from al_ner.annotators.web_app import create_app

CHROMIUM = Path(os.environ.get("AL_NER_CHROMIUM", "/usr/bin/chromium"))
HEALTH = {"n": 12, "level": 0.95, "warning": "worse",
          "f1": {"value": 0.4, "low": 0.2, "high": 0.6},
          "base_f1": {"value": 0.7, "low": 0.5, "high": 0.9},
          "diff": {"value": -0.3, "low": -0.5, "high": -0.1}}


def test_the_api_s_progress_carries_the_health_check(make_controller, web) -> None:
    from starlette.testclient import TestClient

    controller = make_controller(web.binary_tasks())
    controller.components["health"] = lambda: HEALTH
    client = TestClient(create_app(controller))
    assert client.get("/api/session").json()["progress"]["health"] == HEALTH


STOPPING = {"kappas": [0.995, 0.998, 0.999], "comparisons": 5, "stop_set": 150, "stable": True,
            "control": True, "stop": True, "learns": True, "threshold": 0.99, "control_questions": True}


def header_text(serve, make_controller, web, health: dict) -> str:
    """The health item of the header as a browser shows it for this progress entry."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium, or set AL_NER_CHROMIUM")
    controller = make_controller(web.binary_tasks())
    controller.components["health"] = lambda: health
    url = serve(controller).url
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(url)
        page.wait_for_selector("#health", timeout=10_000)
        text = page.text_content("#health")
        browser.close()
    assert errors == []
    return text


@pytest.mark.browser
def test_the_header_shows_the_estimate_and_the_warning(serve, make_controller, web) -> None:
    text = header_text(serve, make_controller, web, HEALTH)
    assert "F1 0.400 [0.200, 0.600] vs base 0.700 [0.500, 0.900] on 12 control answers" in text
    assert text.startswith("⚠") and "worse than the base model" in text


@pytest.mark.browser
def test_the_header_says_when_you_can_stop_and_who_asks_next(serve, make_controller, web) -> None:
    text = header_text(serve, make_controller, web, {"stopping": STOPPING,
                                                     "arms": {"al_ner.random.v1": 0.4, "al_ner.mnlp.v1": 0.6}})
    assert text == "✔ you can stop · next question: mnlp 60%, random 40%"
    waiting = header_text(serve, make_controller, web, {**HEALTH, "warning": "", "stopping": {
        **STOPPING, "stop": False, "stable": False}})
    assert waiting.endswith("on 12 control answers · stopping rule: not yet")

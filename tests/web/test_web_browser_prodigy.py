"""Recipes written in the style of Prodigy's docs (tests/prodigy_compat/recipes), served to a
headless Chromium: the config's labels, validate_answer's message, a progress function, the
classification view with its config settings."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from al_ner.controller import Controller
from al_ner.storage import get_db

pytestmark = pytest.mark.browser
RECIPES = Path(__file__).parents[1] / "prodigy_compat" / "recipes"


def recipe_module(name: str):
    spec = importlib.util.spec_from_file_location(f"compat_web_{name}", RECIPES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def source(tmp_path, *texts) -> Path:
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps({"text": text}) + "\n" for text in texts))
    return path


def test_validate_answer_message_keeps_the_question_until_fixed(ui, serve, open_page, tmp_path):
    manual = recipe_module("manual_style").manual
    components = manual("strict", "blank:en", str(source(tmp_path, "Acme hired Ann .", "Rain fell .")),
                        label=["ORG", "PERSON"], strict=True)
    db = get_db(tmp_path / "db")
    controller = Controller(components, db)
    page = open_page(serve(controller).url)
    ui.shows(page, "Acme hired")
    assert [b.get_attribute("data-label") for b in page.locator("#labels button").all()] == ["ORG", "PERSON"]
    page.keyboard.press("a")  # accept without any entity: the recipe refuses it
    page.wait_for_function("() => document.getElementById('message').textContent.includes('Accepted without')")
    assert page.text_content("#message") == "Accepted without any entity: mark one, or reject the text."
    ui.shows(page, "Acme hired")  # still the same question, nothing saved
    assert not db.exists("strict")
    ui.tok(page, "Acme").click()  # ORG is the active label
    page.keyboard.press("a")
    ui.shows(page, "Rain fell")
    ui.wait_for(lambda: db.exists("strict") and db.count("strict") == 1, "the fixed answer saved", page=page)
    (saved,) = db.get_examples("strict")
    assert [(s["start"], s["end"], s["label"]) for s in saved["spans"]] == [(0, 4, "ORG")]


def test_progress_function_drives_the_bar(ui, serve, open_page, make_controller, web):
    controller = make_controller(web.binary_tasks(), extra={
        "progress": lambda ctrl, loss: ctrl.answered / 8})
    page = open_page(serve(controller).url)
    ui.shows(page, "wrote the first")
    page.keyboard.press("a")
    page.wait_for_function("() => document.getElementById('progress-text').textContent.startsWith('13 %')")
    assert page.text_content("#progress-text") == "13 % · 1 answered"


def test_classification_view_with_its_config(ui, serve, open_page, tmp_path):
    classify = recipe_module("db_style").classify
    components = classify("topics", str(source(tmp_path, "Acme hired Ann .", "Rain fell .")), label="TECH")
    db = get_db(tmp_path / "db")
    page = open_page(serve(Controller(components, db)).url)
    ui.shows(page, "Acme hired")
    assert page.text_content("#text .task-label") == "TECH"
    assert page.text_content(".config-label") == "TECH"
    assert page.is_hidden("#btn-ignore") and page.is_visible("#btn-reject")
    page.keyboard.press("Space")  # ignore is not among the recipe's buttons
    page.keyboard.press("x")
    ui.shows(page, "Rain fell")
    ui.wait_for(lambda: db.exists("topics"), "the answer saved", page=page)
    assert [(eg["label"], eg["answer"]) for eg in db.get_examples("topics")] == [("TECH", "reject")]

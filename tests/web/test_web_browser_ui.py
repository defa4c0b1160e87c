"""What the page shows and how it answers keys: contrast, focus, layout, RTL, undo, totals,
the history sidebar, the flag, help, the progress bar and named sessions."""

from __future__ import annotations

import json

import pytest

from al_ner.storage import get_db
from al_ner.stream import get_stream
from al_ner.stream.hashing import set_hash
from al_ner.stream.progress import SourceProgress

pytestmark = pytest.mark.browser

CONTRAST = """selectors => {
  const parse = (c) => {
    let m = c.match(/^rgba?\\(([^)]+)\\)/);
    if (m) { const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; }
    m = c.match(/^color\\(srgb ([\\d.]+) ([\\d.]+) ([\\d.]+)(?: \\/ ([\\d.]+))?\\)/);
    if (m) return [m[1] * 255, m[2] * 255, m[3] * 255, m[4] === undefined ? 1 : Number(m[4])];
    throw new Error(`can't read colour ${c}`);
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const background = (node) => {
    const layers = [];
    for (let n = node; n; n = n.parentElement) {
      const bg = parse(getComputedStyle(n).backgroundColor);
      if (bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
    }
    return layers.reverse().reduce((under, layer) => over(layer, under), [255, 255, 255, 1]);
  };
  const opacity = (node) => { let o = 1; for (let n = node; n; n = n.parentElement) o *= Number(getComputedStyle(n).opacity); return o; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                       return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const out = [];
  for (const sel of selectors) for (const node of document.querySelectorAll(sel)) {
    const bg = background(node), fg = parse(getComputedStyle(node).color);
    const seen = over([fg[0], fg[1], fg[2], fg[3] * opacity(node)], bg);
    const [a, b] = [lum(seen), lum(bg)].sort((x, y) => y - x);
    out.push([sel, (node.textContent || "").trim().slice(0, 12), Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100]);
  }
  return out;
}"""
TEXT_SELECTORS = ["#buttons button:not(:disabled) span", "#buttons button:not(:disabled) kbd",
                  "#text .tag", "#progress-text", ".dataset", ".counts .count", ".help", ".meta span",
                  "#history .hint", "#labels button"]
LABELS = [f"L{i}" for i in range(10)]


def low_contrast(page) -> list:
    return [row for row in page.evaluate(CONTRAST, TEXT_SELECTORS) if row[2] < 4.5]


def test_text_meets_wcag_aa_contrast(ui, serve, open_page, make_controller, web):
    # white on the green and grey buttons was 3.3-3.5:1, label tags 2.5-3.3:1, key hints less
    words = " ".join(f"w{i}" for i in range(10))
    spans = [{"start": 3 * i, "end": 3 * i + 2, "label": f"L{i}"} for i in range(10)]
    controller = make_controller([{"text": words, "spans": spans, "meta": {"score": 0.5}}] * 1,
                                 labels=LABELS)
    page = open_page(serve(controller).url)
    ui.shows(page, "w0")
    assert page.locator("#text .tag").count() == 10
    assert low_contrast(page) == []
    manual = make_controller([{"text": words, "tokens": web.tokens(words)}], view_id="ner_manual",
                             labels=LABELS)
    page = open_page(serve(manual).url)
    ui.shows(page, "w0")
    page.click("#labels button[data-label=L2]")
    assert low_contrast(page) == []


def test_space_on_a_focused_button_presses_it(ui, serve, open_page, binary_controller, web):
    # the page's Space shortcut (ignore) used to win over the focused button
    page = open_page(serve(binary_controller).url)
    ui.shows(page, "wrote the first")
    page.focus("#btn-reject")
    page.keyboard.press("Space")
    ui.wait_for(lambda: len(web.stored(binary_controller)) == 1, "the saved answer")
    assert web.stored(binary_controller)[0]["answer"] == "reject"


def test_the_answer_bar_stays_in_view_on_long_texts(ui, serve, open_page, make_controller):
    text = " ".join(["A long sentence about Acme and its many subsidiaries."] * 80)
    page = open_page(serve(make_controller([{"text": text, "spans": []}])).url)
    ui.shows(page, "subsidiaries")
    in_view = "() => { const r = document.getElementById('buttons').getBoundingClientRect(); " \
              "return r.top >= 0 && r.bottom <= window.innerHeight + 1; }"
    assert page.evaluate(in_view)
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(100)
    assert page.evaluate(in_view)


def test_right_to_left_text_is_right_to_left(ui, serve, open_page, make_controller):
    text = "חברת אקמה פתחה משרד בתל אביב."
    page = open_page(serve(make_controller([{"text": text, "spans": [{"start": 5, "end": 9, "label": "ORG"}]}])).url)
    ui.shows(page, "אקמה")
    assert page.evaluate("getComputedStyle(document.getElementById('text')).direction") == "rtl"


def test_undo_is_disabled_when_there_is_nothing_to_undo(ui, serve, open_page, binary_controller):
    page = open_page(serve(binary_controller).url)
    ui.shows(page, "wrote the first")
    assert page.is_disabled("#btn-undo")
    page.keyboard.press("a")
    ui.shows(page, "opened a store")
    assert page.is_enabled("#btn-undo")
    page.click("#btn-undo")
    ui.shows(page, "wrote the first")
    page.wait_for_function("() => document.getElementById('btn-undo').disabled")


def test_the_header_shows_the_dataset_total_beside_this_run(ui, serve, open_page, make_controller,
                                                           tmp_path, web):
    earlier = [set_hash({"text": f"Earlier {i}.", "answer": "accept"}) for i in range(3)]
    get_db(tmp_path / "db").add_examples(web.DATASET, earlier)
    page = open_page(serve(make_controller(web.binary_tasks())).url)
    ui.shows(page, "wrote the first")
    assert page.text_content("#dataset-total") == "3"  # counts used to start from 0 each run
    page.keyboard.press("a")
    page.wait_for_function("() => document.getElementById('dataset-total').textContent === '4'")
    assert page.text_content("#count-accept") == "1"


def test_the_history_sidebar_revisits_an_answer(ui, serve, open_page, binary_controller, web):
    page = open_page(serve(binary_controller).url)
    ui.shows(page, "wrote the first")
    for key, next_text in (("a", "opened a store"), ("x", "flows through"), ("a", "Grace Hopper")):
        page.keyboard.press(key)
        ui.shows(page, next_text)
    items = page.locator("#history-list li")
    assert items.count() == 3 and "flows through" in items.nth(0).text_content()
    items.nth(2).click()  # the oldest: Ada Lovelace, accepted
    ui.shows(page, "wrote the first")
    page.keyboard.press("x")
    ui.shows(page, "Grace Hopper")
    ui.wait_for(lambda: len(web.stored(binary_controller)) == 4, "4 saved answers")
    latest = {t["text"].split()[0]: t["answer"] for t in binary_controller.db.get_answers(web.DATASET)}
    assert latest == {"Ada": "reject", "Apple": "reject", "The": "accept"}


def test_the_flag_key_flags_the_answer(ui, serve, open_page, binary_controller, web):
    page = open_page(serve(binary_controller).url)
    ui.shows(page, "wrote the first")
    page.keyboard.press("f")
    assert page.get_attribute("#btn-flag", "aria-pressed") == "true"
    page.keyboard.press("a")
    ui.shows(page, "opened a store")
    assert page.get_attribute("#btn-flag", "aria-pressed") == "false"
    page.keyboard.press("a")
    ui.wait_for(lambda: len(web.stored(binary_controller)) == 2, "2 saved answers")
    assert [t.get("flagged") for t in web.stored(binary_controller)] == [True, None]


def test_the_help_overlay_lists_every_key_and_the_instructions(ui, serve, open_page,
                                                              make_controller, web):
    controller = make_controller(web.manual_tasks(), view_id="ner_manual",
                                 extra={"instructions": "Mark every company, nothing else."})
    page = open_page(serve(controller).url)
    ui.shows(page, "Tim Cook")
    page.keyboard.press("?")
    overlay = page.locator("#help-overlay")
    assert overlay.is_visible()
    text = overlay.text_content()
    assert "Mark every company, nothing else." in text
    for key in ("backspace", "space", "enter", "delete", "1–9", "f", "esc"):
        assert key in text
    page.keyboard.press("a")  # keys don't answer behind the overlay
    page.keyboard.press("Escape")
    assert not overlay.is_visible() and web.stored(controller) == []


def test_a_progress_bar_whenever_the_source_size_is_known(ui, serve, open_page, make_controller,
                                                          tmp_path):
    # counted, never estimated: questions when each record is one, else texts (the position is
    # then the records read: the tab's batch holds all four)
    for exact, shown in ((True, "1 / 4"), (False, "4 / 4 texts")):
        source = tmp_path / f"src-{exact}.jsonl"
        source.write_text("".join(json.dumps({"text": f"Sentence number {i} is here ({exact})."}) + "\n"
                                  for i in range(4)))
        progress = SourceProgress(str(source), exact=exact)
        progress.wait(5)
        stream = progress.wrap(get_stream(str(source)))
        controller = make_controller(stream, extra={"progress": progress})
        page = open_page(serve(controller).url)
        ui.shows(page, "Sentence number 0")
        page.keyboard.press("a")
        page.wait_for_function("t => document.getElementById('progress-text').textContent === t", arg=shown)
        assert page.is_visible("#progress-track")


def test_named_sessions_with_feed_overlap_each_see_every_question(ui, serve, open_page,
                                                                  make_controller, web):
    tasks = [{"text": f"Sentence number {i} is here.", "spans": []} for i in range(2)]
    controller = make_controller(tasks, extra={"config": {"feed_overlap": True}})
    url = serve(controller).url
    alice, bob = open_page(url + "?session=alice"), open_page(url + "?session=bob")
    for page, key in ((alice, "a"), (bob, "x")):
        ui.shows(page, "Sentence number 0")
        page.keyboard.press(key)
        ui.shows(page, "Sentence number 1")
    assert alice.text_content("#session-name") == "session alice"
    ui.wait_for(lambda: len(web.stored(controller)) == 2, "2 saved answers")
    saved = {(t["_annotator_id"], t["_session_id"], t["answer"]) for t in web.stored(controller)}
    assert saved == {(f"{web.DATASET}-alice", f"{web.DATASET}-alice", "accept"),
                     (f"{web.DATASET}-bob", f"{web.DATASET}-bob", "reject")}


def test_the_choice_view_of_eval_ab(ui, serve, open_page, make_controller, web):
    text = "Globex sued Acme in Ohio ."
    options = [{"id": 1, "spans": [{"start": 12, "end": 16, "label": "ORG"}]},
               {"id": 2, "spans": [{"start": 0, "end": 6, "label": "ORG"}, {"start": 12, "end": 16, "label": "ORG"}]}]
    controller = make_controller([{"text": text, "options": options, "mapping": {"1": "A", "2": "B"}}],
                                 view_id="choice", labels=["ORG"])
    page = open_page(serve(controller).url)
    page.wait_for_selector("#options .option")
    assert page.locator("#options .option").count() == 2
    assert [m.evaluate("n => n.firstChild.textContent") for m in page.locator("#options mark").all()] == [
        "Acme", "Globex", "Acme"]
    assert page.text_content("#meta") == "" and page.is_hidden("#btn-accept")  # blind: no mapping shown
    page.keyboard.press("2")
    ui.wait_for(lambda: len(web.stored(controller)) == 1, "the saved choice")
    saved = web.stored(controller)[0]
    assert (saved["answer"], saved["accept"], saved["mapping"]["2"]) == ("accept", [2], "B")


def test_review_versions_can_be_picked(ui, serve, open_page, make_controller, web):
    text = "Tim Cook visited New York with IBM staff."
    one = [web.span(text, "Tim Cook", "PERSON")]
    two = one + [web.span(text, "New York", "GPE")]
    versions = [{"answer": "accept", "spans": two, "sessions": ["ds-bob", "ds-carol"], "default": True},
                {"answer": "accept", "spans": one, "sessions": ["ds-alice"], "default": False}]
    controller = make_controller([{"text": text, "tokens": web.tokens(text), "spans": two,
                                   "versions": versions}], view_id="ner_manual")
    page = open_page(serve(controller).url)
    ui.shows(page, "Tim Cook")
    assert ui.marks(page) == [("Tim Cook", "PERSON"), ("New York", "GPE")]
    assert "ds-bob, ds-carol" in page.text_content("#versions")
    page.locator("#versions button", has_text="ds-alice").click()
    assert ui.marks(page) == [("Tim Cook", "PERSON")]
    page.keyboard.press("a")
    ui.wait_for(lambda: len(web.stored(controller)) == 1, "the saved resolution")
    saved = web.stored(controller)[0]
    assert [s["text"] for s in saved["spans"]] == ["Tim Cook"] and len(saved["versions"]) == 2
